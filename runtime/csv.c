/*
 * csv.c - the csv format: schema-positional decoding of RFC 4180 records
 * and encoding of rows as records.
 *
 * Decoding walks the record once.  An unquoted field ends at the next
 * delimiter (memchr); a quoted field ends at a quote that is not doubled.
 * Fields that need no unescaping stay views into the record.  Conversions
 * to column types are textconv.h's, shared with the json format, so both
 * formats accept the same text for a type.
 *
 * Conventions beyond RFC 4180 (Flink's csv format, Jackson's reader):
 *   - an empty unquoted field is NULL for every type but STRING, where it
 *     is the empty string; csv.null-literal makes a given text NULL for
 *     every type, except that in a STRING or BYTES column a quoted or
 *     escaped null literal is the text (the encoder writes it so);
 *   - BYTES are base64 both ways;
 *   - a quote inside an unquoted field is an ordinary character;
 *   - with csv.escape-character the escape makes the next character
 *     literal, inside and outside quotes;
 *   - a final "\r" (CRLF files) is ignored; an empty line is no record.
 */
#include "runtime/fsql.h"
#include "runtime/csv.h"
#include "runtime/mem.h"
#include "runtime/textconv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct CsvDecoder {
    const RtSchema *schema; /* borrowed */
    CsvOptions opt;         /* null_literal borrowed */
    size_t null_len;        /* strlen(null_literal) */
    CsvStats stats;
};

void csv_options_init(CsvOptions *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->field_delimiter = ',';
    opt->quote_char = '"';
}

CsvDecoder *csv_decoder_new(const RtSchema *schema, const CsvOptions *opt)
{
    CsvDecoder *d = xcalloc(1, sizeof *d);
    d->schema = schema;
    if (opt)
        d->opt = *opt;
    else
        csv_options_init(&d->opt);
    if (d->opt.field_delimiter == '\0')
        d->opt.field_delimiter = ',';
    if (d->opt.quote_char == '\0')
        d->opt.disable_quote_char = true;
    d->null_len = d->opt.null_literal ? strlen(d->opt.null_literal) : 0;
    return d;
}

void csv_decoder_free(CsvDecoder *d)
{
    xfree(d);
}

CsvStats csv_decoder_stats(const CsvDecoder *d)
{
    return d->stats;
}

static void set_err(CsvError *err, size_t off, int32_t col, const char *fmt,
                    ...) FSQL_PRINTF(4, 5);

