/*
 * functions.c - the built-in function table and its return-type rules.
 *
 * Each entry pairs a public FuncInfo with a compact argument signature
 * and result rule that the generic checker (ret_sig) interprets; functions
 * whose typing does not fit that mould (ROUND on DECIMAL, SUM/AVG,
 * COALESCE, LAG, the window functions, ...) have their own rule.
 *
 * Signature letters, one per argument position (the last letter repeats
 * for variadic functions):
 *   S string            N any number       I integer        E exact number
 *   B boolean           T TIMESTAMP(_LTZ)  D DATE or TIMESTAMP(_LTZ)
 *   K any temporal      V interval         Y time unit      A any value
 *   X string or binary  C collection (ARRAY/MAP/MULTISET)
 *   U string or TIMESTAMP(_LTZ) or DATE  (UNIX_TIMESTAMP, DATE, ...)
 *   Z string or TIMESTAMP(_LTZ) or DATE  (DATE_FORMAT's value)
 * Result rules: a type name ("STRING", "INT", "BIGINT", "DOUBLE",
 * "BOOLEAN", "DATE", "TIME", "TS3", "LTZ3", "ARG0"), then optionally "!"
 * (never NULL) or "?" (may be NULL even for non-NULL arguments); without a
 * suffix the result is nullable when an argument is.
 *
 * Return types follow Flink (e.g. SUM(INT) is INT, SUM(DECIMAL(p, s)) is
 * DECIMAL(38, s), AVG(DECIMAL(p, s)) is DECIMAL(38, max(6, s)), COUNT is
 * BIGINT NOT NULL, EXTRACT-like functions return BIGINT).  Where fsql is
 * more lenient than Flink it says so in the entry's doc sentence
 * (UNIX_TIMESTAMP(ts) accepts a TIMESTAMP, as seed 002 needs).
 */
#include "runtime/fsql.h"
#include "compiler/functions.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct FuncEntry {
    FuncInfo info;      /* first: a FuncInfo* converts back to its entry */
    const char *sig;    /* argument letters, see above; NULL: custom */
    const char *result; /* result rule for ret_sig */
} FuncEntry;

/* ---- argument categories ---------------------------------------------- */

enum {
    C_STR = 1u << 0,
    C_BIN = 1u << 1,
    C_BOOL = 1u << 2,
    C_INT = 1u << 3,
    C_DEC = 1u << 4,
    C_APPROX = 1u << 5,
    C_DATE = 1u << 6,
    C_TIME = 1u << 7,
    C_TS = 1u << 8,
    C_LTZ = 1u << 9,
    C_IV = 1u << 10,
    C_SYM = 1u << 11,
    C_COLL = 1u << 12,
    C_ROW = 1u << 13,
    C_OTHER = 1u << 14,
    C_NULL = 1u << 15
};

#define C_EXACT (C_INT | C_DEC)
#define C_NUM (C_EXACT | C_APPROX)
#define C_TSS (C_TS | C_LTZ)
#define C_TEMPORAL (C_DATE | C_TIME | C_TSS)
#define C_VALUE                                                                \
    (C_STR | C_BIN | C_BOOL | C_NUM | C_TEMPORAL | C_IV | C_COLL | C_ROW)

static unsigned cat_of(const SqlType *t)
{
    switch (t->kind) {
    case T_NULL:
        return C_NULL;
    case T_CHAR:
    case T_VARCHAR:
        return C_STR;
    case T_BINARY:
    case T_VARBINARY:
        return C_BIN;
    case T_BOOLEAN:
        return C_BOOL;
    case T_TINYINT:
    case T_SMALLINT:
    case T_INT:
    case T_BIGINT:
        return C_INT;
    case T_DECIMAL:
        return C_DEC;
    case T_FLOAT:
    case T_DOUBLE:
        return C_APPROX;
    case T_DATE:
        return C_DATE;
    case T_TIME:
        return C_TIME;
    case T_TIMESTAMP:
        return C_TS;
    case T_TIMESTAMP_LTZ:
        return C_LTZ;
    case T_INTERVAL_YM:
    case T_INTERVAL_DT:
        return C_IV;
    case T_SYMBOL:
        return C_SYM;
    case T_ARRAY:
    case T_MAP:
    case T_MULTISET:
        return C_COLL;
    case T_ROW:
        return C_ROW;
    default:
        return C_OTHER;
    }
}

static unsigned letter_mask(char c, const char **what)
{
    switch (c) {
    case 'S':
        *what = "a string";
        return C_STR;
    case 'N':
        *what = "a number";
        return C_NUM;
    case 'I':
        *what = "an integer";
        return C_INT;
    case 'E':
        *what = "an exact number (integer or DECIMAL)";
        return C_EXACT;
    case 'B':
        *what = "a BOOLEAN";
        return C_BOOL;
    case 'T':
        *what = "a TIMESTAMP or TIMESTAMP_LTZ";
        return C_TSS;
    case 'D':
        *what = "a DATE, TIMESTAMP or TIMESTAMP_LTZ";
        return C_DATE | C_TSS;
    case 'K':
        *what = "a DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ";
        return C_TEMPORAL;
    case 'V':
        *what = "an INTERVAL";
        return C_IV;
    case 'Y':
        *what = "a time unit (SECOND, MINUTE, HOUR, DAY, ...)";
        return C_SYM;
    case 'X':
        *what = "a string or binary value";
        return C_STR | C_BIN;
    case 'C':
        *what = "an ARRAY, MAP or MULTISET";
        return C_COLL;
    case 'U':
    case 'Z':
        *what = "a string, DATE, TIMESTAMP or TIMESTAMP_LTZ";
        return C_STR | C_DATE | C_TSS;
    default:
        *what = "a value";
        return C_VALUE;
    }
}

static const char *call_name(const AstNode *call)
{
    const FuncInfo *f = call->u.func_call.func;
    return f ? f->name : "the function";
}

static SrcSpan arg_at(const AstNode *call, uint32_t i)
{
    if (i < call->u.func_call.args.n)
        return call->u.func_call.args.items[i]->at;
    return call->at;
}

/* Report argument i as having the wrong type. */
static void arg_mismatch(CompileCtx *cc, AstNode *call, uint32_t i,
                         const SqlType *got, const char *what)
{
    const char *gs =
        type_to_string(&cc->a, type_with_nullable(&cc->a, got, true));
    diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, i),
               "argument %u of %s must be %s, not %s", i + 1, call_name(call),
               what, gs);
    if (type_is_string(got) &&
        (strstr(what, "number") || strstr(what, "integer")))
        diag_hint(cc, "Use CAST(... AS DECIMAL(p, s)) or CAST(... AS "
                      "BIGINT) to convert the string.");
    else if (type_is_string(got) && strstr(what, "TIMESTAMP"))
        diag_hint(cc, "Use TO_TIMESTAMP(...) or CAST(... AS TIMESTAMP(3)) "
                      "to convert the string.");
    else if (strstr(what, "string") && !strstr(what, "DATE") &&
             (type_is_numeric(got) || type_is_temporal(got) ||
              got->kind == T_BOOLEAN))
        diag_hint(cc, "Use CAST(... AS STRING) to convert it.");
}

/* Check argument i against mask; T_NULL matches everything. */
static bool want(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t i,
                 unsigned mask, const char *what)
{
    if (!t[i])
        return true; /* untyped: an error was reported already */
    unsigned c = cat_of(t[i]);
    if (c == C_NULL || (c & mask))
        return true;
    arg_mismatch(cc, call, i, t[i], what);
    return false;
}

static bool want_letter(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t i,
                        char letter)
{
    const char *what;
    unsigned mask = letter_mask(letter, &what);
    return want(cc, call, t, i, mask, what);
}

static bool any_nullable(SqlType **t, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (t[i] && (t[i]->is_nullable || t[i]->kind == T_NULL))
            return true;
    return false;
}

static SqlType *nn(Arena *a, SqlType *t, bool nullable)
{
    (void)a;
    t->is_nullable = nullable;
    t->time_attr = TA_NONE;
    return t;
}

/* Strip a time attribute (a function of a rowtime is a plain value). */
static SqlType *plain(Arena *a, const SqlType *t)
{
    SqlType *c = type_copy(a, t);
    c->time_attr = TA_NONE;
    return c;
}

static SqlType *named_type(CompileCtx *cc, const char *r, SqlType **t,
                           uint32_t n, size_t len)
{
    Arena *a = &cc->a;
#define IS(s) (len == sizeof(s) - 1 && strncmp(r, s, len) == 0)
    if (IS("STRING"))
        return type_new_varchar(a, VARCHAR_MAX);
    if (IS("INT"))
        return type_new(a, T_INT);
    if (IS("BIGINT"))
        return type_new(a, T_BIGINT);
    if (IS("DOUBLE"))
        return type_new(a, T_DOUBLE);
    if (IS("BOOLEAN"))
        return type_new(a, T_BOOLEAN);
    if (IS("DATE"))
        return type_new(a, T_DATE);
    if (IS("TIME"))
        return type_new_timestamp(a, T_TIME, 0);
    if (IS("TS3"))
        return type_new_timestamp(a, T_TIMESTAMP, 3);
    if (IS("LTZ3"))
        return type_new_timestamp(a, T_TIMESTAMP_LTZ, 3);
    if (IS("ARG0")) {
        if (n > 0 && t[0] && t[0]->kind != T_NULL)
            return plain(a, t[0]);
        return type_new(a, T_NULL);
    }
    if (IS("MAPSS")) {
        SqlType *m = type_new(a, T_MAP);
        m->elem = type_new_varchar(a, VARCHAR_MAX);
        m->value = type_new_varchar(a, VARCHAR_MAX);
        return m;
    }
#undef IS
    FSQL_ASSERT(!"unknown result rule");
    return type_new(a, T_NULL);
}

/* The generic rule: check each argument against the signature letters,
 * then build the result from the rule text. */
static SqlType *ret_sig(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    const FuncEntry *e = (const FuncEntry *)call->u.func_call.func;
    FSQL_ASSERT(e && e->sig && e->result);
    bool ok = true;
    size_t sl = strlen(e->sig);
    for (uint32_t i = 0; i < n; i++) {
        char letter = sl ? e->sig[i < sl ? i : sl - 1] : 'A';
        if (!want_letter(cc, call, t, i, letter))
            ok = false;
    }
    if (!ok)
        return NULL;
    const char *r = e->result;
    size_t len = strcspn(r, "!?");
    SqlType *res = named_type(cc, r, t, n, len);
    bool nullable = any_nullable(t, n);
    if (r[len] == '!')
        nullable = false;
    else if (r[len] == '?')
        nullable = true;
    return nn(&cc->a, res, nullable);
}

