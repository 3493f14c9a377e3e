/*
 * diag.c - the diagnostics list, the line map, and the two renderings
 * (house text format with carets, and one JSON object per line).
 *
 * Pipeline position: every compiler phase appends to a DiagList through
 * diag_add (usually via diag_error & co. in compile.c); nothing is printed
 * until the command line tool calls diag_render or diag_render_json.
 *
 * Text format (the contract pinned by tests/errors/ and docs/errors.md):
 *
 *   <path>:<line>:<col>: <severity>: <message>
 *       7 | <source line, verbatim>
 *         | <same tabs/spaces>^~~~~
 *         = detail: <sentence>
 *         = hint: <sentence>
 *
 * Invariants and choices:
 *  - Positions are byte offsets until rendering.  The line-start table of a
 *    source is built on first use (lines[i] = offset of line i+1's first
 *    byte) and searched by bisection.
 *  - Columns count UTF-8 code points (an invalid byte counts as one).  The
 *    caret line, however, is laid out in display cells: a tab is copied as a
 *    tab, an East Asian wide character becomes two spaces (and two marks
 *    when underlined), so the caret sits under the right character in a
 *    terminal.
 *  - An offset at or past the end of the source ("unexpected end of input")
 *    is moved to just after the last non-blank character, so the caret
 *    appears at the end of the last line that has text.
 *  - Rendering orders diagnostics by source and position (stable; a note
 *    stays after the diagnostic before it), because the parser reports the
 *    syntax errors of a whole file before the binder reports anything.
 *  - After max_errors errors, the next error is replaced by one
 *    E_TOO_MANY_ERRORS diagnostic and the list is marked stopped; later
 *    diagnostics, hints and details are dropped.
 *  - All memory (messages, arrays, line tables) is xmalloc'd and released by
 *    diaglist_fini.  Source texts and paths are borrowed from the caller.
 */
#include "runtime/fsql.h"
#include "compiler/diag.h"
#include "runtime/mem.h"

#include <stdio.h>
#include <string.h>

#define LINE_CUT_COLS 100  /* longer source lines are cut around the caret */
#define LINE_CUT_BEFORE 40 /* display cells kept before the caret */
#define ELLIPSIS "..."

static const char *const code_names[] = {
#define X(c, d) #c,
    DIAG_CODES(X)
#undef X
};

static const char *const code_docs[] = {
#define X(c, d) d,
    DIAG_CODES(X)
#undef X
};

const char *diag_code_name(DiagCode c)
{
    if ((unsigned)c >= DIAG_CODE_COUNT)
        return "E_UNKNOWN";
    return code_names[c];
}

const char *diag_code_doc(DiagCode c)
{
    if ((unsigned)c >= DIAG_CODE_COUNT)
        return "";
    return code_docs[c];
}

void diaglist_init(DiagList *dl)
{
    memset(dl, 0, sizeof(*dl));
    dl->max_errors = 20;
}

void diaglist_fini(DiagList *dl)
{
    for (uint32_t i = 0; i < dl->n; i++) {
        xfree(dl->items[i].msg);
        xfree(dl->items[i].detail);
        xfree(dl->items[i].hint);
    }
    xfree(dl->items);
    for (uint32_t i = 0; i < dl->n_sources; i++)
        xfree(dl->sources[i].lines);
    xfree(dl->sources);
    memset(dl, 0, sizeof(*dl));
}

uint32_t diaglist_add_source(DiagList *dl, const char *path, const char *text,
                             size_t len)
{
    if (dl->n_sources == dl->cap_sources) {
        uint32_t cap = dl->cap_sources ? dl->cap_sources * 2 : 4;
        dl->sources = xrealloc(dl->sources, sizeof(DiagSource) * cap);
        dl->cap_sources = cap;
    }
    DiagSource *s = &dl->sources[dl->n_sources];
    s->path = path;
    s->text = text;
    s->len = len;
    s->lines = NULL;
    s->n_lines = 0;
    dl->cur_src = dl->n_sources;
    return dl->n_sources++;
}

