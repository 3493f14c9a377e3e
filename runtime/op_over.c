/*
 * op_over.c - OverAggregate: `agg(...) OVER (PARTITION BY k ORDER BY t
 * {ROWS|RANGE} BETWEEN {UNBOUNDED|n} PRECEDING AND CURRENT ROW)`, several
 * calls with different frames in one operator.
 *
 * Input: one port.  Output: every input row (insert-only) followed by one
 * column per call (OpOverDef, runtime/program.h).
 *
 * Event time.  A row whose time is at or behind the watermark in effect
 * when it arrives (Batch.wm) is late: it is dropped and counted
 * (OpState.rows_late, printed in the job summary).  Other rows wait in a
 * pending heap ordered by (time, arrival); when the watermark W arrives,
 * every pending row with time <= W is processed in that order and
 * emitted, then W is forwarded.  So rows leave in time order (ties in
 * arrival order) whatever the batch sizes, and never before the
 * watermark says no earlier row can come.
 *
 * Processing a group of rows with one timestamp t (pass 1, per row in
 * order, in its partition):
 *   - the row gets the next position i of its partition and, when some
 *     frame is bounded or a LAG looks back, a slot in the partition's
 *     ring of retained rows: t and the call arguments (strings as
 *     references into the operator's StrPool);
 *   - each frame's aggregates step the row in, then retract (agg_inverse)
 *     the rows that fell out: ROWS n keeps positions [i-n, i]; RANGE d
 *     keeps times [t-d, t]; UNBOUNDED never retracts;
 *   - ROWS frames, LAG, ROW_NUMBER, RANK and DENSE_RANK are final now;
 *   - ring slots no frame or LAG can reach any more are released.
 * Pass 2 computes the RANGE frames' results, after every peer (same t,
 * same partition) has been stepped in, so peers share one frame; then the
 * row is emitted.  Each frame boundary moves forward only, so the work
 * per row is O(1) amortized (MIN/MAX use a monotonic deque, COUNT
 * DISTINCT a counted multiset; see runtime/agg.h).
 *
 * Processing time: every row is processed and emitted as it arrives, its
 * time being the time attribute's value (PROCTIME()).
 *
 * State (reachable from priv, keyed by partition for snapshots):
 *   - partitions: a hash table of Part blocks (one xmalloc each: key
 *     values, frame starts, rank counters, the aggregate states) with
 *     their rings of retained slots (8 bytes of time + one Value per
 *     argument);
 *   - pending rows: records in PendChunk slabs (a slab is freed when its
 *     last record is), the input row, the arguments and the results, with
 *     their strings copied behind them;
 *   - the StrPool that retained strings, keys and DISTINCT values share.
 * Emitted rows point into pending records, which are released at
 * batch_end, when the push cycle that carried them is over.
 *
 * FSQL_OVER_STATS=1 prints the state figures at close (docs/windows.md).
 */
#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/job.h"
#include "runtime/op.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pending records -------------------------------------------------- */

typedef struct PendChunk {
    struct PendChunk *prev; /* older chunks still alive (list) */
    struct PendChunk *next;
    size_t size;            /* bytes of data[] */
    size_t used;
    uint32_t live;          /* records not yet freed */
    uint32_t pad;
    _Alignas(16) char data[];
} PendChunk;

#define PEND_CHUNK (256u * 1024u)

typedef struct Part Part;

typedef struct Pending {
    PendChunk *chunk;
    Part *part;
    int64_t ts;
    uint64_t seq;   /* arrival order */
    Value vals[];   /* n_in input columns, n_args arguments, n_calls results */
} Pending;

/* ---- partitions ----------------------------------------------------------- */

struct Part {
    Part *next;        /* hash chain */
    uint64_t hash;
    char *ring;        /* cap slots of OverState.stride bytes */
    uint32_t head, n, cap;
    uint32_t pad;
    uint64_t base;     /* position of ring[head] */
    uint64_t n_rows;   /* rows processed = next position */
    int64_t last_ts;   /* RANK / DENSE_RANK */
    uint64_t rank, dense;
    /* followed by: uint64_t fstart[n_frames]; Value keys[n_keys];
     * the aggregate states (16-byte aligned) */
};

