/*
 * timeutil.c - calendar arithmetic, temporal parsing and formatting, Java
 * style date patterns, and time zones read from TZif files (see
 * timeutil.h).
 *
 * The calendar is the proleptic Gregorian one throughout (as java.time
 * and Flink's DateTimeUtils).  Epoch-based values use floor division so
 * that instants before 1970 decompose correctly.
 *
 * Time zones: a TZif file (RFC 8536) gives a table of transitions and
 * local time types; version 2+ files end with a POSIX TZ rule string that
 * covers instants after the last transition (Debian's "slim" files rely
 * on it).  Both are parsed here; nothing comes from the C library's
 * localtime, so results do not depend on the process's TZ variable.
 */
#include "runtime/fsql.h"
#include "runtime/timeutil.h"
#include "runtime/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- units ------------------------------------------------------------- */

static const struct {
    const char *name;
    RtTimeUnit unit;
} unit_names[] = {
    {"NANOSECOND", RTU_NANOSECOND},
    {"MICROSECOND", RTU_MICROSECOND},
    {"MILLISECOND", RTU_MILLISECOND},
    {"SECOND", RTU_SECOND},
    {"MINUTE", RTU_MINUTE},
    {"HOUR", RTU_HOUR},
    {"DAY", RTU_DAY},
    {"WEEK", RTU_WEEK},
    {"MONTH", RTU_MONTH},
    {"QUARTER", RTU_QUARTER},
    {"YEAR", RTU_YEAR},
    {"DECADE", RTU_DECADE},
    {"CENTURY", RTU_CENTURY},
    {"MILLENNIUM", RTU_MILLENNIUM},
    {"DOW", RTU_DOW},
    {"ISODOW", RTU_ISODOW},
    {"DOY", RTU_DOY},
    {"ISOYEAR", RTU_ISOYEAR},
    {"EPOCH", RTU_EPOCH},
    {"FRAC_SECOND", RTU_MICROSECOND},
    {"MICROSECONDS", RTU_MICROSECOND},
};

static bool ieq_n(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b);
    if (m != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if (c != b[i])
            return false;
    }
    return true;
}

bool rt_time_unit_from_name(const char *s, size_t n, RtTimeUnit *out)
{
    if (n > 8 && ieq_n(s, 8, "SQL_TSI_")) {
        s += 8;
        n -= 8;
    }
    for (size_t i = 0; i < FSQL_ARRAY_LEN(unit_names); i++) {
        if (ieq_n(s, n, unit_names[i].name)) {
            *out = unit_names[i].unit;
            return true;
        }
    }
    return false;
}

const char *rt_time_unit_name(RtTimeUnit u)
{
    for (size_t i = 0; i < FSQL_ARRAY_LEN(unit_names); i++)
        if (unit_names[i].unit == u)
            return unit_names[i].name;
    return "?";
}

/* ---- calendar ---------------------------------------------------------- */

int64_t time_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (mm <= 2);
    *m = mm;
    *d = dd;
}

bool time_is_leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int time_days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2)
        return time_is_leap_year(y) ? 29 : 28;
    return dm[(m - 1) % 12];
}

/* day of week, Monday = 1 .. Sunday = 7 */
static inline int iso_dow(int64_t days)
{
    return (int)time_floor_mod(days + 3, 7) + 1;
}

/* ---- small parsing helpers --------------------------------------------- */

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* minw..maxw digits at *pp into *out. */
static bool take_num(const char **pp, const char *e, int minw, int maxw,
                     int64_t *out)
{
    const char *p = *pp;
    int64_t v = 0;
    int n = 0;
    while (p < e && n < maxw && is_digit(*p)) {
        if (v > (INT64_MAX - 9) / 10)
            return false; /* a very wide pattern field: no such number */
        v = v * 10 + (*p - '0');
        p++;
        n++;
    }
    if (n < minw)
        return false;
    *pp = p;
    *out = v;
    return true;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static bool ymd_valid(int64_t y, int64_t m, int64_t d)
{
    return y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           d <= time_days_in_month(y, (int)m);
}

/* yyyy-m-d at *pp */
static bool take_date(const char **pp, const char *e, int64_t *days)
{
    int64_t y, m, d;
    const char *p = *pp;
    if (!take_num(&p, e, 1, 4, &y) || p >= e || *p != '-')
        return false;
    p++;
    if (!take_num(&p, e, 1, 2, &m) || p >= e || *p != '-')
        return false;
    p++;
    if (!take_num(&p, e, 1, 2, &d))
        return false;
    if (!ymd_valid(y, m, d))
        return false;
    *days = time_days_from_civil(y, (int)m, (int)d);
    *pp = p;
    return true;
}

/* h:m[:s[.f]] at *pp; millis of day.  round: TIME rounds the fraction to
 * milliseconds (Flink's parseFraction), TIMESTAMP truncates. */
static bool take_time(const char **pp, const char *e, bool round,
                      int64_t *millis)
{
    int64_t h, mi, s = 0, ms = 0;
    const char *p = *pp;
    if (!take_num(&p, e, 1, 2, &h) || p >= e || *p != ':')
        return false;
    p++;
    if (!take_num(&p, e, 1, 2, &mi))
        return false;
    if (p < e && *p == ':') {
        p++;
        if (!take_num(&p, e, 1, 2, &s))
            return false;
        if (p < e && *p == '.') {
            p++;
            int n = 0;
            int64_t mult = 100;
            while (p < e && is_digit(*p)) {
                if (n < 3)
                    ms += (*p - '0') * mult;
                else if (n == 3 && round && *p >= '5')
                    ms++;
                mult /= 10;
                p++;
                n++;
            }
            if (n == 0 || n > 9)
                return false;
        }
    }
    if (h > 23 || mi > 59 || s > 59)
        return false;
    int64_t v = h * MS_PER_HOUR + mi * MS_PER_MINUTE + s * MS_PER_SECOND + ms;
    if (v >= MS_PER_DAY)
        v = MS_PER_DAY - 1;
    *millis = v;
    *pp = p;
    return true;
}

bool time_parse_date(const char *s, size_t n, int32_t *days)
{
    const char *e = s + n;
    trim(&s, &e);
    int64_t d;
    if (!take_date(&s, e, &d))
        return false;
    /* Flink accepts a timestamp string for a DATE and drops the time */
    if (s < e && *s != ' ' && *s != 'T')
        return false;
    *days = (int32_t)d;
    return true;
}

bool time_parse_time(const char *s, size_t n, int32_t *millis)
{
    const char *e = s + n;
    trim(&s, &e);
    int64_t ms;
    if (!take_time(&s, e, true, &ms) || s != e)
        return false;
    *millis = (int32_t)ms;
    return true;
}

static bool parse_ts(const char *s, size_t n, bool zone, int64_t *wall,
                     bool *has_off, int32_t *off)
{
    const char *e = s + n;
    trim(&s, &e);
    int64_t days, ms = 0;
    if (!take_date(&s, e, &days))
        return false;
    if (s < e && (*s == ' ' || *s == 'T' || *s == 't')) {
        s++;
        if (!take_time(&s, e, false, &ms))
            return false;
    }
    bool ho = false;
    int32_t o = 0;
    if (zone && s < e) {
        if (*s == 'Z' || *s == 'z') {
            ho = true;
            s++;
        } else if (*s == '+' || *s == '-') {
            int sign = *s == '-' ? -1 : 1;
            int64_t hh, mm = 0;
            s++;
            if (!take_num(&s, e, 2, 2, &hh))
                return false;
            if (s < e && *s == ':') {
                s++;
                if (!take_num(&s, e, 2, 2, &mm))
                    return false;
            } else if (s < e && is_digit(*s)) {
                if (!take_num(&s, e, 2, 2, &mm))
                    return false;
            }
            if (hh > 18 || mm > 59)
                return false;
            ho = true;
            o = (int32_t)(sign * (hh * 3600 + mm * 60));
        }
        /* a bracketed zone id as ISO_ZONED_DATE_TIME writes it is not
         * accepted */
    }
    if (s != e)
        return false;
    *wall = days * MS_PER_DAY + ms;
    if (has_off) {
        *has_off = ho;
        *off = o;
    }
    return true;
}

bool time_parse_timestamp(const char *s, size_t n, int64_t *millis)
{
    return parse_ts(s, n, false, millis, NULL, NULL);
}

bool time_parse_iso(const char *s, size_t n, int64_t *wall, bool *has_offset,
                    int32_t *offset_secs)
{
    return parse_ts(s, n, true, wall, has_offset, offset_secs);
}

bool time_to_timestamp(const char *s, size_t n, int64_t *millis)
{
    return parse_ts(s, n, false, millis, NULL, NULL);
}

/* ---- formatting -------------------------------------------------------- */

static inline char *put2(char *o, int v)
{
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
    return o + 2;
}

static char *put_year(char *o, int64_t y)
{
    if (y >= 0 && y <= 9999) {
        o = put2(o, (int)(y / 100));
        return put2(o, (int)(y % 100));
    }
    /* java.time prints years beyond 9999 with a sign */
    char tmp[24];
    int n = 0;
    uint64_t u = y < 0 ? (uint64_t)0 - (uint64_t)y : (uint64_t)y;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n < 4)
        tmp[n++] = '0';
    *o++ = y < 0 ? '-' : '+';
    while (n)
        *o++ = tmp[--n];
    return o;
}

