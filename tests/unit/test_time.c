/*
 * test_time.c - unit tests for runtime/timeutil.c: the calendar, parsing
 * and formatting of DATE/TIME/TIMESTAMP, ISO-8601 offsets, EXTRACT,
 * TIMESTAMPADD/TIMESTAMPDIFF, FLOOR/CEIL and window starts, Java date
 * patterns, and time zones (TZif files and fixed offsets).
 *
 * time_vectors replays tests/unit/data/time_vectors.txt, produced with
 * Python's datetime and zoneinfo by tests/unit/gen_time_vectors.py.
 */
#include "runtime/fsql.h"
#include "runtime/timeutil.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t TS(const char *s)
{
    int64_t ms = INT64_MIN;
    if (!time_parse_timestamp(s, strlen(s), &ms))
        unit_fail(__FILE__, __LINE__, "cannot parse timestamp '%s'", s);
    return ms;
}

static const char *fmt_ts(int64_t ms)
{
    static char bufs[4][TIME_FMT_TIMESTAMP_MAX];
    static int k;
    char *b = bufs[k++ & 3];
    time_format_timestamp(b, ms);
    return b;
}

static void time_calendar(void)
{
    UNIT_EQ_INT(time_days_from_civil(1970, 1, 1), 0);
    UNIT_EQ_INT(time_days_from_civil(2000, 3, 1), 11017);
    UNIT_EQ_INT(time_days_from_civil(1, 1, 1), -719162);
    UNIT_EQ_INT(time_days_from_civil(9999, 12, 31), 2932896);
    int64_t y;
    int m, d;
    time_civil_from_days(-1, &y, &m, &d);
    UNIT_EQ_INT(y * 10000 + m * 100 + d, 19691231);
    time_civil_from_days(11016, &y, &m, &d);
    UNIT_EQ_INT(y * 10000 + m * 100 + d, 20000229);
    UNIT_CHECK(time_is_leap_year(2000));
    UNIT_CHECK(!time_is_leap_year(1900));
    UNIT_EQ_INT(time_days_in_month(2024, 2), 29);
    UNIT_EQ_INT(time_days_in_month(2023, 2), 28);
    UNIT_EQ_INT(time_floor_div(-1, 1000), -1);
    UNIT_EQ_INT(time_floor_mod(-1, 1000), 999);
}

