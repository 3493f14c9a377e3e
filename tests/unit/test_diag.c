/*
 * test_diag.c - unit tests for compiler/diag.c: line/column mapping in
 * code points, the caret rendering (wide characters, tabs, long lines, end
 * of input, spans over several lines), position-less diagnostics, hints and
 * details, JSON escaping, and the too-many-errors stop.
 */
#include "runtime/fsql.h"
#include "compiler/diag.h"
#include "runtime/mem.h"
#include "tests/unit/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(DiagList *dl, DiagSeverity sev, DiagCode code, uint32_t off,
                uint32_t len, const char *fmt, ...) FSQL_PRINTF(6, 7);

static void add(DiagList *dl, DiagSeverity sev, DiagCode code, uint32_t off,
                uint32_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    SrcSpan at = {off, len};
    diag_add(dl, sev, code, true, at, fmt, ap);
    va_end(ap);
}

static void add_nopos(DiagList *dl, const char *fmt, ...) FSQL_PRINTF(2, 3);

static void add_nopos(DiagList *dl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    SrcSpan none = {0, 0};
    diag_add(dl, SEV_ERROR, DIAG_E_UNSUPPORTED, false, none, fmt, ap);
    va_end(ap);
}

static void hint(DiagList *dl, const char *fmt, ...) FSQL_PRINTF(2, 3);

static void hint(DiagList *dl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_hint_add(dl, fmt, ap);
    va_end(ap);
}

static void detail(DiagList *dl, const char *fmt, ...) FSQL_PRINTF(2, 3);

static void detail(DiagList *dl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_detail_add(dl, fmt, ap);
    va_end(ap);
}

/* Render dl into a static buffer (text or JSON). */
static const char *render(DiagList *dl, bool json)
{
    static char *buf;
    size_t n;
    free(buf); /* libc-owned: open_memstream memory comes from malloc */
    buf = NULL;
    FILE *f = open_memstream(&buf, &n);
    if (json)
        diag_render_json(dl, f);
    else
        diag_render(dl, f, false);
    fclose(f);
    return buf;
}

static uint32_t off_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    return p ? (uint32_t)(p - text) : 0;
}

static void diag_basic(void)
{
    const char *src = "SELECT sum(amout) AS total\nFROM orders;\n";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "jobs/orders.sql", src, strlen(src));
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, off_of(src, "amout"), 5,
        "column \"%s\" does not exist in stream \"%s\"", "amout", "orders");
    hint(&dl, "Did you mean \"%s\"?", "amount");
    UNIT_EQ_STR(render(&dl, false),
                "jobs/orders.sql:1:12: error: column \"amout\" does not "
                "exist in stream \"orders\"\n"
                "    1 | SELECT sum(amout) AS total\n"
                "      |            ^~~~~\n"
                "      = hint: Did you mean \"amount\"?\n");
    UNIT_EQ_INT(dl.n_errors, 1);
    UNIT_EQ_INT(dl.n_warnings, 0);
    add(&dl, SEV_WARNING, DIAG_W_UNKNOWN_HINT, off_of(src, "orders"), 6,
        "unrecognized thing");
    detail(&dl, "First sentence.");
    detail(&dl, "Second sentence.");
    UNIT_EQ_INT(dl.n_warnings, 1);
    const char *out = render(&dl, false);
    UNIT_CHECK(strstr(out, "jobs/orders.sql:2:6: warning: unrecognized "
                           "thing\n"
                           "    2 | FROM orders;\n"
                           "      |      ^~~~~~\n"
                           "      = detail: First sentence.\n"
                           "                Second sentence.\n") != NULL);
    diaglist_fini(&dl);
}