/* vsnprintf into a fresh xmalloc'd string. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

static Diag *push(DiagList *dl)
{
    if (dl->n == dl->cap) {
        uint32_t cap = dl->cap ? dl->cap * 2 : 16;
        dl->items = xrealloc(dl->items, sizeof(Diag) * cap);
        dl->cap = cap;
    }
    Diag *d = &dl->items[dl->n++];
    memset(d, 0, sizeof(*d));
    return d;
}

/*
 * Append one diagnostic.  The message is formatted into an owned string.
 * Once the list is stopped everything is dropped; the error that would
 * exceed max_errors becomes E_TOO_MANY_ERRORS (without a position).
 */
void diag_add(DiagList *dl, DiagSeverity sev, DiagCode code, bool has_span,
              SrcSpan at, const char *fmt, va_list ap)
{
    if (dl->stopped)
        return;
    Diag *d;
    if (sev == SEV_ERROR && dl->max_errors && dl->n_errors >= dl->max_errors) {
        d = push(dl);
        d->sev = SEV_ERROR;
        d->code = DIAG_E_TOO_MANY_ERRORS;
        d->has_span = false;
        d->src_id = dl->n_sources > 0 ? dl->cur_src : UINT32_MAX;
        d->msg = xstrdup("too many errors; stopping");
        dl->n_errors++;
        dl->stopped = true;
        return;
    }
    d = push(dl);
    d->sev = sev;
    d->code = code;
    d->has_span = has_span && dl->n_sources > 0;
    d->at = at;
    d->src_id = dl->n_sources > 0 ? dl->cur_src : UINT32_MAX;
    d->msg = vformat(fmt, ap);
    if (sev == SEV_ERROR)
        dl->n_errors++;
    else if (sev == SEV_WARNING)
        dl->n_warnings++;
}

/* Append text to *slot: a second hint/detail goes on a new line. */
static void attach(char **slot, const char *fmt, va_list ap)
{
    char *s = vformat(fmt, ap);
    if (!*slot) {
        *slot = s;
        return;
    }
    size_t a = strlen(*slot), b = strlen(s);
    char *j = xmalloc(a + 1 + b + 1);
    memcpy(j, *slot, a);
    j[a] = '\n';
    memcpy(j + a + 1, s, b + 1);
    xfree(*slot);
    xfree(s);
    *slot = j;
}

void diag_hint_add(DiagList *dl, const char *fmt, va_list ap)
{
    if (dl->stopped || dl->n == 0)
        return;
    attach(&dl->items[dl->n - 1].hint, fmt, ap);
}

void diag_detail_add(DiagList *dl, const char *fmt, va_list ap)
{
    if (dl->stopped || dl->n == 0)
        return;
    attach(&dl->items[dl->n - 1].detail, fmt, ap);
}

/* ---- UTF-8 and display width ------------------------------------------ */

/* Decode one code point at p[0..n), n >= 1.  Invalid or truncated
 * sequences decode as one byte (U+FFFD).  Sets *cp; returns bytes used. */
