/*
 * plan.h - the physical operator DAG of one job, and EXPLAIN.
 *
 * Pipeline position: resolve.c has bound and typed a runnable statement
 * (INSERT, statement set, top-level query, or EXPLAIN of one of those);
 * plan_statement() turns it into a Plan: a DAG of PNode operators whose
 * expressions are typed PExpr trees over input column indexes.  The
 * runtime instantiates one operator per PNode and compiles every PExpr to
 * bytecode; it never sees the AST or SQL text (PExpr keeps SrcSpans only
 * for run-time error messages).  explain_plan() prints the DAG as the
 * indented tree `fsql explain` shows (docs/explain.md).
 *
 * Shape of a Plan:
 *  - roots: one Sink per INSERT (several for a statement set) or one
 *    Collect for a top-level SELECT;
 *  - nodes: every node once, inputs before consumers (a topological
 *    order the runtime can instantiate in);
 *  - a node may have several consumers (n_consumers > 1): a view used
 *    twice in one job, a view shared by the INSERTs of a statement set, or
 *    a table scanned by several branches is planned ONCE per job;
 *  - every node has its output schema (out) and changelog mode; the input
 *    schemas are the inputs' out.
 *
 * Column numbering: an INPUT_REF indexes the node's input row.  For a
 * two-input node (Join, IntervalJoin, TemporalJoin) expressions over both
 * sides index the concatenation left ++ right; key expressions of one side
 * index that side's row.  LookupJoin: probe keys index the probe row, its
 * residual condition indexes the output row (probe ++ projected dim
 * columns).
 *
 * Types: every PExpr carries its result type (from resolve.c).  Operand
 * types of a CALL may differ where Flink casts implicitly (DECIMAL * INT,
 * INT = BIGINT): codegen coerces operands to their common type
 * (type_common) before choosing a typed opcode.  Explicit conversions, and
 * conversions to INSERT target / UNION column types, are PE_CAST nodes.
 *
 * A column of a shared view that no consumer reads is a typed NULL
 * literal in the view's Calc (projection pruning keeps positions stable).
 *
 * Lifetime: everything is allocated from the CompileCtx arena and is
 * read-only once plan_statement() returns.
 */
#ifndef FSQL_COMPILER_PLAN_H
#define FSQL_COMPILER_PLAN_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "compiler/ast.h"
#include "compiler/compile.h"
#include "compiler/types.h"

struct CatTable;
struct CatView;
struct FuncInfo;

/* ---- expressions ------------------------------------------------------ */

#define PEXPR_KINDS(X)                                                       \
    X(INPUT_REF)  /* idx: input column; var: MATCH_RECOGNIZE variable */    \
    X(LITERAL)    /* lit */                                                  \
    X(CALL)       /* op (PO_FUNC: func/name), args */                        \
    X(CASE)       /* args: cond1, res1, cond2, res2, ..., else (or NULL) */ \
    X(CAST)       /* args[0] to type; is_try for TRY_CAST */                 \
    X(IN_LIST)    /* args[0] IN (args[1..]); is_not */                       \
    X(AGG_CALL)   /* MATCH_RECOGNIZE only: aggregate over a variable */      \
    X(SUBQUERY)   /* placeholder for a subquery fsql could not decorrelate:\
                     never reaches the runtime (planning fails first) */

typedef enum PExprKind {
#define X(k) PE_##k,
    PEXPR_KINDS(X)
#undef X
        PE_KIND_COUNT
} PExprKind;

/* Built-in operators of a PE_CALL.  X(name, text, n_args, is_infix);
 * n_args -1: variadic. */
