// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdb.c - the forwarding database: a preallocated open-addressing table of
 * 16-byte slots, keyed by (VLAN, MAC) packed in one 64-bit word, with
 * linear probing, backward-shift deletion, a bounded probe length, a seeded
 * hash, lazy expiry (checked on lookup, reclaimed by an incremental sweep)
 * and a hard cap with fair eviction.  The design is described in fdb.h.
 *
 * Nothing here allocates after fdb_new(), does I/O or reads the clock.
 */
#include "tapsw/tapsw.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "tapsw/fdb.h"

/*
 * Slot layout.
 *
 * key:   bit 63        valid (an empty slot is all zero)
 *        bits 48..59   VLAN id
 *        bits 0..47    MAC, as the 6 bytes memcpy()d into the low end
 * value: bits 0..15    port index
 *        bit 16        static
 *        bits 32..63   last seen, in units of 100 ms (deciseconds, "ds"),
 *                      modulo 2^32; ages are computed as a signed 32-bit
 *                      difference, so wrap-around of the clock is harmless.
 */
enum {
	FDB_PROBE_MAX = 256,		/* longest chain: 256 slots, 4 KiB */
	FDB_EVICT_CANDIDATES = 8,	/* LRU among this many of a port */
	FDB_TICK_MS = 100,		/* last-seen resolution */
};

#define FDB_KEY_VALID		(UINT64_C(1) << 63)
#define FDB_KEY_VID_SHIFT	48
#define FDB_VAL_PORT_MASK	UINT64_C(0xffff)
#define FDB_VAL_STATIC		(UINT64_C(1) << 16)
#define FDB_VAL_TIME_SHIFT	32
#define FDB_HUGE_PAGE		((size_t)2 << 20)
/* the largest age the 32-bit signed difference can express, in ms */
#define FDB_AGEING_MAX_MS	((uint64_t)INT32_MAX * FDB_TICK_MS)

struct fdb_slot {
	uint64_t key;
	uint64_t val;
};

struct fdb {
	struct fdb_slot *slots;
	uint32_t mask;			/* capacity - 1 */
	uint32_t probe_max;		/* MIN(FDB_PROBE_MAX, capacity) */
	uint32_t max_entries;
	uint32_t n_entries;		/* occupied slots, dead included */
	uint32_t n_static;
	uint32_t age_cursor;		/* next slot fdb_age() looks at */
	uint32_t evict_cursor;		/* next slot eviction looks at */
	uint32_t port_hi;		/* ports in use are < port_hi */
	uint64_t ageing_ms;
	uint64_t k0, k1;		/* hash keys, derived from the seed */
	struct fdb_stats stats;		/* event counters only */
	uint32_t port_learned[FDB_PORT_MAX];	/* expired included */
	uint32_t port_static[FDB_PORT_MAX];
	uint32_t port_limit[FDB_PORT_MAX];	/* learned entries allowed, 0: any */
	fdb_notify_t notify;		/* NULL unless somebody listens */
	void *notify_arg;
};

/* --- hashing */

static uint64_t fdb_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* 64x64 -> 128 bit multiply, folded: wyhash's "mum" mixing step */
static inline uint64_t fdb_mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t fdb_hash(const struct fdb *fdb, uint64_t key)
{
	uint64_t h;

	h = fdb_mum(key ^ fdb->k0, ((key << 32) | (key >> 32)) ^ fdb->k1);
	return fdb_mum(h ^ UINT64_C(0x2d358dccaa6c78a5),
		       UINT64_C(0x8bb84b93962eacc9));
}

static inline uint32_t fdb_home(const struct fdb *fdb, uint64_t key)
{
	return (uint32_t)fdb_hash(fdb, key) & fdb->mask;
}

/* --- key and value */

static inline uint64_t fdb_key(const uint8_t *mac, uint16_t vid)
{
	uint64_t k = 0;

	memcpy(&k, mac, FDB_ETH_ALEN);	/* 6 bytes: the low 48 bits */
	return k | ((uint64_t)vid << FDB_KEY_VID_SHIFT) | FDB_KEY_VALID;
}