typedef struct CallRt {
    const OpOverCall *c;
    const AggDef *def;
    AggSpec sp;
    uint32_t st_off;   /* state offset in the Part block */
    bool is_positional;
    bool is_range_final; /* final in pass 2 (RANGE frame) */
} CallRt;

typedef struct FrameRt {
    const OpOverFrame *f;
    uint32_t n_calls;  /* aggregate (non-positional) calls */
    uint32_t *calls;   /* indexes into OverState.calls */
    bool is_bounded;   /* retracts */
} FrameRt;

typedef struct OverState {
    const OpOverDef *d;
    uint32_t n_in;     /* input columns */
    uint32_t n_args;   /* argument values per row */
    uint32_t n_keys;
    CallRt *calls;
    FrameRt *frames;
    bool need_ring;    /* some frame is bounded or a LAG looks back */
    int64_t max_lag;
    uint32_t stride;   /* ring slot bytes: 8 + n_args Values */
    uint32_t off_fstart, off_keys, off_states, part_size;
    Value *kregs, *aregs; /* register files */
    Value *keybuf;     /* n_keys */
    StrPool *pool;
    /* partitions */
    Part **buckets;
    size_t mask, n_parts;
    /* pending */
    Pending **heap;
    size_t n_heap, cap_heap;
    PendChunk *cur;    /* newest chunk (allocation happens here) */
    PendChunk *chunks; /* every live chunk, doubly linked */
    uint64_t seq;
    /* processing */
    Pending **group;   /* rows of one timestamp */
    size_t n_group, cap_group;
    Pending **dead;    /* emitted, freed at batch_end */
    size_t n_dead, cap_dead;
    /* figures */
    uint64_t retained;       /* ring slots in use */
    uint64_t peak_retained;
    size_t ring_bytes;       /* ring capacity in bytes */
    size_t pend_bytes;       /* chunk bytes */
    size_t peak_state_bytes;
    uint64_t n_pending_peak;
} OverState;

static inline uint64_t *part_fstart(const OverState *st, Part *p)
{
    return (uint64_t *)(void *)((char *)p + st->off_fstart);
}

static inline Value *part_keys(const OverState *st, Part *p)
{
    return (Value *)(void *)((char *)p + st->off_keys);
}

static inline void *part_state(const OverState *st, Part *p, uint32_t call)
{
    return (char *)p + st->off_states + st->calls[call].st_off;
}

static inline char *slot_at(const OverState *st, const Part *p, uint64_t pos)
{
    uint32_t i = (uint32_t)(pos - p->base);
    return p->ring + (size_t)((p->head + i) & (p->cap - 1)) * st->stride;
}

static inline int64_t slot_ts(const char *slot)
{
    int64_t t;
    memcpy(&t, slot, sizeof t);
    return t;
}

static inline Value *slot_args(char *slot)
{
    return (Value *)(void *)(slot + 8);
}

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

/* ---- open ----------------------------------------------------------------- */

