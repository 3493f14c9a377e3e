/*
 * csv.h - the csv format: RFC 4180 records in, RFC 4180 records out, with
 * Flink's csv format options.
 *
 * A record maps to the schema by position.  Decoding follows the json
 * format's conventions (runtime/json.h): values are converted straight to
 * the column type with textconv.h; STRING fields without doubled quotes or
 * escapes are views into the record (the record must outlive the batch),
 * others are unescaped into the caller's arena.
 *
 * Bad input never crashes the decoder.  A record with the wrong number of
 * fields or broken quoting is malformed: it fails the job (CSV_ERROR) or,
 * with csv.ignore-parse-errors, is dropped and counted (CSV_SKIP).  A field
 * that does not convert to its type fails the job or, with
 * csv.ignore-parse-errors, becomes NULL.
 *
 * Records may span lines when a quoted field contains a line break; a
 * reader finds where a record ends with csv_record_end().
 * docs/formats/csv.md has the details.
 */
#ifndef FSQL_RUNTIME_CSV_H
#define FSQL_RUNTIME_CSV_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/timeutil.h"
#include "runtime/value.h"
#include "runtime/value_ops.h"

typedef struct CsvOptions {
    char field_delimiter;     /* csv.field-delimiter; default ',' */
    char quote_char;          /* csv.quote-character; default '"' */
    bool disable_quote_char;  /* csv.disable-quote-character */
    char escape_char;         /* csv.escape-character; '\0': none */
    bool allow_comments;      /* csv.allow-comments: '#' lines skipped */
    bool ignore_parse_errors; /* csv.ignore-parse-errors */
    const char *null_literal; /* csv.null-literal; NULL: none; borrowed */
    const TimeZone *tz;       /* zone-less TIMESTAMP_LTZ text; NULL: UTC */
} CsvOptions;

/* Flink's defaults: ',' and '"', everything else off. */
void csv_options_init(CsvOptions *opt);

enum {
    CSV_ERROR = -1, /* bad record, the job should fail; see err */
    CSV_OK = 0,     /* out_row holds the row */
    CSV_SKIP = 1,   /* bad record dropped (ignore-parse-errors); see err */
    CSV_BLANK = 2   /* empty line or comment: no row, no error */
};

typedef struct CsvError {
    size_t offset; /* byte offset into the record */
    int32_t col;   /* schema column concerned, or -1 */
    char msg[160]; /* reason, a lower-case phrase without a final period */
} CsvError;

typedef struct CsvStats {
    uint64_t rows_ok;
    uint64_t rows_skipped;
    uint64_t fields_nulled;
} CsvStats;

typedef struct CsvDecoder CsvDecoder;

/* schema and opt->null_literal are borrowed and must outlive the decoder.
 * opt may be NULL (defaults). */
CsvDecoder *csv_decoder_new(const RtSchema *schema, const CsvOptions *opt);
void csv_decoder_free(CsvDecoder *d);
CsvStats csv_decoder_stats(const CsvDecoder *d);

/* Decode one record (without its line terminator; a final "\r" is
 * ignored) into out_row[0..n_cols).  Same conventions as json_decode(). */
int csv_decode(CsvDecoder *d, const char *rec, size_t len, Arena *a,
               Value *out_row, CsvError *err);

/* Length of the first record in p[0..n), line terminator included, taking
 * quoted line breaks into account.  *complete is false when the data ends
 * inside a quoted field or before a line terminator (the reader then
 * needs more input, or at end of input takes the rest as the record). */
size_t csv_record_end(const CsvOptions *opt, const char *p, size_t n,
                      bool *complete);

typedef struct CsvEncoder CsvEncoder;

/* schema, opt->null_literal are borrowed; f (may be NULL: UTC) gives the
 * zone TIMESTAMP_LTZ is shown in. */
CsvEncoder *csv_encoder_new(const RtSchema *schema, const CsvOptions *opt,
                            const ValueFmt *f);
void csv_encoder_free(CsvEncoder *e);
/* Append one record, without a line terminator.  Fields are quoted only
 * when they contain the delimiter, the quote, a line break, or leading or
 * trailing blanks, or equal the null literal (then, without a quote
 * character, the first byte is escaped), so the decoder reads them back
 * as the string; NULL is written as the null literal (empty when there is
 * none).  BYTES are written in base64, which the decoder reads. */
void csv_encoder_row(CsvEncoder *e, StrBuf *out, const Value *row);
/* Append the column names as a header record (for --output csv). */
void csv_encoder_header(CsvEncoder *e, StrBuf *out);

#endif