static inline uint64_t fdb_val(unsigned int port, bool is_static,
			       uint32_t ds)
{
	return (uint64_t)port | (is_static ? FDB_VAL_STATIC : 0) |
	       ((uint64_t)ds << FDB_VAL_TIME_SHIFT);
}

static inline unsigned int val_port(uint64_t val)
{
	return (unsigned int)(val & FDB_VAL_PORT_MASK);
}

static inline bool val_is_static(uint64_t val)
{
	return val & FDB_VAL_STATIC;
}

static inline uint32_t val_ds(uint64_t val)
{
	return (uint32_t)(val >> FDB_VAL_TIME_SHIFT);
}

static inline uint32_t ms_to_ds(uint64_t ms)
{
	return (uint32_t)(ms / FDB_TICK_MS);	/* modulo 2^32 on purpose */
}

/* Age in ds; a last-seen "in the future" (time stepped back) is age 0. */
static inline uint32_t fdb_age_ds(uint64_t val, uint32_t now_ds)
{
	int32_t d = (int32_t)(now_ds - val_ds(val));

	return d > 0 ? (uint32_t)d : 0;
}

/*
 * fdb_val_alive() - whether an entry counts at @now_ds: static entries
 * always do; learned ones while (now_ds - last_ds) * 100 < ageing_ms, and
 * never with ageing 0 (learning off, like the Linux bridge's ageing_time 0).
 */
static inline bool fdb_val_alive(const struct fdb *fdb, uint64_t val,
				 uint32_t now_ds)
{
	if (val_is_static(val))
		return true;
	return (uint64_t)fdb_age_ds(val, now_ds) * FDB_TICK_MS <
	       fdb->ageing_ms;
}

/* --- change notifications */

static void __attribute__((noinline, cold))
fdb_event_emit(struct fdb *fdb, enum fdb_event_type type, uint64_t key,
	       uint64_t val, int old_port)
{
	struct fdb_event ev = {
		.type = type,
		.vid = (uint16_t)((key >> FDB_KEY_VID_SHIFT) & FDB_VID_MAX),
		.port = (int)val_port(val),
		.old_port = old_port,
		.is_static = val_is_static(val),
	};

	memcpy(ev.mac, &key, FDB_ETH_ALEN);
	fdb->notify(&ev, fdb->notify_arg);
}

/* fdb_event() - report the entry @key/@val; one branch when nobody listens */
static inline void fdb_event(struct fdb *fdb, enum fdb_event_type type,
			     uint64_t key, uint64_t val, int old_port)
{
	if (unlikely(fdb->notify))
		fdb_event_emit(fdb, type, key, val, old_port);
}

void fdb_set_notify(struct fdb *fdb, fdb_notify_t fn, void *arg)
{
	fdb->notify = fn;
	fdb->notify_arg = arg;
}

/* --- counting */

static void fdb_count_add(struct fdb *fdb, uint64_t val)
{
	unsigned int port = val_port(val);

	fdb->n_entries++;
	if (val_is_static(val)) {
		fdb->n_static++;
		fdb->port_static[port]++;
	} else {
		fdb->port_learned[port]++;
	}
	if (port >= fdb->port_hi)
		fdb->port_hi = port + 1;
}

static void fdb_count_del(struct fdb *fdb, uint64_t val)
{
	unsigned int port = val_port(val);

	fdb->n_entries--;
	if (val_is_static(val)) {
		fdb->n_static--;
		fdb->port_static[port]--;
	} else {
		fdb->port_learned[port]--;
	}
}

/* Rewrite slot @s's value, keeping the counts right. */
static void fdb_slot_set(struct fdb *fdb, struct fdb_slot *s, uint64_t val)
{
	fdb_count_del(fdb, s->val);
	s->val = val;
	fdb_count_add(fdb, val);
}

