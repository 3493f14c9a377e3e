/*
 * test_catalog.c - unit tests for compiler/catalog.c, compiler/connectors.c
 * and compiler/functions.c: CREATE TABLE option validation (happy and
 * unhappy paths, with the exact diagnostic codes and texts), ${VAR}
 * expansion and secrets, duplicates, DROP, DESCRIBE, option parsers, and
 * the function registry's return-type rules.
 *
 * The tests build the AST by hand (spans point into a real source text),
 * so they do not depend on the parser.
 */
#include "runtime/fsql.h"
#include "compiler/catalog.h"
#include "compiler/compile.h"
#include "compiler/functions.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tiny AST builder over a source text ------------------------------ */

static CompileCtx CC;

static void ctx_begin(const char *src)
{
    compile_init(&CC);
    CC.src = src;
    CC.src_len = strlen(src);
    CC.path = "t.sql";
    CC.base_dir = ".";
    CC.src_id = diaglist_add_source(&CC.diags, "t.sql", src, CC.src_len);
    CC.diags.cur_src = CC.src_id;
}

static void ctx_end(void)
{
    compile_fini(&CC);
}

static SrcSpan span_at(const char *p, size_t len)
{
    return (SrcSpan){(uint32_t)(p - CC.src), (uint32_t)len};
}

/* Span of the first occurrence of needle at or after from. */
static SrcSpan find_span(const char *from, const char *needle)
{
    const char *p = strstr(from, needle);
    FSQL_ASSERT(p);
    return span_at(p, strlen(needle));
}

static AstNode *node(AstKind k, SrcSpan at)
{
    AstNode *n = ARENA_NEW(&CC.a, AstNode);
    n->kind = k;
    n->at = at;
    return n;
}

static void push(AstList *l, AstNode *n)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        AstNode **items = ARENA_NEW_ARRAY(&CC.a, AstNode *, cap);
        if (l->n)
            memcpy(items, l->items, sizeof(AstNode *) * l->n);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = n;
}

static Str str_of(SrcSpan s)
{
    return (Str){CC.src + s.off, s.len};
}

static QName qname(SrcSpan at)
{
    QName q;
    q.n_parts = 1;
    q.parts = ARENA_NEW(&CC.a, Ident);
    q.parts[0].name = str_of(at);
    q.parts[0].at = at;
    q.at = at;
    return q;
}

static SqlType *type_by_name(const char *t)
{
    Arena *a = &CC.a;
    if (strcmp(t, "BIGINT") == 0)
        return type_new(a, T_BIGINT);
    if (strcmp(t, "INT") == 0)
        return type_new(a, T_INT);
    if (strcmp(t, "STRING") == 0)
        return type_new_varchar(a, VARCHAR_MAX);
    if (strcmp(t, "TIMESTAMP(3)") == 0)
        return type_new_timestamp(a, T_TIMESTAMP, 3);
    if (strcmp(t, "TIME") == 0)
        return type_new_timestamp(a, T_TIME, 0);
    if (strcmp(t, "DECIMAL(15,2)") == 0)
        return type_new_decimal(a, 15, 2);
    FSQL_ASSERT(!"type");
    return NULL;
}

/* Build CREATE TABLE from src: the table name follows "CREATE TABLE ";
 * columns are the lines "name TYPE," up to PRIMARY KEY/WATERMARK/")";
 * "name AS PROCTIME()" is a computed column; PRIMARY KEY (a) and
 * WATERMARK FOR c AS expr are recognised; options are the 'k' = 'v'
 * pairs after "WITH (". */
