/*
 * json.c - schema-driven JSON decoding (one object per line) and compact
 * JSON encoding of rows.
 *
 * The decoder is a hand-written single-pass scanner.  It never builds a
 * tree: for each key of the top-level object it looks the key up in a
 * perfect-ish hash of the schema's column names (built once in
 * json_decoder_new()), and then either converts the value straight into
 * the column's type or skips it.  The skipper checks the JSON grammar of
 * what it skips (so malformed input is always reported) but copies
 * nothing; nesting is tracked in a bit stack, not by recursion, so deep
 * input cannot overflow the C stack.
 *
 * Keys are predicted: the decoder remembers the keys of the last line in
 * order (the "shape": producers write every record with the same fields
 * in the same order), and checks the next key against the remembered one
 * at the same position with a few word compares; only a mismatch scans
 * the key and looks it up in the hash (and then learns it).  A remembered
 * key holds no quote, backslash or control byte, so a byte-equal key
 * followed by '"' is that key exactly and maps to the same column.
 *
 * Strings are scanned sixteen bytes at a time with SSE2, else eight at a
 * time (SWAR); a quote, backslash or control character ends the fast
 * loop.  Integers and plain decimals of wanted columns are converted in
 * the same pass that checks their syntax (anything unusual falls back to
 * the general path, which gives the same results and messages).  A string without escapes is
 * delivered as a view into the line; with escapes it is unescaped into the
 * caller's arena (\uXXXX and surrogate pairs become UTF-8; an unpaired
 * surrogate becomes U+FFFD).  Strings that reach a column are checked to
 * be valid UTF-8 (invalid UTF-8 is a conversion error of that field);
 * skipped strings are not.
 *
 * Invariants: the input is read only inside [line, line + len); no
 * function here writes to the input; every loop advances or fails.
 */
#include "runtime/fsql.h"
#include "runtime/json.h"
#include "runtime/decimal.h"
#include "runtime/mem.h"
#include "runtime/program.h"
#include "runtime/textconv.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"
#include "runtime/value_map.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define JSON_MAX_DEPTH 1024 /* nesting limit of skipped values */
#define SHAPE_MAX 64        /* key positions remembered per line */
#define SHAPE_KEY_MAX 56    /* longest key remembered (bytes) */

/* One remembered key of the shape (see the header comment). */
typedef struct ShapeKey {
    uint32_t len; /* key bytes; 0: nothing remembered at this position */
    int32_t col;  /* column the key maps to, or -1 (a skipped field) */
    char text[SHAPE_KEY_MAX]; /* the key as written (no escapes) */
} ShapeKey;

/* Conversion fast paths per column (see decode_fast). */
enum { FAST_NONE, FAST_INT, FAST_DEC, FAST_TS };

typedef struct ColFast {
    uint8_t kind;     /* FAST_* */
    int32_t prec;     /* FAST_DEC: precision as textconv_decimal uses it */
    int32_t scale;    /* FAST_DEC: scale as textconv_decimal uses it */
    int64_t min, max; /* FAST_INT: range of the column type */
    /* FAST_TS: the value kind, and the last date seen ("yyyy-mm-dd",
     * its ten bytes) with its day number: a stream's timestamps mostly
     * share their date, so most rows skip the calendar arithmetic. */
    uint8_t vkind;
    bool date_set;
    uint16_t date_hi;
    uint64_t date_lo;
    int64_t date_days;
} ColFast;

struct JsonDecoder {
    const RtSchema *schema; /* borrowed; outlives the decoder */
    JsonOptions opt;
    uint32_t n_cols;
    /* Field lookup.  With a perfect seed, a key's slot holds the only
     * column that can match it; otherwise slots are probed linearly with
     * a full-key hash. */
    int32_t *slots;     /* column index or -1; mask + 1 entries */
    uint32_t *name_len; /* byte length of each column name */
    uint64_t seed;      /* odd multiplier; 0 means "probe" */
    uint32_t mask;      /* slot count - 1 */
    uint32_t shift;     /* 64 - log2(slot count) */
    ColFast *fast;      /* n_cols conversion fast paths */
    ShapeKey *shape;    /* SHAPE_MAX remembered keys of the last line */
    /* Per row. */
    uint32_t *seen; /* stamp of the last row that set each column */
    uint32_t stamp; /* current row's stamp */
    JsonStats stats;
};

/* ---- field lookup ------------------------------------------------------ */

/* Cheap key fingerprint: the length and the first and last eight bytes
 * (overlapping for short keys); only fixed-size loads, never past k + n. */
static inline uint64_t key_fp(const char *k, size_t n)
{
    uint64_t a, b;
    if (n >= 8) {
        memcpy(&a, k, 8);
        memcpy(&b, k + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, k, 4);
        memcpy(&y, k + n - 4, 4);
        a = x;
        b = y;
    } else if (n > 0) {
        a = (unsigned char)k[0] | (uint64_t)(unsigned char)k[n / 2] << 8 |
            (uint64_t)(unsigned char)k[n - 1] << 16;
        b = 0;
    } else {
        a = b = 0;
    }
    return a ^ (b * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)n << 56) ^ n;
}

static bool try_seed(JsonDecoder *d, uint64_t seed, uint32_t bits)
{
    uint32_t size = 1u << bits;
    for (uint32_t i = 0; i < size; i++)
        d->slots[i] = -1;
    for (uint32_t c = 0; c < d->n_cols; c++) {
        const char *name = d->schema->cols[c].name;
        uint64_t h = (key_fp(name, d->name_len[c]) * seed) >> (64 - bits);
        if (d->slots[h] >= 0)
            return false;
        d->slots[h] = (int32_t)c;
    }
    return true;
}

static void build_lookup(JsonDecoder *d)
{
    uint32_t n = d->n_cols;
    uint32_t bits = 3;
    while ((1u << bits) < 2 * n)
        bits++;
    uint32_t max_bits = bits + 3;
    if (max_bits > 20)
        max_bits = 20;
    /* Search a multiplier that puts every name in its own slot. */
    uint64_t seed = 0x2545F4914F6CDD1DULL;
    for (uint32_t b = bits; b <= max_bits && n > 0; b++) {
        d->slots = xrealloc(d->slots, sizeof(int32_t) << b);
        for (int tries = 0; tries < 200; tries++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            if (try_seed(d, seed | 1, b)) {
                d->seed = seed | 1;
                d->mask = (1u << b) - 1;
                d->shift = 64 - b;
                return;
            }
        }
    }
    /* Fallback (identical or pathological names): linear probing. */
    d->seed = 0;
    d->mask = (1u << bits) - 1;
    d->slots = xrealloc(d->slots, sizeof(int32_t) << bits);
    for (uint32_t i = 0; i <= d->mask; i++)
        d->slots[i] = -1;
    for (uint32_t c = 0; c < n; c++) {
        const char *name = d->schema->cols[c].name;
        Str s = {name, d->name_len[c]};
        uint32_t h = (uint32_t)str_hash(s) & d->mask;
        while (d->slots[h] >= 0)
            h = (h + 1) & d->mask;
        d->slots[h] = (int32_t)c;
    }
}

