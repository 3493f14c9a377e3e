/*
 * ast_print.c - print an AST back as canonical SQL text.
 *
 * The printer is the inverse of grammar/parse.y up to layout: for every
 * tree T the parser built, parse(print(T)) builds a tree with the same
 * ast_dump.  Three rules make that hold:
 *  - every compound operand of an operator is parenthesised, and a
 *    parenthesised expression yields the inner node itself, so the
 *    printed grouping is exactly the tree's grouping;
 *  - identifiers are back-quoted when they were quoted in the source or
 *    are not plain words, so the quoted flag and the case survive;
 *  - literals are printed from their unescaped text with '' re-escaped.
 *
 * Layout: each query clause starts a new line; a nested query is indented
 * one level deeper.  Nothing here allocates except the output buffer.
 */
#include "runtime/fsql.h"
#include "compiler/ast_print.h"

#include <string.h>

typedef struct Printer {
    StrBuf *out;
    int indent; /* nesting depth of the current query */
} Printer;

static void pr_stmt(Printer *p, const AstNode *n);
static void pr_expr(Printer *p, const AstNode *n);
static void pr_operand(Printer *p, const AstNode *n);
static void pr_query(Printer *p, const AstNode *q);
static void pr_from(Printer *p, const AstNode *n);
static void pr_window_spec(Printer *p, const AstNode *w);
static void pr_pattern(Printer *p, const AstNode *n);

/* ---- low-level output ------------------------------------------------ */

static void put(Printer *p, const char *s)
{
    strbuf_puts(p->out, s);
}

static void putc_(Printer *p, char c)
{
    strbuf_putc(p->out, c);
}

static void newline(Printer *p)
{
    putc_(p, '\n');
    for (int i = 0; i < p->indent; i++)
        put(p, "    ");
}

/* A clause keyword on its own line at the current indent. */
static void clause(Printer *p, const char *kw)
{
    newline(p);
    put(p, kw);
}

static bool is_word_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_word_char(char c)
{
    return is_word_start(c) || (c >= '0' && c <= '9');
}

static bool is_cont(const unsigned char *z, size_t i, size_t n)
{
    return i < n && z[i] >= 0x80 && z[i] <= 0xbf;
}

/* Length of the UTF-8 letter at z[i] as grammar/lexer.re accepts it in a
 * plain identifier (CJK punctuation and full-width forms excluded), or 0. */
static size_t u8_letter(const unsigned char *z, size_t i, size_t n)
{
    unsigned char c = z[i];
    if (c >= 0xc2 && c <= 0xdf)
        return is_cont(z, i + 1, n) ? 2 : 0;
    if ((c >= 0xe0 && c <= 0xe2) || (c >= 0xe4 && c <= 0xee))
        return is_cont(z, i + 1, n) && is_cont(z, i + 2, n) ? 3 : 0;
    if (c == 0xe3)
        return i + 1 < n && z[i + 1] >= 0x81 && z[i + 1] <= 0xbf &&
                       is_cont(z, i + 2, n)
                   ? 3
                   : 0;
    if (c >= 0xf0 && c <= 0xf4)
        return is_cont(z, i + 1, n) && is_cont(z, i + 2, n) &&
                       is_cont(z, i + 3, n)
                   ? 4
                   : 0;
    return 0;
}

/* Length of one identifier character at z[i] (start: a first one). */
static size_t ident_char(const unsigned char *z, size_t i, size_t n, bool start)
{
    if (i >= n)
        return 0;
    if (start ? is_word_start((char)z[i]) : is_word_char((char)z[i]))
        return 1;
    return u8_letter(z, i, n);
}

/* Whether s lexes as exactly one plain identifier token:
 * idstart idchar* ("$" idchar+)*, as in grammar/lexer.re. */
static bool is_plain_word(Str s)
{
    const unsigned char *z = (const unsigned char *)s.ptr;
    size_t n = s.len, i = 0, k;
    if (n == 0 || !(k = ident_char(z, 0, n, true)))
        return false;
    i = k;
    for (;;) {
        while (i < n && (k = ident_char(z, i, n, false)))
            i += k;
        if (i == n)
            return true;
        if (z[i] != '$' || !(k = ident_char(z, i + 1, n, false)))
            return false;
        i += 1;
    }
}

/* The reserved keywords of grammar/parse.y (keywords of
 * compiler/tokenize.c with no %fallback to ID and no context rule).  An
 * identifier the parser read unquoted is never one of these; the check
 * matters for trees built by other passes. */
static const char reserved_words[] =
    " ALL AND AS BETWEEN BY CASE CROSS DISTINCT ELSE END ESCAPE EXCEPT"
    " EXISTS FALSE FETCH FILTER FOR FROM FULL GROUP HAVING IN INNER"
    " INTERSECT IS JOIN LATERAL LEFT LIKE LIMIT MATCH_RECOGNIZE NATURAL"
    " NOT NULL OFFSET ON OR ORDER OUTER OVER RIGHT SELECT SIMILAR TABLE"
    " THEN TRUE UNION UNNEST USING VALUES WHEN WHERE WINDOW WITH WITHIN ";

static bool is_reserved(Str s)
{
    char key[24];
    if (s.len == 0 || s.len + 3 > sizeof(key))
        return false;
    key[0] = ' ';
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!is_word_char(c))
            return false;
        key[i + 1] = c;
    }
    key[s.len + 1] = ' ';
    key[s.len + 2] = '\0';
    return strstr(reserved_words, key) != NULL;
}

static void put_quoted(Printer *p, Str s, char q)
{
    putc_(p, q);
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] == q)
            putc_(p, q);
        putc_(p, s.ptr[i]);
    }
    putc_(p, q);
}

static void put_name(Printer *p, Str name, bool quoted)
{
    if (quoted || !is_plain_word(name) || is_reserved(name))
        put_quoted(p, name, '`');
    else
        strbuf_append_str(p->out, name);
}

static void put_ident(Printer *p, const Ident *id)
{
    put_name(p, id->name, id->is_quoted);
}

static void put_qname(Printer *p, const QName *q)
{
    for (uint32_t i = 0; i < q->n_parts; i++) {
        if (i)
            putc_(p, '.');
        put_ident(p, &q->parts[i]);
    }
}

/* Function names: keywords such as LEFT, IF or TIMESTAMPADD are function
 * names here, so only non-words and quoted names get back-quotes. */
static void put_func_name(Printer *p, const QName *q)
{
    for (uint32_t i = 0; i < q->n_parts; i++) {
        if (i)
            putc_(p, '.');
        const Ident *id = &q->parts[i];
        if (id->is_quoted || !is_plain_word(id->name))
            put_quoted(p, id->name, '`');
        else
            strbuf_append_str(p->out, id->name);
    }
}

static void put_string(Printer *p, Str s)
{
    put_quoted(p, s, '\'');
}

/* ---- types ----------------------------------------------------------- */

static void type_out(StrBuf *out, const SqlType *t);

static void type_prec(StrBuf *out, const char *name, int32_t prec)
{
    strbuf_puts(out, name);
    if (prec >= 0)
        strbuf_printf(out, "(%d)", (int)prec);
}

