/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * csum.h - the Internet checksum (RFC 1071): a ones' complement sum of
 * 16-bit words, alone or in the same pass as a copy.  No I/O, no state.
 *
 * Sums are of the words as they lie in memory (host order), so a folded
 * result stored back with memcpy() has the right bytes on either
 * endianness (RFC 1071 section 2(B)); values in host order (lengths,
 * the protocol) enter a sum through htons().  Every sum starts at an even
 * offset of the data it covers.
 */
#ifndef TAPSW_CSUM_H
#define TAPSW_CSUM_H

#include "tapsw.h"

/**
 * csum_add() - Add @len bytes at @buf to a ones' complement sum.
 * @buf: The bytes (any alignment); an odd last byte is padded with zero.
 * @len: How many.
 * @sum: The sum so far (0 to start), below 2^62.
 *
 * Return: the new sum, below 2^63, to fold with csum_fold().
 */
uint64_t csum_add(const void *buf, size_t len, uint64_t sum);

/**
 * csum_copy() - Copy @len bytes from @src to @dst and sum them.
 * @dst: Where they go (any alignment, not overlapping @src).
 * @src: The bytes.
 * @len: How many.
 * @sum: As csum_add()'s.
 *
 * One pass over the data instead of memcpy() and csum_add(): for payloads
 * that are copied anyway (segmentation, coalescing).
 *
 * Return: as csum_add()'s.
 */
uint64_t csum_copy(void *dst, const void *src, size_t len, uint64_t sum);

/**
 * csum_fold() - Fold a csum_add() sum to 16 bits.
 * @sum: The sum.
 *
 * Return: the folded sum, not complemented (0xffff: a checksum that
 * verifies).
 */
uint16_t csum_fold(uint64_t sum);

#endif /* TAPSW_CSUM_H */
