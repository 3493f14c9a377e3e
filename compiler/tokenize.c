/*
 * tokenize.c - the push loop between the re2c scanner and the lemon parser.
 *
 * Pipeline position: first phase of compile_source().  lex_scan()
 * (grammar/lexer.re) cuts the text into raw tokens; this file drops white
 * space and comments, turns words into keywords (one sorted table),
 * resolves the context keywords (DATE/TIME/TIMESTAMP/INTERVAL are keywords
 * only before a literal string, POSITION only before '(', FINAL/RUNNING
 * only before a function call; otherwise they are identifiers), and feeds
 * the tokens to the parser one statement at a time.
 *
 * Each statement is parsed as a whole input: after its top-level ';' the
 * driver feeds end-of-input, so the statement is appended to cc->stmts
 * (by the grammar's ast_stmt_add) before the next one starts.  A statement
 * with any error is dropped.  After a syntax or lexical error the parser
 * is reset and tokens are skipped up to the next top-level ';' (for a
 * statement set: up to the ';' after its END), so one run reports errors
 * in several statements.  Hint comments go to the parser only where the
 * grammar has a place for them (after SELECT, after a table name);
 * elsewhere they are ordinary comments.
 *
 * Invariant: cc->src[cc->src_len] is NUL (the scanner's sentinel).
 */
#include "runtime/fsql.h"
#include "compiler/tokenize.h"
#include "compiler/ast.h"
#include "compiler/diag.h"
#include "compiler/spell.h"
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The lemon parser (build/gen/parse.c). */
void *fsqlParseAlloc(void *(*alloc)(size_t), CompileCtx *cc);
void fsqlParseFree(void *p, void (*release)(void *));
void fsqlParseInit(void *p, CompileCtx *cc);
void fsqlParseFinalize(void *p);
void fsqlParse(void *p, int major, Token minor);
int fsqlParseAccepts(void *p, int tk, int no_fallback);
int fsqlParseStack(void *p, uint32_t *out, int max);
int fsqlParseAcceptsFrom(const uint32_t *stk, int n, int tk, int no_fallback);
int fsqlParseTokenCount(void);

/* ---- keywords ------------------------------------------------------------ */

/* Every keyword of the grammar, sorted (binary search). */
#define KEYWORDS(X)                                                                            \
    X(ADD)                                                                                     \
    X(AFTER) X(ALL) X(AND) X(ARRAY) X(AS) X(ASC) X(ASYMMETRIC) X(AT) X(BEGIN) X(               \
        BETWEEN) X(BOTH) X(BY) X(CASE) X(CATALOG) X(CATALOGS) X(COMMENT)                       \
        X(CONSTRAINT) X(CREATE) X(CROSS) X(CURRENT) X(DATABASE) X(DATABASES) X(                \
            DATE) X(DEFINE) X(DESC) X(DESCRIBE) X(DISTINCT) X(DROP) X(ELSE)                    \
            X(EMPTY) X(END) X(ENFORCED) X(ESCAPE) X(EXCEPT) X(EXECUTE) X(                      \
                EXISTS) X(EXPLAIN) X(EXTENDED) X(FALSE) X(FETCH) X(FILTER) X(FINAL)            \
                X(FIRST) X(FOLLOWING) X(FOR) X(FROM) X(FULL) X(FUNCTION) X(FUNCTIONS) X(       \
                    GROUP) X(HAVING) X(IF) X(IGNORE) X(IN) X(INNER) X(INSERT)                  \
                    X(INTERSECT) X(INTERVAL) X(INTO) X(IS) X(JOBS) X(JOIN) X(                  \
                        KEY) X(LANGUAGE) X(LAST) X(LATERAL) X(LEADING) X(LEFT) X(LIKE)         \
                        X(LIMIT) X(LOCAL) X(MAP) X(MATCH) X(MATCHES) X(                        \
                            MATCH_RECOGNIZE) X(MEASURES) X(METADATA)                           \
                            X(NATURAL) X(NEXT) X(NOT) X(NULL) X(                               \
                                NULLS) X(OF) X(OFFSET) X(OMIT) X(ON) X(ONE) X(ONLY)            \
                                X(OR) X(ORDER) X(ORDINALITY) X(OUTER) X(OVER) X(               \
                                    OVERWRITE) X(PARTITION) X(PARTITIONED) X(PAST)             \
                                    X(PATTERN) X(PER) X(PERMUTE) X(PLAN) X(POSITION) X(        \
                                        PRECEDING) X(PRIMARY)                                  \
                                        X(RANGE) X(RESET) X(RESPECT) X(RIGHT) X(               \
                                            ROW) X(ROWS) X(RUNNING) X(SELECT)                  \
                                            X(SET) X(SHOW) X(SIMILAR) X(SKIP) X(               \
                                                STATEMENT) X(SUBSET) X(SYMMETRIC)              \
                                                X(SYSTEM) X(SYSTEM_TIME) X(TABLE) X(TABLES) X( \
                                                    TEMPORARY) X(THEN) X(TIME) X(TIMESTAMP)    \
                                                    X(TO) X(TRAILING) X(TRUE) X(               \
                                                        UNBOUNDED) X(UNION) X(UNKNOWN)         \
                                                        X(UNMATCHED) X(UNNEST) X(              \
                                                            USE) X(USING)                      \
                                                            X(VALUES) X(VIEW) X(               \
                                                                VIEWS) X(VIRTUAL)              \
                                                                X(WATERMARK) X(                \
                                                                    WHEN) X(WHERE)             \
                                                                    X(WINDOW) X(               \
                                                                        WITH) X(WITHIN)        \
                                                                        X(WITHOUT)             \
                                                                            X(ZONE)

