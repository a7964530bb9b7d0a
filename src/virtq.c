// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtq.c - the device side of a split virtqueue in guest memory: TX chains
 * into a contiguous buffer, RX frames into the guest's buffers (mergeable
 * or not), used-ring publication and notification suppression, with every
 * value the guest wrote checked before use.
 *
 * Guest-written fields are loaded with relaxed atomic loads (each once, into
 * a local) so the compiler can neither tear nor re-load them; the ring
 * indices use acquire/release as virtq.h describes.  A chain walk is bounded
 * by the ring size, which is what catches loops (the kernel's vhost and
 * DPDK do the same).  RX reserves chains as it goes and gives them all back
 * (last_avail and used_idx restored) when the frame does not fit, so a
 * guest short of buffers loses that frame, never part of one.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <string.h>
#include <linux/virtio_net.h>

#include "tapsw/vhost_mem.h"
#include "tapsw/virtq.h"

enum {
	VIRTQ_NUM_BUFFERS_OFF = offsetof(struct virtio_net_hdr_mrg_rxbuf,
					 num_buffers),
	VIRTQ_VNET_HDR_LEN = sizeof(struct virtio_net_hdr_mrg_rxbuf),
};

static const struct {
	const char *name;
	const char *text;
} virtq_errs[VIRTQ_ERR_MAX] = {
	[VIRTQ_ERR_NONE] = { "none", "no error" },
	[VIRTQ_ERR_RING] = { "ring", "ring outside guest memory or misaligned" },
	[VIRTQ_ERR_AVAIL_IDX] = { "avail_idx",
				  "available index more than a ring ahead" },
	[VIRTQ_ERR_HEAD] = { "head", "chain head beyond the ring" },
	[VIRTQ_ERR_NEXT] = { "next", "descriptor next index beyond the ring" },
	[VIRTQ_ERR_LOOP] = { "loop",
			     "descriptor chain longer than the ring (a loop)" },
	[VIRTQ_ERR_ADDR] = { "addr", "buffer outside guest memory" },
	[VIRTQ_ERR_INDIRECT] = { "indirect",
				 "indirect descriptor (not negotiated)" },
	[VIRTQ_ERR_WRITABLE] = { "writable",
				 "device-writable buffer in a TX chain" },
	[VIRTQ_ERR_READABLE] = { "readable",
				 "device-readable buffer in an RX chain" },
};

const char *virtq_err_name(enum virtq_err e)
{
	return (unsigned int)e < VIRTQ_ERR_MAX ? virtq_errs[e].name : "unknown";
}

const char *virtq_err_text(enum virtq_err e)
{
	return (unsigned int)e < VIRTQ_ERR_MAX ? virtq_errs[e].text : "unknown";
}

/* ------------------------------------------------ guest-memory access -- */

static inline uint16_t virtq_ld16(const void *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED));
}

static inline void virtq_st16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, htole16(v), __ATOMIC_RELAXED);
}

/* used_event: the guest's "interrupt me when you pass this" (EVENT_IDX) */
static inline uint16_t *virtq_used_event(const struct virtq *vq)
{
	return (uint16_t *)&vq->avail->ring[vq->num];
}

