// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost_dev.c - the vhost-user net back-end's side of the protocol: answer
 * GET_*, keep what SET_* says after checking it, start and stop the two
 * rings, and refuse what tapsw does not do (vhost_dev.h lists it).
 *
 * One handler per request, each given a message whose size and fd count
 * vhost_msg_check() has already checked; a handler that keeps an fd sets
 * its slot in the message to -1, and vhost_dev_handle() closes the rest.
 */
#include "tapsw/tapsw.h"

#include <endian.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "tapsw/vhost_dev.h"

#define BIT(n)	(1ull << (n))

uint64_t vhost_dev_features(bool offloads)
{
	uint64_t f = BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ANY_LAYOUT) |
		     BIT(VIRTIO_RING_F_EVENT_IDX) |
		     BIT(VIRTIO_NET_F_MRG_RXBUF) |
		     BIT(VHOST_USER_F_PROTOCOL_FEATURES);

	if (offloads)
		f |= BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_GUEST_CSUM) |
		     BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_HOST_TSO6) |
		     BIT(VIRTIO_NET_F_HOST_ECN) | BIT(VIRTIO_NET_F_GUEST_TSO4) |
		     BIT(VIRTIO_NET_F_GUEST_TSO6) | BIT(VIRTIO_NET_F_GUEST_ECN);
	return f;
}

static void vhost_vring_init(struct vhost_vring *vr)
{
	memset(vr, 0, sizeof(*vr));
	vr->kick_fd = vr->call_fd = vr->err_fd = -1;
}

void vhost_dev_init(struct vhost_dev *dev, uint64_t offered)
{
	unsigned int i;

	memset(dev, 0, sizeof(*dev));
	dev->offered = offered;
	for (i = 0; i < VHOST_DEV_VRINGS; i++)
		vhost_vring_init(&dev->vr[i]);
}

static void vhost_fd_set(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

static void vhost_vring_reset(struct vhost_vring *vr)
{
	vhost_fd_set(&vr->kick_fd, -1);
	vhost_fd_set(&vr->call_fd, -1);
	vhost_fd_set(&vr->err_fd, -1);
	vhost_vring_init(vr);
}

void vhost_dev_reset(struct vhost_dev *dev)
{
	unsigned int i;

	for (i = 0; i < VHOST_DEV_VRINGS; i++)
		vhost_vring_reset(&dev->vr[i]);
	vhost_mem_unmap(&dev->mem);
	vhost_dev_init(dev, dev->offered);
}

unsigned int vhost_dev_hdr_len(const struct vhost_dev *dev)
{
	return vhost_dev_has(dev, VIRTIO_F_VERSION_1) ||
	       vhost_dev_has(dev, VIRTIO_NET_F_MRG_RXBUF) ? 12 : 10;
}

__attribute__((format(printf, 3, 4)))
static int vhost_refuse(struct vhost_dev *dev, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->why, sizeof(dev->why), fmt, ap);
	va_end(ap);
	return ret;
}

/* the ring a SET/GET_VRING_* message names, or NULL (refused) */
static struct vhost_vring *vhost_vring_of(struct vhost_dev *dev,
					  const struct vhost_msg *msg,
					  uint32_t index)
{
	if (index >= VHOST_DEV_VRINGS) {
		vhost_refuse(dev, -EINVAL, "%s: ring %u (there are %u)",
			     vhost_msg_name(msg->hdr.request), index,
			     VHOST_DEV_VRINGS);
		return NULL;
	}
	return &dev->vr[index];
}

/* map ring @i where its messages said, from index @base */
static int vhost_vring_map(struct vhost_dev *dev, unsigned int i,
			   uint16_t base)
{
	struct vhost_vring *vr = &dev->vr[i];
	int ret;

	if (!dev->mem.n || !vr->num || !vr->addr_set)
		return vhost_refuse(dev, -EINVAL,
				    "ring %u started before its %s", i,
				    !dev->mem.n ? "memory table" :
				    !vr->num ? "size" : "addresses");
	ret = virtq_map(&vr->vq, &dev->mem, vr->num, vr->desc, vr->avail,
			vr->used, base,
			vhost_dev_has(dev, VIRTIO_RING_F_EVENT_IDX));
	if (ret < 0)
		return vhost_refuse(dev, ret,
				    "ring %u: %u entries at desc 0x%llx avail 0x%llx used 0x%llx: %s",
				    i, vr->num, (unsigned long long)vr->desc,
				    (unsigned long long)vr->avail,
				    (unsigned long long)vr->used,
				    virtq_err_text(VIRTQ_ERR_RING));
	return 0;
}