/* ---- literal helpers ------------------------------------------------ */

/* The value of argument i when it is an integer literal (possibly
 * negated); false otherwise. */
static bool int_literal(const AstNode *call, uint32_t i, int64_t *out)
{
    if (i >= call->u.func_call.args.n)
        return false;
    const AstNode *e = call->u.func_call.args.items[i];
    bool neg = false;
    while (e->kind == AST_UNARY &&
           (e->u.unary.op == UOP_NEG || e->u.unary.op == UOP_PLUS)) {
        if (e->u.unary.op == UOP_NEG)
            neg = !neg;
        e = e->u.unary.arg;
    }
    if (e->kind != AST_LITERAL || e->u.literal.lit_kind != LIT_INTEGER)
        return false;
    Str s = e->u.literal.text;
    int64_t v = 0;
    for (size_t k = 0; k < s.len; k++) {
        if (s.ptr[k] < '0' || s.ptr[k] > '9' || v > 100000000000LL)
            return false;
        v = v * 10 + (s.ptr[k] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static bool numeric_literal_value(const AstNode *e, double *out)
{
    bool neg = false;
    while (e->kind == AST_UNARY &&
           (e->u.unary.op == UOP_NEG || e->u.unary.op == UOP_PLUS)) {
        if (e->u.unary.op == UOP_NEG)
            neg = !neg;
        e = e->u.unary.arg;
    }
    if (e->kind != AST_LITERAL || (e->u.literal.lit_kind != LIT_INTEGER &&
                                   e->u.literal.lit_kind != LIT_DECIMAL &&
                                   e->u.literal.lit_kind != LIT_DOUBLE))
        return false;
    char buf[64];
    Str s = e->u.literal.text;
    if (s.len >= sizeof(buf))
        return false;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = 0;
    *out = strtod(buf, NULL) * (neg ? -1 : 1);
    return true;
}

/* ---- custom rules: math ------------------------------------------------ */

/* DECIMAL(p, s) rounded to r digits (Flink's rule: rounding may carry one
 * more integral digit). */
static SqlType *round_decimal(Arena *a, int32_t p, int32_t s, int64_t r)
{
    if (r >= s)
        return type_new_decimal(a, p, s);
    if (r < 0) {
        int32_t np = 1 + p - s;
        return type_new_decimal(a, np > 38 ? 38 : np, 0);
    }
    int32_t np = 1 + p - s + (int32_t)r;
    return type_new_decimal(a, np > 38 ? 38 : np, (int32_t)r);
}

static SqlType *ret_round(CompileCtx *cc, AstNode *call, SqlType **t,
                          uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_NUM, "a number");
    if (n > 1 && !want(cc, call, t, 1, C_INT, "an integer"))
        ok = false;
    if (!ok)
        return NULL;
    Arena *a = &cc->a;
    bool nullable = any_nullable(t, n);
    if (!t[0] || t[0]->kind == T_NULL)
        return nn(a, type_new(a, T_DOUBLE), true);
    if (t[0]->kind != T_DECIMAL)
        return nn(a, plain(a, t[0]), nullable);
    int64_t r = 0;
    if (n > 1 && !int_literal(call, 1, &r)) {
        /* A computed scale: keep the argument's type. */
        return nn(a, plain(a, t[0]), nullable);
    }
    return nn(a, round_decimal(a, t[0]->precision, t[0]->scale, r), nullable);
}

/* FLOOR/CEIL(number) or FLOOR/CEIL(temporal TO unit). */
static SqlType *ret_floor(CompileCtx *cc, AstNode *call, SqlType **t,
                          uint32_t n)
{
    Arena *a = &cc->a;
    bool nullable = any_nullable(t, n);
    if (n == 2) {
        bool ok = want(cc, call, t, 0, C_TEMPORAL,
                       "a DATE, TIME or "
                       "TIMESTAMP");
        if (!want(cc, call, t, 1, C_SYM, "a time unit"))
            ok = false;
        if (!ok)
            return NULL;
        return nn(a, t[0] ? plain(a, t[0]) : type_new(a, T_NULL), nullable);
    }
    if (!want(cc, call, t, 0, C_NUM, "a number"))
        return NULL;
    if (!t[0] || t[0]->kind == T_NULL)
        return nn(a, type_new(a, T_DOUBLE), true);
    if (t[0]->kind == T_DECIMAL)
        return nn(a, round_decimal(a, t[0]->precision, t[0]->scale, 0),
                  nullable);
    return nn(a, plain(a, t[0]), nullable);
}

/* MOD(a, b): DECIMAL rule when a DECIMAL is involved, else the type of
 * b (the result is smaller than b); NULL when b is 0. */
static SqlType *ret_mod(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_EXACT,
                   "an exact number (integer or "
                   "DECIMAL)");
    if (!want(cc, call, t, 1, C_EXACT,
              "an exact number (integer or "
              "DECIMAL)"))
        ok = false;
    if (!ok)
        return NULL;
    Arena *a = &cc->a;
    (void)n;
    if (!t[0] || !t[1] || t[0]->kind == T_NULL || t[1]->kind == T_NULL)
        return nn(a, type_new(a, T_INT), true);
    if (t[0]->kind == T_DECIMAL || t[1]->kind == T_DECIMAL)
        return nn(a, type_decimal_mod(a, t[0], t[1]), true);
    return nn(a, plain(a, t[1]), true);
}

/* ABS, SIGN, negation-like functions: same numeric type. */
static SqlType *ret_same_numeric(CompileCtx *cc, AstNode *call, SqlType **t,
                                 uint32_t n)
{
    if (!want(cc, call, t, 0, C_NUM | C_IV, "a number or interval"))
        return NULL;
    Arena *a = &cc->a;
    if (!t[0] || t[0]->kind == T_NULL)
        return nn(a, type_new(a, T_INT), true);
    return nn(a, plain(a, t[0]), any_nullable(t, n));
}

/* TRUNCATE(number [, digits]): like ROUND for DECIMAL without the carry
 * digit. */
static SqlType *ret_truncate(CompileCtx *cc, AstNode *call, SqlType **t,
                             uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_NUM, "a number");
    if (n > 1 && !want(cc, call, t, 1, C_INT, "an integer"))
        ok = false;
    if (!ok)
        return NULL;
    Arena *a = &cc->a;
    if (!t[0] || t[0]->kind == T_NULL)
        return nn(a, type_new(a, T_DOUBLE), true);
    if (t[0]->kind != T_DECIMAL)
        return nn(a, plain(a, t[0]), any_nullable(t, n));
    int64_t r = 0;
    if (n > 1 && !int_literal(call, 1, &r))
        return nn(a, plain(a, t[0]), any_nullable(t, n));
    int32_t s = t[0]->scale;
    if (r >= s)
        return nn(a, plain(a, t[0]), any_nullable(t, n));
    int32_t ns = r < 0 ? 0 : (int32_t)r;
    return nn(a, type_new_decimal(a, t[0]->precision - s + ns, ns),
              any_nullable(t, n));
}

/* ---- custom rules: conditional --------------------------------------- */

/* The common type of arguments [from, n), reporting the first that does
 * not fit. */
static SqlType *common_of(CompileCtx *cc, AstNode *call, SqlType **t,
                          uint32_t from, uint32_t n)
{
    Arena *a = &cc->a;
    SqlType *r = NULL;
    for (uint32_t i = from; i < n; i++) {
        if (!t[i])
            return NULL;
        if (!r) {
            r = plain(a, t[i]);
            continue;
        }
        SqlType *c = type_common(a, r, t[i]);
        if (!c) {
            diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, i),
                       "argument %u of %s has type %s, which does not mix "
                       "with %s",
                       i + 1, call_name(call),
                       type_to_string(a, type_with_nullable(a, t[i], true)),
                       type_to_string(a, type_with_nullable(a, r, true)));
            diag_detail(cc, "All these arguments must have a common type; "
                            "use CAST to convert them.");
            return NULL;
        }
        r = c;
    }
    return r ? r : type_new(a, T_NULL);
}

static SqlType *ret_coalesce(CompileCtx *cc, AstNode *call, SqlType **t,
                             uint32_t n)
{
    SqlType *r = common_of(cc, call, t, 0, n);
    if (!r)
        return NULL;
    bool all_nullable = true;
    for (uint32_t i = 0; i < n; i++)
        if (t[i] && t[i]->kind != T_NULL && !t[i]->is_nullable)
            all_nullable = false;
    r->is_nullable = all_nullable;
    return r;
}

static SqlType *ret_ifnull(CompileCtx *cc, AstNode *call, SqlType **t,
                           uint32_t n)
{
    SqlType *r = common_of(cc, call, t, 0, n);
    if (!r)
        return NULL;
    r->is_nullable = t[0]->is_nullable && t[1]->is_nullable;
    return r;
}

static SqlType *ret_nullif(CompileCtx *cc, AstNode *call, SqlType **t,
                           uint32_t n)
{
    (void)n;
    if (!t[0] || !t[1])
        return NULL;
    if (!type_is_comparable(t[0], t[1])) {
        diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, 1),
                   "NULLIF cannot compare %s with %s",
                   type_to_string(&cc->a, t[0]), type_to_string(&cc->a, t[1]));
        return NULL;
    }
    return nn(&cc->a, plain(&cc->a, t[0]), true);
}

static SqlType *ret_if(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    if (!want(cc, call, t, 0, C_BOOL, "a BOOLEAN condition"))
        return NULL;
    return common_of(cc, call, t, 1, n);
}

static SqlType *ret_greatest(CompileCtx *cc, AstNode *call, SqlType **t,
                             uint32_t n)
{
    SqlType *r = common_of(cc, call, t, 0, n);
    if (!r)
        return NULL;
    r->is_nullable = any_nullable(t, n);
    return r;
}

/* ---- custom rules: temporal --------------------------------------------- */

static SqlType *ret_timestampadd(CompileCtx *cc, AstNode *call, SqlType **t,
                                 uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_SYM, "a time unit");
    if (!want(cc, call, t, 1, C_INT, "an integer"))
        ok = false;
    if (!want(cc, call, t, 2, C_DATE | C_TIME | C_TSS,
              "a DATE, TIME or "
              "TIMESTAMP"))
        ok = false;
    if (!ok)
        return NULL;
    Arena *a = &cc->a;
    if (!t[2] || t[2]->kind == T_NULL)
        return nn(a, type_new_timestamp(a, T_TIMESTAMP, 3), true);
    return nn(a, plain(a, t[2]), any_nullable(t, n));
}