static char *put_date(char *o, int64_t days)
{
    int64_t y;
    int m, d;
    time_civil_from_days(days, &y, &m, &d);
    o = put_year(o, y);
    *o++ = '-';
    o = put2(o, m);
    *o++ = '-';
    return put2(o, d);
}

static char *put_time(char *o, int64_t msod, int precision)
{
    int h = (int)(msod / MS_PER_HOUR);
    int mi = (int)(msod / MS_PER_MINUTE % 60);
    int s = (int)(msod / MS_PER_SECOND % 60);
    int ms = (int)(msod % 1000);
    o = put2(o, h);
    *o++ = ':';
    o = put2(o, mi);
    *o++ = ':';
    o = put2(o, s);
    if (precision > 0) {
        *o++ = '.';
        *o++ = (char)('0' + ms / 100);
        if (precision > 1)
            *o++ = (char)('0' + ms / 10 % 10);
        if (precision > 2)
            *o++ = (char)('0' + ms % 10);
        for (int i = 3; i < precision && i < 9; i++)
            *o++ = '0';
    }
    return o;
}

size_t time_format_date(char *buf, int32_t days)
{
    char *o = put_date(buf, days);
    *o = '\0';
    return (size_t)(o - buf);
}

size_t time_format_time(char *buf, int32_t millis, int precision)
{
    int64_t m = time_floor_mod(millis, MS_PER_DAY);
    char *o = put_time(buf, m, precision);
    *o = '\0';
    return (size_t)(o - buf);
}

size_t time_format_timestamp_p(char *buf, int64_t millis, int precision)
{
    int64_t days = time_floor_div(millis, MS_PER_DAY);
    char *o = put_date(buf, days);
    *o++ = ' ';
    /* not millis - days * MS_PER_DAY, which overflows near INT64_MIN */
    o = put_time(o, time_floor_mod(millis, MS_PER_DAY), precision);
    *o = '\0';
    return (size_t)(o - buf);
}

size_t time_format_timestamp(char *buf, int64_t millis)
{
    return time_format_timestamp_p(buf, millis, 3);
}

/* ---- time zones -------------------------------------------------------- */

typedef struct TzType {
    int32_t off; /* seconds east of UTC */
    bool is_dst;
    char abbr[8];
} TzType;

typedef struct TzRule {
    char kind; /* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (m.w.d) */
    int m, w, d;
    int32_t time; /* seconds after local midnight, may be < 0 or > 24h */
} TzRule;

struct TimeZone {
    char name[64];
    bool fixed;
    int32_t fixed_off;
    uint32_t n_trans;
    int64_t *trans; /* UTC seconds, ascending */
    uint8_t *idx;   /* type of each transition */
    uint32_t n_types;
    TzType *types;
    int32_t first_off; /* before the first transition */
    char first_abbr[8];
    bool has_rule; /* POSIX footer present */
    bool rule_dst; /* the footer has a DST part */
    int32_t std_off, dst_off;
    char std_abbr[8], dst_abbr[8];
    TzRule start, end;
};

static TimeZone utc_zone = {.name = "UTC", .fixed = true};

const TimeZone *tz_utc(void)
{
    return &utc_zone;
}

const char *tz_name(const TimeZone *tz)
{
    return tz ? tz->name : "UTC";
}

bool tz_is_fixed(const TimeZone *tz)
{
    return !tz || tz->fixed;
}

void tz_free(TimeZone *tz)
{
    if (!tz || tz == &utc_zone)
        return;
    xfree(tz->trans);
    xfree(tz->idx);
    xfree(tz->types);
    xfree(tz);
}

static void set_err(char *err, size_t errlen, const char *msg, const char *name)
{
    if (err && errlen)
        snprintf(err, errlen, msg, name);
}

