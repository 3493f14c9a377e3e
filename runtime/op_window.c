/*
 * op_window.c - group windows: WindowTableFunction (window assignment),
 * GroupWindowAggregate (legacy GROUP BY TUMBLE/HOP/SESSION(...)) and
 * WindowAggregate (GROUP BY window_start, window_end of a window TVF).
 *
 * Input: one port.  Output:
 *   WindowTableFunction: input row ++ window_start, window_end,
 *     window_time, one row per window the row belongs to (HOP and
 *     CUMULATE assign several; SESSION passes [ts, ts + gap) and leaves
 *     the merging to the WindowAggregate above it; a HOP or CUMULATE TVF
 *     feeding a WindowAggregate on panes emits one row per input row, its
 *     window columns set to the row's slide-sized pane);
 *   the aggregates: keys ++ one column per call ++ window properties, one
 *     +I row per (key, window) when the window fires.
 *
 * Windows (Flink's assigners, all in epoch milliseconds):
 *   TUMBLE   [s, s + size) with s = ts - (ts - offset) mod size
 *   HOP      every [s, s + size) with s = k * slide + offset, s <= ts < s+size
 *   CUMULATE [s, s + k * step) for every k with s + k * step > ts, k * step
 *            <= size, s the TUMBLE(size) start
 *   SESSION  [ts, ts + gap) per row, merged per key with every session it
 *            intersects (touching counts, as in Flink's TimeWindow)
 * A WindowAggregate over a TVF takes (window_start, window_end) from the
 * TVF's columns; for SESSION it takes the row's time from window_start.
 *
 * Firing (event time): a window fires when the watermark reaches its last
 * millisecond (end - 1 <= watermark).  Every input row carries the
 * watermark in effect when it arrived (batch.h); before a row is
 * processed, the windows due at that watermark fire, and after a batch
 * the batch's watermark fires the rest.  The rows a job emits are
 * therefore the same however the input is cut into batches: a window is
 * either open for a row or has fired, as the per-row watermark says.  At
 * end of input the watermark is +inf and every window fires.  Windows of
 * one firing come out in order of window end, then in order of the first
 * row each (key, window) received.  Processing-time windows use the wall
 * clock for rows and a timer per window end.
 *
 * Late rows: a row is late for a window when that window has already
 * fired (its end - 1 <= the row's watermark); rows behind the watermark
 * whose window is still open are not late.  Policy ('table.exec.late-data'):
 *   drop (default): the row is left out of every late window; when it
 *     reaches no window at all it counts as dropped (OpState.rows_late,
 *     in the job summary) and goes to the late-data sink if one is set.
 *   emit: a fired window is kept for 'table.exec.emit.allow-lateness'
 *     (default: until end of input); a late row updates it and re-fires
 *     it at once: one more +I row with the complete updated result
 *     (DataStream late-firing semantics, so the output stays append-only
 *     and the last row for a window is the complete one).  Rows later
 *     than the allowed lateness are dropped as above.  SESSION windows
 *     are kept too (Session.is_fired): a late row merges into the kept
 *     and open sessions it touches and the merged session fires again;
 *     one that touches none fires at once as a session of its own.
 * The late-data sink ('table.exec.late-data.sink') receives one row per
 * dropped row with, by column name: operator_name (e.g.
 * "GroupWindowAggregate#4"), row_json (the input row as a JSON object),
 * row_time, watermark_time, and any column named like an input column of
 * the same type.
 *
 * State (TUMBLE/HOP/CUMULATE): one accumulator block per (key, window) in
 * a StateTable (runtime/state.h: key groups by the GROUP BY key only, so
 * a key's windows move together), plus the open window ends in a sorted
 * array whose groups list their entries.  A row of a HOP window of size
 * n * slide is stepped into n accumulators (CUMULATE: into every
 * window of its period that ends after it), unless the query can run on
 * panes (see "HOP and CUMULATE with panes" below: one accumulator per
 * (key, slide or step pane), merged when a window fires; the TVF then
 * sends each row once).
 * State of a window is freed when it fires (or, with 'emit', when its
 * allowed lateness ends).
 * SESSION: one entry per key with its open sessions; a session buffers
 * its rows' argument values (any aggregate can then run, merging is list
 * concatenation) and a min-heap of session ends drives firing.
 *
 * Checkpoints: snapshot/restore write and rebuild all of it (layout at
 * wagg_snapshot); the order of entries in their groups is kept, so a
 * restored operator emits the same rows in the same order.
 *
 * Memory: entries from the StateTable's slabs; strings kept in state
 * (keys, buffered arguments, MIN/MAX values) are references into the
 * operator's StrPool; results are built in the batch arena.
 */
#include "runtime/fsql.h"
#include "runtime/aggset.h"
#include "runtime/checkpoint.h"
#include "runtime/connector.h"
#include "runtime/job.h"
#include "runtime/late_out.h"
#include "runtime/op.h"
#include "runtime/state.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND16(x) (((x) + 15u) & ~15u)

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static Value ts_value(const RtType *t, int64_t ms)
{
    bool is_ts = t->kind == VK_TIMESTAMP || t->kind == VK_TIMESTAMP_LTZ;
    Value v = value_null(is_ts ? t->kind : VK_TIMESTAMP);
    v.is_null = false;
    v.u.i = ms;
    return v;
}

/* ---- window assignment ------------------------------------------------- */

typedef struct Win {
    int64_t start, end;
} Win;

/* Most windows one row can belong to. */
static uint32_t max_windows(const OpWindowSpec *w)
{
    switch (w->kind) {
    case OPW_HOP:
        return w->slide_ms > 0
                   ? (uint32_t)((w->size_ms + w->slide_ms - 1) / w->slide_ms)
                   : 1;
    case OPW_CUMULATE:
        return w->step_ms > 0
                   ? (uint32_t)((w->size_ms + w->step_ms - 1) / w->step_ms)
                   : 1;
    default:
        return 1;
    }
}

/* The windows of a row at time ts into out; returns how many. */
static uint32_t assign(const OpWindowSpec *w, int64_t ts, Win *out)
{
    uint32_t n = 0;
    switch (w->kind) {
    case OPW_TUMBLE: {
        int64_t s = time_window_start(ts, w->offset_ms, w->size_ms);
        out[n++] = (Win){s, s + w->size_ms};
        break;
    }
    case OPW_HOP: {
        int64_t last = time_window_start(ts, w->offset_ms, w->slide_ms);
        for (int64_t s = last; s > ts - w->size_ms; s -= w->slide_ms)
            out[n++] = (Win){s, s + w->size_ms};
        break;
    }
    case OPW_CUMULATE: {
        int64_t s = time_window_start(ts, w->offset_ms, w->size_ms);
        int64_t first =
            s + (time_floor_div(ts - s, w->step_ms) + 1) * w->step_ms;
        for (int64_t e = first; e <= s + w->size_ms; e += w->step_ms)
            out[n++] = (Win){s, e};
        break;
    }
    case OPW_SESSION:
        out[n++] = (Win){ts, ts + w->gap_ms};
        break;
    }
    return n;
}

/* Panes (HOP and CUMULATE, see "panes" below): the pane width (slide,
 * step), the end of the last window a pane starting at ps belongs to,
 * and the start of the window that ends at E. */
static inline int64_t pane_width(const OpWindowSpec *w)
{
    return w->kind == OPW_CUMULATE ? w->step_ms : w->slide_ms;
}

static inline int64_t pane_last_end(const OpWindowSpec *w, int64_t ps)
{
    if (w->kind == OPW_CUMULATE)
        return time_window_start(ps, w->offset_ms, w->size_ms) + w->size_ms;
    return ps + w->size_ms;
}

static inline int64_t pane_win_start(const OpWindowSpec *w, int64_t E)
{
    if (w->kind == OPW_CUMULATE)
        return time_window_start(E - 1, w->offset_ms, w->size_ms);
    return E - w->size_ms;
}

/* The row's time (NULL: false). */
static inline bool row_time(const Value *row, int32_t col, int64_t *ts)
{
    const Value *v = &row[col];
    if (v->is_null)
        return false;
    *ts = v->u.i;
    return true;
}

