/*
 * vm.h - the expression VM: flat, typed, register-based bytecode that the
 * compiler generates from plan expressions (compiler/codegen_expr.c) and
 * that operators evaluate once per row.
 *
 * Pipeline position: compiler PExpr trees -> codegen (CodeBuilder, this
 * header) -> Code in the Program arena (read-only at run time) ->
 * vm_eval() per row, with a register file owned by the operator instance.
 *
 * A Code evaluates one or more expressions over one input row (for a
 * two-input operator the caller passes the concatenated row).  Results
 * are left in registers: results[i] is the register of result i.  A Calc
 * compiles its projections into one Code with several results; a filter
 * is a Code with one BOOLEAN result (TRUE keeps the row; FALSE and NULL
 * drop it).
 *
 * Invariants:
 *  - types are settled by the compiler: every opcode is typed (ADD_I64,
 *    LT_STR, CAST_I64_DEC, ...) and the interpreter never looks at a
 *    value's type to decide what to do;
 *  - constants live in dedicated registers that code_regs_init() fills
 *    once; no instruction writes them;
 *  - every Code ends with HALT;
 *  - nothing is allocated per row except string results, which go to the
 *    per-batch arena VmCtx.a.
 *
 * Usage by an operator:
 *     Value *regs = code_regs_new(&state_arena, code);     once
 *     ...
 *     VmCtx x = {.a = &batch->a, .tz = tz, .now_ms = now};
 *     if (!vm_eval(code, regs, row, &x)) fail the job with x.err_msg at
 *                                        x.err_at (a span in the SQL);
 *     out[i] = regs[code->results[i]]   (or vm_eval_into)
 *     ...
 *     code_regs_fini(code, regs);                          at close
 */
#ifndef FSQL_RUNTIME_VM_H
#define FSQL_RUNTIME_VM_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/timeutil.h"
#include "runtime/value.h"

/* Opcode flags (opcodes.def). */
#define VMF_JUMP 0x01u   /* aux is a jump target */
#define VMF_ERR 0x02u    /* may raise a run-time error */
#define VMF_STRICT 0x04u /* NULL operand gives NULL */

typedef enum VmOp {
#define OP(name, operands, flags, synopsis) OP_##name,
#include "runtime/opcodes.def"
#undef OP
    OP__COUNT
} VmOp;

#define VM_NO_REG 0xFFFFu

/* One instruction.  dst, a, b are register numbers (or a column index /
 * a count, see the operand letters in opcodes.def); aux is a constant,
 * jump target, parameter or table index; at is the SQL the instruction
 * was compiled from, for run-time error messages. */
typedef struct Instr {
    uint16_t op; /* VmOp */
    uint16_t dst;
    uint16_t a;
    uint16_t b;
    uint32_t aux;
    SrcSpan at;
} Instr;

_Static_assert(sizeof(Instr) <= 24, "Instr must stay within 24 bytes");

struct FuncSite;
struct VmLike;

/* A run of input columns copied into consecutive registers on entry:
 * regs[reg .. reg+n) = row[col .. col+n). */
typedef struct VmColRun {
    uint16_t reg;
    uint16_t col;
    uint16_t n;
} VmColRun;

struct VmSet;
struct VmCast;

/* Compiled expressions.  Built by a CodeBuilder into the Program arena;
 * read-only afterwards.  Fields are public for the operators' fast
 * paths; only the builder writes them. */
typedef struct Code {
    uint32_t n_instrs;
    const Instr *instrs; /* ends with HALT */
    uint32_t n_regs;     /* size of the register file */
    uint32_t n_results;
    const uint16_t *results;      /* register of result i */
    const RtType *result_types;   /* type of result i */
    const int32_t *result_cols;   /* input column when result i is a plain
                                   column reference, else -1 */
    const int32_t *result_consts; /* constant index when result i is a
                                     constant, else -1 */
    bool is_trivial;              /* no instructions but HALT: only column
                                   copies and constants */
    uint32_t n_cols_used;         /* 1 + highest input column read (0: none) */
    uint32_t n_col_runs;          /* input columns copied into registers
                                   before the first instruction */
    const struct VmColRun *col_runs;
    /* tables referenced by aux operands */
    uint32_t n_consts;
    const Value *consts; /* constant pool (strings in Program arena) */
    const RtType *const_types;
    const uint16_t *const_regs; /* register holding constant k */
    uint32_t n_ints;
    const int32_t *ints; /* int parameters (DECIMAL scales, ...) */
    uint32_t n_types;
    const RtType *types;
    uint32_t n_sites;
    const struct FuncSite *sites;
    uint32_t n_casts;
    const struct VmCast *casts;
    uint32_t n_likes;
    const struct VmLike *likes;
    uint32_t n_sets;
    const struct VmSet *sets;
    uint32_t n_cache_regs; /* registers holding per-instance caches */
    const uint16_t *cache_regs;
    const struct FuncSite *const *cache_sites; /* owner of cache_regs[i] */
} Code;

/* Run-time context of one evaluation. */
typedef struct VmCtx {
    Arena *a;           /* per-batch arena: string results live here */
    const TimeZone *tz; /* session time zone ('table.local-time-zone');
                            NULL means UTC */
    int64_t now_ms;     /* CURRENT_TIMESTAMP / NOW() for this record,
                            epoch millis (Flink streaming: per record) */
    bool has_err;       /* set by a failing instruction */
    SrcSpan err_at;     /* the failing expression's source span */
    char err_msg[256];  /* "division by zero", house style, no position */
} VmCtx;

