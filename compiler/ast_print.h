/*
 * ast_print.h - print an AST back as canonical SQL text.
 *
 * The output re-parses to the same tree (as compared by ast_dump, which
 * ignores spans): compound operands are parenthesised (parentheses never
 * create nodes), identifiers are back-quoted when they were quoted or are
 * not plain words, strings are re-escaped with ''.  Clauses of a query go
 * on their own lines; no trailing ';' is written.
 *
 * Used by `fsql parse --print`, the round-trip test (tools/roundtrip.sh)
 * and the parser fuzz target.
 */
#ifndef FSQL_COMPILER_AST_PRINT_H
#define FSQL_COMPILER_AST_PRINT_H

#include "runtime/fsql.h"
#include "runtime/str.h"
#include "compiler/ast.h"
#include "compiler/types.h"

/* Append the SQL text of one statement node (no ';'). */
void ast_print_stmt(StrBuf *out, const AstNode *stmt);
/* Append the SQL text of one expression (also works for query nodes). */
void ast_print_expr(StrBuf *out, const AstNode *e);
/* Append a type in DDL syntax: DECIMAL(15, 2), ROW<`a` INT> NOT NULL. */
void ast_print_type(StrBuf *out, const SqlType *t);

#endif
