// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sw_stp.c - the spanning tree protocol (stp.c) wired to the switch: its
 * ports, their forwarding flags, the FDB, the clock and the events.
 *
 * The protocol decides; this file carries it out: a BPDU to send goes out
 * through port_output() untagged with an all-zero virtio-net header, a
 * port state becomes PORT_STP_BLOCKED / PORT_STP_NO_LEARN in port.flags
 * (switch.c tests them), a flush forgets a port's learned FDB entries, a
 * role or state change is a port.stp event (port_notify()).  The timer
 * ticks once a second; BPDUs are handled as they come.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "tapsw/daemon.h"
#include "tapsw/fdb.h"
#include "tapsw/log.h"
#include "tapsw/port.h"
#include "tapsw/stp.h"
#include "tapsw/sw_stp.h"
#include "tapsw/switch.h"
#include "tapsw/vnet.h"

enum {
	SW_STP_TICK_MS = 1000,
};

struct sw_stp {
	struct sw *sw;
	struct daemon *d;
	struct stp *stp;
	uv_timer_t *timer;	/* NULL without a loop (unit tests) */
};

static struct port *sw_stp_port(struct sw_stp *s, unsigned int no)
{
	return no && no <= SW_PORT_MAX ? s->sw->ports[no - 1] : NULL;
}

static uint64_t sw_stp_now(const struct sw_stp *s)
{
	return s->d && s->d->loop ? daemon_now_ms(s->d) : s->sw->now_ms;
}

static void sw_stp_send(void *arg, unsigned int no, const uint8_t *frame,
			size_t len)
{
	uint8_t buf[PKT_HEADROOM + VNET_HDR_LEN + STP_FRAME_MIN];
	struct port *port = sw_stp_port(arg, no);
	struct pkt pkt = {
		.vnet = buf + PKT_HEADROOM,
		.eth = buf + PKT_HEADROOM + VNET_HDR_LEN,
		.len = len,
		.headroom = PKT_HEADROOM,
	};

	if (!port || len > STP_FRAME_MIN)
		return;
	memset(pkt.vnet, 0, VNET_HDR_LEN);
	memcpy(pkt.eth, frame, len);
	port_output(port, &pkt, ETHER_HDR_LEN, len);
}

static void sw_stp_set_state(void *arg, unsigned int no, enum stp_state st)
{
	struct port *port = sw_stp_port(arg, no);

	if (!port)
		return;
	port->flags &= ~(unsigned int)(PORT_STP_BLOCKED | PORT_STP_NO_LEARN);
	if (st != STP_STATE_FORWARDING)
		port->flags |= PORT_STP_BLOCKED;
	if (st != STP_STATE_FORWARDING && st != STP_STATE_LEARNING)
		port->flags |= PORT_STP_NO_LEARN;
}

static void sw_stp_flush(void *arg, unsigned int no)
{
	struct port *port = sw_stp_port(arg, no);

	if (port)
		port_flush_learned(port);
}

static void sw_stp_changed(void *arg, unsigned int no)
{
	struct sw_stp *s = arg;
	struct port *port = sw_stp_port(s, no);
	struct stp_port_info pi;
	char what[64];

	if (!port || stp_port_get_info(s->stp, no, &pi))
		return;
	snprintf(what, sizeof(what), "%s %s%s", stp_role_name(pi.role),
		 stp_state_name(pi.state), pi.oper_edge ? " edge" : "");
	debug("port %s: stp %s", port->name, what);
	port_notify(port, PORT_EV_STP, what);
}

static const struct stp_ops sw_stp_ops = {
	.send = sw_stp_send,
	.set_state = sw_stp_set_state,
	.flush = sw_stp_flush,
	.changed = sw_stp_changed,
};

static void sw_stp_on_tick(uv_timer_t *t)
{
	struct sw_stp *s = t->data;

	stp_tick(s->stp, uv_now(t->loop));
}

void sw_stp_tick(struct sw *sw, uint64_t now_ms)
{
	stp_tick(sw->stp->stp, now_ms);
}

void sw_stp_port_mac(const struct sw *sw, const struct port *port,
		     uint8_t mac[ETHER_ADDR_LEN])
{
	unsigned int no = port->index + 1;

	memcpy(mac, sw->stp_cfg.mac, ETHER_ADDR_LEN);
	mac[4] ^= (uint8_t)(no >> 8);
	mac[5] ^= (uint8_t)no;
}

static bool sw_stp_port_enabled(const struct port *port)
{
	return port->state == PORT_STATE_UP && !port->link_down &&
	       port->peer_state != PORT_PEER_WAITING;
}

