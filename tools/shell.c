/*
 * shell.c - `fsql shell`: the interactive SQL shell (docs/shell.md).
 *
 * Input comes from libedit on a terminal (prompt, history in
 * ~/.fsql_history, tab completion), or line by line from a pipe or a -f
 * script.  Lines gather until a ';' outside quotes and comments ends a
 * statement (a BEGIN STATEMENT SET; ... END; block is one statement);
 * each statement is compiled on its own into the session's CompileCtx, so
 * the catalog and the SET options carry over from one statement to the
 * next.  The text handed to the compiler is padded with newlines and
 * spaces so that diagnostics name the line and column where the statement
 * stands in the script (or, on a terminal, in what was typed at the
 * prompt).
 *
 * Statements run at once: DDL, SET/RESET, SHOW, DESCRIBE and EXPLAIN
 * print their result; a SELECT or INSERT runs as a job.  On a terminal
 * the job runs on a second thread while this thread reads keys (q or
 * Ctrl-C stop the job and return to the prompt) and redraws the result
 * (runtime/live_table.h) with a status line, using a few ANSI escape
 * sequences; everything else prints plain text.
 *
 * At the prompt (input from a terminal) an INSERT or statement set is
 * not run here but forked off as a background job (tools/shell_jobs.h:
 * a child process per job, SHOW JOBS, STOP JOB, the question at quit),
 * unless SET 'table.dml-sync' = 'true'.  Scripts, pipes and -i files run
 * every INSERT in the foreground.
 *
 * A statement with errors changes nothing: tables or views it registered
 * are dropped again, so that the corrected statement can be entered.
 *
 * Memory: every statement text is kept (xmalloc) until exit, because the
 * catalog and the diagnostics point into it.
 */
#include "runtime/fsql.h"
#include "tools/shell.h"
#include "tools/shell_jobs.h"
#include "compiler/ast.h"
#include "compiler/catalog.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "compiler/diag.h"
#include "compiler/functions.h"
#include "compiler/plan.h"
#include "runtime/batch.h"
#include "runtime/job.h"
#include "runtime/live_table.h"
#include "runtime/mem.h"
#include "runtime/program.h"
#include "runtime/str.h"
#include "runtime/timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define RESULT_MODE_KEY "sql-client.execution.result-mode"
#define HISTORY_SIZE 1000

typedef struct Shell {
    const ShellConfig *cfg;
    CompileCtx cc;
    bool interactive; /* input from a terminal through libedit */
    bool live_out;    /* stdout is a terminal: live results, escapes */
    bool quiet;       /* running -i files: no [INFO] lines */
    bool quit;
    bool had_sql_error;
    bool had_runtime_error;
    /* input */
    const char *path; /* for diagnostics: "<stdin>" or the script */
    StrBuf input;     /* the statement being gathered */
    uint32_t in_line; /* line and column (code points) of input[0] */
    uint32_t in_col;
    uint32_t line_no; /* line number of the line being read */
    FILE *in;         /* pipe / script input */
    /* texts kept until exit */
    char **texts;
    uint32_t n_texts, cap_texts;
    /* background jobs (interactive sessions only) */
    ShellJobs *jobs;
    const char *stmt; /* the statement being executed, for SHOW JOBS */
    size_t stmt_len;
    /* libedit */
    EditLine *el;
    History *hist;
    char hist_path[PATH_MAX];
} Shell;

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
    (void)sig;
    got_sigint = 1;
    job_request_stop();
}

/* ---- small output helpers -------------------------------------------- */

static void info(Shell *sh, const char *msg)
{
    if (sh->interactive && !sh->quiet)
        printf("[INFO] %s\n", msg);
}

/* A bordered table of n rows of n_cols cells (rows[r * n_cols + c]);
 * the columns with right[c] set (right may be NULL) are right-aligned. */
static void print_grid_aligned(const char *const *head, uint32_t n_cols,
                               const char *const *cells, uint32_t n_rows,
                               const bool *right)
{
    if (n_rows == 0) {
        puts("Empty set");
        return;
    }
    size_t *w = xcalloc(n_cols, sizeof(size_t));
    for (uint32_t c = 0; c < n_cols; c++) {
        w[c] = utf8_count(head[c], strlen(head[c]));
        for (uint32_t r = 0; r < n_rows; r++) {
            const char *s = cells[r * n_cols + c];
            size_t n = utf8_count(s, strlen(s));
            if (n > w[c])
                w[c] = n;
        }
    }
    StrBuf b;
    strbuf_init(&b);
    for (uint32_t line = 0; line < n_rows + 4; line++) {
        bool rule = line == 0 || line == 2 || line == n_rows + 3;
        const char *const *row = line == 1 ? head : cells + (line - 3) * n_cols;
        for (uint32_t c = 0; c < n_cols; c++) {
            if (rule) {
                strbuf_putc(&b, '+');
                for (size_t i = 0; i < w[c] + 2; i++)
                    strbuf_putc(&b, '-');
                continue;
            }
            strbuf_puts(&b, "| ");
            size_t pad = w[c] - utf8_count(row[c], strlen(row[c]));
            bool r_al = right && right[c] && line != 1;
            for (size_t i = 0; r_al && i < pad; i++)
                strbuf_putc(&b, ' ');
            strbuf_puts(&b, row[c]);
            for (size_t i = 0; !r_al && i < pad; i++)
                strbuf_putc(&b, ' ');
            strbuf_putc(&b, ' ');
        }
        strbuf_puts(&b, rule ? "+\n" : "|\n");
    }
    strbuf_printf(&b, "%u row%s in set\n", n_rows, n_rows == 1 ? "" : "s");
    fwrite(strbuf_cstr(&b), 1, b.len, stdout);
    strbuf_fini(&b);
    xfree(w);
}

static void print_grid(const char *const *head, uint32_t n_cols,
                       const char *const *cells, uint32_t n_rows)
{
    print_grid_aligned(head, n_cols, cells, n_rows, NULL);
}

static void print_list(const char *head, const char *const *names, size_t n)
{
    print_grid(&head, 1, names, (uint32_t)n);
}

/* ---- diagnostics ----------------------------------------------------------- */

/* Print the diagnostics collected so far and forget them, so that the
 * next statement starts with an empty list (and the error limit counts
 * per statement).  Returns the number of errors. */
static uint32_t flush_diags(Shell *sh)
{
    DiagList *dl = &sh->cc.diags;
    uint32_t errs = dl->n_errors;
    if (dl->n) {
        fflush(stdout);
        if (sh->cfg->diag_json)
            diag_render_json(dl, stderr);
        else
            diag_render(dl, stderr, sh->cfg->use_color);
        fflush(stderr);
    }
    for (uint32_t i = 0; i < dl->n; i++) {
        xfree(dl->items[i].msg);
        xfree(dl->items[i].detail);
        xfree(dl->items[i].hint);
    }
    dl->n = 0;
    dl->n_errors = 0;
    dl->n_warnings = 0;
    dl->stopped = false;
    if (errs)
        sh->had_sql_error = true;
    return errs;
}

/* ---- statement boundaries ----------------------------------------------- */

/* Skip one comment or quoted run starting at p[i] (i advanced past it);
 * false when p[i] starts neither.  *open is set when it does not end
 * within n. */
