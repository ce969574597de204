/*
 * golden.h — golden-file comparison and in-memory capture of FILE output,
 * for tests of writers whose output is a byte-exact contract.
 *
 * Golden files live in tests/golden/ (tests run from the repository root).
 * FO_UPDATE_GOLDEN=1 in the environment rewrites them from the current
 * output instead of comparing; review the diff before committing.
 */
#ifndef FO_TEST_GOLDEN_H
#define FO_TEST_GOLDEN_H

#include <stddef.h>
#include <stdio.h>

/* A FILE writing into memory (open_memstream). */
typedef struct gold_capture {
	FILE *fp;
	char *buf;
	size_t len;
} gold_capture;

/* Opens a capture; aborts the test program if memory is exhausted. */
FILE *gold_open(gold_capture *c);
/* Closes the FILE; c->buf (NUL-terminated, c->len bytes) stays valid until
 * gold_free. */
void gold_close(gold_capture *c);
void gold_free(gold_capture *c);

/* Compares data with tests/golden/NAME byte for byte. Returns 0 when equal
 * (or after rewriting with FO_UPDATE_GOLDEN=1); otherwise prints the first
 * difference to stderr, writes the actual output next to the golden file as
 * NAME.actual, and returns -1. */
int gold_check(const char *name, const char *data, size_t len);

/* Reads a whole file; *len its size. NULL if it cannot be read. free(). */
char *gold_read(const char *path, size_t *len);

#endif
