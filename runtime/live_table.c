/*
 * live_table.c - the shell's live result model (see live_table.h).
 *
 * Table mode keeps one Slot per result row in arrival order.  A slot's
 * cells are formatted once, when the row arrives, into the slot's own
 * block as [u32 byte length][bytes] per column; a hash of the block makes
 * finding the row a retraction names cheap.  -U removes the row and
 * remembers its slot so that the +U after it lands in the same place;
 * -D removes the row; removed slots are compacted away now and then.
 *
 * Changelog and tableau modes format each change as a line into `pending`
 * and the shell takes the lines out.
 */
#include "runtime/fsql.h"
#include "runtime/batch.h"
#include "runtime/live_table.h"
#include "runtime/value_ops.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#define CELL_MAX_WIDTH 40 /* table mode: longer cells are cut with "..." */
#define LIVE_KEEP 10000   /* append-only table mode: rows kept (the newest) */

typedef struct Slot {
    char *data; /* cells: [u32 len][bytes]... (xmalloc) */
    uint32_t size, cap;
    uint64_t hash;
    bool live;
} Slot;

struct LiveTable {
    pthread_mutex_t mu;
    LiveMode mode;
    /* set when the writer opens */
    bool has_schema;
    bool is_updating;
    bool ended;
    bool header_taken; /* tableau header handed out */
    uint32_t n_cols;
    char **names;    /* xmalloc'd copies */
    bool *right;     /* numeric columns align right */
    uint32_t *fixed; /* tableau: column widths */
    uint32_t *wid;   /* table mode: widths so far (only grow) */
    ValueFmt fmt;
    /* table mode */
    Slot *slots;
    uint32_t n_slots, cap_slots;
    uint32_t n_live, n_dead;
    uint64_t n_dropped;   /* append-only: oldest rows let go (LIVE_KEEP) */
    uint32_t first_live;  /* no live slot before this index */
    int64_t pending_slot; /* slot retracted by the last -U, or -1 */
    /* changelog / tableau */
    StrBuf pending;
    uint32_t n_pending;
    /* status */
    uint64_t changes;
    int64_t watermark;
    StrBuf scratch;
};

typedef struct LiveWriter {
    SinkWriter base;
    LiveTable *lt;
    const RtSchema *s;
} LiveWriter;

bool live_mode_parse(const char *name, LiveMode *out)
{
    static const struct {
        const char *name;
        LiveMode mode;
    } modes[] = {{"table", LIVE_TABLE},
                 {"changelog", LIVE_CHANGELOG},
                 {"tableau", LIVE_TABLEAU}};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(modes); i++) {
        if (strcasecmp(name, modes[i].name) == 0) {
            *out = modes[i].mode;
            return true;
        }
    }
    return false;
}

LiveTable *live_table_new(LiveMode mode)
{
    LiveTable *lt = xcalloc(1, sizeof *lt);
    pthread_mutex_init(&lt->mu, NULL);
    lt->mode = mode;
    lt->pending_slot = -1;
    lt->watermark = WM_NONE;
    strbuf_init(&lt->pending);
    strbuf_init(&lt->scratch);
    return lt;
}

static void free_schema(LiveTable *lt)
{
    for (uint32_t c = 0; c < lt->n_cols; c++)
        xfree(lt->names[c]);
    xfree(lt->names);
    xfree(lt->right);
    xfree(lt->fixed);
    xfree(lt->wid);
    lt->names = NULL;
    lt->right = NULL;
    lt->fixed = NULL;
    lt->wid = NULL;
    lt->n_cols = 0;
}

void live_table_free(LiveTable *lt)
{
    if (!lt)
        return;
    free_schema(lt);
    for (uint32_t i = 0; i < lt->n_slots; i++)
        xfree(lt->slots[i].data);
    xfree(lt->slots);
    strbuf_fini(&lt->pending);
    strbuf_fini(&lt->scratch);
    pthread_mutex_destroy(&lt->mu);
    xfree(lt);
}

LiveStatus live_table_status(LiveTable *lt)
{
    LiveStatus st;
    pthread_mutex_lock(&lt->mu);
    st.changes = lt->changes;
    st.rows = lt->n_live;
    st.watermark = lt->watermark;
    st.has_schema = lt->has_schema;
    st.is_updating = lt->is_updating;
    st.ended = lt->ended;
    pthread_mutex_unlock(&lt->mu);
    return st;
}

