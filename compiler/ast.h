/*
 * ast.h - the abstract syntax tree of the fsql dialect.
 *
 * Pipeline position: grammar/parse.y builds these nodes (every grammar
 * action is at most one call to a builder below); compiler/resolve.c
 * annotates them in place (types, column bindings, output schemas);
 * compiler/plan.c reads the annotated tree and builds the logical plan.
 *
 * Invariants:
 *  - Every node lives in the CompileCtx arena (cc->a) and is never freed on
 *    its own.  Identifier and literal text (Str) points into the arena
 *    (already unquoted/unescaped) - never into the source buffer.
 *  - Every node has a SrcSpan covering its whole source text; diagnostics
 *    point at it.  Spans of names (e.g. a column's name inside a column
 *    definition) are kept separately where an error may point there.
 *  - Lists are AstList; an absent optional list has n == 0.
 *  - Optional children are NULL when absent.
 *
 * The node kinds are listed once in the AST_KINDS X-macro; ast.c uses it for
 * the kind names used by the debug dump.
 */
#ifndef FSQL_COMPILER_AST_H
#define FSQL_COMPILER_AST_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "compiler/types.h"

typedef struct AstNode AstNode;

typedef struct AstList {
    uint32_t n;      /* items used */
    uint32_t cap;    /* items allocated */
    AstNode **items; /* arena array; grows by copying */
} AstList;

/* An identifier: unquoted text plus its span.  Back-quoted identifiers
 * keep their case and have is_quoted set; plain identifiers keep the case
 * the user wrote (resolution compares case-insensitively, like Flink's
 * default). */
typedef struct Ident {
    Str name;
    SrcSpan at;
    bool is_quoted;
} Ident;

/* A possibly qualified name: catalog.db.table or t.col; n_parts >= 1. */
typedef struct QName {
    uint32_t n_parts;
    Ident *parts; /* arena array */
    SrcSpan at;   /* whole name */
} QName;

#define AST_KINDS(X)                                                         \
    /* statements */                                                        \
    X(CREATE_TABLE)                                                         \
    X(CREATE_VIEW)                                                          \
    X(CREATE_FUNCTION)                                                      \
    X(DROP)                                                                 \
    X(INSERT)                                                               \
    X(STATEMENT_SET)                                                        \
    X(SET)                                                                  \
    X(RESET)                                                                \
    X(SHOW)                                                                 \
    X(DESCRIBE)                                                             \
    X(EXPLAIN)                                                              \
    X(QUERY_STMT)                                                           \
    X(USE)                                                                  \
    /* DDL pieces */                                                        \
    X(COLUMN_DEF)                                                           \
    X(WATERMARK_DEF)                                                        \
    X(OPTION)                                                               \
    /* query expressions */                                                 \
    X(SELECT)                                                               \
    X(SETOP)                                                                \
    X(VALUES)                                                               \
    X(WITH)                                                                 \
    X(CTE)                                                                  \
    X(ORDER_ITEM)                                                           \
    X(SELECT_ITEM)                                                          \
    /* FROM items */                                                        \
    X(TABLE_REF)                                                            \
    X(SUBQUERY_REF)                                                         \
    X(JOIN)                                                                 \
    X(TABLE_FUNC_REF)                                                       \
    X(MATCH_RECOGNIZE)                                                      \
    X(UNNEST_REF)                                                           \
    /* MATCH_RECOGNIZE pieces */                                            \
    X(MEASURE)                                                              \
    X(DEFINE)                                                               \
    X(SUBSET)                                                               \
    X(PATTERN)                                                              \
    /* windows */                                                           \
    X(WINDOW_SPEC)                                                          \
    X(WINDOW_DEF)                                                           \
    X(FRAME_BOUND)                                                          \
    /* expressions */                                                       \
    X(LITERAL)                                                              \
    X(COLUMN_REF)                                                           \
    X(STAR)                                                                 \
    X(UNARY)                                                                \
    X(BINARY)                                                               \
    X(IS)                                                                   \
    X(BETWEEN)                                                              \
    X(IN_LIST)                                                              \
    X(IN_SUBQUERY)                                                          \
    X(EXISTS)                                                               \
    X(SUBQUERY_EXPR)                                                        \
    X(LIKE)                                                                 \
    X(CASE)                                                                 \
    X(WHEN)                                                                 \
    X(CAST)                                                                 \
    X(EXTRACT)                                                              \
    X(FUNC_CALL)                                                            \
    X(TIME_UNIT_ARG)                                                        \
    X(TABLE_ARG)                                                            \
    X(DESCRIPTOR_ARG)                                                       \
    X(NAMED_ARG)                                                            \
    X(ROW_CTOR)                                                             \
    X(ARRAY_CTOR)                                                           \
    X(MAP_CTOR)                                                             \
    X(SUBSCRIPT)                                                            \
    X(FIELD_ACCESS)                                                         \
    X(ERROR)

typedef enum AstKind {
#define X(k) AST_##k,
    AST_KINDS(X)
#undef X
        AST_KIND_COUNT
} AstKind;

const char *ast_kind_name(AstKind k);

/* ---- enums used by node payloads ---------------------------------- */

typedef enum ObjKind {
    OBJ_TABLE,
    OBJ_VIEW,
    OBJ_FUNCTION,
    OBJ_DATABASE,
    OBJ_CATALOG
} ObjKind;

