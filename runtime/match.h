/*
 * match.h - MATCH_RECOGNIZE: the row-pattern automaton and the operator
 * definition the compiler builds for it.
 *
 * Pipeline position: compiler/codegen_match.c turns a PN_MATCH_RECOGNIZE
 * plan node into an OpMatchDef (Program arena): the PATTERN as a
 * MatchPat tree is compiled here (match_nfa_build) into a MatchNfa, a
 * small program of VAR / SPLIT / JMP / anchor / MATCH instructions in the
 * manner of a Pike regular-expression VM; DEFINE conditions and MEASURES
 * become VM Code over a "match context row" whose columns (MatchSlot) the
 * operator fills before each evaluation (the value of PREV(A.price), of
 * AVG(A.amount), of CLASSIFIER(), ...), so the expression VM stays
 * row-based.  runtime/op_match.c runs the operator; the matching itself
 * (MatchEngine below) is independent of rows and expressions so that
 * tests/unit/test_match.c can drive it with plain callbacks.
 *
 * Matching semantics (SQL:2016 row pattern recognition, docs/
 * match_recognize.md): for each start row, in row order, the first match
 * in preferment order is looked for - greedy quantifiers prefer more
 * iterations, reluctant ones fewer, alternatives the leftmost - with
 * DEFINE conditions evaluated over the rows mapped so far (the current
 * row tentatively mapped to the variable being tested).  This is what a
 * backtracking matcher does; the engine gets the same answer without
 * backtracking by running all alternatives of a start row in parallel as
 * threads kept in priority order, cutting lower-priority threads when a
 * higher one reaches MATCH.  A match is final when no higher-priority
 * thread of its start row is alive, so a greedy quantifier at the end
 * of the pattern waits for the next row, the WITHIN window or the end of
 * the input - decided by event time, never by arrival.
 *
 * Shared buffer: a thread's mapped rows are a persistent linked list of
 * MatchNodes (row number, variable) with reference counts.  Threads that
 * branch from one another share their common prefix, so the memory for
 * any number of overlapping partial matches is one node per (row,
 * variable, history) - and when the DEFINE conditions depend on the
 * current row only (and PREV), threads of one start row that reach the
 * same pattern position are merged (the lower-priority one can never be
 * preferred), bounding threads per start row by the pattern size.
 *
 * Memory: MatchNfa lives in the Program arena; MatchEngine and its node
 * slabs are xmalloc'd (operator lifetime); a MatchRun (one partition's
 * attempts) is caller-provided storage whose arrays are xmalloc'd and
 * released by match_run_fini.
 */
#ifndef FSQL_RUNTIME_MATCH_H
#define FSQL_RUNTIME_MATCH_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/value.h"
#include "runtime/vm.h"

/* ---- the pattern tree (built by codegen) ------------------------------- */

typedef enum MatchPatKind {
    MPAT_VAR,     /* var */
    MPAT_CONCAT,  /* items in sequence */
    MPAT_ALT,     /* items as alternatives, preferred left to right */
    MPAT_PERMUTE, /* every order of items, in lexicographic preference */
    MPAT_EXCLUDE, /* {- items[0] -}: rows not output (ALL ROWS PER MATCH) */
    MPAT_START,   /* ^ */
    MPAT_END,     /* $ */
    MPAT_EMPTY    /* () */
} MatchPatKind;

typedef struct MatchPat MatchPat;
struct MatchPat {
    MatchPatKind kind;
    uint16_t var; /* MPAT_VAR: variable number */
    uint32_t n_items;
    MatchPat **items;
    int32_t min, max; /* quantifier; max -1: unbounded; {1,1} none */
    bool is_reluctant;
};

/* ---- the automaton ----------------------------------------------------- */