static int over_open(OpState *s)
{
    const OpOverDef *d = &s->def->u.over;
    OverState *st = ARENA_NEW(&s->a, OverState);
    memset(st, 0, sizeof *st);
    s->priv = st;
    st->d = d;
    st->n_in = s->def->out.n_cols - d->n_calls;
    st->n_args = d->args ? d->args->n_results : 0;
    st->n_keys = d->keys ? d->keys->n_results : 0;
    st->pool = strpool_new();
    if (d->keys)
        st->kregs = code_regs_new(&s->a, d->keys);
    if (d->args)
        st->aregs = code_regs_new(&s->a, d->args);
    st->keybuf = ARENA_NEW_ARRAY(&s->a, Value, st->n_keys + 1);

    st->calls = ARENA_NEW_ARRAY(&s->a, CallRt, d->n_calls + 1);
    st->frames = ARENA_NEW_ARRAY(&s->a, FrameRt, d->n_frames + 1);
    for (uint32_t f = 0; f < d->n_frames; f++) {
        st->frames[f].f = &d->frames[f];
        st->frames[f].calls = ARENA_NEW_ARRAY(&s->a, uint32_t, d->n_calls + 1);
        st->frames[f].is_bounded = !d->frames[f].is_unbounded;
    }
    uint32_t st_off = 0;
    for (uint32_t i = 0; i < d->n_calls; i++) {
        const OpOverCall *c = &d->calls[i];
        CallRt *cr = &st->calls[i];
        cr->c = c;
        cr->def = agg_def_find(c->name, strlen(c->name));
        if (!cr->def)
            return op_fail(s, FSQL_E_INTERNAL,
                           "OverAggregate: unrecognized function \"%s\"",
                           c->name);
        cr->is_positional = (cr->def->flags & AGG_F_POSITIONAL) != 0;
        if (cr->is_positional) {
            if (cr->def->kind == AGG_LAG && c->offset > st->max_lag)
                st->max_lag = c->offset;
            continue;
        }
        const RtType *at = NULL;
        uint32_t vi = c->arg;
        if (cr->def->kind == AGG_PERCENTILE_CONT ||
            cr->def->kind == AGG_PERCENTILE_DISC)
            vi = c->arg + 1;
        if (c->n_args > 0)
            at = &d->args->result_types[vi];
        if (!agg_spec_init(&cr->sp, cr->def, c->n_args, at, &c->type,
                           c->is_distinct, st->pool))
            return op_fail(s, FSQL_E_INTERNAL,
                           "OverAggregate: cannot compute %s on this type",
                           c->name);
        FrameRt *fr = &st->frames[c->frame];
        if (fr->is_bounded && !agg_has_inverse(&cr->sp))
            return op_fail(s, FSQL_E_INTERNAL,
                           "OverAggregate: %s cannot retract rows",
                           c->name);
        fr->calls[fr->n_calls++] = i;
        cr->is_range_final = !fr->f->is_rows;
        cr->st_off = st_off;
        st_off += (uint32_t)align16(agg_state_size(&cr->sp));
    }
    for (uint32_t f = 0; f < d->n_frames; f++) {
        /* A frame of positional calls only (LAG's ROWS frame) retracts
         * nothing. */
        if (st->frames[f].n_calls == 0)
            st->frames[f].is_bounded = false;
        if (st->frames[f].is_bounded)
            st->need_ring = true;
    }
    if (st->max_lag > 0)
        st->need_ring = true;
    /* With a ring, calls step the ring slot's values, whose strings are
     * pool references already. */
    for (uint32_t i = 0; i < d->n_calls; i++)
        st->calls[i].sp.is_interned = st->need_ring;
    st->stride = 8 + (uint32_t)sizeof(Value) * st->n_args;
    st->off_fstart = (uint32_t)sizeof(Part);
    st->off_keys =
        (uint32_t)align16(st->off_fstart + 8u * d->n_frames);
    st->off_states =
        (uint32_t)align16(st->off_keys + sizeof(Value) * st->n_keys);
    st->part_size = st->off_states + st_off;

    st->mask = 1023;
    st->buckets = xcalloc(st->mask + 1, sizeof(Part *));
    return FSQL_OK;
}

/* ---- pending records ------------------------------------------------------ */

