#!/usr/bin/env bash
# mkdocs.sh - write the generated documentation pages:
#   docs/opcodes.md          from runtime/opcodes.def (code_doc_markdown())
#   docs/functions.md        from compiler/functions.c (func_doc_markdown())
#   docs/connectors/NAME.md  from compiler/connectors.c
#                            (connector_doc_markdown())
# In functions.md and the connector pages, everything from the line
# "<!-- hand-written ... -->" on (and the "## ..." heading just above it,
# if any) is kept as it is: only the part above it is generated.
# Run from the repository root after `make` (it links tiny programs
# against build/libfsql.a).
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build/libfsql.a >/dev/null
# the libraries the Makefile links (its PKGS)
LIBS="$(pkg-config --libs rdkafka sqlite3 libpcre2-8 nettle libmariadb libedit \
    libmicrohttpd zlib 2>/dev/null) -lm"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/vmdoc.c" <<'C'
#include "runtime/fsql.h"
#include "runtime/str.h"
#include "runtime/vm.h"
#include <stdio.h>
int main(void)
{
    StrBuf sb;
    strbuf_init(&sb);
    code_doc_markdown(&sb);
    fputs(strbuf_cstr(&sb), stdout);
    strbuf_fini(&sb);
    return 0;
}
C
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -I. -Ibuild/gen -D_GNU_SOURCE -o "$tmp/vmdoc" "$tmp/vmdoc.c" \
    build/libfsql.a $LIBS
"$tmp/vmdoc" >docs/opcodes.md
echo "wrote docs/opcodes.md"

# ---- compiler tables: functions and connectors --------------------------
cat >"$tmp/cdoc.c" <<'C'
#include "runtime/fsql.h"
#include "runtime/str.h"
#include "compiler/catalog.h"
#include "compiler/functions.h"
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    StrBuf sb;
    strbuf_init(&sb);
    if (argc == 2 && strcmp(argv[1], "functions") == 0) {
        func_doc_markdown(&sb);
    } else if (argc == 2 && strcmp(argv[1], "connectors") == 0) {
        for (size_t i = 0; i < connector_defs_n; i++)
            printf("%s\n", connector_defs[i]->name);
    } else if (argc == 3 && strcmp(argv[1], "connector") == 0) {
        for (size_t i = 0; i < connector_defs_n; i++)
            if (strcmp(connector_defs[i]->name, argv[2]) == 0)
                connector_doc_markdown(connector_defs[i], &sb);
    }
    fputs(strbuf_cstr(&sb), stdout);
    strbuf_fini(&sb);
    return 0;
}
C
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -I. -Ibuild/gen -D_GNU_SOURCE -o "$tmp/cdoc" "$tmp/cdoc.c" \
    build/libfsql.a $LIBS

# regen FILE CMD...: FILE = output of CMD, then FILE's hand-written tail.
regen() {
    local f=$1
    shift
    "$@" >"$tmp/gen.md"
    if [ -f "$f" ]; then
        awk '
            { line[NR] = $0 }
            /^<!-- hand-written/ && !m { m = NR }
            END {
                if (!m) exit
                k = m - 1
                while (k > 0 && line[k] == "") k--
                if (k > 0 && line[k] ~ /^## /) m = k
                print ""
                for (i = m; i <= NR; i++) print line[i]
            }' "$f" >>"$tmp/gen.md"
    fi
    mv "$tmp/gen.md" "$f"
    echo "wrote $f"
}
regen docs/functions.md "$tmp/cdoc" functions
for c in $("$tmp/cdoc" connectors); do
    regen "docs/connectors/$c.md" "$tmp/cdoc" connector "$c"
done
