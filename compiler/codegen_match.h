/*
 * codegen_match.h - the MatchRecognize OpDef from a PN_MATCH_RECOGNIZE
 * plan node (called by codegen_plan.c for that node kind; issue 7).
 */
#ifndef FSQL_COMPILER_CODEGEN_MATCH_H
#define FSQL_COMPILER_CODEGEN_MATCH_H

#include "runtime/fsql.h"
#include "runtime/program.h"
#include "compiler/compile.h"
#include "compiler/plan.h"

/* Fill d->u.match (and d->kind) for node n; everything goes to pa (the
 * Program arena).  Returns false after reporting an error (a construct
 * the runtime cannot evaluate, a pattern too large to expand). */
bool codegen_match(CompileCtx *cc, Arena *pa, const PNode *n, OpDef *d);

#endif
