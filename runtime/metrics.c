/*
 * metrics.c - the metrics registry: hooks called by the loop, rendering
 * of the Prometheus text exposition format, publication to the HTTP
 * thread, and the end-of-run summary (see metrics.h).
 *
 * The registry is not a table of registered metric objects: the figures
 * already live in the job (OpState, SourceReader, LookupCache counters),
 * so rendering walks the job and prints each family with its samples.
 * What only this module measures (histograms, rates, lookup load times)
 * lives in JobMetrics, allocated from the job arena when the job opens.
 *
 * Friends: this file includes job_int.h (the Job's inside), like loop.c,
 * because it reads the job's operators and sources directly.
 *
 * Exposition format: "# HELP", "# TYPE", then `name{labels} value`.
 * Label values are escaped (\\, \", \n).  Non-finite values print as
 * +Inf/-Inf/NaN.  Histograms print _bucket{le=...} cumulatively, _sum
 * and _count.
 */
#include "runtime/fsql.h"
#include "runtime/job.h"
#include "runtime/metrics.h"
#include "runtime/checkpoint_int.h"
#include "runtime/connector.h"
#include "runtime/job_int.h"
#include "runtime/log.h"
#include "runtime/lookup.h"
#include "runtime/mem.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* ---- histograms --------------------------------------------------------- */

static const double bucket_bounds[METRICS_N_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,    0.5,    1,     2.5,    5,     10,   60};

/* The same bounds in whole milliseconds (event times have ms precision:
 * the buckets below 1 ms hold exactly 0). */
static const int64_t bucket_ms[METRICS_N_BUCKETS] = {
    0,   0,   0,   1,    2,    5,    10,    25,   50,
    100, 250, 500, 1000, 2500, 5000, 10000, 60000};

void metrics_hist_observe(MetricsHist *h, double seconds)
{
    uint32_t i = 0;
    while (i < METRICS_N_BUCKETS && seconds > bucket_bounds[i])
        i++;
    h->counts[i]++;
    h->count++;
    h->sum += seconds;
}

double metrics_hist_quantile(const MetricsHist *h, double q)
{
    if (h->count == 0)
        return 0;
    uint64_t want = (uint64_t)ceil(q * (double)h->count);
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < METRICS_N_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= want)
            return bucket_bounds[i];
    }
    return INFINITY;
}

/* ---- process-wide state ------------------------------------------------- */

static bool enabled;
static int64_t interval_ms = 500;
static pthread_mutex_t pub_lock = PTHREAD_MUTEX_INITIALIZER;
static char *pub_text; /* last published text (xmalloc) */
static size_t pub_len;
static double pub_wall; /* when it was published, epoch seconds */
/* The lookup-load histogram of the operator being opened (job_open sets
 * it around each open; metrics_lookup_wrap picks it up). */
static _Thread_local struct OpExtra *opening;

void metrics_init(int64_t ms)
{
    enabled = true;
    if (ms > 0)
        interval_ms = ms;
}

bool metrics_enabled(void)
{
    return enabled;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- per job -------------------------------------------------------------- */

/* What the registry keeps per operator beyond OpState. */
typedef struct OpExtra {
    OpMetrics sink;       /* sinks: latency histograms */
    LookupCache *cache;   /* lookup joins: borrowed; freed by the op at
                                close, after the last render */
    MetricsHist load;     /* lookup joins: reader call latency */
    uint64_t load_errors; /* reader calls that returned an error */
    bool has_reader;      /* a timed reader was attached */
    uint64_t prev_rows;   /* sinks: rows at the previous publish */
    double rate;          /* sinks: rows/s over the last interval */
} OpExtra;

typedef struct SrcExtra {
    uint64_t prev_rows;
    double rate; /* rows/s over the last interval */
} SrcExtra;

struct JobMetrics {
    double start_wall; /* epoch seconds */
    double start_mono;
    double prev_pub_mono; /* the previous publication */
    int64_t next_pub_ms;  /* monotonic ms */
    double cycle_start;   /* monotonic seconds of the current cycle */
    MetricsHist batch;    /* push-cycle processing time */
    bool stopping; /* a stop was requested */
    bool ended;
    OpExtra *ops;   /* per j->ops[i] */
    SrcExtra *srcs; /* per j->srcs[i] */
    StrBuf text;    /* render buffer, reused */
};

/* The event-time column of a sink's input: the rowtime column name of a
 * WatermarkAssigner of the same program, else window_time / window_end /
 * rowtime; TIMESTAMP(_LTZ) columns only. */
static int32_t find_event_time_col(Job *j, OpState *s)
{
    const Program *p = job_program_of(j, s->def);
    if (!p || s->def->n_inputs == 0)
        return -1;
    const RtSchema *in = &p->ops[s->def->inputs[0]].out;
    const char *names[8];
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->n_ops && n < 5; i++) {
        const OpDef *d = &p->ops[i];
        if (d->kind == OP_KIND_WATERMARK && d->u.wm.rowtime_col >= 0 &&
            (uint32_t)d->u.wm.rowtime_col < d->out.n_cols)
            names[n++] = d->out.cols[d->u.wm.rowtime_col].name;
    }
    names[n++] = "window_time";
    names[n++] = "window_end";
    names[n++] = "rowtime";
    for (uint32_t k = 0; k < n; k++) {
        for (uint32_t c = 0; c < in->n_cols; c++) {
            ValueKind vk = in->cols[c].type.kind;
            if ((vk == VK_TIMESTAMP || vk == VK_TIMESTAMP_LTZ) &&
                in->cols[c].name && names[k] &&
                strcasecmp(in->cols[c].name, names[k]) == 0)
                return (int32_t)c;
        }
    }
    return -1;
}