static void *pend_alloc(OverState *st, size_t n, PendChunk **chunk)
{
    n = align16(n);
    PendChunk *c = st->cur;
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
        st->pend_bytes += sizeof(PendChunk) + size;
        if (size == PEND_CHUNK) {
            /* the old current chunk is freed once its records are */
            PendChunk *old = st->cur;
            st->cur = c;
            if (old && old->live == 0) {
                if (old->prev)
                    old->prev->next = old->next;
                else
                    st->chunks = old->next;
                if (old->next)
                    old->next->prev = old->prev;
                st->pend_bytes -= sizeof(PendChunk) + old->size;
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

static void pend_free(OverState *st, Pending *r)
{
    PendChunk *c = r->chunk;
    if (--c->live > 0)
        return;
    if (c == st->cur) {
        c->used = 0; /* reuse the current chunk from its start */
        return;
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        st->chunks = c->next;
    if (c->next)
        c->next->prev = c->prev;
    st->pend_bytes -= sizeof(PendChunk) + c->size;
    xfree(c);
}

static inline bool is_str(const Value *v)
{
    return !v->is_null && (v->kind == VK_STRING || v->kind == VK_BYTES);
}

/* A pending record holding row and args, strings copied behind. */
static Pending *pend_new(OverState *st, const Value *row, const Value *args)
{
    uint32_t nv = st->n_in + st->n_args + st->d->n_calls;
    size_t sbytes = 0;
    for (uint32_t i = 0; i < st->n_in; i++)
        if (is_str(&row[i]))
            sbytes += row[i].u.s.len;
    for (uint32_t i = 0; i < st->n_args; i++)
        if (is_str(&args[i]))
            sbytes += args[i].u.s.len;
    size_t head = sizeof(Pending) + sizeof(Value) * nv;
    PendChunk *ch;
    Pending *r = pend_alloc(st, head + sbytes, &ch);
    r->chunk = ch;
    char *sp = (char *)r + head;
    Value *v = r->vals;
    memcpy(v, row, sizeof(Value) * st->n_in);
    if (st->n_args)
        memcpy(v + st->n_in, args, sizeof(Value) * st->n_args);
    for (uint32_t i = 0; i < st->n_in + st->n_args; i++) {
        if (is_str(&v[i]) && v[i].u.s.len) {
            memcpy(sp, v[i].u.s.ptr, v[i].u.s.len);
            v[i].u.s.ptr = sp;
            sp += v[i].u.s.len;
        }
    }
    return r;
}

/* ---- the pending heap: min by (ts, seq) ------------------------------------ */

static inline bool pend_less(const Pending *a, const Pending *b)
{
    return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void heap_push(OverState *st, Pending *r)
{
    if (st->n_heap == st->cap_heap) {
        st->cap_heap = st->cap_heap ? st->cap_heap * 2 : 1024;
        st->heap = xrealloc(st->heap, sizeof(Pending *) * st->cap_heap);
    }
    size_t i = st->n_heap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!pend_less(r, st->heap[p]))
            break;
        st->heap[i] = st->heap[p];
        i = p;
    }
    st->heap[i] = r;
    if (st->n_heap > st->n_pending_peak)
        st->n_pending_peak = st->n_heap;
}

static Pending *heap_pop(OverState *st)
{
    Pending *top = st->heap[0];
    Pending *last = st->heap[--st->n_heap];
    size_t n = st->n_heap, i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + 1 < n && pend_less(st->heap[l + 1], st->heap[l]) ? l + 1
                                                                         : l;
        if (!pend_less(st->heap[m], last))
            break;
        st->heap[i] = st->heap[m];
        i = m;
    }
    if (n)
        st->heap[i] = last;
    return top;
}

/* ---- partitions ------------------------------------------------------------ */

static uint64_t keys_hash(const OverState *st, const Value *k)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < st->n_keys; i++) {
        h ^= value_hash(&k[i], &st->d->keys->result_types[i]);
        h *= 0x100000001B3ULL;
        h ^= h >> 29;
    }
    return h;
}

static void parts_grow(OverState *st)
{
    size_t n = (st->mask + 1) * 2;
    Part **nb = xcalloc(n, sizeof(Part *));
    for (size_t i = 0; i <= st->mask; i++) {
        Part *p = st->buckets[i];
        while (p) {
            Part *next = p->next;
            size_t b = p->hash & (n - 1);
            p->next = nb[b];
            nb[b] = p;
            p = next;
        }
    }
    xfree(st->buckets);
    st->buckets = nb;
    st->mask = n - 1;
}

