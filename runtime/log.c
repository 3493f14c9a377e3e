/*
 * log.c - leveled log lines on standard error (see log.h).
 *
 * A line is formatted into a stack buffer and written with one fputs, so
 * lines from the loop thread, librdkafka's threads and the metrics
 * thread do not interleave.  The timestamp is UTC with milliseconds.
 */
#include "runtime/fsql.h"
#include "runtime/log.h"
#include "runtime/str.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

LogLevel log_level_current = LOG_WARN;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

const char *log_level_name(LogLevel lv)
{
    return (unsigned)lv < FSQL_ARRAY_LEN(level_names) ? level_names[lv] : "?";
}

bool log_level_parse(const char *name, LogLevel *out)
{
    for (size_t i = 0; i < FSQL_ARRAY_LEN(level_names); i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (LogLevel)i;
            return true;
        }
    }
    if (strcmp(name, "warning") == 0) {
        *out = LOG_WARN;
        return true;
    }
    return false;
}

void log_set_level(LogLevel lv)
{
    log_level_current = lv;
}

void log_write(LogLevel lv, const char *fmt, ...)
{
    char line[1024];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(
        line, sizeof line,
        "fsql: %04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s: ", tm.tm_year + 1900,
        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
        ts.tv_nsec / 1000000L, log_level_name(lv));
    if (n < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len] = '\n';
    line[len + 1] = '\0';
    fputs(line, stderr);
}

bool log_key_is_secret(const char *key)
{
    return key && str_is_secret_key(str_from_cstr(key));
}

const char *log_option_value(const char *key, const char *value, char *buf,
                             size_t n)
{
    if (!value)
        return "";
    if (key && log_key_is_secret(key)) {
        snprintf(buf, n, "******");
        return buf;
    }
    /* scheme://user:password@host... : hide the user information. */
    const char *sep = strstr(value, "://");
    if (sep) {
        const char *host = sep + 3;
        const char *end = host + strcspn(host, "/?#");
        const char *at = NULL;
        for (const char *p = host; p < end; p++)
            if (*p == '@')
                at = p;
        if (at) {
            snprintf(buf, n, "%.*s******%s", (int)(host - value), value, at);
            return buf;
        }
    }
    return value;
}
