/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uring.h - batched TAP writes through one io_uring, chosen at run time.
 *
 * tapswd moves small frames with one system call per frame each way when it
 * uses read() and write(); on this kind of machine a system call costs 1-2
 * us, which caps the small-frame rate.  With io_uring, the writes of a whole
 * drain batch go to the kernel in one io_uring_enter().  The design, and why,
 * is at the top of uring.c.
 *
 * The I/O mode is picked once, before any port is opened: uring_setup()
 * with IO_AUTO takes io_uring when the kernel (and the container) allow it
 * and falls back to plain read()/write() otherwise, with one info line.
 * Backends (tap.c) then ask uring_active() and hand small frames to
 * uring_write(); everything else keeps its direct write().
 */
#ifndef TAPSW_URING_H
#define TAPSW_URING_H

#include "tapsw.h"

struct port;

enum io_mode {
	IO_AUTO = 0,		/* io_uring if available, else plain */
	IO_PLAIN,		/* read()/write(), one frame per call */
	IO_URING,		/* batched writes through io_uring */
};

/*
 * struct uring_fd - what a backend embeds per fd that writes through the
 * ring: the port its completions are counted on, and how many of its
 * writes the kernel has not completed yet (queued or in flight).
 */
struct uring_fd {
	struct port *port;
	int fd;
	unsigned int inflight;
};

/* "plain", "uring", "auto"; io_mode_parse() returns the mode or -EINVAL */
const char *io_mode_name(enum io_mode mode);
int io_mode_parse(const char *name);

/*
 * uring_setup() - choose the I/O mode for @loop (a uv_loop_t).  IO_AUTO
 * falls back to IO_PLAIN when io_uring cannot be had (one info line says
 * why); IO_URING fails with a negative errno and a reason in @why then.
 * Returns 0 or a negative errno.
 */
int uring_setup(void *loop, enum io_mode want, char *why, size_t whylen);

/* uring_shutdown() - release the ring, after the loop has closed its handles */
void uring_shutdown(void);

/* the mode in use: IO_PLAIN or IO_URING */
enum io_mode uring_mode(void);

static inline bool uring_active(void)
{
	return uring_mode() == IO_URING;
}

enum {
	URING_SLOT_SIZE = 2048,	/* frames up to this (vnet header included) */
};

/*
 * uring_write() - queue a copy of @len bytes at @buf for @uf's fd.  The
 * write is submitted with the rest of the batch (uring_flush(), run once
 * per loop iteration); its result is counted on uf->port then
 * (port_send_done()).  Returns PORT_SEND_QUEUED, or -E2BIG when @len is
 * above URING_SLOT_SIZE (write it directly, after uring_fd_sync()).
 */
int uring_write(struct uring_fd *uf, const void *buf, size_t len);

/*
 * struct uring_rx - one multishot read on a TAP fd, fed by its own ring of
 * @nbufs buffers.  The backend fills in the first part; uring_rx_start()
 * the rest.  Each frame read goes to @input as @buf (the buffer, with
 * @headroom bytes free before what the kernel wrote) and @len (the bytes
 * read); the buffer goes back to the kernel when @input returns.  @fail is
 * called once when the fd stops working (EBADFD: the device was deleted).
 */
struct uring_rx {
	struct port *port;
	int fd;
	size_t headroom;	/* bytes left free before each read */
	size_t buf_len;		/* bytes the kernel may write per read */
	void (*input)(struct uring_rx *rx, uint8_t *buf, size_t len);
	void (*fail)(struct uring_rx *rx, int err);
	/* private to uring.c */
	void *br;		/* struct io_uring_buf_ring */
	uint8_t *mem;
	size_t chunk, mem_len;
	unsigned int nbufs;
	uint16_t bgid;
	bool armed;		/* the multishot read is in the kernel */
	bool stopped;		/* failed or being stopped: do not re-arm */
	bool draining;		/* stopped, but what it read is forwarded */
};

/* uring_rx_available() - multishot reads with buffer rings (kernel >= 6.7) */
bool uring_rx_available(void);

/*
 * uring_rx_start() - register @rx's buffer ring (group @bgid, unique among
 * running ones) and arm its multishot read.  0 or a negative errno (then
 * read the fd some other way).
 */
int uring_rx_start(struct uring_rx *rx, uint16_t bgid);

/*
 * uring_rx_stop() - cancel the read, wait for it to end, free the buffers.
 * With @forward, the frames it had read by then are handed to ->input()
 * first, so a port going back to read() loses and reorders nothing; a port
 * being closed passes false and they are dropped.
 */
void uring_rx_stop(struct uring_rx *rx, bool forward);

/* uring_flush() - submit what is queued and count what has completed */
void uring_flush(void);

/*
 * uring_fd_sync() - return once none of @uf's writes is queued or in
 * flight: before a direct write() on the same fd (so frames keep their
 * order) and before the fd is closed.
 */
void uring_fd_sync(struct uring_fd *uf);

#endif /* TAPSW_URING_H */
