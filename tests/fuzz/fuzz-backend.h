/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-backend.h - the registry of port backends (src/port_class.c),
 * faked for the fuzzers: every kind opens a recording port
 * (tests/unit/rec-port.h) instead of /dev/net/tun, an AF_PACKET socket or a
 * UNIX socket, so fuzzing creates no device and no file, needs no
 * privilege and no event loop.  The fuzzers link port.c, switch.c, ... but
 * neither the backends nor port_class.c.
 *
 * Ports made here are capped at REC_PORTS_MAX (rec-port.h's arrays).
 */
#ifndef TAPSW_TESTS_FUZZ_BACKEND_H
#define TAPSW_TESTS_FUZZ_BACKEND_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_tun.h>

#include "tapsw/daemon.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/switch.h"
#include "../unit/rec-port.h"

static int fuzz_port_open(struct daemon *d, void *priv,
			  const struct port_config *cfg, struct port **portp,
			  char *why, size_t whylen)
{
	struct port *p;

	if (d->sw->n_ports >= REC_PORTS_MAX) {
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
	p->mtu = cfg->mtu ? cfg->mtu : 1500;
	p->created = true;
	p->vnet = !cfg->no_offload;
	if (p->vnet)
		p->offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			      TUN_F_TSO_ECN;
	*portp = p;
	return 0;
}

static int fuzz_port_start(struct port *port, char *why, size_t whylen)
{
	return 0;
}

#define FUZZ_CLASS(kind, path)					\
	{ .name = kind, .takes_path = path, .open = fuzz_port_open,	\
	  .start = fuzz_port_start, .send = rec_send,			\
	  .set_mtu = rec_set_mtu, .close = rec_close }

/* the kinds of src/port_class.c, by name */
static const struct port_class fuzz_classes[] = {
	FUZZ_CLASS("tap", false),
	FUZZ_CLASS("vm", false),
	FUZZ_CLASS("netdev", false),
	FUZZ_CLASS("stream", true),
	FUZZ_CLASS("dgram", true),
	FUZZ_CLASS("vhost-user", true),
	FUZZ_CLASS("vxlan", false),
};

const struct port_class *port_class_find(const char *name, unsigned int *id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fuzz_classes); i++) {
		if (!strcmp(fuzz_classes[i].name, name)) {
			*id = i;
			return &fuzz_classes[i];
		}
	}
	return NULL;
}

const struct port_class *port_class_get(unsigned int id)
{
	return id < ARRAY_SIZE(fuzz_classes) ? &fuzz_classes[id] : NULL;
}

#endif /* TAPSW_TESTS_FUZZ_BACKEND_H */