static void diag_line_col_utf8(void)
{
    const char *src = "-- 金額異常評分\nSELECT '風險', x\r\nFROM t";
    DiagList dl;
    diaglist_init(&dl);
    uint32_t id = diaglist_add_source(&dl, "a.sql", src, strlen(src));
    uint32_t line, col;
    diag_line_col(&dl, id, 0, &line, &col);
    UNIT_EQ_INT(line, 1);
    UNIT_EQ_INT(col, 1);
    diag_line_col(&dl, id, off_of(src, "異常"), &line, &col);
    UNIT_EQ_INT(line, 1);
    UNIT_EQ_INT(col, 6);
    diag_line_col(&dl, id, off_of(src, "x\r"), &line, &col);
    UNIT_EQ_INT(line, 2);
    UNIT_EQ_INT(col, 14);
    diag_line_col(&dl, id, off_of(src, "FROM"), &line, &col);
    UNIT_EQ_INT(line, 3);
    UNIT_EQ_INT(col, 1);
    /* One past the end: after the last character. */
    diag_line_col(&dl, id, (uint32_t)strlen(src), &line, &col);
    UNIT_EQ_INT(line, 3);
    UNIT_EQ_INT(col, 7);
    diaglist_fini(&dl);
}

static void diag_caret_chinese(void)
{
    const char *src = "SELECT '高風險' AS 等級, amout FROM t";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "zh.sql", src, strlen(src));
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, off_of(src, "amout"), 5,
        "column \"amout\" does not exist");
    /* Column 21 in code points; the caret is placed in display cells, two
     * per Chinese character (20 + 5 cells before it). */
    UNIT_EQ_STR(render(&dl, false),
                "zh.sql:1:21: error: column \"amout\" does not exist\n"
                "    1 | SELECT '高風險' AS 等級, amout FROM t\n"
                "      |                          ^~~~~\n");
    diaglist_fini(&dl);

    /* Underlining a Chinese identifier covers both cells of each char. */
    diaglist_init(&dl);
    diaglist_add_source(&dl, "zh.sql", src, strlen(src));
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, off_of(src, "等級"),
        (uint32_t)strlen("等級"), "x");
    UNIT_EQ_STR(render(&dl, false),
                "zh.sql:1:17: error: x\n"
                "    1 | SELECT '高風險' AS 等級, amout FROM t\n"
                "      |                    ^~~~\n");
    diaglist_fini(&dl);
}

static void diag_tabs_copied(void)
{
    const char *src = "SELECT\n\ta,\t\tbogus\nFROM t";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "tab.sql", src, strlen(src));
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, off_of(src, "bogus"), 5,
        "column \"bogus\" does not exist");
    UNIT_EQ_STR(render(&dl, false),
                "tab.sql:2:6: error: column \"bogus\" does not exist\n"
                "    2 | \ta,\t\tbogus\n"
                "      | \t  \t\t^~~~~\n");
    diaglist_fini(&dl);
}

static void diag_long_line_cut(void)
{
    /* 300 columns: "SELECT c000, c001, ..." with the error far right. */
    char src[400];
    size_t n = 0;
    n += (size_t)sprintf(src + n, "SELECT ");
    for (int i = 0; i < 40; i++)
        n += (size_t)sprintf(src + n, "c%03d, ", i);
    n += (size_t)sprintf(src + n, "oops FROM t");
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "long.sql", src, n);
    uint32_t off = off_of(src, "oops");
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, off, 4, "bad");
    const char *out = render(&dl, false);
    /* Header keeps the true column. */
    char head[64];
    snprintf(head, sizeof(head), "long.sql:1:%u: error: bad\n", off + 1);
    UNIT_CHECK(strncmp(out, head, strlen(head)) == 0);
    const char *l2 = strchr(out, '\n') + 1;
    const char *l3 = strchr(l2, '\n') + 1;
    size_t w2 = (size_t)(strchr(l2, '\n') - l2);
    UNIT_CHECK(strncmp(l2, "    1 | ...", 11) == 0);
    UNIT_CHECK(w2 - 8 <= 100); /* the shown text fits in 100 columns */
    UNIT_CHECK(strstr(l2, "oops FROM t\n") != NULL); /* line end shown */
    /* The caret sits under "oops" in the cut line. */
    const char *oops = strstr(l2, "oops");
    const char *caret = strchr(l3, '^');
    UNIT_EQ_INT(caret - l3, oops - l2);
    UNIT_CHECK(strncmp(caret, "^~~~\n", 5) == 0);
    diaglist_fini(&dl);

    /* Error near the start: cut on the right only. */
    diaglist_init(&dl);
    diaglist_add_source(&dl, "long.sql", src, n);
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, 7, 4, "bad");
    out = render(&dl, false);
    UNIT_CHECK(strstr(out, "    1 | SELECT c000, ") != NULL);
    l2 = strchr(out, '\n') + 1;
    l3 = strchr(l2, '\n') + 1;
    UNIT_CHECK(strncmp(strchr(l2, '\n') - 3, "...", 3) == 0);
    UNIT_CHECK(strncmp(l3, "      |        ^~~~\n", 20) == 0);
    diaglist_fini(&dl);

    /* Error in the middle: cut on both sides. */
    diaglist_init(&dl);
    diaglist_add_source(&dl, "long.sql", src, n);
    off = off_of(src, "c020");
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, off, 4, "bad");
    out = render(&dl, false);
    l2 = strchr(out, '\n') + 1;
    l3 = strchr(l2, '\n') + 1;
    w2 = (size_t)(strchr(l2, '\n') - l2);
    UNIT_CHECK(strncmp(l2, "    1 | ...", 11) == 0);
    UNIT_CHECK(strncmp(strchr(l2, '\n') - 3, "...", 3) == 0);
    UNIT_CHECK(w2 - 8 <= 100);
    UNIT_EQ_INT(strchr(l3, '^') - l3, strstr(l2, "c020") - l2);
    diaglist_fini(&dl);
}

