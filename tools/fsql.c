/*
 * fsql.c - the fsql command: argument parsing and dispatch only.
 *
 *   fsql validate [-i INIT]... FILE...   compile; report every diagnostic
 *   fsql explain  [-i INIT]... FILE      compile and print the plans
 *   fsql run      [-i INIT]... FILE      compile and run (runtime pending)
 *   fsql -e 'SQL'                        compile/run one text
 *   fsql shell [-i INIT]... [-f FILE]    interactive shell (tools/shell.c)
 *   fsql tokens FILE                     debug: token dump
 *   fsql parse [--dump|--print] FILE     debug: AST dump / canonical SQL
 *
 * The work is done by compiler/ (and later runtime/); this file reads the
 * files, feeds them to a CompileCtx, prints diagnostics to stderr (house
 * text format or JSON lines) and maps the outcome to the exit status:
 * 0 success, 1 SQL errors, 2 runtime failure, 3 bad usage.
 *
 * Source buffers are read once into xmalloc'd memory and stay alive until
 * exit, because the CompileCtx and its diagnostics borrow them.
 */
#include "runtime/fsql.h"
#include "compiler/ast.h"
#include "compiler/ast_print.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "compiler/diag.h"
#include "compiler/plan.h"
#include "compiler/tokenize.h"
#include "runtime/checkpoint_int.h"
#include "runtime/job.h"
#include "runtime/log.h"
#include "runtime/metrics.h"
#include "runtime/mem.h"
#include "runtime/program.h"
#include "runtime/str.h"
#include "tools/shell.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <librdkafka/rdkafka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_OK = 0,
    EXIT_SQL = 1,
    EXIT_RUNTIME = 2,
    EXIT_USAGE = 3,
};

typedef enum Command {
    CMD_NONE,
    CMD_VALIDATE,
    CMD_EXPLAIN,
    CMD_RUN,
    CMD_SHELL,
    CMD_TOKENS,
    CMD_PARSE,
    CMD_EVAL, /* -e 'SQL' */
} Command;

typedef struct Source {
    const char *path; /* as given, "<stdin>" or "<command line>" */
    char *text;       /* xmalloc'd, NUL-terminated; lives until exit */
    size_t len;
    char *buf;        /* the allocation text points into (after a BOM) */
} Source;

typedef struct KeyValue {
    const char *key; /* xmalloc'd copies */
    const char *value;
} KeyValue;

/* Everything the command line says; filled by parse_args. */
typedef struct Options {
    Command cmd;
    const char **inits; /* -i files, in order (borrowed from argv) */
    int n_inits;
    KeyValue *sets; /* --set key=value, in order */
    int n_sets;
    const char **files; /* positional files (borrowed from argv) */
    int n_files;
    const char *eval_sql; /* -e text, or NULL */
    const char *script;   /* shell -f FILE, or NULL */
    const char *output;   /* table|changelog|jsonl|csv, NULL = default */
    bool diag_json;       /* --diag-format=json */
    bool parse_print;     /* parse --print (default --dump) */
    bool use_color;       /* diagnostics in color (stderr is a TTY) */
    bool quiet;           /* run: no summary line on stderr */
    /* issue 10: operations */
    int metrics_port;         /* --metrics-port; -1: no endpoint */
    const char *metrics_bind; /* --metrics-bind; NULL: 127.0.0.1 */
    double shutdown_timeout;  /* --shutdown-timeout seconds; 0: no bound */
    bool stats;               /* --stats: per-table figures at the end */
    const char *checkpoint_dir; /* --checkpoint-dir; NULL: the setting */
} Options;

static Options opt;
static uint32_t total_errors, total_warnings;

/* ---- usage ---------------------------------------------------------------- */

