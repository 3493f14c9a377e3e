/*
 * types.c - SQL types: construction, Flink-style printing, and the type
 * rules the binder relies on (common supertype, implicit and explicit
 * casts, exact DECIMAL result types).
 *
 * The rules follow Flink's logical type system:
 *  - common type (CASE, UNION, IN, comparisons): numerics widen
 *    TINYINT < SMALLINT < INT < BIGINT < DECIMAL < FLOAT < DOUBLE, where a
 *    DECIMAL mixed with an approximate type gives DOUBLE and an integer
 *    mixed with a DECIMAL gives a DECIMAL wide enough for the integer's
 *    digits; CHAR/VARCHAR give VARCHAR of the longer length; the TIMESTAMP
 *    family gives the larger precision (TIMESTAMP_LTZ if either side is);
 *    NULL unifies with anything and makes the result nullable.  Time
 *    attributes never survive into a common type.
 *  - implicit casts are the lossless widenings above; a string is never
 *    implicitly a number.
 *  - DECIMAL arithmetic: see the comment above adjust_decimal().
 *
 * Nullability is ignored by the cast predicates: fsql checks NOT NULL
 * columns at run time, as Flink's sink NOT NULL enforcer does.
 */
#include "runtime/fsql.h"
#include "compiler/types.h"

#include <string.h>

#define DEC_MAX_PRECISION 38
#define DEC_MIN_ADJUSTED_SCALE 6

static const char *const kind_names[] = {
#define X(k, s) s,
    TYPE_KINDS(X)
#undef X
};

const char *type_kind_name(TypeKind k)
{
    if ((unsigned)k >= (unsigned)T_KIND_COUNT)
        return "?";
    return kind_names[k];
}

/* ---- construction --------------------------------------------------- */

SqlType *type_new(Arena *a, TypeKind k)
{
    SqlType *t = ARENA_NEW(a, SqlType);
    t->kind = k;
    t->precision = -1;
    t->scale = 0;
    t->is_nullable = true;
    t->time_attr = TA_NONE;
    switch (k) {
    case T_DECIMAL:
        t->precision = 10;
        break;
    case T_CHAR:
    case T_BINARY:
        t->precision = 1;
        break;
    case T_VARCHAR:
    case T_VARBINARY:
        t->precision = VARCHAR_MAX;
        break;
    case T_TIME:
        t->precision = 0;
        break;
    case T_TIMESTAMP:
    case T_TIMESTAMP_LTZ:
        t->precision = 6;
        break;
    case T_INTERVAL_DT:
        t->precision = 3;
        break;
    default:
        break;
    }
    return t;
}

SqlType *type_new_decimal(Arena *a, int32_t p, int32_t s)
{
    SqlType *t = type_new(a, T_DECIMAL);
    t->precision = p;
    t->scale = s;
    return t;
}

SqlType *type_new_varchar(Arena *a, int32_t len)
{
    SqlType *t = type_new(a, T_VARCHAR);
    t->precision = len;
    return t;
}

SqlType *type_new_timestamp(Arena *a, TypeKind k, int32_t p)
{
    FSQL_ASSERT(k == T_TIMESTAMP || k == T_TIMESTAMP_LTZ || k == T_TIME);
    SqlType *t = type_new(a, k);
    t->precision = p;
    return t;
}

SqlType *type_copy(Arena *a, const SqlType *t)
{
    SqlType *c = ARENA_NEW(a, SqlType);
    *c = *t;
    if (t->n_fields) {
        c->fields = ARENA_NEW_ARRAY(a, TypeField, t->n_fields);
        memcpy(c->fields, t->fields, sizeof(TypeField) * t->n_fields);
    }
    return c;
}

SqlType *type_with_nullable(Arena *a, const SqlType *t, bool is_nullable)
{
    SqlType *c = type_copy(a, t);
    c->is_nullable = is_nullable;
    return c;
}

