// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-vhost.c - libFuzzer target for what a vhost-user guest and its QEMU
 * control: the split virtqueue parser (virtq.c over vhost_mem.c) and the
 * message reader and protocol (vhost_msg.c, vhost_dev.c).  The first byte
 * picks the mode.
 *
 * Ring mode (odd first byte): guest memory is two malloc()ed regions (so
 * AddressSanitizer sees any access outside them), 64 KiB at gpa 0 and
 * 4 KiB right after it (buffers may cross), filled from the input; a ring
 * of 1 to 256 entries is placed where the input says (possibly misaligned
 * or outside), and a list of operations from the input runs on it: take TX
 * chains, put RX frames (mergeable or not, 10- or 12-byte header), flush,
 * notify and kick decisions, and guest writes between them (a guest changes
 * its rings while we read them).  Checked after each: a broken queue stays
 * broken, every chain taken is used (used_idx == last_avail), lengths fit.
 *
 * Message mode (even first byte): the rest is a stream of chunks, each a
 * control byte (bits 0-5: chunk length, 0 = the rest; bits 6-7: fds sent
 * with it: none, an eventfd, the guest memfd, both) then the bytes, fed to
 * the reader as recvmsg() would; control byte 0xff instead writes into the
 * guest memfd (u16 offset, u8 length, data).  Whole messages go to
 * vhost_dev_handle(); a refused one drops the "connection" (reset) as the
 * backend does.  Whenever a ring is ready, TX chains are taken and an RX
 * frame put through the memory the fuzzer's SET_MEM_TABLE mapped.  Replies
 * must be well-formed; at the end no fd may be left open (the lowest free
 * fd is the same as before the input).
 *
 * Build and run: tests/fuzz/run.sh (see docs/fuzzing.md).
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tapsw/vhost_dev.h"
#include "tapsw/vhost_mem.h"
#include "tapsw/vhost_msg.h"
#include "tapsw/virtq.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	R0_SIZE = 64 * 1024,
	R1_SIZE = 4096,
	R0_UVA = 0x10000000,
	MEMFD_SIZE = 256 * 1024,
	TX_CAP = 12 + 65550,
	FRAME_MAX = 12 + 9000,
};

static int guest_memfd = -1;
static uint8_t *guest_map;	/* the memfd, for guest writes */
static uint8_t *tx_buf;		/* TX_CAP bytes, malloc()ed: exact bounds */
static uint8_t *frame;		/* FRAME_MAX bytes */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	guest_memfd = memfd_create("fuzz-vhost", MFD_CLOEXEC);
	if (guest_memfd < 0 || ftruncate(guest_memfd, MEMFD_SIZE) < 0)
		abort();
	guest_map = mmap(NULL, MEMFD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 guest_memfd, 0);
	tx_buf = malloc(TX_CAP);
	frame = malloc(FRAME_MAX);
	if (guest_map == MAP_FAILED || !tx_buf || !frame)
		abort();
	for (size_t i = 0; i < FRAME_MAX; i++)
		frame[i] = (uint8_t)(i * 13);
	return 0;
}

