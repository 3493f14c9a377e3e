/*
 * test_vm.c - unit tests of the expression VM below the compiler: the
 * CodeBuilder, both interpreter builds, three-valued logic, jumps, the
 * LIKE matcher, constant IN sets, column runs, function binding and the
 * disassembler/validator.
 */
#include "runtime/fsql.h"
#include "runtime/func.h"
#include "runtime/mem.h"
#include "runtime/value_ops.h"
#include "runtime/vm.h"
#include "tests/unit/unit.h"

#include <string.h>

static const SrcSpan none = {0, 0};

static RtType ty(ValueKind k, uint8_t sql_kind, int p, int s)
{
    RtType t = {k, sql_kind, p, s, true};
    return t;
}

static Value vint(int64_t i)
{
    Value v = value_null(VK_INT);
    v.is_null = false;
    v.u.i = i;
    return v;
}

static Value vbool(int b)
{
    Value v = value_null(VK_BOOL);
    if (b >= 0) {
        v.is_null = false;
        v.u.i = b;
    }
    return v;
}

static Value vstr(const char *s)
{
    Value v = value_null(VK_STRING);
    v.is_null = false;
    v.u.s.ptr = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

/* Evaluate with both builds; they must agree.  Returns the result. */
static Value run(const Code *c, const Value *row, Arena *a, bool *ok)
{
    Value *r1 = code_regs_new(a, c), *r2 = code_regs_new(a, c);
    VmCtx x, y;
    memset(&x, 0, sizeof(x));
    x.a = a;
    y = x;
    bool k1 = vm_eval(c, r1, row, &x);
    bool k2 = vm_eval_switch(c, r2, row, &y);
    UNIT_CHECK(k1 == k2);
    *ok = k1;
    Value v = r1[c->results[0]], w = r2[c->results[0]];
    UNIT_CHECK(v.is_null == w.is_null);
    if (!v.is_null && v.kind != VK_STRING)
        UNIT_CHECK(v.u.i == w.u.i);
    code_regs_fini(c, r1);
    code_regs_fini(c, r2);
    return v;
}

static void test_vm_arith(void)
{
    Arena a;
    arena_init(&a, 4096);
    CodeBuilder *b = code_builder_new(&a, &a);
    uint16_t c0 = code_builder_col(b, 0), c1 = code_builder_col(b, 1);
    uint16_t s = code_builder_reg(b);
    code_builder_emit(b, OP_ADD_I32, s, c0, c1, 0, none);
    RtType it = ty(VK_INT, RT_SQL_INT, -1, 0);
    code_builder_result(b, s, &it);
    Code *c = code_builder_finish(b);
    UNIT_CHECK(code_validate(c) == NULL);
    UNIT_EQ_INT(c->n_col_runs, 1); /* columns 0 and 1 in one run */
    Value row[2] = {vint(2147483647), vint(1)};
    bool ok;
    Value v = run(c, row, &a, &ok);
    UNIT_CHECK(ok && !v.is_null);
    UNIT_EQ_INT(v.u.i, -2147483648LL); /* wraps as Java's int */
    row[1] = value_null(VK_INT);
    v = run(c, row, &a, &ok);
    UNIT_CHECK(ok && v.is_null);
    arena_fini(&a);
}

static void test_vm_divzero(void)
{
    Arena a;
    arena_init(&a, 4096);
    CodeBuilder *b = code_builder_new(&a, &a);
    uint16_t c0 = code_builder_col(b, 0), c1 = code_builder_col(b, 1);
    SrcSpan at = {10, 5};
    uint16_t d = code_builder_reg(b);
    code_builder_emit(b, OP_DIV_I64, d, c0, c1, 0, at);
    RtType it = ty(VK_INT, RT_SQL_BIGINT, -1, 0);
    code_builder_result(b, d, &it);
    Code *c = code_builder_finish(b);
    Value row[2] = {vint(1), vint(0)};
    Value *regs = code_regs_new(&a, c);
    VmCtx x;
    memset(&x, 0, sizeof(x));
    x.a = &a;
    UNIT_CHECK(!vm_eval(c, regs, row, &x));
    UNIT_CHECK(x.has_err);
    UNIT_EQ_STR(x.err_msg, "division by zero");
    UNIT_EQ_INT(x.err_at.off, 10);
    /* NULL divisor: NULL, no error */
    row[1] = value_null(VK_INT);
    UNIT_CHECK(vm_eval(c, regs, row, &x));
    UNIT_CHECK(regs[c->results[0]].is_null);
    /* INT64_MIN / -1 wraps */
    row[0] = vint(INT64_MIN);
    row[1] = vint(-1);
    UNIT_CHECK(vm_eval(c, regs, row, &x));
    UNIT_CHECK(regs[c->results[0]].u.i == INT64_MIN);
    arena_fini(&a);
}

/* The 3VL truth tables of AND, OR, NOT over TRUE, FALSE, NULL. */
static void test_vm_logic(void)
{
    Arena a;
    arena_init(&a, 4096);
    CodeBuilder *b = code_builder_new(&a, &a);
    uint16_t c0 = code_builder_col(b, 0), c1 = code_builder_col(b, 1);
    uint16_t r_and = code_builder_reg(b), r_or = code_builder_reg(b);
    uint16_t r_not = code_builder_reg(b);
    code_builder_emit(b, OP_AND, r_and, c0, c1, 0, none);
    code_builder_emit(b, OP_OR, r_or, c0, c1, 0, none);
    code_builder_emit(b, OP_NOT, r_not, c0, 0, 0, none);
    RtType bt = ty(VK_BOOL, 1, -1, 0);
    code_builder_result(b, r_and, &bt);
    code_builder_result(b, r_or, &bt);
    code_builder_result(b, r_not, &bt);
    Code *c = code_builder_finish(b);
    /* -1 = NULL */
    static const int vals[3] = {1, 0, -1};
    static const int and_t[3][3] = {{1, 0, -1}, {0, 0, 0}, {-1, 0, -1}};
    static const int or_t[3][3] = {{1, 1, 1}, {1, 0, -1}, {1, -1, -1}};
    static const int not_t[3] = {0, 1, -1};
    Value *regs = code_regs_new(&a, c);
    VmCtx x;
    memset(&x, 0, sizeof(x));
    x.a = &a;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            Value row[2] = {vbool(vals[i]), vbool(vals[j])};
            UNIT_REQUIRE(vm_eval(c, regs, row, &x));
            const Value *va = &regs[c->results[0]], *vo = &regs[c->results[1]];
            const Value *vn = &regs[c->results[2]];
            UNIT_EQ_INT(va->is_null ? -1 : va->u.i, and_t[i][j]);
            UNIT_EQ_INT(vo->is_null ? -1 : vo->u.i, or_t[i][j]);
            UNIT_EQ_INT(vn->is_null ? -1 : vn->u.i, not_t[i]);
        }
    arena_fini(&a);
}

