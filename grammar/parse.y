/*
 * parse.y - the lemon grammar of the fsql dialect (Flink SQL).
 *
 * Pipeline position: compiler/tokenize.c scans tokens (grammar/lexer.re),
 * resolves keywords and context keywords, and pushes them here one at a
 * time; every rule builds AST nodes through the builders of compiler/ast.c
 * (each action is one builder call or a few field assignments).  A
 * completed statement is appended to cc->stmts by ast_stmt_add().
 *
 * Conventions:
 *  - Non-reserved keywords fall back to ID (%fallback below), so they are
 *    usable as names wherever the keyword itself is not expected.  Words
 *    that can follow an expression or a FROM item (FROM, WHERE, JOIN, ON,
 *    OVER, FILTER, WITHIN, ...) are reserved: as an alias they would be
 *    ambiguous.
 *  - DATE, TIME, TIMESTAMP and INTERVAL reach the parser as keywords only
 *    when a literal string follows; POSITION only before '('; FINAL and
 *    RUNNING only before a function call.  Otherwise tokenize.c turns them
 *    into ID (so `date`, `timestamp`, DATE(x) and TIMESTAMP(3) work).
 *  - Type names are identifiers; ast_type_named() maps them to SqlTypes.
 *  - Spans: a builder given a start offset ends the span at
 *    cc->ps->last_end, the end of the last token shifted, which is the end
 *    of the rule being reduced.
 *  - Syntax errors are not recovered inside a statement (YYNOERRORRECOVERY):
 *    tokenize.c resets the parser and resumes after the next ';'.
 */

%name fsqlParse
%token_prefix TK_
%token_type {Token}
%default_type {AstNode *}
%extra_context {CompileCtx *cc}
%start_symbol input

%syntax_error {
    tokenize_syntax_error(cc, yymajor, TOKEN);
}
%stack_overflow {
    tokenize_stack_overflow(cc);
}
%stack_size 500

%include {
#include "runtime/fsql.h"
#include "compiler/compile.h"
#include "compiler/ast.h"
#include "compiler/tokenize.h"

#include <string.h>

#define YYNOERRORRECOVERY 1
#define YYPARSEFREENEVERNULL 1
#define YYMALLOCARGTYPE size_t

/* Span from start offset o to the end of the rule being reduced. */
#define SPAN(o) ast_span_from(cc, (o))
}

/* Tokens the parser never sees, declared so that they get codes: */
%token ILLEGAL DCOLON.

/* ---- precedence, lowest first ------------------------------------------ */
%nonassoc QUAL.
%left UNION EXCEPT.
%left INTERSECT.
%left OR.
%left AND.
%right NOT.
%left IS LIKE SIMILAR BETWEEN IN EQ NE LT LE GT GE.
%right ESCAPE.
%left PLUS MINUS CONCAT.
%left STAR SLASH PERCENT.
%right UMINUS.
%nonassoc TO.

/* ---- non-reserved keywords: usable as identifiers ---------------------- */
%fallback ID
    ADD AFTER ASC ASYMMETRIC AT BEGIN BOTH CATALOG CATALOGS COMMENT
    CONSTRAINT CREATE CURRENT DATABASE DATABASES DEFINE DESC DESCRIBE DROP
    EMPTY ENFORCED EXECUTE EXPLAIN EXTENDED FIRST FOLLOWING FUNCTION
    FUNCTIONS IF IGNORE INSERT INTO JOBS KEY LANGUAGE LAST LEADING LOCAL
    MATCH MATCHES MEASURES METADATA NEXT NULLS OF OMIT ONE ONLY ORDINALITY
    OVERWRITE PARTITION PARTITIONED PAST PATTERN PER PERMUTE PLAN PRECEDING
    PRIMARY RESET RESPECT SET SHOW SKIP STATEMENT SUBSET
    SYMMETRIC SYSTEM SYSTEM_TIME TABLES TEMPORARY TO TRAILING UNBOUNDED
    UNKNOWN UNMATCHED USE VIEW VIEWS VIRTUAL WATERMARK WITHOUT ZONE
    ARRAY MAP ROW.

/* ======================================================================= */
/* Statements                                                              */
/* ======================================================================= */

input ::= cmdlist.
cmdlist ::= cmdlist ecmd.
cmdlist ::= .
ecmd ::= SEMI.
ecmd ::= cmd(C) SEMI.                   { ast_stmt_add(cc, C); }

/* ---- CREATE TABLE ------------------------------------------------------ */

cmd(A) ::= CREATE(S) temp_opt(T) TABLE ifne_opt(I) qname(N)
           LP table_elems(E) RP comment_opt(C) partitioned_opt(P)
           with_opt(W) like_opt(L).
    { A = ast_create_table(cc, S, T, I, N, E, C, P, W, L); }

%type temp_opt {bool}
temp_opt(A) ::= .                       { A = false; }
temp_opt(A) ::= TEMPORARY.              { A = true; }

%type ifne_opt {bool}
ifne_opt(A) ::= .                       { A = false; }
ifne_opt(A) ::= IF NOT EXISTS.          { A = true; }

%type ife_opt {bool}
ife_opt(A) ::= .                        { A = false; }
ife_opt(A) ::= IF EXISTS.               { A = true; }

%type table_elems {AstList}
table_elems(A) ::= table_elem(X).       { A = ast_list1(cc, X); }
table_elems(A) ::= table_elems(A) COMMA table_elem(X).
    { ast_list_push(&cc->a, &A, X); }

table_elem(A) ::= column_def(A).
table_elem(A) ::= WATERMARK(S) FOR nm(C) AS expr(E).
    { A = ast_watermark_def(cc, S, C, E); }
table_elem(A) ::= PRIMARY(S) KEY LP namelist(L) RP enforced_opt(N).
    { A = ast_pk_constraint(cc, S.at.off, L, N); }
table_elem(A) ::= CONSTRAINT(S) nm PRIMARY KEY LP namelist(L) RP
                  enforced_opt(N).
    { A = ast_pk_constraint(cc, S.at.off, L, N); }

%type enforced_opt {bool}
enforced_opt(A) ::= .                   { A = false; }
enforced_opt(A) ::= NOT ENFORCED.       { A = true; }

column_def(A) ::= nm(N) type(T).        { A = ast_column_def(cc, N, T, NULL); }
column_def(A) ::= nm(N) AS expr(E).     { A = ast_column_def(cc, N, NULL, E); }
column_def(A) ::= column_def(A) METADATA.
    { A->u.column_def.col_kind = COL_METADATA; ast_extend(cc, A); }
column_def(A) ::= column_def(A) METADATA FROM STRING(K).
    { ast_column_metadata_key(cc, A, K); }
column_def(A) ::= column_def(A) VIRTUAL.
    { A->u.column_def.is_virtual = true; ast_extend(cc, A); }
column_def(A) ::= column_def(A) PRIMARY KEY enforced_opt(N).
    { ast_column_pk(cc, A, N); }
column_def(A) ::= column_def(A) COMMENT STRING(C).
    { A->u.column_def.comment = ast_string(cc, C); ast_extend(cc, A); }

%type comment_opt {Str}
comment_opt(A) ::= .                    { A = STR_NULL; }
comment_opt(A) ::= COMMENT STRING(C).   { A = ast_string(cc, C); }

