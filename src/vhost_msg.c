// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost_msg.c - frame vhost-user messages from a stream socket's bytes and
 * fds, and check each one's payload size and fd count against its request
 * before the protocol layer (vhost_dev.c) looks inside.
 *
 * Requests whose payload the back-end reads must be exactly their size;
 * the GET_* requests and SET_OWNER, whose payload nothing reads, may carry
 * up to 8 bytes (front-ends differ: QEMU sends none).  The table below is
 * the one place that says what each request carries.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tapsw/vhost_msg.h"

enum vhost_msg_fds {
	VHOST_FDS_NONE = 0,	/* no fd */
	VHOST_FDS_ONE,		/* exactly one */
	VHOST_FDS_VRING,	/* one, unless the u64 has VHOST_USER_VRING_NOFD */
	VHOST_FDS_REGIONS,	/* one per memory region */
};

struct vhost_msg_spec {
	const char *name;
	uint32_t size;		/* payload bytes */
	bool size_max;		/* size is a bound, not the exact size */
	enum vhost_msg_fds fds;
};

static const struct vhost_msg_spec vhost_msg_specs[VHOST_USER_REQUEST_MAX] = {
	[VHOST_USER_GET_FEATURES] = { "GET_FEATURES", 8, true },
	[VHOST_USER_SET_FEATURES] = { "SET_FEATURES", 8, false },
	[VHOST_USER_SET_OWNER] = { "SET_OWNER", 8, true },
	[VHOST_USER_RESET_OWNER] = { "RESET_OWNER", 8, true },
	[VHOST_USER_SET_MEM_TABLE] = { "SET_MEM_TABLE", 0, false,
				       VHOST_FDS_REGIONS },
	[VHOST_USER_SET_LOG_BASE] = { "SET_LOG_BASE", 16, false,
				      VHOST_FDS_ONE },
	[VHOST_USER_SET_LOG_FD] = { "SET_LOG_FD", 8, true, VHOST_FDS_ONE },
	[VHOST_USER_SET_VRING_NUM] = { "SET_VRING_NUM", 8, false },
	[VHOST_USER_SET_VRING_ADDR] = { "SET_VRING_ADDR", 40, false },
	[VHOST_USER_SET_VRING_BASE] = { "SET_VRING_BASE", 8, false },
	[VHOST_USER_GET_VRING_BASE] = { "GET_VRING_BASE", 8, false },
	[VHOST_USER_SET_VRING_KICK] = { "SET_VRING_KICK", 8, false,
					VHOST_FDS_VRING },
	[VHOST_USER_SET_VRING_CALL] = { "SET_VRING_CALL", 8, false,
					VHOST_FDS_VRING },
	[VHOST_USER_SET_VRING_ERR] = { "SET_VRING_ERR", 8, false,
				       VHOST_FDS_VRING },
	[VHOST_USER_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES", 8,
					       true },
	[VHOST_USER_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES", 8,
					       false },
	[VHOST_USER_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", 8, true },
	[VHOST_USER_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", 8, false },
	[VHOST_USER_SEND_RARP] = { "SEND_RARP", 8, false },
	[VHOST_USER_NET_SET_MTU] = { "NET_SET_MTU", 8, false },
};

const char *vhost_msg_name(uint32_t request)
{
	if (request < VHOST_USER_REQUEST_MAX && vhost_msg_specs[request].name)
		return vhost_msg_specs[request].name;
	return "unknown";
}

static void vhost_close_fds(const int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

void vhost_msg_close_fds(struct vhost_msg *msg)
{
	vhost_close_fds(msg->fds, msg->nfds);
	msg->nfds = 0;
}

void vhost_msg_reader_init(struct vhost_msg_reader *r)
{
	memset(&r->msg.hdr, 0, sizeof(r->msg.hdr));
	r->msg.nfds = 0;
	r->have = 0;
}

uint8_t *vhost_msg_want(struct vhost_msg_reader *r, size_t *n)
{
	if (r->have < VHOST_MSG_HDR_LEN) {
		*n = VHOST_MSG_HDR_LEN - r->have;
		return (uint8_t *)&r->msg.hdr + r->have;
	}
	*n = VHOST_MSG_HDR_LEN + r->msg.hdr.size - r->have;
	return r->msg.payload.raw + (r->have - VHOST_MSG_HDR_LEN);
}

int vhost_msg_got(struct vhost_msg_reader *r, size_t n, const int *fds,
		  unsigned int nfds)
{
	struct vhost_msg *msg = &r->msg;
	size_t want;

	vhost_msg_want(r, &want);
	if (n > want || nfds > VHOST_MSG_FDS_MAX - msg->nfds) {
		vhost_close_fds(fds, nfds);
		vhost_msg_close_fds(msg);
		return -EMSGSIZE;
	}
	if (nfds)
		memcpy(msg->fds + msg->nfds, fds, nfds * sizeof(*fds));
	msg->nfds += nfds;
	r->have += n;
	if (r->have < VHOST_MSG_HDR_LEN)
		return 0;
	if (r->have == VHOST_MSG_HDR_LEN) {
		msg->hdr.request = le32toh(msg->hdr.request);
		msg->hdr.flags = le32toh(msg->hdr.flags);
		msg->hdr.size = le32toh(msg->hdr.size);
		if ((msg->hdr.flags & VHOST_USER_VERSION_MASK) !=
		    VHOST_USER_VERSION ||
		    (msg->hdr.flags & VHOST_USER_REPLY)) {
			vhost_msg_close_fds(msg);
			return -EPROTO;
		}
		if (msg->hdr.size > VHOST_MSG_PAYLOAD_MAX) {
			vhost_msg_close_fds(msg);
			return -EMSGSIZE;
		}
	}
	return r->have == VHOST_MSG_HDR_LEN + msg->hdr.size;
}

/* how many fds @msg must carry for its request, per @spec */
static unsigned int vhost_msg_fds_needed(const struct vhost_msg *msg,
					 const struct vhost_msg_spec *spec)
{
	switch (spec->fds) {
	case VHOST_FDS_ONE:
		return 1;
	case VHOST_FDS_VRING:
		return !(le64toh(msg->payload.u64) & VHOST_USER_VRING_NOFD);
	case VHOST_FDS_REGIONS:
		return le32toh(msg->payload.mem.nregions);
	case VHOST_FDS_NONE:
	default:
		return 0;
	}
}

int vhost_msg_check(const struct vhost_msg *msg, char *why, size_t whylen)
{
	uint32_t req = msg->hdr.request, size = msg->hdr.size, n;
	const struct vhost_msg_spec *spec;

	if (req >= VHOST_USER_REQUEST_MAX || !vhost_msg_specs[req].name)
		return 0;
	spec = &vhost_msg_specs[req];
	if (req == VHOST_USER_SET_MEM_TABLE) {
		n = size >= 8 ? le32toh(msg->payload.mem.nregions) : 0;
		if (size < 8 || n < 1 || n > VHOST_MEM_REGIONS_MAX ||
		    size != 8 + n * sizeof(struct vhost_mem_desc)) {
			snprintf(why, whylen,
				 "SET_MEM_TABLE: %u bytes do not hold a table of 1 to %u regions",
				 size, VHOST_MEM_REGIONS_MAX);
			return -EINVAL;
		}
	} else if (spec->size_max ? size > spec->size : size != spec->size) {
		snprintf(why, whylen, "%s: payload of %u bytes, %s %u",
			 spec->name, size, spec->size_max ? "at most" : "not",
			 spec->size);
		return -EINVAL;
	}
	n = vhost_msg_fds_needed(msg, spec);
	if (msg->nfds != n) {
		snprintf(why, whylen, "%s: %u file descriptors, not %u",
			 spec->name, msg->nfds, n);
		return -EINVAL;
	}
	return 0;
}

void vhost_msg_reply(struct vhost_msg *reply, const struct vhost_msg *req,
		     uint32_t size)
{
	reply->hdr.request = htole32(req->hdr.request);
	reply->hdr.flags = htole32(VHOST_USER_VERSION | VHOST_USER_REPLY);
	reply->hdr.size = htole32(size);
	reply->nfds = 0;
}
