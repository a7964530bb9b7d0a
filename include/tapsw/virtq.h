/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtq.h - the device side of a split virtqueue (virtio 1.x, 2.7) in a
 * vhost-user guest's memory: take the frames a guest sends (its TX queue),
 * fill the buffers a guest gives for receiving (its RX queue), and decide
 * when to interrupt it and when it should kick us.
 *
 * Everything in the rings is written by the guest, possibly while we read
 * it, so each value is loaded once into a local and checked before use:
 * the available index may run at most the ring size ahead of us, head and
 * next indices must be inside the ring, a chain may not be longer than the
 * ring (a loop), every buffer must lie in guest memory (vhost_mem.h;
 * buffers crossing adjacent regions are walked piecewise), TX buffers must
 * be device-readable and RX buffers device-writable, and indirect
 * descriptors are refused (tapsw does not offer VIRTIO_RING_F_INDIRECT_DESC).
 * The first violation breaks the queue: vq->err says what it was, and
 * every later call returns -EPROTO until virtq_map() sets it up again.
 *
 * Frames are copied once: a TX chain straight into the caller's contiguous
 * buffer (the copy tapswd needs anyway: the guest may rewrite its buffer
 * while the switch parses the frame), an RX frame straight into the guest's
 * buffers.  Used entries are written as chains complete and published by
 * virtq_flush(), once per batch; virtq_notify_needed() then says whether
 * the guest wants an interrupt (VIRTIO_RING_F_EVENT_IDX used_event, or
 * VRING_AVAIL_F_NO_INTERRUPT).  Kicks are asked for with avail_event
 * (EVENT_IDX) or VRING_USED_F_NO_NOTIFY.
 *
 * Memory ordering: the available index is read with acquire semantics
 * before the entries and descriptors it covers; the used index is stored
 * with release semantics after the used entries; a full fence separates
 * publishing the used index (or asking for kicks) from reading the guest's
 * event index (or the available index again), as the virtio spec's
 * "device-side notification suppression" requires.  The guest is
 * little-endian (VIRTIO_F_VERSION_1, or a legacy guest on x86).
 */
#ifndef TAPSW_VIRTQ_H
#define TAPSW_VIRTQ_H

#include "tapsw.h"

#include <sys/types.h>
#include <linux/virtio_ring.h>

struct vhost_mem;

enum {
	VIRTQ_SIZE_MAX = 32768,		/* the split ring's largest size */
};

/* why a queue broke: the first thing the guest got wrong */
enum virtq_err {
	VIRTQ_ERR_NONE = 0,
	VIRTQ_ERR_RING,		/* a ring outside guest memory, or misaligned */
	VIRTQ_ERR_AVAIL_IDX,	/* available index more than a ring ahead */
	VIRTQ_ERR_HEAD,		/* a chain head beyond the ring */
	VIRTQ_ERR_NEXT,		/* a next index beyond the ring */
	VIRTQ_ERR_LOOP,		/* a chain longer than the ring: a loop */
	VIRTQ_ERR_ADDR,		/* a buffer outside guest memory */
	VIRTQ_ERR_INDIRECT,	/* an indirect descriptor: not negotiated */
	VIRTQ_ERR_WRITABLE,	/* TX: a device-writable buffer */
	VIRTQ_ERR_READABLE,	/* RX: a device-readable buffer */
	VIRTQ_ERR_MAX
};

/**
 * virtq_err_name() - A short name of a queue error, for counters and tests.
 * @e: The error.
 *
 * Return: "ring", "avail_idx", ...; "unknown" past the last.
 */
const char *virtq_err_name(enum virtq_err e);

/**
 * virtq_err_text() - A queue error as words, for the log and port.error.
 * @e: The error.
 *
 * Return: the text; "unknown" past the last error.
 */
const char *virtq_err_text(enum virtq_err e);

struct virtq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t num;			/* ring size, a power of 2; 0: unset */
	uint16_t last_avail;		/* next available entry to take */
	uint16_t avail_shadow;		/* the guest's index when last read */
	uint16_t used_idx;		/* next used entry (published: flush) */
	uint16_t signalled;		/* used index when last asked to notify */
	bool signalled_valid;		/* EVENT_IDX: asked once since mapped */
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX */
	enum virtq_err err;		/* not NONE: broken */
};

