// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port_class.c - the registry of port backends: the one place that knows
 * them all.  A new kind of port is one new file exporting its struct
 * port_class, and one line here.
 */
#include "tapsw/tapsw.h"

#include <string.h>

#include "tapsw/daemon.h"
#include "tapsw/packet.h"
#include "tapsw/port_class.h"
#include "tapsw/qemu.h"
#include "tapsw/tap.h"
#include "tapsw/vhost_user.h"
#include "tapsw/vxlan.h"

/* in the order `tapswctl port add` lists the kinds */
static const struct port_class *const port_classes[] = {
	&tap_port_class,
	&vm_port_class,
	&netdev_port_class,
	&stream_port_class,
	&dgram_port_class,
	&vhost_user_port_class,
	&vxlan_port_class,
};

_Static_assert(ARRAY_SIZE(port_classes) <= DAEMON_CLASSES_MAX,
	       "daemon.class_priv has a slot per backend");

const struct port_class *port_class_find(const char *name, unsigned int *id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(port_classes); i++) {
		if (!strcmp(port_classes[i]->name, name)) {
			*id = i;
			return port_classes[i];
		}
	}
	return NULL;
}

const struct port_class *port_class_get(unsigned int id)
{
	return id < ARRAY_SIZE(port_classes) ? port_classes[id] : NULL;
}

/* run the fini of the first @n backends, last first */
static void port_classes_fini_first(struct daemon *d, unsigned int n)
{
	while (n-- > 0) {
		if (port_classes[n]->fini)
			port_classes[n]->fini(d, d->class_priv[n]);
		d->class_priv[n] = NULL;
	}
}

void port_classes_fini(struct daemon *d)
{
	port_classes_fini_first(d, ARRAY_SIZE(port_classes));
}

int port_classes_init(struct daemon *d, char *why, size_t whylen)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(port_classes); i++) {
		if (!port_classes[i]->init)
			continue;
		ret = port_classes[i]->init(d, &d->class_priv[i], why, whylen);
		if (ret) {
			port_classes_fini_first(d, i);
			return ret;
		}
	}
	return 0;
}
