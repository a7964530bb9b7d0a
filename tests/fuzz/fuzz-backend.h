/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-backend.h - the port backends' open functions, faked for the
 * fuzzers: a port.add attaches a recording port (tests/unit/rec-port.h)
 * instead of opening /dev/net/tun, an AF_PACKET socket or a UNIX socket, so
 * fuzzing creates no device and no file, needs no privilege and no event
 * loop.  The fuzzers link port.c, switch.c, ... but none of the backends.
 *
 * Ports made here are capped at REC_PORTS_MAX (rec-port.h's arrays).
 * Two API generations are handled while both exist in the tree: a single
 * tap_port_open(struct tap_config) called from ctl_method.c, and
 * port_open() dispatching to one open function per backend (port.c's
 * table, struct port_config); the newer one is recognised by its headers.
 */
#ifndef TAPSW_TESTS_FUZZ_BACKEND_H
#define TAPSW_TESTS_FUZZ_BACKEND_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_tun.h>

#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/tap.h"
#include "../unit/rec-port.h"

#if __has_include("tapsw/packet.h") && __has_include("tapsw/qemu.h")
#include "tapsw/packet.h"
#include "tapsw/qemu.h"
#define FUZZ_PORT_CONFIG	struct port_config
#define FUZZ_MANY_BACKENDS	1
#else
#define FUZZ_PORT_CONFIG	struct tap_config
#define FUZZ_MANY_BACKENDS	0
#endif

static int fuzz_port_open(struct sw *sw, const FUZZ_PORT_CONFIG *cfg,
			  struct port **portp, char *why, size_t whylen)
{
	struct port *p;
	int ret;

	if (!cfg->name || !cfg->name[0] || strlen(cfg->name) >= IF_NAMESIZE) {
		snprintf(why, whylen, "invalid port name (1 to %d characters)",
			 IF_NAMESIZE - 1);
		return -EINVAL;
	}
	if (sw->n_ports >= REC_PORTS_MAX) {
		snprintf(why, whylen, "fuzz: no more than %d ports",
			 REC_PORTS_MAX);
		return -ENOSPC;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	snprintf(p->name, sizeof(p->name), "%s", cfg->name);
	p->ops = &rec_ops;
	p->mtu = cfg->mtu ? cfg->mtu : 1500;
	p->created = true;
	p->vnet = !cfg->no_offload;
	if (p->vnet)
		p->offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			      TUN_F_TSO_ECN;
	ret = port_attach(sw, p);
	if (ret) {
		snprintf(why, whylen, "cannot attach: %s", strerror(-ret));
		free(p);
		return ret;
	}
	*portp = p;
	return 0;
}

int tap_port_open(struct sw *sw, const FUZZ_PORT_CONFIG *cfg,
		  struct port **portp, char *why, size_t whylen)
{
	return fuzz_port_open(sw, cfg, portp, why, whylen);
}

#if FUZZ_MANY_BACKENDS
int packet_port_open(struct sw *sw, const struct port_config *cfg,
		     struct port **portp, char *why, size_t whylen)
{
	return fuzz_port_open(sw, cfg, portp, why, whylen);
}

int qemu_port_open(struct sw *sw, const struct port_config *cfg,
		   struct port **portp, char *why, size_t whylen)
{
	return fuzz_port_open(sw, cfg, portp, why, whylen);
}
#endif

#endif /* TAPSW_TESTS_FUZZ_BACKEND_H */
