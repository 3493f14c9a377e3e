/*
 * test_expr.c - golden expression tests: real SQL through the real
 * compiler, the expression code generator and the VM.
 *
 * tests/expr/cases.txt holds lines `EXPR ==> EXPECTED`.  Each EXPR is
 * compiled as `SELECT EXPR FROM t` against the table t below (a datagen
 * table, never run), the Calc's projection is code-generated, evaluated
 * over one fixed row of t, and the result is formatted as CAST(x AS
 * STRING) shows it (NULL as "NULL").  A run-time error is expected as
 * "ERROR: message" and a compile error as "COMPILE ERROR: message".
 * An empty string result reads "(empty)"; trailing blanks in EXPECTED
 * count.  Lines starting with '#' are comments; "@tz ZONE" sets
 * 'table.local-time-zone' for the following cases ("@tz" alone resets to
 * UTC).  CURRENT_TIMESTAMP is 2024-03-15 10:00:00.000 UTC.
 *
 * Every case is evaluated twice, with the computed-goto interpreter and
 * with the switch build, and both must agree.
 *
 * With FSQL_EXPR_PRINT=FILE set, `unit expr_print` evaluates every line
 * of FILE (an expression per line) and prints "EXPR ==> RESULT" lines;
 * tests/expr/sqlite_oracle.sh compares those with sqlite3.
 */
#include "runtime/fsql.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "runtime/mem.h"
#include "runtime/textconv.h"
#include "runtime/value_ops.h"
#include "runtime/vm.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const table_ddl =
    "CREATE TABLE t (\n"
    "  i INT, b BIGINT, si SMALLINT, ti TINYINT, d DECIMAL(10, 2),\n"
    "  d4 DECIMAL(20, 4), f DOUBLE, fl FLOAT, s STRING, s2 STRING,\n"
    "  u STRING, e STRING, ts TIMESTAMP(3), dt DATE,\n"
    "  ltz TIMESTAMP_LTZ(3), tm TIME, bo BOOLEAN, bf BOOLEAN,\n"
    "  n INT, ns STRING, nd DECIMAL(10, 2), nb BOOLEAN, nts TIMESTAMP(3),\n"
    "  z INT, zd DECIMAL(10, 2), big BIGINT, imax INT, imin INT\n"
    ") WITH ('connector' = 'datagen');\n";

/* The fixed row, as text per column (NULL for NULL). */
static const char *const row_text[] = {
    "7",           /* i */
    "-3000000000", /* b */
    "300",         /* si */
    "100",         /* ti */
    "12.34",       /* d */
    "-5.0625",     /* d4 */
    "2.5",         /* f */
    "0.1",         /* fl */
    "Hello World", /* s */
    "  padded  ",  /* s2 */
    "\xc3\x84"
    "b\xc3\x87\xe6\x97\xa5\xe6\x9c\xac", /* u: ÄbÇ日本 */
    "",                                  /* e */
    "2024-03-15 10:20:30.123",           /* ts */
    "2024-02-29",                        /* dt */
    "2024-03-15 02:20:30.123Z",          /* ltz */
    "23:59:58",                          /* tm */
    "true",                              /* bo */
    "false",                             /* bf */
    NULL,                                /* n */
    NULL,                                /* ns */
    NULL,                                /* nd */
    NULL,                                /* nb */
    NULL,                                /* nts */
    "0",                                 /* z */
    "0.00",                              /* zd */
    "9223372036854775807",               /* big */
    "2147483647",                        /* imax */
    "-2147483648",                       /* imin */
};

#define NOW_MS 1710496800000LL /* 2024-03-15 10:00:00 UTC */

/* Find the Calc (or scan) feeding the query's Collect. */
static bool find_calc(const Plan *p, const PNode **calc, const PNode **scan)
{
    const PNode *n = p->roots[0];
    if (n->kind != PN_COLLECT || n->n_inputs != 1)
        return false;
    n = n->inputs[0];
    *calc = NULL;
    if (n->kind == PN_CALC) {
        *calc = n;
        n = n->inputs[0];
    }
    *scan = n;
    return n->kind == PN_TABLE_SOURCE_SCAN;
}

