/*
 * vm.c - the expression VM: opcode tables, the CodeBuilder the compiler
 * uses, the interpreter (computed goto under GCC/Clang, a switch
 * otherwise; both built from vm_loop.h), and the out-of-line helpers for
 * LIKE, constant IN sets and generic CASTs, plus the disassembler.
 *
 * Pipeline position: codegen (compiler/codegen_expr.c) builds a Code into
 * the Program arena; operators call vm_eval() once per row with their own
 * register file.  The Code is never modified after code_builder_finish().
 *
 * Memory: the builder grows its arrays in the scratch (compile) arena and
 * copies the finished tables into the out (Program) arena.  At run time
 * the only allocations are string results, from VmCtx.a (the batch
 * arena), and per-instance caches of functions (compiled regular
 * expressions), which code_regs_fini() frees.
 */
#include "runtime/fsql.h"
#include "runtime/vm.h"
#include "runtime/decimal.h"
#include "runtime/func.h"
#include "runtime/textconv.h"
#include "runtime/value_ops.h"
#include "runtime/vm_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- opcode tables ------------------------------------------------------ */

static const char *const op_names[] = {
#define OP(name, operands, flags, synopsis) #name,
#include "runtime/opcodes.def"
#undef OP
};
static const char *const op_operands[] = {
#define OP(name, operands, flags, synopsis) operands,
#include "runtime/opcodes.def"
#undef OP
};
static const unsigned op_flags[] = {
#define OP(name, operands, flags, synopsis) flags,
#include "runtime/opcodes.def"
#undef OP
};
static const char *const op_synopses[] = {
#define OP(name, operands, flags, synopsis) synopsis,
#include "runtime/opcodes.def"
#undef OP
};

const char *vm_op_name(VmOp op)
{
    return (unsigned)op < OP__COUNT ? op_names[op] : "?";
}
const char *vm_op_synopsis(VmOp op)
{
    return (unsigned)op < OP__COUNT ? op_synopses[op] : "";
}
const char *vm_op_operands(VmOp op)
{
    return (unsigned)op < OP__COUNT ? op_operands[op] : "";
}
unsigned vm_op_flags(VmOp op)
{
    return (unsigned)op < OP__COUNT ? op_flags[op] : 0;
}

/* ---- errors ------------------------------------------------------------- */

void vm_error(VmCtx *x, SrcSpan at, const char *fmt, ...)
{
    if (x->has_err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err_msg, sizeof(x->err_msg), fmt, ap);
    va_end(ap);
    x->has_err = true;
    x->err_at = at;
}

/* ---- builder ------------------------------------------------------------ */

struct CodeBuilder {
    Arena *scratch; /* growing arrays */
    Arena *out;     /* finished Code and its tables */
    Instr *ins;
    uint32_t n_ins, cap_ins;
    Value *consts;
    RtType *ctypes;
    uint16_t *cregs;
    uint32_t n_consts, cap_consts, cap_ctypes, cap_cregs;
    int32_t *ints;
    uint32_t n_ints, cap_ints;
    RtType *types;
    uint32_t n_types, cap_types;
    FuncSite *sites;
    uint32_t n_sites, cap_sites;
    VmCast *casts;
    uint32_t n_casts, cap_casts;
    VmLike *likes;
    uint32_t n_likes, cap_likes;
    VmSet *sets;
    uint32_t n_sets, cap_sets;
    uint16_t *results;
    RtType *rtypes;
    uint32_t n_results, cap_results, cap_rtypes;
    VmColRun *runs; /* column copies, in request order */
    uint32_t n_runs, cap_runs;
    uint16_t *cache_regs;
    uint32_t *cache_site; /* site index per cache register */
    uint32_t n_cache, cap_cache, cap_cache_site;
    uint32_t n_regs;
};

static void *grow(Arena *a, void *p, uint32_t n, uint32_t *cap, size_t elem)
{
    if (n < *cap)
        return p;
    uint32_t nc = *cap ? *cap * 2 : 8;
    void *np = arena_alloc(a, elem * nc);
    if (n)
        memcpy(np, p, elem * n);
    *cap = nc;
    return np;
}

#define GROW(b, arr, n, cap)                                                   \
    ((arr) = grow((b)->scratch, (arr), (n), &(cap), sizeof(*(arr))))

CodeBuilder *code_builder_new(Arena *scratch, Arena *out)
{
    CodeBuilder *b = ARENA_NEW(scratch, CodeBuilder);
    b->scratch = scratch;
    b->out = out;
    return b;
}

uint16_t code_builder_reg(CodeBuilder *b)
{
    FSQL_ASSERT(b->n_regs < VM_NO_REG);
    return (uint16_t)b->n_regs++;
}

static bool rttype_same(const RtType *x, const RtType *y)
{
    return x->kind == y->kind && x->sql_kind == y->sql_kind &&
           x->precision == y->precision && x->scale == y->scale;
}

uint16_t code_builder_col(CodeBuilder *b, uint32_t col)
{
    for (uint32_t i = 0; i < b->n_runs; i++)
        if (col >= b->runs[i].col &&
            col < (uint32_t)b->runs[i].col + b->runs[i].n)
            return (uint16_t)(b->runs[i].reg + (col - b->runs[i].col));
    uint16_t r = code_builder_reg(b);
    if (b->n_runs) {
        VmColRun *last = &b->runs[b->n_runs - 1];
        if ((uint32_t)last->reg + last->n == r &&
            (uint32_t)last->col + last->n == col) {
            last->n++;
            return r;
        }
    }
    GROW(b, b->runs, b->n_runs, b->cap_runs);
    b->runs[b->n_runs].reg = r;
    b->runs[b->n_runs].col = (uint16_t)col;
    b->runs[b->n_runs++].n = 1;
    return r;
}

bool code_builder_const_value(const CodeBuilder *b, uint16_t reg, Value *v,
                              RtType *t)
{
    for (uint32_t i = 0; i < b->n_consts; i++)
        if (b->cregs[i] == reg) {
            *v = b->consts[i];
            *t = b->ctypes[i];
            return true;
        }
    return false;
}

