/*
 * str.h - Str, a borrowed {ptr,len} view, and StrBuf, a growable byte buffer.
 *
 * A Str never owns its bytes; whoever built it says how long they live.
 * A StrBuf owns a heap buffer (xmalloc) that is always NUL-terminated.
 */
#ifndef FSQL_RUNTIME_STR_H
#define FSQL_RUNTIME_STR_H

#include "runtime/fsql.h"

#include <stdarg.h>

typedef struct Str {
    const char *ptr; /* borrowed; not NUL-terminated in general */
    size_t len;      /* bytes */
} Str;

#define STR_LIT(s) ((Str){(s), sizeof(s) - 1})
#define STR_NULL ((Str){NULL, 0})

Str str_from_cstr(const char *s);
bool str_eq(Str a, Str b);
bool str_eq_cstr(Str a, const char *s);
bool str_ieq(Str a, Str b); /* ASCII case-insensitive */
bool str_ieq_cstr(Str a, const char *s);
uint64_t str_hash(Str s);
uint64_t str_ihash(Str s); /* hash of the ASCII-lowercased bytes */
/* Whether an option key names a secret whose value is never shown
 * (password, secret, sasl.jaas.config, ssl.key*, token, credential; any
 * case, anywhere in the key).  The one rule for the compiler (DESCRIBE,
 * EXPLAIN, messages) and the runtime (logs). */
bool str_is_secret_key(Str key);

typedef struct StrBuf {
    char *ptr;  /* owned, NUL-terminated; NULL until the first append */
    size_t len; /* bytes, excluding the terminator */
    size_t cap; /* allocated bytes */
} StrBuf;

void strbuf_init(StrBuf *sb);
void strbuf_fini(StrBuf *sb);
void strbuf_clear(StrBuf *sb);
void strbuf_reserve(StrBuf *sb, size_t extra);
void strbuf_append(StrBuf *sb, const char *p, size_t n);
void strbuf_puts(StrBuf *sb, const char *s);
void strbuf_putc(StrBuf *sb, char c);
void strbuf_append_str(StrBuf *sb, Str s);
void strbuf_printf(StrBuf *sb, const char *fmt, ...) FSQL_PRINTF(2, 3);
void strbuf_vprintf(StrBuf *sb, const char *fmt, va_list ap);
const char *strbuf_cstr(StrBuf *sb); /* never NULL */

/* UTF-8 helpers. */
size_t utf8_count(const char *p, size_t n); /* code points in p[0..n) */
bool utf8_valid(const char *p, size_t n);

#endif