typedef enum ShowKind {
    SHOW_TABLES,
    SHOW_VIEWS,
    SHOW_JOBS,
    SHOW_FUNCTIONS,
    SHOW_CATALOGS,
    SHOW_DATABASES,
    SHOW_CREATE_TABLE,
    SHOW_CREATE_VIEW
} ShowKind;

typedef enum ColumnKind {
    COL_PHYSICAL, /* name type */
    COL_COMPUTED, /* name AS expr */
    COL_METADATA  /* name type METADATA [FROM 'key'] [VIRTUAL] */
} ColumnKind;

typedef enum LiteralKind {
    LIT_NULL,
    LIT_BOOL,      /* text is "TRUE" / "FALSE" */
    LIT_INTEGER,   /* text: digits as written */
    LIT_DECIMAL,   /* text: digits with '.', no exponent */
    LIT_DOUBLE,    /* text: has an exponent */
    LIT_STRING,    /* text: unescaped content */
    LIT_DATE,      /* DATE 'yyyy-mm-dd'; text: content */
    LIT_TIME,      /* TIME 'hh:mm:ss[.fff]' */
    LIT_TIMESTAMP, /* TIMESTAMP '...' */
    LIT_INTERVAL,  /* INTERVAL ['-']'text' unit [TO unit] */
    LIT_BINARY     /* X'0a1b'; text: the hex digits as written */
} LiteralKind;

typedef enum TimeUnit {
    TU_NONE,
    TU_YEAR,
    TU_QUARTER,
    TU_MONTH,
    TU_WEEK,
    TU_DAY,
    TU_HOUR,
    TU_MINUTE,
    TU_SECOND,
    TU_MILLISECOND,
    TU_MICROSECOND,
    TU_NANOSECOND,
    TU_DOW,  /* EXTRACT only */
    TU_DOY,  /* EXTRACT only */
    TU_EPOCH /* EXTRACT only */
} TimeUnit;

const char *time_unit_name(TimeUnit u);

typedef enum UnaryOp { UOP_NEG, UOP_PLUS, UOP_NOT } UnaryOp;

typedef enum BinaryOp {
    BOP_ADD,
    BOP_SUB,
    BOP_MUL,
    BOP_DIV,
    BOP_MOD, /* % */
    BOP_CONCAT, /* || */
    BOP_EQ,
    BOP_NE, /* <> and != */
    BOP_LT,
    BOP_LE,
    BOP_GT,
    BOP_GE,
    BOP_AND,
    BOP_OR
} BinaryOp;

const char *binary_op_text(BinaryOp op); /* "+", "<>", "AND", ... */

/* Structural equality of two expressions, ignoring source positions (GROUP
 * BY matching, window specs, shared aggregates).  Bound column references
 * (after resolve.c) are equal when they bind the same column; unbound ones
 * when their names are equal ignoring case.  Calls with OVER or FILTER are
 * never equal. */
bool ast_expr_equal(const AstNode *a, const AstNode *b);
bool ast_expr_list_equal(const AstList *a, const AstList *b);

typedef enum IsWhat {
    IS_NULL,
    IS_TRUE,
    IS_FALSE,
    IS_UNKNOWN,
    IS_DISTINCT_FROM /* uses rhs */
} IsWhat;

typedef enum SetOpKind { SETOP_UNION, SETOP_INTERSECT, SETOP_EXCEPT } SetOpKind;

typedef enum JoinKind {
    JOIN_INNER,
    JOIN_LEFT,
    JOIN_RIGHT,
    JOIN_FULL,
    JOIN_CROSS,
    JOIN_COMMA /* FROM a, b */
} JoinKind;

typedef enum FrameUnit { FRAME_NONE, FRAME_ROWS, FRAME_RANGE } FrameUnit;

typedef enum BoundKind {
    BOUND_UNBOUNDED_PRECEDING,
    BOUND_PRECEDING, /* offset expr PRECEDING (integer or INTERVAL) */
    BOUND_CURRENT_ROW,
    BOUND_FOLLOWING,
    BOUND_UNBOUNDED_FOLLOWING
} BoundKind;

typedef enum RowsPerMatch {
    RPM_ONE_ROW,
    RPM_ALL_ROWS,             /* default: SHOW EMPTY MATCHES */
    RPM_ALL_ROWS_OMIT_EMPTY,
    RPM_ALL_ROWS_WITH_UNMATCHED
} RowsPerMatch;

typedef enum SkipKind {
    SKIP_DEFAULT,      /* not written: PAST LAST ROW */
    SKIP_PAST_LAST_ROW,
    SKIP_TO_NEXT_ROW,
    SKIP_TO_FIRST,     /* TO FIRST var */
    SKIP_TO_LAST,      /* TO LAST var, and plain TO var */
} SkipKind;

typedef enum PatternKind {
    PAT_VAR,     /* a pattern variable; var */
    PAT_CONCAT,  /* items in sequence */
    PAT_ALT,     /* items as alternatives (|) */
    PAT_PERMUTE, /* PERMUTE(items) */
    PAT_EXCLUDE, /* {- item -}; items[0] */
    PAT_ANCHOR_START, /* ^ */
    PAT_ANCHOR_END,   /* $ */
    PAT_EMPTY         /* () */
} PatternKind;

/* MEASURES / DEFINE semantics prefix on an expression. */
typedef enum NavSemantics { NAV_DEFAULT, NAV_RUNNING, NAV_FINAL } NavSemantics;

/* ---- per-kind payloads --------------------------------------------- */