%type partitioned_opt {AstList}
partitioned_opt(A) ::= .                { memset(&A, 0, sizeof(A)); }
partitioned_opt(A) ::= PARTITIONED BY LP namelist(L) RP.  { A = L; }

%type with_opt {AstList}
with_opt(A) ::= .                       { memset(&A, 0, sizeof(A)); }
with_opt(A) ::= WITH LP options(L) RP.  { A = L; }

%type options {AstList}
options(A) ::= option(X).               { A = ast_list1(cc, X); }
options(A) ::= options(A) COMMA option(X).  { ast_list_push(&cc->a, &A, X); }

option(A) ::= STRING(K) EQ STRING(V).   { A = ast_option(cc, K, V); }

%type like_opt {QName}
like_opt(A) ::= .                       { memset(&A, 0, sizeof(A)); }
like_opt(A) ::= LIKE qname(N).          { A = N; }

/* ---- types --------------------------------------------------------------- */

%type type {TypeName *}
%type base_type {TypeName *}
type(A) ::= base_type(A).
type(A) ::= base_type(A) NOT NULL.      { ast_type_not_null(cc, A); }
type(A) ::= base_type(A) NULL.          { ast_extend_type(cc, A); }

base_type(A) ::= nm(N).                 { A = ast_type_named(cc, N, -1, -1); }
base_type(A) ::= nm(N) LP INTEGER(P) RP.
    { A = ast_type_named(cc, N, ast_int(cc, P), -1); }
base_type(A) ::= nm(N) LP INTEGER(P) COMMA INTEGER(S) RP.
    { A = ast_type_named(cc, N, ast_int(cc, P), ast_int(cc, S)); }
base_type(A) ::= base_type(A) WITH LOCAL nm(T) ZONE.
    { ast_type_local_tz(cc, A, T); }
base_type(A) ::= base_type(A) WITHOUT nm(T) ZONE.
    { ast_type_without_tz(cc, A, T); }
base_type(A) ::= ARRAY(S) LT type(E) GT. { A = ast_type_array(cc, S, E); }
base_type(A) ::= nm(S) LT type(E) GT.    { A = ast_type_multiset(cc, S, E); }
base_type(A) ::= MAP(S) LT type(K) COMMA type(V) GT.
    { A = ast_type_map(cc, S, K, V); }
base_type(A) ::= ROW(S) LT row_fields(F) GT.  { A = ast_type_row(cc, S, F); }
base_type(A) ::= ROW(S) LP row_fields(F) RP.  { A = ast_type_row(cc, S, F); }

/* ROW fields are collected as COLUMN_DEF nodes. */
%type row_fields {AstList}
row_fields(A) ::= row_field(X).         { A = ast_list1(cc, X); }
row_fields(A) ::= row_fields(A) COMMA row_field(X).
    { ast_list_push(&cc->a, &A, X); }
row_field(A) ::= nm(N) type(T).         { A = ast_column_def(cc, N, T, NULL); }
row_field(A) ::= nm(N) type(T) STRING(C).
    { A = ast_column_def(cc, N, T, NULL);
      A->u.column_def.comment = ast_string(cc, C); }

/* ---- CREATE VIEW / FUNCTION, DROP ------------------------------------------ */

cmd(A) ::= CREATE(S) temp_opt(T) VIEW ifne_opt(I) qname(N) colnames_opt(C)
           comment_opt(M) AS query(Q).
    { A = ast_create_view(cc, S, T, I, N, C, M, Q); }

%type colnames_opt {AstList}
colnames_opt(A) ::= .                   { memset(&A, 0, sizeof(A)); }
colnames_opt(A) ::= LP namelist(L) RP.  { A = L; }

cmd(A) ::= CREATE(S) temp_opt(T) FUNCTION ifne_opt(I) qname(N) AS STRING(C)
           language_opt(L).
    { A = ast_create_function(cc, S, T, false, I, N, C, L); }
cmd(A) ::= CREATE(S) TEMPORARY SYSTEM FUNCTION ifne_opt(I) qname(N)
           AS STRING(C) language_opt(L).
    { A = ast_create_function(cc, S, true, true, I, N, C, L); }

%type language_opt {Token}
language_opt(A) ::= .                   { memset(&A, 0, sizeof(A)); }
language_opt(A) ::= LANGUAGE nm(L).     { A = L; }

cmd(A) ::= DROP(S) temp_opt(T) TABLE ife_opt(I) qname(N).
    { A = ast_drop(cc, S, OBJ_TABLE, T, I, N); }
cmd(A) ::= DROP(S) temp_opt(T) VIEW ife_opt(I) qname(N).
    { A = ast_drop(cc, S, OBJ_VIEW, T, I, N); }
cmd(A) ::= DROP(S) temp_opt(T) FUNCTION ife_opt(I) qname(N).
    { A = ast_drop(cc, S, OBJ_FUNCTION, T, I, N); }
cmd(A) ::= DROP(S) TEMPORARY SYSTEM FUNCTION ife_opt(I) qname(N).
    { A = ast_drop(cc, S, OBJ_FUNCTION, true, I, N); }
cmd(A) ::= DROP(S) DATABASE ife_opt(I) qname(N).
    { A = ast_drop(cc, S, OBJ_DATABASE, false, I, N); }
cmd(A) ::= DROP(S) CATALOG ife_opt(I) qname(N).
    { A = ast_drop(cc, S, OBJ_CATALOG, false, I, N); }

/* ---- INSERT and statement sets ------------------------------------------------ */

cmd(A) ::= insert(A).
cmd(A) ::= EXECUTE insert(X).  { A = X; }

insert(A) ::= INSERT(S) into_kind(O) qname(N) hints_opt(H) partition_opt(P)
              colnames_opt(C) query(Q).
    { A = ast_insert(cc, S, O, N, H, P, C, Q); }

%type into_kind {bool}
into_kind(A) ::= INTO.                  { A = false; }
into_kind(A) ::= OVERWRITE.             { A = true; }

%type partition_opt {AstList}
partition_opt(A) ::= .                  { memset(&A, 0, sizeof(A)); }
partition_opt(A) ::= PARTITION LP part_items(L) RP.  { A = L; }

%type part_items {AstList}
part_items(A) ::= part_item(X).         { A = ast_list1(cc, X); }
part_items(A) ::= part_items(A) COMMA part_item(X).
    { ast_list_push(&cc->a, &A, X); }
part_item(A) ::= nm(N) EQ expr(E).
    { A = ast_binary(cc, BOP_EQ, ast_colref1(cc, N), E); }

cmd(A) ::= EXECUTE(S) STATEMENT SET BEGIN insert_list(L) END.
    { A = ast_statement_set(cc, S, L, false); }
cmd(A) ::= BEGIN(S) STATEMENT SET SEMI insert_list(L) END.
    { A = ast_statement_set(cc, S, L, true); }

%type insert_list {AstList}
insert_list(A) ::= .                    { memset(&A, 0, sizeof(A)); }
insert_list(A) ::= insert_list(A) insert(X) SEMI.
    { ast_list_push(&cc->a, &A, X); }

/* ---- SET / RESET / SHOW / DESCRIBE / EXPLAIN / USE ------------------------------ */

