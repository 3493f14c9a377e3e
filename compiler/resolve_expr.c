/*
 * resolve_expr.c - typing of expressions: literals, operators, CASE, CAST,
 * EXTRACT, subquery predicates, function calls (through functions.h) and
 * their OVER clauses.
 *
 * Pipeline position: called by resolve_query.c for every expression of a
 * query and by resolve.c for computed columns and WATERMARK expressions.
 * Sets AstNode.type on every expression node and AstFuncCall.func on every
 * call; column references are bound by rq_column_ref (resolve_query.c).
 *
 * Time attributes: a column reference keeps the time attribute of its
 * column, and so do PROCTIME()/MATCH_ROWTIME()/TUMBLE_ROWTIME() style
 * calls; every other expression over a time attribute is a plain TIMESTAMP
 * (rx_expr strips the attribute from the result).
 *
 * Rewrites done in place (documented for plan.c): named arguments are put
 * in parameter order (the AST_NAMED_ARG wrappers are removed), and an OVER
 * clause that names a WINDOW is replaced by the effective window spec.
 */
#include "runtime/fsql.h"
#include "compiler/resolve_int.h"
#include "compiler/functions.h"
#include "compiler/spell.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The type of an expression that already produced an error.  It is a NULL
 * type, so code that does not know about it unifies it with anything. */
SqlType resolve_error_type = {T_NULL, -1,   0, true, TA_NONE,
                              NULL,   NULL, 0, NULL};

bool resolve_type_is_error(const SqlType *t)
{
    return t == &resolve_error_type;
}

bool rx_is_err(const SqlType *t)
{
    return t == NULL || t == &resolve_error_type;
}

SqlType *rx_err(void)
{
    return &resolve_error_type;
}

SqlType *rx_plain(Res *r, SqlType *t)
{
    if (rx_is_err(t) || t->time_attr == TA_NONE)
        return t;
    return type_with_time_attr(r->a, t, TA_NONE);
}

/* A type for messages: nullability is left out ("INT", not "INT NOT
 * NULL"), time attributes are kept. */
const char *rx_type_str(Res *r, const SqlType *t)
{
    if (!t || t->kind == T_NULL)
        return "NULL";
    if (!t->is_nullable)
        t = type_with_nullable(r->a, t, true);
    return type_to_string(r->a, t);
}

char *rx_cstr(Res *r, Str s)
{
    return arena_strndup(r->a, s.ptr ? s.ptr : "", s.len);
}

static SqlType *nullable_if(Res *r, SqlType *t, bool nullable)
{
    if (t->is_nullable == nullable)
        return t;
    return type_with_nullable(r->a, t, nullable);
}

static SqlType *boolean(Res *r, bool nullable)
{
    SqlType *t = type_new(r->a, T_BOOLEAN);
    t->is_nullable = nullable;
    return t;
}

static bool is_null_type(const SqlType *t)
{
    return t && t->kind == T_NULL && t != &resolve_error_type;
}

static bool is_bool(const SqlType *t)
{
    return t->kind == T_BOOLEAN || t->kind == T_NULL;
}

/* ---- literals ------------------------------------------------------- */

/* Match s against a tiny pattern: 'n' one or more digits, 'f' digits with
 * an optional fraction, ' ' one or more spaces, other chars literally. */
static bool match_pat(const char *s, size_t len, const char *pat,
                      int32_t *frac_digits)
{
    size_t i = 0;
    for (const char *p = pat; *p; p++) {
        if (*p == 'n' || *p == 'f') {
            size_t st = i;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i == st)
                return false;
            if (*p == 'f' && i < len && s[i] == '.') {
                size_t fs = ++i;
                while (i < len && s[i] >= '0' && s[i] <= '9')
                    i++;
                if (i == fs)
                    return false;
                if (frac_digits)
                    *frac_digits = (int32_t)(i - fs);
            }
        } else if (*p == ' ') {
            size_t st = i;
            while (i < len && s[i] == ' ')
                i++;
            if (i == st)
                return false;
        } else {
            if (i >= len || s[i] != *p)
                return false;
            i++;
        }
    }
    return i == len;
}