typedef struct AstCreateTable {
    QName name;
    bool is_temporary;
    bool if_not_exists;
    AstList columns;     /* AST_COLUMN_DEF */
    AstList primary_key; /* Ident wrapped as AST_COLUMN_REF */
    SrcSpan pk_at;       /* the PRIMARY KEY clause; len 0 if absent */
    AstNode *watermark;  /* AST_WATERMARK_DEF or NULL */
    AstList partitioned_by; /* AST_COLUMN_REF */
    AstList options;     /* AST_OPTION */
    Str comment;         /* COMMENT 'x' or empty */
    QName like;          /* LIKE other (n_parts == 0 if absent) */
} AstCreateTable;

typedef struct AstColumnDef {
    Ident name;
    ColumnKind col_kind;
    TypeName *type;    /* NULL for COL_COMPUTED */
    AstNode *expr;     /* COL_COMPUTED: the expression */
    Str metadata_key;  /* COL_METADATA: FROM 'key'; empty => column name */
    bool has_metadata_key;
    bool is_virtual;   /* METADATA ... VIRTUAL */
    Str comment;
    bool is_pk_inline; /* PRIMARY KEY NOT ENFORCED after the type */
} AstColumnDef;

typedef struct AstWatermarkDef {
    Ident column; /* the rowtime column */
    AstNode *expr; /* the watermark strategy expression */
} AstWatermarkDef;

typedef struct AstOption {
    Str key;      /* unquoted */
    Str value;    /* unquoted, ${ENV} not yet expanded */
    SrcSpan key_at;
    SrcSpan value_at;
} AstOption;

typedef struct AstCreateView {
    QName name;
    bool is_temporary;
    bool if_not_exists;
    AstList column_names; /* optional (a, b, c): AST_COLUMN_REF */
    AstNode *query;       /* query expression */
    Str comment;
} AstCreateView;

typedef struct AstCreateFunction {
    QName name;
    bool is_temporary;
    bool is_system;
    bool if_not_exists;
    Str class_name; /* AS 'x.y.Z' */
    Str language;   /* LANGUAGE JAVA|SCALA|PYTHON, empty if absent */
} AstCreateFunction;

typedef struct AstDrop {
    ObjKind obj;
    QName name;
    bool if_exists;
    bool is_temporary;
} AstDrop;

typedef struct AstInsert {
    QName table;
    bool is_overwrite;
    AstList columns; /* optional target column list: AST_COLUMN_REF */
    AstList partition; /* PARTITION (k = v, ...): AST_OPTION-like BINARY */
    AstNode *query;
    Str hint_text;   /* raw hint comment text on the table, if any */
} AstInsert;

typedef struct AstStatementSet {
    AstList inserts; /* AST_INSERT */
    bool is_begin_form; /* BEGIN STATEMENT SET; ... END; */
} AstStatementSet;

typedef struct AstSet {
    Str key;   /* empty for bare SET (list all) */
    Str value;
    SrcSpan key_at, value_at;
    bool has_key;
} AstSet;

typedef struct AstShow {
    ShowKind what;
    QName name; /* SHOW CREATE TABLE x */
    Str like;   /* SHOW TABLES LIKE '...' */
} AstShow;

typedef struct AstDescribe {
    QName name;
    bool is_extended;
} AstDescribe;

typedef struct AstExplain {
    AstNode *stmt; /* QUERY_STMT, INSERT or STATEMENT_SET */
    AstList details; /* ESTIMATED_COST, CHANGELOG_MODE, ...: AST_COLUMN_REF */
    bool is_plan_for;
} AstExplain;

typedef struct AstQueryStmt {
    AstNode *query;
} AstQueryStmt;

typedef struct AstUse {
    QName name;
    bool is_catalog;
} AstUse;

/* A hint comment entry: NAME(args).  Args are kept as text. */
typedef struct Hint {
    Ident name;
    uint32_t n_args;
    Str *args;    /* arena array; identifiers or 'k'='v' pairs as k=v */
    SrcSpan at;
} Hint;

typedef struct HintList {
    uint32_t n;
    Hint *items; /* arena array */
} HintList;

typedef struct AstSelect {
    bool is_distinct;
    HintList hints;
    AstList items;      /* AST_SELECT_ITEM */
    AstList from;       /* FROM items; several => implicit cross join (the
                           parser folds them into JOIN_COMMA joins, so n <= 1) */
    AstNode *where;
    AstList group_by;   /* expressions (TUMBLE(...) etc. included) */
    AstNode *having;
    AstList windows;    /* WINDOW w AS (...): AST_WINDOW_DEF */
    AstNode *qualify;
    /* resolve.c: */
    bool is_aggregate;        /* has GROUP BY or aggregates */
} AstSelect;

typedef struct AstSelectItem {
    AstNode *expr;  /* AST_STAR for * and t.* */
    Ident alias;    /* alias.name.len == 0 if none */
    bool has_alias;
} AstSelectItem;

typedef struct AstSetOp {
    SetOpKind op;
    bool is_all;
    AstNode *left, *right;
} AstSetOp;

typedef struct AstValues {
    AstList rows; /* AST_ROW_CTOR */
} AstValues;

/* WITH ctes body [ORDER BY] [LIMIT]: a query expression with the clauses
 * that apply to a whole query.  The parser wraps a query in AST_WITH only
 * when it has CTEs, ORDER BY, LIMIT or OFFSET. */
