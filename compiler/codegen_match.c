/*
 * codegen_match.c - PN_MATCH_RECOGNIZE -> OpMatchDef (runtime/match.h).
 *
 * The pattern becomes a MatchPat tree (variables numbered in order of
 * first appearance) and is compiled into the automaton here, so that a
 * pattern too large to expand is reported with its SQL position.
 *
 * DEFINE and MEASURES reference several rows at once: `A.price >
 * PREV(A.price)`, `AVG(S.amount)`, `FIRST(A.ts)`, CLASSIFIER().  The VM
 * evaluates expressions over one row, so every such reference becomes a
 * column of a synthetic "match context row" (a MatchSlot: which row -
 * current, FIRST/LAST n of a variable set, then PREV/NEXT physical
 * offset - and which value of it; or an aggregate over the rows of a
 * variable set; or CLASSIFIER / MATCH_NUMBER / MATCH_ROWTIME), and the
 * expression is rewritten into INPUT_REFs over that row.  The operator
 * fills the slots from the partial match, then runs the Code.  Equal
 * references share a slot.
 *
 * Fast path: a DEFINE whose references are all to the current row (the
 * usual `A AS A.amount > 10000`) is compiled over the input row itself
 * (MatchExprDef.is_row_code), with CLASSIFIER() folded to the variable's
 * name; no context row is built for it.
 *
 * Semantics of a plain column reference (SQL standard): in DEFINE, `x`
 * and `V.x` for the variable being defined are the current row; `W.x`
 * for another variable (or a SUBSET) is the last row mapped to W so far.
 * In MEASURES, `x` is the last row of the match so far (RUNNING) and
 * `W.x` the last row mapped to W; ONE ROW PER MATCH evaluates at the last
 * row, where RUNNING and FINAL agree.
 */
#include "runtime/fsql.h"
#include "compiler/codegen_match.h"
#include "compiler/codegen.h"
#include "compiler/functions.h"
#include "compiler/types.h"
#include "runtime/agg.h"
#include "runtime/match.h"

#include <string.h>

typedef struct MGen {
    CompileCtx *cc;
    Arena *pa;
    const PMatch *m;
    const RelSchema *in;
    uint16_t n_vars;
    Str *vars; /* pattern variables (compile arena) */
    bool ok;
    /* the expression being rewritten */
    bool in_define;
    uint16_t def_var;
    bool direct;        /* current-row references stay input columns */
    bool direct_failed; /* direct mode met something else */
    MatchSlot *slots;   /* compile arena while building */
    PExpr **slot_vals;  /* value expression per slot (dedup) */
    uint32_t n_slots, cap_slots;
    bool is_history_free;
    bool uses_match_number;
    int64_t max_prev;
    int64_t max_next;
    uint32_t *min_pos; /* per variable: fewest rows of a match before a
                          row mapped to it (compile arena) */
} MGen;

static void fail(MGen *g, SrcSpan at, const char *msg, const char *hint)
{
    diag_error(g->cc, DIAG_E_UNSUPPORTED, at, "%s", msg);
    if (hint)
        diag_hint(g->cc, "%s", hint);
    g->ok = false;
}

/* ---- variables ------------------------------------------------------------ */

static int32_t var_find(const MGen *g, Str name)
{
    for (uint16_t i = 0; i < g->n_vars; i++)
        if (str_ieq(g->vars[i], name))
            return i;
    return -1;
}

static void vars_collect(MGen *g, const PPattern *p, uint32_t *cap)
{
    if (!p)
        return;
    if (p->kind == PAT_VAR && var_find(g, p->var) < 0) {
        if (g->n_vars == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            Str *nv = ARENA_NEW_ARRAY(&g->cc->a, Str, *cap);
            if (g->n_vars)
                memcpy(nv, g->vars, sizeof(Str) * g->n_vars);
            g->vars = nv;
        }
        g->vars[g->n_vars++] = p->var;
    }
    for (uint32_t i = 0; i < p->n_items; i++)
        vars_collect(g, p->items[i], cap);
}

/* The variable set a qualifier names: a variable, a SUBSET, or (empty
 * name) every row.  False after reporting an unrecognized name. */
