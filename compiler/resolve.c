/*
 * resolve.c - name resolution, type checking and streaming validation of
 * one statement at a time: the statement-level part (DDL, INSERT,
 * statement sets, SET/RESET, SHOW/DESCRIBE/USE, EXPLAIN).
 *
 * Pipeline position: compile.c calls resolve_statement() for each parsed
 * statement in order; the result is an annotated AST (see ast.h) that
 * plan.c reads, and an updated catalog.  Queries are bound by
 * resolve_query.c, expressions typed by resolve_expr.c.
 *
 * Errors never stop the checking of a statement: a bad expression gets the
 * error type, which silences every check that depends on it.  DDL with
 * errors still registers its table or view (marked has_errors), so later
 * statements bind against the declared schema without cascading errors;
 * a statement that reads such an object reports only its own mistakes and
 * is not planned (resolve_statement returns false).
 */
#include "runtime/fsql.h"
#include "compiler/resolve.h"
#include "compiler/resolve_int.h"
#include "compiler/catalog.h"
#include "compiler/spell.h"

#include <stdio.h>
#include <string.h>

static void res_init(Res *r, CompileCtx *cc)
{
    memset(r, 0, sizeof(*r));
    r->cc = cc;
    r->a = &cc->a;
}

/* ---- CREATE TABLE ------------------------------------------------------- */

static void create_table(Res *r, AstNode *stmt)
{
    CompileCtx *cc = r->cc;
    uint32_t errs = cc->diags.n_errors;
    AstCreateTable *ct = &stmt->u.create_table;
    if (ct->like.n_parts) {
        diag_error(cc, DIAG_E_UNSUPPORTED, ct->like.at,
                   "CREATE TABLE ... LIKE is not supported yet");
        diag_hint(cc, "Write out the columns and options of the table "
                      "it copies.");
    }
    CatTable *t = catalog_table_build(cc, stmt);
    if (!t)
        return;
    /* Computed columns and the watermark see the physical and metadata
     * columns (computed ones are hidden: they cannot refer to each
     * other). */
    RelSchema *rel = rq_rel_new(r, t->n_cols);
    for (uint32_t i = 0; i < t->n_cols; i++) {
        rel->cols[i].name = t->cols[i].name;
        rel->cols[i].type = t->cols[i].type;
        rel->cols[i].is_hidden = t->cols[i].kind == COL_COMPUTED;
    }
    Scope *s = rq_scope_new(r, NULL);
    rq_scope_add(
        r, s, t->name, stmt, rel,
        arena_sprintf(r->a, "table %.*s", (int)t->name.len, t->name.ptr),
        false);
    ExprCtx x = {0};
    x.r = r;
    x.scope = s;
    x.clause = "a computed column";
    for (uint32_t i = 0; i < t->n_cols; i++) {
        CatColumn *c = &t->cols[i];
        if (c->kind != COL_COMPUTED || c->type || !c->expr)
            continue;
        SqlType *ty = rx_expr(&x, c->expr);
        if (!rx_is_err(ty)) {
            if (ty->kind == T_NULL) {
                diag_error(cc, DIAG_E_TYPE_MISMATCH, c->expr->at,
                           "computed column '%.*s' has no type: its "
                           "expression is NULL",
                           (int)c->name.len, c->name.ptr);
                diag_hint(cc, "Write CAST(NULL AS type).");
            } else {
                c->type = rx_plain(r, ty);
            }
        }
    }
    /* the computed columns are visible to the watermark */
    for (uint32_t i = 0; i < t->n_cols; i++) {
        rel->cols[i].type = t->cols[i].type;
        rel->cols[i].is_hidden = false;
    }
    if (t->watermark_col >= 0 && t->watermark_expr) {
        ExprCtx wx = x;
        wx.clause = "a WATERMARK";
        CatColumn *c = &t->cols[t->watermark_col];
        SqlType *ty = rx_expr(&wx, t->watermark_expr);
        if (!rx_is_err(ty) && c->type && type_is_timestamp(c->type)) {
            if (!type_is_timestamp(ty) || ty->kind != c->type->kind) {
                diag_error(cc, DIAG_E_WATERMARK, t->watermark_expr->at,
                           "the WATERMARK expression has type %s, but "
                           "column '%.*s' is %s",
                           rx_type_str(r, ty), (int)c->name.len, c->name.ptr,
                           rx_type_str(r, c->type));
                diag_hint(cc,
                          "Write WATERMARK FOR %.*s AS %.*s - INTERVAL "
                          "'5' SECOND.",
                          (int)c->name.len, c->name.ptr, (int)c->name.len,
                          c->name.ptr);
                t->has_errors = true;
            } else if (ty->precision > 3) {
                diag_error(cc, DIAG_E_WATERMARK, t->watermark_expr->at,
                           "the WATERMARK expression has type %s; a "
                           "watermark has at most millisecond precision",
                           rx_type_str(r, ty));
                diag_hint(cc, "CAST it to TIMESTAMP(3).");
                t->has_errors = true;
            }
        }
    }
    catalog_table_finish(cc, t);
    stmt->rel = t->rel;
    if (cc->diags.n_errors != errs)
        t->has_errors = true;
    SrcSpan name_at = ct->name.at;
    catalog_add_table(cc, t, ct->if_not_exists, name_at);
}

