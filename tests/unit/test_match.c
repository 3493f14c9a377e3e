/*
 * test_match.c - the MATCH_RECOGNIZE automaton (runtime/match.c) driven
 * without SQL: rows are letters, variable X matches a row whose letter is
 * x (variables listed as "any" match every row), and the results are
 * printed as "[start:VARS]" (excluded rows in lower case), "[start:]" for
 * an empty match and "(start)" for an unmatched row.
 *
 * Expected results follow the SQL standard's preferment rules (greedy
 * quantifiers prefer more iterations, reluctant fewer, alternatives the
 * leftmost, the first match from the earliest start row, then AFTER MATCH
 * SKIP), worked out by hand for each case.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/match.h"
#include "tests/unit/unit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ---- a tiny pattern parser: A-Z variables, ( ) | * + ? {n,m} ^ $
 * {- -} and P(...) for PERMUTE(...) --------------------------------------- */

typedef struct PP {
    const char *s;
    Arena *a;
} PP;

static MatchPat *pp_alt(PP *p);

static MatchPat *pat_new(PP *p, MatchPatKind k)
{
    MatchPat *m = ARENA_NEW(p->a, MatchPat);
    m->kind = k;
    m->min = m->max = 1;
    return m;
}

static void pat_add(PP *p, MatchPat *m, MatchPat *item)
{
    MatchPat **ni = ARENA_NEW_ARRAY(p->a, MatchPat *, m->n_items + 1);
    if (m->n_items)
        memcpy(ni, m->items, sizeof(MatchPat *) * m->n_items);
    ni[m->n_items++] = item;
    m->items = ni;
}

static void skip_ws(PP *p)
{
    while (*p->s == ' ')
        p->s++;
}

static int pp_num(PP *p, int def)
{
    skip_ws(p);
    if (!isdigit((unsigned char)*p->s))
        return def;
    int n = 0;
    while (isdigit((unsigned char)*p->s))
        n = n * 10 + (*p->s++ - '0');
    return n;
}

static MatchPat *pp_primary(PP *p)
{
    skip_ws(p);
    char c = *p->s;
    if (c == 'P' && p->s[1] == '(') {
        p->s += 2;
        MatchPat *m = pat_new(p, MPAT_PERMUTE);
        for (;;) {
            pat_add(p, m, pp_alt(p));
            skip_ws(p);
            if (*p->s == ',') {
                p->s++;
                continue;
            }
            p->s++; /* ) */
            return m;
        }
    }
    if (c >= 'A' && c <= 'Z') {
        p->s++;
        MatchPat *m = pat_new(p, MPAT_VAR);
        m->var = (uint16_t)(c - 'A');
        return m;
    }
    if (c == '(') {
        p->s++;
        skip_ws(p);
        if (*p->s == ')') {
            p->s++;
            return pat_new(p, MPAT_EMPTY);
        }
        MatchPat *m = pp_alt(p);
        skip_ws(p);
        p->s++; /* ) */
        MatchPat *g = pat_new(p, MPAT_CONCAT);
        pat_add(p, g, m);
        return g;
    }
    if (c == '{' && p->s[1] == '-') {
        p->s += 2;
        MatchPat *m = pat_new(p, MPAT_EXCLUDE);
        pat_add(p, m, pp_alt(p));
        skip_ws(p);
        p->s += 2; /* -} */
        return m;
    }
    if (c == '^' || c == '$') {
        p->s++;
        return pat_new(p, c == '^' ? MPAT_START : MPAT_END);
    }
    return NULL;
}

static MatchPat *pp_quant(PP *p)
{
    MatchPat *m = pp_primary(p);
    if (!m)
        return NULL;
    char c = *p->s;
    if (c == '*' || c == '+' || c == '?' || (c == '{' && p->s[1] != '-')) {
        p->s++;
        if (c == '*') {
            m->min = 0;
            m->max = -1;
        } else if (c == '+') {
            m->min = 1;
            m->max = -1;
        } else if (c == '?') {
            m->min = 0;
            m->max = 1;
        } else {
            m->min = pp_num(p, 0);
            skip_ws(p);
            if (*p->s == ',') {
                p->s++;
                m->max = pp_num(p, -1);
            } else {
                m->max = m->min;
            }
            skip_ws(p);
            p->s++; /* } */
        }
        if (*p->s == '?') {
            p->s++;
            m->is_reluctant = true;
        }
    }
    return m;
}