static int64_t parse_digits(const char *s, size_t len, size_t *pos)
{
    int64_t v = 0;
    while (*pos < len && s[*pos] >= '0' && s[*pos] <= '9') {
        if (v < 100000000000LL)
            v = v * 10 + (s[*pos] - '0');
        (*pos)++;
    }
    return v;
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Validate 'yyyy-mm-dd' at s[*pos..]; advances *pos. */
static bool check_date(const char *s, size_t len, size_t *pos)
{
    size_t st = *pos;
    int64_t y = parse_digits(s, len, pos);
    if (*pos - st != 4 || *pos >= len || s[*pos] != '-')
        return false;
    (*pos)++;
    st = *pos;
    int64_t m = parse_digits(s, len, pos);
    if (*pos - st < 1 || *pos - st > 2 || *pos >= len || s[*pos] != '-')
        return false;
    (*pos)++;
    st = *pos;
    int64_t d = parse_digits(s, len, pos);
    if (*pos - st < 1 || *pos - st > 2)
        return false;
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Validate 'hh:mm[:ss[.fff]]'; *prec receives the fraction digits. */
static bool check_time(const char *s, size_t len, size_t *pos, int32_t *prec)
{
    size_t st = *pos;
    int64_t h = parse_digits(s, len, pos);
    if (*pos - st < 1 || *pos - st > 2 || *pos >= len || s[*pos] != ':')
        return false;
    (*pos)++;
    st = *pos;
    int64_t mi = parse_digits(s, len, pos);
    if (*pos - st != 2)
        return false;
    int64_t sec = 0;
    *prec = 0;
    if (*pos < len && s[*pos] == ':') {
        (*pos)++;
        st = *pos;
        sec = parse_digits(s, len, pos);
        if (*pos - st != 2)
            return false;
        if (*pos < len && s[*pos] == '.') {
            (*pos)++;
            st = *pos;
            parse_digits(s, len, pos);
            if (*pos == st || *pos - st > 9)
                return false;
            *prec = (int32_t)(*pos - st);
        }
    }
    return h < 24 && mi < 60 && sec < 60;
}

static const char *interval_pattern(TimeUnit u, TimeUnit to)
{
    if (to == TU_NONE)
        return u == TU_SECOND ? "f" : "n";
    if (u == TU_YEAR && to == TU_MONTH)
        return "n-n";
    if (u == TU_DAY && to == TU_HOUR)
        return "n n";
    if (u == TU_DAY && to == TU_MINUTE)
        return "n n:n";
    if (u == TU_DAY && to == TU_SECOND)
        return "n n:n:f";
    if (u == TU_HOUR && to == TU_MINUTE)
        return "n:n";
    if (u == TU_HOUR && to == TU_SECOND)
        return "n:n:f";
    if (u == TU_MINUTE && to == TU_SECOND)
        return "n:f";
    return NULL;
}

static const char *interval_example(TimeUnit u, TimeUnit to)
{
    if (to == TU_NONE)
        return u == TU_SECOND ? "'10' or '1.5'" : "'10'";
    if (u == TU_YEAR)
        return "'1-6'";
    if (u == TU_DAY && to == TU_HOUR)
        return "'1 12'";
    if (u == TU_DAY && to == TU_MINUTE)
        return "'1 12:30'";
    if (u == TU_DAY)
        return "'1 12:30:00'";
    if (u == TU_HOUR && to == TU_MINUTE)
        return "'12:30'";
    if (u == TU_HOUR)
        return "'12:30:00'";
    return "'30:00'";
}

static SqlType *type_literal(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstLiteral *l = &e->u.literal;
    const char *s = l->text.ptr ? l->text.ptr : "";
    size_t len = l->text.len;
    SqlType *t;
    switch (l->lit_kind) {
    case LIT_NULL:
        return type_new(r->a, T_NULL);
    case LIT_BOOL:
        return boolean(r, false);
    case LIT_INTEGER: {
        size_t i = 0;
        while (i + 1 < len && s[i] == '0')
            i++;
        size_t nd = len - i;
        if (nd > 38) {
            diag_error(r->cc, DIAG_E_BAD_NUMBER, e->at,
                       "integer literal %.*s is too large", (int)len, s);
            diag_hint(r->cc, "The largest exact number fsql holds has 38 "
                             "digits; use a DOUBLE literal such as 1e40 "
                             "for larger magnitudes.");
            return rx_err();
        }
        if (nd <= 19) {
            uint64_t v = 0;
            for (; i < len; i++)
                v = v * 10 + (uint64_t)(s[i] - '0');
            if (nd < 19 || v <= (uint64_t)INT64_MAX) {
                t = type_new(r->a, v <= (uint64_t)INT32_MAX ? T_INT : T_BIGINT);
                t->is_nullable = false;
                return t;
            }
        }
        t = type_new_decimal(r->a, (int32_t)nd, 0);
        t->is_nullable = false;
        return t;
    }
    case LIT_DECIMAL: {
        size_t dot = 0;
        while (dot < len && s[dot] != '.')
            dot++;
        size_t i = 0;
        while (i < dot && s[i] == '0')
            i++;
        int32_t int_digits = (int32_t)(dot - i);
        int32_t scale = dot < len ? (int32_t)(len - dot - 1) : 0;
        int32_t prec = int_digits + scale;
        if (prec < 1)
            prec = 1;
        if (prec > 38) {
            diag_error(r->cc, DIAG_E_BAD_NUMBER, e->at,
                       "decimal literal %.*s has more than 38 digits", (int)len,
                       s);
            diag_hint(r->cc, "Use fewer digits, or a DOUBLE literal with an "
                             "exponent such as 1.5e40.");
            return rx_err();
        }
        t = type_new_decimal(r->a, prec, scale);
        t->is_nullable = false;
        return t;
    }
    case LIT_DOUBLE: {
        char buf[64];
        if (len < sizeof(buf)) {
            memcpy(buf, s, len);
            buf[len] = '\0';
            if (isinf(strtod(buf, NULL))) {
                diag_error(r->cc, DIAG_E_BAD_NUMBER, e->at,
                           "floating-point literal %.*s is out of range",
                           (int)len, s);
                diag_hint(r->cc, "A DOUBLE holds magnitudes up to about "
                                 "1.8e308.");
                return rx_err();
            }
        }
        t = type_new(r->a, T_DOUBLE);
        t->is_nullable = false;
        return t;
    }
    case LIT_STRING:
        t = type_new(r->a, T_CHAR);
        t->precision = (int32_t)utf8_count(s, len);
        t->is_nullable = false;
        return t;
    case LIT_BINARY: {
        size_t i = 0;
        while (i < len && isxdigit((unsigned char)s[i]))
            i++;
        if (i < len || len % 2) {
            diag_error(r->cc, DIAG_E_BAD_LITERAL, e->at,
                       i < len ? "binary literal X'%.*s' has a character "
                                 "that is not a hex digit"
                               : "binary literal X'%.*s' has an odd number "
                                 "of hex digits",
                       (int)len, s);
            diag_hint(r->cc, "Write two hex digits per byte, for example "
                             "X'0A1B'.");
            return rx_err();
        }
        t = type_new(r->a, T_BINARY);
        t->precision = (int32_t)(len / 2);
        t->is_nullable = false;
        return t;
    }
    case LIT_DATE: {
        size_t pos = 0;
        if (!check_date(s, len, &pos) || pos != len) {
            diag_error(r->cc, DIAG_E_BAD_LITERAL, e->at,
                       "'%.*s' is not a valid DATE", (int)len, s);
            diag_hint(r->cc, "Write dates as DATE 'yyyy-mm-dd', for example "
                             "DATE '2024-03-31'.");
            return rx_err();
        }
        t = type_new(r->a, T_DATE);
        t->is_nullable = false;
        return t;
    }
    case LIT_TIME: {
        size_t pos = 0;
        int32_t prec = 0;
        if (!check_time(s, len, &pos, &prec) || pos != len) {
            diag_error(r->cc, DIAG_E_BAD_LITERAL, e->at,
                       "'%.*s' is not a valid TIME", (int)len, s);
            diag_hint(r->cc, "Write times as TIME 'hh:mm:ss[.fff]', for "
                             "example TIME '23:59:59'.");
            return rx_err();
        }
        t = type_new_timestamp(r->a, T_TIME, prec);
        t->is_nullable = false;
        return t;
    }
    case LIT_TIMESTAMP: {
        size_t pos = 0;
        int32_t prec = 0;
        bool ok = check_date(s, len, &pos);
        if (ok && pos < len && (s[pos] == ' ' || s[pos] == 'T')) {
            pos++;
            ok = check_time(s, len, &pos, &prec);
        } else if (ok && pos != len) {
            ok = false;
        }
        if (!ok || pos != len) {
            diag_error(r->cc, DIAG_E_BAD_LITERAL, e->at,
                       "'%.*s' is not a valid TIMESTAMP", (int)len, s);
            diag_hint(r->cc, "Write timestamps as TIMESTAMP 'yyyy-mm-dd "
                             "hh:mm:ss[.fff]', for example TIMESTAMP "
                             "'2024-03-31 23:59:59.000'.");
            return rx_err();
        }
        t = type_new_timestamp(r->a, T_TIMESTAMP, prec);
        t->is_nullable = false;
        return t;
    }
    case LIT_INTERVAL: {
        const char *pat = interval_pattern(l->unit, l->unit_to);
        size_t off = 0;
        if (len > 0 && (s[0] == '-' || s[0] == '+'))
            off = 1;
        if (!pat) {
            diag_error(r->cc, DIAG_E_BAD_LITERAL, e->at,
                       "INTERVAL %s TO %s is not a valid interval qualifier",
                       time_unit_name(l->unit), time_unit_name(l->unit_to));
            diag_hint(r->cc, "Valid ranges are YEAR TO MONTH, DAY TO HOUR, "
                             "DAY TO MINUTE, DAY TO SECOND, HOUR TO MINUTE, "
                             "HOUR TO SECOND and MINUTE TO SECOND.");
            return rx_err();
        }
        if (!match_pat(s + off, len - off, pat, NULL)) {
            if (l->unit_to == TU_NONE)
                diag_error(r->cc, DIAG_E_BAD_LITERAL, e->at,
                           "'%.*s' is not a valid INTERVAL ... %s value",
                           (int)len, s, time_unit_name(l->unit));
            else
                diag_error(r->cc, DIAG_E_BAD_LITERAL, e->at,
                           "'%.*s' is not a valid INTERVAL ... %s TO %s "
                           "value",
                           (int)len, s, time_unit_name(l->unit),
                           time_unit_name(l->unit_to));
            diag_hint(r->cc,
                      "Write the quantity as a string, for example "
                      "INTERVAL %s %s%s%s.",
                      interval_example(l->unit, l->unit_to),
                      time_unit_name(l->unit),
                      l->unit_to != TU_NONE ? " TO " : "",
                      l->unit_to != TU_NONE ? time_unit_name(l->unit_to) : "");
            return rx_err();
        }
        bool ym =
            l->unit == TU_YEAR || l->unit == TU_MONTH || l->unit == TU_QUARTER;
        t = type_new(r->a, ym ? T_INTERVAL_YM : T_INTERVAL_DT);
        t->is_nullable = false;
        return t;
    }
    }
    return rx_err();
}

/* ---- operators ------------------------------------------------------- */

static void mismatch_op(ExprCtx *x, AstNode *e, const char *op, SqlType *l,
                        SqlType *rt)
{
    Res *r = x->r;
    diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->at,
               "cannot apply '%s' to %s and %s", op, rx_type_str(r, l),
               rx_type_str(r, rt));
}

static SqlType *arith(ExprCtx *x, AstNode *e, BinaryOp op, SqlType *l,
                      SqlType *rt)
{
    Res *r = x->r;
    Arena *a = r->a;
    bool nul = l->is_nullable || rt->is_nullable;
    const char *opt = binary_op_text(op);
    if (is_null_type(l) && is_null_type(rt))
        return type_new(a, T_NULL);
    if (is_null_type(l))
        l = rt;
    if (is_null_type(rt))
        rt = l;
    if (type_is_numeric(l) && type_is_numeric(rt)) {
        SqlType *res;
        bool dec = l->kind == T_DECIMAL || rt->kind == T_DECIMAL;
        bool approx = l->kind == T_FLOAT || l->kind == T_DOUBLE ||
                      rt->kind == T_FLOAT || rt->kind == T_DOUBLE;
        if (approx || !dec) {
            res = type_common(a, l, rt);
            if (op == BOP_DIV)
                nul = true;
        } else {
            switch (op) {
            case BOP_ADD:
            case BOP_SUB:
                res = type_decimal_add(a, l, rt);
                break;
            case BOP_MUL:
                res = type_decimal_mul(a, l, rt);
                break;
            case BOP_DIV:
                res = type_decimal_div(a, l, rt);
                nul = true;
                break;
            default:
                res = type_decimal_mod(a, l, rt);
                break;
            }
        }
        if (op == BOP_MOD)
            nul = true;
        return nullable_if(r, res, nul);
    }
    if (op == BOP_ADD || op == BOP_SUB) {
        /* datetime +/- interval, interval + datetime, interval +/- interval */
        SqlType *dt = NULL, *iv = NULL;
        if (type_is_temporal(l) && type_is_interval(rt)) {
            dt = l;
            iv = rt;
        } else if (op == BOP_ADD && type_is_interval(l) &&
                   type_is_temporal(rt)) {
            dt = rt;
            iv = l;
        }
        if (dt) {
            if (dt->kind == T_TIME && iv->kind == T_INTERVAL_YM) {
                mismatch_op(x, e, opt, l, rt);
                diag_hint(r->cc, "A TIME of day has no year or month to "
                                 "shift.");
                return rx_err();
            }
            return nullable_if(r, rx_plain(r, dt), nul);
        }
        if (type_is_interval(l) && l->kind == rt->kind)
            return nullable_if(r, type_common(a, l, rt), nul);
        if (op == BOP_SUB && type_is_temporal(l) && type_is_temporal(rt)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->at,
                       "cannot subtract %s from %s",
                       rx_type_str(r, rx_plain(r, rt)),
                       rx_type_str(r, rx_plain(r, l)));
            diag_hint(r->cc, "Use TIMESTAMPDIFF(SECOND, start, end) for the "
                             "difference between two points in time.");
            return rx_err();
        }
    }
    if (op == BOP_MUL || op == BOP_DIV) {
        if (type_is_interval(l) && type_is_numeric(rt))
            return nullable_if(r, rx_plain(r, l), nul);
        if (op == BOP_MUL && type_is_numeric(l) && type_is_interval(rt))
            return nullable_if(r, rt, nul);
    }
    mismatch_op(x, e, opt, l, rt);
    if ((type_is_temporal(l) && type_is_numeric(rt)) ||
        (type_is_numeric(l) && type_is_temporal(rt)))
        diag_hint(r->cc,
                  "Add or subtract an INTERVAL, e.g. %s INTERVAL "
                  "'1' DAY.",
                  op == BOP_SUB ? "d -" : "d +");
    else if ((type_is_string(l) && type_is_numeric(rt)) ||
             (type_is_numeric(l) && type_is_string(rt)))
        diag_hint(r->cc, "Strings are not converted to numbers implicitly; "
                         "use CAST(x AS DECIMAL(p, s)) or CAST(x AS INT).");
    else if (type_is_string(l) && type_is_string(rt) && op == BOP_ADD)
        diag_hint(r->cc, "Concatenate strings with || or CONCAT(a, b).");
    return rx_err();
}

