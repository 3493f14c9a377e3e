/*
 * shell_jobs.h - background jobs of `fsql shell` (docs/shell.md,
 * "Background jobs").
 *
 * On a terminal an INSERT or statement set typed at the prompt runs as a
 * background job: the shell compiles it, then forks a child process that
 * runs the Program while the shell goes on reading statements.  A child
 * per job (not a thread) because the runtime keeps process-wide pieces
 * (the stop flag that SIGINT/SIGTERM set, the log level, the metrics
 * registry): in a child of its own each job has them to itself, a crash
 * or a runaway job cannot take the shell down, and STOP JOB is a plain
 * SIGTERM, which the runtime already turns into a graceful stop (sinks
 * flushed and committed, exit status 0).
 *
 * The child: its own process group (Ctrl-C at the prompt does not reach
 * it), standard input /dev/null, standard output and error appended to
 * DIR/<id>.log (print sinks and log lines go there), and a small status
 * file DIR/<id>.status rewritten every 250 ms by a thread of the child
 * from the metrics snapshot (runtime/metrics.h: a mutex-protected copy,
 * so the thread never touches live operator state):
 *
 *   state RUNNING            STARTING, RUNNING, FINISHED, CANCELED, FAILED
 *   rows_in 1200
 *   rows_out 1200
 *   error <first line of the error>   (FAILED only)
 *
 * DIR is $XDG_RUNTIME_DIR/fsql, else /tmp/fsql-<uid> (mode 0700, must be
 * owned by the user).  On Linux the child gets SIGTERM when the shell
 * dies (PR_SET_PDEATHSIG), so jobs never outlive their shell unnoticed.
 *
 * Memory: the job list and its strings are xmalloc'd and freed by
 * shell_jobs_free.
 */
#ifndef FSQL_TOOLS_SHELL_JOBS_H
#define FSQL_TOOLS_SHELL_JOBS_H

#include "runtime/fsql.h"
#include "runtime/program.h"

#include <limits.h>
#include <sys/types.h>
#include <time.h>

typedef enum BgState {
    BG_STARTING, /* forked; connectors being opened */
    BG_RUNNING,
    BG_STOPPING, /* STOP JOB sent SIGTERM; not ended yet */
    BG_FINISHED, /* its sources ended */
    BG_CANCELED, /* stopped by STOP JOB (or at quit) */
    BG_FAILED
} BgState;

typedef struct BgJob {
    char id[9]; /* 8 hex digits */
    pid_t pid;
    char *stmt; /* the statement, whitespace collapsed, cut to 40 */
    time_t started;
    BgState state;
    bool exited;    /* reaped */
    bool stop_sent; /* SIGTERM sent */
    bool reported;  /* its end was announced at the prompt */
    bool ending;    /* its status file says it ended; not reaped yet */
    bool killed;    /* did not stop within the time given: SIGKILL */
    uint64_t rows_in, rows_out;
    char *error;    /* FAILED: the error's first line */
    char *ckpt_dir; /* 'state.checkpoints.dir' when submitted, or NULL */
    char log_path[PATH_MAX + 32];
    char status_path[PATH_MAX + 32];
} BgJob;

typedef struct ShellJobs ShellJobs;

ShellJobs *shell_jobs_new(void);
/* Stops what still runs (SIGTERM, then SIGKILL after 10 s), removes the
 * status files and the logs of the jobs that finished or were stopped
 * (a failed or killed job's log stays; its path goes to standard error)
 * and frees js. */
void shell_jobs_free(ShellJobs *js);

/* Fork a child that runs p as a background job; stmt is the statement's
 * text (for SHOW JOBS); ckpt_dir the session's 'state.checkpoints.dir'
 * (NULL: none), which the job's Program carries too.  Waits up to 2 s for the child to open its
 * connectors, so that errors such as a missing file are known at once.
 * Returns the job, or NULL with msg filled (the fork failed, no job
 * directory). */
const BgJob *shell_jobs_start(ShellJobs *js, const Program *p, const char *stmt,
                              size_t stmt_len, const char *ckpt_dir, char *msg,
                              size_t msg_len);

/* Reap ended children and read the status files. */
void shell_jobs_refresh(ShellJobs *js);
uint32_t shell_jobs_count(const ShellJobs *js);
const BgJob *shell_jobs_get(const ShellJobs *js, uint32_t i);
/* Jobs not ended yet. */
uint32_t shell_jobs_running(const ShellJobs *js);
/* The next job that ended since the last call (marked reported), or
 * NULL: the shell announces them before its prompt. */
const BgJob *shell_jobs_next_ended(ShellJobs *js);

/* The job whose id is `id` or starts with it (case-insensitive).  NULL
 * when none is, or *ambiguous when several are. */
BgJob *shell_jobs_find(ShellJobs *js, const char *id, bool *ambiguous);
/* Send SIGTERM and wait up to timeout_s for the job to end (stop_waiting
 * returning true ends the wait early: Ctrl-C).  True when it ended. */
bool shell_jobs_stop(ShellJobs *js, BgJob *b, double timeout_s,
                     bool (*stop_waiting)(void));
/* Stop every running job, waiting up to timeout_s in all; the ones left
 * get SIGKILL.  Returns how many were stopped. */
uint32_t shell_jobs_stop_all(ShellJobs *js, double timeout_s);

/* The newest checkpoint file in b's checkpoint directory (the one its
 * stop took: STOP JOB ... WITH SAVEPOINT) into out; false when there is
 * none or the job has no checkpoint directory. */
bool shell_jobs_newest_checkpoint(const BgJob *b, char *out, size_t n);

/* "RUNNING", "FINISHED", ... */
const char *shell_jobs_state_name(BgState s);
/* The directory of the logs and status files ("" before the first job). */
const char *shell_jobs_dir(const ShellJobs *js);

#endif
