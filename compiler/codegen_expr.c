/*
 * codegen_expr.c - the PExpr -> Code generator (see codegen.h).
 *
 * Shape of the generated code:
 *   - a prologue per group of expressions (the filter, then the
 *     projections) copies every input column the group reads into a
 *     register (LOADCOL), so that no load sits inside a conditional
 *     branch;
 *   - constants are registers filled once by code_regs_init(), never
 *     instructions;
 *   - each expression node becomes one typed instruction (or a short
 *     sequence), writing a fresh register; CASE, COALESCE, IF, NULLIF,
 *     AND, OR and IN lists use forward jumps patched when the target is
 *     known;
 *   - a node that appeared before at the same unconditional level is
 *     reused (common sub-expressions: seed 002's scoring CASE is computed
 *     once for two output columns).
 *
 * Implicit conversions are decided here from the SQL types the resolver
 * attached (resolve.c does not insert CASTs): arithmetic converts its
 * operands to the result type's family, comparisons to the operands'
 * common type (DECIMALs keep their scales and compare across them), and
 * function arguments to what func_bind() asks for.
 */
#include "runtime/fsql.h"
#include "compiler/codegen.h"
#include "runtime/decimal.h"
#include "runtime/func.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"
#include "runtime/value_map.h"
#include "compiler/functions.h"

#include <stdlib.h>
#include <string.h>

/* value_ops.h and func.c mirror TypeKind numbers; keep them in step. */
_Static_assert(RT_SQL_TINYINT == T_TINYINT, "RT_SQL_TINYINT");
_Static_assert(RT_SQL_SMALLINT == T_SMALLINT, "RT_SQL_SMALLINT");
_Static_assert(RT_SQL_INT == T_INT, "RT_SQL_INT");
_Static_assert(RT_SQL_BIGINT == T_BIGINT, "RT_SQL_BIGINT");
_Static_assert(RT_SQL_FLOAT == T_FLOAT, "RT_SQL_FLOAT");
_Static_assert(RT_SQL_DOUBLE == T_DOUBLE, "RT_SQL_DOUBLE");
_Static_assert(RT_SQL_CHAR == T_CHAR, "RT_SQL_CHAR");
_Static_assert(RT_SQL_MAP == T_MAP, "RT_SQL_MAP");
/* runtime/func.c SQLK_* */
_Static_assert(T_BOOLEAN == 1 && T_DECIMAL == 8 && T_VARCHAR == 10 &&
                   T_DATE == 13 && T_TIME == 14 && T_TIMESTAMP == 15 &&
                   T_TIMESTAMP_LTZ == 16,
               "func.c SQLK_* constants");

bool codegen_map_elem_ok(const SqlType *t)
{
    return t && t->kind != T_ARRAY && t->kind != T_MAP &&
           t->kind != T_MULTISET && t->kind != T_ROW &&
           (t->kind == T_NULL || codegen_rttype(t).kind != VK_NULLTYPE);
}

RtType codegen_rttype(const SqlType *t)
{
    RtType r;
    r.kind = VK_NULLTYPE;
    r.sql_kind = (uint8_t)t->kind;
    r.precision = t->precision;
    r.scale = t->scale;
    r.is_nullable = t->is_nullable;
    switch (t->kind) {
    case T_BOOLEAN:
        r.kind = VK_BOOL;
        break;
    case T_TINYINT:
    case T_SMALLINT:
    case T_INT:
    case T_BIGINT:
        r.kind = VK_INT;
        break;
    case T_FLOAT:
    case T_DOUBLE:
        r.kind = VK_DOUBLE;
        break;
    case T_DECIMAL:
        r.kind = VK_DECIMAL;
        break;
    case T_CHAR:
    case T_VARCHAR:
        r.kind = VK_STRING;
        break;
    case T_BINARY:
    case T_VARBINARY:
        r.kind = VK_BYTES;
        break;
    case T_DATE:
        r.kind = VK_DATE;
        break;
    case T_TIME:
        r.kind = VK_TIME;
        break;
    case T_TIMESTAMP:
        r.kind = VK_TIMESTAMP;
        break;
    case T_TIMESTAMP_LTZ:
        r.kind = VK_TIMESTAMP_LTZ;
        break;
    case T_INTERVAL_YM:
        r.kind = VK_INTERVAL_MONTHS;
        break;
    case T_INTERVAL_DT:
        r.kind = VK_INTERVAL_MS;
        break;
    case T_MAP:
        /* stored as bytes, element types packed into precision and scale
         * (runtime/value_map.h); scalar elements only */
        if (codegen_map_elem_ok(t->elem) && codegen_map_elem_ok(t->value)) {
            RtType k = codegen_rttype(t->elem), v = codegen_rttype(t->value);
            r.kind = VK_BYTES;
            r.precision = map_type_pack(&k);
            r.scale = map_type_pack(&v);
        }
        break;
    default:
        r.kind = VK_NULLTYPE;
        break;
    }
    return r;
}

/* ---- generator state ------------------------------------------------------ */

typedef struct Memo {
    const PExpr *e;
    uint16_t reg;
} Memo;

typedef struct Gen {
    CompileCtx *cc;
    CodeBuilder *b;
    Arena *out;
    const RelSchema *in;
    uint16_t *col_reg; /* register of input column i, VM_NO_REG if none */
    uint32_t n_cols;
    bool failed;
    bool no_fold; /* inside constant folding itself */
    int depth;    /* > 0 inside a conditionally executed part */
    Memo *memo;
    uint32_t n_memo, cap_memo;
    const TimeZone *tz;
} Gen;

static const uint16_t BAD = VM_NO_REG;

static void unsupported(Gen *g, const PExpr *e, const char *what)
{
    if (!g->failed)
        diag_error(g->cc, DIAG_E_UNSUPPORTED, e->at,
                   "cannot evaluate %s at run time", what);
    g->failed = true;
}

static uint16_t emit(Gen *g, VmOp op, uint16_t a, uint16_t b, uint32_t aux,
                     SrcSpan at)
{
    uint16_t d = code_builder_reg(g->b);
    code_builder_emit(g->b, op, d, a, b, aux, at);
    return d;
}

static uint32_t ints2(Gen *g, int32_t x, int32_t y)
{
    int32_t v[2] = {x, y};
    return code_builder_ints(g->b, v, 2);
}

static uint32_t ints3(Gen *g, int32_t x, int32_t y, int32_t z)
{
    int32_t v[3] = {x, y, z};
    return code_builder_ints(g->b, v, 3);
}

static uint32_t ints4(Gen *g, int32_t x, int32_t y, int32_t z, int32_t w)
{
    int32_t v[4] = {x, y, z, w};
    return code_builder_ints(g->b, v, 4);
}

static uint16_t const_null(Gen *g, const RtType *t)
{
    Value v = value_null(t->kind);
    return code_builder_const(g->b, &v, t);
}

static RtType rt_of(const PExpr *e)
{
    return codegen_rttype(e->type);
}

static RtType rt_make(ValueKind k, TypeKind sk, int32_t p, int32_t s)
{
    RtType t;
    t.kind = k;
    t.sql_kind = (uint8_t)sk;
    t.precision = p;
    t.scale = s;
    t.is_nullable = true;
    return t;
}

static int int_bits(const RtType *t)
{
    switch (t->sql_kind) {
    case T_TINYINT:
        return 8;
    case T_SMALLINT:
        return 16;
    case T_INT:
        return 32;
    default:
        return 64;
    }
}

/* The DECIMAL that holds every value of an integer type. */
static RtType int_as_dec(const RtType *t)
{
    int p = t->sql_kind == T_TINYINT    ? 3
            : t->sql_kind == T_SMALLINT ? 5
            : t->sql_kind == T_INT      ? 10
                                        : 19;
    return rt_make(VK_DECIMAL, T_DECIMAL, p, 0);
}

static RtTimeUnit rt_unit(TimeUnit u)
{
    switch (u) {
    case TU_YEAR:
        return RTU_YEAR;
    case TU_QUARTER:
        return RTU_QUARTER;
    case TU_MONTH:
        return RTU_MONTH;
    case TU_WEEK:
        return RTU_WEEK;
    case TU_DAY:
        return RTU_DAY;
    case TU_HOUR:
        return RTU_HOUR;
    case TU_MINUTE:
        return RTU_MINUTE;
    case TU_SECOND:
        return RTU_SECOND;
    case TU_MILLISECOND:
        return RTU_MILLISECOND;
    case TU_MICROSECOND:
        return RTU_MICROSECOND;
    case TU_NANOSECOND:
        return RTU_NANOSECOND;
    case TU_DOW:
        return RTU_DOW;
    case TU_DOY:
        return RTU_DOY;
    case TU_EPOCH:
        return RTU_EPOCH;
    default:
        return RTU_SECOND;
    }
}

