// SPDX-License-Identifier: GPL-2.0-or-later
/* tapfwd -- the floor of TAP read()/write() forwarding, for the benchmark.
 *
 *   tapfwd [--threads] -t NAME -t NAME ...
 *
 * Not a switch: the least work a userspace forwarder between TAPs can do.
 * Each TAP is opened with IFF_VNET_HDR and TSO/checksum offloads, as tapswd
 * opens them, so a 64 KiB GSO frame crosses as one read() and one write().
 * A frame goes to the port its destination MAC was last seen on, or to every
 * other port (a 16-entry table, no ageing, no VLANs, no counters, no checks).
 *
 * Default: one thread, poll() over all TAPs, each ready TAP drained up to 64
 * frames. --threads: one thread per TAP, blocked in read(), to see what more
 * CPUs buy (the table is then behind a mutex). Runs in the foreground until killed; the
 * benchmark's adapter moves the TAPs into the hosts' namespaces.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_PORTS 16
#define VNET_HDR_LEN 12		/* struct virtio_net_hdr_v1 */
#define FRAME_MAX (VNET_HDR_LEN + 65536)
#define DRAIN 64

static int fds[MAX_PORTS];
static int nports;
static struct { uint8_t mac[6]; int port; } table[MAX_PORTS];
static int nlearned;
static int threaded;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int tap_open(const char *name, int nonblock)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = VNET_HDR_LEN;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));

	if (fd < 0)
		die("/dev/net/tun");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die(name);
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN) < 0)
		die("TUNSETVNETHDRSZ/TUNSETOFFLOAD");
	return fd;
}

static int lookup(const uint8_t *mac)
{
	for (int i = 0; i < nlearned; i++)
		if (!memcmp(table[i].mac, mac, 6))
			return table[i].port;
	return -1;
}

/* the benchmark's hosts have one MAC each: never more than MAX_PORTS */
static void learn(const uint8_t *mac, int port)
{
	int i;

	if (mac[0] & 1)
		return;
	for (i = 0; i < nlearned; i++)
		if (!memcmp(table[i].mac, mac, 6))
			break;
	if (i == nlearned) {
		if (nlearned == MAX_PORTS)
			return;
		memcpy(table[nlearned++].mac, mac, 6);
	}
	table[i].port = port;
}

/* a failed write (EIO: that TAP is down) drops the frame, nothing more */
static void put(int out, const uint8_t *buf, ssize_t len)
{
	ssize_t n = write(fds[out], buf, len);

	(void)n;
}

static void forward(int in, const uint8_t *buf, ssize_t len)
{
	const uint8_t *eth = buf + VNET_HDR_LEN;
	int out;

	if (len < VNET_HDR_LEN + 14)
		return;
	if (threaded)
		pthread_mutex_lock(&table_lock);
	learn(eth + 6, in);
	out = (eth[0] & 1) ? -1 : lookup(eth);
	if (threaded)
		pthread_mutex_unlock(&table_lock);
	if (out >= 0) {
		if (out != in)
			put(out, buf, len);
		return;
	}
	for (int p = 0; p < nports; p++)
		if (p != in)
			put(p, buf, len);
}

static void *port_thread(void *arg)
{
	static _Thread_local uint8_t buf[FRAME_MAX];
	int in = (int)(intptr_t)arg;

	for (;;) {
		ssize_t n = read(fds[in], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		forward(in, buf, n);
	}
	return NULL;
}

static void poll_loop(void)
{
	static uint8_t buf[FRAME_MAX];
	struct pollfd pfd[MAX_PORTS];

	for (int p = 0; p < nports; p++)
		pfd[p] = (struct pollfd){ .fd = fds[p], .events = POLLIN };
	for (;;) {
		if (poll(pfd, nports, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (int p = 0; p < nports; p++) {
			if (!(pfd[p].revents & POLLIN))
				continue;
			for (int k = 0; k < DRAIN; k++) {
				ssize_t n = read(fds[p], buf, sizeof(buf));

				if (n < 0 && errno != EAGAIN && errno != EINTR)
					die("read");
				if (n < 0)
					break;
				forward(p, buf, n);
			}
		}
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--threads"))
			threaded = 1;
		else if (!strcmp(argv[i], "-t") && i + 1 < argc && nports < MAX_PORTS)
			fds[nports++] = tap_open(argv[++i], 0);
		else {
			fprintf(stderr, "usage: tapfwd [--threads] -t TAP -t TAP ... (up to %d)\n", MAX_PORTS);
			return 2;
		}
	}
	if (nports < 2) {
		fprintf(stderr, "tapfwd: need 2 to %d TAPs\n", MAX_PORTS);
		return 2;
	}
	if (threaded) {
		pthread_t t;

		for (int p = 1; p < nports; p++)
			if (pthread_create(&t, NULL, port_thread, (void *)(intptr_t)p))
				die("pthread_create");
		port_thread((void *)(intptr_t)0);
	}
	for (int p = 0; p < nports; p++)
		if (fcntl(fds[p], F_SETFL, O_NONBLOCK) < 0)
			die("fcntl");
	poll_loop();
	return 0;
}