/* ---------------------------------------------------------- handlers -- */

static int vhost_set_features(struct vhost_dev *dev, struct vhost_msg *msg)
{
	uint64_t f = le64toh(msg->payload.u64);
	unsigned int i;

	if (f & BIT(VHOST_F_LOG_ALL))
		return vhost_refuse(dev, -ENOTSUP,
				    "SET_FEATURES: LOG_ALL (live migration) is not supported");
	if (f & ~dev->offered)
		return vhost_refuse(dev, -EINVAL,
				    "SET_FEATURES: 0x%llx not offered (offered 0x%llx)",
				    (unsigned long long)(f & ~dev->offered),
				    (unsigned long long)dev->offered);
	dev->features = f;
	for (i = 0; i < VHOST_DEV_VRINGS; i++)
		dev->vr[i].vq.event_idx = vhost_dev_has(dev,
							VIRTIO_RING_F_EVENT_IDX);
	return 0;
}

static int vhost_set_protocol_features(struct vhost_dev *dev,
				       struct vhost_msg *msg)
{
	uint64_t f = le64toh(msg->payload.u64);

	if (f & ~VHOST_DEV_PROTOCOL_FEATURES)
		return vhost_refuse(dev, -EINVAL,
				    "SET_PROTOCOL_FEATURES: 0x%llx not offered",
				    (unsigned long long)(f & ~VHOST_DEV_PROTOCOL_FEATURES));
	dev->protocol = f;
	return 0;
}

static int vhost_set_mem_table(struct vhost_dev *dev, struct vhost_msg *msg)
{
	struct vhost_mem_table_msg *t = &msg->payload.mem;
	struct vhost_mem_desc d[VHOST_MEM_REGIONS_MAX];
	unsigned int n = le32toh(t->nregions), i;
	struct vhost_mem mem = { 0 };
	char why[128];
	int ret;

	for (i = 0; i < n; i++) {
		d[i].gpa = le64toh(t->regions[i].gpa);
		d[i].size = le64toh(t->regions[i].size);
		d[i].uva = le64toh(t->regions[i].uva);
		d[i].mmap_offset = le64toh(t->regions[i].mmap_offset);
	}
	ret = vhost_mem_map(&mem, d, n, msg->fds, why, sizeof(why));
	if (ret)
		return vhost_refuse(dev, ret, "SET_MEM_TABLE: %s", why);
	vhost_mem_unmap(&dev->mem);
	dev->mem = mem;
	/* started rings move to the new mapping where they are */
	for (i = 0; i < VHOST_DEV_VRINGS; i++) {
		struct vhost_vring *vr = &dev->vr[i];
		struct virtq old = vr->vq;

		if (!vr->started) {
			/* nothing may point into the old mapping */
			memset(&vr->vq, 0, sizeof(vr->vq));
			continue;
		}
		ret = vhost_vring_map(dev, i, old.last_avail);
		if (ret)
			return ret;
		vr->vq.signalled = old.signalled;
		vr->vq.signalled_valid = old.signalled_valid;
	}
	return 0;
}

static int vhost_set_vring_num(struct vhost_dev *dev, struct vhost_msg *msg)
{
	struct vhost_vring *vr = vhost_vring_of(dev, msg,
						le32toh(msg->payload.state.index));
	uint32_t num = le32toh(msg->payload.state.num);

	if (!vr)
		return -EINVAL;
	if (!num || num > VIRTQ_SIZE_MAX || (num & (num - 1)))
		return vhost_refuse(dev, -EINVAL,
				    "SET_VRING_NUM: %u entries (a power of 2 up to %u)",
				    num, VIRTQ_SIZE_MAX);
	if (vr->started)
		return vhost_refuse(dev, -EBUSY,
				    "SET_VRING_NUM: ring started");
	vr->num = num;
	return 0;
}

