/*
 * resolve_query.c - binding of query expressions: scopes, FROM items
 * (tables, views, WITH queries, subqueries, joins, window table functions,
 * UNNEST, MATCH_RECOGNIZE), column references, the select list, GROUP BY
 * and grouping checks, HAVING, ORDER BY, set operations and VALUES, plus
 * the streaming checks on joins (lookup and temporal joins).
 *
 * Pipeline position: resolve.c calls rq_query() for every query it meets;
 * expressions are typed by resolve_expr.c, which calls back into
 * rq_column_ref() and rq_query() (subqueries).
 *
 * Annotations (read by plan.c, see ast.h): AstNode.rel on every query node
 * and FROM item (a JOIN's rel is its left columns followed by its right
 * columns), AstColumnRef.source/col/depth/pattern_var, AstTableRef.table/
 * view/cte, AstTableArg.resolved, AstSelect.is_aggregate.
 *
 * Rewrites done in place (documented for plan.c):
 *  - `*` and `t.*` select items are replaced by bound column references;
 *  - JOIN ... USING (...) and NATURAL JOIN get an explicit ON condition
 *    (equalities of bound column references, ANDed).
 *
 * Time attributes survive projections, filters, views, lookup joins (probe
 * side) and - an fsql extension over Flink - regular joins, where both
 * inputs keep theirs.  Aggregations drop them except for window_time and
 * *_ROWTIME() results.
 */
#include "runtime/fsql.h"
#include "compiler/resolve_int.h"
#include "compiler/catalog.h"
#include "compiler/functions.h"
#include "compiler/spell.h"

#include <stdio.h>
#include <string.h>

/* ---- schemas and scopes ------------------------------------------------ */

RelSchema *rq_rel_new(Res *r, uint32_t n)
{
    RelSchema *rel = ARENA_NEW(r->a, RelSchema);
    rel->n_cols = n;
    rel->cols = ARENA_NEW_ARRAY(r->a, RelColumn, n ? n : 1);
    return rel;
}

int32_t rq_rel_find(const RelSchema *rel, Str name)
{
    if (!rel)
        return -1;
    for (uint32_t i = 0; i < rel->n_cols; i++)
        if (!rel->cols[i].is_hidden && str_ieq(rel->cols[i].name, name))
            return (int32_t)i;
    return -1;
}

static uint32_t rel_count(const RelSchema *rel, Str name)
{
    uint32_t n = 0;
    for (uint32_t i = 0; rel && i < rel->n_cols; i++)
        if (!rel->cols[i].is_hidden && str_ieq(rel->cols[i].name, name))
            n++;
    return n;
}

static RelSchema *rel_incomplete(Res *r)
{
    RelSchema *rel = rq_rel_new(r, 0);
    rel->is_incomplete = true;
    return rel;
}

Scope *rq_scope_new(Res *r, Scope *parent)
{
    Scope *s = ARENA_NEW(r->a, Scope);
    s->parent = parent;
    s->ctes = parent ? parent->ctes : NULL;
    return s;
}

void rq_scope_add(Res *r, Scope *s, Str name, AstNode *node, RelSchema *rel,
                  const char *desc, bool incomplete)
{
    if (s->n_rels == s->cap_rels) {
        uint32_t cap = s->cap_rels ? s->cap_rels * 2 : 4;
        ScopeRel *n = ARENA_NEW_ARRAY(r->a, ScopeRel, cap);
        if (s->n_rels)
            memcpy(n, s->rels, sizeof(ScopeRel) * s->n_rels);
        s->rels = n;
        s->cap_rels = cap;
    }
    ScopeRel *sr = &s->rels[s->n_rels++];
    sr->name = name;
    sr->node = node;
    sr->rel = rel;
    sr->desc = desc;
    sr->incomplete = incomplete || (rel && rel->is_incomplete);
}

static void scope_add_using(Res *r, Scope *s, Str name, uint32_t prefer,
                            uint32_t other)
{
    if (s->n_usings == s->cap_usings) {
        uint32_t cap = s->cap_usings ? s->cap_usings * 2 : 4;
        UsingCol *n = ARENA_NEW_ARRAY(r->a, UsingCol, cap);
        if (s->n_usings)
            memcpy(n, s->usings, sizeof(UsingCol) * s->n_usings);
        s->usings = n;
        s->cap_usings = cap;
    }
    s->usings[s->n_usings++] = (UsingCol){name, prefer, other};
}

static const char *sv(Res *r, Str s)
{
    return rx_cstr(r, s);
}

/* "'r' (view real_time_risk_scoring)" or "view comprehensive_risk_decision" */
static const char *rel_desc(Res *r, const char *what, Str name, Str alias)
{
    if (alias.len && !str_ieq(alias, name))
        return arena_sprintf(r->a, "'%.*s' (%s %.*s)", (int)alias.len,
                             alias.ptr, what, (int)name.len, name.ptr);
    return arena_sprintf(r->a, "%s %.*s", what, (int)name.len, name.ptr);
}

/* ---- column references -------------------------------------------------- */

static void bind(AstNode *e, ScopeRel *sr, int32_t col, int32_t depth)
{
    e->u.column_ref.source = sr->node;
    e->u.column_ref.col = col;
    e->u.column_ref.depth = depth;
}

static SqlType *col_type(const RelSchema *rel, int32_t col)
{
    SqlType *t = rel->cols[col].type;
    return t ? t : rx_err();
}

/* Candidate names for did-you-mean: the columns of the scope's relations
 * (and the select-list aliases when given). */
static const char *suggest_column(Res *r, Scope *s, Str name,
                                  const ScopeRel *only)
{
    uint32_t n = 0, cap = 0;
    for (uint32_t i = 0; i < s->n_rels; i++)
        if (!only || only == &s->rels[i])
            cap += s->rels[i].rel ? s->rels[i].rel->n_cols : 0;
    const char **c = ARENA_NEW_ARRAY(r->a, const char *, cap + 1);
    for (uint32_t i = 0; i < s->n_rels; i++) {
        ScopeRel *sr = &s->rels[i];
        if ((only && only != sr) || !sr->rel)
            continue;
        for (uint32_t j = 0; j < sr->rel->n_cols; j++)
            if (!sr->rel->cols[j].is_hidden)
                c[n++] = sv(r, sr->rel->cols[j].name);
    }
    return spell_suggest_n(name.ptr, name.len, c, n);
}

/* Whether name is a misspelling of a column that itself failed to
 * resolve (a view selecting "amout" has a column of that name with the
 * error type): the mistake was reported where the view is defined, and a
 * reader that spells the name right gets no second error. */
static bool near_broken_column(Res *r, Scope *s, Str name,
                               const ScopeRel *only)
{
    const char *sug = suggest_column(r, s, name, only);
    if (!sug)
        return false;
    Str sn = str_from_cstr(sug);
    for (uint32_t i = 0; i < s->n_rels; i++) {
        const ScopeRel *sr = &s->rels[i];
        if ((only && only != sr) || !sr->rel)
            continue;
        int32_t j = rq_rel_find(sr->rel, sn);
        if (j >= 0 && rx_is_err(col_type(sr->rel, j)))
            return true;
    }
    return false;
}

static int32_t find_alias(Scope *s, Str name)
{
    if (!s->select)
        return -1;
    AstList *items = &s->select->u.select.items;
    for (uint32_t i = 0; i < items->n; i++) {
        AstSelectItem *it = &items->items[i]->u.select_item;
        if (it->has_alias && str_ieq(it->alias.name, name))
            return (int32_t)i;
    }
    return -1;
}

static SqlType *bind_alias(ExprCtx *x, AstNode *e, Scope *s, int32_t idx)
{
    AstNode *item = s->select->u.select.items.items[idx];
    AstNode *ex = item->u.select_item.expr;
    e->u.column_ref.source = s->select;
    e->u.column_ref.col = idx;
    e->u.column_ref.depth = 0;
    (void)x;
    return ex && ex->type ? ex->type : rx_err();
}

/* Pattern variables and SUBSET names of a MATCH_RECOGNIZE. */
static bool pattern_has_var(const AstNode *p, Str name)
{
    if (!p)
        return false;
    if (p->u.pattern.pat_kind == PAT_VAR)
        return str_ieq(p->u.pattern.var.name, name);
    for (uint32_t i = 0; i < p->u.pattern.items.n; i++)
        if (pattern_has_var(p->u.pattern.items.items[i], name))
            return true;
    return false;
}

static bool mr_has_var(const AstNode *mr, Str name)
{
    const AstMatchRecognize *m = &mr->u.match_recognize;
    if (pattern_has_var(m->pattern, name))
        return true;
    for (uint32_t i = 0; i < m->subsets.n; i++)
        if (str_ieq(m->subsets.items[i]->u.subset.name.name, name))
            return true;
    return false;
}

bool rq_mr_has_var(const AstNode *mr, Str name)
{
    return mr_has_var(mr, name);
}

static void report_unknown_in(Res *r, Scope *s, Ident col, ScopeRel *sr)
{
    for (uint32_t i = 0; sr->rel && i < sr->rel->n_cols; i++) {
        if (sr->rel->cols[i].is_hidden &&
            str_ieq(sr->rel->cols[i].name, col.name)) {
            diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, col.at,
                       "computed column '%.*s' cannot be used in another "
                       "computed column",
                       (int)col.name.len, col.name.ptr);
            diag_hint(r->cc, "Repeat its expression, or refer to the "
                             "physical columns it is computed from.");
            return;
        }
    }
    if (near_broken_column(r, s, col.name, sr))
        return;
    diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, col.at,
               "column '%.*s' not found in %s", (int)col.name.len, col.name.ptr,
               sr->desc);
    const char *sug = suggest_column(r, s, col.name, sr);
    if (sug)
        diag_hint(r->cc, "Did you mean '%s'?", sug);
    /* A view that does not select a column its sources have. */
    AstTableRef *tr = sr->node && sr->node->kind == AST_TABLE_REF
                          ? &sr->node->u.table_ref
                          : NULL;
    if (!sug && tr && tr->view && tr->view->query) {
        AstNode *q = tr->view->query;
        while (q && q->kind == AST_WITH)
            q = q->u.with.body;
        if (q && q->kind == AST_SELECT && q->u.select.from.n) {
            /* look through the FROM leaves of the view */
            AstNode *stack[32];
            int sp = 0;
            stack[sp++] = q->u.select.from.items[0];
            while (sp > 0) {
                AstNode *n = stack[--sp];
                if (n->kind == AST_JOIN) {
                    if (sp < 30) {
                        stack[sp++] = n->u.join.right;
                        stack[sp++] = n->u.join.left;
                    }
                    continue;
                }
                if (n->rel && rq_rel_find(n->rel, col.name) >= 0) {
                    const char *src = "its input";
                    if (n->kind == AST_TABLE_REF) {
                        AstTableRef *in = &n->u.table_ref;
                        Str nm = in->name.parts[in->name.n_parts - 1].name;
                        src = rel_desc(r, in->view ? "view" : "table", nm,
                                       in->has_alias ? in->alias.name : nm);
                    }
                    diag_detail(r->cc,
                                "View %.*s does not select '%.*s', "
                                "although %s has it.",
                                (int)tr->view->name.len, tr->view->name.ptr,
                                (int)col.name.len, col.name.ptr, src);
                    diag_hint(r->cc,
                              "Add '%.*s' to the select list of view "
                              "%.*s.",
                              (int)col.name.len, col.name.ptr,
                              (int)tr->view->name.len, tr->view->name.ptr);
                    return;
                }
            }
        }
    }
}

