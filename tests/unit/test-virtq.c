// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-virtq.c - the split virtqueue against a guest driver played here:
 * rings and buffers in a real memfd mapped through vhost_mem, descriptors
 * written the way Linux's virtio_ring does.  TX chains of one and several
 * buffers, one crossing two regions; RX frames into mergeable buffers
 * (num_buffers, a header split across buffers), into one big buffer, into
 * a legacy 10-byte header; too few or too small buffers (nothing taken);
 * then one test per thing a guest can get wrong, each of which must break
 * the queue with its reason; then interrupt and kick suppression with and
 * without EVENT_IDX.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tapsw/vhost_mem.h"
#include "tapsw/virtq.h"
#include "tap.h"

enum {
	MEM_SZ = 256 * 1024,
	UVA0 = 0x10000000,		/* QEMU's address of gpa 0 */
	UVA1 = 0x20000000,
	NUM = 16,
	DESC_GPA = 0x0,
	AVAIL_GPA = 0x1000,
	USED_GPA = 0x2000,
	BUF_GPA = 0x4000,
};

struct guest {
	struct vhost_mem mem;
	struct virtq vq;
	uint16_t avail_idx;
	uint16_t next_desc;
};

struct gbuf {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;		/* VRING_DESC_F_WRITE; NEXT is added */
};

