/*
 * fuzz_json.c - libFuzzer target for the json and csv formats.
 *
 * Each input is decoded as one JSON line by decoders over a mixed schema
 * (every column type) with each combination of the two json options, and
 * as one CSV record; rows that decode are encoded again (json and csv).
 * For a schema without temporal columns, a decoded row must survive the
 * round trip: its JSON encoding decodes again to equal values - abort()
 * otherwise.  The decoders remember the keys of earlier lines (json.c's
 * key prediction), so each line is also decoded twice more - by a fresh
 * decoder that has seen nothing, and again by the warmed one, which now
 * predicts every key - and all three must agree on the result, the
 * message and every value.  The arena is freed after each input, so LeakSanitizer checks
 * that nothing is allocated outside it.  Two MAP columns (MAP<STRING,
 * STRING> and MAP<STRING, INT>, runtime/json_map.c) are in both schemas:
 * a map that decodes has unique keys and no NULL key, so it too must come
 * back byte for byte; every decoded map block must pass map_validate.
 *
 *   make fuzz-json FUZZ_SECONDS=300
 */
#include "runtime/fsql.h"
#include "runtime/csv.h"
#include "runtime/json.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/value_map.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static RtType fty(ValueKind k, uint8_t sql_kind, int32_t p, int32_t s)
{
    RtType t = {k, sql_kind, p, s, true};
    return t;
}

#define N_MIXED 14
#define N_PLAIN 8
static RtColumn mixed_cols[N_MIXED];
static RtSchema mixed = {N_MIXED, mixed_cols};
/* the csv format has no MAP columns: the first 12 */
static RtSchema mixed_csv = {12, mixed_cols};
static RtColumn plain_cols[N_PLAIN];
static RtSchema plain = {N_PLAIN, plain_cols};

/* MAP<STRING, v>: VK_BYTES marked RT_SQL_MAP, element types packed */
static RtType fmap(RtType v)
{
    RtType k = fty(VK_STRING, 10, -1, 0);
    RtType m = fty(VK_BYTES, RT_SQL_MAP, map_type_pack(&k), map_type_pack(&v));
    return m;
}

static void schemas_init(void)
{
    static const char *names[N_MIXED] = {
        "id", "user_id", "amount", "score", "type", "ok", "d",
        "t",  "ts",      "ltz",    "b",     "n",    "m",  "mi"};
    RtType types[N_MIXED] = {
        fty(VK_INT, RT_SQL_BIGINT, -1, 0), fty(VK_INT, RT_SQL_INT, -1, 0),
        fty(VK_DECIMAL, 8, 10, 2),         fty(VK_DOUBLE, RT_SQL_DOUBLE, -1, 0),
        fty(VK_STRING, 10, -1, 0),         fty(VK_BOOL, 1, -1, 0),
        fty(VK_DATE, 13, -1, 0),           fty(VK_TIME, 14, 0, 0),
        fty(VK_TIMESTAMP, 15, 3, 0),       fty(VK_TIMESTAMP_LTZ, 16, 3, 0),
        fty(VK_BYTES, 12, -1, 0),          fty(VK_INT, RT_SQL_TINYINT, -1, 0),
        fmap(fty(VK_STRING, 10, -1, 0)),
        fmap(fty(VK_INT, RT_SQL_INT, -1, 0))};
    for (int i = 0; i < N_MIXED; i++) {
        mixed_cols[i].name = names[i];
        mixed_cols[i].type = types[i];
    }
    /* no temporal or floating columns: exact round trip expected */
    static const int pick[N_PLAIN] = {0, 1, 2, 4, 5, 11, 12, 13};
    for (int i = 0; i < N_PLAIN; i++)
        plain_cols[i] = mixed_cols[pick[i]];
}

/* Every decoded MAP value is a well-formed block. */
static void maps_check(const RtSchema *s, const Value *row)
{
    for (uint32_t c = 0; c < s->n_cols; c++)
        if (rt_is_map(&s->cols[c].type) && !row[c].is_null &&
            !map_validate(row[c].u.s.ptr, row[c].u.s.len))
            abort();
}

