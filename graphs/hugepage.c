/*
 * hugepage.c — asks Linux for transparent huge pages on a large block
 * (graph_blob.h). A compiled snapshot's load writes some 200 MB of freshly
 * allocated memory at 1M nodes: with 4 KiB pages that is 50 000 page
 * faults, which cost about as much as reading the data (measured in
 * docs/snapshots.md, "Speed"); with 2 MiB pages, a hundred.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */

#include "graph_blob.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

void fo_graph_blob_hint_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p, end = a + bytes;
	if (!p || ps <= 0 || bytes < ((size_t)2 << 20))
		return;
	a = (a + (uintptr_t)ps - 1) & ~((uintptr_t)ps - 1);
	end &= ~((uintptr_t)ps - 1);
	if (end > a)
		(void)madvise((void *)a, end - a, MADV_HUGEPAGE); /* a hint: failure is fine */
#else
	(void)p;
	(void)bytes;
#endif
}
