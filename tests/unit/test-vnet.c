// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-vnet.c - virtio-net header checks, checksum completion and software
 * segmentation.
 *
 * GSO frames are built by hand the way a TAP hands them over (partial L4
 * checksum: the folded pseudo-header sum for the whole superframe at the
 * checksum field, NEEDS_CSUM, csum_start at L4), segmented, and every
 * segment is checked against the original with a checksum written here the
 * plain way, byte pair by byte pair, independent of vnet.c's.  Then bad
 * headers, one per kind, then random headers over mutated frames under
 * ASan (frames and buffers malloc()ed to their exact size).  Last, a timing
 * printed as a diagnostic.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tapsw/vnet.h"
#include "tap.h"

enum {
	BUF_SIZE = 70000,
	TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_PSH = 0x08, TCP_ACK = 0x10,
	TCP_ECE = 0x40, TCP_CWR = 0x80,
	SEQ0 = 0xfffff000u,	/* wraps within a 64 KiB frame */
	ID0 = 0xfff0,		/* wraps after 16 segments */
};

/* ---- the frame builder ------------------------------------------------ */

struct spec {
	const char *name;
	int ipv;		/* 4 or 6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	int vlans;		/* 0; 1: 802.1Q; 2: 802.1ad + 802.1Q */
	size_t opt_len;		/* IPv4 options (x4) / IPv6 dest-opts (x8) */
	size_t tcp_opt;		/* TCP options, multiple of 4 */
	size_t payload;
	uint16_t gso_size;	/* 0: a non-GSO frame */
	uint8_t tcp_flags;
	bool ecn;		/* VIRTIO_NET_HDR_GSO_ECN */
	bool no_csum;		/* TCP GSO without NEEDS_CSUM */
};

struct built {
	size_t len, l3_off, l4_off, hdrs;
	struct virtio_net_hdr vh;
};

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

/* the reference checksum: big-endian byte pairs, 32-bit sum, folded */
static uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint32_t ref_pseudo(const uint8_t *l3, int ipv, uint8_t proto,
			   uint32_t l4_len)
{
	uint32_t s = proto + (l4_len >> 16) + (l4_len & 0xffff);

	if (ipv == 4)
		return ref_sum(l3 + 12, 8, s);
	return ref_sum(l3 + 8, 32, s);
}

/* does the L4 segment at @l4 (@l4_len bytes) carry a valid checksum? */
static bool ref_l4_valid(const uint8_t *l3, int ipv, uint8_t proto,
			 const uint8_t *l4, size_t l4_len)
{
	uint32_t s = ref_pseudo(l3, ipv, proto, (uint32_t)l4_len);

	if (proto == IPPROTO_UDP && rd16(l4 + 6) == 0)
		return false;
	return ref_fold(ref_sum(l4, l4_len, s)) == 0xffff;
}

static uint8_t pay_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3) ^ (uint8_t)(i >> 8);
}