static void time_parse_format(void)
{
    int32_t days, ms32;
    int64_t ms;
    char buf[TIME_FMT_TIMESTAMP_MAX];
    UNIT_CHECK(time_parse_date("2024-01-05", 10, &days));
    time_format_date(buf, days);
    UNIT_EQ_STR(buf, "2024-01-05");
    UNIT_CHECK(time_parse_date("2024-1-5", 8, &days));
    time_format_date(buf, days);
    UNIT_EQ_STR(buf, "2024-01-05");
    UNIT_CHECK(time_parse_date("2017-12-12 09:30:00", 19, &days));
    UNIT_CHECK(!time_parse_date("2023-02-29", 10, &days));
    UNIT_CHECK(!time_parse_date("2024-13-01", 10, &days));
    UNIT_CHECK(!time_parse_date("2024-01-01x", 11, &days));
    UNIT_CHECK(!time_parse_date("", 0, &days));

    UNIT_CHECK(time_parse_time("10:00:00", 8, &ms32));
    time_format_time(buf, ms32, 0);
    UNIT_EQ_STR(buf, "10:00:00");
    UNIT_CHECK(time_parse_time("23:59:59.1236", 13, &ms32));
    time_format_time(buf, ms32, 3);
    UNIT_EQ_STR(buf, "23:59:59.124"); /* TIME rounds like Flink */
    UNIT_CHECK(!time_parse_time("24:00:00", 8, &ms32));

    UNIT_EQ_STR(fmt_ts(TS("2024-01-01 10:00:00")), "2024-01-01 10:00:00.000");
    UNIT_EQ_STR(fmt_ts(TS("2024-01-01T10:00:00.5")), "2024-01-01 10:00:00.500");
    UNIT_EQ_STR(fmt_ts(TS("2024-01-01 10:00")), "2024-01-01 10:00:00.000");
    UNIT_EQ_STR(fmt_ts(TS("2024-01-01")), "2024-01-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(TS("2024-01-01 10:00:00.123999999")),
                "2024-01-01 10:00:00.123"); /* truncated */
    UNIT_EQ_STR(fmt_ts(TS(" 1969-12-31 23:59:59.999 ")),
                "1969-12-31 23:59:59.999");
    UNIT_EQ_STR(fmt_ts(TS("0001-01-01 00:00:00")), "0001-01-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(TS("9999-12-31 23:59:59.999")),
                "9999-12-31 23:59:59.999");
    UNIT_CHECK(
        !time_parse_timestamp("2024-01-01 10:00:00.1234567890", 30, &ms));
    UNIT_CHECK(!time_parse_timestamp("2024-01-01 10:00:00Z", 20, &ms));
    UNIT_CHECK(!time_parse_timestamp("2024-01-01 25:00:00", 19, &ms));
    UNIT_CHECK(!time_parse_timestamp("garbage", 7, &ms));
    time_format_timestamp_p(buf, TS("2024-01-01 10:00:00.120"), 0);
    UNIT_EQ_STR(buf, "2024-01-01 10:00:00");

    bool ho;
    int32_t off;
    UNIT_CHECK(time_parse_iso("2024-01-01T10:00:00Z", 20, &ms, &ho, &off));
    UNIT_CHECK(ho && off == 0);
    UNIT_CHECK(
        time_parse_iso("2024-01-01T10:00:00.250+08:00", 29, &ms, &ho, &off));
    UNIT_CHECK(ho && off == 8 * 3600);
    UNIT_EQ_STR(fmt_ts(ms), "2024-01-01 10:00:00.250");
    UNIT_CHECK(time_parse_iso("2024-01-01 10:00:00-0330", 24, &ms, &ho, &off));
    UNIT_EQ_INT(off, -(3 * 3600 + 1800));
    UNIT_CHECK(time_parse_iso("2024-01-01 10:00:00", 19, &ms, &ho, &off));
    UNIT_CHECK(!ho);
    UNIT_CHECK(!time_parse_iso("2024-01-01 10:00:00+8", 21, &ms, &ho, &off));
}

static void time_extract_fields(void)
{
    int64_t t = TS("2024-02-29 13:45:56.789"); /* a Thursday */
    UNIT_EQ_INT(time_extract(RTU_YEAR, t), 2024);
    UNIT_EQ_INT(time_extract(RTU_QUARTER, t), 1);
    UNIT_EQ_INT(time_extract(RTU_MONTH, t), 2);
    UNIT_EQ_INT(time_extract(RTU_DAY, t), 29);
    UNIT_EQ_INT(time_extract(RTU_HOUR, t), 13);
    UNIT_EQ_INT(time_extract(RTU_MINUTE, t), 45);
    UNIT_EQ_INT(time_extract(RTU_SECOND, t), 56);
    UNIT_EQ_INT(time_extract(RTU_MILLISECOND, t), 789);
    UNIT_EQ_INT(time_extract(RTU_MICROSECOND, t), 789000);
    UNIT_EQ_INT(time_extract(RTU_DOW, t), 5);
    UNIT_EQ_INT(time_extract(RTU_ISODOW, t), 4);
    UNIT_EQ_INT(time_extract(RTU_DOY, t), 60);
    UNIT_EQ_INT(time_extract(RTU_WEEK, t), 9);
    UNIT_EQ_INT(time_extract(RTU_EPOCH, t), 1709214356);
    UNIT_EQ_INT(time_extract(RTU_DECADE, t), 202);
    UNIT_EQ_INT(time_extract(RTU_CENTURY, t), 21);
    UNIT_EQ_INT(time_extract(RTU_MILLENNIUM, t), 3);
    /* ISO week belongs to the previous year */
    UNIT_EQ_INT(time_extract(RTU_WEEK, TS("2021-01-03 00:00:00")), 53);
    UNIT_EQ_INT(time_extract(RTU_ISOYEAR, TS("2021-01-03 00:00:00")), 2020);
    UNIT_EQ_INT(time_extract(RTU_WEEK, TS("2024-12-30 00:00:00")), 1);
    UNIT_EQ_INT(time_extract(RTU_DOW, TS("2024-06-02 00:00:00")), 1); /* Sun */
    UNIT_EQ_INT(time_extract(RTU_HOUR, TS("1969-12-31 23:00:00")), 23);
    RtTimeUnit u;
    UNIT_CHECK(rt_time_unit_from_name("dow", 3, &u) && u == RTU_DOW);
    UNIT_CHECK(rt_time_unit_from_name("SQL_TSI_MONTH", 13, &u) &&
               u == RTU_MONTH);
    UNIT_CHECK(!rt_time_unit_from_name("FORTNIGHT", 9, &u));
    UNIT_EQ_STR(rt_time_unit_name(RTU_QUARTER), "QUARTER");
}