static Part *part_get(OverState *st, const Value *k)
{
    uint64_t h = keys_hash(st, k);
    Part **b = &st->buckets[h & st->mask];
    for (Part *p = *b; p; p = p->next) {
        if (p->hash != h)
            continue;
        Value *pk = part_keys(st, p);
        bool eq = true;
        for (uint32_t i = 0; i < st->n_keys && eq; i++)
            eq = value_equal(&pk[i], &k[i], &st->d->keys->result_types[i]);
        if (eq)
            return p;
    }
    Part *p = xmalloc(st->part_size);
    memset(p, 0, st->part_size);
    p->hash = h;
    p->last_ts = INT64_MIN;
    Value *pk = part_keys(st, p);
    for (uint32_t i = 0; i < st->n_keys; i++)
        value_keep(st->pool, &pk[i], &k[i]);
    for (uint32_t i = 0; i < st->d->n_calls; i++) {
        CallRt *cr = &st->calls[i];
        if (cr->is_positional)
            continue;
        void *as = part_state(st, p, i);
        agg_init(&cr->sp, as);
        if (!st->frames[cr->c->frame].is_bounded)
            agg_set_append_only(&cr->sp, as);
    }
    p->next = *b;
    *b = p;
    if (++st->n_parts > st->mask + 1)
        parts_grow(st);
    return p;
}

static void ring_push(OverState *st, Part *p, int64_t ts, const Value *args)
{
    if (p->n == p->cap) {
        uint32_t ncap = p->cap ? p->cap * 2 : 2;
        char *nr = xmalloc((size_t)ncap * st->stride);
        for (uint32_t i = 0; i < p->n; i++)
            memcpy(nr + (size_t)i * st->stride,
                   p->ring + (size_t)((p->head + i) & (p->cap - 1)) *
                                 st->stride,
                   st->stride);
        xfree(p->ring);
        st->ring_bytes += (size_t)(ncap - p->cap) * st->stride;
        p->ring = nr;
        p->cap = ncap;
        p->head = 0;
    }
    char *slot = p->ring + (size_t)((p->head + p->n) & (p->cap - 1)) *
                               st->stride;
    memcpy(slot, &ts, sizeof ts);
    Value *sa = slot_args(slot);
    for (uint32_t i = 0; i < st->n_args; i++)
        value_keep(st->pool, &sa[i], &args[i]);
    p->n++;
    st->retained++;
    if (st->retained > st->peak_retained)
        st->peak_retained = st->retained;
}

/* Release slots below position keep_from. */
static void ring_trim(OverState *st, Part *p, uint64_t keep_from)
{
    while (p->n > 0 && p->base < keep_from) {
        char *slot = p->ring + (size_t)p->head * st->stride;
        Value *sa = slot_args(slot);
        for (uint32_t i = 0; i < st->n_args; i++)
            value_unkeep(st->pool, &sa[i]);
        p->head = (p->head + 1) & (p->cap - 1);
        p->n--;
        p->base++;
        st->retained--;
    }
    if (p->n == 0) {
        p->base = keep_from;
        if (p->cap > 64) {
            /* an emptied partition gives its big ring back */
            st->ring_bytes -= (size_t)p->cap * st->stride;
            xfree(p->ring);
            p->ring = NULL;
            p->cap = 0;
            p->head = 0;
        }
    }
}

/* ---- processing --------------------------------------------------------------- */

static inline bool filter_ok(const CallRt *cr, const Value *args)
{
    if (cr->c->filter < 0)
        return true;
    const Value *f = &args[cr->c->filter];
    return !f->is_null && f->u.i != 0;
}

static inline const Value *call_args(const CallRt *cr, const Value *args)
{
    return args + cr->c->arg;
}

