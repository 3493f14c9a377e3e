/*
 * decimal.h - exact DECIMAL(p, s) arithmetic on 128-bit unscaled integers.
 *
 * A DECIMAL value is an unscaled i128 `v` plus a scale `s` that the caller
 * keeps (RtType.scale): the number is v * 10^-s.  Precision p <= 38, so
 * |v| < 10^38 always fits an i128.  No binary floating point is used by
 * any function here except the explicit double conversions.
 *
 * Every operation that produces a DECIMAL takes the result's (p, s) from
 * the caller (the compiler derives Flink's result types), rounds HALF_UP
 * to s fractional digits (Java's RoundingMode.HALF_UP: ties away from
 * zero) and checks that the result has at most p digits.  On overflow it
 * returns DEC_OVERFLOW, which Flink turns into NULL; the output is then
 * left unchanged.  Intermediates use 256 bits where 128 could overflow.
 */
#ifndef FSQL_RUNTIME_DECIMAL_H
#define FSQL_RUNTIME_DECIMAL_H

#include "runtime/fsql.h"
#include "runtime/str.h"
#include "runtime/value.h"

#define DEC_MAX_PRECISION 38
/* Longest text decimal_format() writes: sign, 38 digits, point, a leading
 * "0" when |v| < 1, and the terminating NUL. */
#define DEC_FORMAT_MAX 48

typedef enum DecStatus {
    DEC_OK = 0,
    DEC_SYNTAX = -1,   /* not a number */
    DEC_OVERFLOW = -2, /* does not fit DECIMAL(p, s) (Flink: NULL) */
    DEC_DIVZERO = -3   /* division or modulo by zero */
} DecStatus;

/* 10^n for 0 <= n <= 38. */
i128 decimal_pow10(int n);

/* Whether |v| < 10^p (v has at most p digits). */
bool decimal_fits(i128 v, int precision);

/* Number of decimal digits of |v| (1 for 0). */
int decimal_digits(i128 v);

/* Parse text into DECIMAL(p, s), rounding HALF_UP.  Accepts optional
 * surrounding ASCII blanks, a sign, digits with an optional point
 * ("-123.4500", ".5", "5."), and an exponent ("1.5E+2", "1e-3") as JSON
 * numbers and Java's BigDecimal allow.  Exact for any length of input. */
DecStatus decimal_parse(const char *s, size_t n, int p, int scale, i128 *out);

/* Text with exactly `scale` fraction digits: 5 at scale 2 is "5.00",
 * -0.5 is "-0.50"; scale 0 prints no point.  buf must hold DEC_FORMAT_MAX
 * bytes; NUL-terminated; returns the length. */
size_t decimal_format(char *buf, i128 v, int scale);
void decimal_append(StrBuf *sb, i128 v, int scale);

/* CAST between DECIMAL types (HALF_UP). */
DecStatus decimal_rescale(i128 v, int from_scale, int p, int scale, i128 *out);

/* a (scale as) op b (scale bs) -> DECIMAL(p, s). */
DecStatus decimal_add(i128 a, int as, i128 b, int bs, int p, int s, i128 *out);
DecStatus decimal_sub(i128 a, int as, i128 b, int bs, int p, int s, i128 *out);
DecStatus decimal_mul(i128 a, int as, i128 b, int bs, int p, int s, i128 *out);
/* Division as Flink computes it: the quotient rounded HALF_UP to 38
 * significant digits, then HALF_UP to s fraction digits. */
DecStatus decimal_div(i128 a, int as, i128 b, int bs, int p, int s, i128 *out);
/* Remainder with the sign of the dividend (BigDecimal.remainder). */
DecStatus decimal_mod(i128 a, int as, i128 b, int bs, int p, int s, i128 *out);

/* Integers.  decimal_to_i64 truncates toward zero (CAST to BIGINT);
 * DEC_OVERFLOW when the integer part does not fit int64. */
DecStatus decimal_from_i64(int64_t x, int p, int s, i128 *out);
DecStatus decimal_to_i64(i128 v, int scale, int64_t *out);

/* Doubles: only for explicit CASTs and mixed DECIMAL/DOUBLE arithmetic.
 * decimal_from_double goes through the shortest decimal text that
 * round-trips the double (Java's BigDecimal.valueOf(double)); NaN and
 * infinities give DEC_SYNTAX. */
double decimal_to_double(i128 v, int scale);
DecStatus decimal_from_double(double d, int p, int s, i128 *out);

/* Shortest decimal digits that read back as d (finite, nonzero): writes
 * 1..17 digits (no sign, no point, no NUL) into digits[] and sets *exp10
 * so that |d| = 0.DIGITS * 10^exp10; returns the digit count.  Among
 * the shortest candidates the one closest to d wins (Java's
 * Double.toString rule).  With is_float the digits read back as
 * (float)d (Float.toString). */
int decimal_shortest_digits(double d, bool is_float, char *digits, int *exp10);

/* Numeric comparison across scales: -1, 0, 1. */
int decimal_cmp(i128 a, int as, i128 b, int bs);
/* Hash of the numeric value: equal for 1.5 (scale 1) and 1.50 (scale 2). */
uint64_t decimal_hash(i128 v, int scale);

/* Sign and magnitude (same scale; abs of the minimum cannot overflow since
 * |v| < 10^38). */
static inline i128 decimal_negate(i128 v)
{
    return -v;
}
static inline i128 decimal_abs(i128 v)
{
    return v < 0 ? -v : v;
}
static inline int decimal_sign(i128 v)
{
    return (v > 0) - (v < 0);
}

/* ROUND(x, n) (HALF_UP) and TRUNCATE(x, n) (toward zero) to n fraction
 * digits (n may be negative: ROUND(1250, -2) = 1300), the result
 * represented as DECIMAL(p, s). */
DecStatus decimal_round(i128 v, int scale, int n, int p, int s, i128 *out);
DecStatus decimal_truncate(i128 v, int scale, int n, int p, int s, i128 *out);
/* FLOOR / CEIL to an integral value, represented as DECIMAL(p, s)
 * (normally s = 0). */
DecStatus decimal_floor(i128 v, int scale, int p, int s, i128 *out);
DecStatus decimal_ceil(i128 v, int scale, int p, int s, i128 *out);

#endif
