/*
 * strtab_int.h — the importers' string → index table (internal to
 * importers/): open addressing with linear probing, keys copied (any bytes,
 * NUL included, given with their length), at most half full, hashed with the
 * scanner's hash (fo_scan__hash). A zeroed fo_imp__strtab is an empty table.
 * Used by the GraphML and CMDB readers for names of hostile input, so a
 * growth that cannot be allocated leaves the table as it was.
 */
#ifndef FO_STRTAB_INT_H
#define FO_STRTAB_INT_H

#include <stddef.h>
#include <stdint.h>

typedef struct fo_imp__strtab {
	char **k;     /* NULL: empty slot; else an owned copy, NUL-terminated */
	size_t *klen;
	uint32_t *v;
	size_t cap, n; /* cap: 0 or a power of two */
} fo_imp__strtab;

/* 1 and *out = the value when k[0..n) is in t, else 0. O(1) expected. */
int fo_imp__strtab_find(const fo_imp__strtab *t, const char *k, size_t n, uint32_t *out);

/* Adds k[0..n) -> v; k must not be in t. FO_OK or FO_ENOMEM (t unchanged).
 * Amortised O(1 + n). */
int fo_imp__strtab_put(fo_imp__strtab *t, const char *k, size_t n, uint32_t v);

/* Frees every key and the arrays; t is empty (zeroed) after. */
void fo_imp__strtab_free(fo_imp__strtab *t);

#endif
