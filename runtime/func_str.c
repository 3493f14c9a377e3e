/*
 * func_str.c - string functions of the expression VM: substrings, case,
 * trimming, padding, searching, splitting, regular expressions (PCRE2),
 * hashes (GNU Nettle) and base64.
 *
 * Every function follows the FuncFn conventions of func.h: strict ones
 * never see NULL, results are views of arguments or are allocated from
 * the batch arena x->a, and lengths and positions count characters (UTF-8
 * code points), as Java's String does for the BMP.
 *
 * A compiled regular expression is cached per call site and operator
 * instance in the site's cache register (FuncRegex), keyed by the pattern
 * text, so a constant pattern is compiled once.
 */
#include "runtime/fsql.h"
#include "runtime/func_int.h"
#include "runtime/textconv.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <nettle/base64.h>
#include <nettle/md5.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 helpers ------------------------------------------------------ */

static inline size_t u8len(unsigned char c)
{
    if (c < 0xC0)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* Byte offset of the cp-th code point of (p, n), or n. */
static size_t cp_offset(const char *p, size_t n, size_t cp)
{
    size_t i = 0;
    while (i < n && cp > 0) {
        i += u8len((unsigned char)p[i]);
        cp--;
    }
    return i > n ? n : i;
}

static size_t cp_count(const char *p, size_t n)
{
    return utf8_count(p, n);
}

/* Decode one code point at p (n bytes left); *len gets its length. */
static uint32_t u8dec(const unsigned char *p, size_t n, size_t *len)
{
    size_t l = u8len(p[0]);
    if (l > n)
        l = 1;
    *len = l;
    switch (l) {
    case 2:
        return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    case 3:
        return ((uint32_t)(p[0] & 0x0F) << 12) |
               ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    case 4:
        return ((uint32_t)(p[0] & 0x07) << 18) |
               ((uint32_t)(p[1] & 0x3F) << 12) |
               ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    default:
        return p[0];
    }
}

static size_t u8enc(char *b, uint32_t cp)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

#define SP(v) ((v)->u.s.ptr)
#define SN(v) ((size_t)(v)->u.s.len)

/* ---- CONCAT, CONCAT_WS ---------------------------------------------------- */

void fn_concat(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
               Value *regs)
{
    (void)regs;
    size_t n = 0;
    for (uint32_t i = 0; i < fs->n_args; i++)
        n += SN(&a[i]);
    char *p = func_str_alloc(d, x, n);
    for (uint32_t i = 0; i < fs->n_args; i++) {
        if (SN(&a[i]))
            memcpy(p, SP(&a[i]), SN(&a[i]));
        p += SN(&a[i]);
    }
}

void fn_concat_ws(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                  Value *regs)
{
    (void)regs;
    if (a[0].is_null) {
        d->is_null = true;
        return;
    }
    size_t n = 0, k = 0;
    for (uint32_t i = 1; i < fs->n_args; i++)
        if (!a[i].is_null) {
            n += SN(&a[i]) + (k ? SN(&a[0]) : 0);
            k++;
        }
    char *p = func_str_alloc(d, x, n);
    k = 0;
    for (uint32_t i = 1; i < fs->n_args; i++) {
        if (a[i].is_null)
            continue;
        if (k++ && SN(&a[0])) {
            memcpy(p, SP(&a[0]), SN(&a[0]));
            p += SN(&a[0]);
        }
        if (SN(&a[i]))
            memcpy(p, SP(&a[i]), SN(&a[i]));
        p += SN(&a[i]);
    }
}

/* ---- substrings ------------------------------------------------------------ */

/* SUBSTRING(s, pos [, len]): 1-based; pos 0 is 1; negative pos counts
 * from the end; len < 0 gives NULL (Flink). */
void fn_substring(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                  Value *regs)
{
    (void)x;
    (void)regs;
    const char *p = SP(&a[0]);
    size_t n = SN(&a[0]);
    int64_t pos = a[1].u.i;
    int64_t len = fs->n_args > 2 ? a[2].u.i : INT64_MAX;
    if (len < 0) {
        d->is_null = true;
        return;
    }
    size_t chars = cp_count(p, n);
    int64_t start;
    if (pos > 0)
        start = pos - 1;
    else if (pos < 0)
        start = (int64_t)chars + pos;
    else
        start = 0;
    if (start < 0 || start >= (int64_t)chars) {
        func_set_str(d, "", 0);
        return;
    }
    int64_t end = (int64_t)chars - start < len ? (int64_t)chars : start + len;
    size_t bs = cp_offset(p, n, (size_t)start);
    size_t be = bs + cp_offset(p + bs, n - bs, (size_t)(end - start));
    func_set_str(d, p + bs, be - bs);
}

void fn_left(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
             Value *regs)
{
    (void)fs;
    (void)x;
    (void)regs;
    int64_t k = a[1].u.i;
    if (k <= 0) {
        func_set_str(d, "", 0);
        return;
    }
    func_set_str(d, SP(&a[0]), cp_offset(SP(&a[0]), SN(&a[0]), (size_t)k));
}

void fn_right(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
              Value *regs)
{
    (void)fs;
    (void)x;
    (void)regs;
    int64_t k = a[1].u.i;
    size_t chars = cp_count(SP(&a[0]), SN(&a[0]));
    if (k <= 0) {
        func_set_str(d, "", 0);
        return;
    }
    size_t skip = (size_t)k >= chars ? 0 : chars - (size_t)k;
    size_t off = cp_offset(SP(&a[0]), SN(&a[0]), skip);
    func_set_str(d, SP(&a[0]) + off, SN(&a[0]) - off);
}

/* ---- case --------------------------------------------------------------- */

/* Simple case mappings beyond ASCII (Latin-1, Latin Extended-A, Greek,
 * Cyrillic): the C library's tables depend on the process locale, Java's
 * do not. */
static uint32_t cp_upper(uint32_t c)
{
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) ||
        (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) || (c >= 0x430 && c <= 0x44F))
        return c - 0x20;
    if (c >= 0x450 && c <= 0x45F)
        return c - 0x50;
    if (c >= 0x100 && c <= 0x17F && (c & 1) && c != 0x131 && c != 0x149 &&
        c != 0x17F && !(c >= 0x138 && c <= 0x148))
        return c - 1;
    if (c == 0xFF)
        return 0x178;
    return c;
}