/* "[+-]h[h][[:]mm[[:]ss]]" -> seconds; *pp advanced. */
static bool take_offset(const char **pp, const char *e, bool need_sign,
                        int32_t *out)
{
    const char *p = *pp;
    int sign = 1;
    if (p < e && (*p == '+' || *p == '-')) {
        sign = *p == '-' ? -1 : 1;
        p++;
    } else if (need_sign) {
        return false;
    }
    int64_t h, m = 0, s = 0;
    const char *q = p;
    if (!take_num(&p, e, 1, 2, &h))
        return false;
    bool two = (p - q) == 2;
    if (p < e && *p == ':') {
        p++;
        if (!take_num(&p, e, 2, 2, &m))
            return false;
        if (p < e && *p == ':') {
            p++;
            if (!take_num(&p, e, 2, 2, &s))
                return false;
        }
    } else if (two && p < e && is_digit(*p)) {
        if (!take_num(&p, e, 2, 2, &m))
            return false;
        if (p < e && is_digit(*p) && !take_num(&p, e, 2, 2, &s))
            return false;
    }
    if (h > 18 || m > 59 || s > 59)
        return false;
    *out = (int32_t)(sign * (h * 3600 + m * 60 + s));
    *pp = p;
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)(((uint64_t)be32(p) << 32) | be32(p + 4));
}

/* POSIX TZ rule parsing (the TZif footer). */
static bool rule_name(const char **pp, const char *e, char *abbr)
{
    const char *p = *pp, *b;
    size_t n;
    if (p < e && *p == '<') {
        b = ++p;
        while (p < e && *p != '>')
            p++;
        if (p >= e)
            return false;
        n = (size_t)(p - b);
        p++;
    } else {
        b = p;
        while (p < e && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
            p++;
        n = (size_t)(p - b);
        if (n < 3)
            return false;
    }
    if (n > 7)
        n = 7;
    memcpy(abbr, b, n);
    abbr[n] = '\0';
    *pp = p;
    return true;
}

/* POSIX time "[+-]hh[:mm[:ss]]", hours up to 167 */
static bool rule_hms(const char **pp, const char *e, int32_t *out)
{
    const char *p = *pp;
    int sign = 1;
    if (p < e && (*p == '+' || *p == '-')) {
        sign = *p == '-' ? -1 : 1;
        p++;
    }
    int64_t h, m = 0, s = 0;
    if (!take_num(&p, e, 1, 3, &h))
        return false;
    if (p < e && *p == ':') {
        p++;
        if (!take_num(&p, e, 1, 2, &m))
            return false;
        if (p < e && *p == ':') {
            p++;
            if (!take_num(&p, e, 1, 2, &s))
                return false;
        }
    }
    *out = (int32_t)(sign * (h * 3600 + m * 60 + s));
    *pp = p;
    return true;
}

static bool rule_date(const char **pp, const char *e, TzRule *r)
{
    const char *p = *pp;
    int64_t a, b, c;
    if (p < e && *p == 'M') {
        p++;
        if (!take_num(&p, e, 1, 2, &a) || p >= e || *p++ != '.' ||
            !take_num(&p, e, 1, 1, &b) || p >= e || *p++ != '.' ||
            !take_num(&p, e, 1, 1, &c))
            return false;
        if (a < 1 || a > 12 || b < 1 || b > 5 || c > 6)
            return false;
        r->kind = 'M';
        r->m = (int)a;
        r->w = (int)b;
        r->d = (int)c;
    } else if (p < e && *p == 'J') {
        p++;
        if (!take_num(&p, e, 1, 3, &a) || a < 1 || a > 365)
            return false;
        r->kind = 'J';
        r->d = (int)a;
    } else {
        if (!take_num(&p, e, 1, 3, &a) || a > 365)
            return false;
        r->kind = 'N';
        r->d = (int)a;
    }
    r->time = 7200;
    if (p < e && *p == '/') {
        p++;
        if (!rule_hms(&p, e, &r->time))
            return false;
    }
    *pp = p;
    return true;
}

static bool parse_posix_rule(TimeZone *tz, const char *p, const char *e)
{
    int32_t v;
    if (p == e)
        return false;
    if (!rule_name(&p, e, tz->std_abbr) || !rule_hms(&p, e, &v))
        return false;
    tz->std_off = -v;
    tz->has_rule = true;
    tz->rule_dst = false;
    if (p == e)
        return true;
    if (!rule_name(&p, e, tz->dst_abbr))
        return false;
    tz->dst_off = tz->std_off + 3600;
    if (p < e && *p != ',') {
        if (!rule_hms(&p, e, &v))
            return false;
        tz->dst_off = -v;
    }
    if (p >= e || *p++ != ',' || !rule_date(&p, e, &tz->start) || p >= e ||
        *p++ != ',' || !rule_date(&p, e, &tz->end) || p != e)
        return false;
    tz->rule_dst = true;
    return true;
}

/* day (since epoch) on which rule r falls in year y */
static int64_t rule_day(const TzRule *r, int64_t y)
{
    int64_t jan1 = time_days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->d - 1 + (time_is_leap_year(y) && r->d >= 60 ? 1 : 0);
    if (r->kind == 'N')
        return jan1 + r->d;
    int64_t first = time_days_from_civil(y, r->m, 1);
    int dow0 = (int)time_floor_mod(first + 4, 7); /* Sunday = 0 */
    int64_t day = first + (r->d - dow0 + 7) % 7 + (int64_t)(r->w - 1) * 7;
    int dim = time_days_in_month(y, r->m);
    while (day >= first + dim)
        day -= 7;
    return day;
}

static const TzType *rule_type(const TimeZone *tz, int64_t t, TzType *tmp)
{
    tmp->off = tz->std_off;
    tmp->is_dst = false;
    memcpy(tmp->abbr, tz->std_abbr, sizeof tmp->abbr);
    if (!tz->rule_dst)
        return tmp;
    int64_t y;
    int m, d;
    time_civil_from_days(time_floor_div(t + tz->std_off, 86400), &y, &m, &d);
    int64_t s = rule_day(&tz->start, y) * 86400 + tz->start.time - tz->std_off;
    int64_t en = rule_day(&tz->end, y) * 86400 + tz->end.time - tz->dst_off;
    bool dst = s < en ? (t >= s && t < en) : !(t >= en && t < s);
    if (dst) {
        tmp->off = tz->dst_off;
        tmp->is_dst = true;
        memcpy(tmp->abbr, tz->dst_abbr, sizeof tmp->abbr);
    }
    return tmp;
}

/* the local time type in force at UTC second t */
static const TzType *tz_type_at(const TimeZone *tz, int64_t t, TzType *tmp)
{
    if (tz->fixed) {
        tmp->off = tz->fixed_off;
        tmp->is_dst = false;
        snprintf(tmp->abbr, sizeof tmp->abbr, "%s", "UTC");
        return tmp;
    }
    if (tz->n_trans == 0 || t < tz->trans[0]) {
        if (tz->n_trans == 0 && tz->has_rule)
            return rule_type(tz, t, tmp);
        tmp->off = tz->first_off;
        tmp->is_dst = false;
        memcpy(tmp->abbr, tz->first_abbr, sizeof tmp->abbr);
        return tmp;
    }
    if (t >= tz->trans[tz->n_trans - 1] && tz->has_rule)
        return rule_type(tz, t, tmp);
    uint32_t lo = 0, hi = tz->n_trans - 1; /* trans[lo] <= t */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return &tz->types[tz->idx[lo]];
}

static bool load_tzif(TimeZone *tz, const unsigned char *b, size_t len)
{
    if (len < 44 || memcmp(b, "TZif", 4) != 0)
        return false;
    int version = b[4] ? b[4] - '0' : 1;
    const unsigned char *h = b;
    size_t tsize = 4;
    uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28),
             timecnt = be32(h + 32), typecnt = be32(h + 36),
             charcnt = be32(h + 40);
    size_t pos = 44;
    if (version >= 2) {
        size_t v1 = (size_t)timecnt * 5 + (size_t)typecnt * 6 + charcnt +
                    (size_t)leap * 8 + isstd + isut;
        if (pos + v1 + 44 > len)
            return false;
        h = b + pos + v1;
        if (memcmp(h, "TZif", 4) != 0)
            return false;
        isut = be32(h + 20);
        isstd = be32(h + 24);
        leap = be32(h + 28);
        timecnt = be32(h + 32);
        typecnt = be32(h + 36);
        charcnt = be32(h + 40);
        pos = (size_t)(h - b) + 44;
        tsize = 8;
    }
    size_t need = (size_t)timecnt * (tsize + 1) + (size_t)typecnt * 6 +
                  charcnt + (size_t)leap * (tsize + 4) + isstd + isut;
    if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || pos + need > len)
        return false;
    const unsigned char *tp = b + pos;
    const unsigned char *ip = tp + (size_t)timecnt * tsize;
    const unsigned char *yp = ip + timecnt;
    const unsigned char *cp = yp + (size_t)typecnt * 6;
    tz->n_trans = timecnt;
    tz->trans = xmalloc(sizeof(int64_t) * (timecnt ? timecnt : 1));
    tz->idx = xmalloc(timecnt ? timecnt : 1);
    for (uint32_t i = 0; i < timecnt; i++) {
        tz->trans[i] = tsize == 8 ? be64(tp + (size_t)i * 8)
                                  : (int64_t)(int32_t)be32(tp + (size_t)i * 4);
        tz->idx[i] = ip[i];
        if (ip[i] >= typecnt)
            return false;
    }
    tz->n_types = typecnt;
    tz->types = xcalloc(typecnt, sizeof(TzType));
    for (uint32_t i = 0; i < typecnt; i++) {
        const unsigned char *t = yp + (size_t)i * 6;
        tz->types[i].off = (int32_t)be32(t);
        tz->types[i].is_dst = t[4] != 0;
        size_t ai = t[5];
        if (ai < charcnt) {
            size_t k = 0;
            while (ai + k < charcnt && cp[ai + k] && k < 7) {
                tz->types[i].abbr[k] = (char)cp[ai + k];
                k++;
            }
        }
    }
    tz->first_off = tz->types[0].off;
    memcpy(tz->first_abbr, tz->types[0].abbr, sizeof tz->first_abbr);
    if (version >= 2) {
        const char *f = (const char *)(b + pos + need);
        const char *fe = (const char *)(b + len);
        if (f < fe && *f == '\n') {
            f++;
            const char *nl = memchr(f, '\n', (size_t)(fe - f));
            if (nl && !parse_posix_rule(tz, f, nl))
                tz->has_rule = false;
        }
    }
    return true;
}