/* ---- text helpers -------------------------------------------------------- */

static uint32_t text_width(const char *p, size_t n)
{
    return (uint32_t)utf8_count(p, n);
}

/* Byte length of the first `cols` code points of p[0..n). */
static size_t prefix_bytes(const char *p, size_t n, uint32_t cols)
{
    size_t i = 0;
    uint32_t w = 0;
    while (i < n) {
        if (((unsigned char)p[i] & 0xC0) != 0x80) {
            if (w == cols)
                break;
            w++;
        }
        i++;
    }
    return i;
}

/* Append a cell padded (or cut with "...") to exactly colw columns. */
static void put_cell(StrBuf *b, const char *p, size_t n, uint32_t colw,
                     bool right)
{
    uint32_t w = text_width(p, n);
    strbuf_append(b, "| ", 2);
    if (w > colw) {
        uint32_t keep = colw > 3 ? colw - 3 : 0;
        strbuf_append(b, p, prefix_bytes(p, n, keep));
        strbuf_append(b, "...", colw > 3 ? 3 : colw);
        strbuf_putc(b, ' ');
        return;
    }
    if (right)
        for (uint32_t i = w; i < colw; i++)
            strbuf_putc(b, ' ');
    strbuf_append(b, p, n);
    if (!right)
        for (uint32_t i = w; i < colw; i++)
            strbuf_putc(b, ' ');
    strbuf_putc(b, ' ');
}

static void put_rule(StrBuf *b, const uint32_t *wid, uint32_t nc, bool op_col)
{
    if (op_col)
        strbuf_puts(b, "+----");
    for (uint32_t c = 0; c < nc; c++) {
        strbuf_putc(b, '+');
        for (uint32_t i = 0; i < wid[c] + 2; i++)
            strbuf_putc(b, '-');
    }
    strbuf_puts(b, "+\n");
}