/* Evaluate one expression; writes the result text into out. */
static void eval_expr(const char *expr, const char *zone, StrBuf *out)
{
    CompileCtx cc;
    compile_init(&cc);
    StrBuf src;
    strbuf_init(&src);
    if (zone)
        strbuf_printf(&src, "SET 'table.local-time-zone' = '%s';\n", zone);
    strbuf_puts(&src, table_ddl);
    strbuf_printf(&src, "SELECT %s FROM t;\n", expr);
    uint32_t errs = compile_source(&cc, "<expr>", strbuf_cstr(&src), src.len);
    const PNode *calc = NULL, *scan = NULL;
    if (errs || cc.n_plans == 0 ||
        !find_calc(cc.plans[cc.n_plans - 1], &calc, &scan)) {
        strbuf_puts(out, "COMPILE ERROR: ");
        for (uint32_t i = 0; i < cc.diags.n; i++)
            if (cc.diags.items[i].sev == SEV_ERROR) {
                strbuf_puts(out, cc.diags.items[i].msg);
                break;
            }
        if (!errs)
            strbuf_puts(out, "unexpected plan shape");
        goto done;
    }
    {
        Arena prog;
        arena_init(&prog, 4096);
        Arena batch;
        arena_init(&batch, 4096);
        char tzerr[128];
        TimeZone *tz = zone ? tz_load(zone, tzerr, sizeof(tzerr)) : NULL;
        /* The scanned row: only the fields the plan reads. */
        const PScan *sc = &scan->u.scan;
        const struct CatTable *tab = sc->table;
        (void)tab;
        Value row[64];
        for (uint32_t k = 0; k < sc->n_fields; k++) {
            uint32_t c = sc->fields[k];
            RtType t = codegen_rttype(scan->out->cols[k].type);
            if (!row_text[c]) {
                row[k] = value_null(t.kind);
                continue;
            }
            const char *why = textconv_value(
                t.kind == VK_TIMESTAMP_LTZ ? &t : &t, row_text[c],
                strlen(row_text[c]), &batch, NULL, &row[k]);
            FSQL_ASSERT(!why);
        }
        PExpr *pe;
        const RelSchema *in;
        PExpr ref;
        if (calc) {
            pe = calc->u.calc.proj[0];
            in = calc->inputs[0]->out;
        } else {
            memset(&ref, 0, sizeof(ref));
            ref.kind = PE_INPUT_REF;
            ref.idx = 0;
            ref.type = scan->out->cols[0].type;
            pe = &ref;
            in = scan->out;
        }
        Code *code = codegen_exprs(&cc, &prog, &pe, 1, in);
        if (!code) {
            strbuf_puts(out, "COMPILE ERROR: ");
            for (uint32_t i = 0; i < cc.diags.n; i++)
                if (cc.diags.items[i].sev == SEV_ERROR) {
                    strbuf_puts(out, cc.diags.items[i].msg);
                    break;
                }
        } else {
            Value *regs = code_regs_new(&prog, code);
            Value *regs2 = code_regs_new(&prog, code);
            VmCtx x;
            memset(&x, 0, sizeof(x));
            x.a = &batch;
            x.tz = tz;
            x.now_ms = NOW_MS;
            VmCtx x2 = x;
            bool ok = vm_eval(code, regs, row, &x);
            bool ok2 = vm_eval_switch(code, regs2, row, &x2);
            if (ok != ok2) {
                strbuf_puts(out, "MISMATCH between goto and switch builds");
            } else if (!ok) {
                strbuf_printf(out, "ERROR: %s", x.err_msg);
            } else {
                const Value *v = &regs[code->results[0]];
                ValueFmt f = {.tz = tz, .style = VALUE_STYLE_SQL, .null_text = "NULL"};
                value_format(out, v, &code->result_types[0], &f);
                StrBuf o2;
                strbuf_init(&o2);
                value_format(&o2, &regs2[code->results[0]],
                             &code->result_types[0], &f);
                if (out->len == 0)
                    strbuf_puts(out, "(empty)");
                if (strcmp(strbuf_cstr(out), strbuf_cstr(&o2)) != 0 &&
                    !(o2.len == 0 && strcmp(strbuf_cstr(out), "(empty)") == 0))
                    strbuf_puts(out, " (MISMATCH with the switch build)");
                strbuf_fini(&o2);
            }
            code_regs_fini(code, regs);
            code_regs_fini(code, regs2);
        }
        if (tz)
            tz_free(tz);
        arena_fini(&batch);
        arena_fini(&prog);
    }
done:
    strbuf_fini(&src);
    compile_fini(&cc);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = xmalloc((size_t)n + 1);
    size_t got = fread(p, 1, (size_t)n, f);
    p[got] = 0;
    fclose(f);
    return p;
}

static void trim_line(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '\r')
        s[--n] = 0;
}

static void test_expr_cases(void)
{
    const char *path = getenv("FSQL_EXPR_CASES");
    if (!path)
        path = "tests/expr/cases.txt";
    char *text = read_file(path);
    UNIT_REQUIRE(text != NULL);
    bool update = getenv("FSQL_EXPR_SHOW") != NULL;
    char zone[64] = "";
    int line_no = 0, n_cases = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        line_no++;
        trim_line(line);
        if (!*line || line[0] == '#')
            continue;
        if (strncmp(line, "@tz", 3) == 0) {
            const char *z = line + 3;
            while (*z == ' ')
                z++;
            snprintf(zone, sizeof(zone), "%s", z);
            continue;
        }
        char *sep = strstr(line, " ==> ");
        if (!sep) {
            unit_fail(path, line_no, "no ' ==> ' in case");
            continue;
        }
        *sep = 0;
        const char *expr = line, *want = sep + 5;
        StrBuf got;
        strbuf_init(&got);
        eval_expr(expr, zone[0] ? zone : NULL, &got);
        n_cases++;
        if (update)
            printf("%s ==> %s\n", expr, strbuf_cstr(&got));
        if (strcmp(strbuf_cstr(&got), want) != 0)
            unit_fail(path, line_no, "%s\n      got:  %s\n      want: %s", expr,
                      strbuf_cstr(&got), want);
        strbuf_fini(&got);
    }
    UNIT_CHECK(n_cases > 100);
    xfree(text);
}

/* FSQL_EXPR_PRINT=FILE: print "EXPR ==> RESULT" for each line. */
static void test_expr_print(void)
{
    const char *path = getenv("FSQL_EXPR_PRINT");
    if (!path)
        return;
    char *text = read_file(path);
    UNIT_REQUIRE(text != NULL);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        trim_line(line);
        if (!*line || line[0] == '#')
            continue;
        StrBuf got;
        strbuf_init(&got);
        eval_expr(line, NULL, &got);
        printf("%s ==> %s\n", line, strbuf_cstr(&got));
        strbuf_fini(&got);
    }
    xfree(text);
}

static const UnitTest tests[] = {
    {"expr_cases", test_expr_cases},
    {"expr_print", test_expr_print},
    {NULL, NULL},
};

UNIT_REGISTER(tests)