/* Pass 1 for row r (see the header comment). */
static void process_row(OverState *st, Pending *r, Arena *ba)
{
    Part *p = r->part;
    const Value *args = r->vals + st->n_in;
    Value *res = r->vals + st->n_in + st->n_args;
    uint64_t i = p->n_rows++;
    const Value *kargs = args; /* what the aggregates step */
    if (st->need_ring) {
        ring_push(st, p, r->ts, args);
        kargs = slot_args(slot_at(st, p, i));
    }
    if (i == 0 || r->ts != p->last_ts) {
        p->rank = i + 1;
        p->dense++;
        p->last_ts = r->ts;
    }
    uint64_t *fstart = part_fstart(st, p);
    /* positional calls */
    for (uint32_t c = 0; c < st->d->n_calls; c++) {
        CallRt *cr = &st->calls[c];
        if (!cr->is_positional)
            continue;
        switch (cr->def->kind) {
        case AGG_ROW_NUMBER:
            res[c].is_null = false;
            res[c].kind = VK_INT;
            res[c].u.i = (int64_t)(i + 1);
            break;
        case AGG_RANK:
        case AGG_DENSE_RANK:
            res[c].is_null = false;
            res[c].kind = VK_INT;
            res[c].u.i = (int64_t)(cr->def->kind == AGG_RANK ? p->rank
                                                             : p->dense);
            break;
        case AGG_LAG: {
            int64_t off = cr->c->offset;
            const Value *v;
            if (off == 0) {
                v = &args[cr->c->arg];
            } else if ((uint64_t)off <= i) {
                v = &slot_args(slot_at(st, p, i - (uint64_t)off))[cr->c->arg];
            } else if (cr->c->has_default) {
                v = &args[cr->c->arg + 1];
            } else {
                res[c] = value_null(cr->c->type.kind);
                break;
            }
            /* the slot may be released below: copy out strings */
            value_copy_to(ba, &res[c], v);
            break;
        }
        default:
            res[c] = value_null(cr->c->type.kind);
            break;
        }
    }
    /* frames */
    uint64_t keep_from = i + 1;
    for (uint32_t f = 0; f < st->d->n_frames; f++) {
        FrameRt *fr = &st->frames[f];
        if (fr->n_calls == 0)
            continue;
        for (uint32_t k = 0; k < fr->n_calls; k++) {
            CallRt *cr = &st->calls[fr->calls[k]];
            if (filter_ok(cr, kargs))
                agg_step(&cr->sp, part_state(st, p, fr->calls[k]),
                         call_args(cr, kargs));
        }
        if (fr->is_bounded) {
            uint64_t fs = fstart[f];
            if (fs < p->base)
                fs = p->base; /* first row of the partition */
            if (fr->f->is_rows) {
                uint64_t lo = i >= (uint64_t)fr->f->preceding
                                  ? i - (uint64_t)fr->f->preceding
                                  : 0;
                for (; fs < lo; fs++) {
                    const Value *sa = slot_args(slot_at(st, p, fs));
                    for (uint32_t k = 0; k < fr->n_calls; k++) {
                        CallRt *cr = &st->calls[fr->calls[k]];
                        if (filter_ok(cr, sa))
                            agg_inverse(&cr->sp,
                                        part_state(st, p, fr->calls[k]),
                                        call_args(cr, sa));
                    }
                }
            } else {
                int64_t lo_ts = r->ts - fr->f->preceding;
                if (lo_ts > r->ts)
                    lo_ts = INT64_MIN; /* underflow */
                for (; fs < i; fs++) {
                    char *slot = slot_at(st, p, fs);
                    if (slot_ts(slot) >= lo_ts)
                        break;
                    const Value *sa = slot_args(slot);
                    for (uint32_t k = 0; k < fr->n_calls; k++) {
                        CallRt *cr = &st->calls[fr->calls[k]];
                        if (filter_ok(cr, sa))
                            agg_inverse(&cr->sp,
                                        part_state(st, p, fr->calls[k]),
                                        call_args(cr, sa));
                    }
                }
            }
            fstart[f] = fs;
            if (fs < keep_from)
                keep_from = fs;
        }
        if (fr->f->is_rows)
            for (uint32_t k = 0; k < fr->n_calls; k++) {
                uint32_t c = fr->calls[k];
                agg_final(&st->calls[c].sp, part_state(st, p, c), &res[c],
                          ba);
            }
    }
    if (st->need_ring) {
        if (st->max_lag > 0) {
            uint64_t lag_from = i + 1 >= (uint64_t)st->max_lag
                                    ? i + 1 - (uint64_t)st->max_lag
                                    : 0;
            if (lag_from < keep_from)
                keep_from = lag_from;
        }
        ring_trim(st, p, keep_from);
    }
}

