/*
 * conn_filesystem.c - the 'filesystem' connector: a bounded source over a
 * file or a directory of files, and an appending sink.
 *
 * Source: 'path' names a file or a directory; a directory is read file by
 * file in name order (hidden files, names starting with '.' or '_', and
 * subdirectories are skipped, as Flink does; 'source.path.regex-pattern'
 * filters by full path).  Every file must exist and be readable when the
 * job opens, before any row is read.  Each file is one split: the reader
 * never mixes two files in one batch and flags the last batch of each
 * (BATCH_F_SPLIT_END), so per-split watermarks work.
 *
 * Reading: read(2) into a buffer that grows to hold at least one whole
 * record; records are decoded in place (json: a line; csv: a record,
 * which may span lines inside quotes; raw: a line), so string Values
 * point into the buffer.  The buffer is compacted only at the next poll,
 * after batch_done(), which keeps those views valid for the whole push
 * cycle.  No allocation per row.
 *
 * Bad records: by the format's ignore-parse-errors option the job fails
 * with "path:line: reason" or the record is skipped and counted.
 *
 * Metadata columns: file.path, file.name (STRING), file.size (BIGINT),
 * file.modification-time (TIMESTAMP_LTZ(3)).
 *
 * Sink: rows are appended, one record per line, to 'path' when it names a
 * file; when it names a directory (existing, or written with a trailing
 * '/'), to "part-0.<format>" inside it (created as needed).
 *
 * Exactly-once sink ('sink.delivery-guarantee' = 'exactly-once', issue
 * 10; 'path' is then always a directory): the rows of an epoch go to
 * hidden files ".part-<job>-<table>-<start>-<seq>.inprogress", a new one
 * after 'sink.rolling-policy.file-size' bytes; precommit(N) fsyncs and
 * closes them and records them in the blob with their final names
 * "part-<job>-<table>-<lineage>-<N>-<i>.<format>" (deterministic:
 * committing twice renames nothing the second time; <lineage> is the
 * start time of the run that began without a checkpoint, kept in the
 * blob, so that a job started afresh never overwrites the files of an
 * earlier lineage whose ids also began at 1); commit(N) renames them and
 * fsyncs the directory.  recover(N) renames the listed files still in progress and
 * deletes every other in-progress file of this job and table (epochs
 * after the checkpoint, rows of the crashed process).  A fresh start
 * deletes such leftovers too, at the first write or precommit.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/job.h"
#include "runtime/connector.h"
#include "runtime/csv.h"
#include "runtime/json.h"
#include "runtime/sink_eo.h"
#include "runtime/value_ops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef enum FsFormat { FS_JSON, FS_CSV, FS_RAW } FsFormat;

typedef enum FsMeta {
    FSM_NONE,
    FSM_PATH,
    FSM_NAME,
    FSM_SIZE,
    FSM_MTIME
} FsMeta;

typedef struct FsFile {
    char *path; /* xmalloc */
    int64_t size;
    int64_t mtime_ms;
} FsFile;

typedef struct FsReader {
    SourceReader base;
    FsFormat fmt;
    FsFile *files;
    uint32_t n_files;
    uint32_t cur;           /* index of the file being read */
    int fd;                 /* -1 when no file is open */
    bool eof;               /* fd reached its end */
    char *buf;              /* read buffer */
    size_t cap, start, end; /* unread data is buf[start, end) */
    uint64_t line;          /* lines consumed in the current file */
    uint64_t file_off;      /* bytes read from fd so far: buf[start] is
                               at file offset file_off - (end - start) */
    uint64_t *row_line;     /* first line of each row of the last batch */
    uint32_t *row_file;
    uint32_t row_cap;
    JsonDecoder *jd;
    CsvDecoder *cd;
    CsvOptions copt;
    bool ignore_errors;
    bool has_meta;
    bool remap;         /* decode into tmp, then copy phys -> schema */
    FsMeta *meta;       /* per schema column */
    RtSchema phys;      /* the physical columns (decoder schema) */
    uint32_t *phys_col; /* phys column i is schema column phys_col[i],
                           UINT32_MAX when the job does not read it */
    Value *tmp;         /* decode row when remapping */
    bool has_pending;   /* an error to report at the next poll, after the
                              rows before it have been pushed */
    FsqlErr pending;
} FsReader;

/* ---- helpers ------------------------------------------------------------ */

static int parse_char_opt(const TableDef *t, const char *key, char def,
                          char *out, FsqlErr *err)
{
    const char *v = table_def_option(t, key);
    *out = def;
    if (!v)
        return FSQL_OK;
    if (strcmp(v, "\\t") == 0)
        *out = '\t';
    else if (strlen(v) == 1)
        *out = v[0];
    else
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": option '%s' must be a single "
                            "character, not \"%s\"",
                            t->name, key, v);
    return FSQL_OK;
}

static int fs_format_of(const TableDef *t, FsFormat *f, FsqlErr *err)
{
    const char *fmt = t->format ? t->format : table_def_option(t, "format");
    if (fmt && strcasecmp(fmt, "json") == 0)
        *f = FS_JSON;
    else if (fmt && strcasecmp(fmt, "csv") == 0)
        *f = FS_CSV;
    else if (fmt && strcasecmp(fmt, "raw") == 0)
        *f = FS_RAW;
    else
        return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                            "table \"%s\": the filesystem connector cannot "
                            "use format \"%s\" yet",
                            t->name, fmt ? fmt : "");
    return FSQL_OK;
}