cmd(A) ::= SET(S).                      { A = ast_set(cc, S, NULL, NULL); }
cmd(A) ::= SET(S) setwords(K) EQ setwords(V).
    { A = ast_set(cc, S, &K, &V); }
cmd(A) ::= RESET(S).                    { A = ast_reset(cc, S, NULL); }
cmd(A) ::= RESET(S) setwords(K).        { A = ast_reset(cc, S, &K); }

/* SET keys and values: quoted strings, or unquoted runs of words, numbers,
 * dots and dashes such as table.exec.mini-batch.enabled or 10s, taken
 * verbatim from the source. */
%type setwords {SrcSpan}
setwords(A) ::= setword(X).             { A = X.at; }
setwords(A) ::= setwords(A) setword(X). { A = span_join(A, X.at); }
%type setword {Token}
setword(A) ::= ID(A).
setword(A) ::= STRING(A).
setword(A) ::= INTEGER(A).
setword(A) ::= DECIMAL(A).
setword(A) ::= FLOAT(A).
setword(A) ::= DOT(A).
setword(A) ::= MINUS(A).
setword(A) ::= COLON(A).
setword(A) ::= SLASH(A).
setword(A) ::= TRUE(A).
setword(A) ::= FALSE(A).
setword(A) ::= TABLE(A).
setword(A) ::= WITH(A).
setword(A) ::= IN(A).
setword(A) ::= ON(A).
setword(A) ::= ALL(A).

cmd(A) ::= SHOW(S) TABLES like_opt_str(P).
    { A = ast_show(cc, S, SHOW_TABLES, NULL, &P); }
cmd(A) ::= SHOW(S) VIEWS like_opt_str(P).
    { A = ast_show(cc, S, SHOW_VIEWS, NULL, &P); }
cmd(A) ::= SHOW(S) FUNCTIONS like_opt_str(P).
    { A = ast_show(cc, S, SHOW_FUNCTIONS, NULL, &P); }
cmd(A) ::= SHOW(S) JOBS.                { A = ast_show(cc, S, SHOW_JOBS, NULL, NULL); }
cmd(A) ::= SHOW(S) CATALOGS.            { A = ast_show(cc, S, SHOW_CATALOGS, NULL, NULL); }
cmd(A) ::= SHOW(S) DATABASES.           { A = ast_show(cc, S, SHOW_DATABASES, NULL, NULL); }
cmd(A) ::= SHOW(S) CREATE TABLE qname(N).
    { A = ast_show(cc, S, SHOW_CREATE_TABLE, &N, NULL); }
cmd(A) ::= SHOW(S) CREATE VIEW qname(N).
    { A = ast_show(cc, S, SHOW_CREATE_VIEW, &N, NULL); }
%type like_opt_str {Token}
like_opt_str(A) ::= .                   { memset(&A, 0, sizeof(A)); }
like_opt_str(A) ::= LIKE STRING(X).  { A = X; }

cmd(A) ::= DESCRIBE(S) extended_opt(E) qname(N).
    { A = ast_describe(cc, S, E, N); }
cmd(A) ::= DESC(S) extended_opt(E) qname(N).
    { A = ast_describe(cc, S, E, N); }
%type extended_opt {bool}
extended_opt(A) ::= .                   { A = false; }
extended_opt(A) ::= EXTENDED.           { A = true; }

cmd(A) ::= EXPLAIN(S) explainable(X).   { A = ast_explain(cc, S, NULL, false, X); }
cmd(A) ::= EXPLAIN(S) PLAN FOR explainable(X).
    { A = ast_explain(cc, S, NULL, true, X); }
cmd(A) ::= EXPLAIN(S) explain_details(D) explainable(X).
    { A = ast_explain(cc, S, &D, false, X); }
explainable(A) ::= query(Q).            { A = ast_query_stmt(cc, Q); }
explainable(A) ::= insert(A).
explainable(A) ::= STATEMENT(S) SET BEGIN insert_list(L) END.
    { A = ast_statement_set(cc, S, L, false); }
%type explain_details {AstList}
explain_details(A) ::= nm(N).           { A = ast_list1(cc, ast_colref1(cc, N)); }
explain_details(A) ::= explain_details(A) COMMA nm(N).
    { ast_list_push(&cc->a, &A, ast_colref1(cc, N)); }

cmd(A) ::= USE(S) qname(N).             { A = ast_use(cc, S, false, N); }
cmd(A) ::= USE(S) CATALOG qname(N).     { A = ast_use(cc, S, true, N); }

cmd(A) ::= query(Q).                    { A = ast_query_stmt(cc, Q); }

/* ======================================================================= */
/* Queries                                                                 */
/* ======================================================================= */

query(A) ::= query_body(B) orderby_opt(O) limit_opt(L).
    { A = ast_query(cc, B->at.off, NULL, B, &O, &L); }
query(A) ::= WITH(S) cte_list(C) query_body(B) orderby_opt(O) limit_opt(L).
    { A = ast_query(cc, S.at.off, &C, B, &O, &L); }

%type cte_list {AstList}
cte_list(A) ::= cte(X).                 { A = ast_list1(cc, X); }
cte_list(A) ::= cte_list(A) COMMA cte(X).  { ast_list_push(&cc->a, &A, X); }
cte(A) ::= nm(N) colnames_opt(C) AS LP query(Q) RP.
    { A = ast_cte(cc, N, C, Q); }

query_body(A) ::= select(A).
query_body(A) ::= VALUES(S) value_rows(R).  { A = ast_values(cc, S, R); }
query_body(A) ::= query_body(L) UNION setq_opt(Q) query_body(R).
    { A = ast_setop(cc, SETOP_UNION, Q, L, R); }
query_body(A) ::= query_body(L) EXCEPT setq_opt(Q) query_body(R).
    { A = ast_setop(cc, SETOP_EXCEPT, Q, L, R); }
query_body(A) ::= query_body(L) INTERSECT setq_opt(Q) query_body(R).
    { A = ast_setop(cc, SETOP_INTERSECT, Q, L, R); }

%type setq_opt {bool}
setq_opt(A) ::= .                       { A = false; }
setq_opt(A) ::= ALL.                    { A = true; }
setq_opt(A) ::= DISTINCT.               { A = false; }

%type value_rows {AstList}
value_rows(A) ::= value_row(X).         { A = ast_list1(cc, X); }
value_rows(A) ::= value_rows(A) COMMA value_row(X).
    { ast_list_push(&cc->a, &A, X); }
value_row(A) ::= LP(S) exprlist(L) RP.  { A = ast_ctor(cc, AST_ROW_CTOR, S, L); }
value_row(A) ::= ROW(S) LP exprlist(L) RP.
    { A = ast_ctor(cc, AST_ROW_CTOR, S, L); }

%type orderby_opt {AstList}
orderby_opt(A) ::= .                    { memset(&A, 0, sizeof(A)); }
orderby_opt(A) ::= ORDER BY order_items(L).  { A = L; }

%type order_items {AstList}
order_items(A) ::= order_item(X).       { A = ast_list1(cc, X); }
order_items(A) ::= order_items(A) COMMA order_item(X).
    { ast_list_push(&cc->a, &A, X); }
order_item(A) ::= expr(E) dir_opt(D) nulls_opt(N).
    { A = ast_order_item(cc, E, D, N); }