static bool skip_quoted(const char *p, size_t n, size_t *i, bool *open)
{
    char c = p[*i];
    size_t j = *i;
    if (c == '-' && j + 1 < n && p[j + 1] == '-') {
        while (j < n && p[j] != '\n')
            j++;
        *i = j;
        return true;
    }
    if (c == '/' && j + 1 < n && p[j + 1] == '*') {
        j += 2;
        while (j + 1 < n && !(p[j] == '*' && p[j + 1] == '/'))
            j++;
        if (j + 1 >= n) {
            *open = true;
            *i = n;
        } else {
            *i = j + 2;
        }
        return true;
    }
    if (c == '\'' || c == '"' || c == '`') {
        j++;
        for (;;) {
            if (j >= n) {
                *open = true;
                *i = n;
                return true;
            }
            if (p[j] == c) {
                if (j + 1 < n && p[j + 1] == c) { /* doubled quote */
                    j += 2;
                    continue;
                }
                *i = j + 1;
                return true;
            }
            j++;
        }
    }
    return false;
}

/* Up to max leading words of p[0..n) (identifiers, upper-cased into
 * words[k], each at most 23 bytes); returns how many. */
static int lead_words(const char *p, size_t n, char words[][24], int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n && k < max) {
        bool open = false;
        if (isspace((unsigned char)p[i])) {
            i++;
            continue;
        }
        if ((p[i] == '-' || p[i] == '/') && skip_quoted(p, n, &i, &open))
            continue;
        if (!isalpha((unsigned char)p[i]) && p[i] != '_' && p[i] != '\\')
            break;
        size_t len = 0;
        while (i < n &&
               (isalnum((unsigned char)p[i]) || p[i] == '_' || p[i] == '\\')) {
            if (len < 23)
                words[k][len++] = (char)toupper((unsigned char)p[i]);
            i++;
        }
        words[k][len] = '\0';
        k++;
    }
    return k;
}

/* Whether p[0..n) holds only spaces and comments. */
static bool only_trivia(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        bool open = false;
        if (isspace((unsigned char)p[i])) {
            i++;
            continue;
        }
        if ((p[i] == '-' || p[i] == '/') && skip_quoted(p, n, &i, &open))
            continue;
        return false;
    }
    return true;
}

/* Offset just past the ';' that ends the first statement of p[0..n), or
 * 0 when the statement is not complete yet. */
static size_t stmt_end(const char *p, size_t n)
{
    size_t i = 0, piece = 0;
    bool in_set = false;
    while (i < n) {
        bool open = false;
        if (skip_quoted(p, n, &i, &open)) {
            if (open)
                return 0;
            continue;
        }
        if (p[i] != ';') {
            i++;
            continue;
        }
        char w[4][24];
        int k = lead_words(p + piece, i - piece, w, 4);
        i++;
        if (in_set) {
            if (k == 1 && strcmp(w[0], "END") == 0)
                return i;
        } else if (k == 3 && strcmp(w[0], "BEGIN") == 0 &&
                   strcmp(w[1], "STATEMENT") == 0 && strcmp(w[2], "SET") == 0) {
            in_set = true;
        } else if (k >= 4 && strcmp(w[0], "EXECUTE") == 0 &&
                   strcmp(w[1], "STATEMENT") == 0 && strcmp(w[2], "SET") == 0 &&
                   strcmp(w[3], "BEGIN") == 0) {
            /* EXECUTE STATEMENT SET BEGIN INSERT ...; ... END; */
            in_set = true;
        } else {
            return i;
        }
        piece = i;
    }
    return 0;
}

/* ---- keeping texts ------------------------------------------------------- */

static char *keep_text(Shell *sh, size_t n)
{
    if (sh->n_texts == sh->cap_texts) {
        sh->cap_texts = sh->cap_texts ? sh->cap_texts * 2 : 32;
        sh->texts = xrealloc(sh->texts, sizeof(char *) * sh->cap_texts);
    }
    char *t = xmalloc(n + 1);
    sh->texts[sh->n_texts++] = t;
    return t;
}

/* ---- SHOW, DESCRIBE, SET --------------------------------------------------- */

static void show_set(Shell *sh)
{
    CompileCtx *cc = &sh->cc;
    const char **cells = xmalloc(sizeof(char *) * (2 * cc->n_opts + 2));
    uint32_t n = 0;
    for (uint32_t i = 0; i < cc->n_opts; i++) {
        if (!cc->opts[i].value)
            continue;
        cells[2 * n] = cc->opts[i].key;
        cells[2 * n + 1] = option_key_is_secret(str_from_cstr(cc->opts[i].key))
                               ? "******"
                               : cc->opts[i].value;
        n++;
    }
    static const char *const head[] = {"key", "value"};
    print_grid(head, 2, cells, n);
    xfree(cells);
}

static void show_names(Shell *sh, unsigned which, const char *head)
{
    Arena a;
    arena_init(&a, 4096);
    size_t n;
    const char **names = catalog_names(sh->cc.cat, &a, which, &n);
    print_list(head, names, n);
    arena_fini(&a);
}

static void show_functions(void)
{
    size_t n;
    const FuncInfo *f = func_table(&n);
    const char **cells = xmalloc(sizeof(char *) * (2 * n + 2));
    for (size_t i = 0; i < n; i++) {
        cells[2 * i] = f[i].name;
        cells[2 * i + 1] = func_kind_name(f[i].kind);
    }
    static const char *const head[] = {"function name", "kind"};
    print_grid(head, 2, cells, (uint32_t)n);
    xfree(cells);
}

/* SHOW CREATE TABLE / VIEW: the declaring text, secrets masked. */
static void show_create(Shell *sh, const AstShow *s)
{
    CompileCtx *cc = &sh->cc;
    const QName *q = &s->name;
    Str name = q->parts[q->n_parts - 1].name;
    CatTable *t = catalog_find_table(cc->cat, name);
    CatView *v = t ? NULL : catalog_find_view(cc->cat, name);
    const AstNode *decl = t ? t->decl : v ? v->decl : NULL;
    uint32_t src = t ? t->src_id : v ? v->src_id : 0;
    if (!decl || src >= cc->diags.n_sources)
        return;
    uint32_t end = decl->at.off + decl->at.len;
    StrBuf b;
    strbuf_init(&b);
    uint32_t at = decl->at.off;
    if (t) {
        for (uint32_t i = 0; i < t->n_opts; i++) {
            const CatOption *o = &t->opts[i];
            if (!o->is_secret || o->value_at.off < at ||
                o->value_at.off + o->value_at.len > end)
                continue;
            strbuf_append(&b, cc->diags.sources[src].text + at,
                          o->value_at.off - at);
            strbuf_puts(&b, "'******'");
            at = o->value_at.off + o->value_at.len;
        }
    }
    strbuf_append(&b, cc->diags.sources[src].text + at, end - at);
    printf("%s;\n", strbuf_cstr(&b));
    strbuf_fini(&b);
}

/* SHOW JOBS: the background jobs of this session, then the errors of
 * the failed ones and where the logs are. */
