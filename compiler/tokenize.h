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
#include "runtime/str.h"

void tokenize_parse(CompileCtx *cc);

/* Debug/golden-test printer: tokenize cc->src[0..cc->src_len) and print one
 * token per line, "line:col KIND text" (KIND is the parser's token name,
 * e.g. SELECT, ID, STRING, LP; context keywords already resolved; comments
 * and white space omitted).  Lexical errors are reported as diagnostics. */
void tokenize_dump(CompileCtx *cc, StrBuf *out);

/* Display name of a parser token code: "SELECT", "identifier", "'('". */
const char *tokenize_token_name(int tk);

/* ---- front-end internals (grammar/lexer.re, grammar/parse.y) ---------- */

/* Codes lex_scan() returns for text the parser never sees. */
#define LEX_EOF 0
#define LEX_SPACE (-1)
#define LEX_COMMENT (-2)
#define LEX_ILLEGAL (-3)
#define LEX_UNTERM_STRING (-4)
#define LEX_UNTERM_IDENT (-5)
#define LEX_UNTERM_COMMENT (-6)
#define LEX_DQ_IDENT (-7) /* "name": not an identifier in Flink SQL */

/* Scan one token at src[pos]; src[len] must be NUL.  Returns a TK_ code
 * (words are TK_ID; keywords are looked up by tokenize.c) or a LEX_ code,
 * and sets *end to the offset just past the token. */
int lex_scan(const char *src, size_t len, size_t pos, size_t *end);

/* State of the statement being parsed, reachable from grammar actions
 * through CompileCtx.ps. */
typedef struct ParseState {
    void *parser;        /* the lemon parser */
    uint32_t last_end;   /* offset just past the last token shifted: the
                            end of any rule reduced now */
    bool has_error;      /* a syntax error was seen in this statement */
    bool at_eof;         /* the token being fed is the end of input */
    Token cur_tok;       /* the token being fed */
    uint32_t snap[520];  /* parser state stack before cur_tok was fed: the
                            "expected" list of a syntax error is computed
                            from it, before default reductions */
    int snap_n;          /* its depth; 0 if unknown */
    int cur_tk;          /* code of cur_tok */
    Token prev_tok;      /* the token fed before cur_tok (prev_tk 0: none) */
    int prev_tk;
    uint32_t prev_snap[520]; /* parser state stack before prev_tok */
    int prev_snap_n;
    uint32_t parens[64]; /* offsets of the '(' not yet closed */
    int n_parens;        /* open '(' count (may exceed the array) */
} ParseState;

/* Called from the grammar's %syntax_error and %stack_overflow. */
void tokenize_syntax_error(CompileCtx *cc, int major, Token tok);
void tokenize_stack_overflow(CompileCtx *cc);

#endif
