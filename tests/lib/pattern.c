// SPDX-License-Identifier: GPL-2.0
/*
 * pattern.c - data patterns written to and checked in buffer objects:
 * every 32-bit word of every pattern differs.
 */
#include "pattern.h"

#include <stdio.h>

/* 32-bit word @idx of pattern @seed: differs on every word and seed. */
uint32_t pat_word(uint64_t seed, uint64_t idx)
{
	uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ull ^
		     (idx + 1) * 0xd1b54a32d192ed03ull;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	return (uint32_t)(x ^ (x >> 32));
}

void pat_fill(volatile uint32_t *p, size_t words, uint64_t seed,
	      uint64_t first_idx)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = pat_word(seed, first_idx + i);
}

/*
 * Compare @words words with a pattern.  Returns the number of wrong words;
 * the first is described in @msg.
 */
size_t pat_check(const volatile uint32_t *p, size_t words,
		 uint64_t seed, uint64_t first_idx, char *msg,
		 size_t msglen)
{
	size_t i, bad = 0;

	if (msglen)
		msg[0] = '\0';
	for (i = 0; i < words; i++) {
		uint32_t want = pat_word(seed, first_idx + i);
		uint32_t got = p[i];

		if (got == want)
			continue;
		if (!bad++ && msglen)
			snprintf(msg, msglen,
				 "word %zu (byte 0x%zx): expected 0x%08x, got 0x%08x",
				 (size_t)(first_idx + i),
				 (size_t)(first_idx + i) * 4, want, got);
	}
	return bad;
}
