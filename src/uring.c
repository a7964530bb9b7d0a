// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uring.c - batched TAP writes through one io_uring, with a plain
 * read()/write() fallback chosen at run time.
 *
 * Why: a TAP moves one frame per read() or write(), and a system call costs
 * 1-2 us on the machines tapsw is measured on (write() of a 60-byte frame
 * 1.9-2.6 us; the same write batched 32 to one io_uring_enter() 0.32 us).
 * For 64 KiB GSO frames that is noise; for small frames (TCP ACKs, VoIP,
 * DNS, a 64-byte flood) it is the whole cost.  tun has no sendmmsg(), so
 * io_uring is the only way to hand the kernel many frames in one call.
 *
 * What: one ring per process.  Small frames (up to URING_SLOT_SIZE bytes,
 * vnet header included) are copied into a preallocated slot and queued as
 * one IORING_OP_WRITE each, in the order the switch sent them; the queue is
 * submitted once per loop iteration by a uv_check_t (after every ready port
 * has drained its batch), or earlier when the slots run out.  Copying a
 * small frame costs far less than the system call it saves, keeps the read
 * buffer free for the next read at once, and makes a flood to k ports k
 * independent writes with no reference counting.  Nothing is allocated per
 * frame: 256 slots of 2 KiB are allocated at start-up.  Which frames take
 * this way, and which ports are read by the multishot reads below, is the
 * backend's choice: tap.c uses both only while a port is busy, since for a
 * lone frame a plain read() and write() is quicker.
 *
 * Larger frames (GSO superframes, jumbo frames) keep their direct write():
 * one system call moves up to 64 KiB, batching saves nothing, and copying
 * would cost.  Before such a write, the port's queued writes are submitted
 * and waited for (uring_fd_sync()), so the frames of one flow never
 * overtake each other.
 *
 * Order: the kernel issues SQEs in submission order, and a write to a tun fd
 * opened O_NONBLOCK completes inline during io_uring_enter() (tun takes the
 * frame into the receiving stack or drops it; it never waits), so writes to
 * one port complete in the order they were queued, and no io-wq worker is
 * involved.  Should the kernel ever punt one to a worker, its completion is
 * signalled on an eventfd registered with io_uring_register_eventfd_async()
 * (only async completions wake it: inline ones are reaped right after the
 * submit, with no extra system call), watched by a uv_poll_t.  Measured with
 * tests/integration/65-order.sh: TcpExtTCPOFOQueue stays 0 with 4 streams.
 *
 * Results: a completion is counted on its port like a direct write
 * (port_send_done(): EIO port_down, EBADFD the port fails, others tx_error).
 * tx counters therefore lag by at most one loop iteration.
 *
 * Reads (kernel >= 6.7): one IORING_OP_READ_MULTISHOT per TAP port, into
 * a ring of URING_RX_BUFS buffers of the port's own (registered buffer
 * group, bgid = port index; each buffer holds the largest frame, since tun
 * truncates silently).  The kernel reads every frame as it arrives and
 * posts one completion per frame; the loop learns of them from an eventfd
 * (io_uring_register_eventfd) watched by a uv_poll_t, forwards up to
 * URING_RX_BUDGET frames per iteration straight from the buffers, and gives
 * each buffer back as soon as switch_input() returns (small frames were
 * copied into write slots, big ones written synchronously).  Exactly one
 * read per fd is ever in the kernel: several single-shot reads in flight on
 * one tun fd were measured to spawn io-wq workers and reorder frames.
 * The reads live in a second ring so that completions of writes, reaped
 * from inside forwarding when the slots run out, never include frames:
 * forwarding never nests.  The ring is set up without COOP_TASKRUN, whose
 * task work would not wake a loop asleep in epoll_wait().  When the kernel
 * lacks the opcode or buffer rings, tap.c reads with read() as before.
 *
 * Measured on the 2-CPU test machine, 64-byte UDP flood through two TAPs:
 * plain mode makes ~3.5 system calls per frame (read, write, epoll), this
 * one ~0.13; see the commit log and bench/ for the rates.
 *
 * Fallback: IO_AUTO takes io_uring when io_uring_queue_init() works and the
 * kernel knows IORING_OP_WRITE; otherwise (ENOSYS: old kernel or seccomp;
 * EPERM: kernel.io_uring_disabled or a container profile; or a build
 * without liburing) it logs one info line and uses plain write().
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/uring.h"
#include "tapsw/vnet.h"

