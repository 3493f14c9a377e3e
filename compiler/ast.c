/*
 * ast.c - AST node construction (the builders grammar/parse.y calls) and
 * the debug tree dump.
 *
 * Pipeline position: between the parser and resolve.c.  The builders are
 * the only code that turns tokens into nodes: they copy identifier and
 * literal text into the compile arena (unquoted and unescaped), give each
 * node its span, and normalise the special call syntaxes (CAST, EXTRACT,
 * TRIM, SUBSTRING, POSITION, FLOOR(x TO unit), niladic CURRENT_TIMESTAMP,
 * DESCRIPTOR(...), TIMESTAMPADD's unit argument) into the node kinds of
 * ast.h.  They never look anything up in the catalog.
 *
 * Span rule: a builder given a start offset ends the span at
 * cc->ps->last_end, the end of the last token the parser shifted, which is
 * the end of the rule being reduced (see tokenize.c).
 *
 * ast_dump() prints a tree without spans so that golden files and the
 * print/parse round trip can compare trees as text.
 */
#include "runtime/fsql.h"
#include "compiler/ast.h"
#include "compiler/compile.h"
#include "compiler/tokenize.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- basics ------------------------------------------------------------ */

static const char *const kind_names[] = {
#define X(k) #k,
    AST_KINDS(X)
#undef X
};

const char *ast_kind_name(AstKind k)
{
    if ((unsigned)k >= AST_KIND_COUNT)
        return "?";
    return kind_names[k];
}

static const char *const unit_names[] = {
    "NONE",        "YEAR",       "QUARTER", "MONTH",  "WEEK",
    "DAY",         "HOUR",       "MINUTE",  "SECOND", "MILLISECOND",
    "MICROSECOND", "NANOSECOND", "DOW",     "DOY",    "EPOCH",
};

const char *time_unit_name(TimeUnit u)
{
    if ((unsigned)u >= FSQL_ARRAY_LEN(unit_names))
        return "?";
    return unit_names[u];
}

const char *binary_op_text(BinaryOp op)
{
    switch (op) {
    case BOP_ADD:
        return "+";
    case BOP_SUB:
        return "-";
    case BOP_MUL:
        return "*";
    case BOP_DIV:
        return "/";
    case BOP_MOD:
        return "%";
    case BOP_CONCAT:
        return "||";
    case BOP_EQ:
        return "=";
    case BOP_NE:
        return "<>";
    case BOP_LT:
        return "<";
    case BOP_LE:
        return "<=";
    case BOP_GT:
        return ">";
    case BOP_GE:
        return ">=";
    case BOP_AND:
        return "AND";
    case BOP_OR:
        return "OR";
    }
    return "?";
}

bool ast_expr_list_equal(const AstList *a, const AstList *b)
{
    if (a->n != b->n)
        return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (!ast_expr_equal(a->items[i], b->items[i]))
            return false;
    return true;
}

static bool qname_ieq(const QName *x, const QName *y)
{
    if (x->n_parts != y->n_parts)
        return false;
    for (uint32_t i = 0; i < x->n_parts; i++)
        if (!str_ieq(x->parts[i].name, y->parts[i].name))
            return false;
    return true;
}

bool ast_expr_equal(const AstNode *a, const AstNode *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case AST_LITERAL: {
        const AstLiteral *x = &a->u.literal, *y = &b->u.literal;
        return x->lit_kind == y->lit_kind && str_eq(x->text, y->text) &&
               x->is_negative == y->is_negative && x->unit == y->unit &&
               x->unit_to == y->unit_to;
    }
    case AST_COLUMN_REF: {
        const AstColumnRef *x = &a->u.column_ref, *y = &b->u.column_ref;
        if (x->source || y->source)
            return x->source == y->source && x->col == y->col &&
                   x->depth == y->depth &&
                   str_ieq(x->pattern_var, y->pattern_var);
        return qname_ieq(&x->name, &y->name);
    }
    case AST_UNARY:
        return a->u.unary.op == b->u.unary.op &&
               ast_expr_equal(a->u.unary.arg, b->u.unary.arg);
    case AST_BINARY:
        return a->u.binary.op == b->u.binary.op &&
               ast_expr_equal(a->u.binary.left, b->u.binary.left) &&
               ast_expr_equal(a->u.binary.right, b->u.binary.right);
    case AST_IS:
        return a->u.is.what == b->u.is.what &&
               a->u.is.is_not == b->u.is.is_not &&
               ast_expr_equal(a->u.is.arg, b->u.is.arg) &&
               ast_expr_equal(a->u.is.rhs, b->u.is.rhs);
    case AST_BETWEEN:
        return a->u.between.is_not == b->u.between.is_not &&
               a->u.between.is_symmetric == b->u.between.is_symmetric &&
               ast_expr_equal(a->u.between.arg, b->u.between.arg) &&
               ast_expr_equal(a->u.between.low, b->u.between.low) &&
               ast_expr_equal(a->u.between.high, b->u.between.high);
    case AST_IN_LIST:
        return a->u.in_list.is_not == b->u.in_list.is_not &&
               ast_expr_equal(a->u.in_list.arg, b->u.in_list.arg) &&
               ast_expr_list_equal(&a->u.in_list.list, &b->u.in_list.list);
    case AST_LIKE:
        return a->u.like.is_not == b->u.like.is_not &&
               a->u.like.is_similar == b->u.like.is_similar &&
               ast_expr_equal(a->u.like.arg, b->u.like.arg) &&
               ast_expr_equal(a->u.like.pattern, b->u.like.pattern) &&
               ast_expr_equal(a->u.like.escape, b->u.like.escape);
    case AST_CASE:
        return ast_expr_equal(a->u.case_.operand, b->u.case_.operand) &&
               ast_expr_list_equal(&a->u.case_.whens, &b->u.case_.whens) &&
               ast_expr_equal(a->u.case_.else_expr, b->u.case_.else_expr);
    case AST_WHEN:
        return ast_expr_equal(a->u.when.cond, b->u.when.cond) &&
               ast_expr_equal(a->u.when.result, b->u.when.result);
    case AST_CAST:
        return a->u.cast.is_try == b->u.cast.is_try && a->u.cast.type &&
               b->u.cast.type &&
               type_equal(a->u.cast.type->type, b->u.cast.type->type) &&
               ast_expr_equal(a->u.cast.arg, b->u.cast.arg);
    case AST_EXTRACT:
        return a->u.extract.unit == b->u.extract.unit &&
               ast_expr_equal(a->u.extract.arg, b->u.extract.arg);
    case AST_TIME_UNIT_ARG:
        return a->u.time_unit_arg.unit == b->u.time_unit_arg.unit;
    case AST_FUNC_CALL: {
        const AstFuncCall *x = &a->u.func_call, *y = &b->u.func_call;
        if (x->over || y->over || x->filter || y->filter)
            return false;
        if (x->name.n_parts == 0 || x->name.n_parts != y->name.n_parts ||
            !str_ieq(x->name.parts[x->name.n_parts - 1].name,
                     y->name.parts[y->name.n_parts - 1].name))
            return false;
        return x->is_distinct == y->is_distinct && x->is_star == y->is_star &&
               str_ieq(x->star_var.name, y->star_var.name) &&
               x->trim_mode == y->trim_mode &&
               ast_expr_list_equal(&x->args, &y->args) &&
               ast_expr_list_equal(&x->within_group, &y->within_group);
    }
    case AST_ORDER_ITEM:
        return a->u.order_item.is_desc == b->u.order_item.is_desc &&
               a->u.order_item.nulls == b->u.order_item.nulls &&
               ast_expr_equal(a->u.order_item.expr, b->u.order_item.expr);
    case AST_ROW_CTOR:
    case AST_ARRAY_CTOR:
    case AST_MAP_CTOR:
        return ast_expr_list_equal(&a->u.ctor.items, &b->u.ctor.items);
    case AST_SUBSCRIPT:
        return ast_expr_equal(a->u.subscript.base, b->u.subscript.base) &&
               ast_expr_equal(a->u.subscript.index, b->u.subscript.index);
    case AST_FIELD_ACCESS:
        return str_ieq(a->u.field_access.field.name,
                       b->u.field_access.field.name) &&
               ast_expr_equal(a->u.field_access.base, b->u.field_access.base);
    default:
        return false;
    }
}

AstNode *ast_new(Arena *a, AstKind k, SrcSpan at)
{
    AstNode *n = ARENA_NEW(a, AstNode);
    n->kind = k;
    n->at = at;
    return n;
}

void ast_list_push(Arena *a, AstList *l, AstNode *n)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        AstNode **items = ARENA_NEW_ARRAY(a, AstNode *, cap);
        if (l->n)
            memcpy(items, l->items, sizeof(AstNode *) * l->n);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = n;
}

SrcSpan span_join(SrcSpan first, SrcSpan last)
{
    SrcSpan s = first;
    uint32_t end = last.off + last.len;
    if (end > first.off)
        s.len = end - first.off;
    return s;
}

SrcSpan ast_span_from(CompileCtx *cc, uint32_t off)
{
    SrcSpan s = {off, 0};
    uint32_t end = cc->ps ? cc->ps->last_end : off;
    if (end > off)
        s.len = end - off;
    return s;
}

void ast_extend(CompileCtx *cc, AstNode *n)
{
    n->at = ast_span_from(cc, n->at.off);
}

static AstNode *node(CompileCtx *cc, AstKind k, uint32_t off)
{
    return ast_new(&cc->a, k, ast_span_from(cc, off));
}

void ast_stmt_add(CompileCtx *cc, AstNode *n)
{
    if (cc->n_stmts == cc->cap_stmts) {
        uint32_t cap = cc->cap_stmts ? cc->cap_stmts * 2 : 16;
        AstStmt *s = ARENA_NEW_ARRAY(&cc->a, AstStmt, cap);
        if (cc->n_stmts)
            memcpy(s, cc->stmts, sizeof(AstStmt) * cc->n_stmts);
        cc->stmts = s;
        cc->cap_stmts = cap;
    }
    cc->stmts[cc->n_stmts].node = n;
    cc->stmts[cc->n_stmts].at = n->at;
    cc->n_stmts++;
}

AstList ast_list1(CompileCtx *cc, AstNode *n)
{
    AstList l;
    memset(&l, 0, sizeof(l));
    ast_list_push(&cc->a, &l, n);
    return l;
}

/* ---- names and literal text ---------------------------------------------- */

/* Copy text between matching quotes q, turning doubled quotes into one. */
static Str unquote(CompileCtx *cc, const char *z, uint32_t n, char q)
{
    Str s = {"", 0};
    if (n < 2)
        return s;
    const char *p = z + 1;
    uint32_t len = n - 2;
    char *out = arena_alloc(&cc->a, len + 1);
    uint32_t j = 0;
    for (uint32_t i = 0; i < len; i++) {
        out[j++] = p[i];
        if (p[i] == q && i + 1 < len && p[i + 1] == q)
            i++;
    }
    out[j] = 0;
    s.ptr = out;
    s.len = j;
    return s;
}

Ident ast_ident(CompileCtx *cc, Token t)
{
    Ident id;
    memset(&id, 0, sizeof(id));
    id.at = t.at;
    if (t.n > 0 && t.z[0] == '`') {
        id.name = unquote(cc, t.z, t.n, '`');
        id.is_quoted = true;
    } else {
        id.name.ptr = arena_strndup(&cc->a, t.z, t.n);
        id.name.len = t.n;
    }
    return id;
}

QName ast_qname1(CompileCtx *cc, Token t)
{
    QName q;
    q.n_parts = 1;
    q.parts = ARENA_NEW_ARRAY(&cc->a, Ident, 1);
    q.parts[0] = ast_ident(cc, t);
    q.at = t.at;
    return q;
}

void ast_qname_push(CompileCtx *cc, QName *q, Token t)
{
    Ident *parts = ARENA_NEW_ARRAY(&cc->a, Ident, q->n_parts + 1);
    memcpy(parts, q->parts, sizeof(Ident) * q->n_parts);
    parts[q->n_parts++] = ast_ident(cc, t);
    q->parts = parts;
    q->at = span_join(q->at, t.at);
}

Str ast_string(CompileCtx *cc, Token t)
{
    return unquote(cc, t.z, t.n, '\'');
}