%type dir_opt {bool}
dir_opt(A) ::= .                        { A = false; }
dir_opt(A) ::= ASC.                     { A = false; }
dir_opt(A) ::= DESC.                    { A = true; }
%type nulls_opt {int}
nulls_opt(A) ::= .                      { A = 0; }
nulls_opt(A) ::= NULLS FIRST.           { A = 1; }
nulls_opt(A) ::= NULLS LAST.            { A = 2; }

%type limit_opt {AstLimit}
limit_opt(A) ::= .                      { memset(&A, 0, sizeof(A)); }
limit_opt(A) ::= LIMIT expr(L).         { A.limit = L; A.offset = NULL; }
limit_opt(A) ::= LIMIT expr(L) OFFSET expr(O).
    { A.limit = L; A.offset = O; }
limit_opt(A) ::= LIMIT expr(O) COMMA expr(L).
    { A.limit = L; A.offset = O; }
limit_opt(A) ::= OFFSET expr(O) rows_opt.
    { A.limit = NULL; A.offset = O; }
limit_opt(A) ::= OFFSET expr(O) rows_opt FETCH first_next expr(L) rows_opt ONLY.
    { A.limit = L; A.offset = O; }
limit_opt(A) ::= FETCH first_next expr(L) rows_opt ONLY.
    { A.limit = L; A.offset = NULL; }
rows_opt ::= .
rows_opt ::= ROWS.
rows_opt ::= ROW.
first_next ::= FIRST.
first_next ::= NEXT.

/* ---- SELECT -------------------------------------------------------------- */

select(A) ::= SELECT(S) hints_opt(H) distinct_opt(D) sel_items(I) from_opt(F)
              where_opt(W) groupby_opt(G) having_opt(V) windows_opt(N).
    { A = ast_select(cc, S, &H, D, &I, F, W, &G, V, &N); }

%type hints_opt {HintList}
hints_opt(A) ::= .                      { memset(&A, 0, sizeof(A)); }
hints_opt(A) ::= hints_opt(A) HINT(H).  { ast_hints_parse(cc, &A, H); }

%type distinct_opt {bool}
distinct_opt(A) ::= .                   { A = false; }
distinct_opt(A) ::= DISTINCT.           { A = true; }
distinct_opt(A) ::= ALL.                { A = false; }

%type sel_items {AstList}
sel_items(A) ::= sel_item(X).           { A = ast_list1(cc, X); }
sel_items(A) ::= sel_items(A) COMMA sel_item(X).
    { ast_list_push(&cc->a, &A, X); }

sel_item(A) ::= expr(E).                { A = ast_select_item(cc, E, NULL); }
sel_item(A) ::= expr(E) nm(N).          { A = ast_select_item(cc, E, &N); }
sel_item(A) ::= expr(E) AS nm(N).       { A = ast_select_item(cc, E, &N); }
sel_item(A) ::= STAR(S).
    { A = ast_select_item(cc, ast_star(cc, S.at.off, NULL), NULL); }
sel_item(A) ::= qname(Q) DOT STAR.
    { A = ast_select_item(cc, ast_star(cc, Q.at.off, &Q), NULL); }

from_opt(A) ::= .                       { A = NULL; }
from_opt(A) ::= FROM from_list(X).  { A = X; }

where_opt(A) ::= .                      { A = NULL; }
where_opt(A) ::= WHERE expr(X).  { A = X; }

%type groupby_opt {AstList}
groupby_opt(A) ::= .                    { memset(&A, 0, sizeof(A)); }
groupby_opt(A) ::= GROUP BY exprlist(X).  { A = X; }

having_opt(A) ::= .                     { A = NULL; }
having_opt(A) ::= HAVING expr(X).  { A = X; }

%type windows_opt {AstList}
windows_opt(A) ::= .                    { memset(&A, 0, sizeof(A)); }
windows_opt(A) ::= WINDOW window_defs(X).  { A = X; }
%type window_defs {AstList}
window_defs(A) ::= window_def(X).       { A = ast_list1(cc, X); }
window_defs(A) ::= window_defs(A) COMMA window_def(X).
    { ast_list_push(&cc->a, &A, X); }
window_def(A) ::= nm(N) AS LP(L) window_spec(S) RP.
    { A = ast_window_def(cc, N, L, S); }

/* ---- FROM ------------------------------------------------------------------ */

from_list(A) ::= from_item(A).
from_list(A) ::= from_list(L) COMMA from_item(R).
    { A = ast_join(cc, JOIN_COMMA, false, L, R, NULL, NULL); }

from_item(A) ::= table_primary(A).
from_item(A) ::= from_item(L) join_kind(K) JOIN table_primary(R) ON expr(E).
    { A = ast_join(cc, K, false, L, R, E, NULL); }
from_item(A) ::= from_item(L) join_kind(K) JOIN table_primary(R)
                 USING LP namelist(U) RP.
    { A = ast_join(cc, K, false, L, R, NULL, &U); }
from_item(A) ::= from_item(L) CROSS JOIN table_primary(R).
    { A = ast_join(cc, JOIN_CROSS, false, L, R, NULL, NULL); }
from_item(A) ::= from_item(L) NATURAL join_kind(K) JOIN table_primary(R).
    { A = ast_join(cc, K, true, L, R, NULL, NULL); }

%type join_kind {JoinKind}
join_kind(A) ::= .                      { A = JOIN_INNER; }
join_kind(A) ::= INNER.                 { A = JOIN_INNER; }
join_kind(A) ::= LEFT outer_opt.        { A = JOIN_LEFT; }
join_kind(A) ::= RIGHT outer_opt.       { A = JOIN_RIGHT; }
join_kind(A) ::= FULL outer_opt.        { A = JOIN_FULL; }
outer_opt ::= .
outer_opt ::= OUTER.

table_primary(A) ::= qname(N) hints_opt(H) systime_opt(T) alias_opt(L).
    { A = ast_table_ref(cc, N, &H, T, &L); }
table_primary(A) ::= LP(S) query(Q) RP alias_opt(L).
    { A = ast_subquery_ref(cc, S.at.off, false, Q, &L); }
table_primary(A) ::= LATERAL(S) LP query(Q) RP alias_opt(L).
    { A = ast_subquery_ref(cc, S.at.off, true, Q, &L); }
table_primary(A) ::= TABLE(S) LP call(C) RP alias_opt(L).
    { A = ast_table_func_ref(cc, S.at.off, false, C, &L); }
table_primary(A) ::= LATERAL(S) TABLE LP call(C) RP alias_opt(L).
    { A = ast_table_func_ref(cc, S.at.off, true, C, &L); }
table_primary(A) ::= UNNEST(S) LP exprlist(E) RP ordinality_opt(O)
                     alias_opt(L).
    { A = ast_unnest_ref(cc, S.at.off, &E, O, &L); }
table_primary(A) ::= table_primary(I) MATCH_RECOGNIZE LP
                     mr_partition_opt(P) orderby_opt(O) mr_measures_opt(M)
                     mr_rows_opt(R) mr_skip_opt(K)
                     PATTERN LP pattern(T) RP mr_within_opt(W)
                     mr_subset_opt(U) DEFINE mr_defines(D) RP alias_opt(L).
    { A = ast_match_recognize(cc, I, &P, &O, &M, R, &K, T, W, &U, &D, &L); }

