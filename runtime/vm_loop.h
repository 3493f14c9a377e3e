/*
 * vm_loop.h - the body of the expression interpreter, included by vm.c
 * once per dispatch flavour.  Before including, vm.c defines:
 *   VM_FN     the function's name
 *   VM_GOTO   1: computed goto (GCC/Clang), 0: a plain switch
 *   VM_TRACE  1: print every instruction (switch flavour only)
 * This file has no include guard on purpose; it #undefs what it defines.
 *
 * Register conventions: a VK_BOOL register holds 0/1 in u.i; a NULL
 * register may hold any payload, so instructions test is_null before they
 * trust it where the payload could trap (division) or allocate.  Operand
 * values are read into locals before dst is written because dst may be
 * one of the operands.
 */

static bool VM_FN(const Code *c, Value *regs, const Value *row, VmCtx *x)
{
    const Instr *ip = c->instrs;
    const int32_t *ints = c->ints;

#if VM_GOTO
    static const void *const labels[] = {
#define OP(name, operands, flags, synopsis) &&L_##name,
#include "runtime/opcodes.def"
#undef OP
    };
#define VM_CASE(name) L_##name:
#define VM_DISPATCH() goto *labels[ip->op]
#else
#define VM_CASE(name) case OP_##name:
#define VM_DISPATCH() goto dispatch
#endif
#define VM_NEXT()                                                              \
    do {                                                                       \
        ip++;                                                                  \
        VM_DISPATCH();                                                         \
    } while (0)
#define VM_JUMP(t)                                                             \
    do {                                                                       \
        ip = c->instrs + (t);                                                  \
        VM_DISPATCH();                                                         \
    } while (0)
#define RA (&regs[ip->a])
#define RB (&regs[ip->b])
#define RD (&regs[ip->dst])

/* Binary strict operation on int64 payloads producing kind K. */
#define VM_BIN_I64(name, K, expr)                                              \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA, *vb = RB;                                        \
        int64_t l = va->u.i, r = vb->u.i;                                      \
        bool nul = va->is_null | vb->is_null;                                  \
        Value *d = RD;                                                         \
        d->u.i = (expr);                                                       \
        d->is_null = nul;                                                      \
        d->kind = K;                                                           \
        VM_NEXT();                                                             \
    }
#define VM_BIN_F64(name, expr)                                                 \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA, *vb = RB;                                        \
        double l = va->u.f, r = vb->u.f;                                       \
        bool nul = va->is_null | vb->is_null;                                  \
        Value *d = RD;                                                         \
        d->u.f = (expr);                                                       \
        d->is_null = nul;                                                      \
        d->kind = VK_DOUBLE;                                                   \
        VM_NEXT();                                                             \
    }
#define VM_CMP_F64(name, expr)                                                 \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA, *vb = RB;                                        \
        double l = va->u.f, r = vb->u.f;                                       \
        bool nul = va->is_null | vb->is_null;                                  \
        Value *d = RD;                                                         \
        d->u.i = (expr);                                                       \
        d->is_null = nul;                                                      \
        d->kind = VK_BOOL;                                                     \
        VM_NEXT();                                                             \
    }
#define VM_CMP_STR(name, expr)                                                 \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA, *vb = RB;                                        \
        Value *d = RD;                                                         \
        if (va->is_null | vb->is_null) {                                       \
            d->is_null = true;                                                 \
        } else {                                                               \
            d->u.i = (expr);                                                   \
            d->is_null = false;                                                \
        }                                                                      \
        d->kind = VK_BOOL;                                                     \
        VM_NEXT();                                                             \
    }
#define VM_CMP_DEC(name, cmpop)                                                \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA, *vb = RB;                                        \
        Value *d = RD;                                                         \
        if (va->is_null | vb->is_null) {                                       \
            d->is_null = true;                                                 \
        } else {                                                               \
            const int32_t *pa = ints + ip->aux;                                \
            int cr;                                                            \
            i128 l = value_get_dec(va), r = value_get_dec(vb);                 \
            if (pa[0] == pa[1]) {                                              \
                cr = (l > r) - (l < r);                                        \
            } else if (vm_dec_small(l) && vm_dec_small(r) &&                   \
                       pa[0] - pa[1] <= 18 && pa[1] - pa[0] <= 18) {           \
                /* |x| < 2^63 times 10^18 stays below 2^127 */                 \
                if (pa[0] < pa[1])                                             \
                    l *= vm_pow10_i64[pa[1] - pa[0]];                          \
                else                                                           \
                    r *= vm_pow10_i64[pa[0] - pa[1]];                          \
                cr = (l > r) - (l < r);                                        \
            } else {                                                           \
                cr = decimal_cmp(l, pa[0], r, pa[1]);                          \
            }                                                                  \
            d->u.i = cr cmpop 0;                                               \
            d->is_null = false;                                                \
        }                                                                      \
        d->kind = VK_BOOL;                                                     \
        VM_NEXT();                                                             \
    }