static void show_jobs(Shell *sh)
{
    uint32_t n = sh->jobs ? shell_jobs_count(sh->jobs) : 0;
    if (n == 0) {
        puts("Empty set");
        return;
    }
    shell_jobs_refresh(sh->jobs);
    const char **cells = xmalloc(sizeof(char *) * 6 * n);
    char *buf = xmalloc((size_t)n * 80);
    for (uint32_t i = 0; i < n; i++) {
        const BgJob *b = shell_jobs_get(sh->jobs, i);
        char *t = buf + (size_t)i * 80;
        struct tm tm;
        localtime_r(&b->started, &tm);
        strftime(t, 24, "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(t + 24, 28, "%llu", (unsigned long long)b->rows_in);
        snprintf(t + 52, 28, "%llu", (unsigned long long)b->rows_out);
        cells[6 * i] = b->id;
        cells[6 * i + 1] = b->stmt;
        cells[6 * i + 2] = shell_jobs_state_name(b->state);
        cells[6 * i + 3] = t;
        cells[6 * i + 4] = t + 24;
        cells[6 * i + 5] = t + 52;
    }
    static const char *const head[] = {"job id",     "statement", "status",
                                       "start time", "rows in",   "rows out"};
    static const bool right[] = {false, false, false, false, true, true};
    print_grid_aligned(head, 6, cells, n, right);
    for (uint32_t i = 0; i < n; i++) {
        const BgJob *b = shell_jobs_get(sh->jobs, i);
        if (b->state == BG_FAILED)
            printf("%s: %s\n", b->id, b->error ? b->error : "failed");
    }
    printf("Logs: %s/<job id>.log\n", shell_jobs_dir(sh->jobs));
    xfree(buf);
    xfree(cells);
}

static void do_show(Shell *sh, const AstNode *stmt)
{
    const AstShow *s = &stmt->u.show;
    static const char *const catalogs[] = {"default_catalog"};
    static const char *const dbs[] = {"default_database"};
    switch (s->what) {
    case SHOW_TABLES:
        show_names(sh, CAT_TABLES, "table name");
        break;
    case SHOW_VIEWS:
        show_names(sh, CAT_VIEWS, "view name");
        break;
    case SHOW_FUNCTIONS:
        show_functions();
        break;
    case SHOW_JOBS:
        show_jobs(sh);
        break;
    case SHOW_CATALOGS:
        print_list("catalog name", catalogs, 1);
        break;
    case SHOW_DATABASES:
        print_list("database name", dbs, 1);
        break;
    case SHOW_CREATE_TABLE:
    case SHOW_CREATE_VIEW:
        show_create(sh, s);
        break;
    }
}

static void do_describe(Shell *sh, const AstNode *stmt)
{
    const QName *q = &stmt->u.describe.name;
    Str name = q->parts[q->n_parts - 1].name;
    StrBuf b;
    strbuf_init(&b);
    if (!catalog_describe(sh->cc.cat, name, &b)) {
        strbuf_fini(&b);
        return;
    }
    CatTable *t = catalog_find_table(sh->cc.cat, name);
    if (t && t->n_opts) {
        size_t kw = 0;
        for (uint32_t i = 0; i < t->n_opts; i++)
            if (t->opts[i].key.len > kw)
                kw = t->opts[i].key.len;
        strbuf_puts(&b, "\nOptions:\n");
        for (uint32_t i = 0; i < t->n_opts; i++) {
            const CatOption *o = &t->opts[i];
            strbuf_printf(&b, "  %-*.*s = %s\n", (int)kw, (int)o->key.len,
                          o->key.ptr, catalog_option_display(o));
        }
    }
    fwrite(strbuf_cstr(&b), 1, b.len, stdout);
    strbuf_fini(&b);
}

/* ---- running jobs ------------------------------------------------------------ */

typedef struct RunThread {
    Job *j;
    FsqlErr err;
    int rc;
    atomic_bool done;
} RunThread;

static void *run_thread(void *arg)
{
    RunThread *rt = arg;
    rt->rc = job_run(rt->j, &rt->err);
    atomic_store(&rt->done, true);
    return NULL;
}

static void term_size(uint32_t *rows, uint32_t *cols)
{
    struct winsize ws;
    *rows = 24;
    *cols = 80;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
    }
}

/* The status line under a live result (at most width columns). */
static void status_line(StrBuf *b, const LiveStatus *st, bool is_query,
                        double elapsed, double rate, uint32_t width)
{
    size_t start = b->len;
    unsigned secs = (unsigned)elapsed;
    if (is_query) {
        strbuf_printf(b, " %u row%s | %llu change%s, %.0f/s | watermark ",
                      st->rows, st->rows == 1 ? "" : "s",
                      (unsigned long long)st->changes,
                      st->changes == 1 ? "" : "s", rate);
        if (st->watermark == WM_NONE) {
            strbuf_putc(b, '-');
        } else {
            char buf[40];
            size_t n = time_format_timestamp(buf, st->watermark);
            strbuf_append(b, buf, n);
        }
        strbuf_printf(b, " | %02u:%02u:%02u | q or Ctrl-C stops", secs / 3600,
                      secs / 60 % 60, secs % 60);
    } else {
        strbuf_printf(b, " running %02u:%02u:%02u | q or Ctrl-C stops",
                      secs / 3600, secs / 60 % 60, secs % 60);
    }
    size_t n = b->len - start;
    if (width && n >= width) {
        b->len = start + width - 1;
        b->ptr[b->len] = '\0';
    }
}

static void out_str(StrBuf *b)
{
    fwrite(strbuf_cstr(b), 1, b->len, stdout);
    fflush(stdout);
    strbuf_clear(b);
}

/* Run job j on a second thread, showing lt (NULL: the job writes its own
 * output) until it ends or a key stops it.  Returns job_run's result. */
