/*
 * json_map.c - a JSON object into a MAP column (the json format's decoder
 * calls json_map_decode for a MAP column whose field holds an object).
 *
 * As Flink's json format: every member becomes an entry in member order;
 * the member name converts to the key type (text for STRING keys), the
 * member value to the value type as a top-level field would (BYTES from
 * base64 text, numbers from numbers or numeric text, BOOLEAN from
 * true/false); a nested object or array is its text for STRING values and
 * an error otherwise; null is a NULL value.  A repeated member keeps its
 * first position and its last value (map_build).
 *
 * The caller (json.c) has already checked the object's JSON syntax, so
 * this scanner trusts the grammar but still never reads outside [p, e).
 * Memory: the Values of the entries, unescaped strings and the block go to
 * the caller's arena (the batch arena); nothing else is allocated.
 */
#include "runtime/fsql.h"
#include "runtime/value_map.h"
#include "runtime/textconv.h"

#include <string.h>

static const char *ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int hexv(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static unsigned hex4(const char *p, const char *e)
{
    unsigned u = 0;
    for (int i = 0; i < 4; i++) {
        int h = p + i < e ? hexv(p[i]) : -1;
        if (h < 0)
            return 0xFFFD;
        u = u * 16 + (unsigned)h;
    }
    return u;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The JSON string at p (its opening quote): its text into *s / *n (a view
 * when it has no escapes, else unescaped into a).  Returns the position
 * after the closing quote, NULL when it does not end before e. */
static const char *str_at(const char *p, const char *e, Arena *a,
                          const char **s, size_t *n)
{
    const char *b = ++p;
    bool esc = false;
    while (p < e && *p != '"') {
        if (*p == '\\') {
            esc = true;
            p++;
        }
        p++;
    }
    if (p >= e)
        return NULL;
    if (!esc) {
        *s = b;
        *n = (size_t)(p - b);
        return p + 1;
    }
    char *o = arena_alloc(a, (size_t)(p - b) + 1);
    size_t k = 0;
    for (const char *q = b; q < p; q++) {
        if (*q != '\\') {
            o[k++] = *q;
            continue;
        }
        q++;
        switch (*q) {
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            unsigned cp = hex4(q + 1, p);
            q += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && q + 6 < p && q[1] == '\\' &&
                q[2] == 'u') {
                unsigned lo = hex4(q + 3, p);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000)
                cp = 0xFFFD; /* an unpaired surrogate */
            k += put_utf8(o + k, cp);
            break;
        }
        default:
            o[k++] = *q;
            break;
        }
    }
    *s = o;
    *n = k;
    return p + 1;
}

/* Skip the value at p (grammar already checked): the position after it. */
static const char *skip_val(const char *p, const char *e)
{
    if (p < e && *p == '"') {
        for (p++; p < e && *p != '"'; p++)
            if (*p == '\\')
                p++;
        return p < e ? p + 1 : e;
    }
    if (p < e && (*p == '{' || *p == '[')) {
        int depth = 0;
        for (; p < e; p++) {
            if (*p == '"') {
                p = skip_val(p, e) - 1;
            } else if (*p == '{' || *p == '[') {
                depth++;
            } else if (*p == '}' || *p == ']') {
                if (--depth == 0)
                    return p + 1;
            }
        }
        return e;
    }
    while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
           *p != '\t' && *p != '\n' && *p != '\r')
        p++;
    return p;
}

/* One member value at p into v of type t; *why on a conversion error.
 * Returns the position after the value. */
static const char *elem_at(const char *p, const char *e, const RtType *t,
                           Arena *a, const TimeZone *tz, Value *v,
                           const char **why)
{
    *v = value_null(t->kind);
    if (t->kind == VK_NULLTYPE)
        return skip_val(p, e);
    if (*p == 'n')
        return p + 4 <= e ? p + 4 : e;
    const char *s;
    size_t n;
    const char *q;
    if (*p == '"') {
        q = str_at(p, e, a, &s, &n);
        if (!q) {
            *why = "an unterminated string";
            return e;
        }
        if (t->kind == VK_STRING && !utf8_valid(s, n)) {
            *why = "invalid UTF-8 in a string";
            return q;
        }
    } else {
        q = skip_val(p, e);
        s = p;
        n = (size_t)(q - p);
        if ((*p == '{' || *p == '[') && t->kind != VK_STRING) {
            *why = "a nested object or array is not a scalar MAP value";
            return q;
        }
        if ((*p == 't' || *p == 'f') && t->kind != VK_STRING &&
            t->kind != VK_BOOL) {
            *why = "a boolean does not fit the MAP's value type";
            return q;
        }
    }
    if (n > UINT32_MAX) {
        *why = "a string longer than 4 GiB";
        return q;
    }
    if (t->kind == VK_STRING) {
        if (*p != '"' && !utf8_valid(s, n)) { /* nested JSON text */
            *why = "invalid UTF-8 in a string";
            return q;
        }
        v->kind = VK_STRING;
        v->is_null = false;
        v->u.s.ptr = s;
        v->u.s.len = (uint32_t)n;
        return q;
    }
    const char *w = textconv_value(t, s, n, a, tz, v);
    if (w)
        *why = w;
    return q;
}

const char *json_map_decode(const char *p, const char *e, const RtType *t,
                            Arena *a, const TimeZone *tz, Value *v)
{
    RtType kt = map_key_type(t), vt = map_value_type(t);
    /* count the members: one per key string at depth 1 */
    uint32_t n = 0;
    const char *q = ws(p + 1, e);
    while (q < e && *q == '"') {
        n++;
        q = skip_val(q, e);     /* the key */
        q = ws(q, e);
        q = ws(q + 1, e);       /* past ':' */
        q = ws(skip_val(q, e), e);
        if (q < e && *q == ',')
            q = ws(q + 1, e);
    }
    Value *kv = arena_alloc(a, sizeof(Value) * (2 * (size_t)n + 1));
    const char *why = NULL;
    q = ws(p + 1, e);
    for (uint32_t i = 0; i < n && !why; i++) {
        const char *s;
        size_t len;
        q = str_at(q, e, a, &s, &len);
        if (!q)
            return "an unterminated string";
        Value *k = &kv[2 * i];
        if (kt.kind == VK_STRING && !utf8_valid(s, len))
            return "invalid UTF-8 in a string";
        if (kt.kind == VK_STRING) {
            *k = value_null(VK_STRING);
            k->is_null = false;
            k->u.s.ptr = s;
            k->u.s.len = (uint32_t)len;
        } else {
            *k = value_null(kt.kind);
            const char *w = kt.kind == VK_NULLTYPE
                                ? NULL
                                : textconv_value(&kt, s, len, a, tz, k);
            if (w)
                return w;
        }
        q = ws(q, e);
        q = ws(q + 1, e);
        q = ws(elem_at(q, e, &vt, a, tz, &kv[2 * i + 1], &why), e);
        if (q < e && *q == ',')
            q = ws(q + 1, e);
    }
    if (why)
        return why;
    map_build(a, v, &kt, &vt, kv, n);
    return NULL;
}
