// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-stp.c - the spanning tree protocol on simulated bridges: frames sent
 * by one bridge's port are delivered to the port at the other end of its
 * link, time moves one second per step.  Two bridges (root election, rapid
 * forwarding by proposal/agreement), a triangle (one alternate port, rapid
 * fail-over when the root link goes, a topology change flushing), an
 * 802.1D neighbour (protocol migration, forwarding after 2 x forward
 * delay, TCN and TCA), a bridge looped to itself (a backup port), aged
 * information, malformed BPDUs counted.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <string.h>

#include "tapsw/stp.h"
#include "tap.h"

enum { NB = 4, NP = 4, QMAX = 256 };

struct bridge {
	struct stp *stp;
	enum stp_state state[NP + 1];
	unsigned int flushes[NP + 1];
	unsigned int changes;
	int drop;		/* 1: its BPDUs vanish (a silent bridge) */
	unsigned int sent_tcn;	/* TCNs sent */
};

struct link {
	int a, pa, b, pb;
	bool up;
};

static struct bridge br[NB];
static struct link links[8];
static unsigned int n_links;
static uint64_t now;

static struct {
	int b, p;
	uint8_t frame[STP_FRAME_MIN];
	size_t len;
} q[QMAX];
static unsigned int qh, qt;

static void t_send(void *arg, unsigned int no, const uint8_t *f, size_t len)
{
	struct bridge *b = arg;
	struct stp_bpdu bp;

	if (b->drop || (qt + 1) % QMAX == qh)
		return;
	if (stp_bpdu_parse(f, len, &bp) == STP_BPDU_OK &&
	    bp.type == STP_BPDU_TCN)
		b->sent_tcn++;
	q[qt].b = (int)(b - br);
	q[qt].p = (int)no;
	memcpy(q[qt].frame, f, len);
	q[qt].len = len;
	qt = (qt + 1) % QMAX;
}

static void t_state(void *arg, unsigned int no, enum stp_state st)
{
	((struct bridge *)arg)->state[no] = st;
}

static void t_flush(void *arg, unsigned int no)
{
	((struct bridge *)arg)->flushes[no]++;
}

static void t_changed(void *arg, unsigned int no)
{
	(void)no;
	((struct bridge *)arg)->changes++;
}

static const struct stp_ops ops = {
	.send = t_send, .set_state = t_state, .flush = t_flush,
	.changed = t_changed,
};

static void deliver(void)
{
	unsigned int i, guard = 0;

	while (qh != qt && guard++ < 10000) {
		int b = q[qh].b, p = q[qh].p;
		uint8_t f[STP_FRAME_MIN];
		size_t len = q[qh].len;

		memcpy(f, q[qh].frame, len);
		qh = (qh + 1) % QMAX;
		for (i = 0; i < n_links; i++) {
			struct link *l = &links[i];

			if (!l->up)
				continue;
			if (l->a == b && l->pa == p)
				stp_receive(br[l->b].stp, (unsigned int)l->pb,
					    f, len);
			else if (l->b == b && l->pb == p)
				stp_receive(br[l->a].stp, (unsigned int)l->pa,
					    f, len);
		}
	}
}

static void step(unsigned int seconds)
{
	unsigned int s, i;

	for (s = 0; s < seconds; s++) {
		now += 1000;
		for (i = 0; i < NB; i++)
			if (br[i].stp)
				stp_tick(br[i].stp, now);
		deliver();
	}
}

static void reset(void)
{
	unsigned int i;

	for (i = 0; i < NB; i++)
		stp_free(br[i].stp);
	memset(br, 0, sizeof(br));
	n_links = 0;
	qh = qt = 0;
	now = 1000000;
}

static void bridge(int i, enum stp_mode mode, unsigned int prio,
		   unsigned int nports)
{
	struct stp_config c;
	unsigned int p;

	stp_config_default(&c, mode);
	c.priority = prio;
	c.hello = 1;
	c.max_age = 6;
	c.fwd_delay = 4;
	c.mac[0] = 0x02;
	c.mac[5] = (uint8_t)(i + 1);
	br[i].stp = stp_new(&c, &ops, &br[i], now);
	for (p = 1; p <= nports; p++) {
		uint8_t mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, (uint8_t)i,
						(uint8_t)p };

		stp_port_add(br[i].stp, p, mac, NULL);
	}
}

static void link_up(int a, int pa, int b, int pb)
{
	links[n_links++] = (struct link){ a, pa, b, pb, true };
	stp_port_enable(br[a].stp, (unsigned int)pa, true);
	stp_port_enable(br[b].stp, (unsigned int)pb, true);
	deliver();
}

