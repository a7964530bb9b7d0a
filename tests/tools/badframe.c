// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * badframe.c - inject malformed frames into a tapsw port.
 *
 * A test tool for tests/integration/75-bad-frames.sh.  It sends COUNT
 * copies of each named frame KIND through one of four doors, and prints one
 * line per kind: "badframe: KIND sent=N refused=N errno=NAME".
 *
 *	badframe -d SOCK -l LOCAL KIND...	a dgram port: bind LOCAL, one
 *						datagram per frame (QEMU dgram)
 *	badframe -s SOCK KIND...		a stream port: 4-byte big-endian
 *						length, then the frame (QEMU
 *						stream)
 *	badframe -t TAP KIND...			a vm port: open its TAP with
 *						IFF_VNET_HDR as QEMU does and
 *						write virtio-net header + frame
 *	badframe -p IFNAME KIND...		a tap port from its namespace
 *						side: AF_PACKET with
 *						PACKET_VNET_HDR on IFNAME
 *
 * Through -t and -p the kernel parses the virtio-net header itself and
 * refuses (EINVAL) much of what is bad; "refused" counts those writes, and
 * errno names the last refusal.  What it lets through is what tapsw sees.
 *
 * Frame kinds.  All have a broadcast destination (so a frame that got
 * through would be flooded to every host) and source 02:ba:d0:00:00:01
 * unless the kind is about the source; plain kinds carry EtherType 0x88b5,
 * vnet kinds an IPv4 frame 10.0.0.201 -> 10.0.0.202:
 *
 *	good		60-byte frame, nothing wrong (a control)
 *	empty		0 bytes (dgram only: a stream length 0 is a protocol
 *			error)
 *	runt		13 bytes
 *	hdr14		a bare 14-byte Ethernet header (valid: tapsw forwards it)
 *	vlan_trunc	16 bytes: TPID 0x8100 and half a tag
 *	qinq_trunc	14 bytes: TPID 0x88a8 and no tag at all
 *	src_mcast	source 01:00:5e:00:00:01
 *	src_bcast	source ff:ff:ff:ff:ff:ff
 *	src_zero	source 00:00:00:00:00:00
 *	link_local	destination 01:80:c2:00:00:0e (LLDP)
 *	big		a 3000-byte frame (over a 1500 egress MTU)
 *	vnet_good	UDP, NEEDS_CSUM with the right csum_start/offset
 *	vnet_gso_type	gso_type 7 (no such type)
 *	vnet_gso_size0	TCPV4 GSO with gso_size 0
 *	vnet_gso_udp	TCPV4 GSO on a UDP datagram
 *	vnet_gso_v6	TCPV6 GSO on an IPv4 segment
 *	vnet_hdr_len	hdr_len beyond the frame
 *	vnet_csum_beyond csum_start + csum_offset past the frame's end
 *	vnet_csum_l3	TCPV4 GSO with csum_start at the IP header
 *	vnet_csum_off	TCPV4 GSO with the UDP csum_offset (6) on TCP
 *	vnet_uso_nocsum	UDP_L4 GSO without NEEDS_CSUM
 *
 * BPDU kinds (to 01:80:c2:00:00:00, 802.3 + LLC 42 42 03; a configuration
 * BPDU with one thing wrong, for a switch running STP):
 *	bpdu_runt	20 bytes: LLC and 3 bytes of BPDU
 *	bpdu_llc	SNAP (aa aa 03) instead of 42 42 03
 *	bpdu_len	802.3 length past the frame's end
 *	bpdu_proto	protocol identifier 1
 *	bpdu_type	BPDU type 0x01
 *	bpdu_version	an RST BPDU (type 2) of version 0
 *	bpdu_trunc	a configuration BPDU cut to 20 bytes (length 23)
 *	bpdu_times	max age 0
 *
 * Options: -n COUNT (default 10), -w MS between frames (default 0).
 * Exit status 0 if everything was sent or refused by the kernel, 1 on any
 * other error, 2 on bad usage.
 */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
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

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4		/* Linux 4.18; Debian 12 has it */
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif

enum {
	FRAME_MAX = 4096,
	ETH_HDR = 14,
	IP_HDR = 20,
	TCP_HDR = 20,
	UDP_HDR = 8,
	L3 = ETH_HDR,
	L4 = ETH_HDR + IP_HDR,
	GSO_PAYLOAD = 3000,		/* > one 1448-byte segment */
};

enum door { DOOR_DGRAM, DOOR_STREAM, DOOR_TAP, DOOR_PACKET };

struct frame {
	struct virtio_net_hdr vh;
	uint8_t b[FRAME_MAX];
	size_t len;
};

static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_self[6] = { 0x02, 0xba, 0xd0, 0x00, 0x00, 0x01 };

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void eth(struct frame *f, const uint8_t *dst, const uint8_t *src,
		uint16_t type, size_t len)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	wr16(f->b + 12, type);
	memcpy(f->b + ETH_HDR, "badframe", len >= ETH_HDR + 8 ? 8 : 0);
	f->len = len;
}

/* an IPv4 frame 10.0.0.201 -> 10.0.0.202 with a TCP or UDP header */
static void ipv4(struct frame *f, uint8_t proto, size_t payload)
{
	size_t l4_len = (proto == IPPROTO_TCP ? TCP_HDR : UDP_HDR) + payload;
	uint8_t *ip = f->b + L3, *l4 = f->b + L4;

	eth(f, mac_bcast, mac_self, ETH_P_IP, L4 + l4_len);
	memset(ip, 0, IP_HDR + l4_len);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(IP_HDR + l4_len));
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 201, 10, 0, 0, 202 }, 8);
	wr16(l4, 40000);
	wr16(l4 + 2, 9);		/* discard */
	if (proto == IPPROTO_TCP) {
		l4[12] = 0x50;		/* 20-byte header */
		l4[13] = 0x18;		/* PSH|ACK */
		wr16(l4 + 14, 65535);
	} else {
		wr16(l4 + 4, (uint16_t)l4_len);
	}
}

static void partial_csum(struct frame *f, size_t start, size_t off)
{
	f->vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	f->vh.csum_start = (uint16_t)start;
	f->vh.csum_offset = (uint16_t)off;
}

/* a consistent TCPv4 TSO frame; the bad kinds break one field of it */
static void tso4(struct frame *f)
{
	ipv4(f, IPPROTO_TCP, GSO_PAYLOAD);
	partial_csum(f, L4, 16);
	f->vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	f->vh.gso_size = 1448;
	f->vh.hdr_len = L4 + TCP_HDR;
}

/*
 * a configuration BPDU (root = bridge = 8000.02bad0000001, cost 0, port
 * 8001, times 20/2/15 s) from mac_self, broken at byte @off (frame offset)
 * to @val unless @off is 0, in a frame of @len bytes (0: 60)
 */
