// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stp.c - RSTP (802.1D-2004 clause 17) with 802.1D STP compatibility: the
 * protocol, with no I/O (see stp.h).
 *
 * The standard's state machines, each as one function run to a fixed point
 * after every event (stp_run()):
 *  - port information (rcv_info(), aging in stp_run()): what each port
 *    heard, as a priority vector and times, superior/repeated/inferior;
 *  - role selection (select_roles()): the root priority vector, the root
 *    port, each port's designated priority vector and role;
 *  - role and state transitions (prt_run()): discarding, learning and
 *    forwarding, proposal/agreement (sync, reRoot) for the rapid ones;
 *  - topology change (tcm_run()): a non-edge port that goes forwarding
 *    starts a topology change, which flushes the learned addresses of the
 *    bridge's other ports and is signalled with the TC flag (RSTP) or TCN
 *    BPDUs and TC/TCA flags (802.1D neighbours); learned entries are
 *    flushed, not aged faster, as RSTP does;
 *  - protocol migration (ppm_run()): a port that hears 802.1D BPDUs sends
 *    802.1D BPDUs on that port (after MigrateTime), and goes back to RST
 *    BPDUs when it hears one;
 *  - transmission (ptx_run()): at most STP_TX_HOLD_COUNT BPDUs a second.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/stp.h"

enum info_is { INFO_DISABLED = 0, INFO_MINE, INFO_AGED, INFO_RECEIVED };

/* a priority vector: root, root path cost, bridge, port, receiving port */
struct vec {
	uint64_t root;
	uint32_t cost;
	uint64_t bridge;
	uint16_t port;
	uint16_t rx;
};

struct times {
	unsigned int msg_age, max_age, hello, fwd_delay;
};

struct stp_port {
	unsigned int no;
	uint8_t mac[ETHER_ADDR_LEN];
	struct stp_port_config cfg;
	uint16_t id;
	bool enabled;
	enum info_is info;
	struct vec port_vec, desig_vec;
	struct times port_times, desig_times;
	enum stp_role role;
	enum stp_state state;
	bool learn, forward;
	bool send_rstp, rcvd_stp, rcvd_rstp;
	bool oper_edge;
	bool proposing, proposed, agree, agreed, sync, re_root, disputed;
	bool new_info, tc_ack, rcvd_tc, rcvd_tcn, rcvd_tca, tc_prop;
	bool tc_active;		/* the TC machine is ACTIVE */
	bool changed;		/* role or state, for ops->changed */
	unsigned int fd_while, rr_while, rb_while, tc_while, hello_when;
	unsigned int mdelay_while, rcvd_info_while, edge_delay_while;
	unsigned int tx_count;
	struct stp_port_stats stats;
};

struct stp {
	struct stp_config cfg;
	uint64_t bridge_id;
	struct vec root_vec;
	struct times root_times;
	struct stp_port *root_port;
	struct stp_port *ports[STP_PORT_MAX + 1];	/* by number */
	struct stp_port *list[STP_PORT_MAX];		/* dense */
	unsigned int n;
	const struct stp_ops *ops;
	void *arg;
	uint64_t last_tick_ms, now_ms;
	uint64_t tc_count, tc_last_ms;
	bool tc_active;
	bool tc_counted;	/* this run counted a topology change */
	bool reselect;
	bool running;
};

#define for_each_port(stp, p, i) \
	for ((i) = 0; (i) < (stp)->n && ((p) = (stp)->list[i]); (i)++)

