/*
 * program.h - Program: the compiled, immutable form of one job plan.
 *
 * Pipeline position: compiler/codegen_plan.c turns a Plan (compiler/plan.h)
 * into a Program: one OpDef per plan node, in topological order (inputs
 * before consumers), each with its output RtSchema, its expressions as VM
 * Code (runtime/vm.h) and its parameters; one TableDef per table the job
 * reads, writes or looks up, with every WITH option as a string.  The
 * runtime (runtime/job.c) instantiates one OpState per OpDef and never
 * sees SQL, the AST or the plan.
 *
 * Lifetime: everything a Program points to lives in its own arena
 * (Program.a), so the compile arena can be dropped as soon as
 * codegen_program() returns.  A Program is read-only while a job runs;
 * the mutable run-time state lives in the OpStates beside it (the
 * PostgreSQL plan/state split), which is also what checkpoints snapshot.
 */
#ifndef FSQL_RUNTIME_PROGRAM_H
#define FSQL_RUNTIME_PROGRAM_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/value.h"
#include "runtime/vm.h"

/* ---- operator kinds --------------------------------------------------- */

/* X(KIND, "Name as in EXPLAIN").  Every kind codegen can produce; the
 * runtime implementations are listed in OP_IMPLS (runtime/op.h). */
#define OP_KINDS(X)                        \
    X(SOURCE, "TableSourceScan")           \
    X(WATERMARK, "WatermarkAssigner")      \
    X(CALC, "Calc")                        \
    X(VALUES, "Values")                    \
    X(UNION, "Union")                      \
    X(LOOKUP_JOIN, "LookupJoin")           \
    X(SINK, "Sink")                        \
    X(COLLECT, "Collect")                  \
    X(OVER_AGGREGATE, "OverAggregate")     \
    X(GROUP_WINDOW_AGGREGATE, "GroupWindowAggregate") /* op_window.c */ \
    X(WINDOW_AGGREGATE, "WindowAggregate")             /* op_window.c */ \
    X(WINDOW_TABLE_FUNCTION, "WindowTableFunction")    /* op_window.c */ \
    X(GROUP_AGGREGATE, "GroupAggregate")               /* op_group_agg.c */ \
    X(MATCH_RECOGNIZE, "MatchRecognize")  /* issue 7: op_match.c */ \
    X(INTERVAL_JOIN, "IntervalJoin")      /* issue 8: op_interval_join.c */ \
    X(JOIN, "Join")                       /* issue 8: op_join.c */ \
    X(SEMI_JOIN, "SemiJoin")              /* issue 8: op_semi_join.c */ \
    X(TEMPORAL_JOIN, "TemporalJoin")      /* issue 8: op_temporal_join.c */ \
    X(UNSUPPORTED, "Unsupported")

typedef enum OpKind {
#define X(k, s) OP_KIND_##k,
    OP_KINDS(X)
#undef X
        OP_KIND_COUNT
} OpKind;

const char *op_kind_name(OpKind k);

/* ---- tables ----------------------------------------------------------- */

/* How a job uses a table. */
typedef enum TableRole {
    TABLE_SOURCE = 1,
    TABLE_SINK = 2,
    TABLE_LOOKUP = 4
} TableRole;

/* One table the job touches.  schema holds the columns the operator reads
 * or writes, in table order: for a source the scanned physical/metadata
 * columns, for a sink the physical columns, for a lookup every physical
 * column.  table_cols[i] is the position of schema column i among the
 * table's declared columns (so two scans of one table can be merged). */
typedef struct TableDef {
    const char *name;      /* as declared (last part) */
    const char *connector; /* "filesystem", "print", ... */
    const char *format;    /* "json", "csv", or NULL */
    uint32_t n_opts;
    const char **keys;     /* WITH option keys, as written */
    const char **values;   /* ${VAR}-expanded; for filesystem 'path' already
                              resolved against base_dir */
    const char *base_dir;  /* directory of the declaring script */
    RtSchema schema;
    const uint32_t *table_cols;
    const char *const *metadata_keys; /* per schema column: METADATA key,
                                         or NULL for a physical column */
    uint32_t n_pk;
    const uint32_t *pk;    /* primary key: indexes into schema; n_pk 0 if
                              none (or not all key columns are in schema) */
    bool is_bounded;       /* source: ends by itself */
    unsigned roles;        /* TableRole bits */
    /* Every physical column of the declared table, in declaration order,
     * whatever the job reads: positional formats (csv) decode records
     * against it.  phys_to_schema[i] is the schema column that physical
     * column i feeds, or -1 when the job does not read it. */
    RtSchema table_phys;
    const int32_t *phys_to_schema;
} TableDef;