void metrics_job_attach(Job *j)
{
    if (!enabled || j->metrics)
        return;
    JobMetrics *m = ARENA_NEW(&j->a, JobMetrics);
    m->ops = ARENA_NEW_ARRAY(&j->a, OpExtra, j->n_ops + 1);
    m->srcs = ARENA_NEW_ARRAY(&j->a, SrcExtra, j->n_srcs + 1);
    strbuf_init(&m->text);
    m->start_wall = wall_seconds();
    m->start_mono = job_now_mono_s();
    m->prev_pub_mono = m->start_mono;
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpState *s = j->ops[i];
        OpExtra *x = &m->ops[i];
        x->sink.event_time_col = -1;
        if (s->def->kind == OP_KIND_SINK || s->def->kind == OP_KIND_COLLECT) {
            x->sink.event_time_col = find_event_time_col(j, s);
            s->metrics = &x->sink;
        }
    }
    j->metrics = m;
    (void)lookup_cache_take_last_new();
}

static uint32_t op_index(const Job *j, const OpState *s)
{
    for (uint32_t i = 0; i < j->n_ops; i++)
        if (j->ops[i] == s)
            return i;
    return UINT32_MAX;
}

void metrics_op_opening(Job *j, OpState *s)
{
    if (!j->metrics)
        return;
    uint32_t i = op_index(j, s);
    opening = i == UINT32_MAX ? NULL : &j->metrics->ops[i];
    (void)lookup_cache_take_last_new();
}

void metrics_op_opened(Job *j, OpState *s)
{
    opening = NULL;
    if (!j->metrics)
        return;
    uint32_t i = op_index(j, s);
    LookupCache *c = lookup_cache_take_last_new();
    if (i != UINT32_MAX && c && s->def->kind == OP_KIND_LOOKUP_JOIN)
        j->metrics->ops[i].cache = c;
}

/* ---- timed lookup readers ---------------------------------------------- */

typedef struct TimedReader {
    LookupReader base; /* base.v = &vt */
    LookupVtbl vt;     /* mirrors inner's optional entries */
    LookupReader *inner;
    OpExtra *x; /* job arena; outlives the reader */
} TimedReader;

static void timed_note(OpExtra *x, double t0, int rc)
{
    metrics_hist_observe(&x->load, job_now_mono_s() - t0);
    if (rc < 0)
        x->load_errors++;
}

static int timed_get(LookupReader *r, const Value *key, Arena *a,
                     LookupRows *out, FsqlErr *err)
{
    TimedReader *t = (TimedReader *)r;
    double t0 = job_now_mono_s();
    int rc = t->inner->v->get(t->inner, key, a, out, err);
    timed_note(t->x, t0, rc);
    return rc;
}

static int timed_get_many(LookupReader *r, uint32_t n, const Value *keys,
                          Arena *a, LookupRows *out, FsqlErr *err)
{
    TimedReader *t = (TimedReader *)r;
    double t0 = job_now_mono_s();
    int rc = t->inner->v->get_many(t->inner, n, keys, a, out, err);
    timed_note(t->x, t0, rc);
    return rc;
}

static void timed_batch_end(LookupReader *r)
{
    TimedReader *t = (TimedReader *)r;
    t->inner->v->batch_end(t->inner);
}

static void timed_close(LookupReader *r)
{
    TimedReader *t = (TimedReader *)r;
    t->inner->v->close(t->inner);
    xfree(t);
}

LookupReader *metrics_lookup_wrap(LookupReader *r)
{
    if (!enabled || !opening || !r)
        return r;
    TimedReader *t = xcalloc(1, sizeof *t);
    t->inner = r;
    t->x = opening;
    t->x->has_reader = true;
    t->vt.get = timed_get;
    t->vt.close = timed_close;
    t->vt.batch_end = r->v->batch_end ? timed_batch_end : NULL;
    t->vt.get_many = r->v->get_many ? timed_get_many : NULL;
    t->base.v = &t->vt;
    t->base.table = r->table;
    t->base.spec = r->spec;
    return &t->base;
}

