/*
 * kafka_mock.c - fsql-kafka-mock: librdkafka's mock cluster as a loopback
 * Kafka server for tests and demos.
 *
 *   fsql-kafka-mock [--brokers N] [--topic NAME:PARTITIONS[:REPLICAS]]...
 *                   [--stdin-eof]
 *
 * It starts an in-process mock cluster (rdkafka_mock.h) with N brokers on
 * ephemeral loopback ports, creates the requested topics, prints
 *
 *   bootstrap.servers=127.0.0.1:PORT,127.0.0.1:PORT,...
 *
 * as the first line of standard output (flushed), and serves until SIGTERM
 * or SIGINT, or until standard input reaches end of file when --stdin-eof
 * is given (so a test script can tie the cluster's life to a pipe).
 *
 * Control lines on standard input inject faults (one command a line; each
 * is answered with "ok ..." on standard output, or an error on standard
 * error):
 *
 *   down N              broker N stops answering (its connections close)
 *   up N                broker N is back
 *   rtt N MS            broker N answers with MS milliseconds of delay
 *   err APIKEY COUNT CODE
 *                       the next COUNT requests of APIKEY (a number, or a
 *                       name: Produce, Fetch, ListOffsets, Metadata,
 *                       OffsetCommit, OffsetFetch, FindCoordinator,
 *                       JoinGroup, Heartbeat, SyncGroup, InitProducerId,
 *                       AddPartitionsToTxn, EndTxn) fail with Kafka error
 *                       CODE (a number, e.g. 29 TOPIC_AUTHORIZATION_FAILED,
 *                       or -195 for a disconnect)
 *   topic NAME PARTITIONS
 *                       create a topic
 *
 * Brokers are numbered from 1.  Standard input reaching end of file ends
 * the control channel (and, with --stdin-eof, the cluster).
 *
 * The mock cluster speaks the Kafka protocol to any client (kcat, fsql).
 * Its known limits in librdkafka 2.0.2: read_committed consumers still see
 * aborted and open transactions, and offsets sent with
 * send_offsets_to_transaction are not stored.  The listening port cannot
 * be chosen in this version, hence no --port option.
 *
 * Exit status: 0 after a clean shutdown, 2 if the cluster cannot start,
 * 3 on bad usage.
 */
#include "runtime/fsql.h"
#include "runtime/mem.h"

#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef struct TopicSpec {
    char *name;  /* xmalloc */
    int n_parts; /* partitions */
    int n_repl;  /* replication factor */
} TopicSpec;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static const struct {
    const char *name;
    int16_t key;
} api_names[] = {
    {"Produce", 0},
    {"Fetch", 1},
    {"ListOffsets", 2},
    {"Metadata", 3},
    {"OffsetCommit", 8},
    {"OffsetFetch", 9},
    {"FindCoordinator", 10},
    {"JoinGroup", 11},
    {"Heartbeat", 12},
    {"LeaveGroup", 13},
    {"SyncGroup", 14},
    {"InitProducerId", 22},
    {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
};

static bool parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

/* One control line (see the header comment). */
static void control_line(rd_kafka_mock_cluster_t *mc, char *line)
{
    char *argv[8];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r"); tok && argc < 8;
         tok = strtok(NULL, " \t\r"))
        argv[argc++] = tok;
    if (argc == 0 || argv[0][0] == '#')
        return;
    long a = 0, b = 0, c = 0;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if ((strcmp(argv[0], "down") == 0 || strcmp(argv[0], "up") == 0) &&
        argc == 2 && parse_long(argv[1], &a)) {
        err = argv[0][0] == 'd' ? rd_kafka_mock_broker_set_down(mc, (int32_t)a)
                                : rd_kafka_mock_broker_set_up(mc, (int32_t)a);
    } else if (strcmp(argv[0], "rtt") == 0 && argc == 3 &&
               parse_long(argv[1], &a) && parse_long(argv[2], &b)) {
        err = rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b);
    } else if (strcmp(argv[0], "err") == 0 && argc == 4 &&
               parse_long(argv[2], &b) && parse_long(argv[3], &c) && b > 0 &&
               b <= 100000) {
        int16_t key = -1;
        if (parse_long(argv[1], &a))
            key = (int16_t)a;
        for (size_t i = 0; i < FSQL_ARRAY_LEN(api_names) && key < 0; i++)
            if (strcasecmp(api_names[i].name, argv[1]) == 0)
                key = api_names[i].key;
        if (key < 0) {
            fprintf(stderr, "fsql-kafka-mock: unrecognized API key \"%s\"\n",
                    argv[1]);
            return;
        }
        rd_kafka_resp_err_t *codes =
            xcalloc((size_t)b, sizeof(rd_kafka_resp_err_t));
        for (long i = 0; i < b; i++)
            codes[i] = (rd_kafka_resp_err_t)c;
        rd_kafka_mock_push_request_errors_array(mc, key, (size_t)b, codes);
        xfree(codes);
    } else if (strcmp(argv[0], "topic") == 0 && argc == 3 &&
               parse_long(argv[2], &a) && a > 0) {
        err = rd_kafka_mock_topic_create(mc, argv[1], (int)a, 1);
    } else {
        fprintf(stderr,
                "fsql-kafka-mock: unrecognized control line \"%s\" (try "
                "down N, up N, rtt N MS, err APIKEY COUNT CODE, topic NAME "
                "PARTITIONS)\n",
                argv[0]);
        return;
    }
    if (err) {
        fprintf(stderr, "fsql-kafka-mock: %s failed: %s\n", argv[0],
                rd_kafka_err2str(err));
        return;
    }
    printf("ok");
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    fflush(stdout);
}