SqlType *type_with_time_attr(Arena *a, const SqlType *t, TimeAttr ta)
{
    SqlType *c = type_copy(a, t);
    c->time_attr = ta;
    return c;
}

/* ---- printing ----------------------------------------------------------- */

static void put_type(StrBuf *sb, const SqlType *t);

static void put_field_name(StrBuf *sb, Str name)
{
    strbuf_putc(sb, '`');
    for (size_t i = 0; i < name.len; i++) {
        if (name.ptr[i] == '`')
            strbuf_putc(sb, '`');
        strbuf_putc(sb, name.ptr[i]);
    }
    strbuf_putc(sb, '`');
}

static void put_base(StrBuf *sb, const SqlType *t)
{
    switch (t->kind) {
    case T_DECIMAL:
        strbuf_printf(sb, "DECIMAL(%d, %d)", (int)t->precision, (int)t->scale);
        break;
    case T_CHAR:
        strbuf_printf(sb, "CHAR(%d)", (int)t->precision);
        break;
    case T_VARCHAR:
        if (t->precision == VARCHAR_MAX || t->precision < 0)
            strbuf_puts(sb, "STRING");
        else
            strbuf_printf(sb, "VARCHAR(%d)", (int)t->precision);
        break;
    case T_BINARY:
        strbuf_printf(sb, "BINARY(%d)", (int)t->precision);
        break;
    case T_VARBINARY:
        if (t->precision == VARCHAR_MAX || t->precision < 0)
            strbuf_puts(sb, "BYTES");
        else
            strbuf_printf(sb, "VARBINARY(%d)", (int)t->precision);
        break;
    case T_TIME:
        strbuf_printf(sb, "TIME(%d)", t->precision < 0 ? 0 : (int)t->precision);
        break;
    case T_TIMESTAMP:
        strbuf_printf(sb, "TIMESTAMP(%d)",
                      t->precision < 0 ? 6 : (int)t->precision);
        break;
    case T_TIMESTAMP_LTZ:
        strbuf_printf(sb, "TIMESTAMP_LTZ(%d)",
                      t->precision < 0 ? 6 : (int)t->precision);
        break;
    case T_INTERVAL_YM:
        strbuf_puts(sb, "INTERVAL YEAR(2) TO MONTH");
        break;
    case T_INTERVAL_DT:
        strbuf_printf(sb, "INTERVAL DAY(2) TO SECOND(%d)",
                      t->precision < 0 ? 3 : (int)t->precision);
        break;
    case T_ARRAY:
    case T_MULTISET:
        strbuf_puts(sb, t->kind == T_ARRAY ? "ARRAY<" : "MULTISET<");
        if (t->elem)
            put_type(sb, t->elem);
        strbuf_putc(sb, '>');
        break;
    case T_MAP:
        strbuf_puts(sb, "MAP<");
        if (t->elem)
            put_type(sb, t->elem);
        strbuf_puts(sb, ", ");
        if (t->value)
            put_type(sb, t->value);
        strbuf_putc(sb, '>');
        break;
    case T_ROW:
        strbuf_puts(sb, "ROW<");
        for (uint32_t i = 0; i < t->n_fields; i++) {
            if (i)
                strbuf_puts(sb, ", ");
            put_field_name(sb, t->fields[i].name);
            strbuf_putc(sb, ' ');
            put_type(sb, t->fields[i].type);
        }
        strbuf_putc(sb, '>');
        break;
    default:
        strbuf_puts(sb, type_kind_name(t->kind));
        break;
    }
}

static void put_type(StrBuf *sb, const SqlType *t)
{
    put_base(sb, t);
    if (!t->is_nullable && t->kind != T_NULL)
        strbuf_puts(sb, " NOT NULL");
    if (t->time_attr == TA_ROWTIME)
        strbuf_puts(sb, " *ROWTIME*");
    else if (t->time_attr == TA_PROCTIME)
        strbuf_puts(sb, " *PROCTIME*");
}

