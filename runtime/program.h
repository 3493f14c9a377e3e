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
} OpWatermarkDef;

/* Filter (may be NULL) then projection (NULL: the row passes unchanged;
 * else one result per output column). */
typedef struct OpCalcDef {
    const Code *filter;
    const Code *proj;
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
