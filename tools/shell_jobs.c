/*
 * shell_jobs.c - background jobs of `fsql shell`: a child process per
 * job, its status file and log, SHOW JOBS / STOP JOB support
 * (shell_jobs.h has the design).
 *
 * Parent side: the list of jobs, reaping with waitpid(WNOHANG) whenever
 * the shell looks (before a prompt, at SHOW JOBS), and reading the status
 * file each child keeps.  Child side (child_main): runs the Program like
 * `fsql run` does, with the runtime's own SIGINT/SIGTERM handling, and a
 * thread that rewrites the status file from the metrics snapshot.  The
 * child never returns into the shell's code: it ends with _exit, so the
 * shell's stdio buffers and libedit state are not touched twice.
 */
#include "runtime/fsql.h"
#include "tools/shell_jobs.h"
#include "runtime/err.h"
#include "runtime/job.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/metrics.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define STATUS_PERIOD_MS 250
#define STMT_WIDTH 40 /* characters of a statement in SHOW JOBS */

struct ShellJobs {
    BgJob **v;
    uint32_t n, cap;
    char dir[PATH_MAX];
};

static const char *const state_names[] = {"STARTING", "RUNNING",  "STOPPING",
                                          "FINISHED", "CANCELED", "FAILED"};

const char *shell_jobs_state_name(BgState s)
{
    return state_names[s];
}

static bool state_ended(BgState s)
{
    return s == BG_FINISHED || s == BG_CANCELED || s == BG_FAILED;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- the job directory ------------------------------------------------ */

/* Create (or check) the directory of logs and status files: it must be
 * a real directory owned by us, not a symlink someone planted in /tmp. */
static bool jobs_dir_open(ShellJobs *js, char *msg, size_t msg_len)
{
    if (js->dir[0])
        return true;
    char dir[PATH_MAX];
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && xdg[0] == '/' && access(xdg, W_OK | X_OK) == 0)
        snprintf(dir, sizeof dir, "%s/fsql", xdg);
    else
        snprintf(dir, sizeof dir, "/tmp/fsql-%u", (unsigned)getuid());
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(msg, msg_len, "cannot create the job directory '%s': %s", dir,
                 strerror(errno));
        return false;
    }
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
        snprintf(msg, msg_len,
                 "the job directory '%s' is not a directory of yours", dir);
        return false;
    }
    snprintf(js->dir, sizeof js->dir, "%s", dir);
    return true;
}

const char *shell_jobs_dir(const ShellJobs *js)
{
    return js->dir;
}

/* 8 random hex digits, not used by another job of this session nor by a
 * file in the directory. */
static void new_id(ShellJobs *js, char id[9])
{
    for (int attempt = 0;; attempt++) {
        uint32_t r = 0;
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, &r, sizeof r) != (ssize_t)sizeof r) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            r = (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16) ^
                (uint32_t)attempt * 2654435761u;
        }
        if (fd >= 0)
            close(fd);
        snprintf(id, 9, "%08x", r);
        bool taken = false;
        for (uint32_t i = 0; i < js->n && !taken; i++)
            taken = strcmp(js->v[i]->id, id) == 0;
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s.log", js->dir, id);
        if (!taken && access(path, F_OK) != 0)
            return;
    }
}

/* ---- status files ------------------------------------------------------- */

/* Write the status file atomically (a temporary file, then rename), with
 * plain syscalls: the child's thread and its main thread both use it,
 * one at a time. */
static void status_write(const char *path, const char *state, uint64_t in,
                         uint64_t out, const char *error)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "state %s\nrows_in %llu\nrows_out %llu\n",
                     state, (unsigned long long)in, (unsigned long long)out);
    if (error && n > 0 && (size_t)n < sizeof buf) {
        size_t len = strcspn(error, "\n");
        n += snprintf(buf + n, sizeof buf - (size_t)n, "error %.*s\n",
                      (int)(len > 400 ? 400 : len), error);
    }
    if (n < 0 || (size_t)n >= sizeof buf)
        n = (int)sizeof buf - 1;
    char tmp[PATH_MAX + 48];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    ssize_t w = write(fd, buf, (size_t)n);
    close(fd);
    if (w == n)
        rename(tmp, path);
    else
        unlink(tmp);
}

/* Read a status file into b (state, rows, error).  False when it is not
 * there (yet). */