%type ordinality_opt {bool}
ordinality_opt(A) ::= .                 { A = false; }
ordinality_opt(A) ::= WITH ORDINALITY.  { A = true; }

systime_opt(A) ::= .                    { A = NULL; }
systime_opt(A) ::= FOR SYSTEM_TIME AS OF expr(X).  { A = X; }

%type alias_opt {AstAlias}
alias_opt(A) ::= .                      { memset(&A, 0, sizeof(A)); }
alias_opt(A) ::= nm(N).                 { A = ast_alias(cc, N, NULL); }
alias_opt(A) ::= AS nm(N).              { A = ast_alias(cc, N, NULL); }
alias_opt(A) ::= nm(N) LP namelist(C) RP.     { A = ast_alias(cc, N, &C); }
alias_opt(A) ::= AS nm(N) LP namelist(C) RP.  { A = ast_alias(cc, N, &C); }

/* ---- MATCH_RECOGNIZE ---------------------------------------------------- */

%type mr_partition_opt {AstList}
mr_partition_opt(A) ::= .               { memset(&A, 0, sizeof(A)); }
mr_partition_opt(A) ::= PARTITION BY exprlist(X).  { A = X; }

%type mr_measures_opt {AstList}
mr_measures_opt(A) ::= .                { memset(&A, 0, sizeof(A)); }
mr_measures_opt(A) ::= MEASURES measures(X).  { A = X; }
%type measures {AstList}
measures(A) ::= measure(X).             { A = ast_list1(cc, X); }
measures(A) ::= measures(A) COMMA measure(X).  { ast_list_push(&cc->a, &A, X); }
measure(A) ::= expr(E) AS nm(N).        { A = ast_measure(cc, E, N); }

%type mr_rows_opt {RowsPerMatch}
mr_rows_opt(A) ::= .                    { A = RPM_ONE_ROW; }
mr_rows_opt(A) ::= ONE ROW PER MATCH.   { A = RPM_ONE_ROW; }
mr_rows_opt(A) ::= ALL ROWS PER MATCH.  { A = RPM_ALL_ROWS; }
mr_rows_opt(A) ::= ALL ROWS PER MATCH SHOW EMPTY MATCHES.
    { A = RPM_ALL_ROWS; }
mr_rows_opt(A) ::= ALL ROWS PER MATCH OMIT EMPTY MATCHES.
    { A = RPM_ALL_ROWS_OMIT_EMPTY; }
mr_rows_opt(A) ::= ALL ROWS PER MATCH WITH UNMATCHED ROWS.
    { A = RPM_ALL_ROWS_WITH_UNMATCHED; }

%type mr_skip_opt {AstSkip}
mr_skip_opt(A) ::= .                    { memset(&A, 0, sizeof(A)); }
mr_skip_opt(A) ::= AFTER(S) MATCH SKIP PAST LAST ROW.
    { A = ast_skip(cc, S, SKIP_PAST_LAST_ROW, NULL); }
mr_skip_opt(A) ::= AFTER(S) MATCH SKIP TO NEXT ROW.
    { A = ast_skip(cc, S, SKIP_TO_NEXT_ROW, NULL); }
mr_skip_opt(A) ::= AFTER(S) MATCH SKIP TO FIRST nm(V).
    { A = ast_skip(cc, S, SKIP_TO_FIRST, &V); }
mr_skip_opt(A) ::= AFTER(S) MATCH SKIP TO LAST nm(V).
    { A = ast_skip(cc, S, SKIP_TO_LAST, &V); }
mr_skip_opt(A) ::= AFTER(S) MATCH SKIP TO nm(V).
    { A = ast_skip(cc, S, SKIP_TO_LAST, &V); }

mr_within_opt(A) ::= .                  { A = NULL; }
mr_within_opt(A) ::= WITHIN expr(X).  { A = X; }

%type mr_subset_opt {AstList}
mr_subset_opt(A) ::= .                  { memset(&A, 0, sizeof(A)); }
mr_subset_opt(A) ::= SUBSET subsets(X).  { A = X; }
%type subsets {AstList}
subsets(A) ::= subset(X).               { A = ast_list1(cc, X); }
subsets(A) ::= subsets(A) COMMA subset(X).  { ast_list_push(&cc->a, &A, X); }
subset(A) ::= nm(N) EQ LP namelist(L) RP.  { A = ast_subset(cc, N, L); }

%type mr_defines {AstList}
mr_defines(A) ::= mr_define(X).         { A = ast_list1(cc, X); }
mr_defines(A) ::= mr_defines(A) COMMA mr_define(X).
    { ast_list_push(&cc->a, &A, X); }
mr_define(A) ::= nm(N) AS expr(E).      { A = ast_define(cc, N, E); }

/* PATTERN: alternation of concatenations of quantified terms. */
pattern(A) ::= pat_alts(L).             { A = ast_pattern_list(cc, PAT_ALT, L); }
%type pat_alts {AstList}
pat_alts(A) ::= pat_seq(X).             { A = ast_list1(cc, X); }
pat_alts(A) ::= pat_alts(A) BAR pat_seq(X).  { ast_list_push(&cc->a, &A, X); }
pat_seq(A) ::= pat_terms(L).            { A = ast_pattern_list(cc, PAT_CONCAT, L); }
%type pat_terms {AstList}
pat_terms(A) ::= pat_term(X).           { A = ast_list1(cc, X); }
pat_terms(A) ::= pat_terms(A) pat_term(X).  { ast_list_push(&cc->a, &A, X); }
pat_term(A) ::= pat_prim(A).
pat_term(A) ::= pat_prim(P) quant(Q).   { A = ast_pattern_quantify(cc, P, &Q); }

pat_prim(A) ::= nm(N).                  { A = ast_pattern_var(cc, N); }
pat_prim(A) ::= LP(S) pattern(P) RP.    { A = ast_pattern_group(cc, S, P); }
pat_prim(A) ::= LP(S) RP.
    { A = ast_pattern_new(cc, PAT_EMPTY, S.at.off); }
pat_prim(A) ::= CARET(S).               { A = ast_pattern_new(cc, PAT_ANCHOR_START, S.at.off); }
pat_prim(A) ::= DOLLAR(S).              { A = ast_pattern_new(cc, PAT_ANCHOR_END, S.at.off); }
pat_prim(A) ::= PERMUTE(S) LP pat_list(L) RP.
    { A = ast_pattern_list(cc, PAT_PERMUTE, L); ast_pattern_wrap(cc, A, S); }
pat_prim(A) ::= LBRACE_MINUS(S) pattern(P) MINUS_RBRACE.
    { A = ast_pattern_exclude(cc, S, P); }
%type pat_list {AstList}
pat_list(A) ::= pattern(X).             { A = ast_list1(cc, X); }
pat_list(A) ::= pat_list(A) COMMA pattern(X).  { ast_list_push(&cc->a, &A, X); }

%type quant {AstQuant}
%type quant_base {AstQuant}
quant(A) ::= quant_base(A).
quant(A) ::= quant_base(A) QUESTION.    { A.is_reluctant = true; }
quant_base(A) ::= STAR(S).              { A = ast_quant(cc, S, 0, -1); }
quant_base(A) ::= PLUS(S).              { A = ast_quant(cc, S, 1, -1); }
quant_base(A) ::= QUESTION(S).          { A = ast_quant(cc, S, 0, 1); }
quant_base(A) ::= LBRACE(S) INTEGER(N) RBRACE.
    { A = ast_quant(cc, S, ast_int(cc, N), ast_int(cc, N)); }
