// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-vhost-dev.c - vhost-user messages and the back-end's protocol state.
 *
 * The reader frames messages fed in pieces of every size with their fds,
 * and refuses bad headers, oversized payloads and too many fds (closing
 * them).  vhost_msg_check() holds each request to its payload size and fd
 * count.  Then the sequence QEMU 7.2 sends (recorded from a real one under
 * TCG: features, protocol features, owner, call fds, enables, memory
 * table with REPLY_ACK, the two rings, GET_VRING_BASE when the guest stops)
 * brings both rings to ready and back, and each thing tapsw refuses (LOG_ALL,
 * bits not offered, a third ring, polling mode, a ring started too early,
 * dirty logging, an unknown request) fails with a reason, a NACK when one
 * was asked for, and no fd left open.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "tapsw/vhost_dev.h"
#include "tapsw/vhost_msg.h"
#include "tap.h"

enum {
	MEM_SZ = 1024 * 1024,
	UVA0 = 0x7f0000000000ull,
	NUM = 256,
};

static bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

/* the wire bytes of a message: header then payload */
static size_t wire(uint8_t *out, uint32_t req, uint32_t flags,
		   const void *payload, uint32_t size)
{
	uint32_t h[3] = { htole32(req), htole32(flags), htole32(size) };

	memcpy(out, h, 12);
	if (size)
		memcpy(out + 12, payload, size);
	return 12 + size;
}

/* feed @len bytes in pieces of @step, fds with the first; the result */
static int feed(struct vhost_msg_reader *r, const uint8_t *b, size_t len,
		size_t step, const int *fds, unsigned int nfds)
{
	size_t off = 0;
	int ret = 0;

	while (off < len) {
		size_t want, n;
		uint8_t *to = vhost_msg_want(r, &want);

		n = MIN(MIN(want, step), len - off);
		memcpy(to, b + off, n);
		ret = vhost_msg_got(r, n, off ? NULL : fds, off ? 0 : nfds);
		off += n;
		if (ret)
			break;
	}
	return ret;
}

static void test_reader(void)
{
	struct vhost_vring_addr_msg a = {
		.index = 1, .desc = 0x1000, .used = 0x2000, .avail = 0x3000,
	};
	static const size_t steps[] = { 1, 5, 12, 13, 1000 };
	struct vhost_msg_reader r;
	uint8_t b[512];
	int fds[VHOST_MSG_FDS_MAX + 1];
	size_t len, i;
	uint64_t u = 0;

	len = wire(b, VHOST_USER_SET_VRING_ADDR, 1, &a, sizeof(a));
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		vhost_msg_reader_init(&r);
		ok(feed(&r, b, len, steps[i], NULL, 0) == 1 &&
		   r.msg.hdr.request == VHOST_USER_SET_VRING_ADDR &&
		   r.msg.hdr.size == 40 && r.msg.payload.addr.avail == 0x3000,
		   "reader: SET_VRING_ADDR in pieces of %zu", steps[i]);
	}

	fds[0] = eventfd(0, EFD_CLOEXEC);
	len = wire(b, VHOST_USER_SET_VRING_KICK, 1, &u, 8);
	vhost_msg_reader_init(&r);
	ok(feed(&r, b, len, 3, fds, 1) == 1 && r.msg.nfds == 1 &&
	   r.msg.fds[0] == fds[0], "reader: the fd stays with its message");
	vhost_msg_close_fds(&r.msg);
	ok(!fd_is_open(fds[0]) && r.msg.nfds == 0, "reader: close_fds closes it");

	len = wire(b, VHOST_USER_GET_FEATURES, 0, NULL, 0);
	vhost_msg_reader_init(&r);
	ok(feed(&r, b, len, 100, NULL, 0) == -EPROTO, "reader: version 0 refused");
	len = wire(b, VHOST_USER_GET_FEATURES, 2, NULL, 0);
	vhost_msg_reader_init(&r);
	ok(feed(&r, b, len, 100, NULL, 0) == -EPROTO, "reader: version 2 refused");
	len = wire(b, VHOST_USER_GET_FEATURES, 1 | VHOST_USER_REPLY, NULL, 0);
	vhost_msg_reader_init(&r);
	ok(feed(&r, b, len, 100, NULL, 0) == -EPROTO,
	   "reader: a reply sent to us refused");
	fds[0] = eventfd(0, EFD_CLOEXEC);
	len = wire(b, VHOST_USER_SET_MEM_TABLE, 1, b, 0);
	((uint32_t *)b)[2] = htole32(VHOST_MSG_PAYLOAD_MAX + 1);
	vhost_msg_reader_init(&r);
	ok(feed(&r, b, len, 100, fds, 1) == -EMSGSIZE && !fd_is_open(fds[0]),
	   "reader: payload above the largest refused, its fd closed");
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	len = wire(b, VHOST_USER_SET_MEM_TABLE, 1, &u, 8);
	vhost_msg_reader_init(&r);
	ok(feed(&r, b, len, 100, fds, ARRAY_SIZE(fds)) == -EMSGSIZE &&
	   !fd_is_open(fds[0]) && !fd_is_open(fds[VHOST_MSG_FDS_MAX]),
	   "reader: nine fds refused, all closed");
}