static uint32_t cp_lower(uint32_t c)
{
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
        (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c >= 0x100 && c <= 0x17F && !(c & 1) && c != 0x130 &&
        !(c >= 0x138 && c <= 0x148))
        return c + 1;
    if (c == 0x178)
        return 0xFF;
    return c;
}

static void map_case(Value *d, const Value *s, VmCtx *x, int mode)
{
    const unsigned char *p = (const unsigned char *)SP(s);
    size_t n = SN(s);
    char *o = func_str_alloc(d, x, n * 2 + 4);
    size_t k = 0;
    bool word_start = true;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            int c = p[i];
            bool alnum = isalnum(c) != 0;
            if (mode == 0)
                c = toupper(c);
            else if (mode == 1)
                c = tolower(c);
            else
                c = word_start ? toupper(c) : tolower(c);
            word_start = mode == 2 && !alnum;
            o[k++] = (char)c;
            i++;
            continue;
        }
        size_t l;
        uint32_t cp = u8dec(p + i, n - i, &l);
        uint32_t m = cp;
        bool alnum = cp_upper(cp) != cp || cp_lower(cp) != cp || cp >= 0x3000;
        if (mode == 0 || (mode == 2 && word_start))
            m = cp_upper(cp);
        else
            m = cp_lower(cp);
        word_start = mode == 2 && !alnum;
        char buf[4];
        size_t ml = u8enc(buf, m);
        if (ml != l) { /* keep the original bytes when widths differ */
            memcpy(o + k, p + i, l);
            k += l;
        } else {
            memcpy(o + k, buf, ml);
            k += ml;
        }
        i += l;
    }
    d->u.s.len = (uint32_t)k;
}

