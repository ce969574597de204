/*
 * fo_xxh64.h — XXH64 (the 64-bit xxHash of Yann Collet, reference
 * specification: github.com/Cyan4973/xxHash doc/xxhash_spec.md), the
 * checksum of a snapshot's compiled copy (docs/snapshots.md). Not a
 * cryptographic hash: it detects accidental damage (a flipped bit, a cut
 * blob) at several GB/s, where the sha256 of fo_sha256.h runs at a few
 * hundred MB/s. Small and dependency-free, like fo_sha256.h.
 */
#ifndef FO_XXH64_H
#define FO_XXH64_H

#include <stddef.h>
#include <stdint.h>

/* XXH64 of the n bytes at p (p may be NULL when n is 0) with seed. The
 * result is the specification's for any alignment of p and on either byte
 * order (the input is read as little-endian words). O(n), no heap. */
uint64_t fo_xxh64(const void *p, size_t n, uint64_t seed);

#endif