/*
 * fdb_slot_remove() - empty slot @i with backward-shift deletion: each
 * following entry of the cluster moves into the hole unless the hole lies
 * before its home slot (cyclically).  Entries only move towards their home,
 * so no chain grows and the probe bound still holds.  After this, slot @i
 * may hold another entry: callers walking the table look at @i again.
 */
static void fdb_slot_remove(struct fdb *fdb, uint32_t i)
{
	struct fdb_slot *slots = fdb->slots;
	uint32_t mask = fdb->mask;
	uint32_t j = i, home;

	fdb_count_del(fdb, slots[i].val);
	for (;;) {
		j = (j + 1) & mask;
		if (!slots[j].key)
			break;
		home = fdb_home(fdb, slots[j].key);
		/* slot j may move to i iff home is not in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			slots[i] = slots[j];
			i = j;
		}
	}
	slots[i].key = 0;
	slots[i].val = 0;
}

/*
 * fdb_find() - the slot holding @key, or -1.  Probing stops at an empty
 * slot or after probe_max slots: no entry is stored farther from home.
 */
static inline int64_t fdb_find(const struct fdb *fdb, uint64_t key)
{
	uint32_t i = fdb_home(fdb, key);
	uint32_t n;

	for (n = 0; n < fdb->probe_max; n++, i = (i + 1) & fdb->mask) {
		if (fdb->slots[i].key == key)
			return i;
		if (!fdb->slots[i].key)
			return -1;
	}
	return -1;
}

/*
 * fdb_find_free() - for a key known to be absent: the first empty slot of
 * its chain, or else the first expired learned entry of the chain (which is
 * reclaimed, counted as aged), or -1 when the chain is at the probe bound.
 * An expired entry is preferred when it comes first: reusing it keeps the
 * chain short and the entry count unchanged.
 */
static int64_t fdb_find_free(struct fdb *fdb, uint64_t key, uint32_t now_ds)
{
	uint32_t i = fdb_home(fdb, key);
	uint32_t n;

	for (n = 0; n < fdb->probe_max; n++, i = (i + 1) & fdb->mask) {
		struct fdb_slot *s = &fdb->slots[i];

		if (!s->key)
			return i;
		if (!fdb_val_alive(fdb, s->val, now_ds)) {
			fdb_event(fdb, FDB_EV_AGE, s->key, s->val, -1);
			fdb_count_del(fdb, s->val);
			s->key = 0;
			s->val = 0;
			fdb->stats.aged++;
			return i;
		}
	}
	return -1;
}

/*
 * fdb_evict_one() - make room for one entry at the cap, for @port.  The
 * victim is a learned entry of the port with the most learned entries
 * (@port itself when it is one of those, so that a port flooding new
 * addresses evicts its own as soon as it is level with the largest): the least
 * recently seen of the first FDB_EVICT_CANDIDATES entries of that port
 * found from the rotating eviction cursor.  An expired entry met on the
 * way is reclaimed instead (counted as aged).  Static entries are never
 * candidates.  The scan is bounded by the capacity; it finds the port's
 * entries quickly because that port holds the largest share of the table.
 * Returns false when nothing could be removed (only static entries).
 */
static bool fdb_evict_one(struct fdb *fdb, unsigned int port, uint32_t now_ds)
{
	uint32_t cap = fdb->mask + 1;
	uint32_t i = fdb->evict_cursor & fdb->mask;
	uint32_t best_age = 0, found = 0, n, p;
	unsigned int victim = port;	/* on a tie, the learning port */
	bool expired = false;
	int64_t best = -1;

	if (fdb->n_static >= fdb->n_entries)
		return false;
	for (p = 0; p < fdb->port_hi; p++)
		if (fdb->port_learned[p] > fdb->port_learned[victim])
			victim = p;
	if (!fdb->port_learned[victim])
		return false;	/* not reached: counts say one exists */

	for (n = 0; n < cap; n++, i = (i + 1) & fdb->mask) {
		const struct fdb_slot *s = &fdb->slots[i];
		uint32_t age;

		if (!s->key || val_is_static(s->val))
			continue;
		if (!fdb_val_alive(fdb, s->val, now_ds)) {
			best = i;	/* reclaimed: aged, not evicted */
			expired = true;
			break;
		}
		if (val_port(s->val) != victim)
			continue;
		age = fdb_age_ds(s->val, now_ds);
		if (best < 0 || age > best_age) {
			best = i;
			best_age = age;
		}
		if (++found == FDB_EVICT_CANDIDATES)
			break;
	}
	fdb->evict_cursor = (i + 1) & fdb->mask;
	if (best < 0)
		return false;
	if (expired)
		fdb->stats.aged++;
	else
		fdb->stats.evicted++;
	fdb_event(fdb, expired ? FDB_EV_AGE : FDB_EV_EVICT,
		  fdb->slots[best].key, fdb->slots[best].val, -1);
	fdb_slot_remove(fdb, (uint32_t)best);
	return true;
}

/*
 * fdb_insert() - store a new @key (known to be absent) with @val: reuse an
 * empty or expired slot of its chain, evicting at the cap first.
 * Returns 0, or -ENOSPC.
 */
static int fdb_insert(struct fdb *fdb, uint64_t key, uint64_t val,
		      uint32_t now_ds)
{
	int64_t i = fdb_find_free(fdb, key, now_ds);

	if (i < 0)
		return -ENOSPC;
	if (!fdb->slots[i].key && fdb->n_entries >= fdb->max_entries) {
		if (!fdb_evict_one(fdb, val_port(val), now_ds))
			return -ENOSPC;
		/* the removal may have shifted entries: probe again */
		i = fdb_find_free(fdb, key, now_ds);
		if (i < 0)
			return -ENOSPC;	/* not reached: no chain grew */
	}
	fdb->slots[i].key = key;
	fdb->slots[i].val = val;
	fdb_count_add(fdb, val);
	return 0;
}

/* --- creation */

static uint64_t fdb_random_seed(const void *salt)
{
	struct timespec ts;
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof(seed), 0) == (ssize_t)sizeof(seed) && seed)
		return seed;
	/* no getrandom() (old kernel, seccomp): weaker, still per process */
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	       (uint64_t)(uintptr_t)salt;
	return seed ? seed : 1;
}

