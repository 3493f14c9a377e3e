/*
 * test_types.c - unit tests for compiler/types.c (Flink type printing,
 * DECIMAL result types, common types, implicit/explicit casts) and
 * compiler/spell.c (edit distance and suggestions).
 */
#include "runtime/fsql.h"
#include "compiler/spell.h"
#include "compiler/types.h"
#include "tests/unit/unit.h"

#include <string.h>

static Arena A;

static void setup(void)
{
    arena_init(&A, 4096);
}

static const char *ts(const SqlType *t)
{
    return type_to_string(&A, t);
}

static SqlType *dec(int p, int s)
{
    return type_new_decimal(&A, p, s);
}

static SqlType *k(TypeKind kind)
{
    return type_new(&A, kind);
}

static SqlType *notnull(SqlType *t)
{
    return type_with_nullable(&A, t, false);
}

static void types_to_string(void)
{
    setup();
    UNIT_EQ_STR(ts(k(T_BIGINT)), "BIGINT");
    UNIT_EQ_STR(ts(k(T_INT)), "INT");
    UNIT_EQ_STR(ts(notnull(k(T_INT))), "INT NOT NULL");
    UNIT_EQ_STR(ts(dec(15, 2)), "DECIMAL(15, 2)");
    UNIT_EQ_STR(ts(type_new_varchar(&A, VARCHAR_MAX)), "STRING");
    UNIT_EQ_STR(ts(type_new_varchar(&A, 10)), "VARCHAR(10)");
    UNIT_EQ_STR(ts(k(T_BOOLEAN)), "BOOLEAN");
    UNIT_EQ_STR(ts(k(T_DATE)), "DATE");
    UNIT_EQ_STR(ts(type_new_timestamp(&A, T_TIME, 0)), "TIME(0)");
    SqlType *t3 = type_new_timestamp(&A, T_TIMESTAMP, 3);
    UNIT_EQ_STR(ts(t3), "TIMESTAMP(3)");
    UNIT_EQ_STR(ts(type_new_timestamp(&A, T_TIMESTAMP_LTZ, 3)),
                "TIMESTAMP_LTZ(3)");
    UNIT_EQ_STR(ts(type_with_time_attr(&A, t3, TA_ROWTIME)),
                "TIMESTAMP(3) *ROWTIME*");
    SqlType *pt = notnull(type_new_timestamp(&A, T_TIMESTAMP_LTZ, 3));
    UNIT_EQ_STR(ts(type_with_time_attr(&A, pt, TA_PROCTIME)),
                "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*");
    SqlType *arr = k(T_ARRAY);
    arr->elem = k(T_INT);
    UNIT_EQ_STR(ts(arr), "ARRAY<INT>");
    SqlType *map = k(T_MAP);
    map->elem = type_new_varchar(&A, VARCHAR_MAX);
    map->value = notnull(k(T_BIGINT));
    UNIT_EQ_STR(ts(map), "MAP<STRING, BIGINT NOT NULL>");
    SqlType *row = k(T_ROW);
    row->n_fields = 2;
    row->fields = ARENA_NEW_ARRAY(&A, TypeField, 2);
    row->fields[0] = (TypeField){STR_LIT("a"), k(T_INT)};
    row->fields[1] =
        (TypeField){STR_LIT("b"), type_new_varchar(&A, VARCHAR_MAX)};
    UNIT_EQ_STR(ts(row), "ROW<`a` INT, `b` STRING>");
    UNIT_EQ_STR(ts(k(T_INTERVAL_DT)), "INTERVAL DAY(2) TO SECOND(3)");
    UNIT_EQ_STR(ts(NULL), "<unknown>");
    arena_fini(&A);
}

