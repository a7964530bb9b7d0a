// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * macflood.c - send Ethernet frames from many distinct random source MACs.
 *
 * A test tool for the MAC flooding (CAM overflow) test: run inside a host's
 * network namespace, it writes COUNT minimal (60-byte) frames on one
 * interface through an AF_PACKET SOCK_RAW socket, in batches with
 * sendmmsg(2).  Every frame has its own source MAC: a unicast, locally
 * administered address (bit 0x02 of the first octet set, 0x01 clear) whose
 * other 46 bits are frame number i passed through a keyed permutation of the
 * 46-bit space (xorshift and odd-multiply steps, each invertible), the keys
 * drawn from an xorshift64 PRNG seeded with -s.  So the addresses look random,
 * are the same for the same seed, and are distinct for up to 2^46 frames
 * (truncating a PRNG's output would repeat some: about 7 pairs per thousand
 * runs of a million frames).  The destination is broadcast unless -d gives
 * one.  The payload is the local experimental EtherType 0x88b5, a magic
 * word and the frame number, so nobody's stack takes the frames for traffic.
 *
 * With -r the frames are paced to RATE per second (in batches of at most a
 * hundredth of a second's worth); without it, or with -r 0, as fast as the
 * kernel takes them.  A send the kernel refuses for lack of buffer or queue
 * room (ENOBUFS, EAGAIN) is retried after a short sleep and counted.
 * At the end, or on SIGINT/SIGTERM, one line says what was sent:
 *
 *	macflood: if=eth0 sent=1000000 elapsed=12.345 pps=81004 retries=0 seed=1
 *
 * Exit status 0 when COUNT frames were sent, 1 on an error or interruption,
 * 2 on bad usage.  Needs CAP_NET_RAW in the interface's namespace.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

enum {
	FRAME_LEN = 60,			/* minimum Ethernet frame, no FCS */
	BATCH_MAX = 1024,
	BATCH_DEFAULT = 64,
	ETHERTYPE_LOCAL_EXP = 0x88b5,	/* IEEE 802 local experimental 1 */
};

#define MAC_BITS	46
#define MAC_MASK	((UINT64_C(1) << MAC_BITS) - 1)

static const uint8_t payload_magic[8] = "macflood";

static volatile sig_atomic_t stop_signal;

struct mix_keys {
	uint64_t add;
	uint64_t mul1;
	uint64_t mul2;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: macflood -i IFNAME [-n COUNT] [-r RATE] [-s SEED] [-d DSTMAC] [-b BATCH]\n"
"Send COUNT Ethernet frames on IFNAME, each from a distinct random\n"
"unicast, locally administered source MAC.\n"
"\n"
"  -i IFNAME  interface to send on (required)\n"
"  -n COUNT   frames to send (default 1000000)\n"
"  -r RATE    frames per second; 0 or 'unlimited': as fast as possible\n"
"             (default)\n"
"  -s SEED    PRNG seed for the addresses (default 1)\n"
"  -d DSTMAC  destination (default ff:ff:ff:ff:ff:ff)\n"
"  -b BATCH   frames per sendmmsg call, 1..%d (default %d)\n"
"  -h         this help\n", BATCH_MAX, BATCH_DEFAULT);
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* xorshift64 (Marsaglia 2003): the key generator; state must be non-zero */
static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

static void mix_init(struct mix_keys *k, uint64_t seed)
{
	/* splitmix-style constant so that seeds 0, 1, 2... differ a lot */
	uint64_t state = seed * UINT64_C(0x9e3779b97f4a7c15) +
			 UINT64_C(0x2545f4914f6cdd1d);
	int i;

	if (!state)
		state = 1;
	for (i = 0; i < 8; i++)		/* warm up: spread the seed's bits */
		xorshift64(&state);
	k->add = xorshift64(&state);
	k->mul1 = xorshift64(&state) | 1;	/* odd: invertible mod 2^46 */
	k->mul2 = xorshift64(&state) | 1;
}

/*
 * mix46() - a permutation of the 46-bit integers: each step (add a key, xor
 * with a right shift of itself, multiply by an odd key, all mod 2^46) is a
 * bijection, so distinct @i give distinct results.
 */
static uint64_t mix46(const struct mix_keys *k, uint64_t i)
{
	uint64_t x = (i + k->add) & MAC_MASK;

	x ^= x >> 23;
	x = (x * k->mul1) & MAC_MASK;
	x ^= x >> 19;
	x = (x * k->mul2) & MAC_MASK;
	x ^= x >> 21;
	return x;
}

/* the source MAC of frame @i: 02-style first octet, 46 mixed bits */
static void frame_src_mac(const struct mix_keys *k, uint64_t i, uint8_t *mac)
{
	uint64_t x = mix46(k, i);

	mac[0] = (uint8_t)(((x >> 40) << 2) | 0x02);	/* local, unicast */
	mac[1] = (uint8_t)(x >> 32);
	mac[2] = (uint8_t)(x >> 24);
	mac[3] = (uint8_t)(x >> 16);
	mac[4] = (uint8_t)(x >> 8);
	mac[5] = (uint8_t)x;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void frame_fill(uint8_t *f, const uint8_t *dst,
		       const struct mix_keys *k, uint64_t i)
{
	memcpy(f, dst, ETH_ALEN);
	frame_src_mac(k, i, f + ETH_ALEN);
	f[12] = ETHERTYPE_LOCAL_EXP >> 8;
	f[13] = ETHERTYPE_LOCAL_EXP & 0xff;
	memcpy(f + ETH_HLEN, payload_magic, sizeof(payload_magic));
	put_be64(f + ETH_HLEN + sizeof(payload_magic), i);
	/* the rest of the 46-byte payload stays zero */
}

static int parse_u64(const char *opt, const char *s, uint64_t max,
		     uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s == '-' || *s == '\0')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end != '\0' || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "macflood: %s: invalid value '%s' (0..%" PRIu64 ")\n",
		opt, s, max);
	return -1;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	char tail;
	int i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &tail) != ETH_ALEN) {
		fprintf(stderr, "macflood: -d: '%s' is not a MAC (xx:xx:xx:xx:xx:xx)\n",
			s);
		return -1;
	}
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void ts_add_ns(struct timespec *t, uint64_t ns)
{
	uint64_t n = (uint64_t)t->tv_nsec + ns;

	t->tv_sec += (time_t)(n / 1000000000u);
	t->tv_nsec = (long)(n % 1000000000u);
}

