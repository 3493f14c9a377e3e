/*
 * test_csv.c - unit tests of the csv format (runtime/csv.c): quoting,
 * options, conversions, error paths, the record splitter and the encoder.
 */
#include "runtime/fsql.h"
#include "runtime/csv.h"
#include "runtime/decimal.h"
#include "tests/unit/unit.h"

#include <string.h>

static RtType cty(ValueKind k, uint8_t sql_kind, int32_t p, int32_t s)
{
    RtType t = {k, sql_kind, p, s, true};
    return t;
}

typedef struct CFix {
    RtColumn cols[6];
    RtSchema s;
    CsvDecoder *d;
    Arena a;
    Value row[6];
    CsvError err;
} CFix;

/* Columns: id BIGINT, name STRING, amount DECIMAL(10,2), ok BOOLEAN,
 * ts TIMESTAMP(3). */
static void cfix(CFix *f, const CsvOptions *opt)
{
    memset(f, 0, sizeof *f);
    static const char *names[] = {"id", "name", "amount", "ok", "ts"};
    RtType types[5] = {cty(VK_INT, RT_SQL_BIGINT, -1, 0),
                       cty(VK_STRING, 10, -1, 0), cty(VK_DECIMAL, 8, 10, 2),
                       cty(VK_BOOL, 1, -1, 0), cty(VK_TIMESTAMP, 15, 3, 0)};
    for (int i = 0; i < 5; i++) {
        f->cols[i].name = names[i];
        f->cols[i].type = types[i];
    }
    f->s.n_cols = 5;
    f->s.cols = f->cols;
    f->d = csv_decoder_new(&f->s, opt);
    arena_init(&f->a, 4096);
}

static void cfix_fini(CFix *f)
{
    csv_decoder_free(f->d);
    arena_fini(&f->a);
}

static int cdec(CFix *f, const char *rec)
{
    return csv_decode(f->d, rec, strlen(rec), &f->a, f->row, &f->err);
}

static bool str_is(const Value *v, const char *want)
{
    return !v->is_null && v->u.s.len == strlen(want) &&
           memcmp(v->u.s.ptr, want, v->u.s.len) == 0;
}

static void test_csv_basic(void)
{
    CFix f;
    cfix(&f, NULL);
    const char *rec = "42,alice,1234.56,true,2024-01-01 10:00:00.123\r\n";
    UNIT_EQ_INT(cdec(&f, rec), CSV_OK);
    UNIT_EQ_INT(f.row[0].u.i, 42);
    UNIT_CHECK(str_is(&f.row[1], "alice"));
    UNIT_CHECK(f.row[1].u.s.ptr == rec + 3); /* a view */
    UNIT_CHECK(value_get_dec(&f.row[2]) == 123456);
    UNIT_EQ_INT(f.row[3].u.i, 1);
    UNIT_EQ_INT(f.row[4].u.i, 1704103200123LL);

    /* quoting: delimiter, doubled quotes, line breaks, quoted numbers */
    UNIT_EQ_INT(cdec(&f, "\"7\",\"a,\"\"b\"\"\nc\",\" 1.5 \",FALSE,"
                         "2024-01-01T10:00:00Z"),
                CSV_OK);
    UNIT_EQ_INT(f.row[0].u.i, 7);
    UNIT_CHECK(str_is(&f.row[1], "a,\"b\"\nc"));
    UNIT_CHECK(value_get_dec(&f.row[2]) == 150);
    UNIT_EQ_INT(f.row[3].u.i, 0);
    UNIT_EQ_INT(f.row[4].u.i, 1704103200000LL);

    /* empty fields: NULL except for STRING; a quote inside an unquoted
     * field is literal */
    UNIT_EQ_INT(cdec(&f, ",,,,"), CSV_OK);
    for (int i = 0; i < 5; i++)
        UNIT_CHECK(i == 1 ? str_is(&f.row[i], "") : f.row[i].is_null);
    UNIT_EQ_INT(cdec(&f, "1,5'3\",,,"), CSV_OK);
    UNIT_CHECK(str_is(&f.row[1], "5'3\""));
    UNIT_EQ_INT(cdec(&f, "1,\"\",,,"), CSV_OK);
    UNIT_CHECK(str_is(&f.row[1], ""));

    /* blank lines are no record */
    UNIT_EQ_INT(cdec(&f, ""), CSV_BLANK);
    UNIT_EQ_INT(cdec(&f, "\r\n"), CSV_BLANK);
    /* comments only with csv.allow-comments */
    UNIT_EQ_INT(cdec(&f, "# x,y,,,"), CSV_ERROR);
    UNIT_EQ_STR(f.err.msg, "field 1 (\"id\"): \"# x\" is not an integer "
                           "(column type BIGINT)");
    /* a record of the wrong shape is reported as such, even when one of
     * its fields does not convert either */
    UNIT_EQ_INT(cdec(&f, "# x,y"), CSV_ERROR);
    UNIT_EQ_STR(f.err.msg, "malformed CSV: 2 fields, 5 expected");
    UNIT_EQ_INT(csv_decoder_stats(f.d).rows_ok, 5);
    cfix_fini(&f);
}

