/*
 * failmalloc.h — a malloc that fails on request, for the fault-injection
 * test (tests/unit/test_faults.c; design in tests/unit/README.md).
 *
 * failmalloc.c defines malloc, calloc, realloc, reallocarray, free and the
 * aligned allocators (posix_memalign, aligned_alloc, memalign, valloc,
 * pvalloc) in the test executable. By ELF symbol interposition they replace
 * glibc's for the whole process — fallout, libxml2, SQLite, igraph, stdio's
 * strdup/open_memstream — and delegate to glibc's __libc_* functions.
 * While armed, allocations are counted and the Nth fails (and, in
 * persistent mode, every one after it). Live blocks and bytes are counted
 * always, so a test can compare them with a baseline to prove no leak.
 *
 * It must not be linked into any other binary, and is compiled to a stub
 * under AddressSanitizer, which owns malloc (fm_unavailable says why).
 * Not thread-aware beyond atomic counters: arm it around single-threaded
 * code only.
 */
#ifndef FO_TEST_FAILMALLOC_H
#define FO_TEST_FAILMALLOC_H

#include <stddef.h>

/* NULL when the hooks are in place and working (checked by a self-test on
 * first call); otherwise why not, e.g. "built with AddressSanitizer". */
const char *fm_unavailable(void);

/* Arms the countdown: the nth allocation from now (n >= 1) fails; with
 * persist, every later one fails too ("fail from N on"), without it only
 * that one ("fail once"). Resets the counters below. */
void fm_arm(unsigned long n, int persist);

/* Disarms; returns how many allocations were made to fail since fm_arm. */
unsigned long fm_disarm(void);

/* Allocation calls seen since the last fm_arm (failed ones included). */
unsigned long fm_calls(void);

/* Blocks currently allocated, and their usable bytes, process-wide. */
long fm_live_blocks(void);
long fm_live_bytes(void);

#endif