uint16_t code_builder_const(CodeBuilder *b, const Value *v, const RtType *t)
{
    for (uint32_t i = 0; i < b->n_consts; i++) {
        const Value *c = &b->consts[i];
        if (!rttype_same(&b->ctypes[i], t) || c->is_null != v->is_null)
            continue;
        if (v->is_null || value_equal(c, v, t))
            return b->cregs[i];
    }
    GROW(b, b->consts, b->n_consts, b->cap_consts);
    GROW(b, b->ctypes, b->n_consts, b->cap_ctypes);
    GROW(b, b->cregs, b->n_consts, b->cap_cregs);
    Value *c = &b->consts[b->n_consts];
    if (v->is_null) {
        *c = value_null(t->kind);
    } else {
        value_copy_to(b->out, c, v);
        c->kind = (uint8_t)t->kind;
    }
    b->ctypes[b->n_consts] = *t;
    uint16_t r = code_builder_reg(b);
    b->cregs[b->n_consts++] = r;
    return r;
}

uint32_t code_builder_emit(CodeBuilder *b, VmOp op, uint16_t dst, uint16_t a,
                           uint16_t bb, uint32_t aux, SrcSpan at)
{
    GROW(b, b->ins, b->n_ins, b->cap_ins);
    Instr *i = &b->ins[b->n_ins];
    i->op = (uint16_t)op;
    i->dst = dst;
    i->a = a;
    i->b = bb;
    i->aux = aux;
    i->at = at;
    return b->n_ins++;
}

uint32_t code_builder_here(const CodeBuilder *b)
{
    return b->n_ins;
}

void code_builder_patch(CodeBuilder *b, uint32_t i, uint32_t target)
{
    FSQL_ASSERT(i < b->n_ins && (op_flags[b->ins[i].op] & VMF_JUMP));
    b->ins[i].aux = target;
}

uint32_t code_builder_ints(CodeBuilder *b, const int32_t *v, uint32_t n)
{
    /* Reuse an identical run (DECIMAL scales repeat a lot). */
    for (uint32_t i = 0; i + n <= b->n_ints; i++)
        if (memcmp(b->ints + i, v, sizeof(int32_t) * n) == 0)
            return i;
    uint32_t at = b->n_ints;
    for (uint32_t i = 0; i < n; i++) {
        GROW(b, b->ints, b->n_ints, b->cap_ints);
        b->ints[b->n_ints++] = v[i];
    }
    return at;
}

uint32_t code_builder_type(CodeBuilder *b, const RtType *t)
{
    for (uint32_t i = 0; i < b->n_types; i++)
        if (rttype_same(&b->types[i], t))
            return i;
    GROW(b, b->types, b->n_types, b->cap_types);
    b->types[b->n_types] = *t;
    return b->n_types++;
}

uint32_t code_builder_cast(CodeBuilder *b, const RtType *from, const RtType *to,
                           bool is_try)
{
    GROW(b, b->casts, b->n_casts, b->cap_casts);
    VmCast *k = &b->casts[b->n_casts];
    k->from = *from;
    k->to = *to;
    k->is_try = is_try;
    return b->n_casts++;
}

uint32_t code_builder_site(CodeBuilder *b, const FuncSite *fs)
{
    GROW(b, b->sites, b->n_sites, b->cap_sites);
    FuncSite *s = &b->sites[b->n_sites];
    *s = *fs;
    if (fs->has_cache) {
        s->cache_reg = code_builder_reg(b);
        GROW(b, b->cache_regs, b->n_cache, b->cap_cache);
        GROW(b, b->cache_site, b->n_cache, b->cap_cache_site);
        b->cache_regs[b->n_cache] = s->cache_reg;
        b->cache_site[b->n_cache++] = b->n_sites;
    } else {
        s->cache_reg = VM_NO_REG;
    }
    return b->n_sites++;
}

