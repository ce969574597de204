/*
 * diff.c — structural diff of two inventories (fo_diff.h).
 *
 * Groups are compared through a canonical key: the type byte, the owner's id
 * and the members' ids sorted bytewise, each ended by a NUL (ids never
 * contain NUL: XML cannot carry it), so two groups have equal keys exactly
 * when they are the same dependency up to K. Both sides' keys are sorted and
 * merged in one walk.
 */
#include "fo_diff.h"

#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"

typedef struct gkey {
	char *key;
	size_t len;
	uint32_t group;
	uint32_t k;
} gkey;

static int cmp_idp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Bytewise order of keys (a proper prefix first). */
static int key_cmp(const gkey *a, const gkey *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static int cmp_gkey(const void *pa, const void *pb)
{
	const gkey *a = pa, *b = pb;
	int c = key_cmp(a, b);
	return c ? c : (a->group > b->group) - (a->group < b->group);
}

static void free_keys(gkey *k, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		free(k[i].key);
	free(k);
}

/* Builds and sorts the canonical key of every group of g. */
static int group_keys(const fo_graph *g, gkey **out)
{
	int err = FO_OK;
	uint32_t ng = fo_graph_group_count(g);
	gkey *k = calloc(ng ? ng : 1, sizeof *k);
	const char **ids = NULL;
	size_t maxn = 0;

	*out = NULL;
	if (!k)
		return FO_ENOMEM;
	for (uint32_t gi = 0; gi < ng; gi++) {
		fo_group_info info;
		fo_graph_group(g, gi, &info);
		if (info.n > maxn)
			maxn = info.n;
	}
	if (!(ids = malloc((maxn ? maxn : 1) * sizeof *ids))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t gi = 0; gi < ng; gi++) {
		fo_group_info info;
		fo_graph_group(g, gi, &info);
		const char *owner = fo_graph_node_id(g, info.owner);
		size_t len = 1 + strlen(owner) + 1;
		for (uint32_t m = 0; m < info.n; m++) {
			ids[m] = fo_graph_node_id(g, info.members[m]);
			len += strlen(ids[m]) + 1;
		}
		qsort(ids, info.n, sizeof *ids, cmp_idp);
		char *p = malloc(len);
		if (!p) {
			err = FO_ENOMEM;
			goto done;
		}
		k[gi] = (gkey){ p, len, gi, info.k };
		*p++ = (char)info.type;
		size_t l = strlen(owner) + 1;
		memcpy(p, owner, l);
		p += l;
		for (uint32_t m = 0; m < info.n; m++) {
			l = strlen(ids[m]) + 1;
			memcpy(p, ids[m], l);
			p += l;
		}
	}
	qsort(k, ng, sizeof *k, cmp_gkey);
	*out = k;
	k = NULL;
done:
	free_keys(k, ng);
	free(ids);
	return err;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static unsigned node_fields(const fo_graph *a, uint32_t x, const fo_graph *b, uint32_t y)
{
	unsigned f = 0;
	const fo_prop *pa, *pb;
	size_t na = fo_graph_node_props(a, x, &pa), nb = fo_graph_node_props(b, y, &pb);

	if (strcmp(fo_graph_node_kind_word(a, x), fo_graph_node_kind_word(b, y)))
		f |= FO_DIFF_KIND;
	if (!same_str(fo_graph_node_name(a, x), fo_graph_node_name(b, y)))
		f |= FO_DIFF_NAME;
	if (!same_str(fo_graph_node_tenant(a, x), fo_graph_node_tenant(b, y)))
		f |= FO_DIFF_TENANT;
	if (fo_graph_node_tier(a, x) != fo_graph_node_tier(b, y))
		f |= FO_DIFF_TIER;
	if (na != nb)
		f |= FO_DIFF_PROPS;
	for (size_t i = 0; i < na && !(f & FO_DIFF_PROPS); i++)
		if (strcmp(pa[i].key, pb[i].key) || strcmp(pa[i].value, pb[i].value))
			f |= FO_DIFF_PROPS;
	return f;
}

/* Appends to a growable array of T. */
#define PUSH(arr, len, alloc, val)                                                  \
	do {                                                                        \
		if ((len) == (alloc)) {                                             \
			size_t na_ = (alloc) ? (alloc) * 2 : 16;                    \
			void *np_ = realloc((arr), na_ * sizeof *(arr));            \
			if (!np_) {                                                 \
				err = FO_ENOMEM;                                    \
				goto done;                                          \
			}                                                           \
			(arr) = np_;                                                \
			(alloc) = na_;                                              \
		}                                                                   \
		(arr)[(len)++] = (val);                                             \
	} while (0)

void fo_diff_dispose(fo_diff *d)
{
	if (!d)
		return;
	free(d->nodes);
	free(d->deps);
	memset(d, 0, sizeof *d);
}

static int cmp_dep_after(const void *pa, const void *pb)
{
	const fo_diff_dep *a = pa, *b = pb;
	/* removed (before's order) first, then the rest in after's order */
	int ra = a->after == FO_NONE, rb = b->after == FO_NONE;
	if (ra != rb)
		return ra ? -1 : 1;
	uint32_t x = ra ? a->before : a->after, y = ra ? b->before : b->after;
	return (x > y) - (x < y);
}

int fo_diff_graphs(fo_diff *out, const fo_graph *before, const fo_graph *after)
{
	int err = FO_OK;
	gkey *kb = NULL, *ka = NULL;
	uint32_t nb = fo_graph_group_count(before), na = fo_graph_group_count(after);
	size_t nalloc = 0, dalloc = 0;
	uint32_t y;

	memset(out, 0, sizeof *out);
	for (uint32_t x = 0; x < fo_graph_node_count(before); x++)
		if (fo_graph_lookup(after, fo_graph_node_id(before, x), &y) != FO_OK)
			PUSH(out->nodes, out->nnodes, nalloc,
			     ((fo_diff_node){ FO_DIFF_REMOVED, x, FO_NONE, 0 }));
	for (uint32_t x = 0; x < fo_graph_node_count(after); x++) {
		if (fo_graph_lookup(before, fo_graph_node_id(after, x), &y) != FO_OK) {
			PUSH(out->nodes, out->nnodes, nalloc,
			     ((fo_diff_node){ FO_DIFF_ADDED, FO_NONE, x, 0 }));
			continue;
		}
		unsigned f = node_fields(before, y, after, x);
		if (f)
			PUSH(out->nodes, out->nnodes, nalloc,
			     ((fo_diff_node){ FO_DIFF_CHANGED, y, x, f }));
	}

	if ((err = group_keys(before, &kb)) < 0 || (err = group_keys(after, &ka)) < 0)
		goto done;
	size_t i = 0, j = 0;
	while (i < nb || j < na) {
		int c = i == nb ? 1 : j == na ? -1 : key_cmp(&kb[i], &ka[j]);
		if (c < 0) {
			PUSH(out->deps, out->ndeps, dalloc,
			     ((fo_diff_dep){ FO_DIFF_REMOVED, kb[i].group, FO_NONE }));
			i++;
		} else if (c > 0) {
			PUSH(out->deps, out->ndeps, dalloc,
			     ((fo_diff_dep){ FO_DIFF_ADDED, FO_NONE, ka[j].group }));
			j++;
		} else {
			if (kb[i].k != ka[j].k)
				PUSH(out->deps, out->ndeps, dalloc,
				     ((fo_diff_dep){ FO_DIFF_CHANGED, kb[i].group, ka[j].group }));
			i++;
			j++;
		}
	}
	if (out->ndeps)
		qsort(out->deps, out->ndeps, sizeof *out->deps, cmp_dep_after);
done:
	free_keys(kb, nb);
	free_keys(ka, na);
	if (err < 0)
		fo_diff_dispose(out);
	return err;
}