static bool var_set(MGen *g, Str name, SrcSpan at, uint32_t *n, uint16_t **ids)
{
    *n = 0;
    *ids = NULL;
    if (!name.len)
        return true;
    int32_t v = var_find(g, name);
    if (v >= 0) {
        *ids = ARENA_NEW_ARRAY(g->pa, uint16_t, 1);
        (*ids)[0] = (uint16_t)v;
        *n = 1;
        return true;
    }
    const PMatch *m = g->m;
    for (uint32_t s = 0; s < m->n_subsets; s++) {
        if (!str_ieq(m->subset_names[s], name))
            continue;
        *ids = ARENA_NEW_ARRAY(g->pa, uint16_t, m->subset_n[s] + 1);
        for (uint32_t k = 0; k < m->subset_n[s]; k++) {
            int32_t id = var_find(g, m->subset_vars[s][k]);
            if (id < 0) {
                fail(g, at,
                     "a SUBSET names a variable the pattern does not use",
                     NULL);
                return false;
            }
            (*ids)[(*n)++] = (uint16_t)id;
        }
        return true;
    }
    fail(g, at,
         arena_sprintf(&g->cc->a, "unrecognized pattern variable \"%.*s\"",
                       (int)name.len, name.ptr),
         NULL);
    return false;
}

/* ---- pattern -------------------------------------------------------------- */

static MatchPat *pat_of(MGen *g, const PPattern *p)
{
    MatchPat *q = ARENA_NEW(&g->cc->a, MatchPat);
    switch (p->kind) {
    case PAT_VAR:
        q->kind = MPAT_VAR;
        q->var = (uint16_t)var_find(g, p->var);
        break;
    case PAT_CONCAT:
        q->kind = MPAT_CONCAT;
        break;
    case PAT_ALT:
        q->kind = MPAT_ALT;
        break;
    case PAT_PERMUTE:
        q->kind = MPAT_PERMUTE;
        break;
    case PAT_EXCLUDE:
        q->kind = MPAT_EXCLUDE;
        break;
    case PAT_ANCHOR_START:
        q->kind = MPAT_START;
        break;
    case PAT_ANCHOR_END:
        q->kind = MPAT_END;
        break;
    default:
        q->kind = MPAT_EMPTY;
        break;
    }
    q->min = p->min;
    q->max = p->max;
    q->is_reluctant = p->is_reluctant;
    q->n_items = p->n_items;
    q->items = ARENA_NEW_ARRAY(&g->cc->a, MatchPat *, p->n_items + 1);
    for (uint32_t i = 0; i < p->n_items; i++)
        q->items[i] = pat_of(g, p->items[i]);
    return q;
}

/* ---- slots ---------------------------------------------------------------- */

static bool vars_equal(const MatchSlot *a, const MatchSlot *b)
{
    if (a->n_vars != b->n_vars)
        return false;
    for (uint32_t i = 0; i < a->n_vars; i++)
        if (a->vars[i] != b->vars[i])
            return false;
    return true;
}

/* The slot index for s (value expression val, may be NULL), shared with
 * an equal slot. */
static uint32_t slot_add(MGen *g, const MatchSlot *s, PExpr *val)
{
    for (uint32_t i = 0; i < g->n_slots; i++) {
        const MatchSlot *o = &g->slots[i];
        if (o->kind == s->kind && o->base == s->base &&
            o->is_final == s->is_final && o->is_distinct == s->is_distinct &&
            o->logical_off == s->logical_off && o->phys_off == s->phys_off &&
            o->col == s->col && vars_equal(o, s) &&
            ((!o->agg_name && !s->agg_name) ||
             (o->agg_name && s->agg_name &&
              strcmp(o->agg_name, s->agg_name) == 0)) &&
            ((!g->slot_vals[i] && !val) ||
             (g->slot_vals[i] && val && pexpr_equal(g->slot_vals[i], val) &&
              type_equal(g->slot_vals[i]->type, val->type))) &&
            o->type.kind == s->type.kind &&
            o->type.precision == s->type.precision &&
            o->type.scale == s->type.scale)
            return i;
    }
    if (g->n_slots == g->cap_slots) {
        g->cap_slots = g->cap_slots ? g->cap_slots * 2 : 8;
        MatchSlot *ns = ARENA_NEW_ARRAY(&g->cc->a, MatchSlot, g->cap_slots);
        PExpr **nv = ARENA_NEW_ARRAY(&g->cc->a, PExpr *, g->cap_slots);
        if (g->n_slots) {
            memcpy(ns, g->slots, sizeof(MatchSlot) * g->n_slots);
            memcpy(nv, g->slot_vals, sizeof(PExpr *) * g->n_slots);
        }
        g->slots = ns;
        g->slot_vals = nv;
    }
    g->slots[g->n_slots] = *s;
    g->slot_vals[g->n_slots] = val;
    return g->n_slots++;
}