/* Encode code point cp as UTF-8 into buf (4 bytes); returns the length. */
static size_t utf8_put(char *buf, uint32_t cp)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the UTF-8 sequence starting with byte c (1 for stray bytes). */
static inline size_t utf8_len(unsigned char c)
{
    if (c < 0xC0)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* LIKE pattern tokens. */
enum { LT_END, LT_LIT, LT_PCT, LT_ONE, LT_BAD };

/* Read the token at p[*i]: a literal's bytes go to *lit / *ln. */
static int like_token(const char *p, size_t pn, size_t *i, const char *esc,
                      size_t en, const char **lit, size_t *ln)
{
    if (*i >= pn)
        return LT_END;
    if (en && *i + en <= pn && memcmp(p + *i, esc, en) == 0) {
        size_t j = *i + en;
        if (j < pn && (p[j] == '%' || p[j] == '_')) {
            *lit = p + j;
            *ln = 1;
            *i = j + 1;
            return LT_LIT;
        }
        if (j + en <= pn && memcmp(p + j, esc, en) == 0) {
            *lit = p + j;
            *ln = en;
            *i = j + en;
            return LT_LIT;
        }
        return LT_BAD;
    }
    char ch = p[*i];
    if (ch == '%') {
        (*i)++;
        return LT_PCT;
    }
    if (ch == '_') {
        (*i)++;
        return LT_ONE;
    }
    *lit = p + *i;
    *ln = 1;
    (*i)++;
    return LT_LIT;
}

int vm_like_match(const char *s, size_t sn, const char *p, size_t pn,
                  int32_t esc)
{
    char eb[4];
    size_t en = esc >= 0 ? utf8_put(eb, (uint32_t)esc) : 0;
    /* Validate first so that a bad pattern fails the same way for every
     * input. */
    for (size_t i = 0;;) {
        const char *lit;
        size_t ln;
        int t = like_token(p, pn, &i, eb, en, &lit, &ln);
        if (t == LT_BAD)
            return -1;
        if (t == LT_END)
            break;
    }
    size_t si = 0, pi = 0;
    size_t star_pi = SIZE_MAX, star_si = 0;
    while (si < sn) {
        size_t npi = pi;
        const char *lit = NULL;
        size_t ln = 0;
        int t = like_token(p, pn, &npi, eb, en, &lit, &ln);
        if (t == LT_PCT) {
            star_pi = npi;
            star_si = si;
            pi = npi;
            continue;
        }
        if (t == LT_ONE) {
            si += utf8_len((unsigned char)s[si]);
            if (si > sn)
                si = sn;
            pi = npi;
            continue;
        }
        if (t == LT_LIT && si + ln <= sn && memcmp(s + si, lit, ln) == 0) {
            si += ln;
            pi = npi;
            continue;
        }
        if (star_pi == SIZE_MAX)
            return 0;
        star_si += utf8_len((unsigned char)s[star_si]);
        if (star_si > sn)
            return 0;
        si = star_si;
        pi = star_pi;
    }
    for (;;) {
        size_t npi = pi;
        const char *lit;
        size_t ln;
        int t = like_token(p, pn, &npi, eb, en, &lit, &ln);
        if (t == LT_END)
            return 1;
        if (t != LT_PCT)
            return 0;
        pi = npi;
    }
}

uint32_t code_builder_like(CodeBuilder *b, const char *pat, size_t n,
                           int32_t escape)
{
    char eb[4];
    size_t en = escape >= 0 ? utf8_put(eb, (uint32_t)escape) : 0;
    /* Classify: literal runs and wildcards. */
    char *lit = arena_alloc(b->out, n + 1);
    size_t nl = 0;
    bool lead = false, trail = false, mid_wild = false, seen_lit = false;
    for (size_t i = 0;;) {
        const char *l;
        size_t ln;
        int t = like_token(pat, n, &i, eb, en, &l, &ln);
        if (t == LT_BAD)
            return UINT32_MAX;
        if (t == LT_END)
            break;
        if (t == LT_ONE) {
            mid_wild = true;
        } else if (t == LT_PCT) {
            if (!seen_lit)
                lead = true;
            else
                trail = true;
        } else {
            if (trail)
                mid_wild = true; /* literal after an inner % */
            seen_lit = true;
            memcpy(lit + nl, l, ln);
            nl += ln;
        }
    }
    GROW(b, b->likes, b->n_likes, b->cap_likes);
    VmLike *k = &b->likes[b->n_likes];
    k->lit = lit;
    k->n_lit = (uint32_t)nl;
    k->pat = arena_strndup(b->out, pat, n);
    k->n_pat = (uint32_t)n;
    k->esc = escape;
    if (mid_wild)
        k->kind = VLIKE_GENERAL;
    else if (!seen_lit)
        k->kind = lead ? VLIKE_ANY : VLIKE_EXACT;
    else if (lead && trail)
        k->kind = VLIKE_CONTAINS;
    else if (lead)
        k->kind = VLIKE_SUFFIX;
    else if (trail)
        k->kind = VLIKE_PREFIX;
    else
        k->kind = VLIKE_EXACT;
    return b->n_likes++;
}

bool vm_like_eval(const VmLike *l, const Value *s)
{
    const char *p = s->u.s.ptr;
    size_t n = s->u.s.len;
    switch (l->kind) {
    case VLIKE_EXACT:
        return n == l->n_lit && (n == 0 || memcmp(p, l->lit, n) == 0);
    case VLIKE_PREFIX:
        return n >= l->n_lit && memcmp(p, l->lit, l->n_lit) == 0;
    case VLIKE_SUFFIX:
        return n >= l->n_lit && memcmp(p + n - l->n_lit, l->lit, l->n_lit) == 0;
    case VLIKE_CONTAINS:
        return l->n_lit == 0 ||
               (n >= l->n_lit && memmem(p, n, l->lit, l->n_lit) != NULL);
    case VLIKE_ANY:
        return true;
    case VLIKE_GENERAL:
        break;
    }
    return vm_like_match(p, n, l->pat, l->n_pat, l->esc) == 1;
}

uint32_t code_builder_set(CodeBuilder *b, const RtType *t, const Value *items,
                          uint32_t n, bool has_null)
{
    uint32_t ns = 16;
    while (ns < n * 2)
        ns *= 2;
    Value *slots = ARENA_NEW_ARRAY(b->out, Value, ns);
    for (uint32_t i = 0; i < ns; i++)
        slots[i] = value_null(t->kind);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t h = (uint32_t)value_hash(&items[i], t) & (ns - 1);
        while (!slots[h].is_null) {
            if (value_equal(&slots[h], &items[i], t))
                break;
            h = (h + 1) & (ns - 1);
        }
        if (slots[h].is_null)
            value_copy_to(b->out, &slots[h], &items[i]);
    }
    GROW(b, b->sets, b->n_sets, b->cap_sets);
    VmSet *s = &b->sets[b->n_sets];
    s->type = *t;
    s->mask = ns - 1;
    s->slots = slots;
    s->has_null = has_null;
    return b->n_sets++;
}

bool vm_set_contains(const VmSet *s, const Value *v)
{
    uint32_t h = (uint32_t)value_hash(v, &s->type) & s->mask;
    for (;;) {
        const Value *e = &s->slots[h];
        if (e->is_null)
            return false;
        if (value_equal(e, v, &s->type))
            return true;
        h = (h + 1) & s->mask;
    }
}

void code_builder_result(CodeBuilder *b, uint16_t reg, const RtType *t)
{
    GROW(b, b->results, b->n_results, b->cap_results);
    GROW(b, b->rtypes, b->n_results, b->cap_rtypes);
    b->results[b->n_results] = reg;
    b->rtypes[b->n_results++] = *t;
}

uint32_t code_builder_n_results(const CodeBuilder *b)
{
    return b->n_results;
}

#define COPY_OUT(b, T, src, n)                                                 \
    ((n) ? (T *)memcpy(arena_alloc((b)->out, sizeof(T) * (n)), (src),          \
                       sizeof(T) * (n))                                        \
         : NULL)

/* The fused form of compare op (OP__COUNT: none).  DECIMAL compares fuse
 * only at equal scales (their aux, the scales, gives way to the target). */
static VmOp fused_jnt(const CodeBuilder *b, const Instr *in)
{
    static const struct {
        VmOp cmp, jnt;
    } map[] = {
        {OP_EQ_I64, OP_JNT_EQ_I64}, {OP_NE_I64, OP_JNT_NE_I64},
        {OP_LT_I64, OP_JNT_LT_I64}, {OP_LE_I64, OP_JNT_LE_I64},
        {OP_GT_I64, OP_JNT_GT_I64}, {OP_GE_I64, OP_JNT_GE_I64},
        {OP_EQ_DEC, OP_JNT_EQ_DEC}, {OP_NE_DEC, OP_JNT_NE_DEC},
        {OP_LT_DEC, OP_JNT_LT_DEC}, {OP_LE_DEC, OP_JNT_LE_DEC},
        {OP_GT_DEC, OP_JNT_GT_DEC}, {OP_GE_DEC, OP_JNT_GE_DEC},
        {OP_EQ_STR, OP_JNT_EQ_STR}, {OP_NE_STR, OP_JNT_NE_STR},
    };
    for (size_t k = 0; k < FSQL_ARRAY_LEN(map); k++) {
        if (in->op != map[k].cmp)
            continue;
        if (in->op >= OP_EQ_DEC && in->op <= OP_GE_DEC &&
            (in->aux + 1 >= b->n_ints ||
             b->ints[in->aux] != b->ints[in->aux + 1]))
            return OP__COUNT;
        return map[k].jnt;
    }
    return OP__COUNT;
}