static int csv_opts_of(const TableDef *t, CsvOptions *o, FsqlErr *err)
{
    csv_options_init(o);
    int rc;
    bool b;
    if ((rc = parse_char_opt(t, "csv.field-delimiter", ',', &o->field_delimiter,
                             err)) < 0 ||
        (rc = parse_char_opt(t, "csv.quote-character", '"', &o->quote_char,
                             err)) < 0 ||
        (rc = parse_char_opt(t, "csv.escape-character", '\0', &o->escape_char,
                             err)) < 0)
        return rc;
    if ((rc = table_opt_bool(t, "csv.disable-quote-character", false, &b,
                             err)) < 0)
        return rc;
    o->disable_quote_char = b;
    if ((rc = table_opt_bool(t, "csv.allow-comments", false, &b, err)) < 0)
        return rc;
    o->allow_comments = b;
    if ((rc = table_opt_bool(t, "csv.ignore-parse-errors", false, &b, err)) < 0)
        return rc;
    o->ignore_parse_errors = b;
    o->null_literal = table_def_option(t, "csv.null-literal");
    return FSQL_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(FsReader *r, uint32_t *cap, const char *path,
                     const struct stat *st)
{
    if (r->n_files == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        r->files = xrealloc(r->files, sizeof(FsFile) * *cap);
    }
    FsFile *f = &r->files[r->n_files++];
    f->path = xstrdup(path);
    f->size = (int64_t)st->st_size;
    f->mtime_ms =
        (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

/* The files of 'path' (a file, or a directory's files in name order). */
static int list_files(FsReader *r, const TableDef *t, const char *path,
                      FsqlErr *err)
{
    struct stat st;
    uint32_t cap = 0;
    if (stat(path, &st) != 0)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not read table \"%s\": path \"%s\": %s",
                            t->name, path, strerror(errno));
    regex_t re;
    const char *pat = table_def_option(t, "source.path.regex-pattern");
    if (pat) {
        int e = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB);
        if (e != 0) {
            char m[128];
            regerror(e, &re, m, sizeof m);
            return fsql_err_set(err, FSQL_E_CONFIG,
                                "table \"%s\": option "
                                "'source.path.regex-pattern' is not a "
                                "regular expression: %s",
                                t->name, m);
        }
    }
    if (!S_ISDIR(st.st_mode)) {
        if (!pat || regexec(&re, path, 0, NULL, 0) == 0)
            add_file(r, &cap, path, &st);
    } else {
        DIR *d = opendir(path);
        if (!d) {
            if (pat)
                regfree(&re);
            return fsql_err_set(err, FSQL_E_IO,
                                "could not read table \"%s\": directory "
                                "\"%s\": %s",
                                t->name, path, strerror(errno));
        }
        char **names = NULL;
        size_t n = 0, ncap = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.' || e->d_name[0] == '_')
                continue;
            if (n == ncap) {
                ncap = ncap ? ncap * 2 : 16;
                names = xrealloc(names, sizeof(char *) * ncap);
            }
            names[n++] = xstrdup(e->d_name);
        }
        closedir(d);
        if (n)
            qsort(names, n, sizeof(char *), cmp_names);
        size_t plen = strlen(path);
        bool slash = plen && path[plen - 1] == '/';
        for (size_t i = 0; i < n; i++) {
            size_t need = plen + strlen(names[i]) + 2;
            char *full = xmalloc(need);
            snprintf(full, need, "%s%s%s", path, slash ? "" : "/", names[i]);
            struct stat fst;
            if (stat(full, &fst) == 0 && S_ISREG(fst.st_mode) &&
                (!pat || regexec(&re, full, 0, NULL, 0) == 0))
                add_file(r, &cap, full, &fst);
            xfree(full);
            xfree(names[i]);
        }
        xfree(names);
    }
    if (pat)
        regfree(&re);
    /* Every file must be readable now, before any row is read. */
    for (uint32_t i = 0; i < r->n_files; i++) {
        if (access(r->files[i].path, R_OK) != 0)
            return fsql_err_set(err, FSQL_E_IO,
                                "could not read table \"%s\": file \"%s\": "
                                "%s",
                                t->name, r->files[i].path, strerror(errno));
    }
    return FSQL_OK;
}

/* ---- source ------------------------------------------------------------- */

static int open_next_file(FsReader *r, FsqlErr *err)
{
    const FsFile *f = &r->files[r->cur];
    r->fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
        return fsql_err_set(err, FSQL_E_IO, "could not open file \"%s\": %s",
                            f->path, strerror(errno));
    r->eof = false;
    r->start = r->end = 0;
    r->line = 0;
    r->file_off = 0;
    return FSQL_OK;
}

/* Read more of the current file; the data in [start, end) is kept. */
static int fill(FsReader *r, FsqlErr *err)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end == r->cap) {
        r->cap *= 2;
        r->buf = xrealloc(r->buf, r->cap);
    }
    for (;;) {
        ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return fsql_err_set(err, FSQL_E_IO,
                                "could not read file \"%s\": %s",
                                r->files[r->cur].path, strerror(errno));
        if (got == 0)
            r->eof = true;
        r->end += (size_t)got;
        r->file_off += (uint64_t)got;
        return FSQL_OK;
    }
}

/* The next record in the buffer: sets *len (without the terminator) and
 * *adv (with it), *lines (line breaks consumed).  false: need more data
 * (or, at eof, no data left). */
static bool next_record(FsReader *r, size_t *len, size_t *adv, uint32_t *lines)
{
    const char *p = r->buf + r->start;
    size_t n = r->end - r->start;
    if (n == 0)
        return false;
    if (r->fmt == FS_CSV) {
        bool complete;
        size_t e = csv_record_end(&r->copt, p, n, &complete);
        if (!complete && !r->eof)
            return false;
        if (!complete)
            e = n;
        *adv = e;
        size_t l = e;
        uint32_t nl = 0;
        for (size_t i = 0; i < e; i++)
            nl += p[i] == '\n';
        if (l && p[l - 1] == '\n')
            l--;
        if (l && p[l - 1] == '\r')
            l--;
        *len = l;
        *lines = nl ? nl : 1;
        return true;
    }
    const char *nl = memchr(p, '\n', n);
    if (!nl) {
        if (!r->eof)
            return false;
        *len = n;
        *adv = n;
    } else {
        *len = (size_t)(nl - p);
        *adv = *len + 1;
    }
    if (*len && p[*len - 1] == '\r')
        (*len)--;
    *lines = 1;
    return true;
}

static void fill_meta(FsReader *r, Value *row, Arena *a)
{
    const FsFile *f = &r->files[r->cur];
    const RtSchema *s = &r->base.table->schema;
    for (uint32_t c = 0; c < s->n_cols; c++) {
        Value *v = &row[c];
        switch (r->meta[c]) {
        case FSM_NONE:
            break;
        case FSM_PATH:
        case FSM_NAME: {
            const char *p = f->path;
            if (r->meta[c] == FSM_NAME) {
                const char *sl = strrchr(p, '/');
                if (sl)
                    p = sl + 1;
            }
            v->kind = VK_STRING;
            v->is_null = false;
            v->u.s.ptr = p;
            v->u.s.len = (uint32_t)strlen(p);
            break;
        }
        case FSM_SIZE:
            v->kind = VK_INT;
            v->is_null = false;
            v->u.i = f->size;
            break;
        case FSM_MTIME:
            v->kind = VK_TIMESTAMP_LTZ;
            v->is_null = false;
            v->u.i = f->mtime_ms;
            break;
        }
    }
    (void)a;
}

