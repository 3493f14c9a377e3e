/*
 * loop.c - the single-threaded loop that runs a Job (see job.h).
 *
 * One push cycle: a source reader fills its batch; the batch is pushed to
 * every scan operator it feeds, and from there synchronously through the
 * graph to the sinks; then every operator gets batch_end(), the reader
 * gets batch_done() and the batch arena is reset.  Nothing of the cycle
 * survives it except what operators copied into their state.
 *
 * End of a bounded source: watermark +inf, then finish, into each of its
 * scans; operators flush what they hold and pass both on, so by the time
 * the last source has ended every sink has been flushed.
 *
 * Sleeping: when no source produced rows, the loop sleeps until the
 * earliest of the readers' wait hints and the next timer, at most 100 ms.
 *
 * Checkpoints (issue 10, checkpoint.h): after each round of polls and
 * timers - a push-cycle boundary, nothing in flight - ckpt_tick() takes
 * one when the interval has passed; a final one is taken at a stop
 * request and at the end of bounded input.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint_int.h"
#include "runtime/job_int.h"
#include "runtime/wm_align.h"
#include "runtime/log.h"
#include "runtime/metrics.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_requested;

void job_request_stop(void)
{
    stop_requested = 1;
}

bool job_stop_requested(void)
{
    return stop_requested != 0;
}

static void on_signal(int sig)
{
    (void)sig;
    if (stop_requested) {
        /* A second signal: give up at once. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        raise(sig);
    }
    stop_requested = 1;
}

static void sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_requested) {
    }
}

/* After a push cycle: tell operators and the reader, reset the arena. */
static void cycle_end(Job *j, SourceReader *r)
{
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpState *s = j->ops[i];
        if (s->v->batch_end)
            s->v->batch_end(s);
    }
    if (r && r->v->batch_done)
        r->v->batch_done(r);
    j->cur_reader = NULL;
    j->cur_batch = NULL;
    arena_reset(&j->batch_arena);
}

/* End of a source: +inf watermark and finish into every scan it feeds. */
static int source_end(Job *j, SharedSource *ss)
{
    ss->ended = true;
    for (uint32_t m = 0; m < ss->n_members && !j->failed; m++) {
        op_call_watermark(ss->members[m], WM_END, 0);
        if (!j->failed)
            op_call_finish(ss->members[m], 0);
    }
    return j->failed ? j->err.code : FSQL_OK;
}

/* Poll one source once; *rows receives the rows pushed. */
static int source_step(Job *j, SharedSource *ss, int64_t *wait, uint32_t *rows)
{
    FsqlErr err;
    fsql_err_clear(&err);
    batch_clear(&ss->batch);
    int64_t w = 100;
    int rc = ss->reader->v->poll(ss->reader, &ss->batch, &w, &err);
    if (rc < 0) {
        job_fail(j, err.code ? err.code : FSQL_E_IO,
                 err.msg[0] ? err.msg : "a source failed");
        return j->err.code;
    }
    /* Progress: rows, a flag, or the end (the loop must not sleep). */
    *rows = ss->batch.n_rows + (ss->batch.flags != 0) + (rc == SRC_END);
    if (j->metrics && ss->batch.n_rows)
        metrics_cycle_begin(j);
    if (ss->batch.n_rows || ss->batch.flags) {
        j->cur_reader = ss->reader;
        j->cur_batch = &ss->batch;
        j->cur_row = 0;
        for (uint32_t m = 0; m < ss->n_members && !j->failed; m++)
            op_call_push(ss->members[m], &ss->batch, 0);
    }
    if (rc == SRC_END && !j->failed)
        source_end(j, ss);
    uint32_t n_rows = ss->batch.n_rows;
    cycle_end(j, ss->reader);
    if (j->metrics)
        metrics_cycle_end(j, n_rows);
    if (rc == SRC_OK && ss->batch.n_rows == 0 && w < *wait)
        *wait = w;
    return j->failed ? j->err.code : FSQL_OK;
}

/* Watermark alignment: update the groups due and tell the readers that
 * can pause themselves (the others are simply not polled). */