/* Peephole pass before the Code is copied out: a compare whose result is
 * tested at once by JMP_IF_NOT_TRUE (CASE WHEN, a Calc's condition)
 * becomes one fused instruction, and the jump is removed when no jump
 * lands on it.  Jump targets are remapped; nothing else refers to
 * instruction indexes. */
static void fuse_jumps(CodeBuilder *b)
{
    uint32_t n = b->n_ins;
    if (n < 3)
        return;
    bool *target = arena_zalloc(b->scratch, n + 1);
    for (uint32_t i = 0; i < n; i++)
        if ((op_flags[b->ins[i].op] & VMF_JUMP) && b->ins[i].aux <= n)
            target[b->ins[i].aux] = true;
    uint32_t *map = arena_alloc(b->scratch, sizeof(uint32_t) * (n + 1));
    bool *drop = arena_zalloc(b->scratch, n + 1);
    bool any = false;
    for (uint32_t i = 0; i + 1 < n; i++) {
        Instr *in = &b->ins[i], *j = &b->ins[i + 1];
        if (j->op != OP_JMP_IF_NOT_TRUE || j->a != in->dst || target[i + 1])
            continue;
        VmOp f = fused_jnt(b, in);
        if (f == OP__COUNT)
            continue;
        in->op = (uint16_t)f;
        in->aux = j->aux;
        drop[i + 1] = true;
        any = true;
        i++;
    }
    if (!any)
        return;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        map[i] = k;
        if (!drop[i])
            k++;
    }
    map[n] = k;
    k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (drop[i])
            continue;
        Instr in = b->ins[i];
        if ((op_flags[in.op] & VMF_JUMP) && in.aux <= n)
            in.aux = map[in.aux];
        b->ins[k++] = in;
    }
    b->n_ins = k;
}

Code *code_builder_finish(CodeBuilder *b)
{
    SrcSpan none = {0, 0};
    code_builder_emit(b, OP_HALT, 0, 0, 0, 0, none);
    fuse_jumps(b);
    Code *c = ARENA_NEW(b->out, Code);
    c->n_instrs = b->n_ins;
    c->instrs = COPY_OUT(b, Instr, b->ins, b->n_ins);
    c->n_regs = b->n_regs ? b->n_regs : 1;
    c->n_results = b->n_results;
    c->results = COPY_OUT(b, uint16_t, b->results, b->n_results);
    c->result_types = COPY_OUT(b, RtType, b->rtypes, b->n_results);
    c->n_consts = b->n_consts;
    c->consts = COPY_OUT(b, Value, b->consts, b->n_consts);
    c->const_types = COPY_OUT(b, RtType, b->ctypes, b->n_consts);
    c->const_regs = COPY_OUT(b, uint16_t, b->cregs, b->n_consts);
    c->n_ints = b->n_ints;
    c->ints = COPY_OUT(b, int32_t, b->ints, b->n_ints);
    c->n_types = b->n_types;
    c->types = COPY_OUT(b, RtType, b->types, b->n_types);
    c->n_sites = b->n_sites;
    FuncSite *sites = COPY_OUT(b, FuncSite, b->sites, b->n_sites);
    c->sites = sites;
    c->n_casts = b->n_casts;
    c->casts = COPY_OUT(b, VmCast, b->casts, b->n_casts);
    c->n_likes = b->n_likes;
    c->likes = COPY_OUT(b, VmLike, b->likes, b->n_likes);
    c->n_sets = b->n_sets;
    c->sets = COPY_OUT(b, VmSet, b->sets, b->n_sets);
    c->n_col_runs = b->n_runs;
    c->col_runs = COPY_OUT(b, VmColRun, b->runs, b->n_runs);
    c->n_cache_regs = b->n_cache;
    c->cache_regs = COPY_OUT(b, uint16_t, b->cache_regs, b->n_cache);
    if (b->n_cache) {
        const FuncSite **cs =
            arena_alloc(b->out, sizeof(FuncSite *) * b->n_cache);
        for (uint32_t i = 0; i < b->n_cache; i++)
            cs[i] = &sites[b->cache_site[i]];
        c->cache_sites = (const FuncSite *const *)cs;
    }
    /* Fast-path data: which results are plain columns or constants, and
     * whether the program computes nothing. */
    int32_t *rc = arena_alloc(b->out, sizeof(int32_t) * (b->n_results + 1));
    int32_t *rk = arena_alloc(b->out, sizeof(int32_t) * (b->n_results + 1));
    uint32_t max_col = 0;
    for (uint32_t i = 0; i < b->n_runs; i++)
        if ((uint32_t)b->runs[i].col + b->runs[i].n > max_col)
            max_col = (uint32_t)b->runs[i].col + b->runs[i].n;
    for (uint32_t i = 0; i + 1 < b->n_ins; i++)
        if (b->ins[i].op == OP_LOADCOL && (uint32_t)b->ins[i].a + 1 > max_col)
            max_col = (uint32_t)b->ins[i].a + 1;
    for (uint32_t r = 0; r < b->n_results; r++) {
        rc[r] = -1;
        rk[r] = -1;
        uint16_t reg = b->results[r];
        for (uint32_t k = 0; k < b->n_consts; k++)
            if (b->cregs[k] == reg)
                rk[r] = (int32_t)k;
        for (uint32_t i = 0; i < b->n_runs; i++)
            if (reg >= b->runs[i].reg &&
                reg < (uint32_t)b->runs[i].reg + b->runs[i].n)
                rc[r] = (int32_t)(b->runs[i].col + (reg - b->runs[i].reg));
    }
    c->result_cols = rc;
    c->result_consts = rk;
    c->is_trivial = b->n_ins == 1;
    c->n_cols_used = max_col;
    FSQL_ASSERT(code_validate(c) == NULL);
    return c;
}

/* ---- register files ----------------------------------------------------- */

void code_regs_init(const Code *c, Value *regs)
{
    for (uint32_t i = 0; i < c->n_regs; i++)
        regs[i] = value_null(VK_NULLTYPE);
    for (uint32_t k = 0; k < c->n_consts; k++)
        regs[c->const_regs[k]] = c->consts[k];
    for (uint32_t i = 0; i < c->n_cache_regs; i++)
        func_cache_set(&regs[c->cache_regs[i]], NULL);
}

Value *code_regs_new(Arena *a, const Code *c)
{
    Value *regs = arena_alloc(a, sizeof(Value) * c->n_regs);
    code_regs_init(c, regs);
    return regs;
}