static SqlType *resolve_pattern_ref(ExprCtx *x, AstNode *e, Scope *s)
{
    Res *r = x->r;
    AstColumnRef *cr = &e->u.column_ref;
    Ident col = cr->name.parts[cr->name.n_parts - 1];
    cr->pattern_var = cr->name.parts[0].name;
    ScopeRel *sr = &s->rels[0];
    int32_t j = rq_rel_find(sr->rel, col.name);
    if (j < 0) {
        if (sr->incomplete)
            return rx_err();
        report_unknown_in(r, s, col, sr);
        return rx_err();
    }
    bind(e, sr, j, 0);
    return col_type(sr->rel, j);
}

SqlType *rq_column_ref(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstColumnRef *cr = &e->u.column_ref;
    QName *qn = &cr->name;
    Scope *scope = x->scope;
    if (!scope || qn->n_parts == 0)
        return rx_err();

    if (qn->n_parts == 1) {
        Ident id = qn->parts[0];
        if (scope->aliases_first) {
            int32_t a = find_alias(scope, id.name);
            if (a >= 0)
                return bind_alias(x, e, scope, a);
        }
        int32_t depth = 0;
        for (Scope *s = scope; s; s = s->parent, depth++) {
            uint32_t hits = 0;
            ScopeRel *hit = NULL;
            int32_t hit_col = -1;
            bool incomplete = false;
            for (uint32_t i = 0; i < s->n_rels; i++) {
                ScopeRel *sr = &s->rels[i];
                uint32_t c = rel_count(sr->rel, id.name);
                if (c && !hit) {
                    hit = sr;
                    hit_col = rq_rel_find(sr->rel, id.name);
                }
                hits += c;
                incomplete |= sr->incomplete;
            }
            if (hits > 1) {
                /* merged by USING / NATURAL JOIN? */
                for (uint32_t u = 0; u < s->n_usings; u++) {
                    UsingCol *uc = &s->usings[u];
                    if (str_ieq(uc->name, id.name) && hits == 2) {
                        ScopeRel *sr = &s->rels[uc->prefer];
                        int32_t j = rq_rel_find(sr->rel, id.name);
                        if (j >= 0) {
                            bind(e, sr, j, depth);
                            return col_type(sr->rel, j);
                        }
                    }
                }
                StrBuf sb;
                strbuf_init(&sb);
                uint32_t k = 0;
                for (uint32_t i = 0; i < s->n_rels; i++) {
                    if (!rel_count(s->rels[i].rel, id.name))
                        continue;
                    if (k++)
                        strbuf_puts(&sb, k == hits || i + 1 == s->n_rels
                                             ? " and "
                                             : ", ");
                    strbuf_puts(&sb, s->rels[i].desc);
                }
                diag_error(r->cc, DIAG_E_AMBIGUOUS_COLUMN, id.at,
                           "column '%.*s' is ambiguous: it is in %s",
                           (int)id.name.len, id.name.ptr, strbuf_cstr(&sb));
                strbuf_fini(&sb);
                for (uint32_t i = 0; i < s->n_rels; i++) {
                    if (rel_count(s->rels[i].rel, id.name) &&
                        s->rels[i].name.len) {
                        diag_hint(r->cc, "Qualify it, e.g. %.*s.%.*s.",
                                  (int)s->rels[i].name.len, s->rels[i].name.ptr,
                                  (int)id.name.len, id.name.ptr);
                        break;
                    }
                }
                return rx_err();
            }
            if (hits == 1) {
                bind(e, hit, hit_col, depth);
                return col_type(hit->rel, hit_col);
            }
            if (incomplete)
                return rx_err();
            if (s->alias_refs && s == scope) {
                int32_t a = find_alias(s, id.name);
                if (a >= 0)
                    return bind_alias(x, e, s, a);
            }
            if (s->mr)
                break; /* MATCH_RECOGNIZE: no correlation */
        }
        /* not found */
        if (scope->n_rels == 0) {
            diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, id.at,
                       "column '%.*s' not found: this query has no FROM "
                       "clause",
                       (int)id.name.len, id.name.ptr);
            return rx_err();
        }
        if (scope->n_rels == 1) {
            report_unknown_in(r, scope, id, &scope->rels[0]);
        } else if (!near_broken_column(r, scope, id.name, NULL)) {
            StrBuf sb;
            strbuf_init(&sb);
            for (uint32_t i = 0; i < scope->n_rels; i++) {
                if (i)
                    strbuf_puts(&sb, i + 1 == scope->n_rels ? " or " : ", ");
                strbuf_puts(&sb, scope->rels[i].desc);
            }
            diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, id.at,
                       "column '%.*s' not found in %s", (int)id.name.len,
                       id.name.ptr, strbuf_cstr(&sb));
            strbuf_fini(&sb);
            const char *sug = suggest_column(r, scope, id.name, NULL);
            if (sug)
                diag_hint(r->cc, "Did you mean '%s'?", sug);
        }
        if (!scope->alias_refs && find_alias(scope, id.name) >= 0)
            diag_hint(r->cc,
                      "'%.*s' is an alias from the select list, "
                      "which %s cannot refer to; repeat the "
                      "expression instead.",
                      (int)id.name.len, id.name.ptr,
                      x->clause ? x->clause : "this clause");
        return rx_err();
    }

    /* qualified: q.col (or a pattern variable, or db.t.col) */
    Ident q = qn->parts[0];
    Ident col = qn->parts[qn->n_parts - 1];
    if (scope->mr && mr_has_var(scope->mr, q.name))
        return resolve_pattern_ref(x, e, scope);
    int32_t depth = 0;
    for (Scope *s = scope; s; s = s->parent, depth++) {
        for (uint32_t i = 0; i < s->n_rels; i++) {
            ScopeRel *sr = &s->rels[i];
            bool match = sr->name.len && str_ieq(sr->name, q.name);
            if (!match && qn->n_parts >= 3 && sr->name.len)
                match = str_ieq(sr->name, qn->parts[qn->n_parts - 2].name);
            if (!match)
                continue;
            int32_t j = rq_rel_find(sr->rel, col.name);
            if (j < 0 && qn->n_parts >= 3) {
                /* t.rowcol.field */
                int32_t rc = rq_rel_find(sr->rel, qn->parts[1].name);
                if (rc >= 0) {
                    SqlType *t = col_type(sr->rel, rc);
                    for (uint32_t p = 2; p < qn->n_parts && !rx_is_err(t);
                         p++) {
                        SqlType *ft = NULL;
                        if (t->kind == T_ROW)
                            for (uint32_t f = 0; f < t->n_fields; f++)
                                if (str_ieq(t->fields[f].name,
                                            qn->parts[p].name))
                                    ft = t->fields[f].type;
                        if (!ft) {
                            diag_error(
                                r->cc, DIAG_E_UNKNOWN_COLUMN, qn->parts[p].at,
                                "field '%.*s' not found in %s",
                                (int)qn->parts[p].name.len,
                                qn->parts[p].name.ptr, rx_type_str(r, t));
                            return rx_err();
                        }
                        t = ft;
                    }
                    bind(e, sr, rc, depth);
                    return t;
                }
            }
            if (j < 0) {
                if (sr->incomplete)
                    return rx_err();
                report_unknown_in(r, scope, col, sr);
                return rx_err();
            }
            bind(e, sr, j, depth);
            return col_type(sr->rel, j);
        }
        if (s->mr)
            break;
    }
    /* not a qualifier: maybe a ROW column followed by fields */
    for (uint32_t i = 0; i < scope->n_rels; i++) {
        ScopeRel *sr = &scope->rels[i];
        int32_t rc = rq_rel_find(sr->rel, q.name);
        if (rc < 0)
            continue;
        SqlType *t = col_type(sr->rel, rc);
        if (rx_is_err(t) || t->kind != T_ROW)
            break;
        for (uint32_t p = 1; p < qn->n_parts; p++) {
            SqlType *ft = NULL;
            for (uint32_t f = 0; t->kind == T_ROW && f < t->n_fields; f++)
                if (str_ieq(t->fields[f].name, qn->parts[p].name))
                    ft = t->fields[f].type;
            if (!ft) {
                diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, qn->parts[p].at,
                           "field '%.*s' not found in %s",
                           (int)qn->parts[p].name.len, qn->parts[p].name.ptr,
                           rx_type_str(r, t));
                return rx_err();
            }
            t = ft;
        }
        bind(e, sr, rc, 0);
        return t;
    }
    for (uint32_t i = 0; i < scope->n_rels; i++)
        if (scope->rels[i].incomplete && !scope->rels[i].name.len)
            return rx_err();
    if (scope->mr) {
        /* a variable that DEFINE names but PATTERN lacks: reported there */
        AstList *defs = &scope->mr->u.match_recognize.defines;
        for (uint32_t i = 0; i < defs->n; i++)
            if (str_ieq(defs->items[i]->u.define.var.name, q.name))
                return rx_err();
        diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, q.at,
                   "'%.*s' is not a pattern variable of this "
                   "MATCH_RECOGNIZE",
                   (int)q.name.len, q.name.ptr);
        diag_hint(r->cc,
                  "Qualify columns with a variable from PATTERN, "
                  "e.g. A.%.*s.",
                  (int)col.name.len, col.name.ptr);
        return rx_err();
    }
    diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, q.at,
               "unknown table or alias '%.*s' in '%.*s.%.*s'", (int)q.name.len,
               q.name.ptr, (int)q.name.len, q.name.ptr, (int)col.name.len,
               col.name.ptr);
    {
        const char **c = ARENA_NEW_ARRAY(r->a, const char *, scope->n_rels + 1);
        uint32_t n = 0;
        for (uint32_t i = 0; i < scope->n_rels; i++)
            if (scope->rels[i].name.len)
                c[n++] = sv(r, scope->rels[i].name);
        const char *sug = spell_suggest_n(q.name.ptr, q.name.len, c, n);
        if (sug) {
            diag_hint(r->cc, "Did you mean '%s'?", sug);
        } else if (n) {
            StrBuf sb;
            strbuf_init(&sb);
            for (uint32_t i = 0; i < n; i++) {
                if (i)
                    strbuf_puts(&sb, ", ");
                strbuf_printf(&sb, "'%s'", c[i]);
            }
            diag_hint(r->cc, "The tables of this query are named %s.",
                      strbuf_cstr(&sb));
            strbuf_fini(&sb);
        }
    }
    return rx_err();
}

/* ---- generic expression walk --------------------------------------------- */

typedef void (*ExprVisit)(void *ud, AstNode *e);

static void visit_list(AstList *l, ExprVisit fn, void *ud)
{
    for (uint32_t i = 0; i < l->n; i++)
        fn(ud, l->items[i]);
}

