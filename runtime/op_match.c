/*
 * op_match.c - MatchRecognize: row pattern recognition over event time
 * (MATCH_RECOGNIZE, SQL:2016; OpMatchDef in runtime/match.h, built by
 * compiler/codegen_match.c).
 *
 * Input: one port.  Output (insert-only): ONE ROW PER MATCH: partition
 * columns ++ measures; ALL ROWS PER MATCH: every row of the match (rows
 * inside {- -} left out) ++ measures, plus the empty-match and unmatched
 * rows the clause asks for.
 *
 * Event time.  A row whose time is at or behind the watermark in effect
 * when it arrives (Batch.wm) is late: dropped and counted (rows_late).
 * Other rows wait in a pending heap ordered by (time, secondary ORDER BY
 * columns, arrival).  When the watermark W arrives, every pending row
 * with time <= W is fed, in that order, to its partition's MatchRun
 * (runtime/match.c); then the partial matches whose WITHIN window has
 * closed (start + WITHIN <= W + 1: no row that could extend them can
 * still come) are ended, which is also when a `$` under WITHIN holds (the
 * absence extension, docs/match_recognize.md).  So every decision is a
 * function of the time-ordered input, never of arrival order or batch
 * sizes.  At end of input every partition ends (`$` holds).
 *
 * Processing time: rows are fed as they arrive, their time being the
 * wall clock; WITHIN windows are checked on every row and on a
 * processing-time timer (op_set_timer) at the earliest window's end, so
 * absence patterns fire while the input is idle.
 *
 * NEXT: the partition's rows are fed to the automaton max_next rows late
 * (Part.fed trails Part.next), so that the rows NEXT reads - in DEFINE,
 * or in MEASURES past the match - are in the ring; at the end of the
 * input the rest are fed and NEXT past the partition is NULL.  A WITHIN window that a held-back row falls
 * into is not closed until that row has been fed.
 *
 * State per partition (a StateTable entry, so its address is stable): the
 * MatchRun (attempts, threads, shared nodes live in the engine), the ring
 * of the partition's rows that a partial match, NEXT or PREV can still
 * reach (strings interned in the operator's StrPool), and the partition
 * key.  A partition with no partial match is deleted at once - unless
 * PREV reaches before a match (OpMatchDef.max_prev rows are kept, in a
 * ring shrunk to fit) or the pattern uses `^` or MATCH_NUMBER(): then
 * the partition moves to the compact `idle` table (key, rows seen, match
 * count) until its next row.  Partitions with open WITHIN windows sit in
 * an indexed min-heap by expiry time.
 *
 * Checkpoints: snapshot/restore write and rebuild the pending rows, the
 * partitions (rows, MatchRun with its shared nodes: match_run_snapshot)
 * and the idle table; the expiry heap and the timer are derived.
 *
 * DEFINE and MEASURES: see codegen_match.c.  A DEFINE compiled over the
 * input row runs on the row directly; otherwise the context row's slots
 * are filled from the thread's rows (collected from its MatchNode list
 * only when a slot needs them), then the Code runs over the context row.
 *
 * Memory: pending rows live in chunk slabs (freed when their last record
 * is), released at batch_end once emitted; output strings are copied to
 * the batch arena.  FSQL_MATCH_STATS=1 prints the state figures at close.
 */
#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/checkpoint.h"
#include "runtime/job.h"
#include "runtime/match.h"
#include "runtime/op.h"
#include "runtime/state.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pending rows --------------------------------------------------------- */

typedef struct PendChunk {
    struct PendChunk *prev;
    struct PendChunk *next;
    size_t size;
    size_t used;
    uint32_t live;
    uint32_t pad;
    _Alignas(16) char data[];
} PendChunk;

#define PEND_CHUNK (256u * 1024u)

typedef struct Pending {
    PendChunk *chunk;
    uint64_t hash; /* partition key hash */
    int64_t ts;
    uint64_t seq; /* arrival order */
    Value vals[]; /* the input row, strings copied behind */
} Pending;

/* ---- partitions ------------------------------------------------------------- */

typedef struct Part {
    MatchRun run;
    char *ring;    /* cap slots of MatchState.stride bytes */
    uint64_t base; /* row number of ring[head] */
    uint64_t next; /* next row number */
    uint64_t fed;  /* next row number to feed the automaton (rows fed..next
                      wait for the rows NEXT in DEFINE reads) */
    uint32_t head, n, cap;
    uint32_t hidx;  /* index in the expiry heap, UINT32_MAX: none */
    int64_t expiry; /* its key there */
    /* followed by Value keys[n_keys] (16-byte aligned) */
} Part;

/* An idle partition of a pattern with `^` or MATCH_NUMBER() (and no PREV
 * before the match): all it must remember, in MatchState.idle, when it
 * holds no partial match and no row.  The Part is rebuilt from it when
 * the partition's next row comes. */
typedef struct IdlePart {
    uint64_t next;      /* rows seen (`^` holds only before row 0) */
    uint64_t n_matches; /* MATCH_NUMBER() of its last match */
    /* followed by Value keys[n_keys] (16-byte aligned) */
} IdlePart;

typedef struct SlotRt {
    const MatchSlot *s;
    Value *regs;  /* value Code registers */
    AggSpec sp;   /* AGG */
    void *agg_st; /* AGG state scratch */
    const AggDef *def;
} SlotRt;

typedef struct ExprRt {
    const MatchExprDef *x;
    Value *regs; /* Code registers */
    SlotRt *slots;
    Value *ctx; /* context row */
} ExprRt;

typedef struct MatchState {
    const OpMatchDef *d;
    MatchEngine *eng;
    StrPool *pool;
    StateTable *parts;
    StateTable *idle; /* IdlePart entries (keeps_partitions only) */
    uint32_t n_keys;
    RtType *key_types;
    uint32_t stride; /* ring slot bytes: 8 (time) + n_in Values */
    uint32_t off_keys;
    ExprRt *defs; /* per variable */
    ExprRt meas;
    /* the row being fed */
    Part *cur;
    const Value *cur_row;
    int64_t cur_ts;
    uint64_t keyhash;
    const Value *lookup_keys;
    OpState *s;
    Arena *ba; /* batch arena of the current cycle */
    int64_t now_ms;
    /* path scratch */
    uint64_t *p_rows;
    uint16_t *p_vars;
    uint8_t *p_excl;
    uint32_t cap_path;
    /* pending */
    Pending **heap;
    size_t n_heap, cap_heap;
    PendChunk *curc;
    PendChunk *chunks;
    uint64_t seq;
    Pending **dead;
    size_t n_dead, cap_dead;
    /* WITHIN expiry heap */
    Part **eheap;
    uint32_t n_eheap, cap_eheap;
    /* figures */
    uint64_t retained, peak_retained;
    size_t ring_bytes, peak_parts, peak_idle;
    uint64_t n_matches;
    bool ended;
    bool test_roundtrip; /* FSQL_TEST_MATCH_ROUNDTRIP (restore tests) */
} MatchState;

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static inline Value *part_keys(const MatchState *st, Part *p)
{
    return (Value *)(void *)((char *)p + st->off_keys);
}

static inline char *ring_slot(const MatchState *st, const Part *p, uint64_t row)
{
    uint32_t i = (uint32_t)(row - p->base);
    return p->ring + (size_t)((p->head + i) & (p->cap - 1)) * st->stride;
}