#ifdef HAVE_LIBURING
#include <liburing.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#endif

static const char *const io_mode_names[] = {
	[IO_AUTO] = "auto",
	[IO_PLAIN] = "plain",
	[IO_URING] = "uring",
};

const char *io_mode_name(enum io_mode mode)
{
	return (unsigned int)mode < ARRAY_SIZE(io_mode_names) ?
	       io_mode_names[mode] : "unknown";
}

int io_mode_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(io_mode_names); i++)
		if (!strcmp(name, io_mode_names[i]))
			return (int)i;
	return -EINVAL;
}

#ifdef HAVE_LIBURING

enum {
	URING_SLOTS = 256,		/* small writes queued or in flight */
	URING_SQ_ENTRIES = URING_SLOTS,
	URING_CQ_ENTRIES = 2 * URING_SLOTS,
	URING_RX_SQ_ENTRIES = 64,	/* (re-)arms and cancels only */
	URING_RX_CQ_ENTRIES = 4096,	/* frames read, not yet handled */
	URING_RX_BUFS = 64,		/* per port: frames read ahead */
	URING_RX_BUDGET = 256,		/* frames handled per loop iteration */
	/* liburing 2.3 predates it: include/uapi/linux/io_uring.h, 6.7 */
	URING_OP_READ_MULTISHOT = 49,
};

/* user_data of the rx ring's cancel requests; reads carry their uring_rx */
#define URING_UD_CANCEL	((uint64_t)1)

struct uring_slot {
	struct uring_fd *uf;		/* NULL when free */
	uint32_t len;
	uint8_t data[URING_SLOT_SIZE];
};

static struct {
	enum io_mode mode;
	struct io_uring ring;
	int efd;			/* async completions, -1 without */
	uv_poll_t efd_poll;
	uv_check_t check;
	unsigned int queued;		/* SQEs prepared, not submitted */
	unsigned int inflight;		/* submitted, not completed */
	unsigned int n_free;
	uint16_t free[URING_SLOTS];
	struct uring_slot *slots;
	/* the second ring: multishot reads, completions on rx_efd */
	bool rx_ok;
	struct io_uring rx_ring;
	int rx_efd;
	uv_poll_t rx_poll;
	uv_idle_t rx_more;		/* frames left over: come back soon */
	char rx_why[96];		/* why reads stay read() */
} u = {
	.mode = IO_PLAIN,
	.efd = -1,
	.rx_efd = -1,
};

enum io_mode uring_mode(void)
{
	return u.mode;
}

/* count one completion on its port and free its slot */
static void uring_complete(const struct io_uring_cqe *cqe)
{
	unsigned int i = (unsigned int)io_uring_cqe_get_data64(cqe);
	struct uring_slot *s;
	struct uring_fd *uf;
	struct port *port;

	if (unlikely(i >= URING_SLOTS || !u.slots[i].uf))
		return;		/* not ours: cannot happen */
	s = &u.slots[i];
	uf = s->uf;
	port = uf->port;
	s->uf = NULL;
	u.free[u.n_free++] = (uint16_t)i;
	u.inflight--;
	uf->inflight--;
	port_send_done(port, cqe->res < 0 ? cqe->res : 0,
		       s->len - (port->vnet ? VNET_HDR_LEN : 0));
}

/* take every completion there is, without waiting */
static unsigned int uring_reap(void)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&u.ring, head, cqe) {
		uring_complete(cqe);
		n++;
	}
	io_uring_cq_advance(&u.ring, n);
	return n;
}

/* block until at least one completion is there, then take them all */
static void uring_wait(void)
{
	struct io_uring_cqe *cqe;
	int ret;

	do
		ret = io_uring_wait_cqe(&u.ring, &cqe);
	while (ret == -EINTR);
	uring_reap();
}