#define VM_DEC_ARITH(name, fn)                                                 \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA, *vb = RB;                                        \
        Value *d = RD;                                                         \
        if (va->is_null | vb->is_null) {                                       \
            d->is_null = true;                                                 \
            d->kind = VK_DECIMAL;                                              \
            VM_NEXT();                                                         \
        }                                                                      \
        const int32_t *pa = ints + ip->aux;                                    \
        i128 res;                                                              \
        DecStatus st = fn(value_get_dec(va), pa[0], value_get_dec(vb), pa[1],  \
                          pa[2], pa[3], &res);                                 \
        if (likely(st == DEC_OK)) {                                            \
            value_set_dec(d, res);                                             \
        } else if (st == DEC_DIVZERO) {                                        \
            vm_error(x, ip->at, "division by zero");                           \
            return false;                                                      \
        } else {                                                               \
            d->is_null = true; /* overflow: NULL, as Flink */                  \
            d->kind = VK_DECIMAL;                                              \
        }                                                                      \
        VM_NEXT();                                                             \
    }

#if VM_GOTO
    VM_DISPATCH();
#else
dispatch:
#if VM_TRACE
    vm_trace_instr(c, ip, regs);
#endif
    switch ((VmOp)ip->op) {
#endif

    VM_CASE(HALT)
    {
        return true;
    }
    VM_CASE(LOADCOL)
    {
        regs[ip->dst] = row[ip->a];
        VM_NEXT();
    }
    VM_CASE(LOADK)
    {
        regs[ip->dst] = c->consts[ip->aux];
        VM_NEXT();
    }
    VM_CASE(MOVE)
    {
        regs[ip->dst] = regs[ip->a];
        VM_NEXT();
    }
    VM_CASE(SETNULL)
    {
        regs[ip->dst].is_null = true;
        VM_NEXT();
    }
    VM_CASE(JMP)
    {
        VM_JUMP(ip->aux);
    }
    VM_CASE(JMP_IF_FALSE)
    {
        const Value *va = RA;
        if (!va->is_null && !va->u.i)
            VM_JUMP(ip->aux);
        VM_NEXT();
    }
    VM_CASE(JMP_IF_TRUE)
    {
        const Value *va = RA;
        if (!va->is_null && va->u.i)
            VM_JUMP(ip->aux);
        VM_NEXT();
    }
    VM_CASE(JMP_IF_NOT_TRUE)
    {
        const Value *va = RA;
        if (va->is_null || !va->u.i)
            VM_JUMP(ip->aux);
        VM_NEXT();
    }
    VM_CASE(JMP_IF_NULL)
    {
        if (RA->is_null)
            VM_JUMP(ip->aux);
        VM_NEXT();
    }
    VM_CASE(JMP_IF_NOT_NULL)
    {
        if (!RA->is_null)
            VM_JUMP(ip->aux);
        VM_NEXT();
    }

    /* ---- three-valued logic ---- */
    VM_CASE(AND)
    {
        const Value *va = RA, *vb = RB;
        bool af = !va->is_null && !va->u.i, bf = !vb->is_null && !vb->u.i;
        bool nul = !(af | bf) && (va->is_null | vb->is_null);
        Value *d = RD;
        d->u.i = !(af | bf);
        d->is_null = nul;
        d->kind = VK_BOOL;
        VM_NEXT();
    }
    VM_CASE(OR)
    {
        const Value *va = RA, *vb = RB;
        bool at = !va->is_null && va->u.i, bt = !vb->is_null && vb->u.i;
        bool nul = !(at | bt) && (va->is_null | vb->is_null);
        Value *d = RD;
        d->u.i = at | bt;
        d->is_null = nul;
        d->kind = VK_BOOL;
        VM_NEXT();
    }
    VM_CASE(NOT)
    {
        const Value *va = RA;
        bool nul = va->is_null;
        int64_t v = !va->u.i;
        Value *d = RD;
        d->u.i = v;
        d->is_null = nul;
        d->kind = VK_BOOL;
        VM_NEXT();
    }
#define VM_IS(name, expr)                                                      \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA;                                                  \
        bool n = va->is_null, t = !n && va->u.i;                               \
        Value *d = RD;                                                         \
        (void)t;                                                               \
        d->u.i = (expr);                                                       \
        d->is_null = false;                                                    \
        d->kind = VK_BOOL;                                                     \
        VM_NEXT();                                                             \
    }
    VM_IS(IS_NULL, n)
    VM_IS(IS_NOT_NULL, !n)
    VM_IS(IS_TRUE, t)
    VM_IS(IS_NOT_TRUE, !t)
    VM_IS(IS_FALSE, !n && !t)
    VM_IS(IS_NOT_FALSE, n || t)