static PExpr *slot_ref(MGen *g, uint32_t slot, const PExpr *like)
{
    PExpr *r = pexpr_new(g->cc, PE_INPUT_REF, like->type, like->at);
    r->idx = (int32_t)slot;
    return r;
}

/* The one variable the column references of e use ("" if none); false
 * (after reporting) when they use several, or e nests a navigation or an
 * aggregate. */
static bool value_var(MGen *g, const PExpr *e, Str *var, bool *seen,
                      const char *what)
{
    if (!e)
        return true;
    if (e->kind == PE_INPUT_REF) {
        if (*seen && !str_ieq(*var, e->var)) {
            fail(g, e->at,
                 arena_sprintf(&g->cc->a,
                               "the column references in %s must all use "
                               "the same pattern variable",
                               what),
                 NULL);
            return false;
        }
        *var = e->var;
        *seen = true;
        return true;
    }
    if (e->kind == PE_AGG_CALL || (e->kind == PE_CALL && e->op == PO_FUNC &&
                                   e->func && e->func->kind == FUNC_MATCH)) {
        fail(g, e->at,
             arena_sprintf(&g->cc->a, "cannot nest \"%.*s\" inside %s",
                           (int)e->name.len, e->name.ptr, what),
             NULL);
        return false;
    }
    for (uint32_t i = 0; i < e->n_args; i++)
        if (!value_var(g, e->args[i], var, seen, what))
            return false;
    return true;
}

/* Fill col / value for a value expression over the input row. */
static bool slot_value(MGen *g, MatchSlot *s, PExpr *val)
{
    int32_t col;
    if (pexpr_is_ref(val, &col) ||
        (val->kind == PE_INPUT_REF && (col = val->idx) >= 0)) {
        s->col = col;
        return true;
    }
    s->col = -1;
    s->value = codegen_exprs(g->cc, g->pa, &val, 1, g->in);
    if (!s->value) {
        g->ok = false;
        return false;
    }
    return true;
}

static bool int_arg(MGen *g, const PExpr *call, uint32_t i, int64_t *out)
{
    *out = 1;
    if (call->n_args <= i)
        return true;
    const PExpr *a = call->args[i];
    if (a->kind == PE_LITERAL && a->lit.kind == PL_INT && a->lit.v.i >= 0) {
        *out = a->lit.v.i;
        return true;
    }
    fail(g, a->at,
         arena_sprintf(&g->cc->a,
                       "the offset of %.*s must be a non-negative integer "
                       "literal",
                       (int)call->name.len, call->name.ptr),
         NULL);
    return false;
}

static bool is_current(const MGen *g, Str var)
{
    if (!g->in_define)
        return false;
    return !var.len || (var_find(g, var) == g->def_var);
}

static PExpr *rewrite(MGen *g, const PExpr *e);

/* The fewest rows any match has before a row mapped to each variable: a
 * 0-1 breadth-first search over the automaton (VAR consumes a row, the
 * other instructions none).  PREV(v.x, k) from a row that has at least
 * d rows of its match before it reaches k - d rows before the match, so
 * the operator keeps only that many rows of history (none for the usual
 * `DOWN AS price < PREV(price)` after a first variable), and a partition
 * without partial matches can then be dropped. */
