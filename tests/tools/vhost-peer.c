// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-peer.c - play QEMU and a guest on a tapsw vhost-user port, without
 * a VM, to test what no well-behaved guest does.
 *
 *	vhost-peer -s SOCK -m MODE [-w SECS] [-a BYTE] [-k]
 *
 * connects to SOCK and sets a virtio-net device up as QEMU 7.2 does (guest
 * memory: a 1 MiB memfd; two rings of 16 entries; eventfds for kick, call
 * and error), then, by MODE:
 *
 *	frame	 sends a broadcast frame (source 52:54:00:00:00:BYTE, again
 *		 every 0.2 s) on its TX ring until one is used and a frame
 *		 came on its RX ring (8 mergeable buffers given): prints
 *		 "vhost-peer: done", exit 0 (with -k: once SIGTERM comes)
 *	loop	 a TX chain whose descriptor points at itself
 *	oob	 a TX buffer outside guest memory
 *	rx-read	 a device-readable buffer on its RX ring (the switch must
 *		 send it something: a broadcast from another port)
 *		 -- each of these three: exit 0 once tapsw signals the ring's
 *		 error eventfd
 *	hold	 stays connected until SIGTERM (exit 0)
 *	garbage	 (no set-up) sends a header of protocol version 2: exit 0
 *		 once tapsw closes the connection
 *
 * Exit 1 when what was waited for did not happen within SECS (default
 * 10), or the set-up failed (the reason on stderr); 2 on bad usage.
 */
#define _GNU_SOURCE

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_ring.h>

enum {
	MEM_SIZE = 1024 * 1024,
	NUM = 16,
	RX = 0,
	TX = 1,
	BUF0 = 0x10000,
};

/* ring i: descriptors at 0x4000 * i, avail + 0x1000, used + 0x2000 */
static const uint64_t ring_base[2] = { 0x0000, 0x4000 };

static uint8_t *mem;
static int sock = -1, memfd = -1;
static int kick[2], call[2], errfd[2];
static volatile sig_atomic_t stop;