static const char usage_text[] =
    "usage: fsql [OPTIONS] COMMAND [ARGS]\n"
    "       fsql [OPTIONS] -e 'SQL'\n"
    "\n"
    "fsql compiles streaming SQL in the Flink dialect into an operator plan\n"
    "and runs it against Kafka, with lookups into MySQL or SQLite.\n"
    "\n"
    "Commands:\n"
    "  run FILE            compile FILE and run it until its sources end or\n"
    "                      SIGTERM (FILE may be '-' for standard input)\n"
    "  explain FILE        print the optimized operator plan; runs nothing\n"
    "  validate FILE...    parse, bind and type-check each FILE; print every\n"
    "                      error as file:line:col; never connects anywhere\n"
    "  shell [-f FILE]     interactive SQL shell (also plain 'fsql' on a TTY);\n"
    "                      reads FILE or a pipe statement by statement\n"
    "  tokens FILE         debug: print the token stream of FILE\n"
    "  parse [--dump|--print] FILE\n"
    "                      debug: print the syntax tree (--dump, default) or\n"
    "                      the statements back as canonical SQL (--print)\n"
    "\n"
    "Options:\n"
    "  -e SQL              compile and run the SQL text (shown in messages as\n"
    "                      <command line>)\n"
    "  -f FILE             shell: run the statements of FILE one by one, with\n"
    "                      plain output (no prompts, no escape codes)\n"
    "  -i FILE             init file compiled before the main file, e.g. the\n"
    "                      table DDL; may be repeated, order is kept\n"
    "  --set KEY=VALUE     session option, as SET 'KEY' = 'VALUE'; may be\n"
    "                      repeated\n"
    "  --output FORMAT     result format of a top-level SELECT: table,\n"
    "                      changelog, jsonl or csv (default: table on a\n"
    "                      terminal, jsonl otherwise)\n"
    "  -q, --quiet         run: no summary line on standard error\n"
    "  --stats             run: also print per-source, per-sink and lookup\n"
    "                      figures (latency percentiles, cache hit rate)\n"
    "  --metrics-port N    run: serve Prometheus metrics on\n"
    "                      http://127.0.0.1:N/metrics while the job runs\n"
    "  --metrics-bind ADDR address the metrics endpoint listens on (default\n"
    "                      127.0.0.1; 0.0.0.0 for every interface)\n"
    "  --log-level LEVEL   error, warn (default), info or debug: info adds\n"
    "                      one timestamped line per event of note (job\n"
    "                      start, Kafka rebalance, shutdown steps)\n"
    "  --checkpoint-dir DIR  run: take checkpoints into DIR and resume from\n"
    "                      the newest one there on start (overrides\n"
    "                      'state.checkpoints.dir'; docs/checkpoints.md)\n"
    "  --shutdown-timeout T  on SIGTERM/SIGINT, exit within T (seconds, or\n"
    "                      with a unit: 500ms, 30s, 2m; default 30s; 0: no\n"
    "                      bound); a second signal exits at once\n"
    "  --diag-format=FMT   diagnostics as 'text' (default) or 'json' (one\n"
    "                      object per line)\n"
    "  -h, --help          print this help and exit\n"
    "  -V, --version       print the version and exit\n"
    "\n"
    "With no FILE, or when FILE is '-', SQL is read from standard input.\n"
    "Each validate FILE is compiled on its own, after the -i files.\n"
    "Diagnostics go to standard error, in color on a terminal unless NO_COLOR\n"
    "is set.\n"
    "\n"
    "Exit status: 0 success, 1 SQL error, 2 runtime failure, 3 bad usage.\n"
    "\n"
    "Examples:\n"
    "  fsql validate rules.sql\n"
    "  fsql explain -i tables.sql rules.sql\n"
    "  fsql run -i tables.local.sql rules.sql     # backtest on local files\n"
    "  fsql --set table.exec.state.ttl=1h run rules.sql\n"
    "  fsql -e \"SELECT 1\"\n"
    "\n"
    "Documentation: README.md, docs/cli.md, docs/errors.md\n";

static void print_usage(FILE *out)
{
    fputs(usage_text, out);
}

static void print_version(void)
{
    printf("fsql %s\n", FSQL_VERSION);
    printf("parser generated by lemon, lexer by re2c; librdkafka %s, "
           "SQLite %s\n",
           rd_kafka_version_str(), sqlite3_libversion());
}

/* Report bad usage and exit 3. */
static FSQL_NORETURN void usage_error(const char *fmt, ...) FSQL_PRINTF(1, 2);

static void usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("fsql: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'fsql --help' for more information.\n", stderr);
    exit(EXIT_USAGE);
}

/* ---- argument parsing --------------------------------------------------- */

static const struct {
    const char *name;
    Command cmd;
} commands[] = {
    {"validate", CMD_VALIDATE}, {"explain", CMD_EXPLAIN}, {"run", CMD_RUN},
    {"shell", CMD_SHELL},       {"tokens", CMD_TOKENS},   {"parse", CMD_PARSE},
};

static const char *const output_formats[] = {"table", "changelog", "jsonl",
                                             "csv"};

