/*
 * codegen_over.h - the OverAggregate OpDef from a PN_OVER_AGGREGATE plan
 * node (called by codegen_plan.c for that node kind).
 */
#ifndef FSQL_COMPILER_CODEGEN_OVER_H
#define FSQL_COMPILER_CODEGEN_OVER_H

#include "runtime/fsql.h"
#include "runtime/program.h"
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "compiler/codegen.h"

/* Fill d->u.over (and d->kind) for node n; Code and tables go to pa (the
 * Program arena).  Returns false after reporting an error (a frame or
 * function the runtime cannot evaluate). */
bool codegen_over(CompileCtx *cc, Arena *pa, const PNode *n, OpDef *d,
                  CodegenAddTableFn add_table, void *add_arg);

#endif