static SqlType *ret_timestampdiff(CompileCtx *cc, AstNode *call, SqlType **t,
                                  uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_SYM, "a time unit");
    if (!want(cc, call, t, 1, C_DATE | C_TSS, "a DATE or TIMESTAMP"))
        ok = false;
    if (!want(cc, call, t, 2, C_DATE | C_TSS, "a DATE or TIMESTAMP"))
        ok = false;
    if (!ok)
        return NULL;
    return nn(&cc->a, type_new(&cc->a, T_INT), any_nullable(t, n));
}

/* TO_TIMESTAMP_LTZ(epoch, precision) or TO_TIMESTAMP_LTZ(string [, fmt]). */
static SqlType *ret_to_timestamp_ltz(CompileCtx *cc, AstNode *call, SqlType **t,
                                     uint32_t n)
{
    Arena *a = &cc->a;
    if (!want(cc, call, t, 0, C_NUM | C_STR, "a number (epoch) or a string"))
        return NULL;
    if (t[0] && type_is_string(t[0])) {
        if (n > 1 && !want(cc, call, t, 1, C_STR, "a format string"))
            return NULL;
    } else if (n > 1) {
        if (!want(cc, call, t, 1, C_INT, "an integer precision (0 or 3)"))
            return NULL;
        int64_t p;
        if (int_literal(call, 1, &p) && p != 0 && p != 3) {
            diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, 1),
                       "the precision of TO_TIMESTAMP_LTZ must be 0 "
                       "(seconds) or 3 (milliseconds)");
            return NULL;
        }
    }
    return nn(a, type_new_timestamp(a, T_TIMESTAMP_LTZ, 3), true);
}

/* UNIX_TIMESTAMP() / (value) / (string, fmt). */
static SqlType *ret_unix_timestamp(CompileCtx *cc, AstNode *call, SqlType **t,
                                   uint32_t n)
{
    Arena *a = &cc->a;
    if (n == 0)
        return nn(a, type_new(a, T_BIGINT), false);
    if (!want_letter(cc, call, t, 0, 'U'))
        return NULL;
    if (n > 1 && !want(cc, call, t, 1, C_STR, "a format string"))
        return NULL;
    bool may_fail = t[0] && type_is_string(t[0]);
    return nn(a, type_new(a, T_BIGINT), may_fail || any_nullable(t, n));
}

static SqlType *ret_proctime(CompileCtx *cc, AstNode *call, SqlType **t,
                             uint32_t n)
{
    (void)call;
    (void)t;
    (void)n;
    SqlType *r = type_new_timestamp(&cc->a, T_TIMESTAMP_LTZ, 3);
    r->is_nullable = false;
    r->time_attr = TA_PROCTIME;
    return r;
}

static SqlType *ret_source_watermark(CompileCtx *cc, AstNode *call, SqlType **t,
                                     uint32_t n)
{
    (void)call;
    (void)t;
    (void)n;
    SqlType *r = type_new_timestamp(&cc->a, T_TIMESTAMP_LTZ, 3);
    r->is_nullable = false;
    return r;
}

/* ---- custom rules: aggregates ------------------------------------------ */

static SqlType *ret_count(CompileCtx *cc, AstNode *call, SqlType **t,
                          uint32_t n)
{
    (void)call;
    (void)t;
    (void)n;
    return nn(&cc->a, type_new(&cc->a, T_BIGINT), false);
}

static SqlType *ret_sum(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    (void)n;
    if (!want(cc, call, t, 0, C_NUM | C_IV, "a number"))
        return NULL;
    Arena *a = &cc->a;
    if (!t[0] || t[0]->kind == T_NULL)
        return nn(a, type_new_decimal(a, 38, 0), true);
    if (t[0]->kind == T_DECIMAL)
        return nn(a, type_new_decimal(a, 38, t[0]->scale), true);
    return nn(a, plain(a, t[0]), true);
}

/* AVG and the variance family: DECIMAL(38, max(6, s)) for DECIMAL
 * (Flink's average type: a division by the BIGINT count), the argument's
 * own type otherwise (so AVG(INT) is INT, as in Flink). */
static SqlType *ret_avg(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    (void)n;
    if (!want(cc, call, t, 0, C_NUM, "a number"))
        return NULL;
    Arena *a = &cc->a;
    if (!t[0] || t[0]->kind == T_NULL)
        return nn(a, type_new(a, T_DOUBLE), true);
    if (t[0]->kind == T_DECIMAL) {
        SqlType *cnt = type_new_decimal(a, 20, 0);
        SqlType *sum = type_new_decimal(a, 38, t[0]->scale);
        return nn(a, type_decimal_div(a, sum, cnt), true);
    }
    return nn(a, plain(a, t[0]), true);
}

/* MIN, MAX, FIRST_VALUE, LAST_VALUE: the argument's type, nullable. */
static SqlType *ret_arg0_nullable(CompileCtx *cc, AstNode *call, SqlType **t,
                                  uint32_t n)
{
    (void)call;
    (void)n;
    Arena *a = &cc->a;
    if (!t[0])
        return NULL;
    if (t[0]->kind == T_SYMBOL || t[0]->kind == T_TABLE ||
        t[0]->kind == T_DESCRIPTOR) {
        arg_mismatch(cc, call, 0, t[0], "a value");
        return NULL;
    }
    return nn(a, plain(a, t[0]), true);
}

static SqlType *ret_minmax(CompileCtx *cc, AstNode *call, SqlType **t,
                           uint32_t n)
{
    if (t[0] && (t[0]->kind == T_MAP || t[0]->kind == T_MULTISET ||
                 t[0]->kind == T_ROW)) {
        arg_mismatch(cc, call, 0, t[0], "a comparable value");
        return NULL;
    }
    return ret_arg0_nullable(cc, call, t, n);
}

static SqlType *ret_listagg(CompileCtx *cc, AstNode *call, SqlType **t,
                            uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_STR, "a string");
    if (n > 1 && !want(cc, call, t, 1, C_STR, "a string separator"))
        ok = false;
    if (!ok)
        return NULL;
    return nn(&cc->a, type_new_varchar(&cc->a, VARCHAR_MAX), true);
}

static SqlType *ret_collect(CompileCtx *cc, AstNode *call, SqlType **t,
                            uint32_t n)
{
    (void)call;
    (void)n;
    if (!t[0])
        return NULL;
    SqlType *m = type_new(&cc->a, T_MULTISET);
    m->elem = plain(&cc->a, t[0]);
    m->is_nullable = false;
    return m;
}

static SqlType *ret_array_agg(CompileCtx *cc, AstNode *call, SqlType **t,
                              uint32_t n)
{
    (void)call;
    (void)n;
    if (!t[0])
        return NULL;
    SqlType *m = type_new(&cc->a, T_ARRAY);
    m->elem = plain(&cc->a, t[0]);
    m->is_nullable = true;
    return m;
}

/* The type of the WITHIN GROUP (ORDER BY x) expression, or NULL. */
static SqlType *within_group_type(CompileCtx *cc, AstNode *call)
{
    AstList *wg = &call->u.func_call.within_group;
    if (wg->n == 0) {
        diag_error(cc, DIAG_E_AGG_MISUSE, call->at,
                   "%s needs WITHIN GROUP (ORDER BY ...)", call_name(call));
        diag_hint(cc, "Write %s(0.95) WITHIN GROUP (ORDER BY column).",
                  call_name(call));
        return NULL;
    }
    if (wg->n > 1) {
        diag_error(cc, DIAG_E_AGG_MISUSE, wg->items[1]->at,
                   "%s orders by exactly one expression", call_name(call));
        return NULL;
    }
    AstNode *oi = wg->items[0];
    if (oi->type)
        return oi->type;
    AstNode *e = oi->kind == AST_ORDER_ITEM ? oi->u.order_item.expr : oi;
    return e ? e->type : NULL;
}

static bool check_fraction(CompileCtx *cc, AstNode *call, SqlType **t,
                           uint32_t i)
{
    if (!want(cc, call, t, i, C_NUM, "a number between 0 and 1"))
        return false;
    double f;
    if (i < call->u.func_call.args.n &&
        numeric_literal_value(call->u.func_call.args.items[i], &f) &&
        (f < 0 || f > 1)) {
        diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, i),
                   "the percentile of %s must be between 0 and 1",
                   call_name(call));
        diag_hint(cc, "Write 0.95 for the 95th percentile.");
        return false;
    }
    return true;
}

static SqlType *ret_percentile_cont(CompileCtx *cc, AstNode *call, SqlType **t,
                                    uint32_t n)
{
    (void)n;
    if (!check_fraction(cc, call, t, 0))
        return NULL;
    SqlType *x = within_group_type(cc, call);
    if (!x)
        return NULL;
    if (x->kind != T_NULL && !type_is_numeric(x) && !type_is_interval(x)) {
        AstNode *oi = call->u.func_call.within_group.items[0];
        diag_error(cc, DIAG_E_TYPE_MISMATCH, oi->at,
                   "PERCENTILE_CONT orders by a number, not %s",
                   type_to_string(&cc->a, x));
        diag_hint(cc, "PERCENTILE_DISC works on any ordered type.");
        return NULL;
    }
    return nn(&cc->a, type_new(&cc->a, T_DOUBLE), true);
}

static SqlType *ret_percentile_disc(CompileCtx *cc, AstNode *call, SqlType **t,
                                    uint32_t n)
{
    (void)n;
    if (!check_fraction(cc, call, t, 0))
        return NULL;
    SqlType *x = within_group_type(cc, call);
    if (!x)
        return NULL;
    return nn(&cc->a, plain(&cc->a, x), true);
}

/* PERCENTILE(value, fraction): Flink 1.19's aggregate form. */
static SqlType *ret_percentile(CompileCtx *cc, AstNode *call, SqlType **t,
                               uint32_t n)
{
    (void)n;
    bool ok = want(cc, call, t, 0, C_NUM, "a number");
    if (!check_fraction(cc, call, t, 1))
        ok = false;
    if (!ok)
        return NULL;
    return nn(&cc->a, type_new(&cc->a, T_DOUBLE), true);
}

/* ---- custom rules: window functions ------------------------------------ */

static SqlType *ret_rank(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    (void)call;
    (void)t;
    (void)n;
    return nn(&cc->a, type_new(&cc->a, T_BIGINT), false);
}

static SqlType *ret_dist(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    (void)call;
    (void)t;
    (void)n;
    return nn(&cc->a, type_new(&cc->a, T_DOUBLE), false);
}

static SqlType *ret_ntile(CompileCtx *cc, AstNode *call, SqlType **t,
                          uint32_t n)
{
    (void)n;
    if (!want(cc, call, t, 0, C_INT, "a positive integer"))
        return NULL;
    return nn(&cc->a, type_new(&cc->a, T_BIGINT), false);
}

