/*
 * catalog.c - tables and views declared by DDL, name lookup, DROP, SHOW and
 * DESCRIBE output.
 *
 * Pipeline position: resolve.c builds a CatTable from each CREATE TABLE
 * with catalog_table_build() (which also expands ${VAR} references and
 * validates the WITH clause, see connectors.c), types the computed columns,
 * then calls catalog_table_finish() and catalog_add_table().  Views are
 * added after their query has been bound.  The planner reads the entries.
 *
 * The catalog is a flat list per object kind: rule files declare tens of
 * tables, not thousands, and lookups happen once per reference at compile
 * time.  Names compare ASCII case-insensitively on their last part; a
 * dropped entry is removed from the list (its memory stays in the arena,
 * so AST nodes that already point at it stay valid).
 */
#include "runtime/fsql.h"
#include "compiler/catalog.h"
#include "compiler/functions.h"
#include "compiler/spell.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct Catalog {
    Arena *a;
    CatTable **tables;
    uint32_t n_tables, cap_tables;
    CatView **views;
    uint32_t n_views, cap_views;
};

Catalog *catalog_new(Arena *a)
{
    Catalog *cat = ARENA_NEW(a, Catalog);
    cat->a = a;
    return cat;
}

/* ---- names ------------------------------------------------------------ */

static Str last_part(Str name)
{
    for (size_t i = name.len; i-- > 0;)
        if (name.ptr[i] == '.')
            return (Str){name.ptr + i + 1, name.len - i - 1};
    return name;
}

static Str qname_last(const QName *q)
{
    if (q->n_parts == 0)
        return STR_NULL;
    return q->parts[q->n_parts - 1].name;
}

static Str str_copy(Arena *a, Str s)
{
    char *p = arena_strndup(a, s.ptr ? s.ptr : "", s.len);
    return (Str){p, s.len};
}

static Str qname_full(Arena *a, const QName *q)
{
    StrBuf sb;
    strbuf_init(&sb);
    for (uint32_t i = 0; i < q->n_parts; i++) {
        if (i)
            strbuf_putc(&sb, '.');
        strbuf_append_str(&sb, q->parts[i].name);
    }
    Str r = str_copy(a, (Str){strbuf_cstr(&sb), sb.len});
    strbuf_fini(&sb);
    return r;
}

static const char *cstr(Arena *a, Str s)
{
    return arena_strndup(a, s.ptr ? s.ptr : "", s.len);
}

/* The source text of a span in the current source (borrowed). */
static Str src_text(CompileCtx *cc, SrcSpan at)
{
    if (!cc->src || (size_t)at.off + at.len > cc->src_len)
        return STR_NULL;
    return (Str){cc->src + at.off, at.len};
}

/* ---- lookups ------------------------------------------------------------ */

static int32_t table_index(Catalog *cat, Str name)
{
    for (uint32_t i = 0; i < cat->n_tables; i++)
        if (str_ieq(cat->tables[i]->name, name))
            return (int32_t)i;
    return -1;
}

static int32_t view_index(Catalog *cat, Str name)
{
    for (uint32_t i = 0; i < cat->n_views; i++)
        if (str_ieq(cat->views[i]->name, name))
            return (int32_t)i;
    return -1;
}

CatTable *catalog_find_table(Catalog *cat, Str name)
{
    int32_t i = table_index(cat, last_part(name));
    return i < 0 ? NULL : cat->tables[i];
}

CatView *catalog_find_view(Catalog *cat, Str name)
{
    int32_t i = view_index(cat, last_part(name));
    return i < 0 ? NULL : cat->views[i];
}

CatTable *catalog_find_table_q(Catalog *cat, const QName *name)
{
    int32_t i = table_index(cat, qname_last(name));
    return i < 0 ? NULL : cat->tables[i];
}

CatView *catalog_find_view_q(Catalog *cat, const QName *name)
{
    int32_t i = view_index(cat, qname_last(name));
    return i < 0 ? NULL : cat->views[i];
}

/* ---- ${VAR} expansion ------------------------------------------------- */