/* ---- CREATE VIEW --------------------------------------------------------- */

static void create_view(Res *r, AstNode *stmt)
{
    CompileCtx *cc = r->cc;
    uint32_t errs = cc->diags.n_errors;
    AstCreateView *cv = &stmt->u.create_view;
    RelSchema *q = rq_query(r, cv->query, NULL);
    if (!q)
        q = rq_rel_new(r, 0);
    RelSchema *rel = rq_rel_new(r, q->n_cols);
    rel->is_incomplete = q->is_incomplete;
    rel->has_errors = q->has_errors;
    memcpy(rel->cols, q->cols, sizeof(RelColumn) * q->n_cols);
    if (cv->column_names.n) {
        if (cv->column_names.n != q->n_cols && !q->is_incomplete) {
            diag_error(cc, DIAG_E_COLUMN_COUNT, cv->column_names.items[0]->at,
                       "view %.*s lists %u column name%s, but its query "
                       "returns %u column%s",
                       (int)cv->name.parts[cv->name.n_parts - 1].name.len,
                       cv->name.parts[cv->name.n_parts - 1].name.ptr,
                       cv->column_names.n, cv->column_names.n == 1 ? "" : "s",
                       q->n_cols, q->n_cols == 1 ? "" : "s");
        } else if (cv->column_names.n == q->n_cols) {
            for (uint32_t i = 0; i < q->n_cols; i++)
                rel->cols[i].name =
                    cv->column_names.items[i]->u.column_ref.name.parts[0].name;
        }
    }
    for (uint32_t i = 0; i < rel->n_cols; i++) {
        for (uint32_t k = 0; k < i; k++) {
            if (!str_ieq(rel->cols[k].name, rel->cols[i].name))
                continue;
            AstNode *at = cv->column_names.n == rel->n_cols
                              ? cv->column_names.items[i]
                              : rq_output_expr(cv->query, i);
            diag_error(cc, DIAG_E_DUPLICATE, at ? at->at : cv->query->at,
                       "view column '%.*s' is defined twice",
                       (int)rel->cols[i].name.len, rel->cols[i].name.ptr);
            diag_hint(cc, "Give one of them a different alias with AS.");
            break;
        }
    }
    if (cc->diags.n_errors != errs || r->uses_invalid)
        rel->has_errors = true;
    stmt->rel = rel;
    CatView *v = catalog_view_new(cc, stmt);
    if (!v)
        return;
    v->rel = rel;
    catalog_add_view(cc, v, cv->if_not_exists, cv->name.at);
}

/* ---- INSERT -------------------------------------------------------------- */

