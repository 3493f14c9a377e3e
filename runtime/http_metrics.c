/*
 * http_metrics.c - the metrics endpoint: GET /metrics in Prometheus text
 * format over HTTP (libmicrohttpd), for `fsql run --metrics-port N`.
 *
 * The daemon runs its own polling thread (MHD_USE_INTERNAL_POLLING_
 * THREAD).  It never touches the job: each request copies the text the
 * loop thread last published (metrics_snapshot_copy, a mutex held for a
 * memcpy), so a slow or hostile scraper cannot stall processing.  The
 * thread is created with SIGINT/SIGTERM blocked, so signals reach the
 * loop thread and interrupt its sleep.
 *
 * Paths: /metrics (text/plain; version=0.0.4), /healthz ("ok"), anything
 * else 404.  Only GET and HEAD.  Bound to 127.0.0.1 unless --metrics-bind
 * says otherwise (an IPv4 or IPv6 literal; "0.0.0.0" for every
 * interface).
 */
#include "runtime/fsql.h"
#include "runtime/err.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

static struct MHD_Daemon *daemon_;
static int bound_port;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *type, char *body, size_t len)
{
    /* body is xmalloc'd: MHD copies it (MUST_COPY) and we free it. */
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_COPY);
    xfree(body);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
                                  const char *s)
{
    size_t len = strlen(s);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len + 1);
    return reply(c, status, "text/plain", p, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)con_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                          "only GET and HEAD\n");
    if (strcmp(url, "/metrics") == 0) {
        size_t len;
        char *body = metrics_snapshot_copy(&len);
        return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                     body, len);
    }
    if (strcmp(url, "/healthz") == 0)
        return reply_text(c, MHD_HTTP_OK, "ok\n");
    if (strcmp(url, "/") == 0)
        return reply_text(c, MHD_HTTP_OK, "fsql metrics: see /metrics\n");
    return reply_text(c, MHD_HTTP_NOT_FOUND, "not found; try /metrics\n");
}

int http_metrics_start(const char *bind_addr, int port, FsqlErr *err)
{
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
    if (!bind_addr || !*bind_addr)
        bind_addr = "127.0.0.1";
    memset(&v4, 0, sizeof v4);
    memset(&v6, 0, sizeof v6);
    if (inet_pton(AF_INET, bind_addr, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons((uint16_t)port);
        sa = (struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, bind_addr, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons((uint16_t)port);
        sa = (struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "could not serve metrics: \"%s\" is not an IPv4 "
                            "or IPv6 address",
                            bind_addr);
    }
    /* The daemon's thread inherits this mask: signals go elsewhere. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    daemon_ = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT, 64u,
        MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!daemon_)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not serve metrics on %s port %d: the "
                            "address is in use or not available",
                            bind_addr, port);
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    bound_port = info ? (int)info->port : port;
    log_info("metrics: serving http://%s%s%s:%d/metrics",
             flags & MHD_USE_IPv6 ? "[" : "", bind_addr,
             flags & MHD_USE_IPv6 ? "]" : "", bound_port);
    return FSQL_OK;
}

int http_metrics_port(void)
{
    return bound_port;
}

void http_metrics_stop(void)
{
    if (daemon_)
        MHD_stop_daemon(daemon_);
    daemon_ = NULL;
}
