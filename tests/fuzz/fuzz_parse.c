/*
 * fuzz_parse.c - libFuzzer target for the lexer, the parser and the printer.
 *
 * For each input: parse it (compile_parse_only), dump and print every
 * statement that parsed, parse the printed text again and require no
 * errors, the same number of statements and the same dump (the round-trip
 * property of compiler/ast_print.c) - abort() otherwise.  A statement with
 * any error is dropped by the parser, so the check also holds for inputs
 * with errors: the statements that survive must round trip (as in
 * tools/roundtrip.sh).
 * compile_fini() must free everything, so LeakSanitizer checks that the
 * compiler never allocates outside the arena and the diagnostics list.
 *
 * With -DFUZZ_FULL_COMPILE the input also goes through compile_source()
 * (resolve and plan) in a fresh CompileCtx.
 *
 *   make fuzz-parser FUZZ_SECONDS=300
 */
#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "compiler/ast.h"
#include "compiler/ast_print.h"
#include "compiler/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Dump and print every statement parsed into cc. */
static void dump_and_print(CompileCtx *cc, StrBuf *dump, StrBuf *printed)
{
    for (uint32_t i = 0; i < cc->n_stmts; i++) {
        const AstNode *n = cc->stmts[i].node;
        if (!n)
            continue;
        ast_dump(dump, n);
        strbuf_puts(dump, "\n");
        if (printed) {
            ast_print_stmt(printed, n);
            strbuf_puts(printed, ";\n");
        }
    }
}

static void report(const char *what, const char *input, StrBuf *printed,
                   StrBuf *d1, StrBuf *d2)
{
    fprintf(stderr,
            "fuzz_parse: %s\n--- input\n%s\n--- printed\n%s\n"
            "--- first dump\n%s\n--- second dump\n%s\n",
            what, input, strbuf_cstr(printed), strbuf_cstr(d1),
            d2 ? strbuf_cstr(d2) : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    CompileCtx cc;
    compile_init(&cc);
    compile_parse_only(&cc, "<fuzz>", text, size);

    StrBuf dump1, printed;
    strbuf_init(&dump1);
    strbuf_init(&printed);
    dump_and_print(&cc, &dump1, &printed);

    {
        CompileCtx cc2;
        compile_init(&cc2);
        const char *p = strbuf_cstr(&printed);
        uint32_t n_err2 = compile_parse_only(&cc2, "<printed>", p, printed.len);
        StrBuf dump2;
        strbuf_init(&dump2);
        dump_and_print(&cc2, &dump2, NULL);
        if (n_err2 != 0) {
            diag_render(&cc2.diags, stderr, false);
            report("the printed text does not parse", text, &printed, &dump1,
                   &dump2);
        }
        if (cc2.n_stmts != cc.n_stmts)
            report("the printed text has a different number of statements",
                   text, &printed, &dump1, &dump2);
        if (dump1.len != dump2.len ||
            memcmp(strbuf_cstr(&dump1), strbuf_cstr(&dump2), dump1.len) != 0)
            report("the re-parsed tree differs", text, &printed, &dump1,
                   &dump2);
        strbuf_fini(&dump2);
        compile_fini(&cc2);
    }
    strbuf_fini(&dump1);
    strbuf_fini(&printed);
    compile_fini(&cc);

#ifdef FUZZ_FULL_COMPILE
    {
        CompileCtx cc3;
        compile_init(&cc3);
        compile_source(&cc3, "<fuzz>", text, size);
        compile_fini(&cc3);
    }
#endif
    xfree(text);
    return 0;
}