/* If arg is "--name=value" or "--name", return the value: the text after
 * '=' or the next argument (advancing *i).  NULL if arg is another option. */
static const char *long_value(int argc, char **argv, int *i, const char *name)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (arg[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        usage_error("option '%s' needs an argument", name);
    return argv[++*i];
}

/* Same for a short option "-x VALUE" or "-xVALUE". */
static const char *short_value(int argc, char **argv, int *i, char letter)
{
    const char *arg = argv[*i];
    if (arg[0] != '-' || arg[1] != letter)
        return NULL;
    if (arg[2] != '\0')
        return arg + 2;
    if (*i + 1 >= argc)
        usage_error("option '-%c' needs an argument", letter);
    return argv[++*i];
}

static void add_set(const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        usage_error("--set expects KEY=VALUE, got '%s'", kv);
    opt.sets = xrealloc(opt.sets, sizeof(KeyValue) * (size_t)(opt.n_sets + 1));
    char *key = xmalloc((size_t)(eq - kv) + 1);
    memcpy(key, kv, (size_t)(eq - kv));
    key[eq - kv] = '\0';
    opt.sets[opt.n_sets].key = key;
    opt.sets[opt.n_sets].value = xstrdup(eq + 1);
    opt.n_sets++;
}

/* "30", "30s", "500ms", "2m" -> seconds; false when malformed. */
static bool parse_duration(const char *v, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || errno || x < 0 || !isfinite(x))
        return false;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
        *out = x;
    else if (strcmp(end, "ms") == 0)
        *out = x / 1000.0;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        *out = x * 60.0;
    else
        return false;
    return true;
}

static void parse_args(int argc, char **argv)
{
    bool only_files = false;
    opt.metrics_port = -1;
    opt.shutdown_timeout = 30.0;
    opt.inits = xmalloc(sizeof(char *) * (size_t)argc);
    opt.files = xmalloc(sizeof(char *) * (size_t)argc);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (opt.cmd == CMD_NONE && !opt.eval_sql) {
                bool found = false;
                for (size_t c = 0; c < FSQL_ARRAY_LEN(commands); c++) {
                    if (strcmp(arg, commands[c].name) == 0) {
                        opt.cmd = commands[c].cmd;
                        found = true;
                    }
                }
                if (strcmp(arg, "help") == 0) {
                    print_usage(stdout);
                    exit(EXIT_OK);
                }
                if (strcmp(arg, "version") == 0) {
                    print_version();
                    exit(EXIT_OK);
                }
                if (found)
                    continue;
                if (strcmp(arg, "-") != 0) {
                    if (strstr(arg, ".sql"))
                        usage_error("unrecognized command '%s' (to run a "
                                    "file, use 'fsql run %s')",
                                    arg, arg);
                    usage_error("unrecognized command '%s'", arg);
                }
            }
            opt.files[opt.n_files++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = true;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            print_usage(stdout);
            exit(EXIT_OK);
        } else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
            print_version();
            exit(EXIT_OK);
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            opt.quiet = true;
        } else if (strcmp(arg, "--stats") == 0) {
            opt.stats = true;
        } else if ((v = long_value(argc, argv, &i, "--metrics-port")) !=
                   NULL) {
            char *end;
            long port = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || port < 0 || port > 65535)
                usage_error("--metrics-port expects a port number from 0 to "
                            "65535, got '%s'",
                            v);
            opt.metrics_port = (int)port;
        } else if ((v = long_value(argc, argv, &i, "--checkpoint-dir")) !=
                   NULL) {
            if (*v == '\0')
                usage_error("--checkpoint-dir expects a directory");
            opt.checkpoint_dir = v;
        } else if ((v = long_value(argc, argv, &i, "--metrics-bind")) !=
                   NULL) {
            opt.metrics_bind = v;
        } else if ((v = long_value(argc, argv, &i, "--log-level")) != NULL) {
            LogLevel lv;
            if (!log_level_parse(v, &lv))
                usage_error("unrecognized log level '%s' (expected error, "
                            "warn, info or debug)",
                            v);
            log_set_level(lv);
        } else if ((v = long_value(argc, argv, &i, "--shutdown-timeout")) !=
                   NULL) {
            if (!parse_duration(v, &opt.shutdown_timeout))
                usage_error("--shutdown-timeout expects a duration such as "
                            "30, 30s or 500ms, got '%s'",
                            v);
        } else if (strcmp(arg, "--dump") == 0) {
            opt.parse_print = false;
        } else if (strcmp(arg, "--print") == 0) {
            opt.parse_print = true;
        } else if ((v = long_value(argc, argv, &i, "--set")) != NULL) {
            add_set(v);
        } else if ((v = long_value(argc, argv, &i, "--output")) != NULL) {
            bool ok = false;
            for (size_t k = 0; k < FSQL_ARRAY_LEN(output_formats); k++)
                ok |= strcmp(v, output_formats[k]) == 0;
            if (!ok)
                usage_error("unrecognized output format '%s' (expected "
                            "table, changelog, jsonl or csv)",
                            v);
            opt.output = v;
        } else if ((v = long_value(argc, argv, &i, "--diag-format")) != NULL) {
            if (strcmp(v, "json") == 0)
                opt.diag_json = true;
            else if (strcmp(v, "text") == 0)
                opt.diag_json = false;
            else
                usage_error("unrecognized diagnostics format '%s' (expected "
                            "text or json)",
                            v);
        } else if ((v = long_value(argc, argv, &i, "--init")) != NULL ||
                   (v = short_value(argc, argv, &i, 'i')) != NULL) {
            opt.inits[opt.n_inits++] = v;
        } else if ((v = short_value(argc, argv, &i, 'f')) != NULL) {
            opt.script = v;
        } else if ((v = short_value(argc, argv, &i, 'e')) != NULL) {
            if (opt.eval_sql)
                usage_error("option '-e' given twice");
            opt.eval_sql = v;
        } else {
            usage_error("unrecognized option '%s'", arg);
        }
    }
    if (opt.eval_sql) {
        if (opt.cmd != CMD_NONE)
            usage_error("'-e' cannot be combined with a command");
        if (opt.n_files)
            usage_error("'-e' takes the SQL text; unexpected argument '%s'",
                        opt.files[0]);
        opt.cmd = CMD_EVAL;
    }
    if (opt.script && opt.cmd != CMD_SHELL && opt.cmd != CMD_NONE)
        usage_error("'-f' is an option of 'fsql shell'");
    if ((opt.parse_print) && opt.cmd != CMD_PARSE)
        usage_error("'--print' is an option of 'fsql parse'");
}

