// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu-peer.c - play QEMU's side of a tapsw stream or dgram port.
 *
 * A test tool: it speaks what `-netdev stream` and `-netdev dgram` speak
 * over UNIX sockets and bridges it to a TAP interface in the namespace it
 * runs in, so a namespace host can stand where a VM would:
 *
 *	qemu-peer -s SOCK -t TAP		stream: connect to SOCK; each
 *						frame is a 4-byte big-endian
 *						length and the frame
 *	qemu-peer -d SOCK -l LOCAL -t TAP	dgram: bind LOCAL, one datagram
 *						per frame to SOCK (sendto), as
 *						QEMU's local.path/remote.path
 *
 * The TAP is made without a virtio-net header (IFF_TAP | IFF_NO_PI), as
 * QEMU's socket netdevs carry plain frames: the namespace's stack segments
 * and checksums before it, and any frame from the switch is written to it
 * as is, so a bad checksum or an oversized frame shows up as a failed TCP
 * connection in the namespace.  The TAP goes away when the tool exits;
 * LOCAL is removed.
 *
 * Protocol checks (stream only, no TAP needed):
 *
 *	qemu-peer -s SOCK -E [-L LEN] [-w SECS]
 *
 * connects, sends a frame header with length LEN (then a few bytes) if -L
 * is given, and waits up to SECS (default 5) for the switch to close the
 * connection: exit 0 if it did, 1 if not.  This is how a test sees a second
 * client refused, or a bad length (0, above 69,632) punished.
 *
 * -v prints every frame's length on stderr; SIGTERM/SIGINT stop it and it
 * prints "qemu-peer: rx=N tx=N" (frames from the switch, to the switch).
 * Exit status 0 on a clean stop, 1 on an error (the switch closed a stream
 * connection: 3), 2 on bad usage.
 */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum {
	FRAME_MAX = 4096 + 65536,	/* QEMU's NET_BUFSIZE */
	BUF_SIZE = 4 + FRAME_MAX,
	EXIT_CLOSED = 3,
};

static volatile sig_atomic_t stop;
static unsigned long long n_rx, n_tx;
static bool verbose;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: qemu-peer -s SOCK -t TAP [-v]\n"
		"       qemu-peer -d SOCK -l LOCAL -t TAP [-v]\n"
		"       qemu-peer -s SOCK -E [-L LEN] [-w SECS]\n");
	exit(2);
}

