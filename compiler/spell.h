/*
 * spell.h - "did you mean" suggestions by edit distance.
 *
 * Used by every diagnostic that names something unknown: tables, columns,
 * functions, connectors, formats and WITH options.  The distance is the
 * optimal-string-alignment Damerau-Levenshtein distance (insert, delete,
 * substitute, swap two adjacent characters), compared ASCII
 * case-insensitively.
 */
#ifndef FSQL_COMPILER_SPELL_H
#define FSQL_COMPILER_SPELL_H

#include "runtime/fsql.h"

/* Case-insensitive Damerau-Levenshtein (OSA) distance of two strings.
 * Strings longer than 255 bytes are compared on their first 255 bytes. */
size_t spell_distance(const char *a, size_t a_len, const char *b, size_t b_len);

/* The candidate closest to word, or NULL when none is close enough.  A
 * candidate qualifies when its distance is at most max(1, len/3) where len
 * is the length of word; ties go to the earliest candidate.  Failing that,
 * a word of 3 or more characters that is the prefix of exactly one
 * candidate suggests that candidate ("latest" -> "latest-offset").  An exact
 * (case-insensitive) match is never suggested, since that is not a
 * misspelling.  cands[] and the result are borrowed; NULL entries in
 * cands[] are skipped. */
const char *spell_suggest(const char *word, const char *const *cands,
                          size_t n_cands);

/* Same, for a word given as pointer and length (not NUL-terminated). */
const char *spell_suggest_n(const char *word, size_t word_len,
                            const char *const *cands, size_t n_cands);

#endif