static size_t utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0];
    size_t k;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        k = 1;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        k = 2;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        k = 3;
        v = c & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (k >= n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t j = 1; j <= k; j++) {
        if ((p[j] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (p[j] & 0x3F);
    }
    *cp = v;
    return k + 1;
}

/* Terminal cells taken by a code point: 2 for East Asian wide and
 * full-width characters (the ranges that matter for SQL text: CJK, Hangul,
 * full-width forms, common emoji), 0 for combining marks, else 1. */
static unsigned cp_width(uint32_t cp)
{
    if (cp >= 0x0300 && cp <= 0x036F)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

/* ---- line map ----------------------------------------------------------- */

static void build_lines(DiagSource *s)
{
    uint32_t n = 1;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            n++;
    s->lines = xmalloc(sizeof(uint32_t) * n);
    s->lines[0] = 0;
    uint32_t k = 1;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            s->lines[k++] = (uint32_t)(i + 1);
    s->n_lines = n;
}

/* Clamp an offset into the source; an offset at or past the end moves to
 * just after the last non-blank character (end-of-input errors). */
static uint32_t clamp_off(const DiagSource *s, uint32_t off)
{
    if (off < s->len)
        return off;
    size_t e = s->len;
    while (e > 0 && (s->text[e - 1] == '\n' || s->text[e - 1] == '\r' ||
                     s->text[e - 1] == ' ' || s->text[e - 1] == '\t'))
        e--;
    return (uint32_t)e;
}

/* 0-based index of the line containing off. */
static uint32_t line_index(DiagSource *s, uint32_t off)
{
    if (!s->lines)
        build_lines(s);
    uint32_t lo = 0, hi = s->n_lines; /* lines[lo] <= off < lines[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Byte range [*b, *e) of line li, without its '\n' or "\r\n". */
static void line_bounds(const DiagSource *s, uint32_t li, size_t *b, size_t *e)
{
    size_t start = s->lines[li];
    size_t end = li + 1 < s->n_lines ? s->lines[li + 1] - 1 : s->len;
    if (end > start && s->text[end - 1] == '\r')
        end--;
    *b = start;
    *e = end;
}

static uint32_t count_cps(const char *p, size_t n)
{
    uint32_t c = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        i += utf8_next((const unsigned char *)p + i, n - i, &cp);
        c++;
    }
    return c;
}

static void pos_of(DiagSource *s, uint32_t off, uint32_t *line, uint32_t *col)
{
    off = clamp_off(s, off);
    uint32_t li = line_index(s, off);
    size_t b, e;
    line_bounds(s, li, &b, &e);
    size_t upto = off < e ? off : e;
    if (off > e) /* inside a "\r\n" terminator */
        upto = e;
    *line = li + 1;
    *col = count_cps(s->text + b, upto - b) + 1;
}

void diag_line_col(DiagList *dl, uint32_t src_id, uint32_t off, uint32_t *line,
                   uint32_t *col)
{
    if (src_id >= dl->n_sources) {
        *line = 0;
        *col = 0;
        return;
    }
    pos_of(&dl->sources[src_id], off, line, col);
}

/* ---- text rendering ----------------------------------------------------- */

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_BLUE "\033[1;34m"
#define C_RESET "\033[0m"

static const char *sev_name(DiagSeverity sev)
{
    switch (sev) {
    case SEV_ERROR:
        return "error";
    case SEV_WARNING:
        return "warning";
    case SEV_NOTE:
        return "note";
    }
    return "error";
}

static const char *sev_color(DiagSeverity sev)
{
    switch (sev) {
    case SEV_ERROR:
        return C_RED;
    case SEV_WARNING:
        return C_MAGENTA;
    case SEV_NOTE:
        return C_CYAN;
    }
    return C_RED;
}

/* One character of a source line: its bytes and display cells. */
typedef struct LineChar {
    uint32_t off;  /* byte offset in the line */
    uint8_t n;     /* bytes */
    uint8_t width; /* display cells (a tab counts 1) */
    char blank;    /* '\t' for a tab, else ' ' for the caret line */
} LineChar;

/*
 * Print the source line and caret line for one diagnostic.  text[b..e) is
 * the line; the span starts at byte sb (b <= sb <= e) and covers bytes up
 * to se on this line (sb <= se <= e).  gutter is the line-number width.
 */
static void render_snippet(FILE *out, bool color, uint32_t lineno, int gutter,
                           const char *text, size_t b, size_t e, size_t sb,
                           size_t se)
{
    size_t n = e - b;
    LineChar *lc = xmalloc(sizeof(LineChar) * (n + 1));
    size_t nc = 0, i = 0, caret = 0, caret_end = 0;
    bool caret_set = false, end_set = false;
    while (i < n) {
        if (!caret_set && b + i >= sb) {
            caret = nc;
            caret_set = true;
        }
        if (!end_set && b + i >= se) {
            caret_end = nc;
            end_set = true;
        }
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)text + b + i, n - i, &cp);
        lc[nc].off = (uint32_t)i;
        lc[nc].n = (uint8_t)k;
        lc[nc].blank = cp == '\t' ? '\t' : ' ';
        lc[nc].width = (uint8_t)(cp == '\t' ? 1 : cp_width(cp));
        nc++;
        i += k;
    }
    if (!caret_set)
        caret = nc; /* one past the end of the line */
    if (!end_set)
        caret_end = nc;
    if (caret_end < caret)
        caret_end = caret;

    /* The window [from, to) of characters shown; cut long lines. */
    size_t from = 0, to = nc;
    unsigned total = 0;
    for (size_t j = 0; j < nc; j++)
        total += lc[j].width;
    if (total > LINE_CUT_COLS) {
        unsigned budget = LINE_CUT_COLS - 2 * (unsigned)strlen(ELLIPSIS);
        unsigned w = 0;
        from = caret;
        while (from > 0 && w + lc[from - 1].width <= LINE_CUT_BEFORE) {
            from--;
            w += lc[from].width;
        }
        to = from;
        w = 0;
        while (to < nc && w + lc[to].width <= budget) {
            w += lc[to].width;
            to++;
        }
        while (to == nc && from > 0 && w + lc[from - 1].width <= budget) {
            from--;
            w += lc[from].width;
        }
        if (to <= caret && caret < nc)
            to = caret + 1;
    }
    bool cut_left = from > 0, cut_right = to < nc;
    size_t bfrom = from < nc ? lc[from].off : n;
    size_t bto = to < nc ? lc[to].off : n;

    fprintf(out, "%s%*u |%s ", color ? C_BLUE : "", gutter, lineno,
            color ? C_RESET : "");
    if (cut_left)
        fputs(ELLIPSIS, out);
    fwrite(text + b + bfrom, 1, bto - bfrom, out);
    if (cut_right)
        fputs(ELLIPSIS, out);
    fputc('\n', out);

    fprintf(out, "%s%*s |%s ", color ? C_BLUE : "", gutter, "",
            color ? C_RESET : "");
    if (cut_left)
        fputs("   ", out);
    for (size_t j = from; j < caret && j < to; j++)
        for (unsigned k = 0; k < lc[j].width; k++)
            fputc(lc[j].blank, out);
    if (color)
        fputs(C_GREEN, out);
    fputc('^', out);
    /* The caret character's own extra cells, then the rest of the span. */
    unsigned marks = 0;
    if (caret < nc && caret < to) {
        marks = lc[caret].width ? lc[caret].width - 1u : 0;
        for (size_t j = caret + 1; j < caret_end && j < to; j++)
            marks += lc[j].width;
    }
    for (unsigned k = 0; k < marks; k++)
        fputc('~', out);
    if (color)
        fputs(C_RESET, out);
    fputc('\n', out);
    xfree(lc);
}

