/*
 * timeutil.h - dates, times, timestamps and time zones.
 *
 * Representations (see value.h):
 *   DATE           days since 1970-01-01 (proleptic Gregorian)
 *   TIME           milliseconds since midnight
 *   TIMESTAMP      wall-clock milliseconds since 1970-01-01 00:00, no zone
 *   TIMESTAMP_LTZ  epoch milliseconds (an instant); shown in the session
 *                  time zone ('table.local-time-zone')
 *
 * Parsers take a (ptr, len) byte range, need no NUL, and return false on
 * malformed or out-of-range input (never crash).  Formatters write into a
 * caller buffer and return the length; they never call snprintf.
 *
 * Time zones come from the system tz database (TZif files under
 * /usr/share/zoneinfo, or $TZDIR) or are fixed offsets ("+08:00",
 * "UTC", "GMT+8", "UTC-03:30").  Local -> UTC conversion resolves DST
 * gaps by shifting forward by the gap length and overlaps by taking the
 * earlier offset, as java.time.ZonedDateTime.of does.
 */
#ifndef FSQL_RUNTIME_TIMEUTIL_H
#define FSQL_RUNTIME_TIMEUTIL_H

#include "runtime/fsql.h"
#include "runtime/str.h"

#define MS_PER_SECOND 1000LL
#define MS_PER_MINUTE 60000LL
#define MS_PER_HOUR 3600000LL
#define MS_PER_DAY 86400000LL

/* Buffer sizes (with the NUL) for the formatters below. */
#define TIME_FMT_DATE_MAX 16      /* "yyyy-mm-dd", sign/5-digit years */
#define TIME_FMT_TIME_MAX 24      /* "hh:mm:ss.fffffffff" */
#define TIME_FMT_TIMESTAMP_MAX 40 /* "yyyy-mm-dd hh:mm:ss.mmm" */

/* Units for EXTRACT, TIMESTAMPADD, TIMESTAMPDIFF and FLOOR/CEIL. */
typedef enum RtTimeUnit {
    RTU_NANOSECOND,
    RTU_MICROSECOND,
    RTU_MILLISECOND,
    RTU_SECOND,
    RTU_MINUTE,
    RTU_HOUR,
    RTU_DAY,
    RTU_WEEK,
    RTU_MONTH,
    RTU_QUARTER,
    RTU_YEAR,
    RTU_DECADE,
    RTU_CENTURY,
    RTU_MILLENNIUM,
    RTU_DOW,     /* EXTRACT only: Sunday = 1 .. Saturday = 7 */
    RTU_ISODOW,  /* Monday = 1 .. Sunday = 7 */
    RTU_DOY,     /* 1 .. 366 */
    RTU_ISOYEAR, /* the year of the ISO week */
    RTU_EPOCH    /* EXTRACT only: seconds since 1970-01-01 00:00 */
} RtTimeUnit;

/* Unit by SQL name ("YEAR", "dow", "SQL_TSI_DAY" ...); false if unknown. */
bool rt_time_unit_from_name(const char *s, size_t n, RtTimeUnit *out);
const char *rt_time_unit_name(RtTimeUnit u);

/* ---- calendar ---------------------------------------------------------- */

int64_t time_days_from_civil(int64_t y, int m, int d);
void time_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
bool time_is_leap_year(int64_t y);
int time_days_in_month(int64_t y, int m);

/* Floor division helpers for negative epoch values. */
static inline int64_t time_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
static inline int64_t time_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

/* ---- parsing ----------------------------------------------------------- */

/* 'yyyy-mm-dd' (also 'yyyy-m-d'); a time after ' ' or 'T' is ignored, as
 * Flink's DATE cast does. */
bool time_parse_date(const char *s, size_t n, int32_t *days);
/* 'hh:mm[:ss[.f...]]'; a fraction is rounded to milliseconds (Flink). */
bool time_parse_time(const char *s, size_t n, int32_t *millis);
/* 'yyyy-mm-dd[( |T)hh:mm[:ss[.f...]]]' as wall-clock millis; up to 9
 * fraction digits, truncated to milliseconds (Flink TIMESTAMP(3)).  No
 * zone suffix is accepted here. */
bool time_parse_timestamp(const char *s, size_t n, int64_t *millis);

/* ISO-8601 with an optional zone suffix: 'Z', '+08:00', '+0800', '+08',
 * '-03:30'.  On success *wall is the wall-clock millis as written and
 * *has_offset and *offset_secs describe the suffix.  Accepts whatever
 * time_parse_timestamp accepts. */
bool time_parse_iso(const char *s, size_t n, int64_t *wall, bool *has_offset,
                    int32_t *offset_secs);

/* ---- formatting -------------------------------------------------------- */

size_t time_format_date(char *buf, int32_t days);
/* 'hh:mm:ss' plus `precision` (0..3) fraction digits. */
size_t time_format_time(char *buf, int32_t millis, int precision);
/* 'yyyy-mm-dd hh:mm:ss.mmm' - always three fraction digits. */
size_t time_format_timestamp(char *buf, int64_t millis);
/* Same with `precision` (0..3) fraction digits. */
size_t time_format_timestamp_p(char *buf, int64_t millis, int precision);