typedef struct AstWith {
    AstList ctes;     /* AST_CTE */
    AstNode *body;    /* SELECT / SETOP / VALUES / WITH */
    AstList order_by; /* AST_ORDER_ITEM */
    AstNode *limit;
    AstNode *offset;
} AstWith;

typedef struct AstCte {
    Ident name;
    AstList column_names; /* AST_COLUMN_REF */
    AstNode *query;
} AstCte;

typedef struct AstOrderItem {
    AstNode *expr;
    bool is_desc;
    int nulls; /* 0 default, 1 NULLS FIRST, 2 NULLS LAST */
} AstOrderItem;

typedef struct AstTableRef {
    QName name;
    Ident alias;
    bool has_alias;
    AstList column_aliases; /* t AS x(a, b) */
    HintList hints;         /* OPTIONS hint after the name */
    AstNode *system_time;   /* FOR SYSTEM_TIME AS OF expr, or NULL */
    /* resolve.c: */
    struct CatTable *table; /* resolved table, or NULL for view/CTE */
    struct CatView *view;
    AstNode *cte;           /* the AST_CTE it names, or NULL */
} AstTableRef;

typedef struct AstSubqueryRef {
    AstNode *query;
    Ident alias;
    bool has_alias;
    AstList column_aliases;
    bool is_lateral;
} AstSubqueryRef;

typedef struct AstJoin {
    JoinKind join_kind;
    AstNode *left, *right;
    AstNode *on;          /* ON condition, or NULL */
    AstList using_cols;   /* USING (a, b): AST_COLUMN_REF */
    bool is_natural;
} AstJoin;

/* TABLE(fn(args)) [AS alias], LATERAL TABLE(fn(args)) */
typedef struct AstTableFuncRef {
    AstNode *call; /* AST_FUNC_CALL */
    Ident alias;
    bool has_alias;
    AstList column_aliases;
    bool is_lateral;
} AstTableFuncRef;

typedef struct AstUnnestRef {
    AstList args;
    Ident alias;
    bool has_alias;
    AstList column_aliases;
    bool with_ordinality;
} AstUnnestRef;

typedef struct AstMatchRecognize {
    AstNode *input;        /* the FROM item it applies to */
    AstList partition_by;  /* expressions */
    AstList order_by;      /* AST_ORDER_ITEM */
    AstList measures;      /* AST_MEASURE */
    RowsPerMatch rows_per_match;
    SkipKind skip;
    Ident skip_var;        /* for SKIP_TO_FIRST / SKIP_TO_LAST */
    SrcSpan skip_at;
    AstNode *pattern;      /* AST_PATTERN */
    AstNode *within;       /* INTERVAL literal, or NULL */
    AstList subsets;       /* AST_SUBSET */
    AstList defines;       /* AST_DEFINE */
    Ident alias;
    bool has_alias;
} AstMatchRecognize;

typedef struct AstMeasure {
    AstNode *expr;
    Ident alias;
} AstMeasure;

typedef struct AstDefine {
    Ident var;
    AstNode *cond;
} AstDefine;

typedef struct AstSubset {
    Ident name;
    AstList vars; /* AST_COLUMN_REF, one part each */
} AstSubset;

/* One pattern term.  Quantifier: min..max (max == -1: unbounded);
 * a term without a quantifier has min = max = 1. */
typedef struct AstPattern {
    PatternKind pat_kind;
    Ident var;        /* PAT_VAR */
    AstList items;    /* AST_PATTERN children */
    int32_t min, max;
    bool is_reluctant;
    bool has_quantifier;
} AstPattern;

typedef struct AstWindowSpec {
    Ident base;          /* existing window name; len 0 if none */
    AstList partition_by;
    AstList order_by;    /* AST_ORDER_ITEM */
    FrameUnit frame_unit;
    AstNode *frame_start; /* AST_FRAME_BOUND, NULL if no frame */
    AstNode *frame_end;   /* AST_FRAME_BOUND, NULL if single-bound form */
} AstWindowSpec;

typedef struct AstWindowDef {
    Ident name;
    AstNode *spec; /* AST_WINDOW_SPEC */
} AstWindowDef;

typedef struct AstFrameBound {
    BoundKind bound;
    AstNode *offset; /* PRECEDING/FOLLOWING offset, else NULL */
} AstFrameBound;

typedef struct AstLiteral {
    LiteralKind lit_kind;
    Str text;             /* see LiteralKind */
    bool is_negative;     /* INTERVAL '-' sign written before the string */
    TimeUnit unit;        /* LIT_INTERVAL: leading unit */
    TimeUnit unit_to;     /* LIT_INTERVAL: YEAR TO MONTH etc., else TU_NONE */
    int32_t unit_precision; /* INTERVAL '1' SECOND(3) etc; -1 none */
} AstLiteral;

typedef struct AstColumnRef {
    QName name; /* a, t.a, db.t.a, or a MATCH_RECOGNIZE var.col */
    /* resolve.c: the binding.  source is the FROM item (AST_TABLE_REF,
     * AST_SUBQUERY_REF, AST_TABLE_FUNC_REF, AST_MATCH_RECOGNIZE,
     * AST_UNNEST_REF) whose output schema (source->rel) holds the column,
     * col its index there.  depth counts enclosing query levels crossed
     * (0: the current SELECT; >0: a correlated reference).  Inside
     * MATCH_RECOGNIZE DEFINE/MEASURES, pattern_var is the variable prefix
     * (A in A.amount), empty otherwise.  A reference to a SELECT alias
     * (GROUP BY/ORDER BY/HAVING by alias) has source = the SELECT node and
     * col = the select item index. */
    AstNode *source;
    int32_t col;
    int32_t depth;
    Str pattern_var;
} AstColumnRef;

