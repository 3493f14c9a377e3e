/*
 * resolve.h - name resolution, type checking and streaming validation.
 *
 * resolve_statement() binds one parsed statement against cc->cat and
 * annotates the AST in place (see ast.h: AstNode.type, AstNode.rel,
 * AstColumnRef.source/col/depth).  DDL statements update the catalog
 * (CREATE TABLE/VIEW, DROP); SET/RESET update the session options.
 * Errors are reported through diag_error; returns true when the statement
 * produced no error.
 */
#ifndef FSQL_COMPILER_RESOLVE_H
#define FSQL_COMPILER_RESOLVE_H

#include "compiler/compile.h"

bool resolve_statement(CompileCtx *cc, AstNode *stmt);

/* The type given to an expression that produced an error (a NULL-kind
 * type with its own identity).  A view declared with errors keeps such
 * columns in its schema (RelSchema.has_errors is then set); nothing is
 * planned from them. */
bool resolve_type_is_error(const SqlType *t);

#endif