static inline int32_t lookup_key(const JsonDecoder *d, const char *k, size_t n)
{
    if (likely(d->seed)) {
        int32_t c = d->slots[(key_fp(k, n) * d->seed) >> d->shift];
        if (c >= 0 && d->name_len[c] == n &&
            memcmp(d->schema->cols[c].name, k, n) == 0)
            return c;
        return -1;
    }
    Str s = {k, n};
    uint32_t h = (uint32_t)str_hash(s) & d->mask;
    for (uint32_t i = 0; i <= d->mask; i++, h = (h + 1) & d->mask) {
        int32_t c = d->slots[h];
        if (c < 0)
            return -1;
        if (d->name_len[c] == n && memcmp(d->schema->cols[c].name, k, n) == 0)
            return c;
    }
    return -1;
}

JsonDecoder *json_decoder_new(const RtSchema *schema, const JsonOptions *opt)
{
    JsonDecoder *d = xcalloc(1, sizeof *d);
    d->schema = schema;
    if (opt)
        d->opt = *opt;
    d->n_cols = schema->n_cols;
    d->name_len = xcalloc(d->n_cols ? d->n_cols : 1, sizeof(uint32_t));
    d->seen = xcalloc(d->n_cols ? d->n_cols : 1, sizeof(uint32_t));
    d->fast = xcalloc(d->n_cols ? d->n_cols : 1, sizeof(ColFast));
    d->shape = xcalloc(SHAPE_MAX, sizeof(ShapeKey));
    for (uint32_t c = 0; c < d->n_cols; c++) {
        const RtType *t = &schema->cols[c].type;
        ColFast *f = &d->fast[c];
        d->name_len[c] = (uint32_t)strlen(schema->cols[c].name);
        if (t->kind == VK_INT) {
            f->kind = FAST_INT;
            textconv_int_range(t, &f->min, &f->max);
        } else if (t->kind == VK_DECIMAL) {
            /* the precision and scale textconv_decimal() works with */
            f->kind = FAST_DEC;
            f->prec =
                t->precision > 0 && t->precision <= 38 ? t->precision : 38;
            f->scale = t->scale >= 0 && t->scale <= f->prec ? t->scale : 0;
        } else if (t->kind == VK_TIMESTAMP ||
                   (t->kind == VK_TIMESTAMP_LTZ && !d->opt.tz)) {
            f->kind = FAST_TS; /* LTZ with a zone: decode_field's path */
            f->vkind = (uint8_t)t->kind;
        }
    }
    build_lookup(d);
    return d;
}

void json_decoder_free(JsonDecoder *d)
{
    if (!d)
        return;
    xfree(d->slots);
    xfree(d->name_len);
    xfree(d->seen);
    xfree(d->fast);
    xfree(d->shape);
    xfree(d);
}

JsonStats json_decoder_stats(const JsonDecoder *d)
{
    return d->stats;
}

/* ---- scanning ---------------------------------------------------------- */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t has_zero(uint64_t x)
{
    return (x - ONES) & ~x & HIGHS;
}

/* Non-zero when a byte of w is '"', '\\' or below 0x20; the lowest set
 * bit marks the first such byte (false positives only appear above a true
 * one). */
static inline uint64_t special_mask(uint64_t w)
{
    return has_zero(w ^ (ONES * '"')) | has_zero(w ^ (ONES * '\\')) |
           ((w - ONES * 0x20) & ~w & HIGHS);
}

static inline const char *skip_ws(const char *p, const char *end)
{
    if (likely(p < end && (unsigned char)*p > ' '))
        return p; /* compact JSON: no blank at all */
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static inline int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 32);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Where and why scanning failed. */
typedef struct ScanErr {
    const char *why; /* static phrase */
    const char *at;  /* position in the line */
} ScanErr;

typedef struct StrScan {
    bool has_esc; /* contains backslash escapes */
    bool ascii;   /* no byte >= 0x80 (outside escapes) */
} StrScan;

/* p is just past an opening quote.  Returns the position of the closing
 * quote, or NULL with *e set. */
static const char *scan_string(const char *p, const char *end, StrScan *ss,
                               ScanErr *e)
{
    uint64_t hi = 0;
    bool esc = false;
    for (;;) {
#if defined(__SSE2__)
        /* Sixteen bytes at a time: the mask of special bytes (quote,
         * backslash, below 0x20) and of bytes >= 0x80 before them. */
        while (end - p >= 16) {
            const __m128i quote = _mm_set1_epi8('"');
            const __m128i bslash = _mm_set1_epi8('\\');
            const __m128i ctl = _mm_set1_epi8(0x1F);
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i sp = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                   _mm_cmpeq_epi8(v, bslash)),
                                      _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
            unsigned m = (unsigned)_mm_movemask_epi8(sp);
            unsigned h = (unsigned)_mm_movemask_epi8(v);
            if (m) {
                unsigned idx = (unsigned)__builtin_ctz(m);
                hi |= (h & ((1u << idx) - 1)) ? HIGHS : 0;
                p += idx;
                goto special;
            }
            hi |= h ? HIGHS : 0;
            p += 16;
        }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            uint64_t m = special_mask(w);
            if (m) {
                unsigned idx = (unsigned)__builtin_ctzll(m) >> 3;
                hi |= idx ? (w & ((1ULL << (idx * 8)) - 1)) : 0;
                p += idx;
                break;
            }
            hi |= w;
            p += 8;
        }
#endif
#if defined(__SSE2__)
    special:
#endif
        if (p >= end) {
            e->at = p, e->why = "unterminated string";
            return NULL;
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            ss->has_esc = esc;
            ss->ascii = (hi & HIGHS) == 0;
            return p;
        }
        if (c == '\\') {
            esc = true;
            if (end - p < 2) {
                e->at = p, e->why = "unterminated string";
                return NULL;
            }
            switch (p[1]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                p += 2;
                continue;
            case 'u':
                if (end - p < 6 || hexval(p[2]) < 0 || hexval(p[3]) < 0 ||
                    hexval(p[4]) < 0 || hexval(p[5]) < 0) {
                    e->at = p,
                    e->why = "bad \\u escape (four hex digits expected)";
                    return NULL;
                }
                p += 6;
                continue;
            default:
                e->at = p, e->why = "bad escape in a string";
                return NULL;
            }
        }
        if (c < 0x20) {
            e->at = p,
            e->why = "control character in a string (it must be escaped)";
            return NULL;
        }
        hi |= c;
        p++;
    }
}

static inline unsigned hex4(const char *p)
{
    return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 |
                      hexval(p[2]) << 4 | hexval(p[3]));
}

static size_t utf8_put(char *o, unsigned cp)
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

/* Unescape the string body [s, e) (already checked by scan_string) into
 * dst, which holds at least e - s bytes: no escape expands.  Returns the
 * length. */
static size_t unescape(const char *s, const char *e, char *dst)
{
    char *o = dst;
    while (s < e) {
        const char *bs = memchr(s, '\\', (size_t)(e - s));
        if (!bs) {
            memcpy(o, s, (size_t)(e - s));
            o += e - s;
            break;
        }
        memcpy(o, s, (size_t)(bs - s));
        o += bs - s;
        s = bs + 2;
        switch (bs[1]) {
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            unsigned cp = hex4(s);
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && e - s >= 6 && s[0] == '\\' &&
                s[1] == 'u') {
                unsigned lo = hex4(s + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD; /* unpaired surrogate */
            o += utf8_put(o, cp);
            break;
        }
        default: /* '"', '\\', '/' */
            *o++ = bs[1];
            break;
        }
    }
    return (size_t)(o - dst);
}

