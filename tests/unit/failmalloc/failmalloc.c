/*
 * failmalloc.c — glibc's allocator behind a countdown that makes the Nth
 * allocation fail (the idea of SQLite's test_malloc.c, done by symbol
 * interposition because the libraries fallout uses call malloc directly).
 *
 * The definitions below are in the test executable, so the dynamic linker
 * binds every library's malloc, free, ... to them, glibc's own internal
 * callers (strdup, open_memstream, fopen, tmpfile) included; they forward to
 * glibc's exported __libc_* entry points. Every function that hands out or
 * takes back a block is defined here, reallocarray included (glibc's calls
 * __libc_realloc directly and would escape the live-byte count), so the
 * counts stay exact. Only in this test binary: never in tests/unit/helpers/,
 * which every unit test links.
 */
#define _GNU_SOURCE
#include "failmalloc.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)

/* AddressSanitizer replaces malloc itself; defining it again would take
 * its place and blind it. The test skips. */
const char *fm_unavailable(void)
{
	return "built with AddressSanitizer, which owns malloc";
}
void fm_arm(unsigned long n, int persist)
{
	(void)n;
	(void)persist;
}
unsigned long fm_disarm(void)
{
	return 0;
}
unsigned long fm_calls(void)
{
	return 0;
}
long fm_live_blocks(void)
{
	return 0;
}
long fm_live_bytes(void)
{
	return 0;
}

#else

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);
void *__libc_memalign(size_t align, size_t size);
void *__libc_valloc(size_t size);
void *__libc_pvalloc(size_t size);

static int armed;
static int persist_;
static unsigned long target, calls, failed;
static long live_blocks, live_bytes;

/* Every injected failure passes here: `break fm_injected` in gdb shows
 * who made the allocation that failed. */
void fm_injected(unsigned long n);
__attribute__((noinline)) void fm_injected(unsigned long n)
{
	__asm__ volatile("" : : "r"(n) : "memory");
}

/* Counts one allocation call while armed; true when it must fail. */
static int must_fail(void)
{
	if (!__atomic_load_n(&armed, __ATOMIC_RELAXED))
		return 0;
	unsigned long c = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	if (c == target || (persist_ && c > target)) {
		__atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
		fm_injected(c);
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

static void *track(void *p)
{
	if (p) {
		__atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&live_bytes, (long)malloc_usable_size(p), __ATOMIC_RELAXED);
	}
	return p;
}

static void untrack(void *p)
{
	if (p) {
		__atomic_sub_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&live_bytes, (long)malloc_usable_size(p), __ATOMIC_RELAXED);
	}
}

void *malloc(size_t size)
{
	return must_fail() ? NULL : track(__libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
	return must_fail() ? NULL : track(__libc_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	if (size == 0) { /* glibc frees and returns NULL */
		untrack(p);
		__libc_free(p);
		return NULL;
	}
	if (must_fail())
		return NULL; /* p stays valid, as with a real failure */
	long old = (long)malloc_usable_size(p);
	void *q = __libc_realloc(p, size);
	if (q) {
		__atomic_sub_fetch(&live_bytes, old, __ATOMIC_RELAXED);
		__atomic_add_fetch(&live_bytes, (long)malloc_usable_size(q), __ATOMIC_RELAXED);
	}
	return q;
}

void *reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

void free(void *p)
{
	untrack(p);
	__libc_free(p);
}

void *memalign(size_t align, size_t size)
{
	return must_fail() ? NULL : track(__libc_memalign(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	void *p = memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	return must_fail() ? NULL : track(__libc_valloc(size));
}

void *pvalloc(size_t size)
{
	return must_fail() ? NULL : track(__libc_pvalloc(size));
}

void fm_arm(unsigned long n, int persist)
{
	__atomic_store_n(&armed, 0, __ATOMIC_SEQ_CST);
	target = n;
	persist_ = persist;
	calls = 0;
	failed = 0;
	__atomic_store_n(&armed, 1, __ATOMIC_SEQ_CST);
}

unsigned long fm_disarm(void)
{
	__atomic_store_n(&armed, 0, __ATOMIC_SEQ_CST);
	return failed;
}

unsigned long fm_calls(void)
{
	return __atomic_load_n(&calls, __ATOMIC_RELAXED);
}

long fm_live_blocks(void)
{
	return __atomic_load_n(&live_blocks, __ATOMIC_RELAXED);
}

long fm_live_bytes(void)
{
	return __atomic_load_n(&live_bytes, __ATOMIC_RELAXED);
}

/* Called through volatile pointers so that the compiler cannot fold the
 * calls away (it may remove a malloc whose result is only freed). */
static void *(*volatile malloc_p)(size_t) = malloc;
static char *(*volatile strdup_p)(const char *) = strdup;

const char *fm_unavailable(void)
{
	static int checked;
	static const char *why;
	const char *pre = getenv("LD_PRELOAD");

	if (checked)
		return why;
	checked = 1;
	/* Valgrind's preload replaces glibc's allocator under ours; the hooks
	 * would still work, but the quadratic run takes minutes there. */
	if (pre && strstr(pre, "vgpreload")) {
		why = "running under valgrind (too slow for a run per allocation)";
		return why;
	}
	long blocks = fm_live_blocks();
	fm_arm(1, 0);
	void *p = malloc_p(16);
	unsigned long n = fm_disarm();
	free(p);
	if (p || n != 1 || fm_live_blocks() != blocks) {
		why = "malloc is not interposed (the executable's malloc is not the one called)";
		return why;
	}
	fm_arm(1, 0);
	char *s = strdup_p("x");
	n = fm_disarm();
	free(s);
	if (s || n != 1)
		why = "glibc's internal allocations (strdup) bypass the interposed malloc";
	return why;
}

#endif