static void types_decimal_rules(void)
{
    setup();
    /* add: s = max(s1, s2), p = max(p1-s1, p2-s2) + s + 1 */
    UNIT_EQ_STR(ts(type_decimal_add(&A, dec(15, 2), dec(5, 4))),
                "DECIMAL(18, 4)");
    UNIT_EQ_STR(ts(type_decimal_add(&A, dec(15, 2), k(T_INT))),
                "DECIMAL(16, 2)");
    UNIT_EQ_STR(ts(type_decimal_add(&A, dec(38, 10), dec(38, 10))),
                "DECIMAL(38, 9)");
    /* mul: p = p1 + p2 + 1, s = s1 + s2 */
    UNIT_EQ_STR(ts(type_decimal_mul(&A, dec(15, 2), dec(5, 4))),
                "DECIMAL(21, 6)");
    UNIT_EQ_STR(ts(type_decimal_mul(&A, dec(15, 2), k(T_INT))),
                "DECIMAL(26, 2)");
    UNIT_EQ_STR(ts(type_decimal_mul(&A, dec(30, 10), dec(30, 10))),
                "DECIMAL(38, 6)");
    /* div: s = max(6, s1 + p2 + 1), p = p1 - s1 + s2 + s */
    UNIT_EQ_STR(ts(type_decimal_div(&A, dec(15, 2), dec(15, 2))),
                "DECIMAL(33, 18)");
    UNIT_EQ_STR(ts(type_decimal_div(&A, dec(15, 2), k(T_INT))),
                "DECIMAL(26, 13)");
    UNIT_EQ_STR(ts(type_decimal_div(&A, dec(38, 2), dec(38, 2))),
                "DECIMAL(38, 6)");
    UNIT_EQ_STR(ts(type_decimal_div(&A, dec(10, 0), dec(3, 0))),
                "DECIMAL(16, 6)");
    UNIT_EQ_STR(ts(type_decimal_div(&A, dec(5, 0), dec(5, 0))),
                "DECIMAL(11, 6)");
    /* AVG(DECIMAL(15, 2)) = DECIMAL(38, 2) / DECIMAL(20, 0) */
    UNIT_EQ_STR(ts(type_decimal_div(&A, dec(38, 2), dec(20, 0))),
                "DECIMAL(38, 6)");
    /* mod: s = max(s1, s2), p = min(p1-s1, p2-s2) + s */
    UNIT_EQ_STR(ts(type_decimal_mod(&A, dec(15, 2), dec(5, 4))),
                "DECIMAL(5, 4)");
    UNIT_EQ_STR(ts(type_decimal_mod(&A, dec(15, 2), k(T_INT))),
                "DECIMAL(12, 2)");
    UNIT_EQ_STR(ts(type_integer_as_decimal(&A, k(T_BIGINT))), "DECIMAL(19, 0)");
    UNIT_EQ_STR(ts(type_integer_as_decimal(&A, k(T_TINYINT))), "DECIMAL(3, 0)");
    /* nullability: NOT NULL operands give NOT NULL sums, division may
     * give NULL (division by zero) */
    SqlType *nn = notnull(dec(10, 2));
    UNIT_CHECK(!type_decimal_add(&A, nn, nn)->is_nullable);
    UNIT_CHECK(type_decimal_div(&A, nn, nn)->is_nullable);
    arena_fini(&A);
}