quant_base(A) ::= LBRACE(S) INTEGER(N) COMMA RBRACE.
    { A = ast_quant(cc, S, ast_int(cc, N), -1); }
quant_base(A) ::= LBRACE(S) COMMA INTEGER(M) RBRACE.
    { A = ast_quant(cc, S, 0, ast_int(cc, M)); }
quant_base(A) ::= LBRACE(S) INTEGER(N) COMMA INTEGER(M) RBRACE.
    { A = ast_quant(cc, S, ast_int(cc, N), ast_int(cc, M)); }

/* ======================================================================= */
/* Windows                                                                 */
/* ======================================================================= */

window_spec(A) ::= wpartition_opt(P) orderby_opt(O) frame_opt(F).
    { A = ast_window_spec(cc, NULL, &P, &O, &F); }
window_spec(A) ::= nm(B) wpartition_opt(P) orderby_opt(O) frame_opt(F).
    { A = ast_window_spec(cc, &B, &P, &O, &F); }

%type wpartition_opt {AstList}
wpartition_opt(A) ::= .                 { memset(&A, 0, sizeof(A)); }
wpartition_opt(A) ::= PARTITION BY exprlist(X).  { A = X; }

%type frame_opt {AstFrame}
frame_opt(A) ::= .                      { memset(&A, 0, sizeof(A)); }
frame_opt(A) ::= frame_unit(U) frame_bound(S).
    { A.unit = U; A.start = S; A.end = NULL; }
frame_opt(A) ::= frame_unit(U) BETWEEN frame_bound(S) AND frame_bound(E).
    { A.unit = U; A.start = S; A.end = E; }
%type frame_unit {FrameUnit}
frame_unit(A) ::= ROWS.                 { A = FRAME_ROWS; }
frame_unit(A) ::= RANGE.                { A = FRAME_RANGE; }

frame_bound(A) ::= UNBOUNDED(S) PRECEDING.
    { A = ast_frame_bound(cc, S.at.off, BOUND_UNBOUNDED_PRECEDING, NULL); }
frame_bound(A) ::= UNBOUNDED(S) FOLLOWING.
    { A = ast_frame_bound(cc, S.at.off, BOUND_UNBOUNDED_FOLLOWING, NULL); }
frame_bound(A) ::= CURRENT(S) ROW.
    { A = ast_frame_bound(cc, S.at.off, BOUND_CURRENT_ROW, NULL); }
frame_bound(A) ::= expr(E) PRECEDING.
    { A = ast_frame_bound(cc, E->at.off, BOUND_PRECEDING, E); }
frame_bound(A) ::= expr(E) FOLLOWING.
    { A = ast_frame_bound(cc, E->at.off, BOUND_FOLLOWING, E); }

/* ======================================================================= */
/* Expressions                                                             */
/* ======================================================================= */

%type exprlist {AstList}
exprlist(A) ::= expr(X).                { A = ast_list1(cc, X); }
exprlist(A) ::= exprlist(A) COMMA expr(X).  { ast_list_push(&cc->a, &A, X); }

expr(A) ::= primary(A).
expr(A) ::= expr(L) OR expr(R).         { A = ast_binary(cc, BOP_OR, L, R); }
expr(A) ::= expr(L) AND expr(R).        { A = ast_binary(cc, BOP_AND, L, R); }
expr(A) ::= NOT(S) expr(E).             { A = ast_unary(cc, S, UOP_NOT, E); }
expr(A) ::= expr(L) EQ expr(R).         { A = ast_binary(cc, BOP_EQ, L, R); }
expr(A) ::= expr(L) NE expr(R).         { A = ast_binary(cc, BOP_NE, L, R); }
expr(A) ::= expr(L) LT expr(R).         { A = ast_binary(cc, BOP_LT, L, R); }
expr(A) ::= expr(L) LE expr(R).         { A = ast_binary(cc, BOP_LE, L, R); }
expr(A) ::= expr(L) GT expr(R).         { A = ast_binary(cc, BOP_GT, L, R); }
expr(A) ::= expr(L) GE expr(R).         { A = ast_binary(cc, BOP_GE, L, R); }
expr(A) ::= expr(L) PLUS expr(R).       { A = ast_binary(cc, BOP_ADD, L, R); }
expr(A) ::= expr(L) MINUS expr(R).      { A = ast_binary(cc, BOP_SUB, L, R); }
expr(A) ::= expr(L) STAR expr(R).       { A = ast_binary(cc, BOP_MUL, L, R); }
expr(A) ::= expr(L) SLASH expr(R).      { A = ast_binary(cc, BOP_DIV, L, R); }
expr(A) ::= expr(L) PERCENT expr(R).    { A = ast_binary(cc, BOP_MOD, L, R); }
expr(A) ::= expr(L) CONCAT expr(R).     { A = ast_binary(cc, BOP_CONCAT, L, R); }
expr(A) ::= MINUS(S) expr(E). [UMINUS]  { A = ast_unary(cc, S, UOP_NEG, E); }
expr(A) ::= PLUS(S) expr(E). [UMINUS]   { A = ast_unary(cc, S, UOP_PLUS, E); }

expr(A) ::= expr(E) IS NULL.            { A = ast_is(cc, E, IS_NULL, false, NULL); }
expr(A) ::= expr(E) IS NOT NULL.        { A = ast_is(cc, E, IS_NULL, true, NULL); }
expr(A) ::= expr(E) IS TRUE.            { A = ast_is(cc, E, IS_TRUE, false, NULL); }
expr(A) ::= expr(E) IS NOT TRUE.        { A = ast_is(cc, E, IS_TRUE, true, NULL); }
expr(A) ::= expr(E) IS FALSE.           { A = ast_is(cc, E, IS_FALSE, false, NULL); }
expr(A) ::= expr(E) IS NOT FALSE.       { A = ast_is(cc, E, IS_FALSE, true, NULL); }
expr(A) ::= expr(E) IS UNKNOWN.         { A = ast_is(cc, E, IS_UNKNOWN, false, NULL); }
expr(A) ::= expr(E) IS NOT UNKNOWN.     { A = ast_is(cc, E, IS_UNKNOWN, true, NULL); }
expr(A) ::= expr(E) IS DISTINCT FROM expr(R). [IS]
    { A = ast_is(cc, E, IS_DISTINCT_FROM, false, R); }
expr(A) ::= expr(E) IS NOT DISTINCT FROM expr(R). [IS]
    { A = ast_is(cc, E, IS_DISTINCT_FROM, true, R); }

%type between_op {int}
between_op(A) ::= BETWEEN.              { A = 0; }
between_op(A) ::= BETWEEN ASYMMETRIC.   { A = 0; }
between_op(A) ::= BETWEEN SYMMETRIC.    { A = 2; }
between_op(A) ::= NOT BETWEEN.          { A = 1; }
between_op(A) ::= NOT BETWEEN ASYMMETRIC.  { A = 1; }
between_op(A) ::= NOT BETWEEN SYMMETRIC.   { A = 3; }
expr(A) ::= expr(E) between_op(N) expr(L) AND expr(H). [BETWEEN]
    { A = ast_between(cc, E, N, L, H); }