const char *type_to_string(Arena *a, const SqlType *t)
{
    if (!t)
        return "<unknown>";
    StrBuf sb;
    strbuf_init(&sb);
    put_type(&sb, t);
    const char *s = arena_strndup(a, strbuf_cstr(&sb), sb.len);
    strbuf_fini(&sb);
    return s;
}

/* ---- predicates ------------------------------------------------------- */

bool type_equal(const SqlType *x, const SqlType *y)
{
    if (x == y)
        return true;
    if (!x || !y || x->kind != y->kind)
        return false;
    switch (x->kind) {
    case T_DECIMAL:
        return x->precision == y->precision && x->scale == y->scale;
    case T_CHAR:
    case T_VARCHAR:
    case T_BINARY:
    case T_VARBINARY:
    case T_TIME:
    case T_TIMESTAMP:
    case T_TIMESTAMP_LTZ:
    case T_INTERVAL_DT:
        return x->precision == y->precision;
    case T_ARRAY:
    case T_MULTISET:
        return type_equal(x->elem, y->elem);
    case T_MAP:
        return type_equal(x->elem, y->elem) && type_equal(x->value, y->value);
    case T_ROW:
        if (x->n_fields != y->n_fields)
            return false;
        for (uint32_t i = 0; i < x->n_fields; i++)
            if (!str_ieq(x->fields[i].name, y->fields[i].name) ||
                !type_equal(x->fields[i].type, y->fields[i].type))
                return false;
        return true;
    default:
        return true;
    }
}

bool type_is_integer(const SqlType *t)
{
    return t && (t->kind == T_TINYINT || t->kind == T_SMALLINT ||
                 t->kind == T_INT || t->kind == T_BIGINT);
}

bool type_is_exact_numeric(const SqlType *t)
{
    return type_is_integer(t) || (t && t->kind == T_DECIMAL);
}

bool type_is_numeric(const SqlType *t)
{
    return type_is_exact_numeric(t) ||
           (t && (t->kind == T_FLOAT || t->kind == T_DOUBLE));
}

bool type_is_string(const SqlType *t)
{
    return t && (t->kind == T_CHAR || t->kind == T_VARCHAR);
}

static bool is_binary(const SqlType *t)
{
    return t && (t->kind == T_BINARY || t->kind == T_VARBINARY);
}

bool type_is_timestamp(const SqlType *t)
{
    return t && (t->kind == T_TIMESTAMP || t->kind == T_TIMESTAMP_LTZ);
}

bool type_is_temporal(const SqlType *t)
{
    return t &&
           (t->kind == T_DATE || t->kind == T_TIME || type_is_timestamp(t));
}

bool type_is_interval(const SqlType *t)
{
    return t && (t->kind == T_INTERVAL_YM || t->kind == T_INTERVAL_DT);
}

/* Comparable operands: the same family (numbers, strings, binary, the
 * timestamp family, DATE, TIME, BOOLEAN, one interval kind), NULL with
 * anything, a DATE with a timestamp (the DATE is widened to midnight),
 * and a string with a temporal value (the string is cast, as Flink does
 * for `ts > '2024-01-01 00:00:00'`). */
bool type_is_comparable(const SqlType *x, const SqlType *y)
{
    if (!x || !y)
        return false;
    if (x->kind == T_NULL || y->kind == T_NULL)
        return true;
    if (type_is_numeric(x) && type_is_numeric(y))
        return true;
    if (type_is_string(x) && type_is_string(y))
        return true;
    if (is_binary(x) && is_binary(y))
        return true;
    if (type_is_timestamp(x) && type_is_timestamp(y))
        return true;
    if ((x->kind == T_DATE && type_is_timestamp(y)) ||
        (type_is_timestamp(x) && y->kind == T_DATE))
        return true;
    if ((type_is_string(x) && type_is_temporal(y)) ||
        (type_is_temporal(x) && type_is_string(y)))
        return true;
    if (x->kind == T_ARRAY && y->kind == T_ARRAY)
        return type_is_comparable(x->elem, y->elem);
    if (x->kind == T_ROW && y->kind == T_ROW) {
        if (x->n_fields != y->n_fields)
            return false;
        for (uint32_t i = 0; i < x->n_fields; i++)
            if (!type_is_comparable(x->fields[i].type, y->fields[i].type))
                return false;
        return true;
    }
    return x->kind == y->kind && x->kind != T_MAP && x->kind != T_MULTISET;
}