static bool fixed_zone(const char *name, int32_t *off)
{
    const char *p = name, *e = name + strlen(name);
    static const char *const utc_names[] = {
        "UTC",           "GMT",      "UT",      "Z",
        "Etc/UTC",       "Etc/GMT",  "Zulu",    "Etc/Universal",
        "Universal",     "Etc/Zulu", "Etc/UCT", "UCT",
        "Etc/Greenwich", "Greenwich"};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(utc_names); i++) {
        if (strcmp(name, utc_names[i]) == 0) {
            *off = 0;
            return true;
        }
    }
    if (strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0)
        p += 3;
    else if (strncmp(p, "UT", 2) == 0)
        p += 2;
    if (p < e && (*p == '+' || *p == '-'))
        return take_offset(&p, e, true, off) && p == e;
    return false;
}

TimeZone *tz_load(const char *name, char *err, size_t errlen)
{
    if (!name || !*name) {
        set_err(err, errlen, "invalid time zone \"%s\"", name ? name : "");
        return NULL;
    }
    TimeZone *tz = xcalloc(1, sizeof *tz);
    snprintf(tz->name, sizeof tz->name, "%s", name);
    int32_t off;
    if (fixed_zone(name, &off)) {
        tz->fixed = true;
        tz->fixed_off = off;
        return tz;
    }
    /* an IANA id: letters, digits, '/', '_', '-', '+'; no "..". */
    for (const char *c = name; *c; c++) {
        bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  is_digit(*c) || *c == '/' || *c == '_' || *c == '-' ||
                  *c == '+';
        if (!ok || (c == name && *c == '/')) {
            set_err(err, errlen, "invalid time zone \"%s\"", name);
            xfree(tz);
            return NULL;
        }
    }
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "unrecognized time zone \"%s\"", name);
        xfree(tz);
        return NULL;
    }
    unsigned char *buf = xmalloc(1 << 20);
    size_t len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    bool ok = load_tzif(tz, buf, len);
    xfree(buf);
    if (!ok) {
        set_err(err, errlen, "could not read time zone file for \"%s\"", name);
        tz_free(tz);
        return NULL;
    }
    return tz;
}

int32_t tz_offset_at_utc(const TimeZone *tz, int64_t utc_ms)
{
    if (!tz || tz->fixed)
        return tz ? tz->fixed_off : 0;
    TzType tmp;
    return tz_type_at(tz, time_floor_div(utc_ms, 1000), &tmp)->off;
}