static uint64_t mac48(uint64_t id)
{
	return id & 0xffffffffffffULL;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* the first four components (802.1D-2004 17.6); < 0: @a is better */
static int vec_cmp4(const struct vec *a, const struct vec *b)
{
	int c;

	if ((c = cmp_u64(a->root, b->root)) ||
	    (c = cmp_u64(a->cost, b->cost)) ||
	    (c = cmp_u64(a->bridge, b->bridge)))
		return c;
	return cmp_u64(a->port, b->port);
}

static int vec_cmp5(const struct vec *a, const struct vec *b)
{
	int c = vec_cmp4(a, b);

	return c ? c : cmp_u64(a->rx, b->rx);
}

/* sent by the same bridge (MAC) and port (number) */
static bool vec_same_sender(const struct vec *a, const struct vec *b)
{
	return mac48(a->bridge) == mac48(b->bridge) &&
	       (a->port & 0xfff) == (b->port & 0xfff);
}

static bool times_eq(const struct times *a, const struct times *b)
{
	return a->msg_age == b->msg_age && a->max_age == b->max_age &&
	       a->hello == b->hello && a->fwd_delay == b->fwd_delay;
}

static bool rstp_version(const struct stp *stp)
{
	return stp->cfg.mode == STP_MODE_RSTP;
}

static unsigned int fwd_delay(const struct stp *stp)
{
	return stp->root_times.fwd_delay;
}

static uint32_t port_cost(const struct stp_port *p)
{
	return p->cfg.cost ? p->cfg.cost : STP_DEFAULT_PATH_COST;
}

/* --- names, configuration */

const char *stp_mode_name(enum stp_mode mode)
{
	switch (mode) {
	case STP_MODE_STP:
		return "stp";
	case STP_MODE_RSTP:
		return "rstp";
	default:
		return "off";
	}
}

int stp_mode_parse(const char *name)
{
	if (!strcmp(name, "off"))
		return STP_MODE_OFF;
	if (!strcmp(name, "stp"))
		return STP_MODE_STP;
	if (!strcmp(name, "rstp"))
		return STP_MODE_RSTP;
	return -EINVAL;
}

const char *stp_role_name(enum stp_role role)
{
	static const char *const names[] = {
		[STP_ROLE_DISABLED] = "disabled",
		[STP_ROLE_ROOT] = "root",
		[STP_ROLE_DESIGNATED] = "designated",
		[STP_ROLE_ALTERNATE] = "alternate",
		[STP_ROLE_BACKUP] = "backup",
	};

	return (unsigned int)role < ARRAY_SIZE(names) ? names[role] : "?";
}

const char *stp_state_name(enum stp_state state)
{
	static const char *const names[] = {
		[STP_STATE_DISABLED] = "disabled",
		[STP_STATE_DISCARDING] = "discarding",
		[STP_STATE_LEARNING] = "learning",
		[STP_STATE_FORWARDING] = "forwarding",
	};

	return (unsigned int)state < ARRAY_SIZE(names) ? names[state] : "?";
}

char *stp_id_format(uint64_t id, char *buf)
{
	snprintf(buf, 18, "%04x.%012llx", (unsigned int)(id >> 48),
		 (unsigned long long)mac48(id));
	return buf;
}

void stp_config_default(struct stp_config *cfg, enum stp_mode mode)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = mode;
	cfg->priority = STP_DEFAULT_PRIORITY;
	cfg->hello = STP_DEFAULT_HELLO;
	cfg->max_age = STP_DEFAULT_MAX_AGE;
	cfg->fwd_delay = STP_DEFAULT_FWD_DELAY;
}

int stp_config_check(const struct stp_config *cfg, char *why, size_t whylen)
{
	if (cfg->priority > 61440 || cfg->priority % 4096) {
		snprintf(why, whylen, "bridge priority must be a multiple of 4096 from 0 to 61440");
		return -EINVAL;
	}
	if (cfg->hello < 1 || cfg->hello > 10) {
		snprintf(why, whylen, "hello time must be from 1 to 10 s");
		return -EINVAL;
	}
	if (cfg->max_age < 6 || cfg->max_age > 40) {
		snprintf(why, whylen, "max age must be from 6 to 40 s");
		return -EINVAL;
	}
	if (cfg->fwd_delay < 2 || cfg->fwd_delay > 30) {
		snprintf(why, whylen, "forward delay must be from 2 to 30 s");
		return -EINVAL;
	}
	/* 802.1D-2004 17.14: the relations between the timers */
	if (cfg->max_age > 2 * (cfg->fwd_delay - 1) ||
	    cfg->max_age < 2 * (cfg->hello + 1)) {
		snprintf(why, whylen, "timers must satisfy 2 x (forward delay - 1) >= max age >= 2 x (hello + 1)");
		return -EINVAL;
	}
	return 0;
}

/* --- state */

static void port_set_fwd(struct stp *stp, struct stp_port *p, bool learn,
			 bool forward)
{
	enum stp_state st;

	p->learn = learn;
	p->forward = forward;
	st = !p->enabled ? STP_STATE_DISABLED : forward ? STP_STATE_FORWARDING :
	     learn ? STP_STATE_LEARNING : STP_STATE_DISCARDING;
	if (st == p->state)
		return;
	p->state = st;
	p->changed = true;
	if (st == STP_STATE_FORWARDING)
		p->stats.fwd_transitions++;
	stp->ops->set_state(stp->arg, p->no, st);
}

static bool port_synced(const struct stp_port *p)
{
	if (p->role != STP_ROLE_DESIGNATED)
		return true;
	return (!p->learn && !p->forward) || p->agreed || p->oper_edge;
}

/* every enabled port but @self is synced (the root port counts as one) */
static bool all_synced(const struct stp *stp, const struct stp_port *self)
{
	struct stp_port *p;
	unsigned int i;

	for_each_port(stp, p, i)
		if (p != self && p->enabled && !port_synced(p))
			return false;
	return true;
}

static bool re_rooted(const struct stp *stp, const struct stp_port *self)
{
	struct stp_port *p;
	unsigned int i;

	for_each_port(stp, p, i)
		if (p != self && p->rr_while)
			return false;
	return true;
}

