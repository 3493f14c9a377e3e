/*
 * textconv.h - text to typed Value conversion shared by the json and csv
 * formats (and usable by CAST from STRING).
 *
 * Each function reads a (ptr, len) byte range that need not be
 * NUL-terminated, never allocates except where it says so, and returns
 * NULL on success or a static reason phrase ("not an integer", "out of
 * range for INT") that the format puts into its error message.  The
 * accepted forms follow Flink's JSON and CSV formats, which read values
 * with Java's parsers after trimming blanks:
 *   integers   [+-]digits, range checked against TINYINT..BIGINT, exact
 *              over the whole int64 range (no double in between)
 *   DOUBLE     a decimal number with optional fraction and exponent, or
 *              NaN / Infinity / -Infinity; correctly rounded (fast exact
 *              path, else strtod_l in the C locale, never the process
 *              locale)
 *   DECIMAL    decimal_parse(): exact, HALF_UP to the column scale;
 *              overflow is an error here (Flink silently makes it NULL)
 *   BOOLEAN    true / false in any letter case
 *   DATE TIME  timeutil's parsers
 *   TIMESTAMP  'yyyy-mm-dd hh:mm:ss[.fff]', ISO-8601 with 'T' and an
 *              optional zone suffix (dropped: the wall clock is kept as
 *              written), or an integer of epoch milliseconds
 *   TIMESTAMP_LTZ  the same; a zone suffix gives the instant, text
 *              without one is read in the session zone, integers are
 *              epoch milliseconds
 *   BYTES      base64 (RFC 4648, padding optional), decoded into the arena
 */
#ifndef FSQL_RUNTIME_TEXTCONV_H
#define FSQL_RUNTIME_TEXTCONV_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/timeutil.h"
#include "runtime/value.h"

/* Inclusive range of the integer column type t (TINYINT..BIGINT by
 * t->sql_kind; BIGINT when sql_kind is not an integer kind). */
void textconv_int_range(const RtType *t, int64_t *min, int64_t *max);

const char *textconv_int(const RtType *t, const char *p, size_t n,
                         int64_t *out);
const char *textconv_double(const char *p, size_t n, double *out);
const char *textconv_bool(const char *p, size_t n, bool *out);
const char *textconv_decimal(const RtType *t, const char *p, size_t n,
                             i128 *out);

/* Convert text to a value of type t (any kind).  STRING values become a
 * view of p (the caller decides about lifetime); BYTES are decoded into
 * arena a.  tz (may be NULL: UTC) reads zone-less TIMESTAMP_LTZ text. */
const char *textconv_value(const RtType *t, const char *p, size_t n, Arena *a,
                           const TimeZone *tz, Value *v);

/* Base64 helpers (BYTES in JSON and CSV).  decode writes at most
 * n / 4 * 3 + 2 bytes to dst; returns false on bad input. */
bool textconv_base64_decode(const char *p, size_t n, char *dst,
                            size_t *dst_len);

#endif