static void test_csv_options(void)
{
    CsvOptions o;
    csv_options_init(&o);
    o.field_delimiter = ';';
    o.null_literal = "\\N";
    o.allow_comments = true;
    CFix f;
    cfix(&f, &o);
    UNIT_EQ_INT(cdec(&f, "# comment"), CSV_BLANK);
    UNIT_EQ_INT(cdec(&f, "1;a,b;\\N;true;\\N"), CSV_OK);
    UNIT_CHECK(str_is(&f.row[1], "a,b"));
    UNIT_CHECK(f.row[2].is_null && f.row[4].is_null);
    UNIT_EQ_INT(cdec(&f, "1;\\N;2;true;"), CSV_OK);
    UNIT_CHECK(f.row[1].is_null && f.row[1].kind == VK_STRING);
    cfix_fini(&f);

    /* escape character, no quote character */
    csv_options_init(&o);
    o.field_delimiter = '\t';
    o.disable_quote_char = true;
    o.escape_char = '\\';
    cfix(&f, &o);
    UNIT_EQ_INT(cdec(&f, "1\t\"a\\\tb\\\\\"\t2\ttrue\t"), CSV_OK);
    UNIT_CHECK(str_is(&f.row[1], "\"a\tb\\\""));
    cfix_fini(&f);

    /* escape inside quotes */
    csv_options_init(&o);
    o.escape_char = '\\';
    cfix(&f, &o);
    UNIT_EQ_INT(cdec(&f, "1,\"a\\\"b\",2,true,"), CSV_OK);
    UNIT_CHECK(str_is(&f.row[1], "a\"b"));
    cfix_fini(&f);
}

static void test_csv_errors(void)
{
    static const struct {
        const char *in;
        size_t off;
        const char *msg;
    } cases[] = {
        {"1,\"abc,2,true,", 2, "malformed CSV: unterminated quoted field"},
        {"1,\"a\"b,2,true,", 5,
         "malformed CSV: delimiter expected after a closing quote"},
        {"1,a,2,true,,6", 12, "malformed CSV: more than 5 fields"},
        {"1,a,2", 5, "malformed CSV: 3 fields, 5 expected"},
        {"1", 1, "malformed CSV: 1 field, 5 expected"},
        {"x,a,2,true,", 0,
         "field 1 (\"id\"): \"x\" is not an integer (column type BIGINT)"},
        {"1,a,2,maybe,", 6,
         "field 4 (\"ok\"): \"maybe\" is not a boolean (true or false) "
         "(column type BOOLEAN)"},
        {"1,a,123456789,true,", 4,
         "field 3 (\"amount\"): \"123456789\" is out of range for the DECIMAL "
         "precision (column type DECIMAL)"},
        {"1,a,2,true,2024-02-30 10:00:00", 11,
         "field 5 (\"ts\"): \"2024-02-30 10:00:00\" is not a timestamp "
         "('yyyy-mm-dd hh:mm:ss[.fff]', ISO-8601 or epoch milliseconds) "
         "(column type TIMESTAMP)"},
        {"\"\",a,2,true,", 0,
         "field 1 (\"id\"): \"\" is not an integer (column type BIGINT)"},
        {"1,\xff,2,true,", 2,
         "field 2 (\"name\"): \"\xff\" is invalid UTF-8 (column type "
         "STRING)"},
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(cases); i++) {
        CFix f;
        cfix(&f, NULL);
        UNIT_EQ_INT(cdec(&f, cases[i].in), CSV_ERROR);
        UNIT_EQ_STR(f.err.msg, cases[i].msg);
        if (f.err.offset != cases[i].off)
            unit_fail(__FILE__, __LINE__, "%s: offset %zu, want %zu",
                      cases[i].in, f.err.offset, cases[i].off);
        cfix_fini(&f);
    }

    /* csv.ignore-parse-errors: bad fields NULL, malformed records dropped */
    CsvOptions o;
    csv_options_init(&o);
    o.ignore_parse_errors = true;
    CFix f;
    cfix(&f, &o);
    UNIT_EQ_INT(cdec(&f, "x,a,2,maybe,"), CSV_OK);
    UNIT_CHECK(f.row[0].is_null && f.row[3].is_null);
    UNIT_CHECK(value_get_dec(&f.row[2]) == 200);
    UNIT_EQ_INT(cdec(&f, "1,a"), CSV_SKIP);
    UNIT_EQ_INT(cdec(&f, "1,\"a"), CSV_SKIP);
    CsvStats st = csv_decoder_stats(f.d);
    UNIT_EQ_INT(st.rows_ok, 1);
    UNIT_EQ_INT(st.rows_skipped, 2);
    UNIT_EQ_INT(st.fields_nulled, 2);
    cfix_fini(&f);
}

