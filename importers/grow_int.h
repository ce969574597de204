/*
 * grow_int.h — the importers' one array growth (internal to importers/).
 *
 * fo_imp__grow(&p, &alloc, need, size) makes room for `need` elements of
 * `size` bytes in the realloc'd array p holding `alloc`, doubling from 16,
 * and refuses (FO_ENOMEM, p and alloc unchanged) a count whose byte size
 * would overflow: the readers' counts come from hostile input. Amortised
 * O(1) per element.
 */
#ifndef FO_GROW_INT_H
#define FO_GROW_INT_H

#include <stdint.h>
#include <stdlib.h>

#include "../graphs/fo_error.h"

static inline int fo_imp__grow(void **p, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return FO_OK;
	size_t na = *alloc ? *alloc : 16;
	while (na < need) {
		if (na > SIZE_MAX / 2 / size)
			return FO_ENOMEM;
		na *= 2;
	}
	void *q = realloc(*p, na * size);
	if (!q)
		return FO_ENOMEM;
	*p = q;
	*alloc = na;
	return FO_OK;
}

#endif
