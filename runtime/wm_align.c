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
