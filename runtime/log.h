/*
 * log.h - operational log lines on standard error (issue 10).
 *
 * One line per event of note: a job starting (its sources and sinks),
 * a Kafka rebalance, an error that stops the job, a shutdown request and
 * each step of the shutdown, the metrics endpoint starting.  Checkpoint
 * and restore lines join them when checkpoints land.  Format:
 *
 *   fsql: 2025-01-02T03:04:05.678Z info: job started: 1 source, 1 sink
 *
 * Levels are error < warn < info < debug; --log-level picks the most
 * verbose one shown (default warn, so that a plain `fsql run` prints
 * what it always printed).  The level is checked before anything is
 * formatted: a disabled log call costs one compare.
 *
 * Secrets: nothing here prints table options wholesale.  Code that logs
 * an option value passes it through log_option_value(), which masks keys
 * that the compiler treats as secret (password, secret, sasl.jaas.config,
 * ssl.key, token, credential: str_is_secret_key in runtime/str.h, the
 * rule the compiler uses too) and the user:password part of URLs.
 *
 * Threading: log_write() may be called from any thread (one fputs of a
 * whole line; stderr is unbuffered, so lines do not interleave).
 */
#ifndef FSQL_RUNTIME_LOG_H
#define FSQL_RUNTIME_LOG_H

#include "runtime/fsql.h"

#include <stddef.h>

typedef enum LogLevel {
    LOG_ERROR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3
} LogLevel;

/* The most verbose level shown (LOG_WARN unless set). */
extern LogLevel log_level_current;

#define log_enabled(lv) ((lv) <= log_level_current)

/* Write one line at level lv (no check of the level: use the macros). */
void log_write(LogLevel lv, const char *fmt, ...) FSQL_PRINTF(2, 3);

#define LOG_AT(lv, ...)                                                        \
    do {                                                                       \
        if (log_enabled(lv))                                                   \
            log_write((lv), __VA_ARGS__);                                      \
    } while (0)
#define log_error(...) LOG_AT(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) LOG_AT(LOG_WARN, __VA_ARGS__)
#define log_info(...) LOG_AT(LOG_INFO, __VA_ARGS__)
#define log_debug(...) LOG_AT(LOG_DEBUG, __VA_ARGS__)

/* "error", "warn" (or "warning"), "info", "debug"; false otherwise. */
bool log_level_parse(const char *name, LogLevel *out);
void log_set_level(LogLevel lv);
const char *log_level_name(LogLevel lv);

/* Whether an option key names a secret (case-insensitive substring rule
 * shared with the compiler). */
bool log_key_is_secret(const char *key);
/* value as it may appear in a log line: "******" for a secret key, a URL
 * with its user:password@ part replaced by "******@", else value itself.
 * Writes into buf (n bytes) when it has to change anything; returns buf
 * or value. */
const char *log_option_value(const char *key, const char *value, char *buf,
                             size_t n);

#endif