void uring_flush(void)
{
	int ret;

	while (u.queued) {
		ret = io_uring_submit(&u.ring);
		if (ret > 0) {
			u.queued -= MIN((unsigned int)ret, u.queued);
			u.inflight += (unsigned int)ret;
			continue;
		}
		if ((ret == -EBUSY || ret == -EAGAIN) && uring_reap())
			continue;	/* CQ was full: room now */
		if (ret == -EINTR)
			continue;
		/* cannot happen with a sane ring: wait for room, retry */
		warn_perror(-ret, "io_uring submit");
		if (!u.inflight)
			break;
		uring_wait();
	}
	if (u.inflight)
		uring_reap();
}

int uring_write(struct uring_fd *uf, const void *buf, size_t len)
{
	struct io_uring_sqe *sqe;
	struct uring_slot *s;
	unsigned int i;

	if (unlikely(len > URING_SLOT_SIZE))
		return -E2BIG;
	if (unlikely(!u.n_free || !io_uring_sq_space_left(&u.ring))) {
		uring_flush();
		while (!u.n_free)
			uring_wait();	/* all in flight: cannot happen on tun */
	}
	sqe = io_uring_get_sqe(&u.ring);
	if (unlikely(!sqe))
		return -ENOBUFS;	/* cannot happen: SQ > slots */
	i = u.free[--u.n_free];
	s = &u.slots[i];
	memcpy(s->data, buf, len);
	s->uf = uf;
	s->len = (uint32_t)len;
	io_uring_prep_write(sqe, uf->fd, s->data, (unsigned int)len, 0);
	io_uring_sqe_set_data64(sqe, i);
	uf->inflight++;
	u.queued++;
	return PORT_SEND_QUEUED;
}

void uring_fd_sync(struct uring_fd *uf)
{
	if (!uf->inflight)
		return;
	uring_flush();
	while (uf->inflight)
		uring_wait();
}

static void uring_on_check(uv_check_t *h)
{
	if (u.queued || u.inflight)
		uring_flush();
}

static void uring_on_eventfd(uv_poll_t *h, int status, int events)
{
	uint64_t n;

	if (read(u.efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		warn_perror(errno, "io_uring eventfd");
	uring_reap();
}

bool uring_rx_available(void)
{
	return u.rx_ok;
}

/* queue the (re-)arming of @rx's multishot read; submitted by the caller */
static int uring_rx_arm(struct uring_rx *rx)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u.rx_ring);

	if (!sqe) {
		io_uring_submit(&u.rx_ring);
		sqe = io_uring_get_sqe(&u.rx_ring);
		if (!sqe)
			return -EBUSY;
	}
	io_uring_prep_rw(URING_OP_READ_MULTISHOT, sqe, rx->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = rx->bgid;
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)rx);
	rx->armed = true;
	return 0;
}

static void uring_rx_complete(const struct io_uring_cqe *cqe)
{
	struct io_uring_buf_ring *br;
	struct uring_rx *rx;
	unsigned int bid;
	uint8_t *buf;

	if (io_uring_cqe_get_data64(cqe) == URING_UD_CANCEL)
		return;
	rx = (struct uring_rx *)(uintptr_t)io_uring_cqe_get_data64(cqe);
	if (!(cqe->flags & IORING_CQE_F_MORE))
		rx->armed = false;
	if (cqe->flags & IORING_CQE_F_BUFFER) {
		br = rx->br;
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		if (unlikely(bid >= rx->nbufs))
			return;		/* cannot happen */
		buf = rx->mem + (size_t)bid * rx->chunk;
		if (likely(cqe->res > 0 && (!rx->stopped || rx->draining)))
			rx->input(rx, buf, (size_t)cqe->res);
		/* the frame is forwarded (small ones copied): buffer back */
		io_uring_buf_ring_add(br, buf + rx->headroom,
				      (unsigned int)rx->buf_len, (uint16_t)bid,
				      io_uring_buf_ring_mask(rx->nbufs), 0);
		io_uring_buf_ring_advance(br, 1);
	} else if (cqe->res < 0) {
		switch (cqe->res) {
		case -ENOBUFS:		/* all buffers were in use: re-arm */
		case -EAGAIN:
		case -EINTR:
		case -ECANCELED:	/* uring_rx_stop() */
			break;
		default:
			if (!rx->stopped) {
				rx->stopped = true;
				rx->fail(rx, cqe->res);
			}
			break;
		}
	}
	if (!rx->armed && !rx->stopped && uring_rx_arm(rx))
		rx->fail(rx, -EBUSY);
}