%type in_op {bool}
in_op(A) ::= IN.                        { A = false; }
in_op(A) ::= NOT IN.                    { A = true; }
expr(A) ::= expr(E) in_op(N) LP exprlist(L) RP. [IN]
    { A = ast_in_list(cc, E, N, &L); }
expr(A) ::= expr(E) in_op(N) LP query(Q) RP. [IN]
    { A = ast_in_subquery(cc, E, N, Q); }

%type like_op {int}
like_op(A) ::= LIKE.                    { A = 0; }
like_op(A) ::= NOT LIKE.                { A = 1; }
like_op(A) ::= SIMILAR TO.              { A = 2; }
like_op(A) ::= NOT SIMILAR TO.          { A = 3; }
expr(A) ::= expr(E) like_op(N) expr(P). [LIKE]
    { A = ast_like(cc, E, N, P, NULL); }
expr(A) ::= expr(E) like_op(N) expr(P) ESCAPE expr(X). [LIKE]
    { A = ast_like(cc, E, N, P, X); }

/* Primaries: names, literals, calls, parenthesised expressions and
 * subqueries, constructors.  Field access (x.f) is only written after a
 * non-name primary; a.b.c is a qualified name resolved later. */
primary(A) ::= qname(Q).                { A = ast_colref(cc, &Q); }
primary(A) ::= postfix(A).

postfix(A) ::= INTEGER(T).              { A = ast_literal(cc, LIT_INTEGER, T); }
postfix(A) ::= DECIMAL(T).              { A = ast_literal(cc, LIT_DECIMAL, T); }
postfix(A) ::= FLOAT(T).                { A = ast_literal(cc, LIT_DOUBLE, T); }
postfix(A) ::= STRING(T).               { A = ast_literal(cc, LIT_STRING, T); }
postfix(A) ::= XSTRING(T).              { A = ast_literal(cc, LIT_BINARY, T); }
postfix(A) ::= TRUE(T).                 { A = ast_literal(cc, LIT_BOOL, T); }
postfix(A) ::= FALSE(T).                { A = ast_literal(cc, LIT_BOOL, T); }
postfix(A) ::= NULL(T).                 { A = ast_literal(cc, LIT_NULL, T); }
postfix(A) ::= DATE(S) STRING(T).       { A = ast_typed_literal(cc, S, LIT_DATE, T); }
postfix(A) ::= TIME(S) STRING(T).       { A = ast_typed_literal(cc, S, LIT_TIME, T); }
postfix(A) ::= TIMESTAMP(S) STRING(T).
    { A = ast_typed_literal(cc, S, LIT_TIMESTAMP, T); }
postfix(A) ::= INTERVAL(S) STRING(T) interval_qual(Q).
    { A = ast_interval(cc, S, false, T, &Q); }
postfix(A) ::= INTERVAL(S) MINUS STRING(T) interval_qual(Q).
    { A = ast_interval(cc, S, true, T, &Q); }
postfix(A) ::= INTERVAL(S) PLUS STRING(T) interval_qual(Q).
    { A = ast_interval(cc, S, false, T, &Q); }

%type interval_qual {AstIntervalQual}
interval_qual(A) ::= nm(U) prec_opt(P). [QUAL]
    { A = ast_interval_qual(cc, U, P, NULL, -1); }
interval_qual(A) ::= nm(U) prec_opt(P) TO nm(V) prec_opt(Q).
    { A = ast_interval_qual(cc, U, P, &V, Q); }
%type prec_opt {int32_t}
prec_opt(A) ::= .                       { A = -1; }
prec_opt(A) ::= LP INTEGER(N) RP.       { A = ast_int(cc, N); }
prec_opt(A) ::= LP INTEGER(N) COMMA INTEGER RP.  { A = ast_int(cc, N); }

postfix(A) ::= LP(S) expr(E) RP.        { A = ast_paren(cc, S, E); }
postfix(A) ::= LP(S) query(Q) RP.       { A = ast_subquery_expr(cc, S, Q); }
postfix(A) ::= EXISTS(S) LP query(Q) RP.  { A = ast_exists(cc, S, Q); }
postfix(A) ::= CASE(S) case_operand(O) whens(W) else_opt(E) END.
    { A = ast_case(cc, S, O, &W, E); }
postfix(A) ::= ROW(S) LP exprlist(L) RP.
    { A = ast_ctor(cc, AST_ROW_CTOR, S, L); }
postfix(A) ::= ROW(S) LP RP.
    { AstList l; memset(&l, 0, sizeof(l)); A = ast_ctor(cc, AST_ROW_CTOR, S, l); }
postfix(A) ::= ARRAY(S) LBRACKET exprlist(L) RBRACKET.
    { A = ast_ctor(cc, AST_ARRAY_CTOR, S, L); }
postfix(A) ::= ARRAY(S) LBRACKET RBRACKET.
    { AstList l; memset(&l, 0, sizeof(l)); A = ast_ctor(cc, AST_ARRAY_CTOR, S, l); }
postfix(A) ::= MAP(S) LBRACKET exprlist(L) RBRACKET.
    { A = ast_ctor(cc, AST_MAP_CTOR, S, L); }
postfix(A) ::= primary(B) LBRACKET expr(I) RBRACKET.
    { A = ast_subscript(cc, B, I); }
postfix(A) ::= postfix(B) DOT nm(F).    { A = ast_field_access(cc, B, F); }
postfix(A) ::= call(A).
postfix(A) ::= FINAL(S) call(C).        { A = ast_call_nav(cc, S, C, NAV_FINAL); }
postfix(A) ::= RUNNING(S) call(C).      { A = ast_call_nav(cc, S, C, NAV_RUNNING); }

case_operand(A) ::= .                   { A = NULL; }
case_operand(A) ::= expr(A).
%type whens {AstList}
whens(A) ::= when(X).                   { A = ast_list1(cc, X); }
whens(A) ::= whens(A) when(X).          { ast_list_push(&cc->a, &A, X); }
when(A) ::= WHEN(S) expr(C) THEN expr(R).  { A = ast_when(cc, S, C, R); }
else_opt(A) ::= .                       { A = NULL; }
else_opt(A) ::= ELSE expr(X).  { A = X; }

/* ---- function calls ---------------------------------------------------- */

%type func_name {QName}
func_name(A) ::= qname(A).
func_name(A) ::= LEFT(T).               { A = ast_qname1(cc, T); }
func_name(A) ::= RIGHT(T).              { A = ast_qname1(cc, T); }

call(A) ::= func_name(N) LP RP.         { A = ast_call(cc, &N, NULL, false); }
call(A) ::= func_name(N) LP STAR RP.    { A = ast_call_star(cc, &N); }
/* COUNT(A.*) over a MATCH_RECOGNIZE pattern variable */
call(A) ::= func_name(N) LP qname(V) DOT STAR RP.
    { A = ast_call_var_star(cc, &N, &V); }
call(A) ::= func_name(N) LP args(L) RP. { A = ast_call(cc, &N, &L, false); }
call(A) ::= func_name(N) LP DISTINCT args(L) RP.
    { A = ast_call(cc, &N, &L, true); }
call(A) ::= func_name(N) LP ALL args(L) RP.
    { A = ast_call(cc, &N, &L, false); }