/* avail_event: our "kick me when you pass this" (EVENT_IDX) */
static inline uint16_t *virtq_avail_event(const struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* load descriptor @i (< num) once */
static inline void virtq_desc_load(const struct virtq *vq, uint16_t i,
				   struct virtq_desc *d)
{
	const struct vring_desc *g = &vq->desc[i];

	d->addr = le64toh(__atomic_load_n(&g->addr, __ATOMIC_RELAXED));
	d->len = le32toh(__atomic_load_n(&g->len, __ATOMIC_RELAXED));
	d->flags = virtq_ld16(&g->flags);
	d->next = virtq_ld16(&g->next);
}

static int virtq_break(struct virtq *vq, enum virtq_err e)
{
	if (vq->err == VIRTQ_ERR_NONE)
		vq->err = e;
	return -EPROTO;
}

/* ------------------------------------------------------------- setup -- */

int virtq_map(struct virtq *vq, const struct vhost_mem *mem,
	      unsigned int num, uint64_t desc, uint64_t avail, uint64_t used,
	      uint16_t base, bool event_idx)
{
	uint16_t guest_used;

	memset(vq, 0, sizeof(*vq));
	if (!num || num > VIRTQ_SIZE_MAX || (num & (num - 1)))
		return -EINVAL;
	vq->desc = vhost_mem_uva(mem, desc, (uint64_t)num * 16);
	/* flags, idx, ring[num], used_event */
	vq->avail = vhost_mem_uva(mem, avail, 6 + (uint64_t)num * 2);
	/* flags, idx, ring[num] of 8 bytes, avail_event */
	vq->used = vhost_mem_uva(mem, used, 6 + (uint64_t)num * 8);
	if (!vq->desc || !vq->avail || !vq->used ||
	    ((uintptr_t)vq->desc & (VRING_DESC_ALIGN_SIZE - 1)) ||
	    ((uintptr_t)vq->avail & (VRING_AVAIL_ALIGN_SIZE - 1)) ||
	    ((uintptr_t)vq->used & (VRING_USED_ALIGN_SIZE - 1))) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		vq->err = VIRTQ_ERR_RING;
		return -EFAULT;
	}
	vq->num = (uint16_t)num;
	vq->event_idx = event_idx;
	guest_used = virtq_ld16(&vq->used->idx);
	vq->last_avail = vq->used_idx = base;
	if (guest_used != base)
		vq->last_avail = vq->used_idx = guest_used;
	vq->avail_shadow = vq->signalled = vq->used_idx;
	return guest_used != base;
}

int virtq_avail(struct virtq *vq)
{
	uint16_t idx, n;

	if (unlikely(vq->err))
		return -EPROTO;
	idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	n = (uint16_t)(idx - vq->last_avail);
	if (unlikely(n > vq->num))
		return virtq_break(vq, VIRTQ_ERR_AVAIL_IDX);
	vq->avail_shadow = idx;
	return n;
}

/*
 * the head of the next available chain; -EAGAIN if there is none (the
 * guest's index is read again only when the last one read is used up)
 */
static int virtq_take(struct virtq *vq, uint16_t *head)
{
	uint16_t h;
	int n;

	if (vq->last_avail == vq->avail_shadow) {
		n = virtq_avail(vq);
		if (n <= 0)
			return n < 0 ? n : -EAGAIN;
	}
	h = virtq_ld16(&vq->avail->ring[vq->last_avail & (vq->num - 1)]);
	if (unlikely(h >= vq->num))
		return virtq_break(vq, VIRTQ_ERR_HEAD);
	vq->last_avail++;
	*head = h;
	return 0;
}

/* write used entry (@head, @len) at used_idx; visible after the flush */
static void virtq_use(struct virtq *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used_idx &
						       (vq->num - 1)];

	__atomic_store_n(&e->id, htole32(head), __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, htole32(len), __ATOMIC_RELAXED);
	vq->used_idx++;
}

/*
 * check descriptor @d of a chain: not indirect, the direction @write
 * (VRING_DESC_F_WRITE or 0), and that its buffer does not wrap around
 */
static int virtq_desc_check(struct virtq *vq, const struct virtq_desc *d,
			    uint16_t write)
{
	if (unlikely(d->flags & VRING_DESC_F_INDIRECT))
		return virtq_break(vq, VIRTQ_ERR_INDIRECT);
	if (unlikely((d->flags & VRING_DESC_F_WRITE) != write))
		return virtq_break(vq, write ? VIRTQ_ERR_READABLE :
					       VIRTQ_ERR_WRITABLE);
	if (unlikely(d->len && d->len - 1 > UINT64_MAX - d->addr))
		return virtq_break(vq, VIRTQ_ERR_ADDR);
	return 0;
}