static void test_csv_record_end(void)
{
    CsvOptions o;
    csv_options_init(&o);
    bool complete;
    const char *data = "a,\"b\nc\",d\ne,f\n\"g";
    size_t n = strlen(data);
    size_t k = csv_record_end(&o, data, n, &complete);
    UNIT_EQ_INT(k, 10);
    UNIT_CHECK(complete);
    size_t k2 = csv_record_end(&o, data + k, n - k, &complete);
    UNIT_EQ_INT(k2, 4);
    UNIT_CHECK(complete);
    size_t k3 = csv_record_end(&o, data + k + k2, n - k - k2, &complete);
    UNIT_EQ_INT(k3, 2);
    UNIT_CHECK(!complete);
    /* a quote that does not start a field does not open quoting */
    k = csv_record_end(&o, "5'3\",x\ny", 8, &complete);
    UNIT_EQ_INT(k, 7);
    UNIT_CHECK(complete);
    /* doubled quotes stay inside */
    k = csv_record_end(&o, "\"a\"\"\n\"\nz", 8, &complete);
    UNIT_EQ_INT(k, 7);
}

static void test_csv_encode(void)
{
    CFix f;
    cfix(&f, NULL);
    Value row[5];
    row[0] = value_null(VK_INT);
    row[0].is_null = false;
    row[0].u.i = -5;
    row[1] = value_null(VK_STRING);
    row[1].is_null = false;
    row[1].u.s.ptr = "a,\"b\"\nc";
    row[1].u.s.len = 7;
    value_set_dec(&row[2], 150);
    row[3] = value_null(VK_BOOL);
    row[3].is_null = false;
    row[3].u.i = 1;
    row[4] = value_null(VK_TIMESTAMP);
    StrBuf sb;
    strbuf_init(&sb);
    CsvEncoder *e = csv_encoder_new(&f.s, NULL, NULL);
    csv_encoder_header(e, &sb);
    strbuf_putc(&sb, '\n');
    csv_encoder_row(e, &sb, row);
    UNIT_EQ_STR(strbuf_cstr(&sb),
                "id,name,amount,ok,ts\n-5,\"a,\"\"b\"\"\nc\",1.50,true,");
    /* round trip */
    const char *rec = strchr(sb.ptr, '\n') + 1;
    UNIT_EQ_INT(cdec(&f, rec), CSV_OK);
    UNIT_EQ_INT(f.row[0].u.i, -5);
    UNIT_CHECK(str_is(&f.row[1], "a,\"b\"\nc"));
    UNIT_CHECK(value_get_dec(&f.row[2]) == 150);
    UNIT_CHECK(f.row[4].is_null);
    csv_encoder_free(e);

    /* null literal, values that look like it, blanks at the ends */
    CsvOptions o;
    csv_options_init(&o);
    o.null_literal = "NULL";
    o.field_delimiter = '|';
    e = csv_encoder_new(&f.s, &o, NULL);
    row[1].u.s.ptr = "NULL";
    row[1].u.s.len = 4;
    row[2] = value_null(VK_DECIMAL);
    row[4].is_null = false;
    row[4].u.i = 1704103200123LL;
    strbuf_clear(&sb);
    csv_encoder_row(e, &sb, row);
    row[1].u.s.ptr = " x|";
    row[1].u.s.len = 3;
    strbuf_putc(&sb, '\n');
    csv_encoder_row(e, &sb, row);
    UNIT_EQ_STR(strbuf_cstr(&sb),
                "-5|\"NULL\"|NULL|true|2024-01-01 10:00:00.123\n"
                "-5|\" x|\"|NULL|true|2024-01-01 10:00:00.123");
    csv_encoder_free(e);
    strbuf_fini(&sb);
    cfix_fini(&f);
}

static const UnitTest csv_tests[] = {
    {"csv_basic", test_csv_basic},   {"csv_options", test_csv_options},
    {"csv_errors", test_csv_errors}, {"csv_record_end", test_csv_record_end},
    {"csv_encode", test_csv_encode}, {NULL, NULL},
};

UNIT_REGISTER(csv_tests)