void fn_upper(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
              Value *regs)
{
    (void)fs;
    (void)regs;
    map_case(d, &a[0], x, 0);
}

void fn_lower(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
              Value *regs)
{
    (void)fs;
    (void)regs;
    map_case(d, &a[0], x, 1);
}

void fn_initcap(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                Value *regs)
{
    (void)fs;
    (void)regs;
    map_case(d, &a[0], x, 2);
}

/* ---- trimming ------------------------------------------------------------ */

/* Whether the code point at p is one of chars (UTF-8). */
static bool in_set(const char *p, size_t l, const char *chars, size_t cn)
{
    for (size_t i = 0; i < cn;) {
        size_t cl = u8len((unsigned char)chars[i]);
        if (cl == l && i + cl <= cn && memcmp(chars + i, p, l) == 0)
            return true;
        i += cl;
    }
    return false;
}

static void do_trim(Value *d, const Value *s, const char *chars, size_t cn,
                    bool left, bool right)
{
    const char *p = SP(s);
    size_t n = SN(s), b = 0, e = n;
    if (left)
        while (b < e) {
            size_t l = u8len((unsigned char)p[b]);
            if (b + l > e || !in_set(p + b, l, chars, cn))
                break;
            b += l;
        }
    if (right)
        while (e > b) {
            size_t st = e - 1;
            while (st > b && ((unsigned char)p[st] & 0xC0) == 0x80)
                st--;
            if (!in_set(p + st, e - st, chars, cn))
                break;
            e = st;
        }
    func_set_str(d, p + b, e - b);
}

/* TRIM(s) or TRIM(chars, s) (the parser's order for TRIM(chars FROM s));
 * iarg: 0 both, 1 leading, 2 trailing. */
void fn_trim(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
             Value *regs)
{
    (void)x;
    (void)regs;
    bool l = fs->iarg != 2, r = fs->iarg != 1;
    if (fs->n_args == 1)
        do_trim(d, &a[0], " ", 1, l, r);
    else
        do_trim(d, &a[1], SP(&a[0]), SN(&a[0]), l, r);
}

/* LTRIM(s [, chars]) / RTRIM(s [, chars]); iarg 1 left, 2 right. */
void fn_ltrim_rtrim(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                    Value *regs)
{
    (void)x;
    (void)regs;
    const char *chars = fs->n_args > 1 ? SP(&a[1]) : " ";
    size_t cn = fs->n_args > 1 ? SN(&a[1]) : 1;
    do_trim(d, &a[0], chars, cn, fs->iarg == 1, fs->iarg == 2);
}

/* ---- searching and replacing --------------------------------------------- */

static const char *find(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0)
        return h;
    if (nn > hn)
        return NULL;
    return memmem(h, hn, n, nn);
}

/* REPLACE(s, search, repl): every occurrence; an empty search leaves s
 * unchanged. */
void fn_replace(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                Value *regs)
{
    (void)fs;
    (void)regs;
    const char *p = SP(&a[0]), *s = SP(&a[1]), *r = SP(&a[2]);
    size_t n = SN(&a[0]), sn = SN(&a[1]), rn = SN(&a[2]);
    if (sn == 0) {
        *d = a[0];
        return;
    }
    size_t count = 0;
    for (const char *q = p; (q = find(q, n - (size_t)(q - p), s, sn)); q += sn)
        count++;
    if (!count) {
        *d = a[0];
        return;
    }
    char *o = func_str_alloc(d, x, n - count * sn + count * rn);
    const char *q = p;
    for (;;) {
        const char *m = find(q, n - (size_t)(q - p), s, sn);
        if (!m)
            break;
        memcpy(o, q, (size_t)(m - q));
        o += m - q;
        memcpy(o, r, rn);
        o += rn;
        q = m + sn;
    }
    memcpy(o, q, n - (size_t)(q - p));
}

