// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-vhost-mem.c - guest memory regions from SET_MEM_TABLE: mapping real
 * memfds, translating guest-physical and QEMU-virtual addresses at and
 * across every bound (64-bit wrap-around included), a buffer walked across
 * two adjacent regions, and each kind of table that must be refused.
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tapsw/vhost_mem.h"
#include "tap.h"

enum { SZ = 64 * 1024 };

static int memfd(size_t size, uint8_t fill)
{
	int fd = memfd_create("test-vhost-mem", MFD_CLOEXEC);
	uint8_t *p;

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		return -1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, fill, size);
	munmap(p, size);
	return fd;
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void test_translate(void)
{
	struct vhost_mem_desc d[2] = {
		{ .gpa = 0, .size = SZ, .uva = 0x7f0000000000ull,
		  .mmap_offset = 0 },
		/* adjacent in guest-physical space, elsewhere in QEMU's */
		{ .gpa = SZ, .size = SZ, .uva = 0x7f1000000000ull,
		  .mmap_offset = 4096 + 16 },
	};
	int fds[2] = { memfd(SZ, 0xaa), memfd(SZ + 4096 + 16, 0xbb) };
	struct vhost_mem m = { 0 };
	uint64_t chunk = 0;
	char why[128];
	uint8_t *p, *q;

	ok(vhost_mem_map(&m, d, 2, fds, why, sizeof(why)) == 0,
	   "two regions map");
	ok(m.n == 2, "two regions kept");
	ok(fd_is_open(fds[0]) && fd_is_open(fds[1]), "fds are left open");
	close(fds[0]);
	close(fds[1]);

	p = vhost_mem_gpa(&m, 0, SZ);
	ok(p && p[0] == 0xaa && p[SZ - 1] == 0xaa, "all of region 0 by gpa");
	ok(vhost_mem_gpa(&m, 0, SZ + 1) == NULL,
	   "one byte more crosses into region 1: not one piece");
	ok(vhost_mem_gpa(&m, SZ - 1, 1) == p + SZ - 1, "last byte of region 0");
	q = vhost_mem_gpa(&m, SZ, 1);
	ok(q && q[0] == 0xbb, "first byte of region 1 (at its mmap_offset)");
	ok(vhost_mem_gpa(&m, 2 * SZ, 1) == NULL, "past the end: NULL");
	ok(vhost_mem_gpa(&m, 2 * SZ - 1, 2) == NULL, "runs past the end: NULL");
	ok(vhost_mem_gpa(&m, SZ, UINT64_MAX) == NULL, "huge length: NULL");
	ok(vhost_mem_gpa(&m, UINT64_MAX, 1) == NULL, "top address: NULL");
	ok(vhost_mem_gpa(&m, 100, 0) == p + 100, "zero length inside: pointer");

	ok(vhost_mem_uva(&m, 0x7f0000000000ull + 10, 10) == p + 10,
	   "uva of region 0");
	ok(vhost_mem_uva(&m, 0x7f1000000000ull, SZ) == q, "uva of region 1");
	ok(vhost_mem_uva(&m, 0x7f1000000000ull + SZ, 1) == NULL,
	   "uva past region 1");
	ok(vhost_mem_uva(&m, 0x7f0000000000ull - 1, 2) == NULL,
	   "uva just before region 0");
	ok(vhost_mem_uva(&m, 0, 1) == NULL, "gpa 0 is not a uva");

	p = vhost_mem_gpa_chunk(&m, SZ - 100, 300, &chunk);
	ok(p && chunk == 100, "chunk: the 100 bytes left in region 0");
	q = vhost_mem_gpa_chunk(&m, SZ, 200, &chunk);
	ok(q && chunk == 200 && q[0] == 0xbb, "chunk: the rest in region 1");
	ok(vhost_mem_gpa_chunk(&m, 2 * SZ - 10, 300, &chunk) && chunk == 10,
	   "chunk: cut at the last region's end");
	ok(vhost_mem_gpa_chunk(&m, 2 * SZ, 1, &chunk) == NULL,
	   "chunk: nothing past the end");

	vhost_mem_unmap(&m);
	ok(m.n == 0 && vhost_mem_gpa(&m, 0, 1) == NULL, "unmapped: empty");
}

struct bad {
	const char *name;
	unsigned int n;
	struct vhost_mem_desc d[2];
	size_t file;		/* memfd size; 0: /dev/null */
	int want;
};

static void test_refused(void)
{
	const struct bad bad[] = {
		{ "no regions", 0, { { 0, SZ, 0x1000, 0 } }, SZ, -EINVAL },
		{ "nine regions", 9, { { 0, SZ, 0x1000, 0 } }, SZ, -EINVAL },
		{ "size 0", 1, { { 0, 0, 0x1000, 0 } }, SZ, -EINVAL },
		{ "gpa + size wraps", 1,
		  { { UINT64_MAX - 10, SZ, 0x1000, 0 } }, SZ, -EINVAL },
		{ "uva + size wraps", 1,
		  { { 0, SZ, UINT64_MAX - 10, 0 } }, SZ, -EINVAL },
		{ "offset + size wraps", 1,
		  { { 0, SZ, 0x1000, UINT64_MAX - 10 } }, SZ, -EINVAL },
		{ "file shorter than the region", 1,
		  { { 0, SZ, 0x1000, 0 } }, SZ - 1, -EINVAL },
		{ "offset past the file", 1,
		  { { 0, 4096, 0x1000, SZ } }, SZ, -EINVAL },
		{ "not a regular file", 1, { { 0, 4096, 0x1000, 0 } }, 0,
		  -EINVAL },
		{ "gpa overlap", 2, { { 0, SZ, 0x100000, 0 },
				      { SZ - 1, SZ, 0x200000, 0 } }, 2 * SZ,
		  -EINVAL },
		{ "uva overlap", 2, { { 0, SZ, 0x100000, 0 },
				      { SZ, SZ, 0x100000 + SZ - 1, 0 } },
		  2 * SZ, -EINVAL },
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct vhost_mem m = { 0 };
		int fds[VHOST_MEM_REGIONS_MAX + 1];
		char why[128] = "";
		int ret;

		for (j = 0; j < ARRAY_SIZE(fds); j++)
			fds[j] = bad[i].file ? memfd(bad[i].file, 0) :
					       open("/dev/null", O_RDWR);
		ret = vhost_mem_map(&m, bad[i].d, bad[i].n, fds, why,
				    sizeof(why));
		ok(ret == bad[i].want && m.n == 0 && why[0],
		   "refused: %s (%d: %s)", bad[i].name, ret, why);
		for (j = 0; j < ARRAY_SIZE(fds); j++)
			close(fds[j]);
	}
}

static void test_bad_fd(void)
{
	struct vhost_mem_desc d = { 0, SZ, 0x1000, 0 };
	struct vhost_mem m = { 0 };
	int fd = -1;
	char why[128];

	ok(vhost_mem_map(&m, &d, 1, &fd, why, sizeof(why)) == -EBADF,
	   "a closed fd: -EBADF (%s)", why);
}

int main(void)
{
	plan_tests(22 + 11 + 1);
	test_translate();
	test_refused();
	test_bad_fd();
	return exit_status();
}
