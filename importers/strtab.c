/*
 * strtab.c — the importers' string → index table (strtab_int.h).
 */
#include "strtab_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "scan.h"

int fo_imp__strtab_find(const fo_imp__strtab *t, const char *k, size_t n, uint32_t *out)
{
	if (!t->cap)
		return 0;
	size_t i = (size_t)fo_scan__hash(k, n) & (t->cap - 1);
	while (t->k[i]) {
		if (t->klen[i] == n && !memcmp(t->k[i], k, n)) {
			*out = t->v[i];
			return 1;
		}
		i = (i + 1) & (t->cap - 1);
	}
	return 0;
}

/* Doubles the table (from 64 slots), moving the keys without copying them. */
static int strtab_grow(fo_imp__strtab *t)
{
	size_t nc = t->cap ? t->cap * 2 : 64;
	if (nc > SIZE_MAX / sizeof(char *))
		return FO_ENOMEM;
	fo_imp__strtab u = { calloc(nc, sizeof *u.k), calloc(nc, sizeof *u.klen),
			     calloc(nc, sizeof *u.v), nc, t->n };
	if (!u.k || !u.klen || !u.v) {
		free(u.k);
		free(u.klen);
		free(u.v);
		return FO_ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->k[i])
			continue;
		size_t j = (size_t)fo_scan__hash(t->k[i], t->klen[i]) & (nc - 1);
		while (u.k[j])
			j = (j + 1) & (nc - 1);
		u.k[j] = t->k[i];
		u.klen[j] = t->klen[i];
		u.v[j] = t->v[i];
	}
	free(t->k);
	free(t->klen);
	free(t->v);
	*t = u;
	return FO_OK;
}

int fo_imp__strtab_put(fo_imp__strtab *t, const char *k, size_t n, uint32_t v)
{
	if ((t->n + 1) * 2 > t->cap && strtab_grow(t) < 0)
		return FO_ENOMEM;
	if (n == SIZE_MAX)
		return FO_ENOMEM;
	char *c = malloc(n + 1);
	if (!c)
		return FO_ENOMEM;
	memcpy(c, k, n);
	c[n] = '\0';
	size_t i = (size_t)fo_scan__hash(k, n) & (t->cap - 1);
	while (t->k[i])
		i = (i + 1) & (t->cap - 1);
	t->k[i] = c;
	t->klen[i] = n;
	t->v[i] = v;
	t->n++;
	return FO_OK;
}

void fo_imp__strtab_free(fo_imp__strtab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->k[i]);
	free(t->k);
	free(t->klen);
	free(t->v);
	memset(t, 0, sizeof *t);
}
