// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udp_batch.c - datagrams queued in one turn of the loop, sent at its end
 * with sendmmsg() per socket (udp_batch.h).
 *
 * The queue is flushed by a uv_idle handle, started while something is
 * queued: libuv runs it at the start of the next turn, after the timers
 * and before it polls, and does not sleep in between while it is
 * started.  A frame read from a TAP and switched to a vxlan port goes out
 * before the loop sleeps again, so batching adds no wait, whichever phase
 * queued it (I/O, timers, or another idle or check handle; a uv_check
 * handle would miss what timers queue, and the loop would sleep on it).
 *
 * A flush takes the oldest datagram not yet sent, gathers every later
 * one on the same socket into one sendmmsg() vector, in order, and sends
 * it; repeats until all went.  A datagram the kernel refuses (sendmmsg()
 * fails at it) is reported with its errno and the rest of the vector is
 * sent after it.
 */
#include "tapsw/tapsw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "tapsw/udp_batch.h"

struct udp_batch_slot {
	struct sockaddr_in6 to;		/* room for either family */
	socklen_t tolen;
	int fd;
	unsigned int tag;
	void *owner;
	size_t len;
	bool sent;
	uint8_t data[UDP_BATCH_DGRAM_MAX];
};

struct udp_batch {
	uv_idle_t idle;			/* first: the handle's memory is ours */
	udp_batch_done_t done;
	void (*held)(void *arg);	/* udp_batch_hold()'s, or NULL */
	void *held_arg;
	unsigned int n;			/* slots in use, from 0 */
	bool flushing;			/* a done() may queue no more */
	struct mmsghdr msg[UDP_BATCH_SLOTS];
	struct iovec iov[UDP_BATCH_SLOTS];
	unsigned int idx[UDP_BATCH_SLOTS];	/* msg[i] is slot idx[i] */
	struct udp_batch_slot slot[UDP_BATCH_SLOTS];
};

static void udp_batch_idle_cb(uv_idle_t *h)
{
	udp_batch_flush((struct udp_batch *)h->data);
}

struct udp_batch *udp_batch_new(uv_loop_t *loop, udp_batch_done_t done)
{
	struct udp_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	uv_idle_init(loop, &b->idle);
	b->idle.data = b;
	b->done = done;
	return b;
}

static void udp_batch_free_cb(uv_handle_t *h)
{
	free(h->data);
}

void udp_batch_free(struct udp_batch *b)
{
	if (!b)
		return;
	udp_batch_flush(b);
	uv_close((uv_handle_t *)&b->idle, udp_batch_free_cb);
}

bool udp_batch_pending(const struct udp_batch *b)
{
	return b->n;
}

void udp_batch_hold(struct udp_batch *b, void (*flush)(void *arg),
		    void *arg)
{
	b->held = flush;
	b->held_arg = arg;
	if (flush)
		uv_idle_start(&b->idle, udp_batch_idle_cb);
}

int udp_batch_add(struct udp_batch *b, int fd, const struct sockaddr *to,
		  socklen_t tolen, const struct iovec *iov, unsigned int iovcnt,
		  void *owner, unsigned int tag)
{
	struct udp_batch_slot *s;
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > UDP_BATCH_DGRAM_MAX || tolen > sizeof(s->to) ||
	    b->flushing)
		return -EMSGSIZE;
	if (b->n == UDP_BATCH_SLOTS)
		udp_batch_flush(b);
	s = &b->slot[b->n];
	memcpy(&s->to, to, tolen);
	s->tolen = tolen;
	s->fd = fd;
	s->tag = tag;
	s->owner = owner;
	s->len = len;
	s->sent = false;
	for (len = 0, i = 0; i < iovcnt; i++) {
		memcpy(s->data + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (!b->n++)
		uv_idle_start(&b->idle, udp_batch_idle_cb);
	return 0;
}

/* the vector of every unsent slot on @fd from @first on: its length */
static unsigned int udp_batch_gather(struct udp_batch *b, unsigned int first)
{
	int fd = b->slot[first].fd;
	unsigned int i, n = 0;

	for (i = first; i < b->n; i++) {
		struct udp_batch_slot *s = &b->slot[i];

		if (s->sent || s->fd != fd)
			continue;
		b->iov[n] = (struct iovec){ .iov_base = s->data,
					    .iov_len = s->len };
		b->msg[n].msg_hdr = (struct msghdr){
			.msg_name = &s->to,
			.msg_namelen = s->tolen,
			.msg_iov = &b->iov[n],
			.msg_iovlen = 1,
		};
		b->idx[n++] = i;
	}
	return n;
}

/* one slot's result, to its owner */
static void udp_batch_report(struct udp_batch *b, unsigned int i, int ret)
{
	struct udp_batch_slot *s = &b->slot[i];

	s->sent = true;
	b->done(s->owner, s->tag, ret, s->len);
}

void udp_batch_flush(struct udp_batch *b)
{
	void (*held)(void *arg) = b->held;
	unsigned int first, n, done, i;
	int ret;

	if (b->flushing)
		return;
	b->held = NULL;
	if (held)
		held(b->held_arg);	/* it came before what is queued */
	if (!b->n) {
		uv_idle_stop(&b->idle);
		return;
	}
	b->flushing = true;
	for (first = 0; first < b->n; first++) {
		if (b->slot[first].sent)
			continue;
		n = udp_batch_gather(b, first);
		for (done = 0; done < n;) {
			ret = sendmmsg(b->slot[first].fd, b->msg + done,
				       n - done, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (ret < 0 && errno == EINTR)
				continue;
			if (ret <= 0) {
				/* the one at @done failed: say so, go on */
				udp_batch_report(b, b->idx[done++],
						 ret ? -errno : -EAGAIN);
				continue;
			}
			for (i = 0; i < (unsigned int)ret; i++)
				udp_batch_report(b, b->idx[done + i], 0);
			done += (unsigned int)ret;
		}
	}
	b->n = 0;
	b->flushing = false;
	uv_idle_stop(&b->idle);
}
