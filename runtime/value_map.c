/*
 * value_map.c - MAP values (see value_map.h for the block layout): building,
 * iteration, lookup, validation, Flink's text and JSON forms, and the VM
 * functions behind MAP[...], m[key], CARDINALITY(m) and CAST(m AS STRING).
 *
 * Nothing here allocates except the block of a map being built, which
 * goes to the caller's arena (the batch arena in the VM).
 */
#include "runtime/fsql.h"
#include "runtime/value_map.h"
#include "runtime/func.h"

#include <string.h>

/* ---- little-endian helpers ---------------------------------------------- */

static void put_u32(char *p, uint32_t x)
{
    unsigned char *q = (unsigned char *)p;
    q[0] = (unsigned char)x;
    q[1] = (unsigned char)(x >> 8);
    q[2] = (unsigned char)(x >> 16);
    q[3] = (unsigned char)(x >> 24);
}

static void put_u64(char *p, uint64_t x)
{
    for (int i = 0; i < 8; i++)
        ((unsigned char *)p)[i] = (unsigned char)(x >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    return x;
}

/* Payload size of a present element of kind k, the length word included
 * for strings (-1: a kind a map cannot hold). */
static int fixed_size(ValueKind k)
{
    switch (k) {
    case VK_NULLTYPE:
        return 0;
    case VK_STRING:
    case VK_BYTES:
        return 4;
    case VK_DECIMAL:
        return 16;
    case VK_BOOL:
    case VK_INT:
    case VK_DOUBLE:
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        return 8;
    }
    return -1;
}

/* ---- building ------------------------------------------------------------ */

size_t map_elem_size(const Value *v, ValueKind k)
{
    if (v->is_null || k == VK_NULLTYPE)
        return 1;
    size_t n = 1 + (size_t)fixed_size(k);
    if (k == VK_STRING || k == VK_BYTES)
        n += v->u.s.len;
    return n;
}

static void put_type(char *p, const RtType *t)
{
    int32_t prec = t->precision < 0 || t->precision > 127 ? -1 : t->precision;
    p[0] = (char)(uint8_t)t->kind;
    p[1] = (char)t->sql_kind;
    p[2] = (char)(int8_t)prec;
    p[3] = (char)(uint8_t)(t->scale < 0 || t->scale > 38 ? 0 : t->scale);
}

char *map_put_header(char *p, const RtType *kt, const RtType *vt,
                     uint32_t count)
{
    p[0] = (char)MAP_MAGIC;
    put_type(p + 1, kt);
    put_type(p + 5, vt);
    put_u32(p + 9, count);
    return p + MAP_HDR_SIZE;
}

char *map_put_elem(char *p, const Value *v, ValueKind k)
{
    if (v->is_null || k == VK_NULLTYPE) {
        *p++ = 0;
        return p;
    }
    *p++ = 1;
    switch (k) {
    case VK_STRING:
    case VK_BYTES:
        put_u32(p, v->u.s.len);
        if (v->u.s.len)
            memcpy(p + 4, v->u.s.ptr, v->u.s.len);
        return p + 4 + v->u.s.len;
    case VK_DECIMAL:
        put_u64(p, v->u.d.lo);
        put_u64(p + 8, (uint64_t)v->u.d.hi);
        return p + 16;
    case VK_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->u.f, sizeof bits);
        put_u64(p, bits);
        return p + 8;
    }
    default:
        put_u64(p, (uint64_t)v->u.i);
        return p + 8;
    }
}

static bool key_eq(const Value *a, const Value *b, const RtType *t)
{
    return value_equal(a, b, t);
}

/* Which pairs of kv survive: keep[i] for the first pair of each key,
 * with last[i] the index of the last pair with that key (whose value is
 * kept).  Small maps compare every pair; larger ones (a wide JSON object)
 * hash the keys into an arena table, so a map of n entries costs O(n). */