static AstNode *create_table(void)
{
    const char *src = CC.src;
    const char *p = strstr(src, "CREATE TABLE ");
    FSQL_ASSERT(p);
    p += strlen("CREATE TABLE ");
    const char *e = p;
    while (*e != ' ' && *e != '(')
        e++;
    AstNode *n = node(AST_CREATE_TABLE, span_at(src, strlen(src)));
    AstCreateTable *ct = &n->u.create_table;
    ct->name = qname(span_at(p, (size_t)(e - p)));
    if (strstr(src, "IF NOT EXISTS"))
        ct->if_not_exists = true;
    /* columns: one per line */
    const char *line = strchr(e, '\n') + 1;
    while (*line && *line != ')') {
        const char *eol = strchr(line, '\n');
        while (*line == ' ')
            line++;
        if (strncmp(line, "PRIMARY KEY (", 13) == 0) {
            const char *c = line + 13;
            const char *ce = strchr(c, ')');
            AstNode *r = node(AST_COLUMN_REF, span_at(c, (size_t)(ce - c)));
            r->u.column_ref.name = qname(r->at);
            push(&ct->primary_key, r);
            ct->pk_at = span_at(line, (size_t)(ce + 1 - line));
        } else if (strncmp(line, "WATERMARK FOR ", 14) == 0) {
            const char *c = line + 14;
            const char *ce = strchr(c, ' ');
            AstNode *w = node(AST_WATERMARK_DEF, span_at(line, 10));
            w->u.watermark_def.column.name = (Str){c, (size_t)(ce - c)};
            w->u.watermark_def.column.at = span_at(c, (size_t)(ce - c));
            const char *x = strstr(ce, "AS ") + 3;
            const char *xe = eol;
            while (xe[-1] == ',')
                xe--;
            w->u.watermark_def.expr =
                node(AST_BINARY, span_at(x, (size_t)(xe - x)));
            ct->watermark = w;
        } else if (line < eol) {
            const char *ne = strchr(line, ' ');
            AstNode *c =
                node(AST_COLUMN_DEF, span_at(line, (size_t)(eol - line)));
            AstColumnDef *cd = &c->u.column_def;
            cd->name.name = (Str){line, (size_t)(ne - line)};
            cd->name.at = span_at(line, (size_t)(ne - line));
            const char *ty = ne + 1;
            if (strncmp(ty, "AS ", 3) == 0) {
                cd->col_kind = COL_COMPUTED;
                const char *x = ty + 3;
                const char *xe = eol;
                while (xe[-1] == ',')
                    xe--;
                AstNode *call =
                    node(AST_FUNC_CALL, span_at(x, (size_t)(xe - x)));
                const char *paren = strchr(x, '(');
                call->u.func_call.name = qname(span_at(x, (size_t)(paren - x)));
                cd->expr = call;
            } else {
                char buf[32];
                size_t tl = (size_t)(eol - ty);
                while (tl && ty[tl - 1] == ',')
                    tl--;
                memcpy(buf, ty, tl);
                buf[tl] = 0;
                cd->col_kind = COL_PHYSICAL;
                cd->type = ARENA_NEW(&CC.a, TypeName);
                cd->type->type = type_by_name(buf);
                cd->type->at = span_at(ty, tl);
            }
            push(&ct->columns, c);
        }
        line = eol + 1;
    }
    /* options */
    const char *w = strstr(line, "WITH (");
    if (w) {
        const char *q = w + 6;
        for (;;) {
            const char *k1 = strchr(q, '\'');
            if (!k1)
                break;
            const char *k2 = strchr(k1 + 1, '\'');
            const char *v1 = strchr(k2 + 1, '\'');
            const char *v2 = strchr(v1 + 1, '\'');
            AstNode *o = node(AST_OPTION, span_at(k1, (size_t)(v2 + 1 - k1)));
            o->u.option.key = (Str){k1 + 1, (size_t)(k2 - k1 - 1)};
            o->u.option.value = (Str){v1 + 1, (size_t)(v2 - v1 - 1)};
            o->u.option.key_at = span_at(k1, (size_t)(k2 + 1 - k1));
            o->u.option.value_at = span_at(v1, (size_t)(v2 + 1 - v1));
            push(&ct->options, o);
            q = v2 + 1;
        }
    }
    return n;
}

/* Build, finish and add the table in CC.src; returns it. */
static CatTable *declare(void)
{
    AstNode *n = create_table();
    CatTable *t = catalog_table_build(&CC, n);
    catalog_table_finish(&CC, t);
    catalog_add_table(&CC, t, n->u.create_table.if_not_exists,
                      n->u.create_table.name.at);
    return t;
}

static const Diag *diag_n(uint32_t i)
{
    return i < CC.diags.n ? &CC.diags.items[i] : NULL;
}

#define EXPECT_DIAG(i, code_, msg_)                                            \
    do {                                                                       \
        const Diag *d_ = diag_n(i);                                            \
        UNIT_REQUIRE(d_ != NULL);                                              \
        UNIT_EQ_STR(diag_code_name(d_->code), diag_code_name(code_));          \
        UNIT_EQ_STR(d_->msg, msg_);                                            \
    } while (0)

/* The rendered diagnostics, as fsql prints them. */
static char *rendered(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag_render(&CC.diags, f, false);
    fclose(f);
    return buf;
}

/* The text under a diagnostic's span. */
static char *span_text(const Diag *d)
{
    static char buf[256];
    size_t n = d->at.len < sizeof(buf) - 1 ? d->at.len : sizeof(buf) - 1;
    memcpy(buf, CC.src + d->at.off, n);
    buf[n] = 0;
    return buf;
}

/* ---- tests ------------------------------------------------------------- */

