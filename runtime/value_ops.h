/*
 * value_ops.h - formatting, comparison, hashing and copying of Values.
 *
 * Every function takes the column's RtType, because a Value carries only
 * a storage kind: the DECIMAL scale, FLOAT vs DOUBLE and the TIMESTAMP
 * precision live in the type.  Text output never calls snprintf for
 * integers, decimals or temporal values.
 *
 * docs/types.md has the full table of text forms per type and style.
 */
#ifndef FSQL_RUNTIME_VALUE_OPS_H
#define FSQL_RUNTIME_VALUE_OPS_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/timeutil.h"
#include "runtime/value.h"

/* RtType.sql_kind values the runtime looks at.  They mirror TypeKind of
 * compiler/types.h (which the runtime cannot include); codegen should
 * _Static_assert that they agree. */
#define RT_SQL_TINYINT 2
#define RT_SQL_SMALLINT 3
#define RT_SQL_INT 4
#define RT_SQL_BIGINT 5
#define RT_SQL_FLOAT 6
#define RT_SQL_DOUBLE 7
#define RT_SQL_CHAR 9
#define RT_SQL_MAP 20 /* stored as VK_BYTES, see value_map.h */

/* Text styles for value_format.
 *   VALUE_STYLE_SQL    CAST(v AS STRING) as Flink's SQL client shows it
 *                      (the DESIGN.md stdout forms): TRUE/FALSE, DECIMAL
 *                      plain, TIMESTAMP "2024-01-01 10:00:00.000",
 *                      TIMESTAMP_LTZ in the session zone, INTERVAL
 *                      "+1 02:00:00.000" / "+1-02", BYTES x'0a1b', NULL
 *                      as "<NULL>".
 *   VALUE_STYLE_PRINT  Flink's print connector, i.e. Row.toString of the
 *                      Java objects: true/false, BigDecimal.toString
 *                      (0E-10 for a zero with scale 10), LocalDateTime
 *                      "2024-01-01T10:00" / "...T10:00:00.123",
 *                      TIMESTAMP_LTZ as an Instant in UTC
 *                      "2024-01-01T02:00:00Z", Duration "PT1H", Period
 *                      "P1Y2M", BYTES "[1, 2]", NULL as "null". */
typedef enum ValueStyle { VALUE_STYLE_SQL, VALUE_STYLE_PRINT } ValueStyle;

/* Formatting context.  tz: session time zone for TIMESTAMP_LTZ (NULL means
 * UTC); null_text overrides the style's NULL text when not NULL (CSV
 * writers pass ""). */
typedef struct ValueFmt {
    const TimeZone *tz;
    ValueStyle style;
    const char *null_text;
    /* JSON objects of MAP values (json.map-null-key.*): a NULL key is
     * left out when map_null_drop, else written as map_null_key (NULL:
     * "null"). */
    bool map_null_drop;
    const char *map_null_key;
} ValueFmt;

/* Append v as text (print connector, changelog/table/csv output).  f may
 * be NULL: SQL style, UTC. */
void value_format(StrBuf *out, const Value *v, const RtType *t,
                  const ValueFmt *f);
/* Append v as a JSON literal: strings quoted and escaped, DECIMAL as a
 * plain number with its scale (2.50), DOUBLE as Java prints it (1.0E10;
 * NaN/Infinity as strings), DATE "2024-01-01", TIME "10:00:00",
 * TIMESTAMP "2024-01-01 10:00:00.000", TIMESTAMP_LTZ in UTC with a Z
 * ("2024-01-01 02:00:00.000Z", Flink's json format), BYTES base64,
 * intervals as numbers (ms / months), NULL as null.  f may be NULL. */
void value_format_json(StrBuf *out, const Value *v, const RtType *t,
                       const ValueFmt *f);
/* Append a JSON string literal with escapes ("\"", "\\", control chars). */
void value_json_escape(StrBuf *out, const char *p, size_t n);

/* Append a double as Java's Double.toString prints it (shortest digits
 * that read back to the same double); FLOAT as Float.toString. */
void value_format_double(StrBuf *out, double d);
void value_format_float(StrBuf *out, float f);
/* Append a 64-bit integer in decimal; returns nothing, never snprintf. */
void value_format_i64(StrBuf *out, int64_t x);
/* Write x in decimal into buf (>= 21 bytes, not NUL-terminated); returns
 * the length. */
size_t value_i64_to_chars(char *buf, int64_t x);

/* Total order within one type: NULL sorts first (as lowest); DOUBLE NaN
 * sorts above every number (Java's Double.compare); strings compare
 * bytewise (UTF-8 code point order).  Returns -1, 0 or 1. */
int value_compare(const Value *a, const Value *b, const RtType *t);
/* Equality for grouping and joins: NULL equals NULL here (grouping
 * semantics; SQL '=' handles NULL before calling). */
bool value_equal(const Value *a, const Value *b, const RtType *t);
/* Hash consistent with value_equal (DECIMAL hashes its numeric value,
 * +0.0 and -0.0 hash alike, all NaNs alike). */
uint64_t value_hash(const Value *v, const RtType *t);
/* Compare/equal/hash two values of DECIMAL columns with different scales
 * (e.g. a join key DECIMAL(10,2) = DECIMAL(12,4)). */
int value_compare_dec(const Value *a, int as, const Value *b, int bs);

/* Append p[0..n) as UTF-8 text: valid sequences as they are, each byte
 * of an invalid one as U+FFFD (Java's new String(bytes, UTF_8), i.e.
 * Flink's CAST(BYTES AS STRING)).  Returns whether p was valid. */
bool value_append_utf8_lenient(StrBuf *out, const char *p, size_t n);

/* Copy src to dst, copying string/bytes payloads into arena a (state
 * promotion).  Empty strings get no allocation. */
void value_copy_to(Arena *a, Value *dst, const Value *src);

#endif