static void bpdu(struct frame *f, size_t off, uint8_t val, size_t len)
{
	static const uint8_t group[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
	static const uint8_t id[8] = { 0x80, 0x00, 0x02, 0xba, 0xd0, 0, 0, 1 };
	uint8_t *p = f->b + ETH_HDR + 3;

	eth(f, group, mac_self, 3 + 35, len ? len : 60);
	memset(f->b + ETH_HDR, 0, 60 - ETH_HDR);
	memcpy(f->b + ETH_HDR, (uint8_t[]){ 0x42, 0x42, 0x03 }, 3);
	memcpy(p + 5, id, 8);
	memcpy(p + 17, id, 8);
	wr16(p + 25, 0x8001);
	wr16(p + 29, 20 << 8);
	wr16(p + 31, 2 << 8);
	wr16(p + 33, 15 << 8);
	if (off)
		f->b[off] = val;
}

/* build KIND into @f; false if there is no such kind */
static bool build(const char *kind, struct frame *f)
{
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t zero[6];
	static const uint8_t lldp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };

	if (!strcmp(kind, "good")) {
		eth(f, mac_bcast, mac_self, 0x88b5, 60);
	} else if (!strcmp(kind, "empty")) {
		eth(f, mac_bcast, mac_self, 0x88b5, 0);
	} else if (!strcmp(kind, "runt")) {
		eth(f, mac_bcast, mac_self, 0x88b5, 13);
	} else if (!strcmp(kind, "hdr14")) {
		eth(f, mac_bcast, mac_self, 0x88b5, 14);
	} else if (!strcmp(kind, "vlan_trunc")) {
		eth(f, mac_bcast, mac_self, ETH_P_8021Q, 16);
		wr16(f->b + 14, 7);
	} else if (!strcmp(kind, "qinq_trunc")) {
		eth(f, mac_bcast, mac_self, ETH_P_8021AD, 14);
	} else if (!strcmp(kind, "src_mcast")) {
		eth(f, mac_bcast, mcast, 0x88b5, 60);
	} else if (!strcmp(kind, "src_bcast")) {
		eth(f, mac_bcast, mac_bcast, 0x88b5, 60);
	} else if (!strcmp(kind, "src_zero")) {
		eth(f, mac_bcast, zero, 0x88b5, 60);
	} else if (!strcmp(kind, "link_local")) {
		eth(f, lldp, mac_self, 0x88cc, 60);
	} else if (!strcmp(kind, "big")) {
		eth(f, mac_bcast, mac_self, 0x88b5, 3000);
	} else if (!strcmp(kind, "vnet_good")) {
		ipv4(f, IPPROTO_UDP, 32);
		partial_csum(f, L4, 6);
	} else if (!strcmp(kind, "vnet_gso_type")) {
		tso4(f);
		f->vh.gso_type = 7;
	} else if (!strcmp(kind, "vnet_gso_size0")) {
		tso4(f);
		f->vh.gso_size = 0;
	} else if (!strcmp(kind, "vnet_gso_udp")) {
		ipv4(f, IPPROTO_UDP, GSO_PAYLOAD);
		partial_csum(f, L4, 6);
		f->vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		f->vh.gso_size = 1448;
		f->vh.hdr_len = L4 + UDP_HDR;
	} else if (!strcmp(kind, "vnet_gso_v6")) {
		tso4(f);
		f->vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	} else if (!strcmp(kind, "vnet_hdr_len")) {
		tso4(f);
		f->vh.hdr_len = (uint16_t)(f->len + 100);
	} else if (!strcmp(kind, "vnet_csum_beyond")) {
		ipv4(f, IPPROTO_UDP, 32);
		partial_csum(f, f->len - 1, 0);
	} else if (!strcmp(kind, "vnet_csum_l3")) {
		tso4(f);
		partial_csum(f, L3, 10);
	} else if (!strcmp(kind, "vnet_csum_off")) {
		tso4(f);
		partial_csum(f, L4, 6);
	} else if (!strcmp(kind, "bpdu_runt")) {
		bpdu(f, 0, 0, 20);
	} else if (!strcmp(kind, "bpdu_llc")) {
		bpdu(f, ETH_HDR, 0xaa, 0);
		f->b[ETH_HDR + 1] = 0xaa;
	} else if (!strcmp(kind, "bpdu_len")) {
		bpdu(f, 13, 200, 0);
	} else if (!strcmp(kind, "bpdu_proto")) {
		bpdu(f, ETH_HDR + 4, 1, 0);
	} else if (!strcmp(kind, "bpdu_type")) {
		bpdu(f, ETH_HDR + 6, 1, 0);
	} else if (!strcmp(kind, "bpdu_version")) {
		bpdu(f, ETH_HDR + 6, 2, 0);
		wr16(f->b + 12, 3 + 36);
	} else if (!strcmp(kind, "bpdu_trunc")) {
		bpdu(f, 13, 3 + 20, 0);
	} else if (!strcmp(kind, "bpdu_times")) {
		bpdu(f, ETH_HDR + 3 + 29, 0, 0);
	} else if (!strcmp(kind, "vnet_uso_nocsum")) {
		ipv4(f, IPPROTO_UDP, GSO_PAYLOAD);
		f->vh.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		f->vh.gso_size = 1400;
		f->vh.hdr_len = L4 + UDP_HDR;
	} else {
		return false;
	}
	return true;
}

static int open_dgram(const char *path, const char *local)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", local);
	unlink(local);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