static void diag_end_of_input(void)
{
    const char *src = "SELECT a\nFROM\n\n";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "eof.sql", src, strlen(src));
    add(&dl, SEV_ERROR, DIAG_E_SYNTAX, (uint32_t)strlen(src), 0,
        "unexpected end of input");
    UNIT_EQ_STR(render(&dl, false),
                "eof.sql:2:5: error: unexpected end of input\n"
                "    2 | FROM\n"
                "      |     ^\n");
    UNIT_EQ_STR(render(&dl, true),
                "{\"code\":\"E_SYNTAX\",\"severity\":\"error\","
                "\"path\":\"eof.sql\",\"line\":2,\"col\":5,\"end_line\":2,"
                "\"end_col\":5,\"message\":\"unexpected end of input\","
                "\"detail\":null,\"hint\":null}\n");
    diaglist_fini(&dl);

    /* An empty source. */
    diaglist_init(&dl);
    diaglist_add_source(&dl, "<stdin>", "", 0);
    add(&dl, SEV_ERROR, DIAG_E_SYNTAX, 0, 0, "unexpected end of input");
    UNIT_EQ_STR(render(&dl, false),
                "<stdin>:1:1: error: unexpected end of input\n"
                "    1 | \n"
                "      | ^\n");
    diaglist_fini(&dl);
}

static void diag_multiline_span(void)
{
    const char *src = "SELECT (a +\n  b) FROM t";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "m.sql", src, strlen(src));
    add(&dl, SEV_ERROR, DIAG_E_TYPE_MISMATCH, 7, 9, "bad operand");
    UNIT_EQ_STR(render(&dl, false), "m.sql:1:8: error: bad operand\n"
                                    "    1 | SELECT (a +\n"
                                    "      |        ^~~~\n");
    UNIT_EQ_STR(render(&dl, true),
                "{\"code\":\"E_TYPE_MISMATCH\",\"severity\":\"error\","
                "\"path\":\"m.sql\",\"line\":1,\"col\":8,\"end_line\":2,"
                "\"end_col\":5,\"message\":\"bad operand\","
                "\"detail\":null,\"hint\":null}\n");
    diaglist_fini(&dl);
}