static void time_add_diff(void)
{
    int64_t r;
    UNIT_CHECK(time_add(RTU_MONTH, 1, TS("2024-01-31 10:00:00"), &r));
    UNIT_EQ_STR(fmt_ts(r), "2024-02-29 10:00:00.000");
    UNIT_CHECK(time_add(RTU_YEAR, 1, TS("2024-02-29 00:00:00"), &r));
    UNIT_EQ_STR(fmt_ts(r), "2025-02-28 00:00:00.000");
    UNIT_CHECK(time_add(RTU_QUARTER, -1, TS("2024-05-31 00:00:00"), &r));
    UNIT_EQ_STR(fmt_ts(r), "2024-02-29 00:00:00.000");
    UNIT_CHECK(time_add(RTU_MONTH, -13, TS("2024-01-15 00:00:00"), &r));
    UNIT_EQ_STR(fmt_ts(r), "2022-12-15 00:00:00.000");
    UNIT_CHECK(time_add(RTU_DAY, 1, TS("2024-12-31 12:00:00"), &r));
    UNIT_EQ_STR(fmt_ts(r), "2025-01-01 12:00:00.000");
    UNIT_CHECK(time_add(RTU_WEEK, 2, TS("2024-12-31 12:00:00"), &r));
    UNIT_EQ_STR(fmt_ts(r), "2025-01-14 12:00:00.000");
    UNIT_CHECK(time_add(RTU_SECOND, -1, TS("2024-01-01 00:00:00"), &r));
    UNIT_EQ_STR(fmt_ts(r), "2023-12-31 23:59:59.000");
    UNIT_CHECK(!time_add(RTU_SECOND, INT64_MAX / 10, 0, &r));
    UNIT_CHECK(!time_add(RTU_MONTH, INT64_MAX / 2, 0, &r));

    int64_t a = TS("2024-01-31 10:00:00"), b = TS("2024-02-29 09:00:00");
    UNIT_EQ_INT(time_diff(RTU_MONTH, a, b), 0);
    UNIT_EQ_INT(time_diff(RTU_MONTH, a, TS("2024-02-29 10:00:00")), 1);
    UNIT_EQ_INT(time_diff(RTU_DAY, a, b), 28);
    UNIT_EQ_INT(time_diff(RTU_HOUR, a, b), 695);
    UNIT_EQ_INT(time_diff(RTU_HOUR, b, a), -695);
    UNIT_EQ_INT(time_diff(RTU_YEAR, TS("2020-02-29 00:00:00"),
                          TS("2021-02-28 00:00:00")),
                1);
    /* Calcite's subtractMonths adjusts for the time of day in one
     * direction only, so this is -1 in Flink as well */
    UNIT_EQ_INT(time_diff(RTU_YEAR, TS("2021-03-01 00:00:00"),
                          TS("2020-03-01 00:00:01")),
                -1);
    UNIT_EQ_INT(time_diff(RTU_QUARTER, TS("2024-01-01 00:00:00"),
                          TS("2024-12-31 00:00:00")),
                3);
    UNIT_EQ_INT(time_diff(RTU_MONTH, TS("2024-03-15 00:00:00"),
                          TS("2024-01-20 00:00:00")),
                -1);
    UNIT_EQ_INT(time_diff(RTU_SECOND, TS("2024-01-01 00:00:00.999"),
                          TS("2024-01-01 00:00:02.000")),
                1);
}