int32_t ast_int(CompileCtx *cc, Token t)
{
    int64_t v = 0;
    for (uint32_t i = 0; i < t.n; i++) {
        v = v * 10 + (t.z[i] - '0');
        if (v > INT32_MAX) {
            diag_error(cc, DIAG_E_BAD_NUMBER, t.at,
                       "number %.*s is too large here", (int)t.n, t.z);
            diag_hint(cc, "A length, precision or count is at most "
                          "2147483647.");
            return INT32_MAX;
        }
    }
    return (int32_t)v;
}

static bool name_is(Str s, const char *kw)
{
    return str_ieq_cstr(s, kw);
}

static bool qname_is(const QName *q, const char *kw)
{
    return q->n_parts == 1 && !q->parts[0].is_quoted &&
           name_is(q->parts[0].name, kw);
}

/* ---- time units ---------------------------------------------------------- */

TimeUnit ast_time_unit_parse(Str s)
{
    static const struct {
        const char *name;
        TimeUnit u;
    } units[] = {
        {"YEAR", TU_YEAR},
        {"YEARS", TU_YEAR},
        {"QUARTER", TU_QUARTER},
        {"QUARTERS", TU_QUARTER},
        {"MONTH", TU_MONTH},
        {"MONTHS", TU_MONTH},
        {"WEEK", TU_WEEK},
        {"WEEKS", TU_WEEK},
        {"DAY", TU_DAY},
        {"DAYS", TU_DAY},
        {"HOUR", TU_HOUR},
        {"HOURS", TU_HOUR},
        {"MINUTE", TU_MINUTE},
        {"MINUTES", TU_MINUTE},
        {"SECOND", TU_SECOND},
        {"SECONDS", TU_SECOND},
        {"MILLISECOND", TU_MILLISECOND},
        {"MILLISECONDS", TU_MILLISECOND},
        {"MICROSECOND", TU_MICROSECOND},
        {"MICROSECONDS", TU_MICROSECOND},
        {"NANOSECOND", TU_NANOSECOND},
        {"NANOSECONDS", TU_NANOSECOND},
        {"DOW", TU_DOW},
        {"DOY", TU_DOY},
        {"EPOCH", TU_EPOCH},
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(units); i++)
        if (name_is(s, units[i].name))
            return units[i].u;
    return TU_NONE;
}

static TimeUnit unit_of(CompileCtx *cc, Token t, bool extract_only_ok)
{
    Str s = {t.z, t.n};
    TimeUnit u = ast_time_unit_parse(s);
    if (u == TU_NONE || (!extract_only_ok && u >= TU_DOW)) {
        diag_error(cc, DIAG_E_BAD_LITERAL, t.at, "unknown time unit '%.*s'",
                   (int)t.n, t.z);
        diag_hint(cc, "Use one of YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, "
                      "MINUTE, SECOND, MILLISECOND.");
        return TU_SECOND;
    }
    return u;
}

/* ---- DDL ------------------------------------------------------------------ */

AstNode *ast_column_def(CompileCtx *cc, Token name, TypeName *type,
                        AstNode *expr)
{
    AstNode *n = node(cc, AST_COLUMN_DEF, name.at.off);
    AstColumnDef *c = &n->u.column_def;
    c->name = ast_ident(cc, name);
    c->type = type;
    c->expr = expr;
    c->col_kind = expr ? COL_COMPUTED : COL_PHYSICAL;
    return n;
}

void ast_column_metadata_key(CompileCtx *cc, AstNode *col, Token key)
{
    col->u.column_def.col_kind = COL_METADATA;
    col->u.column_def.metadata_key = ast_string(cc, key);
    col->u.column_def.has_metadata_key = true;
    ast_extend(cc, col);
}

static void pk_enforced_error(CompileCtx *cc, SrcSpan at)
{
    diag_error(cc, DIAG_E_PRIMARY_KEY, at,
               "PRIMARY KEY must be declared NOT ENFORCED");
    diag_hint(cc, "Write PRIMARY KEY (...) NOT ENFORCED; fsql, like Flink, "
                  "does not check key uniqueness of its inputs.");
}

void ast_column_pk(CompileCtx *cc, AstNode *col, bool not_enforced)
{
    ast_extend(cc, col);
    col->u.column_def.is_pk_inline = true;
    if (!not_enforced) {
        SrcSpan at = {col->at.off + col->at.len, 0};
        pk_enforced_error(cc, at);
    }
}

AstNode *ast_watermark_def(CompileCtx *cc, Token start, Token col,
                           AstNode *expr)
{
    AstNode *n = node(cc, AST_WATERMARK_DEF, start.at.off);
    n->u.watermark_def.column = ast_ident(cc, col);
    n->u.watermark_def.expr = expr;
    return n;
}

AstNode *ast_pk_constraint(CompileCtx *cc, uint32_t off, AstList cols,
                           bool not_enforced)
{
    AstNode *n = node(cc, AST_CREATE_TABLE, off);
    n->u.create_table.primary_key = cols;
    n->u.create_table.pk_at = n->at;
    if (!not_enforced)
        pk_enforced_error(cc, n->at);
    return n;
}

AstNode *ast_option(CompileCtx *cc, Token key, Token value)
{
    AstNode *n = node(cc, AST_OPTION, key.at.off);
    n->u.option.key = ast_string(cc, key);
    n->u.option.value = ast_string(cc, value);
    n->u.option.key_at = key.at;
    n->u.option.value_at = value.at;
    return n;
}

AstNode *ast_create_table(CompileCtx *cc, Token start, bool is_temp,
                          bool if_not_exists, QName name, AstList elems,
                          Str comment, AstList partitioned, AstList options,
                          QName like)
{
    AstNode *n = node(cc, AST_CREATE_TABLE, start.at.off);
    AstCreateTable *t = &n->u.create_table;
    t->name = name;
    t->is_temporary = is_temp;
    t->if_not_exists = if_not_exists;
    t->comment = comment;
    t->partitioned_by = partitioned;
    t->options = options;
    t->like = like;
    for (uint32_t i = 0; i < elems.n; i++) {
        AstNode *e = elems.items[i];
        if (e->kind == AST_COLUMN_DEF) {
            ast_list_push(&cc->a, &t->columns, e);
            if (e->u.column_def.is_pk_inline) {
                if (t->pk_at.len) {
                    diag_error(cc, DIAG_E_PRIMARY_KEY, e->at,
                               "a table can have only one PRIMARY KEY");
                    diag_hint(cc, "For a composite key write PRIMARY KEY "
                                  "(a, b) NOT ENFORCED after the columns.");
                    continue;
                }
                AstNode *ref =
                    ast_new(&cc->a, AST_COLUMN_REF, e->u.column_def.name.at);
                ref->u.column_ref.name.n_parts = 1;
                ref->u.column_ref.name.parts =
                    ARENA_NEW_ARRAY(&cc->a, Ident, 1);
                ref->u.column_ref.name.parts[0] = e->u.column_def.name;
                ref->u.column_ref.name.at = e->u.column_def.name.at;
                ast_list_push(&cc->a, &t->primary_key, ref);
                t->pk_at = e->at;
            }
        } else if (e->kind == AST_WATERMARK_DEF) {
            if (t->watermark) {
                diag_error(cc, DIAG_E_WATERMARK, e->at,
                           "a table can have only one WATERMARK");
                continue;
            }
            t->watermark = e;
        } else if (e->kind == AST_CREATE_TABLE) {
            if (t->pk_at.len) {
                diag_error(cc, DIAG_E_PRIMARY_KEY, e->at,
                           "a table can have only one PRIMARY KEY");
                diag_hint(cc, "List all key columns in one PRIMARY KEY "
                              "(...) clause.");
                continue;
            }
            t->primary_key = e->u.create_table.primary_key;
            t->pk_at = e->u.create_table.pk_at;
        }
    }
    return n;
}

AstNode *ast_create_view(CompileCtx *cc, Token start, bool is_temp,
                         bool if_not_exists, QName name, AstList cols,
                         Str comment, AstNode *query)
{
    AstNode *n = node(cc, AST_CREATE_VIEW, start.at.off);
    AstCreateView *v = &n->u.create_view;
    v->name = name;
    v->is_temporary = is_temp;
    v->if_not_exists = if_not_exists;
    v->column_names = cols;
    v->comment = comment;
    v->query = query;
    return n;
}

AstNode *ast_create_function(CompileCtx *cc, Token start, bool is_temp,
                             bool is_system, bool if_not_exists, QName name,
                             Token class_name, Token language)
{
    AstNode *n = node(cc, AST_CREATE_FUNCTION, start.at.off);
    AstCreateFunction *f = &n->u.create_function;
    f->name = name;
    f->is_temporary = is_temp;
    f->is_system = is_system;
    f->if_not_exists = if_not_exists;
    f->class_name = ast_string(cc, class_name);
    if (language.n)
        f->language = ast_ident(cc, language).name;
    return n;
}

AstNode *ast_drop(CompileCtx *cc, Token start, ObjKind obj, bool is_temp,
                  bool if_exists, QName name)
{
    AstNode *n = node(cc, AST_DROP, start.at.off);
    n->u.drop.obj = obj;
    n->u.drop.is_temporary = is_temp;
    n->u.drop.if_exists = if_exists;
    n->u.drop.name = name;
    return n;
}

AstNode *ast_insert(CompileCtx *cc, Token start, bool is_overwrite, QName table,
                    HintList hints, AstList partition, AstList cols,
                    AstNode *query)
{
    AstNode *n = node(cc, AST_INSERT, start.at.off);
    AstInsert *ins = &n->u.insert;
    ins->table = table;
    ins->is_overwrite = is_overwrite;
    ins->partition = partition;
    ins->columns = cols;
    ins->query = query;
    if (hints.n) {
        SrcSpan at = span_join(hints.items[0].at, hints.items[hints.n - 1].at);
        ins->hint_text.ptr = arena_strndup(&cc->a, cc->src + at.off, at.len);
        ins->hint_text.len = at.len;
    }
    return n;
}

AstNode *ast_statement_set(CompileCtx *cc, Token start, AstList inserts,
                           bool is_begin_form)
{
    AstNode *n = node(cc, AST_STATEMENT_SET, start.at.off);
    n->u.statement_set.inserts = inserts;
    n->u.statement_set.is_begin_form = is_begin_form;
    return n;
}

/* SET/RESET key or value: one quoted string is unquoted; anything else is
 * taken verbatim from the source. */
static Str set_text(CompileCtx *cc, SrcSpan at)
{
    const char *z = cc->src + at.off;
    if (at.len >= 2 && z[0] == '\'' && z[at.len - 1] == '\'') {
        /* one string token iff the quotes pair up to the end */
        bool one = true;
        for (uint32_t i = 1; i + 1 < at.len; i++) {
            if (z[i] == '\'') {
                if (z[i + 1] == '\'' && i + 2 < at.len) {
                    i++;
                } else {
                    one = false;
                    break;
                }
            }
        }
        if (one)
            return unquote(cc, z, at.len, '\'');
    }
    Str s;
    s.ptr = arena_strndup(&cc->a, z, at.len);
    s.len = at.len;
    return s;
}

AstNode *ast_set(CompileCtx *cc, Token start, const SrcSpan *key,
                 const SrcSpan *value)
{
    AstNode *n = node(cc, AST_SET, start.at.off);
    if (key) {
        n->u.set.has_key = true;
        n->u.set.key = set_text(cc, *key);
        n->u.set.key_at = *key;
        n->u.set.value = set_text(cc, *value);
        n->u.set.value_at = *value;
    }
    return n;
}

AstNode *ast_reset(CompileCtx *cc, Token start, const SrcSpan *key)
{
    AstNode *n = node(cc, AST_RESET, start.at.off);
    if (key) {
        n->u.set.has_key = true;
        n->u.set.key = set_text(cc, *key);
        n->u.set.key_at = *key;
    }
    return n;
}

AstNode *ast_show(CompileCtx *cc, Token start, ShowKind what, const QName *name,
                  const Token *like)
{
    AstNode *n = node(cc, AST_SHOW, start.at.off);
    n->u.show.what = what;
    if (name)
        n->u.show.name = *name;
    if (like && like->n)
        n->u.show.like = ast_string(cc, *like);
    return n;
}