void code_regs_fini(const Code *c, Value *regs)
{
    for (uint32_t i = 0; i < c->n_cache_regs; i++) {
        Value *r = &regs[c->cache_regs[i]];
        void *p = func_cache_get(r);
        const FuncSite *fs = c->cache_sites[i];
        if (p && fs->fini)
            fs->fini(p);
        func_cache_set(r, NULL);
    }
}

/* ---- out-of-line CAST ----------------------------------------------------- */

static bool is_int_kind(ValueKind k)
{
    return k == VK_INT;
}
static bool is_num_kind(ValueKind k)
{
    return k == VK_INT || k == VK_DOUBLE || k == VK_DECIMAL || k == VK_BOOL;
}
static bool is_dt_kind(ValueKind k)
{
    return k == VK_DATE || k == VK_TIMESTAMP || k == VK_TIMESTAMP_LTZ ||
           k == VK_TIME;
}

bool vm_cast_supported(const RtType *from, const RtType *to)
{
    ValueKind f = from->kind, t = to->kind;
    if (f == VK_NULLTYPE || f == t)
        return true;
    if (t == VK_STRING || f == VK_STRING)
        return true;
    if (is_num_kind(f) && is_num_kind(t))
        return true;
    if (is_dt_kind(f) && is_dt_kind(t))
        return !(f == VK_TIME && t == VK_DATE) &&
               !(f == VK_DATE && t == VK_TIME);
    if (f == VK_BYTES && t == VK_BYTES)
        return true;
    if ((f == VK_INTERVAL_MS || f == VK_INTERVAL_MONTHS) && t == VK_INT)
        return true;
    if (f == VK_INT && (t == VK_INTERVAL_MS || t == VK_INTERVAL_MONTHS))
        return true;
    if (is_int_kind(f) && t == VK_TIMESTAMP_LTZ)
        return true;
    return false;
}

static int int_bits(const RtType *t)
{
    switch (t->sql_kind) {
    case RT_SQL_TINYINT:
        return 8;
    case RT_SQL_SMALLINT:
        return 16;
    case RT_SQL_INT:
        return 32;
    default:
        return 64;
    }
}

static int64_t wrap_bits(int64_t v, int bits)
{
    switch (bits) {
    case 8:
        return (int8_t)(uint8_t)v;
    case 16:
        return (int16_t)(uint16_t)v;
    case 32:
        return (int32_t)(uint32_t)v;
    default:
        return v;
    }
}

/* Java's (long)d / (int)d: NaN -> 0, saturating; narrower types go
 * through int and wrap. */
static inline int64_t vm_double_to_int(double d, unsigned bits)
{
    if (d != d)
        return 0;
    if (bits == 64) {
        if (d >= 9223372036854775807.0)
            return INT64_MAX;
        if (d <= -9223372036854775808.0)
            return INT64_MIN;
        return (int64_t)d;
    }
    int64_t v;
    if (d >= 2147483647.0)
        v = INT32_MAX;
    else if (d <= -2147483648.0)
        v = INT32_MIN;
    else
        v = (int64_t)d;
    return wrap_bits(v, (int)bits);
}

/* Truncate/pad a string result to CHAR(n) / VARCHAR(n) (Flink 1.15+). */
static void fit_length(Value *v, const RtType *to, VmCtx *x)
{
    if (to->kind != VK_STRING || to->precision <= 0 ||
        to->precision >= 2147483647)
        return;
    size_t n = v->u.s.len, i = 0, cps = 0;
    const char *p = v->u.s.ptr;
    while (i < n && cps < (size_t)to->precision) {
        i += utf8_len((unsigned char)p[i]);
        cps++;
    }
    if (i > n)
        i = n;
    if (i < n) {
        v->u.s.len = (uint32_t)i;
        return;
    }
    if (to->sql_kind == RT_SQL_CHAR && cps < (size_t)to->precision) {
        size_t pad = (size_t)to->precision - cps;
        char *q = arena_alloc(x->a, n + pad);
        memcpy(q, p, n);
        memset(q + n, ' ', pad);
        func_set_str(v, q, n + pad);
    }
}

static int64_t trunc_ms(int64_t ms, int32_t precision)
{
    if (precision < 0 || precision >= 3)
        return ms;
    int64_t unit = precision == 0 ? 1000 : precision == 1 ? 100 : 10;
    return ms - time_floor_mod(ms, unit);
}

/* Numeric value as DOUBLE. */
static double num_to_double(const Value *v, const RtType *t)
{
    switch (t->kind) {
    case VK_DOUBLE:
        return v->u.f;
    case VK_DECIMAL:
        return decimal_to_double(value_get_dec(v), t->scale);
    default:
        return (double)v->u.i;
    }
}

