/*
 * op_over.c - OverAggregate: `agg(...) OVER (PARTITION BY k ORDER BY t
 * {ROWS|RANGE} BETWEEN {UNBOUNDED|n} PRECEDING AND CURRENT ROW)`, several
 * calls with different frames in one operator, and LEAD.
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
 * LEAD(x, n): a processed row is held in its partition's LEAD queue
 * until max_lead more rows of the partition have been processed (then x
 * of its n-th successor, still held, is its value), or until the input
 * ends or the partition expires (then the default).  Held rows of all
 * partitions also sit in the hold queue in processing order: the output
 * watermark stays just below the oldest held row, so the rows released
 * later are not late downstream.
 *
 * Processing time: every row is processed and emitted as it arrives, its
 * time being the time attribute's value (PROCTIME()).
 *
 * TTL ('table.exec.state.ttl', processing time): a partition without
 * arrivals for the TTL and without rows waiting for the watermark is
 * freed, by a sweep of about one hash bucket per processed row plus a
 * timer, or when its key arrives again (it then starts afresh).
 *
 * Speed: with many partitions nearly every access misses the cache, so
 * push() hashes a whole batch's keys before looking them up and fire()
 * takes every due row off the heap first; both prefetch a few rows ahead
 * (PREFETCH_*).
 *
 * State (reachable from priv, keyed by partition for snapshots):
 *   - partitions: a hash table of Part blocks (from a slab: the keys
 *     packed, 32-bit frame starts, TTL time, rank counters and LEAD queue
 *     only when used, the aggregate states packed by agg_state_align,
 *     the first RING_INLINE ring slots; see struct Part) with their rings
 *     of retained slots (packed: the time and each argument in the bytes
 *     its type needs, see pack_get; a ring that outgrows the inline slots
 *     moves to RingPool chunks, larger ones are malloc'd);
 *   - teardown frees chunks and the list of malloc'd rings, not
 *     partitions: it visits each partition only when some aggregate
 *     state needs agg_fini (MIN/MAX deques, DOUBLE/DECIMAL DISTINCT);
 *   - pending rows: records in PendChunk slabs (a slab is freed when its
 *     last record is), the input row, the arguments and the results, with
 *     their strings copied behind them;
 *   - the StrPool that retained strings, keys and DISTINCT values share.
 * Emitted rows point into pending records, which are released at
 * batch_end, when the push cycle that carried them is over.
 *
 * Checkpoints: over_snapshot writes all of it (layout OVER_SNAP_VERSION)
 * and over_restore rebuilds the same chains, heap and queues;
 * FSQL_TEST_OVER_ROUNDTRIP=1 round-trips the state after every push
 * cycle (tests).
 *
 * FSQL_OVER_STATS=1 prints the state figures at close (docs/windows.md).
 */
#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/checkpoint.h"
#include "runtime/job.h"
#include "runtime/late_out.h"
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

/* How far ahead partitions are prefetched. */
#define PREFETCH_ROWS 8u

/* keys_hash never returns this (its top bit is clear). */
#define HASH_LATE UINT64_MAX

/* TTL sweep: buckets visited per push and per timer tick. */
#define SWEEP_STEP 16u
#define SWEEP_TIMER_STEP 4096u
#define SWEEP_INTERVAL_MS 1000

/* ---- slabs: partition blocks and rings without a malloc each ---------- */

/* Fixed-size blocks carved from SLAB_CHUNK chunks, freed blocks kept on a
 * free list for the next allocation of that size; chunks are released
 * when the operator closes. */
typedef struct SlabChunk {
    struct SlabChunk *next;
    max_align_t pad[];
} SlabChunk;

typedef struct Slab {
    size_t size;        /* block bytes, a multiple of 8 (16 when a state
                           needs 16-byte alignment) */
    void *free;         /* free blocks, linked through their first word */
    char *bump, *end;   /* unused part of the newest chunk */
    SlabChunk *chunks;
} Slab;

#define SLAB_CHUNK (256u * 1024u)

static void *slab_alloc(Slab *sl, size_t *chunk_bytes)
{
    void *b = sl->free;
    if (b) {
        memcpy(&sl->free, b, sizeof(void *));
        return b;
    }
    if ((size_t)(sl->end - sl->bump) < sl->size) {
        size_t n = sl->size > SLAB_CHUNK / 8 ? sl->size * 8 : SLAB_CHUNK;
        SlabChunk *c = xmalloc(sizeof(SlabChunk) + 16 + n);
        c->next = sl->chunks;
        sl->chunks = c;
        *chunk_bytes += sizeof(SlabChunk) + 16 + n;
        sl->bump = (char *)(((uintptr_t)(c + 1) + 15u) & ~(uintptr_t)15u);
        sl->end = sl->bump + n;
    }
    b = sl->bump;
    sl->bump += sl->size;
    return b;
}

static void slab_release(Slab *sl, void *b)
{
    memcpy(b, &sl->free, sizeof(void *));
    sl->free = b;
}

static void slab_fini(Slab *sl)
{
    while (sl->chunks) {
        SlabChunk *n = sl->chunks->next;
        xfree(sl->chunks);
        sl->chunks = n;
    }
    memset(sl, 0, sizeof *sl);
}

/* A partition's first RING_INLINE ring slots live in its block (with
 * 1,000,000 users, 87% of the partitions hold at most 2 rows: they need
 * no ring block at all, and no pointer chase to reach their rows).
 * Rings that outgrow them grow 4, 6, 9, 13, ... slots (by half).  Rings
 * of the first RING_CLASSES capacities beyond the inline ones (just the
 * 4-slot ring) come from chunks with a free list per capacity
 * (RingPool); larger ones are malloc'd.  Pooling every capacity was
 * measured: when partitions grow in step (100,000 users) each outgrown
 * size is left on a free list nobody needs (+16 MB RSS there), where
 * malloc coalesces; with one pooled size that waste is one block per
 * partition at most. */
#define RING_INLINE 2u

static inline uint32_t ring_grow(uint32_t cap)
{
    return cap < 4 ? cap + 2 : cap + cap / 2;
}

#define RING_CLASSES 1

typedef struct RingPool {
    uint32_t caps[RING_CLASSES]; /* 2, 4, 6, 9, ... */
    size_t size[RING_CLASSES];   /* block bytes (multiple of 16) */
    void *free[RING_CLASSES];    /* linked through their first word */
    char *bump, *end;            /* unused part of the newest chunk */
    SlabChunk *chunks;
    size_t chunk_bytes;          /* chunks allocated */
    size_t big_bytes;            /* malloc'd rings (larger capacities) */
    size_t n_big;                /* malloc'd rings live */
    struct RingBig *big;         /* ... listed, for teardown */
} RingPool;

/* Header in front of a malloc'd ring (16 bytes: keeps slots aligned). */
typedef struct RingBig {
    struct RingBig *prev, *next;
} RingBig;

static void ringpool_init(RingPool *rp, uint32_t stride, uint32_t inline_cap)
{
    memset(rp, 0, sizeof *rp);
    uint32_t cap = inline_cap;
    for (uint32_t k = 0; k < RING_CLASSES; k++) {
        cap = ring_grow(cap);
        rp->caps[k] = cap;
        rp->size[k] = ((size_t)cap * stride + 15u) & ~(size_t)15u;
    }
}

static inline int ringpool_class(const RingPool *rp, uint32_t cap)
{
    for (int k = 0; k < RING_CLASSES; k++)
        if (rp->caps[k] == cap)
            return k;
    return -1;
}

static void *ringpool_alloc(RingPool *rp, uint32_t cap, size_t bytes)
{
    int k = ringpool_class(rp, cap);
    if (k < 0) {
        rp->big_bytes += bytes;
        rp->n_big++;
        RingBig *rb = xmalloc(sizeof(RingBig) + bytes);
        rb->prev = NULL;
        rb->next = rp->big;
        if (rp->big)
            rp->big->prev = rb;
        rp->big = rb;
        return rb + 1;
    }
    void *b = rp->free[k];
    if (b) {
        memcpy(&rp->free[k], b, sizeof(void *));
        return b;
    }
    size_t sz = rp->size[k];
    if ((size_t)(rp->end - rp->bump) < sz) {
        size_t n = SLAB_CHUNK;
        SlabChunk *c = xmalloc(sizeof(SlabChunk) + 16 + n);
        c->next = rp->chunks;
        rp->chunks = c;
        rp->chunk_bytes += sizeof(SlabChunk) + 16 + n;
        rp->bump = (char *)(((uintptr_t)(c + 1) + 15u) & ~(uintptr_t)15u);
        rp->end = rp->bump + n;
    }
    b = rp->bump;
    rp->bump += sz;
    return b;
}

static void ringpool_release(RingPool *rp, void *b, uint32_t cap,
                             size_t bytes)
{
    int k = ringpool_class(rp, cap);
    if (k < 0) {
        rp->big_bytes -= bytes;
        rp->n_big--;
        RingBig *rb = (RingBig *)b - 1;
        if (rb->prev)
            rb->prev->next = rb->next;
        else
            rp->big = rb->next;
        if (rb->next)
            rb->next->prev = rb->prev;
        xfree(rb);
        return;
    }
    memcpy(b, &rp->free[k], sizeof(void *));
    rp->free[k] = b;
}