static const char *const SEED_TXN =
    "CREATE TABLE transaction_stream (\n"
    "transaction_id BIGINT,\n"
    "user_id BIGINT,\n"
    "amount DECIMAL(15,2),\n"
    "transaction_time TIMESTAMP(3),\n"
    "location STRING,\n"
    "WATERMARK FOR transaction_time AS transaction_time - INTERVAL '10' "
    "SECOND\n"
    ") WITH (\n"
    "'connector' = 'kafka',\n"
    "'topic' = 'financial-transactions',\n"
    "'properties.bootstrap.servers' = 'localhost:9092',\n"
    "'format' = 'json',\n"
    "'scan.startup.mode' = 'latest-offset'\n"
    ");";

static void catalog_kafka_ok(void)
{
    ctx_begin(SEED_TXN);
    CatTable *t = declare();
    UNIT_EQ_INT(CC.diags.n, 0);
    UNIT_CHECK(!t->has_errors);
    UNIT_REQUIRE(t->conn != NULL);
    UNIT_EQ_STR(t->conn->name, "kafka");
    UNIT_REQUIRE(t->fmt != NULL);
    UNIT_EQ_STR(t->fmt->name, "json");
    UNIT_EQ_INT(t->watermark_col, 3);
    UNIT_EQ_STR(type_to_string(&CC.a, t->cols[3].type),
                "TIMESTAMP(3) *ROWTIME*");
    UNIT_CHECK(catalog_find_table(CC.cat, STR_LIT("TRANSACTION_STREAM")) == t);
    UNIT_CHECK(catalog_find_table(CC.cat, STR_LIT("db.transaction_stream")) ==
               t);
    UNIT_EQ_STR(catalog_table_option(t, "topic"), "financial-transactions");
    UNIT_EQ_STR(catalog_table_option(t, "sink.partitioner"), NULL);
    UNIT_EQ_STR(catalog_table_option_or_default(t, "sink.partitioner"),
                "default");
    UNIT_EQ_STR(catalog_table_option_or_default(t, "json.ignore-parse-errors"),
                "false");
    ctx_end();
}

static void catalog_jdbc_seed(void)
{
    ctx_begin("CREATE TABLE user_risk_profile (\n"
              "user_id BIGINT,\n"
              "risk_score INT,\n"
              "last_update_time TIMESTAMP(3),\n"
              "PRIMARY KEY (user_id)\n"
              ") WITH (\n"
              "'connector' = 'jdbc',\n"
              "'url' = 'jdbc:mysql://localhost:3306/risk_db',\n"
              "'table-name' = 'user_risk_profiles',\n"
              "'lookup.cache.max-rows' = '100000',\n"
              "'lookup.cache.ttl' = '30min'\n"
              ");");
    CatTable *t = declare();
    UNIT_EQ_INT(CC.diags.n, 0);
    UNIT_EQ_INT(t->n_pk, 1);
    UNIT_EQ_INT(t->pk_cols[0], 0);
    UNIT_CHECK(!t->cols[0].type->is_nullable);
    UNIT_CHECK(t->conn && t->conn->is_lookup);
    StrBuf sb;
    strbuf_init(&sb);
    UNIT_CHECK(catalog_describe(CC.cat, STR_LIT("user_risk_profile"), &sb));
    UNIT_EQ_STR(strbuf_cstr(&sb),
                "+------------------+--------------+-------+--------------+"
                "--------+-----------+\n"
                "|             name |         type |  null |          key |"
                " extras | watermark |\n"
                "+------------------+--------------+-------+--------------+"
                "--------+-----------+\n"
                "|          user_id |       BIGINT | FALSE | PRI(user_id) |"
                "        |           |\n"
                "|       risk_score |          INT |  TRUE |              |"
                "        |           |\n"
                "| last_update_time | TIMESTAMP(3) |  TRUE |              |"
                "        |           |\n"
                "+------------------+--------------+-------+--------------+"
                "--------+-----------+\n"
                "3 rows in set\n");
    strbuf_fini(&sb);
    ctx_end();
}

static void catalog_unknown_connector(void)
{
    ctx_begin("CREATE TABLE t (\n"
              "a INT\n"
              ") WITH (\n"
              "'connector' = 'kafak',\n"
              "'topic' = 'x'\n"
              ");");
    CatTable *t = declare();
    UNIT_CHECK(t->has_errors);
    UNIT_EQ_INT(CC.diags.n_errors, 1);
    EXPECT_DIAG(0, DIAG_E_UNKNOWN_CONNECTOR, "unknown connector 'kafak'");
    UNIT_EQ_STR(span_text(diag_n(0)), "'kafak'");
    UNIT_EQ_STR(diag_n(0)->hint, "Did you mean 'kafka'?");
    UNIT_EQ_STR(diag_n(0)->detail,
                "Valid connectors are blackhole, datagen, filesystem, jdbc, "
                "kafka, print, upsert-kafka.");
    char *r = rendered();
    UNIT_EQ_STR(r, "t.sql:4:15: error: unknown connector 'kafak'\n"
                   "    4 | 'connector' = 'kafak',\n"
                   "      |               ^~~~~~~\n"
                   "      = detail: Valid connectors are blackhole, "
                   "datagen, filesystem, jdbc, kafka, print, upsert-kafka.\n"
                   "      = hint: Did you mean 'kafka'?\n");
    free(r); /* libc-owned (open_memstream) */
    ctx_end();
}