static void die(const char *what)
{
	fprintf(stderr, "vhost-peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void send_msg(uint32_t req, uint32_t flags, const void *payload,
		     uint32_t size, const int *fds, unsigned int nfds)
{
	uint32_t hdr[3] = { htole32(req), htole32(1 | flags), htole32(size) };
	struct iovec iov[2] = {
		{ hdr, sizeof(hdr) }, { (void *)payload, size },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} c;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (nfds) {
		struct cmsghdr *cm;

		mh.msg_control = c.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		die("sendmsg");
}

/* the reply to @req: its u64 (or the vring state's num) */
static uint64_t recv_reply(uint32_t req)
{
	uint32_t hdr[3];
	uint64_t v = 0;

	if (recv(sock, hdr, sizeof(hdr), MSG_WAITALL) != sizeof(hdr))
		die("reading a reply");
	if (le32toh(hdr[0]) != req || le32toh(hdr[2]) > 8) {
		fprintf(stderr, "vhost-peer: unexpected reply %u size %u\n",
			le32toh(hdr[0]), le32toh(hdr[2]));
		exit(1);
	}
	if (hdr[2] && recv(sock, &v, le32toh(hdr[2]), MSG_WAITALL) !=
	    (ssize_t)le32toh(hdr[2]))
		die("reading a reply's payload");
	return le64toh(v);
}

static void send_u64(uint32_t req, uint64_t v, int fd)
{
	v = htole64(v);
	send_msg(req, 0, &v, 8, &fd, fd >= 0);
}

static void send_state(uint32_t req, uint32_t index, uint32_t num)
{
	uint32_t s[2] = { htole32(index), htole32(num) };

	send_msg(req, 0, s, 8, NULL, 0);
}

static struct vring_desc *desc(int ring)
{
	return (struct vring_desc *)(mem + ring_base[ring]);
}

static struct vring_avail *avail(int ring)
{
	return (struct vring_avail *)(mem + ring_base[ring] + 0x1000);
}

static struct vring_used *used(int ring)
{
	return (struct vring_used *)(mem + ring_base[ring] + 0x2000);
}

static void set_desc(int ring, unsigned int i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	desc(ring)[i].addr = htole64(addr);
	desc(ring)[i].len = htole32(len);
	desc(ring)[i].flags = htole16(flags);
	desc(ring)[i].next = htole16(next);
}

static void publish(int ring, uint16_t head)
{
	struct vring_avail *a = avail(ring);
	uint16_t idx = le16toh(a->idx);

	a->ring[idx % NUM] = htole16(head);
	__atomic_store_n(&a->idx, htole16(idx + 1), __ATOMIC_RELEASE);
}

static void setup(void)
{
	struct {
		uint32_t nregions, padding;
		uint64_t gpa, size, uva, offset;
	} mt;
	uint64_t features, want;
	int i;

	memfd = memfd_create("vhost-peer", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, MEM_SIZE) < 0)
		die("memfd");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd,
		   0);
	if (mem == MAP_FAILED)
		die("mmap");

	send_msg(1 /* GET_FEATURES */, 0, NULL, 0, NULL, 0);
	features = recv_reply(1);
	/* VERSION_1, MRG_RXBUF, PROTOCOL_FEATURES */
	want = (1ull << 32) | (1ull << 15) | (1ull << 30);
	if ((features & want) != want) {
		fprintf(stderr, "vhost-peer: features 0x%llx lack 0x%llx\n",
			(unsigned long long)features, (unsigned long long)want);
		exit(1);
	}
	send_msg(15 /* GET_PROTOCOL_FEATURES */, 0, NULL, 0, NULL, 0);
	recv_reply(15);
	send_u64(16 /* SET_PROTOCOL_FEATURES */, 1ull << 3 /* REPLY_ACK */, -1);
	send_msg(3 /* SET_OWNER */, 0, NULL, 0, NULL, 0);
	send_u64(2 /* SET_FEATURES */, want, -1);
	mt.nregions = htole32(1);
	mt.padding = 0;
	mt.gpa = 0;
	mt.size = htole64(MEM_SIZE);
	mt.uva = htole64((uintptr_t)mem);
	mt.offset = 0;
	send_msg(5 /* SET_MEM_TABLE */, 0x8 /* NEED_REPLY */, &mt, sizeof(mt),
		 &memfd, 1);
	if (recv_reply(5) != 0) {
		fprintf(stderr, "vhost-peer: SET_MEM_TABLE refused\n");
		exit(1);
	}
	for (i = 0; i < 2; i++) {
		struct {
			uint32_t index, flags;
			uint64_t desc, used, avail, log;
		} a = {
			.index = htole32(i),
			.desc = htole64((uintptr_t)desc(i)),
			.used = htole64((uintptr_t)used(i)),
			.avail = htole64((uintptr_t)avail(i)),
		};

		kick[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		call[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		errfd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		send_state(8 /* SET_VRING_NUM */, i, NUM);
		send_state(10 /* SET_VRING_BASE */, i, 0);
		send_msg(9 /* SET_VRING_ADDR */, 0, &a, sizeof(a), NULL, 0);
		send_u64(13 /* SET_VRING_CALL */, i, call[i]);
		send_u64(14 /* SET_VRING_ERR */, i, errfd[i]);
		send_u64(12 /* SET_VRING_KICK */, i, kick[i]);
		send_state(18 /* SET_VRING_ENABLE */, i, 1);
	}
	/* a request with a reply: everything before it is done */
	send_msg(17 /* GET_QUEUE_NUM */, 0, NULL, 0, NULL, 0);
	recv_reply(17);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* wait for @fd readable (or @cond true) until @deadline; true if so */
static bool wait_fd(int fd, double deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (!stop && now() < deadline) {
		if (poll(&p, 1, 100) > 0)
			return true;
	}
	return false;
}

static int mode_frame(double deadline, uint8_t mac_last, bool keep)
{
	uint8_t frame[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x52, 0x54, 0x00, 0x00, 0x00, 0x99,
		0x88, 0xb5,	/* local experimental ethertype */
		'v', 'h', 'o', 's', 't', '-', 'p', 'e', 'e', 'r',
	};
	unsigned int i, tick = 0;
	bool sent = false;

	for (i = 0; i < 8; i++) {
		set_desc(RX, i, BUF0 + 0x1000 * i, 2048, VRING_DESC_F_WRITE, 0);
		publish(RX, (uint16_t)i);
	}
	frame[11] = mac_last;
	memset(mem + BUF0 + 0x10000, 0, 12);		/* vnet header */
	memcpy(mem + BUF0 + 0x10000 + 12, frame, sizeof(frame));
	set_desc(TX, 0, BUF0 + 0x10000, 12 + sizeof(frame), 0, 0);
	while (!stop && now() < deadline) {
		uint16_t done = le16toh(__atomic_load_n(&used(TX)->idx,
							__ATOMIC_ACQUIRE));

		/* again every 0.2 s: the other side may not be up yet */
		if (done == le16toh(avail(TX)->idx) && !(tick++ % 20)) {
			publish(TX, 0);
			eventfd_write(kick[TX], 1);
		}
		if (!sent && done >= 1) {
			sent = true;
			fprintf(stderr, "vhost-peer: our frame was taken\n");
		}
		if (le16toh(__atomic_load_n(&used(RX)->idx,
					    __ATOMIC_ACQUIRE)) >= 1) {
			struct vring_used_elem *e = &used(RX)->ring[0];
			uint8_t *b = mem + BUF0 + 0x1000 * le32toh(e->id);

			fprintf(stderr,
				"vhost-peer: got a frame: %u bytes, num_buffers %u, ethertype %02x%02x\n",
				le32toh(e->len), b[10] | b[11] << 8, b[24],
				b[25]);
			if (sent) {
				fprintf(stderr, "vhost-peer: done\n");
				while (keep && !stop)
					pause();
				return 0;
			}
		}
		usleep(10000);
	}
	fprintf(stderr, "vhost-peer: %s\n", sent ? "no frame came" :
		"our frame was not taken");
	return 1;
}

static int mode_bad(const char *mode, double deadline)
{
	int ring = TX;

	if (!strcmp(mode, "loop")) {
		set_desc(TX, 3, BUF0, 64, VRING_DESC_F_NEXT, 3);
		publish(TX, 3);
	} else if (!strcmp(mode, "oob")) {
		set_desc(TX, 0, MEM_SIZE - 16, 64, 0, 0);
		publish(TX, 0);
	} else {
		ring = RX;
		set_desc(RX, 0, BUF0, 2048, 0, 0);
		publish(RX, 0);
	}
	if (ring == TX)
		eventfd_write(kick[TX], 1);
	if (wait_fd(errfd[ring], deadline)) {
		fprintf(stderr, "vhost-peer: tapsw signalled ring %d's error eventfd\n",
			ring);
		return 0;
	}
	fprintf(stderr, "vhost-peer: no error signalled on ring %d\n", ring);
	return 1;
}

static int mode_garbage(double deadline)
{
	uint32_t hdr[3] = { htole32(1), htole32(2), 0 };
	char c;

	/* closed before we said anything (a refused second client): fine */
	if (send(sock, hdr, sizeof(hdr), MSG_NOSIGNAL) < 0 &&
	    errno != EPIPE && errno != ECONNRESET)
		die("send");
	if (wait_fd(sock, deadline) && recv(sock, &c, 1, 0) <= 0) {
		fprintf(stderr, "vhost-peer: tapsw closed the connection\n");
		return 0;
	}
	fprintf(stderr, "vhost-peer: the connection stayed open\n");
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = NULL, *mode = NULL;
	double secs = 10, deadline;
	uint8_t mac_last = 0x99;
	bool keep = false;
	int opt;

	while ((opt = getopt(argc, argv, "s:m:w:a:k")) != -1) {
		switch (opt) {
		case 'k':
			keep = true;
			break;
		case 'a':
			mac_last = (uint8_t)strtoul(optarg, NULL, 0);
			break;
		case 's':
			path = optarg;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'w':
			secs = atof(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (!path || !mode || strlen(path) >= sizeof(sa.sun_path))
		goto usage;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(path);
	deadline = now() + secs;
	if (!strcmp(mode, "garbage"))
		return mode_garbage(deadline);
	setup();
	if (!strcmp(mode, "frame"))
		return mode_frame(deadline, mac_last, keep);
	if (!strcmp(mode, "loop") || !strcmp(mode, "oob") ||
	    !strcmp(mode, "rx-read"))
		return mode_bad(mode, deadline);
	if (!strcmp(mode, "hold")) {
		fprintf(stderr, "vhost-peer: connected, holding\n");
		while (!stop)
			pause();
		return 0;
	}
usage:
	fprintf(stderr, "usage: vhost-peer -s SOCK -m frame|loop|oob|rx-read|hold|garbage [-w SECS] [-a BYTE] [-k]\n");
	return 2;
}
