/*
 * wm_align.c - watermark alignment between sources (wm_align.h).
 *
 * Each SharedSource finds the WatermarkAssigners it feeds (directly or
 * through Calcs) and takes its group and max-drift from the first of
 * them that names a group.  Groups are matched by name across every
 * program of the job.  The loop (loop.c) calls wm_align_update() before
 * each pass over the sources and skips the paused ones.
 */
#include "runtime/fsql.h"
#include "runtime/wm_align.h"
#include "runtime/job_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct AlignGroup {
    const char *name;
    int64_t update_ms; /* 0: every pass */
    int64_t next_ms;   /* monotonic time of the next update */
} AlignGroup;

/* Add the WatermarkAssigners reachable from s through Calcs. */
static void find_wm_ops(Job *j, SharedSource *ss, OpState *s, uint32_t depth)
{
    for (uint32_t c = 0; c < s->n_cons && depth < 8; c++) {
        OpState *t = s->cons[c].op;
        if (t->def->kind == OP_KIND_WATERMARK) {
            if (ss->n_wm_ops < j->n_ops) {
                bool seen = false;
                for (uint32_t k = 0; k < ss->n_wm_ops; k++)
                    seen |= ss->wm_ops[k] == t;
                if (!seen)
                    ss->wm_ops[ss->n_wm_ops++] = t;
            }
        } else if (t->def->kind == OP_KIND_CALC) {
            find_wm_ops(j, ss, t, depth + 1);
        }
    }
}

uint32_t wm_align_init(Job *j)
{
    uint32_t n_aligned = 0;
    j->n_align = 0;
    j->align = ARENA_NEW_ARRAY(&j->a, AlignGroup, j->n_srcs + 1);
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SharedSource *ss = &j->srcs[i];
        ss->align = -1;
        ss->paused = ss->paused_told = false;
        ss->paused_updates = 0;
        ss->n_wm_ops = 0;
        ss->wm_ops = ARENA_NEW_ARRAY(&j->a, OpState *, j->n_ops + 1);
        for (uint32_t m = 0; m < ss->n_members; m++)
            find_wm_ops(j, ss, ss->members[m], 0);
        const OpWatermarkDef *def = NULL;
        for (uint32_t k = 0; k < ss->n_wm_ops && !def; k++)
            if (ss->wm_ops[k]->def->u.wm.align_group)
                def = &ss->wm_ops[k]->def->u.wm;
        if (!def)
            continue;
        uint32_t g = 0;
        while (g < j->n_align && strcmp(j->align[g].name, def->align_group))
            g++;
        if (g == j->n_align) {
            j->align[g].name = def->align_group;
            j->align[g].update_ms = def->align_update_ms;
            j->align[g].next_ms = 0;
            j->n_align++;
        } else if (def->align_update_ms < j->align[g].update_ms) {
            j->align[g].update_ms = def->align_update_ms;
        }
        ss->align = (int32_t)g;
        ss->align_drift_ms = def->align_drift_ms;
        n_aligned++;
    }
    return n_aligned;
}

/* The source's standing: the lowest of its assigners that count. */
static WmAlignState source_wm(const SharedSource *ss, int64_t *wm)
{
    WmAlignState st = WM_ALIGN_OFF;
    for (uint32_t k = 0; k < ss->n_wm_ops; k++) {
        int64_t w = 0;
        WmAlignState a = op_watermark_current(ss->wm_ops[k], &w);
        if (a == WM_ALIGN_UNSET)
            return WM_ALIGN_UNSET;
        if (a == WM_ALIGN_AT && (st == WM_ALIGN_OFF || w < *wm)) {
            *wm = w;
            st = WM_ALIGN_AT;
        }
    }
    return st;
}

void wm_align_update(Job *j, int64_t now_ms, int64_t *next_ms)
{
    for (uint32_t g = 0; g < j->n_align; g++) {
        AlignGroup *ag = &j->align[g];
        if (now_ms < ag->next_ms) {
            if (ag->next_ms - now_ms < *next_ms)
                *next_ms = ag->next_ms - now_ms;
            continue;
        }
        ag->next_ms = now_ms + ag->update_ms;
        /* the group's lowest: a source without a watermark yet is lowest */
        int64_t min = WM_END;
        bool unset = false;
        for (uint32_t i = 0; i < j->n_srcs; i++) {
            const SharedSource *ss = &j->srcs[i];
            int64_t w = 0;
            if (ss->align != (int32_t)g || ss->ended)
                continue;
            WmAlignState a = source_wm(ss, &w);
            if (a == WM_ALIGN_UNSET)
                unset = true;
            else if (a == WM_ALIGN_AT && w < min)
                min = w;
        }
        for (uint32_t i = 0; i < j->n_srcs; i++) {
            SharedSource *ss = &j->srcs[i];
            int64_t w = 0;
            if (ss->align != (int32_t)g)
                continue;
            ss->paused = !ss->ended &&
                         source_wm(ss, &w) == WM_ALIGN_AT &&
                         (unset || w - ss->align_drift_ms > min);
        }
        if (ag->update_ms > 0 && ag->update_ms < *next_ms)
            *next_ms = ag->update_ms;
    }
}

/* ---- ordered reading of bounded sources ------------------------------- */

static bool order_qualifies(const SharedSource *ss)
{
    return ss->table.is_bounded &&
           (strcmp(ss->table.connector, "filesystem") == 0 ||
            strcmp(ss->table.connector, "datagen") == 0);
}

bool wm_order_init(Job *j)
{
    j->ordered = false;
    j->turn_src = -1;
    j->turn_left = 0;
    if (j->n_srcs < 2)
        return false;
    for (uint32_t i = 0; i < j->n_srcs; i++)
        if (!order_qualifies(&j->srcs[i]))
            return false;
    const char *e = getenv("FSQL_TEST_ROUND_ROBIN");
    if (e && *e == '1')
        return false; /* the former reading order, for comparisons */
    j->ordered = true;
    return true;
}

/* Where a source stands for its next turn (lower goes first). */
static int64_t order_rank(const SharedSource *ss)
{
    if (ss->n_wm_ops == 0)
        return INT64_MIN; /* no event time: read first */
    int64_t w = 0;
    switch (source_wm(ss, &w)) {
    case WM_ALIGN_UNSET:
        return INT64_MIN;
    case WM_ALIGN_AT:
        return w == INT64_MIN ? INT64_MIN + 1 : w;
    default:
        return INT64_MAX; /* idle */
    }
}

int32_t wm_order_pick(Job *j, uint32_t *max_rows)
{
    if (j->turn_src >= 0 && j->turn_left > 0 &&
        !j->srcs[j->turn_src].ended && !j->srcs[j->turn_src].paused) {
        *max_rows = j->turn_left;
        return j->turn_src;
    }
    int32_t best = -1;
    int64_t best_rank = 0;
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        const SharedSource *ss = &j->srcs[i];
        if (ss->ended || ss->paused)
            continue;
        int64_t r = order_rank(ss);
        if (best < 0 || r < best_rank) {
            best = (int32_t)i;
            best_rank = r;
        }
    }
    j->turn_src = best;
    j->turn_left = best >= 0 ? WM_ORDER_TURN_ROWS : 0;
    *max_rows = j->turn_left;
    return best;
}

void wm_order_done(Job *j, uint32_t rows, bool ended)
{
    j->turn_left = ended || rows >= j->turn_left ? 0 : j->turn_left - rows;
}
