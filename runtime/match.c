/*
 * match.c - MATCH_RECOGNIZE pattern compilation and the matching engine
 * (see match.h for the semantics and the shared-buffer design).
 *
 * Compilation.  A MatchPat tree becomes a flat program (MatchIns) the way
 * a regular expression becomes a Pike VM program:
 *   X Y          X's code then Y's code
 *   X | Y        SPLIT a, b; a: X; JMP end; b: Y; end:
 *   X*           L: SPLIT body, out; body: X; JMP L; out:   (reluctant:
 *                the SPLIT prefers out)
 *   X{n,m}       n copies of X, then m - n nested optional copies
 *   X{n,}        n copies of X, then X*
 *   PERMUTE(...) the alternation of every order of the items, orders in
 *                lexicographic order of the item positions (the
 *                standard's preferment)
 *   {- X -}      X with its VAR instructions marked excluded
 *   ^ $          START / END
 * Bounded quantifiers are expanded, so the program never needs counters;
 * the size is capped (MATCH_NFA_MAX_INS).
 *
 * Engine.  Per partition, a MatchRun keeps the attempts (one per start
 * row, in row order).  An attempt holds its threads in priority order.
 * For each row, every thread waiting at a VAR instruction asks the DEFINE
 * callback; a thread whose condition holds gets a new MatchNode for the
 * row and follows the epsilon closure (SPLIT x before y) to its next VAR
 * / END instructions, where the new threads are queued.  Reaching MATCH
 * records the attempt's candidate and cuts every lower-priority thread
 * (those not yet expanded in this step); the higher-priority threads
 * queued before it live on and may replace the candidate later with a
 * more preferred match.  When an attempt has no thread left, its result
 * is final.  Results are reported strictly in start-row order (the head
 * attempt blocks later ones), and AFTER MATCH SKIP discards the attempts
 * whose start row the skip passes over.
 *
 * Epsilon loops (`(A?)*`) end because a closure visits each instruction
 * once.  Without history dependence (MatchEngineConf.is_history_free) the
 * visit marks are shared by every thread of one attempt step, which
 * merges threads that reach one instruction: the later (lower-priority)
 * one has the same future and can never be preferred.
 *
 * Memory: nodes come from slabs (4096 per slab) with a free list; thread
 * arrays of finished attempts are recycled.  Nothing is allocated per row
 * once the working set is reached.
 */
#include "runtime/fsql.h"
#include "runtime/match.h"
#include "runtime/checkpoint.h"

#include <stdio.h>
#include <string.h>

/* ---- compilation ---------------------------------------------------------- */

typedef struct Builder {
    MatchIns *ins;
    uint32_t n, cap;
    bool too_big;
    bool has_start, has_end;
} Builder;

static uint32_t emit(Builder *b, MatchOp op, uint16_t var, uint32_t x,
                     uint32_t y, bool is_excl)
{
    if (b->n >= MATCH_NFA_MAX_INS) {
        b->too_big = true;
        return b->n ? b->n - 1 : 0;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->ins = xrealloc(b->ins, sizeof(MatchIns) * b->cap);
    }
    MatchIns *i = &b->ins[b->n];
    i->op = (uint8_t)op;
    i->is_excl = is_excl;
    i->var = var;
    i->x = x;
    i->y = y;
    return b->n++;
}

static void comp_quant(Builder *b, const MatchPat *p, bool excl);

/* The alternation of n branches; branch(i) emits branch i. */
typedef void (*BranchFn)(Builder *b, const void *arg, uint32_t i, bool excl);

static void comp_alt(Builder *b, uint32_t n, BranchFn fn, const void *arg,
                     bool excl)
{
    if (n == 0)
        return;
    uint32_t *jumps = xmalloc(sizeof(uint32_t) * n);
    uint32_t nj = 0;
    for (uint32_t i = 0; i < n && !b->too_big; i++) {
        if (i + 1 < n) {
            uint32_t s = emit(b, MOP_SPLIT, 0, 0, 0, false);
            b->ins[s].x = b->n;
            fn(b, arg, i, excl);
            jumps[nj++] = emit(b, MOP_JMP, 0, 0, 0, false);
            b->ins[s].y = b->n;
        } else {
            fn(b, arg, i, excl);
        }
    }
    for (uint32_t k = 0; k < nj && !b->too_big; k++)
        b->ins[jumps[k]].x = b->n;
    xfree(jumps);
}

static void alt_branch(Builder *b, const void *arg, uint32_t i, bool excl)
{
    const MatchPat *p = arg;
    comp_quant(b, p->items[i], excl);
}

/* PERMUTE: branch i is the i-th permutation in lexicographic order. */
typedef struct PermArg {
    const MatchPat *p;
} PermArg;

static void perm_branch(Builder *b, const void *arg, uint32_t idx, bool excl)
{
    const MatchPat *p = ((const PermArg *)arg)->p;
    uint32_t n = p->n_items;
    uint32_t avail[16];
    for (uint32_t i = 0; i < n; i++)
        avail[i] = i;
    uint32_t fact = 1;
    for (uint32_t i = 2; i < n; i++)
        fact *= i;
    uint32_t left = n;
    for (uint32_t pos = 0; pos < n; pos++) {
        uint32_t k = left > 1 ? idx / fact : 0;
        if (left > 1)
            idx %= fact;
        comp_quant(b, p->items[avail[k]], excl);
        for (uint32_t j = k; j + 1 < left; j++)
            avail[j] = avail[j + 1];
        left--;
        if (left > 1)
            fact /= left;
    }
}