static void types_common(void)
{
    setup();
    UNIT_EQ_STR(ts(type_common(&A, k(T_INT), k(T_BIGINT))), "BIGINT");
    UNIT_EQ_STR(ts(type_common(&A, k(T_INT), dec(15, 2))), "DECIMAL(15, 2)");
    UNIT_EQ_STR(ts(type_common(&A, k(T_INT), dec(5, 2))), "DECIMAL(12, 2)");
    UNIT_EQ_STR(ts(type_common(&A, k(T_BIGINT), dec(5, 4))), "DECIMAL(23, 4)");
    UNIT_EQ_STR(ts(type_common(&A, dec(15, 2), dec(5, 4))), "DECIMAL(17, 4)");
    UNIT_EQ_STR(ts(type_common(&A, dec(15, 2), k(T_DOUBLE))), "DOUBLE");
    UNIT_EQ_STR(ts(type_common(&A, k(T_INT), k(T_FLOAT))), "FLOAT");
    UNIT_EQ_STR(ts(type_common(&A, dec(10, 2), k(T_FLOAT))), "DOUBLE");
    SqlType *c5 = k(T_CHAR);
    c5->precision = 5;
    SqlType *c3 = k(T_CHAR);
    c3->precision = 3;
    UNIT_EQ_STR(ts(type_common(&A, c5, type_new_varchar(&A, 10))),
                "VARCHAR(10)");
    UNIT_EQ_STR(ts(type_common(&A, c5, c3)), "VARCHAR(5)");
    UNIT_EQ_STR(ts(type_common(&A, c5, c5)), "CHAR(5)");
    UNIT_EQ_STR(ts(type_common(&A, c5, type_new_varchar(&A, VARCHAR_MAX))),
                "STRING");
    /* NULL + T -> T nullable */
    UNIT_EQ_STR(ts(type_common(&A, k(T_NULL), notnull(k(T_INT)))), "INT");
    UNIT_EQ_STR(ts(type_common(&A, notnull(k(T_INT)), notnull(k(T_INT)))),
                "INT NOT NULL");
    /* timestamps: max precision, LTZ wins, time attributes dropped */
    SqlType *r3 = type_with_time_attr(
        &A, type_new_timestamp(&A, T_TIMESTAMP, 3), TA_ROWTIME);
    UNIT_EQ_STR(ts(type_common(&A, r3, type_new_timestamp(&A, T_TIMESTAMP, 6))),
                "TIMESTAMP(6)");
    UNIT_EQ_STR(ts(type_common(&A, r3, r3)), "TIMESTAMP(3)");
    UNIT_EQ_STR(
        ts(type_common(&A, r3, type_new_timestamp(&A, T_TIMESTAMP_LTZ, 3))),
        "TIMESTAMP_LTZ(3)");
    /* no common type */
    UNIT_CHECK(type_common(&A, type_new_varchar(&A, 10), k(T_INT)) == NULL);
    UNIT_CHECK(type_common(&A, k(T_BOOLEAN), k(T_INT)) == NULL);
    UNIT_CHECK(type_common(&A, k(T_DATE), k(T_TIME)) == NULL);
    arena_fini(&A);
}