typedef struct AstStar {
    QName qualifier; /* n_parts == 0 for plain * */
} AstStar;

typedef struct AstUnary {
    UnaryOp op;
    AstNode *arg;
} AstUnary;

typedef struct AstBinary {
    BinaryOp op;
    AstNode *left, *right;
} AstBinary;

typedef struct AstIs {
    IsWhat what;
    bool is_not;
    AstNode *arg;
    AstNode *rhs; /* IS_DISTINCT_FROM only */
} AstIs;

typedef struct AstBetween {
    bool is_not;
    bool is_symmetric;
    AstNode *arg, *low, *high;
} AstBetween;

typedef struct AstInList {
    bool is_not;
    AstNode *arg;
    AstList list;
} AstInList;

typedef struct AstInSubquery {
    bool is_not;
    AstNode *arg;
    AstNode *query;
} AstInSubquery;

typedef struct AstExists {
    bool is_not;
    AstNode *query;
} AstExists;

typedef struct AstSubqueryExpr {
    AstNode *query;
} AstSubqueryExpr;

typedef struct AstLike {
    bool is_not;
    bool is_similar; /* SIMILAR TO */
    AstNode *arg, *pattern, *escape;
} AstLike;

typedef struct AstCase {
    AstNode *operand; /* CASE x WHEN ... ; NULL for searched CASE */
    AstList whens;    /* AST_WHEN */
    AstNode *else_expr;
} AstCase;

typedef struct AstWhen {
    AstNode *cond;
    AstNode *result;
} AstWhen;

typedef struct AstCast {
    AstNode *arg;
    TypeName *type;
    bool is_try;
} AstCast;

typedef struct AstExtract {
    TimeUnit unit;
    SrcSpan unit_at;
    AstNode *arg;
} AstExtract;

/* Function calls, including aggregates, window functions, the special
 * syntax forms (TRIM(BOTH x FROM y) -> TRIM(x, y) with trim_mode;
 * POSITION(a IN b) -> POSITION(a, b); SUBSTRING(x FROM a FOR b) ->
 * SUBSTRING(x, a, b)), niladic CURRENT_TIMESTAMP etc. (is_niladic), and
 * TIMESTAMPADD/TIMESTAMPDIFF whose first argument is AST_TIME_UNIT_ARG. */
typedef struct AstFuncCall {
    QName name;
    AstList args;
    bool is_distinct;
    bool is_star;        /* COUNT(*) */
    Ident star_var;      /* COUNT(A.*) (MATCH_RECOGNIZE): the pattern
                            variable or SUBSET; empty name otherwise */
    bool is_niladic;     /* written without parentheses */
    int trim_mode;       /* 0 none/BOTH, 1 LEADING, 2 TRAILING (TRIM only) */
    bool has_trim_mode;
    AstNode *filter;     /* FILTER (WHERE cond) */
    AstList within_group; /* WITHIN GROUP (ORDER BY ...): AST_ORDER_ITEM */
    AstNode *over;       /* AST_WINDOW_SPEC (inline or a bare name in base) */
    NavSemantics nav;    /* RUNNING / FINAL prefix (MATCH_RECOGNIZE) */
    bool ignore_nulls;
    /* resolve.c: */
    const struct FuncInfo *func;
} AstFuncCall;

typedef struct AstTimeUnitArg {
    TimeUnit unit;
} AstTimeUnitArg;

typedef struct AstTableArg {
    QName name; /* TABLE t */
    AstNode *query; /* or TABLE (SELECT ...) -- rarely used */
    AstList partition_by; /* TABLE t PARTITION BY k (SESSION windows):
                             AST_COLUMN_REF */
    /* resolve.c: the input as a bound FROM item: an AST_TABLE_REF built
     * from name (table/view/cte set as for any table reference), or query
     * itself.  DESCRIPTOR column refs have source = this node. */
    AstNode *resolved;
} AstTableArg;

typedef struct AstDescriptorArg {
    AstList columns; /* AST_COLUMN_REF */
} AstDescriptorArg;

typedef struct AstNamedArg {
    Ident name; /* DATA => ..., TIMECOL => ..., SIZE => ... */
    AstNode *value;
} AstNamedArg;

typedef struct AstCtor {
    AstList items; /* ROW(a, b), ARRAY[a, b], MAP[k, v, ...] */
} AstCtor;

typedef struct AstSubscript {
    AstNode *base, *index;
} AstSubscript;

typedef struct AstFieldAccess {
    AstNode *base;
    Ident field;
} AstFieldAccess;