static inline Value *slot_vals(char *slot)
{
    return (Value *)(void *)(slot + 8);
}

static inline int64_t slot_ts(const char *slot)
{
    int64_t t;
    memcpy(&t, slot, sizeof t);
    return t;
}

/* The values of row number `row` of partition p, or NULL when it is not
 * retained. */
static inline const Value *row_vals(const MatchState *st, const Part *p,
                                    uint64_t row)
{
    if (row < p->base || row >= p->base + p->n)
        return NULL;
    return slot_vals(ring_slot(st, p, row));
}

/* ---- the expiry heap (partitions by WITHIN deadline) --------------------- */

static void eheap_swap(MatchState *st, uint32_t i, uint32_t j)
{
    Part *a = st->eheap[i], *b = st->eheap[j];
    st->eheap[i] = b;
    st->eheap[j] = a;
    b->hidx = i;
    a->hidx = j;
}

static void eheap_up(MatchState *st, uint32_t i)
{
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (st->eheap[p]->expiry <= st->eheap[i]->expiry)
            break;
        eheap_swap(st, i, p);
        i = p;
    }
}

static void eheap_down(MatchState *st, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, m = i;
        if (l < st->n_eheap && st->eheap[l]->expiry < st->eheap[m]->expiry)
            m = l;
        if (l + 1 < st->n_eheap &&
            st->eheap[l + 1]->expiry < st->eheap[m]->expiry)
            m = l + 1;
        if (m == i)
            break;
        eheap_swap(st, i, m);
        i = m;
    }
}

static void eheap_remove(MatchState *st, Part *p)
{
    if (p->hidx == UINT32_MAX)
        return;
    uint32_t i = p->hidx;
    st->n_eheap--;
    if (i != st->n_eheap) {
        eheap_swap(st, i, st->n_eheap);
        eheap_down(st, i);
        eheap_up(st, i);
    }
    p->hidx = UINT32_MAX;
}

/* Put p in the heap at its oldest attempt's deadline (or take it out). */
static void eheap_update(MatchState *st, Part *p)
{
    if (st->d->within_ms < 0)
        return;
    int64_t t = match_run_min_ts(&p->run);
    if (t == INT64_MAX) {
        eheap_remove(st, p);
        return;
    }
    int64_t e =
        t > INT64_MAX - st->d->within_ms ? INT64_MAX : t + st->d->within_ms;
    if (p->hidx == UINT32_MAX) {
        if (st->n_eheap == st->cap_eheap) {
            st->cap_eheap = st->cap_eheap ? st->cap_eheap * 2 : 256;
            st->eheap = xrealloc(st->eheap, sizeof(Part *) * st->cap_eheap);
        }
        p->expiry = e;
        p->hidx = st->n_eheap;
        st->eheap[st->n_eheap++] = p;
        eheap_up(st, p->hidx);
    } else if (e != p->expiry) {
        p->expiry = e;
        eheap_down(st, p->hidx);
        eheap_up(st, p->hidx);
    }
}

/* ---- partitions ------------------------------------------------------------- */

static uint64_t keys_hash(const MatchState *st, const Value *row)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < st->n_keys; i++) {
        h ^= value_hash(&row[st->d->partition[i]], &st->key_types[i]);
        h *= 0x100000001B3ULL;
        h ^= h >> 29;
    }
    return h;
}

/* keys_hash of a partition's own key values. */
static uint64_t part_keys_hash(const MatchState *st, const Value *keys)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < st->n_keys; i++) {
        h ^= value_hash(&keys[i], &st->key_types[i]);
        h *= 0x100000001B3ULL;
        h ^= h >> 29;
    }
    return h;
}

static inline Value *idle_keys(IdlePart *ip)
{
    return (Value *)(void *)((char *)ip + align16(sizeof(IdlePart)));
}

static bool idle_eq(const void *entry, const void *ctx)
{
    const MatchState *st = ctx;
    const Value *k = idle_keys((IdlePart *)(uintptr_t)entry);
    for (uint32_t i = 0; i < st->n_keys; i++)
        if (!value_equal(&k[i], &st->lookup_keys[st->d->partition[i]],
                         &st->key_types[i]))
            return false;
    return true;
}

static bool part_eq(const void *entry, const void *ctx)
{
    const MatchState *st = ctx;
    const Value *k = part_keys(st, (Part *)(uintptr_t)entry);
    for (uint32_t i = 0; i < st->n_keys; i++)
        if (!value_equal(&k[i], &st->lookup_keys[st->d->partition[i]],
                         &st->key_types[i]))
            return false;
    return true;
}

static Part *part_get(MatchState *st, const Value *row, uint64_t hash)
{
    st->lookup_keys = row;
    Part *p = state_table_find(st->parts, hash, part_eq, st);
    if (p)
        return p;
    IdlePart *ip =
        st->idle ? state_table_find(st->idle, hash, idle_eq, st) : NULL;
    p = state_table_insert(st->parts, hash);
    match_run_init(&p->run);
    p->hidx = UINT32_MAX;
    Value *k = part_keys(st, p);
    if (ip) {
        /* an idle partition wakes up: its keys move back (owned) */
        memcpy(k, idle_keys(ip), sizeof(Value) * st->n_keys);
        p->next = p->fed = p->base = ip->next;
        p->run.n_matches = ip->n_matches;
        p->run.next_start = p->run.covered = ip->next;
        state_table_delete(st->idle, ip);
    } else {
        for (uint32_t i = 0; i < st->n_keys; i++)
            value_keep(st->pool, &k[i], &row[st->d->partition[i]]);
    }
    size_t np = state_table_count(st->parts);
    if (np > st->peak_parts)
        st->peak_parts = np;
    return p;
}

static void ring_push(MatchState *st, Part *p, int64_t ts, const Value *row)
{
    if (p->n == p->cap) {
        uint32_t ncap = p->cap ? p->cap * 2 : 2;
        char *nr = xmalloc((size_t)ncap * st->stride);
        for (uint32_t i = 0; i < p->n; i++)
            memcpy(nr + (size_t)i * st->stride,
                   p->ring +
                       (size_t)((p->head + i) & (p->cap - 1)) * st->stride,
                   st->stride);
        xfree(p->ring);
        st->ring_bytes += (size_t)(ncap - p->cap) * st->stride;
        p->ring = nr;
        p->cap = ncap;
        p->head = 0;
    }
    if (p->n == 0)
        p->base = p->next;
    char *slot =
        p->ring + (size_t)((p->head + p->n) & (p->cap - 1)) * st->stride;
    memcpy(slot, &ts, sizeof ts);
    Value *v = slot_vals(slot);
    for (uint32_t i = 0; i < st->d->n_in; i++)
        value_keep(st->pool, &v[i], &row[i]);
    p->n++;
    p->next++;
    if (++st->retained > st->peak_retained)
        st->peak_retained = st->retained;
}

/* Release rows below keep_from. */
static void ring_trim(MatchState *st, Part *p, uint64_t keep_from)
{
    while (p->n > 0 && p->base < keep_from) {
        Value *v = slot_vals(p->ring + (size_t)p->head * st->stride);
        for (uint32_t i = 0; i < st->d->n_in; i++)
            value_unkeep(st->pool, &v[i]);
        p->head = (p->head + 1) & (p->cap - 1);
        p->n--;
        p->base++;
        st->retained--;
    }
    if (p->n == 0 && p->cap > 16) {
        st->ring_bytes -= (size_t)p->cap * st->stride;
        xfree(p->ring);
        p->ring = NULL;
        p->cap = 0;
        p->head = 0;
    }
}