static void link_down(unsigned int i)
{
	links[i].up = false;
	stp_port_enable(br[links[i].a].stp, (unsigned int)links[i].pa, false);
	stp_port_enable(br[links[i].b].stp, (unsigned int)links[i].pb, false);
	deliver();
}

static struct stp_port_info pinfo(int b, int p)
{
	struct stp_port_info pi;

	memset(&pi, 0, sizeof(pi));
	stp_port_get_info(br[b].stp, (unsigned int)p, &pi);
	return pi;
}

static bool is(int b, int p, enum stp_role r, enum stp_state s)
{
	struct stp_port_info pi = pinfo(b, p);

	if (pi.role == r && pi.state == s && br[b].state[p] == s)
		return true;
	diag("bridge %d port %d: %s %s (want %s %s)", b, p,
	     stp_role_name(pi.role), stp_state_name(pi.state),
	     stp_role_name(r), stp_state_name(s));
	return false;
}

static void test_config(void)
{
	struct stp_config c;
	char why[128];

	stp_config_default(&c, STP_MODE_RSTP);
	ok(!stp_config_check(&c, why, sizeof(why)), "defaults are valid");
	c.priority = 100;
	ok(stp_config_check(&c, why, sizeof(why)) == -EINVAL,
	   "priority 100 refused: %s", why);
	stp_config_default(&c, STP_MODE_RSTP);
	c.max_age = 40;
	c.fwd_delay = 4;
	ok(stp_config_check(&c, why, sizeof(why)) == -EINVAL,
	   "max age 40 with forward delay 4 refused: %s", why);
	c.max_age = 6;
	c.hello = 1;
	ok(!stp_config_check(&c, why, sizeof(why)), "1/6/4 s accepted");
	ok(stp_mode_parse("rstp") == STP_MODE_RSTP &&
	   stp_mode_parse("stp") == STP_MODE_STP &&
	   stp_mode_parse("off") == STP_MODE_OFF &&
	   stp_mode_parse("mstp") == -EINVAL, "mode names");
}

static void test_two(void)
{
	struct stp_info in;

	reset();
	bridge(0, STP_MODE_RSTP, 4096, 1);
	bridge(1, STP_MODE_RSTP, 32768, 1);
	link_up(0, 1, 1, 1);
	step(1);
	stp_get_info(br[1].stp, &in);
	ok(in.root_id == 0x1000020000000001ULL && in.root_port == 1 &&
	   in.root_path_cost == STP_DEFAULT_PATH_COST,
	   "two bridges: the one with priority 4096 is the root");
	ok(is(0, 1, STP_ROLE_DESIGNATED, STP_STATE_FORWARDING) &&
	   is(1, 1, STP_ROLE_ROOT, STP_STATE_FORWARDING),
	   "designated and root port forward within a second (agreement)");
	stp_get_info(br[0].stp, &in);
	ok(in.root_port == 0 && in.root_id == in.bridge_id, "root knows it");
	ok(pinfo(1, 1).send_rstp && pinfo(0, 1).send_rstp,
	   "both ends send RST BPDUs");
	{
		struct stp_config c = in.cfg;

		c.mode = STP_MODE_STP;
		stp_set_config(br[0].stp, &c);
		ok(!pinfo(0, 1).send_rstp, "mode stp: 802.1D BPDUs at once");
		step(8);
		ok(!pinfo(1, 1).send_rstp &&
		   pinfo(1, 1).state == STP_STATE_FORWARDING,
		   "the neighbour migrated to 802.1D BPDUs, still forwarding");
		c.mode = STP_MODE_RSTP;
		stp_set_config(br[0].stp, &c);
		step(8);
		ok(pinfo(0, 1).send_rstp && pinfo(1, 1).send_rstp,
		   "mode rstp again: both ends back to RST BPDUs");
	}
}

/*
 * bridge 0 root; 0.1-1.1, 0.2-2.1, 1.2-2.2: bridge 2's port 2 (or 1's)
 * is the alternate
 */