static int vhost_set_vring_addr(struct vhost_dev *dev, struct vhost_msg *msg)
{
	struct vhost_vring_addr_msg *a = &msg->payload.addr;
	struct vhost_vring *vr = vhost_vring_of(dev, msg, le32toh(a->index));

	if (!vr)
		return -EINVAL;
	if (le32toh(a->flags) & VHOST_VRING_F_LOG)
		return vhost_refuse(dev, -ENOTSUP,
				    "SET_VRING_ADDR: logging (live migration) is not supported");
	vr->desc = le64toh(a->desc);
	vr->avail = le64toh(a->avail);
	vr->used = le64toh(a->used);
	vr->addr_set = true;
	if (vr->started)
		return vhost_vring_map(dev, (unsigned int)(vr - dev->vr),
				       vr->vq.last_avail);
	return 0;
}

static int vhost_set_vring_base(struct vhost_dev *dev, struct vhost_msg *msg)
{
	struct vhost_vring *vr = vhost_vring_of(dev, msg,
						le32toh(msg->payload.state.index));
	uint32_t base = le32toh(msg->payload.state.num);

	if (!vr)
		return -EINVAL;
	if (base > UINT16_MAX)
		return vhost_refuse(dev, -EINVAL,
				    "SET_VRING_BASE: %u (a split ring's index is 16 bits)",
				    base);
	if (vr->started)
		return vhost_refuse(dev, -EBUSY,
				    "SET_VRING_BASE: ring started");
	vr->base = (uint16_t)base;
	return 0;
}

static int vhost_get_vring_base(struct vhost_dev *dev, struct vhost_msg *msg,
				struct vhost_msg *reply)
{
	uint32_t index = le32toh(msg->payload.state.index);
	struct vhost_vring *vr = vhost_vring_of(dev, msg, index);

	if (!vr)
		return -EINVAL;
	if (vr->started) {
		virtq_flush(&vr->vq);
		vr->base = vr->vq.last_avail;
		vr->started = false;
		vhost_fd_set(&vr->kick_fd, -1);
		memset(&vr->vq, 0, sizeof(vr->vq));
	}
	reply->payload.state.index = htole32(index);
	reply->payload.state.num = htole32(vr->base);
	return 0;
}

/* SET_VRING_KICK/CALL/ERR: the ring and its fd (-1 with NOFD) */
static struct vhost_vring *vhost_vring_fd(struct vhost_dev *dev,
					  struct vhost_msg *msg, int *fd)
{
	uint64_t v = le64toh(msg->payload.u64);
	struct vhost_vring *vr;

	if (v & ~(uint64_t)(VHOST_USER_VRING_IDX_MASK |
			    VHOST_USER_VRING_NOFD)) {
		vhost_refuse(dev, -EINVAL, "%s: unknown bits in 0x%llx",
			     vhost_msg_name(msg->hdr.request),
			     (unsigned long long)v);
		return NULL;
	}
	vr = vhost_vring_of(dev, msg, v & VHOST_USER_VRING_IDX_MASK);
	if (!vr)
		return NULL;
	*fd = -1;
	if (!(v & VHOST_USER_VRING_NOFD)) {
		*fd = msg->fds[0];
		msg->fds[0] = -1;
	}
	return vr;
}

static int vhost_set_vring_kick(struct vhost_dev *dev, struct vhost_msg *msg)
{
	struct vhost_vring *vr;
	int fd, ret;

	vr = vhost_vring_fd(dev, msg, &fd);
	if (!vr)
		return -EINVAL;
	if (fd < 0)
		return vhost_refuse(dev, -ENOTSUP,
				    "SET_VRING_KICK: no kick fd (polling mode) is not supported");
	vhost_fd_set(&vr->kick_fd, fd);
	vr->kick_gen++;
	ret = vhost_vring_map(dev, (unsigned int)(vr - dev->vr), vr->base);
	if (ret)
		return ret;
	vr->started = true;
	if (!vhost_dev_has(dev, VHOST_USER_F_PROTOCOL_FEATURES))
		vr->enabled = true;
	return 0;
}

static int vhost_set_vring_callfd(struct vhost_dev *dev,
				  struct vhost_msg *msg)
{
	struct vhost_vring *vr;
	int fd;

	vr = vhost_vring_fd(dev, msg, &fd);
	if (!vr)
		return -EINVAL;
	vhost_fd_set(msg->hdr.request == VHOST_USER_SET_VRING_CALL ?
		     &vr->call_fd : &vr->err_fd, fd);
	return 0;
}