/* LAG/LEAD(x [, offset [, default]]). */
static SqlType *ret_lag(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    Arena *a = &cc->a;
    if (!t[0])
        return NULL;
    if (n > 1) {
        if (!want(cc, call, t, 1, C_INT, "an integer offset"))
            return NULL;
        int64_t off;
        if (int_literal(call, 1, &off) && off < 0) {
            diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, 1),
                       "the offset of %s must not be negative",
                       call_name(call));
            return NULL;
        }
    }
    SqlType *r = plain(a, t[0]);
    if (n > 2) {
        if (!t[2])
            return NULL;
        SqlType *c = type_common(a, r, t[2]);
        if (!c) {
            diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, 2),
                       "the default of %s has type %s, which does not mix "
                       "with %s",
                       call_name(call),
                       type_to_string(a, type_with_nullable(a, t[2], true)),
                       type_to_string(a, type_with_nullable(a, r, true)));
            return NULL;
        }
        r = c;
    }
    return nn(a, r, true);
}

/* ---- custom rules: group windows and window TVFs ----------------------- */

static bool want_interval_dt(CompileCtx *cc, AstNode *call, SqlType **t,
                             uint32_t i)
{
    if (!t[i] || t[i]->kind == T_INTERVAL_DT)
        return true;
    arg_mismatch(cc, call, i, t[i],
                 "a day-time INTERVAL such as INTERVAL '1' MINUTE");
    return false;
}

/* TUMBLE(ts, size), HOP(ts, slide, size), SESSION(ts, gap) in GROUP BY
 * and their _START/_END/_ROWTIME/_PROCTIME helpers.  Whether ts is a time
 * attribute is checked by resolve.c (E_TIME_ATTR), which knows where the
 * column came from. */
static SqlType *check_group_window(CompileCtx *cc, AstNode *call, SqlType **t,
                                   uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_TSS,
                   "a time attribute (TIMESTAMP or TIMESTAMP_LTZ)");
    for (uint32_t i = 1; i < n; i++)
        if (!want_interval_dt(cc, call, t, i))
            ok = false;
    if (!ok)
        return NULL;
    if (!t[0] || t[0]->kind == T_NULL)
        return type_new_timestamp(&cc->a, T_TIMESTAMP, 3);
    return t[0];
}

static SqlType *ret_group_window(CompileCtx *cc, AstNode *call, SqlType **t,
                                 uint32_t n)
{
    SqlType *ts = check_group_window(cc, call, t, n);
    if (!ts)
        return NULL;
    return nn(&cc->a, plain(&cc->a, ts), false);
}

static SqlType *ret_window_bound(CompileCtx *cc, AstNode *call, SqlType **t,
                                 uint32_t n)
{
    SqlType *ts = check_group_window(cc, call, t, n);
    if (!ts)
        return NULL;
    return nn(&cc->a, type_new_timestamp(&cc->a, ts->kind, 3), false);
}

static SqlType *ret_window_rowtime(CompileCtx *cc, AstNode *call, SqlType **t,
                                   uint32_t n)
{
    SqlType *ts = check_group_window(cc, call, t, n);
    if (!ts)
        return NULL;
    SqlType *r = type_new_timestamp(&cc->a, ts->kind, 3);
    r->is_nullable = false;
    r->time_attr = TA_ROWTIME;
    return r;
}

static SqlType *ret_window_proctime(CompileCtx *cc, AstNode *call, SqlType **t,
                                    uint32_t n)
{
    if (!check_group_window(cc, call, t, n))
        return NULL;
    return ret_proctime(cc, call, t, n);
}

/* TUMBLE/HOP/CUMULATE/SESSION(TABLE t, DESCRIPTOR(ts), intervals...). */
static SqlType *ret_window_tvf(CompileCtx *cc, AstNode *call, SqlType **t,
                               uint32_t n)
{
    bool ok = true;
    if (t[0] && t[0]->kind != T_TABLE) {
        diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, 0),
                   "the first argument of %s must be a table, written "
                   "TABLE name",
                   call_name(call));
        ok = false;
    }
    if (n > 1 && t[1] && t[1]->kind != T_DESCRIPTOR) {
        diag_error(cc, DIAG_E_TYPE_MISMATCH, arg_at(call, 1),
                   "the second argument of %s must name the time column, "
                   "written DESCRIPTOR(column)",
                   call_name(call));
        ok = false;
    }
    for (uint32_t i = 2; i < n; i++)
        if (!want_interval_dt(cc, call, t, i))
            ok = false;
    if (!ok)
        return NULL;
    SqlType *r = type_new(&cc->a, T_TABLE);
    r->is_nullable = false;
    return r;
}

/* ---- custom rules: MATCH_RECOGNIZE ------------------------------------ */

static SqlType *ret_nav(CompileCtx *cc, AstNode *call, SqlType **t, uint32_t n)
{
    if (!t[0])
        return NULL;
    if (n > 1) {
        if (!want(cc, call, t, 1, C_INT, "an integer offset"))
            return NULL;
        int64_t off;
        if (int_literal(call, 1, &off) && off < 0) {
            diag_error(cc, DIAG_E_MATCH_RECOGNIZE, arg_at(call, 1),
                       "the offset of %s must not be negative",
                       call_name(call));
            return NULL;
        }
    }
    SqlType *r = type_copy(&cc->a, t[0]);
    r->is_nullable = true;
    if (r->time_attr == TA_PROCTIME)
        r->time_attr = TA_NONE;
    return r;
}

static SqlType *ret_match_rowtime(CompileCtx *cc, AstNode *call, SqlType **t,
                                  uint32_t n)
{
    (void)call;
    TypeKind k = T_TIMESTAMP;
    if (n > 0 && t[0]) {
        if (!want(cc, call, t, 0, C_TSS, "a rowtime attribute"))
            return NULL;
        if (t[0]->kind == T_TIMESTAMP_LTZ)
            k = T_TIMESTAMP_LTZ;
    }
    SqlType *r = type_new_timestamp(&cc->a, k, 3);
    r->is_nullable = false;
    r->time_attr = TA_ROWTIME;
    return r;
}

/* ---- misc scalar rules -------------------------------------------------- */

static SqlType *ret_cardinality(CompileCtx *cc, AstNode *call, SqlType **t,
                                uint32_t n)
{
    if (!want(cc, call, t, 0, C_COLL, "an ARRAY, MAP or MULTISET"))
        return NULL;
    return nn(&cc->a, type_new(&cc->a, T_INT), any_nullable(t, n));
}

static SqlType *ret_element(CompileCtx *cc, AstNode *call, SqlType **t,
                            uint32_t n)
{
    (void)n;
    if (!t[0])
        return NULL;
    if (t[0]->kind != T_ARRAY && t[0]->kind != T_NULL) {
        arg_mismatch(cc, call, 0, t[0], "an ARRAY");
        return NULL;
    }
    if (t[0]->kind == T_NULL || !t[0]->elem)
        return nn(&cc->a, type_new(&cc->a, T_NULL), true);
    return nn(&cc->a, plain(&cc->a, t[0]->elem), true);
}

/* CONCAT(a, b, ...): strings; fsql also takes numbers, booleans and
 * temporal values and prints them as CAST(x AS STRING) would (Flink
 * requires the CAST). */
static SqlType *ret_concat(CompileCtx *cc, AstNode *call, SqlType **t,
                           uint32_t n)
{
    bool ok = true;
    for (uint32_t i = 0; i < n; i++)
        if (!want(cc, call, t, i, C_STR | C_NUM | C_BOOL | C_TEMPORAL,
                  "a string"))
            ok = false;
    if (!ok)
        return NULL;
    return nn(&cc->a, type_new_varchar(&cc->a, VARCHAR_MAX),
              any_nullable(t, n));
}

/* CONCAT_WS(sep, a, b, ...): NULL arguments are skipped, so the result is
 * NULL only when the separator is. */
static SqlType *ret_concat_ws(CompileCtx *cc, AstNode *call, SqlType **t,
                              uint32_t n)
{
    bool ok = want(cc, call, t, 0, C_STR, "a string separator");
    for (uint32_t i = 1; i < n; i++)
        if (!want(cc, call, t, i, C_STR | C_NUM | C_BOOL | C_TEMPORAL,
                  "a string"))
            ok = false;
    if (!ok)
        return NULL;
    return nn(&cc->a, type_new_varchar(&cc->a, VARCHAR_MAX),
              t[0] && t[0]->is_nullable);
}

static SqlType *ret_typeof(CompileCtx *cc, AstNode *call, SqlType **t,
                           uint32_t n)
{
    (void)call;
    (void)t;
    (void)n;
    return nn(&cc->a, type_new_varchar(&cc->a, VARCHAR_MAX), false);
}

/* ---- the table ---------------------------------------------------------- */

#define D FUNC_DETERMINISTIC
#define ST FUNC_STRICT
#define DS (FUNC_DETERMINISTIC | FUNC_STRICT)

/* Scalar with a signature: name, min, max, sig, result, doc-signature, doc */
#define SIG(nm, lo, hi, fl, sg, res, sgn, doc)                                 \
    {                                                                          \
        {nm, FUNC_SCALAR, lo, hi, fl, ret_sig, NULL, NULL, sgn, doc}, sg, res  \
    }
#define FN(nm, kind, lo, hi, fl, fn, sgn, doc)                                 \
    {                                                                          \
        {nm, kind, lo, hi, fl, fn, NULL, NULL, sgn, doc}, NULL, NULL           \
    }
#define AUX(nm, win, lo, hi, fn, sgn, doc)                                     \
    {                                                                          \
        {nm,                                                                   \
         FUNC_GROUP_WINDOW_AUX,                                                \
         lo,                                                                   \
         hi,                                                                   \
         D | (fn == ret_window_rowtime ? FUNC_ROWTIME : 0u) |                  \
             (fn == ret_window_proctime ? FUNC_PROCTIME : 0u),                 \
         fn,                                                                   \
         win,                                                                  \
         NULL,                                                                 \
         sgn,                                                                  \
         doc},                                                                 \
            NULL, NULL                                                         \
    }
#define TVF(nm, lo, hi, params, sgn, doc)                                      \
    {                                                                          \
        {                                                                      \
            nm,   FUNC_TABLE_FUNCTION,                                         \
            lo,   hi,                                                          \
            D,    ret_window_tvf,                                              \
            NULL, params,                                                      \
            sgn,  doc},                                                        \
            NULL, NULL                                                         \
    }

