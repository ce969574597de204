/*
 * suggest.c — "did you mean" (fo_suggest.h): a bounded optimal string
 * alignment distance and a nearest-candidate search that rejects most
 * candidates on their length alone.
 */
#include "fo_suggest.h"

#include <string.h>

size_t fo_suggest_threshold(size_t n)
{
	size_t t = n / 3;
	return t < 1 ? 1 : t > 3 ? 3 : t;
}

size_t fo_suggest_distance(const char *a, size_t na, const char *b, size_t nb, size_t max)
{
	/* Three rows of the table (i - 2, i - 1, i), each cell capped at
	 * max + 1: uint16_t is enough and the rows fit on the stack. */
	uint16_t rows[3][FO_SUGGEST_MAX_LEN + 2];
	uint16_t *r2 = rows[0], *r1 = rows[1], *r0 = rows[2];
	size_t inf = max + 1;

	while (na && nb && *a == *b)
		a++, b++, na--, nb--;
	while (na && nb && a[na - 1] == b[nb - 1])
		na--, nb--;
	if ((na > nb ? na - nb : nb - na) > max)
		return inf;
	if (!na || !nb)
		return na + nb; /* the difference of lengths, at most max */
	if (na > FO_SUGGEST_MAX_LEN || nb > FO_SUGGEST_MAX_LEN || max >= UINT16_MAX - 2)
		return inf;
	for (size_t j = 0; j <= nb + 1; j++)
		r2[j] = r0[j] = (uint16_t)inf;
	for (size_t j = 0; j <= nb + 1; j++)
		r1[j] = (uint16_t)(j <= max && j <= nb ? j : inf);
	for (size_t i = 1; i <= na; i++) {
		size_t lo = i > max ? i - max : 1, hi = i + max < nb ? i + max : nb;
		size_t rowmin = inf;
		r0[0] = (uint16_t)(i <= max ? i : inf);
		if (lo > 1)
			r0[lo - 1] = (uint16_t)inf;
		if (r0[0] < rowmin)
			rowmin = r0[0];
		for (size_t j = lo; j <= hi; j++) {
			size_t v = (size_t)r1[j - 1] + (a[i - 1] != b[j - 1]);
			if ((size_t)r1[j] + 1 < v)
				v = (size_t)r1[j] + 1;
			if ((size_t)r0[j - 1] + 1 < v)
				v = (size_t)r0[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    (size_t)r2[j - 2] + 1 < v)
				v = (size_t)r2[j - 2] + 1;
			if (v > inf)
				v = inf;
			r0[j] = (uint16_t)v;
			if (v < rowmin)
				rowmin = v;
		}
		if (hi < nb)
			r0[hi + 1] = (uint16_t)inf;
		/* A row entirely beyond max stays so: every later cell comes
		 * from this row or, by a transposition (+1), the one before. */
		if (rowmin > max)
			return inf;
		uint16_t *t = r2;
		r2 = r1;
		r1 = r0;
		r0 = t;
	}
	return r1[nb] > inf ? inf : r1[nb];
}

uint32_t fo_suggest_best(const char *s, fo_suggest_get get, void *ctx, uint32_t n)
{
	size_t ls = strlen(s), t = fo_suggest_threshold(ls), best = t + 1;
	uint32_t pick = FO_NONE;

	for (uint32_t i = 0; i < n && best > 1; i++) {
		size_t lc;
		const char *c = get(ctx, i, &lc);
		if (!c || (lc > ls ? lc - ls : ls - lc) >= best)
			continue;
		size_t d = fo_suggest_distance(s, ls, c, lc, best - 1);
		/* d < the longer length: something typed is kept ('b' is
		 * not a typo of 'a'). */
		if (d > 0 && d < best && d < (lc > ls ? lc : ls)) {
			best = d;
			pick = i;
		}
	}
	return pick;
}

static const char *word_at(void *ctx, uint32_t i, size_t *len)
{
	const char *w = ((const char *const *)ctx)[i];
	*len = strlen(w);
	return w;
}

const char *fo_suggest_word(const char *s, const char *const *words)
{
	uint32_t n = 0;
	while (words[n])
		n++;
	uint32_t i = fo_suggest_best(s, word_at, (void *)words, n);
	return i == FO_NONE ? NULL : words[i];
}

static const char *id_at(void *ctx, uint32_t i, size_t *len)
{
	const char *id = fo_graph_node_id(ctx, i);
	*len = strlen(id);
	return id;
}

const char *fo_suggest_id(const fo_graph *g, const char *s)
{
	uint32_t i = fo_suggest_best(s, id_at, (void *)g, fo_graph_node_count(g));
	return i == FO_NONE ? NULL : fo_graph_node_id(g, i);
}

static const char *kind_at(void *ctx, uint32_t i, size_t *len)
{
	(void)ctx;
	const char *w = i + 1 < FO_KIND__COUNT ? fo_kind_name((fo_kind)(i + 1))
					       : fo_kind_alias(i + 1 - FO_KIND__COUNT);
	*len = w ? strlen(w) : 0;
	return w;
}

const char *fo_suggest_kind(const char *s)
{
	uint32_t n = FO_KIND__COUNT - 1;
	while (fo_kind_alias(n + 1 - FO_KIND__COUNT))
		n++;
	uint32_t i = fo_suggest_best(s, kind_at, NULL, n);
	return i == FO_NONE ? NULL : kind_at(NULL, i, &(size_t){ 0 });
}
