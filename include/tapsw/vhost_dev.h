/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost_dev.h - the vhost-user back-end's protocol state for one virtio-net
 * device with one queue pair: what was negotiated, the guest's memory, and
 * the two rings (0: the guest's receive queue, filled by tapsw; 1: its
 * transmit queue, emptied by tapsw).  No I/O and no event loop: the port
 * backend (vhost_user.c) reads messages, hands them to vhost_dev_handle(),
 * sends the reply, and watches the kick fds the rings now have.
 *
 * What is offered: VIRTIO_F_VERSION_1, ANY_LAYOUT, RING_F_EVENT_IDX,
 * NET_F_MRG_RXBUF, and unless the port has no offloads NET_F_CSUM,
 * GUEST_CSUM, HOST/GUEST_TSO4, HOST/GUEST_TSO6, HOST/GUEST_ECN; protocol
 * features MQ (one queue pair: GET_QUEUE_NUM answers 1) and REPLY_ACK.
 * Not offered, so refused if set: VHOST_F_LOG_ALL and LOG_SHMFD (no live
 * migration: QEMU blocks it), INDIRECT_DESC, RING_PACKED, UFO, IOMMU.
 *
 * Rings (the spec's "Ring states"): a ring is stopped until SET_VRING_KICK
 * starts it (memory table, size and addresses must be known by then; the
 * rings are mapped and checked then, and again when a new memory table
 * comes), and GET_VRING_BASE stops it and answers where it stopped.  It is
 * enabled by SET_VRING_ENABLE 1, or by starting when PROTOCOL_FEATURES was
 * not negotiated; the enable state outlives stop and start, as QEMU sends
 * it before starting.  A started, enabled ring whose queue is not broken
 * is ready: traffic flows.
 *
 * Anything refused (a bit not offered, an index beyond the two rings, a bad
 * memory table, a request we do not serve) makes vhost_dev_handle() fail
 * with a reason; the back-end then drops the connection (QEMU's
 * reconnect=1 comes back and starts over).
 */
#ifndef TAPSW_VHOST_DEV_H
#define TAPSW_VHOST_DEV_H

#include "tapsw.h"
#include "vhost_mem.h"
#include "vhost_msg.h"
#include "virtq.h"

enum {
	VHOST_DEV_RX = 0,	/* virtio-net receiveq1: frames to the guest */
	VHOST_DEV_TX = 1,	/* transmitq1: frames from the guest */
	VHOST_DEV_VRINGS = 2,
};

struct vhost_vring {
	struct virtq vq;
	unsigned int num;		/* SET_VRING_NUM; 0: not yet */
	uint64_t desc, avail, used;	/* SET_VRING_ADDR, QEMU-virtual */
	bool addr_set;
	uint16_t base;			/* SET_VRING_BASE */
	int kick_fd;			/* -1: none */
	unsigned int kick_gen;		/* counts SET_VRING_KICKs */
	int call_fd;
	int err_fd;
	bool enabled;
	bool started;
};

struct vhost_dev {
	uint64_t offered;		/* GET_FEATURES */
	uint64_t features;		/* SET_FEATURES */
	uint64_t protocol;		/* SET_PROTOCOL_FEATURES */
	bool owner;
	struct vhost_mem mem;
	struct vhost_vring vr[VHOST_DEV_VRINGS];
	char why[160];			/* why the last request failed */
};

/* the protocol features offered */
#define VHOST_DEV_PROTOCOL_FEATURES					\
	((1ull << VHOST_USER_PROTOCOL_F_MQ) |				\
	 (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK))

/**
 * vhost_dev_features() - The feature bits a port offers.
 * @offloads: With the checksum, TSO and ECN bits.
 *
 * Return: the bits, for GET_FEATURES.
 */
uint64_t vhost_dev_features(bool offloads);

/**
 * vhost_dev_init() - A device before any message.
 * @dev: The device.
 * @offered: The feature bits it offers (vhost_dev_features()).
 */
void vhost_dev_init(struct vhost_dev *dev, uint64_t offered);

/**
 * vhost_dev_reset() - Forget a connection's state: close the fds, unmap
 * the memory; back to what vhost_dev_init() made, offer kept.
 * @dev: The device.
 */
void vhost_dev_reset(struct vhost_dev *dev);

/**
 * vhost_dev_handle() - Act on one whole message and build the reply due.
 * @dev: The device.
 * @msg: The message; checked here (vhost_msg_check()); its fds are taken
 *	or closed.
 * @reply: Where the reply is built.
 * @send_reply: Set when @reply is to be sent.
 *
 * Return: 0 or a negative errno with the reason in dev->why (drop the
 * connection; a due REPLY_ACK "failed" is still built).  *@send_reply says
 * whether @reply is to be sent, in both cases.
 */
int vhost_dev_handle(struct vhost_dev *dev, struct vhost_msg *msg,
		     struct vhost_msg *reply, bool *send_reply);

/**
 * vhost_dev_ring_ready() - Is a ring started, enabled and not broken?
 * @dev: The device.
 * @i: VHOST_DEV_RX or VHOST_DEV_TX.
 *
 * Return: true if traffic may flow on it.
 */
static inline bool vhost_dev_ring_ready(const struct vhost_dev *dev,
					unsigned int i)
{
	const struct vhost_vring *vr = &dev->vr[i];

	return vr->started && vr->enabled && vr->vq.err == VIRTQ_ERR_NONE;
}

/**
 * vhost_dev_has() - Was a feature negotiated?
 * @dev: The device.
 * @bit: The feature's bit number.
 *
 * Return: true if SET_FEATURES had it.
 */
static inline bool vhost_dev_has(const struct vhost_dev *dev,
				 unsigned int bit)
{
	return dev->features & (1ull << bit);
}

/**
 * vhost_dev_hdr_len() - The virtio-net header's length in the guest's
 * buffers.
 * @dev: The device.
 *
 * Return: 12 with VERSION_1 or MRG_RXBUF, else the legacy 10.
 */
unsigned int vhost_dev_hdr_len(const struct vhost_dev *dev);

#endif /* TAPSW_VHOST_DEV_H */
