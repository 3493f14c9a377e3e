#!/usr/bin/env bash
# manpage.sh - docs/fsql.1 is a well-formed man page that documents what
# the program offers: the usual sections in order, every option and
# command of `fsql --help`, the shell's job commands and the exit codes;
# groff renders it without a warning (-ww) when groff is installed (the
# rest of the checks run without it).
. "$(dirname "$0")/lib.bash"

M=docs/fsql.1
[ -f "$M" ] || { fail "$M missing"; finish; }
head -n 20 "$M" | grep -q '^\.TH FSQL 1 ' || fail '.TH FSQL 1 missing'

# Sections, in this order.
want='NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS EXIT_STATUS ENVIRONMENT FILES EXAMPLES SEE_ALSO'
got=$(sed -n 's/^\.SH "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$M" | tr ' ' _ |
    grep -xE "$(echo "$want" | tr ' ' '|')" | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || fail "sections: '$got', want '$want'"

# The page as text (troff escapes dropped) for the content checks.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/^\.[A-Z]* *//' "$M" | tr -d '"')
run --help
expect_rc 0 '--help'
for o in $(printf '%s\n' "$out" | grep -oE '(^|[ ,])--?[a-zA-Z][-a-zA-Z]*' |
    sed 's/^[ ,]//' | sort -u); do
    case "$text" in *"$o"*) ;; *) fail "option $o of --help not in $M" ;; esac
done
for c in $(printf '%s\n' "$out" | sed -n '/^Commands:/,/^$/p' |
    sed -n 's/^  \([a-z][a-z]*\) .*/\1/p'); do
    grep -qE "^\.BR? \"?$c\b" "$M" || grep -qE "^\.BI? \"?$c " "$M" ||
        fail "command $c has no entry in COMMANDS"
done
for s in 'SHOW JOBS' 'STOP JOB' 'table.dml-sync' NO_COLOR FSQL_HISTORY \
    XDG_RUNTIME_DIR fsql_history fsql-kafka-mock 'make install'; do
    case "$text" in *"$s"*) ;; *) fail "'$s' not documented in $M" ;; esac
done
# Exit codes 0-3 each have an entry.
for c in 0 1 2 3; do
    sed -n '/^\.SH "EXIT STATUS"/,/^\.SH /p' "$M" | grep -qx "\.B $c" ||
        fail "exit status $c not listed"
done

if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww "$M" >"$T/page" 2>"$T/warn"
    [ -s "$T/warn" ] && fail "groff warnings: $(head -n 3 "$T/warn")"
    grep -q 'STOP JOB' "$T/page" || fail 'groff output lacks the shell commands'
else
    echo "(groff not installed: rendering not checked)"
fi
finish