struct AstNode {
    AstKind kind;
    SrcSpan at;     /* whole construct */
    SqlType *type;  /* expressions: set by resolve.c; NULL before */
    RelSchema *rel; /* queries and FROM items: output schema, set by
                       resolve.c; NULL before */
    union {
        AstCreateTable create_table;
        AstColumnDef column_def;
        AstWatermarkDef watermark_def;
        AstOption option;
        AstCreateView create_view;
        AstCreateFunction create_function;
        AstDrop drop;
        AstInsert insert;
        AstStatementSet statement_set;
        AstSet set;
        AstShow show;
        AstDescribe describe;
        AstExplain explain;
        AstQueryStmt query_stmt;
        AstUse use;
        AstSelect select;
        AstSelectItem select_item;
        AstSetOp setop;
        AstValues values;
        AstWith with;
        AstCte cte;
        AstOrderItem order_item;
        AstTableRef table_ref;
        AstSubqueryRef subquery_ref;
        AstJoin join;
        AstTableFuncRef table_func_ref;
        AstUnnestRef unnest_ref;
        AstMatchRecognize match_recognize;
        AstMeasure measure;
        AstDefine define;
        AstSubset subset;
        AstPattern pattern;
        AstWindowSpec window_spec;
        AstWindowDef window_def;
        AstFrameBound frame_bound;
        AstLiteral literal;
        AstColumnRef column_ref;
        AstStar star;
        AstUnary unary;
        AstBinary binary;
        AstIs is;
        AstBetween between;
        AstInList in_list;
        AstInSubquery in_subquery;
        AstExists exists;
        AstSubqueryExpr subquery_expr;
        AstLike like;
        AstCase case_;
        AstWhen when;
        AstCast cast;
        AstExtract extract;
        AstFuncCall func_call;
        AstTimeUnitArg time_unit_arg;
        AstTableArg table_arg;
        AstDescriptorArg descriptor_arg;
        AstNamedArg named_arg;
        AstCtor ctor;
        AstSubscript subscript;
        AstFieldAccess field_access;
    } u;
};

/* ---- builders ------------------------------------------------------- */

/* Allocate a zeroed node of kind k in arena a, covering span at. */
AstNode *ast_new(Arena *a, AstKind k, SrcSpan at);
void ast_list_push(Arena *a, AstList *l, AstNode *n);
SrcSpan span_join(SrcSpan first, SrcSpan last); /* from first to end of last */


/* Debug tree dump: an indented, deterministic text rendering of the whole
 * tree (kinds, names, literal texts, flags, operators, types as written),
 * without spans, so that two trees compare equal iff their dumps do.  Used
 * by `fsql parse --dump` and the golden tests under tests/parse/. */
void ast_dump(StrBuf *out, const AstNode *n);

/* ===================================================================== */
/* Builders used by grammar/parse.y (implemented in ast.c).               */
/* Each takes the CompileCtx (arena, diagnostics, and cc->ps->last_end,  */
/* the end of the rule being reduced), copies identifier and literal     */
/* text into the arena (unquoted, unescaped) and sets spans.  They       */
/* report malformed pieces (unknown type or time unit, bad quantifier)   */
/* as diagnostics and still return a usable node.                        */
/* ===================================================================== */

struct CompileCtx;

/* A token as the parser sees it: a borrowed slice of the source. */
typedef struct Token {
    const char *z; /* points into CompileCtx.src */
    uint32_t n;    /* bytes */
    SrcSpan at;
} Token;

/* Small parse-time aggregates passed from grammar rules to builders. */
typedef struct AstAlias {
    Ident name;
    bool has_alias;
    AstList columns; /* AS x(a, b): AST_COLUMN_REF */
} AstAlias;

typedef struct AstLimit {
    AstNode *limit, *offset;
} AstLimit;

typedef struct AstSkip {
    SkipKind kind;
    Ident var;
    SrcSpan at;
} AstSkip;

typedef struct AstFrame {
    FrameUnit unit;
    AstNode *start, *end;
} AstFrame;

typedef struct AstQuant {
    int32_t min, max; /* max -1: unbounded */
    bool is_reluctant;
    SrcSpan at;
} AstQuant;

typedef struct AstIntervalQual {
    TimeUnit unit, unit_to;
    int32_t precision;
    SrcSpan at;
} AstIntervalQual;

SrcSpan ast_span_from(struct CompileCtx *cc, uint32_t off);
void ast_extend(struct CompileCtx *cc, AstNode *n);
void ast_stmt_add(struct CompileCtx *cc, AstNode *n);
AstList ast_list1(struct CompileCtx *cc, AstNode *n);
Ident ast_ident(struct CompileCtx *cc, Token t);
QName ast_qname1(struct CompileCtx *cc, Token t);
void ast_qname_push(struct CompileCtx *cc, QName *q, Token t);
Str ast_string(struct CompileCtx *cc, Token t); /* unescaped '...' */
int32_t ast_int(struct CompileCtx *cc, Token t);
TimeUnit ast_time_unit_parse(Str name); /* TU_NONE if unknown */

/* statements */
AstNode *ast_create_table(struct CompileCtx *cc, Token start, bool is_temp,
                          bool if_not_exists, QName name, AstList elems,
                          Str comment, AstList partitioned, AstList options,
                          QName like);
AstNode *ast_column_def(struct CompileCtx *cc, Token name, TypeName *type,
                        AstNode *expr);
void ast_column_metadata_key(struct CompileCtx *cc, AstNode *col, Token key);
void ast_column_pk(struct CompileCtx *cc, AstNode *col, bool not_enforced);
AstNode *ast_watermark_def(struct CompileCtx *cc, Token start, Token col,
                           AstNode *expr);
/* A table-level PRIMARY KEY: an AST_CREATE_TABLE node holding only
 * primary_key and pk_at; ast_create_table() merges it. */
AstNode *ast_pk_constraint(struct CompileCtx *cc, uint32_t off, AstList cols,
                           bool not_enforced);
AstNode *ast_option(struct CompileCtx *cc, Token key, Token value);
AstNode *ast_create_view(struct CompileCtx *cc, Token start, bool is_temp,
                         bool if_not_exists, QName name, AstList cols,
                         Str comment, AstNode *query);