static void set_err(CsvError *err, size_t off, int32_t col, const char *fmt,
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

static const char *type_label(const RtType *t)
{
    switch (t->kind) {
    case VK_BOOL:
        return "BOOLEAN";
    case VK_INT:
        return t->sql_kind == RT_SQL_INT        ? "INT"
               : t->sql_kind == RT_SQL_SMALLINT ? "SMALLINT"
               : t->sql_kind == RT_SQL_TINYINT  ? "TINYINT"
                                                : "BIGINT";
    case VK_DOUBLE:
        return t->sql_kind == RT_SQL_FLOAT ? "FLOAT" : "DOUBLE";
    case VK_DECIMAL:
        return "DECIMAL";
    case VK_STRING:
        return "STRING";
    case VK_BYTES:
        return "BYTES";
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

/* Copy a field body [s, e) into dst dropping doubled quotes (when quoted)
 * and escape characters; returns the length (never more than e - s). */
static size_t unescape_field(const CsvOptions *o, const char *s, const char *e,
                             bool quoted, char *dst)
{
    size_t n = 0;
    while (s < e) {
        char c = *s++;
        if (o->escape_char && c == o->escape_char && s < e) {
            dst[n++] = *s++;
        } else if (quoted && c == o->quote_char && s < e &&
                   *s == o->quote_char) {
            dst[n++] = c;
            s++;
        } else {
            dst[n++] = c;
        }
    }
    return n;
}

static int row_bad(CsvDecoder *d)
{
    if (d->opt.ignore_parse_errors) {
        d->stats.rows_skipped++;
        return CSV_SKIP;
    }
    return CSV_ERROR;
}

int csv_decode(CsvDecoder *d, const char *rec, size_t len, Arena *a,
               Value *out_row, CsvError *err)
{
    const CsvOptions *o = &d->opt;
    const RtColumn *cols = d->schema->cols;
    uint32_t n_cols = d->schema->n_cols;
    if (err) {
        err->msg[0] = '\0';
        err->offset = 0;
        err->col = -1;
    }
    if (len && rec[len - 1] == '\n')
        len--;
    if (len && rec[len - 1] == '\r')
        len--;
    if (len == 0)
        return CSV_BLANK;
    if (o->allow_comments && rec[0] == '#')
        return CSV_BLANK;
    for (uint32_t c = 0; c < n_cols; c++)
        out_row[c] = value_null(cols[c].type.kind);

    const char *p = rec, *end = rec + len;
    const bool quoting = !o->disable_quote_char;
    uint32_t c = 0;
    /* Bad values are counted (or fail the record) only once the record
     * has the right shape, so a short or long record is reported as such
     * even when one of its fields does not convert. */
    uint32_t nulled = 0;
    for (;;) {
        const char *fs = p; /* field start, for error offsets */
        const char *s, *e;  /* body */
        bool quoted = false, copy = false;
        if (quoting && p < end && *p == o->quote_char) {
            quoted = true;
            s = ++p;
            for (;;) {
                if (p >= end) {
                    set_err(err, (size_t)(fs - rec),
                            c < n_cols ? (int32_t)c : -1,
                            "malformed CSV: unterminated quoted field");
                    return row_bad(d);
                }
                if (o->escape_char && *p == o->escape_char) {
                    copy = true;
                    p += 2;
                    continue;
                }
                if (*p == o->quote_char) {
                    if (p + 1 < end && p[1] == o->quote_char) {
                        copy = true;
                        p += 2;
                        continue;
                    }
                    break;
                }
                p++;
            }
            if (p > end)
                p = end; /* an escape as the very last byte */
            e = p;
            p++; /* closing quote */
            if (p < end && *p != o->field_delimiter) {
                set_err(err, (size_t)(p - rec),
                        c < n_cols ? (int32_t)c : -1,
                        "malformed CSV: delimiter expected after a closing "
                        "quote");
                return row_bad(d);
            }
        } else {
            s = p;
            if (o->escape_char) {
                while (p < end && *p != o->field_delimiter) {
                    if (*p == o->escape_char) {
                        copy = true;
                        p++;
                    }
                    if (p < end)
                        p++;
                }
            } else {
                const char *q =
                    memchr(p, o->field_delimiter, (size_t)(end - p));
                p = q ? q : end;
            }
            e = p;
        }
        if (c >= n_cols) {
            set_err(err, (size_t)(fs - rec), -1,
                    "malformed CSV: more than %u fields", n_cols);
            return row_bad(d);
        }
        const RtType *t = &cols[c].type;
        Value *v = &out_row[c];
        /* the field's text */
        const char *text = s;
        size_t n = (size_t)(e - s);
        if (copy) {
            char *buf = arena_alloc(a, n ? n : 1);
            n = unescape_field(o, s, e, quoted, buf);
            text = buf;
        }
        const char *why = NULL;
        /* the null literal is NULL: as written (unquoted, before
         * unescaping, so '\N' with escape character '\' is NULL), or
         * after unquoting and unescaping except for STRING and BYTES,
         * where such a field is the text itself (the encoder protects a
         * value equal to the null literal that way) */
        if (o->null_literal &&
            ((!quoted && (size_t)(e - s) == d->null_len &&
              memcmp(s, o->null_literal, d->null_len) == 0) ||
             (n == d->null_len && memcmp(text, o->null_literal, n) == 0 &&
              !((t->kind == VK_STRING || t->kind == VK_BYTES) &&
                (quoted || copy))))) {
            /* NULL */
        } else if (t->kind == VK_STRING) {
            if (!utf8_valid(text, n))
                why = "invalid UTF-8";
            else if (n > UINT32_MAX)
                why = "a string longer than 4 GiB";
            else {
                v->kind = VK_STRING;
                v->is_null = false;
                v->u.s.ptr = text;
                v->u.s.len = (uint32_t)n;
            }
        } else if (n == 0 && !quoted) {
            /* empty: NULL */
        } else {
            why = textconv_value(t, text, n, a, o->tz, v);
        }
        if (unlikely(why != NULL)) {
            int k = n > 40 ? 40 : (int)n;
            if (nulled == 0)
                set_err(err, (size_t)(fs - rec), (int32_t)c,
                        "field %u (\"%s\"): \"%.*s%s\" is %s (column type "
                        "%s)",
                        c + 1, cols[c].name, k, text, n > 40 ? "..." : "",
                        why, type_label(t));
            *v = value_null(t->kind);
            nulled++;
        }
        c++;
        if (p >= end)
            break;
        p++; /* the delimiter */
    }
    if (c < n_cols) {
        set_err(err, len, -1, "malformed CSV: %u field%s, %u expected", c,
                c == 1 ? "" : "s", n_cols);
        return row_bad(d);
    }
    if (nulled && !o->ignore_parse_errors)
        return CSV_ERROR;
    d->stats.fields_nulled += nulled;
    d->stats.rows_ok++;
    return CSV_OK;
}

size_t csv_record_end(const CsvOptions *opt, const char *p, size_t n,
                      bool *complete)
{
    const bool quoting = !opt->disable_quote_char && opt->quote_char;
    bool in_quotes = false, at_field_start = true;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (opt->escape_char && c == opt->escape_char) {
            i++;
            at_field_start = false;
            continue;
        }
        if (in_quotes) {
            if (c == opt->quote_char) {
                if (i + 1 < n && p[i + 1] == opt->quote_char)
                    i++;
                else
                    in_quotes = false;
            }
            continue;
        }
        if (c == '\n') {
            *complete = true;
            return i + 1;
        }
        if (quoting && at_field_start && c == opt->quote_char) {
            in_quotes = true;
            at_field_start = false;
            continue;
        }
        at_field_start = c == opt->field_delimiter;
    }
    *complete = false;
    return n;
}

/* ---- encoding ---------------------------------------------------------- */

struct CsvEncoder {
    const RtSchema *schema; /* borrowed */
    CsvOptions opt;         /* null_literal borrowed */
    ValueFmt fmt;
    StrBuf tmp; /* scratch for fields that need quoting */
};

CsvEncoder *csv_encoder_new(const RtSchema *schema, const CsvOptions *opt,
                            const ValueFmt *f)
{
    CsvEncoder *e = xcalloc(1, sizeof *e);
    e->schema = schema;
    if (opt)
        e->opt = *opt;
    else
        csv_options_init(&e->opt);
    if (e->opt.field_delimiter == '\0')
        e->opt.field_delimiter = ',';
    if (e->opt.quote_char == '\0')
        e->opt.disable_quote_char = true;
    if (f)
        e->fmt = *f;
    strbuf_init(&e->tmp);
    return e;
}

void csv_encoder_free(CsvEncoder *e)
{
    if (!e)
        return;
    strbuf_fini(&e->tmp);
    xfree(e);
}

static bool is_null_literal(const CsvOptions *o, const char *s, size_t n)
{
    return o->null_literal && strlen(o->null_literal) == n &&
           (n == 0 || memcmp(s, o->null_literal, n) == 0);
}

static bool needs_quotes(const CsvOptions *o, const char *s, size_t n)
{
    if (is_null_literal(o, s, n))
        return true;
    if (n == 0)
        return false;
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return true;
    if (o->allow_comments && s[0] == '#')
        return true;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == o->field_delimiter || c == '\n' || c == '\r' ||
            c == o->quote_char || (o->escape_char && c == o->escape_char))
            return true;
    }
    return false;
}

