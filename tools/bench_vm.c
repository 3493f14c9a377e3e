/*
 * bench_vm.c - micro-benchmark of the expression VM on seed 002's
 * real_time_risk_scoring view.
 *
 *   build/bin/bench_vm [ROWS]        (default 1000000)
 *
 * Compiles sql-examples/seed002/{tables.local.sql,risk_scoring.sql} with
 * the real compiler, takes the two Calc nodes above the lookup joins
 * (the scoring projection and the `total_risk_score > 70` filter),
 * generates their Code, and evaluates both per row over ROWS synthetic
 * joined rows (4096 distinct rows cycled).  The same computation written
 * by hand in C over the same Values runs in the same process as the
 * baseline; both report ns/row and the number of rows that passed the
 * filter, which must agree.
 */
#include "runtime/fsql.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "runtime/decimal.h"
#include "runtime/mem.h"
#include "runtime/timeutil.h"
#include "runtime/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef N_DISTINCT
#define N_DISTINCT 4096
#endif

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_vm: could not open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = xmalloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    p[*n] = 0;
    fclose(f);
    return p;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int col_of(const RelSchema *s, const char *name)
{
    for (uint32_t i = 0; i < s->n_cols; i++)
        if (str_eq_cstr(s->cols[i].name, name))
            return (int)i;
    fprintf(stderr, "bench_vm: no column %s\n", name);
    exit(2);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Column indexes of the joined row (the lower Calc's input). */
typedef struct Cols {
    int amount, ts, risk_score, avg_daily, max_single, bh_start, bh_end;
    int tid, uid, mid, urisk, mrisk;
} Cols;

/* Hand-written equivalent of both Calcs: returns whether the row passes
 * and fills out[0..8) with the final projection. */
static inline bool baseline(const Value *in, const Cols *c, Value *out)
{
    const Value *amount = &in[c->amount];
    const Value *maxs = &in[c->max_single], *avg = &in[c->avg_daily];
    const Value *rs = &in[c->risk_score];
    /* amount_anomaly_score: amount DECIMAL(15,2) vs DECIMAL(...,2) * 2 */
    int64_t aas = 0;
    if (!amount->is_null) {
        i128 a = value_get_dec(amount);
        if (!maxs->is_null && a > value_get_dec(maxs) * 2)
            aas = 50;
        else if (!avg->is_null && a > value_get_dec(avg) * 10)
            aas = 30;
        else if (!avg->is_null && a > value_get_dec(avg) * 5)
            aas = 20;
    }
    int64_t tas = 0;
    const Value *ts = &in[c->ts];
    if (!ts->is_null) {
        int64_t h = time_floor_mod(ts->u.i, MS_PER_DAY) / MS_PER_HOUR;
        if (h >= 2 && h <= 5) {
            tas = 15;
        } else {
            const Value *s = &in[c->bh_start], *e = &in[c->bh_end];
            if (!s->is_null && !e->is_null) {
                int64_t hs = s->u.i / MS_PER_HOUR, he = e->u.i / MS_PER_HOUR;
                if (!(h >= hs && h <= he))
                    tas = 10;
            }
        }
    }
    if (rs->is_null)
        return false;
    int64_t total = (int64_t)(int32_t)(rs->u.i + aas + tas);
    if (total <= 70)
        return false;
    out[0] = in[c->tid];
    out[1] = in[c->uid];
    out[2] = *amount;
    out[3] = in[c->mid];
    out[4] = *ts;
    out[5] = in[c->urisk];
    out[6] = in[c->mrisk];
    out[7].u.i = total;
    out[7].is_null = false;
    out[7].kind = VK_INT;
    return true;
}

static void set_dec(Value *v, int64_t cents)
{
    value_set_dec(v, (i128)cents);
}

static void set_str(Value *v, Arena *a, const char *fmt, uint64_t x)
{
    char *p = arena_sprintf(a, fmt, (unsigned long long)x);
    v->kind = VK_STRING;
    v->is_null = false;
    v->u.s.ptr = p;
    v->u.s.len = (uint32_t)strlen(p);
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    CompileCtx cc;
    compile_init(&cc);
    cc.offline = true;
    size_t n1, n2;
    char *src1 = slurp("sql-examples/seed002/tables.local.sql", &n1);
    char *src2 = slurp("sql-examples/seed002/risk_scoring.sql", &n2);
    uint32_t errs = compile_source(&cc, "tables.local.sql", src1, n1);
    errs += compile_source(&cc, "risk_scoring.sql", src2, n2);
    if (errs || cc.n_plans == 0) {
        diag_render(&cc.diags, stderr, false);
        return 1;
    }
    const Plan *p = cc.plans[cc.n_plans - 1];
    /* Collect <- Calc(filter) <- Calc(scoring) <- LookupJoin ... */
    const PNode *upper = p->roots[0]->inputs[0];
    const PNode *lower = upper->inputs[0];
    if (upper->kind != PN_CALC || lower->kind != PN_CALC) {
        fprintf(stderr, "bench_vm: unexpected plan shape\n");
        return 1;
    }
    Arena prog, batch, data;
    arena_init(&prog, 1 << 16);
    arena_init(&batch, 1 << 20);
    arena_init(&data, 1 << 20);
    bool f1, f2;
    Code *c1 = codegen_calc(&cc, &prog, lower->u.calc.where, lower->u.calc.proj,
                            lower->u.calc.n_proj, lower->inputs[0]->out, &f1);
    Code *c2 = codegen_calc(&cc, &prog, upper->u.calc.where, upper->u.calc.proj,
                            upper->u.calc.n_proj, lower->out, &f2);
    if (!c1 || !c2) {
        diag_render(&cc.diags, stderr, false);
        return 1;
    }
    if (getenv("BENCH_VM_DISASM")) {
        StrBuf sb;
        strbuf_init(&sb);
        code_disasm(c1, &sb);
        strbuf_puts(&sb, "--\n");
        code_disasm(c2, &sb);
        fputs(strbuf_cstr(&sb), stdout);
        strbuf_fini(&sb);
    }
    const RelSchema *in = lower->inputs[0]->out;
    Cols c;
    c.amount = col_of(in, "amount");
    c.ts = col_of(in, "transaction_time");
    c.risk_score = col_of(in, "risk_score");
    c.avg_daily = col_of(in, "avg_daily_amount");
    c.max_single = col_of(in, "max_single_amount");
    c.bh_start = col_of(in, "business_hours_start");
    c.bh_end = col_of(in, "business_hours_end");
    c.tid = col_of(in, "transaction_id");
    c.uid = col_of(in, "user_id");
    c.mid = col_of(in, "merchant_id");
    c.urisk = col_of(in, "risk_level");
    c.mrisk = col_of(in, "risk_level0");

    /* Synthetic joined rows. */
    uint32_t nc = in->n_cols;
    Value *rowsv = ARENA_NEW_ARRAY(&data, Value, (size_t)nc * N_DISTINCT);
    for (uint32_t r = 0; r < N_DISTINCT; r++) {
        Value *row = rowsv + (size_t)r * nc;
        for (uint32_t k = 0; k < nc; k++) {
            RtType t = codegen_rttype(in->cols[k].type);
            row[k] = value_null(t.kind);
            uint64_t x = next_rand();
            switch (t.kind) {
            case VK_INT:
                row[k].is_null = false;
                row[k].u.i = (int64_t)(x % 100000);
                break;
            case VK_STRING:
                set_str(&row[k], &data, "v%llu", x % 1000);
                break;
            default:
                break;
            }
        }
        set_dec(&row[c.amount], (int64_t)(next_rand() % 2000000));
        set_dec(&row[c.avg_daily], (int64_t)(next_rand() % 100000));
        set_dec(&row[c.max_single], (int64_t)(next_rand() % 800000));
        row[c.risk_score].u.i = (int64_t)(next_rand() % 60);
        row[c.ts].is_null = false;
        row[c.ts].u.i =
            1710460800000LL + (int64_t)(next_rand() % (uint64_t)MS_PER_DAY);
        row[c.bh_start].is_null = false;
        row[c.bh_start].u.i = 9 * MS_PER_HOUR;
        row[c.bh_end].is_null = false;
        row[c.bh_end].u.i = 18 * MS_PER_HOUR;
        if (next_rand() % 20 == 0) /* unmatched lookups */
            row[c.avg_daily].is_null = row[c.max_single].is_null = true;
    }
    Value *regs1 = code_regs_new(&prog, c1);
    Value *regs2 = code_regs_new(&prog, c2);
    Value *mid = ARENA_NEW_ARRAY(&prog, Value, c1->n_results + 1);
    Value out[16];
    VmCtx x;
    memset(&x, 0, sizeof(x));
    x.a = &batch;
    x.now_ms = 0;

    double best_vm = 1e30, best_c = 1e30;
    long pass_vm = 0, pass_c = 0;
    for (int rep = 0; rep < 3; rep++) {
        pass_vm = 0;
        double t0 = now_ns();
        for (long i = 0; i < rows; i++) {
            const Value *row = rowsv + (size_t)(i & (N_DISTINCT - 1)) * nc;
            if (!vm_eval(c1, regs1, row, &x))
                return 2;
            uint32_t off = f1 ? 1 : 0;
            for (uint32_t k = off; k < c1->n_results; k++)
                mid[k - off] = regs1[c1->results[k]];
            if (!vm_eval(c2, regs2, mid, &x))
                return 2;
            const Value *keep = &regs2[c2->results[0]];
            if (!keep->is_null && keep->u.i) {
                for (uint32_t k = 1; k < c2->n_results; k++)
                    out[k - 1] = regs2[c2->results[k]];
                pass_vm++;
            }
            if ((i & 1023) == 0)
                arena_reset(&batch);
        }
        double t1 = now_ns();
        if (t1 - t0 < best_vm)
            best_vm = t1 - t0;

        pass_c = 0;
        t0 = now_ns();
        for (long i = 0; i < rows; i++) {
            const Value *row = rowsv + (size_t)(i & (N_DISTINCT - 1)) * nc;
            if (baseline(row, &c, out))
                pass_c++;
            __asm__ volatile("" : : "r"(out) : "memory");
        }
        t1 = now_ns();
        if (t1 - t0 < best_c)
            best_c = t1 - t0;
    }
    printf("bench_vm: seed 002 risk scoring, %ld rows, %u + %u instructions\n",
           rows, c1->n_instrs, c2->n_instrs);
    printf("  vm        %7.1f ns/row  (%ld rows passed)\n", best_vm / rows,
           pass_vm);
    printf("  C (hand)  %7.1f ns/row  (%ld rows passed)\n", best_c / rows,
           pass_c);
    printf("  ratio     %7.2fx\n", best_vm / best_c);
    code_regs_fini(c1, regs1);
    code_regs_fini(c2, regs2);
    arena_fini(&prog);
    arena_fini(&batch);
    arena_fini(&data);
    xfree(src1);
    xfree(src2);
    compile_fini(&cc);
    return pass_vm == pass_c ? 0 : 1;
}