static int memfd(size_t size)
{
	int fd = memfd_create("test-virtq", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		abort();
	return fd;
}

static uint8_t *g_ptr(struct guest *g, uint64_t gpa, uint64_t len)
{
	uint8_t *p = vhost_mem_gpa(&g->mem, gpa, len);

	if (!p)
		abort();
	return p;
}

static struct vring_desc *g_desc(struct guest *g)
{
	return (struct vring_desc *)g_ptr(g, DESC_GPA, NUM * 16);
}

static struct vring_avail *g_avail(struct guest *g)
{
	return (struct vring_avail *)g_ptr(g, AVAIL_GPA, 6 + 2 * NUM);
}

static struct vring_used *g_used(struct guest *g)
{
	return (struct vring_used *)g_ptr(g, USED_GPA, 6 + 8 * NUM);
}

/* a guest with one region (two if @two: the second at gpa MEM_SZ) */
static void g_init(struct guest *g, bool two, bool event_idx)
{
	struct vhost_mem_desc d[2] = {
		{ .gpa = 0, .size = MEM_SZ, .uva = UVA0 },
		{ .gpa = MEM_SZ, .size = MEM_SZ, .uva = UVA1 },
	};
	int fds[2] = { memfd(MEM_SZ), memfd(MEM_SZ) };
	char why[128];

	memset(g, 0, sizeof(*g));
	if (vhost_mem_map(&g->mem, d, two ? 2 : 1, fds, why, sizeof(why)))
		abort();
	close(fds[0]);
	close(fds[1]);
	if (virtq_map(&g->vq, &g->mem, NUM, UVA0 + DESC_GPA, UVA0 + AVAIL_GPA,
		      UVA0 + USED_GPA, 0, event_idx))
		abort();
}

static void g_fini(struct guest *g)
{
	vhost_mem_unmap(&g->mem);
}

static void g_set_desc(struct guest *g, uint16_t i, uint64_t addr,
		       uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc *d = &g_desc(g)[i];

	d->addr = htole64(addr);
	d->len = htole32(len);
	d->flags = htole16(flags);
	d->next = htole16(next);
}

/* make chain head @head available */
static void g_publish(struct guest *g, uint16_t head)
{
	struct vring_avail *a = g_avail(g);

	a->ring[g->avail_idx % NUM] = htole16(head);
	g->avail_idx++;
	__atomic_store_n(&a->idx, htole16(g->avail_idx), __ATOMIC_RELEASE);
}

/* a chain of @n buffers in free descriptors, made available */
static uint16_t g_add(struct guest *g, const struct gbuf *b, unsigned int n)
{
	uint16_t head = g->next_desc, i;

	for (i = 0; i < n; i++) {
		uint16_t at = (uint16_t)((head + i) % NUM);

		g_set_desc(g, at, b[i].addr, b[i].len,
			   (uint16_t)(b[i].flags |
				      ((unsigned int)i + 1 < n ? VRING_DESC_F_NEXT : 0)),
			   (uint16_t)((at + 1) % NUM));
	}
	g->next_desc = (uint16_t)((head + n) % NUM);
	g_publish(g, head);
	return head;
}

static uint16_t g_used_idx(struct guest *g)
{
	return le16toh(g_used(g)->idx);
}

static bool g_used_is(struct guest *g, uint16_t slot, uint32_t id,
		      uint32_t len)
{
	struct vring_used_elem *e = &g_used(g)->ring[slot % NUM];

	return le32toh(e->id) == id && le32toh(e->len) == len;
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

/* ---------------------------------------------------------------- map -- */

static void test_map(void)
{
	struct guest g;
	struct virtq vq;

	g_init(&g, false, false);
	ok(virtq_map(&vq, &g.mem, 0, UVA0, UVA0 + AVAIL_GPA, UVA0 + USED_GPA,
		     0, false) == -EINVAL, "map: size 0 refused");
	ok(virtq_map(&vq, &g.mem, 24, UVA0, UVA0 + AVAIL_GPA,
		     UVA0 + USED_GPA, 0, false) == -EINVAL,
	   "map: size 24 (not a power of 2) refused");
	ok(virtq_map(&vq, &g.mem, 65536, UVA0, UVA0 + AVAIL_GPA,
		     UVA0 + USED_GPA, 0, false) == -EINVAL,
	   "map: size 65536 refused");
	ok(virtq_map(&vq, &g.mem, NUM, UVA0 + MEM_SZ - 100, UVA0 + AVAIL_GPA,
		     UVA0 + USED_GPA, 0, false) == -EFAULT &&
	   vq.err == VIRTQ_ERR_RING, "map: descriptors past memory: ring error");
	ok(virtq_map(&vq, &g.mem, NUM, UVA0, UVA0 + MEM_SZ - 10,
		     UVA0 + USED_GPA, 0, false) == -EFAULT,
	   "map: available ring past memory");
	ok(virtq_map(&vq, &g.mem, NUM, UVA0, UVA0 + AVAIL_GPA, 0x1234, 0,
		     false) == -EFAULT, "map: used ring outside memory");
	ok(virtq_map(&vq, &g.mem, NUM, UVA0 + 8, UVA0 + AVAIL_GPA,
		     UVA0 + USED_GPA, 0, false) == -EFAULT,
	   "map: descriptors misaligned");
	ok(virtq_map(&vq, &g.mem, NUM, UVA0, UVA0 + AVAIL_GPA,
		     UVA0 + USED_GPA + 2, 0, false) == -EFAULT,
	   "map: used ring misaligned");
	ok(virtq_avail(&vq) == -EPROTO, "a queue that did not map is broken");

	g_used(&g)->idx = htole16(7);
	ok(virtq_map(&vq, &g.mem, NUM, UVA0, UVA0 + AVAIL_GPA,
		     UVA0 + USED_GPA, 3, false) == 1 &&
	   vq.last_avail == 7 && vq.used_idx == 7,
	   "map: base 3 but the guest used 7: resynced to 7");
	g_fini(&g);
}

/* ---------------------------------------------------------------- TX -- */

static void test_tx(void)
{
	uint8_t buf[8192], want[8192];
	struct guest g;
	uint16_t h0, h1;
	ssize_t n;

	g_init(&g, true, false);
	ok(virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf)) == -EAGAIN,
	   "tx: nothing available: -EAGAIN");

	fill(g_ptr(&g, BUF_GPA, 1000), 1000, 1);
	h0 = g_add(&g, (struct gbuf[]){ { BUF_GPA, 1000, 0 } }, 1);
	fill(g_ptr(&g, BUF_GPA + 0x1000, 12), 12, 2);
	fill(g_ptr(&g, BUF_GPA + 0x2000, 3000), 3000, 3);
	fill(g_ptr(&g, BUF_GPA + 0x4000, 1), 1, 4);
	h1 = g_add(&g, (struct gbuf[]){ { BUF_GPA + 0x1000, 12, 0 },
					{ BUF_GPA + 0x2000, 3000, 0 },
					{ BUF_GPA + 0x3000, 0, 0 },
					{ BUF_GPA + 0x4000, 1, 0 } }, 4);
	ok(virtq_avail(&g.vq) == 2, "tx: two chains available");

	n = virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	fill(want, 1000, 1);
	ok(n == 1000 && !memcmp(buf, want, 1000), "tx: one buffer, 1000 bytes");
	n = virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	fill(want, 12, 2);
	fill(want + 12, 3000, 3);
	fill(want + 3012, 1, 4);
	ok(n == 3013 && !memcmp(buf, want, 3013),
	   "tx: four buffers (one empty) joined, 3013 bytes");
	ok(g_used_idx(&g) == 0, "tx: nothing published before the flush");
	virtq_flush(&g.vq);
	ok(g_used_idx(&g) == 2 && g_used_is(&g, 0, h0, 0) &&
	   g_used_is(&g, 1, h1, 0), "tx: flush publishes both, in order");

	/* a buffer from the end of region 0 into region 1 */
	fill(g_ptr(&g, MEM_SZ - 300, 300), 300, 5);
	fill(g_ptr(&g, MEM_SZ, 200), 200, 6);
	g_add(&g, (struct gbuf[]){ { MEM_SZ - 300, 500, 0 } }, 1);
	n = virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	fill(want, 300, 5);
	fill(want + 300, 200, 6);
	ok(n == 500 && !memcmp(buf, want, 500),
	   "tx: a buffer across two regions is joined");

	/* too long for the caller: taken and used, not copied */
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 3000, 0 },
				   { BUF_GPA, 3000, 0 } }, 2);
	h1 = g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	ok(virtq_tx_pop(&g.vq, &g.mem, buf, 4096) == -EMSGSIZE,
	   "tx: 6000 bytes for 4096: -EMSGSIZE");
	ok(virtq_tx_pop(&g.vq, &g.mem, buf, 4096) == 10,
	   "tx: the next chain comes after it");
	virtq_flush(&g.vq);
	ok(g_used_idx(&g) == 5 && g_used_is(&g, 4, h1, 0),
	   "tx: the long chain was used too");
	ok(g.vq.err == VIRTQ_ERR_NONE, "tx: no error so far");
	g_fini(&g);
}