/* Decode one record into row; returns JSON_OK-style codes. */
static int decode(FsReader *r, const char *rec, size_t len, Arena *a,
                  Value *row, char *why, size_t why_n)
{
    Value *dst = r->remap ? r->tmp : row;
    int rc;
    if (r->fmt == FS_JSON) {
        JsonError e;
        e.msg[0] = '\0';
        rc = json_decode(r->jd, rec, len, a, dst, &e);
        if (rc == JSON_ERROR || rc == JSON_SKIP)
            snprintf(why, why_n, "%s", e.msg);
        rc = rc == JSON_ERROR   ? -1
             : rc == JSON_SKIP  ? 1
             : rc == JSON_BLANK ? 2
                                : 0;
    } else if (r->fmt == FS_CSV) {
        CsvError e;
        e.msg[0] = '\0';
        rc = csv_decode(r->cd, rec, len, a, dst, &e);
        if (rc == CSV_ERROR || rc == CSV_SKIP)
            snprintf(why, why_n, "%s", e.msg);
        rc = rc == CSV_ERROR   ? -1
             : rc == CSV_SKIP  ? 1
             : rc == CSV_BLANK ? 2
                               : 0;
    } else {
        dst[0].kind = VK_STRING;
        dst[0].is_null = false;
        dst[0].u.s.ptr = rec;
        dst[0].u.s.len = (uint32_t)len;
        rc = 0;
    }
    if (rc == 0 && r->remap) {
        for (uint32_t i = 0; i < r->phys.n_cols; i++)
            if (r->phys_col[i] != UINT32_MAX)
                row[r->phys_col[i]] = r->tmp[i];
    }
    if (rc == 0 && r->has_meta)
        fill_meta(r, row, a);
    return rc;
}

static int fs_poll_rows(SourceReader *base, Batch *b, FsqlErr *err)
{
    FsReader *r = (FsReader *)base;
    if (r->has_pending) {
        if (err)
            *err = r->pending;
        return SRC_ERROR;
    }
    for (;;) {
        if (r->cur >= r->n_files)
            return SRC_END;
        if (r->fd < 0) {
            int rc = open_next_file(r, err);
            if (rc < 0)
                return SRC_ERROR;
        }
        b->split = r->cur;
        while (!batch_is_full(b)) {
            size_t len, adv;
            uint32_t lines;
            if (!next_record(r, &len, &adv, &lines)) {
                if (r->eof)
                    break;
                /* Only compact when no row of this batch points into the
                 * buffer: then the previous batch is done as well. */
                if (b->n_rows > 0)
                    return SRC_OK;
                if (fill(r, err) < 0)
                    return SRC_ERROR;
                continue;
            }
            const char *rec = r->buf + r->start;
            uint64_t line = r->line + 1;
            r->start += adv;
            r->line += lines;
            base->bytes_read += adv; /* metrics (issue 10) */
            Value *row = batch_row(b, b->n_rows);
            char why[200];
            int rc = decode(r, rec, len, b->a, row, why, sizeof why);
            if (rc == 2)
                continue; /* blank line or comment */
            if (rc == 1) {
                base->rows_skipped++;
                continue;
            }
            if (rc < 0) {
                /* The rows before the bad one still go through. */
                FsqlErr *e = b->n_rows ? &r->pending : err;
                fsql_err_set(e, FSQL_E_DATA, "%s:%llu: %s",
                             r->files[r->cur].path, (unsigned long long)line,
                             why);
                if (!b->n_rows)
                    return SRC_ERROR;
                r->has_pending = true;
                return SRC_OK;
            }
            r->row_line[b->n_rows] = line;
            r->row_file[b->n_rows] = r->cur;
            batch_add(b, ROW_INSERT, WM_NONE);
            base->rows_read++;
        }
        if (r->eof && r->start >= r->end) {
            /* End of this file: close it and flag its last batch. */
            close(r->fd);
            r->fd = -1;
            r->cur++;
            b->flags |= BATCH_F_SPLIT_END;
            return r->cur >= r->n_files ? SRC_END : SRC_OK;
        }
        return SRC_OK;
    }
}

static int fs_poll(SourceReader *base, Batch *b, int64_t *wait_ms, FsqlErr *err)
{
    FsReader *r = (FsReader *)base;
    (void)wait_ms;
    int rc = fs_poll_rows(base, b, err);
    if (r->jd)
        base->fields_nulled = json_decoder_stats(r->jd).fields_nulled;
    else if (r->cd)
        base->fields_nulled = csv_decoder_stats(r->cd).fields_nulled;
    return rc;
}

static void fs_batch_done(SourceReader *base)
{
    (void)base; /* the buffer is compacted lazily by the next fill() */
}

static void fs_describe(SourceReader *base, uint32_t row, char *buf, size_t n)
{
    FsReader *r = (FsReader *)base;
    if (row >= r->row_cap) {
        buf[0] = '\0';
        return;
    }
    uint32_t f = r->row_file[row];
    if (f >= r->n_files) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, n, "%s:%llu", r->files[f].path,
             (unsigned long long)r->row_line[row]);
}

static void fs_close(SourceReader *base)
{
    FsReader *r = (FsReader *)base;
    if (r->fd >= 0)
        close(r->fd);
    for (uint32_t i = 0; i < r->n_files; i++)
        xfree(r->files[i].path);
    xfree(r->files);
    xfree(r->buf);
    xfree(r->row_line);
    xfree(r->row_file);
    if (r->jd)
        json_decoder_free(r->jd);
    if (r->cd)
        csv_decoder_free(r->cd);
    xfree(r->meta);
    xfree(r->phys.cols);
    xfree(r->phys_col);
    xfree(r->tmp);
    xfree(r);
}

/* Checkpoints (issue 10): the position is (file index, byte offset of
 * the next unread record, lines before it), plus the file's path so that
 * a directory whose listing changed is noticed instead of read from the
 * wrong place. */