/* ---- sources -------------------------------------------------------------- */

/* Read a whole file ("-" = stdin) into a Source; bad usage on failure. */
static Source read_source(const char *path)
{
    Source s;
    FILE *f;
    bool is_stdin = strcmp(path, "-") == 0;
    if (is_stdin) {
        f = stdin;
        s.path = "<stdin>";
    } else {
        f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "fsql: cannot open '%s': %s\n", path,
                    strerror(errno));
            exit(EXIT_USAGE);
        }
        s.path = path;
    }
    size_t cap = 8192, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (cap - len < 4096) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "fsql: cannot read '%s': %s\n", path, strerror(errno));
        exit(EXIT_USAGE);
    }
    if (!is_stdin)
        fclose(f);
    buf[len] = '\0';
    s.text = buf;
    s.len = len;
    s.buf = buf;
    /* A UTF-8 byte order mark is not part of the SQL. */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        s.text = buf + 3;
        s.len = len - 3;
    }
    return s;
}

/* Arrays of sources read, freed at exit (the diagnostics borrow their
 * text until then). */
static struct {
    Source *v;
    int n;
} kept_sources[4];
static size_t n_kept;

static void free_kept_sources(void)
{
    for (size_t i = 0; i < n_kept; i++) {
        for (int k = 0; k < kept_sources[i].n; k++)
            xfree(kept_sources[i].v[k].buf);
        xfree(kept_sources[i].v);
    }
    n_kept = 0;
}

static void keep_source_text(Source *v, int n)
{
    if (n_kept == 0)
        atexit(free_kept_sources);
    if (n_kept < FSQL_ARRAY_LEN(kept_sources)) {
        kept_sources[n_kept].v = v;
        kept_sources[n_kept].n = n;
        n_kept++;
    }
}

/* A heap copy of s, freed at exit with its text. */
static Source *source_keep(Source s)
{
    Source *v = xmalloc(sizeof(Source));
    *v = s;
    keep_source_text(v, 1);
    return v;
}