#undef VM_IS

    /* ---- integers ---- */
    VM_BIN_I64(ADD_I64, VK_INT, (int64_t)((uint64_t)l + (uint64_t)r))
    VM_BIN_I64(SUB_I64, VK_INT, (int64_t)((uint64_t)l - (uint64_t)r))
    VM_BIN_I64(MUL_I64, VK_INT, (int64_t)((uint64_t)l * (uint64_t)r))
    VM_CASE(DIV_I64)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        d->kind = VK_INT;
        if (va->is_null | vb->is_null) {
            d->is_null = true;
            VM_NEXT();
        }
        int64_t l = va->u.i, r = vb->u.i;
        if (unlikely(r == 0)) {
            vm_error(x, ip->at, "division by zero");
            return false;
        }
        d->u.i = r == -1 ? (int64_t)(0 - (uint64_t)l) : l / r;
        d->is_null = false;
        VM_NEXT();
    }
    VM_CASE(MOD_I64)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        d->kind = VK_INT;
        if (va->is_null | vb->is_null) {
            d->is_null = true;
            VM_NEXT();
        }
        int64_t l = va->u.i, r = vb->u.i;
        if (unlikely(r == 0)) {
            vm_error(x, ip->at, "division by zero");
            return false;
        }
        d->u.i = r == -1 ? 0 : l % r;
        d->is_null = false;
        VM_NEXT();
    }
    VM_CASE(NEG_I64)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.i = (int64_t)(0 - (uint64_t)va->u.i);
        d->is_null = nul;
        d->kind = VK_INT;
        VM_NEXT();
    }
    VM_BIN_I64(ADD_I32, VK_INT,
               (int64_t)(int32_t)(uint32_t)((uint64_t)l + (uint64_t)r))
    VM_BIN_I64(SUB_I32, VK_INT,
               (int64_t)(int32_t)(uint32_t)((uint64_t)l - (uint64_t)r))
    VM_BIN_I64(MUL_I32, VK_INT,
               (int64_t)(int32_t)(uint32_t)((uint64_t)l * (uint64_t)r))
    VM_CASE(WRAP_INT)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        int64_t v = va->u.i;
        d->u.i = ip->aux == 8    ? (int64_t)(int8_t)(uint8_t)v
                 : ip->aux == 16 ? (int64_t)(int16_t)(uint16_t)v
                                 : (int64_t)(int32_t)(uint32_t)v;
        d->is_null = nul;
        d->kind = VK_INT;
        VM_NEXT();
    }

    /* ---- doubles ---- */
    VM_BIN_F64(ADD_F64, l + r)
    VM_BIN_F64(SUB_F64, l - r)
    VM_BIN_F64(MUL_F64, l * r)
    VM_BIN_F64(DIV_F64, l / r)
    VM_BIN_F64(MOD_F64, fmod(l, r))
    VM_CASE(NEG_F64)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.f = -va->u.f;
        d->is_null = nul;
        d->kind = VK_DOUBLE;
        VM_NEXT();
    }
    VM_CASE(ROUND_F32)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.f = (double)(float)va->u.f;
        d->is_null = nul;
        d->kind = VK_DOUBLE;
        VM_NEXT();
    }

    /* ---- decimals ---- */
    VM_DEC_ARITH(ADD_DEC, dec_add)
    VM_DEC_ARITH(SUB_DEC, dec_sub)
    VM_DEC_ARITH(MUL_DEC, dec_mul)
    VM_DEC_ARITH(DIV_DEC, decimal_div)
    VM_DEC_ARITH(MOD_DEC, decimal_mod)
    VM_CASE(NEG_DEC)
    {
        const Value *va = RA;
        Value *d = RD;
        if (va->is_null) {
            d->is_null = true;
            d->kind = VK_DECIMAL;
        } else {
            value_set_dec(d, -value_get_dec(va));
        }
        VM_NEXT();
    }

    /* ---- comparisons ---- */
    VM_BIN_I64(EQ_I64, VK_BOOL, l == r)
    VM_BIN_I64(NE_I64, VK_BOOL, l != r)
    VM_BIN_I64(LT_I64, VK_BOOL, l < r)
    VM_BIN_I64(LE_I64, VK_BOOL, l <= r)
    VM_BIN_I64(GT_I64, VK_BOOL, l > r)
    VM_BIN_I64(GE_I64, VK_BOOL, l >= r)
    VM_CMP_F64(EQ_F64, l == r)
    VM_CMP_F64(NE_F64, l != r)
    VM_CMP_F64(LT_F64, l < r)
    VM_CMP_F64(LE_F64, l <= r)
    VM_CMP_F64(GT_F64, l > r)
    VM_CMP_F64(GE_F64, l >= r)
    VM_CMP_DEC(EQ_DEC, ==)
    VM_CMP_DEC(NE_DEC, !=)
    VM_CMP_DEC(LT_DEC, <)
    VM_CMP_DEC(LE_DEC, <=)
    VM_CMP_DEC(GT_DEC, >)
    VM_CMP_DEC(GE_DEC, >=)
    VM_CMP_STR(EQ_STR, vm_str_eq(va, vb))
    VM_CMP_STR(NE_STR, !vm_str_eq(va, vb))
    VM_CMP_STR(LT_STR, vm_str_cmp(va, vb) < 0)
    VM_CMP_STR(LE_STR, vm_str_cmp(va, vb) <= 0)
    VM_CMP_STR(GT_STR, vm_str_cmp(va, vb) > 0)
    VM_CMP_STR(GE_STR, vm_str_cmp(va, vb) >= 0)

    /* ---- fused compare and branch ---- */
