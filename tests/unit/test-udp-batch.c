// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-udp-batch.c - udp_batch over real UDP sockets on the loopback:
 * datagrams queued on two sockets, interleaved, arrive in order per
 * socket once the loop turns; every one is reported once with its owner,
 * tag and length; a full queue flushes itself; a datagram too long to
 * queue is refused; a fd that is no socket gets each of its datagrams
 * reported failed while the others still go.
 */
#include "tapsw/tapsw.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tapsw/udp_batch.h"
#include "tap.h"

enum { N = 100 };

static unsigned int n_done, n_failed, bad_owner;
static int last_err;
static int owner_token;
static size_t bytes_done;
static unsigned int tags_seen[N + 10];
static unsigned int held_calls, done_at_hold;

/* udp_batch_hold()'s flush: how many datagrams were done when it ran */
static void on_held(void *arg)
{
	(void)arg;
	held_calls++;
	done_at_hold = n_done;
}

static void on_done(void *owner, unsigned int tag, int ret, size_t len)
{
	n_done++;
	if (owner != &owner_token)
		bad_owner++;
	if (tag < ARRAY_SIZE(tags_seen))
		tags_seen[tag]++;
	if (ret) {
		n_failed++;
		last_err = ret;
	}
	bytes_done += len;
}

/* a UDP socket on 127.0.0.1, any port; its address in @sa */
static int udp_sock(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, sizeof(*sa)) ||
	    getsockname(fd, (struct sockaddr *)sa, &len))
		return -1;
	return fd;
}

/* read every datagram waiting on @fd: are they "<id> <k>" for k = 0..? */
static int read_in_order(int fd, char id, unsigned int *count)
{
	char buf[3000];
	unsigned int k = 0;
	ssize_t n;
	int in_order = 1;

	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		char want[32];

		buf[n] = 0;
		snprintf(want, sizeof(want), "%c %u", id, k);
		if (strncmp(buf, want, strlen(want)))
			in_order = 0;
		k++;
	}
	*count = k;
	return in_order;
}

int main(void)
{
	uv_loop_t *loop = uv_default_loop();
	struct sockaddr_in ra, rb, sa, sb;
	int rxa = udp_sock(&ra), rxb = udp_sock(&rb);
	int txa = udp_sock(&sa), txb = udp_sock(&sb);
	struct udp_batch *b = udp_batch_new(loop, on_done);
	static uint8_t big[UDP_BATCH_DGRAM_MAX + 1];
	unsigned int i, ca, cb, queued_fail = 0;
	int pipefd[2], in_order;
	char text[64];

	plan_tests(14);
	if (rxa < 0 || rxb < 0 || txa < 0 || txb < 0 || !b || pipe(pipefd))
		return 99;

	/* 40 to A through txa and 40 to B through txb, interleaved */
	for (i = 0; i < 80; i++) {
		bool to_a = i % 2 == 0;
		struct iovec iov[2] = {
			{ .iov_base = text, .iov_len = 0 },
			{ .iov_base = "  padding", .iov_len = 9 },
		};

		iov[0].iov_len = (size_t)snprintf(text, sizeof(text), "%c %u",
						  to_a ? 'a' : 'b', i / 2);
		if (udp_batch_add(b, to_a ? txa : txb,
				  (struct sockaddr *)(to_a ? &ra : &rb),
				  sizeof(ra), iov, 2, &owner_token, i))
			queued_fail++;
	}
	ok(!queued_fail, "80 datagrams queued");
	ok(n_done == UDP_BATCH_SLOTS,
	   "the %uth flushed the full queue first (%u done)",
	   UDP_BATCH_SLOTS + 1, n_done);
	ok(udp_batch_pending(b), "the rest wait for the loop");
	uv_run(loop, UV_RUN_NOWAIT);
	ok(!udp_batch_pending(b) && n_done == 80 && !n_failed && !bad_owner,
	   "the loop's turn sent the rest: %u done, %u failed", n_done,
	   n_failed);
	for (i = 0; i < 80 && tags_seen[i] == 1; i++)
		;
	ok(i == 80, "each reported once with its tag");
	in_order = read_in_order(rxa, 'a', &ca);
	ok(in_order && ca == 40, "A got its 40 in order (%u)", ca);
	in_order = read_in_order(rxb, 'b', &cb);
	ok(in_order && cb == 40, "B got its 40 in order (%u)", cb);

	ok(udp_batch_add(b, txa, (struct sockaddr *)&ra, sizeof(ra),
			 &(struct iovec){ .iov_base = big,
					  .iov_len = sizeof(big) }, 1,
			 &owner_token, 0) == -EMSGSIZE && !udp_batch_pending(b),
	   "a datagram above %u bytes is refused, nothing queued",
	   UDP_BATCH_DGRAM_MAX);

	/* a pipe is no socket: its datagrams fail, A's still go */
	n_done = n_failed = 0;
	for (i = 0; i < 6; i++) {
		struct iovec iov = { .iov_base = text };

		iov.iov_len = (size_t)snprintf(text, sizeof(text), "a %u", i);
		udp_batch_add(b, i % 3 ? txa : pipefd[1],
			      (struct sockaddr *)&ra, sizeof(ra), &iov, 1,
			      &owner_token, i);
	}
	udp_batch_flush(b);
	ok(n_done == 6 && n_failed == 2 && last_err == -ENOTSOCK,
	   "the 2 on a pipe failed with ENOTSOCK (%u done, %u failed, %d)",
	   n_done, n_failed, last_err);
	read_in_order(rxa, 'a', &ca);
	ok(ca == 4, "the 4 on the socket arrived (%u)", ca);
	ok(!uv_loop_alive(loop) && !udp_batch_pending(b),
	   "nothing waits; the check handle is stopped");

	/* something held: it goes first, and alone at the turn's end */
	n_done = 0;
	udp_batch_hold(b, on_held, NULL);
	udp_batch_add(b, txa, (struct sockaddr *)&ra, sizeof(ra),
		      &(struct iovec){ .iov_base = "a 0", .iov_len = 3 }, 1,
		      &owner_token, 0);
	uv_run(loop, UV_RUN_NOWAIT);
	ok(held_calls == 1 && done_at_hold == 0 && n_done == 1,
	   "the held flush ran once, before the queued datagram (%u, %u)",
	   held_calls, done_at_hold);
	udp_batch_hold(b, on_held, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	ok(held_calls == 2 && !uv_loop_alive(loop),
	   "held alone, it ran at the turn's end; nothing left to run");
	read_in_order(rxa, 'a', &ca);

	udp_batch_free(b);
	uv_run(loop, UV_RUN_DEFAULT);
	ok(uv_loop_close(loop) == 0, "freed: no handle left on the loop");
	close(rxa);
	close(rxb);
	close(txa);
	close(txb);
	close(pipefd[0]);
	close(pipefd[1]);
	return exit_status();
}