/* POSITION(needle IN s) / INSTR(s, needle) / LOCATE(needle, s [, start]):
 * iarg 0: (needle, s); 1: (s, needle). */
void fn_position(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                 Value *regs)
{
    (void)x;
    (void)regs;
    const Value *nd = fs->iarg == 1 ? &a[1] : &a[0];
    const Value *hs = fs->iarg == 1 ? &a[0] : &a[1];
    int64_t start = fs->n_args > 2 ? a[2].u.i : 1;
    d->kind = VK_INT;
    if (start < 1) {
        d->u.i = 0;
        return;
    }
    size_t off = cp_offset(SP(hs), SN(hs), (size_t)(start - 1));
    if (start > 1 && off >= SN(hs) && SN(nd)) {
        d->u.i = 0;
        return;
    }
    const char *m = find(SP(hs) + off, SN(hs) - off, SP(nd), SN(nd));
    d->u.i = m ? (int64_t)cp_count(SP(hs), (size_t)(m - SP(hs))) + 1 : 0;
}

void fn_char_length(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                    Value *regs)
{
    (void)fs;
    (void)x;
    (void)regs;
    d->u.i = (int64_t)cp_count(SP(&a[0]), SN(&a[0]));
}

/* LPAD/RPAD(s, len, pad); iarg 0 left, 1 right.  NULL when len < 0 or
 * pad is empty (Flink); s longer than len is cut to len characters. */
void fn_pad(const FuncSite *fs, Value *d, const Value *a, VmCtx *x, Value *regs)
{
    (void)regs;
    int64_t len = a[1].u.i;
    const char *p = SP(&a[0]), *pad = SP(&a[2]);
    size_t n = SN(&a[0]), pn = SN(&a[2]);
    if (len < 0 || pn == 0) {
        d->is_null = true;
        return;
    }
    size_t chars = cp_count(p, n);
    if ((size_t)len <= chars) {
        func_set_str(d, p, cp_offset(p, n, (size_t)len));
        return;
    }
    size_t need = (size_t)len - chars; /* pad characters */
    size_t pchars = cp_count(pad, pn);
    /* bytes of the padding: whole copies of pad, then a prefix */
    size_t full = need / pchars, rest = need % pchars;
    size_t rest_b = cp_offset(pad, pn, rest);
    size_t pb = full * pn + rest_b;
    char *o = func_str_alloc(d, x, n + pb);
    char *q = fs->iarg == 0 ? o : o + n;
    for (size_t i = 0; i < full; i++, q += pn)
        memcpy(q, pad, pn);
    memcpy(q, pad, rest_b);
    memcpy(fs->iarg == 0 ? o + pb : o, p, n);
}

void fn_repeat(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
               Value *regs)
{
    (void)fs;
    (void)regs;
    int64_t k = a[1].u.i;
    size_t n = SN(&a[0]);
    if (k <= 0 || n == 0) {
        func_set_str(d, "", 0);
        return;
    }
    if ((uint64_t)k * n > (1u << 30)) {
        vm_error(x, fs->at, "REPEAT result is too long (%lld x %zu bytes)",
                 (long long)k, n);
        return;
    }
    char *o = func_str_alloc(d, x, (size_t)k * n);
    for (int64_t i = 0; i < k; i++)
        memcpy(o + (size_t)i * n, SP(&a[0]), n);
}

void fn_reverse(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                Value *regs)
{
    (void)fs;
    (void)regs;
    const char *p = SP(&a[0]);
    size_t n = SN(&a[0]);
    char *o = func_str_alloc(d, x, n);
    for (size_t i = 0; i < n;) {
        size_t l = u8len((unsigned char)p[i]);
        if (i + l > n)
            l = n - i;
        memcpy(o + n - i - l, p + i, l);
        i += l;
    }
}

void fn_ascii(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
              Value *regs)
{
    (void)fs;
    (void)x;
    (void)regs;
    d->u.i = SN(&a[0]) ? (unsigned char)SP(&a[0])[0] : 0;
}

