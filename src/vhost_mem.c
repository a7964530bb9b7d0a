// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost_mem.c - map a vhost-user guest's memory regions and translate
 * guest-physical and QEMU-virtual addresses into tapswd pointers, with
 * every bound checked without overflow.
 *
 * Each region's file is mapped from offset 0 to mmap_offset + size (rounded
 * up to the file's block size: a hugetlbfs file wants whole huge pages), as
 * DPDK's vhost library does, so mmap_offset need not be page aligned.  The
 * mappings are kept out of core dumps: a tapswd crash must not write a
 * guest's memory to disk.  Lookups walk the (at most 8) regions; guests
 * have one or two, so a cache would buy nothing measurable.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "tapsw/vhost_mem.h"

/* the last byte of [start, start + size): false if it wraps or size is 0 */
static bool vhost_mem_last(uint64_t start, uint64_t size, uint64_t *last)
{
	if (!size || size - 1 > UINT64_MAX - start)
		return false;
	*last = start + (size - 1);
	return true;
}

static bool vhost_mem_overlap(uint64_t a, uint64_t a_size, uint64_t b,
			      uint64_t b_size)
{
	uint64_t a_last = a + (a_size - 1), b_last = b + (b_size - 1);

	return a <= b_last && b <= a_last;
}

/* check region @i of @d against itself and the ones before it */
static int vhost_mem_check(const struct vhost_mem_desc *d, unsigned int i,
			   char *why, size_t whylen)
{
	uint64_t last;
	unsigned int j;

	if (!vhost_mem_last(d[i].gpa, d[i].size, &last) ||
	    !vhost_mem_last(d[i].uva, d[i].size, &last) ||
	    !vhost_mem_last(d[i].mmap_offset, d[i].size, &last) ||
	    last >= SIZE_MAX / 2) {
		snprintf(why, whylen,
			 "memory region %u: size 0x%llx at gpa 0x%llx, uva 0x%llx, offset 0x%llx does not fit",
			 i, (unsigned long long)d[i].size,
			 (unsigned long long)d[i].gpa,
			 (unsigned long long)d[i].uva,
			 (unsigned long long)d[i].mmap_offset);
		return -EINVAL;
	}
	for (j = 0; j < i; j++) {
		if (vhost_mem_overlap(d[i].gpa, d[i].size, d[j].gpa,
				      d[j].size) ||
		    vhost_mem_overlap(d[i].uva, d[i].size, d[j].uva,
				      d[j].size)) {
			snprintf(why, whylen,
				 "memory regions %u and %u overlap", j, i);
			return -EINVAL;
		}
	}
	return 0;
}

/* map region @i's file @fd: its first mmap_offset + size bytes */
static int vhost_mem_map_one(struct vhost_mem_region *r,
			     const struct vhost_mem_desc *d, unsigned int i,
			     int fd, char *why, size_t whylen)
{
	uint64_t need = d->mmap_offset + d->size, blk;
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "memory region %u: fstat: %s", i,
			 strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size < need) {
		snprintf(why, whylen,
			 "memory region %u: file of %lld bytes, region needs %llu",
			 i, (long long)st.st_size, (unsigned long long)need);
		return -EINVAL;
	}
	/* whole blocks (huge pages); blocks are powers of two */
	blk = st.st_blksize > 0 ? (uint64_t)st.st_blksize : 4096;
	if (blk & (blk - 1))
		blk = 4096;
	need = (need + blk - 1) & ~(blk - 1);

	p = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		snprintf(why, whylen, "memory region %u: mmap %llu bytes: %s",
			 i, (unsigned long long)need, strerror(errno));
		return -errno;
	}
	madvise(p, need, MADV_DONTDUMP);
	r->gpa = d->gpa;
	r->size = d->size;
	r->uva = d->uva;
	r->map = p;
	r->map_len = need;
	r->host = (uint8_t *)p + d->mmap_offset;
	return 0;
}

int vhost_mem_map(struct vhost_mem *m, const struct vhost_mem_desc *d,
		  unsigned int n, const int *fds, char *why, size_t whylen)
{
	unsigned int i;
	int ret;

	m->n = 0;
	if (!n || n > VHOST_MEM_REGIONS_MAX) {
		snprintf(why, whylen, "%u memory regions (1 to %u)", n,
			 VHOST_MEM_REGIONS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		ret = vhost_mem_check(d, i, why, whylen);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		ret = vhost_mem_map_one(&m->r[i], &d[i], i, fds[i], why,
					whylen);
		if (ret) {
			vhost_mem_unmap(m);
			return ret;
		}
		m->n = i + 1;
	}
	return 0;
}

void vhost_mem_unmap(struct vhost_mem *m)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].map)
			munmap(m->r[i].map, m->r[i].map_len);
	memset(m, 0, sizeof(*m));
}

/*
 * where @addr (guest-physical, or QEMU-virtual if @by_uva) is in tapswd,
 * with *@avail the bytes from there to the end of its region; NULL if no
 * region holds it
 */
static uint8_t *vhost_mem_lookup(const struct vhost_mem *m, uint64_t addr,
				 bool by_uva, uint64_t *avail)
{
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		const struct vhost_mem_region *r = &m->r[i];
		uint64_t start = by_uva ? r->uva : r->gpa;
		uint64_t off = addr - start;

		if (addr < start || off >= r->size)
			continue;
		*avail = r->size - off;
		return r->host + off;
	}
	return NULL;
}

void *vhost_mem_gpa_chunk(const struct vhost_mem *m, uint64_t gpa,
			  uint64_t len, uint64_t *chunk)
{
	uint64_t avail;
	uint8_t *p = vhost_mem_lookup(m, gpa, false, &avail);

	if (p)
		*chunk = MIN(len, avail);
	return p;
}

void *vhost_mem_gpa(const struct vhost_mem *m, uint64_t gpa, uint64_t len)
{
	uint64_t avail;
	uint8_t *p = vhost_mem_lookup(m, gpa, false, &avail);

	return p && len <= avail ? p : NULL;
}

void *vhost_mem_uva(const struct vhost_mem *m, uint64_t uva, uint64_t len)
{
	uint64_t avail;
	uint8_t *p = vhost_mem_lookup(m, uva, true, &avail);

	return p && len <= avail ? p : NULL;
}