static const FuncEntry funcs[] = {
    /* ---- string ---- */
    FN("CONCAT", FUNC_SCALAR, 1, -1, DS, ret_concat,
       "CONCAT(s1, s2, ...) -> STRING",
       "Joins the strings; NULL if any argument is NULL. fsql also accepts "
       "numbers, booleans and temporal values, converted as by CAST(x AS "
       "STRING)."),
    FN("CONCAT_WS", FUNC_SCALAR, 2, -1, D, ret_concat_ws,
       "CONCAT_WS(sep, s1, s2, ...) -> STRING",
       "Joins the non-NULL strings with sep between them; NULL only if sep "
       "is NULL."),
    SIG("SUBSTRING", 2, 3, DS, "SII", "STRING",
        "SUBSTRING(s, start [, length]) -> STRING",
        "The substring starting at the 1-based position start (also "
        "written SUBSTRING(s FROM start FOR length))."),
    SIG("SUBSTR", 2, 3, DS, "SII", "STRING",
        "SUBSTR(s, start [, length]) -> STRING", "Same as SUBSTRING."),
    SIG("UPPER", 1, 1, DS, "S", "STRING", "UPPER(s) -> STRING",
        "s in upper case."),
    SIG("LOWER", 1, 1, DS, "S", "STRING", "LOWER(s) -> STRING",
        "s in lower case."),
    SIG("INITCAP", 1, 1, DS, "S", "STRING", "INITCAP(s) -> STRING",
        "s with the first letter of each word in upper case and the rest "
        "in lower case."),
    SIG("TRIM", 1, 2, DS, "SS", "STRING",
        "TRIM([BOTH|LEADING|TRAILING [chars] FROM] s) -> STRING",
        "s without leading and/or trailing spaces (or the given "
        "characters)."),
    SIG("LTRIM", 1, 2, DS, "SS", "STRING", "LTRIM(s [, chars]) -> STRING",
        "s without leading spaces (or the given characters)."),
    SIG("RTRIM", 1, 2, DS, "SS", "STRING", "RTRIM(s [, chars]) -> STRING",
        "s without trailing spaces (or the given characters)."),
    SIG("REPLACE", 3, 3, DS, "SSS", "STRING",
        "REPLACE(s, search, replacement) -> STRING",
        "s with every occurrence of search replaced."),
    SIG("REGEXP_REPLACE", 3, 3, DS, "SSS", "STRING?",
        "REGEXP_REPLACE(s, regex, replacement) -> STRING",
        "s with every match of the regular expression replaced; $1.. refer "
        "to groups. NULL for an invalid expression."),
    SIG("REGEXP_EXTRACT", 2, 3, DS, "SSI", "STRING?",
        "REGEXP_EXTRACT(s, regex [, group]) -> STRING",
        "The given group (default 1) of the first match, or NULL."),
    SIG("REGEXP", 2, 2, DS, "SS", "BOOLEAN", "REGEXP(s, regex) -> BOOLEAN",
        "Whether some substring of s matches the regular expression."),
    SIG("SPLIT_INDEX", 3, 3, DS, "SSI", "STRING?",
        "SPLIT_INDEX(s, delimiter, index) -> STRING",
        "The 0-based index-th field of s split at delimiter, or NULL."),
    SIG("CHAR_LENGTH", 1, 1, DS, "S", "INT", "CHAR_LENGTH(s) -> INT",
        "Number of characters (code points) in s."),
    SIG("CHARACTER_LENGTH", 1, 1, DS, "S", "INT", "CHARACTER_LENGTH(s) -> INT",
        "Same as CHAR_LENGTH."),
    SIG("LENGTH", 1, 1, DS, "S", "INT", "LENGTH(s) -> INT",
        "Same as CHAR_LENGTH."),
    SIG("POSITION", 2, 2, DS, "SS", "INT", "POSITION(needle IN s) -> INT",
        "1-based position of the first occurrence of needle in s, 0 if "
        "none."),
    SIG("LOCATE", 2, 3, DS, "SSI", "INT", "LOCATE(needle, s [, start]) -> INT",
        "1-based position of needle in s at or after start, 0 if none."),
    SIG("INSTR", 2, 2, DS, "SS", "INT", "INSTR(s, needle) -> INT",
        "1-based position of the first occurrence of needle in s, 0 if "
        "none."),
    SIG("LPAD", 3, 3, DS, "SIS", "STRING?", "LPAD(s, len, pad) -> STRING",
        "s left-padded with pad (or cut) to len characters; NULL if len is "
        "negative."),
    SIG("RPAD", 3, 3, DS, "SIS", "STRING?", "RPAD(s, len, pad) -> STRING",
        "s right-padded with pad (or cut) to len characters; NULL if len "
        "is negative."),
    SIG("LEFT", 2, 2, DS, "SI", "STRING", "LEFT(s, n) -> STRING",
        "The first n characters of s."),
    SIG("RIGHT", 2, 2, DS, "SI", "STRING", "RIGHT(s, n) -> STRING",
        "The last n characters of s."),
    SIG("REPEAT", 2, 2, DS, "SI", "STRING", "REPEAT(s, n) -> STRING",
        "s repeated n times."),
    SIG("REVERSE", 1, 1, DS, "S", "STRING", "REVERSE(s) -> STRING",
        "s with its characters in reverse order."),
    SIG("ASCII", 1, 1, DS, "S", "INT", "ASCII(s) -> INT",
        "Code of the first character of s (0 for an empty string)."),
    SIG("CHR", 1, 1, DS, "I", "STRING", "CHR(n) -> STRING",
        "The character with code n."),
    SIG("MD5", 1, 1, DS, "X", "STRING", "MD5(s) -> STRING",
        "MD5 hash of s as 32 hex digits."),
    SIG("SHA1", 1, 1, DS, "X", "STRING", "SHA1(s) -> STRING",
        "SHA-1 hash of s as 40 hex digits."),
    SIG("SHA224", 1, 1, DS, "X", "STRING", "SHA224(s) -> STRING",
        "SHA-224 hash of s in hex."),
    SIG("SHA256", 1, 1, DS, "X", "STRING", "SHA256(s) -> STRING",
        "SHA-256 hash of s as 64 hex digits."),
    SIG("SHA384", 1, 1, DS, "X", "STRING", "SHA384(s) -> STRING",
        "SHA-384 hash of s in hex."),
    SIG("SHA512", 1, 1, DS, "X", "STRING", "SHA512(s) -> STRING",
        "SHA-512 hash of s in hex."),
    SIG("SHA2", 2, 2, DS, "XI", "STRING?", "SHA2(s, bits) -> STRING",
        "SHA-2 hash of s with 224, 256, 384 or 512 bits; NULL for other "
        "lengths."),
    SIG("TO_BASE64", 1, 1, DS, "X", "STRING", "TO_BASE64(s) -> STRING",
        "Base64 encoding of s."),
    SIG("FROM_BASE64", 1, 1, DS, "S", "STRING?", "FROM_BASE64(s) -> STRING",
        "Decodes base64 text; NULL if s is not valid base64."),
    SIG("HEX", 1, 1, DS, "A", "STRING", "HEX(x) -> STRING",
        "Hexadecimal form of an integer, or of the bytes of a string."),
    SIG("UUID", 0, 0, 0, "", "STRING!", "UUID() -> STRING",
        "A random version-4 UUID."),
    SIG("STR_TO_MAP", 1, 3, DS, "SSS", "MAPSS",
        "STR_TO_MAP(s [, pair_delim, kv_delim]) -> MAP<STRING, STRING>",
        "Splits s into key/value pairs (defaults ',' and '=')."),
    SIG("PARSE_URL", 2, 3, DS, "SSS", "STRING?",
        "PARSE_URL(url, part [, key]) -> STRING",
        "A part of a URL (HOST, PATH, QUERY, REF, PROTOCOL, FILE, "
        "AUTHORITY, USERINFO), or one query parameter."),
    SIG("JSON_VALUE", 2, 2, DS, "SS", "STRING?",
        "JSON_VALUE(json, path) -> STRING",
        "The scalar at the JSON path ('$.a.b[0]') as a string, or NULL."),
    SIG("JSON_QUERY", 2, 2, DS, "SS", "STRING?",
        "JSON_QUERY(json, path) -> STRING",
        "The JSON text of the object or array at the path, or NULL."),
    SIG("JSON_EXISTS", 2, 2, DS, "SS", "BOOLEAN",
        "JSON_EXISTS(json, path) -> BOOLEAN",
        "Whether the JSON path selects something."),

    /* ---- temporal ---- */
    SIG("DATE_FORMAT", 2, 2, DS, "ZS", "STRING",
        "DATE_FORMAT(ts, format) -> STRING",
        "ts formatted with a Java SimpleDateFormat pattern such as "
        "'yyyy-MM-dd HH:mm:ss'; a string ts is parsed first."),
    SIG("TO_TIMESTAMP", 1, 2, DS, "SS", "TS3?",
        "TO_TIMESTAMP(s [, format]) -> TIMESTAMP(3)",
        "Parses s (default format 'yyyy-MM-dd HH:mm:ss'); NULL if it does "
        "not parse."),
    FN("TO_TIMESTAMP_LTZ", FUNC_SCALAR, 1, 2, DS, ret_to_timestamp_ltz,
       "TO_TIMESTAMP_LTZ(epoch, precision) -> TIMESTAMP_LTZ(3)",
       "Converts epoch seconds (precision 0) or milliseconds (precision "
       "3); also TO_TIMESTAMP_LTZ(s [, format])."),
    SIG("TO_DATE", 1, 2, DS, "SS", "DATE?", "TO_DATE(s [, format]) -> DATE",
        "Parses s (default format 'yyyy-MM-dd'); NULL if it does not "
        "parse."),
    SIG("DATE", 1, 1, DS, "U", "DATE", "DATE(x) -> DATE",
        "fsql: the date part of a TIMESTAMP, or a 'yyyy-MM-dd' string "
        "parsed (as CAST(x AS DATE))."),
    FN("UNIX_TIMESTAMP", FUNC_SCALAR, 0, 2, 0, ret_unix_timestamp,
       "UNIX_TIMESTAMP([value [, format]]) -> BIGINT",
       "Seconds since 1970-01-01 UTC: now without arguments; of a string "
       "in the given format (default 'yyyy-MM-dd HH:mm:ss', local time "
       "zone); fsql also accepts a TIMESTAMP/TIMESTAMP_LTZ value."),
    SIG("FROM_UNIXTIME", 1, 2, DS, "IS", "STRING",
        "FROM_UNIXTIME(seconds [, format]) -> STRING",
        "Formats epoch seconds in the session time zone (default format "
        "'yyyy-MM-dd HH:mm:ss')."),
    FN("TIMESTAMPDIFF", FUNC_SCALAR, 3, 3, DS, ret_timestampdiff,
       "TIMESTAMPDIFF(unit, t1, t2) -> INT",
       "Whole units (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR, ...) from t1 "
       "to t2."),
    FN("TIMESTAMPADD", FUNC_SCALAR, 3, 3, DS, ret_timestampadd,
       "TIMESTAMPADD(unit, n, t) -> type of t", "t plus n units."),
    SIG("CONVERT_TZ", 3, 3, DS, "SSS", "STRING?",
        "CONVERT_TZ(s, from_tz, to_tz) -> STRING",
        "Converts a 'yyyy-MM-dd HH:mm:ss' string between time zones."),
    SIG("YEAR", 1, 1, DS, "D", "BIGINT", "YEAR(d) -> BIGINT",
        "Same as EXTRACT(YEAR FROM d)."),
    SIG("QUARTER", 1, 1, DS, "D", "BIGINT", "QUARTER(d) -> BIGINT",
        "Quarter of the year, 1 to 4."),
    SIG("MONTH", 1, 1, DS, "D", "BIGINT", "MONTH(d) -> BIGINT",
        "Month, 1 to 12."),
    SIG("WEEK", 1, 1, DS, "D", "BIGINT", "WEEK(d) -> BIGINT",
        "ISO week of the year, 1 to 53."),
    SIG("DAYOFYEAR", 1, 1, DS, "D", "BIGINT", "DAYOFYEAR(d) -> BIGINT",
        "Day of the year, 1 to 366."),
    SIG("DAYOFMONTH", 1, 1, DS, "D", "BIGINT", "DAYOFMONTH(d) -> BIGINT",
        "Day of the month, 1 to 31."),
    SIG("DAYOFWEEK", 1, 1, DS, "D", "BIGINT", "DAYOFWEEK(d) -> BIGINT",
        "Day of the week, 1 (Sunday) to 7 (Saturday)."),
    SIG("HOUR", 1, 1, DS, "K", "BIGINT", "HOUR(t) -> BIGINT",
        "Hour of the day, 0 to 23."),
    SIG("MINUTE", 1, 1, DS, "K", "BIGINT", "MINUTE(t) -> BIGINT",
        "Minute of the hour, 0 to 59."),
    SIG("SECOND", 1, 1, DS, "K", "BIGINT", "SECOND(t) -> BIGINT",
        "Second of the minute, 0 to 59."),
    SIG("CURRENT_TIMESTAMP", 0, 0, FUNC_NILADIC | FUNC_PER_QUERY, "", "LTZ3!",
        "CURRENT_TIMESTAMP -> TIMESTAMP_LTZ(3)",
        "The current time (evaluated per record in streaming mode)."),
    SIG("NOW", 0, 0, FUNC_PER_QUERY, "", "LTZ3!", "NOW() -> TIMESTAMP_LTZ(3)",
        "Same as CURRENT_TIMESTAMP."),
    SIG("CURRENT_ROW_TIMESTAMP", 0, 0, 0, "", "LTZ3!",
        "CURRENT_ROW_TIMESTAMP() -> TIMESTAMP_LTZ(3)",
        "The current time, evaluated for every row."),
    SIG("LOCALTIMESTAMP", 0, 0, FUNC_NILADIC | FUNC_PER_QUERY, "", "TS3!",
        "LOCALTIMESTAMP -> TIMESTAMP(3)",
        "The current time in the session time zone."),
    SIG("CURRENT_DATE", 0, 0, FUNC_NILADIC | FUNC_PER_QUERY, "", "DATE!",
        "CURRENT_DATE -> DATE", "Today in the session time zone."),
    SIG("CURRENT_TIME", 0, 0, FUNC_NILADIC | FUNC_PER_QUERY, "", "TIME!",
        "CURRENT_TIME -> TIME(0)",
        "The current time of day in the session time zone."),
    SIG("LOCALTIME", 0, 0, FUNC_NILADIC | FUNC_PER_QUERY, "", "TIME!",
        "LOCALTIME -> TIME(0)", "Same as CURRENT_TIME."),
    FN("PROCTIME", FUNC_SCALAR, 0, 0, FUNC_PROCTIME, ret_proctime,
       "PROCTIME() -> TIMESTAMP_LTZ(3) *PROCTIME*",
       "Declares a processing-time attribute (in a computed column)."),
    FN("SOURCE_WATERMARK", FUNC_SCALAR, 0, 0, 0, ret_source_watermark,
       "SOURCE_WATERMARK() -> TIMESTAMP_LTZ(3)",
       "In WATERMARK FOR ... AS SOURCE_WATERMARK(): use the watermark the "
       "source provides (for Kafka, the record timestamps)."),

    /* ---- math ---- */
    FN("ABS", FUNC_SCALAR, 1, 1, DS, ret_same_numeric, "ABS(n) -> type of n",
       "Absolute value."),
    FN("SIGN", FUNC_SCALAR, 1, 1, DS, ret_same_numeric, "SIGN(n) -> type of n",
       "-1, 0 or 1."),
    FN("ROUND", FUNC_SCALAR, 1, 2, DS, ret_round,
       "ROUND(n [, digits]) -> type of n",
       "n rounded half away from zero to digits decimals (default 0); "
       "ROUND(DECIMAL(p, s), d) is DECIMAL(p - s + d + 1, d)."),
    FN("TRUNCATE", FUNC_SCALAR, 1, 2, DS, ret_truncate,
       "TRUNCATE(n [, digits]) -> type of n",
       "n cut (towards zero) to digits decimals (default 0)."),
    FN("FLOOR", FUNC_SCALAR, 1, 2, DS, ret_floor, "FLOOR(n) / FLOOR(t TO unit)",
       "Largest integer not above n; FLOOR(ts TO HOUR) rounds a time "
       "down."),
    FN("CEIL", FUNC_SCALAR, 1, 2, DS, ret_floor, "CEIL(n) / CEIL(t TO unit)",
       "Smallest integer not below n; CEIL(ts TO HOUR) rounds a time up."),
    FN("CEILING", FUNC_SCALAR, 1, 2, DS, ret_floor,
       "CEILING(n) / CEILING(t TO unit)", "Same as CEIL."),
    SIG("POWER", 2, 2, DS, "NN", "DOUBLE", "POWER(a, b) -> DOUBLE",
        "a raised to the power b."),
    SIG("POW", 2, 2, DS, "NN", "DOUBLE", "POW(a, b) -> DOUBLE",
        "Same as POWER."),
    SIG("SQRT", 1, 1, DS, "N", "DOUBLE", "SQRT(n) -> DOUBLE",
        "Square root (NaN for negative n)."),
    SIG("LN", 1, 1, DS, "N", "DOUBLE", "LN(n) -> DOUBLE", "Natural logarithm."),
    SIG("LOG", 1, 2, DS, "NN", "DOUBLE", "LOG([base,] n) -> DOUBLE",
        "Natural logarithm of n, or logarithm to the given base."),
    SIG("LOG10", 1, 1, DS, "N", "DOUBLE", "LOG10(n) -> DOUBLE",
        "Base-10 logarithm."),
    SIG("LOG2", 1, 1, DS, "N", "DOUBLE", "LOG2(n) -> DOUBLE",
        "Base-2 logarithm."),
    SIG("EXP", 1, 1, DS, "N", "DOUBLE", "EXP(n) -> DOUBLE", "e to the n."),
    FN("MOD", FUNC_SCALAR, 2, 2, DS, ret_mod, "MOD(a, b) -> type of b",
       "Remainder of a / b with the sign of a; NULL when b is 0."),
    SIG("SIN", 1, 1, DS, "N", "DOUBLE", "SIN(n) -> DOUBLE", "Sine."),
    SIG("COS", 1, 1, DS, "N", "DOUBLE", "COS(n) -> DOUBLE", "Cosine."),
    SIG("TAN", 1, 1, DS, "N", "DOUBLE", "TAN(n) -> DOUBLE", "Tangent."),
    SIG("COT", 1, 1, DS, "N", "DOUBLE", "COT(n) -> DOUBLE", "Cotangent."),
    SIG("ASIN", 1, 1, DS, "N", "DOUBLE", "ASIN(n) -> DOUBLE", "Arc sine."),
    SIG("ACOS", 1, 1, DS, "N", "DOUBLE", "ACOS(n) -> DOUBLE", "Arc cosine."),
    SIG("ATAN", 1, 1, DS, "N", "DOUBLE", "ATAN(n) -> DOUBLE", "Arc tangent."),
    SIG("ATAN2", 2, 2, DS, "NN", "DOUBLE", "ATAN2(y, x) -> DOUBLE",
        "Arc tangent of y / x in the right quadrant."),
    SIG("DEGREES", 1, 1, DS, "N", "DOUBLE", "DEGREES(n) -> DOUBLE",
        "Radians to degrees."),
    SIG("RADIANS", 1, 1, DS, "N", "DOUBLE", "RADIANS(n) -> DOUBLE",
        "Degrees to radians."),
    SIG("PI", 0, 0, D, "", "DOUBLE!", "PI() -> DOUBLE", "The number pi."),
    SIG("E", 0, 0, D, "", "DOUBLE!", "E() -> DOUBLE", "The number e."),
    SIG("RAND", 0, 1, 0, "I", "DOUBLE!", "RAND([seed]) -> DOUBLE",
        "A random number in [0, 1)."),
    SIG("RAND_INTEGER", 1, 2, 0, "II", "INT!",
        "RAND_INTEGER([seed,] bound) -> INT",
        "A random integer in [0, bound)."),
    SIG("BIN", 1, 1, DS, "I", "STRING", "BIN(n) -> STRING",
        "Binary digits of the integer n."),

    /* ---- conditional ---- */
    FN("COALESCE", FUNC_SCALAR, 1, -1, D, ret_coalesce,
       "COALESCE(a, b, ...) -> common type",
       "The first argument that is not NULL."),
    FN("NULLIF", FUNC_SCALAR, 2, 2, D, ret_nullif, "NULLIF(a, b) -> type of a",
       "NULL if a = b, else a."),
    FN("IF", FUNC_SCALAR, 3, 3, D, ret_if,
       "IF(cond, then, else) -> common type",
       "then when cond is TRUE, else otherwise (also when cond is NULL)."),
    FN("IFNULL", FUNC_SCALAR, 2, 2, D, ret_ifnull,
       "IFNULL(a, b) -> common type", "a unless it is NULL, then b."),
    FN("GREATEST", FUNC_SCALAR, 1, -1, DS, ret_greatest,
       "GREATEST(a, b, ...) -> common type",
       "The largest argument; NULL if any is NULL."),
    FN("LEAST", FUNC_SCALAR, 1, -1, DS, ret_greatest,
       "LEAST(a, b, ...) -> common type",
       "The smallest argument; NULL if any is NULL."),
    FN("TYPEOF", FUNC_SCALAR, 1, 2, D, ret_typeof, "TYPEOF(x) -> STRING",
       "The SQL type of x as text, e.g. 'DECIMAL(15, 2)'."),
    FN("CARDINALITY", FUNC_SCALAR, 1, 1, DS, ret_cardinality,
       "CARDINALITY(c) -> INT",
       "Number of elements of an array, map or "
       "multiset."),
    FN("ELEMENT", FUNC_SCALAR, 1, 1, DS, ret_element,
       "ELEMENT(array) -> element type",
       "The only element of a one-element array; NULL if empty."),

    /* ---- aggregates ---- */
    FN("COUNT", FUNC_AGGREGATE, 0, -1, D, ret_count,
       "COUNT(*) / COUNT([DISTINCT] x, ...) -> BIGINT NOT NULL",
       "Number of rows, or of rows where x is not NULL."),
    FN("SUM", FUNC_AGGREGATE, 1, 1, D, ret_sum, "SUM(x) -> type of x",
       "Sum; SUM(DECIMAL(p, s)) is DECIMAL(38, s). NULL over no rows."),
    FN("SUM0", FUNC_AGGREGATE, 1, 1, D, ret_sum, "SUM0(x) -> type of x",
       "Sum that is 0 over no rows."),
    FN("AVG", FUNC_AGGREGATE, 1, 1, D, ret_avg, "AVG(x) -> type of x",
       "Average; AVG(DECIMAL(p, s)) is DECIMAL(38, max(6, s)); AVG of an "
       "integer type is that integer type, as in Flink."),
    FN("MIN", FUNC_AGGREGATE, 1, 1, D, ret_minmax, "MIN(x) -> type of x",
       "Smallest value."),
    FN("MAX", FUNC_AGGREGATE, 1, 1, D, ret_minmax, "MAX(x) -> type of x",
       "Largest value."),
    FN("STDDEV_POP", FUNC_AGGREGATE, 1, 1, D, ret_avg,
       "STDDEV_POP(x) -> like AVG", "Population standard deviation."),
    FN("STDDEV_SAMP", FUNC_AGGREGATE, 1, 1, D, ret_avg,
       "STDDEV_SAMP(x) -> like AVG",
       "Sample standard deviation; NULL for fewer than 2 rows."),
    FN("STDDEV", FUNC_AGGREGATE, 1, 1, D, ret_avg, "STDDEV(x) -> like AVG",
       "Same as STDDEV_SAMP."),
    FN("VAR_POP", FUNC_AGGREGATE, 1, 1, D, ret_avg, "VAR_POP(x) -> like AVG",
       "Population variance."),
    FN("VAR_SAMP", FUNC_AGGREGATE, 1, 1, D, ret_avg, "VAR_SAMP(x) -> like AVG",
       "Sample variance; NULL for fewer than 2 rows."),
    FN("VARIANCE", FUNC_AGGREGATE, 1, 1, D, ret_avg, "VARIANCE(x) -> like AVG",
       "Same as VAR_SAMP."),
    FN("FIRST_VALUE", FUNC_AGGREGATE, 1, 1, D, ret_arg0_nullable,
       "FIRST_VALUE(x) -> type of x",
       "x of the first row (in the window's order)."),
    FN("LAST_VALUE", FUNC_AGGREGATE, 1, 1, D, ret_arg0_nullable,
       "LAST_VALUE(x) -> type of x",
       "x of the last row (in the window's order)."),
    FN("LISTAGG", FUNC_AGGREGATE, 1, 2, D, ret_listagg,
       "LISTAGG(s [, sep]) -> STRING",
       "The non-NULL values joined with sep (default ',')."),
    FN("COLLECT", FUNC_AGGREGATE, 1, 1, D, ret_collect,
       "COLLECT(x) -> MULTISET<type of x>", "The multiset of the values."),
    FN("ARRAY_AGG", FUNC_AGGREGATE, 1, 1, D, ret_array_agg,
       "ARRAY_AGG(x) -> ARRAY<type of x>", "The values as an array."),
    FN("PERCENTILE_CONT", FUNC_AGGREGATE, 1, 1,
       D | FUNC_WITHIN_GROUP | FUNC_NO_DISTINCT, ret_percentile_cont,
       "PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY x) -> DOUBLE",
       "The f-th percentile of x (0 <= f <= 1), interpolated between "
       "neighbouring values."),
    FN("PERCENTILE_DISC", FUNC_AGGREGATE, 1, 1,
       D | FUNC_WITHIN_GROUP | FUNC_NO_DISTINCT, ret_percentile_disc,
       "PERCENTILE_DISC(f) WITHIN GROUP (ORDER BY x) -> type of x",
       "The first value of x whose cumulative distribution reaches f."),
    FN("PERCENTILE", FUNC_AGGREGATE, 2, 2, D | FUNC_NO_DISTINCT, ret_percentile,
       "PERCENTILE(x, f) -> DOUBLE",
       "Same as PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY x)."),

    /* ---- window-only ---- */
    FN("ROW_NUMBER", FUNC_WINDOW_ONLY, 0, 0, D | FUNC_NEEDS_ORDER, ret_rank,
       "ROW_NUMBER() OVER (...) -> BIGINT NOT NULL",
       "1, 2, 3, ... within the partition, in the window's order."),
    FN("RANK", FUNC_WINDOW_ONLY, 0, 0, D | FUNC_NEEDS_ORDER, ret_rank,
       "RANK() OVER (...) -> BIGINT NOT NULL", "Rank with gaps after ties."),
    FN("DENSE_RANK", FUNC_WINDOW_ONLY, 0, 0, D | FUNC_NEEDS_ORDER, ret_rank,
       "DENSE_RANK() OVER (...) -> BIGINT NOT NULL",
       "Rank without gaps after ties."),
    FN("PERCENT_RANK", FUNC_WINDOW_ONLY, 0, 0, D | FUNC_NEEDS_ORDER, ret_dist,
       "PERCENT_RANK() OVER (...) -> DOUBLE NOT NULL",
       "(rank - 1) / (rows - 1)."),
    FN("CUME_DIST", FUNC_WINDOW_ONLY, 0, 0, D | FUNC_NEEDS_ORDER, ret_dist,
       "CUME_DIST() OVER (...) -> DOUBLE NOT NULL",
       "Fraction of rows ordered at or before this one."),
    FN("NTILE", FUNC_WINDOW_ONLY, 1, 1, D | FUNC_NEEDS_ORDER, ret_ntile,
       "NTILE(n) OVER (...) -> BIGINT NOT NULL",
       "Bucket number 1..n of the row."),
    FN("LAG", FUNC_WINDOW_ONLY, 1, 3, D | FUNC_NEEDS_ORDER, ret_lag,
       "LAG(x [, offset [, default]]) OVER (...) -> type of x",
       "x of the row offset rows before (default 1), or default (NULL)."),
    FN("LEAD", FUNC_WINDOW_ONLY, 1, 3, D | FUNC_NEEDS_ORDER, ret_lag,
       "LEAD(x [, offset [, default]]) OVER (...) -> type of x",
       "x of the row offset rows after (default 1), or default (NULL)."),

    /* ---- group windows (GROUP BY) and their helpers ---- */
    FN("TUMBLE", FUNC_GROUP_WINDOW, 2, 3, D, ret_group_window,
       "GROUP BY TUMBLE(time_attr, size [, offset])",
       "Fixed-size, non-overlapping windows."),
    FN("HOP", FUNC_GROUP_WINDOW, 3, 4, D, ret_group_window,
       "GROUP BY HOP(time_attr, slide, size [, offset])",
       "Fixed-size windows starting every slide."),
    FN("SESSION", FUNC_GROUP_WINDOW, 2, 2, D, ret_group_window,
       "GROUP BY SESSION(time_attr, gap)",
       "Windows of activity separated by gaps of at least gap."),
    AUX("TUMBLE_START", "TUMBLE", 2, 3, ret_window_bound,
        "TUMBLE_START(time_attr, size) -> TIMESTAMP(3)",
        "Start of the TUMBLE window (inclusive)."),
    AUX("TUMBLE_END", "TUMBLE", 2, 3, ret_window_bound,
        "TUMBLE_END(time_attr, size) -> TIMESTAMP(3)",
        "End of the TUMBLE window (exclusive)."),
    AUX("TUMBLE_ROWTIME", "TUMBLE", 2, 3, ret_window_rowtime,
        "TUMBLE_ROWTIME(time_attr, size) -> TIMESTAMP(3) *ROWTIME*",
        "End of the window minus 1 ms, as a rowtime attribute for further "
        "windows."),
    AUX("TUMBLE_PROCTIME", "TUMBLE", 2, 3, ret_window_proctime,
        "TUMBLE_PROCTIME(time_attr, size) -> TIMESTAMP_LTZ(3) *PROCTIME*",
        "A processing-time attribute for further windows."),
    AUX("HOP_START", "HOP", 3, 4, ret_window_bound,
        "HOP_START(time_attr, slide, size) -> TIMESTAMP(3)",
        "Start of the HOP window (inclusive)."),
    AUX("HOP_END", "HOP", 3, 4, ret_window_bound,
        "HOP_END(time_attr, slide, size) -> TIMESTAMP(3)",
        "End of the HOP window (exclusive)."),
    AUX("HOP_ROWTIME", "HOP", 3, 4, ret_window_rowtime,
        "HOP_ROWTIME(time_attr, slide, size) -> TIMESTAMP(3) *ROWTIME*",
        "End of the window minus 1 ms, as a rowtime attribute."),
    AUX("HOP_PROCTIME", "HOP", 3, 4, ret_window_proctime,
        "HOP_PROCTIME(time_attr, slide, size) -> TIMESTAMP_LTZ(3) "
        "*PROCTIME*",
        "A processing-time attribute for further windows."),
    AUX("SESSION_START", "SESSION", 2, 2, ret_window_bound,
        "SESSION_START(time_attr, gap) -> TIMESTAMP(3)",
        "Start of the session window (inclusive)."),
    AUX("SESSION_END", "SESSION", 2, 2, ret_window_bound,
        "SESSION_END(time_attr, gap) -> TIMESTAMP(3)",
        "End of the session window (exclusive)."),
    AUX("SESSION_ROWTIME", "SESSION", 2, 2, ret_window_rowtime,
        "SESSION_ROWTIME(time_attr, gap) -> TIMESTAMP(3) *ROWTIME*",
        "End of the session minus 1 ms, as a rowtime attribute."),
    AUX("SESSION_PROCTIME", "SESSION", 2, 2, ret_window_proctime,
        "SESSION_PROCTIME(time_attr, gap) -> TIMESTAMP_LTZ(3) *PROCTIME*",
        "A processing-time attribute for further windows."),

    /* ---- MATCH_RECOGNIZE ---- */
    FN("PREV", FUNC_MATCH, 1, 2, D, ret_nav, "PREV(A.x [, n]) -> type of x",
       "x of the row n rows (default 1) before the current row of the "
       "pattern."),
    FN("NEXT", FUNC_MATCH, 1, 2, D, ret_nav, "NEXT(A.x [, n]) -> type of x",
       "x of the row n rows after (MEASURES only)."),
    FN("FIRST", FUNC_MATCH, 1, 2, D, ret_nav, "FIRST(A.x [, n]) -> type of x",
       "x of the n-th row (from 0) mapped to variable A, counted from the "
       "first."),
    FN("LAST", FUNC_MATCH, 1, 2, D, ret_nav, "LAST(A.x [, n]) -> type of x",
       "x of the n-th row (from 0) mapped to variable A, counted from the "
       "last."),
    SIG("CLASSIFIER", 0, 0, D, "", "STRING!", "CLASSIFIER() -> STRING",
        "The pattern variable the row was mapped to."),
    SIG("MATCH_NUMBER", 0, 0, D, "", "BIGINT!", "MATCH_NUMBER() -> BIGINT",
        "1, 2, ... for the matches of a partition."),
    FN("MATCH_ROWTIME", FUNC_MATCH, 0, 1, D | FUNC_ROWTIME, ret_match_rowtime,
       "MATCH_ROWTIME([x]) -> TIMESTAMP(3) *ROWTIME*",
       "Rowtime of the last row of the match, usable for further "
       "windows."),
    FN("MATCH_PROCTIME", FUNC_MATCH, 0, 0, D | FUNC_PROCTIME, ret_proctime,
       "MATCH_PROCTIME() -> TIMESTAMP_LTZ(3) *PROCTIME*",
       "A processing-time attribute for further windows."),

    /* ---- window table functions ---- */
    TVF("TUMBLE", 3, 4, "DATA, TIMECOL, SIZE, OFFSET",
        "TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))",
        "Adds window_start, window_end, window_time to each row: one "
        "fixed-size window per row."),
    TVF("HOP", 4, 5, "DATA, TIMECOL, SLIDE, SIZE, OFFSET",
        "TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]))",
        "One row per overlapping window of length size starting every "
        "slide."),
    TVF("CUMULATE", 4, 5, "DATA, TIMECOL, STEP, SIZE, OFFSET",
        "TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), step, size [, offset]))",
        "Windows that grow by step from the start of each size period."),
    TVF("SESSION", 3, 3, "DATA, TIMECOL, GAP",
        "TABLE(SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap))",
        "Session windows per key, closed by a gap of inactivity."),
};

