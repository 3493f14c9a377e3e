/*
 * plan.h - PLACEHOLDER CONTRACT; the plan helper owns and rewrites this file.
 *
 * plan_statement() turns one resolved runnable statement (INSERT, statement
 * set, top-level query, EXPLAIN of those) into a Plan: the logical plan
 * rewritten into the physical operator DAG the runtime consumes.  Returns
 * NULL for statements that run nothing (DDL, SET, SHOW, ...).
 * explain_plan() prints the physical plan as an indented tree.
 */
#ifndef FSQL_COMPILER_PLAN_H
#define FSQL_COMPILER_PLAN_H

#include "compiler/compile.h"

Plan *plan_statement(CompileCtx *cc, AstNode *stmt);
void explain_plan(CompileCtx *cc, const Plan *p, StrBuf *out);

#endif