bool vm_cast_value(const VmCast *k, const Value *v, Value *dst, VmCtx *x,
                   SrcSpan at)
{
    const RtType *f = &k->from, *t = &k->to;
    Value r;
    r.kind = (uint8_t)t->kind;
    r.is_null = false;
    r.u.d.lo = 0;
    r.u.d.hi = 0;
    if (t->kind == VK_STRING) {
        if (f->kind == VK_STRING) {
            r = *v;
        } else if (f->kind == VK_BYTES && f->sql_kind != RT_SQL_MAP &&
                   !utf8_valid(v->u.s.ptr, v->u.s.len)) {
            /* Flink: invalid UTF-8 decodes to U+FFFD */
            StrBuf sb;
            strbuf_init(&sb);
            value_append_utf8_lenient(&sb, v->u.s.ptr, v->u.s.len);
            char *p = func_str_alloc(&r, x, sb.len);
            memcpy(p, sb.ptr, sb.len);
            strbuf_fini(&sb);
        } else {
            func_to_string(&r, v, f, x);
        }
        fit_length(&r, t, x);
        *dst = r;
        return true;
    }
    if (f->kind == VK_STRING && t->kind == VK_BYTES) {
        /* Flink's CAST(STRING AS BYTES): the UTF-8 bytes */
        *dst = *v;
        dst->kind = VK_BYTES;
        return true;
    }
    if (f->kind == VK_STRING || (f->kind == VK_BYTES && t->kind != VK_BYTES)) {
        const char *why =
            textconv_value(t, v->u.s.ptr, v->u.s.len, x->a, x->tz, &r);
        if (why) {
            if (k->is_try) {
                *dst = value_null(t->kind);
                return true;
            }
            vm_error(x, at, "cannot cast '%.*s' to %s: %s",
                     (int)(v->u.s.len > 60 ? 60 : v->u.s.len), v->u.s.ptr,
                     t->kind == VK_INT             ? "an integer"
                     : t->kind == VK_DECIMAL       ? "DECIMAL"
                     : t->kind == VK_DOUBLE        ? "DOUBLE"
                     : t->kind == VK_BOOL          ? "BOOLEAN"
                     : t->kind == VK_DATE          ? "DATE"
                     : t->kind == VK_TIME          ? "TIME"
                     : t->kind == VK_TIMESTAMP     ? "TIMESTAMP"
                     : t->kind == VK_TIMESTAMP_LTZ ? "TIMESTAMP_LTZ"
                                                   : "the target type",
                     why);
            return false;
        }
        if (t->kind == VK_TIMESTAMP || t->kind == VK_TIMESTAMP_LTZ)
            r.u.i = trunc_ms(r.u.i, t->precision);
        *dst = r;
        return true;
    }
    if (f->kind == VK_BYTES && t->kind == VK_BYTES) {
        *dst = *v;
        return true;
    }
    bool null_out = false;
    switch (t->kind) {
    case VK_BOOL:
        if (f->kind == VK_DECIMAL)
            r.u.i = value_get_dec(v) != 0;
        else if (f->kind == VK_DOUBLE)
            r.u.i = v->u.f != 0;
        else
            r.u.i = v->u.i != 0;
        break;
    case VK_INT: {
        int bits = int_bits(t);
        if (f->kind == VK_DOUBLE) {
            r.u.i = vm_double_to_int(v->u.f, (unsigned)bits);
        } else if (f->kind == VK_DECIMAL) {
            int64_t q;
            if (decimal_to_i64(value_get_dec(v), f->scale, &q) != DEC_OK)
                null_out = true;
            else
                r.u.i = wrap_bits(q, bits);
        } else {
            r.u.i = wrap_bits(v->u.i, bits);
        }
        break;
    }
    case VK_DOUBLE: {
        double d = num_to_double(v, f);
        if (t->sql_kind == RT_SQL_FLOAT)
            d = (double)(float)d;
        r.u.f = d;
        break;
    }
    case VK_DECIMAL: {
        i128 q = 0;
        DecStatus st;
        if (f->kind == VK_DECIMAL)
            st = decimal_rescale(value_get_dec(v), f->scale, t->precision,
                                 t->scale, &q);
        else if (f->kind == VK_DOUBLE)
            st = decimal_from_double(v->u.f, t->precision, t->scale, &q);
        else
            st = decimal_from_i64(v->u.i, t->precision, t->scale, &q);
        if (st != DEC_OK)
            null_out = true;
        else
            value_set_dec(&r, q);
        break;
    }
    case VK_DATE:
        if (f->kind == VK_DATE)
            r.u.i = v->u.i;
        else if (f->kind == VK_TIMESTAMP)
            r.u.i = time_floor_div(v->u.i, MS_PER_DAY);
        else
            r.u.i = time_floor_div(
                tz_utc_to_local(x->tz ? x->tz : tz_utc(), v->u.i), MS_PER_DAY);
        break;
    case VK_TIME:
        if (f->kind == VK_TIME)
            r.u.i = v->u.i;
        else if (f->kind == VK_TIMESTAMP)
            r.u.i = time_floor_mod(v->u.i, MS_PER_DAY);
        else
            r.u.i = time_floor_mod(
                tz_utc_to_local(x->tz ? x->tz : tz_utc(), v->u.i), MS_PER_DAY);
        if (t->precision >= 0 && t->precision < 3)
            r.u.i = trunc_ms(r.u.i, t->precision);
        break;
    case VK_TIMESTAMP:
        if (f->kind == VK_DATE)
            r.u.i = v->u.i * MS_PER_DAY;
        else if (f->kind == VK_TIMESTAMP_LTZ)
            r.u.i = tz_utc_to_local(x->tz ? x->tz : tz_utc(), v->u.i);
        else if (f->kind == VK_TIME)
            r.u.i = v->u.i; /* 1970-01-01 at that time */
        else
            r.u.i = v->u.i;
        r.u.i = trunc_ms(r.u.i, t->precision);
        break;
    case VK_TIMESTAMP_LTZ:
        if (f->kind == VK_DATE)
            r.u.i =
                tz_local_to_utc(x->tz ? x->tz : tz_utc(), v->u.i * MS_PER_DAY);
        else if (f->kind == VK_TIMESTAMP || f->kind == VK_TIME)
            r.u.i = tz_local_to_utc(x->tz ? x->tz : tz_utc(), v->u.i);
        else if (f->kind == VK_INT)
            r.u.i = v->u.i * 1000; /* epoch seconds, as Flink */
        else
            r.u.i = v->u.i;
        r.u.i = trunc_ms(r.u.i, t->precision);
        break;
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
    default:
        r.u.i = v->u.i;
        break;
    }
    if (null_out)
        r = value_null(t->kind);
    *dst = r;
    return true;
}

/* ---- interpreter ------------------------------------------------------------ */

static bool vm_trace_on = false;
static bool vm_trace_checked = false;

static void trace_check(void)
{
    const char *e = getenv("FSQL_TRACE");
    vm_trace_on = e && strstr(e, "vm") != NULL;
    vm_trace_checked = true;
}

/* DECIMAL comparison across scales without decimal.c's 256-bit path:
 * operands below 2^63 in magnitude rescaled by at most 10^18. */
static const int64_t vm_pow10_i64[19] = {1LL,
                                         10LL,
                                         100LL,
                                         1000LL,
                                         10000LL,
                                         100000LL,
                                         1000000LL,
                                         10000000LL,
                                         100000000LL,
                                         1000000000LL,
                                         10000000000LL,
                                         100000000000LL,
                                         1000000000000LL,
                                         10000000000000LL,
                                         100000000000000LL,
                                         1000000000000000LL,
                                         10000000000000000LL,
                                         100000000000000000LL,
                                         1000000000000000000LL};

static inline bool vm_dec_small(i128 v)
{
    return v > -(i128)INT64_MAX && v < (i128)INT64_MAX;
}

/* decimal_fits() without the call for results below 10^18. */
static inline bool vm_dec_fits(i128 r, int p)
{
    if (p < 1) /* decimal_fits() clamps the precision */
        return decimal_fits(r, p);
    if (p <= 18)
        return r > -(i128)vm_pow10_i64[p] && r < (i128)vm_pow10_i64[p];
    if (r > -(i128)vm_pow10_i64[18] && r < (i128)vm_pow10_i64[18])
        return true;
    return decimal_fits(r, p);
}

/* DECIMAL fast paths: operands already at the result scale (or whose
 * product is), with the exact result in range; otherwise decimal.c. */