/* Expand ${VAR} and ${VAR:-default} in o->raw into o->value.  Reports
 * E_ENV_UNSET for an unset variable without default, E_BAD_OPTION_VALUE
 * for an unterminated reference; returns false then. */
static bool expand_env(CompileCtx *cc, CatOption *o)
{
    Str s = o->raw;
    StrBuf sb;
    strbuf_init(&sb);
    bool ok = true;
    size_t i = 0;
    while (i < s.len) {
        if (s.ptr[i] != '$' || i + 1 >= s.len || s.ptr[i + 1] != '{') {
            strbuf_putc(&sb, s.ptr[i++]);
            continue;
        }
        size_t start = i + 2, j = start;
        while (j < s.len && s.ptr[j] != '}')
            j++;
        if (j >= s.len) {
            diag_error(cc, DIAG_E_BAD_OPTION_VALUE, o->value_at,
                       "unterminated '${' in the value of option '%s'",
                       cstr(&cc->a, o->key));
            diag_hint(cc, "Write ${NAME} to use the environment variable "
                          "NAME.");
            ok = false;
            break;
        }
        Str inner = {s.ptr + start, j - start};
        Str name = inner, def = STR_NULL;
        bool has_def = false;
        for (size_t k = 0; k + 1 < inner.len; k++) {
            if (inner.ptr[k] == ':' && inner.ptr[k + 1] == '-') {
                name = (Str){inner.ptr, k};
                def = (Str){inner.ptr + k + 2, inner.len - k - 2};
                has_def = true;
                break;
            }
        }
        bool name_ok = name.len > 0;
        for (size_t k = 0; k < name.len; k++) {
            char c = name.ptr[k];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  c == '_' || (k > 0 && c >= '0' && c <= '9')))
                name_ok = false;
        }
        if (!name_ok) {
            diag_error(cc, DIAG_E_BAD_OPTION_VALUE, o->value_at,
                       "'${%s}' in the value of option '%s' is not a valid "
                       "environment variable reference",
                       o->is_secret ? "..." : cstr(&cc->a, inner),
                       cstr(&cc->a, o->key));
            diag_hint(cc, "Variable names are letters, digits and '_', "
                          "as in ${KAFKA_SERVERS}.");
            ok = false;
            break;
        }
        const char *nm = cstr(&cc->a, name);
        const char *val = getenv(nm);
        if (val && (*val || !has_def)) {
            strbuf_puts(&sb, val);
        } else if (has_def) {
            strbuf_append_str(&sb, def);
        } else if (cc->offline) {
            /* validate/explain connect nowhere: the value is not needed
             * yet, so an unset variable is only worth a warning. */
            diag_warn(cc, DIAG_E_ENV_UNSET, o->value_at,
                      "environment variable '%s' is not set", nm);
            diag_hint(cc,
                      "'fsql run' will fail unless %s is set; write "
                      "${%s:-default} to give a fallback.",
                      nm, nm);
            strbuf_append(&sb, s.ptr + i, j + 1 - i);
        } else {
            diag_error(cc, DIAG_E_ENV_UNSET, o->value_at,
                       "environment variable '%s' is not set", nm);
            diag_detail(cc, "The value of option '%s' refers to ${%s}.",
                        cstr(&cc->a, o->key), nm);
            diag_hint(cc,
                      "Set %s before running fsql, or write "
                      "${%s:-default} to give a fallback.",
                      nm, nm);
            ok = false;
            break;
        }
        o->has_env = true;
        i = j + 1;
    }
    o->value = ok ? str_copy(&cc->a, (Str){strbuf_cstr(&sb), sb.len})
                  : str_copy(&cc->a, o->raw);
    strbuf_fini(&sb);
    return ok;
}

/* ---- building tables ---------------------------------------------------- */

static int32_t column_index(const CatTable *t, Str name)
{
    for (uint32_t i = 0; i < t->n_cols; i++)
        if (str_ieq(t->cols[i].name, name))
            return (int32_t)i;
    return -1;
}

