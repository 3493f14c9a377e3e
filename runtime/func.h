/*
 * func.h - the run-time implementations of built-in scalar functions and
 * their binding to argument types.
 *
 * Pipeline position: codegen finds a function call in a plan expression
 * and calls func_bind() with the function's name and the run-time types
 * of its arguments and result.  func_bind() picks the implementation for
 * those types (ABS of a BIGINT is not ABS of a DECIMAL), says which type
 * each argument must be converted to first (POWER takes two DOUBLEs), and
 * fills a FuncSite that the CALL/CALL_STRICT instruction refers to.  At
 * run time the interpreter calls site->fn with the argument registers.
 *
 * Conventions for implementations (FuncFn):
 *  - strict functions (site->is_strict) are never called with a NULL
 *    argument: the interpreter yields NULL first;
 *  - a string result is allocated from x->a (the batch arena) unless it is
 *    a view of an argument;
 *  - a bad argument value either gives NULL (as Flink's functions do) or
 *    fails the job through vm_error(x, site->at, ...) - each function's
 *    doc line in docs/functions.md says which;
 *  - per-instance state (a compiled regular expression) lives in the
 *    register regs[site->cache_reg], created on first use and freed by
 *    site->fini from code_regs_fini().
 *
 * Hashes (MD5, SHA1, SHA2 family) use GNU Nettle; regular expressions use
 * PCRE2 (closest to java.util.regex among Debian's libraries).
 */
#ifndef FSQL_RUNTIME_FUNC_H
#define FSQL_RUNTIME_FUNC_H

#include "runtime/fsql.h"
#include "runtime/value.h"
#include "runtime/vm.h"

typedef struct FuncSite FuncSite;

typedef void (*FuncFn)(const FuncSite *fs, Value *dst, const Value *args,
                       VmCtx *x, Value *regs);

struct FuncSite {
    FuncFn fn;
    void (*fini)(void *cache); /* frees regs[cache_reg]'s pointer */
    const char *name;          /* upper case, static */
    uint16_t n_args;
    bool is_strict;      /* NULL argument -> NULL without a call */
    bool has_cache;      /* wants a cache register */
    uint16_t cache_reg;  /* set by code_builder_site */
    int64_t iarg;        /* bind-time constant: time unit, bits, ... */
    RtType arg_types[8]; /* types of the first 8 arguments, after
                                  conversion (variadic functions take
                                  arguments of one type) */
    RtType ret;
    SrcSpan at;
};

/* Bind a call.  name: upper case; n args of types args[] (after the
 * compiler removed time-unit symbols: their unit is passed as iarg, -1
 * when none); ret: the result type the compiler derived.  On success fills
 * *fs (fn, flags, types; at is left to the caller) and want[i], the type
 * argument i must be converted to before the call (often args[i]), and
 * returns NULL; otherwise returns a static reason ("not supported at run
 * time").  want has room for n entries. */
const char *func_bind(const char *name, uint32_t n, const RtType *args,
                      const RtType *ret, int64_t iarg, FuncSite *fs,
                      RtType *want);

/* Whether name is a function fsql evaluates at run time. */
bool func_is_supported(const char *name);

/* The cache pointer stored in a register (NULL when empty). */
static inline void *func_cache_get(const Value *r)
{
    return (void *)(uintptr_t)r->u.s.ptr;
}
static inline void func_cache_set(Value *r, void *p)
{
    r->u.s.ptr = (const char *)p;
    r->is_null = p == NULL;
}

/* Helpers shared by the interpreter and the functions. */

/* Set dst to a string allocated from x->a (n bytes, uninitialised);
 * returns the buffer. */
char *func_str_alloc(Value *dst, VmCtx *x, size_t n);
/* Set dst to a view of (p, n). */
static inline void func_set_str(Value *dst, const char *p, size_t n)
{
    dst->kind = VK_STRING;
    dst->is_null = false;
    dst->u.s.ptr = p;
    dst->u.s.len = (uint32_t)n;
}
/* Text of v (type t) as CAST(v AS STRING) gives it, into x->a. */
void func_to_string(Value *dst, const Value *v, const RtType *t, VmCtx *x);

#endif
