/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap_uring.h - the tap backend's io_uring: batched writes to TAP fds and
 * one multishot read per busy TAP.
 *
 * One struct tap_uring per daemon, owned by the tap backend (tap.c), which
 * passes it to every call.  It never calls into the switch: frames read
 * go to the reader's ->input(), write results to the writer's ->done(),
 * and both are called only from the event loop's callbacks (never from
 * inside a call the backend makes), so forwarding never nests.  The design
 * is at the top of tap_uring.c.
 */
#ifndef TAPSW_TAP_URING_H
#define TAPSW_TAP_URING_H

#include "tapsw.h"

struct tap_uring;
struct uv_loop_s;

enum {
	TAP_URING_SLOT_SIZE = 2048,	/* writes up to this (vnet header too) */
};

/*
 * struct tap_uring_fd - a TAP fd that writes through the ring: @done gets
 * the result of each queued write (0 or a negative errno, and the bytes
 * that were queued); @inflight counts those not completed yet.
 */
struct tap_uring_fd {
	int fd;
	void (*done)(struct tap_uring_fd *uf, int res, size_t len);
	unsigned int inflight;
};

/*
 * struct tap_uring_rx - one multishot read on a TAP fd, into a ring of
 * buffers of its own.  The backend fills in the first part.  Each frame
 * read goes to @input as @buf (a buffer with @headroom free bytes before
 * what the kernel wrote there) and @len (the bytes read); the buffer goes
 * back to the kernel when @input returns.  @fail is called when the read
 * stops by itself (EBADFD: the device was deleted), @stopped when a stop
 * asked for with tap_uring_rx_stop() is complete; the read is no longer
 * running then.
 */
struct tap_uring_rx {
	int fd;
	size_t headroom;	/* bytes left free before each read */
	size_t buf_len;		/* bytes the kernel may write per read */
	void (*input)(struct tap_uring_rx *rx, uint8_t *buf, size_t len);
	void (*fail)(struct tap_uring_rx *rx, int err);
	void (*stopped)(struct tap_uring_rx *rx);
	/* private to tap_uring.c */
	void *br;		/* struct io_uring_buf_ring; NULL: not running */
	uint8_t *mem;
	size_t chunk, mem_len;
	unsigned int nbufs;
	uint16_t id;		/* its slot, and its buffer group */
	uint64_t tag;		/* user_data of its read: slot + generation */
	bool armed;		/* the multishot read is in the kernel */
	bool stopping;		/* tap_uring_rx_stop(): do not re-arm */
};

/**
 * tap_uring_open() - Set up the rings on @loop.
 * @loop: The event loop.
 * @up: The rings, on success.
 * @why: The reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, or a negative errno with the reason in @why (no io_uring in
 * this kernel, a container that forbids it, a build without liburing).
 */
int tap_uring_open(struct uv_loop_s *loop, struct tap_uring **up, char *why,
		   size_t whylen);

/**
 * tap_uring_close() - Release the rings.
 * @u: The rings.
 *
 * Call once every fd that used them is synced and every read stopped; the
 * memory goes when the loop has closed the handles.
 */
void tap_uring_close(struct tap_uring *u);

/**
 * tap_uring_rx_why() - Why multishot reads do not work, if they do not.
 * @u: The rings.
 *
 * Writes are batched either way.
 *
 * Return: NULL if multishot reads work (kernel >= 6.7), else why not.
 */
const char *tap_uring_rx_why(const struct tap_uring *u);

/**
 * tap_uring_write() - Queue a copy of @len bytes at @buf for @uf's fd.
 * @u: The rings.
 * @uf: The fd.
 * @buf: The bytes.
 * @len: How many.
 *
 * The batch goes to the kernel once per loop iteration (or when the slots
 * run out), and @uf->done() gets the result then.
 *
 * Return: 0 (queued), or -E2BIG above TAP_URING_SLOT_SIZE (write it
 * directly, after tap_uring_fd_sync()).
 */
int tap_uring_write(struct tap_uring *u, struct tap_uring_fd *uf,
		    const void *buf, size_t len);

/**
 * tap_uring_fd_sync() - Wait until none of @uf's writes is queued or in flight.
 * @u: The rings.
 * @uf: The fd.
 *
 * Returns once their ->done() has been called.  Call before a direct
 * write() on the same fd, so frames keep their order, and before the fd is
 * closed.
 */
void tap_uring_fd_sync(struct tap_uring *u, struct tap_uring_fd *uf);

/**
 * tap_uring_rx_start() - Register a buffer ring for @rx, arm its read.
 * @u: The rings.
 * @rx: The multishot read.
 *
 * Return: 0, or a negative errno (then read the fd some other way).
 */
int tap_uring_rx_start(struct tap_uring *u, struct tap_uring_rx *rx);

/**
 * tap_uring_rx_stop() - Cancel @rx's read, without waiting.
 * @u: The rings.
 * @rx: The multishot read.
 *
 * The frames it has read until then still go to ->input(), and ->stopped()
 * is called after the last of them, from the loop.  Then read the fd with
 * read() again: nothing is lost or reordered.
 */
void tap_uring_rx_stop(struct tap_uring *u, struct tap_uring_rx *rx);

/**
 * tap_uring_rx_cancel() - Stop @rx at once, for a port being closed.
 * @u: The rings.
 * @rx: The multishot read.
 *
 * What it has read and not handed over yet is dropped.  No callback of @rx
 * is called after this returns.
 */
void tap_uring_rx_cancel(struct tap_uring *u, struct tap_uring_rx *rx);

static inline bool tap_uring_rx_running(const struct tap_uring_rx *rx)
{
	return rx->br != NULL;
}

#endif /* TAPSW_TAP_URING_H */