static void time_floor_ceil(void)
{
    int64_t t = TS("2024-05-15 13:45:56.789"); /* Wednesday */
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_SECOND, t)), "2024-05-15 13:45:56.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_MINUTE, t)), "2024-05-15 13:45:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_HOUR, t)), "2024-05-15 13:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_DAY, t)), "2024-05-15 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_WEEK, t)), "2024-05-12 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_MONTH, t)), "2024-05-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_QUARTER, t)), "2024-04-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_YEAR, t)), "2024-01-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_DECADE, t)), "2020-01-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_CENTURY, t)), "2001-01-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_ceil(RTU_HOUR, t)), "2024-05-15 14:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_ceil(RTU_DAY, t)), "2024-05-16 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_ceil(RTU_MONTH, t)), "2024-06-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_ceil(RTU_YEAR, t)), "2025-01-01 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_ceil(RTU_WEEK, t)), "2024-05-19 00:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_ceil(RTU_HOUR, TS("2024-05-15 13:00:00"))),
                "2024-05-15 13:00:00.000");
    UNIT_EQ_STR(fmt_ts(time_floor(RTU_HOUR, TS("1969-12-31 23:30:00"))),
                "1969-12-31 23:00:00.000");
    /* tumbling windows: start = ts - ((ts - offset) mod size) */
    UNIT_EQ_STR(fmt_ts(time_window_start(t, 0, 5 * MS_PER_MINUTE)),
                "2024-05-15 13:45:00.000");
    UNIT_EQ_STR(fmt_ts(time_window_start(t, 0, MS_PER_DAY)),
                "2024-05-15 00:00:00.000");
    /* offset -8h: days start at 16:00 (midnight in UTC+8) */
    UNIT_EQ_STR(fmt_ts(time_window_start(t, -8 * MS_PER_HOUR, MS_PER_DAY)),
                "2024-05-14 16:00:00.000");
    UNIT_EQ_STR(
        fmt_ts(time_window_start(TS("1969-12-31 23:59:59"), 0, MS_PER_HOUR)),
        "1969-12-31 23:00:00.000");
}

static StrBuf pat_sb;

static const char *pat(int64_t ms, const char *p, const TimeZone *tz)
{
    StrBuf *sb = &pat_sb;
    strbuf_clear(sb);
    time_format_pattern(sb, ms, p, strlen(p), tz);
    return strbuf_cstr(sb);
}