const char *catalog_suggest_column(Arena *a, const CatTable *t, Str name)
{
    const char **names = ARENA_NEW_ARRAY(a, const char *, t->n_cols + 1);
    for (uint32_t i = 0; i < t->n_cols; i++)
        names[i] = cstr(a, t->cols[i].name);
    return spell_suggest_n(name.ptr, name.len, names, t->n_cols);
}

static void unknown_column(CompileCtx *cc, CatTable *t, Str name, SrcSpan at,
                           const char *what)
{
    diag_error(cc, DIAG_E_UNKNOWN_COLUMN, at,
               "%s column '%s' is not a column of table '%s'", what,
               cstr(&cc->a, name), cstr(&cc->a, t->name));
    const char *sugg = catalog_suggest_column(&cc->a, t, name);
    if (sugg)
        diag_hint(cc, "Did you mean '%s'?", sugg);
    t->has_errors = true;
}

static bool is_proctime_call(const AstNode *e)
{
    return e && e->kind == AST_FUNC_CALL && e->u.func_call.name.n_parts == 1 &&
           str_ieq_cstr(e->u.func_call.name.parts[0].name, "PROCTIME") &&
           e->u.func_call.args.n == 0;
}

static void add_pk(CompileCtx *cc, CatTable *t, Str name, SrcSpan at)
{
    int32_t ci = column_index(t, name);
    if (ci < 0) {
        unknown_column(cc, t, name, at, "PRIMARY KEY");
        return;
    }
    CatColumn *c = &t->cols[ci];
    if (c->kind != COL_PHYSICAL) {
        diag_error(cc, DIAG_E_PRIMARY_KEY, at,
                   "PRIMARY KEY column '%s' is a %s column",
                   cstr(&cc->a, c->name),
                   c->kind == COL_COMPUTED ? "computed" : "metadata");
        diag_detail(cc, "A primary key can only use physical columns.");
        t->has_errors = true;
        return;
    }
    for (uint32_t k = 0; k < t->n_pk; k++) {
        if (t->pk_cols[k] == (uint32_t)ci) {
            diag_error(cc, DIAG_E_PRIMARY_KEY, at,
                       "column '%s' appears twice in the PRIMARY KEY",
                       cstr(&cc->a, c->name));
            t->has_errors = true;
            return;
        }
    }
    t->pk_cols[t->n_pk++] = (uint32_t)ci;
}