void fn_chr(const FuncSite *fs, Value *d, const Value *a, VmCtx *x, Value *regs)
{
    (void)fs;
    (void)regs;
    int64_t c = a[0].u.i;
    if (c < 0) {
        d->is_null = true;
        return;
    }
    if (c > 255)
        c %= 255;
    char buf[4];
    size_t l = u8enc(buf, (uint32_t)c);
    memcpy(func_str_alloc(d, x, l), buf, l);
}

/* SPLIT_INDEX(s, delim, i): the 0-based i-th field, NULL when out of
 * range (fields may be empty: 'a,,b' has three). */
void fn_split_index(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                    Value *regs)
{
    (void)fs;
    (void)x;
    (void)regs;
    const char *p = SP(&a[0]), *sep = SP(&a[1]);
    size_t n = SN(&a[0]), sn = SN(&a[1]);
    int64_t idx = a[2].u.i;
    if (idx < 0 || n == 0 || sn == 0) {
        d->is_null = true;
        return;
    }
    const char *q = p, *end = p + n;
    for (int64_t i = 0;; i++) {
        const char *m = find(q, (size_t)(end - q), sep, sn);
        const char *fe = m ? m : end;
        if (i == idx) {
            func_set_str(d, q, (size_t)(fe - q));
            return;
        }
        if (!m)
            break;
        q = m + sn;
    }
    d->is_null = true;
}

/* ---- hex, binary, base64 -------------------------------------------------- */

static const char hexd[] = "0123456789abcdef";
static const char hexu[] = "0123456789ABCDEF";

void fn_hex(const FuncSite *fs, Value *d, const Value *a, VmCtx *x, Value *regs)
{
    (void)regs;
    if (fs->arg_types[0].kind == VK_INT) {
        uint64_t v = (uint64_t)a[0].u.i;
        char buf[16];
        int k = 0;
        do {
            buf[k++] = hexu[v & 15];
            v >>= 4;
        } while (v);
        char *o = func_str_alloc(d, x, (size_t)k);
        for (int i = 0; i < k; i++)
            o[i] = buf[k - 1 - i];
        return;
    }
    const unsigned char *p = (const unsigned char *)SP(&a[0]);
    size_t n = SN(&a[0]);
    char *o = func_str_alloc(d, x, n * 2);
    for (size_t i = 0; i < n; i++) {
        o[2 * i] = hexu[p[i] >> 4];
        o[2 * i + 1] = hexu[p[i] & 15];
    }
}

void fn_bin(const FuncSite *fs, Value *d, const Value *a, VmCtx *x, Value *regs)
{
    (void)fs;
    (void)regs;
    uint64_t v = (uint64_t)a[0].u.i;
    char buf[64];
    int k = 0;
    do {
        buf[k++] = (char)('0' + (v & 1));
        v >>= 1;
    } while (v);
    char *o = func_str_alloc(d, x, (size_t)k);
    for (int i = 0; i < k; i++)
        o[i] = buf[k - 1 - i];
}

void fn_to_base64(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                  Value *regs)
{
    (void)fs;
    (void)regs;
    size_t n = SN(&a[0]);
    char *o = func_str_alloc(d, x, BASE64_ENCODE_RAW_LENGTH(n));
    base64_encode_raw(o, n, (const uint8_t *)SP(&a[0]));
}

void fn_from_base64(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                    Value *regs)
{
    (void)fs;
    (void)regs;
    size_t n = SN(&a[0]), out = 0;
    char *o = arena_alloc(x->a, n / 4 * 3 + 3);
    if (!textconv_base64_decode(SP(&a[0]), n, o, &out)) {
        d->is_null = true;
        return;
    }
    func_set_str(d, o, out);
}

/* ---- hashes (GNU Nettle) ------------------------------------------------ */

