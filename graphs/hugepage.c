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

/* ---------------------------------------------------------------- prefault
 * A compiled load writes some 200 MB of fresh memory; on a virtual machine
 * the kernel's zeroing of those pages (and the host's backing of them) costs
 * several times the copy itself. A second thread asks the kernel to back
 * the arrays (MADV_POPULATE_WRITE: the page faults of a write, without
 * writing) from the last array backwards while the reader fills them from
 * the first forwards, so that the two cores share the faults; it stops
 * where the reader has got to. Only a hint: without a second core, the
 * call, or the thread, the reader takes the faults itself. */

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct fo_blob_prefault {
	pthread_t th;
	fo_graph_blob_part parts[FO_BLOB_PREFAULT_MAX];
	int count;
	atomic_int reached; /* the reader writes parts[0 .. reached] */
	atomic_int stop;
};

static void *prefault_main(void *arg)
{
#ifdef MADV_POPULATE_WRITE
	fo_blob_prefault *pf = arg;
	const uintptr_t step = (uintptr_t)2 << 20;
	long ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0)
		return NULL;
	for (int i = pf->count - 1; i >= 0; i--) {
		uintptr_t a = (uintptr_t)pf->parts[i].p, end = a + (uintptr_t)pf->parts[i].bytes;
		a = (a + (uintptr_t)ps - 1) & ~((uintptr_t)ps - 1);
		end &= ~((uintptr_t)ps - 1);
		while (end > a) {
			if (atomic_load_explicit(&pf->stop, memory_order_relaxed) ||
			    atomic_load_explicit(&pf->reached, memory_order_relaxed) >= i)
				return NULL;
			uintptr_t lo = end - a > step ? end - step : a;
			if (madvise((void *)lo, end - lo, MADV_POPULATE_WRITE) != 0)
				return NULL; /* an older kernel: the reader faults */
			end = lo;
		}
	}
#else
	(void)arg;
#endif
	return NULL;
}

int fo_graph_blob_prefault_start(fo_blob_prefault **out, const fo_graph_blob_part *parts, int count)
{
	uint64_t total = 0;
	fo_blob_prefault *pf;

	*out = NULL;
	if (count > FO_BLOB_PREFAULT_MAX)
		count = FO_BLOB_PREFAULT_MAX;
	for (int i = 0; i < count; i++)
		total += parts[i].bytes;
	if (total < ((uint64_t)64 << 20) || !(pf = calloc(1, sizeof *pf)))
		return 0; /* not worth a thread; or no memory: no hint */
	for (int i = 0; i < count; i++)
		pf->parts[i] = parts[i];
	pf->count = count;
	atomic_init(&pf->reached, -1);
	atomic_init(&pf->stop, 0);
	if (pthread_create(&pf->th, NULL, prefault_main, pf) != 0) {
		free(pf);
		return 0;
	}
	*out = pf;
	return 1;
}

void fo_graph_blob_prefault_reached(fo_blob_prefault *pf, int part)
{
	if (pf)
		atomic_store_explicit(&pf->reached, part, memory_order_relaxed);
}

void fo_graph_blob_prefault_stop(fo_blob_prefault *pf)
{
	if (!pf)
		return;
	atomic_store_explicit(&pf->stop, 1, memory_order_relaxed);
	pthread_join(pf->th, NULL);
	free(pf);
}