/* "= label: text", one line per line of text, continuation lines aligned
 * with the text. */
static void render_note(FILE *out, bool color, int gutter, const char *label,
                        const char *text)
{
    int indent = gutter + 1 + 2 + (int)strlen(label) + 2;
    fprintf(out, "%*s %s=%s %s%s:%s ", gutter, "", color ? C_BLUE : "",
            color ? C_RESET : "", color ? C_BOLD : "", label,
            color ? C_RESET : "");
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fprintf(out, "%*s", indent, "");
    }
    fputc('\n', out);
}

static int digits(uint32_t v)
{
    int d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

static void render_one(DiagList *dl, const Diag *d, FILE *out, bool color)
{
    DiagSource *s = d->src_id < dl->n_sources ? &dl->sources[d->src_id] : NULL;
    int gutter = 5;
    const char *path = s ? s->path : "fsql";
    if (color)
        fputs(C_BOLD, out);
    if (d->has_span && s) {
        uint32_t off = clamp_off(s, d->at.off);
        uint32_t line, col;
        pos_of(s, off, &line, &col);
        if (digits(line) > gutter)
            gutter = digits(line);
        fprintf(out, "%s:%u:%u: ", path, line, col);
        fprintf(out, "%s%s:%s%s %s%s\n", color ? sev_color(d->sev) : "",
                sev_name(d->sev), color ? C_RESET : "", color ? C_BOLD : "",
                d->msg, color ? C_RESET : "");
        uint32_t li = line - 1;
        size_t b, e;
        line_bounds(s, li, &b, &e);
        size_t sb = off < e ? off : e;
        size_t send = (size_t)d->at.off + d->at.len;
        if (d->at.off >= s->len)
            send = sb; /* end of input: a bare caret */
        else if (send > e)
            send = e; /* multi-line span: underline to the line's end */
        if (send < sb)
            send = sb;
        render_snippet(out, color, line, gutter, s->text, b, e, sb, send);
    } else {
        fprintf(out, "%s: ", path);
        fprintf(out, "%s%s:%s%s %s%s\n", color ? sev_color(d->sev) : "",
                sev_name(d->sev), color ? C_RESET : "", color ? C_BOLD : "",
                d->msg, color ? C_RESET : "");
    }
    if (d->detail)
        render_note(out, color, gutter, "detail", d->detail);
    if (d->hint)
        render_note(out, color, gutter, "hint", d->hint);
}

/* Sort key of a diagnostic: source, then offset.  Diagnostics without a
 * source (command-line problems) come first; position-less ones of a
 * source come after its positioned ones. */
static uint64_t order_key(const Diag *d)
{
    uint64_t src = d->src_id == UINT32_MAX ? 0 : (uint64_t)d->src_id + 1;
    uint64_t off = d->has_span ? d->at.off : 0xFFFFFFFFu;
    return (src << 32) | off;
}

/*
 * The rendering order: by source and position, stable, so that errors of a
 * file read top to bottom although the parser reports all syntax errors
 * before the binder starts.  A note stays right after the diagnostic it
 * follows.  Returns an xmalloc'd array of dl->n indexes.
 */
static uint32_t *render_order(const DiagList *dl)
{
    uint32_t *ix = xmalloc(sizeof(uint32_t) * (dl->n ? dl->n : 1));
    uint32_t *head = xmalloc(sizeof(uint32_t) * (dl->n ? dl->n : 1));
    uint32_t n_groups = 0;
    for (uint32_t i = 0; i < dl->n; i++)
        if (i == 0 || dl->items[i].sev != SEV_NOTE)
            head[n_groups++] = i;
    /* Insertion sort of group heads (stable; lists are short). */
    for (uint32_t i = 1; i < n_groups; i++) {
        uint32_t h = head[i];
        uint64_t k = order_key(&dl->items[h]);
        uint32_t j = i;
        while (j > 0 && order_key(&dl->items[head[j - 1]]) > k) {
            head[j] = head[j - 1];
            j--;
        }
        head[j] = h;
    }
    uint32_t n = 0;
    for (uint32_t g = 0; g < n_groups; g++) {
        uint32_t i = head[g];
        ix[n++] = i++;
        while (i < dl->n && dl->items[i].sev == SEV_NOTE)
            ix[n++] = i++;
    }
    xfree(head);
    return ix;
}

void diag_render(DiagList *dl, FILE *out, bool use_color)
{
    uint32_t *ix = render_order(dl);
    for (uint32_t i = 0; i < dl->n; i++)
        render_one(dl, &dl->items[ix[i]], out, use_color);
    xfree(ix);
}

/* ---- JSON rendering ----------------------------------------------------- */

/* A JSON string literal; NULL becomes null.  Invalid UTF-8 bytes become
 * U+FFFD so the output is always valid JSON. */
static void json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    size_t n = strlen(s), i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = utf8_next((const unsigned char *)s + i, n - i, &cp);
            if (cp == 0xFFFD && k == 1)
                fputs("\\ufffd", out);
            else
                fwrite(s + i, 1, k, out);
            i += k;
            continue;
        }
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        default:
            if (c < 0x20 || c == 0x7F)
                fprintf(out, "\\u%04x", c);
            else
                fputc((int)c, out);
        }
        i++;
    }
    fputc('"', out);
}

