/*
 * test_str.c - unit tests for runtime/str.c: Str comparisons and hashes,
 * StrBuf growth and formatting, utf8_count and utf8_valid.
 */
#include "runtime/fsql.h"
#include "runtime/str.h"
#include "tests/unit/unit.h"

#include <string.h>

static void str_compare(void)
{
    UNIT_CHECK(str_eq(STR_LIT("abc"), str_from_cstr("abc")));
    UNIT_CHECK(!str_eq(STR_LIT("abc"), STR_LIT("abd")));
    UNIT_CHECK(!str_eq(STR_LIT("abc"), STR_LIT("ab")));
    UNIT_CHECK(str_eq(STR_NULL, STR_LIT("")));
    UNIT_CHECK(str_ieq_cstr(STR_LIT("Select"), "SELECT"));
    UNIT_CHECK(!str_ieq_cstr(STR_LIT("Selecta"), "SELECT"));
    UNIT_CHECK(str_ihash(STR_LIT("User_Id")) == str_ihash(STR_LIT("user_id")));
    UNIT_CHECK(str_hash(STR_LIT("a")) != str_hash(STR_LIT("b")));
    UNIT_EQ_INT(str_from_cstr(NULL).len, 0);
}

static void str_utf8_count(void)
{
    UNIT_EQ_INT(utf8_count("", 0), 0);
    UNIT_EQ_INT(utf8_count("abc", 3), 3);
    UNIT_EQ_INT(utf8_count("金額", strlen("金額")), 2);
    UNIT_EQ_INT(utf8_count("a€b", strlen("a€b")), 3);
    UNIT_EQ_INT(utf8_count("\xF0\x9F\x98\x80", 4), 1); /* U+1F600 */
}

static void str_utf8_valid(void)
{
    UNIT_CHECK(utf8_valid("", 0));
    UNIT_CHECK(utf8_valid("plain ascii", 11));
    UNIT_CHECK(utf8_valid("用戶風險檔案", strlen("用戶風險檔案")));
    UNIT_CHECK(utf8_valid("\xC2\xA9", 2));          /* at the very end */
    UNIT_CHECK(utf8_valid("\xF0\x9F\x98\x80", 4));  /* 4-byte at the end */
    UNIT_CHECK(utf8_valid("\xF4\x8F\xBF\xBF", 4));  /* U+10FFFF */
    UNIT_CHECK(!utf8_valid("\x80", 1));             /* stray continuation */
    UNIT_CHECK(!utf8_valid("\xC2", 1));             /* truncated */
    UNIT_CHECK(!utf8_valid("\xE9\x87", 2));         /* truncated */
    UNIT_CHECK(!utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    UNIT_CHECK(!utf8_valid("\xE0\x80\xAF", 3));     /* overlong */
    UNIT_CHECK(!utf8_valid("\xED\xA0\x80", 3));     /* surrogate D800 */
    UNIT_CHECK(!utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    UNIT_CHECK(!utf8_valid("\xFF", 1));
    UNIT_CHECK(!utf8_valid("a\xC3(b", 4)); /* bad continuation */
    /* NUL bytes are valid code points when the length says so. */
    UNIT_CHECK(utf8_valid("a\0b", 3));
}

static void str_strbuf(void)
{
    StrBuf sb;
    strbuf_init(&sb);
    UNIT_EQ_STR(strbuf_cstr(&sb), "");
    strbuf_puts(&sb, "SELECT");
    strbuf_putc(&sb, ' ');
    strbuf_append_str(&sb, STR_LIT("a"));
    strbuf_printf(&sb, ", %d", 42);
    UNIT_EQ_STR(strbuf_cstr(&sb), "SELECT a, 42");
    UNIT_EQ_INT(sb.len, 12);
    strbuf_printf(&sb, "%s", ""); /* empty format output changes nothing */
    UNIT_EQ_INT(sb.len, 12);
    strbuf_clear(&sb);
    UNIT_EQ_STR(strbuf_cstr(&sb), "");
    UNIT_EQ_INT(sb.len, 0);
    /* Growth across many doublings keeps the content and terminator. */
    for (int i = 0; i < 10000; i++)
        strbuf_putc(&sb, (char)('a' + i % 26));
    UNIT_EQ_INT(sb.len, 10000);
    UNIT_EQ_INT(strlen(strbuf_cstr(&sb)), 10000);
    UNIT_CHECK(sb.ptr[9999] == 'a' + 9999 % 26);
    strbuf_fini(&sb);
    UNIT_CHECK(sb.ptr == NULL && sb.len == 0);
    /* A fresh buffer can be cleared and printed into. */
    strbuf_clear(&sb);
    char big[500];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    strbuf_printf(&sb, "<%s>", big);
    UNIT_EQ_INT(sb.len, 501);
    strbuf_fini(&sb);
}

static const UnitTest str_tests[] = {
    {"str_compare", str_compare},
    {"str_utf8_count", str_utf8_count},
    {"str_utf8_valid", str_utf8_valid},
    {"str_strbuf", str_strbuf},
    {NULL, NULL},
};
UNIT_REGISTER(str_tests)