static int vhost_set_vring_enable(struct vhost_dev *dev,
				  struct vhost_msg *msg)
{
	struct vhost_vring *vr = vhost_vring_of(dev, msg,
						le32toh(msg->payload.state.index));
	uint32_t on = le32toh(msg->payload.state.num);

	if (!vr)
		return -EINVAL;
	if (on > 1)
		return vhost_refuse(dev, -EINVAL, "SET_VRING_ENABLE: %u", on);
	vr->enabled = on;
	return 0;
}

static void vhost_reply_u64(struct vhost_msg *reply, uint64_t v)
{
	reply->payload.u64 = htole64(v);
}

/* requests that answer with a payload of their own */
static bool vhost_has_reply(uint32_t request)
{
	return request == VHOST_USER_GET_FEATURES ||
	       request == VHOST_USER_GET_PROTOCOL_FEATURES ||
	       request == VHOST_USER_GET_VRING_BASE ||
	       request == VHOST_USER_GET_QUEUE_NUM;
}

static int vhost_dispatch(struct vhost_dev *dev, struct vhost_msg *msg,
			  struct vhost_msg *reply)
{
	switch (msg->hdr.request) {
	case VHOST_USER_GET_FEATURES:
		vhost_reply_u64(reply, dev->offered);
		return 0;
	case VHOST_USER_SET_FEATURES:
		return vhost_set_features(dev, msg);
	case VHOST_USER_SET_OWNER:
		dev->owner = true;
		return 0;
	case VHOST_USER_RESET_OWNER:
		vhost_dev_reset(dev);
		return 0;
	case VHOST_USER_SET_MEM_TABLE:
		return vhost_set_mem_table(dev, msg);
	case VHOST_USER_SET_VRING_NUM:
		return vhost_set_vring_num(dev, msg);
	case VHOST_USER_SET_VRING_ADDR:
		return vhost_set_vring_addr(dev, msg);
	case VHOST_USER_SET_VRING_BASE:
		return vhost_set_vring_base(dev, msg);
	case VHOST_USER_GET_VRING_BASE:
		return vhost_get_vring_base(dev, msg, reply);
	case VHOST_USER_SET_VRING_KICK:
		return vhost_set_vring_kick(dev, msg);
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		return vhost_set_vring_callfd(dev, msg);
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		vhost_reply_u64(reply, VHOST_DEV_PROTOCOL_FEATURES);
		return 0;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		return vhost_set_protocol_features(dev, msg);
	case VHOST_USER_GET_QUEUE_NUM:
		vhost_reply_u64(reply, 1);
		return 0;
	case VHOST_USER_SET_VRING_ENABLE:
		return vhost_set_vring_enable(dev, msg);
	case VHOST_USER_SET_LOG_BASE:
	case VHOST_USER_SET_LOG_FD:
		return vhost_refuse(dev, -ENOTSUP,
				    "%s: dirty logging (live migration) is not supported",
				    vhost_msg_name(msg->hdr.request));
	default:
		return vhost_refuse(dev, -ENOTSUP, "request %u (%s) not supported",
				    msg->hdr.request,
				    vhost_msg_name(msg->hdr.request));
	}
}

int vhost_dev_handle(struct vhost_dev *dev, struct vhost_msg *msg,
		     struct vhost_msg *reply, bool *send_reply)
{
	uint32_t req = msg->hdr.request;
	char why[128];
	int ret;

	*send_reply = false;
	dev->why[0] = '\0';
	ret = vhost_msg_check(msg, why, sizeof(why));
	if (ret)
		vhost_refuse(dev, ret, "%s", why);
	else
		ret = vhost_dispatch(dev, msg, reply);
	vhost_msg_close_fds(msg);

	if (vhost_has_reply(req)) {
		if (!ret) {
			vhost_msg_reply(reply, msg,
					req == VHOST_USER_GET_VRING_BASE ?
					sizeof(reply->payload.state) :
					sizeof(reply->payload.u64));
			*send_reply = true;
		}
	} else if ((dev->protocol & BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK)) &&
		   (msg->hdr.flags & VHOST_USER_NEED_REPLY)) {
		vhost_reply_u64(reply, ret ? 1 : 0);
		vhost_msg_reply(reply, msg, sizeof(reply->payload.u64));
		*send_reply = true;
	}
	return ret;
}
