/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdb.h - the forwarding database: which port a (MAC, VLAN) lives behind.
 *
 * Design (after the Linux bridge's br_fdb.c, VPP's l2fib and Open vSwitch's
 * lib/mac-learning.h):
 *
 * - One preallocated open-addressing table of 16-byte slots, sized at
 *   creation to the next power of two >= max_entries / 0.75 and never
 *   resized: no allocation while forwarding, memory bounded by the cap.
 *   Key: VLAN id and MAC packed in one 64-bit word, so a probe compares one
 *   integer.  Value: port index, flags, last-seen time.
 * - Linear probing with backward-shift deletion (no tombstones).  The hash is
 *   keyed with a per-process random seed: source MACs are chosen by whoever
 *   sends frames, and an unseeded hash would let them build long probe
 *   chains.  Probe length is bounded; a chain that long counts as "full".
 * - Time is passed in (milliseconds, e.g. uv_now()), never read here, so the
 *   unit tests control it.  Last-seen is kept in units of 100 ms and written
 *   only when it changed, so a hot entry costs one compare per frame.
 * - Ageing: an entry not seen for ageing_ms is dead.  fdb_lookup() and
 *   fdb_foreach() treat it as absent at once; fdb_age() reclaims dead slots
 *   incrementally (a bounded slice per call, driven by a timer), so there is
 *   no per-hit list maintenance.  Static entries never age.
 * - The cap: at max_entries, learning a new address evicts a learned entry
 *   of the port that holds the most entries (Open vSwitch's fairness rule: a
 *   port flooding random source MACs only evicts its own), counted in
 *   stats.evicted.  Static entries are never evicted; when only static
 *   entries are left the new address is not learned (stats.refused).
 * - A MAC seen on another port than its entry says is moved there and
 *   counted (stats.moves); a static entry does not move (stats.refused).
 * - fdb_flush() walks the whole table: it is a control-plane operation.
 *
 * Nothing here does I/O or formats text; callers walk the table with
 * fdb_foreach() and print what they like.
 */
#ifndef TAPSW_FDB_H
#define TAPSW_FDB_H

#include "tapsw.h"

enum {
	FDB_ETH_ALEN = 6,
	FDB_VID_MAX = 4095,
	FDB_PORT_MAX = 4096,		/* port indices are < FDB_PORT_MAX */
	FDB_DEFAULT_MAX = 65536,
	FDB_DEFAULT_AGEING_MS = 300 * 1000,
};

struct fdb;

struct fdb_config {
	uint32_t max_entries;		/* hard cap, >= 1 */
	uint64_t ageing_ms;		/* 0: learning off (hub), see below */
	uint64_t seed;			/* hash seed; 0 = pick a random one */
};
/*
 * ageing_ms == 0 follows the Linux bridge's "ageing_time 0": learning is off
 * and the switch behaves as a hub.  fdb_learn() then learns nothing and
 * returns FDB_LEARN_DISABLED; static entries still work.
 */

struct fdb_entry {
	uint8_t mac[FDB_ETH_ALEN];
	uint16_t vid;
	uint16_t port;
	bool is_static;
	uint64_t last_seen_ms;		/* 100 ms resolution */
};

struct fdb_stats {
	uint64_t entries;		/* live entries now, static included */
	uint64_t static_entries;	/* of which static */
	uint64_t learned;		/* new entries learned */
	uint64_t moves;			/* a learned MAC moved to another port */
	uint64_t aged;			/* entries removed by ageing */
	uint64_t evicted;		/* entries evicted because of the cap */
	uint64_t refused;		/* not learned: full of static, probe limit, static moved */
	uint64_t flushed;		/* entries removed by fdb_flush/fdb_del */
	uint64_t capacity;		/* slots in the table */
	uint64_t max_entries;		/* the cap */
	uint64_t memory_bytes;		/* bytes held by the table */
};

enum fdb_learn_result {
	FDB_LEARN_HIT = 0,	/* already known on this port */
	FDB_LEARN_NEW,		/* new entry */
	FDB_LEARN_MOVED,	/* moved from another port */
	FDB_LEARN_REFUSED,	/* not learned (see stats.refused) */
	FDB_LEARN_DISABLED,	/* ageing 0: learning is off */
};

/* Returns NULL with errno set (EINVAL, ENOMEM). */
struct fdb *fdb_new(const struct fdb_config *cfg);
void fdb_free(struct fdb *fdb);

/* The current ageing time; changing it applies to existing entries too. */
uint64_t fdb_get_ageing(const struct fdb *fdb);
void fdb_set_ageing(struct fdb *fdb, uint64_t ageing_ms);

/*
 * fdb_learn() - note that @mac on @vid was seen as a source on @port.
 * The caller has already rejected multicast and zero sources.
 * On FDB_LEARN_MOVED, *@old_port (if not NULL) is the port it moved from.
 */
enum fdb_learn_result fdb_learn(struct fdb *fdb, const uint8_t *mac,
				uint16_t vid, unsigned int port,
				uint64_t now_ms, unsigned int *old_port);

/* fdb_lookup() - the port of @mac on @vid, or -ENOENT (absent or aged). */
int fdb_lookup(const struct fdb *fdb, const uint8_t *mac, uint16_t vid,
	       uint64_t now_ms);

/*
 * fdb_add_static() - add or replace an entry that never ages or moves.
 * Returns 0, or -ENOSPC when the table is full of static entries.
 */
int fdb_add_static(struct fdb *fdb, const uint8_t *mac, uint16_t vid,
		   unsigned int port, uint64_t now_ms);

/* fdb_del() - remove one entry, static or learned.  0 or -ENOENT. */
int fdb_del(struct fdb *fdb, const uint8_t *mac, uint16_t vid);

enum fdb_flush_flags {
	FDB_FLUSH_LEARNED = 1 << 0,
	FDB_FLUSH_STATIC = 1 << 1,
	FDB_FLUSH_ALL = FDB_FLUSH_LEARNED | FDB_FLUSH_STATIC,
};

/*
 * fdb_flush() - remove the entries of @port (or of every port when @port is
 * negative) that match @flags.  Returns the number removed.
 */
unsigned int fdb_flush(struct fdb *fdb, int port, unsigned int flags);

/*
 * fdb_age() - reclaim up to @max_slots slots' worth of dead entries,
 * continuing where the previous call stopped.  Returns the number aged.
 */
unsigned int fdb_age(struct fdb *fdb, uint64_t now_ms, unsigned int max_slots);

/* fdb_capacity() - number of slots, for sizing fdb_age() slices. */
unsigned int fdb_capacity(const struct fdb *fdb);

/*
 * fdb_foreach() - call @cb for every live entry (aged ones are skipped).
 * Stops and returns the first non-zero value @cb returns, else 0.
 * @cb must not modify the table.
 */
int fdb_foreach(const struct fdb *fdb, uint64_t now_ms,
		int (*cb)(const struct fdb_entry *entry, void *arg), void *arg);

/* fdb_port_entries() - live and dead-but-unreclaimed entries of @port. */
unsigned int fdb_port_entries(const struct fdb *fdb, unsigned int port);

void fdb_get_stats(const struct fdb *fdb, struct fdb_stats *stats);
/* fdb_clear_stats() - zero the event counters (not entries/capacity). */
void fdb_clear_stats(struct fdb *fdb);

#endif /* TAPSW_FDB_H */