#define POP_KINDS(X)                                                         \
    X(ADD, "+", 2, 1)                                                        \
    X(SUB, "-", 2, 1)                                                        \
    X(MUL, "*", 2, 1)                                                        \
    X(DIV, "/", 2, 1)                                                        \
    X(MOD, "%", 2, 1)                                                        \
    X(CONCAT, "||", 2, 1)                                                    \
    X(EQ, "=", 2, 1)                                                         \
    X(NE, "<>", 2, 1)                                                        \
    X(LT, "<", 2, 1)                                                         \
    X(LE, "<=", 2, 1)                                                        \
    X(GT, ">", 2, 1)                                                         \
    X(GE, ">=", 2, 1)                                                        \
    X(AND, "AND", -1, 1)                                                     \
    X(OR, "OR", -1, 1)                                                       \
    X(NOT, "NOT", 1, 0)                                                      \
    X(NEG, "-", 1, 0)                                                        \
    X(IS_NULL, "IS NULL", 1, 0)                                              \
    X(IS_NOT_NULL, "IS NOT NULL", 1, 0)                                      \
    X(IS_TRUE, "IS TRUE", 1, 0)                                              \
    X(IS_NOT_TRUE, "IS NOT TRUE", 1, 0)                                      \
    X(IS_FALSE, "IS FALSE", 1, 0)                                            \
    X(IS_NOT_FALSE, "IS NOT FALSE", 1, 0)                                    \
    X(IS_DISTINCT_FROM, "IS DISTINCT FROM", 2, 1)                            \
    X(IS_NOT_DISTINCT_FROM, "IS NOT DISTINCT FROM", 2, 1)                    \
    X(BETWEEN, "BETWEEN", 3, 0)          /* args: x, low, high */            \
    X(NOT_BETWEEN, "NOT BETWEEN", 3, 0)                                      \
    X(LIKE, "LIKE", -1, 0)               /* x, pattern [, escape] */         \
    X(NOT_LIKE, "NOT LIKE", -1, 0)                                           \
    X(SIMILAR, "SIMILAR TO", -1, 0)                                          \
    X(NOT_SIMILAR, "NOT SIMILAR TO", -1, 0)                                  \
    X(EXTRACT, "EXTRACT", 1, 0)          /* unit in PExpr.unit */            \
    X(ROW, "ROW", -1, 0)                                                     \
    X(ARRAY, "ARRAY", -1, 0)                                                 \
    X(MAP, "MAP", -1, 0)                                                     \
    X(ITEM, "ITEM", 2, 0)                /* base[index] */                   \
    X(FIELD, "FIELD", 1, 0)              /* base.name (PExpr.name) */        \
    X(FUNC, "FUNC", -1, 0)               /* a built-in function: func */

typedef enum POp {
#define X(k, t, n, i) PO_##k,
    POP_KINDS(X)
#undef X
        PO_COUNT
} POp;

const char *pop_text(POp op);

/* The parsed value of a literal.  Text is kept as written (exact DECIMAL
 * digits for the runtime's own parser); v holds the value in the runtime's
 * representation where it fits a scalar. */
typedef enum PLitKind {
    PL_NULL,
    PL_BOOL,          /* v.b */
    PL_INT,           /* v.i: INT/BIGINT */
    PL_DECIMAL,       /* text: digits with '.', exact; type has p,s */
    PL_DOUBLE,        /* v.f */
    PL_STRING,        /* text */
    PL_BYTES,         /* text: the bytes */
    PL_DATE,          /* v.i: days since 1970-01-01 */
    PL_TIME,          /* v.i: milliseconds of the day */
    PL_TIMESTAMP,     /* v.i: epoch milliseconds (no time zone) */
    PL_INTERVAL_MS,   /* v.i: INTERVAL DAY TO SECOND in milliseconds */
    PL_INTERVAL_MONTHS, /* v.i: INTERVAL YEAR TO MONTH in months */
    PL_SYMBOL         /* a time unit argument (TIMESTAMPDIFF(DAY, ...)):
                         unit in PExpr.unit */
} PLitKind;

typedef struct PLit {
    PLitKind kind;
    Str text; /* as written (string content unescaped) */
    union {
        bool b;
        int64_t i;
        double f;
    } v;
} PLit;

typedef struct PExpr PExpr;

