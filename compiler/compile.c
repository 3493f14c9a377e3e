/*
 * compile.c - drives the compiler phases over one or more sources.
 *
 * For each source: tokenize_parse() appends the statements that parsed;
 * then each new statement is resolved (catalog updated by DDL), and each
 * runnable statement (INSERT, statement set, query, EXPLAIN) is planned.
 * The catalog and the options persist across sources, so `-i init.sql`
 * files declare tables that the main file uses.
 */
#include "runtime/fsql.h"
#include "compiler/compile.h"
#include "compiler/catalog.h"
#include "compiler/plan.h"
#include "compiler/resolve.h"
#include "compiler/tokenize.h"

#include <stdarg.h>
#include <string.h>

void compile_init(CompileCtx *cc)
{
    memset(cc, 0, sizeof(*cc));
    arena_init(&cc->a, 64 * 1024);
    diaglist_init(&cc->diags);
    cc->cat = catalog_new(&cc->a);
    cc->offline = true;
}

void compile_fini(CompileCtx *cc)
{
    diaglist_fini(&cc->diags);
    arena_fini(&cc->a);
}

static void set_source(CompileCtx *cc, const char *path, const char *text,
                       size_t len)
{
    cc->src = text;
    cc->src_len = len;
    cc->path = path;
    cc->src_id = diaglist_add_source(&cc->diags, path, text, len);
    const char *slash = strrchr(path, '/');
    if (!slash || path[0] == '<')
        cc->base_dir = ".";
    else if (slash == path)
        cc->base_dir = "/";
    else
        cc->base_dir = arena_strndup(&cc->a, path, (size_t)(slash - path));
}

uint32_t compile_parse_only(CompileCtx *cc, const char *path,
                            const char *text, size_t len)
{
    uint32_t before = cc->diags.n_errors;
    set_source(cc, path, text, len);
    tokenize_parse(cc);
    return cc->diags.n_errors - before;
}

static void push_plan(CompileCtx *cc, Plan *p)
{
    if (cc->n_plans == cc->cap_plans) {
        uint32_t cap = cc->cap_plans ? cc->cap_plans * 2 : 8;
        Plan **np = ARENA_NEW_ARRAY(&cc->a, Plan *, cap);
        if (cc->n_plans)
            memcpy(np, cc->plans, sizeof(Plan *) * cc->n_plans);
        cc->plans = np;
        cc->cap_plans = cap;
    }
    cc->plans[cc->n_plans++] = p;
}

uint32_t compile_source(CompileCtx *cc, const char *path, const char *text,
                        size_t len)
{
    uint32_t before = cc->diags.n_errors;
    uint32_t first = cc->n_stmts;
    set_source(cc, path, text, len);
    tokenize_parse(cc);
    for (uint32_t i = first; i < cc->n_stmts && !cc->diags.stopped; i++) {
        AstNode *stmt = cc->stmts[i].node;
        if (!resolve_statement(cc, stmt))
            continue;
        Plan *p = plan_statement(cc, stmt);
        if (p)
            push_plan(cc, p);
    }
    return cc->diags.n_errors - before;
}

static void add(CompileCtx *cc, DiagSeverity sev, DiagCode code,
                bool has_span, SrcSpan at, const char *fmt, va_list ap)
{
    cc->diags.cur_src = cc->src_id;
    diag_add(&cc->diags, sev, code, has_span, at, fmt, ap);
}

void diag_error(CompileCtx *cc, DiagCode code, SrcSpan at, const char *fmt,
                ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(cc, SEV_ERROR, code, true, at, fmt, ap);
    va_end(ap);
}

void diag_warn(CompileCtx *cc, DiagCode code, SrcSpan at, const char *fmt,
               ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(cc, SEV_WARNING, code, true, at, fmt, ap);
    va_end(ap);
}

void diag_note(CompileCtx *cc, SrcSpan at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* a note belongs to the diagnostic before it and carries its code */
    DiagCode code =
        cc->diags.n ? cc->diags.items[cc->diags.n - 1].code : DIAG_E_SYNTAX;
    add(cc, SEV_NOTE, code, true, at, fmt, ap);
    va_end(ap);
}

void diag_error_nopos(CompileCtx *cc, DiagCode code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    SrcSpan none = {0, 0};
    add(cc, SEV_ERROR, code, false, none, fmt, ap);
    va_end(ap);
}

void diag_hint(CompileCtx *cc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_hint_add(&cc->diags, fmt, ap);
    va_end(ap);
}

void diag_detail(CompileCtx *cc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_detail_add(&cc->diags, fmt, ap);
    va_end(ap);
}

const char *compile_get_option(CompileCtx *cc, const char *key)
{
    for (uint32_t i = cc->n_opts; i-- > 0;)
        if (strcmp(cc->opts[i].key, key) == 0)
            return cc->opts[i].value;
    return NULL;
}

void compile_set_option(CompileCtx *cc, const char *key, const char *value)
{
    for (uint32_t i = 0; i < cc->n_opts; i++) {
        if (strcmp(cc->opts[i].key, key) == 0) {
            cc->opts[i].value = value ? arena_strdup(&cc->a, value) : NULL;
            return;
        }
    }
    if (cc->n_opts == cc->cap_opts) {
        uint32_t cap = cc->cap_opts ? cc->cap_opts * 2 : 16;
        SessionOption *n = ARENA_NEW_ARRAY(&cc->a, SessionOption, cap);
        if (cc->n_opts)
            memcpy(n, cc->opts, sizeof(SessionOption) * cc->n_opts);
        cc->opts = n;
        cc->cap_opts = cap;
    }
    cc->opts[cc->n_opts].key = arena_strdup(&cc->a, key);
    cc->opts[cc->n_opts].value = value ? arena_strdup(&cc->a, value) : NULL;
    cc->n_opts++;
}
