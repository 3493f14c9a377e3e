/*
 * tokenize.h - the push loop that feeds re2c tokens to the lemon parser.
 *
 * tokenize_parse() scans cc->src[0..cc->src_len), one statement at a time.
 * Every statement that parses is appended to cc->stmts (AstStmt with the
 * span of the statement text, without the ';').  On a syntax error it
 * reports E_SYNTAX (naming what was expected), skips to the next top-level
 * ';' and goes on with the next statement.  Statement sets
 * (EXECUTE STATEMENT SET BEGIN ... END; and BEGIN STATEMENT SET; ... END;)
 * are returned as one AST_STATEMENT_SET statement.
 */
#ifndef FSQL_COMPILER_TOKENIZE_H
#define FSQL_COMPILER_TOKENIZE_H

#include "compiler/compile.h"

void tokenize_parse(CompileCtx *cc);

#endif