/* MATCH functions written as SIG entries: fix their kind. */
static FuncKind entry_kind(const FuncEntry *e)
{
    if (e->info.kind == FUNC_SCALAR &&
        (strcmp(e->info.name, "CLASSIFIER") == 0 ||
         strcmp(e->info.name, "MATCH_NUMBER") == 0))
        return FUNC_MATCH;
    return e->info.kind;
}

/* ---- lookup ------------------------------------------------------------ */

#define N_FUNCS FSQL_ARRAY_LEN(funcs)

static FuncInfo sorted[N_FUNCS];   /* by kind then name, for docs */
static FuncEntry entries[N_FUNCS]; /* funcs with kinds fixed */
static const char *names[N_FUNCS]; /* unique names */
static size_t n_names;
static bool ready;

static int cmp_info(const void *x, const void *y)
{
    const FuncInfo *a = x, *b = y;
    if (a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    return strcmp(a->name, b->name);
}

static void init_tables(void)
{
    if (ready)
        return;
    for (size_t i = 0; i < N_FUNCS; i++) {
        entries[i] = funcs[i];
        entries[i].info.kind = entry_kind(&funcs[i]);
    }
    for (size_t i = 0; i < N_FUNCS; i++) {
        bool seen = false;
        for (size_t j = 0; j < n_names; j++)
            if (strcmp(names[j], entries[i].info.name) == 0)
                seen = true;
        if (!seen)
            names[n_names++] = entries[i].info.name;
    }
    for (size_t i = 0; i < N_FUNCS; i++)
        sorted[i] = entries[i].info;
    qsort(sorted, N_FUNCS, sizeof(FuncInfo), cmp_info);
    ready = true;
}

const FuncInfo *func_lookup(Str name)
{
    init_tables();
    for (size_t i = 0; i < N_FUNCS; i++)
        if (entries[i].info.kind != FUNC_TABLE_FUNCTION &&
            str_ieq_cstr(name, entries[i].info.name))
            return &entries[i].info;
    return NULL;
}

const FuncInfo *func_lookup_table_function(Str name)
{
    init_tables();
    for (size_t i = 0; i < N_FUNCS; i++)
        if (entries[i].info.kind == FUNC_TABLE_FUNCTION &&
            str_ieq_cstr(name, entries[i].info.name))
            return &entries[i].info;
    return NULL;
}

const char *const *func_names(size_t *n)
{
    init_tables();
    *n = n_names;
    return names;
}

const FuncInfo *func_table(size_t *n)
{
    init_tables();
    *n = N_FUNCS;
    return sorted;
}

const char *func_kind_name(FuncKind k)
{
    switch (k) {
    case FUNC_SCALAR:
        return "scalar";
    case FUNC_AGGREGATE:
        return "aggregate";
    case FUNC_WINDOW_ONLY:
        return "window";
    case FUNC_GROUP_WINDOW:
        return "group window";
    case FUNC_GROUP_WINDOW_AUX:
        return "group window auxiliary";
    case FUNC_TABLE_FUNCTION:
        return "window table function";
    case FUNC_MATCH:
        return "MATCH_RECOGNIZE";
    }
    return "?";
}

static const char *count_text(Arena *a, int lo, int hi)
{
    if (lo == hi)
        return arena_sprintf(a, "%d argument%s", lo, lo == 1 ? "" : "s");
    if (hi < 0)
        return arena_sprintf(a, "at least %d argument%s", lo,
                             lo == 1 ? "" : "s");
    if (hi == lo + 1)
        return arena_sprintf(a, "%d or %d arguments", lo, hi);
    return arena_sprintf(a, "%d to %d arguments", lo, hi);
}

SqlType *func_resolve_call(CompileCtx *cc, const FuncInfo *f, AstNode *call,
                           SqlType **arg_types, uint32_t n)
{
    init_tables();
    FSQL_ASSERT(call->kind == AST_FUNC_CALL);
    call->u.func_call.func = f;
    bool star = call->u.func_call.is_star;
    if (star && strcmp(f->name, "COUNT") != 0) {
        diag_error(cc, DIAG_E_WRONG_ARG_COUNT, call->at,
                   "%s(*) is not allowed; only COUNT takes *", f->name);
        return NULL;
    }
    if (!star &&
        ((int)n < f->min_args || (f->max_args >= 0 && (int)n > f->max_args))) {
        SrcSpan at = call->at;
        if (f->max_args >= 0 && (int)n > f->max_args &&
            (uint32_t)f->max_args < call->u.func_call.args.n)
            at = call->u.func_call.args.items[f->max_args]->at;
        diag_error(cc, DIAG_E_WRONG_ARG_COUNT, at,
                   "%s takes %s, but %u %s given", f->name,
                   count_text(&cc->a, f->min_args, f->max_args), n,
                   n == 1 ? "was" : "were");
        if (f->signature)
            diag_detail(cc, "Usage: %s.", f->signature);
        return NULL;
    }
    if (call->u.func_call.is_distinct && (f->flags & FUNC_NO_DISTINCT)) {
        diag_error(cc, DIAG_E_AGG_MISUSE, call->at, "%s does not take DISTINCT",
                   f->name);
        return NULL;
    }
    if (call->u.func_call.is_distinct && f->kind != FUNC_AGGREGATE) {
        diag_error(cc, DIAG_E_AGG_MISUSE, call->at,
                   "DISTINCT is only allowed in aggregate functions, and "
                   "%s is not one",
                   f->name);
        return NULL;
    }
    return f->ret(cc, call, arg_types, n);
}

/* ---- docs ---------------------------------------------------------------- */

static void md_cell(StrBuf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            strbuf_puts(out, "\\|");
        else
            strbuf_putc(out, *s);
    }
}

