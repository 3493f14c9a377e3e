/*
 * compile.h - CompileCtx, the state of one compilation (like SQLite's
 * Parse), and the entry points that drive the phases.
 *
 * A CompileCtx holds the source texts, the arena every compiler structure
 * is allocated from, the diagnostics, the catalog (which persists across
 * the files of one invocation: -i init files then the main file) and the
 * session options set by SET.
 *
 * Phases: compile_source() tokenizes and parses each statement (resyncing
 * at ';' after a syntax error), then runs resolve -> plan on each statement
 * that parsed, in order, so that DDL earlier in the file is visible later.
 */
#ifndef FSQL_COMPILER_COMPILE_H
#define FSQL_COMPILER_COMPILE_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "compiler/ast.h"
#include "compiler/diag.h"

typedef struct Catalog Catalog;
typedef struct Plan Plan;

typedef struct SessionOption {
    char *key;   /* arena */
    char *value; /* arena */
} SessionOption;

typedef struct CompileCtx {
    Arena a;               /* owns every AST node, type, plan node */
    DiagList diags;
    Catalog *cat;          /* tables and views declared so far */
    const char *src;       /* current source text (NUL-terminated) */
    size_t src_len;
    const char *path;      /* current source path, "<stdin>" for stdin */
    const char *base_dir;  /* directory of path, for relative WITH paths */
    uint32_t src_id;       /* id in diags */
    SessionOption *opts;   /* SET options, in order (arena array) */
    uint32_t n_opts, cap_opts;
    AstStmt *stmts;        /* parsed statements of all sources, in order */
    uint32_t n_stmts, cap_stmts;
    Plan **plans;          /* one job plan per INSERT / statement set / query */
    uint32_t n_plans, cap_plans;
    bool offline;          /* validate/explain: never connect anywhere */
    bool want_ast_dump;    /* debug: keep trees for dumping */
    struct ParseState *ps; /* tokenize.c: parser state while parsing */
} CompileCtx;

void compile_init(CompileCtx *cc);
void compile_fini(CompileCtx *cc);

/* Compile one source text (borrowed; must outlive cc).  Returns the number
 * of errors found in it. */
uint32_t compile_source(CompileCtx *cc, const char *path, const char *text,
                        size_t len);

/* Parse only (no resolve/plan): used by the round-trip test and the fuzzer.
 * Appends to cc->stmts; returns the number of errors. */
uint32_t compile_parse_only(CompileCtx *cc, const char *path,
                            const char *text, size_t len);

/* Diagnostics helpers for every phase; at is in the current source. */
void diag_error(CompileCtx *cc, DiagCode code, SrcSpan at, const char *fmt,
                ...) FSQL_PRINTF(4, 5);
void diag_warn(CompileCtx *cc, DiagCode code, SrcSpan at, const char *fmt,
               ...) FSQL_PRINTF(4, 5);
/* A note pointing elsewhere ("this '(' is not closed"), rendered after the
 * diagnostic reported just before it and carrying that diagnostic's code. */
void diag_note(CompileCtx *cc, SrcSpan at, const char *fmt, ...)
    FSQL_PRINTF(3, 4);
void diag_error_nopos(CompileCtx *cc, DiagCode code, const char *fmt, ...)
    FSQL_PRINTF(3, 4);
void diag_hint(CompileCtx *cc, const char *fmt, ...) FSQL_PRINTF(2, 3);
void diag_detail(CompileCtx *cc, const char *fmt, ...) FSQL_PRINTF(2, 3);

/* Session options (SET 'k' = 'v'); NULL if unset. */
const char *compile_get_option(CompileCtx *cc, const char *key);
void compile_set_option(CompileCtx *cc, const char *key, const char *value);

#endif