static void time_patterns(void)
{
    int64_t t = TS("2024-03-05 07:08:09.012");
    UNIT_EQ_STR(pat(t, "yyyy-MM-dd HH:mm:ss", NULL), "2024-03-05 07:08:09");
    UNIT_EQ_STR(pat(t, "yyyy-MM-dd HH:mm:ss.SSS", NULL),
                "2024-03-05 07:08:09.012");
    UNIT_EQ_STR(pat(t, "yyyyMMddHH", NULL), "2024030507");
    UNIT_EQ_STR(pat(t, "y/M/d h:m:s a", NULL), "2024/3/5 7:8:9 AM");
    UNIT_EQ_STR(pat(t, "EEE MMM dd yy", NULL), "Tue Mar 05 24");
    UNIT_EQ_STR(pat(t, "EEEE, MMMM d", NULL), "Tuesday, March 5");
    UNIT_EQ_STR(pat(t, "'Day' D 'of' yyyy, 'quoted '' text'", NULL),
                "Day 65 of 2024, quoted ' text");
    UNIT_EQ_STR(pat(t, "HH''mm", NULL), "07'08");
    UNIT_EQ_STR(pat(t, "yyyy-MM-dd'T'HH:mm:ssXXX", NULL),
                "2024-03-05T07:08:09Z");
    char err[128];
    TimeZone *sh = tz_load("Asia/Shanghai", err, sizeof err);
    UNIT_REQUIRE(sh);
    UNIT_EQ_STR(pat(t, "HH:mm Z", sh), "07:08 +0800");
    UNIT_EQ_STR(pat(t, "HH:mm XXX z", sh), "07:08 +08:00 CST");
    tz_free(sh);

    int64_t ms;
    const char *f = "yyyy-MM-dd HH:mm:ss";
    UNIT_CHECK(
        time_parse_pattern("2024-03-05 07:08:09", 19, f, strlen(f), &ms));
    UNIT_EQ_STR(fmt_ts(ms), "2024-03-05 07:08:09.000");
    f = "yyyyMMdd";
    UNIT_CHECK(time_parse_pattern("20240305", 8, f, strlen(f), &ms));
    UNIT_EQ_STR(fmt_ts(ms), "2024-03-05 00:00:00.000");
    f = "dd/MM/yyyy hh:mm a";
    UNIT_CHECK(
        time_parse_pattern("05/03/2024 07:08 PM", 19, f, strlen(f), &ms));
    UNIT_EQ_STR(fmt_ts(ms), "2024-03-05 19:08:00.000");
    f = "dd MMM yyyy HH:mm:ss.SSS";
    UNIT_CHECK(
        time_parse_pattern("05 mar 2024 07:08:09.120", 24, f, strlen(f), &ms));
    UNIT_EQ_STR(fmt_ts(ms), "2024-03-05 07:08:09.120");
    f = "HH:mm";
    UNIT_CHECK(time_parse_pattern("07:08", 5, f, strlen(f), &ms));
    UNIT_EQ_STR(fmt_ts(ms), "1970-01-01 07:08:00.000");
    f = "yyyy-MM-dd";
    UNIT_CHECK(!time_parse_pattern("2024-02-30", 10, f, strlen(f), &ms));
    UNIT_CHECK(!time_parse_pattern("2024-02-03x", 11, f, strlen(f), &ms));
    UNIT_CHECK(!time_parse_pattern("2024/02/03", 10, f, strlen(f), &ms));

    UNIT_CHECK(time_to_timestamp("2024-03-05 07:08:09", 19, &ms));
    UNIT_CHECK(!time_to_timestamp("05.03.2024", 10, &ms));
    strbuf_fini(&pat_sb);
}

static void time_unix(void)
{
    char err[128];
    TimeZone *sh = tz_load("Asia/Shanghai", err, sizeof err);
    UNIT_REQUIRE(sh);
    int64_t secs;
    UNIT_CHECK(
        time_unix_timestamp("2024-01-01 08:00:00", 19, NULL, 0, sh, &secs));
    UNIT_EQ_INT(secs, 1704067200);
    UNIT_CHECK(time_unix_timestamp("2024-01-01 00:00:00.5", 21, NULL, 0,
                                   tz_utc(), &secs));
    UNIT_EQ_INT(secs, 1704067200); /* trailing text ignored, as SDF */
    UNIT_CHECK(time_unix_timestamp("2024/01/01", 10, "yyyy/MM/dd", 10, tz_utc(),
                                   &secs));
    UNIT_EQ_INT(secs, 1704067200);
    UNIT_CHECK(
        !time_unix_timestamp("2024-01-01", 10, NULL, 0, tz_utc(), &secs));
    StrBuf sb;
    strbuf_init(&sb);
    time_from_unixtime(&sb, 1704067200, NULL, 0, sh);
    UNIT_EQ_STR(strbuf_cstr(&sb), "2024-01-01 08:00:00");
    strbuf_clear(&sb);
    time_from_unixtime(&sb, 0, "yyyy-MM-dd", 10, NULL);
    UNIT_EQ_STR(strbuf_cstr(&sb), "1970-01-01");
    strbuf_fini(&sb);
    tz_free(sh);
}

