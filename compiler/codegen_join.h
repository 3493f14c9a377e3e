/*
 * codegen_join.h - OpDefs of the join plan nodes (IntervalJoin, Join,
 * SemiJoin, TemporalJoin); called by codegen_plan.c for those kinds.
 */
#ifndef FSQL_COMPILER_CODEGEN_JOIN_H
#define FSQL_COMPILER_CODEGEN_JOIN_H

#include "runtime/fsql.h"
#include "runtime/program.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "compiler/plan.h"

/* Fill d (kind and u.ijoin / u.join / u.semi / u.tjoin) for node n; Code
 * goes to pa (the Program arena).  add_table adds a TableDef with every
 * column of a lookup table (the lookup SemiJoin) and returns its index.
 * Returns false after reporting an error. */
bool codegen_join_node(CompileCtx *cc, Arena *pa, const PNode *n, OpDef *d,
                       CodegenAddTableFn add_table, void *add_arg);

#endif