static void catalog_unsupported_connector(void)
{
    ctx_begin("CREATE TABLE audit_log (\n"
              "log_id BIGINT\n"
              ") WITH (\n"
              "'connector' = 'elasticsearch',\n"
              "'hosts' = 'http://elasticsearch:9200',\n"
              "'index' = 'financial-audit-logs'\n"
              ");");
    declare();
    UNIT_EQ_INT(CC.diags.n_errors, 1);
    EXPECT_DIAG(0, DIAG_E_UNKNOWN_CONNECTOR,
                "connector 'elasticsearch' is not supported");
    UNIT_EQ_STR(diag_n(0)->detail,
                "fsql does not provide the 'elasticsearch' connector. Valid "
                "connectors are blackhole, datagen, filesystem, jdbc, kafka, "
                "print, upsert-kafka.");
    ctx_end();
}

static void catalog_parquet_hdfs(void)
{
    ctx_begin("CREATE TABLE transaction_history_summary (\n"
              "user_id BIGINT\n"
              ") WITH (\n"
              "'connector' = 'filesystem',\n"
              "'path' = 'hdfs://namenode:9000/data/transaction_history',\n"
              "'format' = 'parquet'\n"
              ");");
    declare();
    UNIT_EQ_INT(CC.diags.n_errors, 2);
    EXPECT_DIAG(0, DIAG_E_UNSUPPORTED_FORMAT,
                "format 'parquet' is not supported");
    UNIT_EQ_STR(diag_n(0)->detail, "fsql does not provide the 'parquet' "
                                   "format; it reads and writes csv, json "
                                   "and raw.");
    UNIT_EQ_STR(span_text(diag_n(0)), "'parquet'");
    EXPECT_DIAG(1, DIAG_E_BAD_OPTION_VALUE,
                "'hdfs://' paths are not supported");
    ctx_end();
}

static void catalog_missing_and_unknown(void)
{
    ctx_begin("CREATE TABLE m (\n"
              "a INT\n"
              ") WITH (\n"
              "'connector' = 'jdbc',\n"
              "'url' = 'jdbc:sqlite:m.db',\n"
              "'lookup.cache.tll' = '1h',\n"
              "'lookup.cache' = 'partial'\n"
              ");");
    declare();
    UNIT_EQ_INT(CC.diags.n_errors, 2);
    EXPECT_DIAG(0, DIAG_E_UNKNOWN_OPTION,
                "unknown option 'lookup.cache.tll' for connector 'jdbc'");
    UNIT_EQ_STR(diag_n(0)->hint, "Did you mean 'lookup.cache.ttl'?");
    UNIT_EQ_STR(span_text(diag_n(0)), "'lookup.cache.tll'");
    EXPECT_DIAG(1, DIAG_E_MISSING_OPTION,
                "table 'm' is missing the required option 'table-name'");
    UNIT_EQ_STR(span_text(diag_n(1)), "m");
    UNIT_EQ_STR(diag_n(1)->hint,
                "Add 'table-name' = '...' to the WITH clause.");
    ctx_end();
}

static void catalog_bad_values(void)
{
    ctx_begin("CREATE TABLE k (\n"
              "a INT\n"
              ") WITH (\n"
              "'connector' = 'kafka',\n"
              "'topic' = 't',\n"
              "'properties.bootstrap.servers' = 'b:9092',\n"
              "'value.format' = 'csv',\n"
              "'scan.startup.mode' = 'latest',\n"
              "'scan.topic-partition-discovery.interval' = 'soon',\n"
              "'json.ignore-parse-errors' = 'true',\n"
              "'value.csv.ignore-parse-errors' = 'yes'\n"
              ");");
    declare();
    UNIT_EQ_INT(CC.diags.n_errors, 4);
    EXPECT_DIAG(0, DIAG_E_BAD_OPTION_VALUE,
                "invalid value 'latest' for option 'scan.startup.mode'");
    UNIT_EQ_STR(diag_n(0)->hint, "Did you mean 'latest-offset'?");
    UNIT_EQ_STR(diag_n(0)->detail,
                "Valid values are earliest-offset, latest-offset, "
                "group-offsets, timestamp, specific-offsets.");
    EXPECT_DIAG(1, DIAG_E_BAD_OPTION_VALUE,
                "invalid value 'soon' for option "
                "'scan.topic-partition-discovery.interval'");
    EXPECT_DIAG(2, DIAG_E_UNKNOWN_OPTION,
                "option 'json.ignore-parse-errors' does not apply to this "
                "table");
    UNIT_EQ_STR(diag_n(2)->detail, "The table has no 'format' option.");
    EXPECT_DIAG(3, DIAG_E_BAD_OPTION_VALUE,
                "invalid value 'yes' for option "
                "'value.csv.ignore-parse-errors'");
    UNIT_EQ_STR(diag_n(3)->detail,
                "The option 'value.csv.ignore-parse-errors' expects 'true' "
                "or 'false'.");
    ctx_end();
}