/* Call fn on each direct child expression of e (not into subqueries). */
static void expr_children(AstNode *e, ExprVisit fn, void *ud)
{
    switch (e->kind) {
    case AST_UNARY:
        fn(ud, e->u.unary.arg);
        break;
    case AST_BINARY:
        fn(ud, e->u.binary.left);
        fn(ud, e->u.binary.right);
        break;
    case AST_IS:
        fn(ud, e->u.is.arg);
        if (e->u.is.rhs)
            fn(ud, e->u.is.rhs);
        break;
    case AST_BETWEEN:
        fn(ud, e->u.between.arg);
        fn(ud, e->u.between.low);
        fn(ud, e->u.between.high);
        break;
    case AST_IN_LIST:
        fn(ud, e->u.in_list.arg);
        visit_list(&e->u.in_list.list, fn, ud);
        break;
    case AST_IN_SUBQUERY:
        fn(ud, e->u.in_subquery.arg);
        break;
    case AST_LIKE:
        fn(ud, e->u.like.arg);
        fn(ud, e->u.like.pattern);
        if (e->u.like.escape)
            fn(ud, e->u.like.escape);
        break;
    case AST_CASE:
        if (e->u.case_.operand)
            fn(ud, e->u.case_.operand);
        for (uint32_t i = 0; i < e->u.case_.whens.n; i++) {
            fn(ud, e->u.case_.whens.items[i]->u.when.cond);
            fn(ud, e->u.case_.whens.items[i]->u.when.result);
        }
        if (e->u.case_.else_expr)
            fn(ud, e->u.case_.else_expr);
        break;
    case AST_CAST:
        fn(ud, e->u.cast.arg);
        break;
    case AST_EXTRACT:
        fn(ud, e->u.extract.arg);
        break;
    case AST_FUNC_CALL:
        visit_list(&e->u.func_call.args, fn, ud);
        if (e->u.func_call.filter)
            fn(ud, e->u.func_call.filter);
        for (uint32_t i = 0; i < e->u.func_call.within_group.n; i++)
            fn(ud, e->u.func_call.within_group.items[i]->u.order_item.expr);
        if (e->u.func_call.over) {
            AstWindowSpec *w = &e->u.func_call.over->u.window_spec;
            visit_list(&w->partition_by, fn, ud);
            for (uint32_t i = 0; i < w->order_by.n; i++)
                fn(ud, w->order_by.items[i]->u.order_item.expr);
        }
        break;
    case AST_NAMED_ARG:
        fn(ud, e->u.named_arg.value);
        break;
    case AST_ROW_CTOR:
    case AST_ARRAY_CTOR:
    case AST_MAP_CTOR:
        visit_list(&e->u.ctor.items, fn, ud);
        break;
    case AST_SUBSCRIPT:
        fn(ud, e->u.subscript.base);
        fn(ud, e->u.subscript.index);
        break;
    case AST_FIELD_ACCESS:
        fn(ud, e->u.field_access.base);
        break;
    default:
        break;
    }
}

/* ---- grouping check -------------------------------------------------------- */

typedef struct GroupCk {
    Res *r;
    AstNode *select;
    AstList *group_by;
    AstNode *reported[16]; /* sources x cols already reported */
    int32_t reported_col[16];
    uint32_t n_reported;
} GroupCk;

static void check_grouped(void *ud, AstNode *e)
{
    GroupCk *g = ud;
    if (!e || rx_is_err(e->type))
        return;
    for (uint32_t i = 0; i < g->group_by->n; i++)
        if (ast_expr_equal(g->group_by->items[i], e))
            return;
    if (e->kind == AST_FUNC_CALL && e->u.func_call.func) {
        const FuncInfo *f = e->u.func_call.func;
        if (!e->u.func_call.over &&
            (f->kind == FUNC_AGGREGATE || f->kind == FUNC_GROUP_WINDOW_AUX))
            return;
    }
    if (e->kind == AST_COLUMN_REF) {
        AstColumnRef *cr = &e->u.column_ref;
        if (cr->depth != 0 || cr->source == g->select || !cr->source)
            return;
        for (uint32_t i = 0; i < g->n_reported; i++)
            if (g->reported[i] == cr->source && g->reported_col[i] == cr->col)
                return;
        if (g->n_reported < FSQL_ARRAY_LEN(g->reported)) {
            g->reported[g->n_reported] = cr->source;
            g->reported_col[g->n_reported++] = cr->col;
        }
        Ident id = cr->name.parts[cr->name.n_parts - 1];
        diag_error(g->r->cc, DIAG_E_NOT_GROUPED, e->at,
                   "column '%.*s' must be in GROUP BY or used in an aggregate "
                   "function",
                   (int)id.name.len, id.name.ptr);
        diag_hint(g->r->cc,
                  "Add it to GROUP BY, or aggregate it, e.g. "
                  "MAX(%.*s).",
                  (int)id.name.len, id.name.ptr);
        return;
    }
    expr_children(e, check_grouped, g);
}

/* ---- helpers for select items ----------------------------------------------- */

static Str item_name(Res *r, AstNode *item, uint32_t idx)
{
    AstSelectItem *it = &item->u.select_item;
    if (it->has_alias)
        return it->alias.name;
    AstNode *e = it->expr;
    if (e && e->kind == AST_COLUMN_REF)
        return e->u.column_ref.name.parts[e->u.column_ref.name.n_parts - 1]
            .name;
    if (e && e->kind == AST_FIELD_ACCESS)
        return e->u.field_access.field.name;
    return str_from_cstr(arena_sprintf(r->a, "EXPR$%u", idx));
}

static AstNode *make_ref(Res *r, SrcSpan at, ScopeRel *sr, int32_t col)
{
    AstNode *e = ast_new(r->a, AST_COLUMN_REF, at);
    AstColumnRef *cr = &e->u.column_ref;
    uint32_t np = sr->name.len ? 2 : 1;
    cr->name.n_parts = np;
    cr->name.parts = ARENA_NEW_ARRAY(r->a, Ident, np);
    if (np == 2) {
        cr->name.parts[0].name = sr->name;
        cr->name.parts[0].at = at;
    }
    cr->name.parts[np - 1].name = sr->rel->cols[col].name;
    cr->name.parts[np - 1].at = at;
    cr->name.at = at;
    cr->source = sr->node;
    cr->col = col;
    cr->depth = 0;
    e->type = col_type(sr->rel, col);
    return e;
}

static bool using_hidden(Scope *s, uint32_t rel_idx, Str name)
{
    for (uint32_t u = 0; u < s->n_usings; u++)
        if (s->usings[u].other == rel_idx && str_ieq(s->usings[u].name, name))
            return true;
    return false;
}

/* Replace * and t.* items by bound column references.  Returns false when
 * a star could not be expanded completely. */
static bool expand_stars(Res *r, Scope *s, AstNode *sel)
{
    AstList *items = &sel->u.select.items;
    bool any = false, complete = true;
    for (uint32_t i = 0; i < items->n; i++)
        if (items->items[i]->u.select_item.expr &&
            items->items[i]->u.select_item.expr->kind == AST_STAR)
            any = true;
    if (!any)
        return true;
    AstList out = {0, 0, NULL};
    for (uint32_t i = 0; i < items->n; i++) {
        AstNode *item = items->items[i];
        AstNode *e = item->u.select_item.expr;
        if (!e || e->kind != AST_STAR) {
            ast_list_push(r->a, &out, item);
            continue;
        }
        QName *q = &e->u.star.qualifier;
        bool found = q->n_parts == 0;
        for (uint32_t k = 0; k < s->n_rels; k++) {
            ScopeRel *sr = &s->rels[k];
            if (q->n_parts) {
                if (!sr->name.len ||
                    !str_ieq(sr->name, q->parts[q->n_parts - 1].name))
                    continue;
                found = true;
            }
            if (sr->incomplete)
                complete = false;
            for (uint32_t c = 0; sr->rel && c < sr->rel->n_cols; c++) {
                if (sr->rel->cols[c].is_hidden)
                    continue;
                if (!q->n_parts && using_hidden(s, k, sr->rel->cols[c].name))
                    continue;
                AstNode *ni = ast_new(r->a, AST_SELECT_ITEM, item->at);
                ni->u.select_item.expr = make_ref(r, e->at, sr, (int32_t)c);
                ast_list_push(r->a, &out, ni);
            }
            if (q->n_parts)
                break;
        }
        if (!found) {
            Ident id = q->parts[q->n_parts - 1];
            diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, id.at,
                       "unknown table or alias '%.*s' in '%.*s.*'",
                       (int)id.name.len, id.name.ptr, (int)id.name.len,
                       id.name.ptr);
            complete = false;
        }
    }
    *items = out;
    return complete;
}

/* ---- FROM items ------------------------------------------------------------ */

static RelSchema *rename_cols(Res *r, RelSchema *rel, AstList *names,
                              SrcSpan at, const char *what)
{
    if (!names->n || !rel || rel->is_incomplete)
        return rel;
    if (names->n != rel->n_cols) {
        diag_error(r->cc, DIAG_E_COLUMN_COUNT, at,
                   "%s lists %u column name%s, but there %s %u column%s", what,
                   names->n, names->n == 1 ? "" : "s",
                   rel->n_cols == 1 ? "is" : "are", rel->n_cols,
                   rel->n_cols == 1 ? "" : "s");
        return rel;
    }
    RelSchema *n = rq_rel_new(r, rel->n_cols);
    n->has_errors = rel->has_errors;
    for (uint32_t i = 0; i < rel->n_cols; i++) {
        n->cols[i] = rel->cols[i];
        AstNode *c = names->items[i];
        n->cols[i].name = c->u.column_ref.name.parts[0].name;
        for (uint32_t j = 0; j < i; j++)
            if (str_ieq(n->cols[j].name, n->cols[i].name)) {
                diag_error(r->cc, DIAG_E_DUPLICATE, c->at,
                           "column name '%.*s' is listed twice",
                           (int)n->cols[i].name.len, n->cols[i].name.ptr);
                break;
            }
    }
    return n;
}

static CteDef *find_cte(Scope *s, Str name)
{
    for (CteDef *c = s->ctes; c; c = c->next)
        if (str_ieq(c->name, name))
            return c;
    return NULL;
}

static const char *known_hints[] = {
    "BROADCAST", "SHUFFLE_HASH", "SHUFFLE_MERGE", "NEST_LOOP",
    "LOOKUP",    "STATE_TTL",    "OPTIONS"};

static void check_hints(Res *r, HintList *hl)
{
    for (uint32_t i = 0; i < hl->n; i++) {
        Ident *id = &hl->items[i].name;
        bool ok = false;
        for (size_t k = 0; k < FSQL_ARRAY_LEN(known_hints); k++)
            if (str_ieq_cstr(id->name, known_hints[k]))
                ok = true;
        if (ok)
            continue;
        diag_warn(r->cc, DIAG_W_UNKNOWN_HINT, id->at,
                  "unknown hint '%.*s' is ignored", (int)id->name.len,
                  id->name.ptr);
        const char *sug =
            spell_suggest_n(id->name.ptr, id->name.len, known_hints,
                            FSQL_ARRAY_LEN(known_hints));
        if (sug)
            diag_hint(r->cc, "Did you mean '%s'?", sug);
    }
}

static RelSchema *from_item(Res *r, Scope *s, AstNode *item);

