/*
 * fo_sha256.h — SHA-256 (FIPS 180-4), for the fingerprint of the inventory
 * file a snapshot was imported from. Small and dependency-free: fallout does
 * not link a crypto library for one checksum.
 */
#ifndef FO_SHA256_H
#define FO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "fo_diag.h"

typedef struct fo_sha256_ctx {
	uint32_t h[8];
	uint64_t bytes;   /* message length so far */
	uint8_t buf[64];  /* pending partial block */
	size_t used;
} fo_sha256_ctx;

/* Caller-owned context: init, update any number of times, final. No heap. */
void fo_sha256_init(fo_sha256_ctx *c);
void fo_sha256_update(fo_sha256_ctx *c, const void *data, size_t len);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex. */
void fo_sha256_final(fo_sha256_ctx *c, char hex[65]);

/* Digest of a file's bytes as lowercase hex. Errors: FO_EIO (cannot open or
 * read: "FILE: error: ..." on diag, which may be NULL), FO_EINVAL.
 * O(file size), constant memory. */
int fo_sha256_file(char hex[65], const char *path, fo_diag *diag);

#endif