static void type_out(StrBuf *out, const SqlType *t)
{
    if (!t) {
        strbuf_puts(out, "NULL");
        return;
    }
    switch (t->kind) {
    case T_DECIMAL:
        strbuf_puts(out, "DECIMAL");
        if (t->precision >= 0)
            strbuf_printf(out, "(%d, %d)", (int)t->precision, (int)t->scale);
        break;
    case T_CHAR:
        type_prec(out, "CHAR", t->precision);
        break;
    case T_VARCHAR:
        if (t->precision == VARCHAR_MAX)
            strbuf_puts(out, "STRING");
        else
            type_prec(out, "VARCHAR", t->precision);
        break;
    case T_BINARY:
        type_prec(out, "BINARY", t->precision);
        break;
    case T_VARBINARY:
        if (t->precision == VARCHAR_MAX)
            strbuf_puts(out, "BYTES");
        else
            type_prec(out, "VARBINARY", t->precision);
        break;
    case T_TIME:
        type_prec(out, "TIME", t->precision);
        break;
    case T_TIMESTAMP:
        type_prec(out, "TIMESTAMP", t->precision);
        break;
    case T_TIMESTAMP_LTZ:
        type_prec(out, "TIMESTAMP_LTZ", t->precision);
        break;
    case T_ARRAY:
    case T_MULTISET:
        strbuf_puts(out, t->kind == T_ARRAY ? "ARRAY<" : "MULTISET<");
        type_out(out, t->elem);
        strbuf_putc(out, '>');
        break;
    case T_MAP:
        strbuf_puts(out, "MAP<");
        type_out(out, t->elem);
        strbuf_puts(out, ", ");
        type_out(out, t->value);
        strbuf_putc(out, '>');
        break;
    case T_ROW: {
        Printer p = {out, 0};
        strbuf_puts(out, "ROW<");
        for (uint32_t i = 0; i < t->n_fields; i++) {
            if (i)
                strbuf_puts(out, ", ");
            put_name(&p, t->fields[i].name, false);
            strbuf_putc(out, ' ');
            type_out(out, t->fields[i].type);
        }
        strbuf_putc(out, '>');
        break;
    }
    case T_INTERVAL_YM:
        strbuf_puts(out, "INTERVAL YEAR TO MONTH");
        break;
    case T_INTERVAL_DT:
        strbuf_puts(out, "INTERVAL DAY TO SECOND");
        break;
    case T_NULL:
        strbuf_puts(out, "NULL");
        break;
    case T_BOOLEAN:
        strbuf_puts(out, "BOOLEAN");
        break;
    case T_TINYINT:
        strbuf_puts(out, "TINYINT");
        break;
    case T_SMALLINT:
        strbuf_puts(out, "SMALLINT");
        break;
    case T_INT:
        strbuf_puts(out, "INT");
        break;
    case T_BIGINT:
        strbuf_puts(out, "BIGINT");
        break;
    case T_FLOAT:
        strbuf_puts(out, "FLOAT");
        break;
    case T_DOUBLE:
        strbuf_puts(out, "DOUBLE");
        break;
    case T_DATE:
        strbuf_puts(out, "DATE");
        break;
    case T_SYMBOL:
    case T_DESCRIPTOR:
    case T_TABLE:
    case T_KIND_COUNT:
        strbuf_puts(out, "NULL");
        break;
    }
    if (!t->is_nullable && t->kind != T_NULL)
        strbuf_puts(out, " NOT NULL");
}

void ast_print_type(StrBuf *out, const SqlType *t)
{
    type_out(out, t);
}

static void pr_type(Printer *p, const TypeName *tn)
{
    type_out(p->out, tn ? tn->type : NULL);
}

/* ---- shared pieces --------------------------------------------------- */

/* A time unit as written in SQL; nothing for TU_NONE. */
static const char *unit_text(TimeUnit u)
{
    return u == TU_NONE ? "" : time_unit_name(u);
}

/* Items separated by ", ". */
static void pr_expr_list(Printer *p, const AstList *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, ", ");
        pr_expr(p, l->items[i]);
    }
}

/* A list of AST_COLUMN_REF names: (a, b, c). */
static void pr_name_list(Printer *p, const AstList *l)
{
    putc_(p, '(');
    pr_expr_list(p, l);
    putc_(p, ')');
}

static void pr_hint_arg(Printer *p, Str a)
{
    const char *eq = a.ptr ? memchr(a.ptr, '=', a.len) : NULL;
    if (eq) {
        Str k = {a.ptr, (size_t)(eq - a.ptr)};
        Str v = {eq + 1, a.len - k.len - 1};
        put_string(p, k);
        put(p, " = ");
        put_string(p, v);
    } else if (is_plain_word(a)) {
        strbuf_append_str(p->out, a);
    } else {
        put_string(p, a);
    }
}

static void pr_hints(Printer *p, const HintList *h)
{
    if (h->n == 0)
        return;
    put(p, "/*+ ");
    for (uint32_t i = 0; i < h->n; i++) {
        const Hint *hi = &h->items[i];
        if (i)
            put(p, ", ");
        /* hint names are read by ast_hints_parse, not the lexer: never
         * back-quoted */
        strbuf_append_str(p->out, hi->name.name);
        if (!hi->args) /* written without parentheses */
            continue;
        putc_(p, '(');
        for (uint32_t j = 0; j < hi->n_args; j++) {
            if (j)
                put(p, ", ");
            pr_hint_arg(p, hi->args[j]);
        }
        putc_(p, ')');
    }
    put(p, " */");
}

static void pr_order_items(Printer *p, const AstList *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        const AstNode *o = l->items[i];
        if (i)
            put(p, ", ");
        if (o->kind != AST_ORDER_ITEM) {
            pr_expr(p, o);
            continue;
        }
        pr_expr(p, o->u.order_item.expr);
        if (o->u.order_item.is_desc)
            put(p, " DESC");
        if (o->u.order_item.nulls == 1)
            put(p, " NULLS FIRST");
        else if (o->u.order_item.nulls == 2)
            put(p, " NULLS LAST");
    }
}

/* " AS alias(c1, c2)" when there is an alias. */
static void pr_alias(Printer *p, bool has_alias, const Ident *alias,
                     const AstList *cols)
{
    if (!has_alias)
        return;
    put(p, " AS ");
    put_ident(p, alias);
    if (cols && cols->n)
        pr_name_list(p, cols);
}

/* "(query)" with the query indented one level deeper. */
static void pr_subquery(Printer *p, const AstNode *q)
{
    putc_(p, '(');
    p->indent++;
    newline(p);
    pr_query(p, q);
    p->indent--;
    newline(p);
    putc_(p, ')');
}

/* ---- expressions ----------------------------------------------------- */