static void diag_no_position(void)
{
    DiagList dl;
    diaglist_init(&dl);
    add_nopos(&dl, "option \"x\" needs a value"); /* no source at all */
    const char *src = "SELECT 1";
    diaglist_add_source(&dl, "p.sql", src, strlen(src));
    add_nopos(&dl, "cannot run this");
    hint(&dl, "Try again.");
    UNIT_EQ_STR(render(&dl, false), "fsql: error: option \"x\" needs a value\n"
                                    "p.sql: error: cannot run this\n"
                                    "      = hint: Try again.\n");
    UNIT_EQ_STR(render(&dl, true),
                "{\"code\":\"E_UNSUPPORTED\",\"severity\":\"error\","
                "\"path\":null,\"line\":null,\"col\":null,\"end_line\":null,"
                "\"end_col\":null,\"message\":\"option \\\"x\\\" needs a "
                "value\",\"detail\":null,\"hint\":null}\n"
                "{\"code\":\"E_UNSUPPORTED\",\"severity\":\"error\","
                "\"path\":\"p.sql\",\"line\":null,\"col\":null,"
                "\"end_line\":null,\"end_col\":null,"
                "\"message\":\"cannot run this\",\"detail\":null,"
                "\"hint\":\"Try again.\"}\n");
    diaglist_fini(&dl);
}

static void diag_json_escaping(void)
{
    const char *src = "SELECT `a\"b`\tFROM 表";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "dir\\q\".sql", src, strlen(src));
    add(&dl, SEV_WARNING, DIAG_W_IGNORED, off_of(src, "表"), 3,
        "quote \" backslash \\ tab \t newline \n ctl \x01 bad \xff 表");
    detail(&dl, "Line one.");
    detail(&dl, "Line two.");
    UNIT_EQ_STR(render(&dl, true),
                "{\"code\":\"W_IGNORED\",\"severity\":\"warning\","
                "\"path\":\"dir\\\\q\\\".sql\",\"line\":1,\"col\":19,"
                "\"end_line\":1,\"end_col\":20,"
                "\"message\":\"quote \\\" backslash \\\\ tab \\t newline "
                "\\n ctl \\u0001 bad \\ufffd 表\","
                "\"detail\":\"Line one.\\nLine two.\",\"hint\":null}\n");
    diaglist_fini(&dl);
}

static void diag_too_many_errors(void)
{
    const char *src = "x";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "many.sql", src, 1);
    for (int i = 0; i < 20; i++)
        add(&dl, SEV_ERROR, DIAG_E_SYNTAX, 0, 1, "error %d", i);
    UNIT_CHECK(!dl.stopped);
    add(&dl, SEV_WARNING, DIAG_W_IGNORED, 0, 1, "warnings do not count");
    UNIT_CHECK(!dl.stopped);
    add(&dl, SEV_ERROR, DIAG_E_SYNTAX, 0, 1, "error 21");
    hint(&dl, "This hint belongs to a dropped error.");
    UNIT_CHECK(dl.stopped);
    add(&dl, SEV_ERROR, DIAG_E_SYNTAX, 0, 1, "error 22");
    add(&dl, SEV_WARNING, DIAG_W_IGNORED, 0, 1, "late warning");
    UNIT_EQ_INT(dl.n, 22);
    UNIT_EQ_INT(dl.n_errors, 21);
    UNIT_EQ_INT(dl.items[21].code, DIAG_E_TOO_MANY_ERRORS);
    UNIT_CHECK(dl.items[21].hint == NULL);
    const char *out = render(&dl, false);
    const char *tail = "many.sql: error: too many errors; stopping\n";
    UNIT_CHECK(strlen(out) > strlen(tail) &&
               strcmp(out + strlen(out) - strlen(tail), tail) == 0);
    UNIT_CHECK(strstr(out, "error 21") == NULL);
    diaglist_fini(&dl);

    /* max_errors = 0 means unlimited. */
    diaglist_init(&dl);
    dl.max_errors = 0;
    diaglist_add_source(&dl, "many.sql", src, 1);
    for (int i = 0; i < 50; i++)
        add(&dl, SEV_ERROR, DIAG_E_SYNTAX, 0, 1, "e");
    UNIT_CHECK(!dl.stopped);
    UNIT_EQ_INT(dl.n_errors, 50);
    diaglist_fini(&dl);
}