/* Check the grammar of a number starting at p; returns its end or NULL. */
static const char *scan_number(const char *p, const char *end)
{
    if (p < end && *p == '-')
        p++;
    if (p >= end)
        return NULL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && (unsigned char)(*p - '0') < 10)
            p++;
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || (unsigned char)(*p - '0') >= 10)
            return NULL;
        while (p < end && (unsigned char)(*p - '0') < 10)
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || (unsigned char)(*p - '0') >= 10)
            return NULL;
        while (p < end && (unsigned char)(*p - '0') < 10)
            p++;
    }
    return p;
}

static inline bool match_lit(const char *p, const char *end, const char *lit,
                             size_t n)
{
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Skip one JSON value starting at p (no leading blanks).  Returns the
 * position after it, or NULL with *e set. */
static const char *skip_value(const char *p, const char *end, ScanErr *e)
{
    uint64_t stack[JSON_MAX_DEPTH / 64]; /* bit set: object, clear: array */
    int depth = 0;
    StrScan ss;
    for (;;) {
        /* A value is expected at p. */
        if (p >= end) {
            e->at = p, e->why = "value expected";
            return NULL;
        }
        switch (*p) {
        case '{':
        case '[': {
            bool is_obj = *p == '{';
            if (depth >= JSON_MAX_DEPTH) {
                e->at = p, e->why = "nesting deeper than 1024 levels";
                return NULL;
            }
            if (is_obj)
                stack[depth >> 6] |= 1ULL << (depth & 63);
            else
                stack[depth >> 6] &= ~(1ULL << (depth & 63));
            depth++;
            p = skip_ws(p + 1, end);
            if (p < end && *p == (is_obj ? '}' : ']')) {
                depth--;
                p++;
                goto after_value;
            }
            if (is_obj)
                goto object_key;
            continue;
        }
        case '"':
            p = scan_string(p + 1, end, &ss, e);
            if (!p)
                return NULL;
            p++;
            break;
        case 't':
            if (!match_lit(p, end, "true", 4))
                goto bad_value;
            p += 4;
            break;
        case 'f':
            if (!match_lit(p, end, "false", 5))
                goto bad_value;
            p += 5;
            break;
        case 'n':
            if (!match_lit(p, end, "null", 4))
                goto bad_value;
            p += 4;
            break;
        default: {
            const char *q = scan_number(p, end);
            if (!q)
                goto bad_value;
            p = q;
            break;
        }
        }
    after_value:
        for (;;) {
            if (depth == 0)
                return p;
            bool in_obj = (stack[(depth - 1) >> 6] >> ((depth - 1) & 63)) & 1;
            p = skip_ws(p, end);
            if (p >= end) {
                e->at = p,
                e->why = in_obj ? "unterminated object" : "unterminated array";
                return NULL;
            }
            if (*p == ',') {
                p = skip_ws(p + 1, end);
                if (in_obj)
                    goto object_key;
                break; /* next array element */
            }
            if (*p == (in_obj ? '}' : ']')) {
                depth--;
                p++;
                continue;
            }
            e->at = p, e->why = in_obj ? "',' or '}' expected in an object"
                                       : "',' or ']' expected in an array";
            return NULL;
        }
        continue;
    object_key:
        if (p >= end || *p != '"') {
            e->at = p, e->why = "object key (a string) expected";
            return NULL;
        }
        p = scan_string(p + 1, end, &ss, e);
        if (!p)
            return NULL;
        p = skip_ws(p + 1, end);
        if (p >= end || *p != ':') {
            e->at = p, e->why = "':' expected after an object key";
            return NULL;
        }
        p = skip_ws(p + 1, end);
    }
bad_value:
    e->at = p,
    e->why = "invalid value (expected a string, number, object, array, true, "
             "false or null)";
    return NULL;
}

/* ---- conversion -------------------------------------------------------- */

static const char *type_name(const RtType *t)
{
    switch (t->kind) {
    case VK_BOOL:
        return "BOOLEAN";
    case VK_INT:
        switch (t->sql_kind) {
        case RT_SQL_TINYINT:
            return "TINYINT";
        case RT_SQL_SMALLINT:
            return "SMALLINT";
        case RT_SQL_INT:
            return "INT";
        default:
            return "BIGINT";
        }
    case VK_DOUBLE:
        return t->sql_kind == RT_SQL_FLOAT ? "FLOAT" : "DOUBLE";
    case VK_DECIMAL:
        return "DECIMAL";
    case VK_STRING:
        return "STRING";
    case VK_BYTES:
        return t->sql_kind == RT_SQL_MAP ? "MAP" : "BYTES";
    case VK_DATE:
        return "DATE";
    case VK_TIME:
        return "TIME";
    case VK_TIMESTAMP:
        return "TIMESTAMP";
    case VK_TIMESTAMP_LTZ:
        return "TIMESTAMP_LTZ";
    default:
        return "this type";
    }
}

/* Outcome of decoding one field. */
typedef struct FieldRes {
    ScanErr malformed; /* JSON syntax error (why != NULL): bad line */
    const char *conv;  /* conversion error: the field is bad */
    bool wrong_kind;   /* conv names a JSON kind the type cannot take */
} FieldRes;

static inline const char *field_string(const char *p, const char *end,
                                       const RtType *t, Arena *a, Value *v,
                                       FieldRes *r)
{
    StrScan ss;
    const char *q = scan_string(p + 1, end, &ss, &r->malformed);
    if (!q)
        return NULL;
    const char *s = p + 1;
    size_t n = (size_t)(q - s);
    if (t->kind == VK_STRING) {
        const char *text = s;
        if (ss.has_esc) {
            char *buf = arena_alloc(a, n ? n : 1);
            n = unescape(s, q, buf);
            text = buf;
        }
        if (!ss.ascii && !utf8_valid(text, n)) {
            r->conv = "invalid UTF-8 in a string";
            return q + 1;
        }
        if (n > UINT32_MAX) {
            r->conv = "string longer than 4 GiB";
            return q + 1;
        }
        v->kind = VK_STRING;
        v->is_null = false;
        v->u.s.ptr = text;
        v->u.s.len = (uint32_t)n;
        return q + 1;
    }
    const char *text = s;
    char small[256];
    if (ss.has_esc) {
        char *buf = n <= sizeof small ? small : arena_alloc(a, n);
        n = unescape(s, q, buf);
        text = buf;
    }
    r->conv = textconv_value(t, text, n, a, NULL, v);
    return q + 1;
}

/* Decode the value at p (no leading blanks) into v of type t.  Returns the
 * position after the value; NULL when the JSON is malformed
 * (r->malformed), and the position after the value with r->conv set when
 * it does not convert. */
static const char *decode_field(const char *p, const char *end, const RtType *t,
                                Arena *a, const TimeZone *tz, Value *v,
                                FieldRes *r)
{
    const char *q;
    switch (*p) {
    case '"':
        if (t->kind == VK_TIMESTAMP_LTZ && tz) {
            /* rare: needs the zone, so take the generic path below */
            StrScan ss;
            q = scan_string(p + 1, end, &ss, &r->malformed);
            if (!q)
                return NULL;
            char small[256];
            const char *text = p + 1;
            size_t n = (size_t)(q - text);
            if (ss.has_esc) {
                char *buf = n <= sizeof small ? small : arena_alloc(a, n);
                n = unescape(text, q, buf);
                text = buf;
            }
            r->conv = textconv_value(t, text, n, a, tz, v);
            return q + 1;
        }
        return field_string(p, end, t, a, v, r);
    case 'n':
        if (!match_lit(p, end, "null", 4)) {
            r->malformed.why = "invalid literal (null expected)";
            r->malformed.at = p;
            return NULL;
        }
        *v = value_null(t->kind);
        return p + 4;
    case 't':
    case 'f': {
        bool b = *p == 't';
        size_t n = b ? 4 : 5;
        if (!match_lit(p, end, b ? "true" : "false", n)) {
            r->malformed.why = "invalid literal (true or false expected)";
            r->malformed.at = p;
            return NULL;
        }
        v->is_null = false;
        if (t->kind == VK_BOOL) {
            v->kind = VK_BOOL;
            v->u.i = b;
        } else if (t->kind == VK_STRING) {
            v->kind = VK_STRING;
            v->u.s.ptr = p;
            v->u.s.len = (uint32_t)n;
        } else {
            r->conv = "boolean";
            r->wrong_kind = true;
        }
        return p + n;
    }
    case '{':
    case '[':
        q = skip_value(p, end, &r->malformed);
        if (!q)
            return NULL;
        if (*p == '{' && rt_is_map(t)) { /* MAP column: runtime/json_map.c */
            r->conv = json_map_decode(p, q, t, a, tz, v);
            return q;
        }
        if (t->kind == VK_STRING && (size_t)(q - p) <= UINT32_MAX) {
            /* nested JSON into a STRING column: its text as written */
            if (!utf8_valid(p, (size_t)(q - p))) {
                r->conv = "invalid UTF-8 in a string";
                return q;
            }
            v->kind = VK_STRING;
            v->is_null = false;
            v->u.s.ptr = p;
            v->u.s.len = (uint32_t)(q - p);
        } else {
            r->conv = *p == '{' ? "object" : "array";
            r->wrong_kind = true;
        }
        return q;
    default:
        q = scan_number(p, end);
        if (!q) {
            r->malformed.why = "invalid value (expected a string, number, "
                               "object, array, true, false or null)";
            r->malformed.at = p;
            return NULL;
        }
        switch (t->kind) {
        case VK_STRING:
            v->kind = VK_STRING;
            v->is_null = false;
            v->u.s.ptr = p;
            v->u.s.len = (uint32_t)(q - p);
            return q;
        case VK_BOOL:
        case VK_DATE:
        case VK_TIME:
        case VK_BYTES:
            r->conv = "number";
            r->wrong_kind = true;
            return q;
        default:
            r->conv = textconv_value(t, p, (size_t)(q - p), a, tz, v);
            return q;
        }
    }
}

/* ---- fast paths ------------------------------------------------------- */

static inline uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint32_t load32(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* Does the key starting at s (just past its opening quote) equal the
 * remembered key k, closing quote included?  Reads only inside [s, end). */
static inline bool shape_match(const ShapeKey *k, const char *s,
                               const char *end)
{
    size_t n = k->len;
    if (n == 0 || (size_t)(end - s) <= n || s[n] != '"')
        return false;
    const char *t = k->text;
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 <= n; i += 8)
            if (load64(s + i) != load64(t + i))
                return false;
        return i == n || load64(s + n - 8) == load64(t + n - 8);
    }
    if (n >= 4)
        return load32(s) == load32(t) && load32(s + n - 4) == load32(t + n - 4);
    for (size_t i = 0; i < n; i++)
        if (s[i] != t[i])
            return false;
    return true;
}