/* ---------------------------------------------------------------- RX -- */

/* put @len bytes at @f (a 12-byte header, then the frame) into @g's ring */
static int rx_put(struct guest *g, const uint8_t *f, size_t len,
		  unsigned int hdr_len, bool mrg)
{
	if (len < 12)
		return -EINVAL;
	return virtq_rx_put(&g->vq, &g->mem, f, hdr_len, f + 12, len - 12, mrg);
}

static void frame_make(uint8_t *f, size_t len, unsigned int seed)
{
	memset(f, 0, 12);
	f[0] = 1;			/* flags: NEEDS_CSUM, say */
	f[2] = 0x34;			/* hdr_len */
	f[10] = 0xee;			/* num_buffers: overwritten */
	f[11] = 0xee;
	fill(f + 12, len - 12, seed);
}

static void test_rx(void)
{
	uint8_t f[12 + 3000], copy[sizeof(f)], got[4096];
	struct guest g;
	uint16_t h[3];

	g_init(&g, false, true);
	frame_make(f, sizeof(f), 9);
	memcpy(copy, f, sizeof(f));
	ok(rx_put(&g, f, sizeof(f), 12, true) == -ENOBUFS,
	   "rx: no buffers: -ENOBUFS");

	h[0] = g_add(&g, (struct gbuf[]){ { BUF_GPA, 1500, VRING_DESC_F_WRITE } }, 1);
	h[1] = g_add(&g, (struct gbuf[]){ { BUF_GPA + 0x1000, 1500, VRING_DESC_F_WRITE } }, 1);
	ok(rx_put(&g, f, sizeof(f), 12, true) == -ENOBUFS &&
	   g.vq.last_avail == 0 && g.vq.used_idx == 0,
	   "rx: 3012 bytes, 3000 of buffers: -ENOBUFS, nothing taken");
	h[2] = g_add(&g, (struct gbuf[]){ { BUF_GPA + 0x2000, 1500, VRING_DESC_F_WRITE } }, 1);
	ok(rx_put(&g, f, sizeof(f), 12, true) == 0,
	   "rx: three buffers: delivered");
	ok(!memcmp(f, copy, sizeof(f)), "rx: the caller's frame is unchanged");
	virtq_flush(&g.vq);
	ok(g_used_idx(&g) == 3 && g_used_is(&g, 0, h[0], 1500) &&
	   g_used_is(&g, 1, h[1], 1500) && g_used_is(&g, 2, h[2], 12),
	   "rx: used 1500 + 1500 + 12");
	memcpy(got, g_ptr(&g, BUF_GPA, 1500), 1500);
	memcpy(got + 1500, g_ptr(&g, BUF_GPA + 0x1000, 1500), 1500);
	memcpy(got + 3000, g_ptr(&g, BUF_GPA + 0x2000, 12), 12);
	ok(got[10] == 3 && got[11] == 0, "rx: num_buffers 3");
	ok(!memcmp(got, f, 10) && !memcmp(got + 12, f + 12, 3000),
	   "rx: header and frame as sent");

	/* the header split over buffers: num_buffers lands in the second */
	frame_make(f, 112, 3);
	h[0] = g_add(&g, (struct gbuf[]){ { BUF_GPA, 11, VRING_DESC_F_WRITE },
					  { BUF_GPA + 0x1000, 1, VRING_DESC_F_WRITE } }, 2);
	h[1] = g_add(&g, (struct gbuf[]){ { BUF_GPA + 0x2000, 4000, VRING_DESC_F_WRITE } }, 1);
	ok(rx_put(&g, f, 112, 12, true) == 0,
	   "rx: 11 + 1 byte chain then a big one: delivered");
	ok(*g_ptr(&g, BUF_GPA + 10, 1) == 2 &&
	   *g_ptr(&g, BUF_GPA + 0x1000, 1) == 0,
	   "rx: num_buffers 2 with its bytes in two buffers");
	ok(!memcmp(g_ptr(&g, BUF_GPA + 0x2000, 100), f + 12, 100),
	   "rx: the frame in the second chain");

	/* without MRG_RXBUF: one chain for all of it */
	frame_make(f, sizeof(f), 4);
	h[0] = g_add(&g, (struct gbuf[]){ { BUF_GPA, 1000, VRING_DESC_F_WRITE },
					  { BUF_GPA + 0x1000, 1000, VRING_DESC_F_WRITE } }, 2);
	ok(rx_put(&g, f, sizeof(f), 12, false) == -EMSGSIZE &&
	   g.vq.last_avail == 5,
	   "rx, no mrg: 3012 bytes into 2000: -EMSGSIZE, nothing taken");
	g_fini(&g);

	g_init(&g, false, false);
	h[0] = g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, VRING_DESC_F_WRITE },
					  { BUF_GPA + 0x1000, 4000, VRING_DESC_F_WRITE } }, 2);
	ok(rx_put(&g, f, sizeof(f), 10, false) == 0,
	   "rx, legacy 10-byte header: delivered into 10 + 4000");
	ok(!memcmp(g_ptr(&g, BUF_GPA, 10), f, 10) &&
	   !memcmp(g_ptr(&g, BUF_GPA + 0x1000, 3000), f + 12, 3000),
	   "rx, legacy: no num_buffers, frame right after the 10 bytes");
	virtq_flush(&g.vq);
	ok(g_used_is(&g, (uint16_t)(g_used_idx(&g) - 1), h[0], 3010),
	   "rx, legacy: used length 3010");
	ok(virtq_rx_put(&g.vq, &g.mem, f, 13, f + 12, 10, true) == -EINVAL,
	   "rx: a header over 12 bytes: -EINVAL");
	g_fini(&g);
}