static void min_positions(MGen *g, const MatchNfa *nfa)
{
    uint32_t n = nfa->n_ins;
    uint32_t *dist = ARENA_NEW_ARRAY(&g->cc->a, uint32_t, n + 1);
    for (uint32_t i = 0; i < n; i++)
        dist[i] = UINT32_MAX;
    /* a deque; every instruction enters it at most once per improvement,
     * and each has at most two successors */
    uint32_t cap = 4 * n + 8, head = 0, len = 0;
    uint32_t *q = ARENA_NEW_ARRAY(&g->cc->a, uint32_t, cap);
    dist[0] = 0;
    q[0] = 0;
    len = 1;
    bool full = false;
    while (len > 0 && !full) {
        uint32_t pc = q[head];
        head = (head + 1) % cap;
        len--;
        const MatchIns *in = &nfa->ins[pc];
        uint32_t succ[2], w = 0, ns = 0;
        switch (in->op) {
        case MOP_VAR:
            succ[ns++] = pc + 1;
            w = 1;
            break;
        case MOP_SPLIT:
            succ[ns++] = in->x;
            succ[ns++] = in->y;
            break;
        case MOP_JMP:
            succ[ns++] = in->x;
            break;
        case MOP_START:
        case MOP_END:
            succ[ns++] = pc + 1;
            break;
        default:
            break;
        }
        for (uint32_t k = 0; k < ns; k++) {
            uint32_t t = succ[k];
            if (t >= n || dist[pc] + w >= dist[t])
                continue;
            if (len + 1 >= cap) {
                full = true; /* not expected; be conservative below */
                break;
            }
            dist[t] = dist[pc] + w;
            if (w == 0) {
                head = (head + cap - 1) % cap;
                q[head] = t;
            } else {
                q[(head + len) % cap] = t;
            }
            len++;
        }
    }
    g->min_pos = ARENA_NEW_ARRAY(&g->cc->a, uint32_t, g->n_vars + 1);
    for (uint16_t v = 0; v < g->n_vars; v++)
        g->min_pos[v] = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        const MatchIns *in = &nfa->ins[i];
        if (in->op == MOP_VAR && in->var < g->n_vars &&
            dist[i] < g->min_pos[in->var])
            g->min_pos[in->var] = full ? 0 : dist[i];
    }
}

/* The fewest rows of the match before the base row of navigation s. */
static int64_t prev_floor(const MGen *g, const MatchSlot *s)
{
    if (!g->min_pos)
        return 0;
    if (s->base == MBASE_CUR)
        return g->in_define && g->min_pos[g->def_var] != UINT32_MAX
                   ? g->min_pos[g->def_var]
                   : 0;
    uint32_t lo = UINT32_MAX;
    for (uint16_t v = 0; v < g->n_vars; v++) {
        bool in = s->n_vars == 0;
        for (uint32_t i = 0; i < s->n_vars && !in; i++)
            in = s->vars[i] == v;
        if (in && g->min_pos[v] < lo)
            lo = g->min_pos[v];
    }
    if (lo == UINT32_MAX)
        lo = 0;
    int64_t f = lo;
    if (s->base == MBASE_FIRST && s->logical_off > f)
        f = s->logical_off;
    return f;
}

