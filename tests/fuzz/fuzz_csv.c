/*
 * fuzz_csv.c - libFuzzer target for the csv format (runtime/csv.c) as the
 * filesystem and Kafka sources use it.
 *
 * Input layout: byte 0 picks the csv options (field delimiter, quote
 * character or none, escape character, csv.allow-comments,
 * csv.ignore-parse-errors), byte 1 the null literal and the schema (one
 * column of one of the scalar types below, or all of them in one row),
 * the rest is file content.  The content is split into records with
 * csv_record_end() exactly as conn_filesystem.c does, and each record is
 * decoded.  Checks (abort() on failure):
 *   - csv_record_end() advances, stays inside the data, and a complete
 *     record ends with its "\n";
 *   - results are one of the four codes; errors carry a message, an
 *     offset inside the record and a valid column;
 *   - a decoded row has the schema's kinds, STRING values are valid UTF-8
 *     and point into the record or the arena;
 *   - round trip: a row that decoded without nulled fields is encoded
 *     with csv_encoder_row() (same options), the encoding is one complete
 *     record for csv_record_end() and decodes again to equal values, for
 *     every column whose text form is exact (see rt_checked()).
 * The arena is freed after each input, so LeakSanitizer checks that
 * nothing else is allocated per record.
 *
 *   make fuzz-csv FUZZ_SECONDS=300
 */
#include "runtime/fsql.h"
#include "runtime/csv.h"
#include "runtime/decimal.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/textconv.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sql_kind numbers of compiler/types.h's TypeKind */
enum {
    SK_BOOLEAN = 1,
    SK_DECIMAL = 8,
    SK_CHAR = 9,
    SK_VARCHAR = 10,
    SK_BINARY = 11,
    SK_VARBINARY = 12,
    SK_DATE = 13,
    SK_TIME = 14,
    SK_TIMESTAMP = 15,
    SK_TIMESTAMP_LTZ = 16
};

#define N_TYPES 22

static const struct {
    const char *name;
    RtType t;
} types[N_TYPES] = {
    {"b", {VK_BOOL, SK_BOOLEAN, -1, 0, true}},
    {"ti", {VK_INT, RT_SQL_TINYINT, -1, 0, true}},
    {"si", {VK_INT, RT_SQL_SMALLINT, -1, 0, true}},
    {"i", {VK_INT, RT_SQL_INT, -1, 0, true}},
    {"bi", {VK_INT, RT_SQL_BIGINT, -1, 0, true}},
    {"f", {VK_DOUBLE, RT_SQL_FLOAT, -1, 0, true}},
    {"d", {VK_DOUBLE, RT_SQL_DOUBLE, -1, 0, true}},
    {"dec", {VK_DECIMAL, SK_DECIMAL, 10, 2, true}},
    {"dec0", {VK_DECIMAL, SK_DECIMAL, 5, 0, true}},
    {"dec38", {VK_DECIMAL, SK_DECIMAL, 38, 18, true}},
    {"decf", {VK_DECIMAL, SK_DECIMAL, 18, 18, true}},
    {"s", {VK_STRING, SK_VARCHAR, 2147483647, 0, true}},
    {"c", {VK_STRING, SK_CHAR, 3, 0, true}},
    {"by", {VK_BYTES, SK_VARBINARY, 2147483647, 0, true}},
    {"dt", {VK_DATE, SK_DATE, -1, 0, true}},
    {"t0", {VK_TIME, SK_TIME, 0, 0, true}},
    {"t3", {VK_TIME, SK_TIME, 3, 0, true}},
    {"ts0", {VK_TIMESTAMP, SK_TIMESTAMP, 0, 0, true}},
    {"ts3", {VK_TIMESTAMP, SK_TIMESTAMP, 3, 0, true}},
    {"ts9", {VK_TIMESTAMP, SK_TIMESTAMP, 9, 0, true}},
    {"ltz", {VK_TIMESTAMP_LTZ, SK_TIMESTAMP_LTZ, 3, 0, true}},
    {"ltz6", {VK_TIMESTAMP_LTZ, SK_TIMESTAMP_LTZ, 6, 0, true}},
};

/* schemas[k] for k < N_TYPES: the one column types[k]; schemas[N_TYPES]:
 * every type in one row */
static RtColumn cols[N_TYPES];
static RtSchema schemas[N_TYPES + 1];
static const TimeZone *zones[2]; /* UTC, a fixed +05:30 */

static const char *const null_literals[4] = {NULL, "\\N", "null", ""};
static const char delims[4] = {',', ';', '\t', '|'};

static void setup(void)
{
    for (int k = 0; k < N_TYPES; k++) {
        cols[k].name = types[k].name;
        cols[k].type = types[k].t;
        schemas[k].n_cols = 1;
        schemas[k].cols = &cols[k];
    }
    schemas[N_TYPES].n_cols = N_TYPES;
    schemas[N_TYPES].cols = cols;
    char err[128];
    zones[0] = tz_utc();
    zones[1] = tz_load("+05:30", err, sizeof err);
    if (!zones[1])
        abort();
}