/* Remember key [k, k + n) (as written, without escapes) at position i. */
static void shape_learn(JsonDecoder *d, uint32_t i, const char *k, size_t n,
                        int32_t col)
{
    ShapeKey *sk = &d->shape[i];
    if (n == 0 || n > SHAPE_KEY_MAX) {
        sk->len = 0;
        return;
    }
    memcpy(sk->text, k, n);
    sk->len = (uint32_t)n;
    sk->col = col;
}

static inline bool is_dig(char c)
{
    return (unsigned char)(c - '0') < 10;
}

/* After a number's digits: can the general path read it differently (more
 * digits past the fast limit, a fraction or an exponent)? */
static inline bool number_goes_on(const char *q, const char *end)
{
    return q < end && (is_dig(*q) || *q == '.' || *q == 'e' || *q == 'E');
}

static const int64_t pow10_tab[19] = {1LL,
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

/* How many of the eight bytes of w (little-endian: the first byte is the
 * lowest) are ASCII digits before the first non-digit.  Bytes after the
 * first non-digit may be misjudged (a carry), which does not matter. */
static inline unsigned swar_ndigits(uint64_t w)
{
    const uint64_t hi4 = 0xF0F0F0F0F0F0F0F0ULL, z = 0x3030303030303030ULL;
    uint64_t bad = ((w & hi4) ^ z) | (((w + 0x0606060606060606ULL) & hi4) ^ z);
    return bad ? (unsigned)__builtin_ctzll(bad) >> 3 : 8;
}

/* The value of the first n (1..8) digit bytes of w. */
static inline uint64_t swar_value(uint64_t w, unsigned n)
{
    w -= 0x3030303030303030ULL;
    if (n < 8)
        w = (w & ((1ULL << (8 * n)) - 1)) << (8 * (8 - n));
    w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFULL;
    w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFULL;
    return (w * 10000 + (w >> 32)) & 0xFFFFFFFFULL;
}

/* Read up to 16 leading digits at q into *x; returns how many.  More
 * digits may follow (the caller checks with number_goes_on). */
static inline size_t take_digits(const char *q, const char *end, uint64_t *x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - q >= 16) {
        uint64_t w = load64(q);
        unsigned n = swar_ndigits(w);
        if (n < 8) {
            *x = n ? swar_value(w, n) : 0;
            return n;
        }
        uint64_t v = swar_value(w, 8);
        uint64_t w2 = load64(q + 8);
        unsigned n2 = swar_ndigits(w2);
        *x = n2 ? v * (uint64_t)pow10_tab[n2] + swar_value(w2, n2) : v;
        return 8 + n2;
    }
#endif
    const char *s = q;
    uint64_t v = 0;
    while (q < end && is_dig(*q) && q - s < 16)
        v = v * 10 + (uint64_t)(*q++ - '0');
    *x = v;
    return (size_t)(q - s);
}

/* Convert a plain JSON number at p into column f in the same pass that
 * checks its syntax: integers of up to 16 digits into integer columns,
 * [-]ddd[.ddd] with no more fraction digits than the scale and at most 18
 * digits into DECIMAL columns (as textconv_decimal's own fast path).
 * Returns the position after the number, or NULL when the general path
 * must decide (other forms, out of range, malformed) - it then gives
 * exactly what it gives without this path. */