#define FS_SNAP_LAYOUT 1u

static int fs_snapshot(SourceReader *base, SnapWriter *w)
{
    FsReader *r = (FsReader *)base;
    uint64_t off = r->fd >= 0 ? r->file_off - (r->end - r->start) : 0;
    snap_put_u32(w, FS_SNAP_LAYOUT);
    snap_put_u32(w, r->cur);
    snap_put_u64(w, off);
    snap_put_u64(w, r->fd >= 0 ? r->line : 0);
    const char *path = r->cur < r->n_files ? r->files[r->cur].path : "";
    snap_put_bytes(w, path, (uint32_t)strlen(path));
    return FSQL_OK;
}

static int fs_restore(SourceReader *base, SnapReader *rd, FsqlErr *err)
{
    FsReader *r = (FsReader *)base;
    if (snap_get_u32(rd) != FS_SNAP_LAYOUT)
        return fsql_err_set(err, FSQL_E_STATE,
                            "file position: unknown layout");
    uint32_t cur = snap_get_u32(rd);
    uint64_t off = snap_get_u64(rd);
    uint64_t line = snap_get_u64(rd);
    uint32_t plen = 0;
    const char *path = snap_get_bytes(rd, &plen);
    bool has_path = plen > 0;
    if (!snap_reader_done(rd))
        return fsql_err_set(err, FSQL_E_STATE, "file position: malformed");
    if (cur > r->n_files)
        return fsql_err_set(err, FSQL_E_STATE,
                            "table \"%s\": the checkpoint was reading file "
                            "%u, but the path has %u files now",
                            base->table->name, cur + 1, r->n_files);
    if (cur < r->n_files && has_path &&
        (strlen(r->files[cur].path) != plen ||
         memcmp(r->files[cur].path, path, plen) != 0))
        return fsql_err_set(err, FSQL_E_STATE,
                            "table \"%s\": the checkpoint was reading "
                            "\"%.*s\", but file %u is \"%s\" now (files "
                            "were added or removed)",
                            base->table->name, (int)(plen > 300 ? 300 : plen),
                            path, cur + 1, r->files[cur].path);
    if (r->fd >= 0) {
        close(r->fd);
        r->fd = -1;
    }
    r->cur = cur;
    if (cur >= r->n_files || off == 0)
        return FSQL_OK; /* the next poll opens file cur from its start */
    int rc = open_next_file(r, err);
    if (rc < 0)
        return rc;
    if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not seek in file \"%s\": %s",
                            r->files[cur].path, strerror(errno));
    r->file_off = off;
    r->line = line;
    return FSQL_OK;
}

static const SourceVtbl fs_source_vtbl = {
    .poll = fs_poll,
    .batch_done = fs_batch_done,
    .describe = fs_describe,
    .close = fs_close,
    .snapshot = fs_snapshot,
    .restore = fs_restore,
};

static FsMeta meta_kind(const char *key)
{
    if (!key)
        return FSM_NONE;
    if (strcmp(key, "file.path") == 0)
        return FSM_PATH;
    if (strcmp(key, "file.name") == 0)
        return FSM_NAME;
    if (strcmp(key, "file.size") == 0)
        return FSM_SIZE;
    if (strcmp(key, "file.modification-time") == 0)
        return FSM_MTIME;
    return FSM_NONE;
}

static int fs_open_source(const TableDef *t, const RunCtx *ctx,
                          SourceReader **out, FsqlErr *err)
{
    FsReader *r = xcalloc(1, sizeof *r);
    r->base.v = &fs_source_vtbl;
    r->base.table = t;
    r->fd = -1;
    int rc = fs_format_of(t, &r->fmt, err);
    const char *path = table_def_option(t, "path");
    if (rc == FSQL_OK && !path)
        rc = fsql_err_set(err, FSQL_E_CONFIG, "table \"%s\" has no 'path'",
                          t->name);
    if (rc == FSQL_OK && table_def_option(t, "source.monitor-interval"))
        rc = fsql_err_set(err, FSQL_E_UNSUPPORTED,
                          "table \"%s\": 'source.monitor-interval' "
                          "(watching a directory) is not supported yet",
                          t->name);
    if (rc == FSQL_OK)
        rc = list_files(r, t, path, err);
    if (rc < 0) {
        fs_close(&r->base);
        return rc;
    }
    r->base.n_splits = r->n_files;
    r->cap = 1 << 20;
    r->buf = xmalloc(r->cap);
    r->row_cap = BATCH_ROWS;
    r->row_line = xcalloc(r->row_cap, sizeof(uint64_t));
    r->row_file = xcalloc(r->row_cap, sizeof(uint32_t));

    /* Physical columns vs metadata columns. */
    const RtSchema *s = &t->schema;
    r->meta = xcalloc(s->n_cols + 1, sizeof(FsMeta));
    r->phys.cols = xcalloc(s->n_cols + 1, sizeof(RtColumn));
    r->phys_col = xcalloc(s->n_cols + 1, sizeof(uint32_t));
    for (uint32_t c = 0; c < s->n_cols; c++) {
        const char *mk = t->metadata_keys ? t->metadata_keys[c] : NULL;
        if (mk) {
            r->meta[c] = meta_kind(mk);
            r->has_meta = true;
            if (r->meta[c] == FSM_NONE) {
                fsql_err_set(err, FSQL_E_CONFIG,
                             "table \"%s\": the filesystem connector has no "
                             "metadata key \"%s\" (it has file.path, "
                             "file.name, file.size and "
                             "file.modification-time)",
                             t->name, mk);
                fs_close(&r->base);
                return FSQL_E_CONFIG;
            }
            continue;
        }
        r->phys_col[r->phys.n_cols] = c;
        r->phys.cols[r->phys.n_cols++] = s->cols[c];
    }
    /* csv is positional: decode every physical column of the declared
     * table (the job may read only some of them), then keep the ones the
     * schema wants. */
    if (r->fmt == FS_CSV && t->table_phys.n_cols > 0 &&
        t->table_phys.n_cols != r->phys.n_cols) {
        uint32_t np = t->table_phys.n_cols;
        xfree(r->phys.cols);
        xfree(r->phys_col);
        r->phys.cols = xcalloc(np + 1, sizeof(RtColumn));
        r->phys_col = xcalloc(np + 1, sizeof(uint32_t));
        r->phys.n_cols = np;
        for (uint32_t i = 0; i < np; i++) {
            r->phys.cols[i] = t->table_phys.cols[i];
            r->phys_col[i] = t->phys_to_schema[i] < 0
                                 ? UINT32_MAX
                                 : (uint32_t)t->phys_to_schema[i];
        }
        r->remap = true;
    }
    if (r->has_meta)
        r->remap = true;
    uint32_t n_tmp = s->n_cols > r->phys.n_cols ? s->n_cols : r->phys.n_cols;
    r->tmp = xcalloc(n_tmp + 1, sizeof(Value));
    const RtSchema *ds = r->remap ? &r->phys : s;
    if (r->fmt == FS_JSON) {
        JsonOptions jo;
        bool b;
        memset(&jo, 0, sizeof jo);
        if ((rc = table_opt_bool(t, "json.fail-on-missing-field", false, &b,
                                 err)) == FSQL_OK) {
            jo.fail_on_missing_field = b;
            rc = table_opt_bool(t, "json.ignore-parse-errors", false, &b, err);
            jo.ignore_parse_errors = b;
        }
        jo.tz = ctx->tz;
        r->ignore_errors = jo.ignore_parse_errors;
        if (rc == FSQL_OK)
            r->jd = json_decoder_new(ds, &jo);
    } else if (r->fmt == FS_CSV) {
        rc = csv_opts_of(t, &r->copt, err);
        r->copt.tz = ctx->tz;
        r->ignore_errors = r->copt.ignore_parse_errors;
        if (rc == FSQL_OK)
            r->cd = csv_decoder_new(ds, &r->copt);
    } else if (ds->n_cols != 1 || ds->cols[0].type.kind != VK_STRING) {
        rc = fsql_err_set(err, FSQL_E_CONFIG,
                          "table \"%s\": the raw format needs exactly one "
                          "STRING column",
                          t->name);
    }
    if (rc < 0) {
        fs_close(&r->base);
        return rc;
    }
    *out = &r->base;
    return FSQL_OK;
}

