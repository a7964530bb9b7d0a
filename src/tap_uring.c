// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap_uring.c - the tap backend's io_uring: batched writes to TAP fds and
 * one multishot read per busy TAP.
 *
 * Why: a TAP moves one frame per read() or write(), and tun has no
 * sendmmsg(): io_uring is the only way to hand the kernel many frames in
 * one system call.  For 64 KiB GSO frames that saves nothing; for small
 * frames the system call is the whole cost (bench/RESULTS.md).
 *
 * Writes: frames up to TAP_URING_SLOT_SIZE bytes are copied into one of
 * URING_SLOTS preallocated slots and queued as one IORING_OP_WRITE each, in
 * the order they were sent; the queue is submitted once per loop iteration
 * by a uv_check_t, or earlier when the slots run out.  Larger frames are
 * written directly by the backend, after tap_uring_fd_sync(), so the frames
 * of one fd never overtake each other.  A write to a tun fd opened
 * O_NONBLOCK completes inline in io_uring_enter(), so writes to one fd
 * complete in order; should one be punted to an io-wq worker, its
 * completion is signalled on an eventfd (io_uring_register_eventfd_async())
 * watched by a uv_poll_t.  Each completion goes to its writer's ->done().
 *
 * Reads (kernel >= 6.7): one IORING_OP_READ_MULTISHOT per reader, into a
 * buffer ring of URING_RX_BUFS buffers of its own (buffer group = the
 * reader's slot), each holding the largest frame, since tun truncates
 * silently.  The reads live in a second ring, whose completions are
 * signalled on another eventfd and handled from the loop only, up to
 * URING_RX_BUDGET per iteration (an idle handle brings the loop back for
 * the rest): completions of writes, reaped while the slots run out, never
 * include frames, so forwarding never nests.  Exactly one read per fd is
 * in the kernel: several single-shot reads on one tun fd spawn io-wq
 * workers and reorder frames.  Each read's user_data is its slot and a
 * generation, so completions left in the ring by a read cancelled at once
 * (tap_uring_rx_cancel(), IORING_REGISTER_SYNC_CANCEL) are recognised and
 * skipped.  The ring is set up without COOP_TASKRUN, whose task work would
 * not wake a loop asleep in epoll_wait().
 *
 * Nothing is allocated per frame.  Without io_uring (ENOSYS: old kernel or
 * seccomp; EPERM: kernel.io_uring_disabled or a container profile; a build
 * without liburing) tap_uring_open() says why and the backend uses read()
 * and write().
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "tapsw/log.h"
#include "tapsw/tap_uring.h"

#ifdef HAVE_LIBURING
#include <liburing.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

enum {
	URING_SLOTS = 256,		/* small writes queued or in flight */
	URING_SQ_ENTRIES = URING_SLOTS,
	URING_CQ_ENTRIES = 2 * URING_SLOTS,
	URING_RX_SQ_ENTRIES = 64,	/* (re-)arms and cancels only */
	URING_RX_CQ_ENTRIES = 4096,	/* frames read, not yet handled */
	URING_RX_BUFS = 64,		/* per reader: frames read ahead */
	URING_RX_BUDGET = 256,		/* frames handled per loop iteration */
	URING_RX_MAX = 4096,		/* readers at once (one per port) */
	/* liburing 2.3 predates it: include/uapi/linux/io_uring.h, 6.7 */
	URING_OP_READ_MULTISHOT = 49,
};

/* user_data of the rx ring's cancel requests; reads carry their tag */
#define URING_UD_CANCEL	((uint64_t)1 << 63)

struct uring_slot {
	struct tap_uring_fd *uf;	/* NULL when free */
	uint32_t len;
	uint8_t data[TAP_URING_SLOT_SIZE];
};

/* a reader's slot: the reader, and how many readers it has had */
struct uring_rx_slot {
	struct tap_uring_rx *rx;	/* NULL when free */
	uint32_t gen;
};

struct tap_uring {
	struct io_uring ring;
	int efd;			/* async completions */
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
	struct uring_rx_slot rx_slots[URING_RX_MAX];
	unsigned int handles;		/* open; the memory goes with the last */
};

/* hand one completion to its writer and free its slot */
static void uring_complete(struct tap_uring *u, const struct io_uring_cqe *cqe)
{
	unsigned int i = (unsigned int)io_uring_cqe_get_data64(cqe);
	struct tap_uring_fd *uf;
	struct uring_slot *s;

	if (unlikely(i >= URING_SLOTS || !u->slots[i].uf))
		return;		/* not ours: cannot happen */
	s = &u->slots[i];
	uf = s->uf;
	s->uf = NULL;
	u->free[u->n_free++] = (uint16_t)i;
	u->inflight--;
	uf->inflight--;
	uf->done(uf, cqe->res < 0 ? cqe->res : 0, s->len);
}

/* take every completion there is, without waiting */
static unsigned int uring_reap(struct tap_uring *u)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&u->ring, head, cqe) {
		uring_complete(u, cqe);
		n++;
	}
	io_uring_cq_advance(&u->ring, n);
	return n;
}

