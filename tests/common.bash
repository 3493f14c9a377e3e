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