static void ringpool_fini(RingPool *rp)
{
    while (rp->big) {
        RingBig *n = rp->big->next;
        xfree(rp->big);
        rp->big = n;
    }
    rp->n_big = 0;
    rp->big_bytes = 0;
    while (rp->chunks) {
        SlabChunk *n = rp->chunks->next;
        xfree(rp->chunks);
        rp->chunks = n;
    }
    rp->bump = rp->end = NULL;
    memset(rp->free, 0, sizeof rp->free);
    rp->chunk_bytes = 0;
}

typedef struct Part Part;

typedef struct Pending {
    PendChunk *chunk;
    Part *part;
    int64_t ts;
    uint64_t seq;   /* arrival order */
    struct Pending *lnext; /* LEAD: next held row of the partition */
    uint64_t hold;  /* LEAD: index in OverState.hq */
    Value vals[];   /* n_in input columns, n_args arguments, n_calls results */
} Pending;

/* ---- partitions ----------------------------------------------------------- */

/* A partition block: 32 bytes of header, then what its query needs, at
 * offsets in OverState, in an order that leaves little padding (see "How
 * it runs, and memory per row" in docs/windows.md):
 *   - the keys' payloads, packed like ring slots (PackCol);
 *   - int64_t last_ms (TTL clock when a row last arrived) with a TTL;
 *     RankSt when RANK or DENSE_RANK is computed; LeadQ with LEAD;
 *   - uint32_t fstart[bounded frames]: the low 32 bits of each frame's
 *     start position (part_fs_get widens them: a start lies within
 *     2^32 - 1 rows of n_rows, as the ring holds fewer rows than that);
 *     uint32_t n_pend (rows waiting for the watermark) with a TTL, which
 *     alone needs it;
 *   - the aggregate states (from a boundary of the largest alignment
 *     they need, 8 or 16; those aligned to 16
 *     first, so the others leave no holes);
 *   - the keys' NULL bits;
 *   - with a ring: the first ring_inline slots, inline.  A ring that
 *     outgrows them moves to a block of its own (RingPool or malloc),
 *     whose pointer then takes the inline area's first 8 bytes.
 * The ring holds positions n_rows - n .. n_rows - 1 (part_base). */
struct Part {
    Part *next;        /* hash chain */
    uint64_t n_rows;   /* rows processed = next position */
    uint32_t hash;     /* keys_hash */
    uint32_t head, n, cap; /* ring: first slot, slots used, capacity */
};

_Static_assert(sizeof(Part) == 32, "Part header: 32 bytes");

typedef struct RankSt {
    int64_t last_ts;   /* RANK / DENSE_RANK */
    uint64_t rank, dense;
} RankSt;

typedef struct CallRt {
    const OpOverCall *c;
    const AggDef *def;
    AggSpec sp;
    uint32_t st_off;   /* state offset in the Part block */
    bool is_positional;
    bool is_lead;      /* computed when the row leaves the hold queue */
    bool is_range_final; /* final in pass 2 (RANGE frame) */
} CallRt;

typedef struct FrameRt {
    const OpOverFrame *f;
    uint32_t n_calls;  /* aggregate (non-positional) calls */
    uint32_t *calls;   /* indexes into OverState.calls */
    bool is_bounded;   /* retracts */
    uint32_t fs_slot;  /* bounded: index of its start in Part's fstart[] */
} FrameRt;

/* LEAD: the rows of a partition processed but waiting for their
 * successors (a FIFO through Pending.lnext). */
typedef struct LeadQ {
    Pending *head, *tail;
    uint64_t n;
} LeadQ;

/* LEAD: every held row in processing (= time) order, for the output
 * watermark and the final flush; r is valid while !done. */
typedef struct HoldEnt {
    Pending *r;
    int64_t ts;
    bool done;
} HoldEnt;

/* Where value k (an argument in a ring slot, a key in a partition
 * block) lives: its class (SC_*), kind and offset. */
typedef struct PackCol {
    uint8_t cls;       /* SC_* */
    uint8_t kind;      /* ValueKind of the column's type */
    uint32_t off;      /* payload */
} PackCol;

typedef struct OverState {
    const OpOverDef *d;
    uint32_t n_in;     /* input columns */
    uint32_t n_args;   /* argument values per row */
    uint32_t n_keys;
    CallRt *calls;
    FrameRt *frames;
    bool need_ring;    /* some frame is bounded or a LAG looks back */
    LateOut late;      /* late rows: counted, and sent to the late-data sink */
    int64_t max_lag;
    bool has_lead;
    int64_t max_lead;  /* rows a row waits for */
    uint32_t off_lead; /* LeadQ in the Part block */
    bool has_rank;     /* RANK or DENSE_RANK: RankSt at off_rank */
    uint32_t off_rank;
    bool has_ttl;      /* the TTL clock at off_ttl */
    uint32_t off_ttl;
    HoldEnt *hq;       /* ring of held rows (LEAD) */
    size_t hq_head, hq_n, hq_cap;
    uint64_t hq_base;  /* hold index of hq[hq_head] */
    uint32_t stride;   /* ring slot bytes (see slot_get) */
    PackCol *scol;     /* n_args */
    uint32_t off_nulls; /* the slot's NULL bits */
    uint32_t ring_inline; /* slots inline in the Part block (with a ring) */
    Value *cur_args;   /* the current row's arguments as kept in its slot */
    Value *old_args;   /* a retracted slot's arguments */
    PackCol *kcol;     /* n_keys */
    uint32_t off_keys, off_knulls, off_fstart, off_pend, off_states;
    uint32_t off_ring, part_size;
    Value *kregs, *aregs; /* register files */
    Value *keybuf;     /* n_keys */
    Value *keybuf2;    /* n_keys: a partition's keys, unpacked */
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
    /* TTL */
    int64_t ttl;             /* ms; <= 0: forever */
    int64_t now;             /* TTL clock of the row being pushed */
    int64_t clock_step;      /* FSQL_TEST_OVER_CLOCK_STEP_MS: test clock */
    size_t sweep_pos;        /* bucket where the sweep resumes */
    uint64_t n_expired;      /* partitions freed by the TTL */
    bool test_roundtrip;     /* FSQL_TEST_OVER_ROUNDTRIP (restore tests) */
    /* figures */
    uint64_t retained;       /* ring slots in use */
    uint64_t retained_str;   /* their string bytes */
    uint32_t val_fixed;      /* a slot's other values at natural width */
    uint64_t peak_retained;
    size_t ring_bytes;       /* ring capacity in bytes (in use) */
    Slab part_slab;          /* partition blocks */
    RingPool rings;          /* ring blocks */
    bool teardown_walk;      /* teardown must visit every partition */
    size_t part_chunk_bytes;
    size_t pend_bytes;       /* chunk bytes */
    size_t peak_state_bytes;
    uint64_t n_pending_peak;
} OverState;

/* Frame start fs_slot of p, as a position (see struct Part). */
static inline uint64_t part_fs_get(const OverState *st, const Part *p,
                                   uint32_t fs_slot)
{
    uint32_t lo;
    memcpy(&lo, (const char *)p + st->off_fstart + 4 * fs_slot, 4);
    return p->n_rows - (uint32_t)((uint32_t)p->n_rows - lo);
}

static inline void part_fs_set(const OverState *st, Part *p,
                               uint32_t fs_slot, uint64_t pos)
{
    uint32_t lo = (uint32_t)pos;
    memcpy((char *)p + st->off_fstart + 4 * fs_slot, &lo, 4);
}

/* Rows of p waiting for the watermark (kept only with a TTL). */
static inline uint32_t *part_pend(const OverState *st, Part *p)
{
    return (uint32_t *)(void *)((char *)p + st->off_pend);
}

/* Position of the oldest retained row (ring[head]). */
static inline uint64_t part_base(const Part *p)
{
    return p->n_rows - p->n;
}

static inline int64_t *part_last_ms(const OverState *st, const Part *p)
{
    return (int64_t *)(void *)((char *)(uintptr_t)p + st->off_ttl);
}

static inline RankSt *part_rank(const OverState *st, Part *p)
{
    return (RankSt *)(void *)((char *)p + st->off_rank);
}

static inline LeadQ *part_leadq(const OverState *st, Part *p)
{
    return (LeadQ *)(void *)((char *)p + st->off_lead);
}

static inline void *part_state(const OverState *st, Part *p, uint32_t call)
{
    return (char *)p + st->off_states + st->calls[call].st_off;
}

/* The ring's slots: inline in the block, or the block they moved to. */
static inline char *part_ring(const OverState *st, const Part *p)
{
    char *in = (char *)(uintptr_t)p + st->off_ring;
    if (p->cap <= st->ring_inline)
        return in;
    char *r;
    memcpy(&r, in, sizeof r);
    return r;
}

/* Ring index of the i-th retained slot (i < cap; cap need not be a power
 * of two: rings grow by half, which wastes less than doubling). */
static inline size_t ring_idx(const Part *p, uint32_t i)
{
    uint32_t x = p->head + i;
    return x >= p->cap ? x - p->cap : x;
}

static inline char *slot_at(const OverState *st, const Part *p, uint64_t pos)
{
    uint32_t i = (uint32_t)(pos - part_base(p));
    return part_ring(st, p) + ring_idx(p, i) * st->stride;
}

