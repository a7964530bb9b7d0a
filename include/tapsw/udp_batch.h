/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udp_batch.h - datagrams queued during one turn of the event loop and
 * sent at its end with one sendmmsg() per socket, instead of one
 * sendmsg() each: the small-frame path of a vxlan port.  Each datagram is
 * copied into a slot (the caller's buffer is its own again at once); its
 * result comes back through a callback, with the owner and tag it was
 * queued with.  Datagrams of one socket go out in the order they were
 * queued; something held by the caller (udp_batch_hold()) goes before
 * them.  No allocation after udp_batch_new().
 */
#ifndef TAPSW_UDP_BATCH_H
#define TAPSW_UDP_BATCH_H

#include "tapsw.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <uv.h>

enum {
	UDP_BATCH_SLOTS = 64,		/* datagrams queued, at most */
	UDP_BATCH_DGRAM_MAX = 2048,	/* bytes of one; longer: send it now */
};

struct udp_batch;

/**
 * typedef udp_batch_done_t - What became of one queued datagram.
 * @owner: As queued.
 * @tag: As queued.
 * @ret: 0, or sendmmsg()'s negative errno.
 * @len: Its length.
 */
typedef void (*udp_batch_done_t)(void *owner, unsigned int tag, int ret,
				 size_t len);

/**
 * udp_batch_new() - A queue flushed before @loop polls again.
 * @loop: The loop (a uv_idle handle runs while datagrams wait).
 * @done: Called for every datagram once sent, or not.
 *
 * Return: the queue, or NULL without memory.
 */
struct udp_batch *udp_batch_new(uv_loop_t *loop, udp_batch_done_t done);

/**
 * udp_batch_free() - Send what waits, and free the queue once libuv lets
 * go of its handle.
 * @b: The queue, or NULL.
 */
void udp_batch_free(struct udp_batch *b);

/**
 * udp_batch_add() - Queue a copy of @iov as one datagram on @fd to @to.
 * @b: The queue.
 * @fd: A UDP socket, open until the datagram's done() (flush before
 *      closing it).
 * @to: The destination, copied.
 * @tolen: Its length.
 * @iov: The datagram's pieces.
 * @iovcnt: How many.
 * @owner: Given back to done().
 * @tag: Given back to done().
 *
 * A full queue is flushed first.
 *
 * Return: 0 when queued, -EMSGSIZE when longer than UDP_BATCH_DGRAM_MAX
 * (nothing queued: send it yourself, after udp_batch_flush() if order
 * matters).
 */
int udp_batch_add(struct udp_batch *b, int fd, const struct sockaddr *to,
		  socklen_t tolen, const struct iovec *iov, unsigned int iovcnt,
		  void *owner, unsigned int tag);

/**
 * udp_batch_flush() - Send what waits now.
 * @b: The queue.
 *
 * For a caller about to send around the queue, change what a tag means,
 * or close a socket or the owner.
 */
void udp_batch_flush(struct udp_batch *b);

/**
 * udp_batch_hold() - Something of the caller's also waits for the end of
 * the turn: call @flush(@arg) at the start of the next flush, before the
 * queued datagrams go (they came after it).
 * @b: The queue.
 * @flush: The caller's flush, called once; NULL: nothing held any more.
 * @arg: Its argument.
 *
 * One holder at a time: a second replaces the first.  For a vxlan port's
 * train, whose last datagrams wait for more segments of the same flow.
 */
void udp_batch_hold(struct udp_batch *b, void (*flush)(void *arg),
		    void *arg);

/**
 * udp_batch_pending() - Does anything wait?
 * @b: The queue.
 *
 * Return: true if a datagram is queued.
 */
bool udp_batch_pending(const struct udp_batch *b);

#endif /* TAPSW_UDP_BATCH_H */