/* The value of option key, or NULL when not given (no defaults). */
const char *table_def_option(const TableDef *t, const char *key);
/* Same with a default for a missing key. */
const char *table_def_option_or(const TableDef *t, const char *key,
                                const char *def);

/* ---- operators -------------------------------------------------------- */

typedef struct OpEdge {
    uint32_t op;   /* consumer's index in Program.ops */
    uint32_t port; /* its input port */
} OpEdge;

typedef struct OpSourceDef {
    uint32_t table; /* index in Program.tables */
} OpSourceDef;

/* watermark = expr(row) after each row; the rowtime column passes through.
 * Combined per split as the maximum seen, across splits as the minimum,
 * and never decreasing. */
typedef struct OpWatermarkDef {
    int32_t rowtime_col;
    const Code *expr;        /* one TIMESTAMP/TIMESTAMP_LTZ result */
    int64_t delay_ms;        /* `col - INTERVAL`; -1 for another form */
    int64_t idle_timeout_ms; /* table.exec.source.idle-timeout; -1 off */
    bool is_periodic;        /* on-periodic emit strategy (else on-event) */
    int64_t interval_ms;     /* pipeline.auto-watermark-interval */
    const char *align_group; /* scan.watermark.alignment.group; NULL: none
                                (runtime/wm_align.h) */
    int64_t align_drift_ms;  /* scan.watermark.alignment.max-drift */
    int64_t align_update_ms; /* ....alignment.update-interval (default 1 s) */
} OpWatermarkDef;

/* Filter (may be NULL) then projection (NULL: the row passes unchanged;
 * else one result per output column).  When both exist and the projection
 * computes something, they are one Code instead (both, from
 * codegen_calc): result 0 is the condition, results 1..n the output
 * columns, computed only for rows that pass; filter and proj are NULL. */
typedef struct OpCalcDef {
    const Code *filter;
    const Code *proj;
    const Code *both;
} OpCalcDef;

/* Constant rows: rows[r] is a Code with one result per column, evaluated
 * over an empty row when the operator opens. */
typedef struct OpValuesDef {
    uint32_t n_rows;
    const Code *const *rows;
} OpValuesDef;

/* Sink: input column i is written to schema column cols[i] of the table;
 * unwritten columns are NULL.  Collect (a top-level SELECT) has no table
 * (table == UINT32_MAX) and writes to the job's --output. */
typedef struct OpSinkDef {
    uint32_t table;
    const uint32_t *cols;
    bool is_overwrite;
    bool is_updating;      /* input carries -U/+U/-D */
} OpSinkDef;

typedef enum LookupCacheKind {
    LOOKUP_CACHE_NONE,
    LOOKUP_CACHE_PARTIAL,
    LOOKUP_CACHE_FULL
} LookupCacheKind;

typedef struct LookupCacheDef {
    LookupCacheKind kind;
    int64_t max_rows;               /* -1: unbounded */
    int64_t expire_after_write_ms;  /* -1: never */
    int64_t expire_after_access_ms; /* -1: never */
    bool cache_missing_key;
} LookupCacheDef;

/* LookupJoin: for each probe row, the keys (probe_keys: one result per key
 * over the probe row) are looked up against the table's schema columns
 * dim_cols[]; output = probe row ++ the dim columns dim_fields[] (indexes
 * into the table schema), filtered by dim_filter (over the dim_fields
 * row) and residual (over the output row). */
typedef struct OpLookupJoinDef {
    uint32_t table;           /* index in Program.tables */
    bool is_left;             /* LEFT JOIN: unmatched probe rows get NULLs */
    uint32_t n_keys;
    const uint32_t *dim_cols;
    const Code *probe_keys;
    uint32_t n_dim_fields;
    const uint32_t *dim_fields;
    const Code *dim_filter;   /* NULL if none */
    const Code *residual;     /* NULL if none */
    LookupCacheDef cache;
    bool is_bounded_table;    /* a filesystem table: loaded once */
} OpLookupJoinDef;