/* ---- loop hooks ---------------------------------------------------------- */

static void publish(Job *j);

void metrics_job_started(Job *j)
{
    if (!j->metrics)
        return;
    publish(j);
}

void metrics_job_tick(Job *j)
{
    JobMetrics *m = j->metrics;
    if (job_now_mono_ms() < m->next_pub_ms)
        return;
    publish(j);
}

void metrics_job_ended(Job *j)
{
    if (!j->metrics)
        return;
    j->metrics->ended = true;
    publish(j);
}

void metrics_job_stopping(Job *j)
{
    if (!j->metrics)
        return;
    j->metrics->stopping = true;
    publish(j);
}

void metrics_cycle_begin(Job *j)
{
    j->metrics->cycle_start = job_now_mono_s();
}

void metrics_cycle_end(Job *j, uint32_t rows)
{
    JobMetrics *m = j->metrics;
    if (rows == 0)
        return;
    metrics_hist_observe(&m->batch, job_now_mono_s() - m->cycle_start);
}

void metrics_sink_rows(OpState *s, const Batch *b)
{
    OpMetrics *om = s->metrics;
    JobMetrics *m = s->job->metrics;
    if (!m || b->n_rows == 0)
        return;
    double now_mono = job_now_mono_s();
    if (m->cycle_start > 0)
        metrics_hist_observe(&om->proc_latency, now_mono - m->cycle_start);
    int32_t c = om->event_time_col;
    if (c < 0 || (uint32_t)c >= b->n_cols)
        return;
    /* Per row, so kept cheap: integer milliseconds, and the bucket of
     * the previous row tried first (rows of a batch have close times). */
    int64_t now_ms = job_now_wall_ms();
    MetricsHist *h = &om->event_latency;
    int64_t sum_ms = 0;
    uint64_t n = 0;
    uint32_t k = 0;
    for (uint32_t r = 0; r < b->n_rows; r++) {
        const Value *v = batch_row(b, r) + c;
        if (v->is_null)
            continue;
        int64_t d = now_ms - v->u.i;
        if (d < 0)
            d = 0;
        if (!((k == 0 || d > bucket_ms[k - 1]) &&
              (k == METRICS_N_BUCKETS || d <= bucket_ms[k]))) {
            k = 0;
            while (k < METRICS_N_BUCKETS && d > bucket_ms[k])
                k++;
        }
        h->counts[k]++;
        sum_ms += d;
        n++;
    }
    h->count += n;
    h->sum += (double)sum_ms / 1000.0;
}

/* ---- rendering ------------------------------------------------------------ */

static void put_escaped(StrBuf *sb, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"')
            strbuf_putc(sb, '\\');
        if (*s == '\n') {
            strbuf_puts(sb, "\\n");
            continue;
        }
        strbuf_putc(sb, *s);
    }
}