/* Drop partition p; its keys are released unless keep_keys (moved). */
static void part_drop(MatchState *st, Part *p, bool keep_keys)
{
    eheap_remove(st, p);
    match_run_fini(st->eng, &p->run);
    ring_trim(st, p, UINT64_MAX);
    st->ring_bytes -= (size_t)p->cap * st->stride;
    xfree(p->ring);
    Value *k = part_keys(st, p);
    for (uint32_t i = 0; i < st->n_keys && !keep_keys; i++)
        value_unkeep(st->pool, &k[i]);
    state_table_delete(st->parts, p);
}

/* An idle partition keeps only its PREV history: give the ring the
 * smallest power-of-two capacity that holds it (none when empty). */
static void ring_fit(MatchState *st, Part *p)
{
    uint32_t want = 0;
    if (p->n > 0)
        for (want = 1; want < p->n; want *= 2)
            ;
    if (p->cap <= want)
        return;
    char *nr = want ? xmalloc((size_t)want * st->stride) : NULL;
    for (uint32_t i = 0; i < p->n; i++)
        memcpy(nr + (size_t)i * st->stride,
               p->ring + (size_t)((p->head + i) & (p->cap - 1)) * st->stride,
               st->stride);
    xfree(p->ring);
    st->ring_bytes -= (size_t)(p->cap - want) * st->stride;
    p->ring = nr;
    p->cap = want;
    p->head = 0;
}

static void part_delete(MatchState *st, Part *p)
{
    part_drop(st, p, false);
}

/* p holds nothing but what `^` and MATCH_NUMBER() need: keep that in the
 * compact idle table instead. */
static void part_retire(MatchState *st, Part *p)
{
    Value *k = part_keys(st, p);
    IdlePart *ip = state_table_insert(st->idle, part_keys_hash(st, k));
    ip->next = p->next;
    ip->n_matches = p->run.n_matches;
    memcpy(idle_keys(ip), k, sizeof(Value) * st->n_keys);
    part_drop(st, p, true);
    if (state_table_count(st->idle) > st->peak_idle)
        st->peak_idle = state_table_count(st->idle);
}

/* After p was fed or ended: drop what no partial match can reach, or the
 * whole partition. */
static void part_settle(MatchState *st, Part *p)
{
    const OpMatchDef *d = st->d;
    uint64_t need = match_run_min_row(&p->run);
    if (need > p->fed)
        need = p->fed;
    if (match_run_pending(&p->run) == 0 && d->max_prev == 0 &&
        p->fed == p->next) {
        if (d->keeps_partitions)
            part_retire(st, p);
        else
            part_delete(st, p);
        return;
    }
    uint64_t keep =
        need > (uint64_t)d->max_prev ? need - (uint64_t)d->max_prev : 0;
    ring_trim(st, p, keep);
    if (match_run_pending(&p->run) == 0 && p->fed == p->next)
        ring_fit(st, p);
    eheap_update(st, p);
}

/* ---- slots ------------------------------------------------------------------- */

/* The rows of the (partial) match: path[0 .. n) with the tentative row
 * appended for DEFINE. */
typedef struct PathCtx {
    uint32_t n; /* rows in the path */
    uint32_t k; /* current row's index (running visibility) */
    const uint64_t *rows;
    const uint16_t *vars;
    uint64_t cur_row; /* row number of the current row */
    const Value *cur; /* its values */
    uint64_t match_number;
    int64_t last_ts; /* time of the last row of the match */
    bool has_path;   /* rows/vars are filled */
} PathCtx;

static void path_reserve(MatchState *st, uint32_t n)
{
    if (n <= st->cap_path)
        return;
    uint32_t nc = st->cap_path ? st->cap_path : 64;
    while (nc < n)
        nc *= 2;
    st->p_rows = xrealloc(st->p_rows, sizeof(uint64_t) * nc);
    st->p_vars = xrealloc(st->p_vars, sizeof(uint16_t) * nc);
    st->p_excl = xrealloc(st->p_excl, nc);
    st->cap_path = nc;
}

static inline bool in_set(const MatchSlot *s, uint16_t var)
{
    if (s->n_vars == 0)
        return true;
    for (uint32_t i = 0; i < s->n_vars; i++)
        if (s->vars[i] == var)
            return true;
    return false;
}

/* Index of the slot's base row in the path, or -1. */
static int64_t nav_index(const MatchSlot *s, const PathCtx *pc)
{
    uint32_t hi = s->is_final ? pc->n : pc->k + 1; /* visible [0, hi) */
    if (hi > pc->n)
        hi = pc->n;
    int64_t left = s->logical_off;
    if (s->base == MBASE_LAST) {
        for (uint32_t i = hi; i-- > 0;)
            if (in_set(s, pc->vars[i]) && left-- == 0)
                return i;
    } else {
        for (uint32_t i = 0; i < hi; i++)
            if (in_set(s, pc->vars[i]) && left-- == 0)
                return i;
    }
    return -1;
}

static bool eval_value(MatchState *st, SlotRt *sr, const Value *row, Value *out)
{
    const MatchSlot *s = sr->s;
    if (s->col >= 0) {
        *out = row[s->col];
        return true;
    }
    if (!vm_eval(s->value, sr->regs, row, &st->s->vm))
        return false;
    *out = sr->regs[s->value->results[0]];
    return true;
}