static RelSchema *table_ref(Res *r, Scope *s, AstNode *item)
{
    AstTableRef *tr = &item->u.table_ref;
    QName *qn = &tr->name;
    Str name = qn->parts[qn->n_parts - 1].name;
    Str alias = tr->has_alias ? tr->alias.name : name;
    RelSchema *rel = NULL;
    const char *desc = NULL;
    CteDef *cte = qn->n_parts == 1 ? find_cte(s, name) : NULL;
    check_hints(r, &tr->hints);
    if (cte) {
        tr->cte = cte->cte;
        rel = cte->rel;
        desc = rel_desc(r, "WITH query", name, alias);
    } else if ((tr->view = catalog_find_view_q(r->cc->cat, qn)) != NULL) {
        rel = tr->view->rel;
        desc = rel_desc(r, "view", tr->view->name, alias);
        if (!rel || rel->has_errors)
            r->uses_invalid = true;
    } else if ((tr->table = catalog_find_table_q(r->cc->cat, qn)) != NULL) {
        rel = tr->table->rel;
        desc = rel_desc(r, "table", tr->table->name, alias);
        if (!rel || tr->table->has_errors)
            r->uses_invalid = true;
    } else {
        diag_error(r->cc, DIAG_E_UNKNOWN_TABLE, qn->at,
                   "table or view '%.*s' is not defined", (int)name.len,
                   name.ptr);
        size_t n = 0;
        const char **names =
            catalog_names(r->cc->cat, r->a, CAT_TABLES | CAT_VIEWS, &n);
        uint32_t nc = 0;
        for (CteDef *c = s->ctes; c; c = c->next)
            nc++;
        const char **all = ARENA_NEW_ARRAY(r->a, const char *, n + nc + 1);
        memcpy(all, names, sizeof(*all) * n);
        for (CteDef *c = s->ctes; c; c = c->next)
            all[n++] = sv(r, c->name);
        const char *sug = spell_suggest_n(name.ptr, name.len, all, n);
        if (sug)
            diag_hint(r->cc, "Did you mean '%s'?", sug);
        else
            diag_hint(r->cc, "Declare it with CREATE TABLE or CREATE VIEW "
                             "before this statement.");
        r->uses_invalid = true;
        rel = rel_incomplete(r);
        desc = rel_desc(r, "table", name, alias);
    }
    if (!rel)
        rel = rel_incomplete(r);
    rel = rename_cols(r, rel, &tr->column_aliases, item->at, "the alias");
    item->rel = rel;
    rq_scope_add(r, s, alias, item, rel, desc, rel->is_incomplete);
    return rel;
}

static RelSchema *concat_rel(Res *r, RelSchema *a, RelSchema *b)
{
    RelSchema *rel = rq_rel_new(r, a->n_cols + b->n_cols);
    memcpy(rel->cols, a->cols, sizeof(RelColumn) * a->n_cols);
    memcpy(rel->cols + a->n_cols, b->cols, sizeof(RelColumn) * b->n_cols);
    rel->is_incomplete = a->is_incomplete || b->is_incomplete;
    rel->has_errors = a->has_errors || b->has_errors;
    return rel;
}

/* Which side of a join an expression reads: bit 0 left, bit 1 right,
 * bit 2 something else (outer query). */
typedef struct SideCk {
    Scope *s;
    uint32_t left_from, left_to, right_from, right_to;
    unsigned sides;
} SideCk;

static void side_visit(void *ud, AstNode *e)
{
    SideCk *c = ud;
    if (e->kind == AST_COLUMN_REF) {
        AstNode *src = e->u.column_ref.source;
        bool found = false;
        for (uint32_t i = c->left_from; i < c->left_to; i++)
            if (c->s->rels[i].node == src)
                c->sides |= 1, found = true;
        for (uint32_t i = c->right_from; i < c->right_to; i++)
            if (c->s->rels[i].node == src)
                c->sides |= 2, found = true;
        if (!found)
            c->sides |= 4;
        return;
    }
    expr_children(e, side_visit, ud);
}

static unsigned expr_sides(SideCk *c, AstNode *e)
{
    c->sides = 0;
    side_visit(c, e);
    return c->sides;
}

/* Whether cond has a top-level conjunct `dim_col = left_expr`; when pk is
 * non-NULL the dim column must be one of the table's key columns. */
static bool has_key_equality(SideCk *c, AstNode *cond, AstNode *dim,
                             CatTable *pk)
{
    if (!cond)
        return false;
    if (cond->kind == AST_BINARY && cond->u.binary.op == BOP_AND)
        return has_key_equality(c, cond->u.binary.left, dim, pk) ||
               has_key_equality(c, cond->u.binary.right, dim, pk);
    if (cond->kind != AST_BINARY || cond->u.binary.op != BOP_EQ)
        return false;
    AstNode *sides[2] = {cond->u.binary.left, cond->u.binary.right};
    for (int k = 0; k < 2; k++) {
        AstNode *d = sides[k], *o = sides[1 - k];
        if (d->kind != AST_COLUMN_REF || d->u.column_ref.source != dim)
            continue;
        unsigned os = expr_sides(c, o);
        if (os != 1)
            continue;
        if (!pk)
            return true;
        for (uint32_t i = 0; i < pk->n_pk; i++)
            if ((int32_t)pk->pk_cols[i] == d->u.column_ref.col)
                return true;
    }
    return false;
}

static void check_system_time(Res *r, Scope *s, AstNode *join,
                              uint32_t left_from, uint32_t left_to,
                              uint32_t right_idx)
{
    AstJoin *j = &join->u.join;
    AstNode *right = j->right;
    AstTableRef *tr = &right->u.table_ref;
    AstNode *asof = tr->system_time;
    /* the AS OF expression sees the left input only */
    Scope *ls = rq_scope_new(r, s->parent);
    ls->ctes = s->ctes;
    for (uint32_t i = left_from; i < left_to; i++)
        rq_scope_add(r, ls, s->rels[i].name, s->rels[i].node, s->rels[i].rel,
                     s->rels[i].desc, s->rels[i].incomplete);
    ExprCtx x = {0};
    x.r = r;
    x.scope = ls;
    x.clause = "FOR SYSTEM_TIME AS OF";
    SqlType *t = rx_expr(&x, asof);
    if (rx_is_err(t))
        return;
    Str dim_name = tr->name.parts[tr->name.n_parts - 1].name;
    if (t->time_attr == TA_NONE) {
        diag_error(r->cc, DIAG_E_TIME_ATTR, asof->at,
                   "FOR SYSTEM_TIME AS OF needs a time attribute of the left "
                   "input, but this is %s",
                   rx_type_str(r, t));
        diag_hint(r->cc, "Use the left table's rowtime column (declared "
                         "with WATERMARK FOR) or a PROCTIME() column.");
        return;
    }
    if (j->join_kind != JOIN_INNER && j->join_kind != JOIN_LEFT) {
        diag_error(r->cc, DIAG_E_LOOKUP_JOIN, join->at,
                   "a join FOR SYSTEM_TIME AS OF must be an inner or LEFT "
                   "join");
        return;
    }
    if (tr->view) {
        diag_error(r->cc, DIAG_E_LOOKUP_JOIN, tr->name.at,
                   "FOR SYSTEM_TIME AS OF needs a table, but '%.*s' is a "
                   "view",
                   (int)dim_name.len, dim_name.ptr);
        diag_hint(r->cc, "Join the view's underlying lookup table "
                         "directly.");
        return;
    }
    CatTable *dim = tr->table;
    if (!dim || !dim->conn)
        return; /* unknown table or connector: reported already */
    if (j->on && rx_is_err(j->on->type))
        return; /* the condition had its own error */
    SideCk c = {s, left_from, left_to, right_idx, right_idx + 1, 0};
    bool versioned = catalog_table_is_versioned(dim);
    Str conn = dim->connector;
    /* A versioned filesystem table joined AS OF an event time is not a
     * lookup table (the planner makes the same choice). */
    bool is_lookup = dim->conn->is_lookup
                     && !catalog_table_is_versioned_file(dim, t->time_attr);
    if (is_lookup) {
        if (!has_key_equality(&c, j->on, right, NULL)) {
            diag_error(r->cc, DIAG_E_LOOKUP_JOIN, j->on ? j->on->at : join->at,
                       "a lookup join needs an equality between a column of "
                       "'%.*s' and the left input in its ON condition",
                       (int)dim_name.len, dim_name.ptr);
            diag_hint(r->cc,
                      "Write ON left.key = %.*s.key; the equality "
                      "columns become the lookup key.",
                      (int)(tr->has_alias ? tr->alias.name.len : dim_name.len),
                      tr->has_alias ? tr->alias.name.ptr : dim_name.ptr);
            return;
        }
        if (t->time_attr == TA_ROWTIME) {
            Str col = asof->kind == AST_COLUMN_REF
                          ? asof->u.column_ref.name
                                .parts[asof->u.column_ref.name.n_parts - 1]
                                .name
                          : STR_LIT("?");
            diag_warn(r->cc, DIAG_W_PROCTIME_LOOKUP, asof->at,
                      "FOR SYSTEM_TIME AS OF event-time column '%.*s' on "
                      "lookup table '%.*s' is evaluated at processing time",
                      (int)col.len, col.ptr, (int)dim_name.len, dim_name.ptr);
            diag_detail(r->cc,
                        "A %.*s table keeps no history: each row "
                        "is looked up when it arrives and joined "
                        "with the current value.",
                        (int)conn.len, conn.ptr);
            diag_hint(r->cc, "Use a PROCTIME() column to say so, or "
                             "declare a versioned table (PRIMARY KEY and "
                             "WATERMARK, e.g. upsert-kafka) for an "
                             "event-time temporal join.");
        }
        return;
    }
    if (versioned) {
        if (t->time_attr != TA_ROWTIME) {
            diag_error(r->cc, DIAG_E_TIME_ATTR, asof->at,
                       "a temporal join against versioned table '%.*s' "
                       "needs an event-time attribute in FOR SYSTEM_TIME AS "
                       "OF",
                       (int)dim_name.len, dim_name.ptr);
            diag_hint(r->cc, "Use the left table's rowtime column (declared "
                             "with WATERMARK FOR).");
            return;
        }
        if (!has_key_equality(&c, j->on, right, dim)) {
            diag_error(r->cc, DIAG_E_JOIN, j->on ? j->on->at : join->at,
                       "an event-time temporal join needs an equality on "
                       "the primary key of '%.*s' in its ON condition",
                       (int)dim_name.len, dim_name.ptr);
            return;
        }
        return;
    }
    diag_error(r->cc, DIAG_E_LOOKUP_JOIN, tr->name.at,
               "table '%.*s' (connector '%.*s') cannot be joined FOR "
               "SYSTEM_TIME AS OF",
               (int)dim_name.len, dim_name.ptr, (int)conn.len, conn.ptr);
    diag_detail(r->cc, "A lookup join needs a table whose connector "
                       "supports lookups (jdbc, filesystem); an event-time "
                       "temporal join needs a versioned table with a "
                       "PRIMARY KEY and a WATERMARK.");
    diag_hint(r->cc,
              "Remove FOR SYSTEM_TIME AS OF for a regular join, or "
              "declare '%.*s' with PRIMARY KEY and WATERMARK.",
              (int)dim_name.len, dim_name.ptr);
}