typedef enum MatchOp {
    MOP_VAR,   /* consume one row if DEFINE var holds; then pc + 1 */
    MOP_SPLIT, /* continue at x (preferred) and at y */
    MOP_JMP,   /* continue at x */
    MOP_START, /* ^: only at the first row of the partition */
    MOP_END,   /* $: only at the end of the partition (or of the WITHIN
                  window, the fsql absence extension) */
    MOP_MATCH  /* a match */
} MatchOp;

typedef struct MatchIns {
    uint8_t op;      /* MatchOp */
    uint8_t is_excl; /* MOP_VAR inside {- -} */
    uint16_t var;
    uint32_t x, y;
} MatchIns;

typedef struct MatchNfa {
    uint32_t n_ins;
    const MatchIns *ins; /* ins[0] is the entry; ends reach MOP_MATCH */
    uint16_t n_vars;
    bool has_start; /* uses ^ */
    bool has_end;   /* uses $ */
} MatchNfa;

/* Largest automaton accepted (quantifier bounds and PERMUTE expand). */
#define MATCH_NFA_MAX_INS 20000u

/* Compile pat into a; NULL with *err set to a static message (house
 * style) when the expanded pattern is too large. */
MatchNfa *match_nfa_build(Arena *a, const MatchPat *pat, uint16_t n_vars,
                          const char **err);

/* Append a listing of the automaton (tests, explain --verbose). */
void match_nfa_dump(const MatchNfa *nfa, const char *const *var_names,
                    StrBuf *out);

/* ---- the engine -------------------------------------------------------- */

/* One mapped row in a thread's history (shared, reference counted). */
typedef struct MatchNode MatchNode;
struct MatchNode {
    MatchNode *prev; /* the row mapped before; read only as far as the
                          path's length (a node may be shared by an
                          attempt that starts later) */
    uint64_t row;    /* row number in the partition */
    uint32_t refs;
    uint16_t var;
    uint8_t is_excl;
};

typedef struct MatchThread {
    uint32_t pc;
    uint32_t len;    /* rows mapped */
    MatchNode *tail; /* last mapped row (one reference), or NULL */
} MatchThread;

/* The search for a match starting at one row. */
typedef struct MatchAttempt {
    uint64_t start;   /* row number of the first row */
    int64_t start_ts; /* its time (for WITHIN) */
    MatchThread *th;  /* alive threads, highest priority first */
    uint32_t n_th, cap_th;
    bool has_cand; /* a match found (final once n_th == 0) */
    uint32_t cand_len;
    MatchNode *cand; /* its last row (reference), NULL if empty */
} MatchAttempt;

/* One partition's matching state (caller storage; zero it, then
 * match_run_init). */
typedef struct MatchRun {
    MatchAttempt *att;     /* attempts in start-row order */
    uint32_t head, n, cap; /* att[head .. head + n) */
    uint64_t next_start;   /* rows before this start no attempt (skip) */
    uint64_t covered;      /* rows before this were output in a match */
    uint64_t n_matches;    /* MATCH_NUMBER of the last match */
} MatchRun;

/* What the DEFINE callback sees: the thread's rows and the tentative
 * row.  Rows are walked from tail through prev (newest first), exactly
 * len of them: the list may go on (a shared node, see match.c). */
typedef struct MatchView {
    const MatchRun *run;
    uint64_t start;        /* first row of the (partial) match */
    const MatchNode *tail; /* rows mapped so far, newest first */
    uint32_t len;
    uint64_t row; /* the row being tested */
    uint16_t var; /* the variable it is tested for */
} MatchView;

typedef enum MatchResultKind {
    MRES_MATCH,    /* rows[0 .. len) mapped (len > 0) */
    MRES_EMPTY,    /* an empty match at row start */
    MRES_UNMATCHED /* row start is in no match (WITH UNMATCHED ROWS) */
} MatchResultKind;

typedef struct MatchResult {
    MatchResultKind kind;
    uint64_t start;
    uint32_t len;
    const MatchNode *const *rows; /* oldest first (engine scratch) */
    uint64_t match_number;        /* MRES_MATCH / MRES_EMPTY */
} MatchResult;