static int open_socket(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned int ifindex;
	int fd;

	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "macflood: interface %s: %s\n", ifname,
			strerror(errno));
		return -1;
	}
	/* protocol 0: this socket sends only, it is never handed frames */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "macflood: socket(AF_PACKET, SOCK_RAW): %s\n",
			strerror(errno));
		return -1;
	}
	sll.sll_ifindex = (int)ifindex;
	sll.sll_protocol = 0;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "macflood: bind to %s: %s\n", ifname,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t frames[BATCH_MAX][FRAME_LEN];
	static struct mmsghdr msgs[BATCH_MAX];
	static struct iovec iovs[BATCH_MAX];
	uint8_t dst[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint64_t count = 1000000, rate = 0, seed = 1, batch = BATCH_DEFAULT;
	uint64_t sent = 0, retries = 0, v;
	struct timespec t0, t1, next;
	const char *ifname = NULL;
	struct sigaction sa;
	struct mix_keys keys;
	bool failed = false;
	double elapsed;
	unsigned int i;
	int fd, opt;

	while ((opt = getopt(argc, argv, "i:n:r:s:d:b:h")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			if (parse_u64("-n", optarg, UINT64_C(1) << MAC_BITS,
				      &count) < 0)
				return 2;
			break;
		case 'r':
			if (!strcmp(optarg, "unlimited"))
				rate = 0;
			else if (parse_u64("-r", optarg, 1000000000, &rate) < 0)
				return 2;
			break;
		case 's':
			if (parse_u64("-s", optarg, UINT64_MAX, &seed) < 0)
				return 2;
			break;
		case 'd':
			if (parse_mac(optarg, dst) < 0)
				return 2;
			break;
		case 'b':
			if (parse_u64("-b", optarg, BATCH_MAX, &batch) < 0 ||
			    !batch) {
				fprintf(stderr, "macflood: -b: 1..%d\n", BATCH_MAX);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!ifname || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (strlen(ifname) >= IF_NAMESIZE) {
		fprintf(stderr, "macflood: interface name '%s' is too long\n",
			ifname);
		return 2;
	}
	/* paced: at most a hundredth of a second's frames per call */
	if (rate && batch > rate / 100 + 1)
		batch = rate / 100 + 1;

	fd = open_socket(ifname);
	if (fd < 0)
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: sendmmsg returns */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		perror("macflood: sigaction");
		close(fd);
		return 1;
	}

	mix_init(&keys, seed);
	for (i = 0; i < batch; i++) {
		iovs[i].iov_base = frames[i];
		iovs[i].iov_len = FRAME_LEN;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	if (clock_gettime(CLOCK_MONOTONIC, &t0) < 0) {
		perror("macflood: clock_gettime");
		close(fd);
		return 1;
	}
	while (sent < count && !stop_signal) {
		unsigned int n = (unsigned int)(count - sent < batch ?
						count - sent : batch);
		unsigned int done = 0;

		for (i = 0; i < n; i++)
			frame_fill(frames[i], dst, &keys, sent + i);

		while (done < n && !stop_signal) {
			int r = sendmmsg(fd, msgs + done, n - done, 0);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				if (errno == ENOBUFS || errno == EAGAIN) {
					retries++;
					nanosleep(&(struct timespec){ .tv_nsec = 50000 },
						  NULL);
					continue;
				}
				fprintf(stderr, "macflood: sendmmsg on %s: %s\n",
					ifname, strerror(errno));
				failed = true;
				break;
			}
			for (i = done; i < done + (unsigned int)r; i++) {
				if (msgs[i].msg_len != FRAME_LEN) {
					fprintf(stderr,
						"macflood: short send on %s: %u of %d bytes\n",
						ifname, msgs[i].msg_len, FRAME_LEN);
					failed = true;
				}
			}
			done += (unsigned int)r;
			if (failed)
				break;
		}
		sent += done;
		if (failed)
			break;

		if (rate) {
			/* t0 + sent / rate: when the next frame is due */
			next = t0;
			next.tv_sec += (time_t)(sent / rate);
			ts_add_ns(&next, sent % rate * 1000000000u / rate);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       &next, NULL) == EINTR &&
			       !stop_signal)
				;
		}
	}
	if (clock_gettime(CLOCK_MONOTONIC, &t1) < 0) {
		perror("macflood: clock_gettime");
		failed = true;
		t1 = t0;
	}
	if (close(fd) < 0) {
		perror("macflood: close");
		failed = true;
	}

	elapsed = ts_diff(&t0, &t1);
	v = elapsed > 0 ? (uint64_t)((double)sent / elapsed) : 0;
	printf("macflood: if=%s sent=%" PRIu64 " elapsed=%.3f pps=%" PRIu64
	       " retries=%" PRIu64 " seed=%" PRIu64 "%s\n",
	       ifname, sent, elapsed, v, retries, seed,
	       stop_signal ? " interrupted" : "");
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("macflood: stdout");
		return 1;
	}
	return failed || sent < count ? 1 : 0;
}