static void insert_stmt(Res *r, AstNode *stmt)
{
    CompileCtx *cc = r->cc;
    AstInsert *ins = &stmt->u.insert;
    QName *qn = &ins->table;
    Str name = qn->parts[qn->n_parts - 1].name;
    CatTable *t = catalog_find_table_q(cc->cat, qn);
    RelSchema *q = rq_query(r, ins->query, NULL);
    if (!t) {
        if (catalog_find_view_q(cc->cat, qn)) {
            diag_error(cc, DIAG_E_INSERT, qn->at,
                       "cannot INSERT INTO view '%.*s'", (int)name.len,
                       name.ptr);
            diag_hint(cc, "INSERT writes to a table declared with CREATE "
                          "TABLE and a sink connector.");
        } else {
            diag_error(cc, DIAG_E_UNKNOWN_TABLE, qn->at,
                       "table '%.*s' is not defined", (int)name.len, name.ptr);
            size_t n = 0;
            const char **names = catalog_names(cc->cat, r->a, CAT_TABLES, &n);
            const char *sug = spell_suggest_n(name.ptr, name.len, names, n);
            if (sug)
                diag_hint(cc, "Did you mean '%s'?", sug);
            else
                diag_hint(cc, "Declare the sink with CREATE TABLE ... WITH "
                              "('connector' = ...) before the INSERT.");
        }
        r->uses_invalid = true;
        return;
    }
    if (t->has_errors)
        r->uses_invalid = true;
    if (ins->is_overwrite) {
        diag_error(cc, DIAG_E_UNSUPPORTED, stmt->at,
                   "INSERT OVERWRITE is not supported by a streaming job");
        diag_hint(cc, "Use INSERT INTO; an upsert sink (a table with a "
                      "PRIMARY KEY) replaces rows by key.");
        return;
    }
    if (t->conn && !t->conn->is_sink) {
        diag_error(cc, DIAG_E_INSERT, qn->at,
                   "table '%.*s' uses connector '%.*s', which can only be "
                   "read",
                   (int)name.len, name.ptr, (int)t->connector.len,
                   t->connector.ptr);
        diag_hint(cc, "Write to a table with a sink connector such as "
                      "kafka, jdbc, filesystem, print or blackhole.");
        return;
    }
    /* target columns */
    uint32_t nt = 0;
    int32_t *cols =
        ARENA_NEW_ARRAY(r->a, int32_t, t->n_cols + ins->columns.n + 1);
    bool cols_ok = true;
    if (ins->columns.n) {
        for (uint32_t i = 0; i < ins->columns.n; i++) {
            AstNode *cn = ins->columns.items[i];
            Ident id =
                cn->u.column_ref.name.parts[cn->u.column_ref.name.n_parts - 1];
            int32_t c = -1;
            for (uint32_t k = 0; k < t->n_cols; k++)
                if (str_ieq(t->cols[k].name, id.name))
                    c = (int32_t)k;
            if (c < 0) {
                diag_error(cc, DIAG_E_UNKNOWN_COLUMN, id.at,
                           "column '%.*s' not found in table %.*s",
                           (int)id.name.len, id.name.ptr, (int)name.len,
                           name.ptr);
                const char *sug = catalog_suggest_column(r->a, t, id.name);
                if (sug)
                    diag_hint(cc, "Did you mean '%s'?", sug);
                cols_ok = false;
                continue;
            }
            CatColumn *col = &t->cols[c];
            if (col->kind == COL_COMPUTED ||
                (col->kind == COL_METADATA && col->is_virtual)) {
                diag_error(cc, DIAG_E_INSERT, id.at,
                           "column '%.*s' of %.*s is %s and cannot be "
                           "written",
                           (int)id.name.len, id.name.ptr, (int)name.len,
                           name.ptr,
                           col->kind == COL_COMPUTED ? "computed"
                                                     : "a virtual metadata "
                                                       "column");
                cols_ok = false;
                continue;
            }
            for (uint32_t k = 0; k < nt; k++)
                if (cols[k] == c) {
                    diag_error(cc, DIAG_E_DUPLICATE, id.at,
                               "column '%.*s' is listed twice",
                               (int)id.name.len, id.name.ptr);
                    cols_ok = false;
                }
            cols[nt++] = c;
        }
    } else {
        for (uint32_t k = 0; k < t->n_cols; k++) {
            CatColumn *col = &t->cols[k];
            if (col->kind == COL_COMPUTED ||
                (col->kind == COL_METADATA && col->is_virtual))
                continue;
            cols[nt++] = (int32_t)k;
        }
    }
    if (!cols_ok || !q || q->is_incomplete)
        return;
    if (q->n_cols != nt) {
        if (ins->columns.n)
            diag_error(cc, DIAG_E_INSERT, ins->query->at,
                       "the query returns %u columns, but the column list "
                       "of the INSERT names %u",
                       q->n_cols, nt);
        else
            diag_error(cc, DIAG_E_INSERT, ins->query->at,
                       "the query returns %u columns, but table %.*s has %u",
                       q->n_cols, (int)name.len, name.ptr, nt);
        StrBuf sb;
        strbuf_init(&sb);
        for (uint32_t k = 0; k < nt && k < 16; k++) {
            if (k)
                strbuf_puts(&sb, ", ");
            strbuf_append_str(&sb, t->cols[cols[k]].name);
        }
        if (nt > 16)
            strbuf_puts(&sb, ", ...");
        diag_detail(cc, "The target columns are: %s.", strbuf_cstr(&sb));
        strbuf_fini(&sb);
        return;
    }
    for (uint32_t i = 0; i < nt; i++) {
        CatColumn *col = &t->cols[cols[i]];
        SqlType *from = q->cols[i].type;
        if (rx_is_err(from) || !col->type)
            continue;
        if (type_can_implicit_cast(from, col->type))
            continue;
        AstNode *at = rq_output_expr(ins->query, i);
        diag_error(cc, DIAG_E_INSERT, at ? at->at : ins->query->at,
                   "column '%.*s' of %.*s is %s, but the query gives %s",
                   (int)col->name.len, col->name.ptr, (int)name.len, name.ptr,
                   rx_type_str(r, rx_plain(r, col->type)),
                   rx_type_str(r, rx_plain(r, from)));
        if (type_can_explicit_cast(from, col->type)) {
            const char *to = rx_type_str(r, rx_plain(r, col->type));
            if (at && at->at.len <= 60 &&
                at->at.off + at->at.len <= cc->src_len)
                diag_hint(cc, "Convert it explicitly: CAST(%.*s AS %s).",
                          (int)at->at.len, cc->src + at->at.off, to);
            else
                diag_hint(cc, "Convert it explicitly: CAST(... AS %s).", to);
        }
    }
}