/* Fill the context row of x for pc.  False after an evaluation error. */
static bool fill_slots(MatchState *st, Part *p, ExprRt *x, PathCtx *pc)
{
    const OpMatchDef *d = st->d;
    for (uint32_t i = 0; i < x->x->n_slots; i++) {
        SlotRt *sr = &x->slots[i];
        const MatchSlot *s = sr->s;
        Value *out = &x->ctx[i];
        switch (s->kind) {
        case MSLOT_NAV: {
            uint64_t row;
            if (s->base == MBASE_CUR) {
                row = pc->cur_row;
            } else {
                int64_t idx = nav_index(s, pc);
                if (idx < 0) {
                    *out = value_null(s->type.kind);
                    break;
                }
                row = pc->rows[idx];
            }
            if (s->phys_off < 0 && (uint64_t)(-s->phys_off) > row) {
                *out = value_null(s->type.kind);
                break;
            }
            row = (uint64_t)((int64_t)row + s->phys_off);
            const Value *rv =
                row == pc->cur_row && pc->cur ? pc->cur : row_vals(st, p, row);
            if (!rv) {
                *out = value_null(s->type.kind);
                break;
            }
            if (!eval_value(st, sr, rv, out))
                return false;
            break;
        }
        case MSLOT_AGG: {
            uint32_t hi = s->is_final ? pc->n : pc->k + 1;
            if (hi > pc->n)
                hi = pc->n;
            agg_init(&sr->sp, sr->agg_st);
            agg_set_append_only(&sr->sp, sr->agg_st);
            for (uint32_t r = 0; r < hi; r++) {
                if (!in_set(s, pc->vars[r]))
                    continue;
                const Value *rv = pc->rows[r] == pc->cur_row && pc->cur
                                      ? pc->cur
                                      : row_vals(st, p, pc->rows[r]);
                if (!rv)
                    continue;
                const Value *args;
                Value one;
                if (s->n_args == 0) {
                    args = NULL;
                } else if (s->col >= 0) {
                    args = &rv[s->col];
                } else if (s->n_args == 1) {
                    if (!eval_value(st, sr, rv, &one)) {
                        agg_fini(&sr->sp, sr->agg_st);
                        return false;
                    }
                    args = &one;
                } else {
                    if (!vm_eval(s->value, sr->regs, rv, &st->s->vm)) {
                        agg_fini(&sr->sp, sr->agg_st);
                        return false;
                    }
                    Value av[16];
                    for (uint32_t a = 0; a < s->n_args && a < 16; a++)
                        av[a] = sr->regs[s->value->results[a]];
                    agg_step(&sr->sp, sr->agg_st, av);
                    continue;
                }
                agg_step(&sr->sp, sr->agg_st, args);
            }
            agg_final(&sr->sp, sr->agg_st, out, st->ba);
            agg_fini(&sr->sp, sr->agg_st);
            break;
        }
        case MSLOT_CLASSIFIER: {
            uint32_t at = s->is_final ? pc->n : pc->k + 1;
            if (at > pc->n)
                at = pc->n;
            if (at == 0) {
                *out = value_null(VK_STRING);
                break;
            }
            const char *nm = d->var_names[pc->vars[at - 1]];
            out->kind = VK_STRING;
            out->is_null = false;
            out->u.s.ptr = nm;
            out->u.s.len = (uint32_t)strlen(nm);
            break;
        }
        case MSLOT_MATCH_NUMBER:
            out->kind = VK_INT;
            out->is_null = false;
            out->u.d.hi = 0;
            out->u.i = (int64_t)pc->match_number;
            break;
        case MSLOT_MATCH_ROWTIME:
            if (pc->last_ts == INT64_MIN) {
                *out = value_null(s->type.kind);
            } else {
                out->kind = s->type.kind;
                out->is_null = false;
                out->u.d.hi = 0;
                out->u.i = pc->last_ts;
            }
            break;
        default: /* MSLOT_PROCTIME */
            out->kind = s->type.kind;
            out->is_null = false;
            out->u.d.hi = 0;
            out->u.i = st->now_ms;
            break;
        }
    }
    return true;
}

/* Does x need the thread's rows (anything but the current row)? */
static bool needs_path(const MatchExprDef *x)
{
    for (uint32_t i = 0; i < x->n_slots; i++) {
        const MatchSlot *s = &x->slots[i];
        if (s->kind == MSLOT_AGG || s->kind == MSLOT_CLASSIFIER ||
            (s->kind == MSLOT_NAV && s->base != MBASE_CUR))
            return true;
    }
    return false;
}

/* ---- engine callbacks ----------------------------------------------------- */

static int eval_failed(MatchState *st)
{
    OpState *s = st->s;
    char pos[256], msg[600];
    const Program *p = job_program_of(s->job, s->def);
    if (p)
        program_span_pos(p, s->vm.err_at, pos, sizeof pos);
    else
        snprintf(pos, sizeof pos, "<sql>");
    snprintf(msg, sizeof msg, "%s: runtime error: %s", pos,
             s->vm.err_msg[0] ? s->vm.err_msg : "evaluation failed");
    job_fail(s->job, FSQL_E_EVAL, msg);
    return -1;
}

static int define_cb(void *arg, const MatchView *v)
{
    MatchState *st = arg;
    ExprRt *x = &st->defs[v->var];
    const MatchExprDef *xd = x->x;
    if (!xd->code)
        return 1; /* undefined variable: any row */
    bool keep;
    if (xd->is_row_code) {
        if (!vm_eval_filter(xd->code, x->regs, st->cur_row, &keep, &st->s->vm))
            return eval_failed(st);
        return keep;
    }
    PathCtx pc;
    memset(&pc, 0, sizeof pc);
    pc.cur_row = v->row;
    pc.cur = st->cur_row;
    pc.match_number = v->run->n_matches + 1;
    pc.last_ts = st->cur_ts;
    if (needs_path(xd)) {
        uint32_t n = v->len + 1;
        path_reserve(st, n);
        const MatchNode *t = v->tail;
        for (uint32_t i = v->len; i-- > 0;) {
            st->p_rows[i] = t->row;
            st->p_vars[i] = t->var;
            t = t->prev;
        }
        st->p_rows[v->len] = v->row;
        st->p_vars[v->len] = v->var;
        pc.rows = st->p_rows;
        pc.vars = st->p_vars;
        pc.n = n;
        pc.k = n - 1;
        pc.has_path = true;
    }
    if (!fill_slots(st, st->cur, x, &pc))
        return eval_failed(st);
    if (!vm_eval_filter(xd->code, x->regs, x->ctx, &keep, &st->s->vm))
        return eval_failed(st);
    return keep;
}

/* One output row: prefix values (n) ++ measures. */
static int emit_out(MatchState *st, const Value *prefix, uint32_t n,
                    const Value *meas)
{
    OpState *s = st->s;
    Value *o = op_emit_row(s, ROW_INSERT, s->wm_out);
    for (uint32_t i = 0; i < n; i++)
        value_copy_to(st->ba, &o[i], &prefix[i]);
    for (uint32_t i = 0; i < st->d->n_measures; i++) {
        if (meas)
            value_copy_to(st->ba, &o[n + i], &meas[i]);
        else
            o[n + i] = value_null(s->def->out.cols[n + i].type.kind);
    }
    return job_failed(s->job) ? -1 : 0;
}

static const Value *eval_measures(MatchState *st, Part *p, PathCtx *pc)
{
    ExprRt *x = &st->meas;
    if (!x->x->code)
        return NULL;
    if (!fill_slots(st, p, x, pc)) {
        eval_failed(st);
        return NULL;
    }
    if (!vm_eval(x->x->code, x->regs, x->ctx, &st->s->vm)) {
        eval_failed(st);
        return NULL;
    }
    Value *res = arena_alloc(st->ba, sizeof(Value) * st->d->n_measures);
    for (uint32_t i = 0; i < st->d->n_measures; i++)
        res[i] = x->regs[x->x->code->results[i]];
    return res;
}