/* Whether the csv text form of a column is exact, so a decoded value must
 * survive encode + decode.  Not exact: TIME/TIMESTAMP with fewer than
 * three fraction digits (the decoder keeps milliseconds the encoder drops
 * at the column precision). */
static bool rt_checked(const RtType *t)
{
    switch (t->kind) {
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
        return t->precision >= 3;
    default:
        return true;
    }
}

/* Values whose text has a four-digit year (the decoder takes any epoch
 * milliseconds, but reads back only years 0000 to 9999). */
static bool rt_in_range(const RtType *t, const Value *v, const TimeZone *tz)
{
    const int64_t lo = -62167219200000LL, hi = 253402300800000LL;
    if (v->is_null)
        return true;
    switch (t->kind) {
    case VK_DATE:
        return v->u.i * MS_PER_DAY >= lo && v->u.i * MS_PER_DAY < hi;
    case VK_TIMESTAMP:
        return v->u.i >= lo && v->u.i < hi;
    case VK_TIMESTAMP_LTZ:
        return v->u.i >= lo + MS_PER_DAY && v->u.i < hi - MS_PER_DAY &&
               tz_utc_to_local(tz, v->u.i) >= lo &&
               tz_utc_to_local(tz, v->u.i) < hi;
    default:
        return true;
    }
}

static bool same(const RtType *t, const Value *a, const Value *b)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null;
    switch (t->kind) {
    case VK_STRING:
    case VK_BYTES:
        return a->u.s.len == b->u.s.len &&
               (a->u.s.len == 0 ||
                memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
    case VK_DECIMAL:
        return value_get_dec(a) == value_get_dec(b);
    case VK_DOUBLE:
        if (isnan(a->u.f) || isnan(b->u.f))
            return isnan(a->u.f) && isnan(b->u.f);
        return a->u.f == b->u.f && signbit(a->u.f) == signbit(b->u.f);
    default:
        return a->u.i == b->u.i;
    }
}

/* The shape of a decoded row: kinds, UTF-8, bounds. */
static void check_row(const RtSchema *s, const Value *row)
{
    for (uint32_t c = 0; c < s->n_cols; c++) {
        const RtType *t = &s->cols[c].type;
        const Value *v = &row[c];
        if (v->kind != (uint8_t)t->kind)
            abort();
        if (v->is_null)
            continue;
        switch (t->kind) {
        case VK_STRING:
            if (v->u.s.len && !utf8_valid(v->u.s.ptr, v->u.s.len))
                abort();
            break;
        case VK_BOOL:
            if (v->u.i != 0 && v->u.i != 1)
                abort();
            break;
        case VK_INT: {
            int64_t lo, hi;
            textconv_int_range(t, &lo, &hi);
            if (v->u.i < lo || v->u.i > hi)
                abort();
            break;
        }
        case VK_DECIMAL:
            if (!decimal_fits(value_get_dec(v), t->precision))
                abort();
            break;
        case VK_TIME:
            if (v->u.i < 0 || v->u.i >= MS_PER_DAY)
                abort();
            break;
        case VK_DOUBLE:
            if (t->sql_kind == RT_SQL_FLOAT && !isnan(v->u.f) &&
                (double)(float)v->u.f != v->u.f)
                abort();
            break;
        default:
            break;
        }
    }
}

static void check_err(int rc, const CsvError *e, size_t len, uint32_t n_cols)
{
    if (rc != CSV_ERROR && rc != CSV_SKIP)
        return;
    if (e->msg[0] == '\0' || memchr(e->msg, '\0', sizeof e->msg) == NULL ||
        e->offset > len || e->col < -1 || e->col >= (int32_t)n_cols) {
#ifdef FUZZ_CSV_DEBUG
        fprintf(stderr, "rc %d, error \"%s\" at %zu (of %zu), column %d\n",
                rc, e->msg, e->offset, len, (int)e->col);
#endif
        abort();
    }
}