struct PExpr {
    PExprKind kind;
    SqlType *type;    /* result type (never NULL) */
    SrcSpan at;       /* source span, for run-time errors */
    int32_t idx;      /* INPUT_REF: column index */
    Str var;          /* INPUT_REF / AGG_CALL inside MATCH_RECOGNIZE: the
                         pattern variable (empty: all rows / current) */
    PLit lit;         /* LITERAL */
    POp op;           /* CALL */
    const struct FuncInfo *func; /* CALL with op PO_FUNC, AGG_CALL */
    Str name;         /* function name as printed (upper case); FIELD name */
    TimeUnit unit;    /* EXTRACT, PL_SYMBOL */
    NavSemantics nav; /* MATCH_RECOGNIZE RUNNING/FINAL */
    bool is_not;      /* IN_LIST */
    bool is_try;      /* CAST */
    bool is_distinct; /* AGG_CALL */
    uint32_t n_args;
    PExpr **args;
};

/* ---- operators -------------------------------------------------------- */

#define PNODE_KINDS(X)                                                       \
    X(TABLE_SOURCE_SCAN, "TableSourceScan")                                 \
    X(WATERMARK_ASSIGNER, "WatermarkAssigner")                              \
    X(CALC, "Calc")                                                          \
    X(VALUES, "Values")                                                      \
    X(UNION, "Union")                                                        \
    X(LOOKUP_JOIN, "LookupJoin")                                             \
    X(TEMPORAL_JOIN, "TemporalJoin")                                         \
    X(INTERVAL_JOIN, "IntervalJoin")                                         \
    X(JOIN, "Join")                                                          \
    X(SEMI_JOIN, "SemiJoin")    /* also AntiJoin and MarkJoin, see kind */   \
    X(OVER_AGGREGATE, "OverAggregate")                                       \
    X(GROUP_WINDOW_AGGREGATE, "GroupWindowAggregate")                        \
    X(WINDOW_TABLE_FUNCTION, "WindowTableFunction")                          \
    X(WINDOW_AGGREGATE, "WindowAggregate")                                   \
    X(GROUP_AGGREGATE, "GroupAggregate")                                     \
    X(MATCH_RECOGNIZE, "MatchRecognize")                                     \
    X(SORT_LIMIT, "SortLimit")  /* ORDER BY and/or LIMIT; bounded input,   \
                                   or ORDER BY a time attribute ascending */ \
    X(SINK, "Sink")                                                          \
    X(COLLECT, "Collect")

typedef enum PNodeKind {
#define X(k, s) PN_##k,
    PNODE_KINDS(X)
#undef X
        PN_KIND_COUNT
} PNodeKind;

const char *pnode_kind_name(PNodeKind k);

/* What a node's output stream carries (Flink's changelog modes). */
typedef enum ChangelogMode {
    CL_INSERT_ONLY, /* [I] */
    CL_RETRACT,     /* [I,UB,UA,D]: updates as -U/+U pairs */
    CL_UPSERT       /* [I,UA,D]: keyed upserts (upsert-kafka source) */
} ChangelogMode;

const char *changelog_mode_text(ChangelogMode m); /* "I", "I,UB,UA,D" */

typedef enum PJoinType {
    PJ_INNER,
    PJ_LEFT,
    PJ_RIGHT,
    PJ_FULL
} PJoinType;

const char *pjoin_type_name(PJoinType t); /* "InnerJoin", "LeftOuterJoin" */

/* A sort key: column of the node's input. */
typedef struct PSortKey {
    int32_t col;
    bool is_desc;
    int nulls; /* 0 default, 1 NULLS FIRST, 2 NULLS LAST */
} PSortKey;

/* TableSourceScan: one scan per table per job.  The scan reads only the
 * physical and metadata columns the job uses (fields[]), in table order;
 * computed columns are evaluated by a Calc above it. */
typedef struct PScan {
    struct CatTable *table;
    uint32_t n_fields;
    uint32_t *fields;      /* indexes into table->cols, ascending */
    bool is_bounded;       /* filesystem, bounded datagen, ... */
} PScan;

/* WatermarkAssigner: watermark = expr over the input row; the rowtime
 * column is passed through unchanged.  delay_ms >= 0 when the expression
 * has the form `col - INTERVAL`, else -1. */
typedef struct PWatermark {
    int32_t rowtime_col;
    PExpr *expr;
    int64_t delay_ms;
} PWatermark;

/* Calc: filter (may be NULL) then projection (n_proj expressions, one per
 * output column). */
typedef struct PCalc {
    PExpr *where;
    uint32_t n_proj;
    PExpr **proj;
} PCalc;

