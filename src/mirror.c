// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mirror.c - port mirrors: the table (kept by port names), its resolution
 * into port bitmaps, and the copies sent for each frame.  The semantics are
 * in mirror.h.
 *
 * The table is allocated with the first mirror and lives in the switch
 * (sw->mirror); sw->mirrors counts the active mirrors (output port
 * present), the one thing the data path tests when there are none.
 * mirror_input() makes no system call and allocates nothing: it tests
 * bits, then hands the frame to port_output() of each selecting mirror's
 * output port.  Everything else runs on the control path.
 */
#include "tapsw/tapsw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/fdb.h"
#include "tapsw/mirror.h"
#include "tapsw/port.h"
#include "tapsw/switch.h"
#include "tapsw/vlan.h"

struct mirror_table {
	struct mirror *all[MIRROR_MAX];		/* in the order added */
	unsigned int n;
	struct mirror *active[MIRROR_MAX];	/* those with an output port */
};

static bool bit_test(const uint64_t *map, unsigned int i)
{
	return map[i / 64] >> (i % 64) & 1;
}

static void bit_set(uint64_t *map, unsigned int i)
{
	map[i / 64] |= (uint64_t)1 << (i % 64);
}

static struct mirror *mirror_find(const struct sw *sw, const char *name)
{
	const struct mirror_table *t = sw->mirror;
	unsigned int i;

	for (i = 0; t && i < t->n; i++)
		if (!strcmp(t->all[i]->name, name))
			return t->all[i];
	return NULL;
}

const struct mirror *mirror_get(const struct sw *sw, unsigned int i)
{
	return sw->mirror && i < sw->mirror->n ? sw->mirror->all[i] : NULL;
}

static void mirror_free(struct mirror *m)
{
	free(m->src);
	free(m->dst);
	free(m);
}

/*
 * mirror_names() - copy @n port names into a new array *@out, each checked
 * (exists unless @allow_missing, is not @output); 0 or -errno with @why
 */
static int mirror_names(const struct sw *sw, const char *what,
			const char *const *names, unsigned int n,
			const char *output, bool allow_missing,
			char (**out)[IF_NAMESIZE], char *why, size_t whylen)
{
	unsigned int i;

	*out = NULL;
	if (!n)
		return 0;
	*out = calloc(n, IF_NAMESIZE);
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!names[i][0] || strlen(names[i]) >= IF_NAMESIZE) {
			snprintf(why, whylen, "%s: invalid port name '%.32s'",
				 what, names[i]);
			return -EINVAL;
		}
		if (!strcmp(names[i], output)) {
			snprintf(why, whylen,
				 "%s: port %s is the mirror's output port",
				 what, names[i]);
			return -EINVAL;
		}
		if (!allow_missing && !port_find(sw, names[i])) {
			snprintf(why, whylen, "%s: port %s: no such port",
				 what, names[i]);
			return -ENOENT;
		}
		memcpy((*out)[i], names[i], strlen(names[i]) + 1);
	}
	return 0;
}

int mirror_add(struct sw *sw, const struct mirror_config *cfg, char *why,
	       size_t whylen)
{
	struct mirror_table *t;
	struct mirror *m;
	unsigned int i;
	int ret;

	if (!cfg->name || !cfg->name[0] ||
	    strlen(cfg->name) >= MIRROR_NAME_MAX) {
		snprintf(why, whylen, "invalid mirror name (1 to %d characters)",
			 MIRROR_NAME_MAX - 1);
		return -EINVAL;
	}
	if (mirror_find(sw, cfg->name)) {
		snprintf(why, whylen, "mirror %s exists", cfg->name);
		return -EEXIST;
	}
	if (sw->mirror && sw->mirror->n == MIRROR_MAX) {
		snprintf(why, whylen, "too many mirrors (at most %d)",
			 MIRROR_MAX);
		return -ENOSPC;
	}
	if (!cfg->output || !cfg->output[0] ||
	    strlen(cfg->output) >= IF_NAMESIZE) {
		snprintf(why, whylen, "a mirror needs an output port");
		return -EINVAL;
	}
	if (!cfg->allow_missing && !port_find(sw, cfg->output)) {
		snprintf(why, whylen, "output: port %s: no such port",
			 cfg->output);
		return -ENOENT;
	}
	if (!sw->mirror) {
		sw->mirror = calloc(1, sizeof(*sw->mirror));
		if (!sw->mirror)
			return -ENOMEM;
	}
	t = sw->mirror;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	snprintf(m->name, sizeof(m->name), "%s", cfg->name);
	snprintf(m->output, sizeof(m->output), "%s", cfg->output);
	ret = mirror_names(sw, "src", cfg->src, cfg->n_src, cfg->output,
			   cfg->allow_missing, &m->src, why, whylen);
	if (!ret)
		ret = mirror_names(sw, "dst", cfg->dst, cfg->n_dst,
				   cfg->output, cfg->allow_missing, &m->dst,
				   why, whylen);
	if (ret)
		goto err_free;
	m->n_src = cfg->n_src;
	m->n_dst = cfg->n_dst;
	for (i = 0; i < cfg->n_vlans; i++) {
		if (cfg->vlans[i] < VLAN_VID_MIN ||
		    cfg->vlans[i] > VLAN_VID_MAX) {
			snprintf(why, whylen, "vlan %u: VLAN ids are 1 to %d",
				 cfg->vlans[i], VLAN_VID_MAX);
			ret = -EINVAL;
			goto err_free;
		}
		if (!bit_test(m->vlans, cfg->vlans[i]))
			m->n_vlans++;
		bit_set(m->vlans, cfg->vlans[i]);
	}
	t->all[t->n++] = m;
	mirror_refresh(sw);
	return 0;

err_free:
	if (ret == -ENOMEM)
		snprintf(why, whylen, "out of memory");
	mirror_free(m);
	return ret;
}