/**
 * virtq_map() - Set a queue up on the rings a guest laid out.
 * @vq: The queue.
 * @mem: The guest's memory.
 * @num: The ring size (SET_VRING_NUM).
 * @desc: The descriptor table's address in QEMU (SET_VRING_ADDR).
 * @avail: The available ring's.
 * @used: The used ring's.
 * @base: The index to start from (SET_VRING_BASE).
 * @event_idx: VIRTIO_RING_F_EVENT_IDX was negotiated.
 *
 * If the guest's used index is not @base (tapswd restarted under the
 * guest and QEMU kept its own count), both are set to the guest's used
 * index, as DPDK does: chains taken but never used are taken again.
 *
 * Return: 0; 1 when the used index was taken from the guest; -EINVAL for
 * a @num that is not a power of 2 up to VIRTQ_SIZE_MAX; -EFAULT (err
 * VIRTQ_ERR_RING) when a ring is not all in one region or misaligned.
 */
int virtq_map(struct virtq *vq, const struct vhost_mem *mem,
	      unsigned int num, uint64_t desc, uint64_t avail, uint64_t used,
	      uint16_t base, bool event_idx);

/**
 * virtq_avail() - How many chains the guest made available that we have
 * not taken.
 * @vq: The queue.
 *
 * Return: 0 to num; -EPROTO if the queue is (now) broken.
 */
int virtq_avail(struct virtq *vq);

/**
 * virtq_tx_pop() - Take the next TX chain, copy it out, mark it used.
 * @vq: The guest's TX queue.
 * @mem: The guest's memory.
 * @buf: Where the chain's bytes go.
 * @cap: The room at @buf.
 *
 * The chain is used with length 0, published by virtq_flush().
 *
 * Return: the chain's length; -EAGAIN if none is available; -EMSGSIZE if it
 * is longer than @cap (taken and used, not copied); -EPROTO if the queue is
 * (now) broken.
 */
ssize_t virtq_tx_pop(struct virtq *vq, const struct vhost_mem *mem,
		     uint8_t *buf, size_t cap);

/**
 * virtq_rx_put() - Write one frame into the guest's RX buffers.
 * @vq: The guest's RX queue.
 * @mem: The guest's memory.
 * @hdr: The virtio-net header; not changed.
 * @hdr_len: Its length in the guest: 12, or 10 for a legacy guest without
 *	MRG_RXBUF.
 * @frame: The Ethernet frame.
 * @len: Its length.
 * @mrg: VIRTIO_NET_F_MRG_RXBUF: the frame may fill several chains.
 *
 * Without @mrg the frame must fit the first chain.  With a 12-byte header
 * num_buffers (the chains filled; 1 without @mrg) is written in the guest.
 *
 * Return: 0; -ENOBUFS when the guest has not given enough buffers, or
 * -EMSGSIZE when (without @mrg) its buffer is too small: nothing is
 * taken; -EINVAL for a header over 12 bytes or a frame over 4 GiB;
 * -EPROTO if the queue is (now) broken.
 */
int virtq_rx_put(struct virtq *vq, const struct vhost_mem *mem,
		 const uint8_t *hdr, unsigned int hdr_len,
		 const uint8_t *frame, size_t len, bool mrg);

/**
 * virtq_flush() - Publish the used entries written since the last flush.
 * @vq: The queue.
 */
void virtq_flush(struct virtq *vq);

/**
 * virtq_notify_needed() - After virtq_flush(): does the guest want an
 * interrupt for what was used since it was last asked?
 * @vq: The queue.
 *
 * Counts the interrupt as sent when it says so.
 *
 * Return: true to signal the call eventfd.
 */
bool virtq_notify_needed(struct virtq *vq);

/**
 * virtq_kick_enable() - Ask the guest to kick us when it adds a chain
 * (before waiting for the kick eventfd).
 * @vq: The queue.
 *
 * Return: true if chains arrived meanwhile: take them instead of waiting.
 */
bool virtq_kick_enable(struct virtq *vq);

/**
 * virtq_kick_disable() - Ask the guest not to kick us (while we take
 * chains anyway, or for an RX queue that we fill only when frames come).
 * @vq: The queue.
 */
void virtq_kick_disable(struct virtq *vq);

#endif /* TAPSW_VIRTQ_H */