int64_t tz_utc_to_local(const TimeZone *tz, int64_t utc_ms)
{
    return utc_ms + (int64_t)tz_offset_at_utc(tz, utc_ms) * 1000;
}

int64_t tz_local_to_utc(const TimeZone *tz, int64_t local_ms)
{
    if (!tz || tz->fixed)
        return local_ms - (tz ? (int64_t)tz->fixed_off * 1000 : 0);
    /* Offsets a day before and after bracket any transition near the
     * wall time (zones never change twice within a day). */
    int64_t lo = tz_offset_at_utc(tz, local_ms - MS_PER_DAY);
    int64_t hi = tz_offset_at_utc(tz, local_ms + MS_PER_DAY);
    if (lo == hi)
        return local_ms - lo * 1000;
    bool lo_ok = tz_offset_at_utc(tz, local_ms - lo * 1000) == lo;
    bool hi_ok = tz_offset_at_utc(tz, local_ms - hi * 1000) == hi;
    /* overlap (both valid): the earlier offset, i.e. the one before the
     * transition; gap (neither): shift forward by the gap, which is the
     * same as reading the wall time with the offset before it. */
    if (!lo_ok && hi_ok)
        return local_ms - hi * 1000;
    return local_ms - lo * 1000;
}

/* ---- EXTRACT, arithmetic, floor/ceil ----------------------------------- */

int64_t time_extract(RtTimeUnit u, int64_t ms)
{
    switch (u) {
    case RTU_NANOSECOND:
        return time_floor_mod(ms, 1000) * 1000000;
    case RTU_MICROSECOND:
        return time_floor_mod(ms, 1000) * 1000;
    case RTU_MILLISECOND:
        return time_floor_mod(ms, 1000);
    case RTU_SECOND:
        return time_floor_mod(ms, MS_PER_MINUTE) / MS_PER_SECOND;
    case RTU_MINUTE:
        return time_floor_mod(ms, MS_PER_HOUR) / MS_PER_MINUTE;
    case RTU_HOUR:
        return time_floor_mod(ms, MS_PER_DAY) / MS_PER_HOUR;
    case RTU_EPOCH:
        return ms / 1000;
    default:
        break;
    }
    int64_t days = time_floor_div(ms, MS_PER_DAY);
    int64_t y;
    int m, d;
    time_civil_from_days(days, &y, &m, &d);
    switch (u) {
    case RTU_YEAR:
        return y;
    case RTU_MONTH:
        return m;
    case RTU_DAY:
        return d;
    case RTU_QUARTER:
        return (m + 2) / 3;
    case RTU_DOW:
        return time_floor_mod(days + 4, 7) + 1;
    case RTU_ISODOW:
        return iso_dow(days);
    case RTU_DOY:
        return days - time_days_from_civil(y, 1, 1) + 1;
    case RTU_DECADE:
        return y / 10;
    case RTU_CENTURY:
        return y > 0 ? (y + 99) / 100 : (y - 99) / 100;
    case RTU_MILLENNIUM:
        return y > 0 ? (y + 999) / 1000 : (y - 999) / 1000;
    case RTU_WEEK:
    case RTU_ISOYEAR: {
        int64_t thu = days - (iso_dow(days) - 1) + 3;
        int64_t ty;
        int tm, td;
        time_civil_from_days(thu, &ty, &tm, &td);
        if (u == RTU_ISOYEAR)
            return ty;
        return (thu - time_days_from_civil(ty, 1, 1)) / 7 + 1;
    }
    default:
        return 0;
    }
}

static int64_t add_months_days(int64_t days, int64_t months)
{
    int64_t y;
    int m, d;
    time_civil_from_days(days, &y, &m, &d);
    int64_t mm = (int64_t)m - 1 + months;
    y += time_floor_div(mm, 12);
    m = (int)time_floor_mod(mm, 12) + 1;
    int dim = time_days_in_month(y, m);
    if (d > dim)
        d = dim;
    return time_days_from_civil(y, m, d);
}

int32_t time_date_add_months(int32_t days, int64_t months)
{
    return (int32_t)add_months_days(days, months);
}

int64_t time_add_months(int64_t millis, int64_t months)
{
    int64_t msod = time_floor_mod(millis, MS_PER_DAY);
    int64_t days = time_floor_div(millis, MS_PER_DAY);
    return add_months_days(days, months) * MS_PER_DAY + msod;
}

static int64_t unit_ms(RtTimeUnit u)
{
    switch (u) {
    case RTU_MILLISECOND:
        return 1;
    case RTU_SECOND:
        return MS_PER_SECOND;
    case RTU_MINUTE:
        return MS_PER_MINUTE;
    case RTU_HOUR:
        return MS_PER_HOUR;
    case RTU_DAY:
        return MS_PER_DAY;
    case RTU_WEEK:
        return 7 * MS_PER_DAY;
    default:
        return 0;
    }
}

static int unit_months(RtTimeUnit u)
{
    switch (u) {
    case RTU_MONTH:
        return 1;
    case RTU_QUARTER:
        return 3;
    case RTU_YEAR:
        return 12;
    case RTU_DECADE:
        return 120;
    case RTU_CENTURY:
        return 1200;
    case RTU_MILLENNIUM:
        return 12000;
    default:
        return 0;
    }
}

/* about 1,000,000 years of milliseconds: anything beyond is an overflow
 * for our calendar code */
#define TIME_MS_LIMIT (INT64_C(1) << 55)

bool time_add(RtTimeUnit u, int64_t n, int64_t millis, int64_t *out)
{
    int mo = unit_months(u);
    if (mo) {
        int64_t months;
        if (__builtin_mul_overflow(n, (int64_t)mo, &months) ||
            months > 12000000 || months < -12000000)
            return false;
        *out = time_add_months(millis, months);
        return true;
    }
    int64_t r;
    if (u == RTU_MICROSECOND || u == RTU_NANOSECOND) {
        r = millis + n / (u == RTU_MICROSECOND ? 1000 : 1000000);
    } else {
        int64_t k = unit_ms(u), d;
        if (!k || __builtin_mul_overflow(n, k, &d) ||
            __builtin_add_overflow(millis, d, &r))
            return false;
    }
    if (r > TIME_MS_LIMIT || r < -TIME_MS_LIMIT)
        return false;
    *out = r;
    return true;
}

/* Calcite's subtractMonths on dates: the largest m with
 * addMonths(date1, m) <= date0 (negated when date0 < date1).  Calcite
 * searches upwards from an estimate; the answer is the calendar month
 * difference or one less. */
