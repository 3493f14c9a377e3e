/*
 * vm_int.h - private structures of the expression VM: compiled LIKE
 * patterns, constant IN sets and cast descriptors, plus the out-of-line
 * helpers the interpreter calls for rare or complex instructions.
 *
 * Only runtime/vm*.c and runtime/func*.c include this header; the
 * compiler builds these structures through the CodeBuilder in vm.h.
 */
#ifndef FSQL_RUNTIME_VM_INT_H
#define FSQL_RUNTIME_VM_INT_H

#include "runtime/fsql.h"
#include "runtime/func.h"
#include "runtime/value.h"
#include "runtime/vm.h"

/* A constant LIKE pattern, classified at build time so that the common
 * shapes need no backtracking matcher. */
typedef enum VmLikeKind {
    VLIKE_EXACT,    /* no wildcard: s = lit */
    VLIKE_PREFIX,   /* lit% */
    VLIKE_SUFFIX,   /* %lit */
    VLIKE_CONTAINS, /* %lit% */
    VLIKE_ANY,      /* % (matches any non-NULL string) */
    VLIKE_GENERAL   /* anything else: vm_like_match on the raw pattern */
} VmLikeKind;

typedef struct VmLike {
    VmLikeKind kind;
    const char *lit; /* unescaped literal part (Program arena) */
    uint32_t n_lit;
    const char *pat; /* raw pattern, for VLIKE_GENERAL (Program arena) */
    uint32_t n_pat;
    int32_t esc; /* escape code point, -1 for none */
} VmLike;

/* A constant IN list of more than a few items: open addressing over
 * value_hash/value_equal of the list's type. */
typedef struct VmSet {
    RtType type;
    uint32_t mask;      /* n_slots - 1 (power of two) */
    const Value *slots; /* empty slots have is_null set */
    bool has_null;      /* the list contains NULL: a miss is NULL */
} VmSet;

/* CAST by the out-of-line helper (types the specialised CAST_* opcodes do
 * not cover: strings, temporal precision, booleans, ...). */
typedef struct VmCast {
    RtType from;
    RtType to;
    bool is_try; /* TRY_CAST: NULL instead of an error */
} VmCast;

/* Convert v (not NULL) per the descriptor into *dst.  Returns false after
 * recording a run-time error (CAST of a bad string). */
bool vm_cast_value(const VmCast *k, const Value *v, Value *dst, VmCtx *x,
                   SrcSpan at);

bool vm_like_eval(const VmLike *l, const Value *s);
bool vm_set_contains(const VmSet *s, const Value *v);

/* String comparison: bytewise, shorter prefix first. */
static inline int vm_str_cmp(const Value *a, const Value *b)
{
    uint32_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int r = n ? __builtin_memcmp(a->u.s.ptr, b->u.s.ptr, n) : 0;
    if (r)
        return r;
    return (a->u.s.len > b->u.s.len) - (a->u.s.len < b->u.s.len);
}

static inline bool vm_str_eq(const Value *a, const Value *b)
{
    return a->u.s.len == b->u.s.len &&
           (a->u.s.len == 0 ||
            __builtin_memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
}

/* Debug tracing (FSQL_TRACE=vm). */
void vm_trace_instr(const Code *c, const Instr *ip, const Value *regs);

#endif