/* OverAggregate (runtime/op_over.c; built by compiler/codegen_over.c).
 * Output: input columns ++ one column per call.  Calls with equal frames
 * share a frame (frames[]); every frame ends at CURRENT ROW. */
typedef struct OpOverFrame {
    bool is_rows;          /* ROWS (else RANGE over the time attribute) */
    bool is_unbounded;     /* UNBOUNDED PRECEDING */
    int64_t preceding;     /* ROWS: rows; RANGE: milliseconds */
} OpOverFrame;

typedef struct OpOverCall {
    const char *name;      /* upper case: COUNT, SUM, LAG, ROW_NUMBER, ... */
    RtType type;           /* result type (the compiler's) */
    uint32_t n_args;       /* argument values passed (0: COUNT(*)) */
    uint32_t arg;          /* index of the first among OpOverDef.args
                              results; LAG/LEAD: value [, default] */
    bool is_distinct;
    int32_t filter;        /* FILTER (WHERE): BOOLEAN result index in
                              args, or -1 */
    uint32_t frame;        /* index in frames */
    int64_t offset;        /* LAG/LEAD offset (rows, default 1) */
    bool has_default;      /* LAG/LEAD: args[arg + 1] is the default */
} OpOverCall;

/* What happens to rows that arrive for a window that has already fired
 * ('table.exec.late-data'). */
typedef enum OpLatePolicy {
    LATE_DROP,             /* counted and dropped (default) */
    LATE_EMIT              /* fired windows are kept for allow_lateness_ms;
                              a late row re-fires its window: one more +I
                              row with the complete updated result */
} OpLatePolicy;

typedef struct OpLateDef {
    OpLatePolicy policy;
    int64_t allow_lateness_ms; /* LATE_EMIT: how long fired windows are
                                  kept (-1: until end of input) */
    uint32_t sink_table;   /* 'table.exec.late-data.sink': index in
                              Program.tables, UINT32_MAX: none */
} OpLateDef;

typedef struct OpOverDef {
    const Code *keys;      /* PARTITION BY values; NULL: one partition */
    const Code *args;      /* every call's arguments; NULL: none */
    int32_t time_col;      /* ORDER BY time attribute (input column) */
    bool is_proctime;      /* processing time: rows are emitted at once */
    uint32_t n_frames;
    const OpOverFrame *frames;
    uint32_t n_calls;
    const OpOverCall *calls;
    int64_t state_ttl_ms;  /* table.exec.state.ttl: a partition idle
                              that long (processing time) is freed;
                              -1: forever */
    OpLateDef late;        /* late rows are always dropped (an OVER row
                              cannot be re-emitted); the sink gets them */
} OpOverDef;

/* ---- group windows and group aggregates (issue 4; runtime/op_window.c,
 * runtime/op_group_agg.c; built by compiler/codegen_window.c) ---------- */

typedef enum OpWinKind {
    OPW_TUMBLE,
    OPW_HOP,
    OPW_CUMULATE,
    OPW_SESSION
} OpWinKind;

/* How rows are assigned to windows (all durations in milliseconds). */
typedef struct OpWindowSpec {
    OpWinKind kind;
    int32_t time_col;      /* input column of the time attribute */
    bool is_proctime;      /* processing time: windows close on timers */
    int64_t size_ms;       /* TUMBLE/HOP size, CUMULATE max size */
    int64_t slide_ms;      /* HOP slide */
    int64_t step_ms;       /* CUMULATE step */
    int64_t gap_ms;        /* SESSION gap */
    int64_t offset_ms;     /* window offset */
} OpWindowSpec;

/* One aggregate call of a window or group aggregate.  Its argument
 * values are results arg .. arg + n_args - 1 of the operator's args Code
 * (for PERCENTILE_CONT/DISC: the fraction, then the ORDER BY value). */
typedef struct OpAggCall {
    const char *name;      /* upper case: COUNT, SUM, PERCENTILE_CONT, ... */
    RtType type;           /* result type (the compiler's) */
    RtType arg_type;       /* type of the value argument (VK_NULLTYPE for
                              COUNT(*)) */
    uint32_t n_args;       /* 0 for COUNT(*) */
    uint32_t arg;
    bool is_distinct;
    int32_t filter;        /* FILTER (WHERE): BOOLEAN result index in args,
                              or -1 */
} OpAggCall;

