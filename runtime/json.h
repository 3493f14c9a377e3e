/*
 * json.h - the schema-driven JSON format: one JSON object per line in,
 * one compact JSON object per row out.
 *
 * Decoding is driven by the table schema.  json_decoder_new() builds a
 * small perfect-ish hash of the wanted field names; json_decode() then walks
 * one line once, looks every key up in that table, converts wanted values
 * straight into the column type and skips everything else without building
 * it (the skipper still checks the JSON syntax, so a malformed line is
 * always reported).  Nothing is allocated per row except the unescaped copy
 * of a string that contains backslash escapes (and base64-decoded BYTES),
 * which goes to the caller's arena.
 *
 * Lifetime rule: string values that contain no escapes are *views into the
 * input line*.  The line must therefore stay alive and unchanged until the
 * batch holding the decoded rows is done (the source keeps its read buffer
 * until batch end, as runtime/value.h requires of VK_STRING).
 *
 * Bad input never crashes the decoder (tests/fuzz/fuzz_json.c).  What it
 * does with bad input follows Flink's json format options:
 *   - malformed JSON: the row fails (JSON_ERROR), or with
 *     json.ignore-parse-errors the row is dropped (JSON_SKIP) and counted;
 *   - a value that does not convert to its column type (a string in a
 *     BIGINT column, a DECIMAL that overflows): the row fails, or with
 *     json.ignore-parse-errors that field becomes NULL and the row is kept;
 *   - a missing field is NULL, or an error with json.fail-on-missing-field
 *     (then json.ignore-parse-errors drops the row, as Flink does).
 * docs/formats/json.md describes every accepted conversion.
 *
 * The encoder writes the row as `{"a":1,"b":"x"}` in schema order with no
 * snprintf per value.
 */
#ifndef FSQL_RUNTIME_JSON_H
#define FSQL_RUNTIME_JSON_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/timeutil.h"
#include "runtime/value.h"
#include "runtime/value_ops.h"
#include "runtime/err.h"

typedef struct JsonOptions {
    bool fail_on_missing_field; /* json.fail-on-missing-field */
    bool ignore_parse_errors;   /* json.ignore-parse-errors */
    const TimeZone *tz; /* session zone for zone-less TIMESTAMP_LTZ text;
                           NULL: UTC; borrowed, outlives the decoder */
} JsonOptions;

/* Results of json_decode(). */
enum {
    JSON_ERROR = -1, /* the line is bad and the job should fail; see err */
    JSON_OK = 0,     /* out_row holds the row */
    JSON_SKIP = 1,   /* bad line dropped (ignore-parse-errors); see err */
    JSON_BLANK = 2   /* the line holds only white space: no row, no error */
};

/* Where and why a line was rejected (or a field nulled).  The caller adds
 * the file and line, or the topic, partition and offset. */
typedef struct JsonError {
    size_t offset; /* byte offset into the line where the problem is */
    int32_t col;   /* schema column concerned, or -1 */
    char msg[160]; /* reason, a lower-case phrase without a final period */
} JsonError;

typedef struct JsonStats {
    uint64_t rows_ok;       /* rows produced */
    uint64_t rows_skipped;  /* malformed rows dropped (ignore-parse-errors) */
    uint64_t fields_nulled; /* bad values set to NULL (ignore-parse-errors) */
} JsonStats;

typedef struct JsonDecoder JsonDecoder;

/* Build a decoder for the columns of schema.  schema is borrowed and must
 * outlive the decoder (it lives in the Program arena).  opt may be NULL
 * (both options false).  Column names are matched exactly (case
 * sensitive), as Flink does.  Never fails. */
JsonDecoder *json_decoder_new(const RtSchema *schema, const JsonOptions *opt);
void json_decoder_free(JsonDecoder *d);

/* Decode one line (one JSON object; leading and trailing white space and a
 * final "\r" are allowed) into out_row[0..n_cols).  Strings with escapes,
 * and BYTES, are built in arena a; other strings point into line.  On
 * JSON_ERROR and JSON_SKIP err (which may be NULL) says why and out_row is
 * undefined.  On JSON_OK with ignore-parse-errors, err holds the last field
 * that was set to NULL, if any (err->msg[0] is '\0' otherwise). */
int json_decode(JsonDecoder *d, const char *line, size_t len, Arena *a,
                Value *out_row, JsonError *err);

JsonStats json_decoder_stats(const JsonDecoder *d);

/* Append row (schema->n_cols values) to out as one compact JSON object in
 * schema order, without a newline.  Never fails.  Values are written as
 * value_format_json() does (DECIMAL with its scale, TIMESTAMP as
 * "yyyy-mm-dd hh:mm:ss.mmm", DOUBLE NaN/Infinity as strings); f (may be
 * NULL: UTC) gives the zone TIMESTAMP_LTZ is shown in. */
void json_encode_row(StrBuf *out, const RtSchema *s, const Value *row);
void json_encode_row_fmt(StrBuf *out, const RtSchema *s, const Value *row,
                         const ValueFmt *f);

/* The same with the "{"name":" fragments escaped once up front: what a
 * sink uses.  s is borrowed and must outlive the encoder. */
typedef struct JsonEncoder JsonEncoder;
JsonEncoder *json_encoder_new(const RtSchema *s, const ValueFmt *f);
void json_encoder_free(JsonEncoder *e);
void json_encoder_row(JsonEncoder *e, StrBuf *out, const Value *row);

/* The json format's writer options (Flink's json.*): */
typedef enum JsonMapNullKey {
    JSON_MAP_NULL_FAIL,    /* a NULL map key fails the job (default) */
    JSON_MAP_NULL_DROP,    /* the entry is left out */
    JSON_MAP_NULL_LITERAL  /* the key is written as literal */
} JsonMapNullKey;

typedef struct JsonEncOptions {
    bool ignore_null_fields;  /* encode.ignore-null-fields */
    bool ts_iso;              /* timestamp-format.standard = 'ISO-8601' */
    JsonMapNullKey map_null;  /* map-null-key.mode */
    const char *map_null_literal; /* map-null-key.literal (borrowed) */
} JsonEncOptions;

/* Read them from table t's options "<prefix>json.<name>" (else
 * "json.<name>"); a bad value is FSQL_E_CONFIG naming the option. */
struct TableDef;
int json_enc_options_of(const struct TableDef *t, const char *prefix,
                        JsonEncOptions *o, FsqlErr *err);
void json_encoder_set_options(JsonEncoder *e, const JsonEncOptions *o);

/* After json_encoder_row: NULL, or the name of the MAP column whose value
 * had a NULL key in FAIL mode (the row was written with that column
 * NULL; the caller fails the job). */
const char *json_encoder_failed(const JsonEncoder *e);

/* Append s as a JSON string literal with quotes; control characters,
 * quote and backslash are escaped, other bytes (UTF-8) pass through. */
void json_encode_string(StrBuf *out, const char *s, size_t n);

/* Append one value of type t as JSON (null for NULL). */
void json_encode_value(StrBuf *out, const RtType *t, const Value *v);
void json_encode_value_fmt(StrBuf *out, const RtType *t, const Value *v,
                           const ValueFmt *f);

#endif