static int run_live(Shell *sh, Job *j, LiveTable *lt, LiveMode mode,
                    bool is_query, FsqlErr *err, bool *stopped)
{
    (void)sh;
    RunThread rt;
    memset(&rt, 0, sizeof rt);
    rt.j = j;
    atomic_init(&rt.done, false);
    struct termios saved, raw;
    bool have_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (have_tty) {
        raw = saved;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    StrBuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "\x1b[?25l"); /* hide the cursor */
    out_str(&b);
    got_sigint = 0;
    pthread_t th;
    if (pthread_create(&th, NULL, run_thread, &rt) != 0) {
        if (have_tty)
            tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        return fsql_err_set(err, FSQL_E_IO, "could not start the job thread");
    }
    bool stop = false;
    uint32_t prev_lines = 0, rows, cols;
    term_size(&rows, &cols);
    double t0 = job_now_mono_s(), last_draw = 0, rate_t = t0, rate = 0;
    uint64_t rate_changes = 0, drawn_changes = UINT64_MAX;
    unsigned drawn_sec = UINT_MAX;
    bool status_shown = false;
    for (;;) {
        bool done = atomic_load(&rt.done);
        /* Keys are read one byte at a time and not at all once a stop
         * key was seen: what the user types after it (the next statement,
         * typed while the job winds down) stays in the terminal's input
         * queue for the next prompt instead of being swallowed here. */
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        if (!done && !stop && poll(&pfd, 1, 50) > 0 &&
            (pfd.revents & POLLIN)) {
            char key;
            if (read(STDIN_FILENO, &key, 1) == 1 &&
                (key == 'q' || key == 'Q' || key == 3 || key == 4))
                stop = true;
        } else if (!done && stop) {
            poll(NULL, 0, 50);
        }
        if (got_sigint)
            stop = true;
        if (stop && !done)
            job_request_stop(); /* again: job_run clears it when it starts */
        double now = job_now_mono_s();
        if (!done && now - last_draw < 0.1)
            continue;
        last_draw = now;
        uint32_t r2, c2;
        term_size(&r2, &c2);
        if (r2 != rows || c2 != cols) {
            /* The old frame may have wrapped: start on a clean screen. */
            strbuf_puts(&b, "\x1b[H\x1b[2J");
            prev_lines = 0;
            status_shown = false;
            drawn_changes = UINT64_MAX;
            rows = r2;
            cols = c2;
        }
        LiveStatus st;
        memset(&st, 0, sizeof st);
        st.watermark = WM_NONE;
        if (lt)
            st = live_table_status(lt);
        if (now - rate_t >= 1.0) {
            rate = (double)(st.changes - rate_changes) / (now - rate_t);
            rate_changes = st.changes;
            rate_t = now;
        }
        unsigned sec = (unsigned)(now - t0);
        if (done)
            break;
        if (st.changes == drawn_changes && sec == drawn_sec)
            continue;
        drawn_changes = st.changes;
        drawn_sec = sec;
        if (lt && mode == LIVE_TABLE) {
            strbuf_puts(&b, "\r");
            if (prev_lines)
                strbuf_printf(&b, "\x1b[%uA", prev_lines);
            strbuf_puts(&b, "\x1b[J");
            prev_lines =
                live_table_render(lt, &b, cols - 1, rows > 3 ? rows - 2 : 1);
        } else {
            if (status_shown)
                strbuf_puts(&b, "\r\x1b[K");
            if (lt)
                live_table_take(lt, &b, cols - 1);
        }
        status_line(&b, &st, is_query, now - t0, rate, cols);
        status_shown = true;
        out_str(&b);
    }
    pthread_join(th, NULL);
    /* Erase the live frame; the caller prints the final result. */
    if (lt && mode == LIVE_TABLE) {
        strbuf_puts(&b, "\r");
        if (prev_lines)
            strbuf_printf(&b, "\x1b[%uA", prev_lines);
        strbuf_puts(&b, "\x1b[J");
    } else if (status_shown) {
        strbuf_puts(&b, "\r\x1b[K");
    }
    strbuf_puts(&b, "\x1b[?25h");
    out_str(&b);
    strbuf_fini(&b);
    if (have_tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    got_sigint = 0;
    *stopped = stop;
    if (rt.rc < 0 && err)
        *err = rt.err;
    return rt.rc;
}

/* The result mode of the session: SET, else --output, else table. */
static LiveMode session_mode(Shell *sh, bool *explicit_set)
{
    LiveMode m = LIVE_TABLE;
    const char *v = compile_get_option(&sh->cc, RESULT_MODE_KEY);
    *explicit_set = v && live_mode_parse(v, &m);
    if (!*explicit_set && sh->cfg->output &&
        strcmp(sh->cfg->output, "changelog") == 0)
        m = LIVE_CHANGELOG;
    return m;
}

static void print_final(Shell *sh, LiveTable *lt, LiveMode mode,
                        const JobStats *st, bool stopped)
{
    (void)sh;
    StrBuf b;
    strbuf_init(&b);
    LiveStatus ls = live_table_status(lt);
    if (mode == LIVE_TABLE) {
        if (ls.rows == 0) {
            strbuf_puts(&b, "Empty set");
        } else {
            live_table_render(lt, &b, 0, 1000); /* the first/last ~1000 */
            strbuf_printf(&b, "%u row%s in set", ls.rows,
                          ls.rows == 1 ? "" : "s");
        }
    } else {
        live_table_take(lt, &b, 0);
        live_table_footer(lt, &b, 0);
        strbuf_printf(&b, "Received a total of %llu row%s",
                      (unsigned long long)ls.changes,
                      ls.changes == 1 ? "" : "s");
    }
    strbuf_printf(&b, " (%.2f s%s)\n", st->seconds, stopped ? ", stopped" : "");
    fwrite(strbuf_cstr(&b), 1, b.len, stdout);
    fflush(stdout);
    strbuf_fini(&b);
}

/* Whether INSERTs typed at the prompt run in the foreground:
 * SET 'table.dml-sync' = 'true' (Flink's option of the same name). */
static bool dml_sync(Shell *sh)
{
    const char *v = compile_get_option(&sh->cc, "table.dml-sync");
    return v && strcasecmp(v, "true") == 0;
}

/* An INSERT or statement set at the prompt: start it as a background job
 * (tools/shell_jobs.h) and return to the prompt. */
static void run_background(Shell *sh, Program *p)
{
    char msg[PATH_MAX + 128];
    const BgJob *b = shell_jobs_start(
        sh->jobs, p, sh->stmt ? sh->stmt : "", sh->stmt ? sh->stmt_len : 0,
        compile_get_option(&sh->cc, "state.checkpoints.dir"), msg, sizeof msg);
    if (!b) {
        fprintf(stderr, "fsql: %s\n", msg);
        fflush(stderr);
        sh->had_runtime_error = true;
        return;
    }
    if (b->state == BG_FAILED) {
        /* It failed while opening its connectors: say so now. */
        shell_jobs_next_ended(sh->jobs); /* reported here */
        fflush(stdout);
        fprintf(stderr, "fsql: background job %s failed: %s\n", b->id,
                b->error ? b->error : "see its log");
        fflush(stderr);
        sh->had_runtime_error = true;
        return;
    }
    printf("[INFO] Submitted as background job %s (log: %s).\n"
           "Job ID: %s\n",
           b->id, b->log_path, b->id);
    fflush(stdout);
}

/* Run one Program (a SELECT or INSERT job). */
static void run_program(Shell *sh, Program *p)
{
    if (!p->is_query && sh->interactive && sh->jobs && !dml_sync(sh)) {
        run_background(sh, p);
        return;
    }
    JobConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.out = stdout;
    cfg.err_out = stderr;
    bool explicit_mode;
    LiveMode mode = session_mode(sh, &explicit_mode);
    /* The plain --output writer: off a terminal, or --output jsonl/csv. */
    cfg.output = sh->live_out ? OUTPUT_TABLE : OUTPUT_JSONL;
    if (sh->cfg->output)
        output_format_parse(sh->cfg->output, &cfg.output);
    if (!sh->live_out && explicit_mode)
        cfg.output = mode == LIVE_CHANGELOG ? OUTPUT_CHANGELOG : OUTPUT_TABLE;
    bool plain_on_tty =
        sh->cfg->output && !explicit_mode &&
        (cfg.output == OUTPUT_JSONL || cfg.output == OUTPUT_CSV);
    LiveTable *lt = NULL;
    if (sh->live_out && p->is_query && !plain_on_tty) {
        lt = live_table_new(mode);
        cfg.collect_writer = live_table_writer_new;
        cfg.collect_arg = lt;
    }
    cfg.install_signals = !sh->live_out;
    FsqlErr err;
    fsql_err_clear(&err);
    const Program *const progs[1] = {p};
    Job *j = job_new(progs, 1, &cfg, &err);
    int rc = j ? job_open(j, &err) : err.code;
    bool stopped = false;
    if (rc == FSQL_OK) {
        if (sh->live_out)
            rc = run_live(sh, j, lt, mode, p->is_query, &err, &stopped);
        else
            rc = job_run(j, &err);
    }
    JobStats st;
    memset(&st, 0, sizeof st);
    if (j)
        st = job_stats(j);
    if (rc == FSQL_OK && lt)
        print_final(sh, lt, mode, &st, stopped || st.stopped);
    else if (rc == FSQL_OK && sh->interactive && !p->is_query) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "Job %s: %llu row%s in, %llu row%s out (%.2f s).",
                 st.stopped || stopped ? "stopped" : "finished",
                 (unsigned long long)st.rows_in, st.rows_in == 1 ? "" : "s",
                 (unsigned long long)st.rows_out, st.rows_out == 1 ? "" : "s",
                 st.seconds);
        info(sh, msg);
    }
    job_free(j);
    fflush(stdout);
    if (lt)
        live_table_free(lt);
    if (rc < 0) {
        fprintf(stderr, "fsql: %s\n", err.msg[0] ? err.msg : "the job failed");
        fflush(stderr);
        sh->had_runtime_error = true;
    }
}

/* ---- one statement ---------------------------------------------------------- */

/* Drop the tables and views registered since `before` (a failed
 * statement changes nothing). */
static void rollback_catalog(Shell *sh, const char **before, size_t n_before)
{
    Arena a;
    arena_init(&a, 4096);
    size_t n;
    const char **now =
        catalog_names(sh->cc.cat, &a, CAT_TABLES | CAT_VIEWS, &n);
    for (size_t i = 0; i < n; i++) {
        bool old = false;
        for (size_t k = 0; k < n_before && !old; k++)
            old = strcasecmp(now[i], before[k]) == 0;
        if (old)
            continue;
        Str name = str_from_cstr(now[i]);
        Ident id;
        memset(&id, 0, sizeof id);
        id.name = name;
        AstNode drop;
        memset(&drop, 0, sizeof drop);
        drop.kind = AST_DROP;
        drop.u.drop.obj =
            catalog_find_table(sh->cc.cat, name) ? OBJ_TABLE : OBJ_VIEW;
        drop.u.drop.name.n_parts = 1;
        drop.u.drop.name.parts = &id;
        drop.u.drop.if_exists = true;
        catalog_drop(&sh->cc, &drop);
    }
    arena_fini(&a);
}