static AstNode *eq_node(Res *r, SrcSpan at, AstNode *a, AstNode *b)
{
    AstNode *e = ast_new(r->a, AST_BINARY, at);
    e->u.binary.op = BOP_EQ;
    e->u.binary.left = a;
    e->u.binary.right = b;
    e->type = type_new(r->a, T_BOOLEAN);
    return e;
}

static AstNode *and_node(Res *r, SrcSpan at, AstNode *a, AstNode *b)
{
    if (!a)
        return b;
    AstNode *e = ast_new(r->a, AST_BINARY, at);
    e->u.binary.op = BOP_AND;
    e->u.binary.left = a;
    e->u.binary.right = b;
    e->type = type_new(r->a, T_BOOLEAN);
    return e;
}

/* Find name among rels [from, to) exactly once; returns the rel index or
 * -1 (with *count). */
static int32_t find_side(Scope *s, uint32_t from, uint32_t to, Str name,
                         int32_t *col, uint32_t *count, bool *incomplete)
{
    int32_t hit = -1;
    *count = 0;
    *incomplete = false;
    for (uint32_t i = from; i < to; i++) {
        uint32_t c = rel_count(s->rels[i].rel, name);
        if (c && hit < 0) {
            hit = (int32_t)i;
            *col = rq_rel_find(s->rels[i].rel, name);
        }
        *count += c;
        *incomplete |= s->rels[i].incomplete;
    }
    return hit;
}

static void join_using(Res *r, Scope *s, AstNode *join, uint32_t left_from,
                       uint32_t left_to)
{
    AstJoin *j = &join->u.join;
    uint32_t right_from = left_to, right_to = s->n_rels;
    AstNode *cond = NULL;
    /* NATURAL: the names common to both sides */
    AstList names = j->using_cols;
    if (j->is_natural) {
        names = (AstList){0, 0, NULL};
        for (uint32_t i = right_from; i < right_to; i++) {
            RelSchema *rel = s->rels[i].rel;
            for (uint32_t c = 0; rel && c < rel->n_cols; c++) {
                int32_t col;
                uint32_t cnt;
                bool inc;
                if (find_side(s, left_from, left_to, rel->cols[c].name, &col,
                              &cnt, &inc) >= 0) {
                    AstNode *cr = ast_new(r->a, AST_COLUMN_REF, join->at);
                    cr->u.column_ref.name.n_parts = 1;
                    cr->u.column_ref.name.parts =
                        ARENA_NEW_ARRAY(r->a, Ident, 1);
                    cr->u.column_ref.name.parts[0].name = rel->cols[c].name;
                    cr->u.column_ref.name.parts[0].at = join->at;
                    ast_list_push(r->a, &names, cr);
                }
            }
        }
    }
    for (uint32_t k = 0; k < names.n; k++) {
        Ident id = names.items[k]->u.column_ref.name.parts[0];
        int32_t lc = -1, rc = -1;
        uint32_t ln, rn;
        bool linc, rinc;
        int32_t li = find_side(s, left_from, left_to, id.name, &lc, &ln, &linc);
        int32_t ri =
            find_side(s, right_from, right_to, id.name, &rc, &rn, &rinc);
        if (ln != 1 || rn != 1) {
            if ((ln == 0 && linc) || (rn == 0 && rinc))
                continue;
            diag_error(r->cc,
                       ln > 1 || rn > 1 ? DIAG_E_AMBIGUOUS_COLUMN
                                        : DIAG_E_UNKNOWN_COLUMN,
                       id.at, "USING column '%.*s' %s the %s input",
                       (int)id.name.len, id.name.ptr,
                       (ln == 0 || rn == 0) ? "is not in" : "is ambiguous in",
                       (ln != 1) ? "left" : "right");
            continue;
        }
        ScopeRel *lr = &s->rels[li], *rr = &s->rels[ri];
        SqlType *lt = col_type(lr->rel, lc), *rt = col_type(rr->rel, rc);
        if (!rx_is_err(lt) && !rx_is_err(rt) && !type_is_comparable(lt, rt)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, id.at,
                       "USING column '%.*s' is %s on the left and %s on the "
                       "right",
                       (int)id.name.len, id.name.ptr, rx_type_str(r, lt),
                       rx_type_str(r, rt));
            continue;
        }
        bool prefer_right = j->join_kind == JOIN_RIGHT;
        scope_add_using(r, s, id.name,
                        prefer_right ? (uint32_t)ri : (uint32_t)li,
                        prefer_right ? (uint32_t)li : (uint32_t)ri);
        cond = and_node(r, join->at, cond,
                        eq_node(r, join->at, make_ref(r, id.at, lr, lc),
                                make_ref(r, id.at, rr, rc)));
    }
    if (cond && !j->on)
        j->on = cond;
}

static RelSchema *join_item(Res *r, Scope *s, AstNode *item)
{
    AstJoin *j = &item->u.join;
    uint32_t left_from = s->n_rels;
    RelSchema *lrel = from_item(r, s, j->left);
    uint32_t left_to = s->n_rels;
    AstNode *right = j->right;
    bool sys_time =
        right->kind == AST_TABLE_REF && right->u.table_ref.system_time;
    RelSchema *rrel;
    if (sys_time) {
        AstNode *st = right->u.table_ref.system_time;
        right->u.table_ref.system_time = NULL;
        rrel = from_item(r, s, right);
        right->u.table_ref.system_time = st;
    } else {
        rrel = from_item(r, s, right);
    }
    if (!lrel)
        lrel = rel_incomplete(r);
    if (!rrel)
        rrel = rel_incomplete(r);
    /* duplicate names */
    for (uint32_t i = left_to; i < s->n_rels; i++)
        for (uint32_t k = left_from; k < left_to; k++)
            if (s->rels[i].name.len &&
                str_ieq(s->rels[i].name, s->rels[k].name)) {
                diag_error(r->cc, DIAG_E_DUPLICATE, s->rels[i].node->at,
                           "the name '%.*s' is used twice in this FROM "
                           "clause",
                           (int)s->rels[i].name.len, s->rels[i].name.ptr);
                diag_hint(r->cc, "Give each a different alias.");
                s->rels[i].name = STR_NULL;
                break;
            }
    if (j->using_cols.n || j->is_natural)
        join_using(r, s, item, left_from, left_to);
    else if (j->on) {
        ExprCtx x = {0};
        x.r = r;
        x.scope = s;
        x.clause = "a JOIN condition";
        rx_condition(&x, j->on, "JOIN condition");
    } else if (j->join_kind != JOIN_CROSS && j->join_kind != JOIN_COMMA &&
               right->kind != AST_UNNEST_REF &&
               right->kind != AST_TABLE_FUNC_REF && !sys_time) {
        diag_error(r->cc, DIAG_E_JOIN, item->at,
                   "this join needs an ON or USING condition");
        diag_hint(r->cc, "Use CROSS JOIN for a join without a condition.");
    }
    if (sys_time && !rrel->is_incomplete)
        check_system_time(r, s, item, left_from, left_to, left_to);
    else if (sys_time) {
        /* still type the AS OF expression for its own errors */
        ExprCtx x = {0};
        x.r = r;
        x.scope = s;
        rx_expr(&x, right->u.table_ref.system_time);
    }
    item->rel = concat_rel(r, lrel, rrel);
    return item->rel;
}

static RelSchema *subquery_ref(Res *r, Scope *s, AstNode *item)
{
    AstSubqueryRef *sq = &item->u.subquery_ref;
    Scope *ps = sq->is_lateral ? s : s->parent;
    RelSchema *rel = rq_query_ctes(r, sq->query, ps, s->ctes);
    if (!rel)
        rel = rel_incomplete(r);
    rel = rename_cols(r, rel, &sq->column_aliases, item->at, "the alias");
    item->rel = rel;
    Str name = sq->has_alias ? sq->alias.name : STR_NULL;
    const char *desc = name.len ? arena_sprintf(r->a, "subquery '%.*s'",
                                                (int)name.len, name.ptr)
                                : "the subquery";
    rq_scope_add(r, s, name, item, rel, desc, rel->is_incomplete);
    return rel;
}