static MatchPat *pp_concat(PP *p)
{
    MatchPat *m = pat_new(p, MPAT_CONCAT);
    for (;;) {
        skip_ws(p);
        MatchPat *q = pp_quant(p);
        if (!q)
            return m;
        pat_add(p, m, q);
    }
}

static MatchPat *pp_alt(PP *p)
{
    MatchPat *first = pp_concat(p);
    skip_ws(p);
    if (*p->s != '|')
        return first;
    MatchPat *m = pat_new(p, MPAT_ALT);
    pat_add(p, m, first);
    while (*p->s == '|') {
        p->s++;
        pat_add(p, m, pp_concat(p));
        skip_ws(p);
    }
    return m;
}

/* ---- the harness ---------------------------------------------------------- */

typedef struct Harness {
    const char *rows; /* one letter per row */
    const char *any;  /* variables that match every row */
    char out[512];
    int first_as; /* variable (letter) whose define also requires
                           the row's letter to equal the match's first
                           row's letter (history-dependent); 0: none */
} Harness;

static int h_define(void *arg, const MatchView *v)
{
    Harness *h = arg;
    char var = (char)('A' + v->var);
    char row = h->rows[v->row];
    if (h->any && strchr(h->any, var))
        return 1;
    if (h->first_as == var) {
        const MatchNode *n = v->tail;
        for (uint32_t i = 1; n && i < v->len; i++)
            n = n->prev;
        char first = n ? h->rows[n->row] : row;
        return first == row;
    }
    return row == (char)tolower((unsigned char)var);
}

static int h_emit(void *arg, const MatchRun *run, const MatchResult *r)
{
    Harness *h = arg;
    (void)run;
    char buf[128];
    size_t n = 0;
    if (r->kind == MRES_UNMATCHED) {
        snprintf(buf, sizeof buf, "(%llu)", (unsigned long long)r->start);
    } else {
        n = (size_t)snprintf(buf, sizeof buf,
                             "[%llu:", (unsigned long long)r->start);
        for (uint32_t i = 0; i < r->len && n + 2 < sizeof buf; i++) {
            char c = (char)('A' + r->rows[i]->var);
            buf[n++] =
                r->rows[i]->is_excl ? (char)tolower((unsigned char)c) : c;
        }
        buf[n++] = ']';
        buf[n] = 0;
    }
    strncat(h->out, buf, sizeof h->out - strlen(h->out) - 1);
    return 0;
}

typedef struct Case {
    const char *pattern;
    const char *rows;
    const char *want;
    MatchSkip skip;
    char skip_var;
    bool unmatched;
    const char *any;
    int64_t within; /* ms; row i has time i * 10 */
    int first_as;
} Case;

/* Checkpoint the run before row `cut` (-1: never): snapshot it, drop the
 * engine and the run, and go on with a fresh engine restored from the
 * blob - the results must be those of an uninterrupted run. */
static MatchEngine *cut_over(MatchEngine *e, MatchRun *run,
                             const MatchEngineConf *conf)
{
    SnapWriter w;
    snap_writer_init(&w);
    match_run_snapshot(e, run, &w);
    size_t nodes = match_engine_nodes(e);
    match_run_fini(e, run);
    UNIT_EQ_INT(match_engine_nodes(e), 0);
    match_engine_free(e);
    e = match_engine_new(conf);
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    UNIT_CHECK(match_run_restore(e, run, &r));
    UNIT_CHECK(snap_reader_done(&r));
    /* shared nodes come back shared: as many as before */
    UNIT_EQ_INT(match_engine_nodes(e), nodes);
    snap_writer_fini(&w);
    return e;
}

static const char *run_case_cut(const Case *c, bool history_free, long cut);

/* Run one case; returns the result text (static buffer) or an error. */
static const char *run_case(const Case *c, bool history_free)
{
    return run_case_cut(c, history_free, -1);
}