static bool word_is(const char *w, const char *s)
{
    return strcmp(w, s) == 0;
}

/* Shell commands that are not SQL: quit, exit, help, STOP JOB.  True when
 * the text was one of them. */
static bool shell_command(Shell *sh, const char *p, size_t n);

/* Compile and execute one statement: text p[0..n) that starts at line
 * `line`, column `col` of the input. */
static void execute(Shell *sh, const char *p, size_t n, uint32_t line,
                    uint32_t col)
{
    if (only_trivia(p, n) || shell_command(sh, p, n))
        return;
    /* Pad so that positions match the input. */
    size_t pad = (size_t)(line - 1) + (col - 1);
    char *text = keep_text(sh, pad + n);
    memset(text, '\n', line - 1);
    memset(text + line - 1, ' ', col - 1);
    memcpy(text + pad, p, n);
    text[pad + n] = '\0';

    sh->stmt = p;
    sh->stmt_len = n;
    CompileCtx *cc = &sh->cc;
    Arena a;
    arena_init(&a, 4096);
    size_t n_before;
    const char **before =
        catalog_names(cc->cat, &a, CAT_TABLES | CAT_VIEWS, &n_before);
    uint32_t s0 = cc->n_stmts, p0 = cc->n_plans;
    compile_source(cc, sh->path, text, pad + n);
    if (cc->diags.n_errors) {
        rollback_catalog(sh, before, n_before);
        arena_fini(&a);
        flush_diags(sh);
        return;
    }
    arena_fini(&a);
    flush_diags(sh); /* warnings */
    for (uint32_t i = s0; i < cc->n_stmts; i++) {
        AstNode *s = cc->stmts[i].node;
        if (!s)
            continue;
        switch (s->kind) {
        case AST_CREATE_TABLE:
            info(sh, "Execute statement succeeded.");
            break;
        case AST_CREATE_VIEW:
            info(sh, "Execute statement succeeded.");
            break;
        case AST_DROP:
            info(sh, "Execute statement succeeded.");
            break;
        case AST_USE:
            info(sh, "Execute statement succeeded.");
            break;
        case AST_SET:
            if (s->u.set.has_key)
                info(sh, "Session property has been set.");
            else
                show_set(sh);
            break;
        case AST_RESET:
            info(sh, s->u.set.has_key && s->u.set.key.len
                         ? "Session property has been reset."
                         : "All session properties have been set to their "
                           "default values.");
            break;
        case AST_SHOW:
            do_show(sh, s);
            break;
        case AST_DESCRIBE:
            do_describe(sh, s);
            break;
        default:
            break;
        }
    }
    for (uint32_t i = p0; i < cc->n_plans && !sh->quit; i++) {
        Plan *plan = cc->plans[i];
        if (plan->is_explain) {
            StrBuf b;
            strbuf_init(&b);
            explain_plan(cc, plan, &b);
            if (b.len && b.ptr[b.len - 1] != '\n')
                strbuf_putc(&b, '\n');
            fwrite(strbuf_cstr(&b), 1, b.len, stdout);
            strbuf_fini(&b);
            continue;
        }
        Program *prog = codegen_program(cc, plan);
        if (flush_diags(sh) || !prog) {
            if (prog)
                program_free(prog);
            continue;
        }
        run_program(sh, prog);
        program_free(prog);
    }
    sh->stmt = NULL;
    fflush(stdout);
}

/* ---- shell commands ------------------------------------------------------- */

static const char help_text[] =
    "Statements end with ';' and may span lines.  Everything 'fsql run'\n"
    "accepts works here, plus:\n"
    "  SHOW TABLES; SHOW VIEWS; SHOW FUNCTIONS; SHOW CREATE TABLE t;\n"
    "  DESCRIBE t;          columns, types, key, watermark and options\n"
    "                       (secrets shown as ******)\n"
    "  EXPLAIN SELECT ...;  the operator plan\n"
    "  SET; SET 'k' = 'v'; RESET;   session options\n"
    "  SET 'sql-client.execution.result-mode' = 'table' | 'changelog' |\n"
    "      'tableau';       how a SELECT shows its result\n"
    "A SELECT runs until its input ends; q or Ctrl-C stops it and returns\n"
    "to the prompt.  An INSERT (or statement set) starts a background job\n"
    "and the prompt comes back at once:\n"
    "  SHOW JOBS;           the jobs of this session, their status and rows\n"
    "  STOP JOB 'id' [WITH SAVEPOINT];   stop a job (its sinks are\n"
    "                       flushed; a savepoint needs a checkpoint dir)\n"
    "  SET 'table.dml-sync' = 'true';   run INSERTs in the foreground\n"
    "Tab completes keywords, tables, columns and functions; the arrow keys\n"
    "recall history (~/.fsql_history).\n"
    "  help                 this text\n"
    "  quit, exit, \\q, Ctrl-D   leave the shell\n";

static bool sigint_seen(void)
{
    return got_sigint != 0;
}

/* STOP JOB 'id' [WITH SAVEPOINT] [WITH DRAIN]: p[0..n) is the whole
 * command, "STOP JOB" already recognised. */
static void stop_job(Shell *sh, const char *p, size_t n)
{
    const char *q = memchr(p, '\'', n);
    const char *e = q ? memchr(q + 1, '\'', n - (size_t)(q + 1 - p)) : NULL;
    if (!e) {
        fputs("fsql: usage: STOP JOB 'job id';  (SHOW JOBS lists the ids)\n",
              stderr);
        sh->had_sql_error = true;
        return;
    }
    char id[64];
    size_t len = (size_t)(e - q - 1);
    if (len >= sizeof id)
        len = sizeof id - 1;
    memcpy(id, q + 1, len);
    id[len] = '\0';
    /* What follows the id: WITH SAVEPOINT / WITH DRAIN are Flink's. */
    char w[4][24];
    int k = lead_words(e + 1, n - (size_t)(e + 1 - p), w, 4);
    bool savepoint = false;
    for (int i = 0; i < k; i++) {
        if (word_is(w[i], "SAVEPOINT")) {
            savepoint = true;
            continue;
        }
        if (word_is(w[i], "DRAIN")) {
            fprintf(stderr,
                    "fsql: STOP JOB ... WITH DRAIN is not supported: a job "
                    "stops without firing its open windows; STOP JOB '%s' "
                    "stops it with its sinks flushed\n",
                    id);
            sh->had_sql_error = true;
            return;
        }
        if (!word_is(w[i], "WITH")) {
            fprintf(stderr, "fsql: unexpected '%s' after STOP JOB '%s'\n", w[i],
                    id);
            sh->had_sql_error = true;
            return;
        }
    }
    bool ambiguous = false;
    BgJob *b = sh->jobs ? shell_jobs_find(sh->jobs, id, &ambiguous) : NULL;
    if (!b) {
        fprintf(stderr,
                ambiguous ? "fsql: job id '%s' is ambiguous; type more of it\n"
                          : "fsql: no job '%s' (SHOW JOBS lists the jobs of "
                            "this session)\n",
                id);
        sh->had_sql_error = true;
        return;
    }
    if (savepoint && !b->ckpt_dir) {
        /* The final checkpoint a job takes when it stops is its
         * savepoint; without a directory it takes none. */
        fprintf(stderr,
                "fsql: job %s takes no checkpoints, so it cannot stop with a "
                "savepoint; SET 'state.checkpoints.dir' = 'DIR' before the "
                "INSERT for that (STOP JOB '%s' stops it without one)\n",
                b->id, id);
        sh->had_sql_error = true;
        return;
    }
    shell_jobs_refresh(sh->jobs);
    if (b->exited) {
        printf("[INFO] Job %s has already ended (%s).\n", b->id,
               shell_jobs_state_name(b->state));
        return;
    }
    got_sigint = 0;
    bool ended = shell_jobs_stop(sh->jobs, b, 30.0, sigint_seen);
    got_sigint = 0;
    if (!ended) {
        printf("[INFO] Job %s was asked to stop and is still shutting down; "
               "STOP JOB again ends it at once.\n",
               b->id);
        return;
    }
    b->reported = true; /* announced here, not again at the prompt */
    if (b->state == BG_FAILED)
        printf("[INFO] Job %s failed while stopping: %s\n", b->id,
               b->error ? b->error : "see its log");
    else
        printf("[INFO] Job %s stopped: %llu row%s in, %llu row%s out.\n", b->id,
               (unsigned long long)b->rows_in, b->rows_in == 1 ? "" : "s",
               (unsigned long long)b->rows_out, b->rows_out == 1 ? "" : "s");
    char path[PATH_MAX + 300];
    if (savepoint && b->state != BG_FAILED) {
        if (shell_jobs_newest_checkpoint(b, path, sizeof path))
            printf("[INFO] Savepoint: %s (the same INSERT with the same "
                   "'state.checkpoints.dir' resumes from it)\n",
                   path);
        else
            printf("[INFO] Job %s left no checkpoint in %s; see its log.\n",
                   b->id, b->ckpt_dir);
    }
}