static void set_sync_tree(struct stp *stp)
{
	struct stp_port *p;
	unsigned int i;

	for_each_port(stp, p, i)
		p->sync = true;
}

static void set_reroot_tree(struct stp *stp)
{
	struct stp_port *p;
	unsigned int i;

	for_each_port(stp, p, i)
		p->re_root = true;
}

static void set_tc_prop_tree(struct stp *stp, struct stp_port *self)
{
	struct stp_port *p;
	unsigned int i;

	for_each_port(stp, p, i)
		if (p != self)
			p->tc_prop = true;
}

/* a topology change seen here: detected, or told by an 802.1D TCN */
static void count_tc(struct stp *stp)
{
	stp->tc_count++;
	stp->tc_last_ms = stp->now_ms ? stp->now_ms : 1;
	stp->tc_counted = true;
}

static void new_tc_while(struct stp *stp, struct stp_port *p)
{
	if (!p->tc_while)
		p->tc_while = p->send_rstp ? stp->cfg.hello + 1 :
			      stp->root_times.max_age + fwd_delay(stp);
	p->new_info = true;
}

/* --- port information: what a BPDU says (17.21.8 rcvInfo and after) */

static void updt_rcvd_info_while(struct stp_port *p)
{
	p->rcvd_info_while = p->port_times.msg_age + 1 <= p->port_times.max_age ?
			     3 * p->port_times.hello : 0;
}

static void rcv_info(struct stp *stp, struct stp_port *p,
		     const struct stp_bpdu *b)
{
	struct vec m = {
		.root = b->root_id, .cost = b->root_path_cost,
		.bridge = b->bridge_id, .port = b->port_id, .rx = p->id,
	};
	struct times t = {
		.msg_age = b->message_age, .max_age = b->max_age,
		.hello = b->hello_time, .fwd_delay = b->forward_delay,
	};
	bool rst = b->type == STP_BPDU_RST;
	unsigned int role = rst ? (b->flags & STP_FLAG_ROLE_MASK) >>
				  STP_FLAG_ROLE_SHIFT :
			    STP_BPDU_ROLE_DESIGNATED;
	bool proposal = rst && rstp_version(stp) &&
			(b->flags & STP_FLAG_PROPOSAL);
	int c = vec_cmp4(&m, &p->port_vec);
	bool same;

	if (role == STP_BPDU_ROLE_DESIGNATED) {
		same = p->info == INFO_RECEIVED &&
		       vec_same_sender(&m, &p->port_vec);
		if (c < 0 || (same && (c || !times_eq(&t, &p->port_times)))) {
			/* superior designated */
			p->agree = p->agree && p->info == INFO_RECEIVED && c <= 0;
			p->agreed = p->proposing = false;
			p->proposed = proposal;
			p->port_vec = m;
			p->port_times = t;
			p->info = INFO_RECEIVED;
			updt_rcvd_info_while(p);
			stp->reselect = true;
		} else if (!c && same) {
			/* repeated designated */
			p->proposed = p->proposed || proposal;
			updt_rcvd_info_while(p);
		} else if (rst && (b->flags & STP_FLAG_LEARNING) &&
			   p->info == INFO_MINE) {
			/*
			 * inferior designated, learning (17.21.10
			 * recordDispute): the other end does not hear us, so
			 * this port must not forward onto it
			 */
			p->disputed = true;
			p->agreed = false;
		}
	} else if (c >= 0 && role != STP_BPDU_ROLE_UNKNOWN) {
		/* inferior root/alternate/backup: record agreement */
		if (rst && rstp_version(stp) &&
		    (b->flags & STP_FLAG_AGREEMENT)) {
			p->agreed = true;
			p->proposing = false;
		} else {
			p->agreed = false;
		}
	}
	if (b->flags & STP_FLAG_TC)
		p->rcvd_tc = true;
	if (!rst && (b->flags & STP_FLAG_TCA))
		p->rcvd_tca = true;
}

/* --- role selection (17.21.25 updtRolesTree, setSelectedTree) */

static void set_role(struct stp *stp, struct stp_port *p, enum stp_role r)
{
	p->role = r;
	p->changed = true;
	p->disputed = false;
	switch (r) {
	case STP_ROLE_DISABLED:
	case STP_ROLE_ALTERNATE:
	case STP_ROLE_BACKUP:
		port_set_fwd(stp, p, false, false);
		p->fd_while = r == STP_ROLE_DISABLED ? stp->root_times.max_age :
			      fwd_delay(stp);
		p->rr_while = 0;
		p->sync = p->re_root = false;
		if (r == STP_ROLE_BACKUP)
			p->rb_while = 2 * stp->cfg.hello;
		break;
	case STP_ROLE_ROOT:
		p->rr_while = fwd_delay(stp);
		break;
	case STP_ROLE_DESIGNATED:
		break;
	}
}