/* ---- conversions --------------------------------------------------------- */

static uint16_t convert_reg(Gen *g, uint16_t r, const RtType *f,
                            const RtType *t, bool explicit_cast, bool is_try,
                            const PExpr *at_e);

static void gen_init(Gen *g, CompileCtx *cc, Arena *out, const RelSchema *in);

/* Convert register r from type f to type t; explicit for CAST (strings
 * are cut/padded to CHAR(n)/VARCHAR(n), timestamps cut to precision).  A
 * constant is converted at compile time when that succeeds. */
static uint16_t convert(Gen *g, uint16_t r, const RtType *f, const RtType *t,
                        bool explicit_cast, bool is_try, const PExpr *at_e)
{
    Value cv;
    RtType ct;
    if (r != BAD && !g->no_fold && t->kind != VK_NULLTYPE &&
        code_builder_const_value(g->b, r, &cv, &ct)) {
        Gen sub;
        gen_init(&sub, g->cc, &g->cc->a, NULL);
        sub.no_fold = true;
        sub.tz = g->tz;
        uint16_t k = code_builder_const(sub.b, &cv, &ct);
        uint16_t d = convert_reg(&sub, k, f, t, explicit_cast, is_try, at_e);
        if (!sub.failed && d != BAD) {
            code_builder_result(sub.b, d, t);
            Code *c = code_builder_finish(sub.b);
            Value *regs = code_regs_new(&g->cc->a, c);
            VmCtx x;
            memset(&x, 0, sizeof(x));
            x.a = &g->cc->a;
            x.tz = g->tz;
            if (vm_eval(c, regs, NULL, &x)) {
                Value v = regs[c->results[0]];
                code_regs_fini(c, regs);
                return code_builder_const(g->b, &v, t);
            }
            code_regs_fini(c, regs);
        }
    }
    return convert_reg(g, r, f, t, explicit_cast, is_try, at_e);
}

/* ---- MAP values (runtime/value_map.h) ----------------------------------- */

/* A call of a map function of value_map.c over args (converted to want). */
static uint16_t gen_map_site(Gen *g, const char *name, uint16_t first,
                             uint32_t n, const RtType *kt, const RtType *vt,
                             const RtType *ret, const PExpr *e)
{
    FuncSite fs;
    if (first == BAD || !map_func_bind(name, n, kt, vt, ret, &fs))
        return BAD;
    fs.at = e->at;
    uint32_t site = code_builder_site(g->b, &fs);
    return emit(g, fs.is_strict ? OP_CALL_STRICT : OP_CALL, first,
                (uint16_t)n, site, e->at);
}

/* Whether a map element of type f can be re-encoded as type t. */
static bool map_elem_convertible(const RtType *f, const RtType *t)
{
    if (f->kind == VK_NULLTYPE)
        return true;
    if (f->kind == t->kind)
        return f->kind != VK_DECIMAL || f->scale == t->scale;
    return (f->kind == VK_STRING || f->kind == VK_BYTES) &&
           (t->kind == VK_STRING || t->kind == VK_BYTES);
}

static bool rt_same(const RtType *a, const RtType *b)
{
    return a->kind == b->kind && a->sql_kind == b->sql_kind &&
           a->precision == b->precision && a->scale == b->scale;
}

static uint16_t convert_map(Gen *g, uint16_t r, const RtType *f,
                            const RtType *t, bool explicit_cast, bool is_try,
                            const PExpr *at_e)
{
    if (f->kind != VK_BYTES || (t->sql_kind == T_MAP && t->kind != VK_BYTES)) {
        unsupported(g, at_e, "MAP values with nested or unsupported types");
        return BAD;
    }
    if (f->sql_kind == T_MAP && t->kind == VK_STRING) {
        RtType st = rt_make(VK_STRING, T_VARCHAR, VARCHAR_MAX, 0);
        uint16_t s = gen_map_site(g, "TO_STRING", r, 1, f, f, &st, at_e);
        return convert_reg(g, s, &st, t, explicit_cast, is_try, at_e);
    }
    if (f->sql_kind == T_MAP && t->sql_kind == T_MAP) {
        RtType fk = map_key_type(f), fv = map_value_type(f);
        RtType tk = map_key_type(t), tv = map_value_type(t);
        if (rt_same(&fk, &tk) && rt_same(&fv, &tv))
            return r;
        if (map_elem_convertible(&fk, &tk) && map_elem_convertible(&fv, &tv))
            return gen_map_site(g, "RETYPE", r, 1, &tk, &tv, t, at_e);
    }
    /* constant folding (no_fold) retries in the main generator: report
     * once, from there */
    if (g->no_fold)
        g->failed = true;
    else
        unsupported(g, at_e, "this CAST of a MAP value (its elements "
                             "would change storage)");
    return BAD;
}

static uint16_t convert_reg(Gen *g, uint16_t r, const RtType *f,
                            const RtType *t, bool explicit_cast, bool is_try,
                            const PExpr *at_e)
{
    SrcSpan at = at_e->at;
    if (r == BAD)
        return BAD;
    if (t->kind == VK_NULLTYPE)
        return r;
    if (f->kind == VK_NULLTYPE)
        return const_null(g, t);
    if (f->sql_kind == T_MAP || t->sql_kind == T_MAP)
        return convert_map(g, r, f, t, explicit_cast, is_try, at_e);
    if (f->kind == t->kind) {
        switch (t->kind) {
        case VK_INT:
            if (int_bits(t) < int_bits(f))
                return emit(g, OP_WRAP_INT, r, 0, (uint32_t)int_bits(t), at);
            return r;
        case VK_DOUBLE:
            if (t->sql_kind == T_FLOAT && f->sql_kind != T_FLOAT)
                return emit(g, OP_ROUND_F32, r, 0, 0, at);
            return r;
        case VK_DECIMAL:
            if (f->scale == t->scale && f->precision <= t->precision)
                return r;
            return emit(g, OP_CAST_DEC_DEC, r, 0,
                        ints3(g, f->scale, t->precision, t->scale), at);
        case VK_STRING:
            if (explicit_cast && t->precision > 0 &&
                t->precision < VARCHAR_MAX &&
                (t->precision != f->precision || t->sql_kind != f->sql_kind))
                break;
            return r;
        case VK_TIMESTAMP:
        case VK_TIMESTAMP_LTZ:
        case VK_TIME:
            if (explicit_cast && t->precision >= 0 && t->precision < 3 &&
                (f->precision < 0 || f->precision > t->precision))
                break;
            return r;
        default:
            return r;
        }
    } else {
        switch (f->kind) {
        case VK_INT:
            if (t->kind == VK_DOUBLE) {
                uint16_t d = emit(g, OP_CAST_I64_F64, r, 0, 0, at);
                return t->sql_kind == T_FLOAT
                           ? emit(g, OP_ROUND_F32, d, 0, 0, at)
                           : d;
            }
            if (t->kind == VK_DECIMAL)
                return emit(g, OP_CAST_I64_DEC, r, 0,
                            ints2(g, t->precision, t->scale), at);
            break;
        case VK_DOUBLE:
            if (t->kind == VK_INT)
                return emit(g, OP_CAST_F64_I64, r, 0, (uint32_t)int_bits(t),
                            at);
            if (t->kind == VK_DECIMAL)
                return emit(g, OP_CAST_F64_DEC, r, 0,
                            ints2(g, t->precision, t->scale), at);
            break;
        case VK_DECIMAL:
            if (t->kind == VK_DOUBLE) {
                uint16_t d =
                    emit(g, OP_CAST_DEC_F64, r, 0, ints2(g, f->scale, 0), at);
                return t->sql_kind == T_FLOAT
                           ? emit(g, OP_ROUND_F32, d, 0, 0, at)
                           : d;
            }
            if (t->kind == VK_INT)
                return emit(g, OP_CAST_DEC_I64, r, 0,
                            ints2(g, f->scale, int_bits(t)), at);
            break;
        case VK_DATE:
            if (t->kind == VK_TIMESTAMP && !explicit_cast)
                return emit(g, OP_CAST_DATE_TS, r, 0, 0, at);
            if (t->kind == VK_TIMESTAMP_LTZ && !explicit_cast)
                return emit(g, OP_CAST_TS_LTZ,
                            emit(g, OP_CAST_DATE_TS, r, 0, 0, at), 0, 0, at);
            break;
        case VK_TIMESTAMP:
            if (t->kind == VK_DATE)
                return emit(g, OP_CAST_TS_DATE, r, 0, 0, at);
            if (t->kind == VK_TIMESTAMP_LTZ &&
                (t->precision < 0 || t->precision >= 3))
                return emit(g, OP_CAST_TS_LTZ, r, 0, 0, at);
            break;
        case VK_TIMESTAMP_LTZ:
            if (t->kind == VK_TIMESTAMP &&
                (t->precision < 0 || t->precision >= 3))
                return emit(g, OP_CAST_LTZ_TS, r, 0, 0, at);
            break;
        default:
            break;
        }
    }
    /* Everything else: the out-of-line CAST. */
    RtType ff = *f;
    if (!vm_cast_supported(&ff, t)) {
        unsupported(g, at_e, "this CAST");
        return BAD;
    }
    uint32_t k = code_builder_cast(g->b, f, t, is_try);
    return emit(g, OP_CAST, r, 0, k, at);
}