/* Cut the last line of b (from `start`) to width display columns. */
static void cut_line(StrBuf *b, size_t start, uint32_t width)
{
    if (width == 0)
        return;
    size_t n = b->len - start;
    bool nl = n && b->ptr[b->len - 1] == '\n';
    if (nl)
        n--;
    if (text_width(b->ptr + start, n) <= width)
        return;
    b->len = start + prefix_bytes(b->ptr + start, n, width);
    if (nl)
        strbuf_putc(b, '\n');
    b->ptr[b->len] = '\0';
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* The next cell of a slot block: its bytes and length; advances *at. */
static const char *slot_cell(const Slot *s, uint32_t *at, uint32_t *len)
{
    uint32_t n;
    memcpy(&n, s->data + *at, sizeof n);
    const char *p = s->data + *at + sizeof n;
    *at += (uint32_t)sizeof n + n;
    *len = n;
    return p;
}

/* Tableau width of a column of type t. */
static uint32_t type_width(const RtType *t)
{
    switch (t->kind) {
    case VK_BOOL:
        return 5;
    case VK_INT:
        switch (t->sql_kind) {
        case RT_SQL_TINYINT:
            return 4;
        case RT_SQL_SMALLINT:
            return 6;
        case RT_SQL_INT:
            return 11;
        default:
            return 20;
        }
    case VK_DOUBLE:
        return 12;
    case VK_DECIMAL:
        return t->precision > 0 ? (uint32_t)t->precision + 2 : 20;
    case VK_DATE:
        return 10;
    case VK_TIME:
        return 12;
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
        return 23;
    case VK_STRING:
    case VK_BYTES:
        return t->precision > 0 && t->precision < 25 ? (uint32_t)t->precision
                                                     : 25;
    default:
        return 12;
    }
}

/* ---- table mode ------------------------------------------------------------ */

static int64_t find_live(LiveTable *lt, const char *p, uint32_t n, uint64_t h)
{
    for (uint32_t i = 0; i < lt->n_slots; i++) {
        const Slot *s = &lt->slots[i];
        if (s->live && s->hash == h && s->size == n &&
            memcmp(s->data, p, n) == 0)
            return i;
    }
    return -1;
}

static void slot_set(Slot *s, const char *p, uint32_t n, uint64_t h)
{
    if (s->cap < n) {
        s->cap = n < 64 ? 64 : n;
        s->data = xrealloc(s->data, s->cap);
    }
    memcpy(s->data, p, n);
    s->size = n;
    s->hash = h;
    s->live = true;
}

static void slot_append(LiveTable *lt, const char *p, uint32_t n, uint64_t h)
{
    if (lt->n_slots == lt->cap_slots) {
        lt->cap_slots = lt->cap_slots ? lt->cap_slots * 2 : 64;
        lt->slots = xrealloc(lt->slots, sizeof(Slot) * lt->cap_slots);
    }
    Slot *s = &lt->slots[lt->n_slots++];
    memset(s, 0, sizeof *s);
    slot_set(s, p, n, h);
    lt->n_live++;
}

/* Drop removed slots when they outnumber the live ones. */
static void compact(LiveTable *lt)
{
    if (lt->pending_slot >= 0 || lt->n_dead < 256 || lt->n_dead < lt->n_live)
        return;
    uint32_t k = 0;
    for (uint32_t i = 0; i < lt->n_slots; i++) {
        if (lt->slots[i].live)
            lt->slots[k++] = lt->slots[i];
        else
            xfree(lt->slots[i].data);
    }
    lt->n_slots = k;
    lt->n_dead = 0;
    lt->first_live = 0;
}

static void table_change(LiveTable *lt, RowKind k, const char *p, uint32_t n)
{
    uint64_t h = hash_bytes(p, n);
    int64_t at;
    switch (k) {
    case ROW_INSERT:
        lt->pending_slot = -1;
        if (!lt->is_updating && lt->n_live >= LIVE_KEEP) {
            /* Let the oldest row go: memory stays bounded. */
            while (lt->first_live < lt->n_slots &&
                   !lt->slots[lt->first_live].live)
                lt->first_live++;
            if (lt->first_live < lt->n_slots) {
                lt->slots[lt->first_live].live = false;
                lt->n_live--;
                lt->n_dead++;
                lt->n_dropped++;
            }
        }
        slot_append(lt, p, n, h);
        break;
    case ROW_UPDATE_AFTER:
        if (lt->pending_slot >= 0) {
            slot_set(&lt->slots[lt->pending_slot], p, n, h);
            lt->n_live++;
            lt->n_dead--;
            lt->pending_slot = -1;
        } else {
            slot_append(lt, p, n, h);
        }
        break;
    case ROW_UPDATE_BEFORE:
    case ROW_DELETE:
        at = find_live(lt, p, n, h);
        lt->pending_slot = -1;
        if (at < 0)
            break;
        lt->slots[at].live = false;
        lt->n_live--;
        lt->n_dead++;
        if (k == ROW_UPDATE_BEFORE)
            lt->pending_slot = at;
        break;
    }
}

/* Append one slot's row; widths in wid. */
static void table_row(const LiveTable *lt, StrBuf *b, const Slot *s,
                      const uint32_t *wid)
{
    uint32_t at = 0, len;
    for (uint32_t c = 0; c < lt->n_cols; c++) {
        const char *p = slot_cell(s, &at, &len);
        put_cell(b, p, len, wid[c], lt->right[c]);
    }
    strbuf_puts(b, "|\n");
}

uint32_t live_table_render(LiveTable *lt, StrBuf *out, uint32_t width,
                           uint32_t max_lines)
{
    pthread_mutex_lock(&lt->mu);
    if (!lt->has_schema) {
        pthread_mutex_unlock(&lt->mu);
        return 0;
    }
    uint32_t nc = lt->n_cols, lines = 0;
    /* Which live rows fit: 4 rule/header lines, 1 closing rule, 1 line
     * for "N more rows". */
    uint32_t show = lt->n_live;
    if (max_lines) {
        uint32_t room = max_lines > 6 ? max_lines - 6 : 1;
        if (show > room)
            show = room;
    }
    bool tail = !lt->is_updating; /* append-only: the newest rows */
    uint32_t skip = tail ? lt->n_live - show : 0;
    /* Widths: grow to fit what is shown (never shrink: no jitter). */
    uint32_t seen = 0;
    for (uint32_t i = 0; i < lt->n_slots; i++) {
        const Slot *s = &lt->slots[i];
        if (!s->live)
            continue;
        seen++;
        if (seen <= skip)
            continue;
        if (seen > skip + show)
            break;
        uint32_t at = 0, len;
        for (uint32_t c = 0; c < nc; c++) {
            const char *p = slot_cell(s, &at, &len);
            uint32_t w = text_width(p, len);
            if (w > CELL_MAX_WIDTH)
                w = CELL_MAX_WIDTH;
            if (w > lt->wid[c])
                lt->wid[c] = w;
        }
    }
    size_t start;
#define LINE_END()                                                             \
    do {                                                                       \
        cut_line(out, start, width);                                           \
        lines++;                                                               \
    } while (0)
    start = out->len;
    put_rule(out, lt->wid, nc, false);
    LINE_END();
    start = out->len;
    for (uint32_t c = 0; c < nc; c++)
        put_cell(out, lt->names[c], strlen(lt->names[c]), lt->wid[c],
                 lt->right[c]);
    strbuf_puts(out, "|\n");
    LINE_END();
    start = out->len;
    put_rule(out, lt->wid, nc, false);
    LINE_END();
    if (tail && skip + lt->n_dropped) {
        uint64_t hidden = skip + lt->n_dropped;
        start = out->len;
        strbuf_printf(out, "  (%llu earlier row%s not shown)\n",
                      (unsigned long long)hidden, hidden == 1 ? "" : "s");
        LINE_END();
    }
    seen = 0;
    for (uint32_t i = 0; i < lt->n_slots; i++) {
        const Slot *s = &lt->slots[i];
        if (!s->live)
            continue;
        seen++;
        if (seen <= skip)
            continue;
        if (seen > skip + show)
            break;
        start = out->len;
        table_row(lt, out, s, lt->wid);
        LINE_END();
    }
    start = out->len;
    put_rule(out, lt->wid, nc, false);
    LINE_END();
    if (!tail && show < lt->n_live) {
        start = out->len;
        strbuf_printf(out, "  (%u more row%s not shown)\n", lt->n_live - show,
                      lt->n_live - show == 1 ? "" : "s");
        LINE_END();
    }
#undef LINE_END
    pthread_mutex_unlock(&lt->mu);
    return lines;
}

/* ---- changelog and tableau ------------------------------------------------ */

static void tableau_header(LiveTable *lt, StrBuf *out, uint32_t width)
{
    size_t start = out->len;
    put_rule(out, lt->fixed, lt->n_cols, true);
    cut_line(out, start, width);
    start = out->len;
    strbuf_puts(out, "| op ");
    for (uint32_t c = 0; c < lt->n_cols; c++)
        put_cell(out, lt->names[c], strlen(lt->names[c]), lt->fixed[c],
                 lt->right[c]);
    strbuf_puts(out, "|\n");
    cut_line(out, start, width);
    start = out->len;
    put_rule(out, lt->fixed, lt->n_cols, true);
    cut_line(out, start, width);
}

uint32_t live_table_take(LiveTable *lt, StrBuf *out, uint32_t width)
{
    pthread_mutex_lock(&lt->mu);
    uint32_t n = 0;
    if (lt->mode == LIVE_TABLEAU && lt->has_schema && !lt->header_taken) {
        lt->header_taken = true;
        tableau_header(lt, out, width);
        n += 3;
    }
    if (lt->mode == LIVE_TABLEAU && width) {
        /* Cut each pending line to the width. */
        const char *p = strbuf_cstr(&lt->pending);
        const char *end = p + lt->pending.len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
            size_t start = out->len;
            strbuf_append(out, p, len);
            cut_line(out, start, width);
            p += len;
        }
    } else {
        strbuf_append(out, lt->pending.ptr ? lt->pending.ptr : "",
                      lt->pending.len);
    }
    n += lt->n_pending;
    strbuf_clear(&lt->pending);
    lt->n_pending = 0;
    pthread_mutex_unlock(&lt->mu);
    return n;
}