typedef struct Keyword {
    const char *name;
    int tk;
} Keyword;

static const Keyword keywords[] = {
#define X(k) {#k, TK_##k},
    KEYWORDS(X)
#undef X
};

/* Tokens that are not keywords: parser name and display text. */
static const struct {
    int tk;
    const char *name;
    const char *display;
} others[] = {
    {TK_ID, "ID", "identifier"},
    {TK_STRING, "STRING", "string literal"},
    {TK_XSTRING, "XSTRING", "binary string literal"},
    {TK_INTEGER, "INTEGER", "integer"},
    {TK_DECIMAL, "DECIMAL", "number"},
    {TK_FLOAT, "FLOAT", "number"},
    {TK_HINT, "HINT", "hint comment"},
    {TK_SEMI, "SEMI", "';'"},
    {TK_COMMA, "COMMA", "','"},
    {TK_DOT, "DOT", "'.'"},
    {TK_LP, "LP", "'('"},
    {TK_RP, "RP", "')'"},
    {TK_LBRACKET, "LBRACKET", "'['"},
    {TK_RBRACKET, "RBRACKET", "']'"},
    {TK_LBRACE, "LBRACE", "'{'"},
    {TK_RBRACE, "RBRACE", "'}'"},
    {TK_LBRACE_MINUS, "LBRACE_MINUS", "'{-'"},
    {TK_MINUS_RBRACE, "MINUS_RBRACE", "'-}'"},
    {TK_PLUS, "PLUS", "'+'"},
    {TK_MINUS, "MINUS", "'-'"},
    {TK_STAR, "STAR", "'*'"},
    {TK_SLASH, "SLASH", "'/'"},
    {TK_PERCENT, "PERCENT", "'%'"},
    {TK_CONCAT, "CONCAT", "'||'"},
    {TK_EQ, "EQ", "'='"},
    {TK_NE, "NE", "'<>'"},
    {TK_LT, "LT", "'<'"},
    {TK_LE, "LE", "'<='"},
    {TK_GT, "GT", "'>'"},
    {TK_GE, "GE", "'>='"},
    {TK_ARROW, "ARROW", "'=>'"},
    {TK_DCOLON, "DCOLON", "'::'"},
    {TK_COLON, "COLON", "':'"},
    {TK_QUESTION, "QUESTION", "'?'"},
    {TK_BAR, "BAR", "'|'"},
    {TK_CARET, "CARET", "'^'"},
    {TK_DOLLAR, "DOLLAR", "'$'"},
};