/* ---- constants ------------------------------------------------------------- */

static uint16_t gen(Gen *g, const PExpr *e);

static uint16_t gen_literal(Gen *g, const PExpr *e)
{
    RtType t = rt_of(e);
    const PLit *l = &e->lit;
    Value v;
    memset(&v, 0, sizeof(v));
    v.kind = (uint8_t)t.kind;
    switch (l->kind) {
    case PL_NULL:
        return const_null(g, &t);
    case PL_BOOL:
        v.u.i = l->v.b;
        break;
    case PL_INT:
        if (t.kind == VK_DECIMAL) {
            i128 d;
            if (decimal_from_i64(l->v.i, t.precision, t.scale, &d) != DEC_OK)
                goto bad;
            value_set_dec(&v, d);
        } else if (t.kind == VK_DOUBLE) {
            v.u.f = (double)l->v.i;
        } else {
            v.u.i = l->v.i;
        }
        break;
    case PL_DECIMAL:
        if (t.kind == VK_DOUBLE) {
            char buf[80];
            size_t n = l->text.len < 79 ? l->text.len : 79;
            memcpy(buf, l->text.ptr, n);
            buf[n] = 0;
            v.u.f = strtod(buf, NULL);
        } else {
            i128 d;
            int p = t.kind == VK_DECIMAL ? t.precision : 38;
            int s = t.kind == VK_DECIMAL ? t.scale : 0;
            if (decimal_parse(l->text.ptr, l->text.len, p, s, &d) != DEC_OK)
                goto bad;
            value_set_dec(&v, d);
            v.kind = VK_DECIMAL;
        }
        break;
    case PL_DOUBLE:
        v.u.f = l->v.f;
        break;
    case PL_STRING:
    case PL_BYTES:
        v.u.s.ptr = l->text.ptr ? l->text.ptr : "";
        v.u.s.len = (uint32_t)l->text.len;
        break;
    case PL_DATE:
    case PL_TIME:
    case PL_TIMESTAMP:
    case PL_INTERVAL_MS:
    case PL_INTERVAL_MONTHS:
        v.u.i = l->v.i;
        break;
    case PL_SYMBOL:
        unsupported(g, e, "a time unit outside a function call");
        return BAD;
    }
    return code_builder_const(g->b, &v, &t);
bad:
    unsupported(g, e, "this literal");
    return BAD;
}

/* Whether e can be computed at compile time: no column references, only
 * deterministic functions. */
static bool is_const(const PExpr *e)
{
    switch (e->kind) {
    case PE_INPUT_REF:
    case PE_AGG_CALL:
    case PE_SUBQUERY:
        return false;
    case PE_LITERAL:
        return e->lit.kind != PL_SYMBOL || true;
    case PE_CALL:
        if (e->op == PO_ROW || e->op == PO_ARRAY || e->op == PO_FIELD ||
            (e->op == PO_ITEM && e->args[0]->type->kind != T_MAP))
            return false;
        if (e->op == PO_FUNC &&
            (!e->func || !(e->func->flags & FUNC_DETERMINISTIC) ||
             (e->func->flags & FUNC_PER_QUERY)))
            return false;
        break;
    default:
        break;
    }
    for (uint32_t i = 0; i < e->n_args; i++)
        if (e->args[i] && !is_const(e->args[i]))
            return false;
    return true;
}

/* Evaluate constant expression e (converted to type t) with the VM.
 * Returns false when it fails at run time (left to the runtime then). */
static bool fold_value(Gen *g, const PExpr *e, const RtType *t, Value *out)
{
    Gen sub;
    gen_init(&sub, g->cc, &g->cc->a, g->in);
    sub.no_fold = true;
    sub.tz = g->tz;
    RtType et = rt_of(e);
    uint16_t r = gen(&sub, e);
    if (r != BAD)
        r = convert(&sub, r, &et, t, false, false, e);
    if (sub.failed || r == BAD)
        return false;
    code_builder_result(sub.b, r, t);
    Code *c = code_builder_finish(sub.b);
    Value *regs = code_regs_new(&g->cc->a, c);
    VmCtx x;
    memset(&x, 0, sizeof(x));
    x.a = &g->cc->a;
    x.tz = g->tz;
    bool ok = vm_eval(c, regs, NULL, &x);
    if (ok)
        *out = regs[c->results[0]];
    code_regs_fini(c, regs);
    return ok;
}

/* ---- operators --------------------------------------------------------------- */

/* Common comparison type of two operand types (NULL if none). */
static SqlType *cmp_type(Gen *g, const SqlType *l, const SqlType *r)
{
    Arena *a = &g->cc->a;
    if (type_is_string(l) && type_is_temporal(r))
        return type_copy(a, r);
    if (type_is_temporal(l) && type_is_string(r))
        return type_copy(a, l);
    if (l->kind == T_DATE && type_is_timestamp(r))
        return type_copy(a, r);
    if (type_is_timestamp(l) && r->kind == T_DATE)
        return type_copy(a, l);
    return type_common(a, l, r);
}

typedef enum CmpOp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } CmpOp;

static VmOp cmp_opcode(CmpOp c, int fam)
{
    static const VmOp ops[4][6] = {
        {OP_EQ_I64, OP_NE_I64, OP_LT_I64, OP_LE_I64, OP_GT_I64, OP_GE_I64},
        {OP_EQ_F64, OP_NE_F64, OP_LT_F64, OP_LE_F64, OP_GT_F64, OP_GE_F64},
        {OP_EQ_DEC, OP_NE_DEC, OP_LT_DEC, OP_LE_DEC, OP_GT_DEC, OP_GE_DEC},
        {OP_EQ_STR, OP_NE_STR, OP_LT_STR, OP_LE_STR, OP_GT_STR, OP_GE_STR}};
    return ops[fam][c];
}

/* If register r is a non-NULL DECIMAL constant of type *t, the same
 * value at scale s (> t->scale) as a new constant, *t updated; otherwise
 * (not a constant, or it would not fit DECIMAL(38)) r unchanged. */
static uint16_t rescale_const(Gen *g, uint16_t r, RtType *t, int32_t s)
{
    Value v;
    RtType ct;
    if (!code_builder_const_value(g->b, r, &v, &ct) || v.is_null ||
        v.kind != VK_DECIMAL)
        return r;
    i128 x;
    if (decimal_rescale(value_get_dec(&v), t->scale, DEC_MAX_PRECISION, s,
                        &x) != DEC_OK)
        return r;
    RtType nt = *t;
    nt.scale = s;
    nt.precision = t->precision + (s - t->scale);
    if (nt.precision > DEC_MAX_PRECISION)
        nt.precision = DEC_MAX_PRECISION;
    value_set_dec(&v, x);
    *t = nt;
    return code_builder_const(g->b, &v, &nt);
}