static void msg_make(struct vhost_msg *m, uint32_t req, uint32_t flags,
		     const void *payload, uint32_t size, const int *fds,
		     unsigned int nfds)
{
	memset(m, 0, sizeof(*m));
	m->hdr.request = req;
	m->hdr.flags = VHOST_USER_VERSION | flags;
	m->hdr.size = size;
	if (size)
		memcpy(m->payload.raw, payload, size);
	if (nfds)
		memcpy(m->fds, fds, nfds * sizeof(*fds));
	m->nfds = nfds;
}

static void test_check(void)
{
	struct {
		const char *name;
		uint32_t req, size;
		uint64_t u64;
		unsigned int nfds;
		bool good;
	} t[] = {
		{ "GET_FEATURES, no payload", VHOST_USER_GET_FEATURES, 0, 0, 0, true },
		{ "GET_FEATURES, 8 bytes", VHOST_USER_GET_FEATURES, 8, 0, 0, true },
		{ "GET_FEATURES, 9 bytes", VHOST_USER_GET_FEATURES, 9, 0, 0, false },
		{ "SET_FEATURES, 4 bytes", VHOST_USER_SET_FEATURES, 4, 0, 0, false },
		{ "SET_FEATURES with an fd", VHOST_USER_SET_FEATURES, 8, 0, 1, false },
		{ "SET_VRING_ADDR, 32 bytes", VHOST_USER_SET_VRING_ADDR, 32, 0, 0, false },
		{ "SET_VRING_KICK with its fd", VHOST_USER_SET_VRING_KICK, 8, 0, 1, true },
		{ "SET_VRING_KICK, no fd", VHOST_USER_SET_VRING_KICK, 8, 0, 0, false },
		{ "SET_VRING_CALL, NOFD", VHOST_USER_SET_VRING_CALL, 8,
		  VHOST_USER_VRING_NOFD, 0, true },
		{ "SET_VRING_CALL, NOFD and an fd", VHOST_USER_SET_VRING_CALL, 8,
		  VHOST_USER_VRING_NOFD, 1, false },
		{ "SET_MEM_TABLE, 1 region, 1 fd", VHOST_USER_SET_MEM_TABLE, 40, 1, 1, true },
		{ "SET_MEM_TABLE, 1 region, 2 fds", VHOST_USER_SET_MEM_TABLE, 40, 1, 2, false },
		{ "SET_MEM_TABLE, 2 regions in 40 bytes", VHOST_USER_SET_MEM_TABLE, 40, 2, 2, false },
		{ "SET_MEM_TABLE, 0 regions", VHOST_USER_SET_MEM_TABLE, 8, 0, 0, false },
		{ "SET_MEM_TABLE, 4 bytes", VHOST_USER_SET_MEM_TABLE, 4, 0, 0, false },
		{ "unknown request 99", 99, 3, 0, 0, true },
	};
	struct vhost_msg m;
	char why[128];
	int fds[2] = { 100, 101 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t u = htole64(t[i].u64);
		int ret;

		why[0] = '\0';
		msg_make(&m, t[i].req, 0, &u, 0, fds, t[i].nfds);
		m.hdr.size = t[i].size;
		memcpy(m.payload.raw, &u, 8);
		ret = vhost_msg_check(&m, why, sizeof(why));
		ok(t[i].good ? ret == 0 : ret == -EINVAL && why[0],
		   "check: %s: %s%s", t[i].name, t[i].good ? "ok" : "refused: ",
		   why);
	}
	ok(!strcmp(vhost_msg_name(VHOST_USER_SET_VRING_KICK), "SET_VRING_KICK") &&
	   !strcmp(vhost_msg_name(1000), "unknown"), "names");
}

/* --------------------------------------------------- the protocol -- */