/* ---- WindowTableFunction ----------------------------------------------- */

typedef struct TvfState {
    LateOut late;
    Win *wins;
    bool pane_feed; /* emit each row once, as its pane (OpWindowTvfDef) */
} TvfState;

static bool panes_enabled(void);

static int tvf_open(OpState *s)
{
    TvfState *st = ARENA_NEW(&s->a, TvfState);
    s->priv = st;
    const OpWindowTvfDef *d = &s->def->u.tvf;
    st->wins = ARENA_NEW_ARRAY(&s->a, Win, max_windows(&d->win) + 1);
    st->pane_feed = d->pane_feed && panes_enabled();
    return late_out_open(s, &st->late, &d->late);
}

static int tvf_push(OpState *s, Batch *in, uint32_t port)
{
    TvfState *st = s->priv;
    const OpWindowTvfDef *d = &s->def->u.tvf;
    const RtSchema *out = &s->def->out;
    uint32_t nin = in->n_cols;
    const RtType *t_start = &out->cols[nin].type;
    const RtType *t_end = &out->cols[nin + 1].type;
    const RtType *t_time = &out->cols[nin + 2].type;
    /* Windows that have fired are left out here (with 'emit', only those
     * past their allowed lateness), so that the aggregate above counts
     * rows, not window rows. */
    bool drop_late = !d->win.is_proctime && d->win.kind != OPW_SESSION &&
                     !st->pane_feed;
    int64_t allow = d->late.policy == LATE_DROP ? 0 : d->late.allow_lateness_ms;
    int64_t now = d->win.is_proctime ? job_now_wall_ms() : 0;
    (void)port;
    s->out.split = in->split;
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = batch_row(in, r);
        int64_t ts = now;
        if (!d->win.is_proctime && !row_time(row, d->win.time_col, &ts)) {
            late_out_drop(s, &st->late, in, r, LATE_NO_TIME);
            continue;
        }
        uint32_t nw;
        if (st->pane_feed) {
            /* the row's pane; late when its last window has fired */
            int64_t pw = pane_width(&d->win);
            int64_t ps = time_window_start(ts, d->win.offset_ms, pw);
            st->wins[0] = (Win){ps, ps + pw};
            nw = in->wm[r] != WM_NONE &&
                         pane_last_end(&d->win, ps) - 1 <= in->wm[r]
                     ? 0
                     : 1;
        } else {
            nw = assign(&d->win, ts, st->wins);
        }
        uint32_t kept = 0;
        for (uint32_t i = 0; i < nw; i++) {
            const Win *w = &st->wins[i];
            if (drop_late && allow >= 0 && in->wm[r] != WM_NONE &&
                w->end - 1 <= in->wm[r] - allow)
                continue;
            kept++;
            Value *o = op_emit_row(s, (RowKind)in->kinds[r], in->wm[r]);
            memcpy(o, row, sizeof(Value) * nin);
            o[nin] = ts_value(t_start, w->start);
            o[nin + 1] = ts_value(t_end, w->end);
            o[nin + 2] = ts_value(t_time, w->end - 1);
        }
        if (kept == 0)
            late_out_drop(s, &st->late, in, r, ts);
    }
    int rc = op_flush(s);
    if (rc == FSQL_OK)
        rc = late_out_flush(s, &st->late);
    return rc;
}

static void tvf_close(OpState *s)
{
    TvfState *st = s->priv;
    if (st)
        late_out_close(&st->late);
}

/* ---- window aggregates: state ------------------------------------------ */

/* One (key, window) of TUMBLE/HOP/CUMULATE; followed by the key Values
 * (keys_off) and the accumulator block (block_off). */
typedef struct WinEntry {
    struct WinEntry *next; /* in its FireGroup, first row first */
    int64_t start, end;    /* the window, or the pane (HOP with panes) */
    uint64_t seq;          /* panes: creation order (first row first) */
    struct WinEntry *kprev, *knext; /* panes: the key's panes by start */
    struct PaneKey *pk;    /* panes: the key's chain */
} WinEntry;

/* HOP with panes: a key's panes, oldest first (entry of st->ktable,
 * found by the key hash and the head pane's keys). */
typedef struct PaneKey {
    WinEntry *head, *tail;
    /* CUMULATE: the running result of the period that starts at r_start
     * (INT64_MIN: none), an accumulator block after the PaneKey
     * (pk_block): every pane that starts before r_end is folded in;
     * r_next is the first pane that is not, r_seq the lowest seq. */
    WinEntry *r_next;
    int64_t r_start, r_end;
    uint64_t r_seq;
} PaneKey;

/* The entries of one window end. */
typedef struct FireGroup {
    int64_t end;
    WinEntry *head, *tail;
    bool is_fired; /* fired; kept for late rows ('emit') or empty */
} FireGroup;

/* One session of a key: open, or fired and kept for late rows ('emit'
 * with an allowed lateness). */
typedef struct Session {
    struct Session *next;
    int64_t start, end; /* [start, end): end = last row time + gap */
    uint64_t id;
    bool is_fired;      /* fired, kept until end + allowed lateness */
    uint32_t n_rows, cap_rows;
    Value *rows; /* n_rows * n_args argument values (kept) */
} Session;

/* A key of a SESSION aggregate; followed by the key Values. */
typedef struct SessKey {
    Session *first;
    uint32_t n_timers; /* heap entries that point here */
} SessKey;

/* A session's next action at watermark end - 1: fire it, or (fired)
 * free it.  A timer whose time is not the session's session_due() any
 * more is stale and does nothing. */
typedef struct SessTimer {
    int64_t end;
    uint64_t id;
    SessKey *k;
} SessTimer;

typedef struct WaggState {
    const OpWindowAggDef *d;
    AggSet aggs;
    StrPool *pool;
    StateTable *table;
    uint32_t keys_off, block_off;
    const RtType *key_types;
    Value *kregs, *aregs; /* register files of keys / args */
    Value *keyv, *argv;   /* evaluated keys and arguments of a row */
    uint32_t n_argv;
    Value *outv; /* aggregate results */
    Win *wins;
    bool is_session;
    bool retain;      /* 'emit': keep fired windows (and sessions) */
    int64_t fired_wm; /* highest watermark fired at */
    /* TUMBLE/HOP/CUMULATE */
    FireGroup *groups;
    uint32_t lo, n_groups, cap_groups;
    /* SESSION */
    SessTimer *heap;
    uint32_t n_heap, cap_heap;
    uint64_t next_id;
    void *scratch; /* one accumulator block */
    /* HOP with panes (see pane_mode): entries are (key, pane) */
    bool panes;
    bool cum_panes;     /* CUMULATE on panes: running results per key */
    StateTable *ktable; /* PaneKey per key */
    int64_t pane_done; /* every window with end <= this has fired
                          (INT64_MIN: none yet) */
    uint64_t next_seq;
    struct PaneItem *items; /* one firing's (key, window)s */
    char *item_blocks;      /* their merged accumulators */
    uint32_t n_items, cap_items;
    LateOut late;
} WaggState;

typedef struct KeyCtx {
    const WaggState *st;
    const Value *keys;
    int64_t start, end;
} KeyCtx;

static inline Value *entry_keys(const WaggState *st, void *e)
{
    return (Value *)((char *)e + st->keys_off);
}

static inline void *entry_block(const WaggState *st, void *e)
{
    return (char *)e + st->block_off;
}

static bool keys_equal(const WaggState *st, const Value *a, const Value *b)
{
    for (uint32_t i = 0; i < st->d->n_keys; i++)
        if (!value_equal(&a[i], &b[i], &st->key_types[i]))
            return false;
    return true;
}

static bool win_eq(const void *entry, const void *ctx)
{
    const KeyCtx *k = ctx;
    const WinEntry *e = entry;
    return e->end == k->end && e->start == k->start &&
           keys_equal(k->st, entry_keys(k->st, (void *)e), k->keys);
}

static bool sess_eq(const void *entry, const void *ctx)
{
    const KeyCtx *k = ctx;
    return keys_equal(k->st, entry_keys(k->st, (void *)entry), k->keys);
}