CatTable *catalog_table_build(CompileCtx *cc, AstNode *n)
{
    FSQL_ASSERT(n->kind == AST_CREATE_TABLE);
    Arena *a = &cc->a;
    AstCreateTable *ct = &n->u.create_table;
    CatTable *t = ARENA_NEW(a, CatTable);
    t->name = str_copy(a, qname_last(&ct->name));
    t->full_name = qname_full(a, &ct->name);
    t->decl = n;
    t->src_id = cc->src_id;
    t->base_dir = cc->base_dir ? arena_strdup(a, cc->base_dir) : ".";
    t->is_temporary = ct->is_temporary;
    t->watermark_col = -1;

    /* Columns. */
    t->cols = ARENA_NEW_ARRAY(a, CatColumn, ct->columns.n + 1);
    for (uint32_t i = 0; i < ct->columns.n; i++) {
        AstNode *cn = ct->columns.items[i];
        if (cn->kind != AST_COLUMN_DEF)
            continue;
        AstColumnDef *cd = &cn->u.column_def;
        if (column_index(t, cd->name.name) >= 0) {
            diag_error(cc, DIAG_E_DUPLICATE, cd->name.at,
                       "column '%s' is declared twice in table '%s'",
                       cstr(a, cd->name.name), cstr(a, t->name));
            t->has_errors = true;
            continue;
        }
        CatColumn *c = &t->cols[t->n_cols++];
        c->name = str_copy(a, cd->name.name);
        c->kind = cd->col_kind;
        c->name_at = cd->name.at;
        c->src_id = cc->src_id;
        c->type = cd->type ? cd->type->type : NULL;
        if (cd->col_kind == COL_COMPUTED) {
            c->expr = cd->expr;
            c->type = NULL;
            if (cd->expr)
                c->expr_text = src_text(cc, cd->expr->at);
            if (is_proctime_call(cd->expr)) {
                SqlType *pt = type_new_timestamp(a, T_TIMESTAMP_LTZ, 3);
                pt->is_nullable = false;
                pt->time_attr = TA_PROCTIME;
                c->type = pt;
                c->is_proctime = true;
                /* Bind the call too: the planner and codegen evaluate the
                 * column like any computed column. */
                cd->expr->type = pt;
                cd->expr->u.func_call.func =
                    func_lookup(STR_LIT("PROCTIME"));
            }
        } else if (cd->col_kind == COL_METADATA) {
            c->metadata_key =
                cd->has_metadata_key ? str_copy(a, cd->metadata_key) : c->name;
            c->is_virtual = cd->is_virtual;
        }
    }

    /* Primary key: ast_create_table() has already turned an inline
     * `a INT PRIMARY KEY NOT ENFORCED` into the primary_key list and
     * rejected a second key. */
    t->pk_cols = ARENA_NEW_ARRAY(a, uint32_t, t->n_cols + 1);
    for (uint32_t i = 0; i < ct->primary_key.n; i++) {
        AstNode *r = ct->primary_key.items[i];
        if (r->kind != AST_COLUMN_REF || r->u.column_ref.name.n_parts == 0)
            continue;
        add_pk(cc, t, qname_last(&r->u.column_ref.name), r->at);
    }

    /* Watermark. */
    if (ct->watermark && ct->watermark->kind == AST_WATERMARK_DEF) {
        AstWatermarkDef *wd = &ct->watermark->u.watermark_def;
        int32_t ci = column_index(t, wd->column.name);
        if (ci < 0) {
            unknown_column(cc, t, wd->column.name, wd->column.at, "WATERMARK");
        } else {
            t->watermark_col = ci;
            t->watermark_expr = wd->expr;
            if (wd->expr)
                t->watermark_text = src_text(cc, wd->expr->at);
        }
    }

    /* Options: copy, expand ${VAR}, then validate. */
    t->opts = ARENA_NEW_ARRAY(a, CatOption, ct->options.n + 1);
    bool env_ok = true;
    for (uint32_t i = 0; i < ct->options.n; i++) {
        AstNode *on = ct->options.items[i];
        if (on->kind != AST_OPTION)
            continue;
        CatOption *o = &t->opts[t->n_opts++];
        o->key = str_copy(a, on->u.option.key);
        o->raw = on->u.option.value;
        o->key_at = on->u.option.key_at;
        o->value_at = on->u.option.value_at;
        o->is_secret = option_key_is_secret(o->key);
        if (!expand_env(cc, o))
            env_ok = false;
    }
    if (!env_ok)
        t->has_errors = true;
    if (!catalog_validate_options(cc, t, n))
        t->has_errors = true;
    return t;
}

SqlType *catalog_column_type(const CatTable *t, uint32_t c)
{
    if (t->rel && c < t->rel->n_cols && t->rel->cols[c].type)
        return t->rel->cols[c].type;
    return t->cols[c].type;
}

bool catalog_table_is_versioned(const CatTable *t)
{
    return t->n_pk > 0 && t->watermark_col >= 0;
}

bool catalog_table_is_versioned_file(const CatTable *t, TimeAttr ta)
{
    return ta == TA_ROWTIME && catalog_table_is_versioned(t) &&
           str_ieq_cstr(t->connector, "filesystem");
}

