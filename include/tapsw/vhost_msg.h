/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost_msg.h - vhost-user messages on the wire (QEMU docs/interop/
 * vhost-user.rst): the header, the payloads a net back-end handles, and a
 * reader that frames them from a stream socket with their SCM_RIGHTS fds
 * and checks each against what its request must carry.
 *
 * A message is a 12-byte header (request, flags, size; little-endian, as
 * QEMU on x86 writes it) and size bytes of payload; file descriptors come
 * as SCM_RIGHTS ancillary data on the same sendmsg().  The reader asks for
 * exactly the bytes it still needs (vhost_msg_want()), so one recvmsg()
 * never runs into the next message and its fds.  It refuses, before acting
 * on anything: a version other than 1, a reply flag, a payload above
 * VHOST_MSG_PAYLOAD_MAX, more than VHOST_MSG_FDS_MAX fds; and, once the
 * message is whole (vhost_msg_check()), a size or fd count other than the
 * request's.  Fds travel with the message and are closed by
 * vhost_msg_close_fds() unless their user took them (set to -1).
 */
#ifndef TAPSW_VHOST_MSG_H
#define TAPSW_VHOST_MSG_H

#include "tapsw.h"
#include "vhost_mem.h"

enum vhost_user_request {
	VHOST_USER_NONE = 0,
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SEND_RARP = 19,
	VHOST_USER_NET_SET_MTU = 20,
	VHOST_USER_REQUEST_MAX = 64,	/* names known below this */
};

enum {
	VHOST_USER_VERSION = 0x1,
	VHOST_USER_VERSION_MASK = 0x3,
	VHOST_USER_REPLY = 0x4,
	VHOST_USER_NEED_REPLY = 0x8,

	VHOST_MSG_HDR_LEN = 12,
	VHOST_MSG_PAYLOAD_MAX = 8 + 32 * VHOST_MEM_REGIONS_MAX,
	VHOST_MSG_FDS_MAX = VHOST_MEM_REGIONS_MAX,

	/* SET_VRING_KICK/CALL/ERR u64: the ring index, and "no fd" */
	VHOST_USER_VRING_IDX_MASK = 0xff,
	VHOST_USER_VRING_NOFD = 0x100,
	/* SET_VRING_ADDR flags: log the used ring's writes */
	VHOST_VRING_F_LOG = 0x1,
};

/* the protocol features (GET/SET_PROTOCOL_FEATURES bits) we name */
enum {
	VHOST_USER_PROTOCOL_F_MQ = 0,
	VHOST_USER_PROTOCOL_F_LOG_SHMFD = 1,
	VHOST_USER_PROTOCOL_F_RARP = 2,
	VHOST_USER_PROTOCOL_F_REPLY_ACK = 3,
	VHOST_USER_PROTOCOL_F_NET_MTU = 4,
};

/* vhost feature bits beyond virtio's */
enum {
	VHOST_F_LOG_ALL = 26,
	VHOST_USER_F_PROTOCOL_FEATURES = 30,
};

struct vhost_vring_state_msg {
	uint32_t index;
	uint32_t num;
};

struct vhost_vring_addr_msg {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;		/* QEMU-virtual addresses */
	uint64_t used;
	uint64_t avail;
	uint64_t log;		/* guest-physical */
};

struct vhost_mem_table_msg {
	uint32_t nregions;
	uint32_t padding;
	struct vhost_mem_desc regions[VHOST_MEM_REGIONS_MAX];
};

struct vhost_msg {
	/* on the wire: these 12 bytes, then hdr.size bytes of payload */
	struct {
		uint32_t request;
		uint32_t flags;
		uint32_t size;
	} hdr;
	union {
		uint64_t u64;
		struct vhost_vring_state_msg state;
		struct vhost_vring_addr_msg addr;
		struct vhost_mem_table_msg mem;
		uint8_t raw[VHOST_MSG_PAYLOAD_MAX];
	} payload;
	/* not on the wire */
	int fds[VHOST_MSG_FDS_MAX];
	unsigned int nfds;
};

_Static_assert(sizeof(((struct vhost_msg *)0)->hdr) == VHOST_MSG_HDR_LEN,
	       "vhost-user header is 12 bytes");
_Static_assert(sizeof(struct vhost_vring_addr_msg) == 40,
	       "vhost_vring_addr is 40 bytes");
_Static_assert(sizeof(struct vhost_mem_table_msg) == VHOST_MSG_PAYLOAD_MAX,
	       "the memory table is the largest payload");

/* a message being read; zeroed (or vhost_msg_reader_reset()) to start */
struct vhost_msg_reader {
	struct vhost_msg msg;
	size_t have;		/* bytes of hdr + payload read */
};

/**
 * vhost_msg_reader_init() - Start reading a new message.
 * @r: The reader; its message holds no fds (closed or taken before).
 */
void vhost_msg_reader_init(struct vhost_msg_reader *r);

/**
 * vhost_msg_want() - Where the next bytes of the message go.
 * @r: The reader.
 * @n: Set to how many bytes it still needs (at least 1).
 *
 * Return: where to read them to.
 */
uint8_t *vhost_msg_want(struct vhost_msg_reader *r, size_t *n);

/**
 * vhost_msg_got() - Account for bytes read where vhost_msg_want() said.
 * @r: The reader.
 * @n: How many were read.
 * @fds: The fds that came with them: taken over, kept in the message; on
 *	any error they and those the message held are closed.
 * @nfds: How many.
 *
 * Return: 1 when the message is whole (in r->msg; check it with
 * vhost_msg_check(), then vhost_msg_reader_init() for the next one); 0
 * when more bytes are needed; -EPROTO (header refused) or -EMSGSIZE
 * (payload or fd count too large): the connection cannot go on.
 */
int vhost_msg_got(struct vhost_msg_reader *r, size_t n, const int *fds,
		  unsigned int nfds);

/**
 * vhost_msg_check() - Does a whole message carry the payload size and fds
 * its request needs?
 * @msg: The message.
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * Requests tapsw does not know pass (the protocol layer refuses them).
 *
 * Return: 0, or -EINVAL with a reason in @why.
 */
int vhost_msg_check(const struct vhost_msg *msg, char *why, size_t whylen);

/**
 * vhost_msg_close_fds() - Close the fds a message still holds.
 * @msg: The message (slots set to -1 were taken and are skipped).
 */
void vhost_msg_close_fds(struct vhost_msg *msg);

/**
 * vhost_msg_reply() - Make a message the answer to a request.
 * @reply: The answer, its payload already in reply->payload.
 * @req: The request.
 * @size: The payload's size: send reply->hdr, then @size bytes of
 *	reply->payload.
 */
void vhost_msg_reply(struct vhost_msg *reply, const struct vhost_msg *req,
		     uint32_t size);

/**
 * vhost_msg_name() - A request's name, for the log.
 * @request: The request code.
 *
 * Return: "SET_MEM_TABLE", ...; "unknown" for those tapsw does not know.
 */
const char *vhost_msg_name(uint32_t request);

#endif /* TAPSW_VHOST_MSG_H */