static inline int64_t slot_ts(const char *slot)
{
    int64_t t;
    memcpy(&t, slot, sizeof t);
    return t;
}

/* Packed values (ring slots, partition keys): each value's payload in
 * the bytes its type's class needs, unaligned (read and written with
 * memcpy), and one NULL bit per value after them.  The kind is the
 * column type's (a non-NULL value always has its column's kind; restores
 * check it).  Classes:
 *   SC_8     8 bytes: integers, floats, booleans, dates, times, intervals
 *   SC_DEC64 8 bytes: DECIMAL(p <= 18), the unscaled value as an int64
 *   SC_DEC   16 bytes: wider DECIMALs
 *   SC_STR   8 bytes: the StrPool pointer (the pool entry knows the
 *            length), NULL for the empty string
 *   SC_VAL   a whole Value, for kinds this list does not know */
enum { SC_8, SC_DEC64, SC_DEC, SC_STR, SC_VAL };

static const char empty_bytes[1] = "";

static uint32_t pack_class_size(uint8_t cls)
{
    switch (cls) {
    case SC_DEC:
        return 16;
    case SC_VAL:
        return (uint32_t)sizeof(Value);
    default:
        return 8;
    }
}

static uint8_t pack_class(const RtType *t)
{
    switch (t->kind) {
    case VK_NULLTYPE:
    case VK_BOOL:
    case VK_INT:
    case VK_DOUBLE:
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        return SC_8;
    case VK_DECIMAL:
        return t->precision >= 1 && t->precision <= 18 ? SC_DEC64 : SC_DEC;
    case VK_STRING:
    case VK_BYTES:
        return SC_STR;
    default:
        return SC_VAL;
    }
}

/* Lay out n values of types t from offset off: fills pc, returns the
 * offset past the payloads (the NULL bits follow, (n + 7) / 8 bytes). */
static uint32_t pack_layout(PackCol *pc, const RtType *t, uint32_t n,
                            uint32_t off)
{
    for (uint32_t k = 0; k < n; k++) {
        pc[k].cls = pack_class(&t[k]);
        pc[k].kind = (uint8_t)t[k].kind;
        pc[k].off = off;
        off += pack_class_size(pc[k].cls);
    }
    return off;
}

static inline void pack_get(const PackCol *pc, const char *rec,
                            const char *nulls, uint32_t k, Value *v)
{
    memset(v, 0, sizeof *v);
    v->kind = pc->kind;
    if ((nulls[k >> 3] >> (k & 7)) & 1) {
        v->is_null = true;
        return;
    }
    const char *p = rec + pc->off;
    switch (pc->cls) {
    case SC_8:
        memcpy(&v->u.i, p, 8);
        break;
    case SC_DEC64: {
        int64_t x;
        memcpy(&x, p, 8);
        value_set_dec(v, (i128)x);
        break;
    }
    case SC_DEC:
        memcpy(&v->u.d, p, 16);
        break;
    case SC_STR: {
        const char *s;
        memcpy(&s, p, sizeof s);
        v->u.s.ptr = s ? s : empty_bytes;
        v->u.s.len = s ? strpool_len(s) : 0;
        break;
    }
    default:
        memcpy(v, p, sizeof *v);
        break;
    }
}

/* Store v (strings: a pool reference already) as value k. */
static inline void pack_put(const PackCol *pc, char *rec, char *nulls,
                            uint32_t k, const Value *v)
{
    char bit = (char)(1u << (k & 7));
    if (v->is_null) {
        nulls[k >> 3] |= bit;
        return;
    }
    nulls[k >> 3] &= (char)~bit;
    /* a value of another kind of the same class reads back with the
     * column's kind; across classes it could not be stored */
    FSQL_ASSERT(pc->cls == SC_VAL || v->kind == pc->kind ||
                (pc->cls == SC_8 && v->kind != VK_DECIMAL &&
                 v->kind != VK_STRING && v->kind != VK_BYTES &&
                 v->kind <= VK_INTERVAL_MONTHS));
    char *p = rec + pc->off;
    switch (pc->cls) {
    case SC_8:
        memcpy(p, &v->u.i, 8);
        break;
    case SC_DEC64: {
        FSQL_ASSERT(v->u.d.hi == (int64_t)v->u.d.lo >> 63);
        int64_t x = (int64_t)v->u.d.lo;
        memcpy(p, &x, 8);
        break;
    }
    case SC_DEC:
        memcpy(p, &v->u.d, 16);
        break;
    case SC_STR: {
        const char *s = v->u.s.len ? v->u.s.ptr : NULL;
        memcpy(p, &s, sizeof s);
        break;
    }
    default:
        memcpy(p, v, sizeof *v);
        break;
    }
}

/* Compact ring slots: the time (8 bytes), then the arguments packed (see
 * pack_get), then their NULL bits. */
static inline void slot_get(const OverState *st, const char *slot, uint32_t k,
                            Value *v)
{
    pack_get(&st->scol[k], slot, slot + st->off_nulls, k, v);
}

/* Every argument of a slot into v[0..n_args). */
static inline void slot_args_get(const OverState *st, const char *slot,
                                 Value *v)
{
    for (uint32_t k = 0; k < st->n_args; k++)
        slot_get(st, slot, k, &v[k]);
}

static inline void slot_put(const OverState *st, char *slot, uint32_t k,
                            const Value *v)
{
    pack_put(&st->scol[k], slot, slot + st->off_nulls, k, v);
}

/* A partition's keys, unpacked into k[0..n_keys). */
static inline void part_keys_get(const OverState *st, const Part *p, Value *k)
{
    const char *b = (const char *)(uintptr_t)p;
    for (uint32_t i = 0; i < st->n_keys; i++)
        pack_get(&st->kcol[i], b, b + st->off_knulls, i, &k[i]);
}

/* Whether p's keys equal k[0..n_keys). */
static inline bool part_keys_equal(const OverState *st, const Part *p,
                                   const Value *k)
{
    const char *b = (const char *)(uintptr_t)p;
    for (uint32_t i = 0; i < st->n_keys; i++) {
        const PackCol *pc = &st->kcol[i];
        bool pnull = (b[st->off_knulls + (i >> 3)] >> (i & 7)) & 1;
        if (pnull != k[i].is_null)
            return false;
        if (pnull)
            continue;
        if (pc->cls == SC_8 && pc->kind == VK_INT) {
            int64_t x;
            memcpy(&x, b + pc->off, 8);
            if (x != k[i].u.i)
                return false;
            continue;
        }
        Value v;
        pack_get(pc, b, b + st->off_knulls, i, &v);
        if (!value_equal(&v, &k[i], &st->d->keys->result_types[i]))
            return false;
    }
    return true;
}

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

/* Bytes a value of type t needs at its natural width (strings: 0 here,
 * their bytes are counted one by one). */
static uint32_t natural_width(const RtType *t)
{
    switch (t->kind) {
    case VK_BOOL:
        return 1;
    case VK_INT:
        return t->sql_kind == RT_SQL_TINYINT    ? 1
               : t->sql_kind == RT_SQL_SMALLINT ? 2
               : t->sql_kind == RT_SQL_INT      ? 4
                                                : 8;
    case VK_DOUBLE:
        return t->sql_kind == RT_SQL_FLOAT ? 4 : 8;
    case VK_DECIMAL:
        return pack_class(t) == SC_DEC64 ? 8 : 16;
    case VK_DATE:
    case VK_TIME:
    case VK_INTERVAL_MONTHS:
        return 4;
    case VK_STRING:
    case VK_BYTES:
    case VK_NULLTYPE:
        return 0;
    default:
        return 8;
    }
}

/* ---- open ----------------------------------------------------------------- */

/* The operator's state, without the late-data sink (a snapshot round
 * trip rebuilds the state and keeps the sink open). */