static inline DecStatus dec_add(i128 a, int as, i128 b, int bs, int p, int s,
                                i128 *out)
{
    i128 r;
    if (as == s && bs == s && !__builtin_add_overflow(a, b, &r)) {
        if (!vm_dec_fits(r, p))
            return DEC_OVERFLOW;
        *out = r;
        return DEC_OK;
    }
    return decimal_add(a, as, b, bs, p, s, out);
}

static inline DecStatus dec_sub(i128 a, int as, i128 b, int bs, int p, int s,
                                i128 *out)
{
    i128 r;
    if (as == s && bs == s && !__builtin_sub_overflow(a, b, &r)) {
        if (!vm_dec_fits(r, p))
            return DEC_OVERFLOW;
        *out = r;
        return DEC_OK;
    }
    return decimal_sub(a, as, b, bs, p, s, out);
}

static inline DecStatus dec_mul(i128 a, int as, i128 b, int bs, int p, int s,
                                i128 *out)
{
    i128 r;
    if (as + bs == s && vm_dec_small(a) && vm_dec_small(b)) {
        r = a * b; /* below 2^126: no overflow */
        if (!vm_dec_fits(r, p))
            return DEC_OVERFLOW;
        *out = r;
        return DEC_OK;
    }
    if (as + bs == s && !__builtin_mul_overflow(a, b, &r)) {
        if (!vm_dec_fits(r, p))
            return DEC_OVERFLOW;
        *out = r;
        return DEC_OK;
    }
    return decimal_mul(a, as, b, bs, p, s, out);
}

#if defined(__GNUC__) && !defined(FSQL_VM_NO_GOTO)
#define VM_HAVE_GOTO 1
#else
#define VM_HAVE_GOTO 0
#endif

#if VM_HAVE_GOTO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#define VM_FN vm_run_goto
#define VM_GOTO 1
#define VM_TRACE 0
#include "runtime/vm_loop.h"
#undef VM_FN
#undef VM_GOTO
#undef VM_TRACE
#pragma GCC diagnostic pop
#endif

#define VM_FN vm_run_switch
#define VM_GOTO 0
#define VM_TRACE 0
#include "runtime/vm_loop.h"
#undef VM_FN
#undef VM_GOTO
#undef VM_TRACE

#ifndef NDEBUG
#define VM_FN vm_run_trace
#define VM_GOTO 0
#define VM_TRACE 1
#include "runtime/vm_loop.h"
#undef VM_FN
#undef VM_GOTO
#undef VM_TRACE
#endif

bool vm_eval(const Code *c, Value *regs, const Value *row, VmCtx *x)
{
    x->has_err = false;
    for (uint32_t i = 0; i < c->n_col_runs; i++) {
        const VmColRun *r = &c->col_runs[i];
        if (r->n == 1) { /* short runs: no memcpy call */
            regs[r->reg] = row[r->col];
        } else if (r->n == 2) {
            regs[r->reg] = row[r->col];
            regs[r->reg + 1] = row[r->col + 1];
        } else {
            memcpy(&regs[r->reg], &row[r->col], sizeof(Value) * r->n);
        }
    }
    if (c->is_trivial)
        return true;
#ifndef NDEBUG
    if (unlikely(!vm_trace_checked))
        trace_check();
    if (unlikely(vm_trace_on)) {
        fprintf(stderr, "vm: eval (%u instructions)\n", c->n_instrs);
        return vm_run_trace(c, regs, row, x);
    }
#endif
#if VM_HAVE_GOTO
    return vm_run_goto(c, regs, row, x);
#else
    return vm_run_switch(c, regs, row, x);
#endif
}

bool vm_eval_switch(const Code *c, Value *regs, const Value *row, VmCtx *x)
{
    x->has_err = false;
    for (uint32_t i = 0; i < c->n_col_runs; i++) {
        const VmColRun *r = &c->col_runs[i];
        memcpy(&regs[r->reg], &row[r->col], sizeof(Value) * r->n);
    }
    return vm_run_switch(c, regs, row, x);
}

bool vm_eval_into(const Code *c, Value *regs, const Value *row, Value *out,
                  VmCtx *x)
{
    if (!vm_eval(c, regs, row, x))
        return false;
    for (uint32_t i = 0; i < c->n_results; i++)
        out[i] = regs[c->results[i]];
    return true;
}

bool vm_eval_filter(const Code *c, Value *regs, const Value *row, bool *keep,
                    VmCtx *x)
{
    if (!vm_eval(c, regs, row, x))
        return false;
    const Value *r = &regs[c->results[0]];
    *keep = !r->is_null && r->u.i;
    return true;
}

/* ---- tracing and disassembly ------------------------------------------------ */

static void put_reg_value(StrBuf *sb, const Value *v)
{
    if (v->is_null) {
        strbuf_puts(sb, "NULL");
        return;
    }
    switch ((ValueKind)v->kind) {
    case VK_BOOL:
        strbuf_puts(sb, v->u.i ? "TRUE" : "FALSE");
        break;
    case VK_DOUBLE:
        value_format_double(sb, v->u.f);
        break;
    case VK_DECIMAL:
        strbuf_puts(sb, "dec:");
        decimal_append(sb, value_get_dec(v), 0);
        break;
    case VK_STRING:
    case VK_BYTES:
        strbuf_putc(sb, '\'');
        strbuf_append(sb, v->u.s.ptr, v->u.s.len > 40 ? 40 : v->u.s.len);
        strbuf_puts(sb, v->u.s.len > 40 ? "...'" : "'");
        break;
    case VK_NULLTYPE:
        strbuf_puts(sb, "?");
        break;
    default:
        value_format_i64(sb, v->u.i);
        break;
    }
}

void vm_trace_instr(const Code *c, const Instr *ip, const Value *regs)
{
    StrBuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "vm: %4u %-16s", (unsigned)(ip - c->instrs),
                  op_names[ip->op]);
    const char *ops = op_operands[ip->op];
    if (strchr(ops, 'a')) {
        strbuf_printf(&sb, " r%u=", ip->a);
        put_reg_value(&sb, &regs[ip->a]);
    }
    if (strchr(ops, 'b')) {
        strbuf_printf(&sb, " r%u=", ip->b);
        put_reg_value(&sb, &regs[ip->b]);
    }
    strbuf_putc(&sb, '\n');
    fputs(strbuf_cstr(&sb), stderr);
    strbuf_fini(&sb);
}