/* Append base64 (RFC 4648, padded) of p[0..n). */
static void base64_put(StrBuf *out, const uint8_t *p, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t w = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        q[0] = tab[w >> 18];
        q[1] = tab[(w >> 12) & 63];
        q[2] = tab[(w >> 6) & 63];
        q[3] = tab[w & 63];
        strbuf_append(out, q, 4);
    }
    if (i < n) {
        uint32_t w = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            w |= (uint32_t)p[i + 1] << 8;
        q[0] = tab[w >> 18];
        q[1] = tab[(w >> 12) & 63];
        q[2] = i + 1 < n ? tab[(w >> 6) & 63] : '=';
        q[3] = '=';
        strbuf_append(out, q, 4);
    }
}

/* Append s as one field, quoted (or escaped, without a quote character)
 * when needed. */
static void put_field(const CsvOptions *o, StrBuf *out, const char *s, size_t n)
{
    if (!needs_quotes(o, s, n)) {
        strbuf_append(out, s, n);
        return;
    }
    if (o->disable_quote_char) {
        /* only an escape character can protect special bytes; a value
         * equal to the null literal, or starting with '#' when comments
         * are allowed, gets its first byte escaped (an empty one cannot be
         * told from NULL) */
        bool lit = is_null_literal(o, s, n) ||
                   (o->allow_comments && n && s[0] == '#');
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (o->escape_char &&
                ((lit && i == 0) || c == o->field_delimiter || c == '\n' ||
                 c == '\r' || c == o->escape_char))
                strbuf_putc(out, o->escape_char);
            strbuf_putc(out, c);
        }
        return;
    }
    strbuf_putc(out, o->quote_char);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == o->quote_char ||
            (o->escape_char && s[i] == o->escape_char)) {
            strbuf_append(out, s + run, i + 1 - run);
            /* doubled quote; an escape char is escaped by itself */
            strbuf_putc(out, s[i] == o->quote_char && !o->escape_char
                                 ? o->quote_char
                                 : s[i]);
            run = i + 1;
        }
    }
    strbuf_append(out, s + run, n - run);
    strbuf_putc(out, o->quote_char);
}