static uint32_t pairs_dedupe(Arena *a, const RtType *kt, const Value *kv,
                             uint32_t n, bool *keep, uint32_t *last)
{
    uint32_t count = 0;
    if (n <= 16) {
        for (uint32_t i = 0; i < n; i++) {
            keep[i] = true;
            last[i] = i;
            for (uint32_t j = 0; j < i && keep[i]; j++)
                if (keep[j] && key_eq(&kv[2 * j], &kv[2 * i], kt)) {
                    keep[i] = false;
                    last[j] = i;
                }
            count += keep[i];
        }
        return count;
    }
    uint32_t cap = 32;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slot = arena_alloc(a, sizeof(uint32_t) * cap); /* index + 1 */
    memset(slot, 0, sizeof(uint32_t) * cap);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t h = (uint32_t)value_hash(&kv[2 * i], kt) & (cap - 1);
        keep[i] = true;
        last[i] = i;
        for (; slot[h]; h = (h + 1) & (cap - 1)) {
            uint32_t j = slot[h] - 1;
            if (key_eq(&kv[2 * j], &kv[2 * i], kt)) {
                keep[i] = false;
                last[j] = i;
                break;
            }
        }
        if (keep[i]) {
            slot[h] = i + 1;
            count++;
        }
    }
    return count;
}

void map_build(Arena *a, Value *dst, const RtType *kt, const RtType *vt,
               const Value *kv, uint32_t n_pairs)
{
    bool small_keep[16];
    uint32_t small_last[16];
    bool *keep = n_pairs <= 16 ? small_keep
                               : arena_alloc(a, sizeof(bool) * n_pairs);
    uint32_t *last = n_pairs <= 16
                         ? small_last
                         : arena_alloc(a, sizeof(uint32_t) * n_pairs);
    uint32_t count = pairs_dedupe(a, kt, kv, n_pairs, keep, last);
    size_t size = MAP_HDR_SIZE;
    for (uint32_t i = 0; i < n_pairs; i++)
        if (keep[i])
            size += map_elem_size(&kv[2 * i], kt->kind) +
                    map_elem_size(&kv[2 * last[i] + 1], vt->kind);
    char *blk = arena_alloc(a, size);
    char *p = map_put_header(blk, kt, vt, count);
    for (uint32_t i = 0; i < n_pairs; i++) {
        if (!keep[i])
            continue;
        p = map_put_elem(p, &kv[2 * i], kt->kind);
        p = map_put_elem(p, &kv[2 * last[i] + 1], vt->kind);
    }
    FSQL_ASSERT((size_t)(p - blk) == size);
    dst->kind = VK_BYTES;
    dst->is_null = false;
    dst->u.s.ptr = blk;
    dst->u.s.len = (uint32_t)size;
}

/* ---- reading ------------------------------------------------------------- */

static bool get_type(const unsigned char *p, RtType *t)
{
    t->kind = (ValueKind)p[0];
    t->sql_kind = p[1];
    t->precision = (int8_t)p[2];
    t->scale = p[3];
    t->is_nullable = true;
    return p[0] <= VK_INTERVAL_MONTHS && fixed_size(t->kind) >= 0 &&
           t->sql_kind != RT_SQL_MAP && t->scale <= 38 && t->precision <= 127;
}

bool map_iter_init(MapIter *it, const Value *m)
{
    const unsigned char *p = (const unsigned char *)m->u.s.ptr;
    it->p = it->e = p;
    it->left = 0;
    if (m->is_null || m->u.s.len < MAP_HDR_SIZE || p[0] != MAP_MAGIC)
        return false;
    if (!get_type(p + 1, &it->kt) || !get_type(p + 5, &it->vt))
        return false;
    it->left = get_u32(p + 9);
    it->p = p + MAP_HDR_SIZE;
    it->e = p + m->u.s.len;
    return true;
}