static void uring_on_rx_more(uv_idle_t *h);

/*
 * uring_rx_reap() - handle up to URING_RX_BUDGET frames read so far, then
 * submit the re-arms.  The kernel keeps posting frames while we forward
 * (each write's system call runs its task work), so a flood could keep us
 * here forever: what is left waits for the next loop iteration (an idle
 * handle makes that one not block), after timers and the control socket.
 */
static void uring_rx_reap(void)
{
	struct io_uring_cqe *cqe;
	unsigned int n = 0;

	while (n < URING_RX_BUDGET && io_uring_peek_cqe(&u.rx_ring, &cqe) == 0) {
		uring_rx_complete(cqe);
		io_uring_cqe_seen(&u.rx_ring, cqe);
		n++;
	}
	if (io_uring_sq_ready(&u.rx_ring))
		io_uring_submit(&u.rx_ring);
	if (io_uring_cq_ready(&u.rx_ring))
		uv_idle_start(&u.rx_more, uring_on_rx_more);
	else
		uv_idle_stop(&u.rx_more);
}

static void uring_on_rx_more(uv_idle_t *h)
{
	uring_rx_reap();
}

static void uring_on_rx_eventfd(uv_poll_t *h, int status, int events)
{
	uint64_t n;

	if (read(u.rx_efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		warn_perror(errno, "io_uring rx eventfd");
	uring_rx_reap();
}

int uring_rx_start(struct uring_rx *rx, uint16_t bgid)
{
	struct io_uring_buf_reg reg = { 0 };
	struct io_uring_buf_ring *br;
	size_t br_len;
	unsigned int i;
	int ret;

	if (!u.rx_ok)
		return -EOPNOTSUPP;
	rx->nbufs = URING_RX_BUFS;
	rx->bgid = bgid;
	rx->chunk = (rx->headroom + rx->buf_len + 63) & ~(size_t)63;
	rx->mem_len = rx->chunk * rx->nbufs;
	/* pages are touched only as far as frames reach */
	rx->mem = mmap(NULL, rx->mem_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rx->mem == MAP_FAILED) {
		rx->mem = NULL;
		return -errno;
	}
	br_len = rx->nbufs * sizeof(struct io_uring_buf);
	br = mmap(NULL, br_len, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (br == MAP_FAILED) {
		ret = -errno;
		goto err_mem;
	}
	reg.ring_addr = (uint64_t)(uintptr_t)br;
	reg.ring_entries = rx->nbufs;
	reg.bgid = bgid;
	ret = io_uring_register_buf_ring(&u.rx_ring, &reg, 0);
	if (ret)
		goto err_br;
	io_uring_buf_ring_init(br);
	for (i = 0; i < rx->nbufs; i++)
		io_uring_buf_ring_add(br, rx->mem + i * rx->chunk + rx->headroom,
				      (unsigned int)rx->buf_len, (uint16_t)i,
				      io_uring_buf_ring_mask(rx->nbufs), (int)i);
	io_uring_buf_ring_advance(br, (int)rx->nbufs);
	rx->br = br;
	rx->stopped = false;
	rx->draining = false;
	ret = uring_rx_arm(rx);
	if (ret)
		goto err_unregister;
	io_uring_submit(&u.rx_ring);
	return 0;

err_unregister:
	io_uring_unregister_buf_ring(&u.rx_ring, bgid);
	rx->br = NULL;
err_br:
	munmap(br, br_len);
err_mem:
	munmap(rx->mem, rx->mem_len);
	rx->mem = NULL;
	return ret;
}

void uring_rx_stop(struct uring_rx *rx, bool forward)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	if (!rx->br)
		return;
	rx->stopped = true;
	rx->draining = forward;
	if (rx->armed) {
		sqe = io_uring_get_sqe(&u.rx_ring);
		if (!sqe) {
			io_uring_submit(&u.rx_ring);
			sqe = io_uring_get_sqe(&u.rx_ring);
		}
		if (sqe) {
			io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)rx, 0);
			io_uring_sqe_set_data64(sqe, URING_UD_CANCEL);
		}
		io_uring_submit(&u.rx_ring);
		/* frames of other ports that come meanwhile are forwarded */
		while (rx->armed) {
			ret = io_uring_wait_cqe(&u.rx_ring, &cqe);
			if (ret < 0 && ret != -EINTR)
				break;
			uring_rx_reap();
		}
	}
	io_uring_unregister_buf_ring(&u.rx_ring, rx->bgid);
	munmap(rx->br, rx->nbufs * sizeof(struct io_uring_buf));
	munmap(rx->mem, rx->mem_len);
	rx->br = NULL;
	rx->mem = NULL;
}