typedef enum MatchSkip {
    MSKIP_PAST_LAST_ROW,
    MSKIP_TO_NEXT_ROW,
    MSKIP_TO_FIRST,
    MSKIP_TO_LAST
} MatchSkip;

typedef struct MatchEngineConf {
    const MatchNfa *nfa;
    MatchSkip skip;
    uint16_t skip_var;            /* MSKIP_TO_FIRST / MSKIP_TO_LAST */
    bool want_empty;              /* report MRES_EMPTY */
    bool want_unmatched;          /* report MRES_UNMATCHED */
    bool is_history_free;         /* DEFINE reads the current row (and PREV)
                               only: threads at one position merge */
    int64_t within_ms;            /* -1: none */
    const char *const *var_names; /* for error messages (may be NULL) */
    /* 1 true, 0 false, -1 error (the callback recorded it). */
    int (*define)(void *arg, const MatchView *v);
    /* 0 or -1 (error recorded by the callback). */
    int (*emit)(void *arg, const MatchRun *run, const MatchResult *r);
    void *arg;
} MatchEngineConf;

typedef struct MatchEngine MatchEngine;

MatchEngine *match_engine_new(const MatchEngineConf *conf);
void match_engine_free(MatchEngine *e);

void match_run_init(MatchRun *run);
/* Release the run's attempts and their nodes. */
void match_run_fini(MatchEngine *e, MatchRun *run);

/* Feed the next row (row numbers count from 0 per partition, rows in
 * order).  Attempts whose WITHIN window has closed by ts are ended
 * first.  Returns 0, or -1 after an error (callback failure, or the
 * AFTER MATCH SKIP error; see match_engine_error). */
int match_run_row(MatchEngine *e, MatchRun *run, uint64_t row, int64_t ts);
/* End attempts whose WITHIN window closed: start_ts + within <= limit
 * (limit = watermark + 1: no row with a time below it can come). */
int match_run_expire(MatchEngine *e, MatchRun *run, int64_t limit);
/* The partition ended (end of input): `$` holds, every attempt ends. */
int match_run_end(MatchEngine *e, MatchRun *run);

/* Attempts alive (0: the partition holds no partial match). */
static inline uint32_t match_run_pending(const MatchRun *run)
{
    return run->n;
}
/* The earliest row an attempt still needs (UINT64_MAX: none). */
uint64_t match_run_min_row(const MatchRun *run);
/* Start time of the oldest attempt (INT64_MAX: none). */
int64_t match_run_min_ts(const MatchRun *run);

/* Checkpoints (runtime/checkpoint.h): write the run - its skip position,
 * match counter, attempts and threads, and the shared nodes they reach,
 * each node once with an id (the sharing survives the round trip).  Call
 * between rows (at a push-cycle boundary). */
struct SnapWriter;
struct SnapReader;
void match_run_snapshot(const MatchEngine *e, const MatchRun *run,
                        struct SnapWriter *w);
/* Rebuild run (uninitialised storage) from a match_run_snapshot blob made
 * for the same automaton.  False (r->bad set, run left empty) when the
 * blob is malformed. */
bool match_run_restore(MatchEngine *e, MatchRun *run, struct SnapReader *r);

/* The message of the last -1 that the engine raised itself (skip
 * errors); NULL when a callback failed. */
const char *match_engine_error(const MatchEngine *e);

/* Figures: nodes alive, peak nodes, threads alive. */
size_t match_engine_nodes(const MatchEngine *e);
size_t match_engine_peak_nodes(const MatchEngine *e);
size_t match_engine_bytes(const MatchEngine *e);

/* ---- the operator definition (runtime/op_match.c) ---------------------- */