/* ---- sink --------------------------------------------------------------- */

/* Issue 8: several sinks of one job (the INSERTs of a statement set)
 * may write the same file.  Each used to have its own FILE in append
 * mode, and their stdio buffers reached the file at arbitrary 4 KiB
 * boundaries, splitting lines.  Now the sinks of one file share one
 * FsOutFile (found by device and inode after opening, so different
 * spellings of a path are one file): every write() appends whole lines
 * to the one stdio buffer, so lines never interleave.  Reference
 * counted; the last close closes the FILE.  Single-threaded (the loop). */
typedef struct FsOutFile {
    struct FsOutFile *next;
    FILE *f;
    dev_t dev;
    ino_t ino;
    int refs;
} FsOutFile;

static FsOutFile *fs_out_files;

static FsOutFile *fs_file_share(FILE *f)
{
    struct stat st;
    if (fstat(fileno(f), &st) == 0) {
        for (FsOutFile *o = fs_out_files; o; o = o->next)
            if (o->dev == st.st_dev && o->ino == st.st_ino) {
                fclose(f);
                o->refs++;
                return o;
            }
    }
    FsOutFile *n = xcalloc(1, sizeof *n);
    n->f = f;
    n->dev = st.st_dev;
    n->ino = st.st_ino;
    n->refs = 1;
    n->next = fs_out_files;
    fs_out_files = n;
    return n;
}

static void fs_file_release(FsOutFile *ff)
{
    if (--ff->refs > 0) {
        fflush(ff->f);
        return;
    }
    for (FsOutFile **pp = &fs_out_files; *pp; pp = &(*pp)->next)
        if (*pp == ff) {
            *pp = ff->next;
            break;
        }
    fclose(ff->f);
    xfree(ff);
}

/* An exactly-once file: its in-progress and final names (in dir). */
typedef struct FsEoFile {
    char *tmp;  /* xmalloc, base name */
    char *name; /* xmalloc, base name; NULL until precommit */
} FsEoFile;

typedef struct FsEoEpoch {
    uint64_t id;
    FsEoFile *files;
    uint32_t n;
} FsEoEpoch;

typedef struct FsWriter {
    SinkWriter base;
    FILE *f;          /* ff->f */
    FsOutFile *ff;       /* shared with the other sinks of the same file */
    char *path;
    FsFormat fmt;
    JsonEncoder *je;
    CsvEncoder *ce;
    CsvOptions copt;
    StrBuf buf;
    /* exactly-once */
    bool eo;
    bool cleaned;       /* leftover in-progress files were deleted */
    char *dir;          /* the 'path' directory */
    char *prefix;       /* "<job>-<key>", file-name safe */
    const char *ext;    /* json, csv, txt */
    const char *job;
    char key[300];
    int64_t start_ms;   /* in-progress names of this process */
    int64_t lineage;    /* final names: the start time of the first run
                           of this checkpoint lineage (restored) */
    uint64_t seq;
    int64_t roll_bytes; /* sink.rolling-policy.file-size */
    int64_t cur_bytes;
    FsEoEpoch open;     /* files of the open epoch; the last one is f */
    FsEoEpoch *pend;    /* precommitted, not committed */
    uint32_t n_pend;
} FsWriter;

static int eo_file_for_write(FsWriter *fw, FsqlErr *err);