static bool status_read(BgJob *b, BgState *state)
{
    FILE *f = fopen(b->status_path, "r");
    if (!f)
        return false;
    char line[1024];
    bool have_state = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "state ", 6) == 0) {
            for (size_t i = 0; i < FSQL_ARRAY_LEN(state_names); i++) {
                if (strcmp(line + 6, state_names[i]) == 0) {
                    *state = (BgState)i;
                    have_state = true;
                }
            }
        } else if (strncmp(line, "rows_in ", 8) == 0) {
            b->rows_in = strtoull(line + 8, NULL, 10);
        } else if (strncmp(line, "rows_out ", 9) == 0) {
            b->rows_out = strtoull(line + 9, NULL, 10);
        } else if (strncmp(line, "error ", 6) == 0) {
            xfree(b->error);
            b->error = xstrdup(line + 6);
        }
    }
    fclose(f);
    return have_state;
}

/* ---- the child ---------------------------------------------------------- */

typedef struct ChildStatus {
    const char *path;
    atomic_bool done;
} ChildStatus;

/* Sum of the samples of one metric family in Prometheus text. */
static uint64_t metric_sum(const char *text, const char *name)
{
    uint64_t sum = 0;
    size_t nl = strlen(name);
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        if (strncmp(p, name, nl) == 0 && (p[nl] == '{' || p[nl] == ' ')) {
            const char *sp = p + nl;
            const char *end = eol ? eol : p + strlen(p);
            const char *v = end;
            while (v > sp && v[-1] != ' ')
                v--;
            sum += strtoull(v, NULL, 10);
        }
        p = eol ? eol + 1 : NULL;
    }
    return sum;
}

static void *status_thread(void *arg)
{
    ChildStatus *cs = arg;
    while (!atomic_load(&cs->done)) {
        sleep_ms(STATUS_PERIOD_MS);
        if (atomic_load(&cs->done))
            break;
        size_t len;
        char *text = metrics_snapshot_copy(&len);
        status_write(cs->path, "RUNNING",
                     metric_sum(text, "fsql_source_records_total"),
                     metric_sum(text, "fsql_sink_records_total"), NULL);
        xfree(text);
    }
    return NULL;
}

/* Runs in the forked child; never returns. */
static FSQL_NORETURN void child_main(const Program *p, const BgJob *b,
                                     pid_t shell_pid)
{
    setpgid(0, 0); /* Ctrl-C at the shell's prompt is not for us */
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != shell_pid)
        _exit(1); /* the shell died before prctl */
#else
    (void)shell_pid;
#endif
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    int null_fd = open("/dev/null", O_RDONLY);
    int log_fd = open(b->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (null_fd < 0 || log_fd < 0)
        _exit(3);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    close(null_fd);
    close(log_fd);
    setvbuf(stdout, NULL, _IOLBF, 0); /* print sinks: a line at a time */
    if (!log_enabled(LOG_INFO))
        log_set_level(LOG_INFO); /* --log-level debug stays */
    log_info("background job %s of fsql shell (pid %d): %s", b->id,
             (int)getpid(), b->stmt);
    status_write(b->status_path, "STARTING", 0, 0, NULL);

    metrics_init(STATUS_PERIOD_MS);
    JobConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.output = OUTPUT_JSONL;
    cfg.out = stdout;
    cfg.err_out = stderr;
    cfg.install_signals = true; /* SIGTERM: graceful stop */
    FsqlErr err;
    fsql_err_clear(&err);
    const Program *const progs[1] = {p};
    Job *j = job_new(progs, 1, &cfg, &err);
    int rc = j ? job_open(j, &err) : err.code;
    JobStats st;
    memset(&st, 0, sizeof st);
    if (rc == FSQL_OK) {
        status_write(b->status_path, "RUNNING", 0, 0, NULL);
        /* The status thread must not take our signals: block them while
         * it is created (it inherits the mask). */
        ChildStatus cs;
        cs.path = b->status_path;
        atomic_init(&cs.done, false);
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &block, &old);
        pthread_t th;
        bool have_th = pthread_create(&th, NULL, status_thread, &cs) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        rc = job_run(j, &err);
        atomic_store(&cs.done, true);
        if (have_th)
            pthread_join(th, NULL);
        st = job_stats(j);
    }
    /* Close the connectors (files finished, Kafka committed) before
     * saying the job has ended. */
    job_free(j);
    if (rc != FSQL_OK) {
        const char *m = err.msg[0] ? err.msg : "the job failed";
        fprintf(stderr, "fsql: %s\n", m);
        status_write(b->status_path, "FAILED", st.rows_in, st.rows_out, m);
        fflush(NULL);
        _exit(2);
    }
    log_info("background job %s %s: %llu rows in, %llu rows out", b->id,
             st.stopped ? "canceled" : "finished",
             (unsigned long long)st.rows_in, (unsigned long long)st.rows_out);
    status_write(b->status_path, st.stopped ? "CANCELED" : "FINISHED",
                 st.rows_in, st.rows_out, NULL);
    fflush(NULL);
    _exit(0);
}

/* ---- the parent ----------------------------------------------------------- */