bool catalog_table_finish(CompileCtx *cc, CatTable *t)
{
    Arena *a = &cc->a;
    bool ok = true;
    if (t->watermark_col >= 0) {
        CatColumn *c = &t->cols[t->watermark_col];
        if (c->type && !(type_is_timestamp(c->type) &&
                         c->type->precision >= 0 && c->type->precision <= 3)) {
            SrcSpan at = c->name_at;
            if (t->decl && t->decl->u.create_table.watermark)
                at = t->decl->u.create_table.watermark->u.watermark_def.column
                         .at;
            diag_error(cc, DIAG_E_WATERMARK, at,
                       "the WATERMARK column '%s' has type %s, not "
                       "TIMESTAMP(3) or TIMESTAMP_LTZ(3)",
                       cstr(a, c->name), type_to_string(a, c->type));
            if (type_is_integer(c->type))
                diag_hint(cc,
                          "Declare a computed column such as `ts AS "
                          "TO_TIMESTAMP_LTZ(%s, 3)` and define the "
                          "watermark on it.",
                          cstr(a, c->name));
            else if (c->type->kind == T_VARCHAR || c->type->kind == T_CHAR)
                diag_hint(cc,
                          "Declare a computed column such as `ts AS "
                          "TO_TIMESTAMP(%s)` and define the watermark "
                          "on it.",
                          cstr(a, c->name));
            else
                diag_detail(cc, "A rowtime attribute must be a TIMESTAMP or "
                                "TIMESTAMP_LTZ with a precision of at most "
                                "3.");
            ok = false;
            t->has_errors = true;
        } else if (c->type) {
            c->type = type_with_time_attr(a, c->type, TA_ROWTIME);
        }
    }
    for (uint32_t k = 0; k < t->n_pk; k++) {
        CatColumn *c = &t->cols[t->pk_cols[k]];
        if (c->type && c->type->is_nullable)
            c->type = type_with_nullable(a, c->type, false);
    }
    RelSchema *rel = ARENA_NEW(a, RelSchema);
    rel->n_cols = t->n_cols;
    rel->cols = ARENA_NEW_ARRAY(a, RelColumn, t->n_cols + 1);
    for (uint32_t i = 0; i < t->n_cols; i++) {
        rel->cols[i].name = t->cols[i].name;
        rel->cols[i].type = t->cols[i].type;
    }
    t->rel = rel;
    return ok;
}

CatView *catalog_view_new(CompileCtx *cc, AstNode *n)
{
    FSQL_ASSERT(n->kind == AST_CREATE_VIEW);
    Arena *a = &cc->a;
    AstCreateView *cv = &n->u.create_view;
    CatView *v = ARENA_NEW(a, CatView);
    v->name = str_copy(a, qname_last(&cv->name));
    v->full_name = qname_full(a, &cv->name);
    v->decl = n;
    v->query = cv->query;
    v->src_id = cc->src_id;
    v->is_temporary = cv->is_temporary;
    if (cv->column_names.n) {
        v->col_names = ARENA_NEW_ARRAY(a, Str, cv->column_names.n);
        for (uint32_t i = 0; i < cv->column_names.n; i++) {
            AstNode *r = cv->column_names.items[i];
            if (r->kind == AST_COLUMN_REF)
                v->col_names[v->n_col_names++] =
                    str_copy(a, qname_last(&r->u.column_ref.name));
        }
    }
    return v;
}

/* ---- add / drop ------------------------------------------------------ */

static SrcSpan decl_name_at(const AstNode *decl)
{
    if (!decl)
        return (SrcSpan){0, 0};
    if (decl->kind == AST_CREATE_TABLE)
        return decl->u.create_table.name.at;
    if (decl->kind == AST_CREATE_VIEW)
        return decl->u.create_view.name.at;
    return decl->at;
}

/* Report that name is taken; the earlier declaration gets a note when it is
 * in the same source. */