/* the next descriptor of a chain after @d, the @count-th one walked */
static int virtq_desc_next(struct virtq *vq, const struct virtq_desc *d,
			   unsigned int count, uint16_t *next)
{
	if (unlikely(d->next >= vq->num))
		return virtq_break(vq, VIRTQ_ERR_NEXT);
	if (unlikely(count >= vq->num))
		return virtq_break(vq, VIRTQ_ERR_LOOP);
	*next = d->next;
	return 0;
}

/* ---------------------------------------------------------------- TX -- */

/* copy guest [gpa, gpa + len) to @dst; false if some of it is unmapped */
static bool virtq_copy_from(const struct vhost_mem *mem, uint8_t *dst,
			    uint64_t gpa, uint64_t len)
{
	while (len) {
		uint64_t chunk;
		const uint8_t *src = vhost_mem_gpa_chunk(mem, gpa, len, &chunk);

		if (unlikely(!src))
			return false;
		memcpy(dst, src, chunk);
		dst += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return true;
}

ssize_t virtq_tx_pop(struct virtq *vq, const struct vhost_mem *mem,
		     uint8_t *buf, size_t cap)
{
	struct virtq_desc d;
	uint64_t total = 0;
	unsigned int count = 0;
	uint16_t head, i;
	int ret;

	if (unlikely(vq->err))
		return -EPROTO;
	ret = virtq_take(vq, &head);
	if (ret)
		return ret;
	for (i = head;; ) {
		virtq_desc_load(vq, i, &d);
		count++;
		ret = virtq_desc_check(vq, &d, 0);
		if (ret)
			return ret;
		/* past @cap the rest is only walked, for its length */
		if (total + d.len <= cap &&
		    unlikely(!virtq_copy_from(mem, buf + total, d.addr, d.len)))
			return virtq_break(vq, VIRTQ_ERR_ADDR);
		total += d.len;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		ret = virtq_desc_next(vq, &d, count, &i);
		if (ret)
			return ret;
	}
	virtq_use(vq, head, 0);
	return total > cap ? -EMSGSIZE : (ssize_t)total;
}

/* ---------------------------------------------------------------- RX -- */

/* what virtq_rx_put() writes: the header's first hdr_len bytes, the frame */
struct virtq_src {
	const uint8_t *hdr;
	size_t hdr_len;
	const uint8_t *frame;
	size_t total;		/* hdr_len + frame length */
	size_t pos;		/* bytes written so far */
	uint8_t *nb[2];		/* where num_buffers' two bytes went */
};

/* where the next bytes come from, and how many follow there */
static const uint8_t *virtq_src_at(const struct virtq_src *s, size_t *n)
{
	if (s->pos < s->hdr_len) {
		*n = s->hdr_len - s->pos;
		return s->hdr + s->pos;
	}
	*n = s->total - s->pos;
	return s->frame + (s->pos - s->hdr_len);
}

/* note where stream offset @off landed, if this piece covered it */
static void virtq_src_mark(struct virtq_src *s, uint8_t *dst, size_t n,
			   size_t off, uint8_t **where)
{
	if (s->pos <= off && off < s->pos + n)
		*where = dst + (off - s->pos);
}

/* write the next bytes of @s to guest [gpa, gpa + len): false if unmapped */
static bool virtq_copy_to(const struct vhost_mem *mem, uint64_t gpa,
			  uint64_t len, struct virtq_src *s)
{
	while (len && s->pos < s->total) {
		uint64_t chunk;
		size_t piece;
		const uint8_t *from = virtq_src_at(s, &piece);
		uint8_t *dst = vhost_mem_gpa_chunk(mem, gpa, MIN(len, piece),
						   &chunk);

		if (unlikely(!dst))
			return false;
		memcpy(dst, from, chunk);
		if (s->hdr_len == VIRTQ_VNET_HDR_LEN) {
			virtq_src_mark(s, dst, chunk, VIRTQ_NUM_BUFFERS_OFF,
				       &s->nb[0]);
			virtq_src_mark(s, dst, chunk, VIRTQ_NUM_BUFFERS_OFF + 1,
				       &s->nb[1]);
		}
		s->pos += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return true;
}

/* fill the chain at @head with what @s has left; *@written: bytes put */
static int virtq_rx_chain(struct virtq *vq, const struct vhost_mem *mem,
			  uint16_t head, struct virtq_src *s,
			  uint32_t *written)
{
	size_t start = s->pos;
	struct virtq_desc d;
	unsigned int count = 0;
	uint16_t i;
	int ret;

	for (i = head; s->pos < s->total; ) {
		virtq_desc_load(vq, i, &d);
		count++;
		ret = virtq_desc_check(vq, &d, VRING_DESC_F_WRITE);
		if (ret)
			return ret;
		if (unlikely(!virtq_copy_to(mem, d.addr, d.len, s)))
			return virtq_break(vq, VIRTQ_ERR_ADDR);
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		ret = virtq_desc_next(vq, &d, count, &i);
		if (ret)
			return ret;
	}
	*written = (uint32_t)(s->pos - start);
	return 0;
}

int virtq_rx_put(struct virtq *vq, const struct vhost_mem *mem,
		 const uint8_t *hdr, unsigned int hdr_len,
		 const uint8_t *frame, size_t len, bool mrg)
{
	uint16_t saved_avail = vq->last_avail, saved_used = vq->used_idx;
	struct virtq_src s = {
		.hdr = hdr, .hdr_len = hdr_len, .frame = frame,
	};
	unsigned int nbufs = 0;
	uint32_t written;
	uint16_t head;
	int ret;

	if (unlikely(vq->err))
		return -EPROTO;
	if (hdr_len > VIRTQ_VNET_HDR_LEN ||
	    len > UINT32_MAX - VIRTQ_VNET_HDR_LEN)
		return -EINVAL;
	s.total = hdr_len + len;
	while (s.pos < s.total) {
		if (!mrg && nbufs) {
			ret = -EMSGSIZE;
			goto err_rollback;
		}
		ret = virtq_take(vq, &head);
		if (ret)
			goto err_rollback;
		ret = virtq_rx_chain(vq, mem, head, &s, &written);
		if (ret)
			goto err_rollback;
		virtq_use(vq, head, written);
		nbufs++;
	}
	if (hdr_len == VIRTQ_VNET_HDR_LEN) {
		/* num_buffers, little-endian, wherever its bytes landed */
		*s.nb[0] = (uint8_t)nbufs;
		*s.nb[1] = (uint8_t)(nbufs >> 8);
	}
	return 0;

err_rollback:
	vq->last_avail = saved_avail;
	vq->used_idx = saved_used;
	return ret == -EAGAIN ? -ENOBUFS : ret;
}

/* ------------------------------------------------------ notification -- */

void virtq_flush(struct virtq *vq)
{
	if (unlikely(!vq->used))
		return;
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx),
			 __ATOMIC_RELEASE);
}