static uint64_t hash_keys(const WaggState *st, const Value *keys)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint32_t i = 0; i < st->d->n_keys; i++)
        h = mix64(h ^ value_hash(&keys[i], &st->key_types[i]));
    return h;
}

/* Key group from the key alone; the rest mixes in the window. */
static uint64_t hash_window(uint64_t hk, int64_t start, int64_t end)
{
    uint64_t hw = mix64(hk ^ ((uint64_t)start * 31u + (uint64_t)end));
    return (hw & ~(uint64_t)(STATE_KEY_GROUPS - 1)) |
           (hk & (STATE_KEY_GROUPS - 1));
}

static void keys_keep(WaggState *st, Value *dst, const Value *src)
{
    for (uint32_t i = 0; i < st->d->n_keys; i++)
        value_keep(st->pool, &dst[i], &src[i]);
}

static void keys_unkeep(WaggState *st, const Value *keys)
{
    for (uint32_t i = 0; i < st->d->n_keys; i++)
        value_unkeep(st->pool, &keys[i]);
}

/* ---- emitting a result ------------------------------------------------- */

static void emit_result(OpState *s, WaggState *st, const Value *keys,
                        const void *block, int64_t start, int64_t end)
{
    const OpWindowAggDef *d = st->d;
    Arena *a = job_batch_arena(s->job);
    Value *o = op_emit_row(s, ROW_INSERT, s->wm_out);
    uint32_t c = 0;
    for (uint32_t i = 0; i < d->n_keys; i++, c++)
        value_copy_to(a, &o[c], &keys[i]);
    aggset_final(&st->aggs, block, o + c, a);
    c += d->n_aggs;
    const RtSchema *out = &s->def->out;
    for (uint32_t i = 0; i < d->n_props; i++, c++) {
        const RtType *t = &out->cols[c].type;
        switch ((OpWinProp)d->props[i]) {
        case OPWP_START:
            o[c] = ts_value(t, start);
            break;
        case OPWP_END:
            o[c] = ts_value(t, end);
            break;
        case OPWP_ROWTIME:
            o[c] = ts_value(t, end - 1);
            break;
        case OPWP_PROCTIME:
            o[c] = ts_value(t, job_now_wall_ms());
            break;
        }
    }
}

/* ---- TUMBLE / HOP / CUMULATE -------------------------------------------- */

/* Index of the group for end (inserted when missing). */
static uint32_t group_for(WaggState *st, int64_t end, bool *is_new)
{
    uint32_t lo = st->lo, hi = st->n_groups;
    *is_new = false;
    if (hi > lo && st->groups[hi - 1].end < end) {
        lo = hi; /* the common case: a later window */
    } else {
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (st->groups[mid].end < end)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < st->n_groups && st->groups[lo].end == end)
            return lo;
    }
    if (st->n_groups == st->cap_groups) {
        if (st->lo > st->n_groups / 2) {
            memmove(st->groups, st->groups + st->lo,
                    sizeof(FireGroup) * (st->n_groups - st->lo));
            st->n_groups -= st->lo;
            lo -= st->lo;
            st->lo = 0;
        } else {
            st->cap_groups = st->cap_groups ? st->cap_groups * 2 : 16;
            st->groups =
                xrealloc(st->groups, sizeof(FireGroup) * st->cap_groups);
        }
    }
    memmove(st->groups + lo + 1, st->groups + lo,
            sizeof(FireGroup) * (st->n_groups - lo));
    st->n_groups++;
    FireGroup *g = &st->groups[lo];
    memset(g, 0, sizeof *g);
    g->end = end;
    *is_new = true;
    return lo;
}

static void pane_unlink(WaggState *st, WinEntry *e);

static void entry_free(WaggState *st, WinEntry *e)
{
    if (st->panes)
        pane_unlink(st, e);
    aggset_fini(&st->aggs, entry_block(st, e));
    keys_unkeep(st, entry_keys(st, e));
    state_table_delete(st->table, e);
}

/* Fire every window with end - 1 <= wm, then drop fired groups whose
 * allowed lateness has passed. */
static void fire_windows(OpState *s, WaggState *st, int64_t wm)
{
    for (uint32_t i = st->lo; i < st->n_groups; i++) {
        FireGroup *g = &st->groups[i];
        if (g->end - 1 > wm)
            break;
        if (g->is_fired)
            continue;
        for (WinEntry *e = g->head; e; e = e->next)
            emit_result(s, st, entry_keys(st, e), entry_block(st, e), e->start,
                        e->end);
        g->is_fired = true;
        if (!st->retain) {
            WinEntry *e = g->head;
            while (e) {
                WinEntry *n = e->next;
                entry_free(st, e);
                e = n;
            }
            g->head = g->tail = NULL;
        }
    }
    int64_t allow = st->d->late.allow_lateness_ms;
    while (st->lo < st->n_groups) {
        FireGroup *g = &st->groups[st->lo];
        if (!g->is_fired)
            break;
        if (g->head && wm != WM_END && (allow < 0 || g->end - 1 > wm - allow))
            break;
        WinEntry *e = g->head;
        while (e) {
            WinEntry *n = e->next;
            entry_free(st, e);
            e = n;
        }
        st->lo++;
    }
    if (st->lo == st->n_groups)
        st->lo = st->n_groups = 0;
}

/* The entry of (keys, w), created (and added to its group) if missing;
 * *gi receives the group index. */
static WinEntry *win_entry(WaggState *st, uint64_t hk, const Win *w,
                           bool group_fired, uint32_t *gi)
{
    KeyCtx kc = {st, st->keyv, w->start, w->end};
    uint64_t h = hash_window(hk, w->start, w->end);
    WinEntry *e = state_table_find(st->table, h, win_eq, &kc);
    bool is_new;
    *gi = group_for(st, w->end, &is_new);
    if (is_new)
        st->groups[*gi].is_fired = group_fired;
    if (e)
        return e;
    e = state_table_insert(st->table, h);
    e->start = w->start;
    e->end = w->end;
    keys_keep(st, entry_keys(st, e), st->keyv);
    aggset_start(&st->aggs, entry_block(st, e), true);
    FireGroup *g = &st->groups[*gi];
    if (g->tail)
        g->tail->next = e;
    else
        g->head = e;
    g->tail = e;
    return e;
}

/* ---- HOP and CUMULATE with panes ----------------------------------------- */

/* A HOP window of size n * slide is the union of n slide-sized panes.
 * With panes, a row is stepped into one accumulator (its key's pane)
 * instead of n, and a window is computed when it fires by merging the
 * key's panes it covers (agg_merge), so the cost per row does not grow
 * with size / slide.  Used when every aggregate can merge (no DISTINCT,
 * LISTAGG, percentiles; FIRST_VALUE/LAST_VALUE neither: merging panes in
 * time order would not give the first/last row to arrive), the size is a
 * multiple of the slide and late rows are dropped (no kept windows to
 * re-fire); for the legacy GROUP BY HOP(...), or for a HOP TVF that
 * feeds this aggregate alone (the TVF then emits each row once, as its
 * pane).  The planner makes this choice (compiler/plan.c mark_panes, so
 * that EXPLAIN can say it) and records it in the OpDefs (on_panes,
 * pane_feed); FSQL_WINDOW_PANES=0 in the environment turns it off
 * (benchmarks compare both forms).
 *
 * CUMULATE(step, max) runs on step-sized panes the same way (TVF only);
 * as all windows of a period start at its start, each key keeps a
 * running result of the period (PaneKey, pk_block) into which the panes
 * up to the window end are folded when a window fires: O(1) merges per
 * window; a row for a pane already folded is stepped into both.
 *
 * Entries are WinEntrys of (key, pane) in FireGroups keyed by pane end
 * (which frees them in time order), and each key's panes are also chained
 * in start order from a PaneKey (st->ktable).  Firing window end E
 * (E - 1 <= watermark) walks the keys: a key whose oldest pane ends by E
 * has rows in the window; its panes up to E are merged into a scratch
 * block and emitted.  Keys come out in order of their first row in the
 * window (the lowest pane seq), as in the per-window form.  pane_done
 * moves to the last end fired (and, with the watermark, past windows
 * that had no rows); a pane is freed once the last window it belongs to
 * (HOP: pane start + size; CUMULATE: its period's end, pane_last_end) is
 * done.  Cost: one accumulator update per row, and per fired window one
 * visit per key holding panes plus one merge per (key, non-empty pane) in
 * the window (CUMULATE: per pane not yet folded). */

