/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost_mem.h - a vhost-user guest's memory, as VHOST_USER_SET_MEM_TABLE
 * describes it: up to VHOST_MEM_REGIONS_MAX regions, each a file (memfd,
 * hugetlbfs or /dev/shm file) mapped into tapswd, and the translations
 * from the guest's physical addresses (descriptor buffers) and from QEMU's
 * virtual addresses (the rings, SET_VRING_ADDR) to pointers in tapswd.
 *
 * Every translation takes the length of what will be touched and answers
 * only when all of it lies inside one region; the arithmetic never
 * overflows (a guest can put any 64-bit value in a descriptor).  A buffer
 * that crosses from one region into the next (two regions adjacent in
 * guest-physical space) is walked chunk by chunk with vhost_mem_gpa_chunk();
 * the rings must each lie in one region.
 *
 * Mapping checks what a front-end could get wrong or lie about: region
 * sizes of zero or overflowing, regions overlapping in guest-physical or
 * QEMU-virtual space, and a file shorter than the region claims (touching
 * such a mapping past the end of the file would raise SIGBUS in tapswd).
 * A front-end that shrinks its file after the fact could still do that;
 * QEMU's memory-backend-memfd seals its memfd against shrinking (seal=on,
 * the default).  The guest itself cannot change any of this.
 */
#ifndef TAPSW_VHOST_MEM_H
#define TAPSW_VHOST_MEM_H

#include "tapsw.h"

enum {
	/* VHOST_MEMORY_BASELINE_NREGIONS: what SET_MEM_TABLE can carry */
	VHOST_MEM_REGIONS_MAX = 8,
};

/* one region as SET_MEM_TABLE carries it (VhostUserMemoryRegion) */
struct vhost_mem_desc {
	uint64_t gpa;		/* guest_phys_addr */
	uint64_t size;		/* memory_size */
	uint64_t uva;		/* userspace_addr: QEMU's address of gpa */
	uint64_t mmap_offset;	/* where gpa is in the file */
};

struct vhost_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint8_t *host;		/* tapswd's address of gpa */
	void *map;		/* the mapping, for munmap(); NULL: not ours */
	size_t map_len;
};

struct vhost_mem {
	unsigned int n;
	struct vhost_mem_region r[VHOST_MEM_REGIONS_MAX];
};

/**
 * vhost_mem_map() - Check a memory table and map its regions' files.
 * @m: Where the mapping goes; empty (zeroed, or after vhost_mem_unmap()).
 * @d: The regions.
 * @n: How many (1 to VHOST_MEM_REGIONS_MAX).
 * @fds: The file of each region, in order; not closed here.
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0; or -EINVAL (bad region, overlap, file too short; @why says
 * which), or the negative errno of fstat()/mmap(); @m is then empty.
 */
int vhost_mem_map(struct vhost_mem *m, const struct vhost_mem_desc *d,
		  unsigned int n, const int *fds, char *why, size_t whylen);

/**
 * vhost_mem_unmap() - Unmap the regions vhost_mem_map() mapped.
 * @m: The guest memory; empty afterwards.
 */
void vhost_mem_unmap(struct vhost_mem *m);

/**
 * vhost_mem_gpa_chunk() - Where a guest-physical address is in tapswd, and
 * how much of a buffer there follows it in the same region.
 * @m: The guest memory.
 * @gpa: The buffer's guest-physical address.
 * @len: Its length, at least 1.
 * @chunk: Set to the bytes of [@gpa, @gpa + @len) in @gpa's region.
 *
 * Return: the pointer, with *@chunk set to 1..@len; NULL if @gpa is in no
 * region.
 */
void *vhost_mem_gpa_chunk(const struct vhost_mem *m, uint64_t gpa,
			  uint64_t len, uint64_t *chunk);

/**
 * vhost_mem_gpa() - Where all of a guest-physical range is in tapswd.
 * @m: The guest memory.
 * @gpa: The range's guest-physical address.
 * @len: Its length.
 *
 * Return: the pointer, or NULL unless the whole range is in one region
 * (also for @len 0 outside every region).
 */
void *vhost_mem_gpa(const struct vhost_mem *m, uint64_t gpa, uint64_t len);

/**
 * vhost_mem_uva() - Where all of a range of QEMU's addresses is in tapswd.
 * @m: The guest memory.
 * @uva: The range's address in QEMU (ring addresses, SET_VRING_ADDR).
 * @len: Its length.
 *
 * Return: the pointer, or NULL unless the whole range is in one region.
 */
void *vhost_mem_uva(const struct vhost_mem *m, uint64_t uva, uint64_t len);

#endif /* TAPSW_VHOST_MEM_H */