static RelSchema *table_func_ref(Res *r, Scope *s, AstNode *item)
{
    AstTableFuncRef *tf = &item->u.table_func_ref;
    AstNode *call = tf->call;
    Str alias = tf->has_alias ? tf->alias.name : STR_NULL;
    RelSchema *rel = NULL;
    if (!call || call->kind != AST_FUNC_CALL) {
        rel = rel_incomplete(r);
        goto done;
    }
    AstFuncCall *fc = &call->u.func_call;
    Str fname = fc->name.parts[fc->name.n_parts - 1].name;
    const FuncInfo *f = func_lookup_table_function(fname);
    if (!f) {
        const FuncInfo *g = func_lookup(fname);
        if (g)
            diag_error(r->cc, DIAG_E_UNSUPPORTED, fc->name.at,
                       "%s is not a table function", g->name);
        else {
            diag_error(r->cc, DIAG_E_UNKNOWN_FUNCTION, fc->name.at,
                       "unknown table function '%.*s'", (int)fname.len,
                       fname.ptr);
            diag_hint(r->cc, "fsql's table functions are the window "
                             "functions TUMBLE, HOP, CUMULATE and SESSION; "
                             "user-defined table functions are not "
                             "supported.");
        }
        rel = rel_incomplete(r);
        r->uses_invalid = true;
        goto done;
    }
    fc->func = f;
    /* named arguments first, so TABLE/DESCRIPTOR are found by position */
    ExprCtx x = {0};
    x.r = r;
    x.scope = s;
    x.clause = "a window table function";
    SqlType **types;
    uint32_t n;
    /* bind the TABLE argument as a private FROM item */
    RelSchema *in = NULL;
    AstNode *in_node = NULL;
    bool ok = rx_call_args(&x, call, f, &types, &n);
    for (uint32_t i = 0; i < fc->args.n; i++) {
        AstNode *a = fc->args.items[i];
        if (a->kind != AST_TABLE_ARG)
            continue;
        Scope *ts = rq_scope_new(r, s->parent);
        ts->ctes = s->ctes;
        if (a->u.table_arg.query) {
            in_node = a->u.table_arg.query;
            in = rq_query_ctes(r, in_node, s->parent, s->ctes);
        } else {
            in_node = ast_new(r->a, AST_TABLE_REF, a->at);
            in_node->u.table_ref.name = a->u.table_arg.name;
            in = table_ref(r, ts, in_node);
        }
        a->u.table_arg.resolved = in_node;
        if (!in || in->is_incomplete)
            ok = false;
        break;
    }
    if (!in_node) {
        diag_error(r->cc, DIAG_E_WINDOW, call->at,
                   "%s needs its input as TABLE t in its first argument",
                   f->name);
        ok = false;
    }
    SqlType *tattr = NULL;
    int32_t tcol = -1;
    for (uint32_t i = 0; ok && i < fc->args.n; i++) {
        AstNode *a = fc->args.items[i];
        if (a->kind != AST_DESCRIPTOR_ARG)
            continue;
        AstList *cols = &a->u.descriptor_arg.columns;
        if (cols->n != 1) {
            diag_error(r->cc, DIAG_E_WINDOW, a->at,
                       "DESCRIPTOR of %s must name exactly one time column",
                       f->name);
            ok = false;
            break;
        }
        AstNode *cr = cols->items[0];
        Ident id =
            cr->u.column_ref.name.parts[cr->u.column_ref.name.n_parts - 1];
        int32_t c = rq_rel_find(in, id.name);
        if (c < 0) {
            diag_error(
                r->cc, DIAG_E_UNKNOWN_COLUMN, id.at,
                "column '%.*s' not found in %s, the input of %s",
                (int)id.name.len, id.name.ptr,
                in_node->kind == AST_TABLE_REF
                    ? arena_sprintf(
                          r->a, "%s %.*s",
                          in_node->u.table_ref.view ? "view" : "table",
                          (int)in_node->u.table_ref.name
                              .parts[in_node->u.table_ref.name.n_parts - 1]
                              .name.len,
                          in_node->u.table_ref.name
                              .parts[in_node->u.table_ref.name.n_parts - 1]
                              .name.ptr)
                    : "the subquery",
                f->name);
            const char **names =
                ARENA_NEW_ARRAY(r->a, const char *, in->n_cols + 1);
            for (uint32_t k = 0; k < in->n_cols; k++)
                names[k] = sv(r, in->cols[k].name);
            const char *sug =
                spell_suggest_n(id.name.ptr, id.name.len, names, in->n_cols);
            if (sug)
                diag_hint(r->cc, "Did you mean '%s'?", sug);
            ok = false;
            break;
        }
        cr->u.column_ref.source = in_node;
        cr->u.column_ref.col = c;
        cr->type = col_type(in, c);
        tattr = cr->type;
        tcol = c;
        if (!rx_is_err(tattr) && tattr->time_attr == TA_NONE) {
            diag_error(r->cc, DIAG_E_TIME_ATTR, cr->at,
                       "the time column of %s must be a time attribute, but "
                       "'%.*s' is %s",
                       f->name, (int)id.name.len, id.name.ptr,
                       rx_type_str(r, tattr));
            diag_hint(r->cc,
                      "Declare WATERMARK FOR %.*s in the table, or "
                      "use a PROCTIME() column.",
                      (int)id.name.len, id.name.ptr);
            ok = false;
        }
        break;
    }
    if (ok && tcol < 0) {
        diag_error(r->cc, DIAG_E_WINDOW, call->at,
                   "%s needs DESCRIPTOR(time_column)", f->name);
        ok = false;
    }
    if (ok && !func_resolve_call(r->cc, f, call, types, n))
        ok = false;
    if (!ok || !in) {
        rel = rel_incomplete(r);
        goto done;
    }
    rel = rq_rel_new(r, in->n_cols + 3);
    rel->has_errors = in->has_errors;
    for (uint32_t i = 0; i < in->n_cols; i++) {
        rel->cols[i] = in->cols[i];
        if (in->cols[i].type)
            rel->cols[i].type = rx_plain(r, in->cols[i].type);
    }
    {
        SqlType *ws = type_new_timestamp(r->a, T_TIMESTAMP, 3);
        ws->is_nullable = false;
        SqlType *wt;
        if (tattr->time_attr == TA_PROCTIME)
            wt = type_new_timestamp(r->a, T_TIMESTAMP_LTZ, 3);
        else
            wt = type_new_timestamp(r->a, tattr->kind, 3);
        wt->is_nullable = false;
        wt->time_attr = tattr->time_attr;
        uint32_t b = in->n_cols;
        rel->cols[b].name = STR_LIT("window_start");
        rel->cols[b].type = ws;
        rel->cols[b + 1].name = STR_LIT("window_end");
        rel->cols[b + 1].type = ws;
        rel->cols[b + 2].name = STR_LIT("window_time");
        rel->cols[b + 2].type = wt;
    }
done:
    rel = rename_cols(r, rel, &tf->column_aliases, item->at, "the alias");
    item->rel = rel;
    {
        AstFuncCall *c =
            call && call->kind == AST_FUNC_CALL ? &call->u.func_call : NULL;
        Str fn = c ? c->name.parts[c->name.n_parts - 1].name : STR_NULL;
        Str tn = STR_NULL;
        for (uint32_t i = 0; c && i < c->args.n; i++)
            if (c->args.items[i]->kind == AST_TABLE_ARG &&
                c->args.items[i]->u.table_arg.name.n_parts)
                tn = c->args.items[i]
                         ->u.table_arg.name
                         .parts[c->args.items[i]->u.table_arg.name.n_parts - 1]
                         .name;
        const char *what = arena_sprintf(r->a, "%.*s(TABLE %.*s)", (int)fn.len,
                                         fn.ptr, (int)tn.len, tn.ptr);
        rq_scope_add(r, s, alias, item, rel,
                     alias.len ? arena_sprintf(r->a, "'%.*s' (%s)",
                                               (int)alias.len, alias.ptr, what)
                               : what,
                     rel->is_incomplete);
    }
    return rel;
}

static RelSchema *unnest_ref(Res *r, Scope *s, AstNode *item)
{
    AstUnnestRef *u = &item->u.unnest_ref;
    ExprCtx x = {0};
    x.r = r;
    x.scope = s;
    x.clause = "UNNEST";
    uint32_t ncols = 0;
    bool ok = true;
    SqlType **ts = ARENA_NEW_ARRAY(r->a, SqlType *, u->args.n + 1);
    for (uint32_t i = 0; i < u->args.n; i++) {
        SqlType *t = rx_expr(&x, u->args.items[i]);
        ts[i] = t;
        if (rx_is_err(t)) {
            ok = false;
            continue;
        }
        if (t->kind == T_ARRAY || t->kind == T_MULTISET) {
            ncols += t->elem && t->elem->kind == T_ROW ? t->elem->n_fields : 1;
        } else if (t->kind == T_MAP) {
            ncols += 2;
        } else {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, u->args.items[i]->at,
                       "UNNEST needs an ARRAY, MAP or MULTISET, not %s",
                       rx_type_str(r, t));
            ok = false;
        }
    }
    RelSchema *rel;
    if (!ok) {
        rel = rel_incomplete(r);
    } else {
        rel = rq_rel_new(r, ncols + (u->with_ordinality ? 1 : 0));
        uint32_t k = 0;
        for (uint32_t i = 0; i < u->args.n; i++) {
            SqlType *t = ts[i];
            if (t->kind == T_MAP) {
                rel->cols[k].name = STR_LIT("KEY");
                rel->cols[k++].type = t->elem;
                rel->cols[k].name = STR_LIT("VALUE");
                rel->cols[k++].type = t->value;
            } else if (t->elem && t->elem->kind == T_ROW) {
                for (uint32_t f = 0; f < t->elem->n_fields; f++) {
                    rel->cols[k].name = t->elem->fields[f].name;
                    rel->cols[k++].type = t->elem->fields[f].type;
                }
            } else {
                rel->cols[k].name =
                    str_from_cstr(arena_sprintf(r->a, "EXPR$%u", k));
                rel->cols[k++].type = t->elem;
            }
        }
        if (u->with_ordinality) {
            SqlType *it = type_new(r->a, T_INT);
            it->is_nullable = false;
            rel->cols[k].name = STR_LIT("ORDINALITY");
            rel->cols[k++].type = it;
        }
    }
    rel = rename_cols(r, rel, &u->column_aliases, item->at, "the alias");
    item->rel = rel;
    Str alias = u->has_alias ? u->alias.name : STR_NULL;
    rq_scope_add(r, s, alias, item, rel, "UNNEST", rel->is_incomplete);
    return rel;
}

static void collect_vars(const AstNode *p, Str *out, uint32_t *n, uint32_t cap)
{
    if (!p)
        return;
    if (p->u.pattern.pat_kind == PAT_VAR) {
        for (uint32_t i = 0; i < *n; i++)
            if (str_ieq(out[i], p->u.pattern.var.name))
                return;
        if (*n < cap)
            out[(*n)++] = p->u.pattern.var.name;
        return;
    }
    for (uint32_t i = 0; i < p->u.pattern.items.n; i++)
        collect_vars(p->u.pattern.items.items[i], out, n, cap);
}