static const char *run_case_cut(const Case *c, bool history_free, long cut)
{
    static char res[600];
    Arena a;
    arena_init(&a, 4096);
    PP p = {c->pattern, &a};
    MatchPat *pat = pp_alt(&p);
    const char *err;
    MatchNfa *nfa = match_nfa_build(&a, pat, 26, &err);
    if (!nfa) {
        snprintf(res, sizeof res, "build: %s", err);
        arena_fini(&a);
        return res;
    }
    static const char *names[26];
    static char letters[26][2];
    for (int i = 0; i < 26; i++) {
        letters[i][0] = (char)('A' + i);
        letters[i][1] = 0;
        names[i] = letters[i];
    }
    Harness h;
    memset(&h, 0, sizeof h);
    h.rows = c->rows;
    h.any = c->any;
    h.first_as = c->first_as;
    MatchEngineConf conf;
    memset(&conf, 0, sizeof conf);
    conf.nfa = nfa;
    conf.skip = c->skip;
    conf.skip_var = c->skip_var ? (uint16_t)(c->skip_var - 'A') : 0;
    conf.want_empty = true;
    conf.want_unmatched = c->unmatched;
    conf.is_history_free = history_free && !c->first_as;
    conf.within_ms = c->within ? c->within : -1;
    conf.var_names = names;
    conf.define = h_define;
    conf.emit = h_emit;
    conf.arg = &h;
    MatchEngine *e = match_engine_new(&conf);
    MatchRun run;
    match_run_init(&run);
    int rc = 0;
    size_t n = strlen(c->rows);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((long)i == cut)
            e = cut_over(e, &run, &conf);
        rc = match_run_row(e, &run, i, (int64_t)i * 10);
    }
    if (rc == 0 && (size_t)cut == n)
        e = cut_over(e, &run, &conf);
    if (rc == 0 && c->within)
        rc = match_run_expire(e, &run, (int64_t)n * 10 + c->within);
    if (rc == 0)
        rc = match_run_end(e, &run);
    if (rc < 0)
        snprintf(res, sizeof res, "%s error: %s", h.out,
                 match_engine_error(e) ? match_engine_error(e) : "?");
    else
        snprintf(res, sizeof res, "%s", h.out);
    UNIT_EQ_INT(match_run_pending(&run), rc < 0 ? match_run_pending(&run) : 0);
    match_run_fini(e, &run);
    UNIT_EQ_INT(match_engine_nodes(e), 0);
    match_engine_free(e);
    arena_fini(&a);
    return res;
}