static void pr_literal(Printer *p, const AstNode *n)
{
    const AstLiteral *l = &n->u.literal;
    switch (l->lit_kind) {
    case LIT_NULL:
        put(p, "NULL");
        break;
    case LIT_BOOL:
        if (l->text.len)
            strbuf_append_str(p->out, l->text);
        else
            put(p, "FALSE");
        break;
    case LIT_INTEGER:
    case LIT_DECIMAL:
    case LIT_DOUBLE:
        if (l->text.len && l->text.ptr[0] == '-') {
            putc_(p, '(');
            strbuf_append_str(p->out, l->text);
            putc_(p, ')');
        } else if (l->text.len) {
            strbuf_append_str(p->out, l->text);
        } else {
            putc_(p, '0');
        }
        break;
    case LIT_STRING:
        put_string(p, l->text);
        break;
    case LIT_DATE:
        put(p, "DATE ");
        put_string(p, l->text);
        break;
    case LIT_TIME:
        put(p, "TIME ");
        put_string(p, l->text);
        break;
    case LIT_TIMESTAMP:
        put(p, "TIMESTAMP ");
        put_string(p, l->text);
        break;
    case LIT_BINARY:
        put(p, "X");
        put_string(p, l->text);
        break;
    case LIT_INTERVAL:
        put(p, "INTERVAL ");
        if (l->is_negative)
            put(p, "-");
        put_string(p, l->text);
        putc_(p, ' ');
        put(p, unit_text(l->unit));
        if (l->unit_to == TU_NONE) {
            if (l->unit_precision >= 0)
                strbuf_printf(p->out, "(%d)", (int)l->unit_precision);
        } else {
            put(p, " TO ");
            put(p, unit_text(l->unit_to));
            if (l->unit_precision >= 0)
                strbuf_printf(p->out, "(%d)", (int)l->unit_precision);
        }
        break;
    }
}

/* Whether n prints as one primary that needs no parentheses as an
 * operand. */
static bool is_atom(const AstNode *n)
{
    switch (n->kind) {
    case AST_LITERAL:
        /* negative numbers print their own parentheses */
        return true;
    case AST_COLUMN_REF:
    case AST_STAR:
    case AST_FUNC_CALL:
    case AST_CASE:
    case AST_CAST:
    case AST_EXTRACT:
    case AST_SUBQUERY_EXPR:
    case AST_ROW_CTOR:
    case AST_ARRAY_CTOR:
    case AST_MAP_CTOR:
    case AST_SUBSCRIPT:
    case AST_FIELD_ACCESS:
    case AST_TIME_UNIT_ARG:
    case AST_DESCRIPTOR_ARG:
        return true;
    case AST_EXISTS:
        return !n->u.exists.is_not;
    default:
        return false;
    }
}

static void pr_operand(Printer *p, const AstNode *n)
{
    if (!n) {
        put(p, "NULL");
        return;
    }
    if (is_atom(n)) {
        pr_expr(p, n);
    } else {
        putc_(p, '(');
        pr_expr(p, n);
        putc_(p, ')');
    }
}

/* Binding strength of a binary operator, as declared in grammar/parse.y
 * (all binary operators are left-associative there). */
static int binop_prec(BinaryOp op)
{
    switch (op) {
    case BOP_OR:
        return 1;
    case BOP_AND:
        return 2;
    case BOP_EQ:
    case BOP_NE:
    case BOP_LT:
    case BOP_LE:
    case BOP_GT:
    case BOP_GE:
        return 4;
    case BOP_ADD:
    case BOP_SUB:
    case BOP_CONCAT:
        return 6;
    case BOP_MUL:
    case BOP_DIV:
    case BOP_MOD:
        return 7;
    }
    return 0;
}

/* Binding strength of an expression node, on the scale of binop_prec:
 * NOT is 3 (grammar/parse.y: below the comparisons), IS / LIKE / BETWEEN /
 * IN are comparisons (4), unary minus and plus are 8, primaries 10; 0 for
 * anything that always needs parentheses as an operand. */
static int expr_prec(const AstNode *n)
{
    if (is_atom(n))
        return 10;
    switch (n->kind) {
    case AST_BINARY:
        return binop_prec(n->u.binary.op);
    case AST_UNARY:
        return n->u.unary.op == UOP_NOT ? 3 : 8;
    case AST_EXISTS: /* NOT EXISTS (...) */
        return 3;
    case AST_IS:
    case AST_LIKE:
    case AST_BETWEEN:
    case AST_IN_LIST:
    case AST_IN_SUBQUERY:
        return 4;
    default:
        return 0;
    }
}

/* An operand that goes bare when it binds at least as tightly as
 * min_prec, in parentheses otherwise.  Left operands of a left-associative
 * level pass that level, right operands one more.  Parentheses are only
 * added where needed: each pair costs a level of the parser's stack, and
 * the printed text must never nest deeper than the source did. */
static void pr_sub(Printer *p, const AstNode *n, int min_prec)
{
    if (n && expr_prec(n) >= min_prec)
        pr_expr(p, n);
    else
        pr_operand(p, n);
}

static void pr_func_call(Printer *p, const AstNode *n)
{
    const AstFuncCall *f = &n->u.func_call;
    if (f->nav == NAV_RUNNING)
        put(p, "RUNNING ");
    else if (f->nav == NAV_FINAL)
        put(p, "FINAL ");
    put_func_name(p, &f->name);
    if (f->is_niladic)
        goto suffix;
    putc_(p, '(');
    const QName *q = &f->name;
    Str last = q->n_parts ? q->parts[q->n_parts - 1].name : STR_NULL;
    bool plain = q->n_parts == 1 && !q->parts[0].is_quoted;
    if (f->is_star) {
        if (f->is_distinct)
            put(p, "DISTINCT ");
        if (f->star_var.name.len) {
            put_ident(p, &f->star_var);
            putc_(p, '.');
        }
        putc_(p, '*');
    } else if (plain && str_ieq_cstr(last, "TRIM") && !f->is_distinct &&
               (f->has_trim_mode || f->args.n == 2)) {
        static const char *const modes[] = {"BOTH", "LEADING", "TRAILING"};
        if (f->has_trim_mode) {
            int m = f->trim_mode >= 0 && f->trim_mode <= 2 ? f->trim_mode : 0;
            put(p, modes[m]);
            putc_(p, ' ');
        }
        if (f->args.n >= 2) {
            pr_expr(p, f->args.items[0]);
            putc_(p, ' ');
        }
        put(p, "FROM ");
        if (f->args.n >= 1)
            pr_expr(p, f->args.items[f->args.n - 1]);
    } else if (f->args.n == 2 && !f->is_distinct &&
               f->args.items[1]->kind == AST_TIME_UNIT_ARG &&
               f->args.items[0]->kind != AST_TIME_UNIT_ARG) {
        /* FLOOR(x TO unit), CEIL(x TO unit) */
        pr_expr(p, f->args.items[0]);
        put(p, " TO ");
        put(p, unit_text(f->args.items[1]->u.time_unit_arg.unit));
    } else if (plain && str_ieq_cstr(last, "POSITION") && f->args.n == 2) {
        pr_operand(p, f->args.items[0]);
        put(p, " IN ");
        pr_operand(p, f->args.items[1]);
    } else {
        if (f->is_distinct)
            put(p, "DISTINCT ");
        pr_expr_list(p, &f->args);
    }
    putc_(p, ')');
suffix:
    if (f->within_group.n) {
        put(p, " WITHIN GROUP (ORDER BY ");
        pr_order_items(p, &f->within_group);
        putc_(p, ')');
    }
    if (f->filter) {
        put(p, " FILTER (WHERE ");
        pr_expr(p, f->filter);
        putc_(p, ')');
    }
    if (f->ignore_nulls)
        put(p, " IGNORE NULLS");
    if (f->over) {
        put(p, " OVER ");
        pr_window_spec(p, f->over);
    }
}