static RelSchema *match_recognize(Res *r, Scope *s, AstNode *item)
{
    AstMatchRecognize *m = &item->u.match_recognize;
    Scope *ms = rq_scope_new(r, s->parent);
    ms->ctes = s->ctes;
    RelSchema *in = from_item(r, ms, m->input);
    if (!in)
        in = rel_incomplete(r);
    if (ms->n_rels > 1) {
        /* a join as input: treat its columns as one relation */
        ms->n_rels = 0;
        rq_scope_add(r, ms, STR_NULL, m->input, in,
                     "the MATCH_RECOGNIZE "
                     "input",
                     in->is_incomplete);
    }
    ExprCtx x = {0};
    x.r = r;
    x.scope = ms;
    x.clause = "MATCH_RECOGNIZE";
    bool ok = !in->is_incomplete;
    for (uint32_t i = 0; i < m->partition_by.n; i++)
        if (rx_is_err(rx_expr(&x, m->partition_by.items[i])))
            ok = false;
    for (uint32_t i = 0; i < m->order_by.n; i++) {
        AstNode *oi = m->order_by.items[i];
        oi->type = rx_expr(&x, oi->u.order_item.expr);
        if (rx_is_err(oi->type)) {
            ok = false;
            continue;
        }
        if (i == 0 && oi->type->time_attr == TA_NONE) {
            diag_error(r->cc, DIAG_E_TIME_ATTR, oi->u.order_item.expr->at,
                       "MATCH_RECOGNIZE must be ordered by a time attribute "
                       "first, but this is %s",
                       rx_type_str(r, oi->type));
            diag_hint(r->cc, "Put the rowtime column (declared with "
                             "WATERMARK FOR) or a PROCTIME() column first "
                             "in ORDER BY.");
        } else if (i == 0 && oi->u.order_item.is_desc) {
            diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, oi->at,
                       "MATCH_RECOGNIZE must be ordered ascending by its "
                       "time attribute");
        }
    }
    if (m->order_by.n == 0 && ok) {
        diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, item->at,
                   "MATCH_RECOGNIZE needs ORDER BY on a time attribute");
        diag_hint(r->cc, "Add ORDER BY followed by the rowtime column.");
    }
    Str vars[64];
    uint32_t nv = 0;
    collect_vars(m->pattern, vars, &nv, FSQL_ARRAY_LEN(vars));
    const char *vnames[64];
    for (uint32_t i = 0; i < nv; i++)
        vnames[i] = sv(r, vars[i]);
    for (uint32_t i = 0; i < m->subsets.n; i++) {
        AstSubset *sub = &m->subsets.items[i]->u.subset;
        for (uint32_t k = 0; k < sub->vars.n; k++) {
            Ident v = sub->vars.items[k]->u.column_ref.name.parts[0];
            if (!pattern_has_var(m->pattern, v.name))
                diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, v.at,
                           "SUBSET %.*s names '%.*s', which is not a "
                           "variable of PATTERN",
                           (int)sub->name.name.len, sub->name.name.ptr,
                           (int)v.name.len, v.name.ptr);
        }
    }
    if ((m->skip == SKIP_TO_FIRST || m->skip == SKIP_TO_LAST) &&
        !mr_has_var(item, m->skip_var.name)) {
        diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, m->skip_var.at,
                   "AFTER MATCH SKIP TO names '%.*s', which is not a "
                   "variable of PATTERN",
                   (int)m->skip_var.name.len, m->skip_var.name.ptr);
    }
    if (m->within) {
        SqlType *t = rx_expr(&x, m->within);
        if (!rx_is_err(t) && t->kind != T_INTERVAL_DT)
            diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, m->within->at,
                       "WITHIN needs a day-time INTERVAL, not %s",
                       rx_type_str(r, t));
    }
    ms->mr = item;
    ExprCtx dx = x;
    dx.allow = EX_AGG | EX_MATCH;
    dx.clause = "DEFINE";
    for (uint32_t i = 0; i < m->defines.n; i++) {
        AstDefine *d = &m->defines.items[i]->u.define;
        if (!pattern_has_var(m->pattern, d->var.name)) {
            diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, d->var.at,
                       "DEFINE names '%.*s', which is not a variable of "
                       "PATTERN",
                       (int)d->var.name.len, d->var.name.ptr);
            const char *sug =
                spell_suggest_n(d->var.name.ptr, d->var.name.len, vnames, nv);
            if (sug)
                diag_hint(r->cc, "Did you mean '%s'?", sug);
            d->cond->type = rx_err(); /* its refs to the variable would
                                          cascade */
            continue;
        }
        for (uint32_t k = 0; k < i; k++)
            if (str_ieq(m->defines.items[k]->u.define.var.name, d->var.name)) {
                diag_error(r->cc, DIAG_E_DUPLICATE, d->var.at,
                           "variable '%.*s' is defined twice",
                           (int)d->var.name.len, d->var.name.ptr);
                break;
            }
        rx_condition(&dx, d->cond, "a DEFINE condition");
    }
    ExprCtx mx = dx;
    mx.clause = "MEASURES";
    uint32_t nparts =
        m->rows_per_match == RPM_ONE_ROW ? m->partition_by.n : in->n_cols;
    RelSchema *rel = rq_rel_new(r, nparts + m->measures.n);
    rel->has_errors = in->has_errors;
    rel->is_incomplete = in->is_incomplete;
    if (m->rows_per_match == RPM_ONE_ROW) {
        for (uint32_t i = 0; i < m->partition_by.n; i++) {
            AstNode *p = m->partition_by.items[i];
            rel->cols[i].name =
                p->kind == AST_COLUMN_REF
                    ? p->u.column_ref.name
                          .parts[p->u.column_ref.name.n_parts - 1]
                          .name
                    : str_from_cstr(arena_sprintf(r->a, "EXPR$%u", i));
            rel->cols[i].type = rx_plain(r, p->type ? p->type : rx_err());
        }
    } else {
        for (uint32_t i = 0; i < in->n_cols; i++)
            rel->cols[i] = in->cols[i];
    }
    for (uint32_t i = 0; i < m->measures.n; i++) {
        AstNode *mn = m->measures.items[i];
        AstMeasure *me = &mn->u.measure;
        SqlType *t = rx_expr(&mx, me->expr);
        mn->type = t;
        for (uint32_t k = 0; k < nparts + i; k++)
            if (str_ieq(rel->cols[k].name, me->alias.name)) {
                diag_error(r->cc, DIAG_E_DUPLICATE, me->alias.at,
                           "MATCH_RECOGNIZE output column '%.*s' is defined "
                           "twice",
                           (int)me->alias.name.len, me->alias.name.ptr);
                break;
            }
        rel->cols[nparts + i].name = me->alias.name;
        rel->cols[nparts + i].type = t;
    }
    ms->mr = NULL;
    item->rel = rel;
    Str alias = m->has_alias ? m->alias.name : STR_NULL;
    rq_scope_add(r, s, alias, item, rel,
                 alias.len ? arena_sprintf(r->a, "'%.*s' (MATCH_RECOGNIZE)",
                                           (int)alias.len, alias.ptr)
                           : "the MATCH_RECOGNIZE result",
                 rel->is_incomplete);
    return rel;
}

static RelSchema *from_item(Res *r, Scope *s, AstNode *item)
{
    if (!item)
        return rel_incomplete(r);
    uint32_t before = s->n_rels;
    RelSchema *rel;
    switch (item->kind) {
    case AST_TABLE_REF:
        if (item->u.table_ref.system_time) {
            diag_error(r->cc, DIAG_E_LOOKUP_JOIN,
                       item->u.table_ref.system_time->at,
                       "FOR SYSTEM_TIME AS OF is only allowed on the right "
                       "side of a join");
            item->u.table_ref.system_time = NULL;
        }
        rel = table_ref(r, s, item);
        break;
    case AST_SUBQUERY_REF:
        rel = subquery_ref(r, s, item);
        break;
    case AST_JOIN:
        return join_item(r, s, item);
    case AST_TABLE_FUNC_REF:
        rel = table_func_ref(r, s, item);
        break;
    case AST_UNNEST_REF:
        rel = unnest_ref(r, s, item);
        break;
    case AST_MATCH_RECOGNIZE:
        rel = match_recognize(r, s, item);
        break;
    default:
        diag_error(r->cc, DIAG_E_SYNTAX, item->at,
                   "a %s cannot be used in FROM", ast_kind_name(item->kind));
        rel = rel_incomplete(r);
        item->rel = rel;
        rq_scope_add(r, s, STR_NULL, item, rel, "FROM item", true);
        break;
    }
    (void)before;
    return rel;
}

/* ---- SELECT --------------------------------------------------------------- */

typedef struct FindOver {
    AstNode *found;
} FindOver;

static void find_over_visit(void *ud, AstNode *e)
{
    FindOver *f = ud;
    if (f->found || !e)
        return;
    if (e->kind == AST_FUNC_CALL && e->u.func_call.over) {
        f->found = e;
        return;
    }
    expr_children(e, find_over_visit, ud);
}

/* The first call with OVER in e, or NULL. */
static AstNode *find_over(AstNode *e)
{
    FindOver f = {NULL};
    find_over_visit(&f, e);
    return f.found;
}

static bool keep_time_attr_in_agg(AstNode *e)
{
    if (!e)
        return false;
    if (e->kind == AST_FUNC_CALL && e->u.func_call.func &&
        (e->u.func_call.func->flags & (FUNC_ROWTIME | FUNC_PROCTIME)))
        return true;
    if (e->kind == AST_COLUMN_REF && e->u.column_ref.source &&
        e->u.column_ref.source->kind == AST_TABLE_FUNC_REF &&
        str_ieq_cstr(
            e->u.column_ref.name.parts[e->u.column_ref.name.n_parts - 1].name,
            "window_time"))
        return true;
    return false;
}

static void order_by_list(Res *r, Scope *s, AstList *order, unsigned allow,
                          AstNode *gw, AstNode *sel)
{
    ExprCtx ox = {0};
    ox.r = r;
    ox.scope = s;
    ox.allow = allow;
    ox.clause = "ORDER BY";
    ox.group_window = gw;
    ox.select = sel;
    bool saved = s->aliases_first;
    s->aliases_first = true;
    for (uint32_t i = 0; i < order->n; i++) {
        AstNode *oi = order->items[i];
        AstNode *e = oi->u.order_item.expr;
        /* ORDER BY ordinal */
        if (sel && e->kind == AST_LITERAL &&
            e->u.literal.lit_kind == LIT_INTEGER) {
            AstList *items = &sel->u.select.items;
            long v = 0;
            for (size_t k = 0; k < e->u.literal.text.len && v < 100000; k++)
                v = v * 10 + (e->u.literal.text.ptr[k] - '0');
            if (v < 1 || (uint32_t)v > items->n) {
                diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, e->at,
                           "ORDER BY position %ld is not in the select list "
                           "(1 to %u)",
                           v, items->n);
                oi->type = rx_err();
                continue;
            }
            AstNode *ref = ast_new(r->a, AST_COLUMN_REF, e->at);
            AstNode *ie = items->items[v - 1]->u.select_item.expr;
            ref->u.column_ref.name.n_parts = 1;
            ref->u.column_ref.name.parts = ARENA_NEW_ARRAY(r->a, Ident, 1);
            ref->u.column_ref.name.parts[0].name =
                item_name(r, items->items[v - 1], (uint32_t)(v - 1));
            ref->u.column_ref.name.parts[0].at = e->at;
            ref->u.column_ref.source = sel;
            ref->u.column_ref.col = (int32_t)(v - 1);
            ref->type = ie && ie->type ? ie->type : rx_err();
            oi->u.order_item.expr = ref;
            oi->type = ref->type;
            continue;
        }
        oi->type = rx_expr(&ox, e);
    }
    s->aliases_first = saved;
}

static RelSchema *select_query(Res *r, AstNode *q, Scope *parent, CteDef *ctes,
                               AstNode *with)
{
    AstSelect *sel = &q->u.select;
    Scope *s = rq_scope_new(r, parent);
    s->ctes = ctes;
    s->select = q;
    check_hints(r, &sel->hints);
    for (uint32_t i = 0; i < sel->from.n; i++)
        from_item(r, s, sel->from.items[i]);

    ExprCtx base = {0};
    base.r = r;
    base.scope = s;
    base.select = q;

    if (sel->where) {
        ExprCtx x = base;
        x.allow = EX_SUBQUERY;
        x.clause = "WHERE";
        rx_condition(&x, sel->where, "WHERE condition");
    }
    AstNode *gw = NULL;
    for (uint32_t i = 0; i < sel->group_by.n; i++) {
        ExprCtx x = base;
        x.allow = EX_GROUP_WINDOW;
        x.clause = "GROUP BY";
        AstNode *g = sel->group_by.items[i];
        rx_expr(&x, g);
        if (g->kind != AST_FUNC_CALL || !g->u.func_call.func ||
            g->u.func_call.func->kind != FUNC_GROUP_WINDOW)
            continue;
        if (gw) {
            diag_error(r->cc, DIAG_E_WINDOW, g->at,
                       "GROUP BY may contain only one group window");
            continue;
        }
        gw = g;
    }
    bool complete = expand_stars(r, s, q);
    ExprCtx sx = base;
    sx.allow = EX_AGG | EX_OVER | EX_SUBQUERY | EX_AUX;
    sx.clause = "the select list";
    sx.group_window = gw;
    AstList *items = &sel->items;
    for (uint32_t i = 0; i < items->n; i++) {
        AstNode *it = items->items[i];
        it->type = rx_expr(&sx, it->u.select_item.expr);
    }
    bool has_agg = sx.found_agg;
    if (sel->having) {
        ExprCtx hx = base;
        hx.allow = EX_AGG | EX_SUBQUERY | EX_AUX;
        hx.clause = "HAVING";
        hx.group_window = gw;
        rx_condition(&hx, sel->having, "HAVING condition");
        has_agg |= hx.found_agg;
    }
    if (sel->qualify) {
        diag_error(r->cc, DIAG_E_UNSUPPORTED, sel->qualify->at,
                   "QUALIFY is not supported");
        diag_hint(r->cc, "Compute the window function in a subquery and "
                         "filter its result in the outer WHERE.");
    }
    bool is_agg = sel->group_by.n > 0 || has_agg || sel->having;
    sel->is_aggregate = is_agg;
    bool group_err = false;
    for (uint32_t i = 0; i < sel->group_by.n; i++)
        if (rx_is_err(sel->group_by.items[i]->type))
            group_err = true;
    if (is_agg && sx.found_over) {
        group_err = true; /* no grouping errors on top of this one */
        SrcSpan at = q->at;
        for (uint32_t i = 0; i < items->n; i++) {
            AstNode *fo = find_over(items->items[i]->u.select_item.expr);
            if (fo) {
                at = fo->at;
                break;
            }
        }
        diag_error(r->cc, DIAG_E_UNSUPPORTED, at,
                   "OVER windows cannot be combined with GROUP BY or "
                   "aggregates in the same SELECT");
        diag_hint(r->cc, "Aggregate in a subquery or view, then apply the "
                         "OVER window to its result.");
    }
    /* ORDER BY of an enclosing WITH/ORDER BY wrapper */
    if (with && with->u.with.order_by.n) {
        unsigned allow = is_agg ? (EX_AGG | EX_AUX) : EX_OVER;
        s->alias_refs = true;
        order_by_list(r, s, &with->u.with.order_by, allow, gw, q);
        s->alias_refs = false;
    }
    if (is_agg && !group_err) {
        GroupCk g = {0};
        g.r = r;
        g.select = q;
        g.group_by = &sel->group_by;
        for (uint32_t i = 0; i < items->n; i++)
            check_grouped(&g, items->items[i]->u.select_item.expr);
        if (sel->having)
            check_grouped(&g, sel->having);
        if (with)
            for (uint32_t i = 0; i < with->u.with.order_by.n; i++)
                check_grouped(
                    &g, with->u.with.order_by.items[i]->u.order_item.expr);
    }
    RelSchema *rel = rq_rel_new(r, items->n);
    rel->is_incomplete = !complete;
    for (uint32_t i = 0; i < items->n; i++) {
        AstNode *it = items->items[i];
        AstNode *e = it->u.select_item.expr;
        SqlType *t = it->type ? it->type : rx_err();
        if (is_agg && !keep_time_attr_in_agg(e))
            t = rx_plain(r, t);
        it->type = t;
        rel->cols[i].name = item_name(r, it, i);
        rel->cols[i].type = t;
    }
    for (uint32_t i = 0; i < s->n_rels; i++)
        if (s->rels[i].rel && s->rels[i].rel->has_errors)
            rel->has_errors = true;
    q->rel = rel;
    return rel;
}