static bool shell_command(Shell *sh, const char *p, size_t n)
{
    char w[3][24];
    int k = lead_words(p, n, w, 3);
    if (k == 1 && (word_is(w[0], "QUIT") || word_is(w[0], "EXIT") ||
                   word_is(w[0], "\\Q"))) {
        sh->quit = true;
        return true;
    }
    if (k == 1 && (word_is(w[0], "HELP") || word_is(w[0], "\\H"))) {
        fputs(help_text, stdout);
        return true;
    }
    if (k >= 2 && word_is(w[0], "STOP") && word_is(w[1], "JOB")) {
        stop_job(sh, p, n);
        return true;
    }
    return false;
}

/* ---- input ------------------------------------------------------------------ */

/* Advance (*line, *col) over p[0..n). */
static void advance_pos(const char *p, size_t n, uint32_t *line, uint32_t *col)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)p[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static void history_add(Shell *sh, const char *p, size_t n)
{
    if (!sh->hist)
        return;
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    while (n && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    if (!n)
        return;
    char *e = xmalloc(n + 1);
    memcpy(e, p, n);
    e[n] = '\0';
    /* One line per entry unless a -- comment needs its line end. */
    if (!strstr(e, "--"))
        for (char *c = e; *c; c++)
            if (*c == '\n' || *c == '\r' || *c == '\t')
                *c = ' ';
    HistEvent ev;
    history(sh->hist, &ev, H_ENTER, e);
    if (sh->hist_path[0])
        history(sh->hist, &ev, H_SAVE, sh->hist_path);
    xfree(e);
}

/* Execute every complete statement in sh->input. */
static void drain_input(Shell *sh)
{
    for (;;) {
        StrBuf *in = &sh->input;
        size_t e = stmt_end(in->ptr ? in->ptr : "", in->len);
        if (e == 0)
            break;
        char *stmt = xmalloc(e + 1);
        memcpy(stmt, in->ptr, e);
        stmt[e] = '\0';
        uint32_t line = sh->in_line, col = sh->in_col;
        advance_pos(stmt, e, &sh->in_line, &sh->in_col);
        memmove(in->ptr, in->ptr + e, in->len - e);
        in->len -= e;
        in->ptr[in->len] = '\0';
        /* Skip leading spaces so that the statement starts where its
         * first character is. */
        size_t lead = 0;
        while (lead < e && isspace((unsigned char)stmt[lead]))
            lead++;
        advance_pos(stmt, lead, &line, &col);
        execute(sh, stmt + lead, e - lead, line, col);
        xfree(stmt);
        if (sh->quit)
            return;
    }
}

/* Handle one input line (with its '\n'). */
static void feed_line(Shell *sh, const char *line, size_t n)
{
    bool fresh =
        sh->input.len == 0 || only_trivia(sh->input.ptr, sh->input.len);
    if (fresh) {
        strbuf_clear(&sh->input);
        if (sh->interactive)
            sh->line_no = 1;
        sh->in_line = sh->line_no;
        sh->in_col = 1;
        /* Commands that need no ';'. */
        char w[3][24];
        int k = lead_words(line, n, w, 3);
        size_t t = n;
        while (t && (isspace((unsigned char)line[t - 1]) || line[t - 1] == ';'))
            t--;
        bool one_word =
            k == 1 && !memchr(line, ' ', t) && !memchr(line, '\t', t);
        if (one_word && shell_command(sh, line, t)) {
            if (sh->interactive && !sh->quit)
                history_add(sh, line, n);
            return;
        }
    }
    strbuf_append(&sh->input, line, n);
    sh->line_no++;
    if (stmt_end(sh->input.ptr, sh->input.len)) {
        if (sh->interactive)
            history_add(sh, sh->input.ptr, sh->input.len);
        drain_input(sh);
    }
}

/* End of input: run what is left without its ';'. */
static void feed_eof(Shell *sh)
{
    if (sh->input.len && !only_trivia(sh->input.ptr, sh->input.len) &&
        !sh->interactive) {
        strbuf_putc(&sh->input, '\n');
        size_t len = sh->input.len;
        char *rest = xmalloc(len + 1);
        memcpy(rest, sh->input.ptr, len + 1);
        uint32_t line = sh->in_line, col = sh->in_col;
        size_t lead = 0;
        while (lead < len && isspace((unsigned char)rest[lead]))
            lead++;
        advance_pos(rest, lead, &line, &col);
        execute(sh, rest + lead, len - lead, line, col);
        xfree(rest);
    }
    strbuf_clear(&sh->input);
}

/* ---- libedit: prompt and completion ------------------------------------ */

static const char *const keywords[] = {
    "ALL",         "AND",           "AS",
    "ASC",         "BEGIN",         "BETWEEN",
    "BIGINT",      "BOOLEAN",       "BY",
    "CASE",        "CAST",          "CHANGELOG_MODE",
    "CREATE",      "CUMULATE",      "CURRENT_ROW",
    "DATE",        "DAY",           "DECIMAL",
    "DEFINE",      "DESC",          "DESCRIBE",
    "DESCRIPTOR",  "DISTINCT",      "DOUBLE",
    "DROP",        "ELSE",          "END",
    "ENFORCED",    "EXISTS",        "EXPLAIN",
    "EXTENDED",    "FALSE",         "FOLLOWING",
    "FOR",         "FROM",          "FULL",
    "FUNCTIONS",   "GROUP",         "HAVING",
    "HOP",         "HOUR",          "IF",
    "IN",          "INNER",         "INSERT",
    "INT",         "INTERVAL",      "INTO",
    "IS",          "JOB",           "JOBS",
    "JOIN",        "KEY",           "LEFT",
    "LIKE",        "LIMIT",         "MATCH_RECOGNIZE",
    "MEASURES",    "METADATA",      "MINUTE",
    "NOT",         "NULL",          "ON",
    "OR",          "ORDER",         "OUTER",
    "OVER",        "PARTITION",     "PATTERN",
    "PRECEDING",   "PRIMARY",       "RANGE",
    "RESET",       "RIGHT",         "ROW",
    "ROWS",        "SECOND",        "SELECT",
    "SESSION",     "SET",           "SHOW",
    "STOP",        "STATEMENT",     "STRING",
    "SYSTEM_TIME", "TABLE",         "TABLES",
    "TEMPORARY",   "THEN",          "TIME",
    "TIMESTAMP",   "TIMESTAMP_LTZ", "TO",
    "TRUE",        "TUMBLE",        "UNBOUNDED",
    "UNION",       "USE",           "VALUES",
    "VARCHAR",     "VIEW",          "VIEWS",
    "VIRTUAL",     "WATERMARK",     "WHEN",
    "WHERE",       "WINDOW",        "WITH",
    "WITHIN"};

typedef struct Cands {
    const char **v;
    size_t n, cap;
    bool *is_kw; /* keyword or function: case follows the typed prefix */
} Cands;

static void cand_add(Cands *c, const char *s, bool is_kw, const char *prefix,
                     size_t plen)
{
    if (strlen(s) < plen || strncasecmp(s, prefix, plen) != 0)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (strcasecmp(c->v[i], s) == 0)
            return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xrealloc(c->v, sizeof(char *) * c->cap);
        c->is_kw = xrealloc(c->is_kw, sizeof(bool) * c->cap);
    }
    c->is_kw[c->n] = is_kw;
    c->v[c->n++] = s;
}

static void cand_columns(Cands *c, Shell *sh, Arena *a, Str table,
                         const char *prefix, size_t plen)
{
    CatTable *t = catalog_find_table(sh->cc.cat, table);
    if (t) {
        for (uint32_t i = 0; i < t->n_cols; i++)
            cand_add(c,
                     arena_strndup(a, t->cols[i].name.ptr, t->cols[i].name.len),
                     false, prefix, plen);
        return;
    }
    CatView *v = catalog_find_view(sh->cc.cat, table);
    if (v && v->rel)
        for (uint32_t i = 0; i < v->rel->n_cols; i++)
            cand_add(c,
                     arena_strndup(a, v->rel->cols[i].name.ptr,
                                   v->rel->cols[i].name.len),
                     false, prefix, plen);
}

static bool ident_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* Whether the word before `at` (in the line starting at buf) is one after
 * which only a table or view name makes sense. */
static bool after_table_keyword(const char *buf, const char *at)
{
    static const char *const kws[] = {"FROM",     "JOIN", "TABLE", "INTO",
                                      "DESCRIBE", "DESC", "VIEW"};
    const char *e = at;
    while (e > buf && isspace((unsigned char)e[-1]))
        e--;
    if (e == at)
        return false;
    const char *b = e;
    while (b > buf && ident_char(b[-1]))
        b--;
    for (size_t i = 0; i < FSQL_ARRAY_LEN(kws); i++)
        if ((size_t)(e - b) == strlen(kws[i]) &&
            strncasecmp(b, kws[i], (size_t)(e - b)) == 0)
            return true;
    return false;
}

static unsigned char complete_fn(EditLine *el, int ch)
{
    (void)ch;
    Shell *sh = NULL;
    el_get(el, EL_CLIENTDATA, &sh);
    const LineInfo *li = el_line(el);
    const char *start = li->cursor;
    while (start > li->buffer && ident_char(start[-1]))
        start--;
    size_t plen = (size_t)(li->cursor - start);
    char prefix[128];
    if (plen >= sizeof prefix)
        return CC_ERROR;
    memcpy(prefix, start, plen);
    prefix[plen] = '\0';

    Arena a;
    arena_init(&a, 4096);
    Cands c;
    memset(&c, 0, sizeof c);
    if (start > li->buffer && start[-1] == '.') {
        /* t.col: the columns of table or view t. */
        const char *q = start - 1;
        while (q > li->buffer && ident_char(q[-1]))
            q--;
        Str table = {q, (size_t)(start - 1 - q)};
        cand_columns(&c, sh, &a, table, prefix, plen);
    } else {
        size_t n;
        const char **names =
            catalog_names(sh->cc.cat, &a, CAT_TABLES | CAT_VIEWS, &n);
        for (size_t i = 0; i < n; i++)
            cand_add(&c, names[i], false, prefix, plen);
        if (after_table_keyword(li->buffer, start) && c.n)
            goto chosen; /* FROM, JOIN, ...: only tables and views */
        for (size_t i = 0; i < n; i++)
            cand_columns(&c, sh, &a, str_from_cstr(names[i]), prefix, plen);
        for (size_t i = 0; i < FSQL_ARRAY_LEN(keywords); i++)
            cand_add(&c, keywords[i], true, prefix, plen);
        size_t nf;
        const char *const *fn = func_names(&nf);
        for (size_t i = 0; i < nf; i++)
            cand_add(&c, fn[i], true, prefix, plen);
    }
chosen:;
    unsigned char rc = CC_ERROR;
    bool lower = plen > 0;
    for (size_t i = 0; i < plen; i++)
        if (isupper((unsigned char)prefix[i]))
            lower = false;
    if (c.n >= 1) {
        /* The longest common prefix (case-insensitive) of the candidates. */
        size_t common = strlen(c.v[0]);
        for (size_t i = 1; i < c.n; i++) {
            size_t k = 0;
            while (k < common && c.v[i][k] &&
                   tolower((unsigned char)c.v[i][k]) ==
                       tolower((unsigned char)c.v[0][k]))
                k++;
            common = k;
        }
        if (common > plen) {
            char buf[256];
            size_t n =
                common - plen < sizeof buf - 1 ? common - plen : sizeof buf - 1;
            memcpy(buf, c.v[0] + plen, n);
            buf[n] = '\0';
            if (c.is_kw[0] && lower)
                for (size_t i = 0; i < n; i++)
                    buf[i] = (char)tolower((unsigned char)buf[i]);
            el_insertstr(el, buf);
            rc = CC_REFRESH;
        } else if (c.n > 1) {
            /* Nothing to add: list the candidates. */
            StrBuf b;
            strbuf_init(&b);
            strbuf_putc(&b, '\n');
            size_t col = 0;
            for (size_t i = 0; i < c.n && i < 200; i++) {
                size_t len = strlen(c.v[i]);
                if (col && col + len + 2 > 78) {
                    strbuf_putc(&b, '\n');
                    col = 0;
                }
                strbuf_puts(&b, c.v[i]);
                strbuf_puts(&b, "  ");
                col += len + 2;
            }
            strbuf_putc(&b, '\n');
            fwrite(strbuf_cstr(&b), 1, b.len, stdout);
            fflush(stdout);
            strbuf_fini(&b);
            rc = CC_REDISPLAY;
        } else {
            rc = CC_NORM;
        }
    }
    xfree(c.v);
    xfree(c.is_kw);
    arena_fini(&a);
    return rc;
}

static char *prompt_fn(EditLine *el)
{
    Shell *sh = NULL;
    el_get(el, EL_CLIENTDATA, &sh);
    static char main_prompt[] = "fsql> ";
    static char cont_prompt[] = "   -> ";
    if (sh && sh->input.len && !only_trivia(sh->input.ptr, sh->input.len))
        return cont_prompt;
    return main_prompt;
}

static void edit_start(Shell *sh)
{
    sh->hist = history_init();
    HistEvent ev;
    history(sh->hist, &ev, H_SETSIZE, HISTORY_SIZE);
    history(sh->hist, &ev, H_SETUNIQUE, 1);
    const char *home = getenv("HOME");
    const char *file = getenv("FSQL_HISTORY");
    if (file && *file)
        snprintf(sh->hist_path, sizeof sh->hist_path, "%s", file);
    else if (home && *home)
        snprintf(sh->hist_path, sizeof sh->hist_path, "%s/.fsql_history", home);
    if (sh->hist_path[0])
        history(sh->hist, &ev, H_LOAD, sh->hist_path);
    sh->el = el_init("fsql", stdin, stdout, stderr);
    el_set(sh->el, EL_CLIENTDATA, sh);
    el_set(sh->el, EL_EDITOR, "emacs");
    el_set(sh->el, EL_PROMPT, prompt_fn);
    el_set(sh->el, EL_HIST, history, sh->hist);
    /* The wide form: libedit keeps these pointers (the narrow form copies
     * them and never frees the copies). */
    el_wset(sh->el, EL_ADDFN, L"fsql-complete", L"complete a name",
            complete_fn);
    el_set(sh->el, EL_BIND, "^I", "fsql-complete", NULL);
    el_source(sh->el, NULL); /* ~/.editrc */
}

static void edit_stop(Shell *sh)
{
    if (sh->el)
        el_end(sh->el);
    if (sh->hist) {
        HistEvent ev;
        if (sh->hist_path[0])
            history(sh->hist, &ev, H_SAVE, sh->hist_path);
        history_end(sh->hist);
    }
    sh->el = NULL;
    sh->hist = NULL;
}

/* ---- main loops --------------------------------------------------------------- */

/* Announce background jobs that ended since the last prompt. */
static void announce_ended_jobs(Shell *sh)
{
    if (!sh->jobs || !shell_jobs_count(sh->jobs))
        return;
    shell_jobs_refresh(sh->jobs);
    const BgJob *b;
    while ((b = shell_jobs_next_ended(sh->jobs))) {
        if (b->state == BG_FAILED)
            printf("[ERROR] Background job %s failed: %s\n", b->id,
                   b->error ? b->error : "see its log");
        else
            printf("[INFO] Background job %s %s: %llu row%s in, %llu row%s "
                   "out.\n",
                   b->id, b->state == BG_CANCELED ? "was stopped" : "finished",
                   (unsigned long long)b->rows_in, b->rows_in == 1 ? "" : "s",
                   (unsigned long long)b->rows_out,
                   b->rows_out == 1 ? "" : "s");
    }
    fflush(stdout);
}

/* Leaving with background jobs running: ask whether to stop them.  True
 * to leave (the jobs are stopped), false to stay at the prompt. */
static bool confirm_quit(Shell *sh)
{
    if (!sh->jobs)
        return true;
    shell_jobs_refresh(sh->jobs);
    uint32_t n = shell_jobs_running(sh->jobs);
    if (n == 0)
        return true;
    printf("%u background job%s still running (SHOW JOBS lists them).  Stop "
           "%s and quit? [y/N] ",
           n, n == 1 ? " is" : "s are", n == 1 ? "it" : "them");
    fflush(stdout);
    char ans[16];
    size_t k = 0;
    bool eof = true;
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR) {
            if (got_sigint)
                break; /* Ctrl-C: stay */
            continue;
        }
        if (r <= 0)
            break;
        eof = false;
        if (c == '\n')
            break;
        if (k < sizeof ans - 1)
            ans[k++] = c;
    }
    ans[k] = '\0';
    bool yes = (eof && !got_sigint) || ans[0] == 'y' || ans[0] == 'Y';
    got_sigint = 0;
    if (eof)
        fputc('\n', stdout);
    if (!yes) {
        fflush(stdout);
        return false;
    }
    printf("[INFO] Stopping %u background job%s...\n", n, n == 1 ? "" : "s");
    fflush(stdout);
    shell_jobs_stop_all(sh->jobs, 30.0);
    const BgJob *b;
    while ((b = shell_jobs_next_ended(sh->jobs)))
        ;
    return true;
}