static int open_stream(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

/* the vm port's TAP, as QEMU opens it: vnet header on, 10 bytes */
static int open_tap(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd, sz = sizeof(struct virtio_net_hdr);

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0)
		return -1;
	return fd;
}

static int open_packet(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int fd, on = 1;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		return -1;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -1;
	return fd;
}

/* one frame through @door; 0, or -errno */
static int send_frame(enum door door, int fd, struct frame *f)
{
	struct iovec iov[2];
	uint32_t be;
	ssize_t n, want;

	switch (door) {
	case DOOR_DGRAM:
		/* send(), not write(): a 0-byte write() sends no datagram */
		n = send(fd, f->b, f->len, 0);
		want = (ssize_t)f->len;
		break;
	case DOOR_STREAM:
		be = htonl((uint32_t)f->len);
		iov[0] = (struct iovec){ &be, 4 };
		iov[1] = (struct iovec){ f->b, f->len };
		n = writev(fd, iov, 2);
		want = 4 + (ssize_t)f->len;
		break;
	default:
		iov[0] = (struct iovec){ &f->vh, sizeof(f->vh) };
		iov[1] = (struct iovec){ f->b, f->len };
		n = writev(fd, iov, 2);
		want = (ssize_t)(sizeof(f->vh) + f->len);
		break;
	}
	if (n < 0)
		return -errno;
	return n == want ? 0 : -EMSGSIZE;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: badframe [-n COUNT] [-w MS] -d SOCK -l LOCAL KIND...\n"
		"       badframe [-n COUNT] [-w MS] -s SOCK KIND...\n"
		"       badframe [-n COUNT] [-w MS] -t TAP KIND...\n"
		"       badframe [-n COUNT] [-w MS] -p IFNAME KIND...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *target = NULL, *local = NULL;
	enum door door = DOOR_DGRAM;
	int opt, fd, i, ret, count = 10, wait_ms = 0, status = 0, doors = 0;

	while ((opt = getopt(argc, argv, "d:s:t:p:l:n:w:h")) != -1) {
		switch (opt) {
		case 'd': door = DOOR_DGRAM; target = optarg; doors++; break;
		case 's': door = DOOR_STREAM; target = optarg; doors++; break;
		case 't': door = DOOR_TAP; target = optarg; doors++; break;
		case 'p': door = DOOR_PACKET; target = optarg; doors++; break;
		case 'l': local = optarg; break;
		case 'n': count = atoi(optarg); break;
		case 'w': wait_ms = atoi(optarg); break;
		default: usage();
		}
	}
	if (doors != 1 || optind >= argc || (door == DOOR_DGRAM && !local))
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	switch (door) {
	case DOOR_DGRAM: fd = open_dgram(target, local); break;
	case DOOR_STREAM: fd = open_stream(target); break;
	case DOOR_TAP: fd = open_tap(target); break;
	default: fd = open_packet(target); break;
	}
	if (fd < 0) {
		fprintf(stderr, "badframe: %s: %s\n", target, strerror(errno));
		return 1;
	}

	for (; optind < argc; optind++) {
		const char *kind = argv[optind];
		int sent = 0, refused = 0, last = 0;
		struct frame f;

		if (!build(kind, &f)) {
			fprintf(stderr, "badframe: unknown kind %s\n", kind);
			usage();
		}
		for (i = 0; i < count; i++) {
			ret = send_frame(door, fd, &f);
			if (!ret) {
				sent++;
			} else if (ret == -EINVAL &&
				   (door == DOOR_TAP || door == DOOR_PACKET)) {
				refused++;
				last = -ret;
			} else {
				fprintf(stderr, "badframe: %s: %s\n", kind,
					strerror(-ret));
				status = 1;
				break;
			}
			if (wait_ms)
				nanosleep(&(struct timespec){
					.tv_sec = wait_ms / 1000,
					.tv_nsec = wait_ms % 1000 * 1000000L },
					NULL);
		}
		printf("badframe: %s sent=%d refused=%d errno=%s\n", kind,
		       sent, refused, last ? strerrorname_np(last) : "-");
	}
	close(fd);
	if (door == DOOR_DGRAM)
		unlink(local);
	return status;
}