static void test_triangle(void)
{
	unsigned int f;

	reset();
	bridge(0, STP_MODE_RSTP, 4096, 2);
	bridge(1, STP_MODE_RSTP, 8192, 2);
	bridge(2, STP_MODE_RSTP, 32768, 2);
	link_up(0, 1, 1, 1);
	link_up(0, 2, 2, 1);
	link_up(1, 2, 2, 2);
	step(2);
	ok(is(0, 1, STP_ROLE_DESIGNATED, STP_STATE_FORWARDING) &&
	   is(0, 2, STP_ROLE_DESIGNATED, STP_STATE_FORWARDING) &&
	   is(1, 1, STP_ROLE_ROOT, STP_STATE_FORWARDING) &&
	   is(2, 1, STP_ROLE_ROOT, STP_STATE_FORWARDING),
	   "triangle: root ports and the root's ports forward");
	ok(is(1, 2, STP_ROLE_DESIGNATED, STP_STATE_FORWARDING) &&
	   is(2, 2, STP_ROLE_ALTERNATE, STP_STATE_DISCARDING),
	   "triangle: the link between the others blocks at bridge 2");
	step(20);
	ok(is(2, 2, STP_ROLE_ALTERNATE, STP_STATE_DISCARDING) &&
	   is(1, 2, STP_ROLE_DESIGNATED, STP_STATE_FORWARDING),
	   "and stays so (20 s)");
	f = br[1].flushes[1];
	link_down(1);		/* 0.2-2.1: bridge 2's root link */
	ok(is(2, 2, STP_ROLE_ROOT, STP_STATE_FORWARDING),
	   "root link cut: the alternate is root port and forwards at once");
	ok(is(2, 1, STP_ROLE_DISABLED, STP_STATE_DISABLED),
	   "the cut port is disabled");
	ok(br[2].flushes[1] >= 1, "the cut port's addresses are flushed");
	step(1);
	ok(br[1].flushes[1] > f,
	   "the topology change reached bridge 1: its root port flushed");
	ok(pinfo(2, 2).stats.fwd_transitions == 1, "one transition counted");
	links[1].up = true;
	stp_port_enable(br[0].stp, 2, true);
	stp_port_enable(br[2].stp, 1, true);
	deliver();
	step(2);
	ok(is(2, 1, STP_ROLE_ROOT, STP_STATE_FORWARDING) &&
	   is(2, 2, STP_ROLE_ALTERNATE, STP_STATE_DISCARDING),
	   "link back: the direct link is root again, the other blocks");
}

/* bridge 1 speaks 802.1D only */
static void test_stp_neighbour(void)
{
	struct stp_info in;
	unsigned int t;
	uint64_t tc;

	reset();
	bridge(0, STP_MODE_RSTP, 4096, 1);
	bridge(1, STP_MODE_STP, 32768, 1);
	link_up(0, 1, 1, 1);
	step(1);
	ok(pinfo(1, 1).role == STP_ROLE_ROOT, "STP bridge: root port");
	ok(pinfo(0, 1).state != STP_STATE_FORWARDING,
	   "no agreement from an 802.1D bridge: not forwarding at once");
	for (t = 1; t < 20 && pinfo(0, 1).state != STP_STATE_FORWARDING; t++)
		step(1);
	ok(!pinfo(0, 1).send_rstp, "the RSTP port fell back to 802.1D BPDUs");
	ok(t >= 2 * 4 - 1 && t <= 2 * 4 + 3,
	   "designated port forwards after about 2 x forward delay (%u s)",
	   t + 1);
	ok(pinfo(0, 1).stats.rx_config > 0 && pinfo(1, 1).stats.rx_rst > 0,
	   "config BPDUs one way, RST BPDUs the other (before migration)");
	/* a topology change at the 802.1D bridge: TCN up, TCA back */
	stp_port_add(br[1].stp, 2, (uint8_t[6]){ 2, 0, 0, 0, 1, 2 }, NULL);
	stp_port_enable(br[1].stp, 2, true);
	stp_get_info(br[0].stp, &in);
	tc = in.tc_count;
	step(10);
	ok(br[1].sent_tcn > 0, "802.1D bridge: a port forwarding: TCN sent");
	stp_get_info(br[0].stp, &in);
	ok(pinfo(0, 1).stats.rx_tcn > 0 && in.tc_count > tc,
	   "the root took it: a topology change");
	t = br[1].sent_tcn;
	step(10);
	ok(br[1].sent_tcn == t && t <= 3,
	   "acknowledged (TCA): no more TCNs (%u sent)", t);
}

static void test_self_loop(void)
{
	reset();
	bridge(0, STP_MODE_RSTP, 32768, 3);
	link_up(0, 1, 0, 2);
	step(3);
	ok((is(0, 1, STP_ROLE_DESIGNATED, STP_STATE_FORWARDING) &&
	    is(0, 2, STP_ROLE_BACKUP, STP_STATE_DISCARDING)),
	   "two ports of one bridge on one link: one is a backup port");
}

static void test_age(void)
{
	reset();
	bridge(0, STP_MODE_RSTP, 4096, 1);
	bridge(1, STP_MODE_RSTP, 32768, 1);
	link_up(0, 1, 1, 1);
	step(2);
	ok(pinfo(1, 1).role == STP_ROLE_ROOT, "root port");
	br[0].drop = 1;		/* the root falls silent */
	step(4);
	ok(pinfo(1, 1).role == STP_ROLE_DESIGNATED,
	   "root silent 3 x hello: its information aged, bridge 1 is root");
}