static void comp_body(Builder *b, const MatchPat *p, bool excl)
{
    switch (p->kind) {
    case MPAT_VAR:
        emit(b, MOP_VAR, p->var, 0, 0, excl);
        break;
    case MPAT_CONCAT:
        for (uint32_t i = 0; i < p->n_items && !b->too_big; i++)
            comp_quant(b, p->items[i], excl);
        break;
    case MPAT_ALT:
        comp_alt(b, p->n_items, alt_branch, p, excl);
        break;
    case MPAT_PERMUTE: {
        uint32_t n = p->n_items, f = 1;
        if (n > 8) {
            b->too_big = true;
            break;
        }
        for (uint32_t i = 2; i <= n; i++)
            f *= i;
        PermArg pa = {p};
        comp_alt(b, f, perm_branch, &pa, excl);
        break;
    }
    case MPAT_EXCLUDE:
        for (uint32_t i = 0; i < p->n_items && !b->too_big; i++)
            comp_quant(b, p->items[i], true);
        break;
    case MPAT_START:
        b->has_start = true;
        emit(b, MOP_START, 0, 0, 0, false);
        break;
    case MPAT_END:
        b->has_end = true;
        emit(b, MOP_END, 0, 0, 0, false);
        break;
    case MPAT_EMPTY:
        break;
    }
}

static void comp_quant(Builder *b, const MatchPat *p, bool excl)
{
    if (b->too_big)
        return;
    int32_t min = p->min, max = p->max;
    if (min == 1 && max == 1) {
        comp_body(b, p, excl);
        return;
    }
    if (min < 0)
        min = 0;
    for (int32_t i = 0; i < min && !b->too_big; i++)
        comp_body(b, p, excl);
    if (max < 0) {
        /* L: SPLIT body, out; body: X; JMP L; out: */
        uint32_t l = emit(b, MOP_SPLIT, 0, 0, 0, false);
        uint32_t body = b->n;
        comp_body(b, p, excl);
        emit(b, MOP_JMP, 0, l, 0, false);
        if (b->too_big)
            return;
        uint32_t out = b->n;
        b->ins[l].x = p->is_reluctant ? out : body;
        b->ins[l].y = p->is_reluctant ? body : out;
        return;
    }
    int32_t opt = max - min;
    if (opt <= 0)
        return;
    uint32_t *splits = xmalloc(sizeof(uint32_t) * (size_t)opt);
    for (int32_t i = 0; i < opt && !b->too_big; i++) {
        splits[i] = emit(b, MOP_SPLIT, 0, 0, 0, false);
        b->ins[splits[i]].x = b->n; /* the body, for now */
        comp_body(b, p, excl);
    }
    if (!b->too_big) {
        uint32_t out = b->n;
        for (int32_t i = 0; i < opt; i++) {
            MatchIns *s = &b->ins[splits[i]];
            uint32_t body = s->x;
            s->x = p->is_reluctant ? out : body;
            s->y = p->is_reluctant ? body : out;
        }
    }
    xfree(splits);
}

MatchNfa *match_nfa_build(Arena *a, const MatchPat *pat, uint16_t n_vars,
                          const char **err)
{
    Builder b;
    memset(&b, 0, sizeof b);
    comp_quant(&b, pat, false);
    emit(&b, MOP_MATCH, 0, 0, 0, false);
    if (b.too_big) {
        xfree(b.ins);
        *err = "the pattern is too large once its quantifiers and PERMUTE "
               "are expanded";
        return NULL;
    }
    MatchNfa *nfa = ARENA_NEW(a, MatchNfa);
    MatchIns *ins = ARENA_NEW_ARRAY(a, MatchIns, b.n);
    memcpy(ins, b.ins, sizeof(MatchIns) * b.n);
    nfa->ins = ins;
    nfa->n_ins = b.n;
    nfa->n_vars = n_vars;
    nfa->has_start = b.has_start;
    nfa->has_end = b.has_end;
    xfree(b.ins);
    *err = NULL;
    return nfa;
}

void match_nfa_dump(const MatchNfa *nfa, const char *const *var_names,
                    StrBuf *out)
{
    for (uint32_t i = 0; i < nfa->n_ins; i++) {
        const MatchIns *in = &nfa->ins[i];
        char line[128];
        switch (in->op) {
        case MOP_VAR:
            snprintf(line, sizeof line, "%u: VAR %s%s\n", i,
                     var_names ? var_names[in->var] : "?",
                     in->is_excl ? " (excluded)" : "");
            break;
        case MOP_SPLIT:
            snprintf(line, sizeof line, "%u: SPLIT %u, %u\n", i, in->x, in->y);
            break;
        case MOP_JMP:
            snprintf(line, sizeof line, "%u: JMP %u\n", i, in->x);
            break;
        case MOP_START:
            snprintf(line, sizeof line, "%u: START\n", i);
            break;
        case MOP_END:
            snprintf(line, sizeof line, "%u: END\n", i);
            break;
        default:
            snprintf(line, sizeof line, "%u: MATCH\n", i);
            break;
        }
        strbuf_puts(out, line);
    }
}