/* Pass 2: RANGE results, then emit. */
static void finish_row(OpState *s, OverState *st, Pending *r, Arena *ba)
{
    Part *p = r->part;
    Value *res = r->vals + st->n_in + st->n_args;
    for (uint32_t c = 0; c < st->d->n_calls; c++) {
        CallRt *cr = &st->calls[c];
        if (!cr->is_positional && cr->is_range_final)
            agg_final(&cr->sp, part_state(st, p, c), &res[c], ba);
    }
    Value *o = op_emit_row(s, ROW_INSERT, s->wm_out);
    memcpy(o, r->vals, sizeof(Value) * st->n_in);
    memcpy(o + st->n_in, res, sizeof(Value) * st->d->n_calls);
}

static void dead_add(OverState *st, Pending *r)
{
    if (st->n_dead == st->cap_dead) {
        st->cap_dead = st->cap_dead ? st->cap_dead * 2 : 1024;
        st->dead = xrealloc(st->dead, sizeof(Pending *) * st->cap_dead);
    }
    st->dead[st->n_dead++] = r;
}

static void process_group(OpState *s, OverState *st, Arena *ba)
{
    for (size_t g = 0; g < st->n_group; g++)
        process_row(st, st->group[g], ba);
    for (size_t g = 0; g < st->n_group; g++) {
        finish_row(s, st, st->group[g], ba);
        dead_add(st, st->group[g]);
    }
    st->n_group = 0;
}

static void group_add(OverState *st, Pending *r)
{
    if (st->n_group == st->cap_group) {
        st->cap_group = st->cap_group ? st->cap_group * 2 : 256;
        st->group = xrealloc(st->group, sizeof(Pending *) * st->cap_group);
    }
    st->group[st->n_group++] = r;
}

static void track_peak(OverState *st);

/* Process every pending row with time <= wm, in (time, arrival) order. */
static void fire(OpState *s, OverState *st, int64_t wm)
{
    Arena *ba = job_batch_arena(s->job);
    while (st->n_heap > 0 && st->heap[0]->ts <= wm) {
        int64_t t = st->heap[0]->ts;
        while (st->n_heap > 0 && st->heap[0]->ts == t)
            group_add(st, heap_pop(st));
        process_group(s, st, ba);
    }
    track_peak(st);
}

static int over_push(OpState *s, Batch *in, uint32_t port)
{
    OverState *st = s->priv;
    const OpOverDef *d = st->d;
    (void)port;
    VmCtx *x = &s->vm;
    x->a = in->a;
    x->now_ms = job_now_wall_ms();
    Arena *ba = job_batch_arena(s->job);
    uint32_t nc = in->n_cols;
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = in->rows + (size_t)r * nc;
        const Value *tv = &row[d->time_col];
        int64_t ts;
        if (d->is_proctime) {
            ts = tv->is_null ? x->now_ms : tv->u.i;
        } else {
            if (tv->is_null || tv->u.i <= in->wm[r]) {
                s->rows_late++;
                continue;
            }
            ts = tv->u.i;
        }
        const Value *keys = NULL, *args = NULL;
        if (d->keys) {
            if (!vm_eval(d->keys, st->kregs, row, x))
                return op_fail_eval(s, in, r);
            for (uint32_t k = 0; k < st->n_keys; k++)
                st->keybuf[k] = st->kregs[d->keys->results[k]];
            keys = st->keybuf;
        }
        Value argv[64];
        Value *av = st->n_args <= 64 ? argv : NULL;
        if (d->args) {
            if (!vm_eval(d->args, st->aregs, row, x))
                return op_fail_eval(s, in, r);
            if (!av)
                av = arena_alloc(ba, sizeof(Value) * st->n_args);
            for (uint32_t k = 0; k < st->n_args; k++)
                av[k] = st->aregs[d->args->results[k]];
            args = av;
        }
        Part *p = part_get(st, keys);
        Pending *pr = pend_new(st, row, args);
        pr->part = p;
        pr->ts = ts;
        pr->seq = st->seq++;
        if (d->is_proctime) {
            group_add(st, pr);
            process_group(s, st, ba);
        } else {
            heap_push(st, pr);
        }
    }
    if (d->is_proctime)
        return op_flush(s);
    return FSQL_OK;
}