static SqlType *compare(ExprCtx *x, AstNode *at, const char *what, SqlType *l,
                        SqlType *rt)
{
    Res *r = x->r;
    if (rx_is_err(l) || rx_is_err(rt))
        return rx_err();
    if (!type_is_comparable(l, rt)) {
        diag_error(r->cc, DIAG_E_TYPE_MISMATCH, at->at,
                   "cannot compare %s with %s%s%s", rx_type_str(r, l),
                   rx_type_str(r, rt), what ? " in " : "", what ? what : "");
        if ((type_is_string(l) && type_is_numeric(rt)) ||
            (type_is_numeric(l) && type_is_string(rt)))
            diag_hint(r->cc, "Strings and numbers are not converted "
                             "implicitly; CAST one side to the other's "
                             "type.");
        else
            diag_hint(r->cc, "Both sides must have comparable types; CAST "
                             "one side to the other's type.");
        return rx_err();
    }
    return boolean(r, l->is_nullable || rt->is_nullable);
}

static SqlType *type_binary(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstBinary *b = &e->u.binary;
    SqlType *l = rx_expr(x, b->left);
    SqlType *rt = rx_expr(x, b->right);
    if (rx_is_err(l) || rx_is_err(rt))
        return rx_err();
    switch (b->op) {
    case BOP_ADD:
    case BOP_SUB:
    case BOP_MUL:
    case BOP_DIV:
    case BOP_MOD:
        return arith(x, e, b->op, l, rt);
    case BOP_CONCAT: {
        bool ls = type_is_string(l) || is_null_type(l);
        bool rs = type_is_string(rt) || is_null_type(rt);
        if (!ls || !rs) {
            mismatch_op(x, e, "||", l, rt);
            diag_hint(r->cc, "|| joins strings; CAST the other operand to "
                             "STRING first.");
            return rx_err();
        }
        int64_t len = (int64_t)(l->precision > 0 ? l->precision : 0) +
                      (rt->precision > 0 ? rt->precision : 0);
        bool both_char = l->kind == T_CHAR && rt->kind == T_CHAR;
        SqlType *t;
        if (len > VARCHAR_MAX)
            len = VARCHAR_MAX;
        if (both_char) {
            t = type_new(r->a, T_CHAR);
            t->precision = (int32_t)len;
        } else {
            t = type_new_varchar(r->a, (int32_t)len);
        }
        t->is_nullable = l->is_nullable || rt->is_nullable;
        return t;
    }
    case BOP_EQ:
    case BOP_NE:
    case BOP_LT:
    case BOP_LE:
    case BOP_GT:
    case BOP_GE:
        return compare(x, e, NULL, l, rt);
    case BOP_AND:
    case BOP_OR: {
        bool bad = false;
        if (!is_bool(l)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, b->left->at,
                       "operand of %s must be BOOLEAN, not %s",
                       binary_op_text(b->op), rx_type_str(r, l));
            bad = true;
        }
        if (!is_bool(rt)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, b->right->at,
                       "operand of %s must be BOOLEAN, not %s",
                       binary_op_text(b->op), rx_type_str(r, rt));
            bad = true;
        }
        if (bad)
            return rx_err();
        return boolean(r, l->is_nullable || rt->is_nullable);
    }
    }
    return rx_err();
}

static SqlType *type_unary(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    SqlType *t = rx_expr(x, e->u.unary.arg);
    if (rx_is_err(t))
        return t;
    if (e->u.unary.op == UOP_NOT) {
        if (!is_bool(t)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->u.unary.arg->at,
                       "operand of NOT must be BOOLEAN, not %s",
                       rx_type_str(r, t));
            return rx_err();
        }
        return boolean(r, t->is_nullable);
    }
    if (!type_is_numeric(t) && !type_is_interval(t) && !is_null_type(t)) {
        diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->at,
                   "cannot apply unary '%s' to %s",
                   e->u.unary.op == UOP_NEG ? "-" : "+", rx_type_str(r, t));
        return rx_err();
    }
    return t;
}

static SqlType *type_is(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstIs *is = &e->u.is;
    SqlType *t = rx_expr(x, is->arg);
    if (is->what == IS_DISTINCT_FROM) {
        SqlType *rt = rx_expr(x, is->rhs);
        SqlType *c = compare(x, e, "IS DISTINCT FROM", t, rt);
        return rx_is_err(c) ? c : boolean(r, false);
    }
    if (rx_is_err(t))
        return boolean(r, false);
    if (is->what != IS_NULL && !is_bool(t)) {
        diag_error(r->cc, DIAG_E_TYPE_MISMATCH, is->arg->at,
                   "IS %s%s needs a BOOLEAN operand, not %s",
                   is->is_not ? "NOT " : "",
                   is->what == IS_TRUE    ? "TRUE"
                   : is->what == IS_FALSE ? "FALSE"
                                          : "UNKNOWN",
                   rx_type_str(r, t));
        return rx_err();
    }
    return boolean(r, false);
}

static SqlType *type_between(ExprCtx *x, AstNode *e)
{
    AstBetween *b = &e->u.between;
    SqlType *t = rx_expr(x, b->arg);
    SqlType *lo = rx_expr(x, b->low);
    SqlType *hi = rx_expr(x, b->high);
    SqlType *c1 = compare(x, b->low->at.len ? b->low : e, "BETWEEN", t, lo);
    SqlType *c2 = rx_is_err(c1) && !rx_is_err(t) && !rx_is_err(lo)
                      ? rx_err()
                      : compare(x, b->high, "BETWEEN", t, hi);
    if (rx_is_err(c1) || rx_is_err(c2))
        return rx_err();
    return boolean(x->r, c1->is_nullable || c2->is_nullable);
}

static SqlType *type_in_list(ExprCtx *x, AstNode *e)
{
    AstInList *in = &e->u.in_list;
    SqlType *t = rx_expr(x, in->arg);
    bool err = rx_is_err(t), nul = !err && t->is_nullable;
    for (uint32_t i = 0; i < in->list.n; i++) {
        SqlType *it = rx_expr(x, in->list.items[i]);
        if (err || rx_is_err(it))
            continue;
        SqlType *c = compare(x, in->list.items[i], "IN list", t, it);
        if (rx_is_err(c))
            err = true;
        else
            nul |= it->is_nullable;
    }
    return err ? rx_err() : boolean(x->r, nul);
}

static bool subquery_allowed(ExprCtx *x, AstNode *e)
{
    if (x->allow & EX_SUBQUERY)
        return true;
    diag_error(x->r->cc, DIAG_E_SUBQUERY, e->at,
               "a subquery is not allowed in %s",
               x->clause ? x->clause : "this place");
    diag_hint(x->r->cc, "Subqueries may appear in the select list, WHERE and "
                        "HAVING; join the table instead.");
    return false;
}