/* ---- the engine ------------------------------------------------------------- */

#define NODES_PER_SLAB 4096u

typedef struct NodeSlab {
    struct NodeSlab *next;
    MatchNode nodes[NODES_PER_SLAB];
} NodeSlab;

typedef struct SpareArr {
    MatchThread *th;
    uint32_t cap;
} SpareArr;

struct MatchEngine {
    MatchEngineConf c;
    const MatchIns *ins;
    /* nodes */
    NodeSlab *slabs;
    MatchNode *free_nodes;
    size_t n_nodes, peak_nodes, n_slabs;
    /* closure */
    uint32_t *mark; /* per instruction: generation of last visit */
    uint32_t gen;
    bool cut;          /* MATCH reached in this step */
    MatchAttempt *cur; /* attempt being stepped */
    bool at_end;
    uint64_t pos;     /* position (rows before it consumed) */
    MatchThread *out; /* threads queued by this step */
    uint32_t n_out, cap_out;
    /* recycled thread arrays */
    SpareArr *spare;
    uint32_t n_spare, cap_spare;
    /* nodes made for the row being fed, for sharing (see node_get) */
    struct {
        MatchNode *n;
        uint32_t gen;
    } cache[256], first[64];
    uint32_t row_gen;
    /* DEFINE results for the row being fed (history-free only) */
    uint32_t *def_gen;
    int8_t *def_res;
    MatchNode **held; /* references the caches hold until row end */
    uint32_t n_held, cap_held;
    /* results */
    const MatchNode **rows;
    uint32_t cap_rows;
    const char *err;
    char err_buf[256];
};

MatchEngine *match_engine_new(const MatchEngineConf *conf)
{
    MatchEngine *e = xcalloc(1, sizeof *e);
    e->c = *conf;
    e->ins = conf->nfa->ins;
    e->mark = xcalloc(conf->nfa->n_ins + 1, sizeof(uint32_t));
    e->def_gen = xcalloc(conf->nfa->n_vars + 1u, sizeof(uint32_t));
    e->def_res = xcalloc(conf->nfa->n_vars + 1u, 1);
    e->row_gen = 1;
    return e;
}

void match_engine_free(MatchEngine *e)
{
    if (!e)
        return;
    NodeSlab *s = e->slabs;
    while (s) {
        NodeSlab *n = s->next;
        xfree(s);
        s = n;
    }
    for (uint32_t i = 0; i < e->n_spare; i++)
        xfree(e->spare[i].th);
    xfree(e->spare);
    xfree(e->mark);
    xfree(e->out);
    xfree(e->rows);
    xfree(e->held);
    xfree(e->def_gen);
    xfree(e->def_res);
    xfree(e);
}

const char *match_engine_error(const MatchEngine *e)
{
    return e->err;
}

size_t match_engine_nodes(const MatchEngine *e)
{
    return e->n_nodes;
}

size_t match_engine_peak_nodes(const MatchEngine *e)
{
    return e->peak_nodes;
}

size_t match_engine_bytes(const MatchEngine *e)
{
    return e->n_slabs * sizeof(NodeSlab) +
           (size_t)e->cap_out * sizeof(MatchThread);
}

static MatchNode *node_new(MatchEngine *e, uint64_t row, uint16_t var,
                           bool excl, MatchNode *prev)
{
    MatchNode *n = e->free_nodes;
    if (!n) {
        NodeSlab *s = xmalloc(sizeof *s);
        s->next = e->slabs;
        e->slabs = s;
        e->n_slabs++;
        for (uint32_t i = NODES_PER_SLAB; i-- > 0;) {
            s->nodes[i].prev = e->free_nodes;
            e->free_nodes = &s->nodes[i];
        }
        n = e->free_nodes;
    }
    e->free_nodes = n->prev;
    n->prev = prev;
    if (prev)
        prev->refs++;
    n->row = row;
    n->refs = 1;
    n->var = var;
    n->is_excl = excl;
    if (++e->n_nodes > e->peak_nodes)
        e->peak_nodes = e->n_nodes;
    return n;
}

static inline void node_ref(MatchNode *n)
{
    if (n)
        n->refs++;
}

static void node_unref(MatchEngine *e, MatchNode *n)
{
    while (n && --n->refs == 0) {
        MatchNode *prev = n->prev;
        n->prev = e->free_nodes;
        e->free_nodes = n;
        e->n_nodes--;
        n = prev;
    }
}

static void hold(MatchEngine *e, MatchNode *n)
{
    if (e->n_held == e->cap_held) {
        e->cap_held = e->cap_held ? e->cap_held * 2 : 64;
        e->held = xrealloc(e->held, sizeof(MatchNode *) * e->cap_held);
    }
    n->refs++;
    e->held[e->n_held++] = n;
}

static void release_held(MatchEngine *e)
{
    for (uint32_t i = 0; i < e->n_held; i++)
        node_unref(e, e->held[i]);
    e->n_held = 0;
    e->row_gen++;
}