static bool get_elem(MapIter *it, ValueKind k, Value *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = (uint8_t)k;
    if (it->p >= it->e)
        return false;
    uint8_t flag = *it->p++;
    if (flag == 0 || k == VK_NULLTYPE) {
        v->is_null = true;
        return flag == 0;
    }
    if (flag != 1)
        return false;
    size_t room = (size_t)(it->e - it->p);
    size_t need = (size_t)fixed_size(k);
    if (room < need)
        return false;
    switch (k) {
    case VK_STRING:
    case VK_BYTES: {
        uint32_t len = get_u32(it->p);
        if (room - 4 < len)
            return false;
        v->u.s.ptr = (const char *)it->p + 4;
        v->u.s.len = len;
        need += len;
        break;
    }
    case VK_DECIMAL:
        v->u.d.lo = get_u64(it->p);
        v->u.d.hi = (int64_t)get_u64(it->p + 8);
        break;
    case VK_DOUBLE: {
        uint64_t bits = get_u64(it->p);
        memcpy(&v->u.f, &bits, sizeof bits);
        break;
    }
    default:
        v->u.i = (int64_t)get_u64(it->p);
        break;
    }
    it->p += need;
    return true;
}

bool map_iter_next(MapIter *it, Value *k, Value *v)
{
    if (it->left == 0)
        return false;
    if (!get_elem(it, it->kt.kind, k) || !get_elem(it, it->vt.kind, v)) {
        it->left = 0;
        return false;
    }
    it->left--;
    return true;
}

uint32_t map_count(const Value *m)
{
    MapIter it;
    return map_iter_init(&it, m) ? it.left : 0;
}

void map_get(const Value *m, const Value *key, const RtType *kt, Value *out)
{
    MapIter it;
    Value k, v;
    bool ok = map_iter_init(&it, m);
    *out = value_null(ok ? it.vt.kind : VK_NULLTYPE);
    if (!ok)
        return;
    bool dec = it.kt.kind == VK_DECIMAL && kt && kt->kind == VK_DECIMAL &&
               kt->scale != it.kt.scale;
    /* A key of another storage kind than the block's keys matches
     * nothing (the compiler converts keys; a block restored with other
     * element types must not have a STRING key read as an integer). */
    ValueKind qk = (ValueKind)key->kind;
    bool same = qk == it.kt.kind ||
                ((qk == VK_STRING || qk == VK_BYTES) &&
                 (it.kt.kind == VK_STRING || it.kt.kind == VK_BYTES));
    if (!same)
        return;
    while (map_iter_next(&it, &k, &v)) {
        bool eq = dec ? value_compare_dec(&k, it.kt.scale, key, kt->scale) == 0
                      : value_equal(&k, key, &it.kt);
        if (eq) {
            *out = v;
            return;
        }
    }
}

bool map_validate(const char *p, size_t n)
{
    if (n < MAP_HDR_SIZE || n > UINT32_MAX)
        return false;
    Value m;
    m.kind = VK_BYTES;
    m.is_null = false;
    m.u.s.ptr = p;
    m.u.s.len = (uint32_t)n;
    MapIter it;
    if (!map_iter_init(&it, &m))
        return false;
    /* every entry takes at least two bytes: bound the count first */
    if (it.left > (n - MAP_HDR_SIZE) / 2)
        return false;
    uint32_t want = it.left;
    Value k, v;
    uint32_t got = 0;
    while (map_iter_next(&it, &k, &v))
        got++;
    return got == want && it.p == it.e;
}

/* Whether an element v read from a block can be written as kind k: the
 * same storage kind, STRING and BYTES exchanged, or a NULL.  Anything else
 * (a block whose element types are not the ones the compiler converted
 * from) is written as NULL rather than read through the wrong union
 * member. */
static bool elem_fits(const Value *v, ValueKind k)
{
    ValueKind vk = (ValueKind)v->kind;
    return v->is_null || k == VK_NULLTYPE || vk == k ||
           ((vk == VK_STRING || vk == VK_BYTES) &&
            (k == VK_STRING || k == VK_BYTES));
}

