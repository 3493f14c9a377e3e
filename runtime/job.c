/*
 * job.c - building a Job from Programs: one OpState per OpDef, consumer
 * edges, shared source readers; opening and closing everything.  The
 * loop itself is in loop.c.
 *
 * Memory: the Job, its OpStates and their arrays come from the job arena
 * (j->a); each OpState's own arena holds its kind-specific state;
 * batches of one push cycle use j->batch_arena, reset by the loop.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint_int.h"
#include "runtime/job_int.h"
#include "runtime/metrics.h"
#include "runtime/wm_align.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- small helpers ---------------------------------------------------- */

int64_t job_now_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double job_now_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t job_now_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool output_format_parse(const char *name, OutputFormat *out)
{
    static const struct {
        const char *name;
        OutputFormat f;
    } forms[] = {{"jsonl", OUTPUT_JSONL},
                 {"changelog", OUTPUT_CHANGELOG},
                 {"csv", OUTPUT_CSV},
                 {"table", OUTPUT_TABLE}};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(forms); i++) {
        if (strcmp(name, forms[i].name) == 0) {
            *out = forms[i].f;
            return true;
        }
    }
    return false;
}

int job_fail(Job *j, int code, const char *msg)
{
    if (!j->failed) {
        j->failed = true;
        j->err.code = code;
        j->err.fatal = true;
        snprintf(j->err.msg, sizeof j->err.msg, "%s", msg);
    }
    return code;
}

bool job_failed(const Job *j)
{
    return j->failed;
}

Arena *job_batch_arena(Job *j)
{
    return &j->batch_arena;
}

OutputFormat job_output_format(const Job *j)
{
    return j->cfg.output;
}

const JobConfig *job_config(const Job *j)
{
    return &j->cfg;
}

const Program *job_program_of(const Job *j, const OpDef *d)
{
    for (uint32_t p = 0; p < j->n_progs; p++) {
        const Program *prog = j->progs[p];
        if (prog->n_ops && d >= prog->ops && d < prog->ops + prog->n_ops)
            return prog;
    }
    return NULL;
}

const RunCtx *op_run_ctx(OpState *s)
{
    return &s->job->rctxs[s->prog_idx];
}

void job_set_row_source(Job *j, SourceReader *r, uint32_t row)
{
    j->cur_reader = r;
    j->cur_row = row;
}

void job_row_context(Job *j, const Batch *b, uint32_t row, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!j->cur_reader || !j->cur_reader->v->describe || !j->cur_batch)
        return;
    /* Rows map one to one while no operator above the source has dropped
     * or added any (scans, watermark assigners, unfiltered Calcs). */
    bool aligned = b && b->n_rows == j->cur_batch->n_rows;
    char where[200];
    where[0] = '\0';
    j->cur_reader->v->describe(j->cur_reader, aligned ? row : 0, where,
                               sizeof where);
    if (where[0])
        snprintf(buf, n, "source \"%s\", %s%s", j->cur_reader->table->name,
                 aligned ? "" : "in the batch starting at ", where);
}

struct SourceReader *job_current_reader(Job *j)
{
    return j->cur_reader;
}

const SourceBinding *job_source_binding(Job *j, const OpState *s)
{
    for (uint32_t i = 0; i < j->n_srcs; i++)
        for (uint32_t m = 0; m < j->srcs[i].n_members; m++)
            if (j->srcs[i].members[m] == s)
                return &j->srcs[i].bindings[m];
    return NULL;
}

JobStats job_stats(const Job *j)
{
    JobStats st = j->stats;
    st.rows_in = 0;
    st.rows_skipped = 0;
    st.fields_nulled = 0;
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        if (!j->srcs[i].reader)
            continue;
        st.rows_in += j->srcs[i].reader->rows_read;
        st.rows_skipped += j->srcs[i].reader->rows_skipped;
        st.fields_nulled += j->srcs[i].reader->fields_nulled;
    }
    st.rows_out = 0;
    st.rows_late = 0;
    st.lookups_failed = 0;
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpKind k = j->ops[i]->def->kind;
        st.rows_late += j->ops[i]->rows_late;
        st.lookups_failed += j->ops[i]->lookups_failed;
        if (k == OP_KIND_SINK || k == OP_KIND_COLLECT)
            st.rows_out += j->ops[i]->rows_in;
    }
    return st;
}