static void select_roles(struct stp *stp)
{
	struct vec best = {
		.root = stp->bridge_id, .bridge = stp->bridge_id,
	};
	struct stp_port *p, *rp = NULL;
	enum stp_role r;
	unsigned int i;
	bool updt;

	for_each_port(stp, p, i) {
		struct vec v = p->port_vec;

		if (!p->enabled || p->info != INFO_RECEIVED ||
		    mac48(v.bridge) == mac48(stp->bridge_id))
			continue;
		v.cost = v.cost + port_cost(p) < v.cost ? UINT32_MAX :
			 v.cost + port_cost(p);
		v.rx = p->id;
		if (vec_cmp5(&v, &best) < 0) {
			best = v;
			rp = p;
		}
	}
	stp->root_vec = best;
	stp->root_port = rp;
	if (rp) {
		stp->root_times = rp->port_times;
		stp->root_times.msg_age++;
	} else {
		stp->root_times = (struct times){
			.max_age = stp->cfg.max_age, .hello = stp->cfg.hello,
			.fwd_delay = stp->cfg.fwd_delay,
		};
	}
	for_each_port(stp, p, i) {
		p->desig_vec = (struct vec){
			.root = best.root, .cost = best.cost,
			.bridge = stp->bridge_id, .port = p->id, .rx = p->id,
		};
		p->desig_times = stp->root_times;
		p->desig_times.hello = stp->cfg.hello;
		updt = false;
		switch (p->info) {
		case INFO_DISABLED:
			r = STP_ROLE_DISABLED;
			break;
		case INFO_AGED:
			r = STP_ROLE_DESIGNATED;
			updt = true;
			break;
		case INFO_MINE:
			r = STP_ROLE_DESIGNATED;
			updt = vec_cmp4(&p->port_vec, &p->desig_vec) ||
			       !times_eq(&p->port_times, &p->desig_times);
			break;
		default:
			if (p == rp) {
				r = STP_ROLE_ROOT;
			} else if (vec_cmp4(&p->desig_vec, &p->port_vec) < 0) {
				r = STP_ROLE_DESIGNATED;
				updt = true;
			} else if (mac48(p->port_vec.bridge) ==
				   mac48(stp->bridge_id)) {
				r = STP_ROLE_BACKUP;
			} else {
				r = STP_ROLE_ALTERNATE;
			}
			break;
		}
		if (updt) {
			p->proposing = p->proposed = false;
			p->agreed = p->agreed && p->info == INFO_MINE &&
				    vec_cmp4(&p->desig_vec, &p->port_vec) <= 0;
			p->port_vec = p->desig_vec;
			p->port_times = p->desig_times;
			p->info = INFO_MINE;
			p->new_info = true;
		}
		if (r != p->role)
			set_role(stp, p, r);
	}
}

/* --- role transitions and port states (17.29, 17.24) */

/*
 * a root, alternate or backup port: a proposal syncs the other ports
 * (ROOT_PROPOSED, ALTERNATE_PROPOSED); once they are, agree (_AGREED)
 */
static bool prt_agree(struct stp *stp, struct stp_port *p)
{
	bool ch = false;

	if (p->proposed && !p->agree) {
		set_sync_tree(stp);
		p->proposed = false;
		ch = true;
	}
	if ((all_synced(stp, p) && !p->agree) || (p->proposed && p->agree)) {
		p->proposed = false;
		p->agree = true;
		p->new_info = true;
		ch = true;
	}
	return ch;
}