void func_doc_markdown(StrBuf *out)
{
    init_tables();
    strbuf_puts(out,
                "# Built-in functions\n\n"
                "<!-- generated from compiler/functions.c by "
                "func_doc_markdown(); do not edit -->\n\n"
                "Function names are case-insensitive. Unless a row says "
                "otherwise, a function returns NULL when an argument is "
                "NULL. Types follow Flink: `STRING` is `VARCHAR(2147483647)`, "
                "and DECIMAL results keep exact precision and scale "
                "(capped at 38 digits).\n\n"
                "Operators: `+ - * / %` on numbers (DECIMAL exact: `a + b` "
                "is DECIMAL(max(p1-s1, p2-s2) + max(s1, s2) + 1, max(s1, "
                "s2)), `a * b` is DECIMAL(p1 + p2 + 1, s1 + s2), `a / b` "
                "has scale max(6, s1 + p2 + 1)); `||` concatenates strings; "
                "timestamp `+`/`-` INTERVAL; comparisons, `BETWEEN`, `IN`, "
                "`LIKE`, `IS [NOT] NULL`, `IS [NOT] DISTINCT FROM`, `CASE`, "
                "`CAST`/`TRY_CAST`, and `EXTRACT(unit FROM t)` (BIGINT; "
                "units YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, "
                "SECOND, MILLISECOND, DOW, DOY, EPOCH).\n");
    FuncKind last = (FuncKind)-1;
    static const char *const titles[] = {
        "Scalar functions",
        "Aggregate functions",
        "Window functions (OVER only)",
        "Group window functions (GROUP BY)",
        "Group window auxiliary functions",
        "Window table functions (FROM TABLE(...))",
        "MATCH_RECOGNIZE functions"};
    for (size_t i = 0; i < N_FUNCS; i++) {
        const FuncInfo *f = &sorted[i];
        if (f->kind != last) {
            last = f->kind;
            strbuf_printf(out, "\n## %s\n\n", titles[f->kind]);
            strbuf_puts(out, "| Function | Description |\n|---|---|\n");
        }
        strbuf_puts(out, "| `");
        md_cell(out, f->signature ? f->signature : f->name);
        strbuf_puts(out, "` | ");
        md_cell(out, f->doc ? f->doc : "");
        if (!(f->flags & FUNC_DETERMINISTIC) &&
            (f->kind == FUNC_SCALAR || f->kind == FUNC_AGGREGATE))
            strbuf_puts(out, " Not deterministic.");
        strbuf_puts(out, " |\n");
    }
}