/* ---- DECIMAL rules ------------------------------------------------------ */

/* Digits an integer type needs: TINYINT 3, SMALLINT 5, INT 10, BIGINT 19. */
static int32_t int_digits(TypeKind k)
{
    switch (k) {
    case T_TINYINT:
        return 3;
    case T_SMALLINT:
        return 5;
    case T_INT:
        return 10;
    case T_BIGINT:
        return 19;
    default:
        return 0;
    }
}

SqlType *type_integer_as_decimal(Arena *a, const SqlType *t)
{
    if (t->kind == T_DECIMAL)
        return type_with_nullable(a, t, t->is_nullable);
    SqlType *d = type_new_decimal(a, int_digits(t->kind), 0);
    d->is_nullable = t->is_nullable;
    return d;
}

static void dec_ps(const SqlType *t, int32_t *p, int32_t *s)
{
    if (t->kind == T_DECIMAL) {
        *p = t->precision;
        *s = t->scale;
    } else {
        *p = int_digits(t->kind);
        *s = 0;
    }
}

/* Bring a derived (precision, scale) within DECIMAL(38).  When the exact
 * result would need more than 38 digits, the integral part is kept and the
 * scale shrinks, but never below min(scale, 6) fractional digits (Flink's
 * rule, which follows Hive/Spark rather than SQL Server):
 * DECIMAL(39, 8) becomes DECIMAL(38, 7). */
static SqlType *adjust_decimal(Arena *a, int32_t p, int32_t s, bool nullable)
{
    if (p > DEC_MAX_PRECISION) {
        int32_t int_part = p - s;
        int32_t min_scale =
            s < DEC_MIN_ADJUSTED_SCALE ? s : DEC_MIN_ADJUSTED_SCALE;
        int32_t adj = DEC_MAX_PRECISION - int_part;
        if (adj < min_scale)
            adj = min_scale;
        p = DEC_MAX_PRECISION;
        s = adj;
    }
    if (s > p)
        s = p;
    SqlType *t = type_new_decimal(a, p, s);
    t->is_nullable = nullable;
    return t;
}

static int32_t max32(int32_t x, int32_t y)
{
    return x > y ? x : y;
}
static int32_t min32(int32_t x, int32_t y)
{
    return x < y ? x : y;
}

/* x + y and x - y: scale max(s1, s2), integral digits max(d1, d2) + 1. */
SqlType *type_decimal_add(Arena *a, const SqlType *x, const SqlType *y)
{
    int32_t p1, s1, p2, s2;
    dec_ps(x, &p1, &s1);
    dec_ps(y, &p2, &s2);
    int32_t s = max32(s1, s2);
    int32_t p = max32(p1 - s1, p2 - s2) + s + 1;
    return adjust_decimal(a, p, s, x->is_nullable || y->is_nullable);
}

/* x * y: precision p1 + p2 + 1, scale s1 + s2 (current Flink; older
 * releases used p1 + p2). */
SqlType *type_decimal_mul(Arena *a, const SqlType *x, const SqlType *y)
{
    int32_t p1, s1, p2, s2;
    dec_ps(x, &p1, &s1);
    dec_ps(y, &p2, &s2);
    return adjust_decimal(a, p1 + p2 + 1, s1 + s2,
                          x->is_nullable || y->is_nullable);
}

/* x / y: scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale.
 * Division by zero yields NULL at run time, so the result is nullable. */
