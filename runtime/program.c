/*
 * program.c - Program allocation, lookups, validation and a debug dump
 * (see program.h).
 */
#include "runtime/fsql.h"
#include "runtime/program.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const op_kind_names[] = {
#define X(k, s) s,
    OP_KINDS(X)
#undef X
};

const char *op_kind_name(OpKind k)
{
    if ((unsigned)k >= OP_KIND_COUNT)
        return "?";
    return op_kind_names[k];
}

Program *program_new(void)
{
    Arena a;
    arena_init(&a, 16384);
    Program *p = ARENA_NEW(&a, Program);
    p->a = a;
    return p;
}

void program_free(Program *p)
{
    if (!p)
        return;
    /* p lives in its own arena: copy the arena out before releasing it. */
    Arena a = p->a;
    arena_fini(&a);
}

const char *table_def_option(const TableDef *t, const char *key)
{
    for (uint32_t i = 0; i < t->n_opts; i++)
        if (strcmp(t->keys[i], key) == 0)
            return t->values[i];
    return NULL;
}

const char *table_def_option_or(const TableDef *t, const char *key,
                                const char *def)
{
    const char *v = table_def_option(t, key);
    return v ? v : def;
}

const char *program_setting(const Program *p, const char *key)
{
    const char *v = NULL;
    for (uint32_t i = 0; i < p->n_settings; i++)
        if (strcasecmp(p->setting_keys[i], key) == 0)
            v = p->setting_values[i]; /* the last SET wins */
    return v;
}

void program_span_pos(const Program *p, SrcSpan at, char *buf, size_t n)
{
    const char *path = p->src_path ? p->src_path : "<sql>";
    if (!p->src_text || at.off > p->src_len) {
        snprintf(buf, n, "%s", path);
        return;
    }
    uint32_t line = 1, col = 1;
    for (uint32_t i = 0; i < at.off; i++) {
        unsigned char c = (unsigned char)p->src_text[i];
        if (c == '\n') {
            line++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    snprintf(buf, n, "%s:%u:%u", path, line, col);
}

static const char *check_code(const Code *c)
{
    return c ? code_validate(c) : NULL;
}

const char *program_validate(const Program *p)
{
    for (uint32_t i = 0; i < p->n_ops; i++) {
        const OpDef *d = &p->ops[i];
        if (d->id != i)
            return "operator ids are not their indexes";
        for (uint32_t k = 0; k < d->n_inputs; k++)
            if (d->inputs[k] >= i)
                return "an operator comes before one of its inputs";
        for (uint32_t k = 0; k < d->n_consumers; k++)
            if (d->consumers[k].op <= i || d->consumers[k].op >= p->n_ops)
                return "a consumer edge points backwards or out of range";
        const char *e = NULL;
        switch (d->kind) {
        case OP_KIND_CALC:
            if (!(e = check_code(d->u.calc.filter)))
                e = check_code(d->u.calc.proj);
            if (!e)
                e = check_code(d->u.calc.both);
            if (!e && d->u.calc.proj &&
                d->u.calc.proj->n_results != d->out.n_cols)
                e = "a Calc projection does not match its output width";
            if (!e && d->u.calc.both &&
                d->u.calc.both->n_results != d->out.n_cols + 1)
                e = "a Calc projection does not match its output width";
            break;
        case OP_KIND_WATERMARK:
            e = check_code(d->u.wm.expr);
            break;
        case OP_KIND_VALUES:
            for (uint32_t r = 0; !e && r < d->u.values.n_rows; r++)
                e = check_code(d->u.values.rows[r]);
            break;
        case OP_KIND_SOURCE:
            if (d->u.source.table >= p->n_tables)
                e = "a source names no table";
            break;
        case OP_KIND_SINK:
            if (d->u.sink.table >= p->n_tables)
                e = "a sink names no table";
            break;
        default:
            break;
        }
        if (e)
            return e;
    }
    return NULL;
}

void program_dump(const Program *p, bool verbose, StrBuf *out)
{
    for (uint32_t i = 0; i < p->n_ops; i++) {
        const OpDef *d = &p->ops[i];
        strbuf_printf(out, "op %u %s", i, op_kind_name(d->kind));
        if (d->n_inputs) {
            strbuf_puts(out, " inputs=[");
            for (uint32_t k = 0; k < d->n_inputs; k++)
                strbuf_printf(out, "%s%u", k ? "," : "", d->inputs[k]);
            strbuf_putc(out, ']');
        }
        strbuf_puts(out, " out=(");
        for (uint32_t c = 0; c < d->out.n_cols; c++)
            strbuf_printf(out, "%s%s", c ? ", " : "", d->out.cols[c].name);
        strbuf_puts(out, ")\n");
        if (!verbose)
            continue;
        const Code *codes[4] = {NULL, NULL, NULL, NULL};
        if (d->kind == OP_KIND_CALC) {
            codes[0] = d->u.calc.filter;
            codes[1] = d->u.calc.proj;
            codes[2] = d->u.calc.both;
        } else if (d->kind == OP_KIND_WATERMARK) {
            codes[0] = d->u.wm.expr;
        } else if (d->kind == OP_KIND_LOOKUP_JOIN) {
            codes[0] = d->u.lookup.probe_keys;
            codes[1] = d->u.lookup.dim_filter;
            codes[2] = d->u.lookup.residual;
        }
        for (int k = 0; k < 4; k++)
            if (codes[k])
                code_disasm(codes[k], out);
    }
}