#define VM_JNT(name, T, get, expr)                                             \
    VM_CASE(name)                                                              \
    {                                                                          \
        const Value *va = RA, *vb = RB;                                        \
        Value *d = RD;                                                         \
        bool nul = va->is_null | vb->is_null;                                  \
        T l = get(va), r = get(vb);                                            \
        bool t = !nul && (expr);                                               \
        d->u.i = t;                                                            \
        d->is_null = nul;                                                      \
        d->kind = VK_BOOL;                                                     \
        if (!t)                                                                \
            VM_JUMP(ip->aux);                                                  \
        VM_NEXT();                                                             \
    }
#define VM_GET_I64(v) ((v)->u.i)
#define VM_GET_DEC(v) value_get_dec(v)
    VM_JNT(JNT_EQ_I64, int64_t, VM_GET_I64, l == r)
    VM_JNT(JNT_NE_I64, int64_t, VM_GET_I64, l != r)
    VM_JNT(JNT_LT_I64, int64_t, VM_GET_I64, l < r)
    VM_JNT(JNT_LE_I64, int64_t, VM_GET_I64, l <= r)
    VM_JNT(JNT_GT_I64, int64_t, VM_GET_I64, l > r)
    VM_JNT(JNT_GE_I64, int64_t, VM_GET_I64, l >= r)
    VM_JNT(JNT_EQ_DEC, i128, VM_GET_DEC, l == r)
    VM_JNT(JNT_NE_DEC, i128, VM_GET_DEC, l != r)
    VM_JNT(JNT_LT_DEC, i128, VM_GET_DEC, l < r)
    VM_JNT(JNT_LE_DEC, i128, VM_GET_DEC, l <= r)
    VM_JNT(JNT_GT_DEC, i128, VM_GET_DEC, l > r)
    VM_JNT(JNT_GE_DEC, i128, VM_GET_DEC, l >= r)