typedef struct PaneItem {
    uint64_t seq; /* the key's lowest pane seq in the window */
    WinEntry *e;  /* the key's oldest pane in the window */
    uint32_t idx; /* its merged block in st->item_blocks (HOP) */
    PaneKey *pk;  /* CUMULATE: the running result is the block */
} PaneItem;

/* Block i of the firing's merged results (16-byte aligned). */
static inline void *item_block(const WaggState *st, uint32_t i)
{
    uintptr_t base = ((uintptr_t)st->item_blocks + 15u) & ~(uintptr_t)15u;
    return (char *)base + (size_t)st->aggs.state_size * i;
}

/* Whether panes may be used: the planner decides per operator (OpDef
 * on_panes / pane_feed, compiler/plan.c mark_panes); FSQL_WINDOW_PANES=0
 * in the environment turns them off for the TVF and the aggregate alike
 * (benchmarks compare both forms). */
static bool panes_enabled(void)
{
    const char *env = getenv("FSQL_WINDOW_PANES");
    return !(env && strcmp(env, "0") == 0);
}

/* Whether the aggregate s runs on panes (legacy HOP, or fed by a TVF). */
static bool pane_mode(OpState *s)
{
    return s->def->u.wagg.on_panes && panes_enabled();
}

static inline void *pk_block(const PaneKey *pk)
{
    return (char *)(uintptr_t)pk + ROUND16((uint32_t)sizeof(PaneKey));
}

static bool pk_eq(const void *entry, const void *ctx)
{
    const KeyCtx *k = ctx;
    const PaneKey *pk = entry;
    return keys_equal(k->st, entry_keys(k->st, pk->head), k->keys);
}

/* Put a new pane e (keys set, hash hk) into its key's chain, in start
 * order (rows mostly come in order: the walk from the tail is short). */
static void pane_link(WaggState *st, WinEntry *e, uint64_t hk)
{
    KeyCtx kc = {st, entry_keys(st, e), 0, 0};
    PaneKey *pk = state_table_find(st->ktable, hk, pk_eq, &kc);
    if (!pk) {
        pk = state_table_insert(st->ktable, hk);
        pk->head = pk->tail = e;
        pk->r_start = INT64_MIN;
        e->pk = pk;
        return;
    }
    e->pk = pk;
    WinEntry *after = pk->tail;
    while (after && after->start > e->start)
        after = after->kprev;
    e->kprev = after;
    e->knext = after ? after->knext : pk->head;
    if (e->knext)
        e->knext->kprev = e;
    else
        pk->tail = e;
    if (after)
        after->knext = e;
    else
        pk->head = e;
    if (pk->r_start != INT64_MIN && e->start >= pk->r_end &&
        (!pk->r_next || e->start < pk->r_next->start))
        pk->r_next = e;
}

static void pane_unlink(WaggState *st, WinEntry *e)
{
    PaneKey *pk = e->pk;
    if (!pk)
        return;
    if (pk->r_next == e)
        pk->r_next = e->knext;
    if (e->kprev)
        e->kprev->knext = e->knext;
    else
        pk->head = e->knext;
    if (e->knext)
        e->knext->kprev = e->kprev;
    else
        pk->tail = e->kprev;
    e->pk = NULL;
    if (!pk->head) {
        if (pk->r_start != INT64_MIN)
            aggset_fini(&st->aggs, pk_block(pk));
        state_table_delete(st->ktable, pk);
    }
}

static int cmp_items(const void *a, const void *b)
{
    const PaneItem *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Emit window [E - size, E) for every key that has rows in it.  Every
 * live pane ends after E - size (older ones have been freed), so a key
 * is in the window when its oldest pane ends by E.  One walk over a
 * key's panes merges them into the item's block and finds the lowest
 * seq; the items are then sorted and emitted. */
static void pane_fire_window(OpState *s, WaggState *st, int64_t E)
{
    int64_t ws = pane_win_start(&st->d->win, E);
    uint32_t bs = st->aggs.state_size;
    uint64_t pos = 0;
    PaneKey *pk;
    st->n_items = 0;
    while ((pk = state_table_next(st->ktable, &pos)) != NULL) {
        WinEntry *e = pk->head;
        if (e->end > E)
            continue; /* only later panes (rows ahead of the others) */
        if (st->cum_panes) {
            /* fold the panes up to E into the period's running result */
            if (pk->r_start != ws) {
                if (pk->r_start != INT64_MIN)
                    aggset_fini(&st->aggs, pk_block(pk));
                aggset_start(&st->aggs, pk_block(pk), true);
                pk->r_start = pk->r_end = ws;
                pk->r_next = pk->head;
                pk->r_seq = UINT64_MAX;
            }
            WinEntry *p = pk->r_next;
            while (p && p->start < ws)
                p = p->knext;
            for (; p && p->start < E; p = p->knext) {
                aggset_merge(&st->aggs, pk_block(pk), entry_block(st, p));
                if (p->seq < pk->r_seq)
                    pk->r_seq = p->seq;
            }
            pk->r_next = p;
            pk->r_end = E;
        }
        if (st->n_items == st->cap_items) {
            st->cap_items = st->cap_items ? st->cap_items * 2 : 64;
            st->items = xrealloc(st->items, sizeof(PaneItem) * st->cap_items);
            /* move the blocks merged so far (aligned copy) */
            char *nb = xmalloc((size_t)bs * st->cap_items + 16);
            char *old = st->item_blocks;
            st->item_blocks = nb;
            if (old) {
                uintptr_t ob = ((uintptr_t)old + 15u) & ~(uintptr_t)15u;
                memcpy(item_block(st, 0), (void *)ob,
                       (size_t)bs * st->n_items);
                xfree(old);
            }
        }
        PaneItem *it = &st->items[st->n_items];
        it->e = e;
        it->idx = st->n_items++;
        it->pk = pk;
        if (st->cum_panes) {
            it->seq = pk->r_seq;
            continue;
        }
        void *blk = item_block(st, it->idx);
        aggset_start(&st->aggs, blk, true);
        uint64_t seq = e->seq;
        for (WinEntry *p = e; p && p->start < E; p = p->knext) {
            if (p->knext) /* the chain's entries are scattered: load the
                             next one while this one merges */
                __builtin_prefetch(p->knext);
            aggset_merge(&st->aggs, blk, entry_block(st, p));
            if (p->seq < seq)
                seq = p->seq;
        }
        it->seq = seq;
    }
    if (st->n_items > 1)
        qsort(st->items, st->n_items, sizeof(PaneItem), cmp_items);
    for (uint32_t i = 0; i < st->n_items; i++) {
        const PaneItem *it = &st->items[i];
        if (st->cum_panes) {
            emit_result(s, st, entry_keys(st, it->e), pk_block(it->pk), ws,
                        E);
            continue;
        }
        void *blk = item_block(st, it->idx);
        emit_result(s, st, entry_keys(st, it->e), blk, ws, E);
        aggset_fini(&st->aggs, blk);
    }
    st->n_items = 0;
}

/* Free the panes whose last window is done. */
static void pane_gc(WaggState *st)
{
    const OpWindowSpec *w = &st->d->win;
    int64_t pw = pane_width(w);
    while (st->lo < st->n_groups) {
        FireGroup *g = &st->groups[st->lo];
        if (st->pane_done == INT64_MIN ||
            pane_last_end(w, g->end - pw) > st->pane_done)
            break;
        WinEntry *e = g->head;
        while (e) {
            WinEntry *n = e->next;
            entry_free(st, e);
            e = n;
        }
        st->lo++;
    }
    if (st->lo == st->n_groups)
        st->lo = st->n_groups = 0;
}

/* The end of the next window that may fire (INT64_MAX: none). */
static int64_t pane_next_end(const WaggState *st)
{
    if (st->lo == st->n_groups)
        return INT64_MAX;
    int64_t E = st->groups[st->lo].end;
    int64_t pw = pane_width(&st->d->win);
    if (st->pane_done != INT64_MIN && st->pane_done + pw > E)
        E = st->pane_done + pw;
    return E;
}

static void fire_panes(OpState *s, WaggState *st, int64_t wm)
{
    for (;;) {
        int64_t E = pane_next_end(st);
        if (E == INT64_MAX || (wm != WM_END && E - 1 > wm))
            break;
        pane_fire_window(s, st, E);
        st->pane_done = E;
        pane_gc(st);
    }
    if (wm != WM_END) {
        /* windows without rows up to the watermark are done too */
        const OpWindowSpec *w = &st->d->win;
        int64_t done = time_window_start(wm + 1, w->offset_ms, pane_width(w));
        if (st->pane_done == INT64_MIN || done > st->pane_done)
            st->pane_done = done;
        pane_gc(st);
    }
}

/* A row at ts with watermark wm joins its key's pane; false when every
 * window of the pane has fired (the row is late). */
static bool pane_row(WaggState *st, uint64_t hk, int64_t ts, int64_t wm)
{
    const OpWindowSpec *w = &st->d->win;
    int64_t ps = time_window_start(ts, w->offset_ms, pane_width(w));
    int64_t last = pane_last_end(w, ps);
    if (wm != WM_NONE && last - 1 <= wm)
        return false;
    if (st->pane_done != INT64_MIN && last <= st->pane_done)
        return false;
    Win pw = {ps, ps + pane_width(w)};
    uint32_t gi;
    WinEntry *e = win_entry(st, hk, &pw, false, &gi);
    if (e->seq == 0) { /* new: seq numbers start at 1 */
        e->seq = ++st->next_seq;
        pane_link(st, e, hk);
    }
    aggset_step(&st->aggs, entry_block(st, e), st->argv);
    PaneKey *pk = e->pk;
    if (st->cum_panes && pk->r_start != INT64_MIN && e->start >= pk->r_start &&
        e->start < pk->r_end) {
        /* a pane already folded into the running result (a row behind
         * the others): the result takes the row too */
        aggset_step(&st->aggs, pk_block(pk), st->argv);
        if (e->seq < pk->r_seq)
            pk->r_seq = e->seq;
    }
    return true;
}

/* ---- SESSION -------------------------------------------------------------- */

static bool timer_less(const SessTimer *a, const SessTimer *b)
{
    return a->end < b->end || (a->end == b->end && a->id < b->id);
}

static void heap_push(WaggState *st, SessTimer t)
{
    if (st->n_heap == st->cap_heap) {
        st->cap_heap = st->cap_heap ? st->cap_heap * 2 : 64;
        st->heap = xrealloc(st->heap, sizeof(SessTimer) * st->cap_heap);
    }
    uint32_t i = st->n_heap++;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!timer_less(&t, &st->heap[p]))
            break;
        st->heap[i] = st->heap[p];
        i = p;
    }
    st->heap[i] = t;
    t.k->n_timers++;
}

