/*
 * err.h - FsqlErr, the error object of environment failures (files,
 * SQLite, Kafka) and of record-level data errors that fail a job.
 *
 * Functions that can fail this way return int (0 = FSQL_OK, negative
 * FSQL_E_*) and fill an optional FsqlErr *err.  The message is house
 * style: lower case, no final period, names the object ("could not open
 * file \"in.json\": No such file or directory", "data/t.json:3: unexpected
 * character '}'").  Shaped after librdkafka's rd_kafka_error_t.
 */
#ifndef FSQL_RUNTIME_ERR_H
#define FSQL_RUNTIME_ERR_H

#include "runtime/fsql.h"

enum {
    FSQL_OK = 0,
    FSQL_E_IO = -1,          /* file, socket, database I/O */
    FSQL_E_DATA = -2,        /* a malformed or mistyped record */
    FSQL_E_CONFIG = -3,      /* bad option value found at run time */
    FSQL_E_UNSUPPORTED = -4, /* the runtime has no implementation yet */
    FSQL_E_INTERNAL = -5,    /* a broken invariant that was caught */
    FSQL_E_EVAL = -6,        /* an expression failed (division by zero) */
    FSQL_E_STATE = -7        /* a checkpoint cannot be read or restored */
};

typedef struct FsqlErr {
    int code;       /* FSQL_E_* (0 when no error) */
    bool retriable; /* may succeed when tried again */
    bool fatal;     /* the job must stop */
    char msg[512];  /* house style, see above */
} FsqlErr;

/* Set err (may be NULL) to code with a formatted message; returns code, so
 * that `return fsql_err_set(err, FSQL_E_IO, ...)` reads naturally. */
int fsql_err_set(FsqlErr *err, int code, const char *fmt, ...)
    FSQL_PRINTF(3, 4);
void fsql_err_clear(FsqlErr *err);

#endif