static void catalog_env_and_secrets(void)
{
    setenv("FSQL_TEST_SERVERS", "k1:9092,k2:9092", 1);
    unsetenv("FSQL_TEST_NOPE");
    ctx_begin("CREATE TABLE s (\n"
              "a INT\n"
              ") WITH (\n"
              "'connector' = 'jdbc',\n"
              "'url' = 'jdbc:mysql://${FSQL_TEST_SERVERS}/db',\n"
              "'table-name' = '${FSQL_TEST_NOPE:-fallback}',\n"
              "'username' = '${FSQL_TEST_NOPE}',\n"
              "'password' = 'hunter2',\n"
              "'lookup.max-retries' = '-1'\n"
              ");");
    CC.offline = false; /* as `fsql run`: an unset variable is an error */
    CatTable *t = declare();
    UNIT_EQ_STR(catalog_table_option(t, "url"),
                "jdbc:mysql://k1:9092,k2:9092/db");
    UNIT_EQ_STR(catalog_table_option(t, "table-name"), "fallback");
    UNIT_EQ_INT(CC.diags.n_errors, 2);
    EXPECT_DIAG(0, DIAG_E_ENV_UNSET,
                "environment variable 'FSQL_TEST_NOPE' is not set");
    UNIT_EQ_STR(span_text(diag_n(0)), "'${FSQL_TEST_NOPE}'");
    EXPECT_DIAG(1, DIAG_E_BAD_OPTION_VALUE,
                "invalid value '-1' for option 'lookup.max-retries'");
    UNIT_EQ_STR(diag_n(1)->detail, "The option 'lookup.max-retries' expects "
                                   "an integer from 0 to 1000.");
    for (uint32_t i = 0; i < t->n_opts; i++)
        if (str_eq_cstr(t->opts[i].key, "password")) {
            UNIT_CHECK(t->opts[i].is_secret);
            UNIT_EQ_STR(catalog_option_display(&t->opts[i]), "******");
        }
    char *r = rendered();
    UNIT_CHECK(strstr(r, "hunter2") == NULL ||
               strstr(r, "'password' = 'hunter2'") != NULL);
    free(r); /* libc-owned (open_memstream) */
    UNIT_CHECK(option_key_is_secret(STR_LIT("properties.sasl.jaas.config")));
    UNIT_CHECK(option_key_is_secret(STR_LIT("properties.ssl.key.password")));
    UNIT_CHECK(!option_key_is_secret(STR_LIT("topic")));
    ctx_end();
}

static void catalog_datagen_fields(void)
{
    ctx_begin("CREATE TABLE g (\n"
              "user_id BIGINT,\n"
              "proc AS PROCTIME(),\n"
              ") WITH (\n"
              "'connector' = 'datagen',\n"
              "'number-of-rows' = '100',\n"
              "'fields.user_id.kind' = 'sequence',\n"
              "'fields.user_id.start' = '1',\n"
              "'fields.user_id.end' = 'ten',\n"
              "'fields.userid.min' = '1',\n"
              "'generator' = 'transactions',\n"
              "'generator.out-of-orderness' = '5 s'\n"
              ");");
    CatTable *t = declare();
    UNIT_EQ_INT(CC.diags.n_errors, 2);
    EXPECT_DIAG(0, DIAG_E_UNKNOWN_OPTION,
                "option 'fields.userid.min' names no column of table 'g'");
    UNIT_EQ_STR(diag_n(0)->hint, "Did you mean the column 'user_id'?");
    EXPECT_DIAG(1, DIAG_E_BAD_OPTION_VALUE,
                "invalid value 'ten' for option 'fields.user_id.end'");
    UNIT_EQ_STR(diag_n(1)->detail,
                "The option 'fields.user_id.end' expects a number, because "
                "column 'user_id' is BIGINT.");
    UNIT_REQUIRE(t->n_cols == 2);
    UNIT_CHECK(t->cols[1].is_proctime);
    UNIT_EQ_STR(type_to_string(&CC.a, t->cols[1].type),
                "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*");
    StrBuf sb;
    strbuf_init(&sb);
    catalog_describe(CC.cat, STR_LIT("g"), &sb);
    UNIT_CHECK(strstr(strbuf_cstr(&sb),
                      "| TIMESTAMP_LTZ(3) NOT NULL *PROCTIME* | FALSE |") !=
               NULL);
    UNIT_CHECK(strstr(strbuf_cstr(&sb), "AS PROCTIME() |") != NULL);
    strbuf_fini(&sb);
    ctx_end();
}