struct fdb *fdb_new(const struct fdb_config *cfg)
{
	uint64_t cap, seed;
	size_t bytes, align;
	struct fdb *fdb;

	if (!cfg || !cfg->max_entries || cfg->max_entries > FDB_ENTRIES_LIMIT) {
		errno = EINVAL;
		return NULL;
	}
	/* next power of two >= max_entries / 0.75 */
	cap = ((uint64_t)cfg->max_entries * 4 + 2) / 3;
	cap = cap < 2 ? 2 : UINT64_C(1) << (64 - __builtin_clzll(cap - 1));

	fdb = calloc(1, sizeof(*fdb));
	if (!fdb)
		return NULL;
	/*
	 * Cache-line aligned (4 slots a line), and touched now: no page
	 * faults when flooded.  From 2 MiB up (64k entries), aligned to
	 * huge pages and asked for them: a random probe into a large table
	 * then misses the TLB far less often.  aligned_alloc() wants a
	 * multiple of the alignment; powers of two >= 64 are.
	 */
	bytes = (size_t)MAX(cap * sizeof(struct fdb_slot), 64);
	align = bytes >= FDB_HUGE_PAGE ? FDB_HUGE_PAGE : 64;
	fdb->slots = aligned_alloc(align, bytes);
	if (!fdb->slots) {
		free(fdb);
		errno = ENOMEM;
		return NULL;
	}
	if (align == FDB_HUGE_PAGE)
		madvise(fdb->slots, bytes, MADV_HUGEPAGE);	/* a hint */
	memset(fdb->slots, 0, bytes);

