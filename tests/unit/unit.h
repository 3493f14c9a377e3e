/*
 * unit.h - the tiny unit-test harness behind build/bin/unit.
 *
 * Each tests/unit/test_*.c file defines a NULL-terminated UnitTest table
 * and registers it with UNIT_REGISTER(table); registration runs from a
 * constructor before main(), so adding a test file needs no edit to
 * main.c (the Makefile picks every tests/unit/ source up by wildcard).
 *
 * Checks record a failure with file:line and let the test continue;
 * UNIT_REQUIRE returns from the test function on failure.
 */
#ifndef FSQL_TESTS_UNIT_H
#define FSQL_TESTS_UNIT_H

#include "runtime/fsql.h"

typedef void (*UnitFn)(void);

typedef struct UnitTest {
    const char *name; /* "group_case"; `unit group` runs every group_* */
    UnitFn fn;
} UnitTest;

void unit_register(const UnitTest *tests); /* NULL-terminated, static */
void unit_fail(const char *file, int line, const char *fmt, ...)
    FSQL_PRINTF(3, 4);
bool unit_check_str(const char *file, int line, const char *expr,
                    const char *got, const char *want);
bool unit_check_int(const char *file, int line, const char *expr, long long got,
                    long long want);

#define UNIT_REGISTER(tbl)                                                     \
    static void unit_reg_##tbl(void) __attribute__((constructor));             \
    static void unit_reg_##tbl(void)                                           \
    {                                                                          \
        unit_register(tbl);                                                    \
    }

#define UNIT_CHECK(c)                                                          \
    ((c) ? (void)0 : unit_fail(__FILE__, __LINE__, "check failed: %s", #c))
#define UNIT_REQUIRE(c)                                                        \
    do {                                                                       \
        if (!(c)) {                                                            \
            unit_fail(__FILE__, __LINE__, "requirement failed: %s", #c);       \
            return;                                                            \
        }                                                                      \
    } while (0)
#define UNIT_EQ_STR(got, want)                                                 \
    ((void)unit_check_str(__FILE__, __LINE__, #got, (got), (want)))
#define UNIT_EQ_INT(got, want)                                                 \
    ((void)unit_check_int(__FILE__, __LINE__, #got, (long long)(got),          \
                          (long long)(want)))

#endif
