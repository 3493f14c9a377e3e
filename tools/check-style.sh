#!/usr/bin/env bash
# check-style.sh - the mechanical part of ../shared/STYLE.md.
#
# Hard rules (any hit fails):
#   - no // comments in hand-written C (string literals and /* */ comments
#     are ignored, so "jdbc:mysql://" is fine);
#   - no malloc/calloc/realloc/free/strdup outside runtime/mem.c (use the
#     x* wrappers or an Arena); a call that must release libc-owned memory
#     (e.g. an open_memstream buffer) carries "libc-owned" on its line;
#   - every .c file includes "runtime/fsql.h" first.
# Format: clang-format --dry-run against .clang-format.  Reported as a
# warning; STRICT_FORMAT=1 makes it fail.
#
#   tools/check-style.sh [FILE...]     default: every hand-written C file
set -uo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(find compiler runtime tools tests/unit tests/fuzz \
        -name '*.[ch]' -not -path 'build/*' 2>/dev/null | sort)
fi

bad=0

# Print code with string/char literals and /* */ comments blanked out,
# keeping line numbers: FILE:LINE:code.
strip_c() {
    awk -v F="$1" '
    BEGIN { inc = 0 }
    {
        s = $0; out = ""; i = 1; n = length(s)
        while (i <= n) {
            c = substr(s, i, 1); c2 = substr(s, i, 2)
            if (inc) {
                if (c2 == "*/") { inc = 0; i += 2 } else i++
                continue
            }
            if (c2 == "/*") { inc = 1; i += 2; continue }
            if (c == "\"" || c == "\047") {
                q = c; i++
                while (i <= n) {
                    d = substr(s, i, 1)
                    if (d == "\\") { i += 2; continue }
                    if (d == q) { i++; break }
                    i++
                }
                out = out q q
                continue
            }
            out = out c; i++
        }
        print F ":" NR ":" out
    }' "$1"
}

for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    code=$(strip_c "$f")
    hits=$(printf '%s\n' "$code" | grep -E '^[^:]*:[0-9]+:.*//' || true)
    if [ -n "$hits" ]; then
        printf '%s\n' "$hits" | sed 's/$/    <- \/\/ comment/'
        bad=1
    fi
    case "$f" in
    runtime/mem.c) ;;
    *)
        hits=$(printf '%s\n' "$code" |
            grep -E '(^|[^A-Za-z0-9_])(malloc|calloc|realloc|free|strdup)[[:space:]]*\(' |
            while IFS= read -r l; do
                ln=${l#*:}; ln=${ln%%:*}
                sed -n "${ln}p" "$f" | grep -q 'libc-owned' || printf '%s\n' "$l"
            done)
        if [ -n "$hits" ]; then
            printf '%s\n' "$hits" | sed 's/$/    <- use xmalloc\/xfree or an Arena/'
            bad=1
        fi
        ;;
    esac
    case "$f" in
    *.c)
        first=$(grep -m1 -E '^[[:space:]]*#[[:space:]]*include' "$f" || true)
        case "$first" in
        *'"runtime/fsql.h"'*) ;;
        *) echo "$f: first #include must be \"runtime/fsql.h\" (is: ${first:-none})"; bad=1 ;;
        esac
        ;;
    esac
done

if command -v clang-format >/dev/null 2>&1; then
    nfmt=0
    unformatted=()
    for f in "${files[@]}"; do
        [ -f "$f" ] || continue
        if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
            unformatted+=("$f")
            nfmt=$((nfmt + 1))
        fi
    done
    if [ "$nfmt" -gt 0 ]; then
        if [ "${STRICT_FORMAT:-0}" = 1 ]; then
            echo "not clang-formatted: ${unformatted[*]}"
            bad=1
        else
            echo "warning: $nfmt file(s) differ from .clang-format" \
                "(clang-format -i FILE; STRICT_FORMAT=1 fails): ${unformatted[*]}"
        fi
    fi
else
    echo "warning: clang-format not installed; format not checked"
fi

if [ "$bad" = 0 ]; then
    echo "check-style: ok (${#files[@]} files)"
fi
exit $bad