/* ---- SET / RESET ------------------------------------------------------------ */

static bool valid_zone(const char *z)
{
    if (!*z)
        return false;
    if (strcmp(z, "UTC") == 0 || strcmp(z, "GMT") == 0 || strcmp(z, "Z") == 0)
        return true;
    const char *p = z;
    if (strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0)
        p += 3;
    if (*p == '+' || *p == '-') {
        p++;
        int d = 0;
        while (*p >= '0' && *p <= '9')
            p++, d++;
        if (*p == ':') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++, d++;
        }
        return *p == 0 && d > 0 && d <= 4;
    }
    /* Region/City */
    bool slash = false;
    for (p = z; *p; p++) {
        if (*p == '/')
            slash = true;
        else if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
                   *p == '+'))
            return false;
    }
    return slash;
}

typedef enum SetKind {
    SK_DURATION,
    SK_BOOL,
    SK_INT,
    SK_ZONE,
    SK_ENUM,
    SK_COUNT /* an integer >= 0 */
} SetKind;

typedef struct SetKey {
    const char *key;
    SetKind kind;
    const char *allowed;
} SetKey;

static const SetKey set_keys[] = {
    {"table.local-time-zone", SK_ZONE, NULL},
    {"table.exec.state.ttl", SK_DURATION, NULL},
    {"table.exec.source.idle-timeout", SK_DURATION, NULL},
    {"pipeline.auto-watermark-interval", SK_DURATION, NULL},
    {"execution.checkpointing.interval", SK_DURATION, NULL},
    {"execution.checkpointing.timeout", SK_DURATION, NULL},
    {"table.exec.mini-batch.enabled", SK_BOOL, NULL},
    {"table.exec.mini-batch.allow-latency", SK_DURATION, NULL},
    {"table.exec.mini-batch.size", SK_INT, NULL},
    {"parallelism.default", SK_INT, NULL},
    {"table.exec.resource.default-parallelism", SK_INT, NULL},
    {"execution.runtime-mode", SK_ENUM, "streaming|batch|automatic"},
    {"execution.checkpointing.mode", SK_ENUM, "EXACTLY_ONCE|AT_LEAST_ONCE"},
    {"sql-client.execution.result-mode", SK_ENUM, "table|changelog|tableau"},
    /* issue 9: INSERTs at the shell's prompt run in the foreground */
    {"table.dml-sync", SK_BOOL, NULL},
    /* issue 4, group windows (runtime/op_window.c): late rows; the sink
     * table is checked when a window operator is compiled
     * (compiler/codegen_window.c), so it may be declared after the SET */
    {"table.exec.late-data", SK_ENUM, "drop|emit"},
    /* issue 10, checkpoints (runtime/checkpoint.c; state.checkpoints.dir
     * and pipeline.name are free text) */
    {"state.checkpoints.num-retained", SK_INT, NULL},
    {"execution.checkpointing.tolerable-failed-checkpoints", SK_COUNT, NULL},
    {"fsql.checkpointing.background-write", SK_BOOL, NULL},
    {"table.exec.emit.allow-lateness", SK_DURATION, NULL},
};