/* ---- evaluation -------------------------------------------------------- */

/* Allocate a register file for c from arena a (operator state) and
 * initialise it (constants loaded, caches empty). */
Value *code_regs_new(Arena *a, const Code *c);
/* Initialise caller-provided registers (n_regs Values). */
void code_regs_init(const Code *c, Value *regs);
/* Free per-instance caches (compiled regular expressions) held in regs. */
void code_regs_fini(const Code *c, Value *regs);

/* Evaluate c over row (the input row's Values in column order).  Returns
 * false after a run-time error (x->has_err, x->err_msg, x->err_at); the
 * caller fails the job.  Results are in regs[c->results[i]]. */
bool vm_eval(const Code *c, Value *regs, const Value *row, VmCtx *x);
/* Same, then copy result i into out[i]. */
bool vm_eval_into(const Code *c, Value *regs, const Value *row, Value *out,
                  VmCtx *x);
/* Filter helper: evaluate a one-result BOOLEAN Code; *keep is true only
 * for TRUE (FALSE and NULL drop the row). */
bool vm_eval_filter(const Code *c, Value *regs, const Value *row, bool *keep,
                    VmCtx *x);
/* The same interpreter built with a plain switch (the computed-goto build
 * is the default under GCC/Clang); for tests and comparisons. */
bool vm_eval_switch(const Code *c, Value *regs, const Value *row, VmCtx *x);

/* Record a run-time error (first one wins). */
void vm_error(VmCtx *x, SrcSpan at, const char *fmt, ...) FSQL_PRINTF(3, 4);

/* ---- inspection -------------------------------------------------------- */

const char *vm_op_name(VmOp op);
const char *vm_op_synopsis(VmOp op);
const char *vm_op_operands(VmOp op);
unsigned vm_op_flags(VmOp op);

/* Append a listing, one line per instruction with its synopsis, then the
 * constants and results (fsql explain --verbose). */
void code_disasm(const Code *c, StrBuf *out);
/* Append docs/opcodes.md. */
void code_doc_markdown(StrBuf *out);
/* Check operands against n_regs and the tables; NULL if fine, else a
 * static description of the first problem. */
const char *code_validate(const Code *c);

/* ---- building (codegen) ------------------------------------------------ */

typedef struct CodeBuilder CodeBuilder;

/* A builder whose growing arrays live in scratch (the compile arena) and
 * whose finished Code, constants and tables go to out (the Program
 * arena).  Neither is freed by the builder. */
CodeBuilder *code_builder_new(Arena *scratch, Arena *out);
/* A fresh temporary register. */
uint16_t code_builder_reg(CodeBuilder *b);
/* The register that holds input column col on entry (copied by
 * vm_eval before the first instruction; one register per column). */
uint16_t code_builder_col(CodeBuilder *b, uint32_t col);
/* If reg is a constant register, its value and type. */
bool code_builder_const_value(const CodeBuilder *b, uint16_t reg, Value *v,
                              RtType *t);
/* A constant register holding v (strings copied into the out arena;
 * equal constants share a register). */
uint16_t code_builder_const(CodeBuilder *b, const Value *v, const RtType *t);
/* Append an instruction; returns its index. */
uint32_t code_builder_emit(CodeBuilder *b, VmOp op, uint16_t dst, uint16_t a,
                           uint16_t bb, uint32_t aux, SrcSpan at);
/* Index of the next instruction (a jump target). */
uint32_t code_builder_here(const CodeBuilder *b);
/* Set the jump target of instruction i. */
void code_builder_patch(CodeBuilder *b, uint32_t i, uint32_t target);
/* Parameter tables; each returns the index to put in aux. */
uint32_t code_builder_ints(CodeBuilder *b, const int32_t *v, uint32_t n);
uint32_t code_builder_type(CodeBuilder *b, const RtType *t);
uint32_t code_builder_cast(CodeBuilder *b, const RtType *from, const RtType *to,
                           bool is_try);
/* A function call site (copied); allocates its cache register when
 * fs->has_cache. */
uint32_t code_builder_site(CodeBuilder *b, const struct FuncSite *fs);
/* A constant LIKE pattern; escape is a code point or -1 for none.
 * Returns UINT32_MAX when the pattern is malformed (an escape character
 * not followed by %, _ or itself). */
uint32_t code_builder_like(CodeBuilder *b, const char *pat, size_t n,
                           int32_t escape);
/* A constant IN set of n non-NULL values of type t. */
uint32_t code_builder_set(CodeBuilder *b, const RtType *t, const Value *items,
                          uint32_t n, bool has_null);
/* Declare the next result. */
void code_builder_result(CodeBuilder *b, uint16_t reg, const RtType *t);
uint32_t code_builder_n_results(const CodeBuilder *b);
/* Finish: appends HALT, computes the fast-path data. */
Code *code_builder_finish(CodeBuilder *b);

/* Whether CAST from -> to can be evaluated (the CAST opcode). */
bool vm_cast_supported(const RtType *from, const RtType *to);

/* LIKE matching (also used by functions): does s match the SQL LIKE
 * pattern p (% any run, _ one character; esc a code point or -1)?
 * Returns -1 for a malformed pattern. */
int vm_like_match(const char *s, size_t sn, const char *p, size_t pn,
                  int32_t esc);

#endif