/* ---- building --------------------------------------------------------- */

/* Rows per batch: BATCH_ROWS, or FSQL_TEST_BATCH_ROWS (1 .. BATCH_ROWS)
 * for tests that check results do not depend on batch sizes. */
static uint32_t batch_rows(void)
{
    const char *e = getenv("FSQL_TEST_BATCH_ROWS");
    long n = e && *e ? strtol(e, NULL, 10) : 0;
    return n >= 1 && n <= BATCH_ROWS ? (uint32_t)n : BATCH_ROWS;
}

static bool same_options(const TableDef *a, const TableDef *b)
{
    if (strcasecmp(a->name, b->name) != 0 ||
        strcmp(a->connector, b->connector) != 0 || a->n_opts != b->n_opts)
        return false;
    for (uint32_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->keys[i], b->keys[i]) != 0 ||
            strcmp(a->values[i], b->values[i]) != 0)
            return false;
    return true;
}

/* Add scan s of table t to the shared sources (merging by table). */
static void share_source(Job *j, OpState *s, const TableDef *t)
{
    SharedSource *ss = NULL;
    for (uint32_t i = 0; i < j->n_srcs; i++)
        if (same_options(&j->srcs[i].table, t))
            ss = &j->srcs[i];
    if (!ss) {
        ss = &j->srcs[j->n_srcs++];
        memset(ss, 0, sizeof *ss);
        ss->table = *t;
        ss->members = ARENA_NEW_ARRAY(&j->a, OpState *, j->cap_ops + 1);
        ss->bindings = ARENA_NEW_ARRAY(&j->a, SourceBinding, j->cap_ops + 1);
    } else {
        /* Union of the columns, in table order. */
        const RtSchema *x = &ss->table.schema;
        uint32_t cap = x->n_cols + t->schema.n_cols;
        RtColumn *cols = ARENA_NEW_ARRAY(&j->a, RtColumn, cap);
        uint32_t *tcols = ARENA_NEW_ARRAY(&j->a, uint32_t, cap);
        const char **meta = ARENA_NEW_ARRAY(&j->a, const char *, cap);
        uint32_t a = 0, b = 0, n = 0;
        while (a < x->n_cols || b < t->schema.n_cols) {
            uint32_t ta = a < x->n_cols ? ss->table.table_cols[a] : UINT32_MAX;
            uint32_t tb = b < t->schema.n_cols ? t->table_cols[b] : UINT32_MAX;
            if (ta <= tb) {
                cols[n] = x->cols[a];
                tcols[n] = ta;
                meta[n] =
                    ss->table.metadata_keys ? ss->table.metadata_keys[a] : NULL;
                a++;
                if (ta == tb)
                    b++;
            } else {
                cols[n] = t->schema.cols[b];
                tcols[n] = tb;
                meta[n] = t->metadata_keys ? t->metadata_keys[b] : NULL;
                b++;
            }
            n++;
        }
        ss->table.schema.n_cols = n;
        ss->table.schema.cols = cols;
        ss->table.table_cols = tcols;
        ss->table.metadata_keys = meta;
        ss->table.n_pk = 0; /* positions changed; sources do not need it */
        /* Physical column -> merged schema position (csv decodes every
         * physical column by position, then keeps these). */
        if (t->table_phys.n_cols > 0 && t->phys_to_schema) {
            int32_t *p2s =
                ARENA_NEW_ARRAY(&j->a, int32_t, t->table_phys.n_cols + 1);
            for (uint32_t i = 0; i < t->table_phys.n_cols; i++) {
                p2s[i] = -1;
                for (uint32_t k = 0; k < n; k++)
                    if (!meta[k] &&
                        strcmp(cols[k].name, t->table_phys.cols[i].name) == 0)
                        p2s[i] = (int32_t)k;
            }
            ss->table.phys_to_schema = p2s;
        }
    }
    ss->members[ss->n_members++] = s;
}