static void test_bad(void)
{
	uint8_t f[STP_FRAME_MIN] = { 0x01, 0x80, 0xc2, 0, 0, 0, 2, 0, 0, 0, 0, 9,
				     0x00, 0x26, 0x42, 0x42, 0x03, 0, 1 };

	reset();
	bridge(0, STP_MODE_RSTP, 32768, 1);
	stp_port_enable(br[0].stp, 1, true);
	ok(stp_receive(br[0].stp, 1, f, sizeof(f)) == STP_BPDU_ERR_PROTOCOL,
	   "a bad protocol id: refused");
	ok(stp_receive(br[0].stp, 1, f, 10) == STP_BPDU_ERR_RUNT,
	   "a runt: refused");
	ok(pinfo(0, 1).stats.rx_bad[STP_BPDU_ERR_PROTOCOL] == 1 &&
	   pinfo(0, 1).stats.rx_bad[STP_BPDU_ERR_RUNT] == 1 &&
	   pinfo(0, 1).stats.rx_bad_total == 2 && pinfo(0, 1).stats.rx_bpdu == 0,
	   "counted by reason, none taken");
	ok(stp_receive(br[0].stp, 9, f, sizeof(f)) == STP_BPDU_OK,
	   "an unknown port: ignored");
}

/* a link that works one way: bridge 1 does not hear bridge 0 */
static void test_dispute(void)
{
	uint8_t f[STP_FRAME_MIN];
	struct stp_bpdu b = {
		.type = STP_BPDU_RST, .version = 2,
		.flags = STP_BPDU_ROLE_DESIGNATED << STP_FLAG_ROLE_SHIFT |
			 STP_FLAG_LEARNING | STP_FLAG_FORWARDING,
		.root_id = 0x8000020000000099ULL,
		.bridge_id = 0x8000020000000099ULL, .port_id = 0x8001,
		.max_age = 6, .hello_time = 1, .forward_delay = 4,
	};

	reset();
	bridge(0, STP_MODE_RSTP, 4096, 1);
	stp_port_enable(br[0].stp, 1, true);
	step(12);
	ok(pinfo(0, 1).state == STP_STATE_FORWARDING, "a lone port forwards");
	stp_bpdu_build(&b, (uint8_t[]){ 2, 0, 0, 0, 0, 0x99 }, f);
	stp_receive(br[0].stp, 1, f, sizeof(f));
	ok(pinfo(0, 1).role == STP_ROLE_DESIGNATED &&
	   pinfo(0, 1).state == STP_STATE_DISCARDING,
	   "an inferior designated port that forwards: disputed, discarding");
	b.flags = STP_BPDU_ROLE_DESIGNATED << STP_FLAG_ROLE_SHIFT;
	stp_bpdu_build(&b, (uint8_t[]){ 2, 0, 0, 0, 0, 0x99 }, f);
	stp_receive(br[0].stp, 1, f, sizeof(f));
	step(10);
	ok(pinfo(0, 1).state == STP_STATE_FORWARDING,
	   "the dispute over (it discards now): forwarding again");
}

static void test_edge(void)
{
	struct stp_port_config pc = {
		.priority = 128, .admin_edge = true,
	};

	reset();
	bridge(0, STP_MODE_RSTP, 32768, 2);
	stp_port_set_config(br[0].stp, 1, &pc);
	stp_port_enable(br[0].stp, 1, true);
	stp_port_enable(br[0].stp, 2, true);
	ok(is(0, 1, STP_ROLE_DESIGNATED, STP_STATE_FORWARDING) &&
	   pinfo(0, 1).oper_edge, "admin edge port: forwarding at once");
	ok(br[0].flushes[2] == 0, "an edge port makes no topology change");
	ok(pinfo(0, 2).state == STP_STATE_DISCARDING, "the other waits");
	step(4);
	ok(pinfo(0, 2).oper_edge &&
	   pinfo(0, 2).state == STP_STATE_FORWARDING,
	   "no BPDU for 3 s: auto edge, forwarding");
	pc.priority = 7;
	ok(stp_port_set_config(br[0].stp, 1, &pc) == -EINVAL,
	   "port priority 7 refused");
}

int main(void)
{
	plan_no_plan();
	test_config();
	test_two();
	test_triangle();
	test_stp_neighbour();
	test_self_loop();
	test_age();
	test_bad();
	test_dispute();
	test_edge();
	reset();
	return exit_status();
}