static void time_zones(void)
{
    char err[128];
    TimeZone *z = tz_load("+08:00", err, sizeof err);
    UNIT_REQUIRE(z);
    UNIT_CHECK(tz_is_fixed(z));
    UNIT_EQ_INT(tz_offset_at_utc(z, 0), 8 * 3600);
    UNIT_EQ_INT(tz_local_to_utc(z, 8 * MS_PER_HOUR), 0);
    tz_free(z);
    const char *fixed[][2] = {
        {"UTC", "0"},           {"GMT+8", "28800"}, {"UTC-03:30", "-12600"},
        {"-0530", "-19800"},    {"Z", "0"},         {"GMT", "0"},
        {"UTC+08:00", "28800"}, {"+8", "28800"}};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(fixed); i++) {
        z = tz_load(fixed[i][0], err, sizeof err);
        UNIT_CHECK(z != NULL);
        if (z) {
            UNIT_EQ_INT(tz_offset_at_utc(z, 123456789), atoi(fixed[i][1]));
            UNIT_EQ_STR(tz_name(z), fixed[i][0]);
            tz_free(z);
        }
    }
    UNIT_CHECK(tz_load("Mars/Olympus_Mons", err, sizeof err) == NULL);
    UNIT_EQ_STR(err, "unrecognized time zone \"Mars/Olympus_Mons\"");
    UNIT_CHECK(tz_load("../etc/passwd", err, sizeof err) == NULL);
    UNIT_CHECK(tz_load("GMT+25", err, sizeof err) == NULL);
    UNIT_CHECK(tz_load("", err, sizeof err) == NULL);

    z = tz_load("America/New_York", err, sizeof err);
    UNIT_REQUIRE(z);
    UNIT_CHECK(!tz_is_fixed(z));
    /* gap: 02:30 does not exist on 2024-03-10; shifted to 03:30 EDT */
    int64_t u = tz_local_to_utc(z, TS("2024-03-10 02:30:00"));
    UNIT_EQ_STR(fmt_ts(u), "2024-03-10 07:30:00.000");
    UNIT_EQ_STR(fmt_ts(tz_utc_to_local(z, u)), "2024-03-10 03:30:00.000");
    /* overlap: 01:30 happens twice on 2024-11-03; the earlier (EDT) wins */
    u = tz_local_to_utc(z, TS("2024-11-03 01:30:00"));
    UNIT_EQ_STR(fmt_ts(u), "2024-11-03 05:30:00.000");
    /* far future: POSIX rule footer */
    UNIT_EQ_INT(tz_offset_at_utc(z, TS("2090-07-01 12:00:00")), -4 * 3600);
    UNIT_EQ_INT(tz_offset_at_utc(z, TS("2090-01-01 12:00:00")), -5 * 3600);
    tz_free(z);
    UNIT_EQ_STR(tz_name(tz_utc()), "UTC");
    UNIT_EQ_INT(tz_local_to_utc(NULL, 5), 5);
}

/* ---- vector replay ------------------------------------------------------ */

static char *tok(char **pp)
{
    char *p = *pp;
    while (*p == ' ')
        p++;
    if (!*p || *p == '\n')
        return NULL;
    char *b;
    if (*p == '\'') {
        b = ++p;
        /* a quoted token ends at a quote followed by blank or newline */
        while (*p && !(*p == '\'' && (p[1] == ' ' || p[1] == '\n' || !p[1])))
            p++;
    } else {
        b = p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
    }
    if (*p)
        *p++ = '\0';
    *pp = p;
    return b;
}

#define MAX_ZONES 32