/* ---- time zones -------------------------------------------------------- */

typedef struct TimeZone TimeZone;

/* Load a zone by name: an IANA id ("Asia/Shanghai"), "UTC"/"GMT"/"Z", or a
 * fixed offset ("+08:00", "-0330", "GMT+8", "UTC+08:00").  Returns NULL
 * and a message in err (house style) when the zone cannot be found.  The
 * result is owned by the caller (tz_free). */
TimeZone *tz_load(const char *name, char *err, size_t errlen);
void tz_free(TimeZone *tz);
/* The shared UTC zone; never freed. */
const TimeZone *tz_utc(void);
const char *tz_name(const TimeZone *tz);
bool tz_is_fixed(const TimeZone *tz);

/* UTC offset in seconds at an instant. */
int32_t tz_offset_at_utc(const TimeZone *tz, int64_t utc_ms);
/* Instant -> wall clock of the zone. */
int64_t tz_utc_to_local(const TimeZone *tz, int64_t utc_ms);
/* Wall clock -> instant (gap: shifted forward; overlap: earlier offset). */
int64_t tz_local_to_utc(const TimeZone *tz, int64_t local_ms);

/* ---- functions --------------------------------------------------------- */

/* EXTRACT(unit FROM ts) of a wall-clock timestamp (for a DATE pass
 * days * MS_PER_DAY, for a TIME its millis; for a TIMESTAMP_LTZ first
 * tz_utc_to_local).  As Flink: MILLISECOND is the millisecond of the
 * second (0..999), MICROSECOND that times 1000, SECOND 0..59; EPOCH is
 * seconds (truncated); WEEK is the ISO week number; DOW is
 * Sunday=1..Saturday=7; DECADE year/10; CENTURY/MILLENNIUM 1-based. */
int64_t time_extract(RtTimeUnit u, int64_t millis);

/* TIMESTAMPADD(unit, n, ts): MONTH/QUARTER/YEAR clamp the day of month
 * (Java LocalDateTime.plusMonths); false on overflow. */
bool time_add(RtTimeUnit u, int64_t n, int64_t millis, int64_t *out);
/* Month arithmetic on wall-clock millis / days. */
int64_t time_add_months(int64_t millis, int64_t months);
int32_t time_date_add_months(int32_t days, int64_t months);

/* TIMESTAMPDIFF(unit, a, b): whole units from a to b, truncated toward
 * zero; MONTH/QUARTER/YEAR count whole months as Calcite does. */
int64_t time_diff(RtTimeUnit u, int64_t a, int64_t b);
/* Whole months from a to b (Calcite DateTimeUtils.subtractMonths(b, a)). */
int64_t time_months_between(int64_t a, int64_t b);

/* FLOOR(ts TO unit) / CEIL(ts TO unit), MILLISECOND..MILLENNIUM, as Flink:
 * WEEK floors to the Sunday; for WEEK and coarser units CEIL looks at the
 * date only, ignoring the time of day (Flink's julianDateFloor). */
int64_t time_floor(RtTimeUnit u, int64_t millis);
int64_t time_ceil(RtTimeUnit u, int64_t millis);
/* Window start of the fixed-size window containing ts:
 * ts - ((ts - offset) mod size), with a floor modulo. */
static inline int64_t time_window_start(int64_t ts, int64_t offset,
                                        int64_t size)
{
    return ts - time_floor_mod(ts - offset, size);
}

/* DATE_FORMAT with a Java SimpleDateFormat / DateTimeFormatter pattern:
 * letters G y Y u M L d D E e a H k K h m s S n w W F z Z X x, '' quoting
 * ('' is a literal quote), other characters copied.  `tz` (may be NULL)
 * gives the offset printed by z/Z/X.  Appends to sb. */
void time_format_pattern(StrBuf *sb, int64_t millis, const char *fmt,
                         size_t fmt_len, const TimeZone *tz);
/* Parse text with such a pattern (TO_TIMESTAMP(s, fmt),
 * UNIX_TIMESTAMP(s, fmt)); fields not in the pattern default to
 * 1970-01-01 00:00:00.000.  False when the text does not match. */
bool time_parse_pattern(const char *s, size_t n, const char *fmt,
                        size_t fmt_len, int64_t *millis);

/* TO_TIMESTAMP(s): Flink's default pattern 'yyyy-MM-dd HH:mm:ss', also
 * accepting a fraction and a 'T' (same as time_parse_timestamp). */
bool time_to_timestamp(const char *s, size_t n, int64_t *millis);
/* UNIX_TIMESTAMP(s[, fmt]): the wall clock read in tz, as epoch seconds. */
bool time_unix_timestamp(const char *s, size_t n, const char *fmt,
                         size_t fmt_len, const TimeZone *tz, int64_t *secs);
/* FROM_UNIXTIME(secs[, fmt]): format the instant in tz; fmt NULL means
 * 'yyyy-MM-dd HH:mm:ss'. */
void time_from_unixtime(StrBuf *sb, int64_t secs, const char *fmt,
                        size_t fmt_len, const TimeZone *tz);

#endif