static void pr_expr(Printer *p, const AstNode *n)
{
    if (!n) {
        put(p, "NULL");
        return;
    }
    switch (n->kind) {
    case AST_LITERAL:
        pr_literal(p, n);
        break;
    case AST_COLUMN_REF:
        put_qname(p, &n->u.column_ref.name);
        break;
    case AST_STAR:
        if (n->u.star.qualifier.n_parts) {
            put_qname(p, &n->u.star.qualifier);
            putc_(p, '.');
        }
        putc_(p, '*');
        break;
    case AST_UNARY: {
        const AstUnary *u = &n->u.unary;
        if (u->op == UOP_NOT) {
            put(p, "NOT ");
            pr_sub(p, u->arg, 3);
        } else {
            /* a space before a nested sign: "- -x", never a "--" comment */
            putc_(p, u->op == UOP_NEG ? '-' : '+');
            if (u->arg && u->arg->kind == AST_UNARY &&
                u->arg->u.unary.op != UOP_NOT)
                putc_(p, ' ');
            pr_sub(p, u->arg, 8);
        }
        break;
    }
    case AST_BINARY:
        pr_sub(p, n->u.binary.left, binop_prec(n->u.binary.op));
        putc_(p, ' ');
        put(p, binary_op_text(n->u.binary.op));
        putc_(p, ' ');
        pr_sub(p, n->u.binary.right, binop_prec(n->u.binary.op) + 1);
        break;
    case AST_IS: {
        static const char *const what[] = {"NULL", "TRUE", "FALSE", "UNKNOWN",
                                           "DISTINCT FROM"};
        const AstIs *is = &n->u.is;
        pr_sub(p, is->arg, 4);
        put(p, is->is_not ? " IS NOT " : " IS ");
        put(p, what[is->what <= IS_DISTINCT_FROM ? is->what : 0]);
        if (is->what == IS_DISTINCT_FROM) {
            putc_(p, ' ');
            pr_sub(p, is->rhs, 5);
        }
        break;
    }
    case AST_BETWEEN: {
        const AstBetween *b = &n->u.between;
        pr_sub(p, b->arg, 4);
        put(p, b->is_not ? " NOT BETWEEN " : " BETWEEN ");
        if (b->is_symmetric)
            put(p, "SYMMETRIC ");
        pr_sub(p, b->low, 5);
        put(p, " AND ");
        pr_sub(p, b->high, 5);
        break;
    }
    case AST_IN_LIST:
        pr_sub(p, n->u.in_list.arg, 4);
        put(p, n->u.in_list.is_not ? " NOT IN (" : " IN (");
        pr_expr_list(p, &n->u.in_list.list);
        putc_(p, ')');
        break;
    case AST_IN_SUBQUERY:
        pr_sub(p, n->u.in_subquery.arg, 4);
        put(p, n->u.in_subquery.is_not ? " NOT IN " : " IN ");
        pr_subquery(p, n->u.in_subquery.query);
        break;
    case AST_EXISTS:
        put(p, n->u.exists.is_not ? "NOT EXISTS " : "EXISTS ");
        pr_subquery(p, n->u.exists.query);
        break;
    case AST_SUBQUERY_EXPR:
        pr_subquery(p, n->u.subquery_expr.query);
        break;
    case AST_LIKE: {
        const AstLike *l = &n->u.like;
        pr_sub(p, l->arg, 4);
        if (l->is_not)
            put(p, " NOT");
        put(p, l->is_similar ? " SIMILAR TO " : " LIKE ");
        pr_sub(p, l->pattern, 5);
        if (l->escape) {
            put(p, " ESCAPE ");
            pr_sub(p, l->escape, 6);
        }
        break;
    }
    case AST_CASE: {
        const AstCase *c = &n->u.case_;
        put(p, "CASE");
        if (c->operand) {
            putc_(p, ' ');
            pr_operand(p, c->operand);
        }
        for (uint32_t i = 0; i < c->whens.n; i++) {
            putc_(p, ' ');
            pr_expr(p, c->whens.items[i]);
        }
        if (c->else_expr) {
            put(p, " ELSE ");
            pr_expr(p, c->else_expr);
        }
        put(p, " END");
        break;
    }
    case AST_WHEN:
        put(p, "WHEN ");
        pr_expr(p, n->u.when.cond);
        put(p, " THEN ");
        pr_expr(p, n->u.when.result);
        break;
    case AST_CAST:
        put(p, n->u.cast.is_try ? "TRY_CAST(" : "CAST(");
        pr_expr(p, n->u.cast.arg);
        put(p, " AS ");
        pr_type(p, n->u.cast.type);
        putc_(p, ')');
        break;
    case AST_EXTRACT:
        put(p, "EXTRACT(");
        put(p, unit_text(n->u.extract.unit));
        put(p, " FROM ");
        pr_expr(p, n->u.extract.arg);
        putc_(p, ')');
        break;
    case AST_FUNC_CALL:
        pr_func_call(p, n);
        break;
    case AST_TIME_UNIT_ARG:
        put(p, unit_text(n->u.time_unit_arg.unit));
        break;
    case AST_TABLE_ARG:
        put(p, "TABLE ");
        if (n->u.table_arg.query)
            pr_subquery(p, n->u.table_arg.query);
        else
            put_qname(p, &n->u.table_arg.name);
        if (n->u.table_arg.partition_by.n) {
            put(p, " PARTITION BY ");
            pr_name_list(p, &n->u.table_arg.partition_by);
        }
        break;
    case AST_DESCRIPTOR_ARG:
        put(p, "DESCRIPTOR");
        pr_name_list(p, &n->u.descriptor_arg.columns);
        break;
    case AST_NAMED_ARG:
        put_ident(p, &n->u.named_arg.name);
        put(p, " => ");
        pr_expr(p, n->u.named_arg.value);
        break;
    case AST_ROW_CTOR:
        put(p, "ROW(");
        pr_expr_list(p, &n->u.ctor.items);
        putc_(p, ')');
        break;
    case AST_ARRAY_CTOR:
        put(p, "ARRAY[");
        pr_expr_list(p, &n->u.ctor.items);
        putc_(p, ']');
        break;
    case AST_MAP_CTOR:
        put(p, "MAP[");
        pr_expr_list(p, &n->u.ctor.items);
        putc_(p, ']');
        break;
    case AST_SUBSCRIPT:
        pr_operand(p, n->u.subscript.base);
        putc_(p, '[');
        pr_expr(p, n->u.subscript.index);
        putc_(p, ']');
        break;
    case AST_FIELD_ACCESS: {
        /* the base goes bare when the grammar reads it as a postfix
         * expression: not a name (t.a.b is one qualified name), not a
         * number (1.b), not a niladic call (CURRENT_DATE.x is a name) */
        const AstNode *b = n->u.field_access.base;
        bool bare = b && is_atom(b) && b->kind != AST_COLUMN_REF &&
                    b->kind != AST_LITERAL &&
                    !(b->kind == AST_FUNC_CALL && b->u.func_call.is_niladic);
        if (bare) {
            pr_expr(p, b);
        } else {
            putc_(p, '(');
            pr_expr(p, b);
            putc_(p, ')');
        }
        putc_(p, '.');
        put_ident(p, &n->u.field_access.field);
        break;
    }
    case AST_ORDER_ITEM: {
        AstList one = {1, 1, (AstNode **)&n};
        pr_order_items(p, &one);
        break;
    }
    case AST_WINDOW_SPEC:
        pr_window_spec(p, n);
        break;
    case AST_FRAME_BOUND:
        switch (n->u.frame_bound.bound) {
        case BOUND_UNBOUNDED_PRECEDING:
            put(p, "UNBOUNDED PRECEDING");
            break;
        case BOUND_PRECEDING:
            pr_operand(p, n->u.frame_bound.offset);
            put(p, " PRECEDING");
            break;
        case BOUND_CURRENT_ROW:
            put(p, "CURRENT ROW");
            break;
        case BOUND_FOLLOWING:
            pr_operand(p, n->u.frame_bound.offset);
            put(p, " FOLLOWING");
            break;
        case BOUND_UNBOUNDED_FOLLOWING:
            put(p, "UNBOUNDED FOLLOWING");
            break;
        }
        break;
    case AST_PATTERN:
        pr_pattern(p, n);
        break;
    case AST_SELECT:
    case AST_SETOP:
    case AST_VALUES:
    case AST_WITH:
        pr_subquery(p, n);
        break;
    case AST_ERROR:
        put(p, "NULL");
        break;
    default:
        /* statements and FROM items never appear as expressions */
        put(p, "NULL");
        break;
    }
}

