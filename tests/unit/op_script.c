/*
 * op_script.c - see op_script.h.
 */
#include "runtime/fsql.h"
#include "tests/unit/op_script.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "runtime/job_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Program *op_script_compile(const char *sql)
{
    CompileCtx cc;
    compile_init(&cc);
    uint32_t errs = compile_source(&cc, "<test>", sql, strlen(sql));
    Program *p = NULL;
    if (errs == 0 && cc.n_plans > 0)
        p = codegen_program(&cc, cc.plans[cc.n_plans - 1]);
    else
        for (uint32_t i = 0; i < cc.diags.n; i++)
            fprintf(stderr, "compile: %s\n", cc.diags.items[i].msg);
    compile_fini(&cc);
    return p;
}

OpState *op_script_find(Job *j, OpKind kind)
{
    for (uint32_t i = 0; i < j->n_ops; i++)
        if (j->ops[i]->def->kind == kind)
            return j->ops[i];
    return NULL;
}

static void parse_field(Arena *a, const char *f, size_t n, const RtType *t,
                        Value *v)
{
    *v = value_null(t->kind);
    if (n == 4 && memcmp(f, "NULL", 4) == 0)
        return;
    v->is_null = false;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)n, f);
    if (t->kind == VK_STRING || t->kind == VK_BYTES) {
        v->u.s.ptr = arena_strndup(a, f, n);
        v->u.s.len = (uint32_t)n;
    } else if (t->kind == VK_BOOL) {
        v->u.i = f[0] == 't';
    } else if (t->kind == VK_DOUBLE) {
        v->u.f = strtod(buf, NULL);
    } else {
        v->u.i = strtoll(buf, NULL, 10);
    }
}

void op_script_step(Job *j, OpState *os, uint32_t port, char what,
                    const char *row, int64_t wm)
{
    if (what == 'W') {
        op_call_watermark(os, wm, port);
        return;
    }
    if (what == 'E') {
        op_call_watermark(os, WM_END, port);
        op_call_finish(os, port);
        return;
    }
    const Program *prog = op_run_ctx(os)->prog;
    const RtSchema *in = &prog->ops[os->def->inputs[port]].out;
    Arena *a = job_batch_arena(j);
    Batch b;
    batch_init(&b, in->n_cols, 4, a);
    RowKind k = what == '+'   ? ROW_INSERT
                : what == '-' ? ROW_DELETE
                : what == 'b' ? ROW_UPDATE_BEFORE
                              : ROW_UPDATE_AFTER;
    Value *v = batch_add(&b, k, wm);
    const char *p = row;
    for (uint32_t c = 0; c < in->n_cols; c++) {
        const char *sep = strchr(p, '|');
        size_t n = sep ? (size_t)(sep - p) : strlen(p);
        parse_field(a, p, n, &in->cols[c].type, &v[c]);
        p = sep ? sep + 1 : p + n;
    }
    op_call_push(os, &b, port);
    batch_fini(&b);
}

bool op_script_open(OpScriptRun *r, const Program *p, OpKind kind)
{
    memset(r, 0, sizeof *r);
    r->out = open_memstream(&r->buf, &r->len);
    JobConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.out = r->out;
    cfg.err_out = stderr;
    cfg.output = OUTPUT_CHANGELOG;
    FsqlErr err;
    fsql_err_clear(&err);
    r->progs[0] = p;
    r->j = job_new(r->progs, 1, &cfg, &err);
    if (!r->j || job_open(r->j, &err) < 0) {
        fprintf(stderr, "job: %s\n", err.msg);
        return false;
    }
    r->os = op_script_find(r->j, kind);
    return r->os != NULL;
}

void op_script_close(OpScriptRun *r)
{
    if (r->j)
        job_free(r->j);
    r->j = NULL;
    fclose(r->out);
}