static int over_open_state(OpState *s)
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
        if (cr->def->kind == AGG_RANK || cr->def->kind == AGG_DENSE_RANK)
            st->has_rank = true;
        if (cr->is_positional) {
            if (cr->def->kind == AGG_LAG && c->offset > st->max_lag)
                st->max_lag = c->offset;
            if (cr->def->kind == AGG_LEAD) {
                cr->is_lead = true;
                st->has_lead = true;
                if (c->offset > st->max_lead)
                    st->max_lead = c->offset;
            }
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
    }
    /* The states: those needing 16-byte alignment first (their sizes are
     * multiples of 8: at most one 8-byte hole each), then the rest. */
    uint32_t st_align = 8; /* the block's alignment */
    for (uint32_t pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < d->n_calls; i++) {
            CallRt *cr = &st->calls[i];
            if (cr->is_positional ||
                (agg_state_align(&cr->sp) == 16) != (pass == 0))
                continue;
            uint32_t al = agg_state_align(&cr->sp);
            if (al > st_align)
                st_align = al;
            st_off = (st_off + al - 1) & ~(al - 1);
            cr->st_off = st_off;
            st_off += agg_state_size(&cr->sp);
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
    st->scol = ARENA_NEW_ARRAY(&s->a, PackCol, st->n_args + 1);
    st->cur_args = ARENA_NEW_ARRAY(&s->a, Value, st->n_args + 1);
    st->old_args = ARENA_NEW_ARRAY(&s->a, Value, st->n_args + 1);
    st->off_nulls = pack_layout(st->scol, d->args ? d->args->result_types
                                                  : NULL,
                                st->n_args, 8);
    st->stride = st->off_nulls + (st->n_args + 7) / 8;
    /* the natural width of the time and the fixed-size arguments (for
     * the figures; strings count their bytes, in retained_str) */
    st->val_fixed = 8;
    for (uint32_t k = 0; k < st->n_args; k++)
        st->val_fixed += natural_width(&d->args->result_types[k]);
    /* the Part block (see struct Part) */
    uint32_t n_fs = 0;
    for (uint32_t f = 0; f < d->n_frames; f++)
        if (st->frames[f].is_bounded)
            st->frames[f].fs_slot = n_fs++;
    uint32_t off = (uint32_t)sizeof(Part);
    st->kcol = ARENA_NEW_ARRAY(&s->a, PackCol, st->n_keys + 1);
    st->keybuf2 = ARENA_NEW_ARRAY(&s->a, Value, st->n_keys + 1);
    st->off_keys = off;
    off = pack_layout(st->kcol, d->keys ? d->keys->result_types : NULL,
                      st->n_keys, off); /* 8-byte multiples */
    st->has_ttl = d->state_ttl_ms > 0;
    st->off_ttl = off;
    off += st->has_ttl ? 8u : 0u;
    st->off_rank = off;
    off += st->has_rank ? (uint32_t)sizeof(RankSt) : 0u;
    st->off_lead = off;
    off += st->has_lead ? (uint32_t)sizeof(LeadQ) : 0u;
    st->off_fstart = off;
    off += 4u * n_fs;
    st->off_pend = off;
    off += st->has_ttl ? 4u : 0u;
    st->off_states = (off + st_align - 1) & ~(st_align - 1);
    off = st->off_states + st_off;
    st->off_knulls = off;
    off += (st->n_keys + 7) / 8;
    st->off_ring = off;

    st->part_size = st->off_ring;
    if (st->need_ring) {
        /* RING_INLINE slots inline (at least the 8 bytes of the pointer
         * to a ring that moved out) */
        st->ring_inline = RING_INLINE;
        uint32_t in = st->ring_inline * st->stride;
        st->part_size += in > 8 ? in : 8;
    }

    st->mask = 1023;
    st->buckets = xcalloc(st->mask + 1, sizeof(Part *));
    st->part_slab.size = (st->part_size + st_align - 1) & ~(st_align - 1);
    ringpool_init(&st->rings, st->stride, st->ring_inline);
    for (uint32_t i = 0; i < d->n_calls; i++)
        if (!st->calls[i].is_positional &&
            agg_teardown_needed(&st->calls[i].sp))
            st->teardown_walk = true;
    st->ttl = d->state_ttl_ms;
    const char *step = getenv("FSQL_TEST_OVER_CLOCK_STEP_MS");
    if (step && *step)
        st->clock_step = atoll(step);
    const char *rt = getenv("FSQL_TEST_OVER_ROUNDTRIP");
    st->test_roundtrip = rt && *rt && *rt != '0';
    return FSQL_OK;
}

static int over_open(OpState *s)
{
    int rc = over_open_state(s);
    if (rc < 0)
        return rc;
    OverState *st = s->priv;
    return late_out_open(s, &st->late, &st->d->late);
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

/* 31 bits (HASH_LATE is not one), the bits struct Part keeps. */
static uint64_t keys_hash(const OverState *st, const Value *k)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < st->n_keys; i++) {
        h ^= value_hash(&k[i], &st->d->keys->result_types[i]);
        h *= 0x100000001B3ULL;
        h ^= h >> 29;
    }
    return (h ^ (h >> 32)) & 0x7FFFFFFFu;
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

static void ring_trim(OverState *st, Part *p, uint64_t keep_from);
static void ring_release(OverState *st, Part *p);
static void lead_emit_head(OpState *s, OverState *st, Part *p);

/* A new partition for keys k (hash h); with init, fresh aggregate states
 * (restore() fills them from the checkpoint instead). */