int mirror_del(struct sw *sw, const char *name)
{
	struct mirror_table *t = sw->mirror;
	unsigned int i;

	for (i = 0; t && i < t->n; i++) {
		if (strcmp(t->all[i]->name, name))
			continue;
		mirror_free(t->all[i]);
		memmove(&t->all[i], &t->all[i + 1],
			(t->n - i - 1) * sizeof(t->all[0]));
		t->n--;
		mirror_refresh(sw);
		return 0;
	}
	return -ENOENT;
}

/* the bitmap of the ports named in @names that exist now */
static bool mirror_resolve(const struct sw *sw, char (*names)[IF_NAMESIZE],
			   unsigned int n, uint64_t *map)
{
	const struct port *p;
	bool any = false;
	unsigned int i;

	memset(map, 0, FDB_PORT_MAX / 8);
	for (i = 0; i < n; i++) {
		p = port_find(sw, names[i]);
		if (p) {
			bit_set(map, p->index);
			any = true;
		}
	}
	return any;
}

void mirror_refresh(struct sw *sw)
{
	uint64_t was[FDB_PORT_MAX / 64] = { 0 };
	struct mirror_table *t = sw->mirror;
	struct port *p;
	unsigned int i;

	if (!t)
		return;
	sw->mirrors = 0;
	for (i = 0; i < sw->n_ports; i++) {
		p = sw->active[i];
		if (p->flags & PORT_MIRROR_OUT)
			bit_set(was, p->index);
		p->flags &= ~PORT_MIRROR_OUT;
	}
	for (i = 0; i < t->n; i++) {
		struct mirror *m = t->all[i];

		m->out = port_find(sw, m->output);
		mirror_resolve(sw, m->src, m->n_src, m->src_ports);
		m->any_dst = mirror_resolve(sw, m->dst, m->n_dst,
					    m->dst_ports);
		if (!m->out)
			continue;
		/* a new output port forgets what it learned */
		if (!(m->out->flags & PORT_MIRROR_OUT) &&
		    !bit_test(was, m->out->index))
			port_flush_learned(m->out);
		m->out->flags |= PORT_MIRROR_OUT;
		t->active[sw->mirrors++] = m;
	}
}

/*
 * mirror_selects() - does active mirror @m want this frame: its VLAN is one
 * of @m's, and its ingress port is a src, or a port it leaves by (the
 * unicast destination, a port the flood reaches) is a dst, or @m selects
 * every port?
 */
static bool mirror_selects(const struct mirror *m, const struct sw *sw,
			   const struct port *in, const struct sw_decision *d)
{
	const struct port *out;
	unsigned int w, b;
	bool tagged;

	if (m->n_vlans && !bit_test(m->vlans, d->vid))
		return false;
	if ((!m->n_src && !m->n_dst) || bit_test(m->src_ports, in->index))
		return true;
	if (!m->any_dst)
		return false;
	switch (d->action) {
	case SW_UNICAST:
		tagged = d->tagged;
		return bit_test(m->dst_ports, d->out->index) &&
		       d->out->state == PORT_STATE_UP &&
		       vlan_egress(&d->out->vlan, d->vid, &tagged);
	case SW_FLOOD:
		for (w = 0; w < FDB_PORT_MAX / 64; w++) {
			uint64_t word = m->dst_ports[w];

			while (word) {
				b = (unsigned int)__builtin_ctzll(word);
				word &= word - 1;
				out = sw->ports[w * 64 + b];
				tagged = d->tagged;
				if (out && switch_floods_to(in, out, d,
							    &tagged))
					return true;
			}
		}
		return false;
	default:
		return false;
	}
}

/* the drops port_output() may count on the egress port */
static uint64_t mirror_out_drops(const struct port *out)
{
	return out->stats.drop[DROP_PORT_DOWN] +
	       out->stats.drop[DROP_OVERSIZE] +
	       out->stats.drop[DROP_TX_ERROR];
}

void mirror_input(struct sw *sw, struct port *in, const struct pkt *pkt,
		  const struct sw_decision *d)
{
	struct mirror_table *t = sw->mirror;
	unsigned int i;

	for (i = 0; i < sw->mirrors; i++) {
		struct mirror *m = t->active[i];
		struct pkt p = *pkt;
		uint64_t drops;

		if (!mirror_selects(m, sw, in, d))
			continue;
		drops = mirror_out_drops(m->out);
		port_output(m->out, &p, d->hdr_len, d->wire_len);
		if (mirror_out_drops(m->out) != drops) {
			m->stats.drops++;
		} else {
			m->stats.frames++;
			m->stats.bytes += pkt->len;
		}
	}
}

void mirror_clear_stats(struct sw *sw)
{
	unsigned int i;

	for (i = 0; sw->mirror && i < sw->mirror->n; i++)
		memset(&sw->mirror->all[i]->stats, 0,
		       sizeof(sw->mirror->all[i]->stats));
}

void mirror_fini(struct sw *sw)
{
	struct mirror_table *t = sw->mirror;
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < sw->n_ports; i++)
		sw->active[i]->flags &= ~PORT_MIRROR_OUT;
	for (i = 0; i < t->n; i++)
		mirror_free(t->all[i]);
	free(t);
	sw->mirror = NULL;
	sw->mirrors = 0;
}