static SessTimer heap_pop(WaggState *st)
{
    SessTimer top = st->heap[0];
    SessTimer last = st->heap[--st->n_heap];
    uint32_t i = 0, n = st->n_heap;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && timer_less(&st->heap[c + 1], &st->heap[c]))
            c++;
        if (!timer_less(&st->heap[c], &last))
            break;
        st->heap[i] = st->heap[c];
        i = c;
    }
    if (n > 0)
        st->heap[i] = last;
    top.k->n_timers--;
    return top;
}

static void session_free(WaggState *st, Session *x)
{
    uint32_t na = st->n_argv;
    for (uint32_t i = 0; i < x->n_rows * na; i++)
        value_unkeep(st->pool, &x->rows[i]);
    xfree(x->rows);
    xfree(x);
}

static void session_add_row(WaggState *st, Session *x, const Value *args)
{
    uint32_t na = st->n_argv;
    if (x->n_rows == x->cap_rows) {
        x->cap_rows = x->cap_rows ? x->cap_rows * 2 : 4;
        x->rows = xrealloc(x->rows, sizeof(Value) * na * x->cap_rows + 1);
    }
    Value *dst = x->rows + (size_t)x->n_rows * na;
    for (uint32_t i = 0; i < na; i++)
        value_keep(st->pool, &dst[i], &args[i]);
    x->n_rows++;
}

/* Move the rows of b to the end of a (the references move too). */
static void session_absorb(WaggState *st, Session *a, Session *b)
{
    uint32_t na = st->n_argv;
    if (a->n_rows + b->n_rows > a->cap_rows) {
        a->cap_rows = a->n_rows + b->n_rows;
        a->rows = xrealloc(a->rows, sizeof(Value) * na * a->cap_rows + 1);
    }
    if (b->n_rows)
        memcpy(a->rows + (size_t)a->n_rows * na, b->rows,
               sizeof(Value) * na * b->n_rows);
    a->n_rows += b->n_rows;
    if (b->start < a->start)
        a->start = b->start;
    if (b->end > a->end)
        a->end = b->end;
    xfree(b->rows);
    xfree(b);
}

static void sesskey_maybe_free(WaggState *st, SessKey *k)
{
    if (k->first || k->n_timers)
        return;
    keys_unkeep(st, entry_keys(st, k));
    state_table_delete(st->table, k);
}

/* When session x acts next (SessTimer): an open one fires at its end, a
 * fired one is freed once the allowed lateness has passed its end (at
 * end of input when the lateness is unbounded). */
static int64_t session_due(const WaggState *st, const Session *x)
{
    if (!x->is_fired || !st->retain) /* !retain: restored under 'drop' */
        return x->end;
    int64_t allow = st->d->late.allow_lateness_ms;
    return allow < 0 ? INT64_MAX : x->end + allow;
}

static void session_fire(OpState *s, WaggState *st, SessKey *k, Session *x)
{
    void *blk = st->scratch;
    aggset_start(&st->aggs, blk, true);
    for (uint32_t r = 0; r < x->n_rows; r++)
        aggset_step(&st->aggs, blk, x->rows + (size_t)r * st->n_argv);
    emit_result(s, st, entry_keys(st, k), blk, x->start, x->end);
    aggset_fini(&st->aggs, blk);
}

static void fire_sessions(OpState *s, WaggState *st, int64_t wm)
{
    while (st->n_heap > 0 && st->heap[0].end - 1 <= wm) {
        SessTimer t = heap_pop(st);
        Session **pp = &t.k->first;
        while (*pp && (*pp)->id != t.id)
            pp = &(*pp)->next;
        Session *x = *pp;
        if (x && session_due(st, x) == t.end) {
            if (!x->is_fired)
                session_fire(s, st, t.k, x);
            if (st->retain && !x->is_fired) {
                x->is_fired = true;
                heap_push(st, (SessTimer){session_due(st, x), x->id, t.k});
            } else {
                *pp = x->next;
                session_free(st, x);
            }
        }
        sesskey_maybe_free(st, t.k);
    }
}

/* Add a row at ts to its key's sessions.  Returns false when the row is
 * late: it reaches no open or kept session, and its own session would
 * have fired (under 'emit': more than the allowed lateness ago).  Under
 * 'emit' a row that reaches a fired session, or makes a session of its
 * own behind the watermark, fires the (merged) session again at once. */