/* CAST(x AS t), TRY_CAST(x AS t) */
call(A) ::= func_name(N) LP expr(E) AS type(T) RP.
    { A = ast_call_cast(cc, &N, E, T); }
/* EXTRACT(unit FROM x), TRIM(x FROM y), SUBSTRING(x FROM a [FOR b]) */
call(A) ::= func_name(N) LP expr(E) FROM expr(F) RP.
    { A = ast_call_from(cc, &N, 0, E, F, NULL); }
call(A) ::= func_name(N) LP expr(E) FROM expr(F) FOR expr(G) RP.
    { A = ast_call_from(cc, &N, 0, E, F, G); }
call(A) ::= func_name(N) LP trim_spec(M) expr(E) FROM expr(F) RP.
    { A = ast_call_from(cc, &N, M, E, F, NULL); }
call(A) ::= func_name(N) LP trim_spec(M) FROM expr(F) RP.
    { A = ast_call_from(cc, &N, M, NULL, F, NULL); }
/* FLOOR(x TO unit), CEIL(x TO unit) */
call(A) ::= func_name(N) LP expr(E) TO nm(U) RP.
    { A = ast_call_to_unit(cc, &N, E, U); }
/* POSITION(a IN b) */
call(A) ::= POSITION(S) LP postfix_or_name(E) IN expr(F) RP.
    { A = ast_call_position(cc, S, E, F); }
postfix_or_name(A) ::= primary(A).

call(A) ::= call(A) FILTER LP WHERE expr(E) RP.
    { A->u.func_call.filter = E; ast_extend(cc, A); }
call(A) ::= call(A) WITHIN GROUP LP ORDER BY order_items(O) RP.
    { A->u.func_call.within_group = O; ast_extend(cc, A); }
call(A) ::= call(A) IGNORE NULLS.
    { A->u.func_call.ignore_nulls = true; ast_extend(cc, A); }
call(A) ::= call(A) RESPECT NULLS.      { ast_extend(cc, A); }
call(A) ::= call(A) OVER nm(W).         { ast_call_over_name(cc, A, W); }
call(A) ::= call(A) OVER LP(L) window_spec(S) RP.
    { ast_call_over(cc, A, L, S); }

%type trim_spec {int}
trim_spec(A) ::= BOTH.                  { A = 3; }
trim_spec(A) ::= LEADING.               { A = 1; }
trim_spec(A) ::= TRAILING.              { A = 2; }

%type args {AstList}
args(A) ::= arg(X).                     { A = ast_list1(cc, X); }
args(A) ::= args(A) COMMA arg(X).       { ast_list_push(&cc->a, &A, X); }
arg(A) ::= expr(A).
arg(A) ::= table_arg(A).
arg(A) ::= nm(N) ARROW expr(E).         { A = ast_named_arg(cc, N, E); }
arg(A) ::= nm(N) ARROW table_arg(E).    { A = ast_named_arg(cc, N, E); }
table_arg(A) ::= TABLE(S) qname(N).     { A = ast_table_arg(cc, S, &N, NULL); }
table_arg(A) ::= TABLE(S) LP query(Q) RP.  { A = ast_table_arg(cc, S, NULL, Q); }
table_arg(A) ::= table_arg(A) PARTITION BY nm(N).
    { ast_table_arg_partition(cc, A, ast_list1(cc, ast_colref1(cc, N))); }
table_arg(A) ::= table_arg(A) PARTITION BY LP namelist(L) RP.
    { ast_table_arg_partition(cc, A, L); }

/* ---- names ---------------------------------------------------------------- */

%type nm {Token}
nm(A) ::= ID(A).

%type qname {QName}
qname(A) ::= nm(N).                     { A = ast_qname1(cc, N); }
qname(A) ::= qname(A) DOT nm(N).        { ast_qname_push(cc, &A, N); }

%type namelist {AstList}
namelist(A) ::= nm(N).                  { A = ast_list1(cc, ast_colref1(cc, N)); }
namelist(A) ::= namelist(A) COMMA nm(N).
    { ast_list_push(&cc->a, &A, ast_colref1(cc, N)); }

%code {
/*
 * fsqlParseAccepts - whether the parser p, in its current state, would
 * shift token tk (possibly after some reductions); fsqlParseAcceptsFrom
 * asks the same of a saved state stack (fsqlParseStack).  Used to build the
 * "expected one of" list of syntax errors and to drop hint comments where
 * the grammar has no place for them.  It simulates the reductions on a
 * copy of the state stack and never changes p.  With no_fallback, a
 * keyword counts only if the grammar names it (not through %fallback ID).
 */
static int find_shift_nofb(YYCODETYPE la, YYACTIONTYPE stateno,
                           int no_fallback)
{
    if (stateno > YY_MAX_SHIFT)
        return stateno;
    for (;;) {
        int i = yy_shift_ofst[stateno] + la;
        if (yy_lookahead[i] != la) {
#ifdef YYFALLBACK
            if (!no_fallback && la < sizeof(yyFallback) / sizeof(yyFallback[0])
                && yyFallback[la] != 0) {
                la = yyFallback[la];
                continue;
            }
#endif
            return yy_default[stateno];
        }
        return yy_action[i];
    }
}

/* Copy the parser's state stack (bottom first) into out; returns its
 * depth, or 0 if it does not fit. */
int fsqlParseStack(void *p, uint32_t *out, int max)
{
    yyParser *pp = (yyParser *)p;
    int n = (int)(pp->yytos - pp->yystack) + 1;
    if (n > max)
        return 0;
    for (int i = 0; i < n; i++)
        out[i] = pp->yystack[i].stateno;
    return n;
}

/* Whether a parser whose state stack is stk[0..n) would shift tk. */
int fsqlParseAcceptsFrom(const uint32_t *in, int n, int tk, int no_fallback)
{
    YYACTIONTYPE stk[YYSTACKDEPTH + 8];
    if (n < 1 || n > YYSTACKDEPTH)
        return 0;
    for (int i = 0; i < n; i++)
        stk[i] = (YYACTIONTYPE)in[i];
    for (int guard = 0; guard < 10000; guard++) {
        YYACTIONTYPE act = (YYACTIONTYPE)find_shift_nofb(
            (YYCODETYPE)tk, stk[n - 1], no_fallback);
        if (act >= YY_MIN_REDUCE) {
            unsigned rule = act - YY_MIN_REDUCE;
            int nrhs = -yyRuleInfoNRhs[rule];
            n -= nrhs;
            if (n < 1)
                return 0;
            act = yy_find_reduce_action(stk[n - 1],
                                        (YYCODETYPE)yyRuleInfoLhs[rule]);
            if (n >= YYSTACKDEPTH + 8)
                return 0;
            stk[n++] = act;
            continue;
        }
        if (act <= YY_MAX_SHIFTREDUCE)
            return 1;
        if (act == YY_ACCEPT_ACTION)
            return 1;
        return 0;
    }
    return 0;
}

int fsqlParseAccepts(void *p, int tk, int no_fallback)
{
    uint32_t stk[YYSTACKDEPTH + 8];
    int n = fsqlParseStack(p, stk, YYSTACKDEPTH);
    return fsqlParseAcceptsFrom(stk, n, tk, no_fallback);
}

int fsqlParseTokenCount(void)
{
    return YYNTOKEN;
}
}