static void loop_interactive(Shell *sh)
{
    edit_start(sh);
    printf("fsql %s interactive shell.  Statements end with ';'; 'help' "
           "lists the commands, 'quit' or Ctrl-D leaves.\n",
           FSQL_VERSION);
    fflush(stdout);
    for (;;) {
        if (sh->quit) {
            if (confirm_quit(sh))
                break;
            sh->quit = false;
        }
        if (!sh->input.len || only_trivia(sh->input.ptr, sh->input.len))
            announce_ended_jobs(sh); /* not inside an open statement */
        int n = 0;
        got_sigint = 0;
        const char *line = el_gets(sh->el, &n);
        if (!line) {
            if (n < 0 && errno == EINTR && got_sigint) {
                /* Ctrl-C at the prompt: drop what was typed. */
                strbuf_clear(&sh->input);
                fputs("^C\n", stdout);
                fflush(stdout);
                continue;
            }
            fputc('\n', stdout);
            if (confirm_quit(sh))
                break;
            continue;
        }
        feed_line(sh, line, (size_t)n);
    }
    edit_stop(sh);
}

/* Pipe or script: lines from f, no prompts. */
static void loop_stream(Shell *sh, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (!sh->quit && (n = getline(&line, &cap, f)) > 0)
        feed_line(sh, line, (size_t)n);
    free(line); /* libc-owned (getline) */
    if (!sh->quit)
        feed_eof(sh);
}