void map_retype(Arena *a, Value *dst, const Value *m, const RtType *kt,
                const RtType *vt)
{
    MapIter it;
    Value k, v;
    size_t size = MAP_HDR_SIZE;
    uint32_t count = 0;
    if (map_iter_init(&it, m))
        while (map_iter_next(&it, &k, &v)) {
            if (!elem_fits(&k, kt->kind))
                k.is_null = true;
            if (!elem_fits(&v, vt->kind))
                v.is_null = true;
            size += map_elem_size(&k, kt->kind) + map_elem_size(&v, vt->kind);
            count++;
        }
    char *blk = arena_alloc(a, size);
    char *p = map_put_header(blk, kt, vt, count);
    if (map_iter_init(&it, m))
        while (count-- && map_iter_next(&it, &k, &v)) {
            if (!elem_fits(&k, kt->kind))
                k.is_null = true;
            if (!elem_fits(&v, vt->kind))
                v.is_null = true;
            p = map_put_elem(p, &k, kt->kind);
            p = map_put_elem(p, &v, vt->kind);
        }
    dst->kind = VK_BYTES;
    dst->is_null = false;
    dst->u.s.ptr = blk;
    dst->u.s.len = (uint32_t)(p - blk);
}

/* ---- text ---------------------------------------------------------------- */

static void put_elem(StrBuf *out, const Value *v, const RtType *t,
                     const ValueFmt *ef, bool java)
{
    if (v->is_null) {
        strbuf_puts(out, java ? "null" : "NULL");
        return;
    }
    if (!java && t->kind == VK_BYTES) {
        /* CAST(BYTES AS STRING): decoded as UTF-8 */
        value_append_utf8_lenient(out, v->u.s.ptr, v->u.s.len);
        return;
    }
    value_format(out, v, t, ef);
}

void map_format(StrBuf *out, const Value *m, const ValueFmt *f)
{
    ValueFmt ef = {.tz = f ? f->tz : NULL, .style = f ? f->style : VALUE_STYLE_SQL, .null_text = NULL};
    bool java = ef.style == VALUE_STYLE_PRINT;
    MapIter it;
    Value k, v;
    strbuf_putc(out, '{');
    if (map_iter_init(&it, m)) {
        bool first = true;
        while (map_iter_next(&it, &k, &v)) {
            if (!first)
                strbuf_append(out, ", ", 2);
            first = false;
            put_elem(out, &k, &it.kt, &ef, java);
            strbuf_putc(out, '=');
            put_elem(out, &v, &it.vt, &ef, java);
        }
    }
    strbuf_putc(out, '}');
}

bool map_has_null_key(const Value *m)
{
    MapIter it;
    Value k, v;
    if (m->is_null || !map_iter_init(&it, m))
        return false;
    while (map_iter_next(&it, &k, &v))
        if (k.is_null)
            return true;
    return false;
}

void map_format_json(StrBuf *out, const Value *m, const ValueFmt *f)
{
    MapIter it;
    Value k, v;
    strbuf_putc(out, '{');
    if (map_iter_init(&it, m)) {
        bool first = true;
        while (map_iter_next(&it, &k, &v)) {
            if (k.is_null && f && f->map_null_drop)
                continue;
            if (!first)
                strbuf_putc(out, ',');
            first = false;
            if (k.is_null) {
                const char *lit = f && f->map_null_key ? f->map_null_key
                                                        : "null";
                value_json_escape(out, lit, strlen(lit));
            } else if (it.kt.kind == VK_STRING) {
                value_json_escape(out, k.u.s.ptr, k.u.s.len);
            } else if (it.kt.kind == VK_BYTES ||
                       it.kt.kind == VK_TIMESTAMP ||
                       it.kt.kind == VK_TIMESTAMP_LTZ ||
                       it.kt.kind == VK_DATE || it.kt.kind == VK_TIME) {
                value_format_json(out, &k, &it.kt, f); /* already quoted */
            } else {
                /* numbers, booleans, intervals: their text has nothing
                 * to escape */
                ValueFmt kf = {.tz = f ? f->tz : NULL, .style = VALUE_STYLE_PRINT, .null_text = NULL};
                strbuf_putc(out, '"');
                value_format(out, &k, &it.kt, &kf);
                strbuf_putc(out, '"');
            }
            strbuf_putc(out, ':');
            value_format_json(out, &v, &it.vt, f);
        }
    }
    strbuf_putc(out, '}');
}

