/*
 * codegen.h - plan expressions (PExpr) to expression-VM bytecode (Code).
 *
 * Pipeline position: after plan_statement(), the program builder turns
 * each plan node's expressions into Code with these functions; the
 * runtime evaluates the Code per row (runtime/vm.h).  Codegen settles
 * every type question the interpreter must not ask: implicit conversions
 * (INT + DECIMAL, DATE vs TIMESTAMP, CHAR vs VARCHAR) become explicit
 * CAST instructions, operators become typed opcodes, and function calls
 * are bound to their implementation for the argument types
 * (runtime/func.h).  Deterministic sub-expressions without column
 * references are folded to constants by running them through the VM;
 * repeated sub-expressions that run unconditionally are computed once.
 *
 * Lifetime: the Code and its tables are allocated from prog_arena (the
 * Program's arena); temporary builder state from cc->a.
 *
 * Errors: an expression the runtime cannot evaluate (a function with no
 * run-time implementation, ROW/ARRAY/MAP values, ...) is reported with
 * diag_error(cc, DIAG_E_UNSUPPORTED, ...) at the expression, and the
 * function returns NULL.
 */
#ifndef FSQL_COMPILER_CODEGEN_H
#define FSQL_COMPILER_CODEGEN_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/value.h"
#include "runtime/vm.h"
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "compiler/types.h"

/* The run-time type of a SQL type (kind, TypeKind, precision, scale,
 * nullability).  A MAP of scalar keys and values is stored as VK_BYTES
 * with sql_kind T_MAP (runtime/value_map.h); types the runtime has no
 * values for (ARRAY, ROW, nested MAPs, ...) map to VK_NULLTYPE. */
RtType codegen_rttype(const SqlType *t);
/* Whether t can be a MAP key or value at run time (a scalar type). */
bool codegen_map_elem_ok(const SqlType *t);

/* One Code computing exprs[0..n) over rows of schema input; result i is
 * exprs[i] (with type codegen_rttype(exprs[i]->type)). */
Code *codegen_exprs(CompileCtx *cc, Arena *prog_arena, PExpr **exprs,
                    uint32_t n, const RelSchema *input);

/* A filter: one BOOLEAN result (use vm_eval_filter). */
Code *codegen_filter(CompileCtx *cc, Arena *prog_arena, PExpr *cond,
                     const RelSchema *input);

/* A whole Calc in one Code: when where is not NULL, result 0 is the
 * condition and the projections are results 1..n (they are computed only
 * when the condition is TRUE; otherwise their registers are stale);
 * without where, results 0..n-1 are the projections.  *has_filter says
 * which layout was used. */
Code *codegen_calc(CompileCtx *cc, Arena *prog_arena, PExpr *where,
                   PExpr **proj, uint32_t n, const RelSchema *input,
                   bool *has_filter);

/* ---- whole plans (compiler/codegen_plan.c) ----------------------------- */

struct Program;

/* The Program for one job plan: one OpDef per plan node, Code for every
 * expression, one TableDef per table (options as strings, filesystem
 * paths resolved against the declaring script's directory), the session
 * settings and time zone.  Allocated in the Program's own arena; cc may be
 * dropped afterwards.  NULL after reporting an error. */
struct Program *codegen_program(CompileCtx *cc, const Plan *plan);

/* ---- group windows and group aggregates (compiler/codegen_window.c) ---- */

struct OpDef;
struct CatTable;

/* Adds a sink TableDef for t to the Program being built; returns its
 * index in Program.tables. */
typedef uint32_t (*CodegenAddTableFn)(void *arg, const struct CatTable *t);

/* Fill d for a WindowTableFunction, GroupWindowAggregate, WindowAggregate
 * or GroupAggregate node (Code in pa).  False after reporting an error. */
bool codegen_window_node(CompileCtx *cc, Arena *pa, const PNode *n,
                         struct OpDef *d, CodegenAddTableFn add_table,
                         void *add_arg);

/* The session's late-data settings ('table.exec.late-data',
 * 'table.exec.emit.allow-lateness', 'table.exec.late-data.sink') for the
 * operator of node n; the sink table is added with add_table.  False
 * after reporting an error (a sink table that does not exist). */
struct OpLateDef;
bool codegen_late_def(CompileCtx *cc, const PNode *n, struct OpLateDef *late,
                      CodegenAddTableFn add_table, void *add_arg);

#endif