typedef struct PValues {
    uint32_t n_rows;
    PExpr ***rows; /* rows[r][c], literals or constant expressions */
} PValues;

/* Lookup cache settings, normalized from the legacy (lookup.cache.max-rows,
 * lookup.cache.ttl) and the current (lookup.cache, lookup.partial-cache.*)
 * options. */
typedef enum PCacheKind { PCACHE_NONE, PCACHE_PARTIAL, PCACHE_FULL } PCacheKind;

typedef struct PLookupCache {
    PCacheKind kind;
    int64_t max_rows;              /* -1: unbounded */
    int64_t expire_after_write_ms; /* -1: never */
    int64_t expire_after_access_ms; /* -1: never */
    bool cache_missing_key;
    bool is_legacy;                /* came from lookup.cache.max-rows/ttl */
} PLookupCache;

/* LookupJoin: for every probe row, look up dim rows whose dim_cols[i]
 * equal probe_keys[i]; output probe ++ dim columns dim_fields[].  time:
 * always processing time (the lookup sees the dimension table as it is
 * when the row is processed); is_event_time_as_of records that the query
 * wrote an event-time column in FOR SYSTEM_TIME AS OF. */
typedef struct PLookupJoin {
    struct CatTable *table;
    PJoinType join_type;          /* PJ_INNER or PJ_LEFT */
    uint32_t n_keys;
    uint32_t *dim_cols;           /* indexes into table->cols */
    PExpr **probe_keys;           /* over the probe row */
    uint32_t n_dim_fields;
    uint32_t *dim_fields;         /* table->cols projected into the output */
    PExpr *dim_filter;            /* conditions on the dim row only, over
                                     the dim_fields (NULL if none) */
    PExpr *residual;              /* other ON conditions, over the output
                                     row (NULL if none) */
    bool is_event_time_as_of;
    Str as_of_col;                /* the column written in AS OF */
    PLookupCache cache;
    bool is_bounded_table;        /* filesystem dim: loaded once */
} PLookupJoin;

/* Join / TemporalJoin / IntervalJoin share the key layout: left_keys over
 * the left row, right_keys over the right row, residual over left++right.
 */
typedef struct PJoinKeys {
    uint32_t n_keys;
    PExpr **left_keys;
    PExpr **right_keys;
} PJoinKeys;

typedef struct PJoin {
    PJoinType join_type;
    PJoinKeys keys;
    PExpr *residual;
    int64_t state_ttl_ms;          /* table.exec.state.ttl; -1: forever */
    /* Per side (0 left, 1 right): the join key contains a unique key of
     * that input (a PRIMARY KEY of the table scanned, or the GROUP BY
     * keys of an aggregate), so the join keeps one row per key there;
     * unique_cols are that key's columns in the input's output schema. */
    bool is_unique[2];
    uint32_t n_unique[2];
    uint32_t *unique_cols[2];
} PJoin;

/* IntervalJoin: rows match when keys are equal and
 * lower_ms <= left.time - right.time <= upper_ms. */
typedef struct PIntervalJoin {
    PJoinType join_type;
    PJoinKeys keys;
    PExpr *residual;               /* the rest of the condition */
    int32_t left_time_col;         /* in the left row */
    int32_t right_time_col;        /* in the right row */
    int64_t lower_ms, upper_ms;
    bool is_proctime;
} PIntervalJoin;

/* TemporalJoin: event-time join against a versioned table (primary key and
 * watermark): each left row joins the version of the right row valid at
 * left.time_col. */
typedef struct PTemporalJoin {
    PJoinType join_type;
    PJoinKeys keys;                /* right keys = the primary key */
    PExpr *residual;
    int32_t left_time_col;
    int32_t right_time_col;
    struct CatTable *table;
} PTemporalJoin;

/* SemiJoin: x IN (SELECT c ...), EXISTS.
 *   SEMI: keep probe rows with a match;  ANTI: keep rows without one
 *   (NOT IN: a NULL probe key never passes);  MARK: keep every row and
 *   append one BOOLEAN column (TRUE: match; FALSE: none; NULL when the
 *   probe key is NULL), used when IN appears inside an expression.
 * With table set, the right side is a lookup into a jdbc/filesystem table
 * (no right input): the subquery was SELECT c FROM t [WHERE ...]. */