static void family(StrBuf *sb, const char *name, const char *type,
                   const char *help)
{
    strbuf_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_value(StrBuf *sb, double v)
{
    if (isnan(v))
        strbuf_puts(sb, " NaN\n");
    else if (isinf(v))
        strbuf_puts(sb, v > 0 ? " +Inf\n" : " -Inf\n");
    else if (v == floor(v) && fabs(v) < 9e15)
        strbuf_printf(sb, " %.0f\n", v);
    else
        strbuf_printf(sb, " %.15g\n", v);
}

static void put_u64(StrBuf *sb, uint64_t v)
{
    strbuf_printf(sb, " %llu\n", (unsigned long long)v);
}

/* Labels of operator i: operator="stmt.op",kind="...". */
static void op_labels(StrBuf *sb, Job *j, uint32_t i)
{
    OpState *s = j->ops[i];
    uint32_t base = 0;
    for (uint32_t k = 0; k < i; k++)
        if (j->op_prog[k] == j->op_prog[i])
            base++;
    strbuf_printf(sb, "operator=\"%u.%u\",kind=\"", j->op_prog[i] + 1, base);
    put_escaped(sb, op_kind_name(s->def->kind));
    strbuf_putc(sb, '"');
}

/* The table of a Sink / LookupJoin operator, or NULL. */
static const TableDef *op_table(Job *j, OpState *s)
{
    const Program *p = job_program_of(j, s->def);
    if (!p)
        return NULL;
    if (s->def->kind == OP_KIND_SINK)
        return &p->tables[s->def->u.sink.table];
    if (s->def->kind == OP_KIND_LOOKUP_JOIN)
        return &p->tables[s->def->u.lookup.table];
    return NULL;
}

static void sample_op(StrBuf *sb, const char *name, Job *j, uint32_t i,
                      const char *extra)
{
    strbuf_printf(sb, "%s{", name);
    op_labels(sb, j, i);
    if (extra)
        strbuf_puts(sb, extra);
    strbuf_putc(sb, '}');
}

static void sample_table(StrBuf *sb, const char *name, const char *table,
                         const char *extra)
{
    strbuf_printf(sb, "%s{table=\"", name);
    put_escaped(sb, table);
    strbuf_putc(sb, '"');
    if (extra)
        strbuf_puts(sb, extra);
    strbuf_putc(sb, '}');
}

static void hist_samples(StrBuf *sb, const char *name, const char *labels,
                         const MetricsHist *h)
{
    uint64_t cum = 0;
    for (uint32_t b = 0; b <= METRICS_N_BUCKETS; b++) {
        cum += h->counts[b];
        strbuf_printf(sb, "%s_bucket{%s%sle=\"", name, labels,
                      labels[0] ? "," : "");
        if (b == METRICS_N_BUCKETS)
            strbuf_puts(sb, "+Inf");
        else
            strbuf_printf(sb, "%g", bucket_bounds[b]);
        strbuf_puts(sb, "\"}");
        put_u64(sb, cum);
    }
    const char *lb = labels[0] ? "{" : "", *rb = labels[0] ? "}" : "";
    strbuf_printf(sb, "%s_sum%s%s%s", name, lb, labels, rb);
    put_value(sb, h->sum);
    strbuf_printf(sb, "%s_count%s%s%s", name, lb, labels, rb);
    put_u64(sb, h->count);
}

static bool is_sink(const OpState *s)
{
    return s->def->kind == OP_KIND_SINK || s->def->kind == OP_KIND_COLLECT;
}

static const char *sink_name(Job *j, OpState *s)
{
    const TableDef *t = op_table(j, s);
    return t ? t->name : "(select)";
}

void metrics_job_render(Job *j, StrBuf *sb)
{
    JobMetrics *m = j->metrics;
    double now = wall_seconds();
    int64_t now_ms = (int64_t)(now * 1000);
    char lab[512];

    family(sb, "fsql_build_info", "gauge", "Version of the fsql binary.");
    strbuf_printf(sb, "fsql_build_info{version=\"%s\"} 1\n", FSQL_VERSION);
    family(sb, "fsql_job_info", "gauge",
           "The running job: its script and statement count.");
    strbuf_puts(sb, "fsql_job_info{script=\"");
    put_escaped(sb, j->n_progs && j->progs[0]->src_path ? j->progs[0]->src_path
                                                        : "");
    strbuf_printf(sb, "\",statements=\"%u\"} 1\n", j->n_progs);
    if (m) {
        family(sb, "fsql_job_start_time_seconds", "gauge",
               "When the job started, seconds since the Unix epoch.");
        strbuf_puts(sb, "fsql_job_start_time_seconds");
        put_value(sb, floor(m->start_wall * 1000) / 1000);
        family(sb, "fsql_job_uptime_seconds", "gauge",
               "Seconds since the job started.");
        strbuf_puts(sb, "fsql_job_uptime_seconds");
        put_value(sb, floor((job_now_mono_s() - m->start_mono) * 1000) / 1000);
        family(sb, "fsql_job_state", "gauge",
               "1 for the job's current state (running, stopping, ended, "
               "failed).");
        const char *state = j->failed     ? "failed"
                            : m->ended    ? "ended"
                            : m->stopping ? "stopping"
                                          : "running";
        static const char *const states[] = {"running", "stopping", "ended",
                                             "failed"};
        for (size_t k = 0; k < FSQL_ARRAY_LEN(states); k++)
            strbuf_printf(sb, "fsql_job_state{state=\"%s\"} %d\n", states[k],
                          strcmp(states[k], state) == 0);
    }

    /* ---- sources ---- */
    family(sb, "fsql_source_records_total", "counter",
           "Records read by each source table.");
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        sample_table(sb, "fsql_source_records_total", j->srcs[i].table.name,
                     NULL);
        put_u64(sb, r ? r->rows_read : 0);
    }
    family(sb, "fsql_source_bytes_total", "counter",
           "Bytes read by each source table (record payloads; 0 where the "
           "connector does not count them, e.g. datagen).");
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        sample_table(sb, "fsql_source_bytes_total", j->srcs[i].table.name,
                     NULL);
        put_u64(sb, r ? r->bytes_read : 0);
    }
    family(sb, "fsql_source_records_per_second", "gauge",
           "Records per second read by each source over the last "
           "publication interval.");
    for (uint32_t i = 0; i < j->n_srcs && m; i++) {
        sample_table(sb, "fsql_source_records_per_second",
                     j->srcs[i].table.name, NULL);
        put_value(sb, floor(m->srcs[i].rate * 10) / 10);
    }
    family(sb, "fsql_source_parse_errors_total", "counter",
           "Malformed input handled by ignore-parse-errors: action=\"skipped\" "
           "counts records dropped, action=\"nulled\" bad fields read as "
           "NULL.");
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        sample_table(sb, "fsql_source_parse_errors_total",
                     j->srcs[i].table.name, ",action=\"skipped\"");
        put_u64(sb, r ? r->rows_skipped : 0);
        sample_table(sb, "fsql_source_parse_errors_total",
                     j->srcs[i].table.name, ",action=\"nulled\"");
        put_u64(sb, r ? r->fields_nulled : 0);
    }
    family(sb, "fsql_source_splits", "gauge",
           "Splits (files, Kafka partitions) each source knows of.");
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        sample_table(sb, "fsql_source_splits", j->srcs[i].table.name, NULL);
        put_u64(sb, r ? r->n_splits : 0);
    }
    family(sb, "fsql_source_ended", "gauge",
           "1 when a bounded source has reached its end.");
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        sample_table(sb, "fsql_source_ended", j->srcs[i].table.name, NULL);
        strbuf_printf(sb, " %d\n", j->srcs[i].ended);
    }
    /* (kafka helper) per partition, from SourceReader.partition_lag */
    bool lag_family = false;
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        if (!r || !r->partition_lag)
            continue;
        const char *topic;
        int32_t part;
        int64_t lag;
        for (uint32_t k = 0; r->partition_lag(r, k, &topic, &part, &lag);
             k++) {
            if (lag < 0)
                continue;
            if (!lag_family)
                family(sb, "fsql_kafka_consumer_lag", "gauge",
                       "Records in a Kafka partition not read yet (high "
                       "watermark - next offset).");
            lag_family = true;
            strbuf_puts(sb, "fsql_kafka_consumer_lag{table=\"");
            put_escaped(sb, j->srcs[i].table.name);
            strbuf_puts(sb, "\",topic=\"");
            put_escaped(sb, topic);
            strbuf_printf(sb, "\",partition=\"%d\"}", (int)part);
            put_u64(sb, (uint64_t)lag);
        }
    }

    /* ---- operators ---- */
    family(sb, "fsql_records_in_total", "counter",
           "Rows pushed into each operator.");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        sample_op(sb, "fsql_records_in_total", j, i, NULL);
        put_u64(sb, j->ops[i]->rows_in);
    }
    family(sb, "fsql_records_out_total", "counter",
           "Rows each operator emitted downstream (sinks: 0; see "
           "fsql_sink_records_total).");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        sample_op(sb, "fsql_records_out_total", j, i, NULL);
        put_u64(sb, j->ops[i]->rows_out);
    }
    family(sb, "fsql_late_records_dropped_total", "counter",
           "Rows an event-time operator dropped because they arrived behind "
           "the watermark.");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpKind k = j->ops[i]->def->kind;
        if (j->ops[i]->rows_late == 0 && k != OP_KIND_GROUP_WINDOW_AGGREGATE &&
            k != OP_KIND_WINDOW_AGGREGATE && k != OP_KIND_OVER_AGGREGATE &&
            k != OP_KIND_MATCH_RECOGNIZE && k != OP_KIND_INTERVAL_JOIN &&
            k != OP_KIND_WINDOW_TABLE_FUNCTION && k != OP_KIND_TEMPORAL_JOIN)
            continue;
        sample_op(sb, "fsql_late_records_dropped_total", j, i, NULL);
        put_u64(sb, j->ops[i]->rows_late);
    }
    family(sb, "fsql_watermark_seconds", "gauge",
           "Current output watermark of each operator that has one, "
           "seconds since the epoch (+Inf after end of input).");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        int64_t wm = j->ops[i]->wm_out;
        if (wm == WM_NONE)
            continue;
        sample_op(sb, "fsql_watermark_seconds", j, i, NULL);
        put_value(sb, wm == WM_END ? INFINITY : (double)wm / 1000.0);
    }
    family(sb, "fsql_watermark_lag_seconds", "gauge",
           "Wall clock minus the operator's watermark (how far event time "
           "trails real time).");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        int64_t wm = j->ops[i]->wm_out;
        if (wm == WM_NONE || wm == WM_END)
            continue;
        sample_op(sb, "fsql_watermark_lag_seconds", j, i, NULL);
        put_value(sb, (double)(now_ms - wm) / 1000.0);
    }
    family(sb, "fsql_operator_state_bytes", "gauge",
           "Memory held by each operator's own arena (state kept in its "
           "arena; lookup caches count in fsql_lookup_cache_bytes).");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        sample_op(sb, "fsql_operator_state_bytes", j, i, NULL);
        put_u64(sb, (uint64_t)arena_bytes(&j->ops[i]->a));
    }

    /* ---- lookups ---- */
    family(sb, "fsql_lookup_failures_total", "counter",
           "Probe rows whose lookup failed and passed with NULL dimension "
           "columns (lookup.failure-mode).");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        if (j->ops[i]->def->kind != OP_KIND_LOOKUP_JOIN)
            continue;
        sample_op(sb, "fsql_lookup_failures_total", j, i, NULL);
        put_u64(sb, j->ops[i]->lookups_failed);
    }
    static const struct {
        const char *name, *type, *help;
        int field;
    } cache_fams[] = {
        {"fsql_lookup_cache_hits_total", "counter",
         "Lookups answered from the cache.", 0},
        {"fsql_lookup_cache_misses_total", "counter",
         "Lookups the cache could not answer.", 1},
        {"fsql_lookup_cache_loads_total", "counter",
         "Entries stored in the cache after a load.", 2},
        {"fsql_lookup_cache_evictions_total", "counter",
         "Entries evicted to stay within lookup.partial-cache.max-rows.", 3},
        {"fsql_lookup_cache_expirations_total", "counter",
         "Entries dropped because their TTL passed.", 4},
        {"fsql_lookup_cache_keys", "gauge", "Keys cached now.", 5},
        {"fsql_lookup_cache_bytes", "gauge", "Heap bytes the cache holds.", 6},
    };
    for (size_t f = 0; f < FSQL_ARRAY_LEN(cache_fams) && m; f++) {
        family(sb, cache_fams[f].name, cache_fams[f].type, cache_fams[f].help);
        for (uint32_t i = 0; i < j->n_ops; i++) {
            if (!m->ops[i].cache)
                continue;
            LookupCacheStats cs = lookup_cache_stats(m->ops[i].cache);
            uint64_t v[] = {cs.hits,        cs.misses, cs.loads, cs.evictions,
                            cs.expirations, cs.n_keys, cs.bytes};
            const TableDef *t = op_table(j, j->ops[i]);
            StrBuf ex;
            strbuf_init(&ex);
            strbuf_puts(&ex, ",table=\"");
            put_escaped(&ex, t ? t->name : "");
            strbuf_putc(&ex, '"');
            sample_op(sb, cache_fams[f].name, j, i, strbuf_cstr(&ex));
            strbuf_fini(&ex);
            put_u64(sb, v[cache_fams[f].field]);
        }
    }
    if (m) {
        family(sb, "fsql_lookup_load_duration_seconds", "histogram",
               "Time of each call into a lookup source (a cache miss or a "
               "batch of misses).");
        for (uint32_t i = 0; i < j->n_ops; i++) {
            if (!m->ops[i].has_reader)
                continue;
            const TableDef *t = op_table(j, j->ops[i]);
            StrBuf l;
            strbuf_init(&l);
            op_labels(&l, j, i);
            strbuf_puts(&l, ",table=\"");
            put_escaped(&l, t ? t->name : "");
            strbuf_putc(&l, '"');
            hist_samples(sb, "fsql_lookup_load_duration_seconds",
                         strbuf_cstr(&l), &m->ops[i].load);
            strbuf_fini(&l);
        }
        family(sb, "fsql_lookup_load_errors_total", "counter",
               "Calls into a lookup source that returned an error.");
        for (uint32_t i = 0; i < j->n_ops; i++) {
            if (!m->ops[i].has_reader)
                continue;
            sample_op(sb, "fsql_lookup_load_errors_total", j, i, NULL);
            put_u64(sb, m->ops[i].load_errors);
        }
    }

    /* ---- sinks ---- */
    family(sb, "fsql_sink_records_total", "counter",
           "Rows written to each sink (table=\"(select)\": a top-level "
           "SELECT's output).");
    for (uint32_t i = 0; i < j->n_ops; i++) {
        if (!is_sink(j->ops[i]))
            continue;
        sample_table(sb, "fsql_sink_records_total", sink_name(j, j->ops[i]),
                     NULL);
        put_u64(sb, j->ops[i]->rows_in);
    }
    if (m) {
        family(sb, "fsql_sink_records_per_second", "gauge",
               "Rows per second written to each sink over the last "
               "publication interval.");
        for (uint32_t i = 0; i < j->n_ops; i++) {
            if (!is_sink(j->ops[i]))
                continue;
            sample_table(sb, "fsql_sink_records_per_second",
                         sink_name(j, j->ops[i]), NULL);
            put_value(sb, floor(m->ops[i].rate * 10) / 10);
        }
        family(sb, "fsql_end_to_end_latency_seconds", "histogram",
               "Per row written: wall-clock time of the write minus the "
               "row's event time (sinks whose rows carry the event-time "
               "column).");
        for (uint32_t i = 0; i < j->n_ops; i++) {
            if (!is_sink(j->ops[i]) || m->ops[i].sink.event_time_col < 0)
                continue;
            StrBuf l;
            strbuf_init(&l);
            strbuf_puts(&l, "table=\"");
            put_escaped(&l, sink_name(j, j->ops[i]));
            strbuf_putc(&l, '"');
            hist_samples(sb, "fsql_end_to_end_latency_seconds", strbuf_cstr(&l),
                         &m->ops[i].sink.event_latency);
            strbuf_fini(&l);
        }
        family(sb, "fsql_processing_latency_seconds", "histogram",
               "Per batch written: time from the source poll that started "
               "the push cycle to the write.");
        for (uint32_t i = 0; i < j->n_ops; i++) {
            if (!is_sink(j->ops[i]))
                continue;
            snprintf(lab, sizeof lab, "table=\"%s\"", sink_name(j, j->ops[i]));
            hist_samples(sb, "fsql_processing_latency_seconds", lab,
                         &m->ops[i].sink.proc_latency);
        }
        family(sb, "fsql_batch_processing_seconds", "histogram",
               "Processing time of each push cycle (a source batch through "
               "every operator to the sinks).");
        hist_samples(sb, "fsql_batch_processing_seconds", "", &m->batch);
    }

    /* ---- checkpoints (issue 10, items 1-2) ----
     * From the CheckpointStats of runtime/checkpoint.c; nothing while
     * checkpoints are off.  The pause is the part of a checkpoint during
     * which the loop stopped (the file may be written in the
     * background). */
    const CheckpointStats *cs = ckpt_stats(j);
    if (cs) {
        family(sb, "fsql_checkpoints_total", "counter",
               "Checkpoints completed by this process.");
        strbuf_puts(sb, "fsql_checkpoints_total");
        put_u64(sb, cs->completed);
        family(sb, "fsql_checkpoint_failures_total", "counter",
               "Checkpoints that could not be written.");
        strbuf_puts(sb, "fsql_checkpoint_failures_total");
        put_u64(sb, cs->failed);
        family(sb, "fsql_last_checkpoint_id", "gauge",
               "Id of the newest completed checkpoint (0: none yet).");
        strbuf_puts(sb, "fsql_last_checkpoint_id");
        put_u64(sb, cs->last_id);
        family(sb, "fsql_last_checkpoint_timestamp_seconds", "gauge",
               "Wall-clock time the newest checkpoint completed.");
        strbuf_puts(sb, "fsql_last_checkpoint_timestamp_seconds");
        put_value(sb, (double)cs->last_wall_ms / 1000.0);
        family(sb, "fsql_checkpoint_duration_seconds", "gauge",
               "Duration of the newest checkpoint, from its start until it "
               "was durable and committed.");
        strbuf_puts(sb, "fsql_checkpoint_duration_seconds");
        put_value(sb, cs->last_duration_s);
        family(sb, "fsql_checkpoint_size_bytes", "gauge",
               "Size of the newest checkpoint file.");
        strbuf_puts(sb, "fsql_checkpoint_size_bytes");
        put_u64(sb, cs->last_size_bytes);
        family(sb, "fsql_checkpoint_pause_seconds", "histogram",
               "How long each checkpoint of this process stopped "
               "processing.");
        hist_samples(sb, "fsql_checkpoint_pause_seconds", "", &cs->pause);
        family(sb, "fsql_checkpoint_restored_id", "gauge",
               "Checkpoint the job was restored from at start (0: none).");
        strbuf_puts(sb, "fsql_checkpoint_restored_id");
        put_u64(sb, cs->restored_id);
    }

    /* ---- process ---- */
    family(sb, "fsql_process_resident_memory_bytes", "gauge",
           "Resident set size of the process.");
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    strbuf_puts(sb, "fsql_process_resident_memory_bytes");
    put_value(sb, (double)rss * (double)sysconf(_SC_PAGESIZE));
}