/* ---- VM functions -------------------------------------------------------- */

static void fn_map_ctor(const FuncSite *fs, Value *dst, const Value *args,
                        VmCtx *x, Value *regs)
{
    (void)regs;
    map_build(x->a, dst, &fs->arg_types[0], &fs->arg_types[1], args,
              fs->n_args / 2u);
}

static void fn_map_item(const FuncSite *fs, Value *dst, const Value *args,
                        VmCtx *x, Value *regs)
{
    (void)x;
    (void)regs;
    if (args[0].is_null || args[1].is_null) {
        *dst = value_null(fs->ret.kind);
        return;
    }
    map_get(&args[0], &args[1], &fs->arg_types[1], dst);
    if (dst->is_null)
        *dst = value_null(fs->ret.kind);
}

static void fn_map_card(const FuncSite *fs, Value *dst, const Value *args,
                        VmCtx *x, Value *regs)
{
    (void)fs;
    (void)x;
    (void)regs;
    dst->kind = VK_INT;
    dst->is_null = false;
    dst->u.i = map_count(&args[0]);
}

static void fn_map_to_string(const FuncSite *fs, Value *dst,
                             const Value *args, VmCtx *x, Value *regs)
{
    static _Thread_local StrBuf sb; /* as func.c's scratch */
    (void)fs;
    (void)regs;
    ValueFmt f = {.tz = x->tz, .style = VALUE_STYLE_SQL, .null_text = NULL};
    strbuf_clear(&sb);
    map_format(&sb, &args[0], &f);
    char *p = func_str_alloc(dst, x, sb.len);
    if (sb.len)
        memcpy(p, sb.ptr, sb.len);
}

/* Next token of s[*i..n) up to the whole separator d (dn bytes; empty:
 * the rest), empty tokens kept (StringUtils'
 * splitByWholeSeparatorPreserveAllTokens, which Flink's STR_TO_MAP uses).
 * false when there are no more tokens. */
static bool next_token(const char *s, size_t n, const char *d, size_t dn,
                       size_t *i, bool *done, Str *tok)
{
    if (*done)
        return false;
    size_t b = *i;
    for (size_t k = b; dn && k + dn <= n; k++)
        if (memcmp(s + k, d, dn) == 0) {
            tok->ptr = s + b;
            tok->len = k - b;
            *i = k + dn;
            return true;
        }
    tok->ptr = s + b;
    tok->len = n - b;
    *done = true;
    return true;
}

/* STR_TO_MAP(s [, pair_delim, kv_delim]): split s at pair_delim (default
 * ','), each pair at the first kv_delim (default '='): the key before it,
 * the value all after it, further kv_delims included (Flink's
 * split(kv_delim, 2)); a pair without kv_delim has a NULL value.  Empty
 * pairs at the end are dropped, as Java's String.split drops trailing
 * empty strings; inner and leading ones stay (key '', value NULL).  ''
 * gives an empty map.  Delimiters are literal text (Flink's are Java
 * regular expressions: the same for delimiters without metacharacters). */