static bool enum_ok(const char *allowed, const char *v)
{
    size_t vl = strlen(v);
    const char *p = allowed;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == vl && str_ieq((Str){p, n}, (Str){v, vl}))
            return true;
        p += n + (e ? 1 : 0);
    }
    return false;
}

static void set_stmt(Res *r, AstNode *stmt)
{
    CompileCtx *cc = r->cc;
    AstSet *st = &stmt->u.set;
    if (!st->has_key)
        return;
    char *key = rx_cstr(r, st->key);
    char *val = rx_cstr(r, st->value);
    for (size_t i = 0; i < FSQL_ARRAY_LEN(set_keys); i++) {
        const SetKey *k = &set_keys[i];
        if (strcmp(k->key, key) != 0)
            continue;
        bool ok = true;
        int64_t n;
        bool b;
        const char *expect = "";
        switch (k->kind) {
        case SK_DURATION:
            ok = option_parse_duration_ms(st->value, &n) && n >= 0;
            expect = "a duration such as '30 min', '1 h' or '500 ms'";
            break;
        case SK_BOOL:
            ok = option_parse_bool(st->value, &b);
            expect = "'true' or 'false'";
            break;
        case SK_INT:
            ok = option_parse_int(st->value, &n) && n > 0;
            expect = "a positive integer";
            break;
        case SK_COUNT:
            ok = option_parse_int(st->value, &n) && n >= 0;
            expect = "an integer of 0 or more";
            break;
        case SK_ZONE:
            ok = valid_zone(val);
            expect = "a zone id such as 'UTC', 'Asia/Shanghai' or "
                     "'GMT+08:00'";
            break;
        case SK_ENUM:
            ok = enum_ok(k->allowed, val);
            expect = arena_sprintf(r->a, "one of %s", k->allowed);
            break;
        }
        if (!ok) {
            diag_error(cc, DIAG_E_SET, st->value_at,
                       "'%s' is not a valid value for '%s'", val, key);
            diag_hint(cc, "Expected %s.", expect);
            return;
        }
        break;
    }
    compile_set_option(cc, key, val);
}

static void reset_stmt(Res *r, AstNode *stmt)
{
    CompileCtx *cc = r->cc;
    AstSet *st = &stmt->u.set;
    if (st->has_key && st->key.len) {
        compile_set_option(cc, rx_cstr(r, st->key), NULL);
        return;
    }
    for (uint32_t i = 0; i < cc->n_opts; i++)
        cc->opts[i].value = NULL;
}

/* ---- other statements --------------------------------------------------------- */