void ast_print_expr(StrBuf *out, const AstNode *e)
{
    Printer p = {out, 0};
    if (e && (e->kind == AST_SELECT || e->kind == AST_SETOP ||
              e->kind == AST_VALUES || e->kind == AST_WITH))
        pr_query(&p, e);
    else
        pr_expr(&p, e);
}

/* ---- windows --------------------------------------------------------- */

static void pr_window_body(Printer *p, const AstWindowSpec *w)
{
    bool sp = false;
    if (w->base.name.len) {
        put_ident(p, &w->base);
        sp = true;
    }
    if (w->partition_by.n) {
        put(p, sp ? " PARTITION BY " : "PARTITION BY ");
        pr_expr_list(p, &w->partition_by);
        sp = true;
    }
    if (w->order_by.n) {
        put(p, sp ? " ORDER BY " : "ORDER BY ");
        pr_order_items(p, &w->order_by);
        sp = true;
    }
    if (w->frame_start) {
        if (sp)
            putc_(p, ' ');
        put(p, w->frame_unit == FRAME_RANGE ? "RANGE " : "ROWS ");
        if (w->frame_end) {
            put(p, "BETWEEN ");
            pr_expr(p, w->frame_start);
            put(p, " AND ");
            pr_expr(p, w->frame_end);
        } else {
            pr_expr(p, w->frame_start);
        }
    }
}

/* OVER target: a bare window name, or a parenthesised specification. */
static void pr_window_spec(Printer *p, const AstNode *n)
{
    if (n->kind != AST_WINDOW_SPEC) {
        pr_expr(p, n);
        return;
    }
    const AstWindowSpec *w = &n->u.window_spec;
    if (w->base.name.len && !w->partition_by.n && !w->order_by.n &&
        !w->frame_start) {
        put_ident(p, &w->base);
        return;
    }
    putc_(p, '(');
    pr_window_body(p, w);
    putc_(p, ')');
}

/* ---- MATCH_RECOGNIZE patterns ---------------------------------------- */

static void pr_quantifier(Printer *p, const AstPattern *pt)
{
    if (!pt->has_quantifier)
        return;
    if (pt->min == 0 && pt->max < 0)
        putc_(p, '*');
    else if (pt->min == 1 && pt->max < 0)
        putc_(p, '+');
    else if (pt->min == 0 && pt->max == 1)
        putc_(p, '?');
    else if (pt->max < 0)
        strbuf_printf(p->out, "{%d,}", (int)pt->min);
    else if (pt->min == pt->max)
        strbuf_printf(p->out, "{%d}", (int)pt->min);
    else
        strbuf_printf(p->out, "{%d,%d}", (int)pt->min, (int)pt->max);
    if (pt->is_reluctant)
        putc_(p, '?');
}

/* An item of a sequence or alternation: a nested alternation, or a nested
 * sequence inside a sequence, is written in parentheses (a sequence binds
 * tighter than "|").  Quantified groups print their own parentheses. */
static void pr_pattern_item(Printer *p, const AstNode *n, PatternKind parent)
{
    bool paren = false;
    if (n->kind == AST_PATTERN && !n->u.pattern.has_quantifier) {
        PatternKind k = n->u.pattern.pat_kind;
        paren = k == PAT_ALT || (k == PAT_CONCAT && parent == PAT_CONCAT);
        /* a one-item sequence (the group "(A+)") prints its own */
        if (k == PAT_CONCAT && n->u.pattern.items.n == 1)
            paren = false;
    }
    if (paren) {
        putc_(p, '(');
        pr_pattern(p, n);
        putc_(p, ')');
    } else {
        pr_pattern(p, n);
    }
}

static void pr_pattern(Printer *p, const AstNode *n)
{
    if (n->kind != AST_PATTERN) {
        pr_expr(p, n);
        return;
    }
    const AstPattern *pt = &n->u.pattern;
    /* "(A+)" parses to a one-item sequence: keep its parentheses */
    bool group = (pt->has_quantifier &&
                  (pt->pat_kind == PAT_CONCAT || pt->pat_kind == PAT_ALT)) ||
                 (pt->pat_kind == PAT_CONCAT && pt->items.n == 1);
    if (group)
        putc_(p, '(');
    switch (pt->pat_kind) {
    case PAT_VAR:
        put_ident(p, &pt->var);
        break;
    case PAT_CONCAT:
    case PAT_ALT:
        for (uint32_t i = 0; i < pt->items.n; i++) {
            if (i)
                put(p, pt->pat_kind == PAT_ALT ? " | " : " ");
            pr_pattern_item(p, pt->items.items[i], pt->pat_kind);
        }
        break;
    case PAT_PERMUTE:
        put(p, "PERMUTE(");
        for (uint32_t i = 0; i < pt->items.n; i++) {
            if (i)
                put(p, ", ");
            pr_pattern(p, pt->items.items[i]);
        }
        putc_(p, ')');
        break;
    case PAT_EXCLUDE:
        put(p, "{- ");
        if (pt->items.n)
            pr_pattern(p, pt->items.items[0]);
        put(p, " -}");
        break;
    case PAT_ANCHOR_START:
        putc_(p, '^');
        break;
    case PAT_ANCHOR_END:
        putc_(p, '$');
        break;
    case PAT_EMPTY:
        put(p, "()");
        break;
    }
    if (group)
        putc_(p, ')');
    pr_quantifier(p, pt);
}

