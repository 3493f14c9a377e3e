/*
 * main.c - runner for the unit tests (build/bin/unit).
 *
 *   build/bin/unit            run every registered test
 *   build/bin/unit NAME...    run the tests named NAME, or every test whose
 *                             name starts with "NAME_" (a group, e.g. diag)
 *   build/bin/unit -l         list the test names
 *
 * Failures print as file:line: message; the exit status is 1 if any check
 * failed or a name matched nothing.
 */
#include "runtime/fsql.h"
#include "tests/unit/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_TABLES 64

static const UnitTest *tables[MAX_TABLES];
static int n_tables;
static int n_failures;      /* failed checks in the current test */
static const char *current; /* name of the running test */

void unit_register(const UnitTest *tests)
{
    if (n_tables < MAX_TABLES)
        tables[n_tables++] = tests;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: [%s] ", file, line, current ? current : "?");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    n_failures++;
}

bool unit_check_str(const char *file, int line, const char *expr,
                    const char *got, const char *want)
{
    if (got && want && strcmp(got, want) == 0)
        return true;
    if (!got && !want)
        return true;
    unit_fail(file, line, "%s:\n--- got:\n%s\n--- want:\n%s\n---", expr,
              got ? got : "(null)", want ? want : "(null)");
    return false;
}

bool unit_check_int(const char *file, int line, const char *expr, long long got,
                    long long want)
{
    if (got == want)
        return true;
    unit_fail(file, line, "%s is %lld, want %lld", expr, got, want);
    return false;
}

static bool selected(const char *name, int argc, char **argv)
{
    if (argc <= 1)
        return true;
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (strcmp(name, argv[i]) == 0 ||
            (strncmp(name, argv[i], n) == 0 && name[n] == '_'))
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "-l") == 0) {
        for (int t = 0; t < n_tables; t++)
            for (const UnitTest *u = tables[t]; u->name; u++)
                printf("%s\n", u->name);
        return 0;
    }
    int ran = 0, failed = 0;
    for (int t = 0; t < n_tables; t++) {
        for (const UnitTest *u = tables[t]; u->name; u++) {
            if (!selected(u->name, argc, argv))
                continue;
            current = u->name;
            n_failures = 0;
            u->fn();
            ran++;
            if (n_failures) {
                failed++;
                fprintf(stderr, "FAIL %s\n", u->name);
            }
        }
    }
    if (ran == 0) {
        fprintf(stderr, "unit: no test matches\n");
        return 1;
    }
    printf("unit: %d passed, %d failed\n", ran - failed, failed);
    return failed ? 1 : 0;
}