/* The node for (row, var) after prev - shared with an equal one made for
 * this row by another thread or attempt.  A path is read as exactly `len`
 * nodes back from its tail, so an attempt's first row may share the node
 * of an older attempt whatever comes before it: the later starts of a
 * long run of rows then share one node per row instead of holding a
 * copy of the run each (the shared buffer of match.h).  Returns a new
 * reference. */
static MatchNode *node_get(MatchEngine *e, uint64_t row, uint16_t var,
                           bool excl, MatchNode *prev, bool is_first)
{
    uint32_t g = e->row_gen;
    if (is_first) {
        uint32_t k = (uint32_t)(var * 2u + excl) & 63u;
        MatchNode *n = e->first[k].n;
        if (e->first[k].gen == g && n && n->row == row && n->var == var &&
            n->is_excl == excl) {
            n->refs++;
            return n;
        }
    }
    uintptr_t h = ((uintptr_t)prev >> 4) * 0x9E3779B1u + var * 2u + excl;
    uint32_t k = (uint32_t)(h ^ (h >> 13)) & 255u;
    MatchNode *n = e->cache[k].n;
    if (e->cache[k].gen == g && n && n->row == row && n->var == var &&
        n->is_excl == excl && n->prev == prev) {
        n->refs++;
        return n;
    }
    n = node_new(e, row, var, excl, prev);
    e->cache[k].n = n;
    e->cache[k].gen = g;
    uint32_t f = (uint32_t)(var * 2u + excl) & 63u;
    e->first[f].n = n;
    e->first[f].gen = g;
    hold(e, n);
    return n;
}

/* ---- runs and attempts ---------------------------------------------------- */

void match_run_init(MatchRun *run)
{
    memset(run, 0, sizeof *run);
}

static inline MatchAttempt *att_at(const MatchRun *run, uint32_t i)
{
    return &run->att[(run->head + i) & (run->cap - 1)];
}

static void threads_reserve(MatchEngine *e, MatchAttempt *a, uint32_t n)
{
    if (n <= a->cap_th)
        return;
    if (!a->th && e->n_spare > 0) {
        SpareArr *sp = &e->spare[--e->n_spare];
        a->th = sp->th;
        a->cap_th = sp->cap;
        if (n <= a->cap_th)
            return;
    }
    uint32_t nc = a->cap_th ? a->cap_th : 2;
    while (nc < n)
        nc *= 2;
    a->th = xrealloc(a->th, sizeof(MatchThread) * nc);
    a->cap_th = nc;
}

static void attempt_release(MatchEngine *e, MatchAttempt *a)
{
    for (uint32_t i = 0; i < a->n_th; i++)
        node_unref(e, a->th[i].tail);
    a->n_th = 0;
    if (a->cand)
        node_unref(e, a->cand);
    a->cand = NULL;
    a->has_cand = false;
    if (a->th) {
        if (e->n_spare < 64) {
            if (e->n_spare == e->cap_spare) {
                e->cap_spare = e->cap_spare ? e->cap_spare * 2 : 16;
                e->spare = xrealloc(e->spare, sizeof(SpareArr) * e->cap_spare);
            }
            e->spare[e->n_spare].th = a->th;
            e->spare[e->n_spare].cap = a->cap_th;
            e->n_spare++;
        } else {
            xfree(a->th);
        }
    }
    a->th = NULL;
    a->cap_th = 0;
}

void match_run_fini(MatchEngine *e, MatchRun *run)
{
    for (uint32_t i = 0; i < run->n; i++)
        attempt_release(e, att_at(run, i));
    xfree(run->att);
    memset(run, 0, sizeof *run);
}

static MatchAttempt *run_push(MatchRun *run)
{
    if (run->n == run->cap) {
        uint32_t nc = run->cap ? run->cap * 2 : 2;
        MatchAttempt *na = xmalloc(sizeof(MatchAttempt) * nc);
        for (uint32_t i = 0; i < run->n; i++)
            na[i] = *att_at(run, i);
        xfree(run->att);
        run->att = na;
        run->cap = nc;
        run->head = 0;
    }
    MatchAttempt *a = &run->att[(run->head + run->n) & (run->cap - 1)];
    run->n++;
    memset(a, 0, sizeof *a);
    return a;
}

/* Cut the node lists of attempt a at its first row: what comes before
 * it was shared from older attempts and is no longer reachable. */
static void cut_before_start(MatchEngine *e, MatchAttempt *a)
{
    for (uint32_t i = 0; i <= a->n_th; i++) {
        MatchNode *n = i < a->n_th ? a->th[i].tail : a->cand;
        uint32_t len = i < a->n_th ? a->th[i].len : a->cand_len;
        if (!n || len == 0)
            continue;
        for (uint32_t k = 1; k < len; k++)
            n = n->prev;
        if (n->prev) {
            node_unref(e, n->prev);
            n->prev = NULL;
        }
    }
}

static void run_pop(MatchEngine *e, MatchRun *run)
{
    attempt_release(e, att_at(run, 0));
    run->head = (run->head + 1) & (run->cap - 1);
    run->n--;
    if (run->n > 0)
        cut_before_start(e, att_at(run, 0));
    if (run->n == 0) {
        /* an idle partition gives its deque back */
        xfree(run->att);
        run->att = NULL;
        run->cap = 0;
        run->head = 0;
    }
}