static void pr_match_recognize(Printer *p, const AstNode *n)
{
    const AstMatchRecognize *m = &n->u.match_recognize;
    pr_from(p, m->input);
    put(p, " MATCH_RECOGNIZE (");
    p->indent++;
    if (m->partition_by.n) {
        clause(p, "PARTITION BY ");
        pr_expr_list(p, &m->partition_by);
    }
    if (m->order_by.n) {
        clause(p, "ORDER BY ");
        pr_order_items(p, &m->order_by);
    }
    if (m->measures.n) {
        clause(p, "MEASURES");
        p->indent++;
        for (uint32_t i = 0; i < m->measures.n; i++) {
            const AstNode *me = m->measures.items[i];
            newline(p);
            pr_expr(p, me->u.measure.expr);
            put(p, " AS ");
            put_ident(p, &me->u.measure.alias);
            if (i + 1 < m->measures.n)
                putc_(p, ',');
        }
        p->indent--;
    }
    switch (m->rows_per_match) {
    case RPM_ONE_ROW:
        clause(p, "ONE ROW PER MATCH");
        break;
    case RPM_ALL_ROWS:
        clause(p, "ALL ROWS PER MATCH");
        break;
    case RPM_ALL_ROWS_OMIT_EMPTY:
        clause(p, "ALL ROWS PER MATCH OMIT EMPTY MATCHES");
        break;
    case RPM_ALL_ROWS_WITH_UNMATCHED:
        clause(p, "ALL ROWS PER MATCH WITH UNMATCHED ROWS");
        break;
    }
    switch (m->skip) {
    case SKIP_DEFAULT:
        break;
    case SKIP_PAST_LAST_ROW:
        clause(p, "AFTER MATCH SKIP PAST LAST ROW");
        break;
    case SKIP_TO_NEXT_ROW:
        clause(p, "AFTER MATCH SKIP TO NEXT ROW");
        break;
    case SKIP_TO_FIRST:
        clause(p, "AFTER MATCH SKIP TO FIRST ");
        put_ident(p, &m->skip_var);
        break;
    case SKIP_TO_LAST:
        clause(p, "AFTER MATCH SKIP TO LAST ");
        put_ident(p, &m->skip_var);
        break;
    }
    if (m->pattern) {
        clause(p, "PATTERN (");
        pr_pattern(p, m->pattern);
        putc_(p, ')');
    }
    if (m->within) {
        put(p, " WITHIN ");
        pr_expr(p, m->within);
    }
    if (m->subsets.n) {
        clause(p, "SUBSET ");
        for (uint32_t i = 0; i < m->subsets.n; i++) {
            const AstNode *s = m->subsets.items[i];
            if (i)
                put(p, ", ");
            put_ident(p, &s->u.subset.name);
            put(p, " = ");
            pr_name_list(p, &s->u.subset.vars);
        }
    }
    if (m->defines.n) {
        clause(p, "DEFINE");
        p->indent++;
        for (uint32_t i = 0; i < m->defines.n; i++) {
            const AstNode *d = m->defines.items[i];
            newline(p);
            put_ident(p, &d->u.define.var);
            put(p, " AS ");
            pr_expr(p, d->u.define.cond);
            if (i + 1 < m->defines.n)
                putc_(p, ',');
        }
        p->indent--;
    }
    p->indent--;
    newline(p);
    putc_(p, ')');
    pr_alias(p, m->has_alias, &m->alias, NULL);
}

/* ---- FROM items ------------------------------------------------------ */

static const char *join_text(const AstJoin *j)
{
    switch (j->join_kind) {
    case JOIN_INNER:
        return j->is_natural ? "NATURAL JOIN " : "JOIN ";
    case JOIN_LEFT:
        return j->is_natural ? "NATURAL LEFT JOIN " : "LEFT JOIN ";
    case JOIN_RIGHT:
        return j->is_natural ? "NATURAL RIGHT JOIN " : "RIGHT JOIN ";
    case JOIN_FULL:
        return j->is_natural ? "NATURAL FULL JOIN " : "FULL JOIN ";
    case JOIN_CROSS:
        return "CROSS JOIN ";
    case JOIN_COMMA:
        return NULL;
    }
    return "JOIN ";
}

static void pr_from(Printer *p, const AstNode *n)
{
    if (!n) {
        put(p, "NULL");
        return;
    }
    switch (n->kind) {
    case AST_TABLE_REF: {
        const AstTableRef *t = &n->u.table_ref;
        put_qname(p, &t->name);
        if (t->hints.n) {
            putc_(p, ' ');
            pr_hints(p, &t->hints);
        }
        if (t->system_time) {
            put(p, " FOR SYSTEM_TIME AS OF ");
            pr_operand(p, t->system_time);
        }
        pr_alias(p, t->has_alias, &t->alias, &t->column_aliases);
        break;
    }
    case AST_SUBQUERY_REF: {
        const AstSubqueryRef *s = &n->u.subquery_ref;
        if (s->is_lateral)
            put(p, "LATERAL ");
        pr_subquery(p, s->query);
        pr_alias(p, s->has_alias, &s->alias, &s->column_aliases);
        break;
    }
    case AST_JOIN: {
        const AstJoin *j = &n->u.join;
        const char *kw = join_text(j);
        pr_from(p, j->left);
        if (!kw) {
            put(p, ", ");
            pr_from(p, j->right);
            break;
        }
        newline(p);
        put(p, kw);
        if (j->right && j->right->kind == AST_JOIN) {
            putc_(p, '(');
            pr_from(p, j->right);
            putc_(p, ')');
        } else {
            pr_from(p, j->right);
        }
        if (j->on) {
            put(p, " ON ");
            pr_expr(p, j->on);
        } else if (j->using_cols.n) {
            put(p, " USING ");
            pr_name_list(p, &j->using_cols);
        }
        break;
    }
    case AST_TABLE_FUNC_REF: {
        const AstTableFuncRef *t = &n->u.table_func_ref;
        if (t->is_lateral)
            put(p, "LATERAL ");
        put(p, "TABLE(");
        pr_expr(p, t->call);
        putc_(p, ')');
        pr_alias(p, t->has_alias, &t->alias, &t->column_aliases);
        break;
    }
    case AST_UNNEST_REF: {
        const AstUnnestRef *u = &n->u.unnest_ref;
        put(p, "UNNEST(");
        pr_expr_list(p, &u->args);
        putc_(p, ')');
        if (u->with_ordinality)
            put(p, " WITH ORDINALITY");
        pr_alias(p, u->has_alias, &u->alias, &u->column_aliases);
        break;
    }
    case AST_MATCH_RECOGNIZE:
        pr_match_recognize(p, n);
        break;
    default:
        pr_expr(p, n);
        break;
    }
}

/* ---- queries --------------------------------------------------------- */