/* An -i file: statements run silently (no [INFO] lines). */
static void run_init(Shell *sh, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "fsql: cannot open '%s': %s\n", path, strerror(errno));
        sh->had_sql_error = true;
        return;
    }
    const char *saved_path = sh->path;
    bool saved_inter = sh->interactive;
    uint32_t saved_line = sh->line_no;
    sh->path = path;
    sh->quiet = true;
    sh->interactive = false;
    sh->line_no = 1;
    loop_stream(sh, f);
    fclose(f);
    sh->path = saved_path;
    sh->interactive = saved_inter;
    sh->quiet = false;
    sh->line_no = saved_line;
    sh->quit = false;
}

int shell_main(const ShellConfig *cfg)
{
    Shell sh;
    memset(&sh, 0, sizeof sh);
    sh.cfg = cfg;
    compile_init(&sh.cc);
    sh.cc.offline = false;
    strbuf_init(&sh.input);
    for (int i = 0; i < cfg->n_sets; i++)
        compile_set_option(&sh.cc, cfg->set_keys[i], cfg->set_values[i]);
    FILE *script = NULL;
    if (cfg->script) {
        script = fopen(cfg->script, "r");
        if (!script) {
            fprintf(stderr, "fsql: cannot open '%s': %s\n", cfg->script,
                    strerror(errno));
            compile_fini(&sh.cc);
            strbuf_fini(&sh.input);
            return 3;
        }
    }
    sh.interactive = !script && isatty(STDIN_FILENO);
    sh.live_out = sh.interactive && isatty(STDOUT_FILENO);
    sh.path = script ? cfg->script : "<stdin>";
    sh.line_no = 1;
    if (sh.interactive)
        sh.jobs = shell_jobs_new();

    struct sigaction sa, old_int;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    if (sh.interactive)
        sigaction(SIGINT, &sa, &old_int);

    for (int i = 0; i < cfg->n_inits; i++)
        run_init(&sh, cfg->inits[i]);
    if (sh.interactive)
        loop_interactive(&sh);
    else
        loop_stream(&sh, script ? script : stdin);
    if (script)
        fclose(script);
    shell_jobs_free(sh.jobs); /* stops what still runs */
    if (sh.interactive)
        sigaction(SIGINT, &old_int, NULL);

    int rc = 0;
    if (!sh.interactive)
        rc = sh.had_runtime_error ? 2 : sh.had_sql_error ? 1 : 0;
    compile_fini(&sh.cc);
    strbuf_fini(&sh.input);
    for (uint32_t i = 0; i < sh.n_texts; i++)
        xfree(sh.texts[i]);
    xfree(sh.texts);
    return rc;
}