AstNode *ast_describe(CompileCtx *cc, Token start, bool is_extended, QName name)
{
    AstNode *n = node(cc, AST_DESCRIBE, start.at.off);
    n->u.describe.is_extended = is_extended;
    n->u.describe.name = name;
    return n;
}

AstNode *ast_explain(CompileCtx *cc, Token start, const AstList *details,
                     bool is_plan_for, AstNode *stmt)
{
    AstNode *n = node(cc, AST_EXPLAIN, start.at.off);
    n->u.explain.stmt = stmt;
    n->u.explain.is_plan_for = is_plan_for;
    if (details)
        n->u.explain.details = *details;
    return n;
}

AstNode *ast_query_stmt(CompileCtx *cc, AstNode *query)
{
    AstNode *n = ast_new(&cc->a, AST_QUERY_STMT, query->at);
    n->u.query_stmt.query = query;
    return n;
}

AstNode *ast_use(CompileCtx *cc, Token start, bool is_catalog, QName name)
{
    AstNode *n = node(cc, AST_USE, start.at.off);
    n->u.use.is_catalog = is_catalog;
    n->u.use.name = name;
    return n;
}

/* ---- types ------------------------------------------------------------- */

static TypeName *typename_new(CompileCtx *cc, uint32_t off, SqlType *t)
{
    TypeName *tn = ARENA_NEW(&cc->a, TypeName);
    tn->type = t;
    tn->at = ast_span_from(cc, off);
    return tn;
}

static SqlType *mk_type(CompileCtx *cc, TypeKind k, int32_t p, int32_t s)
{
    SqlType *t = type_new(&cc->a, k);
    t->precision = p;
    t->scale = s;
    t->is_nullable = true;
    t->time_attr = TA_NONE;
    return t;
}

TypeName *ast_type_named(CompileCtx *cc, Token name, int32_t p, int32_t s)
{
    static const struct {
        const char *name;
        TypeKind kind;
        int32_t def_p;    /* default precision/length; -1: takes none */
        int32_t max_args; /* parameters accepted */
    } types[] = {
        {"BOOLEAN", T_BOOLEAN, -1, 0},
        {"BOOL", T_BOOLEAN, -1, 0},
        {"TINYINT", T_TINYINT, -1, 0},
        {"SMALLINT", T_SMALLINT, -1, 0},
        {"INT", T_INT, -1, 0},
        {"INTEGER", T_INT, -1, 0},
        {"BIGINT", T_BIGINT, -1, 0},
        {"FLOAT", T_FLOAT, -1, 0},
        {"REAL", T_FLOAT, -1, 0},
        {"DOUBLE", T_DOUBLE, -1, 0},
        {"DECIMAL", T_DECIMAL, 10, 2},
        {"DEC", T_DECIMAL, 10, 2},
        {"NUMERIC", T_DECIMAL, 10, 2},
        {"CHAR", T_CHAR, 1, 1},
        {"CHARACTER", T_CHAR, 1, 1},
        {"VARCHAR", T_VARCHAR, 1, 1},
        {"STRING", T_VARCHAR, VARCHAR_MAX, 0},
        {"BINARY", T_BINARY, 1, 1},
        {"VARBINARY", T_VARBINARY, 1, 1},
        {"BYTES", T_VARBINARY, VARCHAR_MAX, 0},
        {"DATE", T_DATE, -1, 0},
        {"TIME", T_TIME, 0, 1},
        {"TIMESTAMP", T_TIMESTAMP, 6, 1},
        {"TIMESTAMP_LTZ", T_TIMESTAMP_LTZ, 6, 1},
    };
    Str nm = {name.z, name.n};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(types); i++) {
        if (name.z[0] == '`' || !name_is(nm, types[i].name))
            continue;
        int nargs = (p >= 0) + (s >= 0);
        if (nargs > types[i].max_args) {
            diag_error(cc, DIAG_E_SYNTAX, ast_span_from(cc, name.at.off),
                       "type %s takes %s", types[i].name,
                       types[i].max_args == 0   ? "no parameters"
                       : types[i].max_args == 1 ? "one parameter"
                                                : "at most two parameters");
            p = s = -1;
        }
        int32_t prec = p >= 0 ? p : types[i].def_p;
        int32_t scale = 0;
        if (types[i].kind == T_DECIMAL) {
            prec = p >= 0 ? p : 10;
            scale = s >= 0 ? s : 0;
        }
        return typename_new(cc, name.at.off,
                            mk_type(cc, types[i].kind, prec, scale));
    }
    diag_error(cc, DIAG_E_SYNTAX, name.at, "unknown data type '%.*s'",
               (int)name.n, name.z);
    diag_hint(cc, "Use one of BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), "
                  "STRING, VARCHAR(n), DATE, TIME, TIMESTAMP(3), "
                  "TIMESTAMP_LTZ(3), ARRAY<T>, MAP<K, V>, ROW<...>.");
    return typename_new(cc, name.at.off,
                        mk_type(cc, T_VARCHAR, VARCHAR_MAX, 0));
}

void ast_type_not_null(CompileCtx *cc, TypeName *t)
{
    t->type->is_nullable = false;
    t->at = ast_span_from(cc, t->at.off);
}

void ast_extend_type(CompileCtx *cc, TypeName *t)
{
    t->at = ast_span_from(cc, t->at.off);
}

static bool check_time_word(CompileCtx *cc, Token w)
{
    if (w.n == 4 && strncasecmp(w.z, "TIME", 4) == 0)
        return true;
    diag_error(cc, DIAG_E_SYNTAX, w.at, "syntax error at or near \"%.*s\"",
               (int)w.n, w.z);
    diag_detail(cc, "Expected TIME ZONE.");
    return false;
}

void ast_type_local_tz(CompileCtx *cc, TypeName *t, Token time_word)
{
    check_time_word(cc, time_word);
    if (t->type->kind != T_TIMESTAMP && t->type->kind != T_TIME) {
        diag_error(cc, DIAG_E_SYNTAX, t->at,
                   "WITH LOCAL TIME ZONE applies only to TIMESTAMP");
    } else {
        t->type->kind = T_TIMESTAMP_LTZ;
    }
    t->at = ast_span_from(cc, t->at.off);
}

void ast_type_without_tz(CompileCtx *cc, TypeName *t, Token time_word)
{
    check_time_word(cc, time_word);
    if (t->type->kind != T_TIMESTAMP && t->type->kind != T_TIME)
        diag_error(cc, DIAG_E_SYNTAX, t->at,
                   "WITHOUT TIME ZONE applies only to TIMESTAMP and TIME");
    t->at = ast_span_from(cc, t->at.off);
}

TypeName *ast_type_array(CompileCtx *cc, Token start, TypeName *elem)
{
    SqlType *t = mk_type(cc, T_ARRAY, -1, 0);
    t->elem = elem->type;
    return typename_new(cc, start.at.off, t);
}

TypeName *ast_type_multiset(CompileCtx *cc, Token name, TypeName *elem)
{
    Str nm = {name.z, name.n};
    if (!name_is(nm, "MULTISET"))
        diag_error(cc, DIAG_E_SYNTAX, name.at, "unknown data type '%.*s'",
                   (int)name.n, name.z);
    SqlType *t = mk_type(cc, T_MULTISET, -1, 0);
    t->elem = elem->type;
    return typename_new(cc, name.at.off, t);
}

TypeName *ast_type_map(CompileCtx *cc, Token start, TypeName *key,
                       TypeName *value)
{
    SqlType *t = mk_type(cc, T_MAP, -1, 0);
    t->elem = key->type;
    t->value = value->type;
    return typename_new(cc, start.at.off, t);
}

TypeName *ast_type_row(CompileCtx *cc, Token start, AstList fields)
{
    SqlType *t = mk_type(cc, T_ROW, -1, 0);
    t->n_fields = fields.n;
    t->fields = ARENA_NEW_ARRAY(&cc->a, TypeField, fields.n ? fields.n : 1);
    for (uint32_t i = 0; i < fields.n; i++) {
        t->fields[i].name = fields.items[i]->u.column_def.name.name;
        t->fields[i].type = fields.items[i]->u.column_def.type->type;
    }
    return typename_new(cc, start.at.off, t);
}

/* ---- queries ----------------------------------------------------------------- */

AstNode *ast_query(CompileCtx *cc, uint32_t off, const AstList *ctes,
                   AstNode *body, const AstList *order_by,
                   const AstLimit *limit)
{
    if (!ctes && order_by->n == 0 && !limit->limit && !limit->offset)
        return body;
    AstNode *n = node(cc, AST_WITH, off);
    if (ctes)
        n->u.with.ctes = *ctes;
    n->u.with.body = body;
    n->u.with.order_by = *order_by;
    n->u.with.limit = limit->limit;
    n->u.with.offset = limit->offset;
    return n;
}

AstNode *ast_cte(CompileCtx *cc, Token name, AstList cols, AstNode *query)
{
    AstNode *n = node(cc, AST_CTE, name.at.off);
    n->u.cte.name = ast_ident(cc, name);
    n->u.cte.column_names = cols;
    n->u.cte.query = query;
    return n;
}

AstNode *ast_values(CompileCtx *cc, Token start, AstList rows)
{
    AstNode *n = node(cc, AST_VALUES, start.at.off);
    n->u.values.rows = rows;
    return n;
}

AstNode *ast_setop(CompileCtx *cc, SetOpKind op, bool is_all, AstNode *left,
                   AstNode *right)
{
    AstNode *n = node(cc, AST_SETOP, left->at.off);
    n->u.setop.op = op;
    n->u.setop.is_all = is_all;
    n->u.setop.left = left;
    n->u.setop.right = right;
    return n;
}

AstNode *ast_select(CompileCtx *cc, Token start, const HintList *hints,
                    bool is_distinct, const AstList *items, AstNode *from,
                    AstNode *where, const AstList *group_by, AstNode *having,
                    const AstList *windows)
{
    AstNode *n = node(cc, AST_SELECT, start.at.off);
    AstSelect *s = &n->u.select;
    s->hints = *hints;
    s->is_distinct = is_distinct;
    s->items = *items;
    if (from)
        ast_list_push(&cc->a, &s->from, from);
    s->where = where;
    s->group_by = *group_by;
    s->having = having;
    s->windows = *windows;
    return n;
}

/* Hint comments: "/\*+ NAME(arg, ...), NAME2 *\/".  Arguments are
 * identifiers (possibly dotted or back-quoted), numbers, or 'k' = 'v'
 * pairs (kept as k=v).  Unparseable text is reported as W_UNKNOWN_HINT and
 * the rest of that comment is skipped. */
static bool hint_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
           (unsigned char)c >= 0x80;
}

static size_t skip_ws(const char *z, size_t i, size_t end)
{
    while (i < end && (z[i] == ' ' || z[i] == '\t' || z[i] == '\n' ||
                       z[i] == '\r' || z[i] == '\f' || z[i] == '\v'))
        i++;
    return i;
}

/* Scan one hint argument atom at z[i]: a word, a 'string' or a `name`.
 * Appends its unquoted text to sb; returns the index after it, or 0. */