/* The single column of a subquery used as a value, or NULL. */
static SqlType *subquery_column(ExprCtx *x, AstNode *q, const char *what)
{
    RelSchema *rel = rq_query(x->r, q, x->scope);
    if (!rel || rel->is_incomplete)
        return rx_err();
    if (rel->n_cols != 1) {
        diag_error(x->r->cc, DIAG_E_SUBQUERY, q->at,
                   "%s must return exactly one column, but this one returns "
                   "%u",
                   what, rel->n_cols);
        return rx_err();
    }
    return rel->cols[0].type ? rel->cols[0].type : rx_err();
}

static SqlType *type_like(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstLike *lk = &e->u.like;
    AstNode *parts[3] = {lk->arg, lk->pattern, lk->escape};
    bool err = false, nul = false;
    for (int i = 0; i < 3; i++) {
        if (!parts[i])
            continue;
        SqlType *t = rx_expr(x, parts[i]);
        if (rx_is_err(t)) {
            err = true;
            continue;
        }
        nul |= t->is_nullable;
        if (!type_is_string(t) && !is_null_type(t)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, parts[i]->at,
                       "%s needs a string %s, not %s",
                       lk->is_similar ? "SIMILAR TO" : "LIKE",
                       i == 0   ? "operand"
                       : i == 1 ? "pattern"
                                : "escape",
                       rx_type_str(r, t));
            err = true;
        }
    }
    return err ? rx_err() : boolean(r, nul);
}

static SqlType *type_case(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstCase *c = &e->u.case_;
    SqlType *op = c->operand ? rx_expr(x, c->operand) : NULL;
    SqlType *res = NULL;
    bool err = false;
    for (uint32_t i = 0; i < c->whens.n; i++) {
        AstNode *w = c->whens.items[i];
        SqlType *ct = rx_expr(x, w->u.when.cond);
        if (c->operand) {
            if (!rx_is_err(op) && !rx_is_err(ct))
                compare(x, w->u.when.cond, "CASE", op, ct);
        } else if (!rx_is_err(ct) && !is_bool(ct)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, w->u.when.cond->at,
                       "WHEN condition must be BOOLEAN, not %s",
                       rx_type_str(r, ct));
        }
        w->type = ct;
        SqlType *rt = rx_expr(x, w->u.when.result);
        if (rx_is_err(rt)) {
            err = true;
            continue;
        }
        if (err)
            continue;
        if (!res) {
            res = rt;
        } else {
            SqlType *cm = type_common(r->a, res, rt);
            if (!cm) {
                diag_error(r->cc, DIAG_E_TYPE_MISMATCH, w->u.when.result->at,
                           "CASE branch of type %s does not fit the earlier "
                           "branches of type %s",
                           rx_type_str(r, rt), rx_type_str(r, res));
                diag_hint(r->cc, "All THEN and ELSE results need a common "
                                 "type; CAST this one.");
                err = true;
                continue;
            }
            res = cm;
        }
    }
    if (c->else_expr) {
        SqlType *rt = rx_expr(x, c->else_expr);
        if (rx_is_err(rt)) {
            err = true;
        } else if (!err && res) {
            SqlType *cm = type_common(r->a, res, rt);
            if (!cm) {
                diag_error(r->cc, DIAG_E_TYPE_MISMATCH, c->else_expr->at,
                           "ELSE result of type %s does not fit the THEN "
                           "results of type %s",
                           rx_type_str(r, rt), rx_type_str(r, res));
                diag_hint(r->cc, "All THEN and ELSE results need a common "
                                 "type; CAST this one.");
                err = true;
            } else {
                res = cm;
            }
        } else if (!err) {
            res = rt;
        }
    }
    if (err || !res)
        return rx_err();
    res = rx_plain(r, res);
    if (!c->else_expr)
        res = nullable_if(r, res, true);
    return res;
}

/* fsql's run-time MAP values hold scalar keys and values only
 * (runtime/value_map.h): a MAP type t with a MAP, ARRAY, MULTISET or ROW
 * key or value, built at `at` by `what` (MAP[...] or a CAST), is refused
 * here so that `fsql validate` reports it, not only `fsql run`. */
static bool map_type_runnable(Res *r, const SqlType *t, SrcSpan at,
                              const char *what)
{
    if (!t || t->kind != T_MAP)
        return true;
    for (int k = 0; k < 2; k++) {
        const SqlType *el = k ? t->value : t->elem;
        if (!el || (el->kind != T_MAP && el->kind != T_ARRAY &&
                    el->kind != T_MULTISET && el->kind != T_ROW))
            continue;
        diag_error(r->cc, DIAG_E_UNSUPPORTED, at,
                   "%s with %s of type %s: fsql's MAP values hold scalar "
                   "keys and values only",
                   what, k ? "values" : "keys", rx_type_str(r, el));
        diag_hint(r->cc, el->kind == T_MAP
                             ? "Keep the inner map as its text "
                               "(CAST(MAP[...] AS STRING)) or flatten its "
                               "keys into the outer map."
                             : "ARRAY, MULTISET and ROW values are not "
                               "supported at run time yet.");
        return false;
    }
    return true;
}

static SqlType *type_cast(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstCast *c = &e->u.cast;
    SqlType *t = rx_expr(x, c->arg);
    SqlType *to = c->type ? c->type->type : NULL;
    if (!to)
        return rx_err();
    if (rx_is_err(t))
        return rx_err();
    if (!type_can_explicit_cast(t, to)) {
        diag_error(r->cc, DIAG_E_BAD_CAST, e->at, "cannot cast %s to %s",
                   rx_type_str(r, t), rx_type_str(r, to));
        if (type_is_interval(t) || type_is_interval(to))
            diag_hint(r->cc, "Intervals convert only to and from exact "
                             "numbers and strings.");
        else if (type_is_temporal(t) && type_is_numeric(to))
            diag_hint(r->cc, "Use UNIX_TIMESTAMP(...) or EXTRACT(EPOCH FROM "
                             "...) to turn a point in time into a number.");
        return rx_err();
    }
    if (!map_type_runnable(r, to, e->at, "CAST to a MAP"))
        return rx_err();
    SqlType *res = type_with_nullable(
        r->a, to, t->is_nullable || c->is_try || to->is_nullable);
    res->time_attr = TA_NONE;
    return res;
}

static bool unit_ok_for(TimeUnit u, const SqlType *t)
{
    bool date_part = u == TU_YEAR || u == TU_QUARTER || u == TU_MONTH ||
                     u == TU_WEEK || u == TU_DAY || u == TU_DOW || u == TU_DOY;
    bool time_part = u == TU_HOUR || u == TU_MINUTE || u == TU_SECOND ||
                     u == TU_MILLISECOND || u == TU_MICROSECOND ||
                     u == TU_NANOSECOND;
    switch (t->kind) {
    case T_DATE:
        return date_part || u == TU_EPOCH;
    case T_TIME:
        return time_part || u == TU_EPOCH;
    case T_TIMESTAMP:
    case T_TIMESTAMP_LTZ:
        return true;
    case T_INTERVAL_YM:
        return u == TU_YEAR || u == TU_QUARTER || u == TU_MONTH;
    case T_INTERVAL_DT:
        return u == TU_DAY || time_part || u == TU_EPOCH;
    default:
        return false;
    }
}

static SqlType *type_extract(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstExtract *ex = &e->u.extract;
    SqlType *t = rx_expr(x, ex->arg);
    if (rx_is_err(t))
        return rx_err();
    if (is_null_type(t)) {
        SqlType *b = type_new(r->a, T_BIGINT);
        return b;
    }
    if (!type_is_temporal(t) && !type_is_interval(t)) {
        diag_error(r->cc, DIAG_E_TYPE_MISMATCH, ex->arg->at,
                   "EXTRACT needs a date, time, timestamp or interval, not "
                   "%s",
                   rx_type_str(r, t));
        if (type_is_string(t))
            diag_hint(r->cc, "Convert the string first, e.g. "
                             "EXTRACT(HOUR FROM TO_TIMESTAMP(s)).");
        return rx_err();
    }
    if (!unit_ok_for(ex->unit, t)) {
        SrcSpan at = ex->unit_at.len ? ex->unit_at : e->at;
        diag_error(r->cc, DIAG_E_TYPE_MISMATCH, at,
                   "cannot extract %s from a %s", time_unit_name(ex->unit),
                   rx_type_str(r, rx_plain(r, t)));
        if (t->kind == T_DATE)
            diag_hint(r->cc,
                      "A DATE has no time of day; use a TIMESTAMP "
                      "value to extract %s.",
                      time_unit_name(ex->unit));
        else if (t->kind == T_TIME)
            diag_hint(r->cc,
                      "A TIME has no date; use a TIMESTAMP value to "
                      "extract %s.",
                      time_unit_name(ex->unit));
        return rx_err();
    }
    SqlType *b = type_new(r->a, T_BIGINT);
    b->is_nullable = t->is_nullable;
    return b;
}

