/*
 * shell.h - `fsql shell`, the interactive SQL shell (docs/shell.md).
 *
 * tools/fsql.c parses the command line and hands the shell what it needs;
 * the shell keeps one CompileCtx for the whole session, compiles input
 * statement by statement into it and runs each SELECT / INSERT as a job.
 */
#ifndef FSQL_TOOLS_SHELL_H
#define FSQL_TOOLS_SHELL_H

#include "runtime/fsql.h"

typedef struct ShellConfig {
    const char *const *inits; /* -i files, in order */
    int n_inits;
    const char *const *set_keys; /* --set KEY=VALUE, in order */
    const char *const *set_values;
    int n_sets;
    const char *script; /* -f FILE (read instead of standard input) */
    const char *output; /* --output form, NULL: default */
    bool diag_json;     /* --diag-format=json */
    bool use_color;     /* diagnostics in color */
} ShellConfig;

/* Run the shell until quit / end of input.  Returns the exit status:
 * interactive sessions 0; scripts and pipes 2 after a runtime failure,
 * else 1 after an SQL error, else 0. */
int shell_main(const ShellConfig *cfg);

#endif