static inline const char *decode_fast(const ColFast *f, const char *p,
                                      const char *end, Value *v)
{
    const char *q = p;
    bool neg = *q == '-';
    q += neg;
    uint64_t x;
    size_t ni = take_digits(q, end, &x);
    if (ni == 0 || (ni > 1 && *q == '0'))
        return NULL;
    q += ni;
    if (f->kind == FAST_INT) {
        if (number_goes_on(q, end))
            return NULL;
        int64_t i = neg ? -(int64_t)x : (int64_t)x;
        if (i < f->min || i > f->max)
            return NULL;
        v->u.d.hi = 0;
        v->u.i = i;
        v->kind = VK_INT;
        v->is_null = false;
        return q;
    }
    size_t nf = 0;
    if (q < end && *q == '.') {
        uint64_t fx;
        q++;
        nf = take_digits(q, end, &fx);
        if (nf == 0 || ni + nf > 18)
            return NULL;
        q += nf;
        x = x * (uint64_t)pow10_tab[nf] + fx;
    }
    if (number_goes_on(q, end) || nf > (size_t)f->scale ||
        ni + (size_t)f->scale > 18)
        return NULL;
    x *= (uint64_t)pow10_tab[(size_t)f->scale - nf];
    if (f->prec < 18 && x >= (uint64_t)pow10_tab[f->prec])
        return NULL;
    value_set_dec(v, neg ? -(i128)x : (i128)x);
    return q;
}

/* Eight bytes at once (little-endian): are the bytes where dmask is 0xFF
 * ASCII digits and every other byte equal to the one in sep?  The
 * separator test comes first, so the addition cannot carry between bytes
 * (digits and separators are all below 0xFA). */
static inline bool ts_word(uint64_t w, uint64_t dmask, uint64_t sep)
{
    const uint64_t hi4 = 0xF0F0F0F0F0F0F0F0ULL;
    uint64_t t = 0x3030303030303030ULL & dmask;
    return (w & ~dmask) == sep && (w & dmask & hi4) == t &&
           ((w + 0x0606060606060606ULL) & dmask & hi4) == t;
}