static int emit_cb(void *arg, const MatchRun *run, const MatchResult *r)
{
    MatchState *st = arg;
    const OpMatchDef *d = st->d;
    Part *p = st->cur;
    (void)run;
    PathCtx pc;
    memset(&pc, 0, sizeof pc);
    pc.match_number = r->match_number;
    pc.last_ts = INT64_MIN;
    bool one_row = d->rows_per_match == MRPM_ONE_ROW;
    const Value *start = row_vals(st, p, r->start);
    if (r->kind == MRES_MATCH) {
        st->n_matches++;
        path_reserve(st, r->len);
        for (uint32_t i = 0; i < r->len; i++) {
            st->p_rows[i] = r->rows[i]->row;
            st->p_vars[i] = r->rows[i]->var;
            st->p_excl[i] = r->rows[i]->is_excl;
        }
        pc.rows = st->p_rows;
        pc.vars = st->p_vars;
        pc.n = r->len;
        pc.has_path = true;
        uint64_t last = st->p_rows[r->len - 1];
        const char *ls = row_vals(st, p, last) ? ring_slot(st, p, last) : NULL;
        pc.last_ts = ls ? slot_ts(ls) : INT64_MIN;
        if (one_row) {
            pc.k = r->len - 1;
            pc.cur_row = last;
            const Value *m = eval_measures(st, p, &pc);
            if (job_failed(st->s->job))
                return -1;
            Value *keys = arena_alloc(st->ba, sizeof(Value) * (st->n_keys + 1));
            const Value *fr = row_vals(st, p, st->p_rows[0]);
            for (uint32_t i = 0; i < st->n_keys; i++)
                keys[i] = fr ? fr[d->partition[i]] : part_keys(st, p)[i];
            return emit_out(st, keys, st->n_keys, m);
        }
        for (uint32_t k = 0; k < r->len; k++) {
            if (st->p_excl[k])
                continue;
            pc.k = k;
            pc.cur_row = st->p_rows[k];
            const Value *rv = row_vals(st, p, pc.cur_row);
            const Value *m = eval_measures(st, p, &pc);
            if (job_failed(st->s->job))
                return -1;
            if (rv && emit_out(st, rv, d->n_in, m) < 0)
                return -1;
        }
        return 0;
    }
    if (r->kind == MRES_EMPTY) {
        st->n_matches++;
        pc.cur_row = r->start;
        const Value *m = eval_measures(st, p, &pc);
        if (job_failed(st->s->job))
            return -1;
        if (one_row) {
            Value *keys = arena_alloc(st->ba, sizeof(Value) * (st->n_keys + 1));
            for (uint32_t i = 0; i < st->n_keys; i++)
                keys[i] = start ? start[d->partition[i]] : part_keys(st, p)[i];
            return emit_out(st, keys, st->n_keys, m);
        }
        return start ? emit_out(st, start, d->n_in, m) : 0;
    }
    /* MRES_UNMATCHED */
    return start ? emit_out(st, start, d->n_in, NULL) : 0;
}

static int engine_failed(MatchState *st)
{
    OpState *s = st->s;
    if (job_failed(s->job))
        return FSQL_E_EVAL;
    const char *e = match_engine_error(st->eng);
    char pos[256];
    const Program *p = job_program_of(s->job, s->def);
    if (p)
        program_span_pos(p, st->d->skip_at, pos, sizeof pos);
    else
        snprintf(pos, sizeof pos, "<sql>");
    /* the matches found so far go out first */
    op_flush(s);
    const OpMatchDef *d = st->d;
    const char *clause = d->skip == MSKIP_TO_FIRST ? "TO FIRST" : "TO LAST";
    return op_fail(s, FSQL_E_EVAL,
                   "%s: runtime error: AFTER MATCH SKIP %s %s: %s", pos, clause,
                   d->var_names[d->skip_var], e ? e : "matching failed");
}

/* ---- feeding ------------------------------------------------------------------ */

/* Feed the partition's rows that no longer wait for NEXT rows: all of
 * them when `all` (the partition ends). */
static int feed_ready(MatchState *st, Part *p, bool all)
{
    uint64_t ahead = (uint64_t)st->d->max_next;
    st->cur = p;
    while (p->fed < p->next && (all || p->next - p->fed > ahead)) {
        uint64_t row = p->fed++;
        const char *slot = ring_slot(st, p, row);
        st->cur_row = slot_vals((char *)slot);
        st->cur_ts = slot_ts(slot);
        int rc = match_run_row(st->eng, &p->run, row, st->cur_ts);
        st->cur_row = NULL;
        if (rc < 0)
            return engine_failed(st);
    }
    return FSQL_OK;
}

static int feed(MatchState *st, const Value *row, uint64_t hash, int64_t ts)
{
    Part *p = part_get(st, row, hash);
    ring_push(st, p, ts, row);
    int rc = feed_ready(st, p, false);
    if (rc < 0)
        return rc;
    part_settle(st, p);
    st->cur = NULL;
    return FSQL_OK;
}

/* End the WITHIN windows closed by limit (a watermark + 1). */
static int expire(MatchState *st, int64_t limit)
{
    while (st->n_eheap > 0 && st->eheap[0]->expiry <= limit) {
        Part *p = st->eheap[0];
        st->cur = p;
        /* rows held back for NEXT are not fed yet: a window that one of
         * them falls into stays open until it is (the partition's next
         * rows, or its end, decide) */
        int64_t lim = limit;
        if (p->fed < p->next) {
            int64_t t = slot_ts(ring_slot(st, p, p->fed));
            if (t < lim)
                lim = t;
        }
        int rc = match_run_expire(st->eng, &p->run, lim);
        if (rc < 0)
            return engine_failed(st);
        if (st->eheap[0] == p && p->expiry <= limit &&
            match_run_min_ts(&p->run) != INT64_MAX &&
            match_run_min_ts(&p->run) + st->d->within_ms <= limit) {
            /* held back (or, defensively, the run did not advance): the
             * next feed puts it back */
            eheap_remove(st, p);
            st->cur = NULL;
            continue;
        }
        part_settle(st, p);
        st->cur = NULL;
    }
    return FSQL_OK;
}

/* Every partition ends (end of input). */
static int end_all(MatchState *st)
{
    uint64_t pos = 0;
    Part *p;
    while ((p = state_table_next(st->parts, &pos)) != NULL) {
        int rc = feed_ready(st, p, true);
        if (rc < 0)
            return rc;
        st->cur = p;
        if (match_run_end(st->eng, &p->run) < 0)
            return engine_failed(st);
        part_delete(st, p);
        st->cur = NULL;
    }
    return FSQL_OK;
}

/* ---- pending rows ------------------------------------------------------------ */

static void *pend_alloc(MatchState *st, size_t n, PendChunk **chunk)
{
    n = align16(n);
    PendChunk *c = st->curc;
    if (!c || c->size - c->used < n) {
        size_t size = n > PEND_CHUNK / 4 ? n : PEND_CHUNK;
        c = xmalloc(sizeof(PendChunk) + size);
        c->size = size;
        c->used = 0;
        c->live = 0;
        c->prev = NULL;
        c->next = st->chunks;
        if (st->chunks)
            st->chunks->prev = c;
        st->chunks = c;
        if (size == PEND_CHUNK) {
            PendChunk *old = st->curc;
            st->curc = c;
            if (old && old->live == 0) {
                if (old->prev)
                    old->prev->next = old->next;
                else
                    st->chunks = old->next;
                if (old->next)
                    old->next->prev = old->prev;
                xfree(old);
            }
        }
    }
    void *p = c->data + c->used;
    c->used += n;
    c->live++;
    *chunk = c;
    return p;
}