SqlType *type_decimal_div(Arena *a, const SqlType *x, const SqlType *y)
{
    int32_t p1, s1, p2, s2;
    dec_ps(x, &p1, &s1);
    dec_ps(y, &p2, &s2);
    int32_t s = max32(DEC_MIN_ADJUSTED_SCALE, s1 + p2 + 1);
    int32_t p = p1 - s1 + s2 + s;
    return adjust_decimal(a, p, s, true);
}

/* x % y: scale max(s1, s2), precision min(d1, d2) + scale. */
SqlType *type_decimal_mod(Arena *a, const SqlType *x, const SqlType *y)
{
    int32_t p1, s1, p2, s2;
    dec_ps(x, &p1, &s1);
    dec_ps(y, &p2, &s2);
    int32_t s = max32(s1, s2);
    int32_t p = min32(p1 - s1, p2 - s2) + s;
    if (p < 1)
        p = 1;
    return adjust_decimal(a, p, s, true);
}

/* ---- common type ---------------------------------------------------------- */

/* Rank of the numeric kinds for widening; 0 for non-numerics. */
static int num_rank(TypeKind k)
{
    switch (k) {
    case T_TINYINT:
        return 1;
    case T_SMALLINT:
        return 2;
    case T_INT:
        return 3;
    case T_BIGINT:
        return 4;
    case T_DECIMAL:
        return 5;
    case T_FLOAT:
        return 6;
    case T_DOUBLE:
        return 7;
    default:
        return 0;
    }
}

static SqlType *common_numeric(Arena *a, const SqlType *x, const SqlType *y)
{
    bool x_approx = x->kind == T_FLOAT || x->kind == T_DOUBLE;
    bool y_approx = y->kind == T_FLOAT || y->kind == T_DOUBLE;
    if (x_approx || y_approx) {
        /* DECIMAL with an approximate type is DOUBLE; an integer with
         * FLOAT stays FLOAT. */
        if (x->kind == T_DOUBLE || y->kind == T_DOUBLE ||
            x->kind == T_DECIMAL || y->kind == T_DECIMAL)
            return type_new(a, T_DOUBLE);
        return type_new(a, T_FLOAT);
    }
    if (x->kind != T_DECIMAL && y->kind != T_DECIMAL)
        return type_new(a, num_rank(x->kind) >= num_rank(y->kind) ? x->kind
                                                                  : y->kind);
    int32_t p1, s1, p2, s2;
    dec_ps(x, &p1, &s1);
    dec_ps(y, &p2, &s2);
    int32_t d = min32(max32(p1 - s1, p2 - s2), DEC_MAX_PRECISION);
    int32_t s = min32(max32(s1, s2), DEC_MAX_PRECISION - d);
    return type_new_decimal(a, d + s, s);
}

static SqlType *common_inner(Arena *a, const SqlType *x, const SqlType *y);

SqlType *type_common(Arena *a, const SqlType *x, const SqlType *y)
{
    if (!x || !y)
        return NULL;
    SqlType *r = common_inner(a, x, y);
    if (!r)
        return NULL;
    if (r == x || r == y)
        r = type_copy(a, r);
    r->is_nullable = x->is_nullable || y->is_nullable || x->kind == T_NULL ||
                     y->kind == T_NULL;
    r->time_attr = TA_NONE;
    return r;
}