static bool same(const RtType *t, const Value *a, const Value *b)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null;
    switch (t->kind) {
    case VK_STRING:
    case VK_BYTES:
        return a->u.s.len == b->u.s.len &&
               memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
    case VK_DECIMAL:
        return value_get_dec(a) == value_get_dec(b);
    default:
        return a->u.i == b->u.i;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static JsonDecoder *dj[4];
    static JsonDecoder *dplain;
    static CsvDecoder *dc[2];
    static bool ready;
    if (!ready) {
        schemas_init();
        for (int i = 0; i < 4; i++) {
            JsonOptions o = {(i & 1) != 0, (i & 2) != 0, NULL};
            dj[i] = json_decoder_new(&mixed, &o);
        }
        dplain = json_decoder_new(&plain, NULL);
        CsvOptions co;
        csv_options_init(&co);
        dc[0] = csv_decoder_new(&mixed_csv, &co);
        co.field_delimiter = ';';
        co.escape_char = '\\';
        co.null_literal = "\\N";
        co.ignore_parse_errors = true;
        co.allow_comments = true;
        dc[1] = csv_decoder_new(&mixed_csv, &co);
        ready = true;
    }
    /* an exact-size heap copy so ASan sees reads past the end */
    char *line = xmalloc(size ? size : 1);
    memcpy(line, data, size);
    Arena a;
    arena_init(&a, 4096);
    StrBuf sb;
    strbuf_init(&sb);
    Value row[N_MIXED], back[N_MIXED];
    JsonError err;

    for (int i = 0; i < 4; i++) {
        int rc = json_decode(dj[i], line, size, &a, row, &err);
        if (rc == JSON_OK) {
            maps_check(&mixed, row);
            strbuf_clear(&sb);
            json_encode_row(&sb, &mixed, row);
        }
        /* the same line through a fresh decoder and the warmed one again */
        JsonOptions o = {(i & 1) != 0, (i & 2) != 0, NULL};
        JsonDecoder *fresh = json_decoder_new(&mixed, &o);
        for (int k = 0; k < 2; k++) {
            JsonError err2;
            int rc2 =
                json_decode(k ? dj[i] : fresh, line, size, &a, back, &err2);
            if (rc2 != rc || strcmp(err.msg, err2.msg) != 0 ||
                err.offset != err2.offset || err.col != err2.col)
                abort();
            if (rc == JSON_OK)
                for (uint32_t c = 0; c < mixed.n_cols; c++)
                    if (!same(&mixed.cols[c].type, &row[c], &back[c]))
                        abort();
        }
        json_decoder_free(fresh);
    }
    if (json_decode(dplain, line, size, &a, row, &err) == JSON_OK) {
        maps_check(&plain, row);
        strbuf_clear(&sb);
        json_encode_row(&sb, &plain, row);
        if (json_decode(dplain, sb.ptr, sb.len, &a, back, &err) != JSON_OK)
            abort();
        for (uint32_t c = 0; c < plain.n_cols; c++)
            if (!same(&plain.cols[c].type, &row[c], &back[c]))
                abort();
    }
    for (int i = 0; i < 2; i++) {
        CsvError cerr;
        int rc = csv_decode(dc[i], line, size, &a, row, &cerr);
        if (rc == CSV_OK) {
            CsvEncoder *e = csv_encoder_new(&mixed_csv, NULL, NULL);
            strbuf_clear(&sb);
            csv_encoder_row(e, &sb, row);
            csv_encoder_free(e);
        }
        CsvOptions co;
        csv_options_init(&co);
        bool complete;
        size_t k = csv_record_end(&co, line, size, &complete);
        if (k > size)
            abort();
    }
    strbuf_fini(&sb);
    arena_fini(&a);
    xfree(line);
    return 0;
}
