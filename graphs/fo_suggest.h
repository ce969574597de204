/*
 * fo_suggest.h — "did you mean": the nearest known word or id to one that
 * is not known, for error messages (docs/cli.md, "Did you mean").
 *
 * Distance is optimal string alignment (Damerau-Levenshtein where a
 * transposition of two adjacent bytes counts one edit, and no substring is
 * edited twice), over bytes. A candidate is suggested only within a
 * threshold relative to the length of what was typed (fo_suggest_threshold),
 * so a short typo does not "match" an unrelated word. Suggestions are meant
 * for the error path only: nothing here is computed while reading a valid
 * input.
 */
#ifndef FO_SUGGEST_H
#define FO_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "fo_graph.h"

/* The largest distance suggested for a word of n bytes: n / 3, at least 1
 * and at most 3 ("ap" → 1, "dataset" → 2, a 24-byte id → 3). O(1). */
size_t fo_suggest_threshold(size_t n);

/* The OSA distance between a (na bytes) and b (nb bytes) when it is at most
 * max, else max + 1. The common prefix and suffix are skipped first, then
 * only the band |i - j| <= max of the table is computed, stopping as soon as
 * a whole row exceeds max. Strings still longer than FO_SUGGEST_MAX_LEN
 * bytes after that count as too far (max + 1). O(len * max) time, no
 * allocation. */
#define FO_SUGGEST_MAX_LEN 1100
size_t fo_suggest_distance(const char *a, size_t na, const char *b, size_t nb, size_t max);

/* Candidates by index, for fo_suggest_best: the i-th string and its length
 * (borrowed), or NULL to skip candidate i. */
typedef const char *(*fo_suggest_get)(void *ctx, uint32_t i, size_t *len);

/* The index of the candidate nearest to s among 0..n-1 within
 * fo_suggest_threshold(strlen(s)), the lowest index among the nearest;
 * FO_NONE when none is close enough. s is meant to be unknown: a candidate
 * equal to s is never suggested. Candidates whose length differs from s's by
 * more than the threshold are skipped after one length comparison.
 * O(n * len * threshold) worst case, O(n) for candidates of other lengths;
 * about 0.05 s for a million ids. */
uint32_t fo_suggest_best(const char *s, fo_suggest_get get, void *ctx, uint32_t n);

/* The nearest of a NULL-terminated list of words to s, or NULL. */
const char *fo_suggest_word(const char *s, const char *const *words);

/* The id of the node of g nearest to s, or NULL (borrowed from g).
 * O(nodes) as fo_suggest_best. */
const char *fo_suggest_id(const fo_graph *g, const char *s);

/* The documented kind word (docs/inventory-format.md, "Kinds": the
 * canonical kinds, then the vendor aliases) nearest to s, or NULL; static.
 * O(number of kinds * len). */
const char *fo_suggest_kind(const char *s);

#endif
