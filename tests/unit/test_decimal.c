/*
 * test_decimal.c - unit tests for runtime/decimal.c: parsing, formatting,
 * HALF_UP rounding, overflow at p = 38, the four operations and modulo
 * with caller-given result types, ROUND/TRUNCATE/FLOOR/CEIL, comparison
 * and hashing across scales, double conversions.
 *
 * decimal_vectors replays tests/unit/data/decimal_vectors.txt, a few
 * thousand cases computed with Python's decimal module by
 * tests/unit/gen_decimal_vectors.py (Flink's BigDecimal semantics).
 */
#include "runtime/fsql.h"
#include "runtime/decimal.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static i128 I(const char *s) /* independent of decimal_parse */
{
    bool neg = *s == '-';
    if (neg)
        s++;
    i128 v = 0;
    for (; *s; s++)
        v = v * 10 + (*s - '0');
    return neg ? -v : v;
}

static const char *fmt(i128 v, int scale)
{
    static char bufs[4][DEC_FORMAT_MAX];
    static int k;
    char *b = bufs[k++ & 3];
    decimal_format(b, v, scale);
    return b;
}

static const char *parse_fmt(const char *s, int p, int sc)
{
    i128 v;
    DecStatus st = decimal_parse(s, strlen(s), p, sc, &v);
    if (st == DEC_SYNTAX)
        return "SYN";
    if (st == DEC_OVERFLOW)
        return "OVF";
    return fmt(v, sc);
}

static void decimal_parse_format(void)
{
    UNIT_EQ_STR(parse_fmt("-123.4500", 10, 4), "-123.4500");
    UNIT_EQ_STR(parse_fmt("5", 15, 2), "5.00");
    UNIT_EQ_STR(parse_fmt("1.5E+2", 10, 2), "150.00");
    UNIT_EQ_STR(parse_fmt("1e3", 10, 0), "1000");
    UNIT_EQ_STR(parse_fmt("-2.5", 5, 0), "-3");
    UNIT_EQ_STR(parse_fmt("2.5", 5, 0), "3");
    UNIT_EQ_STR(parse_fmt("-0.5", 5, 2), "-0.50");
    UNIT_EQ_STR(parse_fmt("0.05", 5, 2), "0.05");
    UNIT_EQ_STR(parse_fmt("-0.004", 5, 2), "0.00");
    UNIT_EQ_STR(parse_fmt("12.345", 4, 2), "12.35");
    UNIT_EQ_STR(parse_fmt("123.345", 4, 2), "OVF");
    UNIT_EQ_STR(parse_fmt("99.995", 4, 2), "OVF");
    UNIT_EQ_STR(parse_fmt("99.994", 4, 2), "99.99");
    UNIT_EQ_STR(parse_fmt("1.", 3, 0), "1");
    UNIT_EQ_STR(parse_fmt(".", 3, 0), "SYN");
    UNIT_EQ_STR(parse_fmt("1e", 3, 0), "SYN");
    UNIT_EQ_STR(parse_fmt("--1", 3, 0), "SYN");
    UNIT_EQ_STR(parse_fmt("1 2", 3, 0), "SYN");
    UNIT_EQ_STR(parse_fmt("99999999999999999999999999999999999999", 38, 0),
                "99999999999999999999999999999999999999");
    UNIT_EQ_STR(parse_fmt("-99999999999999999999999999999999999999", 38, 0),
                "-99999999999999999999999999999999999999");
    UNIT_EQ_STR(parse_fmt("99999999999999999999999999999999999999.5", 38, 0),
                "OVF");
    UNIT_EQ_STR(parse_fmt("0.99999999999999999999999999999999999999", 38, 38),
                "0.99999999999999999999999999999999999999");
    UNIT_EQ_STR(fmt(0, 3), "0.000");
    UNIT_EQ_STR(fmt(-1, 3), "-0.001");
    UNIT_EQ_STR(fmt(I("-170141183460469231731687303715884105727"), 0),
                "-170141183460469231731687303715884105727");
    UNIT_EQ_STR(fmt(I("12345678901234567890123"), 20),
                "123.45678901234567890123");
    UNIT_CHECK(decimal_fits(I("99999999999999999999999999999999999999"), 38));
    UNIT_CHECK(!decimal_fits(I("100000000000000000000000000000000000000"), 38));
    UNIT_EQ_INT(decimal_digits(0), 1);
    UNIT_EQ_INT(decimal_digits(-100), 3);
}

