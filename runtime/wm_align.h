/*
 * wm_align.h - watermark alignment between sources (Flink's
 * 'scan.watermark.alignment.group' / '.max-drift' / '.update-interval').
 *
 * Sources whose tables name the same alignment group are read so that no
 * source's watermark runs more than max-drift ahead of the group's
 * slowest one: every update-interval (processing time) the loop computes
 * the group's minimum watermark, over its sources that are neither idle
 * nor ended (one with no watermark yet counts as the lowest possible), and
 * holds back (stops polling) every
 * source whose watermark is above that minimum plus its max-drift, until
 * the others catch up.  A source that is held back reads at most one
 * batch past the point it was held at.  This bounds the state that joins,
 * unions and windows over several sources keep while one source is far
 * ahead (a backfill of one topic next to a live one), and for bounded
 * files it makes the sources advance together instead of one after the
 * other.  The source with the minimum is never held, so the job always
 * makes progress.
 */
#ifndef FSQL_RUNTIME_WM_ALIGN_H
#define FSQL_RUNTIME_WM_ALIGN_H

#include "runtime/fsql.h"
#include "runtime/op.h"

struct Job;

/* Find each source's WatermarkAssigners and its group (after the job's
 * operators are wired).  Returns the number of aligned sources. */
uint32_t wm_align_init(struct Job *j);

/* Recompute the groups due at monotonic time now_ms and set each aligned
 * source's paused flag.  *next_ms is lowered to the next update time. */
void wm_align_update(struct Job *j, int64_t now_ms, int64_t *next_ms);

/* Several bounded sources whose output is a function of their input
 * (filesystem, datagen) are read in turns instead of round robin, so
 * that a job's result does not depend on batch sizes or timing: each turn
 * is exactly WM_ORDER_TURN_ROWS rows (or the rest of the source) of the
 * source standing lowest - no watermark assigner or no watermark yet
 * first, then the lowest watermark, then the earlier table - and the
 * next turn is chosen when it is over (or when watermark alignment holds
 * the source back).  wm_order_init decides whether the
 * job reads this way (every source qualifies, at least two); the loop
 * calls wm_order_pick before each poll: the source to poll (-1: none)
 * and the most rows it may put in its batch. */
#define WM_ORDER_TURN_ROWS 1024
bool wm_order_init(struct Job *j); /* (job_open, before the restore) */
int32_t wm_order_pick(struct Job *j, uint32_t *max_rows);
/* After the poll of the picked source: rows it produced, whether it
 * ended. */
void wm_order_done(struct Job *j, uint32_t rows, bool ended);

/* op_watermark.c: where the assigner s stands.  A source whose
 * assigners have no watermark yet (no row, or only rows with a NULL time)
 * holds its group back, as in Flink, until it produces one, turns idle
 * (table.exec.source.idle-timeout) or ends. */
typedef enum WmAlignState {
    WM_ALIGN_OFF,   /* ended, or every split idle: holds nothing back */
    WM_ALIGN_UNSET, /* no watermark yet: holds every other source back */
    WM_ALIGN_AT     /* at *wm */
} WmAlignState;
WmAlignState op_watermark_current(const OpState *s, int64_t *wm);

#endif