static void pr_select(Printer *p, const AstNode *n)
{
    const AstSelect *s = &n->u.select;
    put(p, "SELECT");
    if (s->hints.n) {
        putc_(p, ' ');
        pr_hints(p, &s->hints);
    }
    if (s->is_distinct)
        put(p, " DISTINCT");
    p->indent++;
    for (uint32_t i = 0; i < s->items.n; i++) {
        const AstNode *it = s->items.items[i];
        newline(p);
        if (it->kind == AST_SELECT_ITEM) {
            pr_expr(p, it->u.select_item.expr);
            if (it->u.select_item.has_alias) {
                put(p, " AS ");
                put_ident(p, &it->u.select_item.alias);
            }
        } else {
            pr_expr(p, it);
        }
        if (i + 1 < s->items.n)
            putc_(p, ',');
    }
    p->indent--;
    if (s->from.n) {
        clause(p, "FROM ");
        for (uint32_t i = 0; i < s->from.n; i++) {
            if (i)
                put(p, ", ");
            pr_from(p, s->from.items[i]);
        }
    }
    if (s->where) {
        clause(p, "WHERE ");
        pr_expr(p, s->where);
    }
    if (s->group_by.n) {
        clause(p, "GROUP BY ");
        pr_expr_list(p, &s->group_by);
    }
    if (s->having) {
        clause(p, "HAVING ");
        pr_expr(p, s->having);
    }
    if (s->windows.n) {
        clause(p, "WINDOW ");
        for (uint32_t i = 0; i < s->windows.n; i++) {
            const AstNode *w = s->windows.items[i];
            if (i)
                put(p, ", ");
            put_ident(p, &w->u.window_def.name);
            put(p, " AS (");
            if (w->u.window_def.spec)
                pr_window_body(p, &w->u.window_def.spec->u.window_spec);
            putc_(p, ')');
        }
    }
    if (s->qualify) {
        clause(p, "QUALIFY ");
        pr_expr(p, s->qualify);
    }
}

/* An operand of a set operation.  The grammar has no parenthesised query
 * bodies: operands are SELECT, VALUES or (left-associative, INTERSECT
 * binding tighter) another set operation, which print as they are. */
static void pr_setop_operand(Printer *p, const AstNode *q)
{
    if (q && q->kind == AST_WITH)
        pr_subquery(p, q);
    else
        pr_query(p, q);
}

static void pr_query(Printer *p, const AstNode *q)
{
    if (!q) {
        put(p, "SELECT NULL");
        return;
    }
    switch (q->kind) {
    case AST_SELECT:
        pr_select(p, q);
        break;
    case AST_SETOP: {
        static const char *const ops[] = {"UNION", "INTERSECT", "EXCEPT"};
        const AstSetOp *s = &q->u.setop;
        pr_setop_operand(p, s->left);
        newline(p);
        put(p, ops[s->op <= SETOP_EXCEPT ? s->op : 0]);
        if (s->is_all)
            put(p, " ALL");
        newline(p);
        pr_setop_operand(p, s->right);
        break;
    }
    case AST_VALUES: {
        put(p, "VALUES");
        p->indent++;
        for (uint32_t i = 0; i < q->u.values.rows.n; i++) {
            const AstNode *r = q->u.values.rows.items[i];
            newline(p);
            putc_(p, '(');
            if (r->kind == AST_ROW_CTOR)
                pr_expr_list(p, &r->u.ctor.items);
            else
                pr_expr(p, r);
            putc_(p, ')');
            if (i + 1 < q->u.values.rows.n)
                putc_(p, ',');
        }
        p->indent--;
        break;
    }
    case AST_WITH: {
        const AstWith *w = &q->u.with;
        if (w->ctes.n) {
            put(p, "WITH ");
            for (uint32_t i = 0; i < w->ctes.n; i++) {
                const AstNode *c = w->ctes.items[i];
                if (i) {
                    putc_(p, ',');
                    newline(p);
                }
                put_ident(p, &c->u.cte.name);
                if (c->u.cte.column_names.n)
                    pr_name_list(p, &c->u.cte.column_names);
                put(p, " AS ");
                pr_subquery(p, c->u.cte.query);
            }
            newline(p);
        }
        if (w->body && w->body->kind == AST_WITH)
            pr_subquery(p, w->body);
        else
            pr_query(p, w->body);
        if (w->order_by.n) {
            clause(p, "ORDER BY ");
            pr_order_items(p, &w->order_by);
        }
        if (w->limit) {
            clause(p, "LIMIT ");
            pr_expr(p, w->limit);
        }
        if (w->offset) {
            clause(p, "OFFSET ");
            pr_expr(p, w->offset);
        }
        break;
    }
    default:
        pr_expr(p, q);
        break;
    }
}

/* ---- statements ------------------------------------------------------ */

static void pr_options(Printer *p, const AstList *opts)
{
    put(p, "WITH (");
    p->indent++;
    for (uint32_t i = 0; i < opts->n; i++) {
        const AstNode *o = opts->items[i];
        newline(p);
        put_string(p, o->u.option.key);
        put(p, " = ");
        put_string(p, o->u.option.value);
        if (i + 1 < opts->n)
            putc_(p, ',');
    }
    p->indent--;
    newline(p);
    putc_(p, ')');
}

static void pr_column_def(Printer *p, const AstNode *n)
{
    const AstColumnDef *c = &n->u.column_def;
    put_ident(p, &c->name);
    if (c->expr) {
        put(p, " AS ");
        pr_expr(p, c->expr);
    } else {
        putc_(p, ' ');
        pr_type(p, c->type);
    }
    if (c->col_kind == COL_METADATA) {
        put(p, " METADATA");
        if (c->has_metadata_key) {
            put(p, " FROM ");
            put_string(p, c->metadata_key);
        }
    }
    if (c->is_virtual)
        put(p, " VIRTUAL");
    if (c->is_pk_inline)
        put(p, " PRIMARY KEY NOT ENFORCED");
    if (c->comment.ptr) {
        put(p, " COMMENT ");
        put_string(p, c->comment);
    }
}

static void pr_create_table(Printer *p, const AstNode *n)
{
    const AstCreateTable *t = &n->u.create_table;
    put(p, t->is_temporary ? "CREATE TEMPORARY TABLE " : "CREATE TABLE ");
    if (t->if_not_exists)
        put(p, "IF NOT EXISTS ");
    put_qname(p, &t->name);
    /* an inline PRIMARY KEY on a column is also in primary_key */
    bool pk_inline = false;
    for (uint32_t i = 0; i < t->columns.n; i++)
        if (t->columns.items[i]->u.column_def.is_pk_inline)
            pk_inline = true;
    {
        put(p, " (");
        p->indent++;
        bool first = true;
        for (uint32_t i = 0; i < t->columns.n; i++) {
            if (!first)
                putc_(p, ',');
            first = false;
            newline(p);
            pr_column_def(p, t->columns.items[i]);
        }
        if (t->primary_key.n && !pk_inline) {
            if (!first)
                putc_(p, ',');
            first = false;
            newline(p);
            put(p, "PRIMARY KEY ");
            pr_name_list(p, &t->primary_key);
            put(p, " NOT ENFORCED");
        }
        if (t->watermark) {
            const AstWatermarkDef *w = &t->watermark->u.watermark_def;
            if (!first)
                putc_(p, ',');
            newline(p);
            put(p, "WATERMARK FOR ");
            put_ident(p, &w->column);
            put(p, " AS ");
            pr_expr(p, w->expr);
        }
        p->indent--;
        newline(p);
        putc_(p, ')');
    }
    if (t->comment.ptr) {
        clause(p, "COMMENT ");
        put_string(p, t->comment);
    }
    if (t->partitioned_by.n) {
        clause(p, "PARTITIONED BY ");
        pr_name_list(p, &t->partitioned_by);
    }
    if (t->options.n) {
        newline(p);
        pr_options(p, &t->options);
    }
    if (t->like.n_parts) {
        clause(p, "LIKE ");
        put_qname(p, &t->like);
    }
}