static Source *sources_read(const char **paths, int n)
{
    Source *v = xmalloc(sizeof(Source) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        v[i] = read_source(paths[i]);
    return v;
}

/* ---- diagnostics -------------------------------------------------------- */

/* Print the diagnostics of cc (all of them; call once per CompileCtx) and
 * add them to the totals. */
static void report(CompileCtx *cc)
{
    fflush(stdout);
    if (opt.diag_json)
        diag_render_json(&cc->diags, stderr);
    else
        diag_render(&cc->diags, stderr, opt.use_color);
    total_errors += cc->diags.n_errors;
    total_warnings += cc->diags.n_warnings;
    fflush(stderr);
}

/* "2 errors, 1 warning generated." when there were errors (text mode). */
static void summary(void)
{
    if (opt.diag_json || total_errors == 0)
        return;
    fprintf(stderr, "%u error%s", total_errors, total_errors == 1 ? "" : "s");
    if (total_warnings)
        fprintf(stderr, ", %u warning%s", total_warnings,
                total_warnings == 1 ? "" : "s");
    fputs(" generated.\n", stderr);
}

/* A fresh CompileCtx with the --set options applied and the -i files
 * compiled.  Returns false if the init files had errors. */
static bool ctx_start(CompileCtx *cc, Source *inits, bool offline)
{
    compile_init(cc);
    cc->offline = offline;
    for (int i = 0; i < opt.n_sets; i++)
        compile_set_option(cc, opt.sets[i].key, opt.sets[i].value);
    for (int i = 0; i < opt.n_inits && !cc->diags.stopped; i++)
        compile_source(cc, inits[i].path, inits[i].text, inits[i].len);
    return cc->diags.n_errors == 0;
}

/* ---- commands ------------------------------------------------------------- */

static int cmd_validate(Source *inits, Source *files, int n_files)
{
    for (int f = 0; f < n_files; f++) {
        CompileCtx cc;
        if (ctx_start(&cc, inits, true) || !cc.diags.stopped)
            compile_source(&cc, files[f].path, files[f].text, files[f].len);
        report(&cc);
        compile_fini(&cc);
    }
    summary();
    return total_errors ? EXIT_SQL : EXIT_OK;
}

static int cmd_explain(Source *inits, Source *file)
{
    CompileCtx cc;
    ctx_start(&cc, inits, true);
    if (!cc.diags.stopped)
        compile_source(&cc, file->path, file->text, file->len);
    int rc = EXIT_OK;
    if (cc.diags.n_errors == 0) {
        StrBuf sb;
        strbuf_init(&sb);
        for (uint32_t i = 0; i < cc.n_plans; i++) {
            if (i > 0)
                strbuf_putc(&sb, '\n');
            explain_plan(&cc, cc.plans[i], &sb);
            if (sb.len && sb.ptr[sb.len - 1] != '\n')
                strbuf_putc(&sb, '\n');
        }
        fwrite(strbuf_cstr(&sb), 1, sb.len, stdout);
        strbuf_fini(&sb);
    } else {
        rc = EXIT_SQL;
    }
    report(&cc);
    compile_fini(&cc);
    summary();
    return rc;
}

/* Whether plan program p reads (scans or looks up) a table that one of
 * progs[0..n) writes: then p must wait for them to finish. */
static bool reads_written_table(const Program *p, Program *const *progs,
                                uint32_t n)
{
    for (uint32_t t = 0; t < p->n_tables; t++) {
        if (!(p->tables[t].roles & (TABLE_SOURCE | TABLE_LOOKUP)))
            continue;
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t u = 0; u < progs[k]->n_tables; u++)
                if ((progs[k]->tables[u].roles & TABLE_SINK) &&
                    strcmp(progs[k]->tables[u].name, p->tables[t].name) == 0)
                    return true;
    }
    return false;
}

static uint32_t jobs_started; /* jobs that opened (run_summary) */
static uint32_t jobs_created; /* jobs built (checkpoint subdirectories) */

/* ---- graceful shutdown (issue 10) ------------------------------------------
 *
 * fsql run owns SIGINT/SIGTERM for the whole run, job_free (closing the
 * connectors: Kafka producers flushed, consumer offsets committed)
 * included.  The first signal asks the job to stop and arms a SIGALRM
 * after --shutdown-timeout; the second signal, or the alarm, ends the
 * process at once with a message.  Handlers only use async-signal-safe
 * calls (write, alarm, _exit, clock_gettime). */

static volatile sig_atomic_t signals_seen;
static struct timespec stop_at; /* when the first signal came */
static char alarm_msg[160];
static size_t alarm_msg_len;