AstNode *ast_create_function(struct CompileCtx *cc, Token start,
                             bool is_temp, bool is_system,
                             bool if_not_exists, QName name, Token class_name,
                             Token language);
AstNode *ast_drop(struct CompileCtx *cc, Token start, ObjKind obj,
                  bool is_temp, bool if_exists, QName name);
AstNode *ast_insert(struct CompileCtx *cc, Token start, bool is_overwrite,
                    QName table, HintList hints, AstList partition,
                    AstList cols, AstNode *query);
AstNode *ast_statement_set(struct CompileCtx *cc, Token start,
                           AstList inserts, bool is_begin_form);
AstNode *ast_set(struct CompileCtx *cc, Token start, const SrcSpan *key,
                 const SrcSpan *value);
AstNode *ast_reset(struct CompileCtx *cc, Token start, const SrcSpan *key);
AstNode *ast_show(struct CompileCtx *cc, Token start, ShowKind what,
                  const QName *name, const Token *like);
AstNode *ast_describe(struct CompileCtx *cc, Token start, bool is_extended,
                      QName name);
AstNode *ast_explain(struct CompileCtx *cc, Token start,
                     const AstList *details, bool is_plan_for,
                     AstNode *stmt);
AstNode *ast_query_stmt(struct CompileCtx *cc, AstNode *query);
AstNode *ast_use(struct CompileCtx *cc, Token start, bool is_catalog,
                 QName name);

/* types */
TypeName *ast_type_named(struct CompileCtx *cc, Token name, int32_t p,
                         int32_t s);
void ast_type_not_null(struct CompileCtx *cc, TypeName *t);
void ast_extend_type(struct CompileCtx *cc, TypeName *t);
void ast_type_local_tz(struct CompileCtx *cc, TypeName *t, Token time_word);
void ast_type_without_tz(struct CompileCtx *cc, TypeName *t,
                         Token time_word);
TypeName *ast_type_array(struct CompileCtx *cc, Token start, TypeName *elem);
TypeName *ast_type_multiset(struct CompileCtx *cc, Token name,
                            TypeName *elem);
TypeName *ast_type_map(struct CompileCtx *cc, Token start, TypeName *key,
                       TypeName *value);
TypeName *ast_type_row(struct CompileCtx *cc, Token start, AstList fields);

/* queries */
AstNode *ast_query(struct CompileCtx *cc, uint32_t off, const AstList *ctes,
                   AstNode *body, const AstList *order_by,
                   const AstLimit *limit);
AstNode *ast_cte(struct CompileCtx *cc, Token name, AstList cols,
                 AstNode *query);
AstNode *ast_values(struct CompileCtx *cc, Token start, AstList rows);
AstNode *ast_setop(struct CompileCtx *cc, SetOpKind op, bool is_all,
                   AstNode *left, AstNode *right);
AstNode *ast_select(struct CompileCtx *cc, Token start, const HintList *hints,
                    bool is_distinct, const AstList *items, AstNode *from,
                    AstNode *where, const AstList *group_by, AstNode *having,
                    const AstList *windows);
void ast_hints_parse(struct CompileCtx *cc, HintList *hl, Token hint);
AstNode *ast_select_item(struct CompileCtx *cc, AstNode *expr,
                         const Token *alias);
AstNode *ast_star(struct CompileCtx *cc, uint32_t off, const QName *qual);
AstNode *ast_order_item(struct CompileCtx *cc, AstNode *expr, bool is_desc,
                        int nulls);
AstNode *ast_window_def(struct CompileCtx *cc, Token name, Token lp,
                        AstNode *spec);
AstNode *ast_window_spec(struct CompileCtx *cc, const Token *base,
                         const AstList *partition_by,
                         const AstList *order_by, const AstFrame *frame);
AstNode *ast_frame_bound(struct CompileCtx *cc, uint32_t off, BoundKind b,
                         AstNode *offset);

/* FROM items */
AstAlias ast_alias(struct CompileCtx *cc, Token name, const AstList *cols);
AstNode *ast_join(struct CompileCtx *cc, JoinKind k, bool is_natural,
                  AstNode *left, AstNode *right, AstNode *on,
                  const AstList *using_cols);
AstNode *ast_table_ref(struct CompileCtx *cc, QName name,
                       const HintList *hints, AstNode *system_time,
                       const AstAlias *alias);
AstNode *ast_subquery_ref(struct CompileCtx *cc, uint32_t off,
                          bool is_lateral, AstNode *query,
                          const AstAlias *alias);
AstNode *ast_table_func_ref(struct CompileCtx *cc, uint32_t off,
                            bool is_lateral, AstNode *call,
                            const AstAlias *alias);
AstNode *ast_unnest_ref(struct CompileCtx *cc, uint32_t off,
                        const AstList *args, bool with_ordinality,
                        const AstAlias *alias);

/* MATCH_RECOGNIZE */
AstNode *ast_match_recognize(struct CompileCtx *cc, AstNode *input,
                             const AstList *partition_by,
                             const AstList *order_by,
                             const AstList *measures, RowsPerMatch rpm,
                             const AstSkip *skip, AstNode *pattern,
                             AstNode *within, const AstList *subsets,
                             const AstList *defines, const AstAlias *alias);
AstNode *ast_measure(struct CompileCtx *cc, AstNode *expr, Token alias);
AstSkip ast_skip(struct CompileCtx *cc, Token start, SkipKind k,
                 const Token *var);
