/*
 * mem.h - heap wrappers that abort on exhaustion, and the Arena.
 *
 * xmalloc and friends are the only calls to the C allocator in fsql; they
 * count live bytes so that memory limits can be enforced later.
 *
 * An Arena is a bump allocator made of chunks.  Everything allocated from it
 * is released together by arena_reset() or arena_fini(); there is no
 * per-object free.  With -DFSQL_ARENA_DEBUG every allocation is its own
 * malloc so that ASan and valgrind see exact bounds.
 */
#ifndef FSQL_RUNTIME_MEM_H
#define FSQL_RUNTIME_MEM_H

#include "runtime/fsql.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void xfree(void *p);

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
    ArenaChunk *head;  /* newest chunk; allocation happens here */
    size_t chunk_size; /* default size of a new chunk, bytes */
    size_t used;       /* bytes handed out since the last reset */
} Arena;

typedef struct ArenaMark {
    ArenaChunk *chunk;
    size_t pos;
    size_t used;
} ArenaMark;

void arena_init(Arena *a, size_t chunk_size);
void arena_fini(Arena *a);
void arena_reset(Arena *a);
void *arena_alloc(Arena *a, size_t n);  /* 16-byte aligned, uninitialised */
void *arena_zalloc(Arena *a, size_t n); /* zeroed */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_sprintf(Arena *a, const char *fmt, ...) FSQL_PRINTF(2, 3);
ArenaMark arena_mark(Arena *a);
void arena_release(Arena *a, ArenaMark m);
size_t arena_bytes(const Arena *a);

#define ARENA_NEW(a, T) ((T *)arena_zalloc((a), sizeof(T)))
#define ARENA_NEW_ARRAY(a, T, n) ((T *)arena_zalloc((a), sizeof(T) * (n)))

#endif