static void pend_free(MatchState *st, Pending *r)
{
    PendChunk *c = r->chunk;
    if (--c->live > 0)
        return;
    if (c == st->curc) {
        c->used = 0;
        return;
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        st->chunks = c->next;
    if (c->next)
        c->next->prev = c->prev;
    xfree(c);
}

static inline bool is_str(const Value *v)
{
    return !v->is_null && (v->kind == VK_STRING || v->kind == VK_BYTES);
}

static Pending *pend_new(MatchState *st, const Value *row)
{
    uint32_t n = st->d->n_in;
    size_t sbytes = 0;
    for (uint32_t i = 0; i < n; i++)
        if (is_str(&row[i]))
            sbytes += row[i].u.s.len;
    size_t head = sizeof(Pending) + sizeof(Value) * n;
    PendChunk *ch;
    Pending *r = pend_alloc(st, head + sbytes, &ch);
    r->chunk = ch;
    char *sp = (char *)r + head;
    memcpy(r->vals, row, sizeof(Value) * n);
    for (uint32_t i = 0; i < n; i++) {
        Value *v = &r->vals[i];
        if (is_str(v) && v->u.s.len) {
            memcpy(sp, v->u.s.ptr, v->u.s.len);
            v->u.s.ptr = sp;
            sp += v->u.s.len;
        }
    }
    return r;
}

/* (time, secondary ORDER BY columns, arrival) */
static bool pend_less(const MatchState *st, const Pending *a, const Pending *b)
{
    if (a->ts != b->ts)
        return a->ts < b->ts;
    const OpMatchDef *d = st->d;
    for (uint32_t i = 0; i < d->n_extra_order; i++) {
        int32_t c = d->extra_order[i];
        const Value *x = &a->vals[c], *y = &b->vals[c];
        int cmp;
        if (x->is_null || y->is_null)
            cmp = x->is_null == y->is_null ? 0 : x->is_null ? -1 : 1;
        else
            cmp = value_compare(x, y, &st->key_types[st->n_keys + i]);
        if (cmp != 0)
            return d->extra_desc[i] ? cmp > 0 : cmp < 0;
    }
    return a->seq < b->seq;
}

static void heap_push(MatchState *st, Pending *r)
{
    if (st->n_heap == st->cap_heap) {
        st->cap_heap = st->cap_heap ? st->cap_heap * 2 : 1024;
        st->heap = xrealloc(st->heap, sizeof(Pending *) * st->cap_heap);
    }
    size_t i = st->n_heap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!pend_less(st, r, st->heap[p]))
            break;
        st->heap[i] = st->heap[p];
        i = p;
    }
    st->heap[i] = r;
}

static Pending *heap_pop(MatchState *st)
{
    Pending *top = st->heap[0];
    Pending *last = st->heap[--st->n_heap];
    size_t n = st->n_heap, i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + 1 < n && pend_less(st, st->heap[l + 1], st->heap[l])
                       ? l + 1
                       : l;
        if (!pend_less(st, st->heap[m], last))
            break;
        st->heap[i] = st->heap[m];
        i = m;
    }
    if (n)
        st->heap[i] = last;
    return top;
}

static void dead_add(MatchState *st, Pending *r)
{
    if (st->n_dead == st->cap_dead) {
        st->cap_dead = st->cap_dead ? st->cap_dead * 2 : 1024;
        st->dead = xrealloc(st->dead, sizeof(Pending *) * st->cap_dead);
    }
    st->dead[st->n_dead++] = r;
}

/* Feed every pending row with time <= wm, then end the WITHIN windows
 * that wm closes. */
static int fire(OpState *s, MatchState *st, int64_t wm)
{
    st->ba = job_batch_arena(s->job);
    s->vm.a = st->ba;
    st->now_ms = job_now_wall_ms();
    s->vm.now_ms = st->now_ms;
    while (st->n_heap > 0 && st->heap[0]->ts <= wm) {
        Pending *r = heap_pop(st);
        /* windows that closed before this row's time end first, so that
         * results come out in event-time order whatever the batches */
        if (st->d->within_ms >= 0 && st->n_eheap > 0 &&
            st->eheap[0]->expiry <= r->ts) {
            int rc = expire(st, r->ts);
            if (rc < 0) {
                dead_add(st, r);
                return rc;
            }
        }
        int rc = feed(st, r->vals, r->hash, r->ts);
        dead_add(st, r);
        if (rc < 0)
            return rc;
    }
    if (st->d->within_ms >= 0) {
        int64_t limit = wm == WM_END ? WM_END : wm + 1;
        int rc = expire(st, limit);
        if (rc < 0)
            return rc;
    }
    return FSQL_OK;
}

/* ---- vtable ------------------------------------------------------------------ */

static void expr_rt_init(OpState *s, MatchState *st, ExprRt *x,
                         const MatchExprDef *xd, const RtSchema *in)
{
    x->x = xd;
    if (xd->code)
        x->regs = code_regs_new(&s->a, xd->code);
    x->slots = ARENA_NEW_ARRAY(&s->a, SlotRt, xd->n_slots + 1);
    x->ctx = ARENA_NEW_ARRAY(&s->a, Value, xd->n_slots + 1);
    for (uint32_t i = 0; i < xd->n_slots; i++) {
        SlotRt *sr = &x->slots[i];
        const MatchSlot *sl = &xd->slots[i];
        sr->s = sl;
        if (sl->value)
            sr->regs = code_regs_new(&s->a, sl->value);
        if (sl->kind == MSLOT_AGG) {
            sr->def = agg_def_find(sl->agg_name, strlen(sl->agg_name));
            RtType at = sl->type;
            if (sl->n_args > 0)
                at = sl->col >= 0 ? in->cols[sl->col].type
                                  : sl->value->result_types[0];
            if (!sr->def ||
                !agg_spec_init(&sr->sp, sr->def, sl->n_args, &at, &sl->type,
                               sl->is_distinct, st->pool)) {
                op_fail(s, FSQL_E_INTERNAL,
                        "MatchRecognize: cannot compute %s on this type",
                        sl->agg_name);
                return;
            }
            sr->agg_st =
                arena_zalloc(&s->a, align16(agg_state_size(&sr->sp)) + 16);
        }
    }
}

static int match_open(OpState *s)
{
    const OpMatchDef *d = s->def->u.match;
    MatchState *st = ARENA_NEW(&s->a, MatchState);
    memset(st, 0, sizeof *st);
    s->priv = st;
    st->d = d;
    st->s = s;
    st->pool = strpool_new();
    const Program *prog = job_program_of(s->job, s->def);
    const RtSchema *in = &prog->ops[s->def->inputs[0]].out;
    st->n_keys = d->n_partition;
    st->key_types =
        ARENA_NEW_ARRAY(&s->a, RtType, d->n_partition + d->n_extra_order + 1);
    for (uint32_t i = 0; i < d->n_partition; i++)
        st->key_types[i] = in->cols[d->partition[i]].type;
    for (uint32_t i = 0; i < d->n_extra_order; i++)
        st->key_types[d->n_partition + i] = in->cols[d->extra_order[i]].type;
    st->stride = 8 + (uint32_t)sizeof(Value) * d->n_in;
    st->off_keys = (uint32_t)align16(sizeof(Part));
    st->parts = state_table_new(
        (uint32_t)align16(st->off_keys + sizeof(Value) * st->n_keys));
    if (d->keeps_partitions && d->max_prev == 0)
        st->idle = state_table_new((uint32_t)align16(
            align16(sizeof(IdlePart)) + sizeof(Value) * st->n_keys));
    st->defs = ARENA_NEW_ARRAY(&s->a, ExprRt, d->n_vars + 1);
    for (uint16_t v = 0; v < d->n_vars; v++)
        expr_rt_init(s, st, &st->defs[v], &d->defines[v], in);
    expr_rt_init(s, st, &st->meas, &d->measures, in);
    if (job_failed(s->job))
        return FSQL_E_INTERNAL;
    MatchEngineConf c;
    memset(&c, 0, sizeof c);
    c.nfa = d->nfa;
    c.skip = (MatchSkip)d->skip;
    c.skip_var = d->skip_var;
    c.want_empty = d->rows_per_match != MRPM_ALL_ROWS_OMIT_EMPTY;
    c.want_unmatched = d->rows_per_match == MRPM_ALL_ROWS_WITH_UNMATCHED;
    c.is_history_free = d->is_history_free;
    c.within_ms = d->within_ms;
    c.var_names = d->var_names;
    c.define = define_cb;
    c.emit = emit_cb;
    c.arg = st;
    st->eng = match_engine_new(&c);
    const char *rt = getenv("FSQL_TEST_MATCH_ROUNDTRIP");
    st->test_roundtrip = rt && *rt && *rt != '0';
    return FSQL_OK;
}