/* Compare registers ra (type lt) and rb (type rtp). */
static uint16_t gen_cmp_regs(Gen *g, CmpOp c, uint16_t ra, const SqlType *lt,
                             uint16_t rb, const SqlType *rtp, const PExpr *e)
{
    if (ra == BAD || rb == BAD)
        return BAD;
    SqlType *ct = cmp_type(g, lt, rtp);
    if (!ct) {
        unsupported(g, e, "this comparison");
        return BAD;
    }
    RtType T = codegen_rttype(ct);
    RtType L = codegen_rttype(lt), R = codegen_rttype(rtp);
    if (T.kind == VK_NULLTYPE) {
        RtType bt = rt_make(VK_BOOL, T_BOOLEAN, -1, 0);
        return const_null(g, &bt);
    }
    if (T.kind == VK_DECIMAL) {
        /* Keep each side's scale: DECIMAL comparisons work across scales;
         * integers become exact DECIMALs, DOUBLE would not get here. */
        if (L.kind != VK_DECIMAL) {
            RtType d = L.kind == VK_INT ? int_as_dec(&L) : T;
            ra = convert(g, ra, &L, &d, false, false, e);
            L = d;
        }
        if (R.kind != VK_DECIMAL) {
            RtType d = R.kind == VK_INT ? int_as_dec(&R) : T;
            rb = convert(g, rb, &R, &d, false, false, e);
            R = d;
        }
        if (ra == BAD || rb == BAD)
            return BAD;
        /* A constant with the smaller scale is rescaled once here, so
         * that the comparison runs on equal scales (a plain 128-bit
         * compare per row instead of a rescale). */
        if (L.scale < R.scale)
            ra = rescale_const(g, ra, &L, R.scale);
        else if (R.scale < L.scale)
            rb = rescale_const(g, rb, &R, L.scale);
        return emit(g, cmp_opcode(c, 2), ra, rb, ints2(g, L.scale, R.scale),
                    e->at);
    }
    ra = convert(g, ra, &L, &T, false, false, e);
    rb = convert(g, rb, &R, &T, false, false, e);
    if (ra == BAD || rb == BAD)
        return BAD;
    int fam;
    switch (T.kind) {
    case VK_DOUBLE:
        fam = 1;
        break;
    case VK_STRING:
    case VK_BYTES:
        fam = 3;
        break;
    case VK_BOOL:
    case VK_INT:
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        fam = 0;
        break;
    default:
        unsupported(g, e, "a comparison of these types");
        return BAD;
    }
    return emit(g, cmp_opcode(c, fam), ra, rb, 0, e->at);
}

static uint16_t gen_cmp(Gen *g, CmpOp c, const PExpr *l, const PExpr *r,
                        const PExpr *e)
{
    uint16_t ra = gen(g, l);
    uint16_t rb = gen(g, r);
    return gen_cmp_regs(g, c, ra, l->type, rb, r->type, e);
}

/* Integer arithmetic opcode for the result type. */
static uint16_t int_arith(Gen *g, POp op, uint16_t a, uint16_t b,
                          const RtType *R, SrcSpan at)
{
    int bits = int_bits(R);
    VmOp o;
    switch (op) {
    case PO_ADD:
        o = bits == 32 ? OP_ADD_I32 : OP_ADD_I64;
        break;
    case PO_SUB:
        o = bits == 32 ? OP_SUB_I32 : OP_SUB_I64;
        break;
    case PO_MUL:
        o = bits == 32 ? OP_MUL_I32 : OP_MUL_I64;
        break;
    case PO_DIV:
        o = OP_DIV_I64;
        break;
    default:
        o = OP_MOD_I64;
        break;
    }
    uint16_t d = emit(g, o, a, b, 0, at);
    bool fused = bits == 32 && (op == PO_ADD || op == PO_SUB || op == PO_MUL);
    if (bits < 64 && !fused)
        d = emit(g, OP_WRAP_INT, d, 0, (uint32_t)bits, at);
    return d;
}

static uint16_t gen_arith(Gen *g, const PExpr *e)
{
    const PExpr *le = e->args[0], *re = e->args[1];
    RtType R = rt_of(e), L = rt_of(le), Rt = rt_of(re);
    uint16_t a = gen(g, le), b = gen(g, re);
    if (a == BAD || b == BAD)
        return BAD;
    if (R.kind == VK_NULLTYPE || L.kind == VK_NULLTYPE ||
        Rt.kind == VK_NULLTYPE)
        return const_null(g, &R);
    POp op = e->op;
    switch (R.kind) {
    case VK_INT: {
        RtType big = rt_make(VK_INT, T_BIGINT, -1, 0);
        a = convert(g, a, &L, &big, false, false, le);
        b = convert(g, b, &Rt, &big, false, false, re);
        return int_arith(g, op, a, b, &R, e->at);
    }
    case VK_DOUBLE: {
        RtType dbl = rt_make(VK_DOUBLE, T_DOUBLE, -1, 0);
        a = convert(g, a, &L, &dbl, false, false, le);
        b = convert(g, b, &Rt, &dbl, false, false, re);
        static const VmOp fo[] = {OP_ADD_F64, OP_SUB_F64, OP_MUL_F64,
                                  OP_DIV_F64, OP_MOD_F64};
        uint16_t d = emit(g, fo[op - PO_ADD], a, b, 0, e->at);
        if (R.sql_kind == T_FLOAT)
            d = emit(g, OP_ROUND_F32, d, 0, 0, e->at);
        return d;
    }
    case VK_DECIMAL: {
        if (L.kind != VK_DECIMAL) {
            RtType d = int_as_dec(&L);
            a = convert(g, a, &L, &d, false, false, le);
            L = d;
        }
        if (Rt.kind != VK_DECIMAL) {
            RtType d = int_as_dec(&Rt);
            b = convert(g, b, &Rt, &d, false, false, re);
            Rt = d;
        }
        static const VmOp dop[] = {OP_ADD_DEC, OP_SUB_DEC, OP_MUL_DEC,
                                   OP_DIV_DEC, OP_MOD_DEC};
        return emit(g, dop[op - PO_ADD], a, b,
                    ints4(g, L.scale, Rt.scale, R.precision, R.scale), e->at);
    }
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS: {
        bool li = L.kind == R.kind, ri = Rt.kind == R.kind;
        if (li && ri) { /* interval +/- interval */
            return emit(g, op == PO_SUB ? OP_SUB_I64 : OP_ADD_I64, a, b, 0,
                        e->at);
        }
        /* interval * / number */
        uint16_t iv = li ? a : b, num = li ? b : a;
        RtType nt = li ? Rt : L;
        if (nt.kind == VK_INT)
            return emit(g, op == PO_DIV ? OP_DIV_I64 : OP_MUL_I64, iv, num, 0,
                        e->at);
        RtType dbl = rt_make(VK_DOUBLE, T_DOUBLE, -1, 0);
        uint16_t fi = emit(g, OP_CAST_I64_F64, iv, 0, 0, e->at);
        uint16_t fn = convert(g, num, &nt, &dbl, false, false, e);
        uint16_t p =
            emit(g, op == PO_DIV ? OP_DIV_F64 : OP_MUL_F64, fi, fn, 0, e->at);
        return emit(g, OP_CAST_F64_I64, p, 0, 64, e->at);
    }
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ: {
        bool left_dt = L.kind != VK_INTERVAL_MS && L.kind != VK_INTERVAL_MONTHS;
        uint16_t dt = left_dt ? a : b, iv = left_dt ? b : a;
        RtType dtt = left_dt ? L : Rt, ivt = left_dt ? Rt : L;
        if (op == PO_SUB)
            iv = emit(g, OP_NEG_I64, iv, 0, 0, e->at);
        if (dtt.kind != R.kind)
            dt = convert(g, dt, &dtt, &R, false, false, e);
        if (ivt.kind == VK_INTERVAL_MONTHS) {
            VmOp o = R.kind == VK_DATE            ? OP_ADD_MONTHS_DATE
                     : R.kind == VK_TIMESTAMP     ? OP_ADD_MONTHS_TS
                     : R.kind == VK_TIMESTAMP_LTZ ? OP_ADD_MONTHS_LTZ
                                                  : OP__COUNT;
            if (o == OP__COUNT) {
                unsupported(g, e, "a TIME plus a year-month interval");
                return BAD;
            }
            return emit(g, o, dt, iv, 0, e->at);
        }
        VmOp o = R.kind == VK_DATE   ? OP_ADD_MS_DATE
                 : R.kind == VK_TIME ? OP_ADD_MS_TIME
                                     : OP_ADD_I64;
        uint16_t d = emit(g, o, dt, iv, 0, e->at);
        if (o == OP_ADD_I64) /* keep the temporal kind on the value */
            return d;
        return d;
    }
    default:
        unsupported(g, e, "this arithmetic");
        return BAD;
    }
}