static size_t hint_atom(const char *z, size_t i, size_t end, StrBuf *sb)
{
    if (i >= end)
        return 0;
    if (z[i] == '\'' || z[i] == '`') {
        char q = z[i++];
        while (i < end) {
            if (z[i] == q) {
                if (i + 1 < end && z[i + 1] == q) {
                    strbuf_putc(sb, q);
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            strbuf_putc(sb, z[i++]);
        }
        return 0;
    }
    size_t st = i;
    while (i < end && hint_word(z[i]))
        i++;
    if (i == st)
        return 0;
    strbuf_append(sb, z + st, i - st);
    return i;
}

void ast_hints_parse(CompileCtx *cc, HintList *hl, Token hint)
{
    const char *z = hint.z;
    size_t end = hint.n >= 5 ? hint.n - 2 : 3; /* before the closing */
    size_t i = 3;                              /* after the opening */
    Hint items[64];
    uint32_t n = 0;
    while (n < FSQL_ARRAY_LEN(items)) {
        i = skip_ws(z, i, end);
        if (i >= end)
            break;
        size_t st = i;
        while (i < end && (hint_word(z[i]) && z[i] != '.' && z[i] != '-'))
            i++;
        if (i == st)
            goto bad;
        Hint *h = &items[n];
        memset(h, 0, sizeof(*h));
        Token nt = {z + st,
                    (uint32_t)(i - st),
                    {hint.at.off + (uint32_t)st, (uint32_t)(i - st)}};
        h->name = ast_ident(cc, nt);
        size_t h_end = i; /* the hint's span ends here without arguments */
        i = skip_ws(z, i, end);
        if (i < end && z[i] == '(') {
            Str args[64];
            uint32_t na = 0;
            i = skip_ws(z, i + 1, end);
            if (i < end && z[i] == ')') {
                i++;
            } else {
                for (;;) {
                    StrBuf sb;
                    strbuf_init(&sb);
                    i = skip_ws(z, i, end);
                    size_t j = hint_atom(z, i, end, &sb);
                    if (!j) {
                        strbuf_fini(&sb);
                        goto bad;
                    }
                    i = skip_ws(z, j, end);
                    if (i < end && z[i] == '=') {
                        strbuf_putc(&sb, '=');
                        i = skip_ws(z, i + 1, end);
                        j = hint_atom(z, i, end, &sb);
                        if (!j) {
                            strbuf_fini(&sb);
                            goto bad;
                        }
                        i = skip_ws(z, j, end);
                    }
                    if (na < FSQL_ARRAY_LEN(args)) {
                        args[na].ptr =
                            arena_strndup(&cc->a, strbuf_cstr(&sb), sb.len);
                        args[na].len = sb.len;
                        na++;
                    }
                    strbuf_fini(&sb);
                    if (i < end && z[i] == ',') {
                        i++;
                        continue;
                    }
                    if (i < end && z[i] == ')') {
                        i++;
                        break;
                    }
                    goto bad;
                }
            }
            h->n_args = na;
            h->args = ARENA_NEW_ARRAY(&cc->a, Str, na ? na : 1);
            memcpy(h->args, args, sizeof(Str) * na);
            h_end = i;
        }
        h->at.off = hint.at.off + (uint32_t)st;
        h->at.len = (uint32_t)(h_end - st);
        n++;
        i = skip_ws(z, i, end);
        if (i < end && z[i] == ',')
            i++;
    }
    goto done;
bad : {
    SrcSpan at = {hint.at.off + (uint32_t)(i < end ? i : end), 1};
    diag_warn(cc, DIAG_W_UNKNOWN_HINT, at,
              "cannot read this hint; the rest of the hint comment is "
              "ignored");
    diag_hint(cc, "Hints are written NAME(arg, ...) or OPTIONS('k' = 'v'), "
                  "separated by commas.");
}
done:
    if (n == 0)
        return;
    Hint *all = ARENA_NEW_ARRAY(&cc->a, Hint, hl->n + n);
    if (hl->n)
        memcpy(all, hl->items, sizeof(Hint) * hl->n);
    memcpy(all + hl->n, items, sizeof(Hint) * n);
    hl->items = all;
    hl->n += n;
}

AstNode *ast_select_item(CompileCtx *cc, AstNode *expr, const Token *alias)
{
    AstNode *n = node(cc, AST_SELECT_ITEM, expr->at.off);
    n->u.select_item.expr = expr;
    if (alias) {
        n->u.select_item.alias = ast_ident(cc, *alias);
        n->u.select_item.has_alias = true;
    }
    return n;
}

AstNode *ast_star(CompileCtx *cc, uint32_t off, const QName *qual)
{
    AstNode *n = node(cc, AST_STAR, off);
    if (qual)
        n->u.star.qualifier = *qual;
    return n;
}

AstNode *ast_order_item(CompileCtx *cc, AstNode *expr, bool is_desc, int nulls)
{
    AstNode *n = node(cc, AST_ORDER_ITEM, expr->at.off);
    n->u.order_item.expr = expr;
    n->u.order_item.is_desc = is_desc;
    n->u.order_item.nulls = nulls;
    return n;
}

AstNode *ast_window_def(CompileCtx *cc, Token name, Token lp, AstNode *spec)
{
    AstNode *n = node(cc, AST_WINDOW_DEF, name.at.off);
    n->u.window_def.name = ast_ident(cc, name);
    spec->at = ast_span_from(cc, lp.at.off);
    n->u.window_def.spec = spec;
    return n;
}

AstNode *ast_window_spec(CompileCtx *cc, const Token *base,
                         const AstList *partition_by, const AstList *order_by,
                         const AstFrame *frame)
{
    SrcSpan none = {0, 0};
    AstNode *n = ast_new(&cc->a, AST_WINDOW_SPEC, none);
    AstWindowSpec *w = &n->u.window_spec;
    if (base)
        w->base = ast_ident(cc, *base);
    w->partition_by = *partition_by;
    w->order_by = *order_by;
    w->frame_unit = frame->unit;
    w->frame_start = frame->start;
    w->frame_end = frame->end;
    return n;
}

AstNode *ast_frame_bound(CompileCtx *cc, uint32_t off, BoundKind b,
                         AstNode *offset)
{
    AstNode *n = node(cc, AST_FRAME_BOUND, off);
    n->u.frame_bound.bound = b;
    n->u.frame_bound.offset = offset;
    return n;
}

/* ---- FROM items --------------------------------------------------------------- */

AstAlias ast_alias(CompileCtx *cc, Token name, const AstList *cols)
{
    AstAlias al;
    memset(&al, 0, sizeof(al));
    al.name = ast_ident(cc, name);
    al.has_alias = true;
    if (cols)
        al.columns = *cols;
    return al;
}

AstNode *ast_join(CompileCtx *cc, JoinKind k, bool is_natural, AstNode *left,
                  AstNode *right, AstNode *on, const AstList *using_cols)
{
    AstNode *n = node(cc, AST_JOIN, left->at.off);
    AstJoin *j = &n->u.join;
    j->join_kind = k;
    j->is_natural = is_natural;
    j->left = left;
    j->right = right;
    j->on = on;
    if (using_cols)
        j->using_cols = *using_cols;
    return n;
}

AstNode *ast_table_ref(CompileCtx *cc, QName name, const HintList *hints,
                       AstNode *system_time, const AstAlias *alias)
{
    AstNode *n = node(cc, AST_TABLE_REF, name.at.off);
    AstTableRef *t = &n->u.table_ref;
    t->name = name;
    t->hints = *hints;
    t->system_time = system_time;
    t->alias = alias->name;
    t->has_alias = alias->has_alias;
    t->column_aliases = alias->columns;
    return n;
}

AstNode *ast_subquery_ref(CompileCtx *cc, uint32_t off, bool is_lateral,
                          AstNode *query, const AstAlias *alias)
{
    AstNode *n = node(cc, AST_SUBQUERY_REF, off);
    AstSubqueryRef *s = &n->u.subquery_ref;
    s->query = query;
    s->is_lateral = is_lateral;
    s->alias = alias->name;
    s->has_alias = alias->has_alias;
    s->column_aliases = alias->columns;
    return n;
}

AstNode *ast_table_func_ref(CompileCtx *cc, uint32_t off, bool is_lateral,
                            AstNode *call, const AstAlias *alias)
{
    AstNode *n = node(cc, AST_TABLE_FUNC_REF, off);
    AstTableFuncRef *t = &n->u.table_func_ref;
    t->call = call;
    t->is_lateral = is_lateral;
    t->alias = alias->name;
    t->has_alias = alias->has_alias;
    t->column_aliases = alias->columns;
    if (call->kind != AST_FUNC_CALL)
        diag_error(cc, DIAG_E_SYNTAX, call->at,
                   "TABLE(...) needs a table function call");
    return n;
}

AstNode *ast_unnest_ref(CompileCtx *cc, uint32_t off, const AstList *args,
                        bool with_ordinality, const AstAlias *alias)
{
    AstNode *n = node(cc, AST_UNNEST_REF, off);
    AstUnnestRef *u = &n->u.unnest_ref;
    u->args = *args;
    u->with_ordinality = with_ordinality;
    u->alias = alias->name;
    u->has_alias = alias->has_alias;
    u->column_aliases = alias->columns;
    return n;
}

/* ---- MATCH_RECOGNIZE ------------------------------------------------------------ */

AstNode *ast_match_recognize(CompileCtx *cc, AstNode *input,
                             const AstList *partition_by,
                             const AstList *order_by, const AstList *measures,
                             RowsPerMatch rpm, const AstSkip *skip,
                             AstNode *pattern, AstNode *within,
                             const AstList *subsets, const AstList *defines,
                             const AstAlias *alias)
{
    AstNode *n = node(cc, AST_MATCH_RECOGNIZE, input->at.off);
    AstMatchRecognize *m = &n->u.match_recognize;
    m->input = input;
    m->partition_by = *partition_by;
    m->order_by = *order_by;
    m->measures = *measures;
    m->rows_per_match = rpm;
    m->skip = skip->kind;
    m->skip_var = skip->var;
    m->skip_at = skip->at;
    m->pattern = pattern;
    m->within = within;
    m->subsets = *subsets;
    m->defines = *defines;
    m->alias = alias->name;
    m->has_alias = alias->has_alias;
    return n;
}

AstNode *ast_measure(CompileCtx *cc, AstNode *expr, Token alias)
{
    AstNode *n = node(cc, AST_MEASURE, expr->at.off);
    n->u.measure.expr = expr;
    n->u.measure.alias = ast_ident(cc, alias);
    return n;
}

AstSkip ast_skip(CompileCtx *cc, Token start, SkipKind k, const Token *var)
{
    AstSkip s;
    memset(&s, 0, sizeof(s));
    s.kind = k;
    if (var)
        s.var = ast_ident(cc, *var);
    s.at = ast_span_from(cc, start.at.off);
    return s;
}

AstNode *ast_subset(CompileCtx *cc, Token name, AstList vars)
{
    AstNode *n = node(cc, AST_SUBSET, name.at.off);
    n->u.subset.name = ast_ident(cc, name);
    n->u.subset.vars = vars;
    return n;
}

AstNode *ast_define(CompileCtx *cc, Token var, AstNode *cond)
{
    AstNode *n = node(cc, AST_DEFINE, var.at.off);
    n->u.define.var = ast_ident(cc, var);
    n->u.define.cond = cond;
    return n;
}

AstNode *ast_pattern_new(CompileCtx *cc, PatternKind k, uint32_t off)
{
    AstNode *n = node(cc, AST_PATTERN, off);
    n->u.pattern.pat_kind = k;
    n->u.pattern.min = 1;
    n->u.pattern.max = 1;
    return n;
}

AstNode *ast_pattern_var(CompileCtx *cc, Token name)
{
    AstNode *n = ast_pattern_new(cc, PAT_VAR, name.at.off);
    n->u.pattern.var = ast_ident(cc, name);
    return n;
}

AstNode *ast_pattern_list(CompileCtx *cc, PatternKind k, AstList items)
{
    if (items.n == 1 && k != PAT_PERMUTE)
        return items.items[0];
    AstNode *n = ast_pattern_new(cc, k, items.items[0]->at.off);
    n->u.pattern.items = items;
    return n;
}

AstNode *ast_pattern_group(CompileCtx *cc, Token lp, AstNode *inner)
{
    /* A group keeps its own node so that a quantifier applies to it as a
     * whole: (A B)+ is CONCAT{A, B}+, (A)+ is A+. */
    inner->at = ast_span_from(cc, lp.at.off);
    if (inner->u.pattern.has_quantifier) {
        AstNode *n = ast_pattern_new(cc, PAT_CONCAT, lp.at.off);
        n->u.pattern.items = ast_list1(cc, inner);
        return n;
    }
    return inner;
}

void ast_pattern_wrap(CompileCtx *cc, AstNode *p, Token start)
{
    p->at = ast_span_from(cc, start.at.off);
}

AstNode *ast_pattern_exclude(CompileCtx *cc, Token start, AstNode *inner)
{
    AstNode *n = ast_pattern_new(cc, PAT_EXCLUDE, start.at.off);
    n->u.pattern.items = ast_list1(cc, inner);
    return n;
}

AstQuant ast_quant(CompileCtx *cc, Token start, int32_t min, int32_t max)
{
    AstQuant q;
    memset(&q, 0, sizeof(q));
    q.min = min;
    q.max = max;
    q.at = ast_span_from(cc, start.at.off);
    if (max >= 0 && min > max) {
        diag_error(cc, DIAG_E_MATCH_RECOGNIZE, q.at,
                   "quantifier {%d,%d}: the minimum exceeds the maximum",
                   (int)min, (int)max);
        q.max = min;
    }
    return q;
}

AstNode *ast_pattern_quantify(CompileCtx *cc, AstNode *p, const AstQuant *q)
{
    if (p->u.pattern.has_quantifier) {
        AstNode *w = ast_pattern_new(cc, PAT_CONCAT, p->at.off);
        w->u.pattern.items = ast_list1(cc, p);
        p = w;
    }
    p->u.pattern.min = q->min;
    p->u.pattern.max = q->max;
    p->u.pattern.is_reluctant = q->is_reluctant;
    p->u.pattern.has_quantifier = true;
    ast_extend(cc, p);
    return p;
}

/* ---- expressions ----------------------------------------------------------- */

AstNode *ast_literal(CompileCtx *cc, LiteralKind k, Token t)
{
    AstNode *n = ast_new(&cc->a, AST_LITERAL, t.at);
    AstLiteral *l = &n->u.literal;
    l->lit_kind = k;
    l->unit_precision = -1;
    if (k == LIT_STRING) {
        l->text = ast_string(cc, t);
    } else if (k == LIT_BOOL) {
        l->text = (t.n == 4) ? STR_LIT("TRUE") : STR_LIT("FALSE");
    } else if (k == LIT_NULL) {
        l->text = STR_LIT("NULL");
    } else if (k == LIT_BINARY) {
        /* X'...': the text between the quotes (checked when resolved) */
        l->text.ptr = arena_strndup(&cc->a, t.z + 2, t.n - 3);
        l->text.len = t.n - 3;
    } else {
        l->text.ptr = arena_strndup(&cc->a, t.z, t.n);
        l->text.len = t.n;
    }
    return n;
}

AstNode *ast_typed_literal(CompileCtx *cc, Token kw, LiteralKind k, Token str)
{
    AstNode *n = node(cc, AST_LITERAL, kw.at.off);
    n->u.literal.lit_kind = k;
    n->u.literal.text = ast_string(cc, str);
    n->u.literal.unit_precision = -1;
    return n;
}

AstIntervalQual ast_interval_qual(CompileCtx *cc, Token unit, int32_t precision,
                                  const Token *unit_to, int32_t precision_to)
{
    AstIntervalQual q;
    memset(&q, 0, sizeof(q));
    q.unit = unit_of(cc, unit, false);
    q.precision = precision;
    if (unit_to) {
        q.unit_to = unit_of(cc, *unit_to, false);
        if (precision_to >= 0)
            q.precision = precision_to;
        if (q.unit_to <= q.unit)
            diag_error(cc, DIAG_E_BAD_LITERAL, span_join(unit.at, unit_to->at),
                       "interval %s TO %s: the second unit must be smaller",
                       time_unit_name(q.unit), time_unit_name(q.unit_to));
    }
    q.at = ast_span_from(cc, unit.at.off);
    return q;
}

AstNode *ast_interval(CompileCtx *cc, Token kw, bool is_negative, Token str,
                      const AstIntervalQual *q)
{
    AstNode *n = node(cc, AST_LITERAL, kw.at.off);
    AstLiteral *l = &n->u.literal;
    l->lit_kind = LIT_INTERVAL;
    l->text = ast_string(cc, str);
    l->is_negative = is_negative;
    l->unit = q->unit;
    l->unit_to = q->unit_to;
    l->unit_precision = q->precision;
    return n;
}

static bool is_niladic_name(const QName *q)
{
    static const char *const names[] = {
        "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME",
        "LOCALTIMESTAMP",    "LOCALTIME",    "CURRENT_USER",
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(names); i++)
        if (qname_is(q, names[i]))
            return true;
    return false;
}

AstNode *ast_colref(CompileCtx *cc, const QName *name)
{
    if (is_niladic_name(name)) {
        AstNode *n = ast_new(&cc->a, AST_FUNC_CALL, name->at);
        n->u.func_call.name = *name;
        n->u.func_call.is_niladic = true;
        return n;
    }
    AstNode *n = ast_new(&cc->a, AST_COLUMN_REF, name->at);
    n->u.column_ref.name = *name;
    n->u.column_ref.col = -1;
    return n;
}

AstNode *ast_colref1(CompileCtx *cc, Token name)
{
    AstNode *n = ast_new(&cc->a, AST_COLUMN_REF, name.at);
    n->u.column_ref.name = ast_qname1(cc, name);
    n->u.column_ref.col = -1;
    return n;
}

AstNode *ast_unary(CompileCtx *cc, Token op_tok, UnaryOp op, AstNode *arg)
{
    AstNode *n = node(cc, AST_UNARY, op_tok.at.off);
    n->u.unary.op = op;
    n->u.unary.arg = arg;
    return n;
}

AstNode *ast_binary(CompileCtx *cc, BinaryOp op, AstNode *left, AstNode *right)
{
    AstNode *n = node(cc, AST_BINARY, left->at.off);
    n->u.binary.op = op;
    n->u.binary.left = left;
    n->u.binary.right = right;
    return n;
}

AstNode *ast_is(CompileCtx *cc, AstNode *arg, IsWhat what, bool is_not,
                AstNode *rhs)
{
    AstNode *n = node(cc, AST_IS, arg->at.off);
    n->u.is.what = what;
    n->u.is.is_not = is_not;
    n->u.is.arg = arg;
    n->u.is.rhs = rhs;
    return n;
}

AstNode *ast_between(CompileCtx *cc, AstNode *arg, int mode, AstNode *low,
                     AstNode *high)
{
    AstNode *n = node(cc, AST_BETWEEN, arg->at.off);
    n->u.between.is_not = (mode & 1) != 0;
    n->u.between.is_symmetric = (mode & 2) != 0;
    n->u.between.arg = arg;
    n->u.between.low = low;
    n->u.between.high = high;
    return n;
}

AstNode *ast_in_list(CompileCtx *cc, AstNode *arg, bool is_not,
                     const AstList *list)
{
    AstNode *n = node(cc, AST_IN_LIST, arg->at.off);
    n->u.in_list.is_not = is_not;
    n->u.in_list.arg = arg;
    n->u.in_list.list = *list;
    return n;
}

AstNode *ast_in_subquery(CompileCtx *cc, AstNode *arg, bool is_not,
                         AstNode *query)
{
    AstNode *n = node(cc, AST_IN_SUBQUERY, arg->at.off);
    n->u.in_subquery.is_not = is_not;
    n->u.in_subquery.arg = arg;
    n->u.in_subquery.query = query;
    return n;
}

AstNode *ast_like(CompileCtx *cc, AstNode *arg, int mode, AstNode *pattern,
                  AstNode *escape)
{
    AstNode *n = node(cc, AST_LIKE, arg->at.off);
    n->u.like.is_not = (mode & 1) != 0;
    n->u.like.is_similar = (mode & 2) != 0;
    n->u.like.arg = arg;
    n->u.like.pattern = pattern;
    n->u.like.escape = escape;
    return n;
}

AstNode *ast_paren(CompileCtx *cc, Token lp, AstNode *inner)
{
    /* The parentheses become part of the span: "(a + b) * c" starts at
     * the '(' so that spans of enclosing nodes cover them. */
    inner->at = ast_span_from(cc, lp.at.off);
    return inner;
}

AstNode *ast_subquery_expr(CompileCtx *cc, Token lp, AstNode *query)
{
    AstNode *n = node(cc, AST_SUBQUERY_EXPR, lp.at.off);
    n->u.subquery_expr.query = query;
    return n;
}

AstNode *ast_exists(CompileCtx *cc, Token kw, AstNode *query)
{
    AstNode *n = node(cc, AST_EXISTS, kw.at.off);
    n->u.exists.query = query;
    return n;
}

AstNode *ast_case(CompileCtx *cc, Token kw, AstNode *operand,
                  const AstList *whens, AstNode *else_expr)
{
    AstNode *n = node(cc, AST_CASE, kw.at.off);
    n->u.case_.operand = operand;
    n->u.case_.whens = *whens;
    n->u.case_.else_expr = else_expr;
    return n;
}

AstNode *ast_when(CompileCtx *cc, Token kw, AstNode *cond, AstNode *result)
{
    AstNode *n = node(cc, AST_WHEN, kw.at.off);
    n->u.when.cond = cond;
    n->u.when.result = result;
    return n;
}

AstNode *ast_ctor(CompileCtx *cc, AstKind k, Token start, AstList items)
{
    AstNode *n = node(cc, k, start.at.off);
    n->u.ctor.items = items;
    if (k == AST_MAP_CTOR && items.n % 2 != 0)
        diag_error(cc, DIAG_E_SYNTAX, n->at,
                   "MAP[...] needs an even number of items (key, value, ...)");
    return n;
}

AstNode *ast_subscript(CompileCtx *cc, AstNode *base, AstNode *index)
{
    AstNode *n = node(cc, AST_SUBSCRIPT, base->at.off);
    n->u.subscript.base = base;
    n->u.subscript.index = index;
    return n;
}

AstNode *ast_field_access(CompileCtx *cc, AstNode *base, Token field)
{
    AstNode *n = node(cc, AST_FIELD_ACCESS, base->at.off);
    n->u.field_access.base = base;
    n->u.field_access.field = ast_ident(cc, field);
    return n;
}

static AstNode *call_new(CompileCtx *cc, const QName *name)
{
    AstNode *n = node(cc, AST_FUNC_CALL, name->at.off);
    n->u.func_call.name = *name;
    return n;
}

/* The unit argument of TIMESTAMPADD/TIMESTAMPDIFF: a bare name. */
static AstNode *unit_arg(CompileCtx *cc, AstNode *a)
{
    if (a->kind != AST_COLUMN_REF || a->u.column_ref.name.n_parts != 1 ||
        a->u.column_ref.name.parts[0].is_quoted)
        return a;
    TimeUnit u = ast_time_unit_parse(a->u.column_ref.name.parts[0].name);
    if (u == TU_NONE)
        return a;
    AstNode *n = ast_new(&cc->a, AST_TIME_UNIT_ARG, a->at);
    n->u.time_unit_arg.unit = u;
    return n;
}

AstNode *ast_call(CompileCtx *cc, const QName *name, const AstList *args,
                  bool is_distinct)
{
    if (qname_is(name, "DESCRIPTOR")) {
        AstNode *n = node(cc, AST_DESCRIPTOR_ARG, name->at.off);
        if (args) {
            for (uint32_t i = 0; i < args->n; i++) {
                AstNode *a = args->items[i];
                if (a->kind != AST_COLUMN_REF)
                    diag_error(cc, DIAG_E_SYNTAX, a->at,
                               "DESCRIPTOR(...) takes column names only");
                else
                    ast_list_push(&cc->a, &n->u.descriptor_arg.columns, a);
            }
        }
        return n;
    }
    AstNode *n = call_new(cc, name);
    n->u.func_call.is_distinct = is_distinct;
    if (args)
        n->u.func_call.args = *args;
    if ((qname_is(name, "TIMESTAMPADD") || qname_is(name, "TIMESTAMPDIFF")) &&
        n->u.func_call.args.n > 0)
        n->u.func_call.args.items[0] =
            unit_arg(cc, n->u.func_call.args.items[0]);
    return n;
}

AstNode *ast_call_star(CompileCtx *cc, const QName *name)
{
    AstNode *n = call_new(cc, name);
    n->u.func_call.is_star = true;
    return n;
}

AstNode *ast_call_var_star(CompileCtx *cc, const QName *name,
                           const QName *var)
{
    AstNode *n = call_new(cc, name);
    n->u.func_call.is_star = true;
    n->u.func_call.star_var = var->parts[var->n_parts - 1];
    if (var->n_parts > 1)
        diag_error(cc, DIAG_E_SYNTAX, var->parts[0].at,
                   "COUNT(v.*) takes one pattern variable, not a qualified "
                   "name");
    return n;
}

static void special_syntax_error(CompileCtx *cc, const QName *name,
                                 const char *what, const char *fns)
{
    diag_error(cc, DIAG_E_SYNTAX, name->at,
               "the %s syntax is not allowed in a call of %.*s", what,
               (int)name->parts[name->n_parts - 1].name.len,
               name->parts[name->n_parts - 1].name.ptr);
    diag_hint(cc, "Only %s accept it.", fns);
}

AstNode *ast_call_cast(CompileCtx *cc, const QName *name, AstNode *arg,
                       TypeName *type)
{
    bool is_try = qname_is(name, "TRY_CAST");
    if (!is_try && !qname_is(name, "CAST"))
        special_syntax_error(cc, name, "\"x AS type\"", "CAST and TRY_CAST");
    AstNode *n = node(cc, AST_CAST, name->at.off);
    n->u.cast.arg = arg;
    n->u.cast.type = type;
    n->u.cast.is_try = is_try;
    return n;
}

AstNode *ast_call_from(CompileCtx *cc, const QName *name, int trim_mode,
                       AstNode *a, AstNode *b, AstNode *c)
{
    if (qname_is(name, "EXTRACT") && trim_mode == 0 && !c) {
        AstNode *n = node(cc, AST_EXTRACT, name->at.off);
        n->u.extract.arg = b;
        n->u.extract.unit_at = a->at;
        if (a->kind == AST_COLUMN_REF && a->u.column_ref.name.n_parts == 1 &&
            !a->u.column_ref.name.parts[0].is_quoted) {
            Str s = a->u.column_ref.name.parts[0].name;
            Token t = {s.ptr, (uint32_t)s.len, a->at};
            n->u.extract.unit = unit_of(cc, t, true);
        } else {
            diag_error(cc, DIAG_E_SYNTAX, a->at,
                       "EXTRACT needs a time unit before FROM");
            n->u.extract.unit = TU_SECOND;
        }
        return n;
    }
    AstNode *n = call_new(cc, name);
    AstFuncCall *f = &n->u.func_call;
    if (qname_is(name, "TRIM") && !c) {
        if (trim_mode) {
            f->has_trim_mode = true;
            f->trim_mode = trim_mode == 3 ? 0 : trim_mode;
        }
        if (a)
            ast_list_push(&cc->a, &f->args, a);
        ast_list_push(&cc->a, &f->args, b);
        return n;
    }
    if ((qname_is(name, "SUBSTRING") || qname_is(name, "SUBSTR")) &&
        trim_mode == 0) {
        ast_list_push(&cc->a, &f->args, a);
        ast_list_push(&cc->a, &f->args, b);
        if (c)
            ast_list_push(&cc->a, &f->args, c);
        return n;
    }
    if (trim_mode)
        special_syntax_error(cc, name, "BOTH/LEADING/TRAILING", "TRIM");
    else
        special_syntax_error(cc, name, "\"x FROM y\"",
                             "EXTRACT, TRIM and SUBSTRING");
    if (a)
        ast_list_push(&cc->a, &f->args, a);
    ast_list_push(&cc->a, &f->args, b);
    if (c)
        ast_list_push(&cc->a, &f->args, c);
    return n;
}

AstNode *ast_call_to_unit(CompileCtx *cc, const QName *name, AstNode *arg,
                          Token unit)
{
    if (!qname_is(name, "FLOOR") && !qname_is(name, "CEIL") &&
        !qname_is(name, "CEILING"))
        special_syntax_error(cc, name, "\"x TO unit\"", "FLOOR and CEIL");
    AstNode *n = call_new(cc, name);
    ast_list_push(&cc->a, &n->u.func_call.args, arg);
    AstNode *u = ast_new(&cc->a, AST_TIME_UNIT_ARG, unit.at);
    u->u.time_unit_arg.unit = unit_of(cc, unit, false);
    ast_list_push(&cc->a, &n->u.func_call.args, u);
    return n;
}

AstNode *ast_call_position(CompileCtx *cc, Token kw, AstNode *a, AstNode *b)
{
    QName q = ast_qname1(cc, kw);
    AstNode *n = call_new(cc, &q);
    ast_list_push(&cc->a, &n->u.func_call.args, a);
    ast_list_push(&cc->a, &n->u.func_call.args, b);
    return n;
}

AstNode *ast_call_nav(CompileCtx *cc, Token kw, AstNode *call, NavSemantics nav)
{
    if (call->kind == AST_FUNC_CALL)
        call->u.func_call.nav = nav;
    else
        diag_error(cc, DIAG_E_SYNTAX, call->at,
                   "RUNNING and FINAL apply to a function call");
    call->at = ast_span_from(cc, kw.at.off);
    return call;
}

static bool check_over_target(CompileCtx *cc, AstNode *call)
{
    if (call->kind != AST_FUNC_CALL) {
        diag_error(cc, DIAG_E_SYNTAX, call->at,
                   "OVER applies to an aggregate or window function call");
        return false;
    }
    if (call->u.func_call.over) {
        diag_error(cc, DIAG_E_SYNTAX, call->at,
                   "a function call can have only one OVER clause");
        return false;
    }
    return true;
}

void ast_call_over_name(CompileCtx *cc, AstNode *call, Token name)
{
    AstNode *w = ast_new(&cc->a, AST_WINDOW_SPEC, name.at);
    w->u.window_spec.base = ast_ident(cc, name);
    if (check_over_target(cc, call))
        call->u.func_call.over = w;
    ast_extend(cc, call);
}

void ast_call_over(CompileCtx *cc, AstNode *call, Token lp, AstNode *spec)
{
    spec->at = ast_span_from(cc, lp.at.off);
    if (check_over_target(cc, call))
        call->u.func_call.over = spec;
    ast_extend(cc, call);
}

AstNode *ast_named_arg(CompileCtx *cc, Token name, AstNode *value)
{
    AstNode *n = node(cc, AST_NAMED_ARG, name.at.off);
    n->u.named_arg.name = ast_ident(cc, name);
    n->u.named_arg.value = value;
    return n;
}

AstNode *ast_table_arg(CompileCtx *cc, Token kw, const QName *name,
                       AstNode *query)
{
    AstNode *n = node(cc, AST_TABLE_ARG, kw.at.off);
    if (name)
        n->u.table_arg.name = *name;
    n->u.table_arg.query = query;
    return n;
}

void ast_table_arg_partition(CompileCtx *cc, AstNode *arg, AstList partition_by)
{
    arg->u.table_arg.partition_by = partition_by;
    ast_extend(cc, arg);
}

/* ===================================================================== */
/* Debug dump                                                             */
/* ===================================================================== */

static void indent(StrBuf *out, int d)
{
    for (int i = 0; i < d; i++)
        strbuf_puts(out, "  ");
}

static void put_ident(StrBuf *out, const Ident *id)
{
    if (id->is_quoted) {
        strbuf_putc(out, '`');
        for (size_t i = 0; i < id->name.len; i++) {
            if (id->name.ptr[i] == '`')
                strbuf_putc(out, '`');
            strbuf_putc(out, id->name.ptr[i]);
        }
        strbuf_putc(out, '`');
    } else {
        strbuf_append_str(out, id->name);
    }
}

static void put_qname(StrBuf *out, const QName *q)
{
    for (uint32_t i = 0; i < q->n_parts; i++) {
        if (i)
            strbuf_putc(out, '.');
        put_ident(out, &q->parts[i]);
    }
}

static void put_string(StrBuf *out, Str s)
{
    strbuf_putc(out, '\'');
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '\'')
            strbuf_putc(out, '\'');
        if (c == '\n') {
            strbuf_puts(out, "\\n");
            continue;
        }
        strbuf_putc(out, c);
    }
    strbuf_putc(out, '\'');
}