static void types_casts(void)
{
    setup();
    SqlType *str = type_new_varchar(&A, VARCHAR_MAX);
    SqlType *ts3 = type_new_timestamp(&A, T_TIMESTAMP, 3);
    /* implicit: widening only */
    UNIT_CHECK(type_can_implicit_cast(k(T_INT), k(T_BIGINT)));
    UNIT_CHECK(type_can_implicit_cast(k(T_INT), dec(15, 2)));
    UNIT_CHECK(type_can_implicit_cast(dec(15, 2), k(T_DOUBLE)));
    UNIT_CHECK(type_can_implicit_cast(k(T_BIGINT), k(T_DOUBLE)));
    UNIT_CHECK(!type_can_implicit_cast(k(T_BIGINT), k(T_INT)));
    UNIT_CHECK(!type_can_implicit_cast(k(T_DOUBLE), dec(15, 2)));
    UNIT_CHECK(!type_can_implicit_cast(str, k(T_INT)));
    UNIT_CHECK(!type_can_implicit_cast(k(T_INT), str));
    UNIT_CHECK(type_can_implicit_cast(k(T_CHAR), str));
    UNIT_CHECK(type_can_implicit_cast(k(T_NULL), k(T_DATE)));
    UNIT_CHECK(type_can_implicit_cast(ts3, k(T_TIMESTAMP_LTZ)));
    UNIT_CHECK(type_can_implicit_cast(ts3, k(T_DATE)));
    UNIT_CHECK(!type_can_implicit_cast(k(T_DATE), ts3));
    /* explicit */
    UNIT_CHECK(type_can_explicit_cast(str, k(T_INT)));
    UNIT_CHECK(type_can_explicit_cast(str, ts3));
    UNIT_CHECK(type_can_explicit_cast(k(T_DOUBLE), k(T_INT)));
    UNIT_CHECK(type_can_explicit_cast(dec(15, 2), str));
    UNIT_CHECK(type_can_explicit_cast(k(T_DATE), ts3));
    UNIT_CHECK(type_can_explicit_cast(k(T_INT), k(T_BOOLEAN)));
    UNIT_CHECK(!type_can_explicit_cast(k(T_BOOLEAN), ts3));
    UNIT_CHECK(!type_can_explicit_cast(ts3, k(T_BOOLEAN)));
    UNIT_CHECK(!type_can_explicit_cast(k(T_DATE), k(T_INT)));
    /* BYTES decode as UTF-8 (Flink's cast matrix: BINARY -> STRING) */
    UNIT_CHECK(type_can_explicit_cast(k(T_VARBINARY), str));
    UNIT_CHECK(!type_can_implicit_cast(k(T_VARBINARY), str));
    /* predicates */
    UNIT_CHECK(type_is_comparable(k(T_INT), dec(5, 2)));
    UNIT_CHECK(type_is_comparable(ts3, str));
    UNIT_CHECK(!type_is_comparable(k(T_INT), str));
    UNIT_CHECK(type_equal(dec(15, 2), notnull(dec(15, 2))));
    UNIT_CHECK(!type_equal(dec(15, 2), dec(15, 3)));
    arena_fini(&A);
}

static void spell_basic(void)
{
    static const char *const conns[] = {"blackhole",   "datagen", "filesystem",
                                        "jdbc",        "kafka",   "print",
                                        "upsert-kafka"};
    size_t n = FSQL_ARRAY_LEN(conns);
    UNIT_EQ_STR(spell_suggest("kafak", conns, n), "kafka");
    UNIT_EQ_STR(spell_suggest("KAFKA-upsert", conns, n), NULL);
    UNIT_EQ_STR(spell_suggest("upsertkafka", conns, n), "upsert-kafka");
    UNIT_EQ_STR(spell_suggest("jbdc", conns, n), "jdbc");
    UNIT_EQ_STR(spell_suggest("file", conns, n), "filesystem");
    UNIT_EQ_STR(spell_suggest("ka", conns, n), NULL);
    UNIT_EQ_STR(spell_suggest("xyz", conns, n), NULL);
    UNIT_EQ_STR(spell_suggest("kafka", conns, n), NULL); /* exact */
    UNIT_EQ_STR(spell_suggest("elasticsearch", conns, n), NULL);
    UNIT_EQ_INT(spell_distance("abc", 3, "acb", 3), 1);
    UNIT_EQ_INT(spell_distance("", 0, "abc", 3), 3);
    UNIT_EQ_INT(spell_distance("Kitten", 6, "sitting", 7), 3);
    UNIT_EQ_INT(spell_distance("USER_ID", 7, "user_id", 7), 0);
    static const char *const cols[] = {"transaction_id", "user_id", "amount",
                                       "location"};
    UNIT_EQ_STR(spell_suggest("user_idd", cols, 4), "user_id");
    UNIT_EQ_STR(spell_suggest("ammount", cols, 4), "amount");
    UNIT_EQ_STR(spell_suggest("x", cols, 4), NULL);
}

static const UnitTest types_tests[] = {
    {"types_to_string", types_to_string},
    {"types_decimal_rules", types_decimal_rules},
    {"types_common", types_common},
    {"types_casts", types_casts},
    {"spell_basic", spell_basic},
    {NULL, NULL},
};

UNIT_REGISTER(types_tests)