typedef enum PSemiKind { PSEMI_SEMI, PSEMI_ANTI, PSEMI_MARK } PSemiKind;

typedef struct PSemiJoin {
    PSemiKind semi_kind;
    PJoinKeys keys;                /* right_keys over the subquery row,
                                      or dim columns (INPUT_REF over the
                                      table's columns) for a lookup */
    struct CatTable *table;        /* lookup variant, else NULL */
    PExpr *dim_filter;             /* lookup variant: WHERE of the subquery
                                      over table columns */
    PLookupCache cache;
    int64_t state_ttl_ms;
} PSemiJoin;

/* A window frame of one OVER call. */
typedef enum PBoundKind {
    PB_UNBOUNDED_PRECEDING,
    PB_PRECEDING,          /* offset rows or ms */
    PB_CURRENT_ROW,
    PB_FOLLOWING,
    PB_UNBOUNDED_FOLLOWING
} PBoundKind;

typedef struct PFrame {
    FrameUnit unit;        /* FRAME_ROWS or FRAME_RANGE */
    PBoundKind lower, upper;
    int64_t lower_off;     /* rows, or ms for RANGE */
    int64_t upper_off;
} PFrame;

/* An aggregate call: GROUP BY aggregates, OVER calls and window
 * aggregates.  args are over the operator's input row. */
typedef struct PAggCall {
    Str name;              /* upper case: COUNT, SUM, LAG, ... */
    const struct FuncInfo *func;
    uint32_t n_args;
    PExpr **args;
    bool is_distinct;
    bool is_star;          /* COUNT(*) */
    PExpr *filter;         /* FILTER (WHERE ...), NULL if none */
    uint32_t n_order;      /* WITHIN GROUP (ORDER BY ...): expressions */
    PExpr **order;
    bool *order_desc;
    SqlType *type;         /* result type */
    Str out_name;          /* output column name */
    PFrame frame;          /* OVER only */
} PAggCall;

/* OverAggregate: one partitioning and ordering, several calls each with
 * its own frame.  Output: input columns ++ one column per call.  Rows are
 * emitted in order of the time attribute once the watermark passes them
 * (event time) or at once (processing time). */
typedef struct POverAgg {
    uint32_t n_partition;
    PExpr **partition;
    PSortKey order;        /* the time attribute */
    bool is_proctime;
    uint32_t n_calls;
    PAggCall *calls;
    int64_t state_ttl_ms;  /* table.exec.state.ttl; -1: forever */
} POverAgg;

typedef enum PWindowKind { PW_TUMBLE, PW_HOP, PW_SESSION, PW_CUMULATE } PWindowKind;

const char *pwindow_kind_name(PWindowKind k);

typedef struct PWindow {
    PWindowKind kind;
    int32_t time_col;      /* input column of the time attribute */
    bool is_proctime;
    int64_t size_ms;       /* TUMBLE/HOP size, CUMULATE max size */
    int64_t slide_ms;      /* HOP slide */
    int64_t step_ms;       /* CUMULATE step */
    int64_t gap_ms;        /* SESSION gap */
    int64_t offset_ms;     /* window offset (0) */
} PWindow;

/* Window properties a group-window aggregate can output. */
typedef enum PWinProp {
    PWP_START,
    PWP_END,
    PWP_ROWTIME,  /* window end - 1 ms, an event-time attribute */
    PWP_PROCTIME
} PWinProp;

/* GroupWindowAggregate (legacy GROUP BY TUMBLE(...)) and WindowAggregate
 * (GROUP BY window_start, window_end of a window TVF).  Output: keys,
 * then aggregates, then properties.  For WindowAggregate the window is
 * the one assigned by the WindowTableFunction below (time_col is its
 * window_time column, start_col/end_col its window_start/end). */
typedef struct PWindowAgg {
    uint32_t n_keys;
    PExpr **keys;
    Str *key_names;
    PWindow window;
    uint32_t n_aggs;
    PAggCall *aggs;
    uint32_t n_props;
    PWinProp *props;
    int32_t start_col, end_col; /* WindowAggregate: TVF columns; -1 */
    bool on_panes; /* HOP/CUMULATE computed on slide/step panes, merged
                      when a window fires (planner: mark_panes) */
} PWindowAgg;