static void put_type(StrBuf *out, const SqlType *t)
{
    if (!t) {
        strbuf_puts(out, "?");
        return;
    }
    switch (t->kind) {
    case T_ARRAY:
    case T_MULTISET:
        strbuf_puts(out, t->kind == T_ARRAY ? "ARRAY<" : "MULTISET<");
        put_type(out, t->elem);
        strbuf_putc(out, '>');
        break;
    case T_MAP:
        strbuf_puts(out, "MAP<");
        put_type(out, t->elem);
        strbuf_puts(out, ", ");
        put_type(out, t->value);
        strbuf_putc(out, '>');
        break;
    case T_ROW:
        strbuf_puts(out, "ROW<");
        for (uint32_t i = 0; i < t->n_fields; i++) {
            if (i)
                strbuf_puts(out, ", ");
            strbuf_append_str(out, t->fields[i].name);
            strbuf_putc(out, ' ');
            put_type(out, t->fields[i].type);
        }
        strbuf_putc(out, '>');
        break;
    case T_DECIMAL:
        strbuf_printf(out, "DECIMAL(%d, %d)", (int)t->precision, (int)t->scale);
        break;
    case T_VARCHAR:
        if (t->precision == VARCHAR_MAX)
            strbuf_puts(out, "STRING");
        else
            strbuf_printf(out, "VARCHAR(%d)", (int)t->precision);
        break;
    case T_CHAR:
    case T_BINARY:
    case T_VARBINARY:
    case T_TIME:
    case T_TIMESTAMP:
    case T_TIMESTAMP_LTZ:
        strbuf_printf(out, "%s(%d)", type_kind_name(t->kind),
                      (int)t->precision);
        break;
    default:
        strbuf_puts(out, type_kind_name(t->kind));
        break;
    }
    if (!t->is_nullable)
        strbuf_puts(out, " NOT NULL");
}

