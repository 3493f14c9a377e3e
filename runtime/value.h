/*
 * value.h - run-time values, row schemas and batches.
 *
 * Types are settled by the compiler, so a Value carries no SQL type of its
 * own beyond a storage kind (kept for debugging and generic formatting); the
 * operator that reads a column knows its RtType from the RtSchema.
 *
 * Storage per kind:
 *   VK_BOOL      u.i (0/1)
 *   VK_INT       u.i  TINYINT, SMALLINT, INT, BIGINT (range checked by the
 *                     writer against the declared type)
 *   VK_DOUBLE    u.f  FLOAT, DOUBLE
 *   VK_DECIMAL   u.d  unscaled 128-bit integer; the scale is the column's
 *                     (RtType.scale) - no binary floating point anywhere
 *   VK_STRING    u.s  UTF-8 bytes; borrowed (batch arena, state arena, or a
 *                     source buffer that lives until batch end)
 *   VK_BYTES     u.s  also MAP values: RtType.sql_kind RT_SQL_MAP, u.s an
 *                     immutable encoded block (runtime/value_map.h), so
 *                     they are copied, hashed and checkpointed as bytes
 *   VK_DATE      u.i  days since 1970-01-01
 *   VK_TIME      u.i  milliseconds since midnight
 *   VK_TIMESTAMP u.i  TIMESTAMP(p): milliseconds since 1970-01-01 00:00 of
 *                     the wall clock, no zone (as if UTC)
 *   VK_TIMESTAMP_LTZ u.i  an instant: epoch milliseconds (UTC)
 *   VK_INTERVAL_MS   u.i  day-time interval in milliseconds
 *   VK_INTERVAL_MONTHS u.i year-month interval in months
 *
 * A Value is 24 bytes (16 for the payload, which a 128-bit DECIMAL needs,
 * plus kind and null flag).  Values are plain data: copying one copies a
 * string *view*; promote strings into state memory with value_copy_to().
 */
#ifndef FSQL_RUNTIME_VALUE_H
#define FSQL_RUNTIME_VALUE_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

typedef enum ValueKind {
    VK_NULLTYPE,
    VK_BOOL,
    VK_INT,
    VK_DOUBLE,
    VK_DECIMAL,
    VK_STRING,
    VK_BYTES,
    VK_DATE,
    VK_TIME,
    VK_TIMESTAMP,
    VK_TIMESTAMP_LTZ,
    VK_INTERVAL_MS,
    VK_INTERVAL_MONTHS
} ValueKind;

typedef struct Value {
    union {
        int64_t i;
        double f;
        struct {
            uint64_t lo; /* low 64 bits of the two's complement i128 */
            int64_t hi;  /* high 64 bits */
        } d;
        struct {
            const char *ptr; /* borrowed, see the header comment */
            uint32_t len;    /* bytes */
        } s;
    } u;
    uint8_t kind;    /* ValueKind */
    bool is_null;
} Value;

_Static_assert(sizeof(Value) <= 24, "Value must stay within 24 bytes");

static inline i128 value_get_dec(const Value *v)
{
    return (i128)(((u128)(uint64_t)v->u.d.hi << 64) | (u128)v->u.d.lo);
}

static inline void value_set_dec(Value *v, i128 x)
{
    v->kind = VK_DECIMAL;
    v->is_null = false;
    v->u.d.lo = (uint64_t)(u128)x;
    v->u.d.hi = (int64_t)(uint64_t)((u128)x >> 64);
}

static inline Value value_null(ValueKind k)
{
    Value v;
    v.u.d.lo = 0;
    v.u.d.hi = 0;
    v.kind = (uint8_t)k;
    v.is_null = true;
    return v;
}

/* The run-time description of a column type: what the compiler's SqlType
 * becomes in a Program. */
typedef struct RtType {
    ValueKind kind;
    uint8_t sql_kind;  /* TypeKind of compiler/types.h, for formatting
                          (e.g. INT vs BIGINT range, CHAR padding) */
    int32_t precision; /* DECIMAL p, VARCHAR n, TIMESTAMP p; -1 n/a */
    int32_t scale;     /* DECIMAL s */
    bool is_nullable;
} RtType;

typedef struct RtColumn {
    const char *name; /* Program arena */
    RtType type;
} RtColumn;

typedef struct RtSchema {
    uint32_t n_cols;
    RtColumn *cols; /* Program arena */
} RtSchema;

#endif