static void align_sources(Job *j, int64_t *wait)
{
    int64_t next = *wait;
    wm_align_update(j, job_now_mono_ms(), &next);
    if (next < *wait)
        *wait = next;
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SharedSource *ss = &j->srcs[i];
        if (ss->align < 0 || ss->ended)
            continue;
        if (ss->paused != ss->paused_told)
            log_info("source %s: %s by watermark alignment",
                     ss->table.name, ss->paused ? "held back" : "resumed");
        if (ss->reader->v->set_paused && (ss->paused || ss->paused_told))
            ss->reader->v->set_paused(ss->reader, ss->paused);
        ss->paused_told = ss->paused;
        if (ss->paused)
            ss->paused_updates++;
    }
}

static int run_timers(Job *j, int64_t *next, uint32_t *fired)
{
    int64_t now = job_now_mono_ms();
    for (uint32_t i = 0; i < j->n_ops && !j->failed; i++) {
        OpState *s = j->ops[i];
        if (s->timer_ms == INT64_MAX)
            continue;
        if (s->timer_ms <= now) {
            s->timer_ms = INT64_MAX;
            if (s->v->timer)
                s->v->timer(s, now);
            cycle_end(j, NULL);
            (*fired)++;
        }
        if (s->timer_ms != INT64_MAX && s->timer_ms - now < *next)
            *next = s->timer_ms - now;
    }
    return j->failed ? j->err.code : FSQL_OK;
}

/* Constant sources (VALUES) produce everything at the start. */
static void start_values(Job *j)
{
    for (uint32_t i = 0; i < j->n_ops && !j->failed; i++) {
        OpState *s = j->ops[i];
        /* (A restored VALUES has produced its rows before.) */
        if (s->def->kind == OP_KIND_VALUES && !s->is_finished) {
            op_call_finish(s, 0);
            cycle_end(j, NULL);
        }
    }
}

/* A stop request: sinks still write out what they have. */
static void flush_sinks(Job *j)
{
    for (uint32_t i = 0; i < j->n_ops && !j->failed; i++) {
        OpState *s = j->ops[i];
        OpKind k = s->def->kind;
        if ((k == OP_KIND_SINK || k == OP_KIND_COLLECT) && !s->is_finished) {
            for (uint32_t p = 0; p < s->def->n_inputs; p++)
                op_call_finish(s, p);
        }
    }
}

/* "job started: sources orders (kafka), sinks alerts (jdbc)" at info. */
static void log_job_start(Job *j)
{
    if (!log_enabled(LOG_INFO))
        return;
    char buf[700];
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < j->n_srcs && n < sizeof buf - 100; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s (%s%s)",
                              i ? ", " : "sources ", j->srcs[i].table.name,
                              j->srcs[i].table.connector,
                              j->srcs[i].table.is_bounded ? ", bounded" : "");
    uint32_t n_sinks = 0;
    for (uint32_t i = 0; i < j->n_ops && n < sizeof buf - 100; i++) {
        OpState *s = j->ops[i];
        const char *name = NULL, *conn = NULL;
        if (s->def->kind == OP_KIND_SINK) {
            const Program *p = job_program_of(j, s->def);
            name = p->tables[s->def->u.sink.table].name;
            conn = p->tables[s->def->u.sink.table].connector;
        } else if (s->def->kind == OP_KIND_COLLECT) {
            name = "(select)";
            conn = "stdout";
        } else {
            continue;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s (%s)",
                              n_sinks ? ", " : n ? "; sinks " : "sinks ",
                              name, conn);
        n_sinks++;
    }
    log_info("job started: %u statement%s, %u operators; %s", j->n_progs,
             j->n_progs == 1 ? "" : "s", j->n_ops, buf);
}