#undef VM_GET_I64
#undef VM_GET_DEC
#undef VM_JNT
    VM_CASE(JNT_EQ_STR)
    VM_CASE(JNT_NE_STR)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        bool nul = va->is_null | vb->is_null;
        bool t = !nul && (vm_str_eq(va, vb) == (ip->op == OP_JNT_EQ_STR));
        d->u.i = t;
        d->is_null = nul;
        d->kind = VK_BOOL;
        if (!t)
            VM_JUMP(ip->aux);
        VM_NEXT();
    }

    VM_CASE(IS_DISTINCT)
    VM_CASE(IS_NOT_DISTINCT)
    {
        const Value *va = RA, *vb = RB;
        bool distinct;
        if (va->is_null || vb->is_null)
            distinct = va->is_null != vb->is_null;
        else
            distinct = !value_equal(va, vb, &c->types[ip->aux]);
        Value *d = RD;
        d->u.i = ip->op == OP_IS_DISTINCT ? distinct : !distinct;
        d->is_null = false;
        d->kind = VK_BOOL;
        VM_NEXT();
    }
    VM_CASE(GREATEST)
    VM_CASE(LEAST)
    {
        const RtType *t = &c->types[ip->aux];
        const Value *best = NULL;
        bool nul = false;
        for (uint32_t i = 0; i < ip->b; i++) {
            const Value *v = &regs[ip->a + i];
            if (v->is_null) {
                nul = true;
                break;
            }
            if (!best) {
                best = v;
                continue;
            }
            int cr = value_compare(v, best, t);
            if (ip->op == OP_GREATEST ? cr > 0 : cr < 0)
                best = v;
        }
        Value *d = RD;
        if (nul || !best) {
            d->is_null = true;
            d->kind = (uint8_t)t->kind;
        } else {
            *d = *best;
        }
        VM_NEXT();
    }

    /* ---- casts ---- */
    VM_CASE(CAST_I64_F64)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.f = (double)va->u.i;
        d->is_null = nul;
        d->kind = VK_DOUBLE;
        VM_NEXT();
    }
    VM_CASE(CAST_I64_DEC)
    {
        const Value *va = RA;
        Value *d = RD;
        i128 res;
        if (va->is_null ||
            decimal_from_i64(va->u.i, ints[ip->aux], ints[ip->aux + 1], &res) !=
                DEC_OK) {
            d->is_null = true;
            d->kind = VK_DECIMAL;
        } else {
            value_set_dec(d, res);
        }
        VM_NEXT();
    }
    VM_CASE(CAST_F64_I64)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.i = vm_double_to_int(va->u.f, ip->aux);
        d->is_null = nul;
        d->kind = VK_INT;
        VM_NEXT();
    }
    VM_CASE(CAST_F64_DEC)
    {
        const Value *va = RA;
        Value *d = RD;
        i128 res;
        if (va->is_null ||
            decimal_from_double(va->u.f, ints[ip->aux], ints[ip->aux + 1],
                                &res) != DEC_OK) {
            d->is_null = true;
            d->kind = VK_DECIMAL;
        } else {
            value_set_dec(d, res);
        }
        VM_NEXT();
    }
    VM_CASE(CAST_DEC_DEC)
    {
        const Value *va = RA;
        Value *d = RD;
        const int32_t *pa = ints + ip->aux;
        i128 res;
        if (va->is_null || decimal_rescale(value_get_dec(va), pa[0], pa[1],
                                           pa[2], &res) != DEC_OK) {
            d->is_null = true;
            d->kind = VK_DECIMAL;
        } else {
            value_set_dec(d, res);
        }
        VM_NEXT();
    }
    VM_CASE(CAST_DEC_F64)
    {
        const Value *va = RA;
        Value *d = RD;
        if (va->is_null) {
            d->is_null = true;
        } else {
            d->u.f = decimal_to_double(value_get_dec(va), ints[ip->aux]);
            d->is_null = false;
        }
        d->kind = VK_DOUBLE;
        VM_NEXT();
    }
    VM_CASE(CAST_DEC_I64)
    {
        const Value *va = RA;
        Value *d = RD;
        const int32_t *pa = ints + ip->aux;
        int64_t res;
        if (va->is_null ||
            decimal_to_i64(value_get_dec(va), pa[0], &res) != DEC_OK) {
            d->is_null = true;
        } else {
            d->u.i = pa[1] == 8    ? (int64_t)(int8_t)(uint8_t)res
                     : pa[1] == 16 ? (int64_t)(int16_t)(uint16_t)res
                     : pa[1] == 32 ? (int64_t)(int32_t)(uint32_t)res
                                   : res;
            d->is_null = false;
        }
        d->kind = VK_INT;
        VM_NEXT();
    }
    VM_CASE(CAST_DATE_TS)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.i = va->u.i * MS_PER_DAY;
        d->is_null = nul;
        d->kind = VK_TIMESTAMP;
        VM_NEXT();
    }
    VM_CASE(CAST_TS_DATE)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.i = time_floor_div(va->u.i, MS_PER_DAY);
        d->is_null = nul;
        d->kind = VK_DATE;
        VM_NEXT();
    }
    VM_CASE(CAST_LTZ_TS)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        int64_t v =
            nul ? 0 : tz_utc_to_local(x->tz ? x->tz : tz_utc(), va->u.i);
        d->u.i = v;
        d->is_null = nul;
        d->kind = VK_TIMESTAMP;
        VM_NEXT();
    }
    VM_CASE(CAST_TS_LTZ)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        int64_t v =
            nul ? 0 : tz_local_to_utc(x->tz ? x->tz : tz_utc(), va->u.i);
        d->u.i = v;
        d->is_null = nul;
        d->kind = VK_TIMESTAMP_LTZ;
        VM_NEXT();
    }
    VM_CASE(CAST)
    {
        const Value *va = RA;
        Value *d = RD;
        const VmCast *k = &c->casts[ip->aux];
        if (va->is_null) {
            d->is_null = true;
            d->kind = (uint8_t)k->to.kind;
            VM_NEXT();
        }
        Value tmp;
        if (!vm_cast_value(k, va, &tmp, x, ip->at))
            return false;
        *d = tmp;
        VM_NEXT();
    }

    /* ---- temporal arithmetic ---- */
    VM_CASE(ADD_MONTHS_TS)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        bool nul = va->is_null | vb->is_null;
        int64_t v = nul ? 0 : time_add_months(va->u.i, vb->u.i);
        d->u.i = v;
        d->is_null = nul;
        d->kind = VK_TIMESTAMP;
        VM_NEXT();
    }
    VM_CASE(ADD_MONTHS_DATE)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        bool nul = va->is_null | vb->is_null;
        int64_t v = nul ? 0 : time_date_add_months((int32_t)va->u.i, vb->u.i);
        d->u.i = v;
        d->is_null = nul;
        d->kind = VK_DATE;
        VM_NEXT();
    }
    VM_CASE(ADD_MONTHS_LTZ)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        bool nul = va->is_null | vb->is_null;
        int64_t v = 0;
        if (!nul) {
            const TimeZone *tz = x->tz ? x->tz : tz_utc();
            v = tz_local_to_utc(
                tz, time_add_months(tz_utc_to_local(tz, va->u.i), vb->u.i));
        }
        d->u.i = v;
        d->is_null = nul;
        d->kind = VK_TIMESTAMP_LTZ;
        VM_NEXT();
    }
    VM_CASE(ADD_MS_DATE)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        bool nul = va->is_null | vb->is_null;
        d->u.i = va->u.i + time_floor_div(vb->u.i, MS_PER_DAY);
        d->is_null = nul;
        d->kind = VK_DATE;
        VM_NEXT();
    }
    VM_CASE(ADD_MS_TIME)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        bool nul = va->is_null | vb->is_null;
        d->u.i = time_floor_mod(va->u.i + time_floor_mod(vb->u.i, MS_PER_DAY),
                                MS_PER_DAY);
        d->is_null = nul;
        d->kind = VK_TIME;
        VM_NEXT();
    }
    VM_CASE(EXTRACT)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.i = nul ? 0 : time_extract((RtTimeUnit)ip->aux, va->u.i);
        d->is_null = nul;
        d->kind = VK_INT;
        VM_NEXT();
    }
    VM_CASE(EXTRACT_DATE)
    {
        const Value *va = RA;
        Value *d = RD;
        bool nul = va->is_null;
        d->u.i =
            nul ? 0 : time_extract((RtTimeUnit)ip->aux, va->u.i * MS_PER_DAY);
        d->is_null = nul;
        d->kind = VK_INT;
        VM_NEXT();
    }

    /* ---- strings ---- */
    VM_CASE(CONCAT)
    {
        size_t n = 0;
        bool nul = false;
        for (uint32_t i = 0; i < ip->b; i++) {
            const Value *v = &regs[ip->a + i];
            nul |= v->is_null;
            n += v->u.s.len;
        }
        Value *d = RD;
        if (nul) {
            d->is_null = true;
            d->kind = VK_STRING;
            VM_NEXT();
        }
        char *p = n ? arena_alloc(x->a, n) : NULL;
        size_t o = 0;
        for (uint32_t i = 0; i < ip->b; i++) {
            const Value *v = &regs[ip->a + i];
            if (v->u.s.len)
                memcpy(p + o, v->u.s.ptr, v->u.s.len);
            o += v->u.s.len;
        }
        func_set_str(d, p ? p : "", n);
        VM_NEXT();
    }
    VM_CASE(LIKE)
    {
        const Value *va = RA;
        Value *d = RD;
        if (va->is_null) {
            d->is_null = true;
        } else {
            d->u.i = vm_like_eval(&c->likes[ip->aux], va);
            d->is_null = false;
        }
        d->kind = VK_BOOL;
        VM_NEXT();
    }
    VM_CASE(LIKE_DYN)
    {
        const Value *va = RA, *vb = RB;
        Value *d = RD;
        d->kind = VK_BOOL;
        int32_t esc = -1;
        bool nul = va->is_null | vb->is_null;
        if (ip->aux != VM_NO_REG) {
            const Value *ve = &regs[ip->aux];
            nul |= ve->is_null;
            if (!ve->is_null) {
                if (ve->u.s.len != 1) {
                    vm_error(x, ip->at,
                             "the ESCAPE of LIKE must be one "
                             "character, not '%.*s'",
                             (int)ve->u.s.len, ve->u.s.ptr);
                    return false;
                }
                esc = (unsigned char)ve->u.s.ptr[0];
            }
        }
        if (nul) {
            d->is_null = true;
            VM_NEXT();
        }
        int m = vm_like_match(va->u.s.ptr, va->u.s.len, vb->u.s.ptr,
                              vb->u.s.len, esc);
        if (m < 0) {
            vm_error(x, ip->at,
                     "invalid escape sequence in LIKE pattern "
                     "'%.*s'",
                     (int)vb->u.s.len, vb->u.s.ptr);
            return false;
        }
        d->u.i = m;
        d->is_null = false;
        VM_NEXT();
    }
    VM_CASE(IN_SET)
    {
        const Value *va = RA;
        Value *d = RD;
        const VmSet *s = &c->sets[ip->aux];
        d->kind = VK_BOOL;
        if (va->is_null) {
            d->is_null = true;
        } else if (vm_set_contains(s, va)) {
            d->u.i = 1;
            d->is_null = false;
        } else {
            d->u.i = 0;
            d->is_null = s->has_null;
        }
        VM_NEXT();
    }

    /* ---- functions ---- */
    VM_CASE(CALL)
    {
        const FuncSite *fs = &c->sites[ip->aux];
        Value res;
        res.kind = (uint8_t)fs->ret.kind;
        res.is_null = false;
        fs->fn(fs, &res, &regs[ip->a], x, regs);
        if (unlikely(x->has_err)) {
            if (!x->err_at.len)
                x->err_at = ip->at;
            return false;
        }
        regs[ip->dst] = res;
        VM_NEXT();
    }
    VM_CASE(CALL_STRICT)
    {
        const FuncSite *fs = &c->sites[ip->aux];
        const Value *args = &regs[ip->a];
        bool nul = false;
        for (uint32_t i = 0; i < ip->b; i++)
            nul |= args[i].is_null;
        Value res;
        res.kind = (uint8_t)fs->ret.kind;
        res.is_null = nul;
        if (!nul) {
            fs->fn(fs, &res, args, x, regs);
            if (unlikely(x->has_err)) {
                if (!x->err_at.len)
                    x->err_at = ip->at;
                return false;
            }
        }
        regs[ip->dst] = res;
        VM_NEXT();
    }

#if !VM_GOTO
default:
    break;
}
FSQL_ASSERT(!"bad opcode");
#endif
return false;

#undef VM_CASE
#undef VM_DISPATCH
#undef VM_NEXT
#undef VM_JUMP
#undef RA
#undef RB
#undef RD
#undef VM_BIN_I64
#undef VM_BIN_F64
#undef VM_CMP_F64
#undef VM_CMP_STR
#undef VM_CMP_DEC
#undef VM_DEC_ARITH
}
