/*
 * types.h - SQL types: the syntactic TypeName written in DDL and CAST, and
 * the semantic SqlType that resolve.c attaches to every expression.
 *
 * Types follow Flink's logical types.  STRING is VARCHAR(2147483647).
 * TIMESTAMP(p) is "without time zone"; TIMESTAMP_LTZ(p) is
 * TIMESTAMP(p) WITH LOCAL TIME ZONE.  A time attribute (rowtime from a
 * WATERMARK, proctime from PROCTIME()) is a TIMESTAMP/TIMESTAMP_LTZ with
 * time_attr set; it prints as Flink prints it: "TIMESTAMP(3) *ROWTIME*".
 *
 * SqlType values live in the compile arena and are immutable once built;
 * share them freely.
 */
#ifndef FSQL_COMPILER_TYPES_H
#define FSQL_COMPILER_TYPES_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"

#define TYPE_KINDS(X)                    \
    X(NULL, "NULL")                      \
    X(BOOLEAN, "BOOLEAN")                \
    X(TINYINT, "TINYINT")                \
    X(SMALLINT, "SMALLINT")              \
    X(INT, "INT")                        \
    X(BIGINT, "BIGINT")                  \
    X(FLOAT, "FLOAT")                    \
    X(DOUBLE, "DOUBLE")                  \
    X(DECIMAL, "DECIMAL")                \
    X(CHAR, "CHAR")                      \
    X(VARCHAR, "VARCHAR")                \
    X(BINARY, "BINARY")                  \
    X(VARBINARY, "VARBINARY")            \
    X(DATE, "DATE")                      \
    X(TIME, "TIME")                      \
    X(TIMESTAMP, "TIMESTAMP")            \
    X(TIMESTAMP_LTZ, "TIMESTAMP_LTZ")    \
    X(INTERVAL_YM, "INTERVAL YEAR TO MONTH") \
    X(INTERVAL_DT, "INTERVAL DAY TO SECOND") \
    X(ARRAY, "ARRAY")                    \
    X(MAP, "MAP")                        \
    X(MULTISET, "MULTISET")              \
    X(ROW, "ROW")                        \
    X(SYMBOL, "SYMBOL")                  \
    X(DESCRIPTOR, "DESCRIPTOR")          \
    X(TABLE, "TABLE")

typedef enum TypeKind {
#define X(k, s) T_##k,
    TYPE_KINDS(X)
#undef X
        T_KIND_COUNT
} TypeKind;

typedef enum TimeAttr { TA_NONE, TA_ROWTIME, TA_PROCTIME } TimeAttr;

#define VARCHAR_MAX 2147483647

typedef struct SqlType SqlType;

typedef struct TypeField {
    Str name;
    SqlType *type;
} TypeField;

struct SqlType {
    TypeKind kind;
    int32_t precision; /* DECIMAL p, CHAR/VARCHAR length, TIME/TIMESTAMP
                          fractional digits; -1 when not applicable */
    int32_t scale;     /* DECIMAL s; 0 otherwise */
    bool is_nullable;
    TimeAttr time_attr;
    SqlType *elem;     /* ARRAY/MULTISET element, MAP key */
    SqlType *value;    /* MAP value */
    uint32_t n_fields; /* ROW */
    TypeField *fields;
};

/* The output schema of a relation (table, view, query, FROM item).  Column
 * names keep the case they were declared with; lookups are
 * case-insensitive. */
typedef struct RelColumn {
    Str name;
    SqlType *type;
    bool is_hidden; /* e.g. METADATA VIRTUAL columns are visible; reserved */
} RelColumn;

typedef struct RelSchema {
    uint32_t n_cols;
    RelColumn *cols; /* arena array */
    /* resolve.c: the schema was computed by a statement with errors (a
     * view still registered so later statements bind against it); plans
     * must not be built from it. */
    bool has_errors;
    /* resolve.c: errors may have hidden columns (e.g. SELECT * over an
     * unknown table); unknown names looked up in it are not reported. */
    bool is_incomplete;
} RelSchema;

/* A type as written in the source (DDL, CAST), with its span. */
typedef struct TypeName {
    SqlType *type;
    SrcSpan at;
} TypeName;

SqlType *type_new(Arena *a, TypeKind k);
SqlType *type_new_decimal(Arena *a, int32_t p, int32_t s);
SqlType *type_new_varchar(Arena *a, int32_t len);
SqlType *type_new_timestamp(Arena *a, TypeKind k, int32_t p);
SqlType *type_copy(Arena *a, const SqlType *t);
SqlType *type_with_nullable(Arena *a, const SqlType *t, bool is_nullable);
SqlType *type_with_time_attr(Arena *a, const SqlType *t, TimeAttr ta);

/* Flink-style text: "DECIMAL(15, 2)", "STRING", "TIMESTAMP(3) *ROWTIME*",
 * "INT NOT NULL", "ARRAY<INT>", "ROW<`a` INT, `b` STRING>". */
const char *type_to_string(Arena *a, const SqlType *t);
const char *type_kind_name(TypeKind k);

bool type_equal(const SqlType *x, const SqlType *y); /* ignores nullability
                                                        and time attrs */
bool type_is_numeric(const SqlType *t);
bool type_is_exact_numeric(const SqlType *t); /* integers and DECIMAL */
bool type_is_integer(const SqlType *t);
bool type_is_string(const SqlType *t);       /* CHAR / VARCHAR */
bool type_is_temporal(const SqlType *t);     /* DATE TIME TIMESTAMP(_LTZ) */
bool type_is_timestamp(const SqlType *t);    /* TIMESTAMP or TIMESTAMP_LTZ */
bool type_is_interval(const SqlType *t);
bool type_is_comparable(const SqlType *x, const SqlType *y);

/* Common type of two operands (CASE branches, UNION, IN lists, comparison
 * operands), or NULL if there is none.  NULL type unifies with anything. */
SqlType *type_common(Arena *a, const SqlType *x, const SqlType *y);

/* Whether a value of type from may be used where to is expected without an
 * explicit CAST (Flink's implicit-cast rules, e.g. INT -> BIGINT -> DECIMAL
 * -> DOUBLE, CHAR -> VARCHAR, anything -> same kind of wider type). */
bool type_can_implicit_cast(const SqlType *from, const SqlType *to);
/* Whether CAST(from AS to) is allowed at all. */
bool type_can_explicit_cast(const SqlType *from, const SqlType *to);

/* Exact DECIMAL arithmetic result types, Flink's rules (precision capped at
 * 38, scale reduced to keep at least 6 fractional digits for division). */
SqlType *type_decimal_add(Arena *a, const SqlType *x, const SqlType *y);
SqlType *type_decimal_mul(Arena *a, const SqlType *x, const SqlType *y);
SqlType *type_decimal_div(Arena *a, const SqlType *x, const SqlType *y);
SqlType *type_decimal_mod(Arena *a, const SqlType *x, const SqlType *y);
/* The DECIMAL that exactly holds an integer type (INT -> DECIMAL(10,0)). */
SqlType *type_integer_as_decimal(Arena *a, const SqlType *t);

#endif
