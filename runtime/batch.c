/*
 * batch.c - Batch arrays and row kinds (see batch.h).
 */
#include "runtime/fsql.h"
#include "runtime/batch.h"

#include <string.h>

const char *row_kind_short(RowKind k)
{
    switch (k) {
    case ROW_INSERT:
        return "+I";
    case ROW_UPDATE_BEFORE:
        return "-U";
    case ROW_UPDATE_AFTER:
        return "+U";
    case ROW_DELETE:
        return "-D";
    }
    return "+I";
}

void batch_init(Batch *b, uint32_t n_cols, uint32_t cap, Arena *a)
{
    memset(b, 0, sizeof *b);
    b->cap = cap ? cap : 1;
    b->n_cols = n_cols;
    /* One Value at least, so that rows is never NULL for 0-column rows. */
    b->rows = xmalloc(sizeof(Value) * ((size_t)b->cap * n_cols + 1));
    b->kinds = xmalloc(b->cap);
    b->wm = xmalloc(sizeof(int64_t) * b->cap);
    b->a = a;
}

void batch_fini(Batch *b)
{
    xfree(b->rows);
    xfree(b->kinds);
    xfree(b->wm);
    memset(b, 0, sizeof *b);
}

void batch_clear(Batch *b)
{
    b->n_rows = 0;
    b->split = 0;
    b->flags = 0;
}