/* --------------------------------------------------------- bad guests -- */

struct bad {
	const char *name;
	enum virtq_err want;
	bool rx;
	void (*setup)(struct guest *g);
};

static void bad_head(struct guest *g)
{
	g_publish(g, NUM);
}

static void bad_next(struct guest *g)
{
	g_set_desc(g, 0, BUF_GPA, 10, VRING_DESC_F_NEXT, NUM + 3);
	g_publish(g, 0);
}

static void bad_loop(struct guest *g)
{
	g_set_desc(g, 0, BUF_GPA, 10, VRING_DESC_F_NEXT, 1);
	g_set_desc(g, 1, BUF_GPA, 10, VRING_DESC_F_NEXT, 0);
	g_publish(g, 0);
}

static void bad_self_loop_rx(struct guest *g)
{
	/* zero-length writable buffers: nothing is ever written */
	g_set_desc(g, 3, BUF_GPA, 0, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 3);
	g_publish(g, 3);
}

static void bad_addr(struct guest *g)
{
	g_set_desc(g, 0, MEM_SZ - 5, 10, 0, 0);
	g_publish(g, 0);
}

static void bad_addr_wrap(struct guest *g)
{
	g_set_desc(g, 0, UINT64_MAX - 4, 10, 0, 0);
	g_publish(g, 0);
}