static void fn_str_to_map(const FuncSite *fs, Value *dst, const Value *args,
                          VmCtx *x, Value *regs)
{
    (void)regs;
    const char *s = args[0].u.s.ptr;
    size_t n = args[0].u.s.len;
    const char *pd = fs->n_args > 1 ? args[1].u.s.ptr : ",";
    size_t pdn = fs->n_args > 1 ? args[1].u.s.len : 1;
    const char *kd = fs->n_args > 2 ? args[2].u.s.ptr : "=";
    size_t kdn = fs->n_args > 2 ? args[2].u.s.len : 1;
    RtType st = fs->ret.kind == VK_BYTES ? map_key_type(&fs->ret)
                                         : fs->arg_types[0];
    uint32_t cnt = 0;
    size_t i = 0;
    bool done = n == 0;
    uint32_t keep = 0; /* pairs up to the last non-empty one */
    Str tok;
    while (next_token(s, n, pd, pdn, &i, &done, &tok)) {
        cnt++;
        if (tok.len)
            keep = cnt;
    }
    Value *kv = arena_alloc(x->a, sizeof(Value) * (2 * (size_t)keep + 1));
    i = 0;
    done = n == 0;
    uint32_t k = 0;
    while (k < keep && next_token(s, n, pd, pdn, &i, &done, &tok)) {
        size_t j = 0;
        bool d2 = false;
        Str key, val = {NULL, 0};
        next_token(tok.ptr, tok.len, kd, kdn, &j, &d2, &key);
        bool has_val = !d2;
        if (has_val) { /* the value: everything after the first kv_delim */
            val.ptr = tok.ptr + j;
            val.len = tok.len - j;
        }
        kv[2 * k] = value_null(VK_STRING);
        kv[2 * k].is_null = false;
        kv[2 * k].u.s.ptr = has_val ? key.ptr : tok.ptr;
        kv[2 * k].u.s.len = (uint32_t)(has_val ? key.len : tok.len);
        kv[2 * k + 1] = value_null(VK_STRING);
        if (has_val) {
            kv[2 * k + 1].is_null = false;
            kv[2 * k + 1].u.s.ptr = val.ptr;
            kv[2 * k + 1].u.s.len = (uint32_t)val.len;
        }
        k++;
    }
    map_build(x->a, dst, &st, &st, kv, k);
}

static void fn_map_retype(const FuncSite *fs, Value *dst, const Value *args,
                          VmCtx *x, Value *regs)
{
    (void)regs;
    map_retype(x->a, dst, &args[0], &fs->arg_types[1], &fs->arg_types[2]);
}

bool map_func_bind(const char *name, uint32_t n, const RtType *kt,
                   const RtType *vt, const RtType *ret, FuncSite *fs)
{
    memset(fs, 0, sizeof(*fs));
    fs->n_args = (uint16_t)n;
    fs->ret = *ret;
    if (strcmp(name, "MAP") == 0) {
        fs->fn = fn_map_ctor;
        fs->name = "MAP";
        fs->arg_types[0] = *kt;
        fs->arg_types[1] = *vt;
        return true;
    }
    if (strcmp(name, "ITEM") == 0) {
        fs->fn = fn_map_item;
        fs->name = "ITEM";
        fs->is_strict = true;
        fs->arg_types[1] = *kt;
        return true;
    }
    if (strcmp(name, "CARDINALITY") == 0) {
        fs->fn = fn_map_card;
        fs->name = "CARDINALITY";
        fs->is_strict = true;
        return true;
    }
    if (strcmp(name, "RETYPE") == 0) {
        fs->fn = fn_map_retype;
        fs->name = "CAST";
        fs->is_strict = true;
        fs->arg_types[1] = *kt;
        fs->arg_types[2] = *vt;
        return true;
    }
    if (strcmp(name, "STR_TO_MAP") == 0) {
        fs->fn = fn_str_to_map;
        fs->name = "STR_TO_MAP";
        fs->is_strict = true;
        fs->arg_types[0] = *kt;
        return true;
    }
    if (strcmp(name, "TO_STRING") == 0) {
        fs->fn = fn_map_to_string;
        fs->name = "CAST";
        fs->is_strict = true;
        return true;
    }
    return false;
}
