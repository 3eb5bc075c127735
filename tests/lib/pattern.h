/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pattern.h - data patterns written to and checked in buffer objects
 * (pattern.c).
 */
#ifndef NVLF_PATTERN_H
#define NVLF_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* 32-bit word @idx of pattern @seed: differs on every word and seed. */
uint32_t pat_word(uint64_t seed, uint64_t idx);
/* words @first_idx.. of pattern @seed into @p */
void pat_fill(volatile uint32_t *p, size_t words, uint64_t seed,
	      uint64_t first_idx);
/* the number of wrong words; the first is described in @msg */
size_t pat_check(const volatile uint32_t *p, size_t words, uint64_t seed,
		 uint64_t first_idx, char *msg, size_t msglen);

#endif /* NVLF_PATTERN_H */
