/*
 * resolve_int.h - private interface between the parts of the resolver:
 * resolve.c (statements: DDL, INSERT, SET, ...), resolve_query.c (queries,
 * FROM items, scopes, grouping, windows, MATCH_RECOGNIZE) and
 * resolve_expr.c (expression typing, function calls, OVER clauses).
 *
 * Everything here is allocated from the compile arena (r->a) and lives as
 * long as the AST it annotates.
 *
 * Error absorption: an expression that produced an error gets the type
 * &resolve_error_type.  Every check treats that type as "already reported"
 * and stays silent, so one mistake yields one diagnostic.  A FROM item whose
 * schema may lack columns (an unknown table, a star over one) is marked
 * incomplete; unknown names looked up in it are not reported either.
 */
#ifndef FSQL_COMPILER_RESOLVE_INT_H
#define FSQL_COMPILER_RESOLVE_INT_H

#include "runtime/fsql.h"
#include "compiler/ast.h"
#include "compiler/compile.h"
#include "compiler/resolve.h"
#include "compiler/types.h"

struct CatTable;
struct CatView;
struct FuncInfo;

/* Per-statement state. */
typedef struct Res {
    CompileCtx *cc;
    Arena *a;
    bool uses_invalid;      /* read a table/view declared with errors */
    AstNode *bad_specs[32]; /* window specs already reported */
    uint32_t n_bad_specs;
} Res;

/* A FROM item visible by name in a scope. */
typedef struct ScopeRel {
    Str name;      /* qualifier (alias or table name); empty: none */
    AstNode *node; /* the FROM item; column refs get source = node */
    RelSchema *rel;
    const char *desc; /* for messages: "'r' (view real_time_risk_scoring)" */
    bool incomplete;  /* unknown names in it are not reported */
} ScopeRel;

/* A WITH query visible to table references. */
typedef struct CteDef {
    Str name;
    AstNode *cte; /* AST_CTE */
    RelSchema *rel;
    struct CteDef *next;
} CteDef;

/* A column name merged by JOIN ... USING / NATURAL JOIN: an unqualified
 * reference binds to rel index prefer instead of being ambiguous. */
typedef struct UsingCol {
    Str name;
    uint32_t prefer; /* index into Scope.rels */
    uint32_t other;
} UsingCol;

typedef struct Scope {
    struct Scope *parent; /* enclosing query level (correlation) */
    ScopeRel *rels;
    uint32_t n_rels, cap_rels;
    UsingCol *usings;
    uint32_t n_usings, cap_usings;
    CteDef *ctes;       /* WITH queries visible here */
    AstNode *select;    /* the SELECT whose aliases may be referenced */
    bool alias_refs;    /* unqualified names may fall back to aliases */
    bool aliases_first; /* ORDER BY: aliases win over columns */
    /* MATCH_RECOGNIZE DEFINE / MEASURES: pattern variables */
    AstNode *mr; /* AST_MATCH_RECOGNIZE, or NULL */
} Scope;

/* What an expression may contain, by clause. */
#define EX_AGG 0x01u          /* aggregate calls */
#define EX_OVER 0x02u         /* OVER windows */
#define EX_SUBQUERY 0x04u     /* IN (SELECT), EXISTS, scalar subqueries */
#define EX_GROUP_WINDOW 0x08u /* TUMBLE(ts, ...) as a GROUP BY item */
#define EX_AUX 0x10u          /* TUMBLE_START(...) etc. */
#define EX_MATCH 0x20u        /* PREV/NEXT/FIRST/LAST/CLASSIFIER/... */

typedef struct ExprCtx {
    Res *r;
    Scope *scope;
    unsigned allow;
    const char *clause;    /* "WHERE", "GROUP BY", "ON", ... */
    AstNode *select;       /* enclosing SELECT (named windows), or NULL */
    AstNode *group_window; /* GROUP BY TUMBLE(...) call, or NULL */
    bool in_agg;           /* inside an aggregate's arguments */
    bool in_over;          /* inside an OVER call */
    bool found_agg;        /* out: an aggregate call (without OVER) */
    bool found_over;       /* out: an OVER call */
} ExprCtx;

/* ---- shared helpers (resolve_expr.c) -------------------------------- */

bool rx_is_err(const SqlType *t);
SqlType *rx_err(void);
/* t without a time attribute (shared when it has none). */
SqlType *rx_plain(Res *r, SqlType *t);
const char *rx_type_str(Res *r, const SqlType *t);
char *rx_cstr(Res *r, Str s);

/* Type an expression; sets e->type and returns it (never NULL). */
SqlType *rx_expr(ExprCtx *x, AstNode *e);
/* Type an expression that must be BOOLEAN (WHERE, ON, HAVING, ...). */
void rx_condition(ExprCtx *x, AstNode *e, const char *what);
/* Type the arguments of a call (named arguments put in parameter order,
 * TABLE/DESCRIPTOR/time-unit arguments typed as such).  Returns false
 * when an argument had an error. */
bool rx_call_args(ExprCtx *x, AstNode *call, const struct FuncInfo *f,
                  SqlType ***types_out, uint32_t *n_out);

/* ---- scopes and queries (resolve_query.c) --------------------------- */

Scope *rq_scope_new(Res *r, Scope *parent);
void rq_scope_add(Res *r, Scope *s, Str name, AstNode *node, RelSchema *rel,
                  const char *desc, bool incomplete);
RelSchema *rq_rel_new(Res *r, uint32_t n);
int32_t rq_rel_find(const RelSchema *rel, Str name);

/* Resolve a query expression (SELECT, SETOP, VALUES, WITH) as a subquery
 * of scope parent (NULL at top level); sets q->rel. */
RelSchema *rq_query(Res *r, AstNode *q, Scope *parent);
/* Same, with an explicit list of visible WITH queries (FROM subqueries:
 * correlation with parent, but the CTEs of the current query). */
RelSchema *rq_query_ctes(Res *r, AstNode *q, Scope *parent, CteDef *ctes);
/* The column reference resolver used by rx_expr. */
SqlType *rq_column_ref(ExprCtx *x, AstNode *e);
/* Whether name is a pattern variable or SUBSET of MATCH_RECOGNIZE node mr
 * (COUNT(A.*), issue 7). */
bool rq_mr_has_var(const AstNode *mr, Str name);

/* Shared by CREATE VIEW and INSERT: the expression of output column i of a
 * query when it is a plain SELECT (for error positions), else NULL. */
AstNode *rq_output_expr(AstNode *q, uint32_t i);

#endif
