# lib.bash - helpers sourced by the tests/shell/*.sh scripts (not a test).
#
# Each script drives `fsql shell` through a real pseudo-terminal: a tmux
# server of its own (a private socket under the test's temporary
# directory), keys sent with send-keys, the screen read with capture-pane.
# Exit 0 pass, 1 fail, 77 skip (no tmux).
set -uo pipefail

FSQL=${FSQL:-./fsql}
case "$FSQL" in /*) ;; *) FSQL="$PWD/${FSQL#./}" ;; esac
export NO_COLOR=1
T=$(mktemp -d)
SOCK="$T/tmux.sock"
failures=0

cleanup() {
    tmux -S "$SOCK" kill-server >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

if ! command -v tmux >/dev/null 2>&1; then
    echo "tmux is not installed (tools/deps.sh installs it)"
    exit 77
fi

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# start_shell [ARGS...]: fsql shell in a 120x40 terminal, HOME in $T (so
# the history file is $T/.fsql_history).  The pane stays after exit and
# shows "__EXIT__ <status>".
start_shell() {
    local args="" a
    for a in "$@"; do args+=" $(printf '%q' "$a")"; done
    tmux -S "$SOCK" new-session -d -x 120 -y 40 -s t \
        "cd $(printf '%q' "$PWD") && HOME=$(printf '%q' "$T") TERM=xterm \
         $(printf '%q' "$FSQL") shell$args; echo __EXIT__ \$?; sleep 600"
    wait_for 'fsql>' 5 || fail "the shell did not show its prompt"
}

# keys KEY...: tmux key names (Enter, C-c, Up, Tab, ...).
keys() {
    tmux -S "$SOCK" send-keys -t t "$@"
}

# type_text TEXT: literal text (a trailing ';' is escaped for tmux).
type_text() {
    local s=$1
    case "$s" in *';') s="${s%;}\\;" ;; esac
    tmux -S "$SOCK" send-keys -t t -l "$s"
}

# line TEXT: literal text and Enter.
line() {
    type_text "$1"
    keys Enter
}

# screen: the pane with its scrollback, without trailing blank lines.
screen() {
    tmux -S "$SOCK" capture-pane -p -t t -S -2000 | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# wait_for TEXT [SECONDS]: until the screen contains TEXT (fixed string).
wait_for() {
    local want=$1 secs=${2:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        screen | grep -qF -- "$want" && return 0
        sleep 0.1
    done
    return 1
}

# count TEXT: how many screen lines contain TEXT.
count() {
    screen | grep -cF -- "$1"
}

# expect TEXT WHAT [SECONDS]
expect() {
    wait_for "$1" "${3:-10}" || {
        fail "$2: '$1' not on the screen"
        screen | tail -n 25 | sed 's/^/    | /'
    }
}

# The prompt count now, and waiting for the next one.
prompts() {
    count 'fsql>'
}
wait_prompt() { # wait_prompt N [SECONDS]: until more than N prompts
    local n=$1 secs=${2:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        [ "$(prompts)" -gt "$n" ] && return 0
        sleep 0.1
    done
    fail "no new prompt after $secs s"
    screen | tail -n 25 | sed 's/^/    | /'
    return 1
}

# enter_line TEXT [SECONDS]: TEXT and Enter at the prompt (TEXT '': Enter
# alone), then wait for the next prompt (default 10 s).  Sets n to the
# prompt count before.
enter_line() {
    n=$(prompts)
    if [ -n "$1" ]; then
        line "$1"
    else
        keys Enter
    fi
    wait_prompt "$n" "${2:-10}"
}

finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$failures check(s) failed"
        exit 1
    fi
    exit 0
}

# A small JSON file and its table.
cat >"$T/ev.jsonl" <<'JSON'
{"id":1,"name":"alice","amount":10}
{"id":2,"name":"bob","amount":250}
{"id":3,"name":"carol","amount":700}
JSON
EV_DDL="CREATE TABLE ev (id INT, name STRING, amount INT) WITH ('connector' = 'filesystem', 'path' = '$T/ev.jsonl', 'format' = 'json');"