static void bad_addr_rx(struct guest *g)
{
	g_set_desc(g, 0, 0x7fffffff0000ull, 4096, VRING_DESC_F_WRITE, 0);
	g_publish(g, 0);
}

static void bad_indirect(struct guest *g)
{
	g_set_desc(g, 0, BUF_GPA, 16, VRING_DESC_F_INDIRECT, 0);
	g_publish(g, 0);
}

static void bad_writable(struct guest *g)
{
	g_set_desc(g, 0, BUF_GPA, 100, VRING_DESC_F_NEXT, 1);
	g_set_desc(g, 1, BUF_GPA, 100, VRING_DESC_F_WRITE, 0);
	g_publish(g, 0);
}

static void bad_readable(struct guest *g)
{
	g_set_desc(g, 0, BUF_GPA, 100, 0, 0);
	g_publish(g, 0);
}

static void bad_avail_idx(struct guest *g)
{
	g_avail(g)->idx = htole16(NUM + 1);
}

static void test_bad(void)
{
	static const struct bad bad[] = {
		{ "head beyond the ring", VIRTQ_ERR_HEAD, false, bad_head },
		{ "next beyond the ring", VIRTQ_ERR_NEXT, false, bad_next },
		{ "a loop of two", VIRTQ_ERR_LOOP, false, bad_loop },
		{ "rx: a loop of one", VIRTQ_ERR_LOOP, true, bad_self_loop_rx },
		{ "buffer past memory", VIRTQ_ERR_ADDR, false, bad_addr },
		{ "buffer wrapping 2^64", VIRTQ_ERR_ADDR, false,
		  bad_addr_wrap },
		{ "rx: buffer outside memory", VIRTQ_ERR_ADDR, true,
		  bad_addr_rx },
		{ "indirect", VIRTQ_ERR_INDIRECT, false, bad_indirect },
		{ "tx: writable buffer", VIRTQ_ERR_WRITABLE, false,
		  bad_writable },
		{ "rx: readable buffer", VIRTQ_ERR_READABLE, true,
		  bad_readable },
		{ "avail idx a ring ahead", VIRTQ_ERR_AVAIL_IDX, false,
		  bad_avail_idx },
		{ "rx: avail idx a ring ahead", VIRTQ_ERR_AVAIL_IDX, true,
		  bad_avail_idx },
	};
	uint8_t buf[4096], f[12 + 1500];
	unsigned int i;

	frame_make(f, sizeof(f), 1);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct guest g;
		int ret;

		g_init(&g, false, false);
		bad[i].setup(&g);
		ret = bad[i].rx ?
		      rx_put(&g, f, sizeof(f), 12, true) :
		      (int)virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
		ok(ret == -EPROTO && g.vq.err == bad[i].want &&
		   virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf)) == -EPROTO &&
		   rx_put(&g, f, sizeof(f), 12, true) == -EPROTO,
		   "broken by %s: %s (%s), and stays broken", bad[i].name,
		   virtq_err_name(g.vq.err), virtq_err_text(g.vq.err));
		g_fini(&g);
	}
	ok(!strcmp(virtq_err_name(VIRTQ_ERR_MAX), "unknown"),
	   "an unknown error has a name");
}

