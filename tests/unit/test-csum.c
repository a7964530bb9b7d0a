// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-csum.c - csum_add() and csum_copy() against RFC 1071 summed the
 * slow way (16-bit big-endian words, end-around carry), on lengths that
 * end inside and after the 32-byte loop, odd lengths, every alignment,
 * sums carried in from before, all-0xff data (the largest lane values)
 * and a buffer past the block at which the lanes are emptied.
 */
#include "tapsw/tapsw.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/csum.h"
#include "tap.h"

enum { BIG = (3 << 20) + 7 };	/* past two of csum.c's 1 MiB blocks */

/* RFC 1071 section 4.1, on network-order words: the folded sum */
static uint16_t ref_sum(const uint8_t *p, size_t len, uint64_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint64_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint64_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* csum's folded result in network order (it sums in host order) */
static uint16_t our_sum(uint64_t sum)
{
	return ntohs(csum_fold(sum));
}

static uint32_t rnd_state = 12345;

static uint8_t rnd8(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (uint8_t)(rnd_state >> 16);
}

int main(void)
{
	static const size_t lens[] = {
		0, 1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 65,
		1399, 1400, 1448, 9001, 65535, 65536, 65537,
	};
	uint8_t *src = malloc(BIG + 64), *dst = malloc(BIG + 64);
	unsigned int i, align, bad_add = 0, bad_copy = 0, bad_bytes = 0;
	unsigned int cases = 0;
	size_t len;

	if (!src || !dst)
		return 99;
	plan_tests(9);
	for (i = 0; i < BIG + 64; i++)
		src[i] = rnd8();

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (align = 0; align < 8; align++) {
			const uint8_t *p = src + align;
			uint16_t want = ref_sum(p, lens[i], 0);

			len = lens[i];
			cases++;
			if (our_sum(csum_add(p, len, 0)) != want)
				bad_add++;
			memset(dst, 0, len + 16);
			if (our_sum(csum_copy(dst + (7 - align), p, len, 0)) !=
			    want)
				bad_copy++;
			if (memcmp(dst + (7 - align), p, len) ||
			    dst[7 - align + len] != 0)
				bad_bytes++;
		}
	}
	ok(!bad_add, "csum_add matches RFC 1071 (%u of %u cases wrong)",
	   bad_add, cases);
	ok(!bad_copy, "csum_copy's sum matches (%u of %u wrong)", bad_copy,
	   cases);
	ok(!bad_bytes, "csum_copy copies exactly the bytes (%u of %u wrong)",
	   bad_bytes, cases);

	/* a sum carried in: htons(6) + a length, as a pseudo-header */
	ok(our_sum(csum_add(src, 1400, htons(6) + htons(1400))) ==
	   ref_sum(src, 1400, 6 + 1400), "a sum carried in is added");
	/* two halves summed apart, the first even: the same as one */
	ok(csum_fold(csum_add(src + 600, 800, csum_add(src, 600, 0))) ==
	   csum_fold(csum_add(src, 1400, 0)), "sums of pieces add up");

	ok(our_sum(csum_add(src, BIG, 0)) == ref_sum(src, BIG, 0),
	   "a 3 MiB buffer (lanes emptied between blocks)");
	ok(our_sum(csum_copy(dst, src, BIG, 0)) == ref_sum(src, BIG, 0) &&
	   !memcmp(dst, src, BIG), "csum_copy of 3 MiB");

	memset(src, 0xff, BIG);
	ok(our_sum(csum_add(src, BIG, 0)) == ref_sum(src, BIG, 0),
	   "all 0xff: the lanes at their largest do not overflow");
	memset(src, 0, 64);
	ok(csum_fold(csum_add(src, 64, 0)) == 0, "zeros sum to 0");
	free(src);
	free(dst);
	return exit_status();
}