/* a cursor over the input */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t in_u8(struct in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static uint16_t in_u16(struct in *in)
{
	return (uint16_t)(in_u8(in) | in_u8(in) << 8);
}

/* the checks after every ring operation */
static void fuzz_vq_check(const struct virtq *vq, enum virtq_err was)
{
	if (was != VIRTQ_ERR_NONE && vq->err != was)
		abort();	/* an error changed or went away */
	if (vq->num && vq->err == VIRTQ_ERR_NONE &&
	    vq->used_idx != vq->last_avail)
		abort();	/* a chain taken and not used, or used twice */
}

/* one operation @op on @vq (guest writes into @guest, if given) */
static void fuzz_vq_op(struct virtq *vq, const struct vhost_mem *mem,
		       uint8_t op, struct in *in, uint8_t *guest,
		       size_t guest_len, bool mrg, unsigned int hdr_len)
{
	enum virtq_err was = vq->err;
	size_t len;
	ssize_t n;
	int ret;

	switch (op & 7) {
	case 0:
		len = (size_t)(op >> 3) * 2048 + 64;
		n = virtq_tx_pop(vq, mem, tx_buf, MIN(len, (size_t)TX_CAP));
		if (n > (ssize_t)MIN(len, (size_t)TX_CAP))
			abort();
		if (was && n != -EPROTO)
			abort();
		break;
	case 1:
		len = MIN((size_t)(op >> 3) * 300 + 12, (size_t)FRAME_MAX);
		ret = virtq_rx_put(vq, mem, frame, hdr_len, frame + 12, len - 12,
				   mrg);
		if (was && ret != -EPROTO)
			abort();
		break;
	case 2:
		virtq_flush(vq);
		break;
	case 3:
		virtq_notify_needed(vq);
		break;
	case 4:
		virtq_kick_enable(vq);
		break;
	case 5:
		virtq_kick_disable(vq);
		break;
	case 6:
		ret = virtq_avail(vq);
		if (ret > vq->num || (was && ret != -EPROTO))
			abort();
		break;
	default:
		/* the guest writes 1-8 bytes somewhere */
		if (guest) {
			size_t at = in_u16(in) % guest_len;
			size_t k = MIN((size_t)(op >> 5) + 1, guest_len - at);

			while (k--)
				guest[at++] = in_u8(in);
		}
		break;
	}
	fuzz_vq_check(vq, was);
}

static void fuzz_rings(struct in *in)
{
	uint8_t *r0 = malloc(R0_SIZE), *r1 = malloc(R1_SIZE);
	struct vhost_mem mem = { 0 };
	struct virtq vq;
	unsigned int num, hdr_len;
	uint64_t desc, avail, used;
	uint8_t flags, ops[32];
	size_t i, nops;
	bool mrg;

	if (!r0 || !r1)
		abort();
	num = 1u << (in_u8(in) % 9);
	flags = in_u8(in);
	desc = R0_UVA + in_u16(in);
	avail = R0_UVA + in_u16(in);
	used = R0_UVA + in_u16(in);
	if (flags & 8)		/* now and then outside memory */
		used += R0_SIZE;
	mrg = flags & 2;
	hdr_len = flags & 4 ? 10 : 12;
	nops = in_u8(in) % sizeof(ops);
	for (i = 0; i < nops; i++)
		ops[i] = in_u8(in);

	memset(r0, 0, R0_SIZE);
	memset(r1, 0, R1_SIZE);
	for (i = 0; i < R0_SIZE + R1_SIZE && in->n; i++)
		*(i < R0_SIZE ? &r0[i] : &r1[i - R0_SIZE]) = in_u8(in);

	mem.n = 2;
	mem.r[0] = (struct vhost_mem_region){
		.gpa = 0, .size = R0_SIZE, .uva = R0_UVA, .host = r0,
	};
	mem.r[1] = (struct vhost_mem_region){
		.gpa = R0_SIZE, .size = R1_SIZE, .uva = R0_UVA + 0x100000,
		.host = r1,
	};
	if (virtq_map(&vq, &mem, num, desc, avail, used,
		      (uint16_t)(flags << 8), flags & 1) >= 0) {
		/* ops first, then with whatever is left of the input */
		for (i = 0; i < nops; i++)
			fuzz_vq_op(&vq, &mem, ops[i], in, r0, R0_SIZE, mrg,
				   hdr_len);
		for (i = 0; i < 64; i++)
			fuzz_vq_op(&vq, &mem, (uint8_t)(i % 3 ? 0 : 1) |
				   (uint8_t)(i << 3), in, NULL, 0, mrg,
				   hdr_len);
	} else if (vq.err != VIRTQ_ERR_RING) {
		abort();	/* a good size fails only on the ring's place */
	}
	free(r0);
	free(r1);
}

/* ----------------------------------------------------------- messages -- */

static void fuzz_reply_check(const struct vhost_msg *reply)
{
	if (reply->hdr.flags != (VHOST_USER_VERSION | VHOST_USER_REPLY) ||
	    reply->hdr.size > VHOST_MSG_PAYLOAD_MAX || reply->nfds)
		abort();
}

/* traffic on the rings that are ready, through the mapped memfd */
static void fuzz_dev_traffic(struct vhost_dev *dev)
{
	unsigned int i;

	if (vhost_dev_ring_ready(dev, VHOST_DEV_TX))
		for (i = 0; i < 4; i++)
			if (virtq_tx_pop(&dev->vr[VHOST_DEV_TX].vq, &dev->mem,
					 tx_buf, TX_CAP) == -EAGAIN)
				break;
	if (vhost_dev_ring_ready(dev, VHOST_DEV_RX))
		virtq_rx_put(&dev->vr[VHOST_DEV_RX].vq, &dev->mem, frame,
			     vhost_dev_hdr_len(dev), frame + 12, 1502,
			     vhost_dev_has(dev, 15 /* MRG_RXBUF */));
	for (i = 0; i < VHOST_DEV_VRINGS; i++) {
		virtq_flush(&dev->vr[i].vq);
		virtq_notify_needed(&dev->vr[i].vq);
		fuzz_vq_check(&dev->vr[i].vq, dev->vr[i].vq.err);
	}
}

static unsigned int fuzz_fds(uint8_t how, int *fds)
{
	unsigned int n = 0;

	if (how & 2)
		fds[n++] = dup(guest_memfd);
	if (how & 1)
		fds[n++] = eventfd(0, EFD_CLOEXEC);
	return n;
}

static void fuzz_messages(struct in *in)
{
	static struct vhost_dev dev;
	static struct vhost_msg_reader r;
	static struct vhost_msg reply;

	memset(guest_map, 0, MEMFD_SIZE);
	vhost_dev_init(&dev, vhost_dev_features(true));
	vhost_msg_reader_init(&r);
	while (in->n) {
		uint8_t ctl = in_u8(in);
		size_t len = ctl & 63, want, k;
		unsigned int nfds;
		int fds[2], ret;
		bool send;
		uint8_t *to;

		if (ctl == 0xff) {
			size_t at = in_u16(in) % MEMFD_SIZE;

			for (k = in_u8(in); k && at < MEMFD_SIZE; k--)
				guest_map[at++] = in_u8(in);
			continue;
		}
		if (!len)
			len = in->n;
		nfds = fuzz_fds((uint8_t)(ctl >> 6), fds);
		/* what recvmsg() would give: at most what the reader wants */
		to = vhost_msg_want(&r, &want);
		len = MIN(MIN(len, want), in->n);
		memcpy(to, in->p, len);
		in->p += len;
		in->n -= len;
		ret = vhost_msg_got(&r, len, fds, nfds);
		if (ret < 0) {
			vhost_dev_reset(&dev);
			vhost_msg_reader_init(&r);
			continue;
		}
		if (!ret)
			continue;
		memset(&reply, 0, sizeof(reply));
		ret = vhost_dev_handle(&dev, &r.msg, &reply, &send);
		if (r.msg.nfds)
			abort();	/* every fd taken or closed */
		if (send)
			fuzz_reply_check(&reply);
		vhost_msg_reader_init(&r);
		if (ret) {
			if (!dev.why[0])
				abort();	/* refused without a reason */
			vhost_dev_reset(&dev);
			continue;
		}
		fuzz_dev_traffic(&dev);
	}
	vhost_msg_close_fds(&r.msg);
	vhost_dev_reset(&dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	int probe, after;

	if (!size)
		return 0;
	probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(probe);
	if (in_u8(&in) & 1)
		fuzz_rings(&in);
	else
		fuzz_messages(&in);
	after = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(after);
	if (after != probe) {
		fprintf(stderr, "fuzz-vhost: an fd was left open (%d, was %d)\n",
			after, probe);
		abort();
	}
	return 0;
}