static void dump(StrBuf *out, const AstNode *n, int d);

static void dump_child(StrBuf *out, const char *label, const AstNode *n, int d)
{
    if (!n)
        return;
    indent(out, d);
    strbuf_printf(out, "%s:\n", label);
    dump(out, n, d + 1);
}

static void dump_list(StrBuf *out, const char *label, const AstList *l, int d)
{
    if (l->n == 0)
        return;
    indent(out, d);
    strbuf_printf(out, "%s:\n", label);
    for (uint32_t i = 0; i < l->n; i++)
        dump(out, l->items[i], d + 1);
}

static void dump_hints(StrBuf *out, const HintList *h, int d)
{
    if (h->n == 0)
        return;
    indent(out, d);
    strbuf_puts(out, "hints:\n");
    for (uint32_t i = 0; i < h->n; i++) {
        indent(out, d + 1);
        put_ident(out, &h->items[i].name);
        if (h->items[i].n_args) {
            strbuf_putc(out, '(');
            for (uint32_t j = 0; j < h->items[i].n_args; j++) {
                if (j)
                    strbuf_puts(out, ", ");
                strbuf_append_str(out, h->items[i].args[j]);
            }
            strbuf_putc(out, ')');
        }
        strbuf_putc(out, '\n');
    }
}

static void dump_alias(StrBuf *out, bool has, const Ident *alias,
                       const AstList *cols)
{
    if (!has)
        return;
    strbuf_puts(out, " alias=");
    put_ident(out, alias);
    if (cols && cols->n) {
        strbuf_putc(out, '(');
        for (uint32_t i = 0; i < cols->n; i++) {
            if (i)
                strbuf_puts(out, ", ");
            put_qname(out, &cols->items[i]->u.column_ref.name);
        }
        strbuf_putc(out, ')');
    }
}

static const char *join_name(JoinKind k)
{
    static const char *const names[] = {"INNER", "LEFT",  "RIGHT",
                                        "FULL",  "CROSS", "COMMA"};
    return (unsigned)k < FSQL_ARRAY_LEN(names) ? names[k] : "?";
}

static const char *lit_name(LiteralKind k)
{
    static const char *const names[] = {
        "NULL",   "BOOL", "INTEGER", "DECIMAL",   "DOUBLE",
        "STRING", "DATE", "TIME",    "TIMESTAMP", "INTERVAL", "BINARY"};
    return (unsigned)k < FSQL_ARRAY_LEN(names) ? names[k] : "?";
}

static const char *pat_name(PatternKind k)
{
    static const char *const names[] = {"VAR",     "CONCAT", "ALT", "PERMUTE",
                                        "EXCLUDE", "^",      "$",   "EMPTY"};
    return (unsigned)k < FSQL_ARRAY_LEN(names) ? names[k] : "?";
}

static const char *bound_name(BoundKind b)
{
    static const char *const names[] = {"UNBOUNDED PRECEDING", "PRECEDING",
                                        "CURRENT ROW", "FOLLOWING",
                                        "UNBOUNDED FOLLOWING"};
    return (unsigned)b < FSQL_ARRAY_LEN(names) ? names[b] : "?";
}

