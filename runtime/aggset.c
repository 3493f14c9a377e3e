/*
 * aggset.c - a keyed operator's aggregate calls over one state block
 * (see aggset.h).
 */
#include "runtime/fsql.h"
#include "runtime/aggset.h"
#include "runtime/checkpoint.h"

#include <stdio.h>
#include <string.h>

bool aggset_init(AggSet *as, Arena *a, const OpAggCall *calls, uint32_t n,
                 StrPool *pool, char *err, size_t err_n)
{
    memset(as, 0, sizeof *as);
    as->n = n;
    as->calls = calls;
    as->specs = ARENA_NEW_ARRAY(a, AggSpec, n + 1);
    as->offs = ARENA_NEW_ARRAY(a, uint32_t, n + 1);
    uint32_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        const OpAggCall *c = &calls[i];
        const AggDef *def = agg_def_find(c->name, strlen(c->name));
        if (!def || (def->flags & AGG_F_POSITIONAL)) {
            snprintf(err, err_n,
                     "aggregate function %s is not supported in this "
                     "operator",
                     c->name);
            return false;
        }
        if (!agg_spec_init(&as->specs[i], def, c->n_args, &c->arg_type,
                           &c->type, c->is_distinct, pool)) {
            snprintf(err, err_n,
                     "aggregate function %s cannot run on this argument "
                     "type",
                     c->name);
            return false;
        }
        as->offs[i] = off;
        off += (agg_state_size(&as->specs[i]) + 15u) & ~15u;
    }
    as->state_size = off;
    return true;
}

void aggset_start(const AggSet *as, void *block, bool append_only)
{
    char *b = block;
    for (uint32_t i = 0; i < as->n; i++) {
        agg_init(&as->specs[i], b + as->offs[i]);
        if (append_only)
            agg_set_append_only(&as->specs[i], b + as->offs[i]);
    }
}

/* FILTER (WHERE): only TRUE lets the row in. */
static inline bool passes(const OpAggCall *c, const Value *args)
{
    if (c->filter < 0)
        return true;
    const Value *f = &args[c->filter];
    return !f->is_null && f->u.i != 0;
}

void aggset_step(const AggSet *as, void *block, const Value *args)
{
    char *b = block;
    for (uint32_t i = 0; i < as->n; i++) {
        const OpAggCall *c = &as->calls[i];
        if (passes(c, args))
            agg_step(&as->specs[i], b + as->offs[i], args + c->arg);
    }
}

void aggset_inverse(const AggSet *as, void *block, const Value *args)
{
    char *b = block;
    for (uint32_t i = 0; i < as->n; i++) {
        const OpAggCall *c = &as->calls[i];
        if (passes(c, args))
            agg_inverse(&as->specs[i], b + as->offs[i], args + c->arg);
    }
}

void aggset_final(const AggSet *as, const void *block, Value *out, Arena *a)
{
    const char *b = block;
    for (uint32_t i = 0; i < as->n; i++)
        agg_final(&as->specs[i], b + as->offs[i], &out[i], a);
}

void aggset_fini(const AggSet *as, void *block)
{
    char *b = block;
    for (uint32_t i = 0; i < as->n; i++)
        agg_fini(&as->specs[i], b + as->offs[i]);
}

void aggset_fini_teardown(const AggSet *as, void *block)
{
    char *b = block;
    for (uint32_t i = 0; i < as->n; i++)
        agg_fini_teardown(&as->specs[i], b + as->offs[i]);
}

bool aggset_teardown_needed(const AggSet *as)
{
    for (uint32_t i = 0; i < as->n; i++)
        if (agg_teardown_needed(&as->specs[i]))
            return true;
    return false;
}

size_t aggset_heap_bytes(const AggSet *as, const void *block)
{
    const char *b = block;
    size_t n = 0;
    for (uint32_t i = 0; i < as->n; i++)
        n += agg_heap_bytes(&as->specs[i], b + as->offs[i]);
    return n;
}

void aggset_snapshot(const AggSet *as, const void *block, SnapWriter *w)
{
    const char *b = block;
    for (uint32_t i = 0; i < as->n; i++)
        agg_state_snapshot(&as->specs[i], b + as->offs[i], w);
}

bool aggset_restore(const AggSet *as, void *block, SnapReader *r)
{
    char *b = block;
    bool ok = true;
    /* Every state is initialised (restored or empty) so that the block
     * can be released whatever happens. */
    for (uint32_t i = 0; i < as->n; i++) {
        if (ok)
            ok = agg_state_restore(&as->specs[i], b + as->offs[i], r);
        else
            agg_init(&as->specs[i], b + as->offs[i]);
    }
    return ok;
}

void aggset_merge(const AggSet *as, void *dst, const void *src)
{
    char *d = dst;
    const char *s = src;
    for (uint32_t i = 0; i < as->n; i++)
        agg_merge(&as->specs[i], d + as->offs[i], s + as->offs[i]);
}
