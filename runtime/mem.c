/*
 * mem.c - counting heap wrappers and the chunked bump Arena.
 *
 * Invariants: every chunk's payload starts 16-byte aligned and every
 * allocation size is rounded up to 16, so every pointer handed out is
 * 16-byte aligned.  arena_reset keeps the first (oldest) chunk so that a
 * per-batch arena reaches a steady state with no calls to malloc.
 */
#include "runtime/fsql.h"
#include "runtime/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t live_allocs;

static FSQL_NORETURN void oom(size_t n)
{
    fprintf(stderr, "fsql: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    live_allocs++;
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    live_allocs++;
    return p;
}

void *xrealloc(void *p, size_t n)
{
    if (!p)
        return xmalloc(n);
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void xfree(void *p)
{
    if (p) {
        live_allocs--;
        free(p);
    }
}

#ifndef NDEBUG
void fsql_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "fsql: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
#endif

struct ArenaChunk {
    ArenaChunk *prev; /* older chunk, or NULL */
    size_t size;      /* payload bytes */
    size_t pos;       /* bytes used in the payload */
    _Alignas(16) unsigned char data[];
};

#define ALIGN16(n) (((n) + 15) & ~(size_t)15)

void arena_init(Arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 8192;
    a->used = 0;
}

void arena_fini(Arena *a)
{
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *prev = c->prev;
        xfree(c);
        c = prev;
    }
    a->head = NULL;
    a->used = 0;
}

void arena_reset(Arena *a)
{
#ifdef FSQL_ARENA_DEBUG
    arena_fini(a);
#else
    ArenaChunk *c = a->head;
    while (c && c->prev) {
        ArenaChunk *prev = c->prev;
        xfree(c);
        c = prev;
    }
    a->head = c;
    if (c)
        c->pos = 0;
    a->used = 0;
#endif
}

static ArenaChunk *chunk_new(Arena *a, size_t need)
{
#ifdef FSQL_ARENA_DEBUG
    size_t size = need;
#else
    size_t size = need > a->chunk_size ? need : a->chunk_size;
#endif
    ArenaChunk *c = xmalloc(sizeof(ArenaChunk) + size);
    c->size = size;
    c->pos = 0;
    c->prev = a->head;
    a->head = c;
    return c;
}

void *arena_alloc(Arena *a, size_t n)
{
    n = ALIGN16(n ? n : 1);
    ArenaChunk *c = a->head;
    if (!c || c->size - c->pos < n)
        c = chunk_new(a, n);
    void *p = c->data + c->pos;
    c->pos += n;
    a->used += n;
    return p;
}

void *arena_zalloc(Arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n ? n : 1);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_sprintf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

ArenaMark arena_mark(Arena *a)
{
    ArenaMark m = {a->head, a->head ? a->head->pos : 0, a->used};
    return m;
}

void arena_release(Arena *a, ArenaMark m)
{
    while (a->head && a->head != m.chunk) {
        ArenaChunk *prev = a->head->prev;
        xfree(a->head);
        a->head = prev;
    }
    if (a->head)
        a->head->pos = m.pos;
    a->used = m.used;
}

size_t arena_bytes(const Arena *a)
{
    return a->used;
}