static void on_stop_signal(int sig)
{
    if (signals_seen++) {
        static const char msg[] =
            "fsql: second signal; exiting at once (output may be "
            "incomplete)\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
        _exit(128 + sig);
    }
    clock_gettime(CLOCK_MONOTONIC, &stop_at);
    job_request_stop();
    if (opt.shutdown_timeout > 0)
        alarm((unsigned)ceil(opt.shutdown_timeout));
}

static void on_shutdown_alarm(int sig)
{
    (void)sig;
    ssize_t w = write(STDERR_FILENO, alarm_msg, alarm_msg_len);
    (void)w;
    _exit(EXIT_RUNTIME);
}

static void install_stop_signals(void)
{
    snprintf(alarm_msg, sizeof alarm_msg,
             "fsql: shutdown did not finish within %g s "
             "(--shutdown-timeout); exiting\n",
             ceil(opt.shutdown_timeout));
    alarm_msg_len = strlen(alarm_msg);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_shutdown_alarm;
    sigaction(SIGALRM, &sa, NULL);
}

static double since_stop(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - stop_at.tv_sec) +
           (double)(now.tv_nsec - stop_at.tv_nsec) / 1e9;
}

/* Run progs[0..n) as one job; adds to *total.  Returns an exit status. */
static int run_job(Program *const *progs, uint32_t n, JobStats *total)
{
    JobConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.out = stdout;
    cfg.err_out = stderr;
    cfg.install_signals = true;
    cfg.signals_external = true; /* install_stop_signals */
    cfg.output = isatty(STDOUT_FILENO) ? OUTPUT_TABLE : OUTPUT_JSONL;
    if (opt.output)
        output_format_parse(opt.output, &cfg.output);
    cfg.checkpoint_dir = opt.checkpoint_dir; /* issue 10 */
    cfg.job_index = jobs_created++;
    FsqlErr err;
    fsql_err_clear(&err);
    Job *j = job_new((const Program *const *)progs, n, &cfg, &err);
    int rc = j ? job_open(j, &err) : err.code;
    bool started = rc == FSQL_OK;
    if (rc == FSQL_OK)
        rc = job_run(j, &err);
    if (j && started && opt.stats && !opt.quiet) {
        metrics_job_summary(j, stderr);
        ckpt_summary(j, stderr); /* issue 10: checkpoints */
    }
    if (j && started) {
        jobs_started++;
        JobStats st = job_stats(j);
        total->rows_in += st.rows_in;
        total->rows_out += st.rows_out;
        total->rows_skipped += st.rows_skipped;
        total->fields_nulled += st.fields_nulled;
        total->rows_late += st.rows_late;
        total->lookups_failed += st.lookups_failed; /* issue 6 */
        total->seconds += st.seconds;
        total->stopped |= st.stopped;
    }
    if (signals_seen)
        log_info("shutdown: closing connectors (Kafka producers flushed, "
                 "source offsets committed)");
    job_free(j);
    fflush(stdout);
    if (signals_seen)
        log_info("shutdown: complete %.3f s after the signal", since_stop());
    if (rc < 0) {
        fprintf(stderr, "fsql: %s\n", err.msg[0] ? err.msg : "the job failed");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* "fsql: 1000 rows in, 10 rows out, 2500000 events/s" on stderr. */
static void run_summary(const JobStats *st)
{
    if (opt.quiet)
        return;
    double secs = st->seconds > 0.0005 ? st->seconds : 0.0005;
    fprintf(stderr, "fsql: %llu row%s in, %llu row%s out, %.0f events/s",
            (unsigned long long)st->rows_in, st->rows_in == 1 ? "" : "s",
            (unsigned long long)st->rows_out, st->rows_out == 1 ? "" : "s",
            (double)st->rows_in / secs);
    if (st->rows_skipped)
        fprintf(stderr, ", %llu malformed row%s skipped",
                (unsigned long long)st->rows_skipped,
                st->rows_skipped == 1 ? "" : "s");
    if (st->fields_nulled)
        fprintf(stderr, ", %llu bad field%s read as NULL",
                (unsigned long long)st->fields_nulled,
                st->fields_nulled == 1 ? "" : "s");
    if (st->rows_late)
        fprintf(stderr, ", %llu late row%s dropped",
                (unsigned long long)st->rows_late,
                st->rows_late == 1 ? "" : "s");
    if (st->lookups_failed) /* lookup.failure-mode NULL (issue 6) */
        fprintf(stderr, ", %llu failed lookup%s passed with NULL "
                "dimension columns",
                (unsigned long long)st->lookups_failed,
                st->lookups_failed == 1 ? "" : "s");
    if (st->stopped)
        fputs(" (stopped)", stderr);
    fputc('\n', stderr);
}

static int cmd_run(Source *inits, Source *file)
{
    CompileCtx cc;
    ctx_start(&cc, inits, false);
    if (!cc.diags.stopped)
        compile_source(&cc, file->path, file->text, file->len);
    /* Programs for every plan; EXPLAIN statements print their plan. */
    Program **progs = xmalloc(sizeof(Program *) * (cc.n_plans + 1));
    uint32_t n = 0;
    StrBuf explained;
    strbuf_init(&explained);
    for (uint32_t i = 0; i < cc.n_plans && cc.diags.n_errors == 0; i++) {
        if (cc.plans[i]->is_explain) {
            explain_plan(&cc, cc.plans[i], &explained);
            continue;
        }
        Program *p = codegen_program(&cc, cc.plans[i]);
        if (p)
            progs[n++] = p;
    }
    report(&cc);
    bool failed = cc.diags.n_errors > 0;
    compile_fini(&cc);
    summary();
    int rc = EXIT_OK;
    if (failed) {
        rc = EXIT_SQL;
    } else {
        fwrite(strbuf_cstr(&explained), 1, explained.len, stdout);
        JobStats total;
        memset(&total, 0, sizeof total);
        install_stop_signals();
        if (opt.metrics_port >= 0 || opt.stats) {
            const char *iv = getenv("FSQL_METRICS_INTERVAL_MS");
            metrics_init(iv ? strtoll(iv, NULL, 10) : 0);
        }
        if (opt.metrics_port >= 0) {
            FsqlErr merr;
            fsql_err_clear(&merr);
            if (http_metrics_start(opt.metrics_bind, opt.metrics_port,
                                   &merr) < 0) {
                fprintf(stderr, "fsql: %s\n", merr.msg);
                rc = EXIT_RUNTIME;
            }
        }
        /* Plans run together as one job (every source read once), except
         * that a plan reading a table an earlier plan writes waits for
         * that job to end. */
        uint32_t start = 0;
        for (uint32_t i = 0; i <= n && rc == EXIT_OK && !total.stopped;
             i++) {
            if (i < n && (i == start ||
                          !reads_written_table(progs[i], progs + start,
                                               i - start)))
                continue;
            if (i > start)
                rc = run_job(progs + start, i - start, &total);
            start = i;
        }
        if (jobs_started > 0)
            run_summary(&total);
        http_metrics_stop();
    }
    for (uint32_t i = 0; i < n; i++)
        program_free(progs[i]);
    xfree(progs);
    strbuf_fini(&explained);
    return rc;
}

/* Register a source with cc without compiling it (for the token dump). */
static void ctx_set_source(CompileCtx *cc, Source *s)
{
    cc->src = s->text;
    cc->src_len = s->len;
    cc->path = s->path;
    cc->base_dir = ".";
    cc->src_id = diaglist_add_source(&cc->diags, s->path, s->text, s->len);
}

static int cmd_tokens(Source *file)
{
    CompileCtx cc;
    compile_init(&cc);
    ctx_set_source(&cc, file);
    StrBuf sb;
    strbuf_init(&sb);
    tokenize_dump(&cc, &sb);
    fwrite(strbuf_cstr(&sb), 1, sb.len, stdout);
    strbuf_fini(&sb);
    report(&cc);
    int rc = cc.diags.n_errors ? EXIT_SQL : EXIT_OK;
    compile_fini(&cc);
    summary();
    return rc;
}

static int cmd_parse(Source *file)
{
    CompileCtx cc;
    compile_init(&cc);
    cc.want_ast_dump = true;
    compile_parse_only(&cc, file->path, file->text, file->len);
    StrBuf sb;
    strbuf_init(&sb);
    for (uint32_t i = 0; i < cc.n_stmts; i++) {
        if (opt.parse_print) {
            ast_print_stmt(&sb, cc.stmts[i].node);
            strbuf_puts(&sb, ";\n");
        } else {
            ast_dump(&sb, cc.stmts[i].node);
            if (sb.len && sb.ptr[sb.len - 1] != '\n')
                strbuf_putc(&sb, '\n');
        }
    }
    fwrite(strbuf_cstr(&sb), 1, sb.len, stdout);
    strbuf_fini(&sb);
    report(&cc);
    int rc = cc.diags.n_errors ? EXIT_SQL : EXIT_OK;
    compile_fini(&cc);
    summary();
    return rc;
}

static int cmd_shell(void)
{
    if (opt.n_files)
        usage_error("'fsql shell' takes no file argument (use -f %s)",
                    opt.files[0]);
    ShellConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.inits = opt.inits;
    cfg.n_inits = opt.n_inits;
    const char **keys = xmalloc(sizeof(char *) * (size_t)(opt.n_sets + 1));
    const char **values = xmalloc(sizeof(char *) * (size_t)(opt.n_sets + 1));
    for (int i = 0; i < opt.n_sets; i++) {
        keys[i] = opt.sets[i].key;
        values[i] = opt.sets[i].value;
    }
    cfg.set_keys = keys;
    cfg.set_values = values;
    cfg.n_sets = opt.n_sets;
    cfg.script = opt.script;
    cfg.output = opt.output;
    cfg.diag_json = opt.diag_json;
    cfg.use_color = opt.use_color;
    int rc = shell_main(&cfg);
    xfree(keys);
    xfree(values);
    return rc;
}

/* ---- main ------------------------------------------------------------------ */

static bool want_color(void)
{
    const char *no = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    if (no && *no)
        return false;
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(STDERR_FILENO) != 0;
}

/* The single FILE of explain/run/tokens/parse ("-" when none). */
static const char *one_file(const char *cmd)
{
    if (opt.n_files > 1)
        usage_error("'fsql %s' takes one file, got %d", cmd, opt.n_files);
    return opt.n_files ? opt.files[0] : "-";
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    opt.use_color = want_color();
    if (opt.cmd == CMD_NONE) {
        if (opt.n_files == 0 && (isatty(STDIN_FILENO) || opt.script))
            return cmd_shell();
        opt.cmd = CMD_RUN; /* `fsql < rules.sql` or `fsql -` */
    }
    if (opt.cmd == CMD_SHELL)
        return cmd_shell();
    if (opt.cmd != CMD_PARSE && opt.cmd != CMD_TOKENS && opt.cmd != CMD_EVAL &&
        opt.cmd != CMD_RUN && opt.cmd != CMD_VALIDATE && opt.cmd != CMD_EXPLAIN)
        usage_error("no command given");

    /* Read every file up front so that a missing file is reported before
     * any compilation output. */
    const char *single = NULL;
    switch (opt.cmd) {
    case CMD_EXPLAIN:
        single = one_file("explain");
        break;
    case CMD_RUN:
        single = one_file("run");
        break;
    case CMD_TOKENS:
        single = one_file("tokens");
        break;
    case CMD_PARSE:
        single = one_file("parse");
        break;
    default:
        break;
    }
    if ((opt.cmd == CMD_TOKENS || opt.cmd == CMD_PARSE) && opt.n_inits)
        usage_error("'-i' does not apply to 'fsql %s'",
                    opt.cmd == CMD_TOKENS ? "tokens" : "parse");
    Source *inits = sources_read(opt.inits, opt.n_inits);
    keep_source_text(inits, opt.n_inits);

    switch (opt.cmd) {
    case CMD_VALIDATE: {
        static const char *stdin_only[] = {"-"};
        const char **paths = opt.n_files ? opt.files : stdin_only;
        int n = opt.n_files ? opt.n_files : 1;
        Source *files = sources_read(paths, n);
        keep_source_text(files, n);
        return cmd_validate(inits, files, n);
    }
    case CMD_EXPLAIN:
        return cmd_explain(inits, source_keep(read_source(single)));
    case CMD_RUN:
        return cmd_run(inits, source_keep(read_source(single)));
    case CMD_EVAL: {
        Source s;
        s.path = "<command line>";
        s.len = strlen(opt.eval_sql);
        s.text = xmalloc(s.len + 1);
        memcpy(s.text, opt.eval_sql, s.len + 1);
        s.buf = s.text;
        return cmd_run(inits, source_keep(s));
    }
    case CMD_TOKENS:
        return cmd_tokens(source_keep(read_source(single)));
    case CMD_PARSE:
        return cmd_parse(source_keep(read_source(single)));
    default:
        break;
    }
    return EXIT_USAGE;
}
