/*
 * functions.h - the registry of built-in functions the binder knows:
 * scalar functions, aggregates, OVER-only window functions, group-window
 * functions (GROUP BY TUMBLE(...)) and their auxiliaries (TUMBLE_START...),
 * window table functions (TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), ...))) and
 * the MATCH_RECOGNIZE navigation functions.
 *
 * Pipeline position: resolve.c looks each AST_FUNC_CALL up with
 * func_lookup(), types its arguments, then calls func_resolve_call() which
 * checks the argument count and runs the entry's return-type rule.  The
 * rule checks argument types (E_TYPE_MISMATCH at the offending argument)
 * and returns the result type, following Flink's return-type inference.
 * docs/functions.md is written from the same table (func_doc_markdown).
 *
 * Argument-type conventions (what resolve.c passes in arg_types[i]):
 *  - an ordinary expression: its type (T_NULL for a bare NULL literal);
 *  - AST_TIME_UNIT_ARG (TIMESTAMPDIFF(DAY, ...)): a T_SYMBOL type;
 *  - AST_TABLE_ARG (TABLE t): a T_TABLE type;
 *  - AST_DESCRIPTOR_ARG (DESCRIPTOR(ts)): a T_DESCRIPTOR type;
 *  - AST_NAMED_ARG: resolve.c puts the arguments in parameter order first
 *    (see FuncInfo.params), so rules only ever see positional arguments;
 *  - COUNT(*): n == 0 and call->u.func_call.is_star.
 * A rule may also read the AST of the call: literal arguments (ROUND's
 * scale, LAG's offset), the unit of an AST_TIME_UNIT_ARG, and the types of
 * WITHIN GROUP (ORDER BY ...) expressions, which resolve.c types before it
 * calls the rule.  For window table functions the rule returns a T_TABLE
 * type; resolve.c builds the output schema (input columns plus
 * window_start, window_end, window_time).
 *
 * Entries are static and immutable.
 */
#ifndef FSQL_COMPILER_FUNCTIONS_H
#define FSQL_COMPILER_FUNCTIONS_H

#include "runtime/fsql.h"
#include "runtime/str.h"
#include "compiler/ast.h"
#include "compiler/compile.h"
#include "compiler/types.h"

typedef enum FuncKind {
    FUNC_SCALAR,           /* row-by-row */
    FUNC_AGGREGATE,        /* GROUP BY aggregate, also usable with OVER */
    FUNC_WINDOW_ONLY,      /* needs OVER: ROW_NUMBER, RANK, LAG, ... */
    FUNC_GROUP_WINDOW,     /* GROUP BY TUMBLE(ts, INTERVAL ...) */
    FUNC_GROUP_WINDOW_AUX, /* TUMBLE_START(ts, INTERVAL ...) in SELECT */
    FUNC_TABLE_FUNCTION,   /* FROM TABLE(TUMBLE(TABLE t, ...)) */
    FUNC_MATCH             /* only inside MATCH_RECOGNIZE */
} FuncKind;

/* FuncInfo.flags */
#define FUNC_DETERMINISTIC                                                     \
    0x0001u                 /* same args, same result (not RAND,
                                      NOW, UUID, ...) */
#define FUNC_STRICT 0x0002u /* NULL in any argument gives NULL */
#define FUNC_NILADIC                                                           \
    0x0004u /* may be written without parentheses
                                      (CURRENT_TIMESTAMP, CURRENT_DATE) */
#define FUNC_NEEDS_ORDER                                                       \
    0x0008u /* OVER must have ORDER BY (ROW_NUMBER,
                                      RANK, LAG, LEAD, ...) */
#define FUNC_WITHIN_GROUP                                                      \
    0x0010u /* requires WITHIN GROUP (ORDER BY x)
                                      (PERCENTILE_CONT/DISC) */
#define FUNC_PROCTIME                                                          \
    0x0020u /* result is a processing-time
                                      attribute (PROCTIME()) */
#define FUNC_ROWTIME                                                           \
    0x0040u                      /* result is an event-time attribute
                                      (TUMBLE_ROWTIME, MATCH_ROWTIME) */
#define FUNC_NO_DISTINCT 0x0080u /* aggregate that rejects DISTINCT */
#define FUNC_PER_QUERY                                                         \
    0x0100u /* evaluated once per query/record in
                                      Flink's streaming mode (NOW(),
                                      CURRENT_TIMESTAMP): not deterministic
                                      but not per-row random either */

typedef struct FuncInfo FuncInfo;

/* Return-type rule: checks the argument types (reporting E_TYPE_MISMATCH
 * at the argument's span, with a message naming the function, the
 * argument position and the expected types) and returns the result type
 * allocated from cc->a, or NULL after reporting an error.  arg_types[i]
 * may have kind T_NULL.  The argument count has already been checked. */
typedef SqlType *(*FuncRetFn)(CompileCtx *cc, AstNode *call,
                              SqlType **arg_types, uint32_t n);

struct FuncInfo {
    const char *name; /* upper case: "DATE_FORMAT" */
    FuncKind kind;
    int16_t min_args;
    int16_t max_args; /* -1: unbounded */
    uint32_t flags;   /* FUNC_* */
    FuncRetFn ret;
    const char *window_of; /* FUNC_GROUP_WINDOW_AUX: "TUMBLE"/"HOP"/
                              "SESSION"; NULL otherwise */
    const char *params;    /* parameter names for named arguments and the
                              docs, comma-separated ("DATA, TIMECOL, SIZE,
                              OFFSET"); NULL when not applicable */
    const char *signature; /* for docs: "DATE_FORMAT(ts, fmt) -> STRING" */
    const char *doc;       /* one sentence for docs/functions.md */
};

/* The entry for name (case-insensitive), or NULL.  For names that are both
 * a group-window function and a window table function (TUMBLE, HOP,
 * SESSION, CUMULATE) this returns the GROUP BY form; use
 * func_lookup_table_function() inside TABLE(...). */
const FuncInfo *func_lookup(Str name);
/* The window table function entry for name (TUMBLE, HOP, CUMULATE,
 * SESSION), or NULL. */
const FuncInfo *func_lookup_table_function(Str name);

/* Check the argument count of call against f (E_WRONG_ARG_COUNT at the
 * call, saying how many are expected), then run f->ret.  Returns the
 * result type, or NULL after reporting an error. */
SqlType *func_resolve_call(CompileCtx *cc, const FuncInfo *f, AstNode *call,
                           SqlType **arg_types, uint32_t n);

/* All function names (unique, upper case), for did-you-mean.  Static;
 * *n receives the count. */
const char *const *func_names(size_t *n);

/* The whole table, in alphabetical order per kind, for docs and SHOW
 * FUNCTIONS.  Static; *n receives the count. */
const FuncInfo *func_table(size_t *n);

/* A human name for a kind: "scalar", "aggregate", ... */
const char *func_kind_name(FuncKind k);

/* Append docs/functions.md (Markdown, grouped by kind) to out. */
void func_doc_markdown(StrBuf *out);

#endif