static inline int ts_dig2(const char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

#define TS_SEP(c, i) ((uint64_t)(unsigned char)(c) << (8 * (i)))

/* A TIMESTAMP column's string at p (its opening quote) in exactly the
 * forms 'yyyy-mm-dd hh:mm:ss[.fff]' (or with 'T'), converted as
 * textconv_value() converts them, with the date's day number remembered
 * in f.  Returns the position after the closing quote, or NULL when the
 * general path must decide (any other form, escapes, out-of-range
 * fields): it then gives exactly what it gives without this path. */
static inline const char *decode_ts(ColFast *f, const char *p,
                                    const char *end, Value *v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const char *s = p + 1;
    size_t n;
    if (end - s > 19 && s[19] == '"')
        n = 19;
    else if (end - s > 23 && s[19] == '.' && s[23] == '"')
        n = 23;
    else
        return NULL;
    uint64_t w1 = load64(s + 8); /* "dd hh:mm" */
    if (((w1 >> 16) & 0xFF) == 'T')
        w1 ^= TS_SEP('T' ^ ' ', 2);
    if (!ts_word(w1, 0xFFFF00FFFF00FFFFULL, TS_SEP(' ', 2) | TS_SEP(':', 5)))
        return NULL;
    int ms = 0;
    if (n == 23) {
        if (!ts_word(load64(s + 15), 0xFFFFFF00FFFF00FFULL,
                     TS_SEP(':', 1) | TS_SEP('.', 4)))
            return NULL;
        ms = ts_dig2(s + 20) * 10 + (s[22] - '0');
    } else if (!ts_word(load64(s + 11), 0xFFFF00FFFF00FFFFULL,
                        TS_SEP(':', 2) | TS_SEP(':', 5))) {
        return NULL;
    }
    int h = ts_dig2(s + 11), mi = ts_dig2(s + 14), sec = ts_dig2(s + 17);
    if (h > 23 || mi > 59 || sec > 59)
        return NULL;
    uint64_t dlo = load64(s);
    uint16_t dhi;
    memcpy(&dhi, s + 8, 2);
    int64_t days;
    if (f->date_set && dlo == f->date_lo && dhi == f->date_hi) {
        days = f->date_days;
    } else {
        if (!ts_word(dlo, 0x00FFFF00FFFFFFFFULL,
                     TS_SEP('-', 4) | TS_SEP('-', 7)))
            return NULL;
        int64_t y = ts_dig2(s) * 100 + ts_dig2(s + 2);
        int mo = ts_dig2(s + 5), dd = ts_dig2(s + 8);
        if (mo < 1 || mo > 12 || dd < 1 ||
            (dd > 28 && dd > time_days_in_month(y, mo)))
            return NULL;
        days = time_days_from_civil(y, mo, dd);
        f->date_set = true;
        f->date_lo = dlo;
        f->date_hi = dhi;
        f->date_days = days;
    }
    v->kind = f->vkind;
    v->is_null = false;
    v->u.d.hi = 0;
    v->u.i = days * MS_PER_DAY + h * MS_PER_HOUR + mi * MS_PER_MINUTE +
             sec * MS_PER_SECOND + ms;
    return s + n + 1;
#else
    (void)f, (void)p, (void)end, (void)v;
    return NULL;
#endif
}

#undef TS_SEP

/* Skip a value of an unwanted field; strings and numbers inline, the
 * rest through skip_value().  NULL with *e set when malformed. */
static inline const char *skip_field(const char *p, const char *end, ScanErr *e)
{
    if (*p == '"') {
        StrScan ss;
        const char *q = scan_string(p + 1, end, &ss, e);
        return q ? q + 1 : NULL;
    }
    if (is_dig(*p)) {
        const char *q = scan_number(p, end);
        if (q)
            return q;
    }
    return skip_value(p, end, e);
}

/* ---- decoding ---------------------------------------------------------- */

static void set_err(JsonError *err, size_t off, int32_t col, const char *fmt,
                    ...) FSQL_PRINTF(4, 5);

static void set_err(JsonError *err, size_t off, int32_t col, const char *fmt,
                    ...)
{
    if (!err)
        return;
    err->offset = off;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* Record a conversion failure of column c; returns true when the row
 * goes on (ignore-parse-errors: the field becomes NULL). */
static bool conv_failed(JsonDecoder *d, int32_t c, const FieldRes *r,
                        const char *line, const char *vs, const char *ve,
                        Value *v, JsonError *err)
{
    const RtColumn *col = &d->schema->cols[c];
    size_t off = (size_t)(vs - line);
    if (r->wrong_kind) {
        set_err(err, off, c, "field \"%s\": a JSON %s cannot be read as %s",
                col->name, r->conv, type_name(&col->type));
    } else {
        /* quote the value as written, cut at 40 bytes */
        int n = ve - vs > 40 ? 40 : (int)(ve - vs);
        set_err(err, off, c, "field \"%s\": %.*s%s is %s (column type %s)",
                col->name, n, vs, ve - vs > 40 ? "..." : "", r->conv,
                type_name(&col->type));
    }
    if (!d->opt.ignore_parse_errors)
        return false;
    *v = value_null(col->type.kind);
    d->stats.fields_nulled++;
    return true;
}

static int row_bad(JsonDecoder *d)
{
    if (d->opt.ignore_parse_errors) {
        d->stats.rows_skipped++;
        return JSON_SKIP;
    }
    return JSON_ERROR;
}

int json_decode(JsonDecoder *d, const char *line, size_t len, Arena *a,
                Value *out_row, JsonError *err)
{
    const char *p = line, *end = line + len;
    const char *why = NULL;
    const RtColumn *cols = d->schema->cols;
    uint32_t n_cols = d->n_cols;
    if (err) {
        err->msg[0] = '\0';
        err->offset = 0;
        err->col = -1;
    }
    p = skip_ws(p, end);
    if (p == end)
        return JSON_BLANK;
    if (*p != '{') {
        why = "a JSON object ('{') expected";
        goto malformed;
    }
    if (unlikely(++d->stamp == 0)) {
        memset(d->seen, 0, n_cols * sizeof(uint32_t));
        d->stamp = 1;
    }
    for (uint32_t c = 0; c < n_cols; c++)
        out_row[c] = value_null(cols[c].type.kind);

    p = skip_ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
        goto done;
    }
    for (uint32_t ki = 0;; ki++) {
        if (p >= end || *p != '"') {
            why = "object key (a string) expected";
            goto malformed;
        }
        int32_t c;
        if (ki < SHAPE_MAX && shape_match(&d->shape[ki], p + 1, end)) {
            c = d->shape[ki].col;
            p += d->shape[ki].len + 2;
        } else {
            StrScan ss;
            ScanErr se;
            const char *kq = scan_string(p + 1, end, &ss, &se);
            if (!kq) {
                why = se.why;
                p = se.at;
                goto malformed;
            }
            const char *key = p + 1;
            size_t klen = (size_t)(kq - key);
            if (unlikely(ss.has_esc)) {
                char *buf = arena_alloc(a, klen ? klen : 1);
                klen = unescape(key, kq, buf);
                key = buf;
            }
            c = lookup_key(d, key, klen);
            if (ki < SHAPE_MAX)
                shape_learn(d, ki, p + 1, ss.has_esc ? 0 : klen, c);
            p = kq + 1;
        }
        if (likely(p < end && *p == ':')) {
            p++;
        } else {
            p = skip_ws(p, end);
            if (p >= end || *p != ':') {
                why = "':' expected after an object key";
                goto malformed;
            }
            p++;
        }
        p = skip_ws(p, end);
        if (p >= end) {
            why = "value expected";
            goto malformed;
        }
        if (c < 0) {
            ScanErr se2;
            p = skip_field(p, end, &se2);
            if (!p) {
                why = se2.why;
                p = se2.at;
                goto malformed;
            }
        } else {
            const char *q = NULL;
            ColFast *f = &d->fast[c];
            if (f->kind == FAST_TS) {
                if (*p == '"')
                    q = decode_ts(f, p, end, &out_row[c]);
            } else if (f->kind != FAST_NONE && (is_dig(*p) || *p == '-')) {
                q = decode_fast(f, p, end, &out_row[c]);
            }
            if (q) {
                d->seen[c] = d->stamp;
                p = q;
                goto next_key;
            }
            FieldRes r = {{NULL, NULL}, NULL, false};
            const char *vstart = p;
            p = decode_field(p, end, &cols[c].type, a, d->opt.tz, &out_row[c],
                             &r);
            if (!p) {
                why = r.malformed.why;
                p = r.malformed.at;
                goto malformed;
            }
            if (unlikely(r.conv != NULL)) {
                if (!conv_failed(d, c, &r, line, vstart, p, &out_row[c], err))
                    return JSON_ERROR;
            }
            d->seen[c] = d->stamp;
        }
    next_key:
        if (likely(p < end && *p == ',')) {
            p = skip_ws(p + 1, end);
            continue;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') {
            p++;
            break;
        }
        why = p < end ? "',' or '}' expected in an object"
                      : "unterminated object";
        goto malformed;
    }
done:
    p = skip_ws(p, end);
    if (p != end) {
        why = "unexpected text after the JSON object";
        goto malformed;
    }
    if (d->opt.fail_on_missing_field) {
        for (uint32_t c = 0; c < n_cols; c++) {
            if (d->seen[c] != d->stamp) {
                set_err(err, len, (int32_t)c, "field \"%s\" is missing",
                        cols[c].name);
                return row_bad(d);
            }
        }
    }
    d->stats.rows_ok++;
    return JSON_OK;

malformed:
    set_err(err, (size_t)(p - line), -1, "malformed JSON: %s", why);
    return row_bad(d);
}

/* ---- encoding ---------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

/* 1 for bytes that must be escaped in a JSON string. */
static inline bool needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

void json_encode_string(StrBuf *out, const char *s, size_t n)
{
    strbuf_reserve(out, n + 2);
    strbuf_putc(out, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (likely(!needs_escape(c)))
            continue;
        strbuf_append(out, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t k = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hexdig[c >> 4];
            esc[5] = hexdig[c & 15];
            k = 6;
            break;
        }
        strbuf_append(out, esc, k);
    }
    strbuf_append(out, s + run, n - run);
    strbuf_putc(out, '"');
}

void json_encode_value_fmt(StrBuf *out, const RtType *t, const Value *v,
                           const ValueFmt *f)
{
    if (v->is_null) {
        strbuf_append(out, "null", 4);
        return;
    }
    switch (t->kind) {
    case VK_INT:
        value_format_i64(out, v->u.i);
        return;
    case VK_BOOL:
        if (v->u.i)
            strbuf_append(out, "true", 4);
        else
            strbuf_append(out, "false", 5);
        return;
    case VK_STRING:
        json_encode_string(out, v->u.s.ptr, v->u.s.len);
        return;
    default:
        value_format_json(out, v, t, f);
        return;
    }
}

void json_encode_value(StrBuf *out, const RtType *t, const Value *v)
{
    json_encode_value_fmt(out, t, v, NULL);
}

void json_encode_row_fmt(StrBuf *out, const RtSchema *s, const Value *row,
                         const ValueFmt *f)
{
    strbuf_putc(out, '{');
    for (uint32_t c = 0; c < s->n_cols; c++) {
        if (c)
            strbuf_putc(out, ',');
        json_encode_string(out, s->cols[c].name, strlen(s->cols[c].name));
        strbuf_putc(out, ':');
        json_encode_value_fmt(out, &s->cols[c].type, &row[c], f);
    }
    strbuf_putc(out, '}');
}

void json_encode_row(StrBuf *out, const RtSchema *s, const Value *row)
{
    json_encode_row_fmt(out, s, row, NULL);
}

struct JsonEncoder {
    const RtSchema *schema; /* borrowed */
    ValueFmt fmt;
    JsonEncOptions opt;
    bool general;     /* options or MAP columns: json_encoder_row_general */
    const char *failed; /* json_encoder_failed */
    StrBuf keys;      /* '{"a":' ',"b":' ... concatenated */
    size_t *key_off;  /* n_cols + 1 offsets into keys */
    int64_t day;      /* day of the last TIMESTAMP written ... */
    uint32_t day_len; /* ... and its text (0: none yet) */
    char day_text[TIME_FMT_TIMESTAMP_MAX];
};

JsonEncoder *json_encoder_new(const RtSchema *s, const ValueFmt *f)
{
    JsonEncoder *e = xcalloc(1, sizeof *e);
    e->schema = s;
    if (f)
        e->fmt = *f;
    strbuf_init(&e->keys);
    e->key_off = xcalloc(s->n_cols + 1, sizeof(size_t));
    for (uint32_t c = 0; c < s->n_cols; c++) {
        e->key_off[c] = e->keys.len;
        strbuf_putc(&e->keys, c ? ',' : '{');
        json_encode_string(&e->keys, s->cols[c].name, strlen(s->cols[c].name));
        strbuf_putc(&e->keys, ':');
    }
    e->key_off[s->n_cols] = e->keys.len;
    return e;
}

void json_encoder_free(JsonEncoder *e)
{
    if (!e)
        return;
    strbuf_fini(&e->keys);
    xfree(e->key_off);
    xfree(e);
}

/* ---- the row encoder's direct writers ----------------------------------
 * json_encoder_row() reserves an upper bound for the whole row once and
 * then writes through a plain pointer; these helpers write what
 * json_encode_value_fmt() would append, byte for byte. */

static const char digits2[201] = "00010203040506070809"
                                 "10111213141516171819"
                                 "20212223242526272829"
                                 "30313233343536373839"
                                 "40414243444546474849"
                                 "50515253545556575859"
                                 "60616263646566676869"
                                 "70717273747576777879"
                                 "80818283848586878889"
                                 "90919293949596979899";

/* The decimal digits of u into o (no sign); returns the end. */
static inline char *put_u64(char *o, uint64_t u)
{
    char tmp[24];
    char *t = tmp + sizeof tmp;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        t -= 2;
        memcpy(t, digits2 + 2 * r, 2);
    }
    if (u >= 10) {
        t -= 2;
        memcpy(t, digits2 + 2 * u, 2);
    } else {
        *--t = (char)('0' + u);
    }
    size_t n = (size_t)(tmp + sizeof tmp - t);
    memcpy(o, t, n);
    return o + n;
}

