/*
 * test_csv_null.c - unit tests of the csv format's null literal and BYTES
 * rules (runtime/csv.c): a quoted or escaped null literal is the text in
 * STRING and BYTES columns, the unquoted literal as written is NULL, BYTES
 * are written in base64 and empty BYTES as "".
 */
#include "runtime/fsql.h"
#include "runtime/csv.h"
#include "tests/unit/unit.h"

#include <string.h>

typedef struct NFix {
    RtColumn cols[3];
    RtSchema s;
    Arena a;
    Value row[3];
    CsvError err;
} NFix;

/* Columns: s STRING, b BYTES, n BIGINT. */
static void nfix(NFix *f)
{
    memset(f, 0, sizeof *f);
    static const char *names[] = {"s", "b", "n"};
    RtType types[3] = {{VK_STRING, 10 /* VARCHAR */, 2147483647, 0, true},
                       {VK_BYTES, 12 /* VARBINARY */, 2147483647, 0, true},
                       {VK_INT, RT_SQL_BIGINT, -1, 0, true}};
    for (int i = 0; i < 3; i++) {
        f->cols[i].name = names[i];
        f->cols[i].type = types[i];
    }
    f->s.n_cols = 3;
    f->s.cols = f->cols;
    arena_init(&f->a, 4096);
}

static int ndec(NFix *f, const CsvOptions *o, const char *rec)
{
    CsvDecoder *d = csv_decoder_new(&f->s, o);
    int rc = csv_decode(d, rec, strlen(rec), &f->a, f->row, &f->err);
    csv_decoder_free(d);
    return rc;
}

static bool nstr_is(const Value *v, const char *want)
{
    return !v->is_null && v->u.s.len == strlen(want) &&
           memcmp(v->u.s.ptr, want, v->u.s.len) == 0;
}

static void test_csv_null_literal_quoted(void)
{
    NFix f;
    nfix(&f);
    CsvOptions o;
    csv_options_init(&o);
    o.null_literal = "null";
    UNIT_EQ_INT(ndec(&f, &o, "null,null,null"), CSV_OK);
    UNIT_CHECK(f.row[0].is_null && f.row[1].is_null && f.row[2].is_null);
    /* quoted: the text in STRING and BYTES ("null" is base64), NULL in
     * BIGINT */
    UNIT_EQ_INT(ndec(&f, &o, "\"null\",\"null\",\"null\""), CSV_OK);
    UNIT_CHECK(nstr_is(&f.row[0], "null"));
    UNIT_CHECK(!f.row[1].is_null && f.row[1].u.s.len == 3);
    UNIT_CHECK(f.row[2].is_null);

    /* Flink's \N with an escape character and no quoting */
    o.null_literal = "\\N";
    o.escape_char = '\\';
    o.disable_quote_char = true;
    UNIT_EQ_INT(ndec(&f, &o, "\\N,\\N,\\N"), CSV_OK);
    UNIT_CHECK(f.row[0].is_null && f.row[1].is_null && f.row[2].is_null);
    UNIT_EQ_INT(ndec(&f, &o, "\\\\N,,1"), CSV_OK);
    UNIT_CHECK(nstr_is(&f.row[0], "\\N"));
    UNIT_CHECK(f.row[1].is_null);
    UNIT_EQ_INT(f.row[2].u.i, 1);
    arena_fini(&f.a);
}

static void test_csv_null_encode_roundtrip(void)
{
    NFix f;
    nfix(&f);
    static const char *const lits[] = {NULL, "null", "\\N", ""};
    static const char *const strs[] = {"null", "\\N", "", "a,b", "#x"};
    static const char bytes[][4] = {"", "\x01\x02\xff", "\xfb\xff", "abc"};
    static const size_t blens[] = {0, 3, 2, 3};
    for (int q = 0; q < 2; q++) {
        for (size_t l = 0; l < 4; l++) {
            CsvOptions o;
            csv_options_init(&o);
            o.null_literal = lits[l];
            o.allow_comments = true;
            if (q) { /* no quoting: the escape character protects */
                o.disable_quote_char = true;
                o.escape_char = '\\';
            }
            for (size_t i = 0; i < 5; i++) {
                size_t bi = i % 4;
                /* cases the docs list as not reading back */
                bool empty_str = strs[i][0] == '\0';
                if (q && (blens[bi] == 0 || (empty_str && lits[l] &&
                                             lits[l][0] == '\0')))
                    continue;
                Value row[3];
                row[0] = value_null(VK_STRING);
                row[0].is_null = false;
                row[0].u.s.ptr = strs[i];
                row[0].u.s.len = (uint32_t)strlen(strs[i]);
                row[1] = value_null(VK_BYTES);
                row[1].is_null = false;
                row[1].u.s.ptr = bytes[bi];
                row[1].u.s.len = (uint32_t)blens[bi];
                row[2] = value_null(VK_INT);
                StrBuf sb;
                strbuf_init(&sb);
                CsvEncoder *e = csv_encoder_new(&f.s, &o, NULL);
                csv_encoder_row(e, &sb, row);
                csv_encoder_free(e);
                int rc = ndec(&f, &o, strbuf_cstr(&sb));
                UNIT_EQ_INT(rc, CSV_OK);
                UNIT_CHECK(nstr_is(&f.row[0], strs[i]));
                UNIT_CHECK(!f.row[1].is_null &&
                           f.row[1].u.s.len == blens[bi] &&
                           memcmp(f.row[1].u.s.ptr, bytes[bi], blens[bi]) ==
                               0);
                /* NULL survives only with a null literal (BIGINT: an
                 * empty field is NULL anyway) */
                UNIT_CHECK(f.row[2].is_null);
                strbuf_fini(&sb);
            }
        }
    }
    /* the text written: base64, "" for empty bytes, quoted literal */
    CsvOptions o;
    csv_options_init(&o);
    o.null_literal = "null";
    Value row[3];
    row[0] = value_null(VK_STRING);
    row[0].is_null = false;
    row[0].u.s.ptr = "null";
    row[0].u.s.len = 4;
    row[1] = value_null(VK_BYTES);
    row[1].is_null = false;
    row[1].u.s.ptr = "\x01\x02\xff";
    row[1].u.s.len = 3;
    row[2] = value_null(VK_INT);
    StrBuf sb;
    strbuf_init(&sb);
    CsvEncoder *e = csv_encoder_new(&f.s, &o, NULL);
    csv_encoder_row(e, &sb, row);
    row[1].u.s.len = 0;
    strbuf_putc(&sb, '\n');
    csv_encoder_row(e, &sb, row);
    csv_encoder_free(e);
    UNIT_EQ_STR(strbuf_cstr(&sb), "\"null\",AQL/,null\n\"null\",\"\",null");
    strbuf_fini(&sb);
    arena_fini(&f.a);
}

static const UnitTest csv_null_tests[] = {
    {"csv_null_literal_quoted", test_csv_null_literal_quoted},
    {"csv_null_encode_roundtrip", test_csv_null_encode_roundtrip},
    {NULL, NULL},
};

UNIT_REGISTER(csv_null_tests)