static void time_vectors(void)
{
    FILE *f = fopen("tests/unit/data/time_vectors.txt", "r");
    if (!f) {
        unit_fail(__FILE__, __LINE__,
                  "cannot open tests/unit/data/time_vectors.txt "
                  "(run from the repository root)");
        return;
    }
    struct {
        char name[64];
        TimeZone *tz;
    } zones[MAX_ZONES];
    int n_zones = 0;
    char line[1024];
    int lineno = 0, n_cases = 0, n_bad = 0;
    StrBuf sb;
    strbuf_init(&sb);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        char *op = tok(&p);
        if (!op)
            continue;
        char *t[6] = {0};
        int nt = 0;
        char *x;
        while (nt < 6 && (x = tok(&p)))
            t[nt++] = x;
        char got[128], want[128];
        snprintf(want, sizeof want, "%s", t[nt - 1]);
        got[0] = 0;
        if (strcmp(op, "civil") == 0) {
            int64_t y;
            int m, d;
            time_civil_from_days(atoll(t[0]), &y, &m, &d);
            snprintf(got, sizeof got, "%lld %d %d", (long long)y, m, d);
            snprintf(want, sizeof want, "%s %s %s", t[1], t[2], t[3]);
            if (time_days_from_civil(y, m, d) != atoll(t[0]))
                snprintf(got, sizeof got, "roundtrip");
        } else if (strcmp(op, "off") == 0 || strcmp(op, "l2u") == 0) {
            TimeZone *tz = NULL, *tmp = NULL;
            for (int i = 0; i < n_zones; i++)
                if (strcmp(zones[i].name, t[0]) == 0)
                    tz = zones[i].tz;
            if (!tz) {
                char err[128];
                tz = tz_load(t[0], err, sizeof err);
                if (!tz) {
                    unit_fail(__FILE__, __LINE__, "%s", err);
                    continue;
                }
                if (n_zones < MAX_ZONES) {
                    snprintf(zones[n_zones].name, sizeof zones[n_zones].name,
                             "%s", t[0]);
                    zones[n_zones++].tz = tz;
                } else {
                    tmp = tz;
                }
            }
            int64_t v = atoll(t[1]);
            if (op[0] == 'o')
                snprintf(got, sizeof got, "%d", tz_offset_at_utc(tz, v));
            else
                snprintf(got, sizeof got, "%lld",
                         (long long)tz_local_to_utc(tz, v));
            tz_free(tmp);
        } else if (strcmp(op, "ext") == 0) {
            RtTimeUnit u;
            if (!rt_time_unit_from_name(t[0], strlen(t[0]), &u)) {
                snprintf(got, sizeof got, "bad unit");
            } else {
                snprintf(got, sizeof got, "%lld",
                         (long long)time_extract(u, atoll(t[1])));
            }
        } else if (strcmp(op, "fmt") == 0) {
            strbuf_clear(&sb);
            time_format_pattern(&sb, atoll(t[1]), t[0], strlen(t[0]), NULL);
            snprintf(got, sizeof got, "%s", strbuf_cstr(&sb));
        } else {
            snprintf(got, sizeof got, "unknown op");
        }
        n_cases++;
        if (strcmp(got, want) != 0 && ++n_bad <= 20)
            unit_fail(__FILE__, __LINE__,
                      "time_vectors.txt:%d: %s %s: got %s, want %s", lineno, op,
                      t[0], got, want);
    }
    fclose(f);
    strbuf_fini(&sb);
    for (int i = 0; i < n_zones; i++)
        tz_free(zones[i].tz);
    UNIT_CHECK(n_cases > 1000);
    UNIT_EQ_INT(n_bad, 0);
}

static const UnitTest time_tests[] = {
    {"time_calendar", time_calendar},
    {"time_parse_format", time_parse_format},
    {"time_extract_fields", time_extract_fields},
    {"time_add_diff", time_add_diff},
    {"time_floor_ceil", time_floor_ceil},
    {"time_patterns", time_patterns},
    {"time_unix", time_unix},
    {"time_zones", time_zones},
    {"time_vectors", time_vectors},
    {NULL, NULL},
};
UNIT_REGISTER(time_tests)