static void catalog_missing_connector_and_dups(void)
{
    ctx_begin("CREATE TABLE d (\n"
              "a INT,\n"
              "a BIGINT\n"
              ") WITH (\n"
              "'topic' = 'x'\n"
              ");");
    declare();
    UNIT_EQ_INT(CC.diags.n_errors, 2);
    EXPECT_DIAG(0, DIAG_E_DUPLICATE,
                "column 'a' is declared twice in table 'd'");
    EXPECT_DIAG(1, DIAG_E_MISSING_OPTION,
                "table 'd' has no 'connector' option");
    /* the same name again: E_DUPLICATE unless IF NOT EXISTS */
    AstNode *n = create_table();
    CatTable *t2 = catalog_table_build(&CC, n);
    UNIT_CHECK(!catalog_add_table(&CC, t2, false, n->u.create_table.name.at));
    const Diag *d = diag_n(CC.diags.n - 1);
    UNIT_REQUIRE(d != NULL);
    /* the duplicate error is followed by a note pointing at the first one */
    UNIT_CHECK(d->sev == SEV_NOTE);
    d = diag_n(CC.diags.n - 2);
    UNIT_EQ_STR(d->msg, "table 'd' already exists");
    uint32_t before = CC.diags.n;
    UNIT_CHECK(!catalog_add_table(&CC, t2, true, n->u.create_table.name.at));
    UNIT_EQ_INT(CC.diags.n, before);
    ctx_end();
}

static void catalog_drop_and_names(void)
{
    ctx_begin("CREATE TABLE users (\n"
              "a INT\n"
              ") WITH (\n"
              "'connector' = 'blackhole'\n"
              "); DROP TABLE userz; DROP VIEW users; DROP TABLE users;");
    declare();
    UNIT_EQ_INT(CC.diags.n, 0);
    size_t n;
    const char **names =
        catalog_names(CC.cat, &CC.a, CAT_TABLES | CAT_VIEWS, &n);
    UNIT_EQ_INT(n, 1);
    UNIT_EQ_STR(names[0], "users");
    AstNode *d = node(AST_DROP, find_span(CC.src, "DROP TABLE userz"));
    d->u.drop.obj = OBJ_TABLE;
    d->u.drop.name = qname(find_span(CC.src, "userz"));
    UNIT_CHECK(!catalog_drop(&CC, d));
    EXPECT_DIAG(0, DIAG_E_UNKNOWN_TABLE, "table 'userz' does not exist");
    UNIT_EQ_STR(diag_n(0)->hint, "Did you mean 'users'?");
    d->u.drop.if_exists = true;
    UNIT_CHECK(catalog_drop(&CC, d));
    AstNode *dv = node(AST_DROP, find_span(CC.src, "DROP VIEW users"));
    dv->u.drop.obj = OBJ_VIEW;
    dv->u.drop.name = qname(find_span(CC.src, "users;"));
    dv->u.drop.name.parts[0].name.len = 5;
    UNIT_CHECK(!catalog_drop(&CC, dv));
    EXPECT_DIAG(1, DIAG_E_UNKNOWN_TABLE, "'users' is a table, not a view");
    dv->u.drop.obj = OBJ_TABLE;
    UNIT_CHECK(catalog_drop(&CC, dv));
    UNIT_CHECK(catalog_find_table(CC.cat, STR_LIT("users")) == NULL);
    ctx_end();
}