void csv_encoder_row(CsvEncoder *e, StrBuf *out, const Value *row)
{
    const RtSchema *s = e->schema;
    const CsvOptions *o = &e->opt;
    for (uint32_t c = 0; c < s->n_cols; c++) {
        if (c)
            strbuf_putc(out, o->field_delimiter);
        const Value *v = &row[c];
        const RtType *t = &s->cols[c].type;
        if (v->is_null) {
            if (o->null_literal)
                strbuf_puts(out, o->null_literal);
            continue;
        }
        switch (t->kind) {
        case VK_INT:
            value_format_i64(out, v->u.i);
            break;
        case VK_BOOL: /* as Flink's csv format writes it */
            strbuf_puts(out, v->u.i ? "true" : "false");
            break;
        case VK_STRING:
            put_field(o, out, v->u.s.ptr, v->u.s.len);
            break;
        case VK_BYTES: /* base64, as Flink writes BYTES and as we read */
            if (v->u.s.len == 0 && !o->disable_quote_char) {
                /* "" (empty bytes): an empty field would read as NULL */
                strbuf_putc(out, o->quote_char);
                strbuf_putc(out, o->quote_char);
                break;
            }
            strbuf_clear(&e->tmp);
            base64_put(&e->tmp, (const uint8_t *)v->u.s.ptr, v->u.s.len);
            put_field(o, out, e->tmp.ptr ? e->tmp.ptr : "", e->tmp.len);
            break;
        default:
            strbuf_clear(&e->tmp);
            value_format(&e->tmp, v, t, &e->fmt);
            put_field(o, out, e->tmp.ptr ? e->tmp.ptr : "", e->tmp.len);
            break;
        }
    }
}

void csv_encoder_header(CsvEncoder *e, StrBuf *out)
{
    for (uint32_t c = 0; c < e->schema->n_cols; c++) {
        if (c)
            strbuf_putc(out, e->opt.field_delimiter);
        const char *name = e->schema->cols[c].name;
        put_field(&e->opt, out, name, strlen(name));
    }
}