/* Rates since the previous publication, then render and swap. */
static void publish(Job *j)
{
    JobMetrics *m = j->metrics;
    double now = job_now_mono_s();
    double dt = now - m->prev_pub_mono;
    if (dt >= 0.2) {
        for (uint32_t i = 0; i < j->n_srcs; i++) {
            SourceReader *r = j->srcs[i].reader;
            uint64_t rows = r ? r->rows_read : 0;
            m->srcs[i].rate = (double)(rows - m->srcs[i].prev_rows) / dt;
            m->srcs[i].prev_rows = rows;
        }
        for (uint32_t i = 0; i < j->n_ops; i++) {
            if (!is_sink(j->ops[i]))
                continue;
            uint64_t rows = j->ops[i]->rows_in;
            m->ops[i].rate = (double)(rows - m->ops[i].prev_rows) / dt;
            m->ops[i].prev_rows = rows;
        }
        m->prev_pub_mono = now;
    }
    strbuf_clear(&m->text);
    metrics_job_render(j, &m->text);
    size_t len = m->text.len;
    char *copy = xmalloc(len + 1);
    memcpy(copy, strbuf_cstr(&m->text), len + 1);
    pthread_mutex_lock(&pub_lock);
    char *old = pub_text;
    pub_text = copy;
    pub_len = len;
    pub_wall = wall_seconds();
    pthread_mutex_unlock(&pub_lock);
    xfree(old);
    m->next_pub_ms = job_now_mono_ms() + interval_ms;
    if (m->ended)
        strbuf_fini(&m->text);
}