static void run_cases(const Case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const Case *c = &cases[i];
        const char *got = run_case(c, true);
        if (strcmp(got, c->want) != 0)
            unit_fail(__FILE__, __LINE__,
                      "pattern %s on \"%s\": got \"%s\", want \"%s\"",
                      c->pattern, c->rows, got, c->want);
        /* without thread merging the answer must be the same */
        got = run_case(c, false);
        if (strcmp(got, c->want) != 0)
            unit_fail(__FILE__, __LINE__,
                      "pattern %s on \"%s\" (no merging): got \"%s\", want "
                      "\"%s\"",
                      c->pattern, c->rows, got, c->want);
        /* a checkpoint before any row, restored into a fresh engine, must
         * not change it either */
        for (long k = 0; k <= (long)strlen(c->rows); k++) {
            for (int hf = 0; hf < 2; hf++) {
                got = run_case_cut(c, hf != 0, k);
                if (strcmp(got, c->want) != 0)
                    unit_fail(__FILE__, __LINE__,
                              "pattern %s on \"%s\" restored before row "
                              "%ld: got \"%s\", want \"%s\"",
                              c->pattern, c->rows, k, got, c->want);
            }
        }
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void match_quantifiers(void)
{
    static const Case cases[] = {
        /* greedy and reluctant + */
        {"A+ B", "aaab", "[0:AAAB]", 0, 0, 0, 0, 0, 0},
        {"A+? B", "aaab", "[0:AAAB]", 0, 0, 0, 0, 0, 0},
        {"A+", "aaa", "[0:AAA]", 0, 0, 0, 0, 0, 0},
        {"A+?", "aaa", "[0:A][1:A][2:A]", 0, 0, 0, 0, 0, 0},
        /* * can be empty: an empty match where no a starts */
        {"A*", "bab", "[0:][1:A][2:]", 0, 0, 0, 0, 0, 0},
        {"A*?", "aa", "[0:][1:]", 0, 0, 0, 0, 0, 0},
        /* ? */
        {"A? B", "abb", "[0:AB][2:B]", 0, 0, 0, 0, 0, 0},
        {"A?? B", "ab", "[0:AB]", 0, 0, 0, 0, 0, 0},
        {"A? A", "aa", "[0:AA]", 0, 0, 0, 0, 0, 0},
        {"A?? A", "aa", "[0:A][1:A]", 0, 0, 0, 0, 0, 0},
        /* {n} {n,} {,m} {n,m} */
        {"A{2}", "aaaaa", "[0:AA][2:AA]", 0, 0, 0, 0, 0, 0},
        {"A{2,}", "aaaaab", "[0:AAAAA]", 0, 0, 0, 0, 0, 0},
        {"A{2,}?", "aaaaa", "[0:AA][2:AA]", 0, 0, 0, 0, 0, 0},
        {"A{,2} B", "aaab", "[1:AAB]", 0, 0, 0, 0, 0, 0},
        {"A{2,3}", "aaaaa", "[0:AAA][3:AA]", 0, 0, 0, 0, 0, 0},
        {"A{2,3}?", "aaaaa", "[0:AA][2:AA]", 0, 0, 0, 0, 0, 0},
        {"A{0}", "a", "[0:]", 0, 0, 0, 0, 0, 0},
        /* greedy backtracking: A* gives a row back to the final A */
        {"A* A B", "aaab", "[0:AAAB]", 0, 0, 0, 0, 0, 0},
        {"(A | B)* C", "abac", "[0:ABAC]", 0, 0, 0, 0, 0, 0},
        /* a group quantified */
        {"(A B)+", "ababa", "[0:ABAB]", 0, 0, 0, 0, 0, 0},
        {"(A B)+?", "abab", "[0:AB][2:AB]", 0, 0, 0, 0, 0, 0},
        /* empty loop body ends */
        {"(A?)* B", "aab", "[0:AAB]", 0, 0, 0, 0, 0, 0},
    };
    run_cases(cases, N(cases));
}

static void match_alternation(void)
{
    static const Case cases[] = {
        /* the leftmost alternative is preferred, even if shorter */
        {"(A | A B)", "ab", "[0:A]", 0, 0, 0, 0, 0, 0},
        {"(A B | A)", "ab", "[0:AB]", 0, 0, 0, 0, 0, 0},
        /* an alternative that fails later falls back to the next one */
        {"(A B | A C)", "ac", "[0:AC]", 0, 0, 0, 0, 0, 0},
        /* undefined variable X matches any row: first alternative wins */
        {"(X | A)", "a", "[0:X]", 0, 0, 0, "X", 0, 0},
        {"(A | X)", "a", "[0:A]", 0, 0, 0, "X", 0, 0},
        /* PERMUTE: every order, lexicographic preference */
        {"P(A, B)", "ba", "[0:BA]", 0, 0, 0, 0, 0, 0},
        {"P(A, B, C)", "cab", "[0:CAB]", 0, 0, 0, 0, 0, 0},
        {"P(A, X)", "aa", "[0:AX]", 0, 0, 0, "X", 0, 0},
        {"P(X, A)", "aa", "[0:XA]", 0, 0, 0, "X", 0, 0},
    };
    run_cases(cases, N(cases));
}

static void match_skip(void)
{
    static const Case cases[] = {
        {"A+ B", "aab", "[0:AAB]", MSKIP_PAST_LAST_ROW, 0, 0, 0, 0, 0},
        {"A+ B", "aab", "[0:AAB][1:AB]", MSKIP_TO_NEXT_ROW, 0, 0, 0, 0, 0},
        {"A+ B+", "aabb", "[0:AABB][1:ABB]", MSKIP_TO_NEXT_ROW, 0, 0, 0, 0, 0},
        /* TO LAST A: the second match starts at its own last A, which is
         * its first row: an error after it is reported */
        {"A+ B", "aab",
         "[0:AAB][1:AB] error: cannot skip to pattern variable \"A\": it is "
         "the first row of the match, so the next match would start at the "
         "same row",
         MSKIP_TO_LAST, 'A', 0, 0, 0, 0},
        {"A B+", "abbab", "[0:ABB][3:AB]", MSKIP_TO_LAST, 'B', 0, 0, 0, 0},
        {"A B+ C", "abbcbc", "[0:ABBC]", MSKIP_TO_FIRST, 'B', 0, 0, 0, 0},
        {"A B C", "abcabc", "[0:ABC][3:ABC]", MSKIP_TO_LAST, 'C', 0, 0, 0, 0},
        /* skipping to the first row of the match would loop: an error */
        {"A+ B", "aab",
         "[0:AAB] error: cannot skip to pattern variable \"A\": it is the "
         "first row of the match, so the next match would start at the "
         "same row",
         MSKIP_TO_FIRST, 'A', 0, 0, 0, 0},
        /* no row mapped to the variable: an error */
        {"A B? C", "ac",
         "[0:AC] error: cannot skip to pattern variable \"B\": no row of the "
         "match is mapped to it",
         MSKIP_TO_LAST, 'B', 0, 0, 0, 0},
    };
    run_cases(cases, N(cases));
}

static void match_rows(void)
{
    static const Case cases[] = {
        /* WITH UNMATCHED ROWS: rows in no match, in row order */
        {"A B", "cabc", "(0)[1:AB](3)", 0, 0, true, 0, 0, 0},
        {"A B", "aab", "(0)[1:AB]", 0, 0, true, 0, 0, 0},
        /* rows of an earlier match are not unmatched (TO NEXT ROW) */
        {"A B+", "abbx", "[0:ABB](3)", MSKIP_TO_NEXT_ROW, 0, true, 0, 0, 0},
        /* exclusion marks rows */
        {"A {- B+ -} C", "abbc", "[0:AbbC]", 0, 0, 0, 0, 0, 0},
        /* anchors */
        {"^ A", "aa", "[0:A]", 0, 0, 0, 0, 0, 0},
        {"A $", "aa", "[1:A]", 0, 0, 0, 0, 0, 0},
        {"A+ $", "aab", "", 0, 0, 0, 0, 0, 0},
        /* empty match then the row */
        {"A?", "ba", "[0:][1:A]", 0, 0, 0, 0, 0, 0},
    };
    run_cases(cases, N(cases));
}

static void match_within(void)
{
    static const Case cases[] = {
        /* rows every 10 ms; a match must end before start + within */
        {"A+ B", "aaaab", "[2:AAB]", 0, 0, 0, 0, 25, 0},
        {"A B", "ab", "[0:AB]", 0, 0, 0, 0, 11, 0},
        {"A B", "ab", "", 0, 0, 0, 0, 10, 0},
        /* greedy at the end: the window closing makes the match final */
        {"A B+", "abbbb", "[0:ABB]", 0, 0, 0, 0, 30, 0},
        /* absence: A not followed by B within the window */
        {"A X* $", "axx", "[0:AXX]", 0, 0, 0, 0, 50, 0},
        {"A X* $", "axb", "", 0, 0, 0, 0, 50, 0},
        {"A X* $", "axxxxxxb", "[0:AXXXX]", 0, 0, 0, 0, 50, 0},
    };
    run_cases(cases, N(cases));
}

static void match_history(void)
{
    /* Z's condition depends on the match's first row: no thread merging,
     * and backtracking must still find the preferred match. */
    static const Case cases[] = {
        {"X Z+", "abaab", "[2:XZ]", 0, 0, 0, "X", 0, 'Z'},
        {"X Y* Z", "abbab", "[0:XYYZ]", 0, 0, 0, "XY", 0, 'Z'},
    };
    run_cases(cases, N(cases));
}

/* Memory: A+ B over a long run of rows that keep almost matching (runs
 * of a broken by c) holds a bounded number of nodes. */
static void match_bounded(void)
{
    Arena a;
    arena_init(&a, 4096);
    PP p = {"A+ B", &a};
    const char *err;
    MatchNfa *nfa = match_nfa_build(&a, pp_alt(&p), 26, &err);
    UNIT_REQUIRE(nfa != NULL);
    static char rows[200001];
    for (int i = 0; i < 200000; i++)
        rows[i] = (i % 50 == 49) ? 'c' : 'a';
    rows[200000] = 0;
    Harness h;
    memset(&h, 0, sizeof h);
    h.rows = rows;
    MatchEngineConf conf;
    memset(&conf, 0, sizeof conf);
    conf.nfa = nfa;
    conf.within_ms = -1;
    conf.is_history_free = true;
    conf.define = h_define;
    conf.emit = h_emit;
    conf.arg = &h;
    MatchEngine *e = match_engine_new(&conf);
    MatchRun run;
    match_run_init(&run);
    for (uint64_t i = 0; i < 200000; i++)
        UNIT_REQUIRE(match_run_row(e, &run, i, (int64_t)i) == 0);
    /* later starts share the nodes of earlier ones: about one node per
     * row of the current run */
    UNIT_CHECK(match_engine_peak_nodes(e) < 200);
    UNIT_EQ_STR(h.out, "");
    match_run_fini(e, &run);
    match_engine_free(e);
    arena_fini(&a);
}

/* A truncated or damaged snapshot is refused (or, when a flipped byte
 * still reads as a valid run, restored) without crashing or leaking
 * nodes. */
static void match_snapshot_malformed(void)
{
    Arena a;
    arena_init(&a, 4096);
    PP p = {"A+ (B | C)* D", &a};
    const char *err;
    MatchNfa *nfa = match_nfa_build(&a, pp_alt(&p), 26, &err);
    UNIT_REQUIRE(nfa != NULL);
    Harness h;
    memset(&h, 0, sizeof h);
    h.rows = "aaabcbcb";
    MatchEngineConf conf;
    memset(&conf, 0, sizeof conf);
    conf.nfa = nfa;
    conf.skip = MSKIP_TO_NEXT_ROW;
    conf.within_ms = -1;
    conf.define = h_define;
    conf.emit = h_emit;
    conf.arg = &h;
    MatchEngine *e = match_engine_new(&conf);
    MatchRun run;
    match_run_init(&run);
    for (uint64_t i = 0; i < 8; i++)
        UNIT_REQUIRE(match_run_row(e, &run, i, (int64_t)i) == 0);
    UNIT_CHECK(match_run_pending(&run) > 1);
    SnapWriter w;
    snap_writer_init(&w);
    match_run_snapshot(e, &run, &w);
    match_run_fini(e, &run);
    for (size_t cut = 0; cut < w.len; cut++) {
        SnapReader r;
        snap_reader_init(&r, w.buf, cut);
        MatchRun back;
        bool ok = match_run_restore(e, &back, &r);
        UNIT_CHECK(!ok || !snap_reader_done(&r) || cut == w.len);
        if (ok)
            match_run_fini(e, &back);
        UNIT_EQ_INT(match_engine_nodes(e), 0);
    }
    uint8_t *copy = xmalloc(w.len);
    for (size_t i = 0; i < w.len; i++) {
        memcpy(copy, w.buf, w.len);
        copy[i] ^= 0xA5;
        SnapReader r;
        snap_reader_init(&r, copy, w.len);
        MatchRun back;
        if (match_run_restore(e, &back, &r))
            match_run_fini(e, &back);
        UNIT_EQ_INT(match_engine_nodes(e), 0);
    }
    xfree(copy);
    snap_writer_fini(&w);
    match_engine_free(e);
    arena_fini(&a);
}

static void match_too_big(void)
{
    Arena a;
    arena_init(&a, 4096);
    PP p = {"(A{100} B{100}){100}", &a};
    const char *err;
    MatchNfa *nfa = match_nfa_build(&a, pp_alt(&p), 26, &err);
    UNIT_CHECK(nfa == NULL);
    UNIT_CHECK(err != NULL);
    arena_fini(&a);
}

static const UnitTest match_tests[] = {
    {"match_quantifiers", match_quantifiers},
    {"match_alternation", match_alternation},
    {"match_skip", match_skip},
    {"match_rows", match_rows},
    {"match_within", match_within},
    {"match_history", match_history},
    {"match_bounded", match_bounded},
    {"match_too_big", match_too_big},
    {"match_snapshot_malformed", match_snapshot_malformed},
    {NULL, NULL},
};

UNIT_REGISTER(match_tests)