/* WindowTableFunction: assigns each row to its windows.  Output: input
 * columns ++ window_start, window_end, window_time (HOP and CUMULATE emit
 * one row per window the input row belongs to). */
typedef struct PWindowTvf {
    PWindow window;
    int32_t time_rel_col;  /* planner: the time column in the FROM item's
                              column numbering */
    bool pane_feed;        /* emits each row once, as its pane, to the
                              WindowAggregate above on panes */
} PWindowTvf;

/* GroupAggregate: unbounded GROUP BY; updating output (retractions),
 * state per key bounded by table.exec.state.ttl.  n_keys == 0: one global
 * group. Output: keys, then aggregates. */
typedef struct PGroupAgg {
    uint32_t n_keys;
    PExpr **keys;
    Str *key_names;
    uint32_t n_aggs;
    PAggCall *aggs;
    int64_t state_ttl_ms;
    bool is_distinct_only; /* SELECT DISTINCT / UNION: no aggregates */
} PGroupAgg;

/* A MATCH_RECOGNIZE pattern term (mirrors AstPattern). */
typedef struct PPattern PPattern;
struct PPattern {
    PatternKind kind;
    Str var;              /* PAT_VAR */
    uint32_t n_items;
    PPattern **items;
    int32_t min, max;     /* max -1: unbounded */
    bool is_reluctant;
};

typedef struct PDefine {
    Str var;
    PExpr *cond;          /* over the input row; refs carry var */
} PDefine;

typedef struct PMeasure {
    Str name;
    PExpr *expr;
} PMeasure;

/* MatchRecognize: output (ONE ROW PER MATCH) = partition columns ++
 * measures; ALL ROWS PER MATCH = partition ++ input row ++ measures. */
typedef struct PMatch {
    uint32_t n_partition;
    int32_t *partition;   /* input columns */
    PSortKey order;       /* the time attribute */
    uint32_t n_extra_order;
    PSortKey *extra_order;
    bool is_proctime;
    uint32_t n_measures;
    PMeasure *measures;
    RowsPerMatch rows_per_match;
    SkipKind skip;
    Str skip_var;
    PPattern *pattern;
    uint32_t n_defines;
    PDefine *defines;
    int64_t within_ms;    /* -1: none */
    uint32_t n_subsets;
    Str *subset_names;
    Str **subset_vars;    /* per subset: its variables */
    uint32_t *subset_n;
} PMatch;

typedef struct PSortLimit {
    uint32_t n_keys;
    PSortKey *keys;
    int64_t limit;        /* -1: none */
    int64_t offset;       /* 0: none */
} PSortLimit;

/* Sink: writes its input to table.  cols[i] is the target column of input
 * column i (the query's columns were cast to the target types by a Calc
 * below when they differed). */
typedef struct PSink {
    struct CatTable *table;
    uint32_t n_cols;
    uint32_t *cols;
    bool is_overwrite;
} PSink;

typedef struct PNode PNode;

struct PNode {
    PNodeKind kind;
    uint32_t id;           /* 1.. in Plan.nodes order */
    RelSchema *out;        /* output schema; unique column names */
    uint32_t n_inputs;
    PNode **inputs;
    uint32_t n_consumers;  /* > 1: shared (reused) node */
    ChangelogMode changelog;
    bool is_bounded;       /* every source below is bounded */
    SrcSpan at;            /* the construct it was planned from */
    bool is_pinned;        /* planner: memoized (view, table source);
                              never merged into a consumer */
    union {
        PScan scan;
        PWatermark wm;
        PCalc calc;
        PValues values;
        PLookupJoin lookup;
        PJoin join;
        PIntervalJoin ijoin;
        PTemporalJoin tjoin;
        PSemiJoin semi;
        POverAgg over;
        PWindowAgg wagg;
        PWindowTvf tvf;
        PGroupAgg gagg;
        PMatch match;
        PSortLimit sort;
        PSink sink;
    } u;
};

/* ---- the job ------------------------------------------------------------ */