void diag_render_json(DiagList *dl, FILE *out)
{
    uint32_t *ix = render_order(dl);
    for (uint32_t i = 0; i < dl->n; i++) {
        const Diag *d = &dl->items[ix[i]];
        DiagSource *s =
            d->src_id < dl->n_sources ? &dl->sources[d->src_id] : NULL;
        fputs("{\"code\":", out);
        json_str(out, diag_code_name(d->code));
        fputs(",\"severity\":", out);
        json_str(out, sev_name(d->sev));
        fputs(",\"path\":", out);
        json_str(out, s ? s->path : NULL);
        if (d->has_span && s) {
            uint32_t line, col, eline, ecol;
            pos_of(s, d->at.off, &line, &col);
            uint32_t end =
                d->at.off >= s->len ? d->at.off : d->at.off + d->at.len;
            pos_of(s, end, &eline, &ecol);
            if (eline < line || (eline == line && ecol < col)) {
                eline = line;
                ecol = col;
            }
            fprintf(out,
                    ",\"line\":%u,\"col\":%u,\"end_line\":%u,"
                    "\"end_col\":%u",
                    line, col, eline, ecol);
        } else {
            fputs(",\"line\":null,\"col\":null,\"end_line\":null,"
                  "\"end_col\":null",
                  out);
        }
        fputs(",\"message\":", out);
        json_str(out, d->msg);
        fputs(",\"detail\":", out);
        json_str(out, d->detail);
        fputs(",\"hint\":", out);
        json_str(out, d->hint);
        fputs("}\n", out);
    }
    xfree(ix);
}