static bool session_row(OpState *s, WaggState *st, int64_t ts, int64_t wm)
{
    const OpWindowAggDef *d = st->d;
    uint64_t hk = hash_keys(st, st->keyv);
    KeyCtx kc = {st, st->keyv, 0, 0};
    SessKey *k = state_table_find(st->table, hk, sess_eq, &kc);
    int64_t ws = ts, we = ts + d->win.gap_ms;
    Session *hit = NULL;
    int64_t old_end = INT64_MIN; /* hit's end before merging */
    if (k) {
        Session **pp = &k->first;
        while (*pp) {
            Session *x = *pp;
            if (x->start <= we && x->end >= ws) {
                if (!hit) {
                    hit = x;
                    old_end = x->end;
                    pp = &x->next;
                } else {
                    *pp = x->next;
                    session_absorb(st, hit, x);
                }
                continue;
            }
            pp = &x->next;
        }
    }
    if (!hit && we - 1 <= wm && wm != WM_NONE &&
        (!st->retain || (d->late.allow_lateness_ms >= 0 &&
                         we - 1 <= wm - d->late.allow_lateness_ms)))
        return false;
    if (!k) {
        k = state_table_insert(st->table, hk);
        keys_keep(st, entry_keys(st, k), st->keyv);
    }
    /* A session that absorbed a later one may end later than its own
     * timer: a new timer (the absorbed session's is stale, its id gone). */
    if (!hit) {
        hit = xcalloc(1, sizeof *hit);
        hit->start = ws;
        hit->end = we;
        hit->id = st->next_id++;
        hit->next = k->first;
        k->first = hit;
    } else {
        if (ws < hit->start)
            hit->start = ws;
        if (we > hit->end)
            hit->end = we;
    }
    session_add_row(st, hit, st->argv);
    bool refire = hit->is_fired;
    hit->is_fired = false;
    if (hit->end != old_end || refire)
        heap_push(st, (SessTimer){hit->end, hit->id, k});
    if (hit->end - 1 <= wm) /* 'emit': a late session fires at once */
        fire_sessions(s, st, wm);
    return true;
}

/* ---- window aggregates: the operator ------------------------------------ */

static void set_timer(OpState *s, WaggState *st)
{
    int64_t next = INT64_MAX;
    if (st->is_session) {
        if (st->n_heap)
            next = st->heap[0].end;
    } else if (st->panes) {
        next = pane_next_end(st);
    } else {
        for (uint32_t i = st->lo; i < st->n_groups; i++)
            if (!st->groups[i].is_fired) {
                next = st->groups[i].end;
                break;
            }
    }
    if (next == INT64_MAX) {
        op_set_timer(s, INT64_MAX);
        return;
    }
    int64_t delay = next - job_now_wall_ms();
    op_set_timer(s, job_now_mono_ms() + (delay > 0 ? delay : 0));
}

static void fire_due(OpState *s, WaggState *st, int64_t wm)
{
    if (wm == WM_NONE)
        return;
    if (st->is_session)
        fire_sessions(s, st, wm);
    else if (st->panes)
        fire_panes(s, st, wm);
    else
        fire_windows(s, st, wm);
    st->fired_wm = wm;
}

static int wagg_open(OpState *s)
{
    WaggState *st = ARENA_NEW(&s->a, WaggState);
    s->priv = st;
    const OpWindowAggDef *d = &s->def->u.wagg;
    st->d = d;
    st->pool = strpool_new();
    char err[200];
    if (!aggset_init(&st->aggs, &s->a, d->aggs, d->n_aggs, st->pool, err,
                     sizeof err))
        return op_fail(s, FSQL_E_INTERNAL, "%s", err);
    st->is_session = d->win.kind == OPW_SESSION;
    st->retain = d->late.policy == LATE_EMIT && !d->win.is_proctime;
    st->fired_wm = WM_NONE;
    size_t hdr = st->is_session ? sizeof(SessKey) : sizeof(WinEntry);
    st->keys_off = ROUND16((uint32_t)hdr);
    st->block_off = ROUND16(st->keys_off + (uint32_t)sizeof(Value) * d->n_keys);
    uint32_t esize =
        st->is_session ? st->block_off : st->block_off + st->aggs.state_size;
    st->table = state_table_new(esize);
    if (d->keys) {
        st->kregs = code_regs_new(&s->a, d->keys);
        st->key_types = d->keys->result_types;
    }
    st->keyv = ARENA_NEW_ARRAY(&s->a, Value, d->n_keys + 1);
    if (d->args) {
        st->aregs = code_regs_new(&s->a, d->args);
        st->n_argv = d->args->n_results;
    }
    st->argv = ARENA_NEW_ARRAY(&s->a, Value, st->n_argv + 1);
    st->outv = ARENA_NEW_ARRAY(&s->a, Value, d->n_aggs + 1);
    st->wins = ARENA_NEW_ARRAY(&s->a, Win, max_windows(&d->win) + 1);
    st->panes = !st->is_session && pane_mode(s);
    st->pane_done = INT64_MIN;
    if (st->panes)
        st->ktable = state_table_new(
            ROUND16((uint32_t)sizeof(PaneKey)) +
            (d->win.kind == OPW_CUMULATE ? st->aggs.state_size : 0));
    st->cum_panes = st->panes && d->win.kind == OPW_CUMULATE;
    if (st->is_session || st->panes) {
        st->scratch = arena_zalloc(&s->a, st->aggs.state_size + 16);
        st->scratch =
            (void *)(((uintptr_t)st->scratch + 15u) & ~(uintptr_t)15u);
    }
    return late_out_open(s, &st->late, &d->late);
}

static int wagg_fail(OpState *s, const Batch *in, uint32_t r)
{
    VmCtx saved = s->vm;
    op_flush(s);
    s->vm = saved;
    return op_fail_eval(s, in, r);
}

static int wagg_push(OpState *s, Batch *in, uint32_t port)
{
    WaggState *st = s->priv;
    const OpWindowAggDef *d = st->d;
    VmCtx *x = &s->vm;
    bool proc = d->win.is_proctime;
    bool from_tvf = d->start_col >= 0 && d->end_col >= 0;
    (void)port;
    x->now_ms = job_now_wall_ms();
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = batch_row(in, r);
        int64_t wm = proc ? WM_NONE : in->wm[r];
        if (!proc && wm > st->fired_wm)
            fire_due(s, st, wm);
        /* The row's time and windows. */
        int64_t ts = x->now_ms;
        uint32_t nw;
        if (from_tvf) {
            if (row[d->start_col].is_null || row[d->end_col].is_null) {
                late_out_drop(s, &st->late, in, r, LATE_NO_TIME);
                continue;
            }
            ts = row[d->start_col].u.i; /* with panes: the pane start */
            st->wins[0] = (Win){ts, row[d->end_col].u.i};
            if (st->is_session)
                st->wins[0].end = ts + d->win.gap_ms;
            nw = 1;
        } else {
            if (!proc && !row_time(row, d->win.time_col, &ts)) {
                late_out_drop(s, &st->late, in, r, LATE_NO_TIME);
                continue;
            }
            nw = assign(&d->win, ts, st->wins);
        }
        if (d->keys && !vm_eval_into(d->keys, st->kregs, row, st->keyv, x))
            return wagg_fail(s, in, r);
        if (d->args && !vm_eval_into(d->args, st->aregs, row, st->argv, x))
            return wagg_fail(s, in, r);
        if (st->is_session) {
            if (!session_row(s, st, ts, wm))
                late_out_drop(s, &st->late, in, r, ts);
            continue;
        }
        uint64_t hk = hash_keys(st, st->keyv);
        if (st->panes) {
            if (!pane_row(st, hk, ts, wm))
                late_out_drop(s, &st->late, in, r, ts);
            continue;
        }
        uint32_t kept = 0;
        for (uint32_t i = 0; i < nw; i++) {
            const Win *w = &st->wins[i];
            bool late = wm != WM_NONE && w->end - 1 <= wm;
            if (late &&
                (!st->retain || (d->late.allow_lateness_ms >= 0 &&
                                 w->end - 1 <= wm - d->late.allow_lateness_ms)))
                continue;
            uint32_t gi;
            WinEntry *e = win_entry(st, hk, w, late, &gi);
            aggset_step(&st->aggs, entry_block(st, e), st->argv);
            kept++;
            if (late) /* 'emit': re-fire with the updated result */
                emit_result(s, st, entry_keys(st, e), entry_block(st, e),
                            e->start, e->end);
        }
        if (kept == 0)
            late_out_drop(s, &st->late, in, r, ts);
    }
    if (proc)
        set_timer(s, st);
    int rc = op_flush(s);
    if (rc == FSQL_OK)
        rc = late_out_flush(s, &st->late);
    return rc;
}

static int wagg_watermark(OpState *s, int64_t wm, uint32_t port)
{
    WaggState *st = s->priv;
    if (port < s->def->n_inputs && wm > s->wm_in[port])
        s->wm_in[port] = wm;
    if (!st->d->win.is_proctime || wm == WM_END)
        if (wm > st->fired_wm)
            fire_due(s, st, wm);
    return op_emit_watermark(s, wm);
}