void live_table_footer(LiveTable *lt, StrBuf *out, uint32_t width)
{
    pthread_mutex_lock(&lt->mu);
    if (lt->mode == LIVE_TABLEAU && lt->header_taken) {
        size_t start = out->len;
        put_rule(out, lt->fixed, lt->n_cols, true);
        cut_line(out, start, width);
    }
    pthread_mutex_unlock(&lt->mu);
}

/* ---- the writer ---------------------------------------------------------- */

static int lw_write(SinkWriter *base, const Batch *b, FsqlErr *err)
{
    LiveWriter *w = (LiveWriter *)base;
    LiveTable *lt = w->lt;
    const RtSchema *s = w->s;
    (void)err;
    pthread_mutex_lock(&lt->mu);
    StrBuf *sc = &lt->scratch;
    for (uint32_t r = 0; r < b->n_rows; r++) {
        const Value *row = batch_row(b, r);
        RowKind k = (RowKind)b->kinds[r];
        if (b->wm[r] != WM_NONE && b->wm[r] != WM_END &&
            b->wm[r] > lt->watermark)
            lt->watermark = b->wm[r];
        lt->changes++;
        switch (lt->mode) {
        case LIVE_TABLE:
            strbuf_clear(sc);
            for (uint32_t c = 0; c < s->n_cols; c++) {
                size_t at = sc->len;
                uint32_t len = 0;
                strbuf_append(sc, (const char *)&len, sizeof len);
                value_format(sc, &row[c], &s->cols[c].type, &lt->fmt);
                len = (uint32_t)(sc->len - at - sizeof len);
                memcpy(sc->ptr + at, &len, sizeof len);
            }
            table_change(lt, k, sc->ptr, (uint32_t)sc->len);
            break;
        case LIVE_CHANGELOG:
            strbuf_append(&lt->pending, row_kind_short(k), 2);
            strbuf_putc(&lt->pending, '[');
            for (uint32_t c = 0; c < s->n_cols; c++) {
                if (c)
                    strbuf_append(&lt->pending, ", ", 2);
                value_format(&lt->pending, &row[c], &s->cols[c].type, &lt->fmt);
            }
            strbuf_puts(&lt->pending, "]\n");
            lt->n_pending++;
            break;
        case LIVE_TABLEAU:
            strbuf_printf(&lt->pending, "| %s ", row_kind_short(k));
            for (uint32_t c = 0; c < s->n_cols; c++) {
                strbuf_clear(sc);
                value_format(sc, &row[c], &s->cols[c].type, &lt->fmt);
                put_cell(&lt->pending, strbuf_cstr(sc), sc->len, lt->fixed[c],
                         lt->right[c]);
            }
            strbuf_puts(&lt->pending, "|\n");
            lt->n_pending++;
            break;
        }
    }
    if (lt->mode == LIVE_TABLE)
        compact(lt);
    pthread_mutex_unlock(&lt->mu);
    return FSQL_OK;
}