static int over_watermark(OpState *s, int64_t wm, uint32_t port)
{
    OverState *st = s->priv;
    if (!st->d->is_proctime && wm > s->wm_out) {
        fire(s, st, wm);
        if (job_failed(s->job))
            return FSQL_E_INTERNAL;
    }
    return op_default_watermark(s, wm, port);
}

static void over_batch_end(OpState *s)
{
    OverState *st = s->priv;
    if (!st)
        return;
    for (size_t i = 0; i < st->n_dead; i++)
        pend_free(st, st->dead[i]);
    st->n_dead = 0;
}

/* ---- figures --------------------------------------------------------------- */

static size_t state_bytes(const OverState *st, size_t *agg_heap)
{
    size_t b = st->n_parts * (st->part_size + 16) + st->ring_bytes +
               strpool_bytes(st->pool) + (st->mask + 1) * sizeof(Part *);
    size_t h = 0;
    for (size_t i = 0; i <= st->mask; i++)
        for (Part *p = st->buckets[i]; p; p = p->next)
            for (uint32_t c = 0; c < st->d->n_calls; c++)
                if (!st->calls[c].is_positional)
                    h += agg_heap_bytes(&st->calls[c].sp,
                                        (char *)p + st->off_states +
                                            st->calls[c].st_off);
    if (agg_heap)
        *agg_heap = h;
    return b + h;
}

/* Cheap peak tracking: the exact figure is computed only at close; the
 * peak of the incrementally known parts is kept here. */
static void track_peak(OverState *st)
{
    size_t b = st->n_parts * (st->part_size + 16) + st->ring_bytes +
               strpool_bytes(st->pool);
    if (b > st->peak_state_bytes)
        st->peak_state_bytes = b;
}

static void over_close(OpState *s)
{
    OverState *st = s->priv;
    if (!st)
        return;
    const char *env = getenv("FSQL_OVER_STATS");
    if (env && *env && *env != '0' && st->buckets) {
        size_t heap = 0;
        size_t total = state_bytes(st, &heap);
        uint64_t rr = st->retained;
        fprintf(stderr,
                "fsql: OverAggregate#%u: %zu partitions, %llu retained rows "
                "(peak %llu), state %zu bytes (%.1f per retained row; "
                "partitions %zu, rings %zu, strings %zu, agg heap %zu), "
                "peak pending %llu, %llu late rows dropped\n",
                s->def->plan_id, st->n_parts, (unsigned long long)rr,
                (unsigned long long)st->peak_retained, total,
                rr ? (double)total / (double)rr : 0.0,
                st->n_parts * (st->part_size + 16), st->ring_bytes,
                strpool_bytes(st->pool), heap,
                (unsigned long long)st->n_pending_peak,
                (unsigned long long)s->rows_late);
    }
    over_batch_end(s);
    for (size_t i = 0; st->buckets && i <= st->mask; i++) {
        Part *p = st->buckets[i];
        while (p) {
            Part *next = p->next;
            for (uint32_t c = 0; c < st->d->n_calls; c++)
                if (!st->calls[c].is_positional)
                    agg_fini(&st->calls[c].sp, part_state(st, p, c));
            ring_trim(st, p, UINT64_MAX);
            xfree(p->ring);
            Value *pk = part_keys(st, p);
            for (uint32_t k = 0; k < st->n_keys; k++)
                value_unkeep(st->pool, &pk[k]);
            xfree(p);
            p = next;
        }
    }
    xfree(st->buckets);
    st->buckets = NULL;
    PendChunk *c = st->chunks;
    while (c) {
        PendChunk *n = c->next;
        xfree(c);
        c = n;
    }
    st->chunks = NULL;
    xfree(st->heap);
    xfree(st->group);
    xfree(st->dead);
    strpool_free(st->pool);
    if (st->kregs)
        code_regs_fini(st->d->keys, st->kregs);
    if (st->aregs)
        code_regs_fini(st->d->args, st->aregs);
    s->priv = NULL;
}

const OpVtbl op_over_vtbl = {
    .name = "OverAggregate",
    .open = over_open,
    .push = over_push,
    .watermark = over_watermark,
    .batch_end = over_batch_end,
    .close = over_close,
};
