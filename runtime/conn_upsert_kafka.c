/*
 * conn_upsert_kafka.c - the 'upsert-kafka' connector: a keyed changelog
 * over a (compacted) Kafka topic.
 *
 * The reading and writing is conn_kafka.c's with is_upsert set; this file
 * holds what is particular to upsert: the per-key state of the source
 * (Flink's ChangelogNormalize, done inside the source) and the registry
 * entry.
 *
 * Source: the record key is the PRIMARY KEY (key.format), the value the
 * row (value.format); a record with a null value (a tombstone) deletes
 * the key.  The source keeps the latest value bytes per key bytes and
 * emits a proper changelog: +I for a key it has not seen (or that was
 * deleted), -U (previous image) then +U for a key it has, -D (previous
 * image) for a tombstone of a live key.  A record whose value is the same
 * bytes as the current one, and a tombstone for an unknown key, emit
 * nothing.  State: one xmalloc'd entry per live key (key and value
 * bytes), in a chained hash table that grows by doubling.  Value images
 * replaced during a push cycle stay alive until batch_done(), because the
 * -U/-D rows of that batch point into them.
 *
 * Sink: +I/+U rows are written as key -> value, -D rows as key -> null (a
 * tombstone), -U rows are dropped (the +U that follows replaces the
 * value).  The key is the PRIMARY KEY columns in key.format.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/kafka.h"

#include <string.h>

typedef struct UpsEntry {
    struct UpsEntry *next;
    uint64_t hash;
    char *val; /* xmalloc; the latest value image */
    size_t val_len;
    size_t key_len;
    char key[]; /* key bytes */
} UpsEntry;

struct KafkaUpsertState {
    UpsEntry **slots;
    uint64_t n_slots; /* power of two */
    uint64_t n_keys;
    char **retired; /* value images to free at batch end */
    size_t n_retired, cap_retired;
};

static uint64_t bytes_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

KafkaUpsertState *kafka_upsert_state_new(void)
{
    KafkaUpsertState *s = xcalloc(1, sizeof *s);
    s->n_slots = 1024;
    s->slots = xcalloc(s->n_slots, sizeof(UpsEntry *));
    return s;
}

void kafka_upsert_state_batch_done(KafkaUpsertState *s)
{
    for (size_t i = 0; i < s->n_retired; i++)
        xfree(s->retired[i]);
    s->n_retired = 0;
}

void kafka_upsert_state_free(KafkaUpsertState *s)
{
    if (!s)
        return;
    kafka_upsert_state_batch_done(s);
    for (uint64_t i = 0; i < s->n_slots; i++) {
        UpsEntry *e = s->slots[i];
        while (e) {
            UpsEntry *n = e->next;
            xfree(e->val);
            xfree(e);
            e = n;
        }
    }
    xfree(s->slots);
    xfree(s->retired);
    xfree(s);
}

uint64_t kafka_upsert_state_keys(const KafkaUpsertState *s)
{
    return s->n_keys;
}

static void retire(KafkaUpsertState *s, char *p)
{
    if (s->n_retired == s->cap_retired) {
        s->cap_retired = s->cap_retired ? s->cap_retired * 2 : 64;
        s->retired = xrealloc(s->retired, sizeof(char *) * s->cap_retired);
    }
    s->retired[s->n_retired++] = p;
}

static void grow(KafkaUpsertState *s)
{
    uint64_t n = s->n_slots * 2;
    UpsEntry **slots = xcalloc(n, sizeof(UpsEntry *));
    for (uint64_t i = 0; i < s->n_slots; i++) {
        UpsEntry *e = s->slots[i];
        while (e) {
            UpsEntry *nx = e->next;
            uint64_t k = e->hash & (n - 1);
            e->next = slots[k];
            slots[k] = e;
            e = nx;
        }
    }
    xfree(s->slots);
    s->slots = slots;
    s->n_slots = n;
}

static char *dup_bytes(const char *p, size_t n)
{
    char *d = xmalloc(n ? n : 1);
    if (n)
        memcpy(d, p, n);
    return d;
}

KafkaUpsertAction kafka_upsert_state_apply(KafkaUpsertState *s, const char *key,
                                           size_t key_len, const char *val,
                                           size_t val_len, bool is_tombstone,
                                           const char **old, size_t *old_len)
{
    if (!key)
        key_len = 0;
    uint64_t h = bytes_hash(key ? key : "", key_len);
    UpsEntry **pp = &s->slots[h & (s->n_slots - 1)];
    UpsEntry *e = *pp;
    while (e && !(e->hash == h && e->key_len == key_len &&
                  (key_len == 0 || memcmp(e->key, key, key_len) == 0))) {
        pp = &e->next;
        e = *pp;
    }
    *old = NULL;
    *old_len = 0;
    if (is_tombstone) {
        if (!e)
            return KUP_SKIP;
        *old = e->val;
        *old_len = e->val_len;
        retire(s, e->val);
        *pp = e->next;
        xfree(e);
        s->n_keys--;
        return KUP_DELETE;
    }
    if (e) {
        if (e->val_len == val_len &&
            (val_len == 0 || memcmp(e->val, val, val_len) == 0))
            return KUP_SKIP;
        *old = e->val;
        *old_len = e->val_len;
        retire(s, e->val);
        e->val = dup_bytes(val, val_len);
        e->val_len = val_len;
        return KUP_UPDATE;
    }
    e = xmalloc(sizeof(UpsEntry) + (key_len ? key_len : 1));
    e->hash = h;
    e->key_len = key_len;
    if (key_len)
        memcpy(e->key, key, key_len);
    e->val = dup_bytes(val, val_len);
    e->val_len = val_len;
    e->next = s->slots[h & (s->n_slots - 1)];
    s->slots[h & (s->n_slots - 1)] = e;
    if (++s->n_keys > s->n_slots)
        grow(s);
    return KUP_INSERT;
}

/* Checkpoints: the live keys and their latest value images, so that a
 * restored source goes on emitting a correct changelog (an update of a key
 * read before the checkpoint is -U/+U, not +I). */
void kafka_upsert_state_snapshot(const KafkaUpsertState *s, SnapWriter *w)
{
    snap_put_u64(w, s->n_keys);
    for (uint64_t i = 0; i < s->n_slots; i++)
        for (const UpsEntry *e = s->slots[i]; e; e = e->next) {
            snap_put_bytes(w, e->key, (uint32_t)e->key_len);
            snap_put_bytes(w, e->val, (uint32_t)e->val_len);
        }
}

bool kafka_upsert_state_restore(KafkaUpsertState *s, SnapReader *r)
{
    uint64_t n = snap_get_u64(r);
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        uint32_t kl = 0, vl = 0;
        const char *k = snap_get_bytes(r, &kl);
        const char *v = snap_get_bytes(r, &vl);
        const char *old;
        size_t old_len;
        if (!r->bad)
            kafka_upsert_state_apply(s, k, kl, v ? v : "", vl, false, &old,
                                     &old_len);
    }
    kafka_upsert_state_batch_done(s);
    return !r->bad;
}

static int upsert_open_source(const TableDef *t, const RunCtx *ctx,
                              SourceReader **out, FsqlErr *err)
{
    return kafka_source_open(t, ctx, true, out, err);
}

static int upsert_open_sink(const TableDef *t, const RunCtx *ctx,
                            SinkWriter **out, FsqlErr *err)
{
    return kafka_sink_open(t, ctx, true, out, err);
}

const ConnectorImpl conn_upsert_kafka_impl = {
    .name = "upsert-kafka",
    .open_source = upsert_open_source,
    .open_sink = upsert_open_sink,
};