static void duplicate(CompileCtx *cc, Str name, SrcSpan at, bool new_is_view)
{
    Catalog *cat = cc->cat;
    int32_t ti = table_index(cat, name), vi = view_index(cat, name);
    const char *old_kind = ti >= 0 ? "table" : "view";
    const AstNode *old_decl =
        ti >= 0 ? cat->tables[ti]->decl : cat->views[vi]->decl;
    uint32_t old_src =
        ti >= 0 ? cat->tables[ti]->src_id : cat->views[vi]->src_id;
    diag_error(cc, DIAG_E_DUPLICATE, at, "%s '%s' already exists", old_kind,
               cstr(&cc->a, name));
    diag_hint(cc,
              "Use CREATE %s IF NOT EXISTS to keep the first "
              "definition, or DROP %s %s first.",
              new_is_view ? "VIEW" : "TABLE", ti >= 0 ? "TABLE" : "VIEW",
              cstr(&cc->a, name));
    if (old_decl && old_src == cc->src_id)
        diag_note(cc, decl_name_at(old_decl), "'%s' was first defined here",
                  cstr(&cc->a, name));
}

bool catalog_add_table(CompileCtx *cc, CatTable *t, bool if_not_exists,
                       SrcSpan name_at)
{
    Catalog *cat = cc->cat;
    if (table_index(cat, t->name) >= 0 || view_index(cat, t->name) >= 0) {
        if (!if_not_exists)
            duplicate(cc, t->name, name_at, false);
        return false;
    }
    if (cat->n_tables == cat->cap_tables) {
        uint32_t cap = cat->cap_tables ? cat->cap_tables * 2 : 16;
        CatTable **nt = ARENA_NEW_ARRAY(cat->a, CatTable *, cap);
        if (cat->n_tables)
            memcpy(nt, cat->tables, sizeof(*nt) * cat->n_tables);
        cat->tables = nt;
        cat->cap_tables = cap;
    }
    cat->tables[cat->n_tables++] = t;
    return true;
}

bool catalog_add_view(CompileCtx *cc, CatView *v, bool if_not_exists,
                      SrcSpan name_at)
{
    Catalog *cat = cc->cat;
    if (table_index(cat, v->name) >= 0 || view_index(cat, v->name) >= 0) {
        if (!if_not_exists)
            duplicate(cc, v->name, name_at, true);
        return false;
    }
    if (cat->n_views == cat->cap_views) {
        uint32_t cap = cat->cap_views ? cat->cap_views * 2 : 16;
        CatView **nv = ARENA_NEW_ARRAY(cat->a, CatView *, cap);
        if (cat->n_views)
            memcpy(nv, cat->views, sizeof(*nv) * cat->n_views);
        cat->views = nv;
        cat->cap_views = cap;
    }
    cat->views[cat->n_views++] = v;
    return true;
}

bool catalog_drop(CompileCtx *cc, const AstNode *drop)
{
    FSQL_ASSERT(drop->kind == AST_DROP);
    Catalog *cat = cc->cat;
    Arena *a = &cc->a;
    const AstDrop *d = &drop->u.drop;
    Str name = qname_last(&d->name);
    if (d->obj != OBJ_TABLE && d->obj != OBJ_VIEW) {
        if (d->if_exists)
            return true;
        if (d->obj == OBJ_FUNCTION) {
            diag_error(cc, DIAG_E_UNKNOWN_FUNCTION, d->name.at,
                       "function '%s' does not exist", cstr(a, name));
            diag_detail(cc, "fsql has no user-defined functions; built-in "
                            "functions cannot be dropped.");
        } else {
            diag_error(cc, DIAG_E_UNSUPPORTED, drop->at,
                       "DROP %s is not supported",
                       d->obj == OBJ_DATABASE ? "DATABASE" : "CATALOG");
            diag_detail(cc, "fsql has one catalog with one database.");
        }
        return false;
    }
    bool want_table = d->obj == OBJ_TABLE;
    int32_t ti = table_index(cat, name), vi = view_index(cat, name);
    int32_t idx = want_table ? ti : vi;
    if (idx >= 0) {
        if (want_table) {
            memmove(&cat->tables[idx], &cat->tables[idx + 1],
                    sizeof(CatTable *) * (cat->n_tables - (uint32_t)idx - 1));
            cat->n_tables--;
        } else {
            memmove(&cat->views[idx], &cat->views[idx + 1],
                    sizeof(CatView *) * (cat->n_views - (uint32_t)idx - 1));
            cat->n_views--;
        }
        return true;
    }
    if (d->if_exists)
        return true;
    const char *kind = want_table ? "table" : "view";
    if ((want_table && vi >= 0) || (!want_table && ti >= 0)) {
        diag_error(cc, DIAG_E_UNKNOWN_TABLE, d->name.at,
                   "'%s' is a %s, not a %s", cstr(a, name),
                   want_table ? "view" : "table", kind);
        diag_hint(cc, "Use DROP %s %s.", want_table ? "VIEW" : "TABLE",
                  cstr(a, name));
        return false;
    }
    diag_error(cc, DIAG_E_UNKNOWN_TABLE, d->name.at, "%s '%s' does not exist",
               kind, cstr(a, name));
    size_t n;
    const char **names =
        catalog_names(cat, a, want_table ? CAT_TABLES : CAT_VIEWS, &n);
    const char *sugg = spell_suggest_n(name.ptr, name.len, names, n);
    if (sugg)
        diag_hint(cc, "Did you mean '%s'?", sugg);
    else
        diag_hint(cc, "Use DROP %s IF EXISTS to ignore a missing %s.",
                  want_table ? "TABLE" : "VIEW", kind);
    return false;
}