/* ---- function calls ------------------------------------------------- */

static void unknown_function(ExprCtx *x, AstNode *e, Str name)
{
    Res *r = x->r;
    size_t n = 0;
    const char *const *names = func_names(&n);
    const char *sug = spell_suggest_n(name.ptr, name.len, names, n);
    diag_error(r->cc, DIAG_E_UNKNOWN_FUNCTION, e->u.func_call.name.at,
               "unknown function '%.*s'", (int)name.len, name.ptr);
    if (sug)
        diag_hint(r->cc, "Did you mean '%s'?", sug);
    else
        diag_hint(r->cc, "fsql has no user-defined functions; the built-in "
                         "functions are listed in docs/functions.md.");
}

/* Index of parameter `name` in f->params ("DATA, TIMECOL, SIZE"), or -1. */
static int param_index(const FuncInfo *f, Str name)
{
    if (!f->params)
        return -1;
    const char *p = f->params;
    int idx = 0;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *st = p;
        while (*p && *p != ',' && *p != ' ')
            p++;
        if (p > st) {
            Str w = {st, (size_t)(p - st)};
            if (str_ieq(w, name))
                return idx;
            idx++;
        }
    }
    return -1;
}

/* Put named arguments in parameter order (in place). */
static bool reorder_named(ExprCtx *x, AstNode *call, const FuncInfo *f)
{
    Res *r = x->r;
    AstList *args = &call->u.func_call.args;
    bool any = false;
    for (uint32_t i = 0; i < args->n; i++)
        if (args->items[i]->kind == AST_NAMED_ARG)
            any = true;
    if (!any)
        return true;
    uint32_t cap = args->n + 8;
    AstNode **slots = ARENA_NEW_ARRAY(r->a, AstNode *, cap);
    uint32_t max = 0;
    for (uint32_t i = 0; i < args->n; i++) {
        AstNode *a = args->items[i];
        int idx;
        if (a->kind != AST_NAMED_ARG) {
            idx = (int)i;
        } else {
            idx = param_index(f, a->u.named_arg.name.name);
            if (idx < 0) {
                diag_error(r->cc, DIAG_E_WRONG_ARG_COUNT,
                           a->u.named_arg.name.at,
                           "%s has no parameter named '%.*s'", f->name,
                           (int)a->u.named_arg.name.name.len,
                           a->u.named_arg.name.name.ptr);
                if (f->params)
                    diag_hint(r->cc, "Its parameters are %s.", f->params);
                return false;
            }
            a = a->u.named_arg.value;
        }
        if ((uint32_t)idx >= cap || slots[idx]) {
            diag_error(r->cc, DIAG_E_WRONG_ARG_COUNT, args->items[i]->at,
                       "argument %d of %s is given twice", idx + 1, f->name);
            return false;
        }
        slots[idx] = a;
        if ((uint32_t)idx + 1 > max)
            max = (uint32_t)idx + 1;
    }
    for (uint32_t i = 0; i < max; i++) {
        if (!slots[i]) {
            diag_error(r->cc, DIAG_E_WRONG_ARG_COUNT, call->at,
                       "argument %u of %s is missing", i + 1, f->name);
            if (f->params)
                diag_hint(r->cc, "Its parameters are %s.", f->params);
            return false;
        }
    }
    args->items = slots;
    args->n = max;
    args->cap = cap;
    return true;
}

bool rx_call_args(ExprCtx *x, AstNode *call, const FuncInfo *f,
                  SqlType ***types_out, uint32_t *n_out)
{
    Res *r = x->r;
    bool ok = true;
    if (f && !reorder_named(x, call, f))
        ok = false;
    AstList *args = &call->u.func_call.args;
    SqlType **types = ARENA_NEW_ARRAY(r->a, SqlType *, args->n + 1);
    for (uint32_t i = 0; i < args->n; i++) {
        AstNode *a = args->items[i];
        if (a->kind == AST_NAMED_ARG)
            a = a->u.named_arg.value;
        SqlType *t;
        switch (a->kind) {
        case AST_TIME_UNIT_ARG:
            t = type_new(r->a, T_SYMBOL);
            break;
        case AST_DESCRIPTOR_ARG:
        case AST_TABLE_ARG:
            if (f && f->kind == FUNC_TABLE_FUNCTION) {
                t = type_new(r->a,
                             a->kind == AST_TABLE_ARG ? T_TABLE : T_DESCRIPTOR);
                break;
            }
            t = rx_expr(x, a);
            break;
        default:
            t = rx_expr(x, a);
            break;
        }
        a->type = t;
        types[i] = t;
        if (rx_is_err(t))
            ok = false;
    }
    *types_out = types;
    *n_out = args->n;
    return ok;
}

static bool name_is(const FuncInfo *f, const char *n)
{
    return strcmp(f->name, n) == 0;
}

static bool is_ranking(const FuncInfo *f)
{
    return name_is(f, "ROW_NUMBER") || name_is(f, "RANK") ||
           name_is(f, "DENSE_RANK") || name_is(f, "PERCENT_RANK") ||
           name_is(f, "CUME_DIST") || name_is(f, "NTILE");
}

/* Specs (window definitions) that already had an error reported, so a
 * named window used by several calls is reported once. */
static bool spec_reported(Res *r, AstNode *spec, bool mark)
{
    for (uint32_t i = 0; i < r->n_bad_specs; i++)
        if (r->bad_specs[i] == spec)
            return true;
    if (mark && r->n_bad_specs < FSQL_ARRAY_LEN(r->bad_specs))
        r->bad_specs[r->n_bad_specs++] = spec;
    return false;
}

static AstNode *find_window_def(ExprCtx *x, Ident name)
{
    if (!x->select)
        return NULL;
    AstList *w = &x->select->u.select.windows;
    for (uint32_t i = 0; i < w->n; i++)
        if (str_ieq(w->items[i]->u.window_def.name.name, name.name))
            return w->items[i];
    return NULL;
}

/* The effective spec of an OVER clause: a reference to a named window is
 * merged with what the clause adds.  NULL after an error. */
static AstNode *effective_spec(ExprCtx *x, AstNode *spec, int depth)
{
    Res *r = x->r;
    AstWindowSpec *w = &spec->u.window_spec;
    if (w->base.name.len == 0)
        return spec;
    AstNode *def = find_window_def(x, w->base);
    if (!def || depth > 8) {
        diag_error(r->cc, DIAG_E_WINDOW, w->base.at,
                   "window '%.*s' is not defined", (int)w->base.name.len,
                   w->base.name.ptr);
        if (x->select && x->select->u.select.windows.n) {
            AstList *wl = &x->select->u.select.windows;
            const char **names = ARENA_NEW_ARRAY(r->a, const char *, wl->n);
            for (uint32_t i = 0; i < wl->n; i++)
                names[i] = rx_cstr(r, wl->items[i]->u.window_def.name.name);
            const char *sug = spell_suggest_n(w->base.name.ptr,
                                              w->base.name.len, names, wl->n);
            if (sug)
                diag_hint(r->cc, "Did you mean '%s'?", sug);
        } else {
            diag_hint(r->cc,
                      "Define it after the FROM/WHERE/GROUP BY "
                      "clauses: WINDOW %.*s AS (PARTITION BY ... "
                      "ORDER BY ...).",
                      (int)w->base.name.len, w->base.name.ptr);
        }
        return NULL;
    }
    AstNode *base = effective_spec(x, def->u.window_def.spec, depth + 1);
    if (!base)
        return NULL;
    if (w->partition_by.n == 0 && w->order_by.n == 0 && !w->frame_start)
        return base;
    AstNode *m = ast_new(r->a, AST_WINDOW_SPEC, spec->at);
    m->u.window_spec = base->u.window_spec;
    m->u.window_spec.base.name = STR_NULL;
    if (w->partition_by.n)
        m->u.window_spec.partition_by = w->partition_by;
    if (w->order_by.n)
        m->u.window_spec.order_by = w->order_by;
    if (w->frame_start) {
        m->u.window_spec.frame_unit = w->frame_unit;
        m->u.window_spec.frame_start = w->frame_start;
        m->u.window_spec.frame_end = w->frame_end;
    }
    return m;
}

