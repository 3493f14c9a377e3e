/*
 * spell.c - edit-distance suggestions for "did you mean" hints.
 *
 * The distance is the optimal-string-alignment variant of
 * Damerau-Levenshtein: insertions, deletions, substitutions and swaps of
 * two adjacent characters each cost 1, and no substring is edited twice.
 * Letters compare ASCII case-insensitively, so `KAFKA` is `kafka`.
 *
 * Only the error path calls this, so the O(n*m) table on the stack is
 * fine; words are cut at SPELL_MAX bytes.
 */
#include "runtime/fsql.h"
#include "compiler/spell.h"

#include <string.h>

#define SPELL_MAX 255

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t spell_distance(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if (a_len > SPELL_MAX)
        a_len = SPELL_MAX;
    if (b_len > SPELL_MAX)
        b_len = SPELL_MAX;
    /* Three rolling rows: two back (for swaps), previous, current. */
    size_t rows[3][SPELL_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= b_len; j++)
        prev[j] = j;
    for (size_t i = 1; i <= a_len; i++) {
        cur[0] = i;
        int ca = lower((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= b_len; j++) {
            int cb = lower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t d = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && ca == lower((unsigned char)b[j - 2]) &&
                lower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[b_len];
}

const char *spell_suggest_n(const char *word, size_t word_len,
                            const char *const *cands, size_t n_cands)
{
    if (!word || word_len == 0)
        return NULL;
    size_t limit = word_len / 3;
    if (limit < 1)
        limit = 1;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n_cands; i++) {
        const char *c = cands[i];
        if (!c)
            continue;
        size_t c_len = strlen(c);
        /* A length difference alone already exceeds the limit. */
        size_t diff = c_len > word_len ? c_len - word_len : word_len - c_len;
        if (diff >= best_d)
            continue;
        size_t d = spell_distance(word, word_len, c, c_len);
        if (d == 0)
            return NULL; /* the word exists; not a misspelling */
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    if (best || word_len < 3)
        return best;
    /* No close spelling: a unique candidate that starts with the word
     * ("latest" -> "latest-offset"). */
    const char *prefixed = NULL;
    for (size_t i = 0; i < n_cands; i++) {
        const char *c = cands[i];
        if (!c || strlen(c) <= word_len)
            continue;
        size_t k = 0;
        while (k < word_len &&
               lower((unsigned char)c[k]) == lower((unsigned char)word[k]))
            k++;
        if (k < word_len)
            continue;
        if (prefixed && strcmp(prefixed, c) != 0)
            return NULL; /* ambiguous */
        prefixed = c;
    }
    return prefixed;
}

const char *spell_suggest(const char *word, const char *const *cands,
                          size_t n_cands)
{
    if (!word)
        return NULL;
    return spell_suggest_n(word, strlen(word), cands, n_cands);
}