static int64_t sub_months_days(int64_t date0, int64_t date1)
{
    if (date0 < date1)
        return -sub_months_days(date1, date0);
    int64_t y0, y1;
    int m0, m1, d0, d1;
    time_civil_from_days(date0, &y0, &m0, &d0);
    time_civil_from_days(date1, &y1, &m1, &d1);
    int64_t m = (y0 - y1) * 12 + (m0 - m1);
    if (add_months_days(date1, m) > date0)
        m--;
    return m;
}

int64_t time_months_between(int64_t a, int64_t b)
{
    /* subtractMonths(t0 = b, t1 = a) */
    int64_t ms0 = time_floor_mod(b, MS_PER_DAY);
    int64_t d0 = time_floor_div(b, MS_PER_DAY);
    int64_t ms1 = time_floor_mod(a, MS_PER_DAY);
    int64_t d1 = time_floor_div(a, MS_PER_DAY);
    int64_t x = sub_months_days(d0, d1);
    int64_t d2 = add_months_days(d1, x);
    if (d2 == d0 && ms0 < ms1)
        x--;
    return x;
}

int64_t time_diff(RtTimeUnit u, int64_t a, int64_t b)
{
    int mo = unit_months(u);
    if (mo)
        return time_months_between(a, b) / mo;
    int64_t d, r;
    if (__builtin_sub_overflow(b, a, &d))
        return b > a ? INT64_MAX : INT64_MIN; /* beyond any real range */
    if (u == RTU_MICROSECOND || u == RTU_NANOSECOND) {
        if (__builtin_mul_overflow(d, u == RTU_MICROSECOND ? 1000 : 1000000,
                                   &r))
            return d > 0 ? INT64_MAX : INT64_MIN;
        return r;
    }
    int64_t k = unit_ms(u);
    return k ? d / k : 0;
}

static int64_t ymd_days(int64_t y, int m, int d)
{
    y += time_floor_div(m - 1, 12);
    m = (int)time_floor_mod(m - 1, 12) + 1;
    return time_days_from_civil(y, m, d);
}

/* Flink's julianDateFloor on a day number */
static int64_t date_floor(RtTimeUnit u, int64_t days, bool floor)
{
    int64_t y;
    int m, d;
    time_civil_from_days(days, &y, &m, &d);
    int q = (m + 2) / 3;
    switch (u) {
    case RTU_MILLENNIUM:
        return floor ? ymd_days(1000 * ((y + 999) / 1000) - 999, 1, 1)
                     : ymd_days(1000 * ((y + 999) / 1000) + 1, 1, 1);
    case RTU_CENTURY:
        return floor ? ymd_days(100 * ((y + 99) / 100) - 99, 1, 1)
                     : ymd_days(100 * ((y + 99) / 100) + 1, 1, 1);
    case RTU_DECADE:
        return floor ? ymd_days(10 * (y / 10), 1, 1)
                     : ymd_days(10 * (1 + y / 10), 1, 1);
    case RTU_YEAR:
        if (!floor && (m > 1 || d > 1))
            y++;
        return ymd_days(y, 1, 1);
    case RTU_MONTH:
        if (!floor && d > 1)
            m++;
        return ymd_days(y, m, 1);
    case RTU_QUARTER:
        if (!floor && (m > 1 || d > 1))
            q++;
        return ymd_days(y, q * 3 - 2, 1);
    case RTU_WEEK: {
        int dow = (int)time_floor_mod(days + 4, 7); /* Sunday = 0 */
        int off = dow;
        if (!floor && off > 0)
            off -= 7;
        return days - off;
    }
    default:
        return floor ? days : days + 1;
    }
}

static int64_t arith_floor(int64_t a, int64_t b)
{
    return a - time_floor_mod(a, b);
}

int64_t time_floor(RtTimeUnit u, int64_t millis)
{
    int64_t k = unit_ms(u);
    if (k && u != RTU_WEEK)
        return arith_floor(millis, k);
    if (u == RTU_MICROSECOND || u == RTU_NANOSECOND)
        return millis;
    return date_floor(u, time_floor_div(millis, MS_PER_DAY), true) * MS_PER_DAY;
}

int64_t time_ceil(RtTimeUnit u, int64_t millis)
{
    int64_t k = unit_ms(u);
    if (k && u != RTU_WEEK) {
        int64_t f = arith_floor(millis, k);
        return f == millis ? f : f + k;
    }
    if (u == RTU_MICROSECOND || u == RTU_NANOSECOND)
        return millis;
    return date_floor(u, time_floor_div(millis, MS_PER_DAY), false) *
           MS_PER_DAY;
}

/* ---- Java date patterns ------------------------------------------------ */

static const char *const month_full[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
static const char *const dow_full[] = {"Monday",   "Tuesday", "Wednesday",
                                       "Thursday", "Friday",  "Saturday",
                                       "Sunday"};

static void put_num(StrBuf *sb, int64_t v, int width)
{
    char tmp[24];
    int n = 0;
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n < width && n < 20)
        tmp[n++] = '0';
    if (neg)
        tmp[n++] = '-';
    char out[24];
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    strbuf_append(sb, out, (size_t)n);
}

static void put_offset(StrBuf *sb, int32_t off, bool colon, bool minutes,
                       bool seconds_opt)
{
    int32_t a = off < 0 ? -off : off;
    strbuf_putc(sb, off < 0 ? '-' : '+');
    put_num(sb, a / 3600, 2);
    if (minutes || a % 3600) {
        if (colon)
            strbuf_putc(sb, ':');
        put_num(sb, a / 60 % 60, 2);
    }
    if (seconds_opt && a % 60) {
        if (colon)
            strbuf_putc(sb, ':');
        put_num(sb, a % 60, 2);
    }
}

static inline bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