static SqlType *common_inner(Arena *a, const SqlType *x, const SqlType *y)
{
    if (x->kind == T_NULL)
        return type_copy(a, y);
    if (y->kind == T_NULL)
        return type_copy(a, x);
    if (type_is_numeric(x) && type_is_numeric(y))
        return common_numeric(a, x, y);
    if ((type_is_string(x) && type_is_string(y)) ||
        (is_binary(x) && is_binary(y))) {
        int32_t len = max32(x->precision, y->precision);
        bool is_var = x->kind == T_VARCHAR || y->kind == T_VARCHAR ||
                      x->kind == T_VARBINARY || y->kind == T_VARBINARY ||
                      x->precision != y->precision;
        TypeKind k;
        if (type_is_string(x))
            k = is_var ? T_VARCHAR : T_CHAR;
        else
            k = is_var ? T_VARBINARY : T_BINARY;
        SqlType *t = type_new(a, k);
        t->precision = len;
        return t;
    }
    if (type_is_timestamp(x) && type_is_timestamp(y)) {
        TypeKind k = (x->kind == T_TIMESTAMP_LTZ || y->kind == T_TIMESTAMP_LTZ)
                         ? T_TIMESTAMP_LTZ
                         : T_TIMESTAMP;
        return type_new_timestamp(a, k, max32(x->precision, y->precision));
    }
    if (x->kind == T_TIME && y->kind == T_TIME)
        return type_new_timestamp(a, T_TIME, max32(x->precision, y->precision));
    if (x->kind == T_INTERVAL_DT && y->kind == T_INTERVAL_DT) {
        SqlType *t = type_new(a, T_INTERVAL_DT);
        t->precision = max32(x->precision, y->precision);
        return t;
    }
    if ((x->kind == T_ARRAY || x->kind == T_MULTISET) && x->kind == y->kind) {
        SqlType *e = type_common(a, x->elem, y->elem);
        if (!e)
            return NULL;
        SqlType *t = type_new(a, x->kind);
        t->elem = e;
        return t;
    }
    if (x->kind == T_MAP && y->kind == T_MAP) {
        SqlType *k = type_common(a, x->elem, y->elem);
        SqlType *v = type_common(a, x->value, y->value);
        if (!k || !v)
            return NULL;
        SqlType *t = type_new(a, T_MAP);
        t->elem = k;
        t->value = v;
        return t;
    }
    if (x->kind == T_ROW && y->kind == T_ROW) {
        if (x->n_fields != y->n_fields)
            return NULL;
        SqlType *t = type_new(a, T_ROW);
        t->n_fields = x->n_fields;
        t->fields =
            ARENA_NEW_ARRAY(a, TypeField, x->n_fields ? x->n_fields : 1);
        for (uint32_t i = 0; i < x->n_fields; i++) {
            t->fields[i].name = x->fields[i].name;
            t->fields[i].type =
                type_common(a, x->fields[i].type, y->fields[i].type);
            if (!t->fields[i].type)
                return NULL;
        }
        return t;
    }
    if (x->kind == y->kind && x->kind != T_DECIMAL)
        return type_copy(a, x);
    /* Otherwise one side must cast implicitly to the other (TIMESTAMP and
     * DATE give DATE, as in Flink). */
    if (type_can_implicit_cast(x, y))
        return type_copy(a, y);
    if (type_can_implicit_cast(y, x))
        return type_copy(a, x);
    return NULL;
}

/* ---- casts ------------------------------------------------------------- */

bool type_can_implicit_cast(const SqlType *from, const SqlType *to)
{
    if (!from || !to)
        return false;
    if (from->kind == T_NULL)
        return true;
    if (type_equal(from, to))
        return true;
    switch (to->kind) {
    case T_TINYINT:
    case T_SMALLINT:
    case T_INT:
    case T_BIGINT:
        return type_is_integer(from) &&
               num_rank(from->kind) <= num_rank(to->kind);
    case T_DECIMAL:
    case T_FLOAT:
        return type_is_numeric(from) && from->kind != T_DOUBLE &&
               (to->kind == T_FLOAT || from->kind != T_FLOAT);
    case T_DOUBLE:
        return type_is_numeric(from);
    case T_CHAR:
        return from->kind == T_CHAR;
    case T_VARCHAR:
        return type_is_string(from);
    case T_BINARY:
        return from->kind == T_BINARY;
    case T_VARBINARY:
        return is_binary(from);
    case T_DATE:
        return from->kind == T_DATE || from->kind == T_TIMESTAMP;
    case T_TIME:
        return from->kind == T_TIME || from->kind == T_TIMESTAMP;
    case T_TIMESTAMP:
    case T_TIMESTAMP_LTZ:
        return type_is_timestamp(from);
    case T_INTERVAL_YM:
    case T_INTERVAL_DT:
        return from->kind == to->kind;
    case T_ARRAY:
    case T_MULTISET:
        return from->kind == to->kind &&
               type_can_implicit_cast(from->elem, to->elem);
    case T_MAP:
        return from->kind == T_MAP &&
               type_can_implicit_cast(from->elem, to->elem) &&
               type_can_implicit_cast(from->value, to->value);
    case T_ROW:
        if (from->kind != T_ROW || from->n_fields != to->n_fields)
            return false;
        for (uint32_t i = 0; i < to->n_fields; i++)
            if (!type_can_implicit_cast(from->fields[i].type,
                                        to->fields[i].type))
                return false;
        return true;
    default:
        return from->kind == to->kind;
    }
}