static inline char *put_i64(char *o, int64_t x)
{
    if (x < 0) {
        *o++ = '-';
        return put_u64(o, (uint64_t)0 - (uint64_t)x);
    }
    return put_u64(o, (uint64_t)x);
}

/* A DECIMAL as decimal_format() writes it (fits below 2^63 here). */
static char *put_dec_small(char *o, int64_t v, int scale)
{
    char dig[24];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int nd = (int)(put_u64(dig, u) - dig);
    if (scale < 0)
        scale = 0;
    if (v < 0)
        *o++ = '-';
    if (nd <= scale) {
        *o++ = '0';
        if (scale > 0) {
            *o++ = '.';
            for (int i = 0; i < scale - nd; i++)
                *o++ = '0';
            memcpy(o, dig, (size_t)nd);
            o += nd;
        }
    } else {
        int ip = nd - scale;
        memcpy(o, dig, (size_t)ip);
        o += ip;
        if (scale > 0) {
            *o++ = '.';
            memcpy(o, dig + ip, (size_t)scale);
            o += scale;
        }
    }
    return o;
}

/* A JSON string literal (as json_encode_string); o has room for 6n+2. */
static char *put_json_string(char *o, const char *s, size_t n)
{
    *o++ = '"';
    size_t i = 0;
    for (;;) {
        size_t run = i;
#if defined(__SSE2__)
        while (n - i >= 16) {
            const __m128i quote = _mm_set1_epi8('"');
            const __m128i bslash = _mm_set1_epi8('\\');
            const __m128i ctl = _mm_set1_epi8(0x1F);
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i sp = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                   _mm_cmpeq_epi8(v, bslash)),
                                      _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
            unsigned m = (unsigned)_mm_movemask_epi8(sp);
            if (m) {
                i += (unsigned)__builtin_ctz(m);
                goto found;
            }
            i += 16;
        }
#endif
        while (i < n && !needs_escape((unsigned char)s[i]))
            i++;
#if defined(__SSE2__)
    found:
#endif
        memcpy(o, s + run, i - run);
        o += i - run;
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i++];
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hexdig[c >> 4];
            *o++ = hexdig[c & 15];
            break;
        }
    }
    *o++ = '"';
    return o;
}

/* "yyyy-mm-dd hh:mm:ss[.f...]" as time_format_timestamp_p() writes it; the
 * date part of the previous call is kept (rows of a stream mostly share
 * their day). */
static char *put_timestamp(JsonEncoder *e, char *o, int64_t ms, int prec)
{
    int64_t days = time_floor_div(ms, MS_PER_DAY);
    if (unlikely((int64_t)(int32_t)days != days || prec < 0 || prec > 3)) {
        /* far out of range or precision beyond milliseconds: general */
        return o + time_format_timestamp_p(o, ms, prec);
    }
    if (days != e->day || e->day_len == 0) {
        e->day_len = (uint32_t)time_format_date(e->day_text, (int32_t)days);
        e->day = days;
    }
    memcpy(o, e->day_text, e->day_len);
    o += e->day_len;
    *o++ = ' ';
    int64_t msod = ms - days * MS_PER_DAY;
    unsigned sec = (unsigned)(msod / 1000), milli = (unsigned)(msod % 1000);
    unsigned h = sec / 3600, mi = sec / 60 % 60, sc = sec % 60;
    memcpy(o, digits2 + 2 * h, 2);
    o[2] = ':';
    memcpy(o + 3, digits2 + 2 * mi, 2);
    o[5] = ':';
    memcpy(o + 6, digits2 + 2 * sc, 2);
    o += 8;
    if (prec > 0) {
        *o++ = '.';
        *o++ = (char)('0' + milli / 100);
        if (prec > 1)
            *o++ = (char)('0' + milli / 10 % 10);
        if (prec > 2)
            *o++ = (char)('0' + milli % 10);
    }
    return o;
}

/* Upper bound of the bytes column c of row takes (value only). */
static inline size_t value_bound(const RtType *t, const Value *v)
{
    if (v->is_null)
        return 4;
    switch (t->kind) {
    case VK_STRING:
        return 6 * (size_t)v->u.s.len + 2;
    case VK_BYTES:
        return 4 * ((size_t)v->u.s.len / 3 + 1) + 2;
    default:
        return 64; /* numbers, DECIMAL (DEC_FORMAT_MAX), temporal */
    }
}

/* ---- writer options ----------------------------------------------------- */