/* COALESCE-like jump chain and CALL of a bound function. */
static void test_vm_jumps_and_calls(void)
{
    Arena a;
    arena_init(&a, 4096);
    CodeBuilder *b = code_builder_new(&a, &a);
    RtType st = ty(VK_STRING, 10, 2147483647, 0);
    uint16_t c0 = code_builder_col(b, 0);
    Value dflt = vstr("default");
    uint16_t k = code_builder_const(b, &dflt, &st);
    uint16_t t = code_builder_reg(b);
    code_builder_emit(b, OP_MOVE, t, c0, 0, 0, none);
    uint32_t j = code_builder_emit(b, OP_JMP_IF_NOT_NULL, 0, t, 0, 0, none);
    code_builder_emit(b, OP_MOVE, t, k, 0, 0, none);
    code_builder_patch(b, j, code_builder_here(b));
    /* UPPER(t) */
    FuncSite fs;
    RtType want[1];
    UNIT_REQUIRE(func_bind("UPPER", 1, &st, &st, -1, &fs, want) == NULL);
    UNIT_CHECK(fs.is_strict);
    uint32_t site = code_builder_site(b, &fs);
    uint16_t arg = code_builder_reg(b);
    code_builder_emit(b, OP_MOVE, arg, t, 0, 0, none);
    uint16_t u = code_builder_reg(b);
    code_builder_emit(b, OP_CALL_STRICT, u, arg, 1, site, none);
    code_builder_result(b, u, &st);
    Code *c = code_builder_finish(b);
    bool ok;
    Value row[1] = {vstr("abc")};
    Value v = run(c, row, &a, &ok);
    UNIT_CHECK(ok && v.u.s.len == 3 && memcmp(v.u.s.ptr, "ABC", 3) == 0);
    row[0] = value_null(VK_STRING);
    v = run(c, row, &a, &ok);
    UNIT_CHECK(ok && v.u.s.len == 7 && memcmp(v.u.s.ptr, "DEFAULT", 7) == 0);
    /* an unknown function is reported, not crashed on */
    UNIT_CHECK(func_bind("NO_SUCH_FN", 1, &st, &st, -1, &fs, want) != NULL);
    arena_fini(&a);
}