static bool prt_run(struct stp *stp, struct stp_port *p)
{
	unsigned int fd = fwd_delay(stp);
	bool ch = false, synced, rapid;

	if (!p->enabled)
		return false;
	switch (p->role) {
	case STP_ROLE_ROOT:
		ch = prt_agree(stp, p);
		p->sync = false;
		if (!p->forward && !p->re_root) {
			set_reroot_tree(stp);
			ch = true;
		}
		p->rr_while = fd;
		if (p->re_root && p->forward) {
			p->re_root = false;
			ch = true;
		}
		rapid = re_rooted(stp, p) && !p->rb_while && rstp_version(stp);
		if ((!p->fd_while || rapid) && !p->learn) {
			port_set_fwd(stp, p, true, false);
			p->fd_while = fd;
			ch = true;
		}
		if ((!p->fd_while || rapid) && p->learn && !p->forward) {
			port_set_fwd(stp, p, true, true);
			p->fd_while = 0;
			ch = true;
		}
		break;
	case STP_ROLE_DESIGNATED:
		if (!p->forward && !p->agreed && !p->proposing &&
		    !p->oper_edge) {
			p->proposing = true;
			p->edge_delay_while = STP_MIGRATE_TIME;
			p->new_info = true;
			ch = true;
		}
		synced = port_synced(p);
		if (synced && (p->sync || p->rr_while)) {
			p->rr_while = 0;
			p->sync = false;
			ch = true;
		}
		if (!p->rr_while && p->re_root) {
			p->re_root = false;
			ch = true;
		}
		if (((p->sync && !synced) || (p->re_root && p->rr_while) ||
		     p->disputed) && !p->oper_edge) {
			/* DESIGNATED_DISCARD (a dispute restarts fdWhile) */
			if (p->learn || p->forward || p->disputed) {
				port_set_fwd(stp, p, false, false);
				p->fd_while = fd;
				p->disputed = false;
				ch = true;
			}
		} else if ((!p->fd_while || p->agreed || p->oper_edge) &&
			   (!p->rr_while || !p->re_root) && !p->sync) {
			if (!p->learn) {
				port_set_fwd(stp, p, true, false);
				p->fd_while = fd;
				ch = true;
			} else if (!p->forward) {
				port_set_fwd(stp, p, true, true);
				p->fd_while = 0;
				p->agreed = p->send_rstp;
				ch = true;
			}
		}
		break;
	case STP_ROLE_ALTERNATE:
	case STP_ROLE_BACKUP:
		ch = prt_agree(stp, p);
		p->fd_while = fd;
		p->rr_while = 0;
		p->sync = p->re_root = false;
		if (p->role == STP_ROLE_BACKUP)
			p->rb_while = 2 * stp->cfg.hello;
		break;
	case STP_ROLE_DISABLED:
		break;
	}
	return ch;
}

/* --- topology change (17.25) */

static bool tcm_run(struct stp *stp, struct stp_port *p)
{
	bool active = p->role == STP_ROLE_ROOT ||
		      p->role == STP_ROLE_DESIGNATED;
	bool ch = false;

	if (!p->enabled || !active || !p->forward || p->oper_edge) {
		/* INACTIVE, LEARNING: nothing signalled, nothing heard */
		p->rcvd_tc = p->rcvd_tcn = p->rcvd_tca = p->tc_prop = false;
		if (!active && !p->learn && p->tc_active) {
			/* INACTIVE: what it learned is stale */
			stp->ops->flush(stp->arg, p->no);
			p->tc_while = 0;
			p->tc_ack = false;
		}
		if (p->tc_active)
			ch = true;
		p->tc_active = false;
		return ch;
	}
	if (!p->tc_active) {
		/* DETECTED: a non-edge port went forwarding */
		p->tc_active = true;
		count_tc(stp);
		new_tc_while(stp, p);
		set_tc_prop_tree(stp, p);
		p->tc_prop = false;
		ch = true;
	}
	if (p->rcvd_tcn) {
		count_tc(stp);
		new_tc_while(stp, p);	/* NOTIFIED_TCN */
	}
	if (p->rcvd_tc || p->rcvd_tcn) {
		/* NOTIFIED_TC */
		p->rcvd_tc = p->rcvd_tcn = false;
		if (p->role == STP_ROLE_DESIGNATED) {
			p->tc_ack = true;
			p->new_info = true;
		}
		set_tc_prop_tree(stp, p);
		ch = true;
	}
	if (p->tc_prop) {
		/* PROPAGATING */
		new_tc_while(stp, p);
		stp->ops->flush(stp->arg, p->no);
		p->tc_prop = false;
		ch = true;
	}
	if (p->rcvd_tca) {
		/* ACKNOWLEDGED */
		p->tc_while = 0;
		p->rcvd_tca = false;
		ch = true;
	}
	return ch;
}

/* --- protocol migration (17.26) and bridge detection (17.25) */

static bool ppm_run(struct stp *stp, struct stp_port *p)
{
	bool ch = false;

	if (!p->enabled)
		return false;
	if (!p->mdelay_while) {
		if (p->send_rstp && p->rcvd_stp) {
			p->send_rstp = false;
			p->mdelay_while = STP_MIGRATE_TIME;
			p->new_info = true;
			p->changed = ch = true;
		} else if (!p->send_rstp && p->rcvd_rstp &&
			   rstp_version(stp)) {
			p->send_rstp = true;
			p->mdelay_while = STP_MIGRATE_TIME;
			p->new_info = true;
			p->changed = ch = true;
		}
		p->rcvd_stp = p->rcvd_rstp = false;
	}
	if (!p->oper_edge && p->cfg.auto_edge && p->send_rstp &&
	    p->proposing && !p->edge_delay_while &&
	    p->role == STP_ROLE_DESIGNATED) {
		p->oper_edge = true;
		p->changed = ch = true;
	}
	return ch;
}

/* --- transmission (17.26, 17.21.19-21) */