	fdb->mask = (uint32_t)(cap - 1);
	fdb->probe_max = (uint32_t)MIN(cap, FDB_PROBE_MAX);
	fdb->max_entries = cfg->max_entries;
	fdb_set_ageing(fdb, cfg->ageing_ms);
	seed = cfg->seed ? cfg->seed : fdb_random_seed(fdb);
	fdb->k0 = fdb_splitmix64(&seed);
	fdb->k1 = fdb_splitmix64(&seed);
	return fdb;
}

void fdb_free(struct fdb *fdb)
{
	if (!fdb)
		return;
	free(fdb->slots);
	free(fdb);
}

uint64_t fdb_get_ageing(const struct fdb *fdb)
{
	return fdb->ageing_ms;
}

void fdb_set_ageing(struct fdb *fdb, uint64_t ageing_ms)
{
	fdb->ageing_ms = MIN(ageing_ms, FDB_AGEING_MAX_MS);
}

/* --- per-port limits */

void fdb_set_port_limit(struct fdb *fdb, unsigned int port, uint32_t max)
{
	if (port < FDB_PORT_MAX)
		fdb->port_limit[port] = max;
}

uint32_t fdb_get_port_limit(const struct fdb *fdb, unsigned int port)
{
	return port < FDB_PORT_MAX ? fdb->port_limit[port] : 0;
}

static inline bool fdb_port_full(const struct fdb *fdb, unsigned int port)
{
	return fdb->port_limit[port] &&
	       fdb->port_learned[port] >= fdb->port_limit[port];
}

/* --- the forwarding path */

enum fdb_learn_result fdb_learn(struct fdb *fdb, const uint8_t *mac,
				uint16_t vid, unsigned int port,
				uint64_t now_ms, unsigned int *old_port)
{
	uint32_t now_ds = ms_to_ds(now_ms);
	uint64_t key, val;
	struct fdb_slot *s;
	int64_t i;

	if (unlikely(!fdb->ageing_ms))
		return FDB_LEARN_DISABLED;
	if (unlikely(port >= FDB_PORT_MAX || vid > FDB_VID_MAX)) {
		fdb->stats.refused++;
		return FDB_LEARN_REFUSED;
	}
	key = fdb_key(mac, vid);
	i = fdb_find(fdb, key);
	if (likely(i >= 0)) {
		s = &fdb->slots[i];
		val = s->val;
		if (val_is_static(val)) {
			if (val_port(val) == port)
				return FDB_LEARN_HIT;
			fdb->stats.refused++;
			return FDB_LEARN_REFUSED;
		}
		if (unlikely(!fdb_val_alive(fdb, val, now_ds))) {
			/* dead but not yet reclaimed: learn it afresh */
			fdb->stats.aged++;
			fdb_event(fdb, FDB_EV_AGE, key, val, -1);
			if (val_port(val) != port && fdb_port_full(fdb, port)) {
				fdb_slot_remove(fdb, (uint32_t)i);
				fdb->stats.limited++;
				return FDB_LEARN_LIMITED;
			}
			fdb->stats.learned++;
			fdb_slot_set(fdb, s, fdb_val(port, false, now_ds));
			fdb_event(fdb, FDB_EV_LEARN, key, s->val, -1);
			return FDB_LEARN_NEW;
		}
		if (likely(val_port(val) == port)) {
			if (val_ds(val) != now_ds)	/* a store per 100 ms */
				s->val = fdb_val(port, false, now_ds);
			return FDB_LEARN_HIT;
		}
		if (old_port)
			*old_port = val_port(val);
		if (unlikely(fdb_port_full(fdb, port))) {
			/* stale where it is, not allowed here: forget it */
			fdb_event(fdb, FDB_EV_LIMIT, key,
				  fdb_val(port, false, 0), (int)val_port(val));
			fdb_slot_remove(fdb, (uint32_t)i);
			fdb->stats.limited++;
			return FDB_LEARN_LIMITED;
		}
		fdb->stats.moves++;
		fdb_slot_set(fdb, s, fdb_val(port, false, now_ds));
		fdb_event(fdb, FDB_EV_MOVE, key, s->val, (int)val_port(val));
		return FDB_LEARN_MOVED;
	}

	if (unlikely(fdb_port_full(fdb, port))) {
		fdb->stats.limited++;
		return FDB_LEARN_LIMITED;
	}
	val = fdb_val(port, false, now_ds);
	if (fdb_insert(fdb, key, val, now_ds) < 0) {
		fdb->stats.refused++;
		return FDB_LEARN_REFUSED;
	}
	fdb->stats.learned++;
	fdb_event(fdb, FDB_EV_LEARN, key, val, -1);
	return FDB_LEARN_NEW;
}