static int fs_write(SinkWriter *w, const Batch *b, FsqlErr *err)
{
    FsWriter *fw = (FsWriter *)w;
    strbuf_clear(&fw->buf);
    for (uint32_t r = 0; r < b->n_rows; r++) {
        RowKind k = (RowKind)b->kinds[r];
        if (k == ROW_UPDATE_BEFORE || k == ROW_DELETE)
            continue; /* an append-only file keeps the latest images */
        const Value *row = batch_row(b, r);
        if (fw->fmt == FS_JSON) {
            json_encoder_row(fw->je, &fw->buf, row);
            if (json_encoder_failed(fw->je))
                return fsql_err_set(
                    err, FSQL_E_DATA,
                    "cannot write table \"%s\": column \"%s\" holds a MAP "
                    "with a NULL key, which the json format cannot write "
                    "(set 'json.map-null-key.mode' to 'DROP' or 'LITERAL')",
                    w->table->name, json_encoder_failed(fw->je));
        } else if (fw->fmt == FS_CSV) {
            csv_encoder_row(fw->ce, &fw->buf, row);
        } else if (!row[0].is_null) {
            strbuf_append(&fw->buf, row[0].u.s.ptr, row[0].u.s.len);
        }
        strbuf_putc(&fw->buf, '\n');
    }
    if (fw->eo && fw->buf.len) {
        int rc = eo_file_for_write(fw, err);
        if (rc < 0)
            return rc;
        fw->cur_bytes += (int64_t)fw->buf.len;
    }
    if (fw->buf.len &&
        fwrite(fw->buf.ptr, 1, fw->buf.len, fw->f) != fw->buf.len)
        return fsql_err_set(err, FSQL_E_IO, "could not write file \"%s\": %s",
                            fw->path, strerror(errno));
    return FSQL_OK;
}

static int fs_flush(SinkWriter *w, FsqlErr *err)
{
    FsWriter *fw = (FsWriter *)w;
    if (fw->eo) /* files become visible at commit only */
        return FSQL_OK;
    if (fflush(fw->f) != 0)
        return fsql_err_set(err, FSQL_E_IO, "could not write file \"%s\": %s",
                            fw->path, strerror(errno));
    return FSQL_OK;
}

static void eo_epoch_free(FsEoEpoch *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        xfree(e->files[i].tmp);
        xfree(e->files[i].name);
    }
    xfree(e->files);
    memset(e, 0, sizeof *e);
}

static void fs_wclose(SinkWriter *w)
{
    FsWriter *fw = (FsWriter *)w;
    if (fw->eo) {
        /* Rows after the last checkpoint are dropped (a restart replays
         * them); precommitted files stay for the next process. */
        if (fw->f)
            fclose(fw->f);
        fw->f = NULL;
        char p[4096];
        for (uint32_t i = 0; i < fw->open.n; i++) {
            snprintf(p, sizeof p, "%s/%s", fw->dir, fw->open.files[i].tmp);
            unlink(p);
        }
        eo_epoch_free(&fw->open);
        for (uint32_t i = 0; i < fw->n_pend; i++)
            eo_epoch_free(&fw->pend[i]);
        xfree(fw->pend);
        sink_key_release("filesystem", fw->job, fw->key);
        xfree(fw->dir);
        xfree(fw->prefix);
    }
    if (fw->ff)
        fs_file_release(fw->ff);
    if (fw->je)
        json_encoder_free(fw->je);
    if (fw->ce)
        csv_encoder_free(fw->ce);
    strbuf_fini(&fw->buf);
    xfree(fw->path);
    xfree(fw);
}

static const SinkVtbl fs_sink_vtbl = {
    .write = fs_write,
    .flush = fs_flush,
    .close = fs_wclose,
};

/* ---- exactly-once sink (issue 10) ------------------------------------------ */

#define FS_EO_BLOB_VERSION 1u

static void eo_epoch_add(FsEoEpoch *e, char *tmp, char *name)
{
    e->files = xrealloc(e->files, sizeof *e->files * (e->n + 1));
    e->files[e->n].tmp = tmp;
    e->files[e->n].name = name;
    e->n++;
}

static int eo_sync_dir(FsWriter *fw, FsqlErr *err)
{
    if (fsql_fsync_dir(fw->dir) < 0)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not sync directory \"%s\" of table "
                            "\"%s\": %s",
                            fw->dir, fw->base.table->name, strerror(errno));
    return FSQL_OK;
}

/* Close the open epoch's current file, durable. */
static int eo_close_cur(FsWriter *fw, FsqlErr *err)
{
    if (!fw->f)
        return FSQL_OK;
    int bad = fflush(fw->f) != 0 || fsync(fileno(fw->f)) != 0;
    int e = errno;
    bad |= fclose(fw->f) != 0;
    fw->f = NULL;
    if (bad)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not write file \"%s/%s\": %s", fw->dir,
                            fw->open.files[fw->open.n - 1].tmp,
                            strerror(e ? e : errno));
    return FSQL_OK;
}

/* Whether base name n is an in-progress file of this sink. */
static bool eo_is_mine(const FsWriter *fw, const char *n)
{
    size_t pl = strlen(fw->prefix), nl = strlen(n);
    static const char suf[] = ".inprogress";
    return strncmp(n, ".part-", 6) == 0 && strncmp(n + 6, fw->prefix, pl) == 0 &&
           n[6 + pl] == '-' && nl > sizeof suf - 1 &&
           strcmp(n + nl - (sizeof suf - 1), suf) == 0;
}

/* Delete this sink's in-progress files that no pending epoch lists:
 * epochs a crashed process had not checkpointed. */
static void eo_clean(FsWriter *fw)
{
    if (fw->cleaned)
        return;
    fw->cleaned = true;
    DIR *d = opendir(fw->dir);
    if (!d)
        return;
    struct dirent *de;
    char p[4096];
    while ((de = readdir(d)) != NULL) {
        if (!eo_is_mine(fw, de->d_name))
            continue;
        bool listed = false;
        for (uint32_t i = 0; i < fw->n_pend && !listed; i++)
            for (uint32_t k = 0; k < fw->pend[i].n && !listed; k++)
                listed = strcmp(fw->pend[i].files[k].tmp, de->d_name) == 0;
        for (uint32_t k = 0; k < fw->open.n && !listed; k++)
            listed = strcmp(fw->open.files[k].tmp, de->d_name) == 0;
        if (listed)
            continue;
        snprintf(p, sizeof p, "%s/%s", fw->dir, de->d_name);
        unlink(p);
    }
    closedir(d);
}

/* The file the next rows go to: a new in-progress file at the start of
 * an epoch and after the rolling size. */
static int eo_file_for_write(FsWriter *fw, FsqlErr *err)
{
    eo_clean(fw);
    if (fw->f && fw->cur_bytes < fw->roll_bytes)
        return FSQL_OK;
    int rc = eo_close_cur(fw, err);
    if (rc < 0)
        return rc;
    char name[512], p[4096];
    snprintf(name, sizeof name, ".part-%s-%lld-%llu.inprogress", fw->prefix,
             (long long)fw->start_ms, (unsigned long long)fw->seq++);
    snprintf(p, sizeof p, "%s/%s", fw->dir, name);
    fw->f = fopen(p, "wb");
    if (!fw->f)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not create file \"%s\" for table \"%s\": "
                            "%s",
                            p, fw->base.table->name, strerror(errno));
    eo_epoch_add(&fw->open, xstrdup(name), NULL);
    fw->cur_bytes = 0;
    return FSQL_OK;
}