/* build @sp into @f: a TAP's view of it, header in @b->vh */
static void build(const struct spec *sp, uint8_t *f, struct built *b)
{
	static const uint8_t dst[6] = { 0x52, 0x54, 0, 0, 0, 2 };
	static const uint8_t src[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	size_t off = 12, l3, l4, l4_hlen, i, len;
	uint32_t pseudo;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (sp->vlans == 2) {
		wr16(f + off, 0x88a8);
		wr16(f + off + 2, 10);
		off += 4;
	}
	if (sp->vlans >= 1) {
		wr16(f + off, 0x8100);
		wr16(f + off + 2, 0x2000 | 20);	/* PCP 1, vid 20 */
		off += 4;
	}
	wr16(f + off, sp->ipv == 4 ? 0x0800 : 0x86dd);
	l3 = off + 2;

	l4_hlen = sp->proto == IPPROTO_TCP ? 20 + sp->tcp_opt : 8;
	if (sp->ipv == 4) {
		size_t ihl = 20 + sp->opt_len;

		l4 = l3 + ihl;
		len = l4 + l4_hlen + sp->payload;
		f[l3] = (uint8_t)(0x40 | ihl / 4);
		f[l3 + 1] = 0x02;			/* ECT(0) */
		wr16(f + l3 + 2, (uint32_t)(len - l3));
		wr16(f + l3 + 4, ID0);
		wr16(f + l3 + 6, 0x4000);		/* DF */
		f[l3 + 8] = 64;
		f[l3 + 9] = sp->proto;
		wr16(f + l3 + 10, 0);
		wr32(f + l3 + 12, 0x0a000001);
		wr32(f + l3 + 16, 0x0a000002);
		memset(f + l3 + 20, 0x01, sp->opt_len);	/* NOPs */
		wr16(f + l3 + 10, ~ref_fold(ref_sum(f + l3, ihl, 0)) & 0xffff);
	} else {
		static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

		l4 = l3 + 40 + sp->opt_len;
		len = l4 + l4_hlen + sp->payload;
		wr32(f + l3, 0x60012345);		/* tc 0, flow label */
		wr16(f + l3 + 4, (uint32_t)(len - l3 - 40));
		f[l3 + 6] = sp->opt_len ? IPPROTO_DSTOPTS : sp->proto;
		f[l3 + 7] = 64;
		memcpy(f + l3 + 8, a6, 16);
		f[l3 + 8 + 15] = 1;
		memcpy(f + l3 + 24, a6, 16);
		f[l3 + 24 + 15] = 2;
		if (sp->opt_len) {
			uint8_t *e = f + l3 + 40;

			e[0] = sp->proto;
			e[1] = (uint8_t)(sp->opt_len / 8 - 1);
			e[2] = 1;			/* PadN */
			e[3] = (uint8_t)(sp->opt_len - 4);
			memset(e + 4, 0, sp->opt_len - 4);
		}
	}

	if (sp->proto == IPPROTO_TCP) {
		wr16(f + l4, 40000);
		wr16(f + l4 + 2, 5201);
		wr32(f + l4 + 4, SEQ0);
		wr32(f + l4 + 8, 12345);
		f[l4 + 12] = (uint8_t)(l4_hlen / 4 << 4);
		f[l4 + 13] = sp->tcp_flags;
		wr16(f + l4 + 14, 501);
		wr16(f + l4 + 18, 0);
		for (i = 0; i < sp->tcp_opt; i++)	/* NOP NOP TS */
			f[l4 + 20 + i] = (uint8_t)(i * 11);
		if (sp->tcp_opt >= 12) {
			f[l4 + 20] = f[l4 + 21] = 1;
			f[l4 + 22] = 8;
			f[l4 + 23] = 10;
		}
	} else {
		wr16(f + l4, 40000);
		wr16(f + l4 + 2, 4433);
		wr16(f + l4 + 4, (uint32_t)(len - l4));
	}
	for (i = 0; i < sp->payload; i++)
		f[l4 + l4_hlen + i] = pay_byte(i);

	/* the partial checksum a TAP hands over: folded pseudo-header sum */
	pseudo = ref_pseudo(f + l3, sp->ipv, sp->proto, (uint32_t)(len - l4));
	wr16(f + l4 + (sp->proto == IPPROTO_TCP ? 16 : 6),
	     sp->no_csum ? 0xdead : ref_fold(pseudo));

	b->len = len;
	b->l3_off = l3;
	b->l4_off = l4;
	b->hdrs = l4 + l4_hlen;
	memset(&b->vh, 0, sizeof(b->vh));
	if (!sp->no_csum) {
		b->vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		b->vh.csum_start = htole16((uint16_t)l4);
		b->vh.csum_offset = htole16(sp->proto == IPPROTO_TCP ? 16 : 6);
	}
	if (sp->gso_size) {
		if (sp->proto == IPPROTO_UDP)
			b->vh.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		else if (sp->ipv == 4)
			b->vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		else
			b->vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
		if (sp->ecn)
			b->vh.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		b->vh.gso_size = htole16(sp->gso_size);
		b->vh.hdr_len = htole16((uint16_t)b->hdrs);
	}
}

/* ---- segmentation: every segment checked as it is emitted ------------- */

static const struct spec seg_cases[] = {
	{ "TCPv4 64000 B / 1448", 4, IPPROTO_TCP, 0, 0, 12, 64000, 1448,
	  TCP_ACK | TCP_PSH, false, false },
	{ "TCPv4 largest (65483 B) / 1448, id+seq wrap", 4, IPPROTO_TCP, 0, 0,
	  0, 65483, 1448, TCP_ACK | TCP_PSH, false, false },
	{ "TCPv4 802.1Q, FIN / 1460", 4, IPPROTO_TCP, 1, 0, 12, 20000, 1460,
	  TCP_ACK | TCP_PSH | TCP_FIN, false, false },
	{ "TCPv4 802.1ad+802.1Q / 1000", 4, IPPROTO_TCP, 2, 0, 12, 5001, 1000,
	  TCP_ACK, false, false },
	{ "TCPv4 ECN, CWR+ECE / 1448", 4, IPPROTO_TCP, 0, 0, 12, 4500, 1448,
	  TCP_ACK | TCP_PSH | TCP_CWR | TCP_ECE, true, false },
	{ "TCPv4 IP options / 999", 4, IPPROTO_TCP, 0, 8, 12, 3000, 999,
	  TCP_ACK | TCP_PSH, false, false },
	{ "TCPv4 no NEEDS_CSUM / 1448", 4, IPPROTO_TCP, 0, 0, 12, 4000, 1448,
	  TCP_ACK | TCP_PSH | TCP_FIN, false, false },
	{ "TCPv4 payload below gso_size", 4, IPPROTO_TCP, 0, 0, 12, 1000, 1448,
	  TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR, true, false },
	{ "TCPv4 exact multiple 3x1448", 4, IPPROTO_TCP, 0, 0, 12, 3 * 1448,
	  1448, TCP_ACK | TCP_PSH, false, false },
	{ "TCPv4 odd gso_size 7", 4, IPPROTO_TCP, 0, 0, 0, 100, 7,
	  TCP_ACK | TCP_PSH | TCP_FIN, false, false },
	{ "TCPv4 gso_size 1", 4, IPPROTO_TCP, 1, 0, 12, 50, 1,
	  TCP_ACK | TCP_PSH, false, false },
	{ "TCPv4 no payload", 4, IPPROTO_TCP, 0, 0, 12, 0, 1448,
	  TCP_ACK | TCP_FIN, false, false },
	{ "TCPv6 64000 B / 1428", 6, IPPROTO_TCP, 0, 0, 12, 64000, 1428,
	  TCP_ACK | TCP_PSH, false, false },
	{ "TCPv6 802.1Q, dest-opts, FIN / 1337", 6, IPPROTO_TCP, 1, 16, 12,
	  9000, 1337, TCP_ACK | TCP_PSH | TCP_FIN, false, false },
	{ "TCPv6 ECN, CWR / 1200", 6, IPPROTO_TCP, 0, 0, 12, 3000, 1200,
	  TCP_ACK | TCP_CWR, true, false },
	{ "TCPv6 no NEEDS_CSUM / 1000", 6, IPPROTO_TCP, 2, 0, 0, 2500, 1000,
	  TCP_ACK | TCP_PSH, false, false },
	{ "USOv4 20000 B / 1472", 4, IPPROTO_UDP, 0, 0, 0, 20000, 1472,
	  0, false, false },
	{ "USOv4 802.1Q / 1000", 4, IPPROTO_UDP, 1, 0, 0, 3001, 1000,
	  0, false, false },
	{ "USOv4 IP options / 333", 4, IPPROTO_UDP, 0, 4, 0, 2000, 333,
	  0, false, false },
	{ "USOv6 12345 B / 1452", 6, IPPROTO_UDP, 0, 0, 0, 12345, 1452,
	  0, false, false },
	{ "USOv6 802.1ad+802.1Q, dest-opts / 333", 6, IPPROTO_UDP, 2, 8, 0,
	  2000, 333, 0, false, false },
};

enum { SEG_OKS = 11 };

struct verify {
	const struct spec *sp;
	const struct built *b;
	const uint8_t *orig;
	size_t seg_buf_len;
	size_t done;		/* payload bytes seen */
	int n, nseg;
	bool len_ok, same_ok, ip_ok, l4_ok, seq_ok, flags_ok, pay_ok, id_ok;
};

/* bytes of [from, to) equal in both, except the ranges in @skip */
static bool same_except(const uint8_t *a, const uint8_t *b, size_t from,
			size_t to, const size_t (*skip)[2], size_t nskip)
{
	size_t i, k;

	for (i = from; i < to; i++) {
		for (k = 0; k < nskip; k++)
			if (i >= skip[k][0] && i < skip[k][1])
				break;
		if (k == nskip && a[i] != b[i])
			return false;
	}
	return true;
}

static int verify_seg(const uint8_t *seg, size_t seg_len, void *arg)
{
	struct verify *v = arg;
	const struct spec *sp = v->sp;
	const struct built *b = v->b;
	const uint8_t *o = v->orig;
	size_t l3 = b->l3_off, l4 = b->l4_off, hdrs = b->hdrs;
	size_t pay = MIN((size_t)sp->gso_size, sp->payload - v->done);
	bool first = v->n == 0, last = v->done + pay == sp->payload;
	size_t skip[4][2];
	size_t nskip = 0;

	if (seg_len != hdrs + pay || seg_len > v->seg_buf_len) {
		v->len_ok = false;
		v->n++;
		return -EPROTO;
	}
	/* lengths */
	if (sp->ipv == 4) {
		if (rd16(seg + l3 + 2) != seg_len - l3)
			v->len_ok = false;
		if (ref_fold(ref_sum(seg + l3, l4 - l3, 0)) != 0xffff)
			v->ip_ok = false;
		if (rd16(seg + l3 + 4) != (uint16_t)(ID0 + v->n))
			v->id_ok = false;
		skip[nskip][0] = l3 + 2;
		skip[nskip++][1] = l3 + 6;
		skip[nskip][0] = l3 + 10;
		skip[nskip++][1] = l3 + 12;
	} else {
		if (rd16(seg + l3 + 4) != seg_len - l3 - 40)
			v->len_ok = false;
		skip[nskip][0] = l3 + 4;
		skip[nskip++][1] = l3 + 6;
	}
	if (!ref_l4_valid(seg + l3, sp->ipv, sp->proto, seg + l4,
			  seg_len - l4))
		v->l4_ok = false;

	if (sp->proto == IPPROTO_TCP) {
		uint8_t want = sp->tcp_flags;

		if (!last)
			want &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (!first)
			want &= (uint8_t)~TCP_CWR;
		if (seg[l4 + 13] != want)
			v->flags_ok = false;
		if (rd32(seg + l4 + 4) != (uint32_t)(SEQ0 + v->done))
			v->seq_ok = false;
		skip[nskip][0] = l4 + 4;	/* seq */
		skip[nskip++][1] = l4 + 8;
		skip[nskip][0] = l4 + 13;	/* flags, window, csum */
		skip[nskip++][1] = l4 + 18;
		if (rd16(seg + l4 + 14) != 501)	/* window kept */
			v->same_ok = false;
	} else {
		if (rd16(seg + l4 + 4) != seg_len - l4)
			v->len_ok = false;
		skip[nskip][0] = l4 + 4;	/* length, csum */
		skip[nskip++][1] = l4 + 8;
	}
	/* L2, tags, addresses, options, ports, ack: all as in the original */
	if (!same_except(seg, o, 0, hdrs, skip, nskip))
		v->same_ok = false;
	if (memcmp(seg + hdrs, o + hdrs + v->done, pay))
		v->pay_ok = false;

	v->done += pay;
	v->n++;
	return 0;
}

static void test_segment_case(const struct spec *sp, uint8_t *frame,
			      uint8_t *seg_buf)
{
	struct built b;
	struct verify v = {
		.sp = sp, .b = &b, .orig = frame,
		.len_ok = true, .same_ok = true, .ip_ok = true, .l4_ok = true,
		.seq_ok = true, .flags_ok = true, .pay_ok = true,
		.id_ok = true,
	};
	size_t want_seg_len;
	int ret, want_n;

	build(sp, frame, &b);
	want_n = sp->payload ? (int)((sp->payload + sp->gso_size - 1) /
				     sp->gso_size) : 1;
	want_seg_len = b.hdrs + MIN((size_t)sp->gso_size, sp->payload);
	v.seg_buf_len = want_seg_len;	/* exactly enough */

	ok(vnet_hdr_check(&b.vh, frame, b.len) == DROP_NONE,
	   "%s: header accepted", sp->name);
	ok(vnet_frame_seg_len(&b.vh, frame, b.len) == want_seg_len,
	   "%s: largest segment %zu", sp->name, want_seg_len);
	ret = vnet_segment(&b.vh, frame, b.len, seg_buf, v.seg_buf_len,
			   verify_seg, &v);
	ok(ret == want_n && v.n == want_n && v.done == sp->payload,
	   "%s: %d segments (got %d, emitted %d)", sp->name, want_n, ret,
	   v.n);
	ok(v.len_ok, "%s: frame, IP and UDP lengths", sp->name);
	ok(v.same_ok, "%s: other header bytes unchanged", sp->name);
	ok(v.ip_ok, "%s: IPv4 header checksums valid", sp->name);
	ok(v.l4_ok, "%s: L4 checksums valid", sp->name);
	ok(v.seq_ok, "%s: TCP seq contiguous", sp->name);
	ok(v.flags_ok, "%s: FIN/PSH on last, CWR on first", sp->name);
	ok(v.pay_ok, "%s: payload concatenation = original", sp->name);
	ok(v.id_ok, "%s: IPv4 ids increment", sp->name);
}

/* ---- vnet_csum_finish() on non-GSO frames ----------------------------- */

static const struct spec csum_cases[] = {
	{ "TCPv4 1000 B", 4, IPPROTO_TCP, 0, 0, 12, 1000, 0, TCP_ACK,
	  false, false },
	{ "TCPv6 802.1Q 1433 B", 6, IPPROTO_TCP, 1, 0, 12, 1433, 0, TCP_ACK,
	  false, false },
	{ "UDPv4 IP options 31 B", 4, IPPROTO_UDP, 0, 4, 0, 31, 0, 0,
	  false, false },
	{ "UDPv6 802.1ad+802.1Q 777 B", 6, IPPROTO_UDP, 2, 8, 0, 777, 0, 0,
	  false, false },
};

enum { CSUM_OKS = 4 };

struct one_seg {
	const uint8_t *seg;
	size_t len;
	int calls;
	uint8_t copy[BUF_SIZE];
};

static int record_seg(const uint8_t *seg, size_t seg_len, void *arg)
{
	struct one_seg *r = arg;

	r->seg = seg;
	r->len = seg_len;
	if (seg_len <= sizeof(r->copy))
		memcpy(r->copy, seg, seg_len);
	r->calls++;
	return 0;
}

static void test_csum_case(const struct spec *sp, uint8_t *frame,
			   uint8_t *seg_buf)
{
	static struct one_seg r;
	uint8_t orig[2048];
	struct built b;
	int ret;

	build(sp, frame, &b);
	memcpy(orig, frame, b.len);
	ok(vnet_hdr_check(&b.vh, frame, b.len) == DROP_NONE &&
	   vnet_frame_seg_len(&b.vh, frame, b.len) == b.len,
	   "%s: non-GSO header accepted, seg_len = len", sp->name);

	memset(&r, 0, sizeof(r));
	ret = vnet_segment(&b.vh, frame, b.len, seg_buf, BUF_SIZE,
			   record_seg, &r);

	ok(vnet_csum_finish(&b.vh, frame, b.len) == 0 &&
	   ref_l4_valid(frame + b.l3_off, sp->ipv, sp->proto,
			frame + b.l4_off, b.len - b.l4_off),
	   "%s: vnet_csum_finish gives a valid checksum", sp->name);
	ok(same_except(frame, orig, 0, b.len,
		       (const size_t[][2]){ { b.l4_off +
			(sp->proto == IPPROTO_TCP ? 16 : 6),
			b.l4_off + (sp->proto == IPPROTO_TCP ? 18 : 8) } }, 1),
	   "%s: only the checksum field changed", sp->name);
	ok(ret == 1 && r.calls == 1 && r.seg == seg_buf && r.len == b.len &&
	   !memcmp(r.copy, frame, b.len),
	   "%s: vnet_segment emits it once, checksum finished", sp->name);
}

/* checksum that computes to 0 must go out as 0xffff (UDP: 0 = none) */
static void test_csum_zero(uint8_t *frame)
{
	static const struct spec sp = { "UDPv6 zero", 6, IPPROTO_UDP, 0, 0,
					0, 64, 0, 0, false, false };
	struct built b;
	uint32_t s;
	uint8_t *last;

	build(&sp, frame, &b);
	/* choose the last payload word so that the sum vnet_csum_finish()
	 * takes (the field holds the pseudo-header sum) is 0xffff */
	last = frame + b.len - 2;
	wr16(last, 0);
	s = ref_fold(ref_sum(frame + b.l4_off, b.len - b.l4_off, 0));
	wr16(last, ~s & 0xffff);

	ok(vnet_csum_finish(&b.vh, frame, b.len) == 0 &&
	   rd16(frame + b.l4_off + 6) == 0xffff &&
	   ref_l4_valid(frame + b.l3_off, 6, IPPROTO_UDP, frame + b.l4_off,
			b.len - b.l4_off),
	   "checksum computing to 0 is stored as 0xffff");
}

/* ---- bad headers ------------------------------------------------------ */

enum mut {
	M_GSO_TYPE_2, M_GSO_TYPE_6, M_GSO_TYPE_7F, M_ECN_ALONE, M_UFO,
	M_ECN_USO, M_GSO_SIZE_0, M_HDR_LEN_BEYOND, M_CSUM_START_BEYOND,
	M_CSUM_OFFSET_BEYOND, M_CSUM_END_BEYOND, M_CSUM_START_NOT_L4,
	M_CSUM_OFFSET_UDP_ON_TCP, M_TCPV4_ON_V6, M_TCPV6_ON_V4,
	M_TCPV4_ON_UDP, M_USO_ON_TCP, M_USO_NO_CSUM, M_IP_TRUNC, M_IHL_4,
	M_IP_VERSION, M_IPV4_MF, M_IPV4_FRAG_OFF, M_IPV6_FRAG_HDR,
	M_IPV6_EXT_TRUNC, M_TCP_DOFF_4, M_TCP_OPTS_TRUNC, M_UDP_TRUNC,
	M_ARP, M_VLAN_TRUNC, M_RUNT, M_NONGSO_CSUM_BEYOND, M_IPV6_EXT_CUT,
	M_NONE,
};

struct bad_case {
	const char *name;
	int base;		/* index in bad_bases[] */
	enum mut mut;
	enum drop_reason want;
};

static const struct spec bad_bases[] = {
	{ "TCPv4", 4, IPPROTO_TCP, 0, 0, 12, 3000, 1448, TCP_ACK, false,
	  false },
	{ "TCPv6", 6, IPPROTO_TCP, 1, 0, 12, 3000, 1448, TCP_ACK, false,
	  false },
	{ "USOv4", 4, IPPROTO_UDP, 0, 0, 0, 3000, 1400, 0, false, false },
	{ "TCPv6 dest-opts", 6, IPPROTO_TCP, 0, 8, 0, 3000, 1448, TCP_ACK,
	  false, false },
	{ "TCPv4 non-GSO", 4, IPPROTO_TCP, 0, 0, 0, 100, 0, TCP_ACK, false,
	  false },
	{ "TCPv4 > 64 KiB", 4, IPPROTO_TCP, 0, 0, 12, 65500, 1448, TCP_ACK,
	  false, false },
	{ "TCPv6 > 64 KiB", 6, IPPROTO_TCP, 0, 0, 12, 65520, 1448, TCP_ACK,
	  false, false },
};

static const struct bad_case bad_cases[] = {
	{ "unknown gso_type 2", 0, M_GSO_TYPE_2, DROP_VNET_BAD_GSO },
	{ "unknown gso_type 6", 0, M_GSO_TYPE_6, DROP_VNET_BAD_GSO },
	{ "unknown gso_type 0x7f", 0, M_GSO_TYPE_7F, DROP_VNET_BAD_GSO },
	{ "ECN bit without a GSO type", 0, M_ECN_ALONE, DROP_VNET_BAD_GSO },
	{ "UFO (not negotiated)", 2, M_UFO, DROP_VNET_BAD_GSO },
	{ "ECN bit with UDP_L4", 2, M_ECN_USO, DROP_VNET_BAD_GSO },
	{ "gso_size 0", 0, M_GSO_SIZE_0, DROP_VNET_BAD_GSO },
	{ "gso_size 0 (USO)", 2, M_GSO_SIZE_0, DROP_VNET_BAD_GSO },
	{ "hdr_len beyond the frame", 0, M_HDR_LEN_BEYOND, DROP_VNET_BAD_GSO },
	{ "hdr_len beyond the frame (non-GSO)", 4, M_HDR_LEN_BEYOND,
	  DROP_VNET_BAD_GSO },
	{ "csum_start beyond the frame", 0, M_CSUM_START_BEYOND,
	  DROP_VNET_BAD_CSUM },
	{ "csum_offset beyond the frame", 1, M_CSUM_OFFSET_BEYOND,
	  DROP_VNET_BAD_CSUM },
	{ "csum field straddles the end", 0, M_CSUM_END_BEYOND,
	  DROP_VNET_BAD_CSUM },
	{ "csum_start not at L4", 0, M_CSUM_START_NOT_L4, DROP_VNET_BAD_CSUM },
	{ "csum_start not at L4 (after IPv6 ext)", 3, M_CSUM_START_NOT_L4,
	  DROP_VNET_BAD_CSUM },
	{ "csum_offset 6 on TCP", 0, M_CSUM_OFFSET_UDP_ON_TCP,
	  DROP_VNET_BAD_CSUM },
	{ "non-GSO csum beyond the frame", 4, M_NONGSO_CSUM_BEYOND,
	  DROP_VNET_BAD_CSUM },
	{ "TCPV4 on an IPv6 frame", 1, M_TCPV4_ON_V6, DROP_VNET_BAD_GSO },
	{ "TCPV6 on an IPv4 frame", 0, M_TCPV6_ON_V4, DROP_VNET_BAD_GSO },
	{ "TCPV4 on a UDP frame", 2, M_TCPV4_ON_UDP, DROP_VNET_BAD_GSO },
	{ "UDP_L4 on a TCP frame", 0, M_USO_ON_TCP, DROP_VNET_BAD_GSO },
	{ "UDP_L4 without NEEDS_CSUM", 2, M_USO_NO_CSUM, DROP_VNET_BAD_GSO },
	{ "truncated IPv4 header", 0, M_IP_TRUNC, DROP_VNET_BAD_GSO },
	{ "truncated IPv6 header", 1, M_IP_TRUNC, DROP_VNET_BAD_GSO },
	{ "IPv4 ihl 4", 0, M_IHL_4, DROP_VNET_BAD_GSO },
	{ "IP version 5", 0, M_IP_VERSION, DROP_VNET_BAD_GSO },
	{ "IPv4 fragment (MF)", 0, M_IPV4_MF, DROP_VNET_BAD_GSO },
	{ "IPv4 fragment (offset)", 2, M_IPV4_FRAG_OFF, DROP_VNET_BAD_GSO },
	{ "IPv6 fragment header", 3, M_IPV6_FRAG_HDR, DROP_VNET_BAD_GSO },
	{ "IPv6 ext header truncated", 3, M_IPV6_EXT_TRUNC,
	  DROP_VNET_BAD_GSO },
	{ "IPv6 ext header cut after 1 byte", 3, M_IPV6_EXT_CUT,
	  DROP_VNET_BAD_GSO },
	{ "IPv4 packet above 64 KiB", 5, M_NONE, DROP_VNET_BAD_GSO },
	{ "IPv6 payload above 64 KiB", 6, M_NONE, DROP_VNET_BAD_GSO },
	{ "TCP doff 4", 0, M_TCP_DOFF_4, DROP_VNET_BAD_GSO },
	{ "TCP options truncated", 1, M_TCP_OPTS_TRUNC, DROP_VNET_BAD_GSO },
	{ "UDP header truncated", 2, M_UDP_TRUNC, DROP_VNET_BAD_GSO },
	{ "TCPV4 on an ARP frame", 0, M_ARP, DROP_VNET_BAD_GSO },
	{ "VLAN tag truncated", 1, M_VLAN_TRUNC, DROP_VNET_BAD_GSO },
	{ "GSO runt (10 bytes)", 0, M_RUNT, DROP_VNET_BAD_GSO },
};

enum { BAD_OKS = 2 };

static void mutate(enum mut m, struct built *b, uint8_t *f)
{
	struct virtio_net_hdr *vh = &b->vh;
	size_t l3 = b->l3_off, l4 = b->l4_off;

	switch (m) {
	case M_GSO_TYPE_2:
		vh->gso_type = 2;
		break;
	case M_GSO_TYPE_6:
		vh->gso_type = 6;
		break;
	case M_GSO_TYPE_7F:
		vh->gso_type = 0x7f;
		break;
	case M_ECN_ALONE:
		vh->gso_type = VIRTIO_NET_HDR_GSO_ECN;
		break;
	case M_UFO:
		vh->gso_type = VIRTIO_NET_HDR_GSO_UDP;
		break;
	case M_ECN_USO:
		vh->gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		break;
	case M_GSO_SIZE_0:
		vh->gso_size = 0;
		break;
	case M_HDR_LEN_BEYOND:
		vh->hdr_len = htole16((uint16_t)(b->len + 1));
		break;
	case M_CSUM_START_BEYOND:
		vh->csum_start = htole16((uint16_t)(b->len + 10));
		vh->csum_offset = 0;
		break;
	case M_CSUM_OFFSET_BEYOND:
		vh->csum_offset = htole16((uint16_t)(b->len - l4));
		break;
	case M_CSUM_END_BEYOND:
		vh->csum_start = htole16((uint16_t)(b->len - 1));
		vh->csum_offset = 0;
		break;
	case M_CSUM_START_NOT_L4:
		vh->csum_start = htole16((uint16_t)(l4 - 4));
		vh->csum_offset = htole16(20);
		break;
	case M_CSUM_OFFSET_UDP_ON_TCP:
		vh->csum_offset = htole16(6);
		break;
	case M_TCPV4_ON_V6:
		vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		break;
	case M_TCPV6_ON_V4:
		vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
		break;
	case M_TCPV4_ON_UDP:
		vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		vh->csum_offset = htole16(16);
		break;
	case M_USO_ON_TCP:
		vh->gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		vh->csum_offset = htole16(6);
		break;
	case M_USO_NO_CSUM:
		vh->flags = 0;
		break;
	case M_IP_TRUNC:
		b->len = l3 + 10;
		vh->hdr_len = 0;
		vh->flags = 0;
		break;
	case M_IHL_4:
		f[l3] = 0x44;
		break;
	case M_IP_VERSION:
		f[l3] = 0x55;
		break;
	case M_IPV4_MF:
		wr16(f + l3 + 6, 0x2000);
		break;
	case M_IPV4_FRAG_OFF:
		wr16(f + l3 + 6, 0x0001);
		break;
	case M_IPV6_FRAG_HDR:
		f[l3 + 6] = IPPROTO_FRAGMENT;
		break;
	case M_IPV6_EXT_TRUNC:
		b->len = l3 + 44;
		vh->hdr_len = 0;
		vh->flags = 0;
		break;
	case M_TCP_DOFF_4:
		f[l4 + 12] = 0x40;
		break;
	case M_TCP_OPTS_TRUNC:
		f[l4 + 12] = 0xf0;	/* 60 bytes of header */
		b->len = l4 + 40;
		vh->hdr_len = 0;
		vh->flags = 0;
		break;
	case M_UDP_TRUNC:
		b->len = l4 + 6;
		vh->hdr_len = 0;
		vh->flags = 0;
		break;
	case M_ARP:
		wr16(f + 12, 0x0806);
		break;
	case M_VLAN_TRUNC:
		b->len = 16;
		vh->hdr_len = 0;
		vh->flags = 0;
		break;
	case M_RUNT:
		b->len = 10;
		vh->hdr_len = 0;
		vh->flags = 0;
		break;
	case M_IPV6_EXT_CUT:
		b->len = l3 + 41;
		vh->hdr_len = 0;
		vh->flags = 0;
		break;
	case M_NONE:
		break;
	case M_NONGSO_CSUM_BEYOND:
		vh->csum_offset = htole16((uint16_t)(b->len - l4 - 1));
		break;
	}
}

static int count_seg(const uint8_t *seg, size_t seg_len, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* the frame is checked in a buffer of its exact size: ASan sees overreads */
static void test_bad_case(const struct bad_case *bc, uint8_t *buf,
			  uint8_t *seg_buf)
{
	struct built b;
	enum drop_reason r;
	uint8_t *frame;
	int calls = 0, ret;

	build(&bad_bases[bc->base], buf, &b);
	mutate(bc->mut, &b, buf);
	frame = malloc(b.len);
	if (!frame)
		abort();
	memcpy(frame, buf, b.len);
	r = vnet_hdr_check(&b.vh, frame, b.len);
	ok(r == bc->want, "rejects %s: %s (got %s)", bc->name,
	   drop_reason_name(bc->want), drop_reason_name(r));
	ret = vnet_segment(&b.vh, frame, b.len, seg_buf, BUF_SIZE, count_seg,
			   &calls);
	ok(ret == -EINVAL && calls == 0 &&
	   vnet_frame_seg_len(&b.vh, frame, b.len) == b.len,
	   "%s: vnet_segment -EINVAL, nothing emitted, seg_len = len",
	   bc->name);
	free(frame);
}

/* ---- odds and ends ---------------------------------------------------- */

struct stop_at {
	int calls, stop;
};

static int stop_seg(const uint8_t *seg, size_t seg_len, void *arg)
{
	struct stop_at *s = arg;

	return ++s->calls == s->stop ? -EPIPE : 0;
}

enum { MISC_OKS = 9 };

static void test_misc(uint8_t *frame, uint8_t *seg_buf)
{
	static struct one_seg r;
	struct built b;
	struct stop_at st = { 0, 3 };
	size_t need;
	int calls = 0;

	build(&seg_cases[0], frame, &b);
	need = vnet_frame_seg_len(&b.vh, frame, b.len);
	ok(vnet_segment(&b.vh, frame, b.len, seg_buf, need - 1, count_seg,
			&calls) == -ENOBUFS && calls == 0,
	   "seg_buf one byte short: -ENOBUFS, nothing emitted");
	ok(vnet_segment(&b.vh, frame, b.len, seg_buf, BUF_SIZE, stop_seg,
			&st) == -EPIPE && st.calls == 3,
	   "emit error stops segmentation and is returned");

	/* hdr_len is a hint: too small is accepted, as tun_get_user() does */
	b.vh.hdr_len = htole16(14);
	ok(vnet_hdr_check(&b.vh, frame, b.len) == DROP_NONE &&
	   vnet_frame_seg_len(&b.vh, frame, b.len) == need,
	   "hdr_len below the headers: accepted, headers found by parsing");
	b.vh.hdr_len = 0;
	ok(vnet_hdr_check(&b.vh, frame, b.len) == DROP_NONE,
	   "hdr_len 0 accepted");

	/* non-GSO without NEEDS_CSUM: passed through, no copy */
	memset(&b.vh, 0, sizeof(b.vh));
	memset(&r, 0, sizeof(r));
	ok(vnet_segment(&b.vh, frame, 100, seg_buf, 0, record_seg, &r) == 1 &&
	   r.calls == 1 && r.seg == frame && r.len == 100,
	   "plain frame: emitted as it is, from the frame");
	ok(vnet_csum_finish(&b.vh, frame, 100) == 0,
	   "vnet_csum_finish without NEEDS_CSUM: nothing to do");
	/* any frame may carry a plain header, even one that is no IP */
	wr16(frame + 12, 0x0806);
	b.vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	b.vh.csum_start = htole16(14);
	b.vh.csum_offset = htole16(84);
	ok(vnet_hdr_check(&b.vh, frame, 100) == DROP_NONE &&
	   vnet_csum_finish(&b.vh, frame, 100) == 0,
	   "non-GSO NEEDS_CSUM on a non-IP frame, field at the very end: ok");
	ok(vnet_segment(&b.vh, frame, 100, seg_buf, 99, count_seg, &calls) ==
	   -ENOBUFS, "non-GSO NEEDS_CSUM, seg_buf too small: -ENOBUFS");

	ok(!strcmp(drop_reason_name(DROP_VNET_BAD_GSO), "vnet_bad_gso") &&
	   !strcmp(drop_reason_name(DROP_VNET_BAD_CSUM), "vnet_bad_csum"),
	   "drop reason names");
}

/* ---- random headers over mutated frames ------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct fuzz_emit {
	const uint8_t *seg_buf, *frame;
	size_t seg_buf_len, len;
	bool bad;
	long segs;
};

static int fuzz_seg(const uint8_t *seg, size_t seg_len, void *arg)
{
	struct fuzz_emit *fe = arg;

	if (seg == fe->seg_buf) {
		if (seg_len > fe->seg_buf_len)
			fe->bad = true;
	} else if (seg != fe->frame || seg_len != fe->len) {
		fe->bad = true;
	}
	fe->segs++;
	return 0;
}

enum { FUZZ_ITERS = 100000, FUZZ_OKS = 3 };

static void test_fuzz(void)
{
	static const struct spec tmpl[] = {
		{ "", 4, IPPROTO_TCP, 0, 0, 12, 600, 100, TCP_ACK | TCP_FIN,
		  true, false },
		{ "", 6, IPPROTO_TCP, 1, 8, 0, 500, 64, TCP_ACK, false, false },
		{ "", 4, IPPROTO_UDP, 2, 4, 0, 700, 200, 0, false, false },
		{ "", 6, IPPROTO_UDP, 0, 0, 0, 300, 33, 0, false, false },
		{ "", 4, IPPROTO_TCP, 1, 0, 0, 200, 0, TCP_ACK, false, false },
	};
	static const uint8_t types[] = {
		0, 1, 3, 4, 5, 0x81, 0x84, 0x85, 0x80, 2, 0xff,
	};
	static uint8_t base[ARRAY_SIZE(tmpl)][2048];
	struct built bb[ARRAY_SIZE(tmpl)];
	long accepted = 0, segs = 0, bad_len = 0, inconsistent = 0;
	unsigned int i, t;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (t = 0; t < ARRAY_SIZE(tmpl); t++)
		build(&tmpl[t], base[t], &bb[t]);

	for (i = 0; i < FUZZ_ITERS; i++) {
		struct fuzz_emit fe = { 0 };
		struct built b;
		struct virtio_net_hdr *vh = &b.vh;
		enum drop_reason r;
		uint8_t *frame, *seg_buf;
		size_t len, sbl, k, nmut;
		int ret;

		t = (unsigned int)(rnd() % ARRAY_SIZE(tmpl));
		b = bb[t];
		len = b.len;
		if (rnd() % 4 == 0)
			len = (size_t)(rnd() % (len + 1));
		frame = malloc(len ? len : 1);
		if (!frame)
			abort();
		memcpy(frame, base[t], len);
		nmut = rnd() % 4;
		for (k = 0; k < nmut && len; k++)
			frame[rnd() % MIN(len, (size_t)100)] = (uint8_t)rnd();

		if (rnd() % 2)
			vh->flags = (uint8_t)rnd();
		if (rnd() % 2)
			vh->gso_type = types[rnd() % ARRAY_SIZE(types)];
		if (rnd() % 3 == 0)
			vh->gso_size = (uint16_t)rnd();
		else if (rnd() % 2)
			vh->gso_size = (uint16_t)(rnd() % 64);
		if (rnd() % 3 == 0)
			vh->hdr_len = (uint16_t)(rnd() % (len + 8));
		if (rnd() % 3 == 0)
			vh->csum_start = (uint16_t)(rnd() % (len + 8));
		if (rnd() % 3 == 0)
			vh->csum_offset = (uint16_t)(rnd() % 64);
		if (rnd() % 16 == 0) {
			vh->csum_start = (uint16_t)rnd();
			vh->csum_offset = (uint16_t)rnd();
		}

		r = vnet_hdr_check(vh, frame, len);
		(void)vnet_frame_seg_len(vh, frame, len);
		sbl = rnd() % 2 ? (size_t)(rnd() % (len + 64)) :
				  vnet_frame_seg_len(vh, frame, len);
		seg_buf = malloc(sbl ? sbl : 1);
		if (!seg_buf)
			abort();
		fe.seg_buf = seg_buf;
		fe.seg_buf_len = sbl;
		fe.frame = frame;
		fe.len = len;
		ret = vnet_segment(vh, frame, len, seg_buf, sbl, fuzz_seg, &fe);
		if (fe.bad)
			bad_len++;
		/* vnet_segment() must agree with vnet_hdr_check() */
		if ((r != DROP_NONE) != (ret == -EINVAL))
			inconsistent++;
		if (r == DROP_NONE && ret != -ENOBUFS && ret != fe.segs)
			inconsistent++;
		if (r == DROP_NONE)
			accepted++;
		segs += fe.segs;
		(void)vnet_csum_finish(vh, frame, len);
		free(seg_buf);
		free(frame);
	}
	diag("fuzz: %d iterations, %ld headers accepted, %ld segments",
	     FUZZ_ITERS, accepted, segs);
	ok(bad_len == 0, "fuzz: no segment longer than seg_buf_len");
	ok(inconsistent == 0,
	   "fuzz: vnet_segment agrees with vnet_hdr_check (%ld off)",
	   inconsistent);
	ok(accepted > FUZZ_ITERS / 50 && segs > FUZZ_ITERS,
	   "fuzz: enough frames got through to exercise segmentation");
}