static void check_bound(ExprCtx *x, AstNode *b, FrameUnit unit, bool is_end,
                        AstNode *order_key, bool *err)
{
    Res *r = x->r;
    if (!b || *err)
        return;
    AstFrameBound *fb = &b->u.frame_bound;
    if (fb->bound == BOUND_FOLLOWING ||
        fb->bound == BOUND_UNBOUNDED_FOLLOWING) {
        diag_error(r->cc, DIAG_E_UNSUPPORTED, b->at,
                   "OVER windows that reach past the current row are not "
                   "supported");
        diag_hint(r->cc, "End the frame at CURRENT ROW: a streaming job "
                         "cannot wait for rows that have not arrived yet.");
        *err = true;
        return;
    }
    if (is_end && fb->bound != BOUND_CURRENT_ROW) {
        diag_error(r->cc, DIAG_E_UNSUPPORTED, b->at,
                   "an OVER window frame must end at CURRENT ROW");
        diag_hint(r->cc, "Write RANGE BETWEEN INTERVAL '1' HOUR PRECEDING "
                         "AND CURRENT ROW or ROWS BETWEEN 10 PRECEDING AND "
                         "CURRENT ROW.");
        *err = true;
        return;
    }
    if (fb->bound != BOUND_PRECEDING || !fb->offset)
        return;
    SqlType *t = rx_expr(x, fb->offset);
    if (rx_is_err(t)) {
        *err = true;
        return;
    }
    if (unit == FRAME_ROWS) {
        if (!type_is_integer(t) || fb->offset->kind != AST_LITERAL) {
            diag_error(r->cc, DIAG_E_WINDOW, fb->offset->at,
                       "a ROWS frame offset must be a non-negative integer "
                       "literal, not %s",
                       rx_type_str(r, t));
            if (type_is_interval(t))
                diag_hint(r->cc,
                          "Use RANGE BETWEEN %s PRECEDING AND CURRENT "
                          "ROW for a time-based frame.",
                          "INTERVAL '...' unit");
            *err = true;
        }
        return;
    }
    /* RANGE */
    if (t->kind != T_INTERVAL_DT) {
        diag_error(r->cc, DIAG_E_WINDOW, fb->offset->at,
                   "a RANGE frame offset must be a day-time INTERVAL, not %s",
                   rx_type_str(r, t));
        if (type_is_integer(t))
            diag_hint(r->cc,
                      "Write RANGE BETWEEN INTERVAL '%.*s' SECOND "
                      "PRECEDING AND CURRENT ROW, or use ROWS for a "
                      "count of rows.",
                      fb->offset->kind == AST_LITERAL
                          ? (int)fb->offset->u.literal.text.len
                          : 1,
                      fb->offset->kind == AST_LITERAL
                          ? fb->offset->u.literal.text.ptr
                          : "1");
        *err = true;
        return;
    }
    if (order_key && !rx_is_err(order_key->type) &&
        order_key->type->time_attr == TA_NONE) {
        /* reported by the ORDER BY check */
        *err = true;
    }
}

/* Validate the OVER clause of call (function f); returns false on error. */
static bool check_over(ExprCtx *x, AstNode *call, const FuncInfo *f)
{
    Res *r = x->r;
    AstFuncCall *fc = &call->u.func_call;
    AstNode *spec = effective_spec(x, fc->over, 0);
    if (!spec)
        return false;
    fc->over = spec;
    AstWindowSpec *w = &spec->u.window_spec;
    ExprCtx sub = *x;
    sub.allow = 0;
    sub.clause = "an OVER clause";
    sub.in_over = true;
    bool err = false;
    for (uint32_t i = 0; i < w->partition_by.n; i++)
        if (rx_is_err(rx_expr(&sub, w->partition_by.items[i])))
            err = true;
    for (uint32_t i = 0; i < w->order_by.n; i++) {
        AstNode *oi = w->order_by.items[i];
        oi->type = rx_expr(&sub, oi->u.order_item.expr);
        if (rx_is_err(oi->type))
            err = true;
    }
    if (err)
        return false;
    if (spec_reported(r, spec, false))
        return false;
    SrcSpan at = spec->at;
    if (is_ranking(f)) {
        if (w->order_by.n == 0) {
            diag_error(r->cc, DIAG_E_WINDOW, at,
                       "%s needs ORDER BY in its OVER clause", f->name);
            diag_hint(r->cc, "For deduplication order by a time attribute; "
                             "for Top-N order by the ranking columns.");
            spec_reported(r, spec, true);
            return false;
        }
        return true;
    }
    if (w->order_by.n == 0) {
        diag_error(r->cc, DIAG_E_WINDOW, at,
                   "an OVER window must have ORDER BY on a time attribute");
        diag_hint(r->cc, "Add ORDER BY followed by the rowtime column "
                         "(declared with WATERMARK FOR) or a PROCTIME() "
                         "column.");
        spec_reported(r, spec, true);
        return false;
    }
    if (w->order_by.n > 1) {
        diag_error(r->cc, DIAG_E_WINDOW, w->order_by.items[1]->at,
                   "an OVER window must be ordered by exactly one time "
                   "attribute");
        diag_hint(r->cc, "Keep only the time attribute in ORDER BY.");
        spec_reported(r, spec, true);
        return false;
    }
    AstNode *oi = w->order_by.items[0];
    AstNode *key = oi->u.order_item.expr;
    if (key->type->time_attr == TA_NONE) {
        diag_error(r->cc, DIAG_E_TIME_ATTR, key->at,
                   "an OVER window must be ordered by a time attribute, but "
                   "this is %s",
                   rx_type_str(r, key->type));
        if (type_is_timestamp(key->type))
            diag_hint(r->cc, "Only a column declared with WATERMARK FOR "
                             "(event time) or computed as PROCTIME() "
                             "(processing time) is a time attribute; "
                             "expressions over it are not.");
        else
            diag_hint(r->cc, "Order by the rowtime column (declared with "
                             "WATERMARK FOR) or a PROCTIME() column.");
        spec_reported(r, spec, true);
        return false;
    }
    if (oi->u.order_item.is_desc) {
        diag_error(r->cc, DIAG_E_WINDOW, oi->at,
                   "an OVER window must be ordered ascending by its time "
                   "attribute");
        diag_hint(r->cc, "Remove DESC: rows arrive in time order.");
        spec_reported(r, spec, true);
        return false;
    }
    if (w->frame_start) {
        check_bound(x, w->frame_start, w->frame_unit, false, key, &err);
        check_bound(x, w->frame_end, w->frame_unit, true, key, &err);
        if (err) {
            spec_reported(r, spec, true);
            return false;
        }
    }
    return true;
}

static bool in_match(ExprCtx *x)
{
    return x->scope && x->scope->mr != NULL;
}

