/*
 * func_int.h - private to runtime/func*.c: the implementations that the
 * binding table in func.c refers to.  Each has the FuncFn signature of
 * func.h.
 */
#ifndef FSQL_RUNTIME_FUNC_INT_H
#define FSQL_RUNTIME_FUNC_INT_H

#include "runtime/fsql.h"
#include "runtime/func.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/value.h"
#include "runtime/vm.h"

#define FUNC_DECL(name)                                                        \
    void name(const FuncSite *fs, Value *d, const Value *a, VmCtx *x,          \
              Value *regs)

/* func_str.c */
FUNC_DECL(fn_concat);
FUNC_DECL(fn_concat_ws);
FUNC_DECL(fn_substring);
FUNC_DECL(fn_left);
FUNC_DECL(fn_right);
FUNC_DECL(fn_upper);
FUNC_DECL(fn_lower);
FUNC_DECL(fn_initcap);
FUNC_DECL(fn_trim);
FUNC_DECL(fn_ltrim_rtrim);
FUNC_DECL(fn_replace);
FUNC_DECL(fn_position);
FUNC_DECL(fn_char_length);
FUNC_DECL(fn_pad);
FUNC_DECL(fn_repeat);
FUNC_DECL(fn_reverse);
FUNC_DECL(fn_ascii);
FUNC_DECL(fn_chr);
FUNC_DECL(fn_split_index);
FUNC_DECL(fn_hex);
FUNC_DECL(fn_bin);
FUNC_DECL(fn_to_base64);
FUNC_DECL(fn_from_base64);
FUNC_DECL(fn_hash);
FUNC_DECL(fn_regexp);
FUNC_DECL(fn_regexp_extract);
FUNC_DECL(fn_regexp_replace);
FUNC_DECL(fn_similar);
void func_regex_free(void *p);

#endif
