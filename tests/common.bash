# common.bash - helpers shared by the test libraries of tests/cli
# (lib.bash) and tests/kafka (lib.inc); sourced, defines functions only.

# metrics_port LOG [SECONDS] [PID]: the port of fsql's metrics endpoint,
# from its log line "serving http://127.0.0.1:PORT/metrics" in file LOG,
# waiting up to SECONDS (default 5) for it to appear; gives up early when
# process PID (if given) has exited.  Sets $port ('' when not found).
metrics_port() {
    local log=$1 secs=${2:-5} pid=${3:-} i
    port=
    for ((i = 0; i < secs * 10; i++)); do
        port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' \
            "$log" 2>/dev/null | head -n 1)
        [ -n "$port" ] && return 0
        [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && return 1
        sleep 0.1
    done
    return 1
}

# uneven_streams DIR NAME-DENSE NAME-SPARSE: two JSON-lines files of
# {"k", "ts"} rows from 2024-01-01 10:00:00 (k = row number % 50):
# DIR/NAME-DENSE.jsonl with 20,000 rows 100 ms apart, DIR/NAME-SPARSE.jsonl
# with 2,000 rows 1 s apart (watermark alignment tests).
uneven_streams() {
    python3 - "$@" <<'PY'
import datetime, sys
d, dense, sparse = sys.argv[1:4]
base = datetime.datetime(2024, 1, 1, 10, 0, 0)
def write(name, n, step_ms):
    with open('%s/%s.jsonl' % (d, name), 'w') as f:
        for i in range(n):
            t = base + datetime.timedelta(milliseconds=step_ms * i)
            f.write('{"k":%d,"ts":"%s"}\n' % (i % 50, t.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]))
write(dense, 20000, 100)
write(sparse, 2000, 1000)
PY
}