static int tap_open(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("qemu-peer: /dev/net/tun");
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "qemu-peer: TUNSETIFF %s: %s\n", name,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		fprintf(stderr, "qemu-peer: path too long: %s\n", path);
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

static int stream_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (unix_addr(path, &sa))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "qemu-peer: connect %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const struct iovec *iov_in, int cnt)
{
	struct iovec iov[2];
	ssize_t n;
	int i = 0;

	memcpy(iov, iov_in, cnt * sizeof(iov[0]));
	while (i < cnt) {
		n = writev(fd, iov + i, cnt - i);
		if (n < 0) {
			if (errno == EINTR && !stop)
				continue;
			return -1;
		}
		while (i < cnt && (size_t)n >= iov[i].iov_len)
			n -= (ssize_t)iov[i++].iov_len;
		if (i < cnt) {
			iov[i].iov_base = (char *)iov[i].iov_base + n;
			iov[i].iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* -E: wait for the switch to close the connection */
static int expect_close(const char *path, long len, int secs)
{
	static const uint8_t junk[64];
	struct pollfd pfd;
	uint8_t buf[4096];
	uint32_t be;
	int fd, ms;
	ssize_t n;

	fd = stream_connect(path);
	if (fd < 0)
		return 1;
	if (len >= 0) {
		struct iovec iov[2] = {
			{ .iov_base = &be, .iov_len = 4 },
			{ .iov_base = (void *)junk, .iov_len = sizeof(junk) },
		};

		be = htonl((uint32_t)len);
		if (write_all(fd, iov, 2) < 0 && errno != EPIPE &&
		    errno != ECONNRESET) {
			perror("qemu-peer: write");
			return 1;
		}
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (ms = secs * 1000; ms > 0 && !stop; ) {
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms -= (int)((t1.tv_sec - t0.tv_sec) * 1000 +
			    (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			printf("qemu-peer: closed by the switch\n");
			close(fd);
			return 0;
		}
		/* frames from the switch (broadcasts): not what we wait for */
	}
	printf("qemu-peer: still connected after %d s\n", secs);
	close(fd);
	return 1;
}

/* stream: complete frames in buf[0..*len) go to the TAP; keep a partial one */
static int stream_to_tap(int tap, uint8_t *buf, size_t *len)
{
	size_t off = 0, flen;
	uint32_t be;

	while (*len - off >= 4) {
		memcpy(&be, buf + off, 4);
		flen = ntohl(be);
		if (!flen || flen > FRAME_MAX) {
			fprintf(stderr, "qemu-peer: bad frame length %zu\n",
				flen);
			return -1;
		}
		if (*len - off - 4 < flen)
			break;
		if (verbose)
			fprintf(stderr, "qemu-peer: rx %zu\n", flen);
		if (write(tap, buf + off + 4, flen) < 0 && errno != EIO)
			fprintf(stderr, "qemu-peer: TAP write: %s\n",
				strerror(errno));
		n_rx++;
		off += 4 + flen;
	}
	memmove(buf, buf + off, *len - off);
	*len -= off;
	return 0;
}

static int run_stream(const char *path, int tap)
{
	static uint8_t in[BUF_SIZE], out[FRAME_MAX];
	struct pollfd pfd[2];
	size_t in_len = 0;
	ssize_t n;
	uint32_t be;
	int fd;

	fd = stream_connect(path);
	if (fd < 0)
		return 1;
	pfd[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = tap, .events = POLLIN };
	while (!stop) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("qemu-peer: poll");
			return 1;
		}
		if (pfd[0].revents) {
			n = read(fd, in + in_len, sizeof(in) - in_len);
			if (n == 0 || (n < 0 && errno == ECONNRESET)) {
				fprintf(stderr, "qemu-peer: closed by the switch\n");
				return EXIT_CLOSED;
			}
			if (n < 0 && errno != EINTR) {
				perror("qemu-peer: read");
				return 1;
			}
			if (n > 0) {
				in_len += (size_t)n;
				if (stream_to_tap(tap, in, &in_len))
					return 1;
			}
		}
		if (pfd[1].revents) {
			n = read(tap, out, sizeof(out));
			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				perror("qemu-peer: TAP read");
				return 1;
			}
			if (n > 0) {
				struct iovec iov[2] = {
					{ .iov_base = &be, .iov_len = 4 },
					{ .iov_base = out, .iov_len = (size_t)n },
				};

				be = htonl((uint32_t)n);
				if (write_all(fd, iov, 2) < 0) {
					if (stop)
						break;
					fprintf(stderr, "qemu-peer: write: %s\n",
						strerror(errno));
					return EXIT_CLOSED;
				}
				n_tx++;
			}
		}
	}
	close(fd);
	return 0;
}

static int run_dgram(const char *path, const char *local, int tap)
{
	static uint8_t buf[FRAME_MAX + 1];
	struct sockaddr_un remote, me;
	struct pollfd pfd[2];
	ssize_t n;
	int fd, ret = 0;

	if (unix_addr(path, &remote) || unix_addr(local, &me))
		return 1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("qemu-peer: socket");
		return 1;
	}
	unlink(local);
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		fprintf(stderr, "qemu-peer: bind %s: %s\n", local,
			strerror(errno));
		return 1;
	}
	pfd[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = tap, .events = POLLIN };
	while (!stop) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("qemu-peer: poll");
			ret = 1;
			break;
		}
		if (pfd[0].revents) {
			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
			if (n > FRAME_MAX) {
				fprintf(stderr, "qemu-peer: datagram of %zd bytes\n", n);
			} else if (n > 0) {
				if (verbose)
					fprintf(stderr, "qemu-peer: rx %zd\n", n);
				if (write(tap, buf, (size_t)n) < 0 && errno != EIO)
					fprintf(stderr, "qemu-peer: TAP write: %s\n",
						strerror(errno));
				n_rx++;
			}
		}
		if (pfd[1].revents) {
			n = read(tap, buf, sizeof(buf));
			if (n > 0) {
				/* the switch may be away (restarting): drop */
				while (sendto(fd, buf, (size_t)n, 0,
					      (struct sockaddr *)&remote,
					      sizeof(remote)) < 0 &&
				       errno == EINTR && !stop)
					;
				n_tx++;
			}
		}
	}
	close(fd);
	unlink(local);
	return ret;
}

int main(int argc, char **argv)
{
	const char *stream = NULL, *dgram = NULL, *local = NULL, *tapname = NULL;
	bool expect = false;
	long bad_len = -1;
	int secs = 5, opt, tap = -1, ret;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((opt = getopt(argc, argv, "s:d:l:t:EL:w:vh")) != -1) {
		switch (opt) {
		case 's': stream = optarg; break;
		case 'd': dgram = optarg; break;
		case 'l': local = optarg; break;
		case 't': tapname = optarg; break;
		case 'E': expect = true; break;
		case 'L': bad_len = strtol(optarg, NULL, 0); break;
		case 'w': secs = atoi(optarg); break;
		case 'v': verbose = true; break;
		default: usage();
		}
	}
	if (!!stream == !!dgram || (dgram && !local) ||
	    (expect && !stream) || (!expect && !tapname))
		usage();

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (expect)
		return expect_close(stream, bad_len, secs);

	tap = tap_open(tapname);
	if (tap < 0)
		return 1;
	ret = stream ? run_stream(stream, tap) : run_dgram(dgram, local, tap);
	fprintf(stderr, "qemu-peer: rx=%llu tx=%llu\n", n_rx, n_tx);
	close(tap);
	return ret;
}