static uint16_t gen_neg(Gen *g, const PExpr *e)
{
    RtType R = rt_of(e), A = rt_of(e->args[0]);
    uint16_t a = gen(g, e->args[0]);
    if (a == BAD)
        return BAD;
    a = convert(g, a, &A, &R, false, false, e);
    switch (R.kind) {
    case VK_INT: {
        uint16_t d = emit(g, OP_NEG_I64, a, 0, 0, e->at);
        if (int_bits(&R) < 64)
            d = emit(g, OP_WRAP_INT, d, 0, (uint32_t)int_bits(&R), e->at);
        return d;
    }
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        return emit(g, OP_NEG_I64, a, 0, 0, e->at);
    case VK_DOUBLE:
        return emit(g, OP_NEG_F64, a, 0, 0, e->at);
    case VK_DECIMAL:
        return emit(g, OP_NEG_DEC, a, 0, 0, e->at);
    case VK_NULLTYPE:
        return const_null(g, &R);
    default:
        unsupported(g, e, "this negation");
        return BAD;
    }
}

/* Generate args and convert each to types[i] into n consecutive fresh
 * registers; returns the first (BAD on failure). */
static uint16_t gen_block(Gen *g, const PExpr *const *args, uint32_t n,
                          const RtType *types)
{
    uint16_t *r = arena_alloc(&g->cc->a, sizeof(uint16_t) * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++) {
        RtType at = rt_of(args[i]);
        r[i] =
            convert(g, gen(g, args[i]), &at, &types[i], false, false, args[i]);
        if (r[i] == BAD)
            return BAD;
    }
    uint16_t first = code_builder_reg(g->b);
    for (uint32_t i = 1; i < n; i++)
        code_builder_reg(g->b);
    for (uint32_t i = 0; i < n; i++)
        code_builder_emit(g->b, OP_MOVE, (uint16_t)(first + i), r[i], 0, 0,
                          args[i]->at);
    return first;
}

/* AND / OR over n arguments with short-circuit jumps. */
static uint16_t gen_andor(Gen *g, const PExpr *e)
{
    bool is_and = e->op == PO_AND;
    uint16_t t = code_builder_reg(g->b);
    uint32_t *jumps = arena_alloc(&g->cc->a, sizeof(uint32_t) * e->n_args);
    uint32_t nj = 0;
    for (uint32_t i = 0; i < e->n_args; i++) {
        if (i > 0)
            g->depth++;
        uint16_t r = gen(g, e->args[i]);
        if (r == BAD)
            return BAD;
        if (i == 0)
            code_builder_emit(g->b, OP_MOVE, t, r, 0, 0, e->at);
        else
            code_builder_emit(g->b, is_and ? OP_AND : OP_OR, t, t, r, 0, e->at);
        if (i + 1 < e->n_args)
            jumps[nj++] = code_builder_emit(
                g->b, is_and ? OP_JMP_IF_FALSE : OP_JMP_IF_TRUE, 0, t, 0, 0,
                e->at);
    }
    for (uint32_t i = 1; i < e->n_args; i++)
        g->depth--;
    uint32_t end = code_builder_here(g->b);
    for (uint32_t i = 0; i < nj; i++)
        code_builder_patch(g->b, jumps[i], end);
    return t;
}

static uint16_t gen_case(Gen *g, const PExpr *e)
{
    RtType R = rt_of(e);
    uint16_t t = code_builder_reg(g->b);
    uint32_t npairs = (e->n_args - 1) / 2;
    uint32_t *ends = arena_alloc(&g->cc->a, sizeof(uint32_t) * (npairs + 1));
    for (uint32_t i = 0; i < npairs; i++) {
        if (i > 0)
            g->depth++;
        uint16_t c = gen(g, e->args[2 * i]);
        if (c == BAD)
            return BAD;
        uint32_t jn =
            code_builder_emit(g->b, OP_JMP_IF_NOT_TRUE, 0, c, 0, 0, e->at);
        g->depth++;
        const PExpr *res = e->args[2 * i + 1];
        RtType rr = rt_of(res);
        uint16_t v = convert(g, gen(g, res), &rr, &R, false, false, res);
        g->depth--;
        if (v == BAD)
            return BAD;
        code_builder_emit(g->b, OP_MOVE, t, v, 0, 0, e->at);
        ends[i] = code_builder_emit(g->b, OP_JMP, 0, 0, 0, 0, e->at);
        code_builder_patch(g->b, jn, code_builder_here(g->b));
    }
    g->depth++;
    const PExpr *el = e->args[e->n_args - 1];
    uint16_t v;
    if (el) {
        RtType er = rt_of(el);
        v = convert(g, gen(g, el), &er, &R, false, false, el);
    } else {
        v = const_null(g, &R);
    }
    g->depth--;
    for (uint32_t i = 1; i < npairs; i++)
        g->depth--;
    if (v == BAD)
        return BAD;
    code_builder_emit(g->b, OP_MOVE, t, v, 0, 0, e->at);
    uint32_t end = code_builder_here(g->b);
    for (uint32_t i = 0; i < npairs; i++)
        code_builder_patch(g->b, ends[i], end);
    return t;
}

/* COALESCE / IFNULL: the first non-NULL argument. */
static uint16_t gen_coalesce(Gen *g, const PExpr *e)
{
    RtType R = rt_of(e);
    uint16_t t = code_builder_reg(g->b);
    uint32_t *jumps = arena_alloc(&g->cc->a, sizeof(uint32_t) * e->n_args);
    uint32_t nj = 0;
    for (uint32_t i = 0; i < e->n_args; i++) {
        if (i > 0)
            g->depth++;
        RtType at = rt_of(e->args[i]);
        uint16_t v =
            convert(g, gen(g, e->args[i]), &at, &R, false, false, e->args[i]);
        if (v == BAD)
            return BAD;
        code_builder_emit(g->b, OP_MOVE, t, v, 0, 0, e->at);
        if (i + 1 < e->n_args)
            jumps[nj++] =
                code_builder_emit(g->b, OP_JMP_IF_NOT_NULL, 0, t, 0, 0, e->at);
    }
    for (uint32_t i = 1; i < e->n_args; i++)
        g->depth--;
    uint32_t end = code_builder_here(g->b);
    for (uint32_t i = 0; i < nj; i++)
        code_builder_patch(g->b, jumps[i], end);
    return t;
}

/* IF(c, x, y) as CASE WHEN c THEN x ELSE y END. */
static uint16_t gen_if(Gen *g, const PExpr *e)
{
    PExpr tmp = *e;
    tmp.kind = PE_CASE;
    return gen_case(g, &tmp);
}

static uint16_t gen_nullif(Gen *g, const PExpr *e)
{
    RtType R = rt_of(e), A = rt_of(e->args[0]);
    uint16_t a = gen(g, e->args[0]);
    uint16_t b = gen(g, e->args[1]);
    uint16_t c =
        gen_cmp_regs(g, CMP_EQ, a, e->args[0]->type, b, e->args[1]->type, e);
    a = convert(g, a, &A, &R, false, false, e);
    if (c == BAD || a == BAD)
        return BAD;
    uint16_t t = code_builder_reg(g->b);
    code_builder_emit(g->b, OP_MOVE, t, a, 0, 0, e->at);
    uint32_t j = code_builder_emit(g->b, OP_JMP_IF_NOT_TRUE, 0, c, 0, 0, e->at);
    code_builder_emit(g->b, OP_SETNULL, t, 0, 0, 0, e->at);
    code_builder_patch(g->b, j, code_builder_here(g->b));
    return t;
}

static uint16_t gen_greatest(Gen *g, const PExpr *e, bool greatest)
{
    RtType R = rt_of(e);
    RtType *types = arena_alloc(&g->cc->a, sizeof(RtType) * e->n_args);
    for (uint32_t i = 0; i < e->n_args; i++)
        types[i] = R;
    uint16_t first =
        gen_block(g, (const PExpr *const *)e->args, e->n_args, types);
    if (first == BAD)
        return BAD;
    return emit(g, greatest ? OP_GREATEST : OP_LEAST, first,
                (uint16_t)e->n_args, code_builder_type(g->b, &R), e->at);
}

/* EXTRACT(unit FROM x) by the type of x. */
static uint16_t gen_extract_reg(Gen *g, uint16_t a, const RtType *A,
                                RtTimeUnit u, const PExpr *e)
{
    switch (A->kind) {
    case VK_DATE:
        return emit(g, OP_EXTRACT_DATE, a, 0, (uint32_t)u, e->at);
    case VK_TIMESTAMP_LTZ:
        a = emit(g, OP_CAST_LTZ_TS, a, 0, 0, e->at);
        return emit(g, OP_EXTRACT, a, 0, (uint32_t)u, e->at);
    case VK_TIMESTAMP:
    case VK_TIME:
        return emit(g, OP_EXTRACT, a, 0, (uint32_t)u, e->at);
    case VK_NULLTYPE: {
        RtType bt = rt_make(VK_INT, T_BIGINT, -1, 0);
        return const_null(g, &bt);
    }
    default:
        unsupported(g, e, "EXTRACT from this type");
        return BAD;
    }
}