/* ---- other query forms ------------------------------------------------------ */

static RelSchema *values_query(Res *r, AstNode *q, Scope *parent)
{
    AstList *rows = &q->u.values.rows;
    Scope *s = rq_scope_new(r, parent);
    ExprCtx x = {0};
    x.r = r;
    x.scope = s;
    x.clause = "VALUES";
    uint32_t width = 0;
    SqlType **types = NULL;
    bool bad = false;
    for (uint32_t i = 0; i < rows->n; i++) {
        AstNode *row = rows->items[i];
        AstList *its = row->kind == AST_ROW_CTOR ? &row->u.ctor.items : NULL;
        uint32_t n = its ? its->n : 1;
        if (i == 0) {
            width = n;
            types = ARENA_NEW_ARRAY(r->a, SqlType *, n + 1);
        } else if (n != width) {
            diag_error(r->cc, DIAG_E_COLUMN_COUNT, row->at,
                       "this VALUES row has %u values, but the first row has "
                       "%u",
                       n, width);
            bad = true;
            continue;
        }
        for (uint32_t k = 0; k < n; k++) {
            AstNode *e = its ? its->items[k] : row;
            SqlType *t = rx_expr(&x, e);
            if (i == 0 || rx_is_err(t) || rx_is_err(types[k])) {
                types[k] = rx_is_err(t) ? rx_err() : t;
                if (i > 0)
                    types[k] = rx_err();
                continue;
            }
            SqlType *c = type_common(r->a, types[k], t);
            if (!c) {
                diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->at,
                           "value of type %s does not fit column %u of the "
                           "earlier rows (%s)",
                           rx_type_str(r, t), k + 1, rx_type_str(r, types[k]));
                types[k] = rx_err();
                continue;
            }
            types[k] = c;
        }
        if (its)
            row->type = type_new(r->a, T_ROW);
    }
    RelSchema *rel = rq_rel_new(r, width);
    for (uint32_t k = 0; k < width; k++) {
        rel->cols[k].name = str_from_cstr(arena_sprintf(r->a, "EXPR$%u", k));
        rel->cols[k].type = types[k] ? types[k] : rx_err();
    }
    (void)bad;
    q->rel = rel;
    return rel;
}

static RelSchema *setop_query(Res *r, AstNode *q, Scope *parent, CteDef *ctes)
{
    AstSetOp *so = &q->u.setop;
    RelSchema *l = rq_query_ctes(r, so->left, parent, ctes);
    RelSchema *rt = rq_query_ctes(r, so->right, parent, ctes);
    const char *op = so->op == SETOP_UNION       ? "UNION"
                     : so->op == SETOP_INTERSECT ? "INTERSECT"
                                                 : "EXCEPT";
    if (!l || !rt || l->is_incomplete || rt->is_incomplete) {
        q->rel = l && !l->is_incomplete ? l : rel_incomplete(r);
        q->rel->is_incomplete = true;
        return q->rel;
    }
    if (l->n_cols != rt->n_cols) {
        diag_error(r->cc, DIAG_E_COLUMN_COUNT, so->right->at,
                   "the right side of %s has %u column%s, but the left "
                   "side has %u",
                   op, rt->n_cols, rt->n_cols == 1 ? "" : "s", l->n_cols);
        q->rel = l;
        return l;
    }
    RelSchema *rel = rq_rel_new(r, l->n_cols);
    rel->has_errors = l->has_errors || rt->has_errors;
    for (uint32_t i = 0; i < l->n_cols; i++) {
        rel->cols[i].name = l->cols[i].name;
        SqlType *a = l->cols[i].type, *b = rt->cols[i].type;
        if (rx_is_err(a) || rx_is_err(b)) {
            rel->cols[i].type = rx_err();
            continue;
        }
        SqlType *c = type_common(r->a, a, b);
        if (!c) {
            AstNode *at = rq_output_expr(so->right, i);
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, at ? at->at : so->right->at,
                       "column %u of %s is %s on the left but %s on the "
                       "right",
                       i + 1, op, rx_type_str(r, a), rx_type_str(r, b));
            diag_hint(r->cc, "CAST one side so both have the same type.");
            c = rx_err();
        } else if (a->time_attr != TA_NONE && a->time_attr == b->time_attr &&
                   so->op == SETOP_UNION && so->is_all) {
            c = type_with_time_attr(r->a, c, a->time_attr);
        }
        rel->cols[i].type = c;
    }
    q->rel = rel;
    return rel;
}

static void check_limit(Res *r, Scope *s, AstNode *e, const char *what)
{
    if (!e)
        return;
    ExprCtx x = {0};
    x.r = r;
    x.scope = rq_scope_new(r, s);
    SqlType *t = rx_expr(&x, e);
    if (!rx_is_err(t) && !type_is_integer(t)) {
        diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->at,
                   "%s must be an integer, not %s", what, rx_type_str(r, t));
    }
}

static RelSchema *with_query(Res *r, AstNode *q, Scope *parent, CteDef *ctes)
{
    AstWith *w = &q->u.with;
    Scope *cs = rq_scope_new(r, parent);
    cs->ctes = ctes;
    for (uint32_t i = 0; i < w->ctes.n; i++) {
        AstNode *cn = w->ctes.items[i];
        AstCte *c = &cn->u.cte;
        for (CteDef *d = cs->ctes; d; d = d->next) {
            bool local = false;
            for (uint32_t k = 0; k < i; k++)
                if (w->ctes.items[k] == d->cte)
                    local = true;
            if (local && str_ieq(d->name, c->name.name)) {
                diag_error(r->cc, DIAG_E_DUPLICATE, c->name.at,
                           "WITH query '%.*s' is defined twice",
                           (int)c->name.name.len, c->name.name.ptr);
                break;
            }
        }
        /* a WITH query sees the ones before it (no recursion) */
        RelSchema *rel = rq_query_ctes(r, c->query, parent, cs->ctes);
        if (!rel)
            rel = rel_incomplete(r);
        rel =
            rename_cols(r, rel, &c->column_names, c->name.at, "the WITH query");
        cn->rel = rel;
        CteDef *d = ARENA_NEW(r->a, CteDef);
        d->name = c->name.name;
        d->cte = cn;
        d->rel = rel;
        d->next = cs->ctes;
        cs->ctes = d;
    }
    AstNode *body = w->body;
    RelSchema *rel;
    if (body && body->kind == AST_SELECT) {
        rel = select_query(r, body, parent, cs->ctes, q);
        body->rel = rel;
    } else {
        rel = rq_query_ctes(r, body, parent, cs->ctes);
        if (w->order_by.n && rel) {
            Scope *os = rq_scope_new(r, parent);
            rq_scope_add(r, os, STR_NULL, body, rel, "the query result",
                         rel->is_incomplete);
            order_by_list(r, os, &w->order_by, 0, NULL, NULL);
        }
    }
    check_limit(r, cs, w->limit, "LIMIT");
    check_limit(r, cs, w->offset, "OFFSET");
    q->rel = rel ? rel : rel_incomplete(r);
    return q->rel;
}

RelSchema *rq_query(Res *r, AstNode *q, Scope *parent)
{
    return rq_query_ctes(r, q, parent, parent ? parent->ctes : NULL);
}

RelSchema *rq_query_ctes(Res *r, AstNode *q, Scope *parent, CteDef *ctes)
{
    if (!q)
        return rel_incomplete(r);
    if (q->rel)
        return q->rel;
    RelSchema *rel;
    switch (q->kind) {
    case AST_SELECT:
        rel = select_query(r, q, parent, ctes, NULL);
        break;
    case AST_SETOP:
        rel = setop_query(r, q, parent, ctes);
        break;
    case AST_VALUES:
        rel = values_query(r, q, parent);
        break;
    case AST_WITH:
        rel = with_query(r, q, parent, ctes);
        break;
    case AST_ERROR:
        rel = rel_incomplete(r);
        break;
    default:
        diag_error(r->cc, DIAG_E_SYNTAX, q->at, "a %s is not a query",
                   ast_kind_name(q->kind));
        rel = rel_incomplete(r);
        break;
    }
    q->rel = rel;
    return rel;
}

AstNode *rq_output_expr(AstNode *q, uint32_t i)
{
    while (q && q->kind == AST_WITH)
        q = q->u.with.body;
    if (!q)
        return NULL;
    if (q->kind == AST_SELECT && i < q->u.select.items.n)
        return q->u.select.items.items[i]->u.select_item.expr;
    if (q->kind == AST_VALUES && q->u.values.rows.n) {
        AstNode *row = q->u.values.rows.items[0];
        if (row->kind == AST_ROW_CTOR && i < row->u.ctor.items.n)
            return row->u.ctor.items.items[i];
    }
    if (q->kind == AST_SETOP)
        return rq_output_expr(q->u.setop.left, i);
    return NULL;
}