char *metrics_snapshot_copy(size_t *len)
{
    pthread_mutex_lock(&pub_lock);
    size_t n = pub_text ? pub_len : 0;
    double at = pub_wall;
    char *out = xmalloc(n + 256);
    if (n)
        memcpy(out, pub_text, n);
    pthread_mutex_unlock(&pub_lock);
    int k = snprintf(out + n, 256,
                     "# HELP fsql_metrics_snapshot_age_seconds Age of the "
                     "figures on this page (published by the job loop).\n"
                     "# TYPE fsql_metrics_snapshot_age_seconds gauge\n"
                     "fsql_metrics_snapshot_age_seconds %.3f\n",
                     at > 0 ? wall_seconds() - at : 0.0);
    *len = n + (k > 0 ? (size_t)k : 0);
    return out;
}

/* ---- the end-of-run summary ------------------------------------------------ */

/* ", what p50 <= 0.005 s, p99 <= 0.01 s" (bucket upper bounds). */
static void put_quantiles(FILE *f, const char *what, const MetricsHist *h)
{
    static const double qs[] = {0.5, 0.99};
    static const char *const names[] = {"p50", "p99"};
    fputs(what, f);
    for (size_t i = 0; i < FSQL_ARRAY_LEN(qs); i++) {
        double v = metrics_hist_quantile(h, qs[i]);
        if (isinf(v))
            fprintf(f, "%s %s > %g s", i ? "," : "", names[i],
                    bucket_bounds[METRICS_N_BUCKETS - 1]);
        else
            fprintf(f, "%s %s <= %g s", i ? "," : "", names[i], v);
    }
}