static void proctime_timer(OpState *s, MatchState *st);

static int match_push(OpState *s, Batch *in, uint32_t port)
{
    MatchState *st = s->priv;
    const OpMatchDef *d = st->d;
    (void)port;
    s->vm.a = in->a;
    uint32_t nc = in->n_cols;
    if (d->is_proctime) {
        st->ba = job_batch_arena(s->job);
        st->now_ms = job_now_wall_ms();
        s->vm.now_ms = st->now_ms;
    }
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = in->rows + (size_t)r * nc;
        if (in->kinds[r] != ROW_INSERT)
            continue; /* the planner only feeds insert-only input */
        if (d->is_proctime) {
            int64_t ts = st->now_ms;
            if (d->within_ms >= 0) {
                int rc = expire(st, ts);
                if (rc < 0)
                    return rc;
            }
            int rc = feed(st, row, keys_hash(st, row), ts);
            if (rc < 0)
                return rc;
            continue;
        }
        const Value *tv = &row[d->time_col];
        if (tv->is_null || tv->u.i <= in->wm[r]) {
            s->rows_late++;
            continue;
        }
        Pending *pr = pend_new(st, row);
        pr->hash = keys_hash(st, row);
        pr->ts = tv->u.i;
        pr->seq = st->seq++;
        heap_push(st, pr);
    }
    if (d->is_proctime) {
        proctime_timer(s, st);
        return op_flush(s);
    }
    return FSQL_OK;
}

/* Processing time: the earliest WITHIN window has closed by the wall
 * clock - end it (a `$` under WITHIN holds: absence patterns fire). */
static int match_timer(OpState *s, int64_t now_ms)
{
    MatchState *st = s->priv;
    (void)now_ms;
    if (st->ended || !st->d->is_proctime)
        return FSQL_OK;
    st->ba = job_batch_arena(s->job);
    s->vm.a = st->ba;
    st->now_ms = job_now_wall_ms();
    s->vm.now_ms = st->now_ms;
    int rc = expire(st, st->now_ms);
    if (rc < 0 || job_failed(s->job))
        return rc < 0 ? rc : FSQL_E_INTERNAL;
    proctime_timer(s, st);
    return op_flush(s);
}

static int match_watermark(OpState *s, int64_t wm, uint32_t port)
{
    MatchState *st = s->priv;
    if (!st->d->is_proctime && wm > s->wm_out) {
        int rc = fire(s, st, wm);
        if (rc < 0 || job_failed(s->job))
            return rc < 0 ? rc : FSQL_E_INTERNAL;
    }
    if (wm == WM_END && !st->ended) {
        st->ended = true;
        op_set_timer(s, INT64_MAX);
        st->ba = job_batch_arena(s->job);
        s->vm.a = st->ba;
        int rc = end_all(st);
        if (rc < 0 || job_failed(s->job))
            return rc < 0 ? rc : FSQL_E_INTERNAL;
    }
    return op_default_watermark(s, wm, port);
}

static void match_roundtrip(OpState *s);

static void match_batch_end(OpState *s)
{
    MatchState *st = s->priv;
    if (!st)
        return;
    for (size_t i = 0; i < st->n_dead; i++)
        pend_free(st, st->dead[i]);
    st->n_dead = 0;
    if (st->test_roundtrip && !job_failed(s->job))
        match_roundtrip(s);
}

static void match_teardown(OpState *s);

static void match_close(OpState *s)
{
    MatchState *st = s->priv;
    if (!st)
        return;
    const char *env = getenv("FSQL_MATCH_STATS");
    if (env && *env && *env != '0' && st->parts) {
        char idle[128] = "";
        size_t ni = st->idle ? state_table_count(st->idle) : 0;
        if (st->idle)
            snprintf(idle, sizeof idle,
                     "; %zu idle partitions (peak %zu, %zu bytes each with "
                     "the index)",
                     ni, st->peak_idle,
                     ni ? state_table_bytes(st->idle) / ni : (size_t)0);
        fprintf(stderr,
                "fsql: MatchRecognize#%u: %llu matches; %zu partitions "
                "(peak %zu), %llu retained rows (peak %llu), %zu path nodes "
                "(peak %zu), %zu distinct strings, %llu late rows dropped%s\n",
                s->def->plan_id, (unsigned long long)st->n_matches,
                state_table_count(st->parts), st->peak_parts,
                (unsigned long long)st->retained,
                (unsigned long long)st->peak_retained,
                match_engine_nodes(st->eng), match_engine_peak_nodes(st->eng),
                strpool_count(st->pool), (unsigned long long)s->rows_late,
                idle);
    }
    match_teardown(s);
}

/* Release everything (close, and the test round trip below). */
static void match_teardown(OpState *s)
{
    MatchState *st = s->priv;
    for (size_t i = 0; i < st->n_dead; i++)
        pend_free(st, st->dead[i]);
    st->n_dead = 0;
    /* The pool goes at the end, so the strings of retained rows and keys
     * are not unreferenced one by one (op_over.c does the same), and the
     * idle table is not walked at all.  No aggregate state outlives the
     * evaluation of one row (fill_slots finishes each at once), so none
     * is left for agg_fini_teardown. */
    if (st->parts) {
        uint64_t pos = 0;
        Part *p;
        while ((p = state_table_next(st->parts, &pos)) != NULL) {
            match_run_fini(st->eng, &p->run);
            xfree(p->ring);
        }
        state_table_free(st->parts);
    }
    if (st->idle)
        state_table_free(st->idle);
    PendChunk *c = st->chunks;
    while (c) {
        PendChunk *n = c->next;
        xfree(c);
        c = n;
    }
    xfree(st->heap);
    xfree(st->dead);
    xfree(st->eheap);
    xfree(st->p_rows);
    xfree(st->p_vars);
    xfree(st->p_excl);
    match_engine_free(st->eng);
    for (uint16_t v = 0; v < st->d->n_vars; v++)
        if (st->defs && st->defs[v].regs)
            code_regs_fini(st->d->defines[v].code, st->defs[v].regs);
    if (st->meas.regs)
        code_regs_fini(st->d->measures.code, st->meas.regs);
    strpool_free(st->pool);
    s->priv = NULL;
}

/* ---- checkpoints ------------------------------------------------------------ */

/* Layout 1: u64 arrival counter, u64 matches, bool ended; u32 pending
 * rows (i64 time, u64 arrival, n_in values); u64 partitions, each: keys,
 * u64 next row number, u64 fed, u64 base, u32 retained rows (i64 time,
 * n_in values), then its MatchRun (match_run_snapshot: attempts, threads
 * and each shared node once); u64 idle partitions, each: keys, u64 rows
 * seen, u64 MATCH_NUMBER.  The WITHIN expiry heap and the
 * processing-time timer are rebuilt from the runs. */
#define MATCH_SNAP_VERSION 1u