void time_format_pattern(StrBuf *sb, int64_t millis, const char *fmt,
                         size_t fmt_len, const TimeZone *tz)
{
    int64_t days = time_floor_div(millis, MS_PER_DAY);
    int64_t msod = millis - days * MS_PER_DAY;
    int64_t y;
    int mo, d;
    time_civil_from_days(days, &y, &mo, &d);
    int h = (int)(msod / MS_PER_HOUR), mi = (int)(msod / MS_PER_MINUTE % 60);
    int s = (int)(msod / 1000 % 60), ms = (int)(msod % 1000);
    int dow = iso_dow(days); /* Monday = 1 */
    int32_t off = 0;
    char abbr[8] = "UTC";
    if (tz && !tz->fixed) {
        TzType tmp;
        const TzType *t = tz_type_at(
            tz, time_floor_div(tz_local_to_utc(tz, millis), 1000), &tmp);
        off = t->off;
        memcpy(abbr, t->abbr, sizeof abbr);
    } else if (tz) {
        off = tz->fixed_off;
    }
    const char *p = fmt, *e = fmt + fmt_len;
    while (p < e) {
        char c = *p;
        if (c == '\'') {
            p++;
            if (p < e && *p == '\'') {
                strbuf_putc(sb, '\'');
                p++;
                continue;
            }
            while (p < e) {
                if (*p == '\'') {
                    if (p + 1 < e && p[1] == '\'') {
                        strbuf_putc(sb, '\'');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                strbuf_putc(sb, *p++);
            }
            continue;
        }
        if (!is_alpha(c)) {
            if (c != '[' && c != ']')
                strbuf_putc(sb, c);
            p++;
            continue;
        }
        int n = 0;
        while (p < e && *p == c) {
            p++;
            n++;
        }
        switch (c) {
        case 'G':
            strbuf_puts(sb, y > 0 ? "AD" : "BC");
            break;
        case 'y':
        case 'u':
        case 'Y': {
            int64_t yy = y;
            if (c == 'Y')
                yy = time_extract(RTU_ISOYEAR, millis);
            if (n == 2)
                put_num(sb, time_floor_mod(yy, 100), 2);
            else
                put_num(sb, yy, n);
            break;
        }
        case 'M':
        case 'L':
            if (n <= 2)
                put_num(sb, mo, n);
            else if (n == 3)
                strbuf_append(sb, month_full[mo - 1], 3);
            else if (n == 4)
                strbuf_puts(sb, month_full[mo - 1]);
            else
                strbuf_putc(sb, month_full[mo - 1][0]);
            break;
        case 'd':
            put_num(sb, d, n);
            break;
        case 'D':
            put_num(sb, time_extract(RTU_DOY, millis), n);
            break;
        case 'F':
            put_num(sb, (d - 1) / 7 + 1, n);
            break;
        case 'Q':
        case 'q':
            if (n <= 2)
                put_num(sb, (mo + 2) / 3, n);
            else if (n == 3) {
                strbuf_putc(sb, 'Q');
                put_num(sb, (mo + 2) / 3, 1);
            } else {
                static const char *const qn[] = {"1st", "2nd", "3rd", "4th"};
                strbuf_puts(sb, qn[(mo - 1) / 3]);
                strbuf_puts(sb, " quarter");
            }
            break;
        case 'E':
        case 'e':
        case 'c':
            if (c != 'E' && n <= 2) {
                put_num(sb, dow % 7 + 1, n); /* Sunday = 1 (US week) */
            } else if (n >= 4) {
                strbuf_puts(sb, dow_full[dow - 1]);
            } else {
                strbuf_append(sb, dow_full[dow - 1], 3);
            }
            break;
        case 'w': {
            /* week of year, US rules: weeks start on Sunday, week 1
             * holds January 1 */
            int64_t jan1 = time_days_from_civil(y, 1, 1);
            int jdow = (int)time_floor_mod(jan1 + 4, 7);
            put_num(sb, (days - jan1 + jdow) / 7 + 1, n);
            break;
        }
        case 'W': {
            int64_t first = time_days_from_civil(y, mo, 1);
            int fdow = (int)time_floor_mod(first + 4, 7);
            put_num(sb, (days - first + fdow) / 7 + 1, n);
            break;
        }
        case 'a':
            strbuf_puts(sb, h < 12 ? "AM" : "PM");
            break;
        case 'H':
            put_num(sb, h, n);
            break;
        case 'k':
            put_num(sb, h == 0 ? 24 : h, n);
            break;
        case 'K':
            put_num(sb, h % 12, n);
            break;
        case 'h':
            put_num(sb, h % 12 == 0 ? 12 : h % 12, n);
            break;
        case 'm':
            put_num(sb, mi, n);
            break;
        case 's':
            put_num(sb, s, n);
            break;
        case 'S': {
            /* fraction of second, truncated to n digits */
            char f[9] = {(char)('0' + ms / 100),
                         (char)('0' + ms / 10 % 10),
                         (char)('0' + ms % 10),
                         '0',
                         '0',
                         '0',
                         '0',
                         '0',
                         '0'};
            for (int i = 0; i < n; i++)
                strbuf_putc(sb, i < 9 ? f[i] : '0');
            break;
        }
        case 'A':
            put_num(sb, msod, n);
            break;
        case 'n':
            put_num(sb, (int64_t)ms * 1000000, n);
            break;
        case 'N':
            put_num(sb, msod * 1000000, n);
            break;
        case 'z':
            strbuf_puts(sb, tz && tz->fixed && off ? tz->name : abbr);
            break;
        case 'V':
            strbuf_puts(sb, tz_name(tz));
            break;
        case 'O':
            strbuf_puts(sb, "GMT");
            if (off) {
                int32_t a = off < 0 ? -off : off;
                strbuf_putc(sb, off < 0 ? '-' : '+');
                put_num(sb, a / 3600, n >= 4 ? 2 : 1);
                if (n >= 4 || a % 3600) {
                    strbuf_putc(sb, ':');
                    put_num(sb, a / 60 % 60, 2);
                }
            }
            break;
        case 'Z':
            if (n <= 3) {
                put_offset(sb, off, false, true, false);
            } else if (n == 4) {
                strbuf_puts(sb, "GMT");
                if (off)
                    put_offset(sb, off, true, true, true);
            } else if (off == 0) {
                strbuf_putc(sb, 'Z');
            } else {
                put_offset(sb, off, true, true, true);
            }
            break;
        case 'X':
        case 'x':
            if (c == 'X' && off == 0) {
                strbuf_putc(sb, 'Z');
                break;
            }
            if (n == 1)
                put_offset(sb, off, false, false, false);
            else
                put_offset(sb, off, n == 3 || n == 5, true, n >= 4);
            break;
        default:
            /* unknown letters are printed as they are */
            for (int i = 0; i < n; i++)
                strbuf_putc(sb, c);
            break;
        }
    }
}

static bool match_name(const char **pp, const char *e, const char *const *names,
                       int count, bool full, int *out)
{
    for (int i = 0; i < count; i++) {
        size_t len = full ? strlen(names[i]) : 3;
        if ((size_t)(e - *pp) < len)
            continue;
        size_t k = 0;
        for (; k < len; k++) {
            char a = (*pp)[k], b = names[i][k];
            if (a >= 'a' && a <= 'z')
                a = (char)(a - 32);
            if (b >= 'a' && b <= 'z')
                b = (char)(b - 32);
            if (a != b)
                break;
        }
        if (k == len) {
            *pp += len;
            *out = i;
            return true;
        }
    }
    return false;
}

static bool parse_pattern(const char *s, size_t n, const char *fmt,
                          size_t fmt_len, bool allow_trailing, int64_t *out)
{
    const char *p = s, *e = s + n;
    const char *f = fmt, *fe = fmt + fmt_len;
    int64_t y = 1970, mo = 1, d = 1, h = 0, mi = 0, sec = 0, ms = 0, doy = -1;
    int ampm = -1;
    bool h12 = false;
    while (f < fe) {
        char c = *f;
        if (c == '\'') {
            f++;
            if (f < fe && *f == '\'') {
                if (p >= e || *p != '\'')
                    return false;
                p++;
                f++;
                continue;
            }
            while (f < fe) {
                if (*f == '\'') {
                    if (f + 1 < fe && f[1] == '\'') {
                        if (p >= e || *p != '\'')
                            return false;
                        p++;
                        f += 2;
                        continue;
                    }
                    f++;
                    break;
                }
                if (p >= e || *p != *f)
                    return false;
                p++;
                f++;
            }
            continue;
        }
        if (!is_alpha(c)) {
            if (c == '[' || c == ']') {
                f++;
                continue;
            }
            if (p >= e || *p != c)
                return false;
            p++;
            f++;
            continue;
        }
        int cnt = 0;
        while (f < fe && *f == c) {
            f++;
            cnt++;
        }
        /* a numeric field followed directly by another letter field has
         * a fixed width (adjacent value parsing) */
        bool adjacent = f < fe && is_alpha(*f);
        int64_t v;
        int idx;
        switch (c) {
        case 'y':
        case 'u':
        case 'Y':
            if (cnt == 2) {
                if (!take_num(&p, e, 2, 2, &v))
                    return false;
                y = 2000 + v;
            } else {
                if (!take_num(&p, e, cnt > 4 ? cnt : (adjacent ? 4 : 1),
                              adjacent ? (cnt > 4 ? cnt : 4) : 9, &v))
                    return false;
                y = v;
            }
            break;
        case 'M':
        case 'L':
            if (cnt >= 3) {
                if (!match_name(&p, e, month_full, 12, cnt >= 4, &idx))
                    return false;
                mo = idx + 1;
            } else if (!take_num(&p, e, cnt == 2 || adjacent ? 2 : 1, 2, &mo)) {
                return false;
            }
            break;
        case 'd':
        case 'H':
        case 'k':
        case 'K':
        case 'h':
        case 'm':
        case 's': {
            if (!take_num(&p, e, cnt >= 2 || adjacent ? 2 : 1, 2, &v))
                return false;
            if (c == 'd')
                d = v;
            else if (c == 'H' || c == 'k')
                h = (c == 'k' && v == 24) ? 0 : v;
            else if (c == 'K' || c == 'h') {
                h = (c == 'h' && v == 12) ? 0 : v;
                h12 = true;
            } else if (c == 'm')
                mi = v;
            else
                sec = v;
            break;
        }
        case 'D':
            if (!take_num(&p, e, cnt, 3, &doy))
                return false;
            break;
        case 'S': {
            const char *q = p;
            if (!take_num(&p, e, cnt, cnt, &v))
                return false;
            int nd = (int)(p - q);
            while (nd < 3) {
                v *= 10;
                nd++;
            }
            while (nd > 3) {
                v /= 10;
                nd--;
            }
            ms = v;
            break;
        }
        case 'a':
            if (e - p >= 2 &&
                (p[0] == 'A' || p[0] == 'a' || p[0] == 'P' || p[0] == 'p') &&
                (p[1] == 'M' || p[1] == 'm')) {
                ampm = (p[0] == 'P' || p[0] == 'p');
                p += 2;
            } else {
                return false;
            }
            break;
        case 'E':
            if (!match_name(&p, e, dow_full, 7, cnt >= 4, &idx))
                return false;
            break;
        case 'X':
        case 'x':
        case 'Z': {
            int32_t o;
            if (p < e && *p == 'Z') {
                p++;
            } else if (!take_offset(&p, e, true, &o)) {
                return false;
            }
            break;
        }
        case 'z':
        case 'V':
            while (p < e && (is_alpha(*p) || *p == '/' || *p == '_'))
                p++;
            break;
        default:
            return false;
        }
    }
    if (p != e && !allow_trailing)
        return false;
    if (h12) {
        if (h > 11)
            return false;
        if (ampm == 1)
            h += 12;
    } else if (ampm == 1 && h < 12) {
        h += 12;
    }
    if (h > 23 || mi > 59 || sec > 59)
        return false;
    int64_t days;
    if (doy >= 1) {
        if (doy > (time_is_leap_year(y) ? 366 : 365) || y < 0 || y > 9999)
            return false;
        days = time_days_from_civil(y, 1, 1) + doy - 1;
    } else {
        if (!ymd_valid(y, mo, d))
            return false;
        days = time_days_from_civil(y, (int)mo, (int)d);
    }
    *out = days * MS_PER_DAY + h * MS_PER_HOUR + mi * MS_PER_MINUTE +
           sec * MS_PER_SECOND + ms;
    return true;
}

bool time_parse_pattern(const char *s, size_t n, const char *fmt,
                        size_t fmt_len, int64_t *millis)
{
    const char *b = s, *e = s + n;
    trim(&b, &e);
    return parse_pattern(b, (size_t)(e - b), fmt, fmt_len, false, millis);
}

#define DEFAULT_TS_PATTERN "yyyy-MM-dd HH:mm:ss"

bool time_unix_timestamp(const char *s, size_t n, const char *fmt,
                         size_t fmt_len, const TimeZone *tz, int64_t *secs)
{
    if (!fmt) {
        fmt = DEFAULT_TS_PATTERN;
        fmt_len = sizeof DEFAULT_TS_PATTERN - 1;
    }
    int64_t wall;
    /* SimpleDateFormat.parse reads a prefix and ignores the rest */
    if (!parse_pattern(s, n, fmt, fmt_len, true, &wall))
        return false;
    *secs = tz_local_to_utc(tz, wall) / 1000;
    return true;
}

void time_from_unixtime(StrBuf *sb, int64_t secs, const char *fmt,
                        size_t fmt_len, const TimeZone *tz)
{
    if (!fmt) {
        fmt = DEFAULT_TS_PATTERN;
        fmt_len = sizeof DEFAULT_TS_PATTERN - 1;
    }
    int64_t local = tz_utc_to_local(tz, secs * 1000);
    time_format_pattern(sb, local, fmt, fmt_len, tz);
}
