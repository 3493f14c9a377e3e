/*
 * job_int.h - the inside of a Job, shared by job.c (building, opening,
 * closing) and loop.c (running).  Private to those two files and to
 * metrics.c, which reads the operators and sources to render metrics.
 */
#ifndef FSQL_RUNTIME_JOB_INT_H
#define FSQL_RUNTIME_JOB_INT_H

#include "runtime/fsql.h"
#include "runtime/batch.h"
#include "runtime/connector.h"
#include "runtime/job.h"
#include "runtime/op.h"

/* One reader feeding every TableSourceScan of the same table. */
typedef struct SharedSource {
    TableDef table; /* merged: schema = union of the scans' columns */
    SourceReader *reader;
    uint32_t n_members;
    OpState **members;
    SourceBinding *bindings; /* per member */
    Batch batch;             /* the read batch (reused) */
    bool ended;
    int64_t next_poll_ms; /* monotonic; 0: now */
    /* Watermark alignment (runtime/wm_align.c): the group (index in
     * Job.align, -1: none), the WatermarkAssigners this source feeds, and
     * whether it is held back for being too far ahead of its group. */
    int32_t align;
    int64_t align_drift_ms;
    uint32_t n_wm_ops;
    OpState **wm_ops;
    bool paused;
    bool paused_told;        /* the state last passed to set_paused */
    uint64_t paused_updates; /* alignment updates that held it back */
} SharedSource;

struct Job {
    JobConfig cfg;
    uint32_t n_progs;
    const Program *const *progs;
    Arena a;           /* job lifetime: OpStates, tables, arrays */
    Arena batch_arena; /* reset after every push cycle */
    uint32_t n_ops, cap_ops;
    OpState **ops;     /* every operator, program by program, in
                              topological order */
    uint32_t *op_prog; /* program index of ops[i] */
    uint32_t n_srcs;
    SharedSource *srcs;
    RunCtx rctx;   /* job-wide (prog = the first program) */
    RunCtx *rctxs; /* per program */
    TimeZone *tz;  /* owned; NULL when UTC */
    bool is_open;
    bool failed;
    FsqlErr err;
    /* the row being pushed, for error context */
    SourceReader *cur_reader;
    const Batch *cur_batch;
    uint32_t cur_row;
    JobStats stats;
    struct JobMetrics *metrics; /* job arena; NULL when metrics are off
                                   (issue 10, runtime/metrics.h) */
    struct JobCkpt *ckpt; /* job arena; checkpoints (runtime/checkpoint.c,
                             checkpoint_int.h); dir NULL when off */
    uint32_t n_align;
    struct AlignGroup *align; /* job arena; runtime/wm_align.c */
    /* Ordered reading of several bounded file/datagen sources
     * (wm_align.c, wm_order_pick): the source being read and the rows
     * left in its turn; ordered false: round robin. */
    bool ordered;
    int32_t turn_src;
    uint32_t turn_left;
};

#endif