int fdb_lookup(const struct fdb *fdb, const uint8_t *mac, uint16_t vid,
	       uint64_t now_ms)
{
	int64_t i;
	uint64_t val;

	if (unlikely(vid > FDB_VID_MAX))
		return -ENOENT;
	i = fdb_find(fdb, fdb_key(mac, vid));
	if (i < 0)
		return -ENOENT;
	val = fdb->slots[i].val;
	if (!fdb_val_alive(fdb, val, ms_to_ds(now_ms)))
		return -ENOENT;
	return (int)val_port(val);
}

/* --- the control path */

int fdb_add_static(struct fdb *fdb, const uint8_t *mac, uint16_t vid,
		   unsigned int port, uint64_t now_ms)
{
	uint32_t now_ds = ms_to_ds(now_ms);
	uint64_t key, val;
	int64_t i;

	if (port >= FDB_PORT_MAX || vid > FDB_VID_MAX)
		return -EINVAL;
	key = fdb_key(mac, vid);
	val = fdb_val(port, true, now_ds);
	i = fdb_find(fdb, key);
	if (i >= 0)
		fdb_slot_set(fdb, &fdb->slots[i], val);
	else if (fdb_insert(fdb, key, val, now_ds) < 0)
		return -ENOSPC;
	fdb_event(fdb, FDB_EV_ADD, key, val, -1);
	return 0;
}

int fdb_del(struct fdb *fdb, const uint8_t *mac, uint16_t vid)
{
	int64_t i;

	if (vid > FDB_VID_MAX)
		return -ENOENT;
	i = fdb_find(fdb, fdb_key(mac, vid));
	if (i < 0)
		return -ENOENT;
	fdb_event(fdb, FDB_EV_DEL, fdb->slots[i].key, fdb->slots[i].val, -1);
	fdb_slot_remove(fdb, (uint32_t)i);
	fdb->stats.flushed++;
	return 0;
}

static bool fdb_flush_match(uint64_t val, int port, unsigned int flags)
{
	if (port >= 0 && val_port(val) != (unsigned int)port)
		return false;
	return flags & (val_is_static(val) ? FDB_FLUSH_STATIC :
					     FDB_FLUSH_LEARNED);
}

unsigned int fdb_flush(struct fdb *fdb, int port, unsigned int flags)
{
	uint32_t cap = fdb->mask + 1;
	unsigned int removed = 0;
	uint32_t i = 0;

	if (port >= FDB_PORT_MAX)
		return 0;
	/* when nothing can match, skip the walk */
	if (port >= 0 && !fdb->port_learned[port] && !fdb->port_static[port])
		return 0;
	while (i < cap && fdb->n_entries) {
		const struct fdb_slot *s = &fdb->slots[i];

		if (s->key && fdb_flush_match(s->val, port, flags)) {
			/* another entry may move into slot i: look again */
			fdb_slot_remove(fdb, i);
			removed++;
		} else {
			i++;
		}
	}
	fdb->stats.flushed += removed;
	if (unlikely(fdb->notify) && removed) {
		struct fdb_event ev = {
			.type = FDB_EV_FLUSH, .port = port, .old_port = -1,
			.count = removed, .flags = flags,
		};

		fdb->notify(&ev, fdb->notify_arg);
	}
	return removed;
}