static void ptx_run(struct stp *stp, struct stp_port *p)
{
	struct stp_bpdu b = { 0 };
	uint8_t frame[STP_FRAME_MIN];
	size_t len;

	if (!p->enabled || !p->new_info || p->tx_count >= STP_TX_HOLD_COUNT)
		return;
	b.root_id = p->desig_vec.root;
	b.root_path_cost = p->desig_vec.cost;
	b.bridge_id = p->desig_vec.bridge;
	b.port_id = p->desig_vec.port;
	b.message_age = (uint16_t)p->desig_times.msg_age;
	b.max_age = (uint16_t)p->desig_times.max_age;
	b.hello_time = (uint16_t)p->desig_times.hello;
	b.forward_delay = (uint16_t)p->desig_times.fwd_delay;
	if (p->send_rstp) {
		unsigned int role = p->role == STP_ROLE_ROOT ?
				    STP_BPDU_ROLE_ROOT :
				    p->role == STP_ROLE_DESIGNATED ?
				    STP_BPDU_ROLE_DESIGNATED :
				    STP_BPDU_ROLE_ALT_BACKUP;

		if (p->role == STP_ROLE_DISABLED)
			goto done;
		b.type = STP_BPDU_RST;
		b.version = 2;
		b.flags = (uint8_t)(role << STP_FLAG_ROLE_SHIFT);
		if (p->proposing && p->role == STP_ROLE_DESIGNATED)
			b.flags |= STP_FLAG_PROPOSAL;
		if (p->agree)
			b.flags |= STP_FLAG_AGREEMENT;
		if (p->learn)
			b.flags |= STP_FLAG_LEARNING;
		if (p->forward)
			b.flags |= STP_FLAG_FORWARDING;
		if (p->tc_while)
			b.flags |= STP_FLAG_TC;
	} else if (p->role == STP_ROLE_DESIGNATED) {
		b.type = STP_BPDU_CONFIG;
		if (p->tc_while)
			b.flags |= STP_FLAG_TC;
		if (p->tc_ack)
			b.flags |= STP_FLAG_TCA;
	} else if (p->role == STP_ROLE_ROOT && p->tc_while) {
		b.type = STP_BPDU_TCN;
	} else {
		goto done;
	}
	len = stp_bpdu_build(&b, p->mac, frame);
	p->tc_ack = false;
	p->tx_count++;
	p->stats.tx_bpdu++;
	stp->ops->send(stp->arg, p->no, frame, len);
done:
	p->new_info = false;
}

/* --- the fixed point */

static void stp_run(struct stp *stp)
{
	struct stp_port *p;
	unsigned int i, iter;
	bool ch, tc = false;

	if (stp->running)
		return;
	stp->running = true;
	stp->tc_counted = false;
	for (iter = 0; iter < 32; iter++) {
		ch = false;
		for_each_port(stp, p, i) {
			if (p->enabled && p->info == INFO_RECEIVED &&
			    !p->rcvd_info_while) {
				p->info = INFO_AGED;
				stp->reselect = true;
			}
		}
		if (stp->reselect) {
			stp->reselect = false;
			select_roles(stp);
			ch = true;
		}
		for_each_port(stp, p, i) {
			ch |= ppm_run(stp, p);
			ch |= prt_run(stp, p);
			ch |= tcm_run(stp, p);
		}
		if (!ch)
			break;
	}
	for_each_port(stp, p, i) {
		ptx_run(stp, p);
		tc |= p->tc_while != 0;
	}
	/* one heard of (a TC flag) counts when none was going on */
	if (tc && !stp->tc_active && !stp->tc_counted)
		count_tc(stp);
	stp->tc_active = tc;
	for_each_port(stp, p, i) {
		if (p->changed) {
			p->changed = false;
			if (stp->ops->changed)
				stp->ops->changed(stp->arg, p->no);
		}
	}
	stp->running = false;
}

/* --- the API */

static void stp_update_ids(struct stp *stp)
{
	uint64_t mac = 0;
	unsigned int i;

	for (i = 0; i < ETHER_ADDR_LEN; i++)
		mac = mac << 8 | stp->cfg.mac[i];
	stp->bridge_id = (uint64_t)stp->cfg.priority << 48 | mac;
}

struct stp *stp_new(const struct stp_config *cfg, const struct stp_ops *ops,
		    void *arg, uint64_t now_ms)
{
	struct stp *stp = calloc(1, sizeof(*stp));

	if (!stp)
		return NULL;
	stp->cfg = *cfg;
	stp->ops = ops;
	stp->arg = arg;
	stp->now_ms = stp->last_tick_ms = now_ms;
	stp_update_ids(stp);
	stp->reselect = true;
	stp_run(stp);
	return stp;
}

void stp_free(struct stp *stp)
{
	unsigned int i;

	if (!stp)
		return;
	for (i = 0; i < stp->n; i++)
		free(stp->list[i]);
	free(stp);
}