/* A navigation: FIRST/LAST/PREV/NEXT(value [, n]). */
static PExpr *rewrite_nav(MGen *g, const PExpr *e, const char *nm)
{
    bool is_phys = strcmp(nm, "PREV") == 0 || strcmp(nm, "NEXT") == 0;
    int64_t off;
    if (!int_arg(g, e, 1, &off))
        return NULL;
    if (!is_phys && e->n_args < 2)
        off = 0;
    MatchSlot s;
    memset(&s, 0, sizeof s);
    s.kind = MSLOT_NAV;
    s.type = codegen_rttype(e->type);
    s.is_final = e->nav == NAV_FINAL && !g->in_define;
    const PExpr *val = e->args[0];
    Str var = {0};
    if (is_phys) {
        s.phys_off = strcmp(nm, "PREV") == 0 ? -off : off;
        /* NEXT: a DEFINE decision, or a MEASURES value (which may lie
         * past the match), waits for `off` more rows of the partition */
        if (s.phys_off > 0 && off > g->max_next)
            g->max_next = off;
        /* PREV(FIRST(A.x, n), k): a logical then a physical offset */
        if (val->kind == PE_CALL && val->op == PO_FUNC && val->func &&
            val->func->kind == FUNC_MATCH &&
            (str_ieq_cstr(val->name, "FIRST") ||
             str_ieq_cstr(val->name, "LAST"))) {
            int64_t loff;
            if (!int_arg(g, val, 1, &loff))
                return NULL;
            if (val->n_args < 2)
                loff = 0;
            s.base =
                str_ieq_cstr(val->name, "FIRST") ? MBASE_FIRST : MBASE_LAST;
            s.logical_off = loff;
            if (val->nav == NAV_FINAL && !g->in_define)
                s.is_final = true;
            val = val->args[0];
            bool seen = false;
            if (!value_var(g, val, &var, &seen, nm))
                return NULL;
        } else {
            bool seen = false;
            if (!value_var(g, val, &var, &seen, nm))
                return NULL;
            s.base = is_current(g, var) ? MBASE_CUR : MBASE_LAST;
        }
    } else {
        bool seen = false;
        if (!value_var(g, val, &var, &seen, nm))
            return NULL;
        s.base = strcmp(nm, "FIRST") == 0 ? MBASE_FIRST : MBASE_LAST;
        s.logical_off = off;
    }
    if (s.base != MBASE_CUR) {
        uint16_t *ids;
        if (!var_set(g, var, e->at, &s.n_vars, &ids))
            return NULL;
        s.vars = ids;
    }
    if (s.phys_off < 0) {
        /* how far before the match's first row PREV can reach */
        int64_t before = -s.phys_off - prev_floor(g, &s);
        if (before > g->max_prev)
            g->max_prev = before;
    }
    if (g->direct) {
        g->direct_failed = true;
        return NULL;
    }
    if (g->in_define && s.base != MBASE_CUR)
        g->is_history_free = false;
    PExpr *v = (PExpr *)val;
    if (!slot_value(g, &s, v))
        return NULL;
    return slot_ref(g, slot_add(g, &s, v), e);
}