static int match_snapshot(OpState *s, SnapWriter *w)
{
    MatchState *st = s->priv;
    const OpMatchDef *d = st->d;
    snap_put_u32(w, MATCH_SNAP_VERSION);
    snap_put_u64(w, st->seq);
    snap_put_u64(w, st->n_matches);
    snap_put_bool(w, st->ended);
    snap_put_u32(w, (uint32_t)st->n_heap);
    for (size_t i = 0; i < st->n_heap; i++) {
        const Pending *r = st->heap[i];
        snap_put_i64(w, r->ts);
        snap_put_u64(w, r->seq);
        snap_put_values(w, r->vals, d->n_in);
    }
    snap_put_u64(w, state_table_count(st->parts));
    uint64_t pos = 0;
    Part *p;
    while ((p = state_table_next(st->parts, &pos)) != NULL) {
        snap_put_values(w, part_keys(st, p), st->n_keys);
        snap_put_u64(w, p->next);
        snap_put_u64(w, p->fed);
        snap_put_u64(w, p->base);
        snap_put_u32(w, p->n);
        for (uint32_t i = 0; i < p->n; i++) {
            const char *slot = ring_slot(st, p, p->base + i);
            snap_put_i64(w, slot_ts(slot));
            snap_put_values(w, slot_vals((char *)slot), d->n_in);
        }
        match_run_snapshot(st->eng, &p->run, w);
    }
    snap_put_u64(w, st->idle ? state_table_count(st->idle) : 0);
    if (st->idle) {
        IdlePart *ip;
        pos = 0;
        while ((ip = state_table_next(st->idle, &pos)) != NULL) {
            snap_put_values(w, idle_keys(ip), st->n_keys);
            snap_put_u64(w, ip->next);
            snap_put_u64(w, ip->n_matches);
        }
    }
    return FSQL_OK;
}

static int restore_bad(OpState *s, const char *what)
{
    return op_fail(s, FSQL_E_STATE,
                   "MatchRecognize: the checkpoint's state is malformed (%s)",
                   what);
}

/* Set the processing-time timer to the earliest WITHIN deadline. */
static void proctime_timer(OpState *s, MatchState *st)
{
    if (!st->d->is_proctime || st->d->within_ms < 0)
        return;
    if (st->n_eheap == 0) {
        op_set_timer(s, INT64_MAX);
        return;
    }
    /* deadlines are wall-clock times; timers run on the monotonic clock */
    int64_t wait = st->eheap[0]->expiry - job_now_wall_ms();
    if (wait < 0)
        wait = 0;
    op_set_timer(s, job_now_mono_ms() + wait);
}

static int match_restore(OpState *s, SnapReader *r)
{
    MatchState *st = s->priv;
    const OpMatchDef *d = st->d;
    const RtSchema *in =
        &job_program_of(s->job, s->def)->ops[s->def->inputs[0]].out;
    if (snap_get_u32(r) != MATCH_SNAP_VERSION)
        return restore_bad(s, "unknown layout version");
    st->seq = snap_get_u64(r);
    st->n_matches = snap_get_u64(r);
    st->ended = snap_get_bool(r);
    uint32_t n_pend = snap_get_u32(r);
    Value *row = arena_alloc(&s->a, sizeof(Value) * (d->n_in + 1));
    for (uint32_t i = 0; i < n_pend && !r->bad; i++) {
        int64_t ts = snap_get_i64(r);
        uint64_t seq = snap_get_u64(r);
        snap_get_values(r, row, d->n_in);
        snap_want_kinds(r, row, d->n_in, in);
        if (r->bad)
            break;
        Pending *pr = pend_new(st, row);
        pr->hash = keys_hash(st, row);
        pr->ts = ts;
        pr->seq = seq;
        heap_push(st, pr);
    }
    uint64_t n_parts = snap_get_u64(r);
    Value *keys = arena_alloc(&s->a, sizeof(Value) * (st->n_keys + 1));
    for (uint64_t i = 0; i < n_parts && !r->bad; i++) {
        snap_get_typed(r, keys, st->n_keys, st->key_types);
        uint64_t next = snap_get_u64(r);
        uint64_t fed = snap_get_u64(r);
        uint64_t base = snap_get_u64(r);
        uint32_t n = snap_get_u32(r);
        if (r->bad || base + n != next || fed > next || fed < base)
            return restore_bad(s, "partition rows");
        /* part_get reads the keys at the partition columns of a row */
        for (uint32_t k = 0; k < st->n_keys; k++)
            row[d->partition[k]] = keys[k];
        Part *p = part_get(st, row, keys_hash(st, row));
        if (p->next != 0 || match_run_pending(&p->run) != 0)
            return restore_bad(s, "a partition twice");
        p->next = base;
        for (uint32_t k = 0; k < n && !r->bad; k++) {
            int64_t ts = snap_get_i64(r);
            snap_get_values(r, row, d->n_in);
            snap_want_kinds(r, row, d->n_in, in);
            if (!r->bad)
                ring_push(st, p, ts, row);
        }
        p->fed = fed;
        if (r->bad)
            break;
        if (!match_run_restore(st->eng, &p->run, r))
            return restore_bad(s, "partial matches");
        if (match_run_min_row(&p->run) < p->base &&
            match_run_min_row(&p->run) != UINT64_MAX)
            return restore_bad(s, "a partial match without its rows");
        eheap_update(st, p);
    }
    uint64_t n_idle = snap_get_u64(r);
    if (n_idle > 0 && !st->idle)
        return restore_bad(s, "idle partitions for a pattern without ^ or "
                              "MATCH_NUMBER()");
    for (uint64_t i = 0; i < n_idle && !r->bad; i++) {
        snap_get_typed(r, keys, st->n_keys, st->key_types);
        uint64_t next = snap_get_u64(r);
        uint64_t n_matches = snap_get_u64(r);
        if (r->bad)
            break;
        IdlePart *ip =
            state_table_insert(st->idle, part_keys_hash(st, keys));
        ip->next = next;
        ip->n_matches = n_matches;
        for (uint32_t k = 0; k < st->n_keys; k++)
            value_keep(st->pool, &idle_keys(ip)[k], &keys[k]);
    }
    if (!snap_reader_done(r))
        return restore_bad(s, "truncated");
    proctime_timer(s, st);
    return FSQL_OK;
}

/* FSQL_TEST_MATCH_ROUNDTRIP=1: at the end of every push cycle, snapshot
 * the operator, throw its state away, open it afresh and restore the
 * snapshot, as a restart from a checkpoint would.  The output must not
 * change (tests/cli/match_roundtrip.sh runs the match_* exec cases so). */
static void match_roundtrip(OpState *s)
{
    SnapWriter w;
    snap_writer_init(&w);
    int rc = match_snapshot(s, &w);
    match_teardown(s);
    if (rc == FSQL_OK)
        rc = match_open(s);
    if (rc == FSQL_OK) {
        SnapReader r;
        snap_reader_init(&r, w.buf, w.len);
        rc = match_restore(s, &r);
    }
    snap_writer_fini(&w);
    if (rc < 0 && !job_failed(s->job))
        op_fail(s, FSQL_E_STATE, "MatchRecognize: snapshot round trip failed");
}

const OpVtbl op_match_vtbl = {
    .name = "MatchRecognize",
    .open = match_open,
    .push = match_push,
    .watermark = match_watermark,
    .timer = match_timer,
    .batch_end = match_batch_end,
    .close = match_close,
    .snapshot = match_snapshot,
    .restore = match_restore,
};