static void put_synopsis(StrBuf *out, const Instr *in)
{
    for (const char *s = op_synopses[in->op]; *s; s++) {
        if (*s == '$' && s[1]) {
            switch (s[1]) {
            case 'd':
                strbuf_printf(out, "%u", in->dst);
                s++;
                continue;
            case 'a':
                strbuf_printf(out, "%u", in->a);
                s++;
                continue;
            case 'b':
                strbuf_printf(out, "%u", in->b);
                s++;
                continue;
            case 'x':
                strbuf_printf(out, "%u", in->aux);
                s++;
                continue;
            default:
                break;
            }
        }
        strbuf_putc(out, *s);
    }
}

static void put_type(StrBuf *out, const RtType *t)
{
    static const char *const kn[] = {
        "NULL",           "BOOLEAN",   "INT",           "DOUBLE",
        "DECIMAL",        "STRING",    "BYTES",         "DATE",
        "TIME",           "TIMESTAMP", "TIMESTAMP_LTZ", "INTERVAL_MS",
        "INTERVAL_MONTHS"};
    strbuf_puts(out,
                (unsigned)t->kind < FSQL_ARRAY_LEN(kn) ? kn[t->kind] : "?");
    if (t->kind == VK_DECIMAL)
        strbuf_printf(out, "(%d, %d)", t->precision, t->scale);
}

void code_disasm(const Code *c, StrBuf *out)
{
    for (uint32_t i = 0; i < c->n_col_runs; i++) {
        const VmColRun *r = &c->col_runs[i];
        if (r->n == 1)
            strbuf_printf(out, "   entry: r%u = row[%u]\n", r->reg, r->col);
        else
            strbuf_printf(out, "   entry: r%u..r%u = row[%u..%u]\n", r->reg,
                          r->reg + r->n - 1, r->col, r->col + r->n - 1);
    }
    for (uint32_t i = 0; i < c->n_instrs; i++) {
        const Instr *in = &c->instrs[i];
        strbuf_printf(out, "%4u  %-16s %5u %5u %5u %5u  ; ", i,
                      op_names[in->op], in->dst, in->a, in->b, in->aux);
        put_synopsis(out, in);
        if (in->op == OP_CALL || in->op == OP_CALL_STRICT)
            strbuf_printf(out, " [%s]", c->sites[in->aux].name);
        strbuf_putc(out, '\n');
    }
    for (uint32_t k = 0; k < c->n_consts; k++) {
        strbuf_printf(out, "   K[%u] = r%u = ", k, c->const_regs[k]);
        value_format(out, &c->consts[k], &c->const_types[k], NULL);
        strbuf_puts(out, " : ");
        put_type(out, &c->const_types[k]);
        strbuf_putc(out, '\n');
    }
    for (uint32_t r = 0; r < c->n_results; r++) {
        strbuf_printf(out, "   result %u = r%u : ", r, c->results[r]);
        put_type(out, &c->result_types[r]);
        strbuf_putc(out, '\n');
    }
}

void code_doc_markdown(StrBuf *out)
{
    strbuf_puts(out, "# Expression VM opcodes\n\n"
                     "<!-- generated from runtime/opcodes.def by "
                     "code_doc_markdown(); do not edit -->\n\n"
                     "Each instruction is `op dst a b aux` (see runtime/vm.h). "
                     "Operand letters: d destination register, a/b source "
                     "registers, c input column, n register count, k constant, "
                     "j jump target, i int parameters, f function call site, "
                     "t type, x cast descriptor, p LIKE pattern, s IN set, "
                     "u time unit, w bit width, e escape register. Flags: J "
                     "jump, E may raise a run-time error, S strict (NULL in, "
                     "NULL out).\n\n"
                     "| Opcode | Operands | Flags | Synopsis |\n"
                     "|---|---|---|---|\n");
    for (unsigned i = 0; i < OP__COUNT; i++) {
        strbuf_printf(out, "| `%s` | %s | %s%s%s | ", op_names[i],
                      op_operands[i][0] ? op_operands[i] : "-",
                      op_flags[i] & VMF_JUMP ? "J" : "",
                      op_flags[i] & VMF_ERR ? "E" : "",
                      op_flags[i] & VMF_STRICT ? "S" : "");
        for (const char *s = op_synopses[i]; *s; s++) {
            if (*s == '$')
                continue;
            if (*s == '|')
                strbuf_puts(out, "\\|");
            else
                strbuf_putc(out, *s);
        }
        strbuf_puts(out, " |\n");
    }
}

const char *code_validate(const Code *c)
{
    if (!c->n_instrs || c->instrs[c->n_instrs - 1].op != OP_HALT)
        return "the program does not end with HALT";
    for (uint32_t i = 0; i < c->n_instrs; i++) {
        const Instr *in = &c->instrs[i];
        if (in->op >= OP__COUNT)
            return "unknown opcode";
        const char *ops = op_operands[in->op];
        for (const char *o = ops; *o; o++) {
            switch (*o) {
            case 'd':
                if (in->dst >= c->n_regs)
                    return "destination register out of range";
                break;
            case 'a':
                if (in->a >= c->n_regs)
                    return "operand a out of range";
                break;
            case 'b':
                if (in->b >= c->n_regs)
                    return "operand b out of range";
                break;
            case 'n':
                if ((uint32_t)in->a + in->b > c->n_regs)
                    return "argument registers out of range";
                break;
            case 'k':
                if (in->aux >= c->n_consts)
                    return "constant index out of range";
                break;
            case 'j':
                if (in->aux >= c->n_instrs)
                    return "jump target out of range";
                break;
            case 'i':
                if (in->aux >= c->n_ints)
                    return "parameter index out of range";
                break;
            case 'f':
                if (in->aux >= c->n_sites)
                    return "call site out of range";
                break;
            case 't':
                if (in->aux >= c->n_types)
                    return "type index out of range";
                break;
            case 'x':
                if (in->aux >= c->n_casts)
                    return "cast index out of range";
                break;
            case 'p':
                if (in->aux >= c->n_likes)
                    return "pattern index out of range";
                break;
            case 's':
                if (in->aux >= c->n_sets)
                    return "set index out of range";
                break;
            case 'e':
                if (in->aux != VM_NO_REG && in->aux >= c->n_regs)
                    return "escape register out of range";
                break;
            default:
                break;
            }
        }
    }
    for (uint32_t r = 0; r < c->n_results; r++)
        if (c->results[r] >= c->n_regs)
            return "result register out of range";
    for (uint32_t i = 0; i < c->n_col_runs; i++)
        if ((uint32_t)c->col_runs[i].reg + c->col_runs[i].n > c->n_regs)
            return "column registers out of range";
    return NULL;
}