static struct vhost_dev dev;
static struct vhost_msg reply;
static bool sent;

static int do_msg(uint32_t req, uint32_t flags, const void *payload,
		  uint32_t size, const int *fds, unsigned int nfds)
{
	struct vhost_msg m;

	msg_make(&m, req, flags, payload, size, fds, nfds);
	memset(&reply, 0, sizeof(reply));
	return vhost_dev_handle(&dev, &m, &reply, &sent);
}

static int do_u64(uint32_t req, uint32_t flags, uint64_t v, int fd)
{
	uint64_t u = htole64(v);

	return do_msg(req, flags, &u, 8, &fd, fd >= 0);
}

static int do_state(uint32_t req, uint32_t index, uint32_t num)
{
	struct vhost_vring_state_msg s = { htole32(index), htole32(num) };

	return do_msg(req, 0, &s, sizeof(s), NULL, 0);
}

static int do_addr(uint32_t index, uint64_t desc, uint32_t flags)
{
	struct vhost_vring_addr_msg a = {
		.index = htole32(index), .flags = htole32(flags),
		.desc = htole64(desc), .avail = htole64(desc + NUM * 16),
		.used = htole64(desc + 0x2000),
	};

	return do_msg(VHOST_USER_SET_VRING_ADDR, 0, &a, sizeof(a), NULL, 0);
}

static int do_mem(uint32_t flags)
{
	struct vhost_mem_table_msg t = {
		.nregions = htole32(1),
		.regions[0] = { .gpa = 0, .size = htole64(MEM_SZ),
				.uva = htole64(UVA0), .mmap_offset = 0 },
	};
	int fd = memfd_create("test-vhost-dev", MFD_CLOEXEC);
	int ret;

	if (fd < 0 || ftruncate(fd, MEM_SZ) < 0)
		abort();
	ret = do_msg(VHOST_USER_SET_MEM_TABLE, flags, &t, 40, &fd, 1);
	ok(!fd_is_open(fd), "SET_MEM_TABLE: the region fd is closed (mapped)");
	return ret;
}

static bool reply_u64(uint64_t v)
{
	return sent && reply.hdr.flags == (VHOST_USER_VERSION | VHOST_USER_REPLY) &&
	       reply.hdr.size == 8 && le64toh(reply.payload.u64) == v;
}