static void test_vm_like(void)
{
    struct {
        const char *s, *p;
        int esc, want;
    } cases[] = {
        {"abc", "abc", -1, 1},
        {"abc", "a%", -1, 1},
        {"abc", "%c", -1, 1},
        {"abc", "%b%", -1, 1},
        {"abc", "a_c", -1, 1},
        {"abc", "a_", -1, 0},
        {"", "%", -1, 1},
        {"", "_", -1, 0},
        {"a%c", "a!%c", '!', 1},
        {"abc", "a!%c", '!', 0},
        {"a!c", "a!!c", '!', 1},
        {"abc", "a!c", '!', -1},
        {"mississippi", "%iss%ppi", -1, 1},
        {"mississippi", "m%s_s%i", -1, 1},
        {"\xc3\xa4x", "_x", -1, 1}, /* _ is one character, not one byte */
        {"aaa", "%a%a%a%", -1, 1},
        {"aa", "%a%a%a%", -1, 0},
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(cases); i++) {
        int got = vm_like_match(cases[i].s, strlen(cases[i].s), cases[i].p,
                                strlen(cases[i].p), cases[i].esc);
        if (got != cases[i].want)
            unit_fail(__FILE__, __LINE__, "'%s' LIKE '%s': got %d, want %d",
                      cases[i].s, cases[i].p, got, cases[i].want);
    }
    /* compiled constant patterns agree with the matcher */
    Arena a;
    arena_init(&a, 4096);
    for (size_t i = 0; i < FSQL_ARRAY_LEN(cases); i++) {
        if (cases[i].want < 0)
            continue;
        CodeBuilder *b = code_builder_new(&a, &a);
        uint16_t c0 = code_builder_col(b, 0);
        uint32_t k =
            code_builder_like(b, cases[i].p, strlen(cases[i].p), cases[i].esc);
        UNIT_REQUIRE(k != UINT32_MAX);
        uint16_t d = code_builder_reg(b);
        code_builder_emit(b, OP_LIKE, d, c0, 0, k, none);
        RtType bt = ty(VK_BOOL, 1, -1, 0);
        code_builder_result(b, d, &bt);
        Code *c = code_builder_finish(b);
        Value row[1] = {vstr(cases[i].s)};
        bool ok;
        Value v = run(c, row, &a, &ok);
        UNIT_CHECK(ok && !v.is_null);
        if (v.u.i != cases[i].want)
            unit_fail(__FILE__, __LINE__, "compiled '%s' LIKE '%s'", cases[i].s,
                      cases[i].p);
    }
    arena_fini(&a);
}

static void test_vm_in_set(void)
{
    Arena a;
    arena_init(&a, 4096);
    CodeBuilder *b = code_builder_new(&a, &a);
    RtType it = ty(VK_INT, RT_SQL_BIGINT, -1, 0);
    Value items[100];
    for (int i = 0; i < 100; i++)
        items[i] = vint(i * 3);
    uint16_t c0 = code_builder_col(b, 0);
    uint32_t s = code_builder_set(b, &it, items, 100, false);
    uint16_t d = code_builder_reg(b);
    code_builder_emit(b, OP_IN_SET, d, c0, 0, s, none);
    RtType bt = ty(VK_BOOL, 1, -1, 0);
    code_builder_result(b, d, &bt);
    Code *c = code_builder_finish(b);
    Value *regs = code_regs_new(&a, c);
    VmCtx x;
    memset(&x, 0, sizeof(x));
    x.a = &a;
    for (int i = -5; i < 310; i++) {
        Value row[1] = {vint(i)};
        UNIT_REQUIRE(vm_eval(c, regs, row, &x));
        bool want = i >= 0 && i % 3 == 0 && i < 300;
        UNIT_CHECK(regs[c->results[0]].u.i == want);
    }
    arena_fini(&a);
}

static void test_vm_disasm(void)
{
    Arena a;
    arena_init(&a, 4096);
    CodeBuilder *b = code_builder_new(&a, &a);
    uint16_t c0 = code_builder_col(b, 0);
    Value one = vint(1);
    RtType it = ty(VK_INT, RT_SQL_BIGINT, -1, 0);
    uint16_t k = code_builder_const(b, &one, &it);
    UNIT_EQ_INT(code_builder_const(b, &one, &it), k); /* shared */
    uint16_t d = code_builder_reg(b);
    code_builder_emit(b, OP_ADD_I64, d, c0, k, 0, none);
    code_builder_result(b, d, &it);
    Code *c = code_builder_finish(b);
    StrBuf sb;
    strbuf_init(&sb);
    code_disasm(c, &sb);
    UNIT_CHECK(strstr(strbuf_cstr(&sb), "ADD_I64") != NULL);
    UNIT_CHECK(strstr(strbuf_cstr(&sb), "r[2] = r[0] + r[1] (BIGINT)") != NULL);
    UNIT_CHECK(strstr(strbuf_cstr(&sb), "entry: r0 = row[0]") != NULL);
    UNIT_CHECK(strstr(strbuf_cstr(&sb), "K[0] = r1 = 1 : INT") != NULL);
    strbuf_clear(&sb);
    code_doc_markdown(&sb);
    UNIT_CHECK(strstr(strbuf_cstr(&sb), "| `CALL_STRICT` |") != NULL);
    strbuf_fini(&sb);
    UNIT_EQ_STR(vm_op_name(OP_HALT), "HALT");
    UNIT_CHECK(vm_op_flags(OP_JMP) & VMF_JUMP);
    arena_fini(&a);
}

static const UnitTest tests[] = {
    {"vm_arith", test_vm_arith},
    {"vm_divzero", test_vm_divzero},
    {"vm_logic", test_vm_logic},
    {"vm_jumps_and_calls", test_vm_jumps_and_calls},
    {"vm_like", test_vm_like},
    {"vm_in_set", test_vm_in_set},
    {"vm_disasm", test_vm_disasm},
    {NULL, NULL},
};

UNIT_REGISTER(tests)