bool virtq_notify_needed(struct virtq *vq)
{
	uint16_t old = vq->signalled, now = vq->used_idx;
	bool need;

	if (unlikely(!vq->used) || old == now)
		return false;
	/* our used index before their event index or flags */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx)
		need = !vq->signalled_valid ||
		       vring_need_event(virtq_ld16(virtq_used_event(vq)), now,
					old);
	else
		need = !(virtq_ld16(&vq->avail->flags) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	vq->signalled = now;
	vq->signalled_valid = true;
	return need;
}

bool virtq_kick_enable(struct virtq *vq)
{
	uint16_t idx;

	if (unlikely(!vq->used))
		return false;
	if (vq->event_idx)
		virtq_st16(virtq_avail_event(vq), vq->last_avail);
	else
		virtq_st16(&vq->used->flags, 0);
	/* our request before their index */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	return idx != vq->last_avail;
}

void virtq_kick_disable(struct virtq *vq)
{
	if (unlikely(!vq->used))
		return;
	/*
	 * EVENT_IDX: an avail_event just behind us is passed again only
	 * after 65535 more chains
	 */
	if (vq->event_idx)
		virtq_st16(virtq_avail_event(vq), (uint16_t)(vq->last_avail - 1));
	else
		virtq_st16(&vq->used->flags, VRING_USED_F_NO_NOTIFY);
}