/* Column maps from each member's schema into the merged schema. */
static void bind_sources(Job *j)
{
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SharedSource *ss = &j->srcs[i];
        for (uint32_t m = 0; m < ss->n_members; m++) {
            OpState *s = ss->members[m];
            const Program *p = job_program_of(j, s->def);
            const TableDef *t = &p->tables[s->def->u.source.table];
            bool same = t->schema.n_cols == ss->table.schema.n_cols;
            uint32_t *map =
                ARENA_NEW_ARRAY(&j->a, uint32_t, t->schema.n_cols + 1);
            for (uint32_t c = 0; c < t->schema.n_cols; c++) {
                for (uint32_t k = 0; k < ss->table.schema.n_cols; k++)
                    if (ss->table.table_cols[k] == t->table_cols[c])
                        map[c] = k;
                same = same && map[c] == c;
            }
            ss->bindings[m].colmap = same ? NULL : map;
        }
    }
}

Job *job_new(const Program *const *progs, uint32_t n_progs,
             const JobConfig *cfg, FsqlErr *err)
{
    Arena a;
    arena_init(&a, 16384);
    Job *j = ARENA_NEW(&a, Job);
    j->a = a;
    arena_init(&j->batch_arena, 256 * 1024);
    j->cfg = *cfg;
    if (!j->cfg.out)
        j->cfg.out = stdout;
    if (!j->cfg.err_out)
        j->cfg.err_out = stderr;
    j->n_progs = n_progs;
    j->progs = progs;
    uint32_t total = 0;
    for (uint32_t p = 0; p < n_progs; p++)
        total += progs[p]->n_ops;
    j->cap_ops = total;
    j->ops = ARENA_NEW_ARRAY(&j->a, OpState *, total + 1);
    j->op_prog = ARENA_NEW_ARRAY(&j->a, uint32_t, total + 1);
    j->srcs = ARENA_NEW_ARRAY(&j->a, SharedSource, total + 1);

    /* Time zone of the first program that sets one. */
    const char *tzn = NULL;
    for (uint32_t p = 0; p < n_progs && !tzn; p++)
        tzn = progs[p]->tz_name;
    if (tzn && strcasecmp(tzn, "default") != 0) {
        char msg[256];
        j->tz = tz_load(tzn, msg, sizeof msg);
        if (!j->tz) {
            fsql_err_set(err, FSQL_E_CONFIG, "%s", msg);
            job_free(j);
            return NULL;
        }
    }
    j->rctx.tz = j->tz ? j->tz : tz_utc();
    j->rctx.prog = n_progs ? progs[0] : NULL;
    j->rctx.out = j->cfg.out;
    j->rctx.err_out = j->cfg.err_out;
    j->rctx.job_name = "fsql"; /* checkpoint.c names it (issue 10) */
    j->rctxs = ARENA_NEW_ARRAY(&j->a, RunCtx, n_progs + 1);
    for (uint32_t p = 0; p < n_progs; p++) {
        j->rctxs[p] = j->rctx;
        j->rctxs[p].prog = progs[p];
    }

    uint32_t n = 0;
    for (uint32_t p = 0; p < n_progs; p++) {
        const Program *prog = progs[p];
        uint32_t base = n;
        for (uint32_t i = 0; i < prog->n_ops; i++) {
            const OpDef *d = &prog->ops[i];
            const OpVtbl *v = op_vtbl_for(d->kind);
            if (!v) {
                char pos[256];
                program_span_pos(prog, d->at, pos, sizeof pos);
                fsql_err_set(err, FSQL_E_UNSUPPORTED,
                             "%s: the runtime cannot run %s operators yet", pos,
                             d->kind == OP_KIND_UNSUPPORTED && d->unsupported
                                 ? d->unsupported
                                 : op_kind_name(d->kind));
                job_free(j);
                return NULL;
            }
            OpState *s = ARENA_NEW(&j->a, OpState);
            s->def = d;
            s->v = v;
            s->job = j;
            s->prog_idx = p;
            arena_init(&s->a, 4096);
            batch_init(&s->out, d->out.n_cols, batch_rows(), &j->batch_arena);
            s->wm_in = ARENA_NEW_ARRAY(&j->a, int64_t, d->n_inputs + 1);
            s->ended = ARENA_NEW_ARRAY(&j->a, bool, d->n_inputs + 1);
            for (uint32_t k = 0; k < d->n_inputs; k++)
                s->wm_in[k] = WM_NONE;
            s->wm_out = WM_NONE;
            s->timer_ms = INT64_MAX;
            s->vm.a = &j->batch_arena;
            s->vm.tz = j->rctx.tz;
            j->ops[n] = s;
            j->op_prog[n] = p;
            n++;
            j->n_ops = n;
        }
        /* consumer edges */
        for (uint32_t i = 0; i < prog->n_ops; i++) {
            OpState *s = j->ops[base + i];
            const OpDef *d = s->def;
            s->n_cons = d->n_consumers;
            s->cons = ARENA_NEW_ARRAY(&j->a, OpOutEdge, d->n_consumers + 1);
            for (uint32_t k = 0; k < d->n_consumers; k++) {
                s->cons[k].op = j->ops[base + d->consumers[k].op];
                s->cons[k].port = d->consumers[k].port;
            }
            if (d->kind == OP_KIND_SOURCE)
                share_source(j, s, &prog->tables[d->u.source.table]);
        }
    }
    j->n_ops = n;
    bind_sources(j);
    /* Checkpoints (issue 10): the job's name must be known before the
     * sinks open (exactly-once sinks key their progress by it). */
    if (ckpt_configure(j, err) < 0) {
        job_free(j);
        return NULL;
    }
    return j;
}