unsigned int fdb_age(struct fdb *fdb, uint64_t now_ms, unsigned int max_slots)
{
	uint32_t now_ds = ms_to_ds(now_ms);
	uint32_t cap = fdb->mask + 1;
	uint32_t i = fdb->age_cursor & fdb->mask;
	unsigned int aged = 0, n;

	if (max_slots > cap)
		max_slots = cap;
	for (n = 0; n < max_slots && fdb->n_entries > fdb->n_static;) {
		const struct fdb_slot *s = &fdb->slots[i];

		if (s->key && !fdb_val_alive(fdb, s->val, now_ds)) {
			fdb_event(fdb, FDB_EV_AGE, s->key, s->val, -1);
			/* another entry may move into slot i: look again */
			fdb_slot_remove(fdb, i);
			aged++;
			continue;
		}
		i = (i + 1) & fdb->mask;
		n++;
	}
	fdb->age_cursor = i;
	fdb->stats.aged += aged;
	return aged;
}

unsigned int fdb_capacity(const struct fdb *fdb)
{
	return fdb->mask + 1;
}

/* the entry in slot @s, its last-seen time relative to @now_ms */
static void fdb_slot_entry(const struct fdb_slot *s, uint64_t now_ms,
			   uint32_t now_ds, struct fdb_entry *e)
{
	int64_t d;

	memset(e, 0, sizeof(*e));
	memcpy(e->mac, &s->key, FDB_ETH_ALEN);
	e->vid = (uint16_t)((s->key >> FDB_KEY_VID_SHIFT) & FDB_VID_MAX);
	e->port = (uint16_t)val_port(s->val);
	e->is_static = val_is_static(s->val);
	/* back to 64-bit ms, relative to now (the field wraps) */
	d = (int64_t)(now_ms / FDB_TICK_MS) - (int32_t)(now_ds - val_ds(s->val));
	e->last_seen_ms = d > 0 ? (uint64_t)d * FDB_TICK_MS : 0;
}

int fdb_get(const struct fdb *fdb, const uint8_t *mac, uint16_t vid,
	    uint64_t now_ms, struct fdb_entry *e)
{
	uint32_t now_ds = ms_to_ds(now_ms);
	int64_t i;

	if (vid > FDB_VID_MAX)
		return -ENOENT;
	i = fdb_find(fdb, fdb_key(mac, vid));
	if (i < 0 || !fdb_val_alive(fdb, fdb->slots[i].val, now_ds))
		return -ENOENT;
	fdb_slot_entry(&fdb->slots[i], now_ms, now_ds, e);
	return 0;
}

int fdb_foreach(const struct fdb *fdb, uint64_t now_ms,
		int (*cb)(const struct fdb_entry *entry, void *arg), void *arg)
{
	uint32_t now_ds = ms_to_ds(now_ms);
	uint32_t cap = fdb->mask + 1;
	struct fdb_entry e;
	uint32_t i;
	int ret;

	for (i = 0; i < cap; i++) {
		const struct fdb_slot *s = &fdb->slots[i];

		if (!s->key || !fdb_val_alive(fdb, s->val, now_ds))
			continue;
		fdb_slot_entry(s, now_ms, now_ds, &e);
		ret = cb(&e, arg);
		if (ret)
			return ret;
	}
	return 0;
}

unsigned int fdb_port_entries(const struct fdb *fdb, unsigned int port)
{
	if (port >= FDB_PORT_MAX)
		return 0;
	return fdb->port_learned[port] + fdb->port_static[port];
}

void fdb_get_stats(const struct fdb *fdb, struct fdb_stats *stats)
{
	*stats = fdb->stats;
	stats->entries = fdb->n_entries;
	stats->static_entries = fdb->n_static;
	stats->capacity = (uint64_t)fdb->mask + 1;
	stats->max_entries = fdb->max_entries;
	stats->memory_bytes = sizeof(*fdb) +
			      stats->capacity * sizeof(struct fdb_slot);
}

void fdb_clear_stats(struct fdb *fdb)
{
	memset(&fdb->stats, 0, sizeof(fdb->stats));
}