static int keyword_find(const char *z, size_t n)
{
    char up[32];
    if (n == 0 || n >= sizeof(up))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        up[i] = c;
    }
    up[n] = 0;
    size_t lo = 0, hi = FSQL_ARRAY_LEN(keywords);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(up, keywords[mid].name);
        if (c == 0)
            return keywords[mid].tk;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

static const char *keyword_name(int tk)
{
    for (size_t i = 0; i < FSQL_ARRAY_LEN(keywords); i++)
        if (keywords[i].tk == tk)
            return keywords[i].name;
    return NULL;
}

/* Parser name of a token code ("SELECT", "ID", "LP"). */
static const char *token_kind(int tk)
{
    const char *k = keyword_name(tk);
    if (k)
        return k;
    for (size_t i = 0; i < FSQL_ARRAY_LEN(others); i++)
        if (others[i].tk == tk)
            return others[i].name;
    return "?";
}

const char *tokenize_token_name(int tk)
{
    const char *k = keyword_name(tk);
    if (k)
        return k;
    for (size_t i = 0; i < FSQL_ARRAY_LEN(others); i++)
        if (others[i].tk == tk)
            return others[i].display;
    return NULL;
}

/* ---- token stream ---------------------------------------------------------- */

typedef struct TokStream {
    CompileCtx *cc;
    size_t pos; /* next byte to scan */
} TokStream;

/* Next token at or after pos that is not white space or a comment; lexical
 * problems come back as LEX_ codes.  Words are looked up as keywords but
 * context keywords are not resolved. */
static int scan_raw(CompileCtx *cc, size_t *pos, Token *t)
{
    for (;;) {
        size_t end;
        int tk = lex_scan(cc->src, cc->src_len, *pos, &end);
        t->z = cc->src + *pos;
        t->n = (uint32_t)(end - *pos);
        t->at.off = (uint32_t)*pos;
        t->at.len = t->n;
        *pos = end;
        if (tk == LEX_SPACE || tk == LEX_COMMENT)
            continue;
        if (tk == TK_ID && t->z[0] != '`') {
            int kw = keyword_find(t->z, t->n);
            if (kw)
                tk = kw;
        }
        return tk;
    }
}

static bool is_word(int tk)
{
    return tk == TK_ID || keyword_name(tk) != NULL;
}

static int stream_next(TokStream *ts, Token *t)
{
    int tk = scan_raw(ts->cc, &ts->pos, t);
    switch (tk) {
    case TK_DATE:
    case TK_TIME:
    case TK_TIMESTAMP:
    case TK_INTERVAL:
    case TK_POSITION:
    case TK_FINAL:
    case TK_RUNNING: {
        size_t p = ts->pos;
        Token u;
        int next = scan_raw(ts->cc, &p, &u);
        bool keep;
        if (tk == TK_POSITION) {
            keep = next == TK_LP;
        } else if (tk == TK_FINAL || tk == TK_RUNNING) {
            keep = is_word(next) && scan_raw(ts->cc, &p, &u) == TK_LP;
        } else if (tk == TK_INTERVAL && (next == TK_MINUS || next == TK_PLUS)) {
            keep = scan_raw(ts->cc, &p, &u) == TK_STRING;
        } else {
            keep = next == TK_STRING;
        }
        if (!keep)
            tk = TK_ID;
        break;
    }
    default:
        break;
    }
    return tk;
}

/* ---- diagnostics ----------------------------------------------------------- */