static const char usage_text[] =
    "usage: fsql-kafka-mock [--brokers N] [--topic NAME:PARTITIONS[:REPLICAS]]...\n"
    "                       [--stdin-eof]\n"
    "\n"
    "Starts librdkafka's mock Kafka cluster on loopback and prints\n"
    "'bootstrap.servers=HOST:PORT,...' as the first line of standard output.\n"
    "\n"
    "  --brokers N        number of brokers (default 1)\n"
    "  --topic SPEC       create topic NAME with PARTITIONS partitions and\n"
    "                     REPLICAS replicas (default 1, at most N); repeatable\n"
    "  --stdin-eof        also stop when standard input reaches end of file\n"
    "  -h, --help         print this help\n"
    "\n"
    "Runs until SIGTERM or SIGINT.  The ports are chosen by the system.\n"
    "\n"
    "Control lines on standard input (answered with 'ok ...'):\n"
    "  down N | up N        take broker N (from 1) down or bring it back\n"
    "  rtt N MS             delay broker N's answers by MS milliseconds\n"
    "  err APIKEY COUNT CODE  fail the next COUNT requests of APIKEY\n"
    "                       (number or name, e.g. Produce) with error CODE\n"
    "  topic NAME PARTITIONS  create a topic\n";

static FSQL_NORETURN void usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "fsql-kafka-mock: %s '%s'\n", msg, arg);
    fputs("Try 'fsql-kafka-mock --help' for more information.\n", stderr);
    exit(3);
}

static int parse_count(const char *s, const char *what_arg)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 10000)
        usage_error("expected a positive number in", what_arg);
    return (int)v;
}

static TopicSpec parse_topic(const char *spec)
{
    TopicSpec t;
    const char *c1 = strchr(spec, ':');
    if (!c1 || c1 == spec)
        usage_error("expected NAME:PARTITIONS[:REPLICAS], got", spec);
    size_t n = (size_t)(c1 - spec);
    t.name = xmalloc(n + 1);
    memcpy(t.name, spec, n);
    t.name[n] = '\0';
    const char *c2 = strchr(c1 + 1, ':');
    char num[32];
    size_t k = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (k == 0 || k >= sizeof(num))
        usage_error("expected NAME:PARTITIONS[:REPLICAS], got", spec);
    memcpy(num, c1 + 1, k);
    num[k] = '\0';
    t.n_parts = parse_count(num, spec);
    t.n_repl = c2 ? parse_count(c2 + 1, spec) : 1;
    return t;
}

int main(int argc, char **argv)
{
    int n_brokers = 1;
    bool stdin_eof = false;
    TopicSpec *topics = xcalloc((size_t)argc, sizeof(TopicSpec));
    int n_topics = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(a, "--stdin-eof") == 0) {
            stdin_eof = true;
        } else if (strncmp(a, "--brokers", 9) == 0 &&
                   (a[9] == '=' || a[9] == '\0')) {
            v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v)
                usage_error("option needs an argument:", a);
            n_brokers = parse_count(v, v);
        } else if (strncmp(a, "--topic", 7) == 0 &&
                   (a[7] == '=' || a[7] == '\0')) {
            v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v)
                usage_error("option needs an argument:", a);
            topics[n_topics++] = parse_topic(v);
        } else if (strncmp(a, "--port", 6) == 0) {
            fprintf(stderr, "fsql-kafka-mock: --port is not supported: the "
                            "mock cluster of librdkafka 2.0.2 always listens "
                            "on ports chosen by the system; read them from "
                            "the bootstrap.servers line\n");
            return 3;
        } else {
            usage_error("unrecognized argument", a);
        }
    }
    for (int t = 0; t < n_topics; t++)
        if (topics[t].n_repl > n_brokers)
            usage_error("more replicas than brokers in topic", topics[t].name);

    /* The cluster lives inside a client handle; a producer is the
     * lightest one. */
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
    rd_kafka_t *rk =
        rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "fsql-kafka-mock: could not create a client: %s\n",
                errstr);
        return 2;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, n_brokers);
    if (!mc) {
        fprintf(stderr, "fsql-kafka-mock: could not start the mock "
                        "cluster\n");
        rd_kafka_destroy(rk);
        return 2;
    }
    for (int t = 0; t < n_topics; t++) {
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
            mc, topics[t].name, topics[t].n_parts, topics[t].n_repl);
        if (err) {
            fprintf(stderr,
                    "fsql-kafka-mock: could not create topic \"%s\": %s\n",
                    topics[t].name, rd_kafka_err2str(err));
            rd_kafka_mock_cluster_destroy(mc);
            rd_kafka_destroy(rk);
            return 2;
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    printf("bootstrap.servers=%s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);

    /* Control lines come on stdin until it ends. */
    bool stdin_open = true;
    char line[1024];
    size_t ll = 0;
    while (!stop_requested) {
        if (!stdin_open) {
            poll(NULL, 0, 200);
            continue;
        }
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int r = poll(&pfd, 1, 200);
        if (r <= 0)
            continue;
        char buf[4096];
        ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0) {
            if (stdin_eof)
                break;
            stdin_open = false;
            continue;
        }
        for (ssize_t i = 0; i < got; i++) {
            if (buf[i] == '\n' || ll == sizeof(line) - 1) {
                line[ll] = '\0';
                control_line(mc, line);
                ll = 0;
            } else {
                line[ll++] = buf[i];
            }
        }
    }

    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    for (int t = 0; t < n_topics; t++)
        xfree(topics[t].name);
    xfree(topics);
    return 0;
}