static void diag_code_names(void)
{
    UNIT_EQ_STR(diag_code_name(DIAG_E_SYNTAX), "E_SYNTAX");
    UNIT_EQ_STR(diag_code_name(DIAG_E_UNKNOWN_COLUMN), "E_UNKNOWN_COLUMN");
    UNIT_CHECK(strlen(diag_code_doc(DIAG_E_SYNTAX)) > 0);
    UNIT_EQ_STR(diag_code_name(DIAG_CODE_COUNT), "E_UNKNOWN");
}

static void diag_several_sources(void)
{
    const char *init = "CREATE TABLE t (a INT);\n";
    const char *main_src = "SELECT b FROM t;\n";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "init.sql", init, strlen(init));
    add(&dl, SEV_WARNING, DIAG_W_IGNORED, 13, 1, "in init");
    diaglist_add_source(&dl, "main.sql", main_src, strlen(main_src));
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, 7, 1, "in main");
    const char *out = render(&dl, false);
    UNIT_CHECK(strstr(out, "init.sql:1:14: warning: in init\n") != NULL);
    UNIT_CHECK(strstr(out, "main.sql:1:8: error: in main\n") != NULL);
    diaglist_fini(&dl);
}

static void diag_source_order(void)
{
    const char *a = "SELECT 1;\nSELECT x;\nSELEC 3;\n";
    const char *b = "SELEC 4;\n";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "a.sql", a, strlen(a));
    /* The parser reports line 3 first, the binder line 2 later. */
    add(&dl, SEV_ERROR, DIAG_E_SYNTAX, off_of(a, "SELEC 3"), 5, "syntax");
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, off_of(a, "x;"), 1, "column");
    add(&dl, SEV_NOTE, DIAG_E_SYNTAX, 0, 6, "note for column");
    diaglist_add_source(&dl, "b.sql", b, strlen(b));
    add(&dl, SEV_ERROR, DIAG_E_SYNTAX, 0, 5, "in b");
    const char *out = render(&dl, false);
    const char *p1 = strstr(out, "a.sql:2:8: error: column");
    const char *p2 = strstr(out, "a.sql:1:1: note: note for column");
    const char *p3 = strstr(out, "a.sql:3:1: error: syntax");
    const char *p4 = strstr(out, "b.sql:1:1: error: in b");
    UNIT_REQUIRE(p1 && p2 && p3 && p4);
    UNIT_CHECK(p1 < p2 && p2 < p3 && p3 < p4);
    out = render(&dl, true);
    UNIT_CHECK(strstr(out, "\"column\"") < strstr(out, "\"syntax\""));
    diaglist_fini(&dl);
}

static void diag_color(void)
{
    const char *src = "SELECT x";
    DiagList dl;
    diaglist_init(&dl);
    diaglist_add_source(&dl, "c.sql", src, strlen(src));
    add(&dl, SEV_ERROR, DIAG_E_UNKNOWN_COLUMN, 7, 1, "bad");
    char *buf = NULL;
    size_t n;
    FILE *f = open_memstream(&buf, &n);
    diag_render(&dl, f, true);
    fclose(f);
    UNIT_CHECK(strstr(buf, "\033[") != NULL);
    UNIT_CHECK(strstr(buf, "c.sql:1:8:") != NULL);
    free(buf); /* libc-owned (open_memstream) */
    UNIT_CHECK(strstr(render(&dl, false), "\033[") == NULL);
    diaglist_fini(&dl);
}

static const UnitTest diag_tests[] = {
    {"diag_basic", diag_basic},
    {"diag_line_col_utf8", diag_line_col_utf8},
    {"diag_caret_chinese", diag_caret_chinese},
    {"diag_tabs_copied", diag_tabs_copied},
    {"diag_long_line_cut", diag_long_line_cut},
    {"diag_end_of_input", diag_end_of_input},
    {"diag_multiline_span", diag_multiline_span},
    {"diag_no_position", diag_no_position},
    {"diag_json_escaping", diag_json_escaping},
    {"diag_too_many_errors", diag_too_many_errors},
    {"diag_code_names", diag_code_names},
    {"diag_several_sources", diag_several_sources},
    {"diag_source_order", diag_source_order},
    {"diag_color", diag_color},
    {NULL, NULL},
};
UNIT_REGISTER(diag_tests)