/* ------------------------------------------------------ notification -- */

static void test_notify(void)
{
	uint8_t buf[64];
	struct guest g;
	uint16_t *used_event, *avail_event;

	/* no EVENT_IDX: the flags */
	g_init(&g, false, false);
	ok(!virtq_notify_needed(&g.vq), "notify: nothing used yet: no");
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	virtq_flush(&g.vq);
	ok(virtq_notify_needed(&g.vq), "notify: one used, interrupts on");
	ok(!virtq_notify_needed(&g.vq), "notify: nothing new since: no");
	g_avail(&g)->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	virtq_flush(&g.vq);
	ok(!virtq_notify_needed(&g.vq), "notify: NO_INTERRUPT: no");
	virtq_kick_disable(&g.vq);
	ok(le16toh(g_used(&g)->flags) == VRING_USED_F_NO_NOTIFY,
	   "kick off: NO_NOTIFY set");
	ok(!virtq_kick_enable(&g.vq) && g_used(&g)->flags == 0,
	   "kick on: NO_NOTIFY clear, nothing pending");
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	ok(virtq_kick_enable(&g.vq), "kick on: a chain is pending: true");
	g_fini(&g);

	/* EVENT_IDX: used_event and avail_event */
	g_init(&g, false, true);
	used_event = (uint16_t *)&g_avail(&g)->ring[NUM];
	avail_event = (uint16_t *)&g_used(&g)->ring[NUM];
	*used_event = htole16(0);
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	virtq_flush(&g.vq);
	ok(virtq_notify_needed(&g.vq), "event idx: first used entry: yes");
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	virtq_flush(&g.vq);
	ok(!virtq_notify_needed(&g.vq),
	   "event idx: used_event 0 already passed: no");
	*used_event = htole16(2);
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	g_add(&g, (struct gbuf[]){ { BUF_GPA, 10, 0 } }, 1);
	virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	virtq_tx_pop(&g.vq, &g.mem, buf, sizeof(buf));
	virtq_flush(&g.vq);
	ok(virtq_notify_needed(&g.vq),
	   "event idx: used 2 -> 4 passes used_event 2: yes");
	ok(!virtq_kick_enable(&g.vq) && le16toh(*avail_event) == 4,
	   "event idx: kick on writes avail_event = 4");
	virtq_kick_disable(&g.vq);
	ok(le16toh(*avail_event) == 3,
	   "event idx: kick off puts avail_event just behind");
	g_fini(&g);
}

int main(void)
{
	plan_tests(10 + 11 + 15 + 13 + 12);
	test_map();
	test_tx();
	test_rx();
	test_bad();
	test_notify();
	return exit_status();
}