/* Window properties in the output (after keys and aggregates). */
typedef enum OpWinProp {
    OPWP_START,
    OPWP_END,
    OPWP_ROWTIME,          /* end - 1 ms */
    OPWP_PROCTIME          /* wall clock when the window fired */
} OpWinProp;

/* GroupWindowAggregate (legacy GROUP BY TUMBLE(...)) and WindowAggregate
 * (over a window TVF: start_col/end_col are the TVF's window_start and
 * window_end columns, -1 for the legacy form).  Output: keys, then one
 * column per call, then props. */
typedef struct OpWindowAggDef {
    OpWindowSpec win;
    const Code *keys;      /* GROUP BY values; NULL: no keys */
    uint32_t n_keys;
    const Code *args;      /* every call's arguments; NULL: none */
    uint32_t n_aggs;
    const OpAggCall *aggs;
    uint32_t n_props;
    const uint8_t *props;  /* OpWinProp per property column */
    int32_t start_col, end_col;
    OpLateDef late;
    bool on_panes; /* HOP/CUMULATE on slide/step panes (the planner's
                      choice; op_window.c "HOP and CUMULATE with panes") */
} OpWindowAggDef;

/* WindowTableFunction: input row ++ window_start, window_end,
 * window_time, one row per window the row belongs to. */
typedef struct OpWindowTvfDef {
    OpWindowSpec win;
    OpLateDef late;
    bool pane_feed; /* each row once, as its pane, to a WindowAggregate
                       on panes (its only consumer) */
} OpWindowTvfDef;

/* GroupAggregate: unbounded GROUP BY with an updating output.  Output:
 * keys, then one column per call. */
typedef struct OpGroupAggDef {
    const Code *keys;      /* NULL: one global group */
    uint32_t n_keys;
    const Code *args;
    uint32_t n_aggs;
    const OpAggCall *aggs;
    int64_t state_ttl_ms;  /* table.exec.state.ttl; -1: forever */
    bool is_distinct_only; /* SELECT DISTINCT: no aggregates */
    bool is_input_updating; /* input carries -U/+U/-D */
} OpGroupAggDef;

struct OpMatchDef; /* issue 7: runtime/match.h */

/* ---- joins (issue 8; runtime/op_interval_join.c, op_join.c,
 * op_semi_join.c, op_temporal_join.c; built by compiler/codegen_join.c) */

typedef enum OpJoinType {
    OPJ_INNER,
    OPJ_LEFT,
    OPJ_RIGHT,
    OPJ_FULL
} OpJoinType;

/* Keys and residual shared by the two-input joins: left_keys is one Code
 * over the left row, right_keys one over the right row, with one result
 * per key, both already cast to the key's common type (so value_equal /
 * value_hash compare them directly; a NULL key matches nothing).
 * residual (NULL: none) is a filter over left row ++ right row. */
typedef struct OpJoinKeysDef {
    uint32_t n_keys;
    const Code *left_keys;   /* NULL when n_keys == 0 */
    const Code *right_keys;
    const Code *residual;
} OpJoinKeysDef;

/* IntervalJoin: rows match when the keys are equal, the residual holds
 * and lower_ms <= left.time - right.time <= upper_ms. */
typedef struct OpIntervalJoinDef {
    OpJoinType type;
    OpJoinKeysDef k;
    int32_t left_time_col;   /* in the left row */
    int32_t right_time_col;  /* in the right row */
    int64_t lower_ms, upper_ms;
    bool is_proctime;
} OpIntervalJoinDef;

/* Join: regular (unbounded) equi-join with an updating output where
 * needed; state per key bounded by state_ttl_ms. */
typedef struct OpJoinDef {
    OpJoinType type;
    OpJoinKeysDef k;
    int64_t state_ttl_ms;    /* -1: forever */
    bool left_updating;      /* inputs carry -U/+U/-D */
    bool right_updating;
    bool unique[2];          /* per side: the join key holds a unique key
                                of that input: one row per key is kept,
                                a new row replaces it (issue 8) */
} OpJoinDef;

typedef enum OpSemiKind { OPSEMI_SEMI, OPSEMI_ANTI, OPSEMI_MARK } OpSemiKind;