static SqlType *type_func(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstFuncCall *fc = &e->u.func_call;
    Str name = fc->name.parts[fc->name.n_parts - 1].name;
    const FuncInfo *f = fc->name.n_parts == 1 ? func_lookup(name) : NULL;
    SqlType **types;
    uint32_t n;
    if (!f) {
        unknown_function(x, e, name);
        ExprCtx sub = *x;
        sub.allow |= EX_AGG;
        sub.in_agg = true;
        rx_call_args(&sub, e, NULL, &types, &n);
        return rx_err();
    }
    fc->func = f;
    bool is_agg = f->kind == FUNC_AGGREGATE;
    bool ok = true;
    if (fc->star_var.name.len && !in_match(x)) {
        /* COUNT(A.*) names a MATCH_RECOGNIZE pattern variable */
        diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, fc->star_var.at,
                   "%s(%.*s.*) is only allowed in the MEASURES and DEFINE "
                   "of MATCH_RECOGNIZE",
                   f->name, (int)fc->star_var.name.len, fc->star_var.name.ptr);
        diag_hint(r->cc, "Write COUNT(*) to count every row.");
        ok = false;
    } else if (fc->star_var.name.len &&
               !rq_mr_has_var(x->scope->mr, fc->star_var.name)) {
        diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, fc->star_var.at,
                   "'%.*s' is not a pattern variable of this "
                   "MATCH_RECOGNIZE",
                   (int)fc->star_var.name.len, fc->star_var.name.ptr);
        diag_hint(r->cc, "Count the rows of a variable from PATTERN or a "
                         "SUBSET, e.g. COUNT(A.*).");
        ok = false;
    } else if (fc->star_var.name.len && strcmp(f->name, "COUNT") != 0) {
        diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, e->at,
                   "%s(%.*s.*) is not allowed; only COUNT takes v.*",
                   f->name, (int)fc->star_var.name.len,
                   fc->star_var.name.ptr);
        ok = false;
    }
    /* placement */
    if (fc->over) {
        if (!is_agg && f->kind != FUNC_WINDOW_ONLY) {
            diag_error(r->cc, DIAG_E_WINDOW, fc->over->at,
                       "%s is not an aggregate or window function and cannot "
                       "have OVER",
                       f->name);
            ok = false;
        } else if (!(x->allow & EX_OVER) || x->in_agg || x->in_over) {
            diag_error(r->cc, DIAG_E_WINDOW, e->at,
                       "OVER windows are not allowed in %s",
                       x->in_agg    ? "the arguments of an aggregate"
                       : x->in_over ? "an OVER clause"
                       : x->clause  ? x->clause
                                    : "this place");
            diag_hint(r->cc, "Compute the windowed value in a subquery or "
                             "view and use its result here.");
            ok = false;
        }
        x->found_over = true;
    } else {
        switch (f->kind) {
        case FUNC_AGGREGATE:
            if (in_match(x))
                break;
            if (x->in_agg) {
                diag_error(r->cc, DIAG_E_AGG_MISUSE, e->at,
                           "aggregate calls cannot be nested");
                ok = false;
            } else if (!(x->allow & EX_AGG)) {
                diag_error(r->cc, DIAG_E_AGG_MISUSE, e->at,
                           "aggregate function %s is not allowed in %s",
                           f->name, x->clause ? x->clause : "this place");
                if (x->clause && strcmp(x->clause, "WHERE") == 0)
                    diag_hint(r->cc, "Filter on aggregates in HAVING.");
                else if (x->clause && strcmp(x->clause, "GROUP BY") == 0)
                    diag_hint(r->cc, "GROUP BY lists the grouping keys; put "
                                     "aggregates in the select list.");
                ok = false;
            } else {
                x->found_agg = true;
            }
            break;
        case FUNC_WINDOW_ONLY:
            diag_error(r->cc, DIAG_E_WINDOW, e->at,
                       "%s is a window function and needs an OVER clause",
                       f->name);
            diag_hint(r->cc,
                      "Write %s(...) OVER (PARTITION BY ... ORDER BY "
                      "time_attr).",
                      f->name);
            ok = false;
            break;
        case FUNC_GROUP_WINDOW:
            if (!(x->allow & EX_GROUP_WINDOW)) {
                diag_error(r->cc, DIAG_E_WINDOW, e->at,
                           "group window function %s can only be used as a "
                           "GROUP BY item",
                           f->name);
                diag_hint(r->cc,
                          "In the select list use %s_START/%s_END; "
                          "in FROM use TABLE(%s(TABLE t, "
                          "DESCRIPTOR(ts), ...)).",
                          f->name, f->name, f->name);
                ok = false;
            }
            break;
        case FUNC_GROUP_WINDOW_AUX:
            if (!(x->allow & EX_AUX)) {
                diag_error(r->cc, DIAG_E_WINDOW, e->at,
                           "%s is only allowed in the select list or HAVING "
                           "of a query grouped by a %s window",
                           f->name, f->window_of ? f->window_of : "group");
                ok = false;
            }
            break;
        case FUNC_TABLE_FUNCTION:
            diag_error(r->cc, DIAG_E_WINDOW, e->at,
                       "%s is a window table function and can only be used "
                       "in FROM",
                       f->name);
            diag_hint(r->cc,
                      "Write FROM TABLE(%s(TABLE t, DESCRIPTOR(ts), "
                      "...)).",
                      f->name);
            ok = false;
            break;
        case FUNC_MATCH:
            if (!in_match(x)) {
                diag_error(r->cc, DIAG_E_MATCH_RECOGNIZE, e->at,
                           "%s can only be used in the MEASURES or DEFINE "
                           "clause of MATCH_RECOGNIZE",
                           f->name);
                ok = false;
            }
            break;
        default:
            break;
        }
    }
    if (ok && fc->is_distinct && !is_agg) {
        diag_error(r->cc, DIAG_E_AGG_MISUSE, e->at,
                   "DISTINCT is only allowed in aggregate functions, and %s "
                   "is not one",
                   f->name);
        ok = false;
    } else if (ok && fc->is_distinct && (f->flags & FUNC_NO_DISTINCT)) {
        diag_error(r->cc, DIAG_E_AGG_MISUSE, e->at,
                   "%s does not accept DISTINCT", f->name);
        ok = false;
    }
    if (ok && fc->filter && !is_agg) {
        diag_error(r->cc, DIAG_E_AGG_MISUSE, fc->filter->at,
                   "FILTER is only allowed in aggregate functions");
        ok = false;
    }
    if (ok && (f->flags & FUNC_WITHIN_GROUP) && fc->within_group.n == 0) {
        diag_error(r->cc, DIAG_E_AGG_MISUSE, e->at,
                   "%s needs WITHIN GROUP (ORDER BY ...)", f->name);
        diag_hint(r->cc, "Write %s(0.95) WITHIN GROUP (ORDER BY x).", f->name);
        ok = false;
    } else if (ok && !(f->flags & FUNC_WITHIN_GROUP) && fc->within_group.n) {
        diag_error(r->cc, DIAG_E_AGG_MISUSE, e->at,
                   "%s does not take WITHIN GROUP", f->name);
        ok = false;
    }

    /* arguments */
    ExprCtx sub = *x;
    if ((is_agg || f->kind == FUNC_WINDOW_ONLY) && !in_match(x)) {
        sub.in_agg = true;
        sub.allow &= ~(unsigned)(EX_AGG | EX_OVER | EX_GROUP_WINDOW);
    } else if (f->kind != FUNC_MATCH) {
        sub.allow &= ~(unsigned)EX_GROUP_WINDOW;
    }
    if (f->kind == FUNC_GROUP_WINDOW || f->kind == FUNC_GROUP_WINDOW_AUX)
        sub.allow &= ~(unsigned)(EX_AGG | EX_OVER | EX_AUX);
    bool args_ok = rx_call_args(&sub, e, f, &types, &n);
    for (uint32_t i = 0; i < fc->within_group.n; i++) {
        AstNode *oi = fc->within_group.items[i];
        oi->type = rx_expr(&sub, oi->u.order_item.expr);
        if (rx_is_err(oi->type))
            args_ok = false;
    }
    if (fc->filter) {
        ExprCtx fs = sub;
        fs.clause = "FILTER";
        rx_condition(&fs, fc->filter, "FILTER condition");
        if (rx_is_err(fc->filter->type))
            args_ok = false;
    }
    x->found_over |= sub.found_over;
    if (!ok || !args_ok)
        return rx_err();

    /* group window: its time argument must be a time attribute */
    if (f->kind == FUNC_GROUP_WINDOW && n > 0) {
        SqlType *t = types[0];
        if (t->time_attr == TA_NONE && !is_null_type(t)) {
            diag_error(r->cc, DIAG_E_TIME_ATTR, fc->args.items[0]->at,
                       "the first argument of %s must be a time attribute, "
                       "but this is %s",
                       f->name, rx_type_str(r, t));
            diag_hint(r->cc, "Use the rowtime column (declared with "
                             "WATERMARK FOR) or a PROCTIME() column; an "
                             "expression over it is a plain TIMESTAMP.");
            return rx_err();
        }
    }
    if (f->kind == FUNC_GROUP_WINDOW_AUX) {
        AstNode *gw = x->group_window;
        if (gw && rx_is_err(gw->type))
            return rx_err(); /* the group window had its own error */
        bool match = gw && f->window_of && gw->u.func_call.func &&
                     strcmp(gw->u.func_call.func->name, f->window_of) == 0 &&
                     gw->u.func_call.args.n == n;
        for (uint32_t i = 0; match && i < n; i++)
            if (!ast_expr_equal(gw->u.func_call.args.items[i],
                                fc->args.items[i]))
                match = false;
        if (!match) {
            if (gw && gw->u.func_call.func)
                diag_error(r->cc, DIAG_E_WINDOW, e->at,
                           "%s does not match the group window %s(...) in "
                           "GROUP BY",
                           f->name, gw->u.func_call.func->name);
            else
                diag_error(r->cc, DIAG_E_WINDOW, e->at,
                           "%s needs GROUP BY %s(...) with the same "
                           "arguments",
                           f->name, f->window_of ? f->window_of : "TUMBLE");
            diag_hint(r->cc,
                      "Give %s the same time column and interval(s) "
                      "as the %s(...) in GROUP BY.",
                      f->name, f->window_of ? f->window_of : "window");
            return rx_err();
        }
    }
    if (fc->over && !check_over(x, e, f))
        return rx_err();
    SqlType *res = func_resolve_call(r->cc, f, e, types, n);
    if (!res)
        return rx_err();
    if (f->flags & FUNC_ROWTIME) {
        if (res->time_attr != TA_ROWTIME && type_is_timestamp(res))
            res = type_with_time_attr(r->a, res, TA_ROWTIME);
    } else if (f->flags & FUNC_PROCTIME) {
        if (res->time_attr != TA_PROCTIME && type_is_timestamp(res))
            res = type_with_time_attr(r->a, res, TA_PROCTIME);
    } else {
        res = rx_plain(r, res);
    }
    return res;
}

/* ---- subscripts, constructors ---------------------------------------- */

