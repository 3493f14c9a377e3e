/*
 * fsql.h - the base header every fsql C file includes first.
 *
 * It pulls in the fixed-width integer and boolean types, and defines the
 * handful of macros shared by the compiler and the runtime: assertions that
 * vanish in release builds, branch hints, and printf-format attributes.
 * It must stay free of anything heavier (no stdio, no project headers).
 */
#ifndef FSQL_RUNTIME_FSQL_H
#define FSQL_RUNTIME_FSQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FSQL_VERSION "0.1.0"

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define FSQL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define FSQL_NORETURN __attribute__((noreturn))
#define FSQL_UNUSED __attribute__((unused))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define FSQL_PRINTF(fmt, args)
#define FSQL_NORETURN
#define FSQL_UNUSED
#endif

#ifdef NDEBUG
#define FSQL_ASSERT(x) ((void)0)
#else
void fsql_assert_fail(const char *expr, const char *file, int line)
    FSQL_NORETURN;
#define FSQL_ASSERT(x) \
    ((x) ? (void)0 : fsql_assert_fail(#x, __FILE__, __LINE__))
#endif

#define FSQL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* SrcSpan: a byte range [off, off+len) in the one source buffer of a
 * compile.  Line and column are computed only when a diagnostic is
 * rendered (see compiler/diag.c). */
typedef struct SrcSpan {
    uint32_t off; /* byte offset from the start of the source */
    uint32_t len; /* length in bytes; 0 for a point */
} SrcSpan;

#endif