/* block until at least one write has completed, then take them all */
static void uring_wait(struct tap_uring *u)
{
	struct io_uring_cqe *cqe;
	int ret;

	do
		ret = io_uring_wait_cqe(&u->ring, &cqe);
	while (ret == -EINTR);
	uring_reap(u);
}

/* submit what is queued and take what has completed */
static void uring_flush(struct tap_uring *u)
{
	int ret;

	while (u->queued) {
		ret = io_uring_submit(&u->ring);
		if (ret > 0) {
			u->queued -= MIN((unsigned int)ret, u->queued);
			u->inflight += (unsigned int)ret;
			continue;
		}
		if ((ret == -EBUSY || ret == -EAGAIN) && uring_reap(u))
			continue;	/* CQ was full: room now */
		if (ret == -EINTR)
			continue;
		/* cannot happen with a sane ring: wait for room, retry */
		warn_perror(-ret, "io_uring submit");
		if (!u->inflight)
			break;
		uring_wait(u);
	}
	if (u->inflight)
		uring_reap(u);
}

int tap_uring_write(struct tap_uring *u, struct tap_uring_fd *uf,
		    const void *buf, size_t len)
{
	struct io_uring_sqe *sqe;
	struct uring_slot *s;
	unsigned int i;

	if (unlikely(len > TAP_URING_SLOT_SIZE))
		return -E2BIG;
	if (unlikely(!u->n_free || !io_uring_sq_space_left(&u->ring))) {
		uring_flush(u);
		while (!u->n_free)
			uring_wait(u);	/* all in flight: cannot happen on tun */
	}
	sqe = io_uring_get_sqe(&u->ring);
	if (unlikely(!sqe))
		return -ENOBUFS;	/* cannot happen: SQ > slots */
	i = u->free[--u->n_free];
	s = &u->slots[i];
	memcpy(s->data, buf, len);
	s->uf = uf;
	s->len = (uint32_t)len;
	io_uring_prep_write(sqe, uf->fd, s->data, (unsigned int)len, 0);
	io_uring_sqe_set_data64(sqe, i);
	uf->inflight++;
	u->queued++;
	return 0;
}

void tap_uring_fd_sync(struct tap_uring *u, struct tap_uring_fd *uf)
{
	if (!uf->inflight)
		return;
	uring_flush(u);
	while (uf->inflight)
		uring_wait(u);
}

static void uring_on_check(uv_check_t *h)
{
	struct tap_uring *u = h->data;

	if (u->queued || u->inflight)
		uring_flush(u);
}