static const struct {
    const char *name;
    RtTimeUnit unit;
} extract_funcs[] = {
    {"YEAR", RTU_YEAR},     {"QUARTER", RTU_QUARTER}, {"MONTH", RTU_MONTH},
    {"WEEK", RTU_WEEK},     {"DAYOFYEAR", RTU_DOY},   {"DAYOFMONTH", RTU_DAY},
    {"DAYOFWEEK", RTU_DOW}, {"HOUR", RTU_HOUR},       {"MINUTE", RTU_MINUTE},
    {"SECOND", RTU_SECOND},
};

static uint16_t gen_like(Gen *g, const PExpr *e, bool similar)
{
    bool negate = e->op == PO_NOT_LIKE || e->op == PO_NOT_SIMILAR;
    RtType str = rt_make(VK_STRING, T_VARCHAR, VARCHAR_MAX, 0);
    uint16_t r;
    if (similar) {
        RtType types[3] = {str, str, str};
        const PExpr *const *args = (const PExpr *const *)e->args;
        uint16_t first = gen_block(g, args, e->n_args, types);
        if (first == BAD)
            return BAD;
        FuncSite fs;
        RtType want[3];
        RtType bt = rt_make(VK_BOOL, T_BOOLEAN, -1, 0);
        if (func_bind("$SIMILAR", e->n_args, types, &bt, -1, &fs, want)) {
            unsupported(g, e, "SIMILAR TO");
            return BAD;
        }
        fs.at = e->at;
        uint32_t site = code_builder_site(g->b, &fs);
        r = emit(g, OP_CALL_STRICT, first, (uint16_t)e->n_args, site, e->at);
    } else {
        RtType at = rt_of(e->args[0]);
        uint16_t a =
            convert(g, gen(g, e->args[0]), &at, &str, false, false, e->args[0]);
        if (a == BAD)
            return BAD;
        const PExpr *pe = e->args[1];
        const PExpr *ee = e->n_args > 2 ? e->args[2] : NULL;
        Value pv, ev;
        bool pconst = is_const(pe) && fold_value(g, pe, &str, &pv);
        bool econst = !ee || (is_const(ee) && fold_value(g, ee, &str, &ev));
        if (pconst && econst && !pv.is_null && (!ee || !ev.is_null)) {
            int32_t esc = -1;
            if (ee) {
                if (ev.u.s.len != 1) {
                    diag_error(g->cc, DIAG_E_TYPE_MISMATCH, ee->at,
                               "the ESCAPE of LIKE must be a single "
                               "character");
                    g->failed = true;
                    return BAD;
                }
                esc = (unsigned char)ev.u.s.ptr[0];
            }
            uint32_t k = code_builder_like(g->b, pv.u.s.ptr, pv.u.s.len, esc);
            if (k == UINT32_MAX) {
                diag_error(g->cc, DIAG_E_BAD_LITERAL, pe->at,
                           "invalid escape sequence in LIKE pattern '%.*s'",
                           (int)pv.u.s.len, pv.u.s.ptr);
                diag_hint(g->cc, "After the escape character only %%, _ or "
                                 "the escape character itself may follow.");
                g->failed = true;
                return BAD;
            }
            r = emit(g, OP_LIKE, a, 0, k, e->at);
        } else {
            RtType pt = rt_of(pe);
            uint16_t p = convert(g, gen(g, pe), &pt, &str, false, false, pe);
            uint32_t er = VM_NO_REG;
            if (ee) {
                RtType et = rt_of(ee);
                er = convert(g, gen(g, ee), &et, &str, false, false, ee);
            }
            if (p == BAD || (ee && er == BAD))
                return BAD;
            r = emit(g, OP_LIKE_DYN, a, p, er, e->at);
        }
    }
    if (negate && r != BAD)
        r = emit(g, OP_NOT, r, 0, 0, e->at);
    return r;
}

static uint16_t gen_in_list(Gen *g, const PExpr *e)
{
    const PExpr *x = e->args[0];
    uint32_t n = e->n_args - 1;
    SqlType *ct = x->type;
    for (uint32_t i = 1; i < e->n_args && ct; i++)
        ct = cmp_type(g, ct, e->args[i]->type);
    if (!ct) {
        unsupported(g, e, "this IN list");
        return BAD;
    }
    RtType T = codegen_rttype(ct);
    bool all_const = n > 8 && T.kind != VK_NULLTYPE;
    for (uint32_t i = 1; i < e->n_args && all_const; i++)
        all_const = is_const(e->args[i]);
    uint16_t r;
    if (all_const) {
        Value *items = arena_alloc(&g->cc->a, sizeof(Value) * n);
        uint32_t ni = 0;
        bool has_null = false, ok = true;
        for (uint32_t i = 1; i < e->n_args && ok; i++) {
            Value v;
            ok = fold_value(g, e->args[i], &T, &v);
            if (ok && v.is_null)
                has_null = true;
            else if (ok)
                items[ni++] = v;
        }
        if (ok) {
            RtType xt = rt_of(x);
            uint16_t a = convert(g, gen(g, x), &xt, &T, false, false, x);
            if (a == BAD)
                return BAD;
            uint32_t s = code_builder_set(g->b, &T, items, ni, has_null);
            r = emit(g, OP_IN_SET, a, 0, s, e->at);
            return e->is_not ? emit(g, OP_NOT, r, 0, 0, e->at) : r;
        }
    }
    uint16_t a = gen(g, x);
    if (a == BAD)
        return BAD;
    uint16_t t = code_builder_reg(g->b);
    uint32_t *jumps = arena_alloc(&g->cc->a, sizeof(uint32_t) * (n + 1));
    uint32_t nj = 0;
    for (uint32_t i = 1; i < e->n_args; i++) {
        if (i > 1)
            g->depth++;
        uint16_t b = gen(g, e->args[i]);
        uint16_t c =
            gen_cmp_regs(g, CMP_EQ, a, x->type, b, e->args[i]->type, e);
        if (c == BAD)
            return BAD;
        if (i == 1)
            code_builder_emit(g->b, OP_MOVE, t, c, 0, 0, e->at);
        else
            code_builder_emit(g->b, OP_OR, t, t, c, 0, e->at);
        if (i + 1 < e->n_args)
            jumps[nj++] =
                code_builder_emit(g->b, OP_JMP_IF_TRUE, 0, t, 0, 0, e->at);
    }
    for (uint32_t i = 2; i < e->n_args; i++)
        g->depth--;
    uint32_t end = code_builder_here(g->b);
    for (uint32_t i = 0; i < nj; i++)
        code_builder_patch(g->b, jumps[i], end);
    return e->is_not ? emit(g, OP_NOT, t, 0, 0, e->at) : t;
}

/* A call bound through func_bind(). */
static uint16_t gen_bound_call(Gen *g, const PExpr *e, const char *name)
{
    uint32_t n = 0;
    int64_t iarg = -1;
    const PExpr **args =
        arena_alloc(&g->cc->a, sizeof(PExpr *) * (e->n_args + 1));
    for (uint32_t i = 0; i < e->n_args; i++) {
        const PExpr *a = e->args[i];
        if (a->kind == PE_LITERAL && a->lit.kind == PL_SYMBOL)
            iarg = (int64_t)rt_unit(a->unit);
        else
            args[n++] = a;
    }
    RtType *types = arena_alloc(&g->cc->a, sizeof(RtType) * (n + 1));
    RtType *want = arena_alloc(&g->cc->a, sizeof(RtType) * (n + 1));
    for (uint32_t i = 0; i < n; i++)
        types[i] = rt_of(args[i]);
    RtType R = rt_of(e);
    FuncSite fs;
    if (!strcmp(name, "$FLOOR_TIME") && iarg >= 0 &&
        (!strcmp(e->func->name, "CEIL") || !strcmp(e->func->name, "CEILING")))
        iarg |= 0x100;
    const char *why = func_bind(name, n, types, &R, iarg, &fs, want);
    if (why) {
        if (!g->failed) {
            diag_error(g->cc, DIAG_E_UNSUPPORTED, e->at,
                       "cannot evaluate %s at run time: %s", e->func->name,
                       why);
            diag_detail(g->cc, "The function is known to the compiler, but "
                               "fsql has no run-time implementation for "
                               "it with these argument types yet.");
        }
        g->failed = true;
        return BAD;
    }
    uint16_t first = n ? gen_block(g, args, n, want) : 0;
    if (first == BAD)
        return BAD;
    fs.at = e->at;
    uint32_t site = code_builder_site(g->b, &fs);
    return emit(g, fs.is_strict ? OP_CALL_STRICT : OP_CALL, first, (uint16_t)n,
                site, e->at);
}

