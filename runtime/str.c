/*
 * str.c - string views, growable buffers and small UTF-8 helpers.
 */
#include "runtime/fsql.h"
#include "runtime/str.h"
#include "runtime/mem.h"

#include <stdio.h>
#include <string.h>

Str str_from_cstr(const char *s)
{
    Str r = {s, s ? strlen(s) : 0};
    return r;
}

bool str_eq(Str a, Str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_eq_cstr(Str a, const char *s)
{
    return str_eq(a, str_from_cstr(s));
}

static inline unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool str_ieq(Str a, Str b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (lower((unsigned char)a.ptr[i]) != lower((unsigned char)b.ptr[i]))
            return false;
    return true;
}

bool str_ieq_cstr(Str a, const char *s)
{
    return str_ieq(a, str_from_cstr(s));
}

/* FNV-1a, 64 bit. */
uint64_t str_hash(Str s)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < s.len; i++) {
        h ^= (unsigned char)s.ptr[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t str_ihash(Str s)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < s.len; i++) {
        h ^= lower((unsigned char)s.ptr[i]);
        h *= 1099511628211ULL;
    }
    return h;
}

void strbuf_init(StrBuf *sb)
{
    sb->ptr = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void strbuf_fini(StrBuf *sb)
{
    xfree(sb->ptr);
    strbuf_init(sb);
}

void strbuf_clear(StrBuf *sb)
{
    sb->len = 0;
    if (sb->ptr)
        sb->ptr[0] = '\0';
}

void strbuf_reserve(StrBuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    sb->ptr = xrealloc(sb->ptr, cap);
    sb->cap = cap;
}

void strbuf_append(StrBuf *sb, const char *p, size_t n)
{
    strbuf_reserve(sb, n);
    if (n)
        memcpy(sb->ptr + sb->len, p, n);
    sb->len += n;
    sb->ptr[sb->len] = '\0';
}

void strbuf_puts(StrBuf *sb, const char *s)
{
    strbuf_append(sb, s, strlen(s));
}

void strbuf_putc(StrBuf *sb, char c)
{
    strbuf_append(sb, &c, 1);
}

void strbuf_append_str(StrBuf *sb, Str s)
{
    strbuf_append(sb, s.ptr, s.len);
}

void strbuf_vprintf(StrBuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0)
        return;
    strbuf_reserve(sb, (size_t)n);
    vsnprintf(sb->ptr + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_printf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

const char *strbuf_cstr(StrBuf *sb)
{
    return sb->ptr ? sb->ptr : "";
}

size_t utf8_count(const char *p, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            count++;
    return count;
}

bool utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + k >= n)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

/* Case-insensitive substring test on a Str. */
static bool str_contains_ci(Str hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n > hay.len)
        return false;
    for (size_t i = 0; i + n <= hay.len; i++)
        if (str_ieq((Str){hay.ptr + i, n}, (Str){needle, n}))
            return true;
    return false;
}

bool str_is_secret_key(Str key)
{
    static const char *const parts[] = {"password", "secret",
                                        "sasl.jaas.config", "ssl.key",
                                        "token", "credential"};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(parts); i++)
        if (str_contains_ci(key, parts[i]))
            return true;
    return false;
}