uint64_t match_run_min_row(const MatchRun *run)
{
    return run->n ? att_at(run, 0)->start : UINT64_MAX;
}

int64_t match_run_min_ts(const MatchRun *run)
{
    return run->n ? att_at(run, 0)->start_ts : INT64_MAX;
}

/* ---- stepping ---------------------------------------------------------------- */

static void out_push(MatchEngine *e, uint32_t pc, MatchNode *tail, uint32_t len)
{
    if (e->n_out == e->cap_out) {
        e->cap_out = e->cap_out ? e->cap_out * 2 : 64;
        e->out = xrealloc(e->out, sizeof(MatchThread) * e->cap_out);
    }
    node_ref(tail);
    e->out[e->n_out].pc = pc;
    e->out[e->n_out].tail = tail;
    e->out[e->n_out].len = len;
    e->n_out++;
}

/* The epsilon closure from pc, in priority order (see the header). */
static void closure(MatchEngine *e, uint32_t pc, MatchNode *tail, uint32_t len)
{
    for (;;) {
        if (e->cut || e->mark[pc] == e->gen)
            return;
        e->mark[pc] = e->gen;
        const MatchIns *in = &e->ins[pc];
        switch (in->op) {
        case MOP_JMP:
            pc = in->x;
            continue;
        case MOP_SPLIT:
            closure(e, in->x, tail, len);
            pc = in->y;
            continue;
        case MOP_START:
            if (e->pos != 0)
                return;
            pc++;
            continue;
        case MOP_END:
            if (e->at_end) {
                pc++;
                continue;
            }
            out_push(e, pc, tail, len);
            return;
        case MOP_VAR:
            out_push(e, pc, tail, len);
            return;
        default: { /* MOP_MATCH */
            MatchAttempt *a = e->cur;
            if (a->cand)
                node_unref(e, a->cand);
            node_ref(tail);
            a->cand = tail;
            a->cand_len = len;
            a->has_cand = true;
            e->cut = true;
            return;
        }
        }
    }
}

/* Move the queued threads into a. */
static void take_out(MatchEngine *e, MatchAttempt *a)
{
    a->n_th = 0;
    if (e->n_out == 0)
        return;
    threads_reserve(e, a, e->n_out);
    memcpy(a->th, e->out, sizeof(MatchThread) * e->n_out);
    a->n_th = e->n_out;
    e->n_out = 0;
}

/* Feed row to attempt a (its threads are consumed). */
static int step(MatchEngine *e, const MatchRun *run, MatchAttempt *a,
                uint64_t row)
{
    e->cur = a;
    e->cut = false;
    e->at_end = false;
    e->pos = row + 1;
    e->n_out = 0;
    bool hf = e->c.is_history_free;
    if (hf)
        e->gen++;
    int rc = 0;
    for (uint32_t i = 0; i < a->n_th; i++) {
        MatchThread *t = &a->th[i];
        const MatchIns *in = &e->ins[t->pc];
        if (!e->cut && rc == 0 && in->op == MOP_VAR) {
            int ok;
            if (hf && e->def_gen[in->var] == e->row_gen) {
                /* the same row, the same condition: the same answer */
                ok = e->def_res[in->var];
            } else {
                MatchView v = {run, a->start, t->tail, t->len, row, in->var};
                ok = e->c.define(e->c.arg, &v);
                if (hf && ok >= 0) {
                    e->def_gen[in->var] = e->row_gen;
                    e->def_res[in->var] = (int8_t)ok;
                }
            }
            if (ok < 0) {
                rc = -1;
            } else if (ok) {
                MatchNode *n = node_get(e, row, in->var, in->is_excl, t->tail,
                                        t->len == 0);
                if (!hf)
                    e->gen++;
                closure(e, t->pc + 1, n, t->len + 1);
                node_unref(e, n);
            }
        }
        node_unref(e, t->tail);
    }
    a->n_th = 0;
    take_out(e, a);
    return rc;
}

/* The end of the partition or of the WITHIN window: threads at `$` go
 * on; every thread ends. */
static void end_step(MatchEngine *e, MatchAttempt *a, uint64_t pos)
{
    e->cur = a;
    e->cut = false;
    e->at_end = true;
    e->pos = pos;
    e->n_out = 0;
    e->gen++;
    for (uint32_t i = 0; i < a->n_th; i++) {
        MatchThread *t = &a->th[i];
        if (!e->cut && e->ins[t->pc].op == MOP_END) {
            e->gen++;
            closure(e, t->pc + 1, t->tail, t->len);
        }
        node_unref(e, t->tail);
    }
    a->n_th = 0;
    for (uint32_t i = 0; i < e->n_out; i++)
        node_unref(e, e->out[i].tail);
    e->n_out = 0;
    e->at_end = false;
}

/* Rows of a candidate, oldest first, into e->rows. */
static void collect(MatchEngine *e, const MatchNode *tail, uint32_t len)
{
    if (len > e->cap_rows) {
        e->cap_rows = len < 64 ? 64 : len * 2;
        e->rows = xrealloc(e->rows, sizeof(*e->rows) * e->cap_rows);
    }
    for (uint32_t i = len; i-- > 0;) {
        e->rows[i] = tail;
        tail = tail->prev;
    }
}