/* Encode a decoded row and decode it again. */
static void round_trip(const CsvOptions *o, const RtSchema *s,
                       const ValueFmt *vf, const Value *row, Arena *a)
{
    for (uint32_t c = 0; c < s->n_cols; c++) {
        const RtType *t = &s->cols[c].type;
        const Value *v = &row[c];
        if (!rt_in_range(t, v, o->tz))
            return;
        /* Known not to survive: a NULL STRING without a null literal is
         * written as an empty field, which reads back as ''; a STRING
         * equal to the null literal when neither a quote nor an escape
         * character can protect it (or it is empty and unquotable). */
        if (t->kind == VK_STRING) {
            if (v->is_null && !o->null_literal)
                return;
            if (!v->is_null && o->null_literal && o->disable_quote_char &&
                (!o->escape_char || v->u.s.len == 0) &&
                v->u.s.len == strlen(o->null_literal) &&
                memcmp(v->u.s.ptr, o->null_literal, v->u.s.len) == 0)
                return;
            /* '#' first in the record, comments allowed, nothing to
             * protect it: a comment line */
            if (!v->is_null && c == 0 && o->allow_comments &&
                o->disable_quote_char && !o->escape_char && v->u.s.len &&
                v->u.s.ptr[0] == '#')
                return;
            /* without quote and escape characters nothing protects a
             * delimiter or line break inside a value; without a quote
             * character a final '\r' of the record is taken for a CRLF
             * terminator even when escaped (documented limit) */
            if (!v->is_null && o->disable_quote_char &&
                (memchr(v->u.s.ptr, '\r', v->u.s.len) ||
                 (!o->escape_char && memchr(v->u.s.ptr, '\n', v->u.s.len))))
                return;
        }
    }
    CsvEncoder *enc = csv_encoder_new(s, o, vf);
    CsvDecoder *dec = csv_decoder_new(s, o);
    StrBuf sb;
    strbuf_init(&sb);
    csv_encoder_row(enc, &sb, row);
    /* an empty encoding (one NULL column, no null literal) is no record */
    if (sb.len > 0) {
        strbuf_putc(&sb, '\n');
        bool complete;
        size_t e = csv_record_end(o, sb.ptr, sb.len, &complete);
        if (!complete || e != sb.len)
            abort();
        Value back[N_TYPES];
        CsvError err;
        int rc = csv_decode(dec, sb.ptr, sb.len - 1, a, back, &err);
        if (rc != CSV_OK || csv_decoder_stats(dec).fields_nulled != 0) {
#ifdef FUZZ_CSV_DEBUG
            fprintf(stderr, "[%.*s] does not decode: %s\n", (int)sb.len - 1,
                    sb.ptr, err.msg);
#endif
            abort();
        }
        for (uint32_t c = 0; c < s->n_cols; c++)
            if (rt_checked(&s->cols[c].type) &&
                !same(&s->cols[c].type, &row[c], &back[c])) {
#ifdef FUZZ_CSV_DEBUG
                fprintf(stderr, "column %s: encoded as [%.*s]\n",
                        s->cols[c].name, (int)sb.len - 1, sb.ptr);
#endif
                abort();
            }
    }
    strbuf_fini(&sb);
    csv_decoder_free(dec);
    csv_encoder_free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        setup();
        ready = true;
    }
    if (size < 2)
        return 0;
    uint8_t ob = data[0], sb = data[1];
    CsvOptions o;
    csv_options_init(&o);
    o.field_delimiter = delims[ob & 3];
    switch ((ob >> 2) & 3) {
    case 1:
        o.quote_char = '\'';
        break;
    case 2:
        o.disable_quote_char = true;
        break;
    default:
        break;
    }
    if (ob & 0x10)
        o.escape_char = '\\';
    o.allow_comments = (ob & 0x20) != 0;
    o.ignore_parse_errors = (ob & 0x40) != 0;
    o.tz = zones[(ob >> 7) & 1];
    o.null_literal = null_literals[(sb >> 6) & 3];
    const RtSchema *s = &schemas[(sb & 63) % (N_TYPES + 1)];
    ValueFmt vf = {.tz = o.tz, .style = VALUE_STYLE_SQL, .null_text = NULL};

    /* an exact-size heap copy so ASan sees reads past the end */
    size_t n = size - 2;
    char *buf = xmalloc(n ? n : 1);
    memcpy(buf, data + 2, n);
    Arena a;
    arena_init(&a, 4096);
    CsvDecoder *d = csv_decoder_new(s, &o);
    Value row[N_TYPES];
    size_t pos = 0;
    while (pos < n) {
        /* the filesystem source's record split (conn_filesystem.c) */
        bool complete;
        size_t e = csv_record_end(&o, buf + pos, n - pos, &complete);
        if (e == 0 || e > n - pos)
            abort();
        if (complete && buf[pos + e - 1] != '\n')
            abort();
        if (!complete && e != n - pos)
            abort();
        size_t l = e;
        if (l && buf[pos + l - 1] == '\n')
            l--;
        if (l && buf[pos + l - 1] == '\r')
            l--;
        /* the record alone, exactly sized, so ASan sees overreads */
        char *rec = xmalloc(l ? l : 1);
        memcpy(rec, buf + pos, l);
        uint64_t nulled = csv_decoder_stats(d).fields_nulled;
        CsvError err;
        int rc = csv_decode(d, rec, l, &a, row, &err);
        if (rc != CSV_OK && rc != CSV_ERROR && rc != CSV_SKIP &&
            rc != CSV_BLANK)
            abort();
        if ((rc == CSV_SKIP || (rc == CSV_OK &&
                                csv_decoder_stats(d).fields_nulled != nulled)) &&
            !o.ignore_parse_errors)
            abort();
        check_err(rc, &err, l, s->n_cols);
        if (rc == CSV_OK) {
            check_row(s, row);
            if (csv_decoder_stats(d).fields_nulled == nulled)
                round_trip(&o, s, &vf, row, &a);
        }
        xfree(rec);
        pos += e;
    }
    csv_decoder_free(d);
    arena_fini(&a);
    xfree(buf);
    return 0;
}