static void test_qemu_sequence(void)
{
	uint64_t offered = vhost_dev_features(true);
	int call[2], kick[2], err[2], i;

	vhost_dev_init(&dev, offered);
	for (i = 0; i < 2; i++) {
		call[i] = eventfd(0, EFD_CLOEXEC);
		kick[i] = eventfd(0, EFD_CLOEXEC);
		err[i] = eventfd(0, EFD_CLOEXEC);
	}

	ok(do_msg(VHOST_USER_GET_FEATURES, 0, NULL, 0, NULL, 0) == 0 &&
	   reply_u64(offered) && reply.hdr.request == VHOST_USER_GET_FEATURES,
	   "GET_FEATURES: what we offer");
	ok(!(offered & (1ull << VHOST_F_LOG_ALL)) &&
	   !(offered & (1ull << VIRTIO_RING_F_INDIRECT_DESC)) &&
	   (offered & (1ull << VIRTIO_NET_F_GUEST_TSO4)) &&
	   (offered & (1ull << VIRTIO_F_VERSION_1)),
	   "offered: TSO and VERSION_1, no LOG_ALL, no INDIRECT_DESC");
	ok(!(vhost_dev_features(false) & (1ull << VIRTIO_NET_F_CSUM)),
	   "offered without offloads: no CSUM");
	ok(do_msg(VHOST_USER_GET_PROTOCOL_FEATURES, 0, NULL, 0, NULL, 0) == 0 &&
	   reply_u64(VHOST_DEV_PROTOCOL_FEATURES), "GET_PROTOCOL_FEATURES");
	ok(do_u64(VHOST_USER_SET_PROTOCOL_FEATURES, 0, 0x9, -1) == 0 && !sent &&
	   dev.protocol == 0x9, "SET_PROTOCOL_FEATURES MQ|REPLY_ACK");
	ok(do_msg(VHOST_USER_GET_QUEUE_NUM, 0, NULL, 0, NULL, 0) == 0 &&
	   reply_u64(1), "GET_QUEUE_NUM: one queue pair");
	ok(do_msg(VHOST_USER_SET_OWNER, 0, NULL, 0, NULL, 0) == 0 && dev.owner,
	   "SET_OWNER");
	ok(do_u64(VHOST_USER_SET_VRING_CALL, 0, 0, call[0]) == 0 &&
	   do_u64(VHOST_USER_SET_VRING_ERR, 0, 0, err[0]) == 0 &&
	   do_u64(VHOST_USER_SET_VRING_CALL, 0, 1, call[1]) == 0 &&
	   do_u64(VHOST_USER_SET_VRING_ERR, 0, 1, err[1]) == 0 &&
	   dev.vr[1].call_fd == call[1] && dev.vr[0].err_fd == err[0],
	   "SET_VRING_CALL/ERR: fds kept");
	ok(do_state(VHOST_USER_SET_VRING_ENABLE, 0, 1) == 0 &&
	   do_state(VHOST_USER_SET_VRING_ENABLE, 1, 1) == 0 &&
	   dev.vr[0].enabled && dev.vr[1].enabled,
	   "SET_VRING_ENABLE before the rings start");
	ok(do_u64(VHOST_USER_SET_FEATURES, 0,
		  (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_NET_F_MRG_RXBUF) |
		  (1ull << VIRTIO_RING_F_EVENT_IDX) |
		  (1ull << VHOST_USER_F_PROTOCOL_FEATURES), -1) == 0 &&
	   vhost_dev_hdr_len(&dev) == 12, "SET_FEATURES");
	ok(do_mem(VHOST_USER_NEED_REPLY) == 0 && reply_u64(0) &&
	   reply.hdr.request == VHOST_USER_SET_MEM_TABLE && dev.mem.n == 1,
	   "SET_MEM_TABLE with NEED_REPLY: mapped, ACK 0");
	for (i = 0; i < 2; i++) {
		ok(do_state(VHOST_USER_SET_VRING_NUM, i, NUM) == 0 &&
		   do_state(VHOST_USER_SET_VRING_BASE, i, 0) == 0 &&
		   do_addr(i, UVA0 + 0x10000 * (i + 1), 0) == 0 &&
		   !vhost_dev_ring_ready(&dev, i),
		   "ring %d: size, base, addresses: not ready yet", i);
		ok(do_u64(VHOST_USER_SET_VRING_KICK, 0, i, kick[i]) == 0 &&
		   vhost_dev_ring_ready(&dev, i) && dev.vr[i].kick_fd == kick[i] &&
		   dev.vr[i].vq.num == NUM && dev.vr[i].vq.event_idx,
		   "ring %d: kicked: ready", i);
	}
	ok(do_state(VHOST_USER_SET_VRING_NUM, 0, 128) == -EBUSY && dev.why[0],
	   "SET_VRING_NUM on a started ring refused: %s", dev.why);
	dev.vr[1].vq.last_avail = 5;
	ok(do_state(VHOST_USER_GET_VRING_BASE, 1, 0) == 0 && sent &&
	   reply.hdr.size == 8 && le32toh(reply.payload.state.index) == 1 &&
	   le32toh(reply.payload.state.num) == 5 && !dev.vr[1].started &&
	   !fd_is_open(kick[1]) && dev.vr[1].kick_fd == -1,
	   "GET_VRING_BASE: stopped at 5, kick fd closed");
	ok(!vhost_dev_ring_ready(&dev, 1) && dev.vr[1].enabled,
	   "stopped: not ready, still enabled");
	kick[1] = eventfd(0, EFD_CLOEXEC);
	ok(do_u64(VHOST_USER_SET_VRING_KICK, 0, 1, kick[1]) == 0 &&
	   vhost_dev_ring_ready(&dev, 1),
	   "started again with a new kick fd");
	ok(do_mem(0) == 0 && vhost_dev_ring_ready(&dev, 0) &&
	   vhost_dev_ring_ready(&dev, 1),
	   "a new memory table: the rings move to it");

	vhost_dev_reset(&dev);
	ok(!fd_is_open(kick[0]) && !fd_is_open(kick[1]) &&
	   !fd_is_open(call[0]) && !fd_is_open(err[1]) && dev.mem.n == 0 &&
	   !dev.vr[0].enabled && dev.offered == offered,
	   "reset: every fd closed, memory unmapped, offer kept");
}