static void decimal_arith_basic(void)
{
    i128 r;
    /* 1/3 in DECIMAL(38, 6) */
    UNIT_EQ_INT(decimal_div(1, 0, 3, 0, 38, 6, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 6), "0.333333");
    UNIT_EQ_INT(decimal_div(2, 0, 3, 0, 38, 6, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 6), "0.666667");
    UNIT_EQ_INT(decimal_div(-2, 0, 3, 0, 38, 6, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 6), "-0.666667");
    UNIT_EQ_INT(decimal_div(1, 0, 0, 0, 38, 6, &r), DEC_DIVZERO);
    UNIT_EQ_INT(decimal_mod(1, 0, 0, 0, 38, 6, &r), DEC_DIVZERO);
    /* 2.50 + 1.005 -> DECIMAL(5,2) rounds HALF_UP */
    UNIT_EQ_INT(decimal_add(250, 2, 1005, 3, 5, 2, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 2), "3.51");
    UNIT_EQ_INT(decimal_sub(250, 2, 1005, 3, 6, 3, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 3), "1.495");
    /* overflow at p */
    UNIT_EQ_INT(decimal_add(I("99999999999999999999999999999999999999"), 0, 1,
                            0, 38, 0, &r),
                DEC_OVERFLOW);
    UNIT_EQ_INT(decimal_mul(I("99999999999999999999999999999999999999"), 0,
                            I("99999999999999999999999999999999999999"), 0, 38,
                            0, &r),
                DEC_OVERFLOW);
    /* product of two 38-digit values, scaled back down */
    UNIT_EQ_INT(decimal_mul(I("99999999999999999999999999999999999999"), 38,
                            I("99999999999999999999999999999999999999"), 38, 38,
                            38, &r),
                DEC_OK);
    UNIT_EQ_STR(fmt(r, 38), "0.99999999999999999999999999999999999998");
    UNIT_EQ_INT(decimal_mul(-15, 1, 15, 1, 10, 1, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 1), "-2.3"); /* -2.25 -> -2.3 */
    UNIT_EQ_INT(decimal_mod(-75, 1, 2, 0, 10, 1, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 1), "-1.5");
    /* rescale / integers */
    UNIT_EQ_INT(decimal_rescale(12345, 3, 4, 2, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 2), "12.35");
    UNIT_EQ_INT(decimal_rescale(12345, 3, 3, 2, &r), DEC_OVERFLOW);
    UNIT_EQ_INT(decimal_from_i64(INT64_MIN, 19, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "-9223372036854775808");
    UNIT_EQ_INT(decimal_from_i64(INT64_MIN, 19, 2, &r), DEC_OVERFLOW);
    int64_t x;
    UNIT_EQ_INT(decimal_to_i64(-129, 1, &x), DEC_OK);
    UNIT_EQ_INT(x, -12);
    UNIT_EQ_INT(decimal_to_i64(I("9223372036854775808"), 0, &x), DEC_OVERFLOW);
    UNIT_EQ_INT(decimal_to_i64(I("-92233720368547758089"), 1, &x), DEC_OK);
    UNIT_EQ_INT(x, INT64_MIN);
}

static void decimal_round_funcs(void)
{
    i128 r;
    UNIT_EQ_INT(decimal_round(-25, 1, 0, 10, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "-3");
    UNIT_EQ_INT(decimal_round(1250, 0, -2, 10, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "1300");
    UNIT_EQ_INT(decimal_round(12345, 3, 2, 10, 2, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 2), "12.35");
    UNIT_EQ_INT(decimal_round(12345, 3, 5, 10, 3, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 3), "12.345");
    UNIT_EQ_INT(decimal_truncate(-12345, 3, 1, 10, 1, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 1), "-12.3");
    UNIT_EQ_INT(decimal_floor(-12345, 3, 10, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "-13");
    UNIT_EQ_INT(decimal_ceil(-12345, 3, 10, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "-12");
    UNIT_EQ_INT(decimal_ceil(12001, 3, 10, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "13");
    UNIT_EQ_INT(decimal_floor(12000, 3, 10, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "12");
    UNIT_EQ_INT(decimal_sign(-5), -1);
    UNIT_EQ_STR(fmt(decimal_abs(-5), 1), "0.5");
    UNIT_EQ_STR(fmt(decimal_negate(5), 1), "-0.5");
}

static void decimal_compare_hash(void)
{
    UNIT_EQ_INT(decimal_cmp(15, 1, 150, 2), 0);
    UNIT_EQ_INT(decimal_cmp(15, 1, 151, 2), -1);
    UNIT_EQ_INT(decimal_cmp(-15, 1, -151, 2), 1);
    UNIT_EQ_INT(decimal_cmp(0, 1, 0, 5), 0);
    UNIT_EQ_INT(decimal_cmp(I("99999999999999999999999999999999999999"), 0,
                            I("99999999999999999999999999999999999999"), 38),
                1);
    UNIT_CHECK(decimal_hash(15, 1) == decimal_hash(150, 2));
    UNIT_CHECK(decimal_hash(100, 0) == decimal_hash(10000, 2));
    UNIT_CHECK(decimal_hash(0, 0) == decimal_hash(0, 7));
    UNIT_CHECK(decimal_hash(15, 1) != decimal_hash(15, 2));
    UNIT_CHECK(decimal_hash(I("12345678901234567890123450"), 3) ==
               decimal_hash(I("1234567890123456789012345"), 2));
}

static void decimal_doubles(void)
{
    i128 r;
    UNIT_EQ_INT(decimal_from_double(0.1, 10, 5, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 5), "0.10000");
    UNIT_EQ_INT(decimal_from_double(2.675, 10, 2, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 2), "2.68"); /* via "2.675", not the binary value */
    UNIT_EQ_INT(decimal_from_double(-1e20, 38, 0, &r), DEC_OK);
    UNIT_EQ_STR(fmt(r, 0), "-100000000000000000000");
    UNIT_EQ_INT(decimal_from_double(1e20, 20, 0, &r), DEC_OVERFLOW);
    UNIT_EQ_INT(decimal_from_double(0.0 / 0.0, 20, 0, &r), DEC_SYNTAX);
    UNIT_CHECK(decimal_to_double(12345, 2) == 123.45);
    UNIT_CHECK(decimal_to_double(-1, 38) == -1e-38);
    UNIT_CHECK(decimal_to_double(I("99999999999999999999999999999999999999"),
                                 0) == 1e38);
    char dig[24];
    int e;
    int n = decimal_shortest_digits(0.1 + 0.2, false, dig, &e);
    dig[n] = 0;
    UNIT_EQ_STR(dig, "30000000000000004");
    UNIT_EQ_INT(e, 0);
    n = decimal_shortest_digits(4.9e-324, false, dig, &e);
    dig[n] = 0;
    UNIT_EQ_STR(dig, "49");
    UNIT_EQ_INT(e, -323);
    n = decimal_shortest_digits(0.1f, true, dig, &e);
    dig[n] = 0;
    UNIT_EQ_STR(dig, "1");
}

/* ---- vector replay ------------------------------------------------------ */

static const char *status_text(DecStatus st, i128 r)
{
    static char buf[DEC_FORMAT_MAX];
    switch (st) {
    case DEC_OK:
        decimal_format(buf, r, 0);
        return buf;
    case DEC_OVERFLOW:
        return "OVF";
    case DEC_SYNTAX:
        return "SYN";
    case DEC_DIVZERO:
        return "DIV0";
    }
    return "?";
}

/* next token; 'quoted' tokens may hold blanks */
static char *tok(char **pp)
{
    char *p = *pp;
    while (*p == ' ')
        p++;
    if (!*p || *p == '\n')
        return NULL;
    char *b;
    if (*p == '\'') {
        b = ++p;
        while (*p && *p != '\'')
            p++;
    } else {
        b = p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
    }
    if (*p)
        *p++ = '\0';
    *pp = p;
    return b;
}

static void decimal_vectors(void)
{
    FILE *f = fopen("tests/unit/data/decimal_vectors.txt", "r");
    if (!f) {
        unit_fail(__FILE__, __LINE__,
                  "cannot open tests/unit/data/decimal_vectors.txt "
                  "(run from the repository root)");
        return;
    }
    char line[1024];
    int lineno = 0, n_cases = 0, n_bad = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        char *op = tok(&p);
        if (!op)
            continue;
        char *t[8] = {0};
        int nt = 0;
        char *x;
        while (nt < 8 && (x = tok(&p)))
            t[nt++] = x;
        const char *want = t[nt - 1];
        i128 r = 0;
        DecStatus st = DEC_OK;
        const char *got = NULL;
        if (strcmp(op, "parse") == 0) {
            st = decimal_parse(t[0], strlen(t[0]), atoi(t[1]), atoi(t[2]), &r);
        } else if (strcmp(op, "fmt") == 0) {
            got = fmt(I(t[0]), atoi(t[1]));
        } else if (strcmp(op, "cmp") == 0) {
            static char cb[8];
            snprintf(cb, sizeof cb, "%d",
                     decimal_cmp(I(t[0]), atoi(t[1]), I(t[2]), atoi(t[3])));
            got = cb;
        } else if (strcmp(op, "rescale") == 0) {
            st = decimal_rescale(I(t[0]), atoi(t[1]), atoi(t[2]), atoi(t[3]),
                                 &r);
        } else if (strcmp(op, "round") == 0 || strcmp(op, "trunc") == 0) {
            st = (op[0] == 'r' ? decimal_round : decimal_truncate)(
                I(t[0]), atoi(t[1]), atoi(t[2]), atoi(t[3]), atoi(t[4]), &r);
        } else if (strcmp(op, "floor") == 0 || strcmp(op, "ceil") == 0) {
            st = (op[0] == 'f' ? decimal_floor : decimal_ceil)(
                I(t[0]), atoi(t[1]), atoi(t[2]), atoi(t[3]), &r);
        } else if (strcmp(op, "dbl") == 0) {
            st = decimal_from_double(strtod(t[0], NULL), atoi(t[1]), atoi(t[2]),
                                     &r);
        } else {
            DecStatus (*fn)(i128, int, i128, int, int, int, i128 *) = NULL;
            if (strcmp(op, "add") == 0)
                fn = decimal_add;
            else if (strcmp(op, "sub") == 0)
                fn = decimal_sub;
            else if (strcmp(op, "mul") == 0)
                fn = decimal_mul;
            else if (strcmp(op, "div") == 0)
                fn = decimal_div;
            else if (strcmp(op, "mod") == 0)
                fn = decimal_mod;
            if (!fn) {
                unit_fail(__FILE__, __LINE__, "line %d: unknown op %s", lineno,
                          op);
                continue;
            }
            st = fn(I(t[0]), atoi(t[1]), I(t[2]), atoi(t[3]), atoi(t[4]),
                    atoi(t[5]), &r);
        }
        if (!got)
            got = status_text(st, r);
        n_cases++;
        if (strcmp(got, want) != 0) {
            if (++n_bad <= 20)
                unit_fail(__FILE__, __LINE__,
                          "decimal_vectors.txt:%d: %s: got %s, want %s", lineno,
                          op, got, want);
        }
    }
    fclose(f);
    UNIT_CHECK(n_cases > 1000);
    UNIT_EQ_INT(n_bad, 0);
}

static const UnitTest decimal_tests[] = {
    {"decimal_parse_format", decimal_parse_format},
    {"decimal_arith_basic", decimal_arith_basic},
    {"decimal_round_funcs", decimal_round_funcs},
    {"decimal_compare_hash", decimal_compare_hash},
    {"decimal_doubles", decimal_doubles},
    {"decimal_vectors", decimal_vectors},
    {NULL, NULL},
};
UNIT_REGISTER(decimal_tests)