static void pr_insert(Printer *p, const AstNode *n)
{
    const AstInsert *ins = &n->u.insert;
    put(p, ins->is_overwrite ? "INSERT OVERWRITE " : "INSERT INTO ");
    put_qname(p, &ins->table);
    if (ins->hint_text.len) {
        put(p, " /*+ ");
        strbuf_append_str(p->out, ins->hint_text);
        put(p, " */");
    }
    if (ins->partition.n) {
        put(p, " PARTITION (");
        for (uint32_t i = 0; i < ins->partition.n; i++) {
            const AstNode *kv = ins->partition.items[i];
            if (i)
                put(p, ", ");
            if (kv->kind == AST_BINARY) {
                pr_expr(p, kv->u.binary.left);
                put(p, " = ");
                pr_operand(p, kv->u.binary.right);
            } else if (kv->kind == AST_OPTION) {
                put_name(p, kv->u.option.key, false);
                put(p, " = ");
                put_string(p, kv->u.option.value);
            } else {
                pr_expr(p, kv);
            }
        }
        putc_(p, ')');
    }
    if (ins->columns.n) {
        putc_(p, ' ');
        pr_name_list(p, &ins->columns);
    }
    newline(p);
    pr_query(p, ins->query);
}

static const char *obj_text(ObjKind k)
{
    switch (k) {
    case OBJ_TABLE:
        return "TABLE ";
    case OBJ_VIEW:
        return "VIEW ";
    case OBJ_FUNCTION:
        return "FUNCTION ";
    case OBJ_DATABASE:
        return "DATABASE ";
    case OBJ_CATALOG:
        return "CATALOG ";
    }
    return "TABLE ";
}

static void pr_show(Printer *p, const AstNode *n)
{
    const AstShow *s = &n->u.show;
    switch (s->what) {
    case SHOW_TABLES:
        put(p, "SHOW TABLES");
        break;
    case SHOW_VIEWS:
        put(p, "SHOW VIEWS");
        break;
    case SHOW_JOBS:
        put(p, "SHOW JOBS");
        break;
    case SHOW_FUNCTIONS:
        put(p, "SHOW FUNCTIONS");
        break;
    case SHOW_CATALOGS:
        put(p, "SHOW CATALOGS");
        break;
    case SHOW_DATABASES:
        put(p, "SHOW DATABASES");
        break;
    case SHOW_CREATE_TABLE:
        put(p, "SHOW CREATE TABLE ");
        put_qname(p, &s->name);
        break;
    case SHOW_CREATE_VIEW:
        put(p, "SHOW CREATE VIEW ");
        put_qname(p, &s->name);
        break;
    }
    if (s->like.ptr) {
        put(p, " LIKE ");
        put_string(p, s->like);
    }
}

/* A statement set: head, then each INSERT and ';' on its own line, END. */
static void pr_statement_set(Printer *p, const AstNode *n, const char *head)
{
    const AstStatementSet *s = &n->u.statement_set;
    put(p, head);
    p->indent++;
    for (uint32_t i = 0; i < s->inserts.n; i++) {
        newline(p);
        pr_stmt(p, s->inserts.items[i]);
        putc_(p, ';');
    }
    p->indent--;
    newline(p);
    put(p, "END");
}

static void pr_stmt(Printer *p, const AstNode *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case AST_CREATE_TABLE:
        pr_create_table(p, n);
        break;
    case AST_CREATE_VIEW: {
        const AstCreateView *v = &n->u.create_view;
        put(p, v->is_temporary ? "CREATE TEMPORARY VIEW " : "CREATE VIEW ");
        if (v->if_not_exists)
            put(p, "IF NOT EXISTS ");
        put_qname(p, &v->name);
        if (v->column_names.n) {
            putc_(p, ' ');
            pr_name_list(p, &v->column_names);
        }
        if (v->comment.ptr) {
            put(p, " COMMENT ");
            put_string(p, v->comment);
        }
        put(p, " AS");
        newline(p);
        pr_query(p, v->query);
        break;
    }
    case AST_CREATE_FUNCTION: {
        const AstCreateFunction *f = &n->u.create_function;
        put(p, "CREATE ");
        if (f->is_temporary)
            put(p, "TEMPORARY ");
        if (f->is_system)
            put(p, "SYSTEM ");
        put(p, "FUNCTION ");
        if (f->if_not_exists)
            put(p, "IF NOT EXISTS ");
        put_qname(p, &f->name);
        put(p, " AS ");
        put_string(p, f->class_name);
        if (f->language.len) {
            put(p, " LANGUAGE ");
            put_name(p, f->language, false);
        }
        break;
    }
    case AST_DROP: {
        const AstDrop *d = &n->u.drop;
        put(p, "DROP ");
        if (d->is_temporary)
            put(p, "TEMPORARY ");
        put(p, obj_text(d->obj));
        if (d->if_exists)
            put(p, "IF EXISTS ");
        put_qname(p, &d->name);
        break;
    }
    case AST_INSERT:
        pr_insert(p, n);
        break;
    case AST_STATEMENT_SET:
        pr_statement_set(p, n,
                         n->u.statement_set.is_begin_form
                             ? "BEGIN STATEMENT SET;"
                             : "EXECUTE STATEMENT SET BEGIN");
        break;
    case AST_SET:
        put(p, "SET");
        if (n->u.set.has_key || n->u.set.key.len) {
            putc_(p, ' ');
            put_string(p, n->u.set.key);
            put(p, " = ");
            put_string(p, n->u.set.value);
        }
        break;
    case AST_RESET:
        put(p, "RESET");
        if (n->u.set.has_key || n->u.set.key.len) {
            putc_(p, ' ');
            put_string(p, n->u.set.key);
        }
        break;
    case AST_SHOW:
        pr_show(p, n);
        break;
    case AST_DESCRIBE:
        put(p, n->u.describe.is_extended ? "DESCRIBE EXTENDED " : "DESCRIBE ");
        put_qname(p, &n->u.describe.name);
        break;
    case AST_EXPLAIN: {
        const AstExplain *e = &n->u.explain;
        put(p, "EXPLAIN ");
        if (e->is_plan_for)
            put(p, "PLAN FOR ");
        for (uint32_t i = 0; i < e->details.n; i++) {
            if (i)
                put(p, ", ");
            pr_expr(p, e->details.items[i]);
        }
        if (e->details.n)
            newline(p);
        if (e->stmt && e->stmt->kind == AST_STATEMENT_SET)
            pr_statement_set(p, e->stmt, "STATEMENT SET BEGIN");
        else
            pr_stmt(p, e->stmt);
        break;
    }
    case AST_QUERY_STMT:
        pr_query(p, n->u.query_stmt.query);
        break;
    case AST_USE:
        put(p, n->u.use.is_catalog ? "USE CATALOG " : "USE ");
        put_qname(p, &n->u.use.name);
        break;
    case AST_SELECT:
    case AST_SETOP:
    case AST_VALUES:
    case AST_WITH:
        pr_query(p, n);
        break;
    default:
        pr_expr(p, n);
        break;
    }
}

void ast_print_stmt(StrBuf *out, const AstNode *stmt)
{
    Printer p = {out, 0};
    pr_stmt(&p, stmt);
}