ShellJobs *shell_jobs_new(void)
{
    ShellJobs *js = xcalloc(1, sizeof *js);
    return js;
}

/* Collapse white space and cut to STMT_WIDTH characters (the last three
 * "..." when cut). */
static char *stmt_summary(const char *s, size_t n)
{
    char *out = xmalloc(n + 4);
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            space = k > 0;
            continue;
        }
        if (space)
            out[k++] = ' ';
        space = false;
        out[k++] = (char)c;
    }
    if (k && out[k - 1] == ';')
        k--;
    out[k] = '\0';
    size_t chars = 0;
    for (size_t i = 0; i < k; i++) {
        if (((unsigned char)out[i] & 0xC0) == 0x80)
            continue;
        if (chars == STMT_WIDTH - 3) {
            size_t rest = 0; /* characters from here on */
            for (size_t j = i; j < k; j++)
                rest += ((unsigned char)out[j] & 0xC0) != 0x80;
            if (rest > 3)
                memcpy(out + i, "...", 4);
            break;
        }
        chars++;
    }
    return out;
}

/* Update one job from waitpid and its status file. */
static void job_refresh(BgJob *b)
{
    if (b->exited)
        return;
    int ws = 0;
    pid_t r = waitpid(b->pid, &ws, WNOHANG);
    BgState fs = BG_STARTING;
    bool have = status_read(b, &fs);
    if (r == 0 || (r < 0 && errno == EINTR)) {
        /* Still running (maybe about to exit: the final status is
         * written just before). */
        b->ending = have && state_ended(fs);
        if (have && !b->stop_sent)
            b->state = fs == BG_STARTING ? BG_STARTING : BG_RUNNING;
        else if (b->stop_sent)
            b->state = BG_STOPPING;
        return;
    }
    b->exited = true;
    if (have && state_ended(fs)) {
        b->state = fs;
        return;
    }
    /* Ended without saying how: killed, or died early. */
    char msg[160];
    if (r > 0 && WIFSIGNALED(ws)) {
        if (b->stop_sent) {
            b->state = BG_CANCELED; /* forced (a second signal, SIGKILL) */
            return;
        }
        snprintf(msg, sizeof msg, "the job process was killed by signal %d",
                 WTERMSIG(ws));
    } else if (r > 0) {
        snprintf(msg, sizeof msg,
                 "the job process exited with status %d; see its log",
                 WEXITSTATUS(ws));
    } else {
        snprintf(msg, sizeof msg, "the job process is gone");
    }
    b->state = BG_FAILED;
    xfree(b->error);
    b->error = xstrdup(msg);
}

void shell_jobs_refresh(ShellJobs *js)
{
    for (uint32_t i = 0; i < js->n; i++)
        job_refresh(js->v[i]);
}

const BgJob *shell_jobs_start(ShellJobs *js, const Program *p, const char *stmt,
                              size_t stmt_len, const char *ckpt_dir, char *msg,
                              size_t msg_len)
{
    if (!jobs_dir_open(js, msg, msg_len))
        return NULL;
    BgJob *b = xcalloc(1, sizeof *b);
    new_id(js, b->id);
    b->stmt = stmt_summary(stmt, stmt_len);
    if (ckpt_dir && strncmp(ckpt_dir, "file://", 7) == 0)
        ckpt_dir += 7; /* as runtime/checkpoint.c reads it */
    b->ckpt_dir = ckpt_dir && *ckpt_dir ? xstrdup(ckpt_dir) : NULL;
    snprintf(b->log_path, sizeof b->log_path, "%s/%s.log", js->dir, b->id);
    snprintf(b->status_path, sizeof b->status_path, "%s/%s.status", js->dir,
             b->id);
    unlink(b->status_path);
    b->state = BG_STARTING;
    b->started = time(NULL);
    pid_t shell_pid = getpid();
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, msg_len, "cannot start a background job: %s",
                 strerror(errno));
        xfree(b->stmt);
        xfree(b->ckpt_dir);
        xfree(b);
        return NULL;
    }
    if (pid == 0)
        child_main(p, b, shell_pid);
    setpgid(pid, pid); /* also here: no race with a quick STOP JOB */
    b->pid = pid;
    if (js->n == js->cap) {
        js->cap = js->cap ? js->cap * 2 : 8;
        js->v = xrealloc(js->v, sizeof(BgJob *) * js->cap);
    }
    js->v[js->n++] = b;
    /* Give it a moment to open its connectors: an error there (a missing
     * file, an unknown host) is then reported with the submission. */
    double t0 = job_now_mono_s();
    do {
        sleep_ms(20);
        job_refresh(b);
    } while ((b->state == BG_STARTING || b->ending) && !b->exited &&
             job_now_mono_s() - t0 < 2.0);
    return b;
}

