/*
 * diag.h - compile-time diagnostics: collected, never printed on the spot.
 *
 * Every phase reports through diag_error / diag_warn / diag_note with a
 * stable code from DIAG_CODES and a SrcSpan; diag_hint and diag_detail attach
 * a sentence to the last diagnostic.  diag_render prints them in the house
 * format (see ../shared/STYLE.md and docs/errors.md):
 *
 *   <path>:<line>:<col>: <severity>: <message>
 *    <line> | <source line>
 *           | ^~~~~
 *           = detail: ...
 *           = hint: ...
 *
 * Line and column (column in UTF-8 code points) are computed only when
 * rendering, from a line table built on first use.
 *
 * Each code has a line in docs/errors.md and a case under tests/errors/.
 */
#ifndef FSQL_COMPILER_DIAG_H
#define FSQL_COMPILER_DIAG_H

#include "runtime/fsql.h"
#include "runtime/str.h"

#include <stdarg.h>
#include <stdio.h>

/* X(code, "one-line description for docs") */
#define DIAG_CODES(X)                                                        \
    X(E_SYNTAX, "the text does not follow the grammar")                      \
    X(E_LEX, "a character or token that cannot start anything")             \
    X(E_UNTERMINATED, "a string, quoted identifier or comment never ends")   \
    X(E_BAD_NUMBER, "a malformed or out-of-range numeric literal")           \
    X(E_BAD_LITERAL, "a malformed DATE/TIME/TIMESTAMP/INTERVAL literal")     \
    X(E_UNKNOWN_TABLE, "a table or view name that is not defined")           \
    X(E_UNKNOWN_COLUMN, "a column name that no table in scope has")          \
    X(E_AMBIGUOUS_COLUMN, "a column name that several tables in scope have") \
    X(E_UNKNOWN_FUNCTION, "a function that does not exist")                  \
    X(E_WRONG_ARG_COUNT, "a function called with the wrong number of arguments") \
    X(E_TYPE_MISMATCH, "an operand or argument of the wrong type")           \
    X(E_BAD_CAST, "a CAST between types that cannot be converted")          \
    X(E_DUPLICATE, "a name defined twice")                                  \
    X(E_COLUMN_COUNT, "a column list whose length does not match the query") \
    X(E_UNKNOWN_CONNECTOR, "a connector name fsql does not know")            \
    X(E_UNKNOWN_OPTION, "a WITH option the connector does not accept")      \
    X(E_MISSING_OPTION, "a required WITH option is missing")                \
    X(E_BAD_OPTION_VALUE, "a WITH option value that is not valid")          \
    X(E_UNKNOWN_FORMAT, "a format name fsql does not know")                  \
    X(E_UNSUPPORTED_FORMAT, "a format fsql knows but does not support yet")  \
    X(E_ENV_UNSET, "a ${VAR} reference to an unset environment variable")   \
    X(E_NOT_GROUPED, "a column used outside an aggregate but not grouped")  \
    X(E_AGG_MISUSE, "an aggregate where aggregates are not allowed")        \
    X(E_WINDOW, "an invalid OVER window or group window")                   \
    X(E_TIME_ATTR, "a time attribute is required or misused")               \
    X(E_WATERMARK, "an invalid WATERMARK definition")                       \
    X(E_LOOKUP_JOIN, "an invalid lookup (FOR SYSTEM_TIME AS OF) join")      \
    X(E_JOIN, "an invalid join")                                            \
    X(E_SUBQUERY, "a subquery used where it cannot be")                     \
    X(E_MATCH_RECOGNIZE, "an invalid MATCH_RECOGNIZE clause")               \
    X(E_INSERT, "an INSERT whose query does not fit the target table")      \
    X(E_PRIMARY_KEY, "an invalid PRIMARY KEY")                              \
    X(E_SET, "an invalid SET/RESET statement")                              \
    X(E_UNSUPPORTED, "valid SQL that fsql does not support")                 \
    X(E_TOO_MANY_ERRORS, "compilation stopped after too many errors")       \
    X(W_UNKNOWN_HINT, "a hint fsql does not know, ignored")                  \
    X(W_PROCTIME_LOOKUP, "an event-time FOR SYSTEM_TIME AS OF on a lookup table") \
    X(W_IGNORED, "a clause or option that is accepted but has no effect") \
    X(W_MATCH_SKIP_DEFAULT, "MATCH_RECOGNIZE without AFTER MATCH SKIP")

typedef enum DiagCode {
#define X(c, d) DIAG_##c,
    DIAG_CODES(X)
#undef X
        DIAG_CODE_COUNT
} DiagCode;

typedef enum DiagSeverity { SEV_ERROR, SEV_WARNING, SEV_NOTE } DiagSeverity;

typedef struct Diag {
    DiagSeverity sev;
    DiagCode code;
    bool has_span;  /* false: no position (e.g. a command-line problem) */
    SrcSpan at;
    uint32_t src_id; /* which source (DiagSources index) */
    char *msg;      /* heap (xmalloc), owned by the DiagList */
    char *detail;   /* may be NULL */
    char *hint;     /* may be NULL */
} Diag;

/* The sources diagnostics point into: each compile unit registers its text
 * (owned by the caller, must outlive rendering). */
typedef struct DiagSource {
    const char *path;    /* "<stdin>" for standard input */
    const char *text;
    size_t len;
    uint32_t *lines;     /* line start offsets, built lazily (xmalloc) */
    uint32_t n_lines;
} DiagSource;

typedef struct DiagList {
    Diag *items; /* xmalloc array */
    uint32_t n, cap;
    uint32_t n_errors, n_warnings;
    DiagSource *sources; /* xmalloc array */
    uint32_t n_sources, cap_sources;
    uint32_t cur_src;    /* source that new diagnostics refer to */
    uint32_t max_errors; /* 20 by default; 0 = unlimited */
    bool stopped;        /* hit max_errors */
} DiagList;

const char *diag_code_name(DiagCode c); /* "E_SYNTAX" */
const char *diag_code_doc(DiagCode c);

void diaglist_init(DiagList *dl);
void diaglist_fini(DiagList *dl);
/* Register a source and make it current; returns its id. */
uint32_t diaglist_add_source(DiagList *dl, const char *path, const char *text,
                             size_t len);

void diag_add(DiagList *dl, DiagSeverity sev, DiagCode code, bool has_span,
              SrcSpan at, const char *fmt, va_list ap);
void diag_hint_add(DiagList *dl, const char *fmt, va_list ap);
void diag_detail_add(DiagList *dl, const char *fmt, va_list ap);

/* 1-based line and code-point column of a byte offset in source src_id. */
void diag_line_col(DiagList *dl, uint32_t src_id, uint32_t off,
                   uint32_t *line, uint32_t *col);

/* Render all diagnostics, ordered by source and position (stable; notes
 * stay after the diagnostic they follow), text form (use_color adds ANSI bold/red
 * when writing to a terminal) or one JSON object per line. */
void diag_render(DiagList *dl, FILE *out, bool use_color);
void diag_render_json(DiagList *dl, FILE *out);

#endif