/* MAP[k1, v1, ...] */
static uint16_t gen_map_ctor(Gen *g, const PExpr *e)
{
    RtType M = rt_of(e);
    if (M.kind != VK_BYTES) {
        unsupported(g, e, "a MAP of these key or value types (only scalar "
                          "types)");
        return BAD;
    }
    RtType kt = map_key_type(&M), vt = map_value_type(&M);
    RtType *want = arena_alloc(&g->cc->a, sizeof(RtType) * (e->n_args + 1));
    for (uint32_t i = 0; i < e->n_args; i++)
        want[i] = i % 2 ? vt : kt;
    uint16_t first =
        gen_block(g, (const PExpr *const *)e->args, e->n_args, want);
    return gen_map_site(g, "MAP", first, e->n_args, &kt, &vt, &M, e);
}

/* m[key] (ARRAY subscripts have no run-time values yet) */
static uint16_t gen_item(Gen *g, const PExpr *e)
{
    const PExpr *b = e->args[0];
    RtType M = rt_of(b), R = rt_of(e);
    if (b->type->kind != T_MAP || M.kind != VK_BYTES) {
        unsupported(g, e, "ROW, ARRAY and MAP values");
        return BAD;
    }
    RtType kt = map_key_type(&M), vt = map_value_type(&M);
    RtType want[2] = {M, kt};
    uint16_t first = gen_block(g, (const PExpr *const *)e->args, 2, want);
    return gen_map_site(g, "ITEM", first, 2, &kt, &vt, &R, e);
}

static uint16_t gen_func(Gen *g, const PExpr *e)
{
    if (!e->func) {
        unsupported(g, e, "this call");
        return BAD;
    }
    const char *name = e->func->name;
    if (!strcmp(name, "CARDINALITY") && e->n_args == 1 &&
        e->args[0]->type->kind == T_MAP) {
        RtType M = rt_of(e->args[0]), R = rt_of(e);
        if (M.kind != VK_BYTES) {
            unsupported(g, e, "ROW, ARRAY and MAP values");
            return BAD;
        }
        uint16_t first =
            gen_block(g, (const PExpr *const *)e->args, 1, &M);
        return gen_map_site(g, "CARDINALITY", first, 1, &M, &M, &R, e);
    }
    if (!strcmp(name, "STR_TO_MAP")) {
        RtType M = rt_of(e);
        RtType st = rt_make(VK_STRING, T_VARCHAR, VARCHAR_MAX, 0);
        RtType want[3] = {st, st, st};
        uint16_t first = gen_block(g, (const PExpr *const *)e->args,
                                   e->n_args, want);
        return gen_map_site(g, "STR_TO_MAP", first, e->n_args, &st, &st, &M,
                            e);
    }
    if (!strcmp(name, "COALESCE") || !strcmp(name, "IFNULL"))
        return gen_coalesce(g, e);
    if (!strcmp(name, "IF"))
        return gen_if(g, e);
    if (!strcmp(name, "NULLIF"))
        return gen_nullif(g, e);
    if (!strcmp(name, "GREATEST") || !strcmp(name, "LEAST"))
        return gen_greatest(g, e, name[0] == 'G');
    if (!strcmp(name, "TYPEOF")) {
        RtType st = rt_make(VK_STRING, T_VARCHAR, VARCHAR_MAX, 0);
        const char *ts =
            e->n_args ? type_to_string(&g->cc->a, e->args[0]->type) : "NULL";
        Value v;
        memset(&v, 0, sizeof(v));
        v.kind = VK_STRING;
        v.u.s.ptr = ts;
        v.u.s.len = (uint32_t)strlen(ts);
        return code_builder_const(g->b, &v, &st);
    }
    for (size_t i = 0; i < FSQL_ARRAY_LEN(extract_funcs); i++)
        if (!strcmp(name, extract_funcs[i].name) && e->n_args == 1) {
            RtType A = rt_of(e->args[0]);
            uint16_t a = gen(g, e->args[0]);
            if (a == BAD)
                return BAD;
            return gen_extract_reg(g, a, &A, extract_funcs[i].unit, e);
        }
    if ((!strcmp(name, "FLOOR") || !strcmp(name, "CEIL") ||
         !strcmp(name, "CEILING")) &&
        e->n_args == 2)
        return gen_bound_call(g, e, "$FLOOR_TIME");
    /* TRIM(LEADING|TRAILING ...): the planner names the side. */
    if (!strcmp(name, "TRIM") && str_eq_cstr(e->name, "$TRIM_LEADING"))
        return gen_bound_call(g, e, "$TRIM_LEADING");
    if (!strcmp(name, "TRIM") && str_eq_cstr(e->name, "$TRIM_TRAILING"))
        return gen_bound_call(g, e, "$TRIM_TRAILING");
    return gen_bound_call(g, e, name);
}

static uint16_t gen_call(Gen *g, const PExpr *e)
{
    switch (e->op) {
    case PO_ADD:
    case PO_SUB:
    case PO_MUL:
    case PO_DIV:
    case PO_MOD:
        return gen_arith(g, e);
    case PO_CONCAT: {
        RtType str = rt_make(VK_STRING, T_VARCHAR, VARCHAR_MAX, 0);
        RtType types[2] = {str, str};
        uint16_t first = gen_block(g, (const PExpr *const *)e->args, 2, types);
        if (first == BAD)
            return BAD;
        return emit(g, OP_CONCAT, first, 2, 0, e->at);
    }
    case PO_EQ:
        return gen_cmp(g, CMP_EQ, e->args[0], e->args[1], e);
    case PO_NE:
        return gen_cmp(g, CMP_NE, e->args[0], e->args[1], e);
    case PO_LT:
        return gen_cmp(g, CMP_LT, e->args[0], e->args[1], e);
    case PO_LE:
        return gen_cmp(g, CMP_LE, e->args[0], e->args[1], e);
    case PO_GT:
        return gen_cmp(g, CMP_GT, e->args[0], e->args[1], e);
    case PO_GE:
        return gen_cmp(g, CMP_GE, e->args[0], e->args[1], e);
    case PO_AND:
    case PO_OR:
        return gen_andor(g, e);
    case PO_NOT: {
        uint16_t a = gen(g, e->args[0]);
        return a == BAD ? BAD : emit(g, OP_NOT, a, 0, 0, e->at);
    }
    case PO_NEG:
        return gen_neg(g, e);
    case PO_IS_NULL:
    case PO_IS_NOT_NULL:
    case PO_IS_TRUE:
    case PO_IS_NOT_TRUE:
    case PO_IS_FALSE:
    case PO_IS_NOT_FALSE: {
        static const VmOp ops[] = {OP_IS_NULL,  OP_IS_NOT_NULL,
                                   OP_IS_TRUE,  OP_IS_NOT_TRUE,
                                   OP_IS_FALSE, OP_IS_NOT_FALSE};
        uint16_t a = gen(g, e->args[0]);
        return a == BAD ? BAD
                        : emit(g, ops[e->op - PO_IS_NULL], a, 0, 0, e->at);
    }
    case PO_IS_DISTINCT_FROM:
    case PO_IS_NOT_DISTINCT_FROM: {
        const PExpr *l = e->args[0], *r = e->args[1];
        SqlType *ct = cmp_type(g, l->type, r->type);
        if (!ct) {
            unsupported(g, e, "IS DISTINCT FROM on these types");
            return BAD;
        }
        RtType T = codegen_rttype(ct), L = rt_of(l), Rr = rt_of(r);
        uint16_t a = convert(g, gen(g, l), &L, &T, false, false, l);
        uint16_t b = convert(g, gen(g, r), &Rr, &T, false, false, r);
        if (a == BAD || b == BAD)
            return BAD;
        return emit(g,
                    e->op == PO_IS_DISTINCT_FROM ? OP_IS_DISTINCT
                                                 : OP_IS_NOT_DISTINCT,
                    a, b, code_builder_type(g->b, &T), e->at);
    }
    case PO_BETWEEN:
    case PO_NOT_BETWEEN: {
        uint16_t x = gen(g, e->args[0]);
        uint16_t lo = gen(g, e->args[1]);
        uint16_t hi = gen(g, e->args[2]);
        uint16_t c1 = gen_cmp_regs(g, CMP_GE, x, e->args[0]->type, lo,
                                   e->args[1]->type, e);
        uint16_t c2 = gen_cmp_regs(g, CMP_LE, x, e->args[0]->type, hi,
                                   e->args[2]->type, e);
        if (c1 == BAD || c2 == BAD)
            return BAD;
        uint16_t r = emit(g, OP_AND, c1, c2, 0, e->at);
        return e->op == PO_NOT_BETWEEN ? emit(g, OP_NOT, r, 0, 0, e->at) : r;
    }
    case PO_LIKE:
    case PO_NOT_LIKE:
        return gen_like(g, e, false);
    case PO_SIMILAR:
    case PO_NOT_SIMILAR:
        return gen_like(g, e, true);
    case PO_EXTRACT: {
        RtType A = rt_of(e->args[0]);
        uint16_t a = gen(g, e->args[0]);
        if (a == BAD)
            return BAD;
        return gen_extract_reg(g, a, &A, rt_unit(e->unit), e);
    }
    case PO_FUNC:
        return gen_func(g, e);
    case PO_MAP:
        return gen_map_ctor(g, e);
    case PO_ITEM:
        return gen_item(g, e);
    default:
        unsupported(g, e, "ROW, ARRAY and MAP values");
        return BAD;
    }
}