/* ---- listing ------------------------------------------------------------ */

static int cmp_names(const void *x, const void *y)
{
    const char *const *a = x;
    const char *const *b = y;
    int c = strcasecmp(*a, *b);
    return c ? c : strcmp(*a, *b);
}

const char **catalog_names(Catalog *cat, Arena *a, unsigned which, size_t *n)
{
    size_t cap = 1;
    if (which & CAT_TABLES)
        cap += cat->n_tables;
    if (which & CAT_VIEWS)
        cap += cat->n_views;
    const char **names = ARENA_NEW_ARRAY(a, const char *, cap);
    size_t k = 0;
    if (which & CAT_TABLES)
        for (uint32_t i = 0; i < cat->n_tables; i++)
            names[k++] = cstr(a, cat->tables[i]->name);
    if (which & CAT_VIEWS)
        for (uint32_t i = 0; i < cat->n_views; i++)
            names[k++] = cstr(a, cat->views[i]->name);
    qsort(names, k, sizeof(*names), cmp_names);
    *n = k;
    return names;
}

/* ---- options ---------------------------------------------------------- */

const char *catalog_table_option(const CatTable *t, const char *key)
{
    for (uint32_t i = 0; i < t->n_opts; i++)
        if (str_eq_cstr(t->opts[i].key, key))
            return t->opts[i].value.ptr;
    return NULL;
}

const char *catalog_option_display(const CatOption *o)
{
    return o->is_secret ? "******" : o->value.ptr;
}

/* ---- DESCRIBE ---------------------------------------------------------- */

#define DESC_COLS 6

typedef struct DescRow {
    const char *cell[DESC_COLS];
} DescRow;

static size_t display_width(const char *s)
{
    return utf8_count(s, strlen(s));
}

static void put_rule(StrBuf *out, const size_t *w)
{
    for (int c = 0; c < DESC_COLS; c++) {
        strbuf_putc(out, '+');
        for (size_t i = 0; i < w[c] + 2; i++)
            strbuf_putc(out, '-');
    }
    strbuf_puts(out, "+\n");
}

static void put_row(StrBuf *out, const size_t *w, const DescRow *r)
{
    for (int c = 0; c < DESC_COLS; c++) {
        strbuf_puts(out, "| ");
        size_t dw = display_width(r->cell[c]);
        for (size_t i = dw; i < w[c]; i++)
            strbuf_putc(out, ' ');
        strbuf_puts(out, r->cell[c]);
        strbuf_putc(out, ' ');
    }
    strbuf_puts(out, "|\n");
}