static void uring_on_eventfd(uv_poll_t *h, int status, int events)
{
	struct tap_uring *u = h->data;
	uint64_t n;

	if (read(u->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		warn_perror(errno, "io_uring eventfd");
	uring_reap(u);
}

const char *tap_uring_rx_why(const struct tap_uring *u)
{
	return u->rx_ok ? NULL : u->rx_why;
}

/* a free reader slot for @rx: its id and the tag of its read */
static int uring_rx_slot_take(struct tap_uring *u, struct tap_uring_rx *rx)
{
	struct uring_rx_slot *sl;
	unsigned int i;

	for (i = 0; i < URING_RX_MAX; i++)
		if (!u->rx_slots[i].rx)
			break;
	if (i == URING_RX_MAX)
		return -ENOSPC;
	sl = &u->rx_slots[i];
	sl->rx = rx;
	sl->gen++;
	rx->id = (uint16_t)i;
	rx->tag = (uint64_t)sl->gen << 16 | i;
	return 0;
}

/* the reader a completion's user_data names; NULL: gone since */
static struct tap_uring_rx *uring_rx_of(struct tap_uring *u, uint64_t tag)
{
	unsigned int i = (unsigned int)(tag & 0xffff);
	struct tap_uring_rx *rx;

	if ((tag & URING_UD_CANCEL) || i >= URING_RX_MAX)
		return NULL;
	rx = u->rx_slots[i].rx;
	return rx && rx->tag == tag ? rx : NULL;
}

/* queue the (re-)arming of @rx's multishot read; submitted by the caller */
static int uring_rx_arm(struct tap_uring *u, struct tap_uring_rx *rx)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->rx_ring);

	if (!sqe) {
		io_uring_submit(&u->rx_ring);
		sqe = io_uring_get_sqe(&u->rx_ring);
		if (!sqe)
			return -EBUSY;
	}
	io_uring_prep_rw(URING_OP_READ_MULTISHOT, sqe, rx->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = rx->id;
	io_uring_sqe_set_data64(sqe, rx->tag);
	rx->armed = true;
	return 0;
}

/* @rx's read is over (stopped, failed or cancelled): release it */
static void uring_rx_release(struct tap_uring *u, struct tap_uring_rx *rx)
{
	io_uring_unregister_buf_ring(&u->rx_ring, rx->id);
	munmap(rx->br, rx->nbufs * sizeof(struct io_uring_buf));
	munmap(rx->mem, rx->mem_len);
	rx->br = NULL;
	rx->mem = NULL;
	rx->armed = false;
	u->rx_slots[rx->id].rx = NULL;
}

/* one frame of @rx's read: to ->input(), then its buffer back to the ring */
static void uring_rx_frame(struct tap_uring_rx *rx,
			   const struct io_uring_cqe *cqe)
{
	struct io_uring_buf_ring *br = rx->br;
	unsigned int bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	uint8_t *buf;

	if (unlikely(bid >= rx->nbufs))
		return;		/* cannot happen */
	buf = rx->mem + (size_t)bid * rx->chunk;
	if (likely(cqe->res > 0))
		rx->input(rx, buf, (size_t)cqe->res);
	/* the frame is forwarded (small ones copied): buffer back */
	io_uring_buf_ring_add(br, buf + rx->headroom,
			      (unsigned int)rx->buf_len, (uint16_t)bid,
			      io_uring_buf_ring_mask(rx->nbufs), 0);
	io_uring_buf_ring_advance(br, 1);
}

static void uring_rx_complete(struct tap_uring *u,
			      const struct io_uring_cqe *cqe)
{
	struct tap_uring_rx *rx = uring_rx_of(u, io_uring_cqe_get_data64(cqe));
	int err = 0;

	if (!rx)
		return;		/* a cancel's own, or a cancelled reader's */
	if (!(cqe->flags & IORING_CQE_F_MORE))
		rx->armed = false;
	if (cqe->flags & IORING_CQE_F_BUFFER)
		uring_rx_frame(rx, cqe);
	else if (cqe->res < 0 && cqe->res != -ENOBUFS &&
		 cqe->res != -EAGAIN && cqe->res != -EINTR &&
		 cqe->res != -ECANCELED)
		err = cqe->res;	/* ENOBUFS: all buffers were in use */
	if (rx->armed)
		return;
	if (rx->stopping) {
		uring_rx_release(u, rx);
		rx->stopped(rx);
		return;
	}
	if (!err && uring_rx_arm(u, rx))
		err = -EBUSY;
	if (err) {
		uring_rx_release(u, rx);
		rx->fail(rx, err);
	}
}

static void uring_on_rx_more(uv_idle_t *h);

/*
 * uring_rx_reap() - handle up to URING_RX_BUDGET frames read so far, then
 * submit the re-arms.  The kernel keeps posting frames while we forward
 * (each write's system call runs its task work), so a flood could keep us
 * here forever: what is left waits for the next loop iteration (an idle
 * handle makes that one not block), after timers and the control socket.
 */
static void uring_rx_reap(struct tap_uring *u)
{
	struct io_uring_cqe *cqe;
	unsigned int n = 0;

	while (n < URING_RX_BUDGET &&
	       io_uring_peek_cqe(&u->rx_ring, &cqe) == 0) {
		uring_rx_complete(u, cqe);
		io_uring_cqe_seen(&u->rx_ring, cqe);
		n++;
	}
	if (io_uring_sq_ready(&u->rx_ring))
		io_uring_submit(&u->rx_ring);
	if (io_uring_cq_ready(&u->rx_ring))
		uv_idle_start(&u->rx_more, uring_on_rx_more);
	else
		uv_idle_stop(&u->rx_more);
}

static void uring_on_rx_more(uv_idle_t *h)
{
	uring_rx_reap(h->data);
}

static void uring_on_rx_eventfd(uv_poll_t *h, int status, int events)
{
	struct tap_uring *u = h->data;
	uint64_t n;

	if (read(u->rx_efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		warn_perror(errno, "io_uring rx eventfd");
	uring_rx_reap(u);
}

int tap_uring_rx_start(struct tap_uring *u, struct tap_uring_rx *rx)
{
	struct io_uring_buf_reg reg = { 0 };
	struct io_uring_buf_ring *br;
	size_t br_len;
	unsigned int i;
	int ret;

	if (!u->rx_ok)
		return -EOPNOTSUPP;
	ret = uring_rx_slot_take(u, rx);
	if (ret)
		return ret;
	rx->nbufs = URING_RX_BUFS;
	rx->chunk = (rx->headroom + rx->buf_len + 63) & ~(size_t)63;
	rx->mem_len = rx->chunk * rx->nbufs;
	/* pages are touched only as far as frames reach */
	rx->mem = mmap(NULL, rx->mem_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rx->mem == MAP_FAILED) {
		ret = -errno;
		goto err_slot;
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
	reg.bgid = rx->id;
	ret = io_uring_register_buf_ring(&u->rx_ring, &reg, 0);
	if (ret)
		goto err_br;
	io_uring_buf_ring_init(br);
	for (i = 0; i < rx->nbufs; i++)
		io_uring_buf_ring_add(br, rx->mem + i * rx->chunk + rx->headroom,
				      (unsigned int)rx->buf_len, (uint16_t)i,
				      io_uring_buf_ring_mask(rx->nbufs), (int)i);
	io_uring_buf_ring_advance(br, (int)rx->nbufs);
	rx->br = br;
	rx->stopping = false;
	ret = uring_rx_arm(u, rx);
	if (ret) {
		uring_rx_release(u, rx);
		return ret;
	}
	io_uring_submit(&u->rx_ring);
	return 0;

err_br:
	munmap(br, br_len);
err_mem:
	munmap(rx->mem, rx->mem_len);
	rx->mem = NULL;
err_slot:
	u->rx_slots[rx->id].rx = NULL;
	return ret;
}

void tap_uring_rx_stop(struct tap_uring *u, struct tap_uring_rx *rx)
{
	struct io_uring_sqe *sqe;

	if (!rx->br || rx->stopping)
		return;
	rx->stopping = true;
	sqe = io_uring_get_sqe(&u->rx_ring);
	if (!sqe) {
		io_uring_submit(&u->rx_ring);
		sqe = io_uring_get_sqe(&u->rx_ring);
	}
	if (!sqe) {
		/* cannot happen (the SQ holds re-arms and cancels only) */
		tap_uring_rx_cancel(u, rx);
		rx->stopped(rx);
		return;
	}
	io_uring_prep_cancel64(sqe, rx->tag, 0);
	io_uring_sqe_set_data64(sqe, URING_UD_CANCEL);
	io_uring_submit(&u->rx_ring);
	/* its last completion (no F_MORE) calls ->stopped() */
}

void tap_uring_rx_cancel(struct tap_uring *u, struct tap_uring_rx *rx)
{
	struct io_uring_sync_cancel_reg reg = {
		.addr = rx->tag,
		.timeout = { .tv_sec = -1, .tv_nsec = -1 },
	};
	int ret;

	if (!rx->br)
		return;
	if (rx->armed) {
		/* waits for the read to end; its completions stay in the
		 * ring, and are skipped once the slot is free */
		ret = io_uring_register_sync_cancel(&u->rx_ring, &reg);
		if (ret && ret != -ENOENT && ret != -EALREADY)
			warn_perror(-ret, "io_uring cancel");
	}
	uring_rx_release(u, rx);
}

/*
 * uring_efd_watch() - an eventfd for @ring's completions (@async: only
 * those not completed inline), watched on @loop by @poll calling @cb.
 */
static int uring_efd_watch(struct tap_uring *u, uv_loop_t *loop,
			   struct io_uring *ring, bool async, int *efd,
			   uv_poll_t *poll, uv_poll_cb cb, char *why,
			   size_t whylen)
{
	int ret;

	*efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (*efd < 0) {
		ret = -errno;
		snprintf(why, whylen, "eventfd: %s", strerror(-ret));
		return ret;
	}
	ret = async ? io_uring_register_eventfd_async(ring, *efd) :
		      io_uring_register_eventfd(ring, *efd);
	if (ret) {
		snprintf(why, whylen, "io_uring_register_eventfd: %s",
			 strerror(-ret));
		goto err_efd;
	}
	ret = uv_poll_init(loop, poll, *efd);
	if (ret) {
		snprintf(why, whylen, "uv_poll_init: %s", uv_strerror(ret));
		goto err_efd;
	}
	poll->data = u;
	uv_poll_start(poll, UV_READABLE, cb);
	uv_unref((uv_handle_t *)poll);
	return 0;

err_efd:
	close(*efd);
	*efd = -1;
	return ret;
}

/*
 * uring_rx_open() - the second ring, for multishot reads: needs
 * IORING_OP_READ_MULTISHOT (6.7) and buffer rings (5.19).
 */
static int uring_rx_open(struct tap_uring *u, uv_loop_t *loop,
			 struct io_uring_probe *probe, char *why, size_t whylen)
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
	ret = io_uring_queue_init_params(URING_RX_SQ_ENTRIES, &u->rx_ring, &p);
	if (ret) {
		snprintf(why, whylen, "second ring: %s", strerror(-ret));
		return ret;
	}
	ret = uring_efd_watch(u, loop, &u->rx_ring, false, &u->rx_efd,
			      &u->rx_poll, uring_on_rx_eventfd, why, whylen);
	if (ret)
		goto err_ring;
	uv_idle_init(loop, &u->rx_more);
	u->rx_more.data = u;
	uv_unref((uv_handle_t *)&u->rx_more);
	u->handles += 2;
	u->rx_ok = true;
	return 0;

err_ring:
	io_uring_queue_exit(&u->rx_ring);
	return ret;
}

/* the write ring and its slots, or why not */
static int uring_tx_open(struct tap_uring *u, uv_loop_t *loop,
			 struct io_uring_probe **probep, char *why,
			 size_t whylen)
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
		ret = io_uring_queue_init_params(URING_SQ_ENTRIES, &u->ring, &p);
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
	probe = io_uring_get_probe_ring(&u->ring);
	if (!probe || !io_uring_opcode_supported(probe, IORING_OP_WRITE)) {
		snprintf(why, whylen, "the kernel has no IORING_OP_WRITE");
		ret = -EOPNOTSUPP;
		goto err_probe;
	}
	u->slots = calloc(URING_SLOTS, sizeof(*u->slots));
	if (!u->slots) {
		snprintf(why, whylen, "out of memory");
		ret = -ENOMEM;
		goto err_probe;
	}
	for (i = 0; i < URING_SLOTS; i++)
		u->free[i] = (uint16_t)(URING_SLOTS - 1 - i);
	u->n_free = URING_SLOTS;

	/* only async completions signal it: inline ones are reaped at once */
	ret = uring_efd_watch(u, loop, &u->ring, true, &u->efd, &u->efd_poll,
			      uring_on_eventfd, why, whylen);
	if (ret)
		goto err_slots;
	uv_check_init(loop, &u->check);
	u->check.data = u;
	uv_check_start(&u->check, uring_on_check);
	uv_unref((uv_handle_t *)&u->check);
	u->handles += 2;
	*probep = probe;
	return 0;

err_slots:
	free(u->slots);
err_probe:
	if (probe)
		io_uring_free_probe(probe);
	io_uring_queue_exit(&u->ring);
	return ret;
}

int tap_uring_open(struct uv_loop_s *loop, struct tap_uring **up, char *why,
		   size_t whylen)
{
	struct io_uring_probe *probe;
	struct tap_uring *u;
	int ret;

	u = calloc(1, sizeof(*u));
	if (!u) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	u->efd = -1;
	u->rx_efd = -1;
	ret = uring_tx_open(u, loop, &probe, why, whylen);
	if (ret) {
		free(u);
		return ret;
	}
	/* reads: a bonus; without them the backend reads with read() */
	if (uring_rx_open(u, loop, probe, u->rx_why, sizeof(u->rx_why)) == 0)
		u->rx_why[0] = '\0';
	io_uring_free_probe(probe);
	*up = u;
	return 0;
}

/* the last handle closed: the rings, their eventfds and the memory go */
static void uring_handle_closed(uv_handle_t *h)
{
	struct tap_uring *u = h->data;

	if (--u->handles)
		return;
	io_uring_queue_exit(&u->ring);
	close(u->efd);
	if (u->rx_ok) {
		io_uring_queue_exit(&u->rx_ring);
		close(u->rx_efd);
	}
	free(u->slots);
	free(u);
}

void tap_uring_close(struct tap_uring *u)
{
	uring_flush(u);
	while (u->inflight)
		uring_wait(u);
	uv_close((uv_handle_t *)&u->efd_poll, uring_handle_closed);
	uv_close((uv_handle_t *)&u->check, uring_handle_closed);
	if (u->rx_ok) {
		uv_close((uv_handle_t *)&u->rx_poll, uring_handle_closed);
		uv_close((uv_handle_t *)&u->rx_more, uring_handle_closed);
	}
}

#else /* !HAVE_LIBURING: the backend uses read() and write() */

int tap_uring_open(struct uv_loop_s *loop, struct tap_uring **up, char *why,
		   size_t whylen)
{
	snprintf(why, whylen, "tapsw was built without liburing");
	return -EOPNOTSUPP;
}

/* never called: there is no struct tap_uring to pass */
void tap_uring_close(struct tap_uring *u)
{
}

const char *tap_uring_rx_why(const struct tap_uring *u)
{
	return "tapsw was built without liburing";
}

int tap_uring_write(struct tap_uring *u, struct tap_uring_fd *uf,
		    const void *buf, size_t len)
{
	return -EOPNOTSUPP;
}

void tap_uring_fd_sync(struct tap_uring *u, struct tap_uring_fd *uf)
{
}

int tap_uring_rx_start(struct tap_uring *u, struct tap_uring_rx *rx)
{
	return -EOPNOTSUPP;
}

void tap_uring_rx_stop(struct tap_uring *u, struct tap_uring_rx *rx)
{
}

void tap_uring_rx_cancel(struct tap_uring *u, struct tap_uring_rx *rx)
{
}

#endif /* HAVE_LIBURING */