void stp_set_config(struct stp *stp, const struct stp_config *cfg)
{
	struct stp_port *p;
	unsigned int i;
	bool new_mode = cfg->mode != stp->cfg.mode;

	stp->cfg = *cfg;
	stp_update_ids(stp);
	for_each_port(stp, p, i) {
		if (new_mode) {
			/* as a port that starts (mcheck, 17.19.13) */
			p->send_rstp = rstp_version(stp);
			p->mdelay_while = STP_MIGRATE_TIME;
			p->rcvd_stp = p->rcvd_rstp = false;
			p->new_info = true;
		}
		if (p->info == INFO_RECEIVED &&
		    mac48(p->port_vec.bridge) == mac48(stp->bridge_id))
			p->info = INFO_AGED;	/* our own, under an old id */
	}
	stp->reselect = true;
	stp_run(stp);
}

static struct stp_port *stp_port_get(const struct stp *stp,
				     unsigned int port_no)
{
	return port_no && port_no <= STP_PORT_MAX ? stp->ports[port_no] : NULL;
}

static int port_config_ok(const struct stp_port_config *cfg)
{
	return cfg->priority <= 240 && !(cfg->priority % 16) &&
	       cfg->cost <= STP_PATH_COST_MAX;
}

int stp_port_add(struct stp *stp, unsigned int port_no,
		 const uint8_t mac[ETHER_ADDR_LEN],
		 const struct stp_port_config *cfg)
{
	struct stp_port *p;

	if (!port_no || port_no > STP_PORT_MAX)
		return -EINVAL;
	if (stp->ports[port_no])
		return -EEXIST;
	if (cfg && !port_config_ok(cfg))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->no = port_no;
	memcpy(p->mac, mac, ETHER_ADDR_LEN);
	if (cfg) {
		p->cfg = *cfg;
	} else {
		p->cfg.priority = STP_DEFAULT_PORT_PRIORITY;
		p->cfg.auto_edge = true;
	}
	p->id = (uint16_t)((p->cfg.priority & 0xf0) << 8 | (port_no & 0xfff));
	p->role = STP_ROLE_DISABLED;
	p->state = STP_STATE_DISABLED;
	p->send_rstp = rstp_version(stp);
	stp->ports[port_no] = p;
	stp->list[stp->n++] = p;
	stp->ops->set_state(stp->arg, port_no, STP_STATE_DISABLED);
	return 0;
}

void stp_port_del(struct stp *stp, unsigned int port_no)
{
	struct stp_port *p = stp_port_get(stp, port_no);
	unsigned int i;

	if (!p)
		return;
	for (i = 0; i < stp->n; i++) {
		if (stp->list[i] == p) {
			memmove(&stp->list[i], &stp->list[i + 1],
				(stp->n - i - 1) * sizeof(stp->list[0]));
			stp->n--;
			break;
		}
	}
	stp->ports[port_no] = NULL;
	if (stp->root_port == p)
		stp->root_port = NULL;
	free(p);
	stp->reselect = true;
	stp_run(stp);
}

void stp_port_enable(struct stp *stp, unsigned int port_no, bool up)
{
	struct stp_port *p = stp_port_get(stp, port_no);

	if (!p || p->enabled == up)
		return;
	p->enabled = up;
	p->changed = true;
	p->proposing = p->proposed = p->agree = p->agreed = false;
	p->sync = p->re_root = p->tc_prop = p->tc_ack = false;
	p->rcvd_tc = p->rcvd_tcn = p->rcvd_tca = false;
	p->rcvd_stp = p->rcvd_rstp = false;
	p->tc_while = p->rr_while = p->rb_while = p->hello_when = 0;
	p->tc_active = false;
	if (up) {
		p->info = INFO_AGED;
		p->send_rstp = rstp_version(stp);
		p->mdelay_while = STP_MIGRATE_TIME;
		p->edge_delay_while = STP_MIGRATE_TIME;
		p->oper_edge = p->cfg.admin_edge;
		p->fd_while = fwd_delay(stp);
		p->role = STP_ROLE_DISABLED;
		port_set_fwd(stp, p, false, false);
	} else {
		p->info = INFO_DISABLED;
		p->oper_edge = false;
		port_set_fwd(stp, p, false, false);
		stp->ops->flush(stp->arg, p->no);
	}
	stp->reselect = true;
	stp_run(stp);
}

int stp_port_set_config(struct stp *stp, unsigned int port_no,
			const struct stp_port_config *cfg)
{
	struct stp_port *p = stp_port_get(stp, port_no);

	if (!p)
		return -ENOENT;
	if (!port_config_ok(cfg))
		return -EINVAL;
	p->cfg = *cfg;
	p->id = (uint16_t)((cfg->priority & 0xf0) << 8 | (port_no & 0xfff));
	if (p->enabled && !p->oper_edge && cfg->admin_edge &&
	    p->role == STP_ROLE_DESIGNATED)
		p->oper_edge = true;
	if (!cfg->admin_edge && !cfg->auto_edge)
		p->oper_edge = false;
	p->changed = true;
	stp->reselect = true;
	stp_run(stp);
	return 0;
}