static void catalog_option_parsers(void)
{
    int64_t v;
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("30min"), &v));
    UNIT_EQ_INT(v, 1800000);
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("1h"), &v));
    UNIT_EQ_INT(v, 3600000);
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("10 s"), &v));
    UNIT_EQ_INT(v, 10000);
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("100 ms"), &v));
    UNIT_EQ_INT(v, 100);
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("1 d"), &v));
    UNIT_EQ_INT(v, 86400000);
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("250"), &v));
    UNIT_EQ_INT(v, 250);
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("PT1H30M"), &v));
    UNIT_EQ_INT(v, 5400000);
    UNIT_CHECK(option_parse_duration_ms(STR_LIT("2 minutes"), &v));
    UNIT_EQ_INT(v, 120000);
    UNIT_CHECK(!option_parse_duration_ms(STR_LIT("soon"), &v));
    UNIT_CHECK(!option_parse_duration_ms(STR_LIT("10 parsecs"), &v));
    UNIT_CHECK(!option_parse_duration_ms(STR_LIT(""), &v));
    UNIT_CHECK(option_parse_memory(STR_LIT("64 mb"), &v));
    UNIT_EQ_INT(v, 64LL << 20);
    UNIT_CHECK(option_parse_memory(STR_LIT("4096"), &v));
    UNIT_EQ_INT(v, 4096);
    UNIT_CHECK(!option_parse_memory(STR_LIT("1 parsec"), &v));
    UNIT_CHECK(option_parse_int(STR_LIT(" -42 "), &v));
    UNIT_EQ_INT(v, -42);
    UNIT_CHECK(!option_parse_int(STR_LIT("4x"), &v));
    bool b;
    UNIT_CHECK(option_parse_bool(STR_LIT("TRUE"), &b) && b);
    UNIT_CHECK(!option_parse_bool(STR_LIT("yes"), &b));
    UNIT_CHECK(connector_find(STR_LIT("Kafka")) != NULL);
    UNIT_CHECK(format_find(STR_LIT("avro")) == NULL);
    UNIT_CHECK(format_is_known_unsupported(STR_LIT("avro")));
}

/* ---- functions ------------------------------------------------------------ */

static AstNode *call_node(const char *name, uint32_t n_args)
{
    AstNode *c = node(AST_FUNC_CALL, find_span(CC.src, name));
    c->u.func_call.name = qname(c->at);
    for (uint32_t i = 0; i < n_args; i++) {
        AstNode *a = node(AST_LITERAL, c->at);
        a->u.literal.lit_kind = LIT_STRING;
        push(&c->u.func_call.args, a);
    }
    return c;
}

static const char *ret_of(const char *name, SqlType **types, uint32_t n)
{
    AstNode *c = call_node(name, n);
    const FuncInfo *f = func_lookup(str_from_cstr(name));
    if (!f)
        return "<no such function>";
    SqlType *t = func_resolve_call(&CC, f, c, types, n);
    return t ? type_to_string(&CC.a, t) : "<error>";
}