static bool is_predefined(const SqlType *t)
{
    switch (t->kind) {
    case T_ARRAY:
    case T_MAP:
    case T_MULTISET:
    case T_ROW:
    case T_SYMBOL:
    case T_DESCRIPTOR:
    case T_TABLE:
        return false;
    default:
        return true;
    }
}

bool type_can_explicit_cast(const SqlType *from, const SqlType *to)
{
    if (!from || !to)
        return false;
    if (type_can_implicit_cast(from, to))
        return true;
    if (from->kind == T_SYMBOL || from->kind == T_DESCRIPTOR ||
        from->kind == T_TABLE || to->kind == T_NULL)
        return false;
    /* A MAP casts to its text {k1=v1, ...}, as Flink's does. */
    if (from->kind == T_MAP && type_is_string(to))
        return true;
    /* Constructed types cast element-wise within the same kind. */
    if (!is_predefined(from) || !is_predefined(to)) {
        if (from->kind != to->kind)
            return false;
        switch (to->kind) {
        case T_ARRAY:
        case T_MULTISET:
            return type_can_explicit_cast(from->elem, to->elem);
        case T_MAP:
            return type_can_explicit_cast(from->elem, to->elem) &&
                   type_can_explicit_cast(from->value, to->value);
        case T_ROW:
            if (from->n_fields != to->n_fields)
                return false;
            for (uint32_t i = 0; i < to->n_fields; i++)
                if (!type_can_explicit_cast(from->fields[i].type,
                                            to->fields[i].type))
                    return false;
            return true;
        default:
            return false;
        }
    }
    /* Anything predefined prints as text; binary strings decode as UTF-8
     * (Flink's CAST(BYTES AS STRING)). */
    if (type_is_string(to))
        return true;
    if (type_is_string(from)) {
        /* Text parses into every predefined type. */
        return true;
    }
    switch (to->kind) {
    case T_BOOLEAN:
        return type_is_integer(from);
    case T_TINYINT:
    case T_SMALLINT:
    case T_INT:
    case T_BIGINT:
        return type_is_numeric(from) || from->kind == T_BOOLEAN ||
               type_is_interval(from) || from->kind == T_TIMESTAMP_LTZ;
    case T_DECIMAL:
    case T_FLOAT:
    case T_DOUBLE:
        return type_is_numeric(from) || from->kind == T_BOOLEAN ||
               from->kind == T_TIMESTAMP_LTZ;
    case T_DATE:
        return type_is_timestamp(from);
    case T_TIME:
        return type_is_timestamp(from);
    case T_TIMESTAMP:
        return type_is_temporal(from);
    case T_TIMESTAMP_LTZ:
        return type_is_temporal(from) || type_is_integer(from) ||
               from->kind == T_DECIMAL || from->kind == T_DOUBLE;
    case T_INTERVAL_YM:
    case T_INTERVAL_DT:
        return type_is_exact_numeric(from);
    case T_BINARY:
    case T_VARBINARY:
        return is_binary(from);
    default:
        return false;
    }
}