static void report_lex_error(CompileCtx *cc, int tk, Token t)
{
    SrcSpan at = t.at;
    switch (tk) {
    case LEX_ILLEGAL: {
        unsigned char c = (unsigned char)t.z[0];
        if (c == '"') {
            diag_error(cc, DIAG_E_LEX, at, "unexpected character '\"'");
            diag_hint(cc, "Quote identifiers with back quotes (`name`) and "
                          "strings with single quotes ('text').");
        } else if (c < 0x20 || c == 0x7f) {
            diag_error(cc, DIAG_E_LEX, at,
                       "unexpected control character 0x%02x", c);
        } else {
            diag_error(cc, DIAG_E_LEX, at, "unexpected character '%.*s'",
                       (int)t.n, t.z);
            if (c >= 0x80)
                diag_hint(cc, "Full-width punctuation is not SQL; use the "
                              "ASCII character instead.");
        }
        break;
    }
    case LEX_DQ_IDENT:
        diag_error(cc, DIAG_E_LEX, at,
                   "double quotes do not delimit identifiers or strings");
        diag_hint(cc,
                  "Write `%.*s` for an identifier or '%.*s' for a "
                  "string.",
                  (int)(t.n - 2), t.z + 1, (int)(t.n - 2), t.z + 1);
        break;
    case LEX_UNTERM_STRING:
        at.len = 1;
        diag_error(cc, DIAG_E_UNTERMINATED, at, "unterminated string literal");
        diag_hint(cc, "Close the string with a single quote; write '' for a "
                      "quote inside it.");
        break;
    case LEX_UNTERM_IDENT:
        at.len = 1;
        diag_error(cc, DIAG_E_UNTERMINATED, at,
                   "unterminated quoted identifier");
        diag_hint(cc, "Close the identifier with a back quote; write `` for "
                      "a back quote inside it.");
        break;
    case LEX_UNTERM_COMMENT:
        at.len = 2;
        diag_error(cc, DIAG_E_UNTERMINATED, at, "unterminated comment");
        diag_hint(cc, "Close the comment with */.");
        break;
    default:
        break;
    }
}

/* Tokens that can start an expression: listed as one "expression" entry. */
static bool starts_expr(int tk)
{
    switch (tk) {
    case TK_ID:
    case TK_STRING:
    case TK_XSTRING:
    case TK_INTEGER:
    case TK_DECIMAL:
    case TK_FLOAT:
    case TK_LP:
    case TK_MINUS:
    case TK_PLUS:
    case TK_NOT:
    case TK_CASE:
    case TK_EXISTS:
    case TK_DATE:
    case TK_TIME:
    case TK_TIMESTAMP:
    case TK_INTERVAL:
    case TK_ROW:
    case TK_ARRAY:
    case TK_MAP:
    case TK_POSITION:
    case TK_FINAL:
    case TK_RUNNING:
    case TK_LEFT:
    case TK_RIGHT:
    case TK_TRUE:
    case TK_FALSE:
    case TK_NULL:
        return true;
    default:
        return false;
    }
}

/* Binary operators: listed as one "operator" entry. */
static bool is_operator(int tk)
{
    switch (tk) {
    case TK_PLUS:
    case TK_MINUS:
    case TK_STAR:
    case TK_SLASH:
    case TK_PERCENT:
    case TK_CONCAT:
    case TK_EQ:
    case TK_NE:
    case TK_LT:
    case TK_LE:
    case TK_GT:
    case TK_GE:
    case TK_AND:
    case TK_OR:
    case TK_IS:
    case TK_IN:
    case TK_LIKE:
    case TK_BETWEEN:
    case TK_NOT:
    case TK_SIMILAR:
    case TK_LBRACKET:
    case TK_DOT:
        return true;
    default:
        return false;
    }
}