static int wagg_timer(OpState *s, int64_t now_ms)
{
    WaggState *st = s->priv;
    (void)now_ms;
    fire_due(s, st, job_now_wall_ms() - 1); /* every end <= now */
    set_timer(s, st);
    return op_flush(s);
}

static int wagg_finish(OpState *s, uint32_t port)
{
    WaggState *st = s->priv;
    int rc = late_out_flush(s, &st->late);
    if (rc < 0)
        return rc;
    if (st->late.w && st->late.w->v->flush) {
        FsqlErr err;
        fsql_err_clear(&err);
        rc = st->late.w->v->flush(st->late.w, &err);
        if (rc < 0)
            return job_fail(s->job, rc, err.msg);
    }
    op_set_timer(s, INT64_MAX);
    return op_default_finish(s, port);
}

static void wagg_close(OpState *s)
{
    WaggState *st = s->priv;
    if (!st)
        return;
    /* Teardown: the pool goes at the end, so strings (keys, session
     * rows) are not unreferenced one by one, and windows and panes are
     * visited only for what they malloc'd: sessions, and aggregate
     * states holding memory of their own (agg_fini_teardown). */
    bool fini = st->table && aggset_teardown_needed(&st->aggs);
    if (st->table) {
        uint64_t pos = 0;
        void *e;
        while ((st->is_session || fini) &&
               (e = state_table_next(st->table, &pos)) != NULL) {
            if (st->is_session) {
                SessKey *k = e;
                Session *x = k->first;
                while (x) {
                    Session *n = x->next;
                    xfree(x->rows);
                    xfree(x);
                    x = n;
                }
            } else {
                aggset_fini_teardown(&st->aggs, entry_block(st, e));
            }
        }
        state_table_free(st->table);
    }
    xfree(st->groups);
    xfree(st->heap);
    xfree(st->items);
    xfree(st->item_blocks);
    if (st->ktable) {
        uint64_t pos = 0;
        PaneKey *pk;
        while (fini && (pk = state_table_next(st->ktable, &pos)) != NULL)
            if (pk->r_start != INT64_MIN)
                aggset_fini_teardown(&st->aggs, pk_block(pk));
        state_table_free(st->ktable);
    }
    late_out_close(&st->late);
    if (st->pool)
        strpool_free(st->pool);
}

/* ---- checkpoints --------------------------------------------------------- */

/* Blob layout (WAGG_SNAP_VERSION), after the u32 version and
 * AGG_SNAP_VERSION:
 *   u8 is_session, u8 panes, i64 fired_wm
 *   TUMBLE/HOP/CUMULATE: i64 pane_done, u64 next_seq, u32 n_groups, then
 *     per group (window or pane end order): i64 end, u8 is_fired,
 *     u32 n_entries, then per entry (first row first): i64 start,
 *     i64 end, u64 seq, the key Values, the accumulator block
 *     (aggset_snapshot); CUMULATE on panes then: u64 n, and n running
 *     results: the key Values, i64 r_start, i64 r_end, u64 r_seq, the
 *     block
 *   SESSION: u64 next_id, u64 n_keys, then per key: the key Values,
 *     u32 n_sessions, then per session (list order): i64 start, i64 end,
 *     u64 id, u8 is_fired (layout 2 on), u32 n_rows, n_rows * n_args
 *     argument Values
 * Session timers are not written: restore pushes one per session (the
 * heap's other entries are stale ones that fire nothing).  Layout 1
 * (before fired sessions were kept under 'emit') is still read.  The
 * TUMBLE/HOP/CUMULATE entries' order in their groups is the emission
 * order, so a restored operator emits exactly what the original would. */
#define WAGG_SNAP_VERSION 2u

static int wagg_snapshot(OpState *s, SnapWriter *w)
{
    WaggState *st = s->priv;
    uint32_t nk = st->d->n_keys;
    int rc = late_out_sync(s, &st->late);
    if (rc < 0)
        return rc;
    snap_put_u32(w, WAGG_SNAP_VERSION);
    snap_put_u32(w, AGG_SNAP_VERSION);
    snap_put_u8(w, st->is_session);
    snap_put_u8(w, st->panes);
    snap_put_i64(w, st->fired_wm);
    if (!st->is_session) {
        snap_put_i64(w, st->pane_done);
        snap_put_u64(w, st->next_seq);
        snap_put_u32(w, st->n_groups - st->lo);
        for (uint32_t i = st->lo; i < st->n_groups; i++) {
            const FireGroup *g = &st->groups[i];
            uint32_t n = 0;
            for (const WinEntry *e = g->head; e; e = e->next)
                n++;
            snap_put_i64(w, g->end);
            snap_put_u8(w, g->is_fired);
            snap_put_u32(w, n);
            for (WinEntry *e = g->head; e; e = e->next) {
                snap_put_i64(w, e->start);
                snap_put_i64(w, e->end);
                snap_put_u64(w, e->seq);
                snap_put_values(w, entry_keys(st, e), nk);
                aggset_snapshot(&st->aggs, entry_block(st, e), w);
            }
        }
        if (st->cum_panes) {
            uint64_t n = 0, pos = 0;
            PaneKey *pk;
            while ((pk = state_table_next(st->ktable, &pos)) != NULL)
                n += pk->r_start != INT64_MIN;
            snap_put_u64(w, n);
            pos = 0;
            while ((pk = state_table_next(st->ktable, &pos)) != NULL) {
                if (pk->r_start == INT64_MIN)
                    continue;
                snap_put_values(w, entry_keys(st, pk->head), nk);
                snap_put_i64(w, pk->r_start);
                snap_put_i64(w, pk->r_end);
                snap_put_u64(w, pk->r_seq);
                aggset_snapshot(&st->aggs, pk_block(pk), w);
            }
        }
        return FSQL_OK;
    }
    snap_put_u64(w, st->next_id);
    uint64_t n_keys = 0, pos = 0;
    SessKey *k;
    while ((k = state_table_next(st->table, &pos)) != NULL)
        if (k->first)
            n_keys++;
    snap_put_u64(w, n_keys);
    pos = 0;
    while ((k = state_table_next(st->table, &pos)) != NULL) {
        if (!k->first)
            continue;
        uint32_t n = 0;
        for (const Session *x = k->first; x; x = x->next)
            n++;
        snap_put_values(w, entry_keys(st, k), nk);
        snap_put_u32(w, n);
        for (const Session *x = k->first; x; x = x->next) {
            snap_put_i64(w, x->start);
            snap_put_i64(w, x->end);
            snap_put_u64(w, x->id);
            snap_put_u8(w, x->is_fired);
            snap_put_u32(w, x->n_rows);
            snap_put_values(w, x->rows, x->n_rows * st->n_argv);
        }
    }
    return FSQL_OK;
}

/* n Values from r kept in the pool into dst (strings interned); false
 * when r went bad (dst then holds NULLs where it failed). */
static bool get_kept_values(WaggState *st, SnapReader *r, Value *dst,
                            uint32_t n)
{
    const RtType *types = st->d->args ? st->d->args->result_types : NULL;
    for (uint32_t i = 0; i < n; i++) {
        Value v;
        snap_get_value(r, &v);
        if (types)
            snap_want_kind(r, &v, types[i].kind);
        if (r->bad) {
            for (uint32_t j = i; j < n; j++)
                dst[j] = value_null(VK_NULLTYPE);
            return false;
        }
        value_keep(st->pool, &dst[i], &v);
    }
    return true;
}

static size_t left_of(const SnapReader *r)
{
    return r->bad ? 0 : (size_t)(r->end - r->p);
}

static int wagg_restore_fail(OpState *s, const char *what)
{
    return op_fail(s, FSQL_E_STATE,
                   "checkpoint state of %s#%u is damaged (%s)",
                   op_kind_name(s->def->kind), s->def->plan_id, what);
}

