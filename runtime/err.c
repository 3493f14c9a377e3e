/*
 * err.c - FsqlErr helpers (see err.h).
 */
#include "runtime/fsql.h"
#include "runtime/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fsql_err_set(FsqlErr *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    err->retriable = false;
    err->fatal = true;
    return code;
}

void fsql_err_clear(FsqlErr *err)
{
    if (!err)
        return;
    err->code = 0;
    err->retriable = false;
    err->fatal = false;
    err->msg[0] = '\0';
}