/* SemiJoin (also AntiJoin, MarkJoin).  Streaming variant: two inputs,
 * k.left_keys over the probe row, k.right_keys over the subquery row.
 * Lookup variant (table != UINT32_MAX, one input): the probe keys are
 * looked up in columns dim_cols[] of the table (TableDef with every
 * column), dim_filter (NULL: none) is over the table row.  Output: the
 * probe row (SEMI/ANTI) or probe row ++ one BOOLEAN (MARK). */
typedef struct OpSemiJoinDef {
    OpSemiKind kind;
    OpJoinKeysDef k;         /* residual unused */
    uint32_t table;          /* lookup variant: index in Program.tables */
    const uint32_t *dim_cols;
    const Code *dim_filter;
    LookupCacheDef cache;
    int64_t state_ttl_ms;
    bool left_updating, right_updating;
} OpSemiJoinDef;

/* TemporalJoin: event-time join of each left row with the version of the
 * right row (by primary key = the join keys) valid at left.time. */
typedef struct OpTemporalJoinDef {
    OpJoinType type;         /* INNER or LEFT */
    OpJoinKeysDef k;
    int32_t left_time_col;
    int32_t right_time_col;
} OpTemporalJoinDef;

typedef struct OpDef {
    OpKind kind;
    uint32_t id;            /* index in Program.ops */
    uint32_t plan_id;       /* PNode id, for messages ("Calc#3") */
    RtSchema out;           /* output schema */
    uint32_t n_inputs;
    const uint32_t *inputs; /* producers' indexes; port i = inputs[i] */
    uint32_t n_consumers;
    const OpEdge *consumers;
    bool is_bounded;        /* every source below is bounded */
    bool is_updating;       /* output carries -U/+U/-D */
    SrcSpan at;             /* SQL it was planned from */
    const char *unsupported;/* OP_KIND_UNSUPPORTED: the plan node's name */
    union {
        OpSourceDef source;
        OpWatermarkDef wm;
        OpCalcDef calc;
        OpValuesDef values;
        OpSinkDef sink;
        OpLookupJoinDef lookup;
        OpOverDef over;        /* OVER_AGGREGATE */
        OpWindowAggDef wagg;   /* GROUP_WINDOW_AGGREGATE, WINDOW_AGGREGATE */
        OpWindowTvfDef tvf;    /* WINDOW_TABLE_FUNCTION */
        OpGroupAggDef gagg;    /* GROUP_AGGREGATE */
        const struct OpMatchDef *match; /* MATCH_RECOGNIZE (issue 7) */
        OpIntervalJoinDef ijoin;   /* INTERVAL_JOIN (issue 8) */
        OpJoinDef join;            /* JOIN */
        OpSemiJoinDef semi;        /* SEMI_JOIN */
        OpTemporalJoinDef tjoin;   /* TEMPORAL_JOIN */
    } u;
} OpDef;

/* ---- the program ------------------------------------------------------ */

typedef struct Program {
    Arena a;                /* owns everything below */
    uint32_t n_ops;
    OpDef *ops;             /* topological order */
    uint32_t n_tables;
    TableDef *tables;
    uint32_t n_roots;
    const uint32_t *roots;  /* Sink/Collect ops, statement order */
    bool is_query;          /* a top-level SELECT (one Collect root) */
    const char *tz_name;    /* 'table.local-time-zone'; NULL: UTC */
    uint32_t n_settings;    /* every SET option of the session, in order */
    const char **setting_keys;
    const char **setting_values;
    /* The statement's source, for run-time error positions (SrcSpans). */
    const char *src_path;
    const char *src_text;   /* copy, NUL-terminated */
    size_t src_len;
} Program;

/* An empty program with its arena. */
Program *program_new(void);
void program_free(Program *p);

/* A session setting (SET 'k' = 'v'), or NULL. */
const char *program_setting(const Program *p, const char *key);

/* "path:line:col" of a span of the program's SQL, into buf. */
void program_span_pos(const Program *p, SrcSpan at, char *buf, size_t n);

/* Check the structural invariants (inputs before consumers, edges, schema
 * widths, every Code valid); NULL if fine, else a static description. */
const char *program_validate(const Program *p);

/* Append a listing of the operators (and with verbose their bytecode). */
void program_dump(const Program *p, bool verbose, StrBuf *out);

#endif