/* Build "expected one of" text for the parser's current state. */
static void expected_list(ParseState *ps, StrBuf *sb)
{
    int ntok = fsqlParseTokenCount();
    bool ok[512];
    if (ntok > (int)FSQL_ARRAY_LEN(ok))
        ntok = (int)FSQL_ARRAY_LEN(ok);
    for (int t = 1; t < ntok; t++)
        ok[t] = t != TK_HINT && tokenize_token_name(t) != NULL &&
                (ps->snap_n ? fsqlParseAcceptsFrom(ps->snap, ps->snap_n, t, 1)
                            : fsqlParseAccepts(ps->parser, t, 1));
    bool want_expr = ok[TK_ID] && ok[TK_INTEGER] && ok[TK_LP];
    bool want_op = ok[TK_PLUS] && ok[TK_EQ];
    const char *items[16];
    int n = 0;
    int more = 0;
    /* closers and separators first, then keywords, then the summaries */
    static const int first[] = {TK_RP,   TK_COMMA, TK_SEMI,  TK_ID,
                                TK_FROM, TK_WHERE, TK_AS,    TK_ON,
                                TK_THEN, TK_END,   TK_GROUP, TK_ORDER};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(first); i++) {
        int t = first[i];
        if (t < ntok && ok[t] && !(want_expr && starts_expr(t)) && n < 8) {
            items[n++] = tokenize_token_name(t);
            ok[t] = false;
        }
    }
    for (int t = 1; t < ntok; t++) {
        if (!ok[t] || (want_expr && starts_expr(t)) ||
            (want_op && is_operator(t)))
            continue;
        if (n >= 8) {
            more++;
            continue;
        }
        items[n++] = tokenize_token_name(t);
    }
    if (want_expr && n < 10)
        items[n++] = "an expression";
    if (want_op && n < 10)
        items[n++] = "an operator";
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_puts(sb, ", ");
        strbuf_puts(sb, items[i]);
    }
    if (more)
        strbuf_printf(sb, " (and %d more)", more);
}

/* The keyword accepted from parser state stack stk[0..n) that the plain
 * word w is a misspelling of ("SELCT" -> SELECT), or NULL. */
static const char *keyword_near(const uint32_t *stk, int n, Token w)
{
    if (n == 0 || w.n < 3 || w.z[0] == '`')
        return NULL;
    const char *cands[FSQL_ARRAY_LEN(keywords)];
    size_t n_cands = 0;
    for (size_t i = 0; i < FSQL_ARRAY_LEN(keywords); i++)
        if (fsqlParseAcceptsFrom(stk, n, keywords[i].tk, 1))
            cands[n_cands++] = keywords[i].name;
    const char *k = spell_suggest_n(w.z, w.n, cands, n_cands);
    /* only a real misspelling, not spell_suggest's prefix rule */
    size_t limit = w.n / 3 > 1 ? w.n / 3 : 1;
    if (k && spell_distance(w.z, w.n, k, strlen(k)) > limit)
        k = NULL;
    /* a plural of a keyword is a name ("orders", "tables") */
    if (k && strlen(k) + 1 == w.n && (w.z[w.n - 1] | 0x20) == 's' &&
        strncasecmp(w.z, k, strlen(k)) == 0)
        k = NULL;
    return k;
}

/* Hints for a syntax error at tok (major): a misspelled keyword (the
 * token itself, or the word before it that was taken as a name) and
 * unbalanced parentheses. */
static void syntax_hints(CompileCtx *cc, ParseState *ps, int major, Token tok)
{
    const char *k = NULL;
    if (ps->prev_tk == TK_ID)
        k = keyword_near(ps->prev_snap, ps->prev_snap_n, ps->prev_tok);
    if (k) {
        diag_hint(cc, "\"%.*s\" was read as a name; did you mean %s?",
                  (int)ps->prev_tok.n, ps->prev_tok.z, k);
    } else if (major == TK_ID &&
               (k = keyword_near(ps->snap, ps->snap_n, tok)) != NULL) {
        diag_hint(cc, "Did you mean %s?", k);
    }
    if (major == TK_RP && ps->n_parens == 0) {
        diag_hint(cc, "This ')' has no matching '('.");
    } else if (ps->n_parens > 0 && (major == TK_SEMI || major == 0) &&
               ps->n_parens <= (int)FSQL_ARRAY_LEN(ps->parens)) {
        SrcSpan at = {ps->parens[ps->n_parens - 1], 1};
        diag_note(cc, at, "this '(' is not closed");
    }
}