/* ---- timing ----------------------------------------------------------- */

static int sink_seg(const uint8_t *seg, size_t seg_len, void *arg)
{
	*(size_t *)arg += seg_len + seg[seg_len - 1];
	return 0;
}

static void bench(uint8_t *frame, uint8_t *seg_buf)
{
	static const struct spec sp = { "", 4, IPPROTO_TCP, 0, 0, 12,
					45 * 1448, 1448, TCP_ACK | TCP_PSH,
					false, false };
	enum { ITERS = 4000 };
	struct timespec t0, t1;
	struct built b;
	size_t sink = 0;
	double ns;
	int i, n = 0;

	build(&sp, frame, &b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < ITERS; i++)
		n = vnet_segment(&b.vh, frame, b.len, seg_buf, BUF_SIZE,
				 sink_seg, &sink);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	      (double)(t1.tv_nsec - t0.tv_nsec)) / ITERS;
	diag("timing: %zu-byte TCPv4 frame -> %d x 1448: %.0f ns/frame, "
	     "%.0f ns/segment, %.1f Gbit/s of payload (sink %zu)",
	     b.len, n, ns, ns / n, 45 * 1448 * 8 / ns, sink & 1);
}

int main(void)
{
	static uint8_t frame[BUF_SIZE], seg_buf[BUF_SIZE];
	size_t i;

	plan_tests(ARRAY_SIZE(seg_cases) * SEG_OKS +
		   ARRAY_SIZE(csum_cases) * CSUM_OKS + 1 +
		   ARRAY_SIZE(bad_cases) * BAD_OKS + MISC_OKS + FUZZ_OKS);

	for (i = 0; i < ARRAY_SIZE(seg_cases); i++)
		test_segment_case(&seg_cases[i], frame, seg_buf);
	for (i = 0; i < ARRAY_SIZE(csum_cases); i++)
		test_csum_case(&csum_cases[i], frame, seg_buf);
	test_csum_zero(frame);
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++)
		test_bad_case(&bad_cases[i], frame, seg_buf);
	test_misc(frame, seg_buf);
	test_fuzz();
	bench(frame, seg_buf);
	return exit_status();
}