AstNode *ast_subset(struct CompileCtx *cc, Token name, AstList vars);
AstNode *ast_define(struct CompileCtx *cc, Token var, AstNode *cond);
AstNode *ast_pattern_new(struct CompileCtx *cc, PatternKind k, uint32_t off);
AstNode *ast_pattern_var(struct CompileCtx *cc, Token name);
/* CONCAT/ALT of one item is the item itself. */
AstNode *ast_pattern_list(struct CompileCtx *cc, PatternKind k,
                          AstList items);
AstNode *ast_pattern_group(struct CompileCtx *cc, Token lp, AstNode *inner);
void ast_pattern_wrap(struct CompileCtx *cc, AstNode *p, Token start);
AstNode *ast_pattern_exclude(struct CompileCtx *cc, Token start,
                             AstNode *inner);
AstNode *ast_pattern_quantify(struct CompileCtx *cc, AstNode *p,
                              const AstQuant *q);
AstQuant ast_quant(struct CompileCtx *cc, Token start, int32_t min,
                   int32_t max);

/* expressions */
AstNode *ast_literal(struct CompileCtx *cc, LiteralKind k, Token t);
AstNode *ast_typed_literal(struct CompileCtx *cc, Token kw, LiteralKind k,
                           Token str);
AstNode *ast_interval(struct CompileCtx *cc, Token kw, bool is_negative,
                      Token str, const AstIntervalQual *q);
AstIntervalQual ast_interval_qual(struct CompileCtx *cc, Token unit,
                                  int32_t precision, const Token *unit_to,
                                  int32_t precision_to);
AstNode *ast_colref(struct CompileCtx *cc, const QName *name);
AstNode *ast_colref1(struct CompileCtx *cc, Token name);
AstNode *ast_unary(struct CompileCtx *cc, Token op_tok, UnaryOp op,
                   AstNode *arg);
AstNode *ast_binary(struct CompileCtx *cc, BinaryOp op, AstNode *left,
                    AstNode *right);
AstNode *ast_is(struct CompileCtx *cc, AstNode *arg, IsWhat what,
                bool is_not, AstNode *rhs);
/* mode: bit 0 NOT, bit 1 SYMMETRIC */
AstNode *ast_between(struct CompileCtx *cc, AstNode *arg, int mode,
                     AstNode *low, AstNode *high);
AstNode *ast_in_list(struct CompileCtx *cc, AstNode *arg, bool is_not,
                     const AstList *list);
AstNode *ast_in_subquery(struct CompileCtx *cc, AstNode *arg, bool is_not,
                         AstNode *query);
/* mode: bit 0 NOT, bit 1 SIMILAR TO */
AstNode *ast_like(struct CompileCtx *cc, AstNode *arg, int mode,
                  AstNode *pattern, AstNode *escape);
AstNode *ast_paren(struct CompileCtx *cc, Token lp, AstNode *inner);
AstNode *ast_subquery_expr(struct CompileCtx *cc, Token lp, AstNode *query);
AstNode *ast_exists(struct CompileCtx *cc, Token kw, AstNode *query);
AstNode *ast_case(struct CompileCtx *cc, Token kw, AstNode *operand,
                  const AstList *whens, AstNode *else_expr);
AstNode *ast_when(struct CompileCtx *cc, Token kw, AstNode *cond,
                  AstNode *result);
AstNode *ast_ctor(struct CompileCtx *cc, AstKind k, Token start,
                  AstList items);
AstNode *ast_subscript(struct CompileCtx *cc, AstNode *base, AstNode *index);
AstNode *ast_field_access(struct CompileCtx *cc, AstNode *base, Token field);
AstNode *ast_call(struct CompileCtx *cc, const QName *name,
                  const AstList *args, bool is_distinct);
AstNode *ast_call_star(struct CompileCtx *cc, const QName *name);
/* COUNT(A.*) in MATCH_RECOGNIZE (issue 7). */
AstNode *ast_call_var_star(struct CompileCtx *cc, const QName *name,
                           const QName *var);
AstNode *ast_call_cast(struct CompileCtx *cc, const QName *name,
                       AstNode *arg, TypeName *type);
/* trim_mode: 0 none written, 1 LEADING, 2 TRAILING, 3 BOTH */
AstNode *ast_call_from(struct CompileCtx *cc, const QName *name,
                       int trim_mode, AstNode *a, AstNode *b, AstNode *c);
AstNode *ast_call_to_unit(struct CompileCtx *cc, const QName *name,
                          AstNode *arg, Token unit);
AstNode *ast_call_position(struct CompileCtx *cc, Token kw, AstNode *a,
                           AstNode *b);
AstNode *ast_call_nav(struct CompileCtx *cc, Token kw, AstNode *call,
                      NavSemantics nav);
void ast_call_over_name(struct CompileCtx *cc, AstNode *call, Token name);
void ast_call_over(struct CompileCtx *cc, AstNode *call, Token lp,
                   AstNode *spec);
AstNode *ast_named_arg(struct CompileCtx *cc, Token name, AstNode *value);
AstNode *ast_table_arg(struct CompileCtx *cc, Token kw, const QName *name,
                       AstNode *query);
void ast_table_arg_partition(struct CompileCtx *cc, AstNode *arg,
                             AstList partition_by);

/* A parsed statement with the span of its whole text (up to ';'). */
typedef struct AstStmt {
    AstNode *node;
    SrcSpan at;
} AstStmt;

#endif