static int skip_error(MatchEngine *e, const char *fmt, const char *var)
{
    snprintf(e->err_buf, sizeof e->err_buf, fmt, var);
    e->err = e->err_buf;
    return -1;
}

/* Report every final result at the head, in start order, applying
 * AFTER MATCH SKIP. */
static int drain(MatchEngine *e, MatchRun *run)
{
    while (run->n > 0) {
        MatchAttempt *a = att_at(run, 0);
        if (a->start < run->next_start) {
            run_pop(e, run);
            continue;
        }
        if (a->n_th > 0)
            return 0;
        MatchResult r;
        memset(&r, 0, sizeof r);
        r.start = a->start;
        int rc = 0;
        if (a->has_cand) {
            run->n_matches++;
            r.match_number = run->n_matches;
            if (a->cand_len == 0) {
                r.kind = MRES_EMPTY;
                if (e->c.want_empty)
                    rc = e->c.emit(e->c.arg, run, &r);
                if (run->next_start < a->start + 1)
                    run->next_start = a->start + 1;
                if (run->covered < a->start + 1)
                    run->covered = a->start + 1;
            } else {
                collect(e, a->cand, a->cand_len);
                r.kind = MRES_MATCH;
                r.len = a->cand_len;
                r.rows = e->rows;
                rc = e->c.emit(e->c.arg, run, &r);
                uint64_t end = e->rows[a->cand_len - 1]->row;
                uint64_t target = end + 1;
                const char *vn =
                    e->c.var_names ? e->c.var_names[e->c.skip_var] : "?";
                if (e->c.skip == MSKIP_TO_NEXT_ROW) {
                    target = a->start + 1;
                } else if (e->c.skip == MSKIP_TO_FIRST ||
                           e->c.skip == MSKIP_TO_LAST) {
                    bool found = false;
                    for (uint32_t i = 0; i < a->cand_len; i++) {
                        uint32_t k = e->c.skip == MSKIP_TO_FIRST
                                         ? i
                                         : a->cand_len - 1 - i;
                        if (e->rows[k]->var == e->c.skip_var) {
                            target = e->rows[k]->row;
                            found = true;
                            break;
                        }
                    }
                    if (rc == 0 && !found)
                        rc = skip_error(e,
                                        "cannot skip to pattern variable "
                                        "\"%s\": no row of the match is "
                                        "mapped to it",
                                        vn);
                    else if (rc == 0 && target <= a->start)
                        rc = skip_error(e,
                                        "cannot skip to pattern variable "
                                        "\"%s\": it is the first row of the "
                                        "match, so the next match would "
                                        "start at the same row",
                                        vn);
                }
                if (run->next_start < target)
                    run->next_start = target;
                if (run->covered < end + 1)
                    run->covered = end + 1;
            }
        } else if (a->start >= run->covered) {
            if (e->c.want_unmatched) {
                r.kind = MRES_UNMATCHED;
                rc = e->c.emit(e->c.arg, run, &r);
            }
            run->covered = a->start + 1;
        }
        run_pop(e, run);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static inline bool expired(const MatchEngine *e, int64_t start_ts,
                           int64_t limit)
{
    if (e->c.within_ms < 0)
        return false;
    if (start_ts > INT64_MAX - e->c.within_ms)
        return false;
    return start_ts + e->c.within_ms <= limit;
}

int match_run_expire(MatchEngine *e, MatchRun *run, int64_t limit)
{
    if (e->c.within_ms < 0)
        return 0;
    bool any = false;
    for (uint32_t i = 0; i < run->n; i++) {
        MatchAttempt *a = att_at(run, i);
        if (!expired(e, a->start_ts, limit))
            break;
        if (a->n_th > 0) {
            end_step(e, a, UINT64_MAX);
            any = true;
        }
    }
    return any ? drain(e, run) : 0;
}

/* Whether the new attempt t can be dropped because the newest earlier
 * attempt is in the same state: no candidate in either, the same threads
 * at the same instructions.  With conditions that read only the current
 * row, both then accept exactly the same rows from here on, so either
 * the earlier one matches - ending at or after this row, which AFTER
 * MATCH SKIP PAST LAST ROW then skips - or both fail.  Not with WITHIN
 * (the earlier window closes first), other skip modes (the later match
 * would be reported too) or WITH UNMATCHED ROWS (t's row would be). */
static bool merges_into_last(const MatchEngine *e, const MatchRun *run,
                             const MatchAttempt *t)
{
    if (!e->c.is_history_free || e->c.within_ms >= 0 ||
        e->c.skip != MSKIP_PAST_LAST_ROW || e->c.want_unmatched ||
        run->n == 0 || t->has_cand)
        return false;
    const MatchAttempt *l = att_at(run, run->n - 1);
    if (l->n_th != t->n_th || l->start < run->next_start)
        return false;
    /* an earlier candidate could end before t's row and leave t to
     * start a match of its own after l is skipped */
    for (uint32_t i = 0; i < run->n; i++)
        if (att_at(run, i)->has_cand)
            return false;
    for (uint32_t i = 0; i < t->n_th; i++)
        if (l->th[i].pc != t->th[i].pc)
            return false;
    return true;
}

int match_run_row(MatchEngine *e, MatchRun *run, uint64_t row, int64_t ts)
{
    e->err = NULL;
    if (run->n > 0 && e->c.within_ms >= 0 &&
        expired(e, att_at(run, 0)->start_ts, ts)) {
        if (match_run_expire(e, run, ts) < 0)
            return -1;
    }
    for (uint32_t i = 0; i < run->n; i++) {
        MatchAttempt *a = att_at(run, i);
        if (a->n_th > 0 && a->start >= run->next_start &&
            step(e, run, a, row) < 0) {
            release_held(e);
            return -1;
        }
    }
    if (row >= run->next_start) {
        /* A new attempt: the closure at the row, then the row itself.
         * It is built in a stack copy and kept only if it is still
         * undecided or must wait behind earlier attempts. */
        MatchAttempt tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.start = row;
        tmp.start_ts = ts;
        e->cur = &tmp;
        e->cut = false;
        e->at_end = false;
        e->pos = row;
        e->n_out = 0;
        e->gen++;
        closure(e, 0, NULL, 0);
        take_out(e, &tmp);
        int rc = step(e, run, &tmp, row);
        if (rc < 0) {
            attempt_release(e, &tmp);
            release_held(e);
            return -1;
        }
        bool decided = tmp.n_th == 0;
        if (decided && !tmp.has_cand && !e->c.want_unmatched) {
            /* no match from this row, and nobody asks about it */
            attempt_release(e, &tmp);
        } else if (merges_into_last(e, run, &tmp)) {
            /* an earlier attempt in the same state answers for it */
            attempt_release(e, &tmp);
        } else {
            MatchAttempt *a = run_push(run);
            *a = tmp;
        }
    }
    release_held(e);
    return drain(e, run);
}

int match_run_end(MatchEngine *e, MatchRun *run)
{
    e->err = NULL;
    for (uint32_t i = 0; i < run->n; i++) {
        MatchAttempt *a = att_at(run, i);
        if (a->n_th > 0)
            end_step(e, a, UINT64_MAX);
    }
    return drain(e, run);
}

/* ---- checkpoints ------------------------------------------------------------ */

/* Node ids for a snapshot: an open-addressing map from node to its id
 * (1-based; 0 is "no node"), and the nodes in id order. */
typedef struct NodeIds {
    const MatchNode **keys;
    uint32_t *ids;
    uint32_t cap; /* power of two */
    const MatchNode **order;
    uint32_t n, cap_order;
} NodeIds;

static uint32_t ids_slot(const NodeIds *m, const MatchNode *n)
{
    uintptr_t h = ((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15ULL;
    uint32_t i = (uint32_t)(h >> 32) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != n)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static uint32_t ids_get(const NodeIds *m, const MatchNode *n)
{
    if (!n || !m->cap)
        return 0;
    uint32_t i = ids_slot(m, n);
    return m->keys[i] ? m->ids[i] : 0;
}

static void ids_put(NodeIds *m, const MatchNode *n)
{
    if ((m->n + 1) * 2 > m->cap) {
        NodeIds o = *m;
        m->cap = o.cap ? o.cap * 2 : 64;
        m->keys = xcalloc(m->cap, sizeof(*m->keys));
        m->ids = xcalloc(m->cap, sizeof(*m->ids));
        for (uint32_t i = 0; i < o.cap; i++)
            if (o.keys[i]) {
                uint32_t k = ids_slot(m, o.keys[i]);
                m->keys[k] = o.keys[i];
                m->ids[k] = o.ids[i];
            }
        xfree(o.keys);
        xfree(o.ids);
    }
    if (m->n == m->cap_order) {
        m->cap_order = m->cap_order ? m->cap_order * 2 : 64;
        m->order = xrealloc(m->order, sizeof(*m->order) * m->cap_order);
    }
    uint32_t k = ids_slot(m, n);
    m->keys[k] = n;
    m->ids[k] = ++m->n;
    m->order[m->n - 1] = n;
}

/* Give n and the nodes before it ids, older ones first. */
static void ids_add_chain(NodeIds *m, const MatchNode *n,
                          const MatchNode ***stack, uint32_t *cap_stack)
{
    uint32_t depth = 0;
    for (const MatchNode *q = n; q && !ids_get(m, q); q = q->prev) {
        if (depth == *cap_stack) {
            *cap_stack = *cap_stack ? *cap_stack * 2 : 64;
            *stack = xrealloc(*stack, sizeof(**stack) * *cap_stack);
        }
        (*stack)[depth++] = q;
    }
    while (depth > 0)
        ids_put(m, (*stack)[--depth]);
}

void match_run_snapshot(const MatchEngine *e, const MatchRun *run,
                        SnapWriter *w)
{
    (void)e;
    NodeIds m;
    memset(&m, 0, sizeof m);
    const MatchNode **stack = NULL;
    uint32_t cap_stack = 0;
    for (uint32_t i = 0; i < run->n; i++) {
        const MatchAttempt *a = att_at(run, i);
        for (uint32_t t = 0; t < a->n_th; t++)
            ids_add_chain(&m, a->th[t].tail, &stack, &cap_stack);
        ids_add_chain(&m, a->cand, &stack, &cap_stack);
    }
    snap_put_u64(w, run->next_start);
    snap_put_u64(w, run->covered);
    snap_put_u64(w, run->n_matches);
    snap_put_u32(w, m.n);
    for (uint32_t i = 0; i < m.n; i++) {
        const MatchNode *n = m.order[i];
        snap_put_u64(w, n->row);
        snap_put_u32(w, n->var);
        snap_put_u8(w, n->is_excl);
        snap_put_u32(w, ids_get(&m, n->prev));
    }
    snap_put_u32(w, run->n);
    for (uint32_t i = 0; i < run->n; i++) {
        const MatchAttempt *a = att_at(run, i);
        snap_put_u64(w, a->start);
        snap_put_i64(w, a->start_ts);
        snap_put_bool(w, a->has_cand);
        snap_put_u32(w, a->cand_len);
        snap_put_u32(w, ids_get(&m, a->cand));
        snap_put_u32(w, a->n_th);
        for (uint32_t t = 0; t < a->n_th; t++) {
            snap_put_u32(w, a->th[t].pc);
            snap_put_u32(w, a->th[t].len);
            snap_put_u32(w, ids_get(&m, a->th[t].tail));
        }
    }
    xfree(stack);
    xfree(m.keys);
    xfree(m.ids);
    xfree(m.order);
}

/* Whether a path of len rows can be read back from tail: rows going
 * back one by one to the attempt's first row, start (cut_before_start
 * and the measures walk exactly len nodes; a damaged checkpoint must not
 * send them past the end of a list). */
static bool path_ok(const MatchNode *tail, uint32_t len, uint64_t start)
{
    if (len == 0)
        return tail == NULL;
    for (uint32_t k = 1; k < len && tail; k++) {
        if (tail->prev && tail->prev->row >= tail->row)
            return false;
        tail = tail->prev;
    }
    return tail != NULL && tail->row == start;
}

bool match_run_restore(MatchEngine *e, MatchRun *run, SnapReader *r)
{
    match_run_init(run);
    run->next_start = snap_get_u64(r);
    run->covered = snap_get_u64(r);
    run->n_matches = snap_get_u64(r);
    uint32_t n_nodes = snap_get_u32(r);
    /* every node takes at least 17 bytes of the blob */
    if (r->bad || n_nodes > (size_t)(r->end - r->p) / 17u) {
        r->bad = true;
        return false;
    }
    MatchNode **nodes = xmalloc(sizeof(MatchNode *) * ((size_t)n_nodes + 1));
    uint32_t made = 0;
    bool ok = true;
    for (uint32_t i = 0; i < n_nodes && ok; i++) {
        uint64_t row = snap_get_u64(r);
        uint32_t var = snap_get_u32(r);
        uint8_t excl = snap_get_u8(r);
        uint32_t prev = snap_get_u32(r);
        if (r->bad || var >= e->c.nfa->n_vars || prev > i) {
            ok = false;
            break;
        }
        /* one reference held by the table until the end */
        nodes[made++] = node_new(e, row, (uint16_t)var, excl != 0,
                                 prev ? nodes[prev - 1] : NULL);
    }
    uint32_t n_att = ok ? snap_get_u32(r) : 0;
    if (r->bad)
        ok = false;
    for (uint32_t i = 0; i < n_att && ok; i++) {
        MatchAttempt *a = run_push(run);
        a->start = snap_get_u64(r);
        a->start_ts = snap_get_i64(r);
        a->has_cand = snap_get_bool(r);
        a->cand_len = snap_get_u32(r);
        uint32_t cand = snap_get_u32(r);
        uint32_t n_th = snap_get_u32(r);
        if (r->bad || cand > made || n_th > e->c.nfa->n_ins ||
            (i > 0 && a->start <= att_at(run, i - 1)->start)) {
            ok = false;
            break;
        }
        a->cand = cand ? nodes[cand - 1] : NULL;
        node_ref(a->cand);
        if (!path_ok(a->cand, a->cand_len, a->start) ||
            (!a->has_cand && a->cand)) {
            ok = false;
            break;
        }
        threads_reserve(e, a, n_th ? n_th : 1);
        for (uint32_t t = 0; t < n_th; t++) {
            uint32_t pc = snap_get_u32(r);
            uint32_t len = snap_get_u32(r);
            uint32_t tail = snap_get_u32(r);
            if (r->bad || pc >= e->c.nfa->n_ins || tail > made ||
                (e->ins[pc].op != MOP_VAR && e->ins[pc].op != MOP_END)) {
                ok = false;
                break;
            }
            MatchThread *th = &a->th[a->n_th];
            th->pc = pc;
            th->len = len;
            th->tail = tail ? nodes[tail - 1] : NULL;
            node_ref(th->tail);
            a->n_th++;
            if (!path_ok(th->tail, len, a->start)) {
                ok = false;
                break;
            }
        }
    }
    for (uint32_t i = 0; i < made; i++)
        node_unref(e, nodes[i]);
    xfree(nodes);
    if (!ok) {
        r->bad = true;
        match_run_fini(e, run);
        return false;
    }
    if (run->n == 0) {
        xfree(run->att);
        run->att = NULL;
        run->cap = 0;
        run->head = 0;
    }
    return true;
}