static SqlType *type_ctor(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    AstList *items = &e->u.ctor.items;
    SqlType **ts = ARENA_NEW_ARRAY(r->a, SqlType *, items->n + 1);
    bool err = false;
    for (uint32_t i = 0; i < items->n; i++) {
        ts[i] = rx_plain(r, rx_expr(x, items->items[i]));
        if (rx_is_err(ts[i]))
            err = true;
    }
    if (err)
        return rx_err();
    if (e->kind == AST_ROW_CTOR) {
        SqlType *t = type_new(r->a, T_ROW);
        t->is_nullable = false;
        t->n_fields = items->n;
        t->fields = ARENA_NEW_ARRAY(r->a, TypeField, items->n + 1);
        for (uint32_t i = 0; i < items->n; i++) {
            t->fields[i].name =
                str_from_cstr(arena_sprintf(r->a, "EXPR$%u", i));
            t->fields[i].type = ts[i];
        }
        return t;
    }
    bool is_map = e->kind == AST_MAP_CTOR;
    uint32_t step = is_map ? 2 : 1;
    if (is_map && items->n % 2) {
        diag_error(r->cc, DIAG_E_WRONG_ARG_COUNT, e->at,
                   "MAP[...] needs an even number of items (key, value "
                   "pairs), not %u",
                   items->n);
        return rx_err();
    }
    SqlType *k = NULL, *v = NULL;
    for (uint32_t i = 0; i < items->n; i += step) {
        for (uint32_t j = 0; j < step; j++) {
            SqlType **acc = j == 0 ? &k : &v;
            SqlType *c = *acc ? type_common(r->a, *acc, ts[i + j]) : ts[i + j];
            if (!c) {
                diag_error(r->cc, DIAG_E_TYPE_MISMATCH, items->items[i + j]->at,
                           "element of type %s does not fit the earlier "
                           "elements of type %s",
                           rx_type_str(r, ts[i + j]), rx_type_str(r, *acc));
                return rx_err();
            }
            *acc = c;
        }
    }
    SqlType *t = type_new(r->a, is_map ? T_MAP : T_ARRAY);
    t->is_nullable = false;
    t->elem = k ? k : type_new(r->a, T_NULL);
    if (is_map)
        t->value = v ? v : type_new(r->a, T_NULL);
    if (is_map && !map_type_runnable(r, t, e->at, "MAP[...]"))
        return rx_err();
    return t;
}

static SqlType *type_subscript(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    SqlType *b = rx_expr(x, e->u.subscript.base);
    SqlType *i = rx_expr(x, e->u.subscript.index);
    if (rx_is_err(b) || rx_is_err(i))
        return rx_err();
    if (b->kind == T_ARRAY) {
        if (!type_is_integer(i)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->u.subscript.index->at,
                       "an array index must be an integer, not %s",
                       rx_type_str(r, i));
            return rx_err();
        }
        return nullable_if(r, b->elem, true);
    }
    if (b->kind == T_MAP) {
        if (!type_is_comparable(b->elem, i)) {
            diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->u.subscript.index->at,
                       "a key of type %s cannot look up a MAP with keys of "
                       "type %s",
                       rx_type_str(r, i), rx_type_str(r, b->elem));
            return rx_err();
        }
        return nullable_if(r, b->value, true);
    }
    diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->at,
               "cannot subscript a value of type %s", rx_type_str(r, b));
    diag_hint(r->cc, "Only ARRAY and MAP values take [ ].");
    return rx_err();
}

static SqlType *type_field(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    SqlType *b = rx_expr(x, e->u.field_access.base);
    if (rx_is_err(b))
        return b;
    Ident f = e->u.field_access.field;
    if (b->kind != T_ROW) {
        diag_error(r->cc, DIAG_E_TYPE_MISMATCH, f.at,
                   "cannot access field '%.*s' of a value of type %s",
                   (int)f.name.len, f.name.ptr, rx_type_str(r, b));
        return rx_err();
    }
    for (uint32_t i = 0; i < b->n_fields; i++)
        if (str_ieq(b->fields[i].name, f.name))
            return nullable_if(r, b->fields[i].type,
                               b->fields[i].type->is_nullable ||
                                   b->is_nullable);
    diag_error(r->cc, DIAG_E_UNKNOWN_COLUMN, f.at,
               "field '%.*s' not found in %s", (int)f.name.len, f.name.ptr,
               rx_type_str(r, b));
    const char **names = ARENA_NEW_ARRAY(r->a, const char *, b->n_fields + 1);
    for (uint32_t i = 0; i < b->n_fields; i++)
        names[i] = rx_cstr(r, b->fields[i].name);
    const char *sug =
        spell_suggest_n(f.name.ptr, f.name.len, names, b->n_fields);
    if (sug)
        diag_hint(r->cc, "Did you mean '%s'?", sug);
    return rx_err();
}

/* ---- dispatch --------------------------------------------------------- */

SqlType *rx_expr(ExprCtx *x, AstNode *e)
{
    Res *r = x->r;
    if (!e)
        return rx_err();
    if (e->type)
        return e->type; /* typed before (shared named window, view) */
    SqlType *t = NULL;
    switch (e->kind) {
    case AST_LITERAL:
        t = type_literal(x, e);
        break;
    case AST_COLUMN_REF:
        t = rq_column_ref(x, e);
        e->type = t;
        return t; /* keeps its time attribute */
    case AST_STAR:
        diag_error(r->cc, DIAG_E_SYNTAX, e->at,
                   "'*' is only allowed in the select list and in COUNT(*)");
        t = rx_err();
        break;
    case AST_UNARY:
        t = type_unary(x, e);
        break;
    case AST_BINARY:
        t = type_binary(x, e);
        break;
    case AST_IS:
        t = type_is(x, e);
        break;
    case AST_BETWEEN:
        t = type_between(x, e);
        break;
    case AST_IN_LIST:
        t = type_in_list(x, e);
        break;
    case AST_IN_SUBQUERY: {
        SqlType *a = rx_expr(x, e->u.in_subquery.arg);
        if (!subquery_allowed(x, e)) {
            t = rx_err();
            break;
        }
        SqlType *c =
            subquery_column(x, e->u.in_subquery.query, "a subquery after IN");
        if (rx_is_err(a) || rx_is_err(c))
            t = rx_err();
        else
            t = compare(x, e, "IN (SELECT ...)", a, c);
        break;
    }
    case AST_EXISTS:
        if (!subquery_allowed(x, e)) {
            t = rx_err();
            break;
        }
        rq_query(r, e->u.exists.query, x->scope);
        t = boolean(r, false);
        break;
    case AST_SUBQUERY_EXPR:
        if (!subquery_allowed(x, e)) {
            t = rx_err();
            break;
        }
        t = subquery_column(x, e->u.subquery_expr.query, "a scalar subquery");
        if (!rx_is_err(t))
            t = nullable_if(r, rx_plain(r, t), true);
        break;
    case AST_LIKE:
        t = type_like(x, e);
        break;
    case AST_CASE:
        t = type_case(x, e);
        break;
    case AST_WHEN:
        t = rx_expr(x, e->u.when.result);
        break;
    case AST_CAST:
        t = type_cast(x, e);
        break;
    case AST_EXTRACT:
        t = type_extract(x, e);
        break;
    case AST_FUNC_CALL:
        t = type_func(x, e);
        e->type = t;
        return t;
    case AST_TIME_UNIT_ARG:
        t = type_new(r->a, T_SYMBOL);
        break;
    case AST_TABLE_ARG:
    case AST_DESCRIPTOR_ARG:
        diag_error(r->cc, DIAG_E_WINDOW, e->at,
                   "%s is only allowed as an argument of a window table "
                   "function in FROM",
                   e->kind == AST_TABLE_ARG ? "TABLE t" : "DESCRIPTOR(...)");
        t = rx_err();
        break;
    case AST_NAMED_ARG:
        t = rx_expr(x, e->u.named_arg.value);
        break;
    case AST_ROW_CTOR:
    case AST_ARRAY_CTOR:
    case AST_MAP_CTOR:
        t = type_ctor(x, e);
        break;
    case AST_SUBSCRIPT:
        t = type_subscript(x, e);
        break;
    case AST_FIELD_ACCESS:
        t = type_field(x, e);
        break;
    case AST_ERROR:
        t = rx_err();
        break;
    default:
        diag_error(r->cc, DIAG_E_SYNTAX, e->at, "a %s is not an expression",
                   ast_kind_name(e->kind));
        t = rx_err();
        break;
    }
    if (!t)
        t = rx_err();
    t = rx_plain(r, t);
    e->type = t;
    return t;
}

void rx_condition(ExprCtx *x, AstNode *e, const char *what)
{
    Res *r = x->r;
    SqlType *t = rx_expr(x, e);
    if (rx_is_err(t) || is_bool(t))
        return;
    diag_error(r->cc, DIAG_E_TYPE_MISMATCH, e->at, "%s must be BOOLEAN, not %s",
               what, rx_type_str(r, t));
    if (type_is_numeric(t))
        diag_hint(r->cc, "Compare the value explicitly, e.g. x <> 0.");
    e->type = rx_err();
}