static bool memo_ok(const PExpr *e)
{
    if (e->kind == PE_INPUT_REF || e->kind == PE_LITERAL)
        return false;
    if (e->kind == PE_CALL && e->op == PO_FUNC && e->func &&
        !(e->func->flags & (FUNC_DETERMINISTIC | FUNC_PER_QUERY)))
        return false;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (e->args[i] && e->args[i]->kind != PE_INPUT_REF &&
            e->args[i]->kind != PE_LITERAL && !memo_ok(e->args[i]))
            return false;
    return true;
}

static uint16_t gen(Gen *g, const PExpr *e)
{
    if (g->failed)
        return BAD;
    if (!e) {
        RtType bt = rt_make(VK_BOOL, T_BOOLEAN, -1, 0);
        return const_null(g, &bt);
    }
    if (e->kind == PE_INPUT_REF) {
        if (e->idx < 0 || (uint32_t)e->idx >= g->n_cols ||
            g->col_reg[e->idx] == BAD || e->var.len) {
            unsupported(g, e, "this column reference");
            return BAD;
        }
        return g->col_reg[e->idx];
    }
    if (e->kind == PE_LITERAL)
        return gen_literal(g, e);
    /* Constant folding through the VM itself. */
    if (!g->no_fold && is_const(e)) {
        RtType t = rt_of(e);
        Value v;
        if (t.kind != VK_NULLTYPE && fold_value(g, e, &t, &v))
            return code_builder_const(g->b, &v, &t);
    }
    bool memo = memo_ok(e);
    if (memo)
        for (uint32_t i = 0; i < g->n_memo; i++)
            if (pexpr_equal(g->memo[i].e, e) &&
                type_equal(g->memo[i].e->type, e->type))
                return g->memo[i].reg;
    uint16_t r;
    switch (e->kind) {
    case PE_CALL:
        r = gen_call(g, e);
        break;
    case PE_CASE:
        r = gen_case(g, e);
        break;
    case PE_CAST: {
        RtType f = rt_of(e->args[0]), t = rt_of(e);
        r = convert(g, gen(g, e->args[0]), &f, &t, true, e->is_try, e);
        break;
    }
    case PE_IN_LIST:
        r = gen_in_list(g, e);
        break;
    default:
        unsupported(g, e, "this expression");
        return BAD;
    }
    if (memo && r != BAD && g->depth == 0) {
        if (g->n_memo == g->cap_memo) {
            uint32_t nc = g->cap_memo ? g->cap_memo * 2 : 16;
            Memo *nm = arena_alloc(&g->cc->a, sizeof(Memo) * nc);
            if (g->n_memo)
                memcpy(nm, g->memo, sizeof(Memo) * g->n_memo);
            g->memo = nm;
            g->cap_memo = nc;
        }
        g->memo[g->n_memo].e = e;
        g->memo[g->n_memo++].reg = r;
    }
    return r;
}

/* ---- entry points ---------------------------------------------------------- */

static void gen_init(Gen *g, CompileCtx *cc, Arena *out, const RelSchema *in)
{
    memset(g, 0, sizeof(*g));
    g->cc = cc;
    g->out = out;
    g->in = in;
    g->b = code_builder_new(&cc->a, out);
    g->n_cols = in ? in->n_cols : 0;
    g->col_reg = arena_alloc(&cc->a, sizeof(uint16_t) * (g->n_cols + 1));
    for (uint32_t i = 0; i < g->n_cols; i++)
        g->col_reg[i] = BAD;
}

static void mark_ref(PExpr *ref, void *arg)
{
    bool *used = arg;
    if (ref->idx >= 0)
        used[ref->idx] = true;
}

/* Load the columns exprs read that are not loaded yet. */
static void load_cols(Gen *g, PExpr **exprs, uint32_t n)
{
    if (!g->n_cols)
        return;
    bool *used = arena_zalloc(&g->cc->a, g->n_cols);
    for (uint32_t i = 0; i < n; i++)
        if (exprs[i])
            pexpr_for_each_ref(exprs[i], mark_ref, used);
    for (uint32_t c = 0; c < g->n_cols; c++) {
        if (!used[c] || g->col_reg[c] != BAD)
            continue;
        g->col_reg[c] = code_builder_col(g->b, c);
    }
}

static const TimeZone *session_tz(CompileCtx *cc)
{
    const char *z = compile_get_option(cc, "table.local-time-zone");
    if (!z || !*z)
        return NULL;
    char err[160];
    return tz_load(z, err, sizeof(err));
}

static Code *finish(Gen *g, const TimeZone *tz, uint32_t want_results)
{
    if (!g->failed && code_builder_n_results(g->b) != want_results) {
        diag_error_nopos(g->cc, DIAG_E_UNSUPPORTED,
                         "internal error: could not generate code for an "
                         "expression");
        g->failed = true;
    }
    if (tz)
        tz_free((TimeZone *)tz);
    if (g->failed)
        return NULL;
    return code_builder_finish(g->b);
}

Code *codegen_calc(CompileCtx *cc, Arena *prog_arena, PExpr *where,
                   PExpr **proj, uint32_t n, const RelSchema *input,
                   bool *has_filter)
{
    Gen g;
    gen_init(&g, cc, prog_arena, input);
    const TimeZone *tz = session_tz(cc);
    g.tz = tz;
    if (has_filter)
        *has_filter = where != NULL;
    uint32_t jf = UINT32_MAX;
    if (where) {
        load_cols(&g, &where, 1);
        uint16_t r = gen(&g, where);
        if (r != BAD) {
            RtType bt = rt_of(where);
            code_builder_result(g.b, r, &bt);
            if (n)
                jf = code_builder_emit(g.b, OP_JMP_IF_NOT_TRUE, 0, r, 0, 0,
                                       where->at);
        }
    }
    load_cols(&g, proj, n);
    for (uint32_t i = 0; i < n && !g.failed; i++) {
        uint16_t r = gen(&g, proj[i]);
        if (r == BAD)
            break;
        RtType t = rt_of(proj[i]);
        code_builder_result(g.b, r, &t);
    }
    if (jf != UINT32_MAX && !g.failed) {
        uint32_t end = code_builder_here(g.b);
        SrcSpan none = {0, 0};
        code_builder_emit(g.b, OP_HALT, 0, 0, 0, 0, none);
        code_builder_patch(g.b, jf, end);
    }
    return finish(&g, tz, n + (where ? 1 : 0));
}

Code *codegen_exprs(CompileCtx *cc, Arena *prog_arena, PExpr **exprs,
                    uint32_t n, const RelSchema *input)
{
    return codegen_calc(cc, prog_arena, NULL, exprs, n, input, NULL);
}

Code *codegen_filter(CompileCtx *cc, Arena *prog_arena, PExpr *cond,
                     const RelSchema *input)
{
    return codegen_calc(cc, prog_arena, cond, NULL, 0, input, NULL);
}