static int fs_precommit(SinkWriter *w, uint64_t id, SnapWriter *out,
                        FsqlErr *err)
{
    FsWriter *fw = (FsWriter *)w;
    eo_clean(fw);
    int rc = eo_close_cur(fw, err);
    if (rc < 0)
        return rc;
    if (fw->open.n) {
        rc = eo_sync_dir(fw, err);
        if (rc < 0)
            return rc;
    }
    /* The open epoch becomes pending under its final names. */
    char name[512];
    for (uint32_t i = 0; i < fw->open.n; i++) {
        snprintf(name, sizeof name, "part-%s-%lld-%llu-%u.%s", fw->prefix,
                 (long long)fw->lineage, (unsigned long long)id, i, fw->ext);
        fw->open.files[i].name = xstrdup(name);
    }
    fw->open.id = id;
    fw->pend = xrealloc(fw->pend, sizeof *fw->pend * (fw->n_pend + 1));
    fw->pend[fw->n_pend++] = fw->open;
    memset(&fw->open, 0, sizeof fw->open);

    snap_put_u32(out, FS_EO_BLOB_VERSION);
    snap_put_cstr(out, fw->prefix);
    snap_put_i64(out, fw->lineage);
    snap_put_u32(out, fw->n_pend);
    for (uint32_t i = 0; i < fw->n_pend; i++) {
        snap_put_u64(out, fw->pend[i].id);
        snap_put_u32(out, fw->pend[i].n);
        for (uint32_t k = 0; k < fw->pend[i].n; k++) {
            snap_put_cstr(out, fw->pend[i].files[k].tmp);
            snap_put_cstr(out, fw->pend[i].files[k].name);
        }
    }
    return FSQL_OK;
}

/* Rename the files of the pending epochs up to id to their final names. */
static int fs_commit(SinkWriter *w, uint64_t id, FsqlErr *err)
{
    FsWriter *fw = (FsWriter *)w;
    fsql_fault("sink.before-commit");
    uint32_t renamed = 0, k = 0;
    char from[4096], to[4096];
    struct stat st;
    for (uint32_t i = 0; i < fw->n_pend; i++) {
        FsEoEpoch *e = &fw->pend[i];
        if (e->id > id) {
            fw->pend[k++] = *e;
            continue;
        }
        for (uint32_t f = 0; f < e->n; f++) {
            snprintf(from, sizeof from, "%s/%s", fw->dir, e->files[f].tmp);
            snprintf(to, sizeof to, "%s/%s", fw->dir, e->files[f].name);
            if (rename(from, to) == 0) {
                if (++renamed == 1 && e->n > 1)
                    fsql_fault("sink.during-commit");
                continue;
            }
            if (errno == ENOENT && stat(to, &st) == 0)
                continue; /* committed before */
            int en = errno;
            return fsql_err_set(err, FSQL_E_IO,
                                "table \"%s\": could not commit file "
                                "\"%s\" of checkpoint %llu: %s",
                                fw->base.table->name, to,
                                (unsigned long long)e->id, strerror(en));
        }
        eo_epoch_free(e);
    }
    fw->n_pend = k;
    if (renamed) {
        int rc = eo_sync_dir(fw, err);
        if (rc < 0)
            return rc;
    }
    fsql_fault("sink.after-commit");
    return FSQL_OK;
}

static int fs_recover(SinkWriter *w, uint64_t id, SnapReader *r, FsqlErr *err)
{
    FsWriter *fw = (FsWriter *)w;
    Arena a;
    arena_init(&a, 4096);
    uint32_t ver = snap_get_u32(r);
    char *prefix = snap_get_cstr(r, &a);
    int64_t lineage = snap_get_i64(r);
    uint32_t n = snap_get_u32(r);
    fw->lineage = lineage;
    int rc = FSQL_OK;
    if (r->bad || ver != FS_EO_BLOB_VERSION || !prefix ||
        strcmp(prefix, fw->prefix) != 0)
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "table \"%s\": the checkpoint's file list is "
                          "unreadable or belongs to another sink",
                          fw->base.table->name);
    for (uint32_t i = 0; i < n && rc == FSQL_OK && !r->bad; i++) {
        FsEoEpoch e = {0};
        e.id = snap_get_u64(r);
        uint32_t nf = snap_get_u32(r);
        for (uint32_t f = 0; f < nf && !r->bad; f++) {
            char *tmp = snap_get_cstr(r, &a);
            char *name = snap_get_cstr(r, &a);
            if (!tmp || !name || strchr(tmp, '/') || strchr(name, '/')) {
                r->bad = true;
                break;
            }
            eo_epoch_add(&e, xstrdup(tmp), xstrdup(name));
        }
        fw->pend = xrealloc(fw->pend, sizeof *fw->pend * (fw->n_pend + 1));
        fw->pend[fw->n_pend++] = e;
    }
    arena_fini(&a);
    if (rc == FSQL_OK && r->bad)
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "table \"%s\": the checkpoint's file list is "
                          "truncated",
                          fw->base.table->name);
    if (rc < 0)
        return rc;
    rc = fs_commit(w, id, err);
    if (rc < 0)
        return rc;
    /* Whatever else is in progress was written after the checkpoint. */
    eo_clean(fw);
    return FSQL_OK;
}

static const SinkVtbl fs_sink_eo_vtbl = {
    .write = fs_write,
    .flush = fs_flush,
    .close = fs_wclose,
    .precommit = fs_precommit,
    .commit = fs_commit,
    .recover = fs_recover,
};

/* A memory size option ('128 mb', '1gb', '4096'; validated by the
 * compiler) in bytes; 0 when missing. */