/*
 * uring_rx_open() - the second ring, for multishot reads: needs
 * IORING_OP_READ_MULTISHOT (6.7) and buffer rings (5.19).  Its completions
 * (frames) come with a signal on rx_efd; they are handled from the loop,
 * never from inside a write (which has its own ring), so forwarding never
 * nests.
 */
static int uring_rx_open(uv_loop_t *loop, struct io_uring_probe *probe,
			 char *why, size_t whylen)
{
	struct io_uring_params p;
	int ret;

	if (!io_uring_opcode_supported(probe, URING_OP_READ_MULTISHOT)) {
		snprintf(why, whylen, "no IORING_OP_READ_MULTISHOT (kernel < 6.7)");
		return -EOPNOTSUPP;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = URING_RX_CQ_ENTRIES;
	ret = io_uring_queue_init_params(URING_RX_SQ_ENTRIES, &u.rx_ring, &p);
	if (ret) {
		snprintf(why, whylen, "second ring: %s", strerror(-ret));
		return ret;
	}
	u.rx_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u.rx_efd < 0) {
		ret = -errno;
		snprintf(why, whylen, "eventfd: %s", strerror(-ret));
		goto err_ring;
	}
	ret = io_uring_register_eventfd(&u.rx_ring, u.rx_efd);
	if (ret) {
		snprintf(why, whylen, "io_uring_register_eventfd: %s",
			 strerror(-ret));
		goto err_efd;
	}
	ret = uv_poll_init(loop, &u.rx_poll, u.rx_efd);
	if (ret) {
		snprintf(why, whylen, "uv_poll_init: %s", uv_strerror(ret));
		goto err_efd;
	}
	uv_poll_start(&u.rx_poll, UV_READABLE, uring_on_rx_eventfd);
	uv_unref((uv_handle_t *)&u.rx_poll);
	uv_idle_init(loop, &u.rx_more);
	uv_unref((uv_handle_t *)&u.rx_more);
	u.rx_ok = true;
	return 0;

err_efd:
	close(u.rx_efd);
	u.rx_efd = -1;
err_ring:
	io_uring_queue_exit(&u.rx_ring);
	return ret;
}

/* set up the ring, or say why not */
static int uring_open(uv_loop_t *loop, char *why, size_t whylen)
{
	static const unsigned int flag_chain[] = {
		IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER,
		0,
	};
	struct io_uring_probe *probe;
	struct io_uring_params p;
	unsigned int i;
	int ret = -EINVAL;

	for (i = 0; i < ARRAY_SIZE(flag_chain); i++) {
		memset(&p, 0, sizeof(p));
		p.flags = flag_chain[i] | IORING_SETUP_CQSIZE;
		p.cq_entries = URING_CQ_ENTRIES;
		ret = io_uring_queue_init_params(URING_SQ_ENTRIES, &u.ring, &p);
		if (ret != -EINVAL)
			break;
	}
	if (ret) {
		snprintf(why, whylen, "io_uring_queue_init: %s%s", strerror(-ret),
			 ret == -ENOSYS ? " (no io_uring in this kernel, or "
					  "blocked by seccomp)" :
			 ret == -EPERM ? " (kernel.io_uring_disabled, or a "
					 "container profile)" : "");
		return ret;
	}
	probe = io_uring_get_probe_ring(&u.ring);
	if (!probe || !io_uring_opcode_supported(probe, IORING_OP_WRITE)) {
		snprintf(why, whylen, "the kernel has no IORING_OP_WRITE");
		ret = -EOPNOTSUPP;
		goto err_probe;
	}
	u.slots = calloc(URING_SLOTS, sizeof(*u.slots));
	if (!u.slots) {
		snprintf(why, whylen, "out of memory");
		ret = -ENOMEM;
		goto err_probe;
	}
	for (i = 0; i < URING_SLOTS; i++)
		u.free[i] = (uint16_t)(URING_SLOTS - 1 - i);
	u.n_free = URING_SLOTS;

	u.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u.efd < 0) {
		ret = -errno;
		snprintf(why, whylen, "eventfd: %s", strerror(-ret));
		goto err_slots;
	}
	ret = io_uring_register_eventfd_async(&u.ring, u.efd);
	if (ret) {
		snprintf(why, whylen, "io_uring_register_eventfd_async: %s",
			 strerror(-ret));
		goto err_efd;
	}
	ret = uv_poll_init(loop, &u.efd_poll, u.efd);
	if (ret) {
		snprintf(why, whylen, "uv_poll_init: %s", uv_strerror(ret));
		goto err_efd;
	}
	uv_poll_start(&u.efd_poll, UV_READABLE, uring_on_eventfd);
	uv_unref((uv_handle_t *)&u.efd_poll);
	uv_check_init(loop, &u.check);
	uv_check_start(&u.check, uring_on_check);
	uv_unref((uv_handle_t *)&u.check);

	/* reads: a bonus; without them tap.c reads with read() */
	if (uring_rx_open(loop, probe, u.rx_why, sizeof(u.rx_why)) == 0)
		u.rx_why[0] = '\0';
	io_uring_free_probe(probe);
	return 0;