int job_open(Job *j, FsqlErr *err)
{
    /* Operators that cannot be checkpointed, exactly-once sinks without
     * checkpoints: refused before anything connects (issue 10). */
    int crc = ckpt_check_ops(j, err);
    if (crc < 0)
        return crc;
    /* Metrics (issue 10) first, so lookups opened below are timed. */
    metrics_job_attach(j);
    /* Readers first: a missing file is reported before anything else. */
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SharedSource *ss = &j->srcs[i];
        const Program *prog = job_program_of(j, ss->members[0]->def);
        RunCtx *rc0 = &j->rctx;
        for (uint32_t p = 0; p < j->n_progs; p++)
            if (j->progs[p] == prog)
                rc0 = &j->rctxs[p];
        int rc = connector_open_source(&ss->table, rc0, &ss->reader, err);
        if (rc < 0)
            return rc;
        batch_init(&ss->batch, ss->table.schema.n_cols, batch_rows(),
                   &j->batch_arena);
        for (uint32_t m = 0; m < ss->n_members; m++)
            ss->bindings[m].reader = ss->reader;
    }
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpState *s = j->ops[i];
        if (!s->v->open)
            continue;
        metrics_op_opening(j, s);
        int rc = s->v->open(s);
        metrics_op_opened(j, s);
        if (rc < 0 || j->failed) {
            if (err)
                *err = j->err;
            return rc < 0 ? rc : j->err.code;
        }
    }
    j->is_open = true;
    /* the reading order of bounded sources, before a checkpoint restores
     * the turn in progress */
    wm_order_init(j);
    /* The newest valid checkpoint, into the opened operators, sources
     * and exactly-once sinks (issue 10). */
    return ckpt_restore(j, err);
}

void job_free(Job *j)
{
    if (!j)
        return;
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpState *s = j->ops[i];
        if (s->v->close)
            s->v->close(s);
        batch_fini(&s->out);
        arena_fini(&s->a);
    }
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SharedSource *ss = &j->srcs[i];
        if (ss->reader)
            ss->reader->v->close(ss->reader);
        if (ss->batch.rows)
            batch_fini(&ss->batch);
    }
    if (j->ckpt)
        ckpt_free(j);
    if (j->tz)
        tz_free(j->tz);
    arena_fini(&j->batch_arena);
    Arena a = j->a;
    arena_fini(&a);
}