/* What a match-context column holds. */
typedef enum MatchSlotKind {
    MSLOT_NAV,           /* a value of a row chosen by navigation */
    MSLOT_AGG,           /* an aggregate over the rows of a variable set */
    MSLOT_CLASSIFIER,    /* variable of the current row (STRING) */
    MSLOT_MATCH_NUMBER,  /* BIGINT */
    MSLOT_MATCH_ROWTIME, /* time of the last row of the match */
    MSLOT_PROCTIME       /* wall clock */
} MatchSlotKind;

/* How a NAV slot chooses its row before the physical offset. */
typedef enum MatchBase {
    MBASE_CUR,  /* the current row (DEFINE: the row tested) */
    MBASE_LAST, /* the off-th row from the last of the variable set */
    MBASE_FIRST /* the off-th row from the first */
} MatchBase;

typedef struct MatchSlot {
    uint8_t kind;     /* MatchSlotKind */
    uint8_t base;     /* MatchBase (NAV) */
    bool is_final;    /* FINAL semantics (MEASURES) */
    bool is_distinct; /* AGG */
    uint32_t n_vars;  /* variable set; 0: every row (universal) */
    const uint16_t *vars;
    int64_t logical_off;  /* FIRST/LAST offset */
    int64_t phys_off;     /* PREV: -n, NEXT: +n */
    int32_t col;          /* NAV: input column, or -1: value[0] */
    const Code *value;    /* NAV: one result; AGG: the arguments; over
                              the input row; NULL if col or COUNT(*) */
    const char *agg_name; /* AGG: upper case */
    uint32_t n_args;      /* AGG: 0 for COUNT(*) */
    RtType type;          /* the slot's type */
} MatchSlot;

/* A DEFINE condition or the MEASURES: Code over the context row of
 * n_slots columns, or (is_row_code) over the input row directly when
 * every reference is to the current row. */
typedef struct MatchExprDef {
    const Code *code; /* NULL: DEFINE absent, any row matches */
    bool is_row_code;
    uint32_t n_slots;
    const MatchSlot *slots;
} MatchExprDef;

typedef enum MatchRowsPerMatch {
    MRPM_ONE_ROW,
    MRPM_ALL_ROWS_SHOW_EMPTY,
    MRPM_ALL_ROWS_OMIT_EMPTY,
    MRPM_ALL_ROWS_WITH_UNMATCHED
} MatchRowsPerMatch;

/* MatchRecognize.  Output: ONE ROW PER MATCH: partition columns ++
 * measures; ALL ROWS PER MATCH: input row ++ measures. */
typedef struct OpMatchDef {
    uint32_t n_in; /* input columns */
    uint32_t n_partition;
    const int32_t *partition; /* input columns */
    int32_t time_col;         /* ORDER BY time attribute */
    bool is_proctime;
    uint32_t n_extra_order; /* secondary ORDER BY columns (ties) */
    const int32_t *extra_order;
    const bool *extra_desc;
    const MatchNfa *nfa;
    uint16_t n_vars;
    const char *const *var_names;
    const MatchExprDef *defines; /* per variable */
    MatchExprDef measures;       /* n_measures results */
    uint32_t n_measures;
    uint8_t rows_per_match; /* MatchRowsPerMatch */
    uint8_t skip;           /* MatchSkip */
    uint16_t skip_var;
    bool is_skip_default; /* AFTER MATCH SKIP not written */
    int64_t within_ms;    /* -1: none */
    bool is_history_free;
    bool keeps_partitions; /* ^ or MATCH_NUMBER(): an idle partition
                              leaves a compact entry (rows seen, match
                              count) behind */
    int64_t max_prev;      /* rows PREV can reach before a match's first
                              row (0 when PREV stays inside matches) */
    int64_t max_next;      /* rows NEXT (DEFINE or MEASURES) reads
                              ahead: a row is fed to the automaton once
                              the partition holds this many rows after it
                              (or ends) */
    SrcSpan skip_at;       /* for the skip run-time errors */
} OpMatchDef;

#endif