int job_run(Job *j, FsqlErr *err)
{
    struct sigaction sa, old_int, old_term;
    bool own_signals = j->cfg.install_signals && !j->cfg.signals_external;
    if (own_signals) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
    }
    if (!j->cfg.signals_external)
        stop_requested = 0;
    struct timespec c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &c0);
    log_job_start(j);
    metrics_job_started(j);

    start_values(j);
    bool aligned = wm_align_init(j) > 0;
    while (!j->failed) {
        if (stop_requested) {
            /* Graceful shutdown (issue 10).  The loop is synchronous, so
             * no row is in flight here: every batch a source produced
             * has been pushed through the graph to the sinks.  Sources
             * are polled no more (their readers close, committing Kafka
             * offsets, in job_free).  Operator state (open windows,
             * partial matches) is left as it is, not fired. */
            j->stats.stopped = true;
            log_info("shutdown: stop requested; sources stopped, no rows "
                     "in flight");
            metrics_job_stopping(j);
            /* The final checkpoint: operator state and source positions
             * now, sinks flushed / precommitted and committed with it
             * (checkpoint.c).  Its duration counts against
             * --shutdown-timeout like the rest. */
            ckpt_final(j, "stop requested");
            flush_sinks(j);
            log_info("shutdown: sinks flushed%s",
                     j->failed ? " (with an error)" : "");
            break;
        }
        if (j->metrics)
            metrics_job_tick(j);
        uint32_t active = 0, produced = 0;
        int64_t wait = 100;
        if (aligned)
            align_sources(j, &wait);
        if (j->ordered) {
            /* one source per pass, in turns (wm_align.h) */
            for (uint32_t i = 0; i < j->n_srcs; i++)
                active += !j->srcs[i].ended;
            uint32_t max_rows = 0;
            int32_t k = active ? wm_order_pick(j, &max_rows) : -1;
            if (k >= 0) {
                SharedSource *ss = &j->srcs[k];
                uint32_t cap = ss->batch.cap;
                if (max_rows < cap)
                    ss->batch.cap = max_rows;
                uint32_t rows = 0;
                source_step(j, ss, &wait, &rows);
                ss->batch.cap = cap;
                wm_order_done(j, ss->batch.n_rows, ss->ended);
                produced += rows;
            }
        }
        for (uint32_t i = 0; i < j->n_srcs && !j->failed && !j->ordered; i++) {
            SharedSource *ss = &j->srcs[i];
            if (ss->ended)
                continue;
            active++;
            if (ss->paused && !ss->reader->v->set_paused)
                continue; /* held back by watermark alignment */
            uint32_t rows = 0;
            source_step(j, ss, &wait, &rows);
            produced += rows;
        }
        if (j->failed)
            break;
        uint32_t fired = 0;
        run_timers(j, &wait, &fired);
        ckpt_tick(j, produced > 0 || fired > 0);
        if (active == 0) {
            /* Every source ended; operators without inputs that are not
             * sources (none today) would be finished here. */
            bool pending = false;
            for (uint32_t i = 0; i < j->n_ops; i++)
                pending |= j->ops[i]->timer_ms != INT64_MAX;
            if (!pending)
                break;
        }
        if (produced == 0 && !j->failed) {
            /* (kafka helper) The only running source may wait on its own
             * input instead (SourceReader.wait in connector.h). */
            SourceReader *only = NULL;
            uint32_t running = 0;
            for (uint32_t i = 0; i < j->n_srcs; i++) {
                if (!j->srcs[i].ended) {
                    running++;
                    only = j->srcs[i].reader;
                }
            }
            if (running == 1 && only->wait)
                only->wait(only, wait < 0 ? 0 : wait);
            else
                sleep_ms(wait < 0 ? 0 : wait);
        }
    }
    /* A finished job flushes every sink (sinks with no input at all). */
    if (!j->failed && !j->stats.stopped) {
        flush_sinks(j);
        /* Exactly-once sinks commit their last epoch with it. */
        ckpt_final(j, "end of input");
    }

    clock_gettime(CLOCK_MONOTONIC, &c1);
    j->stats.seconds = (double)(c1.tv_sec - c0.tv_sec) +
                       (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    metrics_job_ended(j);
    /* The caller reports the error itself ("fsql: <message>"); the
     * timestamped line is added only when info lines are wanted. */
    if (j->failed && log_enabled(LOG_INFO))
        log_write(LOG_ERROR, "job failed after %.3f s: %s", j->stats.seconds,
                  j->err.msg);
    else
        log_info("job %s after %.3f s", j->stats.stopped ? "stopped" : "ended",
                 j->stats.seconds);
    if (own_signals) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    if (j->failed) {
        if (err)
            *err = j->err;
        return j->err.code;
    }
    return FSQL_OK;
}