void metrics_job_summary(Job *j, FILE *f)
{
    JobMetrics *m = j->metrics;
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        if (!r)
            continue;
        fprintf(f, "fsql: source %s: %llu records", j->srcs[i].table.name,
                (unsigned long long)r->rows_read);
        if (r->bytes_read)
            fprintf(f, ", %llu bytes", (unsigned long long)r->bytes_read);
        if (r->rows_skipped || r->fields_nulled)
            fprintf(f, ", parse errors: %llu skipped, %llu nulled",
                    (unsigned long long)r->rows_skipped,
                    (unsigned long long)r->fields_nulled);
        fputc('\n', f);
    }
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpState *s = j->ops[i];
        if (s->rows_late)
            fprintf(f, "fsql: %s %u: %llu late rows dropped\n",
                    op_kind_name(s->def->kind), i,
                    (unsigned long long)s->rows_late);
        if (m && m->ops[i].cache) {
            LookupCacheStats cs = lookup_cache_stats(m->ops[i].cache);
            const TableDef *t = op_table(j, s);
            uint64_t tot = cs.hits + cs.misses;
            fprintf(f,
                    "fsql: lookup %s: %llu hits, %llu misses (%.1f%% hit "
                    "rate), %llu keys cached",
                    t ? t->name : "?", (unsigned long long)cs.hits,
                    (unsigned long long)cs.misses,
                    tot ? 100.0 * (double)cs.hits / (double)tot : 0.0,
                    (unsigned long long)cs.n_keys);
            if (m->ops[i].load.count)
                put_quantiles(f, ", load time", &m->ops[i].load);
            fputc('\n', f);
        }
        if (is_sink(s)) {
            fprintf(f, "fsql: sink %s: %llu rows", sink_name(j, s),
                    (unsigned long long)s->rows_in);
            if (m && m->ops[i].sink.event_latency.count)
                put_quantiles(f, ", event-time latency",
                              &m->ops[i].sink.event_latency);
            fputc('\n', f);
        }
    }
    if (m && m->batch.count) {
        fprintf(f, "fsql: %llu batches", (unsigned long long)m->batch.count);
        put_quantiles(f, ", processing time", &m->batch);
        fprintf(f, ", mean %.3g s\n", m->batch.sum / (double)m->batch.count);
    }
}