static void test_refusals(void)
{
	int fd;

	vhost_dev_init(&dev, vhost_dev_features(false));
	ok(do_u64(VHOST_USER_SET_FEATURES, 0, 1ull << VHOST_F_LOG_ALL, -1) ==
	   -ENOTSUP && strstr(dev.why, "migration"),
	   "LOG_ALL refused: %s", dev.why);
	ok(do_u64(VHOST_USER_SET_FEATURES, 0, 1ull << VIRTIO_NET_F_CSUM, -1) ==
	   -EINVAL && !sent, "a bit not offered refused: %s", dev.why);
	ok(do_u64(VHOST_USER_SET_PROTOCOL_FEATURES, 0,
		  1ull << VHOST_USER_PROTOCOL_F_LOG_SHMFD, -1) == -EINVAL,
	   "LOG_SHMFD refused: %s", dev.why);
	ok(do_u64(VHOST_USER_SET_PROTOCOL_FEATURES, 0, 0x9, -1) == 0,
	   "REPLY_ACK taken");
	ok(do_u64(VHOST_USER_SET_FEATURES, VHOST_USER_NEED_REPLY,
		  1ull << VIRTIO_NET_F_CSUM, -1) == -EINVAL && reply_u64(1),
	   "refused with NEED_REPLY: NACK 1");
	ok(do_state(VHOST_USER_SET_VRING_NUM, 2, 256) == -EINVAL,
	   "a third ring refused: %s", dev.why);
	ok(do_state(VHOST_USER_SET_VRING_NUM, 0, 100) == -EINVAL,
	   "a ring of 100 refused: %s", dev.why);
	ok(do_state(VHOST_USER_SET_VRING_BASE, 0, 65536) == -EINVAL,
	   "base 65536 refused: %s", dev.why);
	ok(do_state(VHOST_USER_SET_VRING_ENABLE, 0, 2) == -EINVAL,
	   "enable 2 refused: %s", dev.why);
	ok(do_addr(0, UVA0, VHOST_VRING_F_LOG) == -ENOTSUP,
	   "used-ring logging refused: %s", dev.why);
	ok(do_u64(VHOST_USER_SET_VRING_KICK, 0, 0 | VHOST_USER_VRING_NOFD, -1) ==
	   -ENOTSUP, "polling mode refused: %s", dev.why);
	ok(do_u64(VHOST_USER_SET_VRING_CALL, 0, 0x200 | VHOST_USER_VRING_NOFD, -1) == -EINVAL,
	   "unknown bits in the ring index refused: %s", dev.why);
	fd = eventfd(0, EFD_CLOEXEC);
	ok(do_u64(VHOST_USER_SET_VRING_KICK, 0, 0, fd) == -EINVAL &&
	   !vhost_dev_ring_ready(&dev, 0),
	   "kicked before the memory table: refused: %s", dev.why);
	do_mem(0);
	ok(do_addr(0, UVA0 + MEM_SZ - 64, 0) == 0 &&
	   do_state(VHOST_USER_SET_VRING_NUM, 0, 256) == 0 &&
	   do_u64(VHOST_USER_SET_VRING_KICK, 0, 0, eventfd(0, EFD_CLOEXEC)) ==
	   -EFAULT, "rings outside guest memory refused: %s", dev.why);
	fd = eventfd(0, EFD_CLOEXEC);
	ok(do_msg(VHOST_USER_SET_LOG_FD, 0, NULL, 0, &fd, 1) == -ENOTSUP &&
	   !fd_is_open(fd), "SET_LOG_FD refused, its fd closed: %s", dev.why);
	ok(do_msg(VHOST_USER_SEND_RARP, VHOST_USER_NEED_REPLY, "\1\2\3\4\5\6\0",
		  8, NULL, 0) == -ENOTSUP && reply_u64(1),
	   "SEND_RARP (not offered) refused: %s", dev.why);
	ok(do_msg(42, 0, NULL, 0, NULL, 0) == -ENOTSUP,
	   "an unknown request refused: %s", dev.why);
	fd = eventfd(0, EFD_CLOEXEC);
	ok(do_msg(VHOST_USER_SET_FEATURES, 0, "\0\0\0\0\0\0\0\0", 8, &fd, 1) ==
	   -EINVAL && !fd_is_open(fd),
	   "an fd where none belongs: refused, closed: %s", dev.why);
	ok(do_msg(VHOST_USER_RESET_OWNER, 0, NULL, 0, NULL, 0) == 0 &&
	   dev.mem.n == 0 && dev.protocol == 0, "RESET_OWNER starts over");
	vhost_dev_reset(&dev);
}

int main(void)
{
	plan_tests(12 + 17 + 23 + 20);
	test_reader();
	test_check();
	test_qemu_sequence();
	test_refusals();
	return exit_status();
}