err_efd:
	close(u.efd);
	u.efd = -1;
err_slots:
	free(u.slots);
	u.slots = NULL;
err_probe:
	if (probe)
		io_uring_free_probe(probe);
	io_uring_queue_exit(&u.ring);
	return ret;
}

int uring_setup(void *loop, enum io_mode want, char *why, size_t whylen)
{
	int ret;

	u.mode = IO_PLAIN;
	if (want == IO_PLAIN) {
		info("I/O: plain read()/write() (--io plain)");
		return 0;
	}
	ret = uring_open(loop, why, whylen);
	if (ret) {
		if (want == IO_URING)
			return ret;
		info("I/O: plain read()/write(): %s", why);
		return 0;
	}
	u.mode = IO_URING;
	if (u.rx_ok)
		info("I/O: io_uring: one multishot read per TAP, frames up to "
		     "%d bytes written in batches", URING_SLOT_SIZE);
	else
		info("I/O: io_uring: frames up to %d bytes written in batches; "
		     "reads with read(): %s", URING_SLOT_SIZE, u.rx_why);
	return 0;
}

void uring_shutdown(void)
{
	if (u.mode != IO_URING)
		return;
	uring_flush();
	while (u.inflight)
		uring_wait();
	io_uring_queue_exit(&u.ring);
	if (u.efd >= 0)
		close(u.efd);
	u.efd = -1;
	if (u.rx_ok) {
		io_uring_queue_exit(&u.rx_ring);
		close(u.rx_efd);
		u.rx_efd = -1;
		u.rx_ok = false;
	}
	free(u.slots);
	u.slots = NULL;
	u.mode = IO_PLAIN;
}

#else /* !HAVE_LIBURING: plain read()/write() only */

enum io_mode uring_mode(void)
{
	return IO_PLAIN;
}

int uring_setup(void *loop, enum io_mode want, char *why, size_t whylen)
{
	snprintf(why, whylen, "tapsw was built without liburing");
	if (want == IO_URING)
		return -EOPNOTSUPP;
	info("I/O: plain read()/write()%s%s", want == IO_AUTO ? ": " : "",
	     want == IO_AUTO ? why : " (--io plain)");
	return 0;
}

void uring_shutdown(void)
{
}

int uring_write(struct uring_fd *uf, const void *buf, size_t len)
{
	return -EOPNOTSUPP;
}

void uring_flush(void)
{
}

void uring_fd_sync(struct uring_fd *uf)
{
}

bool uring_rx_available(void)
{
	return false;
}

int uring_rx_start(struct uring_rx *rx, uint16_t bgid)
{
	return -EOPNOTSUPP;
}

void uring_rx_stop(struct uring_rx *rx, bool forward)
{
}

#endif /* HAVE_LIBURING */