bool shell_jobs_newest_checkpoint(const BgJob *b, char *out, size_t n)
{
    if (!b->ckpt_dir)
        return false;
    DIR *d = opendir(b->ckpt_dir);
    if (!d)
        return false;
    /* chk-<10-digit id>.fsqlcp: the greatest name is the newest. */
    char best[256] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len >= sizeof best || strncmp(e->d_name, "chk-", 4) != 0 ||
            len < 11 || strcmp(e->d_name + len - 7, ".fsqlcp") != 0)
            continue;
        if (strcmp(e->d_name, best) > 0)
            memcpy(best, e->d_name, len + 1);
    }
    closedir(d);
    if (!best[0])
        return false;
    snprintf(out, n, "%s/%s", b->ckpt_dir, best);
    return true;
}

uint32_t shell_jobs_count(const ShellJobs *js)
{
    return js->n;
}

const BgJob *shell_jobs_get(const ShellJobs *js, uint32_t i)
{
    return i < js->n ? js->v[i] : NULL;
}

uint32_t shell_jobs_running(const ShellJobs *js)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < js->n; i++)
        n += !js->v[i]->exited;
    return n;
}

const BgJob *shell_jobs_next_ended(ShellJobs *js)
{
    for (uint32_t i = 0; i < js->n; i++) {
        BgJob *b = js->v[i];
        if (b->exited && !b->reported) {
            b->reported = true;
            return b;
        }
    }
    return NULL;
}

BgJob *shell_jobs_find(ShellJobs *js, const char *id, bool *ambiguous)
{
    *ambiguous = false;
    size_t n = strlen(id);
    BgJob *found = NULL;
    if (n == 0)
        return NULL;
    for (uint32_t i = 0; i < js->n; i++) {
        BgJob *b = js->v[i];
        if (strcasecmp(b->id, id) == 0)
            return b;
        if (n < 8 && strncasecmp(b->id, id, n) == 0) {
            if (found)
                *ambiguous = true;
            found = b;
        }
    }
    return *ambiguous ? NULL : found;
}

bool shell_jobs_stop(ShellJobs *js, BgJob *b, double timeout_s,
                     bool (*stop_waiting)(void))
{
    (void)js;
    job_refresh(b);
    if (b->exited)
        return true;
    /* A second STOP JOB sends a second SIGTERM, which the runtime takes
     * as "exit at once". */
    kill(b->pid, SIGTERM);
    b->stop_sent = true;
    b->state = BG_STOPPING;
    double t0 = job_now_mono_s();
    while (!b->exited && job_now_mono_s() - t0 < timeout_s) {
        if (stop_waiting && stop_waiting())
            break;
        sleep_ms(20);
        job_refresh(b);
    }
    return b->exited;
}

uint32_t shell_jobs_stop_all(ShellJobs *js, double timeout_s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < js->n; i++) {
        BgJob *b = js->v[i];
        job_refresh(b);
        if (b->exited)
            continue;
        kill(b->pid, SIGTERM);
        b->stop_sent = true;
        n++;
    }
    double t0 = job_now_mono_s();
    while (shell_jobs_running(js) && job_now_mono_s() - t0 < timeout_s) {
        sleep_ms(20);
        shell_jobs_refresh(js);
    }
    for (uint32_t i = 0; i < js->n; i++) {
        BgJob *b = js->v[i];
        if (b->exited)
            continue;
        kill(b->pid, SIGKILL);
        int ws;
        waitpid(b->pid, &ws, 0);
        job_refresh(b);
        b->exited = true;
        b->killed = true;
        b->state = BG_CANCELED;
    }
    return n;
}

/* At exit, as a shell's jobs end with it: the status files go, and so do
 * the logs of the jobs that finished or were stopped gracefully.  The log
 * of a job that failed, or had to be killed, stays (it tells why), and
 * the shell says where; the directory goes when nothing is left in it
 * (another shell may still be using it). */
void shell_jobs_free(ShellJobs *js)
{
    if (!js)
        return;
    shell_jobs_stop_all(js, 10.0);
    for (uint32_t i = 0; i < js->n; i++) {
        BgJob *b = js->v[i];
        unlink(b->status_path);
        if (b->state == BG_FAILED || b->killed)
            fprintf(stderr,
                    "fsql: the log of background job %s (%s) is "
                    "kept: %s\n",
                    b->id, b->killed ? "killed" : "failed", b->log_path);
        else
            unlink(b->log_path);
        xfree(b->stmt);
        xfree(b->error);
        xfree(b->ckpt_dir);
        xfree(b);
    }
    if (js->dir[0])
        rmdir(js->dir); /* fails while not empty: fine */
    xfree(js->v);
    xfree(js);
}