typedef enum PlanKind {
    PLAN_QUERY,         /* top-level SELECT: one Collect root */
    PLAN_INSERT,        /* one Sink root */
    PLAN_STATEMENT_SET  /* several Sink roots, shared sub-plans */
} PlanKind;

struct Plan {
    PlanKind kind;
    bool is_explain;    /* EXPLAIN ...: `fsql run` prints, does not run */
    AstNode *stmt;      /* the statement planned (inside EXPLAIN) */
    SrcSpan at;         /* the whole statement */
    uint32_t src_id;    /* DiagSource of the statement */
    uint32_t n_roots;
    PNode **roots;      /* Sink / Collect nodes, statement order */
    uint32_t n_nodes;
    PNode **nodes;      /* all nodes, inputs before consumers */
    /* the SET options in force at this statement (later SETs do not
     * apply to it, as in Flink); codegen_program reads these */
    struct SessionOption *opts;
    uint32_t n_opts;
};

/* Plan one resolved statement.  Returns NULL for statements that run
 * nothing (DDL, SET, SHOW, ...) and after reporting an error. */
Plan *plan_statement(CompileCtx *cc, AstNode *stmt);

/* Append the plan as an indented operator tree (docs/explain.md). */
void explain_plan(CompileCtx *cc, const Plan *p, StrBuf *out);

/* The pane width of a window: HOP slide, CUMULATE step, else 0. */
int64_t plan_window_pane_ms(const PWindow *w);

/* Append one expression with the column names of schema in (NULL: $idx). */
void explain_expr(StrBuf *out, const PExpr *e, const RelSchema *in);

/* ---- helpers shared by plan.c, plan_expr.c and explain.c ---------------- */

/* Builders (arena cc->a). */
PExpr *pexpr_new(CompileCtx *cc, PExprKind k, SqlType *type, SrcSpan at);
PExpr *pexpr_input_ref(CompileCtx *cc, int32_t idx, SqlType *type);
PExpr *pexpr_call(CompileCtx *cc, POp op, SqlType *type, uint32_t n,
                  PExpr **args);
PExpr *pexpr_bool(CompileCtx *cc, bool b);
PExpr *pexpr_and(CompileCtx *cc, PExpr *a, PExpr *b); /* NULL-tolerant */
PExpr *pexpr_copy(CompileCtx *cc, const PExpr *e);
/* e converted to type t: a CAST node at e's position, or e itself when it
 * has no type yet or already has t. */
PExpr *pexpr_cast(CompileCtx *cc, PExpr *e, SqlType *t);

/* Parse literal text into a PLit.  Returns false (after reporting
 * E_BAD_LITERAL) when it does not parse. */
bool plan_parse_literal(CompileCtx *cc, const AstNode *lit, PLit *out);
/* The length of an INTERVAL literal (or a constant interval expression)
 * in milliseconds; false if not a day-to-second interval constant. */
bool pexpr_interval_ms(const PExpr *e, int64_t *ms);

/* Walk helpers. */
typedef void (*PExprRefFn)(PExpr *ref, void *arg);
void pexpr_for_each_ref(PExpr *e, PExprRefFn fn, void *arg);
bool pexpr_is_ref(const PExpr *e, int32_t *idx);
bool pexpr_equal(const PExpr *a, const PExpr *b);
/* Replace each INPUT_REF i by a copy of subst[i] (Calc merging). */
PExpr *pexpr_substitute(CompileCtx *cc, const PExpr *e, PExpr *const *subst);
/* Add delta to every INPUT_REF (shifting a side of a join). */
PExpr *pexpr_shift(CompileCtx *cc, const PExpr *e, int32_t delta);
/* Split a conjunction into its terms (appends to *terms, arena-grown). */
void pexpr_conjuncts(CompileCtx *cc, PExpr *e, PExpr ***terms, uint32_t *n,
                     uint32_t *cap);
/* Min and max INPUT_REF index in e (-1, -1 if none). */
void pexpr_ref_range(const PExpr *e, int32_t *lo, int32_t *hi);

/* Durations as EXPLAIN prints them: "30min", "1h", "10s", "250ms". */
void explain_duration(StrBuf *out, int64_t ms);

#endif