static Part *part_new(OverState *st, const Value *k, uint64_t h, bool init)
{
    Part **b = &st->buckets[h & st->mask];
    Part *p = slab_alloc(&st->part_slab, &st->part_chunk_bytes);
    memset(p, 0, st->part_size);
    p->hash = (uint32_t)h;
    p->cap = st->ring_inline;
    if (st->has_rank)
        part_rank(st, p)->last_ts = INT64_MIN;
    if (st->has_ttl)
        *part_last_ms(st, p) = st->now;
    char *pb = (char *)p;
    for (uint32_t i = 0; i < st->n_keys; i++) {
        Value kept;
        value_keep(st->pool, &kept, &k[i]);
        pack_put(&st->kcol[i], pb, pb + st->off_knulls, i, &kept);
    }
    for (uint32_t i = 0; init && i < st->d->n_calls; i++) {
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

/* Release partition p (already unlinked from its bucket). */
static void part_free(OverState *st, Part *p)
{
    for (uint32_t c = 0; c < st->d->n_calls; c++)
        if (!st->calls[c].is_positional)
            agg_fini(&st->calls[c].sp, part_state(st, p, c));
    ring_trim(st, p, UINT64_MAX);
    ring_release(st, p);
    part_keys_get(st, p, st->keybuf2);
    for (uint32_t k = 0; k < st->n_keys; k++)
        value_unkeep(st->pool, &st->keybuf2[k]);
    slab_release(&st->part_slab, p);
    st->n_parts--;
}

/* At teardown: the pool, the slab and the rings go as a whole right
 * after, so the string references of the ring and the keys are not
 * dropped one by one (with a million partitions that was a third of a
 * run's time); the aggregate states still release what they malloc'd. */
static void part_free_teardown(OverState *st, Part *p)
{
    for (uint32_t c = 0; c < st->d->n_calls; c++)
        if (!st->calls[c].is_positional)
            agg_fini_teardown(&st->calls[c].sp, part_state(st, p, c));
}

/* TTL ('table.exec.state.ttl', processing time as in Flink): a partition
 * to which no row arrived for ttl ms and with no row waiting for the
 * watermark is forgotten: its LEAD rows leave (with their defaults), its
 * frames, accumulators, LAG history and row numbers are freed, and its
 * next row starts afresh. */
static inline bool part_expired(const OverState *st, const Part *p)
{
    return st->ttl > 0 && *part_pend(st, (Part *)(uintptr_t)p) == 0 &&
           st->now - *part_last_ms(st, p) >= st->ttl;
}

/* Expire *pp (a bucket link): flush its LEAD rows, unlink and free it. */
static void part_expire(OpState *s, OverState *st, Part **pp)
{
    Part *p = *pp;
    if (st->has_lead)
        while (part_leadq(st, p)->n > 0)
            lead_emit_head(s, st, p);
    *pp = p->next;
    part_free(st, p);
    st->n_expired++;
}

/* Visit up to n buckets for expired partitions, resuming where the last
 * sweep stopped. */
static void part_sweep(OpState *s, OverState *st, size_t n)
{
    if (st->ttl <= 0 || st->n_parts == 0)
        return;
    while (n-- > 0) {
        if (st->sweep_pos > st->mask)
            st->sweep_pos = 0;
        Part **pp = &st->buckets[st->sweep_pos++];
        while (*pp) {
            if (part_expired(st, *pp))
                part_expire(s, st, pp);
            else
                pp = &(*pp)->next;
        }
    }
}

static Part *part_get(OpState *s, OverState *st, const Value *k, uint64_t h)
{
    Part **pp = &st->buckets[h & st->mask];
    for (; *pp; pp = &(*pp)->next) {
        Part *p = *pp;
        if (p->hash != (uint32_t)h || !part_keys_equal(st, p, k))
            continue;
        if (unlikely(part_expired(st, p))) {
            part_expire(s, st, pp);
            break;
        }
        if (st->has_ttl)
            *part_last_ms(st, p) = st->now;
        return p;
    }
    return part_new(st, k, h, true);
}

/* Give p's ring block back, if its ring moved out of the Part block (the
 * ring is inline and empty afterwards: call with p->n == 0). */
static void ring_release(OverState *st, Part *p)
{
    if (p->cap <= st->ring_inline)
        return;
    char *ring = part_ring(st, p);
    st->ring_bytes -= (size_t)p->cap * st->stride;
    ringpool_release(&st->rings, ring, p->cap, (size_t)p->cap * st->stride);
    p->cap = st->ring_inline;
    p->head = 0;
}

static void ring_push(OverState *st, Part *p, int64_t ts, const Value *args)
{
    if (p->n == p->cap) {
        uint32_t ncap = ring_grow(p->cap);
        size_t bytes = (size_t)ncap * st->stride;
        char *nr = ringpool_alloc(&st->rings, ncap, bytes);
        st->ring_bytes += bytes;
        char *old = part_ring(st, p);
        for (uint32_t i = 0; i < p->n; i++)
            memcpy(nr + (size_t)i * st->stride,
                   old + ring_idx(p, i) * st->stride, st->stride);
        if (p->cap > st->ring_inline) {
            st->ring_bytes -= (size_t)p->cap * st->stride;
            ringpool_release(&st->rings, old, p->cap,
                             (size_t)p->cap * st->stride);
        }
        memcpy((char *)p + st->off_ring, &nr, sizeof nr);
        p->cap = ncap;
        p->head = 0;
    }
    char *slot = part_ring(st, p) + ring_idx(p, p->n) * st->stride;
    memcpy(slot, &ts, sizeof ts);
    for (uint32_t i = 0; i < st->n_args; i++) {
        Value kept;
        value_keep(st->pool, &kept, &args[i]);
        slot_put(st, slot, i, &kept);
        if (!kept.is_null && st->scol[i].cls == SC_STR)
            st->retained_str += kept.u.s.len;
    }
    p->n++;
    st->retained++;
    if (st->retained > st->peak_retained)
        st->peak_retained = st->retained;
}

/* Release slots below position keep_from. */
static void ring_trim(OverState *st, Part *p, uint64_t keep_from)
{
    if (p->n == 0)
        return;
    uint64_t base = part_base(p);
    char *ring = part_ring(st, p);
    while (p->n > 0 && base < keep_from) {
        char *slot = ring + (size_t)p->head * st->stride;
        for (uint32_t i = 0; i < st->n_args; i++) {
            if (st->scol[i].cls != SC_STR)
                continue;
            Value v;
            slot_get(st, slot, i, &v);
            if (v.is_null)
                continue;
            st->retained_str -= v.u.s.len;
            value_unkeep(st->pool, &v);
        }
        p->head = p->head + 1 == p->cap ? 0 : p->head + 1;
        p->n--;
        base++;
        st->retained--;
    }
    if (p->n == 0)
        ring_release(st, p); /* an emptied ring moves back inline */
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
    uint64_t i = p->n_rows;
    const Value *kargs = args; /* what the aggregates step */
    if (st->need_ring) {
        ring_push(st, p, r->ts, args);
        p->n_rows = i + 1;
        slot_args_get(st, slot_at(st, p, i), st->cur_args);
        kargs = st->cur_args;
    } else {
        p->n_rows = i + 1;
    }
    RankSt *rk = st->has_rank ? part_rank(st, p) : NULL;
    if (rk && (i == 0 || r->ts != rk->last_ts)) {
        rk->rank = i + 1;
        rk->dense++;
        rk->last_ts = r->ts;
    }
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
            res[c].u.i = (int64_t)(cr->def->kind == AGG_RANK ? rk->rank
                                                             : rk->dense);
            break;
        case AGG_LAG: {
            int64_t off = cr->c->offset;
            const Value *v;
            if (off == 0) {
                v = &args[cr->c->arg];
            } else if ((uint64_t)off <= i) {
                slot_get(st, slot_at(st, p, i - (uint64_t)off), cr->c->arg,
                         st->old_args);
                v = st->old_args;
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
            uint64_t fs = part_fs_get(st, p, fr->fs_slot);
            uint64_t base = part_base(p);
            if (fs < base)
                fs = base; /* first row of the partition */
            if (fr->f->is_rows) {
                uint64_t lo = i >= (uint64_t)fr->f->preceding
                                  ? i - (uint64_t)fr->f->preceding
                                  : 0;
                for (; fs < lo; fs++) {
                    const Value *sa = st->old_args;
                    slot_args_get(st, slot_at(st, p, fs), st->old_args);
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
                    const Value *sa = st->old_args;
                    slot_args_get(st, slot, st->old_args);
                    for (uint32_t k = 0; k < fr->n_calls; k++) {
                        CallRt *cr = &st->calls[fr->calls[k]];
                        if (filter_ok(cr, sa))
                            agg_inverse(&cr->sp,
                                        part_state(st, p, fr->calls[k]),
                                        call_args(cr, sa));
                    }
                }
            }
            part_fs_set(st, p, fr->fs_slot, fs);
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

/* Pass 2: RANGE results. */
static void finish_row(OverState *st, Pending *r, Arena *ba)
{
    Part *p = r->part;
    Value *res = r->vals + st->n_in + st->n_args;
    for (uint32_t c = 0; c < st->d->n_calls; c++) {
        CallRt *cr = &st->calls[c];
        if (!cr->is_positional && cr->is_range_final)
            agg_final(&cr->sp, part_state(st, p, c), &res[c], ba);
    }
}

static void emit_row(OpState *s, OverState *st, Pending *r)
{
    Value *o = op_emit_row(s, ROW_INSERT, s->wm_out);
    memcpy(o, r->vals, sizeof(Value) * st->n_in);
    memcpy(o + st->n_in, r->vals + st->n_in + st->n_args,
           sizeof(Value) * st->d->n_calls);
}

static void dead_add(OverState *st, Pending *r)
{
    if (st->n_dead == st->cap_dead) {
        st->cap_dead = st->cap_dead ? st->cap_dead * 2 : 1024;
        st->dead = xrealloc(st->dead, sizeof(Pending *) * st->cap_dead);
    }
    st->dead[st->n_dead++] = r;
}

/* ---- LEAD: rows held until their successors are processed --------------- */

/* Emit the oldest held row of partition p: each LEAD(x, n) takes x of the
 * n-th row after it in the queue, or its default (NULL) when the queue
 * has no such row (the partition ended).  The successors are held rows
 * themselves (a row leaves only after max_lead successors), so their
 * values stay valid until they are emitted and released, later. */
static void lead_emit_head(OpState *s, OverState *st, Part *p)
{
    LeadQ *q = part_leadq(st, p);
    Pending *f = q->head;
    const Value *args = f->vals + st->n_in;
    Value *res = f->vals + st->n_in + st->n_args;
    for (uint32_t c = 0; c < st->d->n_calls; c++) {
        CallRt *cr = &st->calls[c];
        if (!cr->is_lead)
            continue;
        Pending *x = f;
        for (int64_t k = 0; x && k < cr->c->offset; k++)
            x = x->lnext;
        if (x)
            res[c] = x->vals[st->n_in + cr->c->arg];
        else if (cr->c->has_default)
            res[c] = args[cr->c->arg + 1];
        else
            res[c] = value_null(cr->c->type.kind);
    }
    emit_row(s, st, f);
    q->head = f->lnext;
    if (!q->head)
        q->tail = NULL;
    q->n--;
    st->hq[(st->hq_head + (f->hold - st->hq_base)) % st->hq_cap].done = true;
    dead_add(st, f);
}

/* Append held row r (its results kept) to the hold queue and its
 * partition's LEAD queue. */
static void lead_requeue(OverState *st, Pending *r)
{
    if (st->hq_n == st->hq_cap) {
        size_t ncap = st->hq_cap ? st->hq_cap * 2 : 256;
        HoldEnt *nq = xmalloc(sizeof(HoldEnt) * ncap);
        for (size_t i = 0; i < st->hq_n; i++)
            nq[i] = st->hq[(st->hq_head + i) % st->hq_cap];
        xfree(st->hq);
        st->hq = nq;
        st->hq_cap = ncap;
        st->hq_head = 0;
    }
    r->hold = st->hq_base + st->hq_n;
    HoldEnt *e = &st->hq[(st->hq_head + st->hq_n) % st->hq_cap];
    e->r = r;
    e->ts = r->ts;
    e->done = false;
    st->hq_n++;
    LeadQ *q = part_leadq(st, r->part);
    r->lnext = NULL;
    if (q->tail)
        q->tail->lnext = r;
    else
        q->head = r;
    q->tail = r;
    q->n++;
}

/* Hold row r (results computed) until max_lead successors follow it. */
static void lead_hold(OpState *s, OverState *st, Pending *r)
{
    /* Results computed into the batch arena must outlive the push
     * cycle: keep their strings in the pool (released with the row). */
    Value *res = r->vals + st->n_in + st->n_args;
    for (uint32_t c = 0; c < st->d->n_calls; c++)
        if (!st->calls[c].is_lead)
            value_keep(st->pool, &res[c], &res[c]);
    lead_requeue(st, r);
    LeadQ *q = part_leadq(st, r->part);
    while (q->n > (uint64_t)st->max_lead)
        lead_emit_head(s, st, r->part);
}

/* Drop emitted rows from the front of the hold queue. */
static void hq_trim(OverState *st)
{
    while (st->hq_n > 0 && st->hq[st->hq_head].done) {
        st->hq_head = (st->hq_head + 1) % st->hq_cap;
        st->hq_n--;
        st->hq_base++;
    }
}

/* End of input: every held row leaves, oldest first, with the defaults of
 * the successors its partition never got. */
static void lead_flush(OpState *s, OverState *st)
{
    for (;;) {
        hq_trim(st);
        if (st->hq_n == 0)
            break;
        Pending *r = st->hq[st->hq_head].r;
        while (part_leadq(st, r->part)->head != r)
            lead_emit_head(s, st, r->part); /* not reached: FIFO order */
        lead_emit_head(s, st, r->part);
    }
}

/* The output watermark may not pass a held row: min(wm, oldest - 1). */
static int64_t lead_wm_limit(OverState *st, int64_t wm)
{
    hq_trim(st);
    if (st->hq_n > 0 && st->hq[st->hq_head].ts - 1 < wm)
        return st->hq[st->hq_head].ts - 1;
    return wm;
}

/* Prefetching.  Rows are processed in time order, so their partitions,
 * rings, strings and DISTINCT sets are scattered in memory: each level
 * of pointers is loaded a few rows before the next one is followed. */
#define PREFETCH_1 24u /* the pending record, partition block, pool buckets */
#define PREFETCH_2 16u /* ring slots, pool entries, DISTINCT set headers */
#define PREFETCH_3 8u  /* DISTINCT set slots */

static inline void prefetch_1(const OverState *st, const Pending *r)
{
    __builtin_prefetch(r);
    const char *b = (const char *)r->part;
    for (uint32_t o = 0; o < st->part_size; o += 64)
        __builtin_prefetch(b + o);
    const Value *a = r->vals + st->n_in;
    for (uint32_t k = 0; k < st->n_args; k++)
        if (is_str(&a[k]))
            strpool_prefetch(st->pool, a[k].u.s.ptr, a[k].u.s.len, 0);
}

static inline void prefetch_23(const OverState *st, const Pending *r,
                               int stage)
{
    Part *p = r->part;
    if (stage == 0 && p->cap > st->ring_inline) {
        char *ring = part_ring(st, p);
        __builtin_prefetch(ring + (size_t)p->head * st->stride);
        if (p->n < p->cap)
            __builtin_prefetch(ring + ring_idx(p, p->n) * st->stride);
    }
    if (stage == 0) {
        const Value *a = r->vals + st->n_in;
        for (uint32_t k = 0; k < st->n_args; k++)
            if (is_str(&a[k]))
                strpool_prefetch(st->pool, a[k].u.s.ptr, a[k].u.s.len, 1);
    }
    for (uint32_t c = 0; c < st->d->n_calls; c++)
        if (st->calls[c].sp.is_distinct)
            agg_prefetch(&st->calls[c].sp, part_state(st, p, c), stage);
}

/* Process rows[0..n), which share one timestamp: pass 1 for each, then
 * pass 2 and emission (see the header comment).  rows + n .. rows + end
 * follow (prefetched). */
static void process_group(OpState *s, OverState *st, Pending **rows, size_t n,
                          size_t end, Arena *ba)
{
    for (size_t g = 0; g < n; g++) {
        if (g + PREFETCH_1 < end)
            prefetch_1(st, rows[g + PREFETCH_1]);
        if (g + PREFETCH_2 < end)
            prefetch_23(st, rows[g + PREFETCH_2], 0);
        if (g + PREFETCH_3 < end)
            prefetch_23(st, rows[g + PREFETCH_3], 1);
        if (st->has_ttl)
            (*part_pend(st, rows[g]->part))--;
        process_row(st, rows[g], ba);
    }
    for (size_t g = 0; g < n; g++) {
        finish_row(st, rows[g], ba);
        if (st->has_lead) {
            lead_hold(s, st, rows[g]);
        } else {
            emit_row(s, st, rows[g]);
            dead_add(st, rows[g]);
        }
    }
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

/* Process every pending row with time <= wm, in (time, arrival) order;
 * returns how many. */
static size_t fire(OpState *s, OverState *st, int64_t wm)
{
    Arena *ba = job_batch_arena(s->job);
    /* every due row, in (time, arrival) order */
    while (st->n_heap > 0 && st->heap[0]->ts <= wm)
        group_add(st, heap_pop(st));
    size_t n = st->n_group;
    for (size_t g = 0; g < n && g < PREFETCH_1; g++)
        prefetch_1(st, st->group[g]);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && st->group[j]->ts == st->group[i]->ts)
            j++;
        process_group(s, st, st->group + i, j - i, n - i, ba);
        i = j;
    }
    st->n_group = 0;
    track_peak(st);
    return n;
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
    uint32_t nk = st->n_keys;
    /* Pass 1: lateness, partition keys and their hashes, with the hash
     * buckets prefetched; pass 2 finds the partitions (prefetched a few
     * rows ahead) and queues the rows.  With many partitions these
     * lookups are cache misses, which the prefetches overlap. */
    uint64_t *hs = arena_alloc(ba, sizeof(uint64_t) * (in->n_rows + 1));
    Value *kv = arena_alloc(ba, sizeof(Value) * ((size_t)in->n_rows * nk + 1));
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = in->rows + (size_t)r * nc;
        const Value *tv = &row[d->time_col];
        hs[r] = 0;
        if (!d->is_proctime && (tv->is_null || tv->u.i <= in->wm[r])) {
            late_out_drop(s, &st->late, in, r,
                          tv->is_null ? LATE_NO_TIME : tv->u.i);
            hs[r] = HASH_LATE; /* skipped below */
            continue;
        }
        if (d->keys) {
            if (!vm_eval(d->keys, st->kregs, row, x))
                return op_fail_eval(s, in, r);
            for (uint32_t k = 0; k < nk; k++)
                kv[(size_t)r * nk + k] = st->kregs[d->keys->results[k]];
        }
        hs[r] = keys_hash(st, kv + (size_t)r * nk);
        __builtin_prefetch(&st->buckets[hs[r] & st->mask]);
    }
    for (uint32_t r = 0; r < in->n_rows; r++) {
        if (hs[r] == HASH_LATE)
            continue;
        if (r + PREFETCH_ROWS < in->n_rows) {
            Part *q = st->buckets[hs[r + PREFETCH_ROWS] & st->mask];
            if (q)
                __builtin_prefetch(q);
        }
        const Value *row = in->rows + (size_t)r * nc;
        const Value *tv = &row[d->time_col];
        int64_t ts;
        if (d->is_proctime)
            ts = tv->is_null ? x->now_ms : tv->u.i;
        else
            ts = tv->u.i;
        const Value *keys = kv + (size_t)r * nk, *args = NULL;
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
        if (st->ttl > 0)
            st->now = st->clock_step ? st->now + st->clock_step : x->now_ms;
        Part *p = part_get(s, st, keys, hs[r]);
        if (st->has_ttl)
            (*part_pend(st, p))++;
        Pending *pr = pend_new(st, row, args);
        pr->part = p;
        pr->ts = ts;
        pr->seq = st->seq++;
        if (d->is_proctime) {
            process_group(s, st, &pr, 1, 1, ba);
        } else {
            heap_push(st, pr);
        }
    }
    /* The late rows buffered for the sink point into in: write them now. */
    int lrc = late_out_flush(s, &st->late);
    if (lrc < 0)
        return lrc;
    if (st->ttl > 0) {
        /* about one bucket per processed row (event time: after the
         * watermark, when rows are processed): a full pass every
         * n_parts rows */
        if (d->is_proctime)
            part_sweep(s, st, SWEEP_STEP + in->n_rows);
        if (s->timer_ms == INT64_MAX)
            op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    }
    if (d->is_proctime || st->ttl > 0)
        return op_flush(s);
    return FSQL_OK;
}

static int over_timer(OpState *s, int64_t now_ms)
{
    OverState *st = s->priv;
    (void)now_ms;
    if (!st->clock_step)
        st->now = job_now_wall_ms();
    part_sweep(s, st, SWEEP_TIMER_STEP);
    if (st->n_parts > 0 && !s->is_finished)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return op_flush(s);
}

static int over_finish(OpState *s, uint32_t port)
{
    OverState *st = s->priv;
    op_set_timer(s, INT64_MAX);
    int rc = late_out_sync(s, &st->late);
    return rc < 0 ? rc : op_default_finish(s, port);
}

static int over_watermark(OpState *s, int64_t wm, uint32_t port)
{
    OverState *st = s->priv;
    if (!st->d->is_proctime && wm > s->wm_out) {
        size_t n = fire(s, st, wm);
        if (job_failed(s->job))
            return FSQL_E_INTERNAL;
        if (st->ttl > 0 && n > 0)
            part_sweep(s, st, SWEEP_STEP + n);
    }
    if (!st->has_lead)
        return op_default_watermark(s, wm, port);
    if (wm == WM_END)
        lead_flush(s, st);
    if (port < s->def->n_inputs && wm > s->wm_in[port])
        s->wm_in[port] = wm;
    if (st->d->is_proctime)
        return op_emit_watermark(s, wm);
    return op_emit_watermark(s, lead_wm_limit(st, wm));
}

/* Release the rows emitted during the push cycle that just ended. */
static void free_dead(OverState *st)
{
    for (size_t i = 0; i < st->n_dead; i++) {
        Pending *r = st->dead[i];
        if (st->has_lead) {
            Value *res = r->vals + st->n_in + st->n_args;
            for (uint32_t c = 0; c < st->d->n_calls; c++)
                if (!st->calls[c].is_lead)
                    value_unkeep(st->pool, &res[c]);
        }
        pend_free(st, r);
    }
    st->n_dead = 0;
}

static void over_roundtrip(OpState *s);

static void over_batch_end(OpState *s)
{
    OverState *st = s->priv;
    if (!st)
        return;
    free_dead(st);
    if (unlikely(st->test_roundtrip))
        over_roundtrip(s);
}

/* ---- figures --------------------------------------------------------------- */

/* What FSQL_OVER_STATS=1 prints at close (docs/windows.md, "How it runs,
 * and memory per row"): the memory the state holds, as allocated, over
 * the rows retained at that moment, split into the values the frames
 * need and everything beyond them. */
typedef struct OverFigures {
    size_t parts;   /* partition slab chunks (free blocks included) */
    size_t rings;   /* ring chunks and malloc'd rings (+16-byte headers) */
    size_t buckets; /* the partitions' hash table */
    size_t strings; /* the StrPool: chunks, large entries, buckets,
                       less the DISTINCT set blocks it holds */
    size_t sets;    /* DISTINCT sets, MIN/MAX deques (agg_heap_bytes) */
    size_t total;
    size_t values;  /* retained rows x (time + fixed-width arguments at
                       natural width) + their string bytes */
} OverFigures;

static size_t rings_bytes(const OverState *st)
{
    return st->rings.chunk_bytes + st->rings.big_bytes +
           (16 + sizeof(RingBig)) * st->rings.n_big;
}

/* Everything but the aggregate heaps, which only a walk can sum. */
static size_t state_bytes_known(const OverState *st, size_t *blocks)
{
    return st->part_chunk_bytes + rings_bytes(st) +
           (st->mask + 1) * sizeof(Part *) +
           strpool_mem_bytes(st->pool, blocks);
}

static void over_figures(const OverState *st, OverFigures *f)
{
    size_t blocks = 0;
    memset(f, 0, sizeof *f);
    f->parts = st->part_chunk_bytes;
    f->rings = rings_bytes(st);
    f->buckets = (st->mask + 1) * sizeof(Part *);
    f->strings = strpool_mem_bytes(st->pool, &blocks) - blocks;
    for (size_t i = 0; i <= st->mask; i++)
        for (Part *p = st->buckets[i]; p; p = p->next)
            for (uint32_t c = 0; c < st->d->n_calls; c++)
                if (!st->calls[c].is_positional)
                    f->sets += agg_heap_bytes(&st->calls[c].sp,
                                              part_state(st, p, c));
    f->total = f->parts + f->rings + f->buckets + f->strings + f->sets;
    f->values = (size_t)st->retained * st->val_fixed + st->retained_str;
}

/* Cheap peak tracking: the exact figure is computed only at close; the
 * peak of the incrementally known parts is kept here. */
static void track_peak(OverState *st)
{
    size_t b = state_bytes_known(st, NULL);
    if (b > st->peak_state_bytes)
        st->peak_state_bytes = b;
}

static void over_teardown(OpState *s);

static void over_print_figures(OpState *s, OverState *st)
{
    OverFigures f;
    over_figures(st, &f);
    uint64_t rr = st->retained;
    double per = rr ? 1.0 / (double)rr : 0.0;
    unsigned id = s->def->plan_id;
    fprintf(stderr,
            "fsql: OverAggregate#%u: %zu partitions, %llu retained rows "
            "(peak %llu), peak pending %llu, %llu late rows dropped, "
            "%llu partitions expired\n",
            id, st->n_parts, (unsigned long long)rr,
            (unsigned long long)st->peak_retained,
            (unsigned long long)st->n_pending_peak,
            (unsigned long long)s->rows_late,
            (unsigned long long)st->n_expired);
    fprintf(stderr,
            "fsql: OverAggregate#%u: state %zu bytes, %.1f per retained "
            "row: %.1f of values (time and arguments at natural width, "
            "strings by their bytes), %.1f beyond them\n",
            id, f.total, (double)f.total * per, (double)f.values * per,
            ((double)f.total - (double)f.values) * per);
    fprintf(stderr,
            "fsql: OverAggregate#%u: per partition: a %zu-byte block "
            "(%u inline ring slots of %u bytes) and %.2f hash buckets of "
            "8; per retained row: partitions %.1f, rings %.1f, hash "
            "buckets %.1f, strings %.1f, DISTINCT sets and MIN/MAX "
            "deques %.1f\n",
            id, st->part_slab.size, st->ring_inline, st->stride,
            st->n_parts ? (double)(st->mask + 1) / (double)st->n_parts : 0.0,
            (double)f.parts * per, (double)f.rings * per,
            (double)f.buckets * per, (double)f.strings * per,
            (double)f.sets * per);
}

static void over_close(OpState *s)
{
    OverState *st = s->priv;
    if (!st)
        return;
    const char *env = getenv("FSQL_OVER_STATS");
    if (env && *env && *env != '0' && st->buckets)
        over_print_figures(s, st);
    late_out_close(&st->late);
    over_teardown(s);
}

static void over_teardown(OpState *s)
{
    OverState *st = s->priv;
    free_dead(st);
    /* Nothing to release partition by partition: skip the walk (a cache
     * miss per partition). */
    bool walk = st->teardown_walk;
    for (size_t i = 0; walk && st->buckets && i <= st->mask; i++) {
        Part *p = st->buckets[i];
        while (p) {
            Part *next = p->next;
            part_free_teardown(st, p);
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
    xfree(st->hq);
    xfree(st->group);
    xfree(st->dead);
    slab_fini(&st->part_slab);
    ringpool_fini(&st->rings);
    strpool_free(st->pool);
    if (st->kregs)
        code_regs_fini(st->d->keys, st->kregs);
    if (st->aregs)
        code_regs_fini(st->d->args, st->aregs);
    s->priv = NULL;
}

/* ---- checkpoints ------------------------------------------------------------ */

/* Layout version 1 (after the u32 version and AGG_SNAP_VERSION): the
 * shape (keys, args, calls, frames, input columns), the arrival counter
 * and the TTL figures; the partitions (keys, positions, frame starts,
 * rank counters, TTL time, retained ring slots, aggregate states); the
 * rows waiting for the watermark (keys, time, arrival, input row,
 * arguments) in heap order; the rows held for LEAD (keys, time, arrival,
 * input row, arguments, results) oldest first. */
#define OVER_SNAP_VERSION 1u

static void snap_put_row(SnapWriter *w, OverState *st, const Pending *r,
                         bool with_results)
{
    part_keys_get(st, r->part, st->keybuf2);
    snap_put_values(w, st->keybuf2, st->n_keys);
    snap_put_i64(w, r->ts);
    snap_put_u64(w, r->seq);
    snap_put_values(w, r->vals, st->n_in + st->n_args);
    if (with_results)
        snap_put_values(w, r->vals + st->n_in + st->n_args, st->d->n_calls);
}

static int over_snapshot(OpState *s, SnapWriter *w)
{
    OverState *st = s->priv;
    int rc = late_out_sync(s, &st->late);
    if (rc < 0)
        return rc;
    snap_put_u32(w, OVER_SNAP_VERSION);
    snap_put_u32(w, AGG_SNAP_VERSION);
    snap_put_u32(w, st->n_keys);
    snap_put_u32(w, st->n_args);
    snap_put_u32(w, st->d->n_calls);
    snap_put_u32(w, st->d->n_frames);
    snap_put_u32(w, st->n_in);
    snap_put_u64(w, st->seq);
    snap_put_u64(w, st->n_expired);
    snap_put_i64(w, st->now);
    snap_put_u64(w, st->mask);
    snap_put_u64(w, st->sweep_pos);
    snap_put_u64(w, st->n_parts);
    /* Bucket by bucket, each chain from its tail: restore() pushes each
     * partition at its chain's head, so chains (and the TTL sweep's
     * order) come back as they were. */
    Part **chain = NULL;
    size_t chain_cap = 0;
    for (size_t b = 0; b <= st->mask; b++) {
        size_t n_chain = 0;
        for (Part *p = st->buckets[b]; p; p = p->next) {
            if (n_chain == chain_cap) {
                chain_cap = chain_cap ? chain_cap * 2 : 16;
                chain = xrealloc(chain, sizeof(Part *) * chain_cap);
            }
            chain[n_chain++] = p;
        }
        while (n_chain > 0) {
            Part *p = chain[--n_chain];
            part_keys_get(st, p, st->keybuf2);
            snap_put_values(w, st->keybuf2, st->n_keys);
            snap_put_u64(w, p->n_rows);
            snap_put_u64(w, st->need_ring ? part_base(p) : 0);
            const RankSt *rk = st->has_rank ? part_rank(st, p) : NULL;
            snap_put_i64(w, rk ? rk->last_ts : INT64_MIN);
            snap_put_u64(w, rk ? rk->rank : 0);
            snap_put_u64(w, rk ? rk->dense : 0);
            snap_put_i64(w, st->has_ttl ? *part_last_ms(st, p) : st->now);
            for (uint32_t f = 0; f < st->d->n_frames; f++)
                snap_put_u64(w, st->frames[f].is_bounded
                                    ? part_fs_get(st, p, st->frames[f].fs_slot)
                                    : 0);
            snap_put_u32(w, p->n);
            for (uint32_t i = 0; i < p->n; i++) {
                char *slot = slot_at(st, p, part_base(p) + i);
                snap_put_i64(w, slot_ts(slot));
                slot_args_get(st, slot, st->old_args);
                snap_put_values(w, st->old_args, st->n_args);
            }
            for (uint32_t c = 0; c < st->d->n_calls; c++)
                if (!st->calls[c].is_positional)
                    agg_state_snapshot(&st->calls[c].sp,
                                       part_state(st, p, c), w);
        }
    }
    xfree(chain);
    snap_put_u64(w, st->n_heap);
    for (size_t i = 0; i < st->n_heap; i++)
        snap_put_row(w, st, st->heap[i], false);
    uint64_t n_held = 0;
    for (size_t i = 0; i < st->hq_n; i++)
        n_held += !st->hq[(st->hq_head + i) % st->hq_cap].done;
    snap_put_u64(w, n_held);
    for (size_t i = 0; i < st->hq_n; i++) {
        const HoldEnt *e = &st->hq[(st->hq_head + i) % st->hq_cap];
        if (!e->done)
            snap_put_row(w, st, e->r, true);
    }
    return FSQL_OK;
}

/* The partition of keys k, created (fresh states) when absent. */
static Part *part_find_or_new(OverState *st, const Value *k)
{
    uint64_t h = keys_hash(st, k);
    for (Part *p = st->buckets[h & st->mask]; p; p = p->next) {
        if (p->hash == (uint32_t)h && part_keys_equal(st, p, k))
            return p;
    }
    return part_new(st, k, h, true);
}

static int restore_bad(OpState *s, const char *what)
{
    return op_fail(s, FSQL_E_STATE,
                   "OverAggregate#%u: the checkpoint's %s is malformed or "
                   "belongs to another query",
                   s->def->plan_id, what);
}

static void get_keys(OverState *st, SnapReader *r, Value *keys)
{
    if (st->n_keys)
        snap_get_typed(r, keys, st->n_keys, st->d->keys->result_types);
}

static void get_args(OverState *st, SnapReader *r, Value *args)
{
    if (st->n_args)
        snap_get_typed(r, args, st->n_args, st->d->args->result_types);
}

/* Read one pending/held row: its partition, a record with the strings
 * copied in, and (held rows) the results kept in the pool. */
static Pending *restore_row(OpState *s, OverState *st, SnapReader *r,
                            bool with_results)
{
    Value *keys = st->keybuf;
    get_keys(st, r, keys);
    int64_t ts = snap_get_i64(r);
    uint64_t seq = snap_get_u64(r);
    uint32_t nv = st->n_in + st->n_args;
    Value tmp[128];
    Value *v = nv + st->d->n_calls <= 128
                   ? tmp
                   : xmalloc(sizeof(Value) * (nv + st->d->n_calls));
    snap_get_values(r, v, st->n_in);
    snap_want_kinds(r, v, st->n_in, &s->def->out);
    get_args(st, r, v + st->n_in);
    if (with_results) {
        snap_get_values(r, v + nv, st->d->n_calls);
        for (uint32_t c = 0; c < st->d->n_calls; c++)
            snap_want_kind(r, &v[nv + c], st->d->calls[c].type.kind);
    }
    Pending *pr = NULL;
    if (!r->bad) {
        pr = pend_new(st, v, v + st->n_in);
        pr->part = part_find_or_new(st, keys);
        pr->ts = ts;
        pr->seq = seq;
        Value *res = pr->vals + nv;
        for (uint32_t c = 0; c < st->d->n_calls; c++) {
            if (with_results && !st->calls[c].is_lead)
                value_keep(st->pool, &res[c], &v[nv + c]);
            else
                res[c] = value_null(st->d->calls[c].type.kind);
        }
    }
    if (v != tmp)
        xfree(v);
    return pr;
}

static int over_restore(OpState *s, SnapReader *r)
{
    OverState *st = s->priv;
    uint32_t ver = snap_get_u32(r);
    uint32_t aver = snap_get_u32(r);
    if (ver != OVER_SNAP_VERSION || aver != AGG_SNAP_VERSION)
        return op_fail(s, FSQL_E_STATE,
                       "OverAggregate#%u: cannot restore state of layout "
                       "version %u/%u",
                       s->def->plan_id, ver, aver);
    if (snap_get_u32(r) != st->n_keys || snap_get_u32(r) != st->n_args ||
        snap_get_u32(r) != st->d->n_calls ||
        snap_get_u32(r) != st->d->n_frames || snap_get_u32(r) != st->n_in)
        return restore_bad(s, "OVER state");
    st->seq = snap_get_u64(r);
    st->n_expired = snap_get_u64(r);
    st->now = snap_get_i64(r);
    uint64_t mask = snap_get_u64(r);
    uint64_t sweep_pos = snap_get_u64(r);
    if (r->bad || mask > (1ull << 40) || ((mask + 1) & mask) != 0)
        return restore_bad(s, "OVER state");
    if (mask > st->mask && st->n_parts == 0) {
        xfree(st->buckets);
        st->mask = (size_t)mask;
        st->buckets = xcalloc(st->mask + 1, sizeof(Part *));
    }
    st->sweep_pos = (size_t)sweep_pos;
    uint64_t n_parts = snap_get_u64(r);
    Value *args = xmalloc(sizeof(Value) * (st->n_args + 1));
    uint64_t *fs = xmalloc(sizeof(uint64_t) * (st->d->n_frames + 1));
    for (uint64_t i = 0; i < n_parts && !r->bad; i++) {
        get_keys(st, r, st->keybuf);
        if (r->bad)
            break;
        Part *p = part_new(st, st->keybuf, keys_hash(st, st->keybuf), false);
        uint64_t n_rows = snap_get_u64(r);
        uint64_t base = snap_get_u64(r);
        RankSt rk;
        rk.last_ts = snap_get_i64(r);
        rk.rank = snap_get_u64(r);
        rk.dense = snap_get_u64(r);
        if (st->has_rank)
            *part_rank(st, p) = rk;
        int64_t last_ms = snap_get_i64(r);
        if (st->has_ttl)
            *part_last_ms(st, p) = last_ms;
        uint32_t n_fs = 0; /* fs[] in fs_slot order */
        for (uint32_t f = 0; f < st->d->n_frames; f++) {
            uint64_t v = snap_get_u64(r);
            if (st->frames[f].is_bounded)
                fs[n_fs++] = v;
        }
        uint32_t n = snap_get_u32(r);
        /* the ring holds rows base .. n_rows - 1 (none without a ring);
         * a frame starts at or before n_rows (below base it is clamped) */
        if (st->need_ring ? base > n_rows || n_rows - base != n : n != 0)
            r->bad = true;
        for (uint32_t f = 0; f < n_fs && !r->bad; f++)
            if (fs[f] > n_rows)
                r->bad = true;
        /* the ring's rows are pushed at their positions */
        p->n_rows = st->need_ring ? base : n_rows;
        for (uint32_t k = 0; k < n && !r->bad; k++) {
            int64_t ts = snap_get_i64(r);
            get_args(st, r, args);
            if (!r->bad) {
                ring_push(st, p, ts, args);
                p->n_rows++;
            }
        }
        for (uint32_t f = 0; f < n_fs && !r->bad; f++)
            part_fs_set(st, p, f, fs[f] < base ? base : fs[f]);
        bool ok = !r->bad;
        for (uint32_t c = 0; c < st->d->n_calls; c++) {
            if (st->calls[c].is_positional)
                continue;
            if (ok) {
                ok = agg_state_restore(&st->calls[c].sp,
                                       part_state(st, p, c), r);
            } else {
                /* keep the block valid for agg_fini at close */
                agg_init(&st->calls[c].sp, part_state(st, p, c));
            }
        }
        if (!ok)
            r->bad = true;
    }
    xfree(args);
    xfree(fs);
    if (r->bad)
        return restore_bad(s, "OVER partition state");
    uint64_t n_heap = snap_get_u64(r);
    for (uint64_t i = 0; i < n_heap && !r->bad; i++) {
        Pending *pr = restore_row(s, st, r, false);
        if (pr) {
            if (st->has_ttl)
                (*part_pend(st, pr->part))++;
            heap_push(st, pr);
        }
    }
    uint64_t n_held = snap_get_u64(r);
    for (uint64_t i = 0; i < n_held && !r->bad; i++) {
        Pending *pr = restore_row(s, st, r, true);
        if (pr)
            lead_requeue(st, pr);
    }
    if (r->bad || !snap_reader_done(r))
        return restore_bad(s, "OVER rows");
    if (st->ttl > 0 && st->n_parts > 0 && !s->is_finished &&
        s->timer_ms == INT64_MAX)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return FSQL_OK;
}

/* FSQL_TEST_OVER_ROUNDTRIP=1: at the end of every push cycle, snapshot
 * the operator, throw its state away, open it afresh and restore the
 * snapshot, as a restart from a checkpoint would.  The output must not
 * change (tests/oracle/over_windows.sh runs its datasets both ways). */
static void over_roundtrip(OpState *s)
{
    SnapWriter w;
    snap_writer_init(&w);
    int rc = over_snapshot(s, &w);
    OverState *st = s->priv;
    uint64_t peak_pending = st->n_pending_peak;
    LateOut late = st->late;
    over_teardown(s);
    if (rc == FSQL_OK)
        rc = over_open_state(s);
    if (rc == FSQL_OK) {
        ((OverState *)s->priv)->late = late;
        SnapReader r;
        snap_reader_init(&r, w.buf, w.len);
        rc = over_restore(s, &r);
        ((OverState *)s->priv)->n_pending_peak = peak_pending;
    }
    snap_writer_fini(&w);
    if (rc < 0 && !job_failed(s->job))
        op_fail(s, FSQL_E_STATE, "OverAggregate: snapshot round trip failed");
}

const OpVtbl op_over_vtbl = {
    .name = "OverAggregate",
    .open = over_open,
    .push = over_push,
    .watermark = over_watermark,
    .finish = over_finish,
    .timer = over_timer,
    .batch_end = over_batch_end,
    .close = over_close,
    .snapshot = over_snapshot,
    .restore = over_restore,
};