static void put_digest(Value *d, VmCtx *x, const struct nettle_hash *h,
                       const Value *s)
{
    union {
        struct md5_ctx md5;
        struct sha1_ctx sha1;
        struct sha256_ctx sha256;
        struct sha512_ctx sha512;
    } ctx;
    uint8_t dig[SHA512_DIGEST_SIZE];
    h->init(&ctx);
    h->update(&ctx, SN(s), (const uint8_t *)SP(s));
    h->digest(&ctx, h->digest_size, dig);
    char *o = func_str_alloc(d, x, h->digest_size * 2);
    for (unsigned i = 0; i < h->digest_size; i++) {
        o[2 * i] = hexd[dig[i] >> 4];
        o[2 * i + 1] = hexd[dig[i] & 15];
    }
}

/* iarg: digest bits (128 MD5, 160 SHA1, 224/256/384/512 SHA-2). */
void fn_hash(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
             Value *regs)
{
    (void)regs;
    int64_t bits = fs->iarg;
    if (bits == 0) /* SHA2(s, bits) */
        bits = a[1].u.i;
    const struct nettle_hash *h;
    switch (bits) {
    case 128:
        h = &nettle_md5;
        break;
    case 160:
        h = &nettle_sha1;
        break;
    case 224:
        h = &nettle_sha224;
        break;
    case 256:
        h = &nettle_sha256;
        break;
    case 384:
        h = &nettle_sha384;
        break;
    case 512:
        h = &nettle_sha512;
        break;
    default:
        d->is_null = true;
        return;
    }
    put_digest(d, x, h, &a[0]);
}

/* ---- regular expressions (PCRE2) ------------------------------------------ */

typedef struct FuncRegex {
    char *pat; /* xmalloc copy of the pattern text */
    size_t n_pat;
    pcre2_code *re; /* NULL when the pattern does not compile */
    pcre2_match_data *md;
    char err[128];
} FuncRegex;

void func_regex_free(void *p)
{
    FuncRegex *r = p;
    if (!r)
        return;
    if (r->md)
        pcre2_match_data_free(r->md);
    if (r->re)
        pcre2_code_free(r->re);
    xfree(r->pat);
    xfree(r);
}

/* The compiled pattern for (p, n), from the site's cache register. */
static FuncRegex *regex_get(const FuncSite *fs, Value *regs, const char *p,
                            size_t n)
{
    Value *cr = &regs[fs->cache_reg];
    FuncRegex *r = func_cache_get(cr);
    if (r && r->n_pat == n && (n == 0 || memcmp(r->pat, p, n) == 0))
        return r;
    func_regex_free(r);
    r = xcalloc(1, sizeof(*r));
    r->pat = xmalloc(n + 1);
    memcpy(r->pat, p, n);
    r->pat[n] = 0;
    r->n_pat = n;
    int ec;
    PCRE2_SIZE eo;
    r->re = pcre2_compile((PCRE2_SPTR)p, n, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                          &ec, &eo, NULL);
    if (r->re) {
        r->md = pcre2_match_data_create_from_pattern(r->re, NULL);
    } else {
        PCRE2_UCHAR buf[96];
        pcre2_get_error_message(ec, buf, sizeof(buf));
        snprintf(r->err, sizeof(r->err), "%s at offset %zu", (char *)buf,
                 (size_t)eo);
    }
    func_cache_set(cr, r);
    return r;
}

/* REGEXP(s, re): some substring matches (Java Matcher.find).  An invalid
 * pattern gives NULL. */
void fn_regexp(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
               Value *regs)
{
    (void)x;
    FuncRegex *r = regex_get(fs, regs, SP(&a[1]), SN(&a[1]));
    if (!r->re) {
        d->is_null = true;
        return;
    }
    int rc = pcre2_match(r->re, (PCRE2_SPTR)(SP(&a[0]) ? SP(&a[0]) : ""),
                         SN(&a[0]), 0, 0, r->md, NULL);
    d->u.i = rc >= 0;
}

/* REGEXP_EXTRACT(s, re [, group]): group of the first match (default 0,
 * the whole match, as Flink); NULL when nothing matches, the pattern is
 * invalid or the group does not exist or did not take part. */