void tokenize_syntax_error(CompileCtx *cc, int major, Token tok)
{
    ParseState *ps = cc->ps;
    if (ps->has_error)
        return;
    ps->has_error = true;
    if (ps->at_eof || major == 0) {
        SrcSpan at = {(uint32_t)cc->src_len, 0};
        diag_error(cc, DIAG_E_SYNTAX, at, "syntax error at end of input");
    } else if (tok.n > 40) {
        diag_error(cc, DIAG_E_SYNTAX, tok.at,
                   "syntax error at or near \"%.*s...\"", 37, tok.z);
    } else {
        diag_error(cc, DIAG_E_SYNTAX, tok.at,
                   "syntax error at or near \"%.*s\"", (int)tok.n, tok.z);
    }
    StrBuf sb;
    strbuf_init(&sb);
    expected_list(ps, &sb);
    if (sb.len)
        diag_detail(cc, "Expected one of: %s.", strbuf_cstr(&sb));
    strbuf_fini(&sb);
    syntax_hints(cc, ps, ps->at_eof ? 0 : major, tok);
}

void tokenize_stack_overflow(CompileCtx *cc)
{
    ParseState *ps = cc->ps;
    if (ps->has_error)
        return;
    ps->has_error = true;
    diag_error(cc, DIAG_E_SYNTAX, ps->cur_tok.at,
               "statement nested too deeply");
    diag_hint(cc, "Split the expression or the query into views.");
}

/* ---- the driver ----------------------------------------------------------- */

static void *parser_alloc(size_t n)
{
    return xmalloc(n);
}

static void parser_reset(ParseState *ps, CompileCtx *cc)
{
    fsqlParseFinalize(ps->parser);
    fsqlParseInit(ps->parser, cc);
    ps->has_error = false;
    ps->at_eof = false;
    ps->last_end = 0;
    ps->snap_n = 0;
    ps->cur_tk = ps->prev_tk = 0;
    ps->n_parens = 0;
}

static void feed(ParseState *ps, int tk, Token t)
{
    if (ps->cur_tk != 0) {
        ps->prev_tok = ps->cur_tok;
        ps->prev_tk = ps->cur_tk;
        ps->prev_snap_n = ps->snap_n;
        memcpy(ps->prev_snap, ps->snap, (size_t)ps->snap_n * sizeof(uint32_t));
    }
    ps->cur_tok = t;
    ps->cur_tk = tk;
    ps->snap_n =
        fsqlParseStack(ps->parser, ps->snap, (int)FSQL_ARRAY_LEN(ps->snap));
    fsqlParse(ps->parser, tk, t);
    if (tk != 0)
        ps->last_end = t.at.off + t.at.len;
    if (tk == TK_LP) {
        if (ps->n_parens < (int)FSQL_ARRAY_LEN(ps->parens))
            ps->parens[ps->n_parens] = t.at.off;
        ps->n_parens++;
    } else if (tk == TK_RP && ps->n_parens > 0) {
        ps->n_parens--;
    }
}

