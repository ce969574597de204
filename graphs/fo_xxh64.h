/*
 * fo_xxh64.h — XXH64 (the 64-bit xxHash of Yann Collet), the checksum of a
 * snapshot's compiled copy (docs/snapshots.md), from Debian's libxxhash
 * (docs/dependencies.md). Not a cryptographic hash: it detects accidental
 * damage (a flipped bit, a cut blob) at several GB/s, where the sha256 of
 * fo_sha256.h runs at a few hundred MB/s; a copy is validated field by field
 * as well, so a forged checksum buys nothing.
 */
#ifndef FO_XXH64_H
#define FO_XXH64_H

#include <stddef.h>
#include <stdint.h>
#include <xxhash.h>

/* XXH64 of the n bytes at p (p may be NULL when n is 0) with seed: the
 * specification's value for any alignment of p and on either byte order.
 * O(n), no heap. */
static inline uint64_t fo_xxh64(const void *p, size_t n, uint64_t seed)
{
	return (uint64_t)XXH64(n ? p : "", n, (XXH64_hash_t)seed);
}

#endif