static void need_object(Res *r, const QName *qn, bool views_ok)
{
    CompileCtx *cc = r->cc;
    if (qn->n_parts == 0)
        return;
    if (catalog_find_table_q(cc->cat, qn))
        return;
    if (views_ok && catalog_find_view_q(cc->cat, qn))
        return;
    Str name = qn->parts[qn->n_parts - 1].name;
    diag_error(cc, DIAG_E_UNKNOWN_TABLE, qn->at, "%s '%.*s' is not defined",
               views_ok ? "table or view" : "table", (int)name.len, name.ptr);
    size_t n = 0;
    const char **names = catalog_names(
        cc->cat, r->a, views_ok ? (CAT_TABLES | CAT_VIEWS) : CAT_TABLES, &n);
    const char *sug = spell_suggest_n(name.ptr, name.len, names, n);
    if (sug)
        diag_hint(cc, "Did you mean '%s'?", sug);
}

static void statement(Res *r, AstNode *stmt)
{
    CompileCtx *cc = r->cc;
    switch (stmt->kind) {
    case AST_CREATE_TABLE:
        create_table(r, stmt);
        break;
    case AST_CREATE_VIEW:
        create_view(r, stmt);
        break;
    case AST_CREATE_FUNCTION:
        diag_error(cc, DIAG_E_UNSUPPORTED, stmt->at,
                   "user-defined functions are not supported");
        diag_hint(cc, "fsql runs only its built-in functions; see "
                      "docs/functions.md.");
        break;
    case AST_DROP:
        if (stmt->u.drop.obj == OBJ_TABLE || stmt->u.drop.obj == OBJ_VIEW) {
            catalog_drop(cc, stmt);
        } else if (stmt->u.drop.obj == OBJ_FUNCTION) {
            if (!stmt->u.drop.if_exists) {
                Str n =
                    stmt->u.drop.name.parts[stmt->u.drop.name.n_parts - 1].name;
                diag_error(cc, DIAG_E_UNKNOWN_FUNCTION, stmt->u.drop.name.at,
                           "function '%.*s' is not a user-defined function",
                           (int)n.len, n.ptr);
            }
        }
        break;
    case AST_INSERT:
        insert_stmt(r, stmt);
        break;
    case AST_STATEMENT_SET:
        for (uint32_t i = 0; i < stmt->u.statement_set.inserts.n; i++) {
            if (cc->diags.stopped)
                break;
            AstNode *ins = stmt->u.statement_set.inserts.items[i];
            if (ins->kind == AST_INSERT)
                insert_stmt(r, ins);
            else
                diag_error(cc, DIAG_E_SYNTAX, ins->at,
                           "a statement set may contain only INSERT "
                           "statements");
        }
        break;
    case AST_SET:
        set_stmt(r, stmt);
        break;
    case AST_RESET:
        reset_stmt(r, stmt);
        break;
    case AST_SHOW:
        if (stmt->u.show.what == SHOW_CREATE_TABLE)
            need_object(r, &stmt->u.show.name, false);
        else if (stmt->u.show.what == SHOW_CREATE_VIEW &&
                 stmt->u.show.name.n_parts &&
                 !catalog_find_view_q(cc->cat, &stmt->u.show.name)) {
            Str n = stmt->u.show.name.parts[stmt->u.show.name.n_parts - 1].name;
            diag_error(cc, DIAG_E_UNKNOWN_TABLE, stmt->u.show.name.at,
                       "view '%.*s' is not defined", (int)n.len, n.ptr);
        }
        break;
    case AST_DESCRIBE:
        need_object(r, &stmt->u.describe.name, true);
        break;
    case AST_USE:
        break;
    case AST_EXPLAIN:
        if (stmt->u.explain.stmt)
            statement(r, stmt->u.explain.stmt);
        break;
    case AST_QUERY_STMT:
        rq_query(r, stmt->u.query_stmt.query, NULL);
        break;
    case AST_ERROR:
        r->uses_invalid = true;
        break;
    default:
        if (stmt->kind == AST_SELECT || stmt->kind == AST_SETOP ||
            stmt->kind == AST_VALUES || stmt->kind == AST_WITH)
            rq_query(r, stmt, NULL);
        break;
    }
}

bool resolve_statement(CompileCtx *cc, AstNode *stmt)
{
    if (!stmt || cc->diags.stopped)
        return false;
    Res r;
    res_init(&r, cc);
    uint32_t errs = cc->diags.n_errors;
    statement(&r, stmt);
    return cc->diags.n_errors == errs && !r.uses_invalid && !cc->diags.stopped;
}