void tokenize_parse(CompileCtx *cc)
{
    ParseState ps;
    memset(&ps, 0, sizeof(ps));
    ParseState *saved = cc->ps;
    cc->ps = &ps;
    ps.parser = fsqlParseAlloc(parser_alloc, cc);

    TokStream ts = {cc, 0};
    bool in_stmt = false;  /* tokens of the current statement were fed */
    bool is_set = false;   /* it is a statement set (ends after END ;) */
    bool seen_end = false; /* statement set: END was fed */
    bool skipping = false; /* after an error: skip to the next ';' */
    uint32_t err0 = cc->diags.n_errors;
    uint32_t stmt0 = cc->n_stmts;
    Token t;
    Token end_tok;
    end_tok.z = cc->src + cc->src_len;
    end_tok.n = 0;
    end_tok.at.off = (uint32_t)cc->src_len;
    end_tok.at.len = 0;

    for (;;) {
        if (cc->diags.stopped)
            break;
        int tk = stream_next(&ts, &t);
        if (tk == LEX_EOF)
            break;
        if (tk < 0) {
            if (!skipping)
                report_lex_error(cc, tk, t);
            if (tk != LEX_ILLEGAL && tk != LEX_DQ_IDENT) {
                /* ran to the end of the text: nothing more to parse */
                in_stmt = false;
                skipping = true;
                break;
            }
            if (!skipping) {
                parser_reset(&ps, cc);
                skipping = true;
            }
            continue;
        }
        if (skipping) {
            if (is_set && tk == TK_END)
                seen_end = true;
            if (tk == TK_SEMI && (!is_set || seen_end)) {
                skipping = false;
                in_stmt = false;
                is_set = seen_end = false;
                err0 = cc->diags.n_errors;
                stmt0 = cc->n_stmts;
            }
            continue;
        }
        if (tk == TK_HINT && !fsqlParseAccepts(ps.parser, TK_HINT, 1))
            continue; /* a hint where none can go: an ordinary comment */
        if (!in_stmt) {
            in_stmt = true;
            err0 = cc->diags.n_errors;
            stmt0 = cc->n_stmts;
            is_set = seen_end = false;
            if (tk == TK_BEGIN || tk == TK_EXECUTE || tk == TK_EXPLAIN) {
                size_t p = ts.pos;
                Token u;
                int n1 = scan_raw(cc, &p, &u);
                int n2 = scan_raw(cc, &p, &u);
                is_set = (n1 == TK_STATEMENT && n2 == TK_SET);
            }
        }
        if (is_set && tk == TK_END)
            seen_end = true;
        feed(&ps, tk, t);
        if (ps.has_error) {
            parser_reset(&ps, cc);
            if (tk == TK_SEMI && (!is_set || seen_end)) {
                in_stmt = false;
            } else {
                skipping = true;
            }
            continue;
        }
        if (tk == TK_SEMI && (!is_set || seen_end)) {
            /* end of the statement: finish this parse */
            ps.at_eof = true;
            feed(&ps, 0, end_tok);
            if (cc->diags.n_errors > err0)
                cc->n_stmts = stmt0; /* drop a statement with errors */
            parser_reset(&ps, cc);
            in_stmt = false;
            is_set = seen_end = false;
        }
    }
    if (in_stmt && !skipping && !cc->diags.stopped) {
        /* the last statement may omit its ';' */
        ps.at_eof = true;
        Token semi = end_tok;
        feed(&ps, TK_SEMI, semi);
        if (!ps.has_error)
            feed(&ps, 0, end_tok);
        if (cc->diags.n_errors > err0)
            cc->n_stmts = stmt0;
    }
    fsqlParseFree(ps.parser, xfree);
    cc->ps = saved;
}

/* ---- token dump ----------------------------------------------------------- */

void tokenize_dump(CompileCtx *cc, StrBuf *out)
{
    TokStream ts = {cc, 0};
    uint32_t line = 1, col = 1;
    size_t lpos = 0; /* offset up to which line/col are computed */
    Token t;
    for (;;) {
        int tk = stream_next(&ts, &t);
        if (tk == LEX_EOF)
            break;
        /* advance line/col to the token start (columns in code points) */
        for (; lpos < t.at.off; lpos++) {
            unsigned char c = (unsigned char)cc->src[lpos];
            if (c == '\n') {
                line++;
                col = 1;
            } else if ((c & 0xc0) != 0x80) {
                col++;
            }
        }
        if (tk < 0) {
            report_lex_error(cc, tk, t);
            if (tk != LEX_ILLEGAL && tk != LEX_DQ_IDENT)
                break;
            continue;
        }
        strbuf_printf(out, "%u:%u %s ", line, col, token_kind(tk));
        for (uint32_t i = 0; i < t.n; i++) {
            char c = t.z[i];
            if (c == '\n')
                strbuf_puts(out, "\\n");
            else if (c == '\r')
                strbuf_puts(out, "\\r");
            else if (c == '\t')
                strbuf_puts(out, "\\t");
            else
                strbuf_putc(out, c);
        }
        strbuf_putc(out, '\n');
    }
}