int json_enc_options_of(const struct TableDef *t, const char *prefix,
                        JsonEncOptions *o, FsqlErr *err)
{
    static const char *const names[] = {
        "encode.ignore-null-fields", "timestamp-format.standard",
        "map-null-key.mode", "map-null-key.literal"};
    const char *v[4];
    memset(o, 0, sizeof *o);
    o->map_null_literal = "null";
    for (int i = 0; i < 4; i++) {
        char k[160];
        v[i] = NULL;
        if (prefix) {
            snprintf(k, sizeof k, "%sjson.%s", prefix, names[i]);
            v[i] = table_def_option(t, k);
        }
        if (!v[i]) {
            snprintf(k, sizeof k, "json.%s", names[i]);
            v[i] = table_def_option(t, k);
        }
    }
    if (v[0] && strcasecmp(v[0], "true") == 0)
        o->ignore_null_fields = true;
    else if (v[0] && strcasecmp(v[0], "false") != 0)
        goto bad0;
    if (v[1] && strcasecmp(v[1], "ISO-8601") == 0)
        o->ts_iso = true;
    else if (v[1] && strcasecmp(v[1], "SQL") != 0)
        goto bad1;
    if (!v[2] || strcasecmp(v[2], "FAIL") == 0)
        o->map_null = JSON_MAP_NULL_FAIL;
    else if (strcasecmp(v[2], "DROP") == 0)
        o->map_null = JSON_MAP_NULL_DROP;
    else if (strcasecmp(v[2], "LITERAL") == 0)
        o->map_null = JSON_MAP_NULL_LITERAL;
    else
        goto bad2;
    if (v[3])
        o->map_null_literal = v[3];
    return FSQL_OK;
bad0:
    return fsql_err_set(err, FSQL_E_CONFIG,
                        "table \"%s\": option 'json.%s' must be true or "
                        "false, not \"%s\"", t->name, names[0], v[0]);
bad1:
    return fsql_err_set(err, FSQL_E_CONFIG,
                        "table \"%s\": option 'json.%s' must be 'SQL' or "
                        "'ISO-8601', not \"%s\"", t->name, names[1], v[1]);
bad2:
    return fsql_err_set(err, FSQL_E_CONFIG,
                        "table \"%s\": option 'json.%s' must be 'FAIL', "
                        "'DROP' or 'LITERAL', not \"%s\"",
                        t->name, names[2], v[2]);
}

void json_encoder_set_options(JsonEncoder *e, const JsonEncOptions *o)
{
    e->opt = *o;
    e->fmt.map_null_drop = o->map_null == JSON_MAP_NULL_DROP;
    e->fmt.map_null_key =
        o->map_null == JSON_MAP_NULL_LITERAL ? o->map_null_literal : NULL;
    e->general = o->ignore_null_fields || o->ts_iso;
    for (uint32_t c = 0; c < e->schema->n_cols; c++)
        if (rt_is_map(&e->schema->cols[c].type))
            e->general = true;
}

const char *json_encoder_failed(const JsonEncoder *e)
{
    return e->failed;
}

/* A TIMESTAMP (UTC for TIMESTAMP_LTZ) in ISO-8601 form:
 * "2024-01-01T10:00:00.123", with a trailing Z for TIMESTAMP_LTZ. */
static void put_ts_iso(StrBuf *out, const RtType *t, int64_t ms)
{
    char buf[TIME_FMT_TIMESTAMP_MAX + 2];
    int prec = t->precision < 0 ? 3 : t->precision > 9 ? 9 : t->precision;
    size_t n = time_format_timestamp_p(buf, ms, prec);
    char *sp = memchr(buf, ' ', n);
    if (sp)
        *sp = 'T';
    if (t->kind == VK_TIMESTAMP_LTZ)
        buf[n++] = 'Z';
    strbuf_putc(out, '"');
    strbuf_append(out, buf, n);
    strbuf_putc(out, '"');
}

/* json_encoder_row with the writer options or MAP columns: column by
 * column through the general writer. */
static void json_encoder_row_general(JsonEncoder *e, StrBuf *out,
                                     const Value *row)
{
    const RtSchema *s = e->schema;
    bool first = true;
    e->failed = NULL;
    strbuf_putc(out, '{');
    for (uint32_t c = 0; c < s->n_cols; c++) {
        const RtType *t = &s->cols[c].type;
        const Value *v = &row[c];
        bool null = v->is_null;
        if (!null && rt_is_map(t) && e->opt.map_null == JSON_MAP_NULL_FAIL &&
            map_has_null_key(v)) {
            if (!e->failed)
                e->failed = s->cols[c].name;
            null = true;
        }
        if (null && e->opt.ignore_null_fields)
            continue;
        if (!first)
            strbuf_putc(out, ',');
        first = false;
        json_encode_string(out, s->cols[c].name, strlen(s->cols[c].name));
        strbuf_putc(out, ':');
        if (null)
            strbuf_append(out, "null", 4);
        else if (e->opt.ts_iso &&
                 (t->kind == VK_TIMESTAMP || t->kind == VK_TIMESTAMP_LTZ))
            put_ts_iso(out, t, v->u.i);
        else
            json_encode_value_fmt(out, t, v, &e->fmt);
    }
    strbuf_putc(out, '}');
}

void json_encoder_row(JsonEncoder *e, StrBuf *out, const Value *row)
{
    const RtSchema *s = e->schema;
    if (e->general) {
        json_encoder_row_general(e, out, row);
        return;
    }
    if (s->n_cols == 0) {
        strbuf_append(out, "{}", 2);
        return;
    }
    size_t need = e->keys.len + 2;
    for (uint32_t c = 0; c < s->n_cols; c++)
        need += value_bound(&s->cols[c].type, &row[c]);
    strbuf_reserve(out, need);
    char *o = out->ptr + out->len;
    for (uint32_t c = 0; c < s->n_cols; c++) {
        const RtType *t = &s->cols[c].type;
        const Value *v = &row[c];
        size_t kl = e->key_off[c + 1] - e->key_off[c];
        memcpy(o, e->keys.ptr + e->key_off[c], kl);
        o += kl;
        if (v->is_null) {
            memcpy(o, "null", 4);
            o += 4;
            continue;
        }
        switch (t->kind) {
        case VK_INT:
            o = put_i64(o, v->u.i);
            break;
        case VK_BOOL:
            if (v->u.i) {
                memcpy(o, "true", 4);
                o += 4;
            } else {
                memcpy(o, "false", 5);
                o += 5;
            }
            break;
        case VK_STRING:
            o = put_json_string(o, v->u.s.ptr, v->u.s.len);
            break;
        case VK_DECIMAL: {
            i128 x = value_get_dec(v);
            if (x > -(i128)INT64_MAX && x < (i128)INT64_MAX)
                o = put_dec_small(o, (int64_t)x, t->scale);
            else
                o += decimal_format(o, x, t->scale);
            break;
        }
        case VK_TIMESTAMP: {
            int prec = t->precision < 0   ? 3
                       : t->precision > 9 ? 9
                                          : t->precision;
            *o++ = '"';
            o = put_timestamp(e, o, v->u.i, prec);
            *o++ = '"';
            break;
        }
        default:
            /* everything else through the general writer */
            out->len = (size_t)(o - out->ptr);
            json_encode_value_fmt(out, t, v, &e->fmt);
            strbuf_reserve(out, need);
            o = out->ptr + out->len;
            break;
        }
    }
    *o++ = '}';
    out->len = (size_t)(o - out->ptr);
    out->ptr[out->len] = '\0';
}