static const char *show_name(ShowKind k)
{
    static const char *const names[] = {
        "TABLES",   "VIEWS",     "JOBS",         "FUNCTIONS",
        "CATALOGS", "DATABASES", "CREATE TABLE", "CREATE VIEW"};
    return (unsigned)k < FSQL_ARRAY_LEN(names) ? names[k] : "?";
}

static const char *obj_name(ObjKind k)
{
    static const char *const names[] = {"TABLE", "VIEW", "FUNCTION", "DATABASE",
                                        "CATALOG"};
    return (unsigned)k < FSQL_ARRAY_LEN(names) ? names[k] : "?";
}

static const char *is_name(IsWhat w)
{
    static const char *const names[] = {"NULL", "TRUE", "FALSE", "UNKNOWN",
                                        "DISTINCT FROM"};
    return (unsigned)w < FSQL_ARRAY_LEN(names) ? names[w] : "?";
}

static const char *skip_name(SkipKind k)
{
    static const char *const names[] = {"DEFAULT", "PAST LAST ROW",
                                        "TO NEXT ROW", "TO FIRST", "TO LAST"};
    return (unsigned)k < FSQL_ARRAY_LEN(names) ? names[k] : "?";
}

static const char *rpm_name(RowsPerMatch r)
{
    static const char *const names[] = {
        "ONE ROW PER MATCH", "ALL ROWS PER MATCH",
        "ALL ROWS PER MATCH OMIT EMPTY", "ALL ROWS PER MATCH WITH UNMATCHED"};
    return (unsigned)r < FSQL_ARRAY_LEN(names) ? names[r] : "?";
}

static void flag(StrBuf *out, bool b, const char *name)
{
    if (b) {
        strbuf_putc(out, ' ');
        strbuf_puts(out, name);
    }
}

static void dump_window_spec_line(StrBuf *out, const AstWindowSpec *w)
{
    if (w->base.name.len) {
        strbuf_puts(out, " base=");
        put_ident(out, &w->base);
    }
    if (w->frame_unit != FRAME_NONE)
        strbuf_puts(out, w->frame_unit == FRAME_ROWS ? " ROWS" : " RANGE");
}

