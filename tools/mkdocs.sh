#!/usr/bin/env bash
# mkdocs.sh - write docs/opcodes.md from runtime/opcodes.def (through
# code_doc_markdown() in runtime/vm.c).  Run from the repository root
# after `make` (it links a tiny program against build/libfsql.a).
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build/libfsql.a >/dev/null
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
    build/libfsql.a $(pkg-config --libs rdkafka sqlite3 libpcre2-8 nettle) -lm
"$tmp/vmdoc" >docs/opcodes.md
echo "wrote docs/opcodes.md"