static int wagg_restore(OpState *s, SnapReader *r)
{
    WaggState *st = s->priv;
    uint32_t nk = st->d->n_keys;
    uint32_t ver = snap_get_u32(r), aver = snap_get_u32(r);
    if (r->bad || ver < 1 || ver > WAGG_SNAP_VERSION ||
        aver != AGG_SNAP_VERSION)
        return op_fail(s, FSQL_E_STATE,
                       "checkpoint state of %s#%u has layout %u/%u, this "
                       "build reads %u/%u",
                       op_kind_name(s->def->kind), s->def->plan_id, ver,
                       aver, WAGG_SNAP_VERSION, AGG_SNAP_VERSION);
    bool is_session = snap_get_u8(r) != 0;
    bool panes = snap_get_u8(r) != 0;
    if (r->bad || is_session != st->is_session)
        return wagg_restore_fail(s, "another window kind");
    if (panes != st->panes)
        return op_fail(s, FSQL_E_STATE,
                       "checkpoint state of %s#%u was taken %s HOP panes and "
                       "this run uses %s (FSQL_WINDOW_PANES must not change "
                       "across a restart)",
                       op_kind_name(s->def->kind), s->def->plan_id,
                       panes ? "with" : "without", st->panes ? "them" : "none");
    st->fired_wm = snap_get_i64(r);
    Value *kv = st->keyv;
    if (!is_session) {
        st->pane_done = snap_get_i64(r);
        st->next_seq = snap_get_u64(r);
        uint32_t ng = snap_get_u32(r);
        if (r->bad || ng > left_of(r) / 13)
            return wagg_restore_fail(s, "window count");
        for (uint32_t i = 0; i < ng; i++) {
            int64_t end = snap_get_i64(r);
            bool fired = snap_get_u8(r) != 0;
            uint32_t n = snap_get_u32(r);
            if (r->bad || n > left_of(r) / 24 ||
                (st->n_groups > 0 && st->groups[st->n_groups - 1].end >= end))
                return wagg_restore_fail(s, "window list");
            bool is_new;
            uint32_t gi = group_for(st, end, &is_new);
            FireGroup *g = &st->groups[gi];
            g->is_fired = fired;
            for (uint32_t j = 0; j < n; j++) {
                int64_t ws = snap_get_i64(r), we = snap_get_i64(r);
                uint64_t seq = snap_get_u64(r);
                snap_get_typed(r, kv, nk, st->key_types);
                if (r->bad)
                    return wagg_restore_fail(s, "window entry");
                uint64_t h = hash_window(hash_keys(st, kv), ws, we);
                WinEntry *e = state_table_insert(st->table, h);
                e->start = ws;
                e->end = we;
                e->seq = seq;
                keys_keep(st, entry_keys(st, e), kv);
                if (st->panes)
                    pane_link(st, e, hash_keys(st, kv));
                if (g->tail)
                    g->tail->next = e;
                else
                    g->head = e;
                g->tail = e;
                if (!aggset_restore(&st->aggs, entry_block(st, e), r))
                    return wagg_restore_fail(s, "accumulators");
            }
        }
        uint64_t n_run = st->cum_panes ? snap_get_u64(r) : 0;
        if (r->bad || n_run > left_of(r) / 24)
            return wagg_restore_fail(s, "running results");
        for (uint64_t i = 0; i < n_run; i++) {
            snap_get_typed(r, kv, nk, st->key_types);
            int64_t r_start = snap_get_i64(r), r_end = snap_get_i64(r);
            uint64_t r_seq = snap_get_u64(r);
            KeyCtx kc = {st, kv, 0, 0};
            PaneKey *pk = r->bad ? NULL
                                 : state_table_find(st->ktable,
                                                    hash_keys(st, kv), pk_eq,
                                                    &kc);
            if (!pk || pk->r_start != INT64_MIN || r_start == INT64_MIN)
                return wagg_restore_fail(s, "running result");
            pk->r_start = r_start;
            pk->r_end = r_end;
            pk->r_seq = r_seq;
            pk->r_next = pk->head;
            while (pk->r_next && pk->r_next->start < r_end)
                pk->r_next = pk->r_next->knext;
            if (!aggset_restore(&st->aggs, pk_block(pk), r))
                return wagg_restore_fail(s, "running result");
        }
    } else {
        st->next_id = snap_get_u64(r);
        uint64_t n_keys = snap_get_u64(r);
        if (r->bad || n_keys > left_of(r) / 4)
            return wagg_restore_fail(s, "key count");
        for (uint64_t i = 0; i < n_keys; i++) {
            snap_get_typed(r, kv, nk, st->key_types);
            uint32_t n = snap_get_u32(r);
            if (r->bad || n == 0 || n > left_of(r) / 28)
                return wagg_restore_fail(s, "session key");
            uint64_t hk = hash_keys(st, kv);
            KeyCtx kc = {st, kv, 0, 0};
            if (state_table_find(st->table, hk, sess_eq, &kc))
                return wagg_restore_fail(s, "a key twice");
            SessKey *k = state_table_insert(st->table, hk);
            keys_keep(st, entry_keys(st, k), kv);
            Session **tail = &k->first;
            for (uint32_t j = 0; j < n; j++) {
                Session *x = xcalloc(1, sizeof *x);
                *tail = x;
                tail = &x->next;
                x->start = snap_get_i64(r);
                x->end = snap_get_i64(r);
                x->id = snap_get_u64(r);
                x->is_fired = ver >= 2 && snap_get_u8(r) != 0;
                uint32_t nr = snap_get_u32(r);
                size_t nv = (size_t)nr * st->n_argv;
                if (r->bad || nv > left_of(r) / 2 || x->id >= st->next_id)
                    return wagg_restore_fail(s, "session");
                x->cap_rows = nr;
                x->rows = xmalloc(sizeof(Value) * nv + 1);
                for (uint32_t q = 0; q < nr; q++) {
                    if (!get_kept_values(st, r,
                                         x->rows + (size_t)q * st->n_argv,
                                         st->n_argv)) {
                        /* keep what was kept releasable */
                        for (uint32_t z = 0; z < st->n_argv; z++)
                            value_unkeep(st->pool,
                                         &x->rows[(size_t)q * st->n_argv + z]);
                        return wagg_restore_fail(s, "session rows");
                    }
                    x->n_rows++;
                }
                heap_push(st, (SessTimer){session_due(st, x), x->id, k});
            }
        }
    }
    if (!snap_reader_done(r))
        return wagg_restore_fail(s, "trailing bytes");
    if (st->d->win.is_proctime)
        set_timer(s, st);
    return FSQL_OK;
}

/* The TVF's late rows are handled by the TVF itself; its finish also
 * flushes the late-data sink. */
static int tvf_finish(OpState *s, uint32_t port)
{
    TvfState *st = s->priv;
    int rc = late_out_sync(s, &st->late);
    return rc < 0 ? rc : op_default_finish(s, port);
}

/* The TVF keeps no state; a checkpoint only makes its late rows durable. */
#define TVF_SNAP_VERSION 1u

static int tvf_snapshot(OpState *s, SnapWriter *w)
{
    TvfState *st = s->priv;
    snap_put_u32(w, TVF_SNAP_VERSION);
    return late_out_sync(s, &st->late);
}

static int tvf_restore(OpState *s, SnapReader *r)
{
    uint32_t ver = snap_get_u32(r);
    if (r->bad || ver != TVF_SNAP_VERSION || !snap_reader_done(r))
        return op_fail(s, FSQL_E_STATE,
                       "checkpoint state of %s#%u is damaged",
                       op_kind_name(s->def->kind), s->def->plan_id);
    return FSQL_OK;
}

const OpVtbl op_window_agg_vtbl = {
    .name = "WindowAggregate",
    .open = wagg_open,
    .push = wagg_push,
    .watermark = wagg_watermark,
    .finish = wagg_finish,
    .timer = wagg_timer,
    .close = wagg_close,
    .snapshot = wagg_snapshot,
    .restore = wagg_restore,
};

const OpVtbl op_window_tvf_vtbl = {
    .name = "WindowTableFunction",
    .open = tvf_open,
    .push = tvf_push,
    .finish = tvf_finish,
    .close = tvf_close,
    .snapshot = tvf_snapshot,
    .restore = tvf_restore,
};