static void dump(StrBuf *out, const AstNode *n, int d)
{
    indent(out, d);
    if (!n) {
        strbuf_puts(out, "(null)\n");
        return;
    }
    strbuf_puts(out, ast_kind_name(n->kind));
    switch (n->kind) {
    case AST_CREATE_TABLE: {
        const AstCreateTable *t = &n->u.create_table;
        strbuf_putc(out, ' ');
        put_qname(out, &t->name);
        flag(out, t->is_temporary, "TEMPORARY");
        flag(out, t->if_not_exists, "IF_NOT_EXISTS");
        if (t->comment.ptr) {
            strbuf_puts(out, " comment=");
            put_string(out, t->comment);
        }
        if (t->like.n_parts) {
            strbuf_puts(out, " like=");
            put_qname(out, &t->like);
        }
        strbuf_putc(out, '\n');
        dump_list(out, "columns", &t->columns, d + 1);
        dump_list(out, "primary_key", &t->primary_key, d + 1);
        dump_child(out, "watermark", t->watermark, d + 1);
        dump_list(out, "partitioned_by", &t->partitioned_by, d + 1);
        dump_list(out, "options", &t->options, d + 1);
        return;
    }
    case AST_COLUMN_DEF: {
        const AstColumnDef *c = &n->u.column_def;
        strbuf_putc(out, ' ');
        put_ident(out, &c->name);
        if (c->type) {
            strbuf_putc(out, ' ');
            put_type(out, c->type->type);
        }
        if (c->col_kind == COL_METADATA) {
            strbuf_puts(out, " METADATA");
            if (c->has_metadata_key) {
                strbuf_puts(out, " FROM ");
                put_string(out, c->metadata_key);
            }
        }
        flag(out, c->is_virtual, "VIRTUAL");
        flag(out, c->is_pk_inline, "PRIMARY_KEY");
        if (c->comment.ptr) {
            strbuf_puts(out, " comment=");
            put_string(out, c->comment);
        }
        strbuf_putc(out, '\n');
        dump_child(out, "expr", c->expr, d + 1);
        return;
    }
    case AST_WATERMARK_DEF:
        strbuf_puts(out, " FOR ");
        put_ident(out, &n->u.watermark_def.column);
        strbuf_putc(out, '\n');
        dump_child(out, "expr", n->u.watermark_def.expr, d + 1);
        return;
    case AST_OPTION:
        strbuf_putc(out, ' ');
        put_string(out, n->u.option.key);
        strbuf_puts(out, " = ");
        put_string(out, n->u.option.value);
        strbuf_putc(out, '\n');
        return;
    case AST_CREATE_VIEW: {
        const AstCreateView *v = &n->u.create_view;
        strbuf_putc(out, ' ');
        put_qname(out, &v->name);
        flag(out, v->is_temporary, "TEMPORARY");
        flag(out, v->if_not_exists, "IF_NOT_EXISTS");
        if (v->comment.ptr) {
            strbuf_puts(out, " comment=");
            put_string(out, v->comment);
        }
        strbuf_putc(out, '\n');
        dump_list(out, "columns", &v->column_names, d + 1);
        dump_child(out, "query", v->query, d + 1);
        return;
    }
    case AST_CREATE_FUNCTION: {
        const AstCreateFunction *f = &n->u.create_function;
        strbuf_putc(out, ' ');
        put_qname(out, &f->name);
        flag(out, f->is_temporary, "TEMPORARY");
        flag(out, f->is_system, "SYSTEM");
        flag(out, f->if_not_exists, "IF_NOT_EXISTS");
        strbuf_puts(out, " class=");
        put_string(out, f->class_name);
        if (f->language.len) {
            strbuf_puts(out, " language=");
            strbuf_append_str(out, f->language);
        }
        strbuf_putc(out, '\n');
        return;
    }
    case AST_DROP:
        strbuf_printf(out, " %s ", obj_name(n->u.drop.obj));
        put_qname(out, &n->u.drop.name);
        flag(out, n->u.drop.is_temporary, "TEMPORARY");
        flag(out, n->u.drop.if_exists, "IF_EXISTS");
        strbuf_putc(out, '\n');
        return;
    case AST_INSERT: {
        const AstInsert *i = &n->u.insert;
        strbuf_puts(out, i->is_overwrite ? " OVERWRITE " : " INTO ");
        put_qname(out, &i->table);
        if (i->hint_text.len) {
            strbuf_puts(out, " hint=");
            put_string(out, i->hint_text);
        }
        strbuf_putc(out, '\n');
        dump_list(out, "partition", &i->partition, d + 1);
        dump_list(out, "columns", &i->columns, d + 1);
        dump_child(out, "query", i->query, d + 1);
        return;
    }
    case AST_STATEMENT_SET:
        flag(out, n->u.statement_set.is_begin_form, "BEGIN_FORM");
        strbuf_putc(out, '\n');
        dump_list(out, "inserts", &n->u.statement_set.inserts, d + 1);
        return;
    case AST_SET:
    case AST_RESET:
        if (n->u.set.has_key) {
            strbuf_puts(out, " key=");
            put_string(out, n->u.set.key);
            if (n->kind == AST_SET) {
                strbuf_puts(out, " value=");
                put_string(out, n->u.set.value);
            }
        }
        strbuf_putc(out, '\n');
        return;
    case AST_SHOW:
        strbuf_printf(out, " %s", show_name(n->u.show.what));
        if (n->u.show.name.n_parts) {
            strbuf_putc(out, ' ');
            put_qname(out, &n->u.show.name);
        }
        if (n->u.show.like.ptr) {
            strbuf_puts(out, " like=");
            put_string(out, n->u.show.like);
        }
        strbuf_putc(out, '\n');
        return;
    case AST_DESCRIBE:
        strbuf_putc(out, ' ');
        put_qname(out, &n->u.describe.name);
        flag(out, n->u.describe.is_extended, "EXTENDED");
        strbuf_putc(out, '\n');
        return;
    case AST_EXPLAIN:
        flag(out, n->u.explain.is_plan_for, "PLAN_FOR");
        strbuf_putc(out, '\n');
        dump_list(out, "details", &n->u.explain.details, d + 1);
        dump_child(out, "stmt", n->u.explain.stmt, d + 1);
        return;
    case AST_QUERY_STMT:
        strbuf_putc(out, '\n');
        dump(out, n->u.query_stmt.query, d + 1);
        return;
    case AST_USE:
        flag(out, n->u.use.is_catalog, "CATALOG");
        strbuf_putc(out, ' ');
        put_qname(out, &n->u.use.name);
        strbuf_putc(out, '\n');
        return;
    case AST_SELECT: {
        const AstSelect *s = &n->u.select;
        flag(out, s->is_distinct, "DISTINCT");
        strbuf_putc(out, '\n');
        dump_hints(out, &s->hints, d + 1);
        dump_list(out, "items", &s->items, d + 1);
        dump_list(out, "from", &s->from, d + 1);
        dump_child(out, "where", s->where, d + 1);
        dump_list(out, "group_by", &s->group_by, d + 1);
        dump_child(out, "having", s->having, d + 1);
        dump_list(out, "windows", &s->windows, d + 1);
        dump_child(out, "qualify", s->qualify, d + 1);
        return;
    }
    case AST_SELECT_ITEM:
        dump_alias(out, n->u.select_item.has_alias, &n->u.select_item.alias,
                   NULL);
        strbuf_putc(out, '\n');
        dump(out, n->u.select_item.expr, d + 1);
        return;
    case AST_SETOP: {
        static const char *const ops[] = {"UNION", "INTERSECT", "EXCEPT"};
        strbuf_printf(out, " %s", ops[n->u.setop.op]);
        flag(out, n->u.setop.is_all, "ALL");
        strbuf_putc(out, '\n');
        dump(out, n->u.setop.left, d + 1);
        dump(out, n->u.setop.right, d + 1);
        return;
    }
    case AST_VALUES:
        strbuf_putc(out, '\n');
        dump_list(out, "rows", &n->u.values.rows, d + 1);
        return;
    case AST_WITH:
        strbuf_putc(out, '\n');
        dump_list(out, "ctes", &n->u.with.ctes, d + 1);
        dump_child(out, "body", n->u.with.body, d + 1);
        dump_list(out, "order_by", &n->u.with.order_by, d + 1);
        dump_child(out, "limit", n->u.with.limit, d + 1);
        dump_child(out, "offset", n->u.with.offset, d + 1);
        return;
    case AST_CTE:
        strbuf_putc(out, ' ');
        put_ident(out, &n->u.cte.name);
        strbuf_putc(out, '\n');
        dump_list(out, "columns", &n->u.cte.column_names, d + 1);
        dump_child(out, "query", n->u.cte.query, d + 1);
        return;
    case AST_ORDER_ITEM:
        strbuf_puts(out, n->u.order_item.is_desc ? " DESC" : " ASC");
        if (n->u.order_item.nulls)
            strbuf_puts(out, n->u.order_item.nulls == 1 ? " NULLS_FIRST"
                                                        : " NULLS_LAST");
        strbuf_putc(out, '\n');
        dump(out, n->u.order_item.expr, d + 1);
        return;
    case AST_TABLE_REF: {
        const AstTableRef *t = &n->u.table_ref;
        strbuf_putc(out, ' ');
        put_qname(out, &t->name);
        dump_alias(out, t->has_alias, &t->alias, &t->column_aliases);
        strbuf_putc(out, '\n');
        dump_hints(out, &t->hints, d + 1);
        dump_child(out, "system_time", t->system_time, d + 1);
        return;
    }
    case AST_SUBQUERY_REF:
        flag(out, n->u.subquery_ref.is_lateral, "LATERAL");
        dump_alias(out, n->u.subquery_ref.has_alias, &n->u.subquery_ref.alias,
                   &n->u.subquery_ref.column_aliases);
        strbuf_putc(out, '\n');
        dump(out, n->u.subquery_ref.query, d + 1);
        return;
    case AST_JOIN:
        strbuf_printf(out, " %s", join_name(n->u.join.join_kind));
        flag(out, n->u.join.is_natural, "NATURAL");
        strbuf_putc(out, '\n');
        dump(out, n->u.join.left, d + 1);
        dump(out, n->u.join.right, d + 1);
        dump_child(out, "on", n->u.join.on, d + 1);
        dump_list(out, "using", &n->u.join.using_cols, d + 1);
        return;
    case AST_TABLE_FUNC_REF:
        flag(out, n->u.table_func_ref.is_lateral, "LATERAL");
        dump_alias(out, n->u.table_func_ref.has_alias,
                   &n->u.table_func_ref.alias,
                   &n->u.table_func_ref.column_aliases);
        strbuf_putc(out, '\n');
        dump(out, n->u.table_func_ref.call, d + 1);
        return;
    case AST_UNNEST_REF:
        flag(out, n->u.unnest_ref.with_ordinality, "WITH_ORDINALITY");
        dump_alias(out, n->u.unnest_ref.has_alias, &n->u.unnest_ref.alias,
                   &n->u.unnest_ref.column_aliases);
        strbuf_putc(out, '\n');
        dump_list(out, "args", &n->u.unnest_ref.args, d + 1);
        return;
    case AST_MATCH_RECOGNIZE: {
        const AstMatchRecognize *m = &n->u.match_recognize;
        strbuf_printf(out, " %s skip=%s", rpm_name(m->rows_per_match),
                      skip_name(m->skip));
        if (m->skip_var.name.len) {
            strbuf_putc(out, ' ');
            put_ident(out, &m->skip_var);
        }
        dump_alias(out, m->has_alias, &m->alias, NULL);
        strbuf_putc(out, '\n');
        dump_child(out, "input", m->input, d + 1);
        dump_list(out, "partition_by", &m->partition_by, d + 1);
        dump_list(out, "order_by", &m->order_by, d + 1);
        dump_list(out, "measures", &m->measures, d + 1);
        dump_child(out, "pattern", m->pattern, d + 1);
        dump_child(out, "within", m->within, d + 1);
        dump_list(out, "subsets", &m->subsets, d + 1);
        dump_list(out, "defines", &m->defines, d + 1);
        return;
    }
    case AST_MEASURE:
        strbuf_puts(out, " AS ");
        put_ident(out, &n->u.measure.alias);
        strbuf_putc(out, '\n');
        dump(out, n->u.measure.expr, d + 1);
        return;
    case AST_DEFINE:
        strbuf_putc(out, ' ');
        put_ident(out, &n->u.define.var);
        strbuf_putc(out, '\n');
        dump(out, n->u.define.cond, d + 1);
        return;
    case AST_SUBSET:
        strbuf_putc(out, ' ');
        put_ident(out, &n->u.subset.name);
        strbuf_putc(out, '\n');
        dump_list(out, "vars", &n->u.subset.vars, d + 1);
        return;
    case AST_PATTERN: {
        const AstPattern *p = &n->u.pattern;
        strbuf_printf(out, " %s", pat_name(p->pat_kind));
        if (p->pat_kind == PAT_VAR) {
            strbuf_putc(out, ' ');
            put_ident(out, &p->var);
        }
        if (p->has_quantifier) {
            if (p->max < 0)
                strbuf_printf(out, " {%d,}", (int)p->min);
            else
                strbuf_printf(out, " {%d,%d}", (int)p->min, (int)p->max);
            flag(out, p->is_reluctant, "RELUCTANT");
        }
        strbuf_putc(out, '\n');
        for (uint32_t i = 0; i < p->items.n; i++)
            dump(out, p->items.items[i], d + 1);
        return;
    }
    case AST_WINDOW_SPEC: {
        const AstWindowSpec *w = &n->u.window_spec;
        dump_window_spec_line(out, w);
        strbuf_putc(out, '\n');
        dump_list(out, "partition_by", &w->partition_by, d + 1);
        dump_list(out, "order_by", &w->order_by, d + 1);
        dump_child(out, "frame_start", w->frame_start, d + 1);
        dump_child(out, "frame_end", w->frame_end, d + 1);
        return;
    }
    case AST_WINDOW_DEF:
        strbuf_putc(out, ' ');
        put_ident(out, &n->u.window_def.name);
        strbuf_putc(out, '\n');
        dump(out, n->u.window_def.spec, d + 1);
        return;
    case AST_FRAME_BOUND:
        strbuf_printf(out, " %s\n", bound_name(n->u.frame_bound.bound));
        if (n->u.frame_bound.offset)
            dump(out, n->u.frame_bound.offset, d + 1);
        return;
    case AST_LITERAL: {
        const AstLiteral *l = &n->u.literal;
        strbuf_printf(out, " %s ", lit_name(l->lit_kind));
        if (l->lit_kind == LIT_STRING || l->lit_kind == LIT_DATE ||
            l->lit_kind == LIT_TIME || l->lit_kind == LIT_TIMESTAMP ||
            l->lit_kind == LIT_INTERVAL)
            put_string(out, l->text);
        else
            strbuf_append_str(out, l->text);
        if (l->lit_kind == LIT_INTERVAL) {
            flag(out, l->is_negative, "NEGATIVE");
            strbuf_printf(out, " %s", time_unit_name(l->unit));
            if (l->unit_to != TU_NONE)
                strbuf_printf(out, " TO %s", time_unit_name(l->unit_to));
            if (l->unit_precision >= 0)
                strbuf_printf(out, " precision=%d", (int)l->unit_precision);
        }
        strbuf_putc(out, '\n');
        return;
    }
    case AST_COLUMN_REF:
        strbuf_putc(out, ' ');
        put_qname(out, &n->u.column_ref.name);
        strbuf_putc(out, '\n');
        return;
    case AST_STAR:
        if (n->u.star.qualifier.n_parts) {
            strbuf_putc(out, ' ');
            put_qname(out, &n->u.star.qualifier);
            strbuf_puts(out, ".*");
        } else {
            strbuf_puts(out, " *");
        }
        strbuf_putc(out, '\n');
        return;
    case AST_UNARY: {
        static const char *const ops[] = {"-", "+", "NOT"};
        strbuf_printf(out, " %s\n", ops[n->u.unary.op]);
        dump(out, n->u.unary.arg, d + 1);
        return;
    }
    case AST_BINARY:
        strbuf_printf(out, " %s\n", binary_op_text(n->u.binary.op));
        dump(out, n->u.binary.left, d + 1);
        dump(out, n->u.binary.right, d + 1);
        return;
    case AST_IS:
        strbuf_printf(out, "%s %s\n", n->u.is.is_not ? " NOT" : "",
                      is_name(n->u.is.what));
        dump(out, n->u.is.arg, d + 1);
        if (n->u.is.rhs)
            dump(out, n->u.is.rhs, d + 1);
        return;
    case AST_BETWEEN:
        flag(out, n->u.between.is_not, "NOT");
        flag(out, n->u.between.is_symmetric, "SYMMETRIC");
        strbuf_putc(out, '\n');
        dump(out, n->u.between.arg, d + 1);
        dump(out, n->u.between.low, d + 1);
        dump(out, n->u.between.high, d + 1);
        return;
    case AST_IN_LIST:
        flag(out, n->u.in_list.is_not, "NOT");
        strbuf_putc(out, '\n');
        dump(out, n->u.in_list.arg, d + 1);
        dump_list(out, "list", &n->u.in_list.list, d + 1);
        return;
    case AST_IN_SUBQUERY:
        flag(out, n->u.in_subquery.is_not, "NOT");
        strbuf_putc(out, '\n');
        dump(out, n->u.in_subquery.arg, d + 1);
        dump_child(out, "query", n->u.in_subquery.query, d + 1);
        return;
    case AST_EXISTS:
        flag(out, n->u.exists.is_not, "NOT");
        strbuf_putc(out, '\n');
        dump(out, n->u.exists.query, d + 1);
        return;
    case AST_SUBQUERY_EXPR:
        strbuf_putc(out, '\n');
        dump(out, n->u.subquery_expr.query, d + 1);
        return;
    case AST_LIKE:
        flag(out, n->u.like.is_not, "NOT");
        flag(out, n->u.like.is_similar, "SIMILAR");
        strbuf_putc(out, '\n');
        dump(out, n->u.like.arg, d + 1);
        dump(out, n->u.like.pattern, d + 1);
        dump_child(out, "escape", n->u.like.escape, d + 1);
        return;
    case AST_CASE:
        strbuf_putc(out, '\n');
        dump_child(out, "operand", n->u.case_.operand, d + 1);
        for (uint32_t i = 0; i < n->u.case_.whens.n; i++)
            dump(out, n->u.case_.whens.items[i], d + 1);
        dump_child(out, "else", n->u.case_.else_expr, d + 1);
        return;
    case AST_WHEN:
        strbuf_putc(out, '\n');
        dump(out, n->u.when.cond, d + 1);
        dump_child(out, "then", n->u.when.result, d + 1);
        return;
    case AST_CAST:
        flag(out, n->u.cast.is_try, "TRY");
        strbuf_puts(out, " AS ");
        put_type(out, n->u.cast.type ? n->u.cast.type->type : NULL);
        strbuf_putc(out, '\n');
        dump(out, n->u.cast.arg, d + 1);
        return;
    case AST_EXTRACT:
        strbuf_printf(out, " %s\n", time_unit_name(n->u.extract.unit));
        dump(out, n->u.extract.arg, d + 1);
        return;
    case AST_FUNC_CALL: {
        const AstFuncCall *f = &n->u.func_call;
        strbuf_putc(out, ' ');
        put_qname(out, &f->name);
        flag(out, f->is_distinct, "DISTINCT");
        flag(out, f->is_star, "STAR");
        if (f->star_var.name.len)
            strbuf_printf(out, " STAR_VAR=%.*s", (int)f->star_var.name.len,
                          f->star_var.name.ptr);
        flag(out, f->is_niladic, "NILADIC");
        if (f->has_trim_mode) {
            static const char *const modes[] = {"BOTH", "LEADING", "TRAILING"};
            strbuf_printf(out, " %s", modes[f->trim_mode % 3]);
        }
        if (f->nav != NAV_DEFAULT)
            strbuf_puts(out, f->nav == NAV_FINAL ? " FINAL" : " RUNNING");
        flag(out, f->ignore_nulls, "IGNORE_NULLS");
        strbuf_putc(out, '\n');
        for (uint32_t i = 0; i < f->args.n; i++)
            dump(out, f->args.items[i], d + 1);
        dump_child(out, "filter", f->filter, d + 1);
        dump_list(out, "within_group", &f->within_group, d + 1);
        dump_child(out, "over", f->over, d + 1);
        return;
    }
    case AST_TIME_UNIT_ARG:
        strbuf_printf(out, " %s\n", time_unit_name(n->u.time_unit_arg.unit));
        return;
    case AST_TABLE_ARG:
        if (n->u.table_arg.name.n_parts) {
            strbuf_putc(out, ' ');
            put_qname(out, &n->u.table_arg.name);
        }
        strbuf_putc(out, '\n');
        if (n->u.table_arg.query)
            dump(out, n->u.table_arg.query, d + 1);
        dump_list(out, "partition_by", &n->u.table_arg.partition_by, d + 1);
        return;
    case AST_DESCRIPTOR_ARG:
        strbuf_putc(out, '\n');
        dump_list(out, "columns", &n->u.descriptor_arg.columns, d + 1);
        return;
    case AST_NAMED_ARG:
        strbuf_putc(out, ' ');
        put_ident(out, &n->u.named_arg.name);
        strbuf_putc(out, '\n');
        dump(out, n->u.named_arg.value, d + 1);
        return;
    case AST_ROW_CTOR:
    case AST_ARRAY_CTOR:
    case AST_MAP_CTOR:
        strbuf_putc(out, '\n');
        for (uint32_t i = 0; i < n->u.ctor.items.n; i++)
            dump(out, n->u.ctor.items.items[i], d + 1);
        return;
    case AST_SUBSCRIPT:
        strbuf_putc(out, '\n');
        dump(out, n->u.subscript.base, d + 1);
        dump(out, n->u.subscript.index, d + 1);
        return;
    case AST_FIELD_ACCESS:
        strbuf_putc(out, ' ');
        put_ident(out, &n->u.field_access.field);
        strbuf_putc(out, '\n');
        dump(out, n->u.field_access.base, d + 1);
        return;
    case AST_ERROR:
    case AST_KIND_COUNT:
        break;
    }
    strbuf_putc(out, '\n');
}

void ast_dump(StrBuf *out, const AstNode *n)
{
    dump(out, n, 0);
}