static void functions_types(void)
{
    ctx_begin("ROUND SUM AVG COUNT UNIX_TIMESTAMP UPPER CONCAT_WS MOD "
              "STDDEV TUMBLE_START TUMBLE_ROWTIME LAG COALESCE IF DATE "
              "PERCENTILE_CONT ROW_NUMBER SUBSTRING");
    Arena *a = &CC.a;
    SqlType *d152 = type_new_decimal(a, 15, 2);
    SqlType *i = type_new(a, T_INT);
    SqlType *nn_i = type_with_nullable(a, i, false);
    SqlType *s = type_new_varchar(a, VARCHAR_MAX);
    SqlType *rt = type_with_time_attr(a, type_new_timestamp(a, T_TIMESTAMP, 3),
                                      TA_ROWTIME);
    SqlType *iv = type_new(a, T_INTERVAL_DT);

    UNIT_EQ_STR(ret_of("SUM", (SqlType *[]){d152}, 1), "DECIMAL(38, 2)");
    UNIT_EQ_STR(ret_of("SUM", (SqlType *[]){i}, 1), "INT");
    UNIT_EQ_STR(ret_of("AVG", (SqlType *[]){d152}, 1), "DECIMAL(38, 6)");
    UNIT_EQ_STR(ret_of("AVG", (SqlType *[]){i}, 1), "INT");
    UNIT_EQ_STR(ret_of("STDDEV", (SqlType *[]){d152}, 1), "DECIMAL(38, 6)");
    UNIT_EQ_STR(ret_of("COUNT", (SqlType *[]){i}, 1), "BIGINT NOT NULL");
    UNIT_EQ_STR(ret_of("UNIX_TIMESTAMP", NULL, 0), "BIGINT NOT NULL");
    UNIT_EQ_STR(ret_of("UNIX_TIMESTAMP", (SqlType *[]){rt}, 1), "BIGINT");
    UNIT_EQ_STR(ret_of("CONCAT_WS", (SqlType *[]){s, s, s}, 3), "STRING");
    UNIT_EQ_STR(ret_of("MOD", (SqlType *[]){i, nn_i}, 2), "INT");
    UNIT_EQ_STR(ret_of("TUMBLE_START", (SqlType *[]){rt, iv}, 2),
                "TIMESTAMP(3) NOT NULL");
    UNIT_EQ_STR(ret_of("TUMBLE_ROWTIME", (SqlType *[]){rt, iv}, 2),
                "TIMESTAMP(3) NOT NULL *ROWTIME*");
    UNIT_EQ_STR(ret_of("LAG", (SqlType *[]){d152, i}, 2), "DECIMAL(15, 2)");
    UNIT_EQ_STR(ret_of("COALESCE", (SqlType *[]){i, d152, nn_i}, 3),
                "DECIMAL(15, 2) NOT NULL");
    UNIT_EQ_STR(ret_of("DATE", (SqlType *[]){rt}, 1), "DATE");
    UNIT_EQ_STR(ret_of("ROW_NUMBER", NULL, 0), "BIGINT NOT NULL");
    UNIT_EQ_INT(CC.diags.n_errors, 0);

    /* ROUND(DECIMAL(15, 2), 1) -> DECIMAL(15, 1) */
    AstNode *c = call_node("ROUND", 2);
    c->u.func_call.args.items[1]->u.literal.lit_kind = LIT_INTEGER;
    c->u.func_call.args.items[1]->u.literal.text = STR_LIT("1");
    SqlType *t = func_resolve_call(&CC, func_lookup(STR_LIT("round")), c,
                                   (SqlType *[]){d152, nn_i}, 2);
    UNIT_EQ_STR(type_to_string(a, t), "DECIMAL(15, 1)");

    /* errors */
    UNIT_EQ_STR(ret_of("UPPER", (SqlType *[]){i}, 1), "<error>");
    EXPECT_DIAG(0, DIAG_E_TYPE_MISMATCH,
                "argument 1 of UPPER must be a string, not INT");
    UNIT_EQ_STR(diag_n(0)->hint, "Use CAST(... AS STRING) to convert it.");
    UNIT_EQ_STR(ret_of("SUBSTRING", (SqlType *[]){s}, 1), "<error>");
    EXPECT_DIAG(1, DIAG_E_WRONG_ARG_COUNT,
                "SUBSTRING takes 2 or 3 arguments, but 1 was given");
    UNIT_EQ_STR(ret_of("IF", (SqlType *[]){i, s, i}, 3), "<error>");
    EXPECT_DIAG(2, DIAG_E_TYPE_MISMATCH,
                "argument 1 of IF must be a BOOLEAN condition, not INT");
    UNIT_EQ_STR(ret_of("PERCENTILE_CONT", (SqlType *[]){d152}, 1), "<error>");
    EXPECT_DIAG(3, DIAG_E_AGG_MISUSE,
                "PERCENTILE_CONT needs WITHIN GROUP (ORDER BY ...)");

    /* registry */
    UNIT_CHECK(func_lookup(STR_LIT("tumble"))->kind == FUNC_GROUP_WINDOW);
    UNIT_CHECK(func_lookup_table_function(STR_LIT("TUMBLE"))->kind ==
               FUNC_TABLE_FUNCTION);
    UNIT_CHECK(func_lookup_table_function(STR_LIT("CUMULATE")) != NULL);
    UNIT_CHECK(func_lookup(STR_LIT("CLASSIFIER"))->kind == FUNC_MATCH);
    UNIT_CHECK(func_lookup(STR_LIT("LAG"))->kind == FUNC_WINDOW_ONLY);
    UNIT_CHECK(func_lookup(STR_LIT("NO_SUCH_FN")) == NULL);
    size_t n;
    const char *const *names = func_names(&n);
    UNIT_CHECK(n > 100);
    size_t tumbles = 0;
    for (size_t k = 0; k < n; k++)
        if (strcmp(names[k], "TUMBLE") == 0)
            tumbles++;
    UNIT_EQ_INT(tumbles, 1);
    ctx_end();
}

static const UnitTest catalog_tests[] = {
    {"catalog_kafka_ok", catalog_kafka_ok},
    {"catalog_jdbc_seed", catalog_jdbc_seed},
    {"catalog_unknown_connector", catalog_unknown_connector},
    {"catalog_unsupported_connector", catalog_unsupported_connector},
    {"catalog_parquet_hdfs", catalog_parquet_hdfs},
    {"catalog_missing_and_unknown", catalog_missing_and_unknown},
    {"catalog_bad_values", catalog_bad_values},
    {"catalog_env_and_secrets", catalog_env_and_secrets},
    {"catalog_datagen_fields", catalog_datagen_fields},
    {"catalog_missing_connector_and_dups", catalog_missing_connector_and_dups},
    {"catalog_drop_and_names", catalog_drop_and_names},
    {"catalog_option_parsers", catalog_option_parsers},
    {"functions_types", functions_types},
    {NULL, NULL},
};

UNIT_REGISTER(catalog_tests)