static int64_t eo_parse_size(const char *v)
{
    if (!v)
        return 0;
    char *end;
    double x = strtod(v, &end);
    while (*end == ' ')
        end++;
    int64_t mul = 1;
    switch (*end) {
    case 'k':
    case 'K':
        mul = 1 << 10;
        break;
    case 'm':
    case 'M':
        mul = 1 << 20;
        break;
    case 'g':
    case 'G':
        mul = 1 << 30;
        break;
    default:
        break;
    }
    return (int64_t)(x * (double)mul);
}

/* A file-name safe copy of s ([A-Za-z0-9_.=] kept, others '_'). */
static void eo_safe_name(StrBuf *sb, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '=';
        strbuf_putc(sb, ok ? c : '_');
    }
}

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int fs_open_sink(const TableDef *t, const RunCtx *ctx, SinkWriter **out,
                        FsqlErr *err)
{
    FsWriter *w = xcalloc(1, sizeof *w);
    w->base.v = &fs_sink_vtbl;
    w->base.table = t;
    strbuf_init(&w->buf);
    int rc = fs_format_of(t, &w->fmt, err);
    const char *path = table_def_option(t, "path");
    if (rc == FSQL_OK && !path)
        rc = fsql_err_set(err, FSQL_E_CONFIG, "table \"%s\" has no 'path'",
                          t->name);
    SinkGuarantee guar = SINK_GUARANTEE_AT_LEAST_ONCE;
    if (rc == FSQL_OK)
        rc = sink_guarantee_of(t, ctx, &guar, err);
    if (rc < 0) {
        fs_wclose(&w->base);
        return rc;
    }
    struct stat st;
    size_t n = strlen(path);
    bool is_dir = (n && path[n - 1] == '/') ||
                  (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    if (guar == SINK_GUARANTEE_EXACTLY_ONCE) {
        /* 'path' is the directory of the part files. */
        if (!is_dir && stat(path, &st) == 0) {
            fsql_err_set(err, FSQL_E_CONFIG,
                         "table \"%s\": 'sink.delivery-guarantee' = "
                         "'exactly-once' writes part files into a directory, "
                         "but 'path' \"%s\" is a file",
                         t->name, path);
            fs_wclose(&w->base);
            return FSQL_E_CONFIG;
        }
        w->dir = xstrdup(path);
        if (n > 1 && w->dir[n - 1] == '/')
            w->dir[n - 1] = '\0';
        if (mkdirs(w->dir) != 0) {
            fsql_err_set(err, FSQL_E_IO,
                         "could not create directory \"%s\" for table "
                         "\"%s\": %s",
                         w->dir, t->name, strerror(errno));
            xfree(w->dir);
            w->dir = NULL;
            fs_wclose(&w->base);
            return FSQL_E_IO;
        }
        w->eo = true;
        w->base.v = &fs_sink_eo_vtbl;
        w->job = ctx && ctx->job_name ? ctx->job_name : "fsql";
        sink_key_acquire("filesystem", w->job, t->name, w->key, sizeof w->key);
        StrBuf pb;
        strbuf_init(&pb);
        eo_safe_name(&pb, w->job);
        strbuf_putc(&pb, '-');
        eo_safe_name(&pb, w->key);
        w->prefix = xstrdup(strbuf_cstr(&pb));
        strbuf_fini(&pb);
        w->ext = w->fmt == FS_JSON ? "json" : w->fmt == FS_CSV ? "csv" : "txt";
        w->start_ms = job_now_wall_ms();
        w->lineage = w->start_ms; /* a restore replaces it */
        w->path = xstrdup(w->dir);
        w->roll_bytes = eo_parse_size(
            table_def_option(t, "sink.rolling-policy.file-size"));
        if (w->roll_bytes <= 0)
            w->roll_bytes = 128 << 20;
    } else if (is_dir) {
        char *dir = xstrdup(path);
        if (n > 1 && dir[n - 1] == '/')
            dir[n - 1] = '\0';
        if (mkdirs(dir) != 0) {
            fsql_err_set(err, FSQL_E_IO,
                         "could not create directory \"%s\" for table "
                         "\"%s\": %s",
                         dir, t->name, strerror(errno));
            xfree(dir);
            fs_wclose(&w->base);
            return FSQL_E_IO;
        }
        const char *ext = w->fmt == FS_JSON  ? "json"
                          : w->fmt == FS_CSV ? "csv"
                                             : "txt";
        size_t need = strlen(dir) + 16;
        w->path = xmalloc(need);
        snprintf(w->path, need, "%s/part-0.%s", dir, ext);
        xfree(dir);
    } else {
        w->path = xstrdup(path);
        char *sl = strrchr(w->path, '/');
        if (sl && sl != w->path) {
            *sl = '\0';
            int mrc = mkdirs(w->path);
            *sl = '/';
            if (mrc != 0) {
                fsql_err_set(err, FSQL_E_IO,
                             "could not create the directory of \"%s\" for "
                             "table \"%s\": %s",
                             w->path, t->name, strerror(errno));
                fs_wclose(&w->base);
                return FSQL_E_IO;
            }
        }
    }
    /* (Exactly-once files are created at the first write of an epoch.) */
    if (!w->eo && !(w->f = fopen(w->path, "ab"))) {
        fsql_err_set(err, FSQL_E_IO,
                     "could not open file \"%s\" for table \"%s\": %s", w->path,
                     t->name, strerror(errno));
        fs_wclose(&w->base);
        return FSQL_E_IO;
    }
    if (!w->eo) {
        w->ff = fs_file_share(w->f);
        w->f = w->ff->f;
    }
    ValueFmt vf = {.tz = ctx->tz, .style = VALUE_STYLE_SQL, .null_text = NULL};
    if (w->fmt == FS_JSON) {
        JsonEncOptions eo;
        if ((rc = json_enc_options_of(t, NULL, &eo, err)) < 0) {
            fs_wclose(&w->base);
            return rc;
        }
        w->je = json_encoder_new(&t->schema, &vf);
        json_encoder_set_options(w->je, &eo);
    } else if (w->fmt == FS_CSV) {
        if ((rc = csv_opts_of(t, &w->copt, err)) < 0) {
            fs_wclose(&w->base);
            return rc;
        }
        w->ce = csv_encoder_new(&t->schema, &w->copt, &vf);
    }
    *out = &w->base;
    return FSQL_OK;
}

const ConnectorImpl conn_filesystem_impl = {
    .name = "filesystem",
    .open_source = fs_open_source,
    .open_sink = fs_open_sink,
};