enum stp_bpdu_error stp_receive(struct stp *stp, unsigned int port_no,
				const uint8_t *frame, size_t len)
{
	struct stp_port *p = stp_port_get(stp, port_no);
	enum stp_bpdu_error e;
	struct stp_bpdu b;

	if (!p)
		return STP_BPDU_OK;
	e = stp_bpdu_parse(frame, len, &b);
	if (e != STP_BPDU_OK) {
		p->stats.rx_bad[e]++;
		p->stats.rx_bad_total++;
		return e;
	}
	p->stats.rx_bpdu++;
	if (!p->enabled)
		return STP_BPDU_OK;
	switch (b.type) {
	case STP_BPDU_RST:
		p->stats.rx_rst++;
		p->rcvd_rstp = true;
		break;
	case STP_BPDU_CONFIG:
		p->stats.rx_config++;
		p->rcvd_stp = true;
		break;
	case STP_BPDU_TCN:
		p->stats.rx_tcn++;
		p->rcvd_stp = true;
		break;
	}
	/* a BPDU: a bridge is there, the port is no edge */
	if (p->oper_edge)
		p->changed = true;
	p->oper_edge = false;
	p->edge_delay_while = STP_MIGRATE_TIME;
	if (b.type == STP_BPDU_TCN) {
		if (p->role == STP_ROLE_DESIGNATED)
			p->rcvd_tcn = true;
	} else {
		rcv_info(stp, p, &b);
	}
	stp_run(stp);
	return STP_BPDU_OK;
}

static void dec(unsigned int *t)
{
	if (*t)
		(*t)--;
}

void stp_tick(struct stp *stp, uint64_t now_ms)
{
	struct stp_port *p;
	unsigned int i, n;

	stp->now_ms = now_ms;
	if (now_ms < stp->last_tick_ms + 1000)
		return;
	n = (unsigned int)MIN((now_ms - stp->last_tick_ms) / 1000, 60);
	stp->last_tick_ms = now_ms - (now_ms - stp->last_tick_ms) % 1000;
	while (n--) {
		for_each_port(stp, p, i) {
			if (!p->enabled)
				continue;
			dec(&p->fd_while);
			dec(&p->rr_while);
			dec(&p->rb_while);
			dec(&p->tc_while);
			dec(&p->mdelay_while);
			dec(&p->rcvd_info_while);
			dec(&p->edge_delay_while);
			dec(&p->tx_count);
			dec(&p->hello_when);
			if (!p->hello_when) {
				/* TRANSMIT_PERIODIC */
				p->hello_when = stp->cfg.hello;
				if (p->role == STP_ROLE_DESIGNATED ||
				    (p->role == STP_ROLE_ROOT && p->tc_while))
					p->new_info = true;
			}
		}
		stp_run(stp);
	}
}

void stp_get_info(const struct stp *stp, struct stp_info *info)
{
	info->bridge_id = stp->bridge_id;
	info->root_id = stp->root_vec.root;
	info->root_path_cost = stp->root_vec.cost;
	info->root_port = stp->root_port ? stp->root_port->no : 0;
	info->max_age = stp->root_times.max_age;
	info->hello = stp->root_times.hello;
	info->fwd_delay = stp->root_times.fwd_delay;
	info->tc_count = stp->tc_count;
	info->tc_last_ms = stp->tc_last_ms;
	info->tc_active = stp->tc_active;
	info->cfg = stp->cfg;
}

int stp_port_get_info(const struct stp *stp, unsigned int port_no,
		      struct stp_port_info *info)
{
	const struct stp_port *p = stp_port_get(stp, port_no);

	if (!p)
		return -ENOENT;
	info->role = p->role;
	info->state = p->state;
	info->oper_edge = p->oper_edge;
	info->send_rstp = p->send_rstp;
	info->port_id = p->id;
	info->path_cost = port_cost(p);
	info->designated_root = p->port_vec.root;
	info->designated_bridge = p->port_vec.bridge;
	info->designated_port = p->port_vec.port;
	info->designated_cost = p->port_vec.cost;
	info->cfg = p->cfg;
	info->stats = p->stats;
	return 0;
}

enum stp_state stp_port_state(const struct stp *stp, unsigned int port_no)
{
	const struct stp_port *p = stp_port_get(stp, port_no);

	return p ? p->state : STP_STATE_DISABLED;
}

void stp_port_clear_stats(struct stp *stp, unsigned int port_no)
{
	struct stp_port *p = stp_port_get(stp, port_no);

	if (p)
		memset(&p->stats, 0, sizeof(p->stats));
}