void fn_regexp_extract(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                       Value *regs)
{
    (void)x;
    FuncRegex *r = regex_get(fs, regs, SP(&a[1]), SN(&a[1]));
    int64_t g = fs->n_args > 2 ? a[2].u.i : 0;
    if (!r->re || g < 0) {
        d->is_null = true;
        return;
    }
    int rc = pcre2_match(r->re, (PCRE2_SPTR)(SP(&a[0]) ? SP(&a[0]) : ""),
                         SN(&a[0]), 0, 0, r->md, NULL);
    if (rc < 0) {
        d->is_null = true;
        return;
    }
    uint32_t cap;
    pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &cap);
    if ((uint64_t)g > cap || g >= rc) {
        d->is_null = true;
        return;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    if (ov[2 * g] == PCRE2_UNSET) {
        d->is_null = true;
        return;
    }
    func_set_str(d, SP(&a[0]) + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* REGEXP_REPLACE(s, re, repl): every match replaced; $n refers to group
 * n.  NULL for an invalid pattern or replacement. */
void fn_regexp_replace(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                       Value *regs)
{
    FuncRegex *r = regex_get(fs, regs, SP(&a[1]), SN(&a[1]));
    if (!r->re) {
        d->is_null = true;
        return;
    }
    PCRE2_SIZE cap = SN(&a[0]) * 2 + SN(&a[2]) * 4 + 64;
    for (int attempt = 0; attempt < 2; attempt++) {
        PCRE2_UCHAR *o = arena_alloc(x->a, cap + 1);
        PCRE2_SIZE on = cap;
        int rc = pcre2_substitute(
            r->re, (PCRE2_SPTR)(SP(&a[0]) ? SP(&a[0]) : ""), SN(&a[0]), 0,
            PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
                PCRE2_SUBSTITUTE_UNSET_EMPTY,
            r->md, NULL, (PCRE2_SPTR)(SP(&a[2]) ? SP(&a[2]) : ""), SN(&a[2]), o,
            &on);
        if (rc >= 0) {
            func_set_str(d, (const char *)o, on);
            return;
        }
        if (rc != PCRE2_ERROR_NOMEMORY)
            break;
        cap = on;
    }
    d->is_null = true;
}

/* s SIMILAR TO pattern: the SQL regular expression translated to PCRE2
 * (% -> .*, _ -> ., the rest as regex syntax), anchored at both ends. */
void fn_similar(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,
                Value *regs)
{
    const char *p = SP(&a[1]);
    size_t n = SN(&a[1]);
    /* Translate into a scratch buffer in the batch arena. */
    char *t = arena_alloc(x->a, n * 2 + 16);
    size_t k = 0;
    t[k++] = '^';
    t[k++] = '(';
    t[k++] = '?';
    t[k++] = ':';
    int esc = fs->n_args > 2 && SN(&a[2]) ? (unsigned char)SP(&a[2])[0] : -1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (esc >= 0 && (unsigned char)c == esc && i + 1 < n) {
            t[k++] = '\\';
            t[k++] = p[++i];
        } else if (c == '%') {
            t[k++] = '.';
            t[k++] = '*';
        } else if (c == '_') {
            t[k++] = '.';
        } else if (c == '.' || c == '^' || c == '$' || c == '\\') {
            t[k++] = '\\';
            t[k++] = c;
        } else {
            t[k++] = c;
        }
    }
    t[k++] = ')';
    t[k++] = '$';
    FuncRegex *r = regex_get(fs, regs, t, k);
    if (!r->re) {
        vm_error(x, fs->at, "invalid SIMILAR TO pattern '%.*s': %s", (int)n, p,
                 r->err);
        return;
    }
    int rc = pcre2_match(r->re, (PCRE2_SPTR)(SP(&a[0]) ? SP(&a[0]) : ""),
                         SN(&a[0]), 0, 0, r->md, NULL);
    d->u.i = rc >= 0;
}