static int lw_flush(SinkWriter *base, FsqlErr *err)
{
    LiveWriter *w = (LiveWriter *)base;
    (void)err;
    pthread_mutex_lock(&w->lt->mu);
    w->lt->ended = true;
    pthread_mutex_unlock(&w->lt->mu);
    return FSQL_OK;
}

static void lw_close(SinkWriter *base)
{
    xfree(base);
}

static const SinkVtbl lw_vtbl = {
    .write = lw_write,
    .flush = lw_flush,
    .close = lw_close,
};

SinkWriter *live_table_writer_new(void *arg, const RtSchema *s,
                                  bool is_updating, const struct RunCtx *ctx)
{
    LiveTable *lt = arg;
    LiveWriter *w = xcalloc(1, sizeof *w);
    w->base.v = &lw_vtbl;
    w->lt = lt;
    w->s = s;
    pthread_mutex_lock(&lt->mu);
    free_schema(lt);
    lt->n_cols = s->n_cols;
    lt->names = xcalloc(s->n_cols + 1, sizeof(char *));
    lt->right = xcalloc(s->n_cols + 1, sizeof(bool));
    lt->fixed = xcalloc(s->n_cols + 1, sizeof(uint32_t));
    lt->wid = xcalloc(s->n_cols + 1, sizeof(uint32_t));
    for (uint32_t c = 0; c < s->n_cols; c++) {
        const RtColumn *col = &s->cols[c];
        lt->names[c] = xstrdup(col->name);
        ValueKind k = col->type.kind;
        lt->right[c] = k == VK_INT || k == VK_DOUBLE || k == VK_DECIMAL;
        uint32_t nw = text_width(col->name, strlen(col->name));
        lt->wid[c] = nw;
        uint32_t tw = type_width(&col->type);
        lt->fixed[c] = tw > nw ? tw : nw;
    }
    lt->is_updating = is_updating;
    lt->has_schema = true;
    lt->fmt.tz = ctx->tz;
    lt->fmt.style = VALUE_STYLE_SQL;
    lt->fmt.null_text = NULL;
    pthread_mutex_unlock(&lt->mu);
    return &w->base;
}