static PExpr *rewrite_agg(MGen *g, const PExpr *e)
{
    char *name = arena_strndup(g->pa, e->name.ptr, e->name.len);
    for (char *p = name; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    const AggDef *def = agg_def_find(name, strlen(name));
    if (!def || (def->flags & AGG_F_POSITIONAL)) {
        fail(g, e->at,
             arena_sprintf(&g->cc->a,
                           "cannot compute %s over a pattern variable", name),
             NULL);
        return NULL;
    }
    if (g->direct) {
        g->direct_failed = true;
        return NULL;
    }
    MatchSlot s;
    memset(&s, 0, sizeof s);
    s.kind = MSLOT_AGG;
    s.type = codegen_rttype(e->type);
    s.is_final = e->nav == NAV_FINAL && !g->in_define;
    s.is_distinct = e->is_distinct;
    s.agg_name = name;
    s.n_args = e->n_args;
    s.col = -1;
    Str var = {0};
    bool seen = false;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (!value_var(g, e->args[i], &var, &seen, name))
            return NULL;
    if (!seen)
        var = e->var;
    uint16_t *ids;
    if (!var_set(g, var, e->at, &s.n_vars, &ids))
        return NULL;
    s.vars = ids;
    if (g->in_define)
        g->is_history_free = false;
    PExpr *key = NULL;
    if (e->n_args == 1) {
        key = e->args[0];
        if (!slot_value(g, &s, key))
            return NULL;
    } else if (e->n_args > 1) {
        s.value = codegen_exprs(g->cc, g->pa, e->args, e->n_args, g->in);
        if (!s.value) {
            g->ok = false;
            return NULL;
        }
        key = (PExpr *)e;
    }
    return slot_ref(g, slot_add(g, &s, key), e);
}

static PExpr *special_slot(MGen *g, const PExpr *e, MatchSlotKind k)
{
    if (g->direct) {
        g->direct_failed = true;
        return NULL;
    }
    MatchSlot s;
    memset(&s, 0, sizeof s);
    s.kind = (uint8_t)k;
    s.type = codegen_rttype(e->type);
    s.is_final = e->nav == NAV_FINAL && !g->in_define;
    s.col = -1;
    return slot_ref(g, slot_add(g, &s, NULL), e);
}

/* e with every multi-row reference replaced by a context column (or, in
 * direct mode, current-row references kept as input columns).  NULL
 * after an error or when direct mode does not apply. */
static PExpr *rewrite(MGen *g, const PExpr *e)
{
    if (!e)
        return NULL;
    switch (e->kind) {
    case PE_INPUT_REF: {
        if (g->direct) {
            if (!is_current(g, e->var)) {
                g->direct_failed = true;
                return NULL;
            }
            PExpr *r = pexpr_copy(g->cc, e);
            r->var = (Str){0};
            return r;
        }
        MatchSlot s;
        memset(&s, 0, sizeof s);
        s.kind = MSLOT_NAV;
        s.type = codegen_rttype(e->type);
        s.col = e->idx;
        if (is_current(g, e->var)) {
            s.base = MBASE_CUR;
        } else {
            s.base = MBASE_LAST;
            uint16_t *ids;
            if (!var_set(g, e->var, e->at, &s.n_vars, &ids))
                return NULL;
            s.vars = ids;
            if (g->in_define)
                g->is_history_free = false;
        }
        return slot_ref(g, slot_add(g, &s, NULL), e);
    }
    case PE_AGG_CALL:
        return rewrite_agg(g, e);
    case PE_CALL:
        if (e->op == PO_FUNC && e->func && e->func->kind == FUNC_MATCH) {
            const char *nm = e->func->name;
            if (strcmp(nm, "PREV") == 0 || strcmp(nm, "NEXT") == 0 ||
                strcmp(nm, "FIRST") == 0 || strcmp(nm, "LAST") == 0)
                return rewrite_nav(g, e, nm);
            if (strcmp(nm, "CLASSIFIER") == 0) {
                if (g->in_define) {
                    /* the row tested is mapped to the defined variable */
                    PExpr *l = pexpr_new(g->cc, PE_LITERAL, e->type, e->at);
                    l->lit.kind = PL_STRING;
                    l->lit.text = g->vars[g->def_var];
                    return l;
                }
                return special_slot(g, e, MSLOT_CLASSIFIER);
            }
            if (strcmp(nm, "MATCH_NUMBER") == 0) {
                g->uses_match_number = true;
                return special_slot(g, e, MSLOT_MATCH_NUMBER);
            }
            if (strcmp(nm, "MATCH_ROWTIME") == 0)
                return special_slot(g, e, MSLOT_MATCH_ROWTIME);
            if (strcmp(nm, "MATCH_PROCTIME") == 0)
                return special_slot(g, e, MSLOT_PROCTIME);
            fail(g, e->at,
                 arena_sprintf(&g->cc->a, "cannot evaluate %s yet", nm), NULL);
            return NULL;
        }
        break;
    default:
        break;
    }
    PExpr *c = ARENA_NEW(&g->cc->a, PExpr);
    *c = *e;
    if (e->n_args) {
        c->args = ARENA_NEW_ARRAY(&g->cc->a, PExpr *, e->n_args);
        for (uint32_t i = 0; i < e->n_args; i++) {
            if (!e->args[i]) {
                c->args[i] = NULL;
                continue;
            }
            c->args[i] = rewrite(g, e->args[i]);
            if (!c->args[i])
                return NULL;
        }
    }
    return c;
}

/* The context row's schema (compile arena). */
static RelSchema *ctx_schema(MGen *g)
{
    RelSchema *r = ARENA_NEW(&g->cc->a, RelSchema);
    r->n_cols = g->n_slots;
    r->cols = ARENA_NEW_ARRAY(&g->cc->a, RelColumn, g->n_slots + 1);
    return r;
}

static void slots_reset(MGen *g)
{
    g->slots = NULL;
    g->slot_vals = NULL;
    g->n_slots = g->cap_slots = 0;
}

/* Copy the slots into the Program arena and fill the schema types. */
static const MatchSlot *slots_finish(MGen *g, RelSchema *sch)
{
    MatchSlot *out = ARENA_NEW_ARRAY(g->pa, MatchSlot, g->n_slots + 1);
    if (g->n_slots)
        memcpy(out, g->slots, sizeof(MatchSlot) * g->n_slots);
    for (uint32_t i = 0; i < g->n_slots; i++) {
        sch->cols[i].name = STR_LIT("$slot");
        sch->cols[i].type = NULL;
    }
    return out;
}

/* Record the slot types from the rewritten expressions' references. */
static void slot_types(PExpr *e, void *arg)
{
    RelSchema *sch = arg;
    if (e->kind == PE_INPUT_REF && e->idx >= 0 &&
        (uint32_t)e->idx < sch->n_cols && !sch->cols[e->idx].type)
        sch->cols[e->idx].type = e->type;
}

static bool gen_define(MGen *g, const PExpr *cond, uint16_t var,
                       MatchExprDef *out)
{
    g->in_define = true;
    g->def_var = var;
    /* first try the input row itself */
    g->direct = true;
    g->direct_failed = false;
    slots_reset(g);
    PExpr *d = rewrite(g, cond);
    g->direct = false;
    if (!g->ok)
        return false;
    if (d && !g->direct_failed) {
        out->code = codegen_filter(g->cc, g->pa, d, g->in);
        out->is_row_code = true;
        return out->code != NULL;
    }
    slots_reset(g);
    PExpr *r = rewrite(g, cond);
    if (!r || !g->ok)
        return false;
    RelSchema *sch = ctx_schema(g);
    out->slots = slots_finish(g, sch);
    out->n_slots = g->n_slots;
    pexpr_for_each_ref(r, slot_types, sch);
    for (uint32_t i = 0; i < sch->n_cols; i++)
        if (!sch->cols[i].type)
            sch->cols[i].type = type_new(&g->cc->a, T_NULL);
    out->code = codegen_filter(g->cc, g->pa, r, sch);
    return out->code != NULL;
}

static bool gen_measures(MGen *g, MatchExprDef *out)
{
    const PMatch *m = g->m;
    g->in_define = false;
    g->direct = false;
    slots_reset(g);
    if (m->n_measures == 0)
        return true;
    PExpr **rs = ARENA_NEW_ARRAY(&g->cc->a, PExpr *, m->n_measures);
    for (uint32_t i = 0; i < m->n_measures; i++) {
        rs[i] = rewrite(g, m->measures[i].expr);
        if (!rs[i] || !g->ok)
            return false;
    }
    RelSchema *sch = ctx_schema(g);
    out->slots = slots_finish(g, sch);
    out->n_slots = g->n_slots;
    for (uint32_t i = 0; i < m->n_measures; i++)
        pexpr_for_each_ref(rs[i], slot_types, sch);
    for (uint32_t i = 0; i < sch->n_cols; i++)
        if (!sch->cols[i].type)
            sch->cols[i].type = type_new(&g->cc->a, T_NULL);
    out->code = codegen_exprs(g->cc, g->pa, rs, m->n_measures, sch);
    return out->code != NULL;
}

bool codegen_match(CompileCtx *cc, Arena *pa, const PNode *n, OpDef *d)
{
    const PMatch *m = &n->u.match;
    MGen g;
    memset(&g, 0, sizeof g);
    g.cc = cc;
    g.pa = pa;
    g.m = m;
    g.in = n->inputs[0]->out;
    g.ok = true;
    g.is_history_free = true;
    d->kind = OP_KIND_MATCH_RECOGNIZE;
    OpMatchDef *md = ARENA_NEW(pa, OpMatchDef);
    d->u.match = md;

    uint32_t cap = 0;
    vars_collect(&g, m->pattern, &cap);
    md->n_vars = g.n_vars;
    const char **names = ARENA_NEW_ARRAY(pa, const char *, g.n_vars + 1);
    for (uint16_t i = 0; i < g.n_vars; i++)
        names[i] = arena_strndup(pa, g.vars[i].ptr, g.vars[i].len);
    md->var_names = names;

    const char *err = NULL;
    MatchPat *pat = m->pattern ? pat_of(&g, m->pattern) : NULL;
    if (!pat) {
        pat = ARENA_NEW(&cc->a, MatchPat);
        pat->kind = MPAT_EMPTY;
        pat->min = pat->max = 1;
    }
    md->nfa = match_nfa_build(pa, pat, g.n_vars, &err);
    if (!md->nfa) {
        diag_error(cc, DIAG_E_UNSUPPORTED, n->at, "%s", err);
        diag_hint(cc, "Write large bounded quantifiers as an unbounded one "
                      "with a condition, or PERMUTE fewer variables.");
        return false;
    }

    min_positions(&g, md->nfa);
    md->n_in = g.in->n_cols;
    md->n_partition = m->n_partition;
    int32_t *pc = ARENA_NEW_ARRAY(pa, int32_t, m->n_partition + 1);
    for (uint32_t i = 0; i < m->n_partition; i++)
        pc[i] = m->partition[i];
    md->partition = pc;
    md->time_col = m->order.col;
    md->is_proctime = m->is_proctime;
    if (m->order.col < 0 || m->order.is_desc) {
        diag_error(cc, DIAG_E_UNSUPPORTED, n->at,
                   "MATCH_RECOGNIZE must be ordered by a time attribute, "
                   "ascending");
        return false;
    }
    md->n_extra_order = m->n_extra_order;
    int32_t *eo = ARENA_NEW_ARRAY(pa, int32_t, m->n_extra_order + 1);
    bool *ed = ARENA_NEW_ARRAY(pa, bool, m->n_extra_order + 1);
    for (uint32_t i = 0; i < m->n_extra_order; i++) {
        eo[i] = m->extra_order[i].col;
        ed[i] = m->extra_order[i].is_desc;
    }
    md->extra_order = eo;
    md->extra_desc = ed;

    /* DEFINE: one per variable; absent ones match any row */
    MatchExprDef *defs = ARENA_NEW_ARRAY(pa, MatchExprDef, g.n_vars + 1);
    for (uint32_t i = 0; i < m->n_defines; i++) {
        int32_t v = var_find(&g, m->defines[i].var);
        if (v < 0)
            continue; /* resolve reports defines of unknown variables */
        if (!gen_define(&g, m->defines[i].cond, (uint16_t)v, &defs[v]))
            return false;
    }
    md->defines = defs;
    md->is_history_free = g.is_history_free;

    /* MEASURES */
    md->n_measures = m->n_measures;
    if (!gen_measures(&g, &md->measures))
        return false;

    switch (m->rows_per_match) {
    case RPM_ONE_ROW:
        md->rows_per_match = MRPM_ONE_ROW;
        break;
    case RPM_ALL_ROWS_OMIT_EMPTY:
        md->rows_per_match = MRPM_ALL_ROWS_OMIT_EMPTY;
        break;
    case RPM_ALL_ROWS_WITH_UNMATCHED:
        md->rows_per_match = MRPM_ALL_ROWS_WITH_UNMATCHED;
        break;
    default:
        md->rows_per_match = MRPM_ALL_ROWS_SHOW_EMPTY;
        break;
    }
    md->is_skip_default = m->skip == SKIP_DEFAULT;
    switch (m->skip) {
    case SKIP_TO_NEXT_ROW:
        md->skip = MSKIP_TO_NEXT_ROW;
        break;
    case SKIP_TO_FIRST:
    case SKIP_TO_LAST: {
        md->skip = m->skip == SKIP_TO_FIRST ? MSKIP_TO_FIRST : MSKIP_TO_LAST;
        int32_t v = var_find(&g, m->skip_var);
        if (v < 0) {
            diag_error(cc, DIAG_E_UNSUPPORTED, n->at,
                       "AFTER MATCH SKIP TO must name a pattern variable, "
                       "not \"%.*s\"",
                       (int)m->skip_var.len, m->skip_var.ptr);
            return false;
        }
        md->skip_var = (uint16_t)v;
        break;
    }
    default:
        md->skip = MSKIP_PAST_LAST_ROW;
        break;
    }
    md->skip_at = n->at;
    md->within_ms = m->within_ms;
    md->keeps_partitions = md->nfa->has_start || g.uses_match_number;
    md->max_prev = g.max_prev;
    md->max_next = g.max_next;
    return g.ok;
}
