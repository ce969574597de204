/*
 * fuzz_common.h — what the libFuzzer harnesses of tests/fuzz/ share: a
 * private temporary file for the input bytes (the readers take paths, not
 * buffers), the output checks the issue asks for (JSON well-formed, valid
 * UTF-8, DOT read back by cgraph, every error located), and the one way a
 * check fails: a message on stderr, then abort(), so that libFuzzer keeps the
 * input as a crash file and prints how to reproduce it.
 *
 * Test code only: it may abort (the library never does).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../graphs/fo_diag.h"

/* Prints "fuzz check failed: ..." and aborts. */
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A per-process file, "<dir>/<stem><suffix>", in a private directory under
 * $FALLOUT_FUZZ_TMP, else /dev/shm (memory, no disk wear), else $TMPDIR or
 * /tmp; the directory is removed at exit. Returns the path (static storage). */
const char *fz_path(const char *stem, const char *suffix);
/* Replaces the file's content with data. Aborts when it cannot (a harness
 * that cannot write its input has nothing to test). */
void fz_write(const char *path, const uint8_t *data, size_t size);
/* Removes path and SQLite's companions (-wal, -shm, -journal). */
void fz_unlink_db(const char *path);

/* Checks: each aborts with `what` in the message when the output is wrong. */
void fz_check_utf8(const char *what, const char *buf, size_t len);
void fz_check_json(const char *what, const char *buf, size_t len);
void fz_check_dot(const char *what, const char *buf, size_t len);
/* After a failed load: at least one error is stored, and every stored error
 * has a message and names `file` (when non-NULL: the file it is about), and,
 * when need_line (text formats; a database has no lines), a line and a
 * column. */
void fz_check_diag_located(const char *what, const fo_diag *d, const char *file, int need_line);

/* A 32-bit FNV-1a hash of the input: picks the what-if nodes, so that the
 * same input always runs the same scenario. */
uint32_t fz_hash(const uint8_t *data, size_t size);

/* FALLOUT_FUZZ_STRICT=1 in the environment: also demand the documented error
 * codes (not only "an error with a message"); see tests/fuzz/README.md. */
int fz_strict(void);

#include "../../graphs/fo_graph.h"

/* One output into memory (open_memstream): fz_mb_open gives the stream;
 * fz_mb_close closes it and aborts the run (fz_fail) when the close failed or
 * err, the writer's status, is not FO_OK. buf is the caller's to free(). */
typedef struct fz_membuf {
	char *buf;
	size_t len;
	FILE *fp;
} fz_membuf;
FILE *fz_mb_open(fz_membuf *m);
void fz_mb_close(fz_membuf *m, const char *what, int err);

/* Runs a what-if of up to three nodes picked by `seed` over g, writes every
 * report of it to memory and checks each: whatif JSON, text (with every
 * impacted node), CSV, the batch impacts CSV, explanations of a few
 * impacted nodes, the DOT diagram (read back by cgraph) and, when `spof`,
 * the SPOF analysis as JSON, text and CSV. Aborts on a library error other
 * than the documented refusals (a diagram over the node limit). Text and
 * CSV must be valid UTF-8 whatever the source: XML is UTF-8, and the
 * snapshot loader refuses stored text that is not (docs/snapshots.md). */
void fz_check_outputs(const fo_graph *g, uint32_t seed, int spof);

#endif