void sw_stp_port_add(struct port *port)
{
	struct sw_stp *s = port->sw->stp;
	uint8_t mac[ETHER_ADDR_LEN];

	sw_stp_port_mac(port->sw, port, mac);
	if (stp_port_add(s->stp, port->index + 1, mac, &port->stp_cfg))
		warn("port %s: not a port of the spanning tree", port->name);
}

void sw_stp_port_del(struct port *port)
{
	stp_port_del(port->sw->stp->stp, port->index + 1);
	port->flags &= ~(unsigned int)(PORT_STP_BLOCKED | PORT_STP_NO_LEARN);
}

void sw_stp_port_link(struct port *port)
{
	struct sw_stp *s = port->sw->stp;

	stp_tick(s->stp, sw_stp_now(s));
	stp_port_enable(s->stp, port->index + 1, sw_stp_port_enabled(port));
}

int sw_stp_port_configure(struct port *port,
			  const struct stp_port_config *cfg)
{
	struct sw *sw = port->sw;

	if (cfg->priority > 240 || cfg->priority % 16 ||
	    cfg->cost > STP_PATH_COST_MAX)
		return -EINVAL;
	port->stp_cfg = *cfg;
	if (sw && sw->stp)
		return stp_port_set_config(sw->stp->stp, port->index + 1, cfg);
	return 0;
}

const struct stp *sw_stp_get(const struct sw *sw)
{
	return sw->stp ? sw->stp->stp : NULL;
}

enum drop_reason sw_stp_input(struct sw *sw, struct port *in,
			      const struct pkt *pkt)
{
	struct sw_stp *s = sw->stp;

	if (!stp_is_group_addr(pkt->eth))
		return DROP_LINK_LOCAL;
	stp_tick(s->stp, sw->now_ms);
	if (stp_receive(s->stp, in->index + 1, pkt->eth, pkt->len) !=
	    STP_BPDU_OK)
		return DROP_BPDU_INVALID;
	return DROP_NONE;
}

static void sw_stp_timer_close_cb(uv_handle_t *h)
{
	free(h);
}

void sw_stp_stop(struct sw *sw)
{
	struct sw_stp *s = sw->stp;
	unsigned int i;

	if (!s)
		return;
	sw->stp = NULL;
	for (i = 0; i < sw->n_ports; i++)
		sw->active[i]->flags &= ~(unsigned int)(PORT_STP_BLOCKED |
							PORT_STP_NO_LEARN);
	if (s->timer)
		uv_close((uv_handle_t *)s->timer, sw_stp_timer_close_cb);
	stp_free(s->stp);
	free(s);
	info("spanning tree stopped");
}

int sw_stp_configure(struct sw *sw, struct daemon *d,
		     const struct stp_config *cfg, char *why, size_t whylen)
{
	struct sw_stp *s;
	unsigned int i;
	char id[18];
	int ret;

	if (cfg->mode != STP_MODE_OFF) {
		ret = stp_config_check(cfg, why, whylen);
		if (ret)
			return ret;
	}
	if (cfg->mode == STP_MODE_OFF || !sw->stp) {
		sw_stp_stop(sw);
		sw->stp_cfg = *cfg;
		if (cfg->mode == STP_MODE_OFF)
			return 0;
	} else {
		sw->stp_cfg = *cfg;
		stp_set_config(sw->stp->stp, cfg);
		return 0;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto err_nomem;
	s->sw = sw;
	s->d = d;
	s->stp = stp_new(cfg, &sw_stp_ops, s, sw_stp_now(s));
	if (!s->stp)
		goto err_free;
	if (d && d->loop) {
		s->timer = malloc(sizeof(*s->timer));
		if (!s->timer)
			goto err_stp;
		uv_timer_init(d->loop, s->timer);
		s->timer->data = s;
		uv_timer_start(s->timer, sw_stp_on_tick, SW_STP_TICK_MS,
			       SW_STP_TICK_MS);
	}
	sw->stp = s;
	for (i = 0; i < sw->n_ports; i++)
		sw_stp_port_add(sw->active[i]);
	for (i = 0; i < sw->n_ports; i++)
		sw_stp_port_link(sw->active[i]);
	stp_id_format(((uint64_t)cfg->priority << 48) |
		      ((uint64_t)cfg->mac[0] << 40 | (uint64_t)cfg->mac[1] << 32 |
		       (uint64_t)cfg->mac[2] << 24 | (uint64_t)cfg->mac[3] << 16 |
		       (uint64_t)cfg->mac[4] << 8 | cfg->mac[5]), id);
	info("spanning tree: %s, bridge id %s, hello %u s, max age %u s, "
	     "forward delay %u s", stp_mode_name(cfg->mode), id, cfg->hello,
	     cfg->max_age, cfg->fwd_delay);
	return 0;

err_stp:
	stp_free(s->stp);
err_free:
	free(s);
err_nomem:
	snprintf(why, whylen, "out of memory");
	return -ENOMEM;
}