static void render_desc(StrBuf *out, const DescRow *rows, uint32_t n)
{
    static const DescRow head = {
        {"name", "type", "null", "key", "extras", "watermark"}};
    size_t w[DESC_COLS];
    for (int c = 0; c < DESC_COLS; c++) {
        w[c] = display_width(head.cell[c]);
        for (uint32_t i = 0; i < n; i++) {
            size_t dw = display_width(rows[i].cell[c]);
            if (dw > w[c])
                w[c] = dw;
        }
    }
    put_rule(out, w);
    put_row(out, w, &head);
    put_rule(out, w);
    for (uint32_t i = 0; i < n; i++)
        put_row(out, w, &rows[i]);
    put_rule(out, w);
    strbuf_printf(out, "%u row%s in set\n", n, n == 1 ? "" : "s");
}

/* The type column: nullability has its own column, except that time
 * attributes print whole, as Flink does ("TIMESTAMP_LTZ(3) NOT NULL
 * *PROCTIME*"). */
static const char *desc_type(Arena *a, const SqlType *t)
{
    if (!t)
        return "<unknown>";
    if (t->time_attr != TA_NONE)
        return type_to_string(a, t);
    return type_to_string(a, type_with_nullable(a, t, true));
}

bool catalog_describe(Catalog *cat, Str name, StrBuf *out)
{
    Arena *a = cat->a;
    CatTable *t = catalog_find_table(cat, name);
    if (t) {
        DescRow *rows = ARENA_NEW_ARRAY(a, DescRow, t->n_cols + 1);
        const char *pk = "";
        if (t->n_pk) {
            StrBuf sb;
            strbuf_init(&sb);
            strbuf_puts(&sb, "PRI(");
            for (uint32_t k = 0; k < t->n_pk; k++) {
                if (k)
                    strbuf_puts(&sb, ", ");
                strbuf_append_str(&sb, t->cols[t->pk_cols[k]].name);
            }
            strbuf_putc(&sb, ')');
            pk = arena_strdup(a, strbuf_cstr(&sb));
            strbuf_fini(&sb);
        }
        for (uint32_t i = 0; i < t->n_cols; i++) {
            const CatColumn *c = &t->cols[i];
            bool in_pk = false;
            for (uint32_t k = 0; k < t->n_pk; k++)
                if (t->pk_cols[k] == i)
                    in_pk = true;
            const char *extras = "";
            if (c->kind == COL_COMPUTED)
                extras =
                    arena_sprintf(a, "AS %.*s", (int)c->expr_text.len,
                                  c->expr_text.ptr ? c->expr_text.ptr : "");
            else if (c->kind == COL_METADATA)
                extras = arena_sprintf(
                    a, "METADATA%s%s%s%s",
                    str_eq(c->metadata_key, c->name) ? "" : " FROM '",
                    str_eq(c->metadata_key, c->name) ? ""
                                                     : cstr(a, c->metadata_key),
                    str_eq(c->metadata_key, c->name) ? "" : "'",
                    c->is_virtual ? " VIRTUAL" : "");
            rows[i].cell[0] = cstr(a, c->name);
            rows[i].cell[1] = desc_type(a, c->type);
            rows[i].cell[2] =
                (c->type && !c->type->is_nullable) ? "FALSE" : "TRUE";
            rows[i].cell[3] = in_pk ? pk : "";
            rows[i].cell[4] = extras;
            rows[i].cell[5] = (int32_t)i == t->watermark_col
                                  ? cstr(a, t->watermark_text)
                                  : "";
        }
        render_desc(out, rows, t->n_cols);
        return true;
    }
    CatView *v = catalog_find_view(cat, name);
    if (!v)
        return false;
    uint32_t n = v->rel ? v->rel->n_cols : 0;
    DescRow *rows = ARENA_NEW_ARRAY(a, DescRow, n + 1);
    for (uint32_t i = 0; i < n; i++) {
        const RelColumn *c = &v->rel->cols[i];
        rows[i].cell[0] = cstr(a, c->name);
        rows[i].cell[1] = desc_type(a, c->type);
        rows[i].cell[2] = (c->type && !c->type->is_nullable) ? "FALSE" : "TRUE";
        rows[i].cell[3] = "";
        rows[i].cell[4] = "";
        rows[i].cell[5] = "";
    }
    render_desc(out, rows, n);
    return true;
}
