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
 *   chains.  Probe length is bounded (256 slots, 4 KiB); a new address
 *   whose chain is that long is not learned (stats.refused), like a full
 *   table.  Linear probing's clusters have a long tail near the 0.75 load
 *   limit, hence a bound that long: shorter ones refuse new addresses
 *   under churn far more often (tests/unit/bench-fdb, bench/RESULTS.md).
 *   Lookups that hit stop at the key; only misses and inserts walk a
 *   chain to its end.
 * - The hash is wyhash's "mum" step (a 64x64->128-bit multiply whose two
 *   halves are xor-folded) applied twice, with two secret 64-bit keys
 *   derived from the seed by splitmix64: mum(key ^ k0, rot32(key) ^ k1),
 *   then mum with fixed odd constants.  Two multiplies.  It is
 *   not a cryptographic PRF as SipHash-1-3 is (4 SipRounds, roughly three
 *   times the work per frame), but an attacker here only sees whether his
 *   frames get flooded, the keys never leave the process, and what a long
 *   chain can cost is capped by the probe bound and the per-port eviction
 *   below.  With seed 0 the seed comes from getrandom(); tests pass their
 *   own for reproducible layouts.
 * - Time is passed in (milliseconds, e.g. uv_now()), never read here, so the
 *   unit tests control it; any start is fine, 0 included.  Last-seen is kept
 *   in units of 100 ms ("ds" = ms / 100, 32 bits, wrapping) and written
 *   only when it changed, so a hot entry costs one compare per frame.
 *   A learned entry is alive while (now_ds - last_ds) * 100 < ageing_ms.
 *   So an entry last seen at t is alive while now - t <= ageing_ms - 100 and
 *   dead once now - t >= ageing_ms rounded up to 100 ms; when t and ageing
 *   are multiples of 100 ms it is alive at t + ageing - 1, dead at
 *   t + ageing.  A clock step backwards counts as age 0.  Ages are a signed
 *   32-bit difference of ds, so ageing_ms is capped at 2^31 * 100 ms (about
 *   6.8 years) and fdb_age() must sweep the table at least that often.
 * - Ageing: an entry not seen for ageing_ms is dead.  fdb_lookup() and
 *   fdb_foreach() treat it as absent at once; fdb_age() reclaims dead slots
 *   incrementally (a bounded slice per call, driven by a timer), so there is
 *   no per-hit list maintenance.  Static entries never age.
 * - The cap counts every occupied slot: live entries, static ones, and dead
 *   ones fdb_age() has not reclaimed yet.  At max_entries, learning a new
 *   address evicts a learned entry of the port that holds the most learned
 *   entries, the learning port itself on a tie (Open vSwitch's fairness
 *   rule: a port flooding random source MACs takes from the others only
 *   until it is level with the largest, then evicts its own): the least
 *   recently seen of the first 8 of that port's entries found from a
 *   rotating cursor, counted in stats.evicted.  A dead entry met first (on
 *   the new address's chain or during that scan) is reused instead and
 *   counted in stats.aged.  Finding the port scans the per-port counts,
 *   only when the table is full; finding its entries reads about
 *   8 x capacity / (that port's entries) slots.
 *   Static entries are never evicted; when only static entries are left
 *   the new address is not learned (stats.refused).
 * - A MAC seen on another port than its entry says is moved there and
 *   counted (stats.moves); a static entry does not move (stats.refused).
 * - fdb_flush() walks the whole table: it is a control-plane operation.
 * - Changes can be reported through one hook (fdb_set_notify()): a function
 *   pointer, NULL unless somebody listens, tested once where an entry is
 *   created, moved or removed -- never on a hit, so forwarding known
 *   addresses costs nothing more.  The hook gets a struct fdb_event (no
 *   text): formatting and queueing are the listener's (events.c).
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
	FDB_PORT_LIMIT_MAX = 1 << 24,	/* largest max-macs */
	FDB_ENTRIES_LIMIT = 1 << 24,	/* largest max_entries (512 MiB) */
};

struct fdb;

struct fdb_config {
	uint32_t max_entries;		/* hard cap, 1..FDB_ENTRIES_LIMIT */
	uint64_t ageing_ms;		/* 0: learning off (hub), see below */
	uint64_t seed;			/* hash seed; 0 = pick a random one */
};
/*
 * ageing_ms == 0 follows the Linux bridge's "ageing_time 0": learning is off
 * and the switch behaves as a hub.  fdb_learn() then learns nothing and
 * returns FDB_LEARN_DISABLED; learned entries count as expired (as with the
 * Linux bridge); static entries still work and never expire.
 */

struct fdb_entry {
	uint8_t mac[FDB_ETH_ALEN];
	uint16_t vid;
	uint16_t port;
	bool is_static;
	uint64_t last_seen_ms;		/* 100 ms resolution; static: added */
};

struct fdb_stats {
	uint64_t entries;		/* entries now, static included (and
					 * dead ones not yet reclaimed) */
	uint64_t static_entries;	/* of which static */
	uint64_t learned;		/* new entries learned */
	uint64_t moves;			/* a learned MAC moved to another port */
	uint64_t aged;			/* entries removed by ageing */
	uint64_t evicted;		/* entries evicted because of the cap */
	uint64_t refused;		/* not learned: full of static, probe limit, static moved */
	uint64_t flushed;		/* entries removed by fdb_flush/fdb_del */
	uint64_t limited;		/* not learned: the port is at its limit */
	uint64_t capacity;		/* slots in the table */
	uint64_t max_entries;		/* the cap */
	uint64_t memory_bytes;		/* bytes held: slots + struct fdb
					 * (incl. 32 KiB of per-port counts) */
};

enum fdb_learn_result {
	FDB_LEARN_HIT = 0,	/* already known on this port */
	FDB_LEARN_NEW,		/* new entry */
	FDB_LEARN_MOVED,	/* moved from another port */
	FDB_LEARN_REFUSED,	/* not learned (see stats.refused) */
	FDB_LEARN_DISABLED,	/* ageing 0: learning is off */
	FDB_LEARN_LIMITED,	/* not learned: the port is at its max-macs */
};

/**
 * fdb_new() - Allocate and zero the whole table; nothing is allocated later.
 * @cfg: Its cap, ageing time and hash seed.
 *
 * Return: the table, or NULL with errno set (EINVAL, ENOMEM).
 */
struct fdb *fdb_new(const struct fdb_config *cfg);
void fdb_free(struct fdb *fdb);

/**
 * fdb_get_ageing() - The current ageing time, in ms.
 * @fdb: The table.
 */
uint64_t fdb_get_ageing(const struct fdb *fdb);

/**
 * fdb_set_ageing() - Change the ageing time.
 * @fdb: The table.
 * @ageing_ms: The new one; values above 2^31 * 100 ms are clamped to that.
 *
 * The change applies to existing entries too (raising it revives dead
 * entries fdb_age() has not reclaimed yet).
 */
void fdb_set_ageing(struct fdb *fdb, uint64_t ageing_ms);

/**
 * fdb_learn() - Note that @mac on @vid was seen as a source on @port.
 * @fdb: The table.
 * @mac: The source MAC; the caller has already rejected multicast and zero
 *       sources.
 * @vid: Its VLAN.
 * @port: The port it came from.
 * @now_ms: The clock.
 * @old_port: If not NULL, on FDB_LEARN_MOVED, the port it moved from.
 *
 * Return: what happened (enum fdb_learn_result).  A dead entry seen again
 * is FDB_LEARN_NEW (even on another port).  A @port >= FDB_PORT_MAX or
 * @vid > FDB_VID_MAX is FDB_LEARN_REFUSED.
 */
enum fdb_learn_result fdb_learn(struct fdb *fdb, const uint8_t *mac,
				uint16_t vid, unsigned int port,
				uint64_t now_ms, unsigned int *old_port);

/**
 * fdb_lookup() - The port of @mac on @vid.
 * @fdb: The table.
 * @mac: The MAC.
 * @vid: Its VLAN.
 * @now_ms: The clock.
 *
 * Return: the port, or -ENOENT (absent or aged).
 */
int fdb_lookup(const struct fdb *fdb, const uint8_t *mac, uint16_t vid,
	       uint64_t now_ms);

/**
 * fdb_get() - The live entry of @mac on @vid, with its flags.
 * @fdb: The table.
 * @mac: The MAC.
 * @vid: Its VLAN.
 * @now_ms: The clock.
 * @e: The entry, on success.
 * Return: 0, or -ENOENT (absent or aged).
 */
int fdb_get(const struct fdb *fdb, const uint8_t *mac, uint16_t vid,
	    uint64_t now_ms, struct fdb_entry *e);

/**
 * fdb_add_static() - Add or replace an entry that never ages or moves.
 * @fdb: The table.
 * @mac: The MAC.
 * @vid: Its VLAN.
 * @port: Its port.
 * @now_ms: The clock.
 *
 * At the cap a learned entry is evicted as for fdb_learn().
 *
 * Return: 0, -EINVAL (@port >= FDB_PORT_MAX, @vid > FDB_VID_MAX), or
 * -ENOSPC when the table is full of static entries (or, very unlikely, the
 * address's probe chain is at the bound).
 */
int fdb_add_static(struct fdb *fdb, const uint8_t *mac, uint16_t vid,
		   unsigned int port, uint64_t now_ms);

/**
 * fdb_del() - Remove one entry, static or learned.
 * @fdb: The table.
 * @mac: The MAC.
 * @vid: Its VLAN.
 *
 * Dead entries not yet reclaimed are removed too: there is no time
 * argument.
 *
 * Return: 0 or -ENOENT.
 */
int fdb_del(struct fdb *fdb, const uint8_t *mac, uint16_t vid);

enum fdb_flush_flags {
	FDB_FLUSH_LEARNED = 1 << 0,
	FDB_FLUSH_STATIC = 1 << 1,
	FDB_FLUSH_ALL = FDB_FLUSH_LEARNED | FDB_FLUSH_STATIC,
};

/**
 * fdb_flush() - Remove the entries of a port that match @flags.
 * @fdb: The table.
 * @port: The port; negative: every port.
 * @flags: enum fdb_flush_flags.
 *
 * Walks the whole table unless @port has no entries.
 *
 * Return: the number removed, dead entries not yet reclaimed included.
 */
unsigned int fdb_flush(struct fdb *fdb, int port, unsigned int flags);

/**
 * fdb_age() - Reclaim the dead entries among the next @max_slots slots.
 * @fdb: The table.
 * @now_ms: The clock.
 * @max_slots: At most the capacity: fdb_capacity() slots sweep the whole
 *             table.
 *
 * Continues where the previous call stopped.
 *
 * Return: the number aged.
 */
unsigned int fdb_age(struct fdb *fdb, uint64_t now_ms, unsigned int max_slots);

/**
 * fdb_capacity() - Number of slots, for sizing fdb_age() slices.
 * @fdb: The table.
 */
unsigned int fdb_capacity(const struct fdb *fdb);

/**
 * fdb_foreach() - Call @cb for every live entry (aged ones are skipped).
 * @fdb: The table.
 * @now_ms: The clock.
 * @cb: Called with each entry and @arg; must not modify the table.
 * @arg: For @cb.
 *
 * Return: the first non-zero value @cb returns (which stops the walk),
 * else 0.
 */
int fdb_foreach(const struct fdb *fdb, uint64_t now_ms,
		int (*cb)(const struct fdb_entry *entry, void *arg), void *arg);

/**
 * fdb_set_port_limit() - At most @max learned entries on @port.
 * @fdb: The table.
 * @port: The port.
 * @max: The limit; 0: no limit, the default.
 *
 * Like a switch's port security "max MACs".  A new MAC beyond it is not
 * learned (FDB_LEARN_LIMITED, stats.limited); its frames are still
 * forwarded.  A MAC moving to a port at its limit is forgotten rather than
 * left pointing at its old port.  Entries already there stay when the
 * limit is lowered.
 */
void fdb_set_port_limit(struct fdb *fdb, unsigned int port, uint32_t max);
uint32_t fdb_get_port_limit(const struct fdb *fdb, unsigned int port);

/**
 * fdb_port_entries() - Live and dead-but-unreclaimed entries of @port.
 * @fdb: The table.
 * @port: The port.
 */
unsigned int fdb_port_entries(const struct fdb *fdb, unsigned int port);

/*
 * Change notifications.  Each counter in struct fdb_stats that records an
 * entry coming or going has an event, so a listener can mirror the table:
 * LEARN (learned), MOVE (moves), AGE (aged: reclaimed by the sweep, by an
 * insert reusing the slot, or seen again after it died -- then a LEARN
 * follows), EVICT (evicted), LIMIT (limited, for a MAC forgotten when it
 * moved onto a port at its max-macs; a new MAC refused at the limit was
 * never an entry and has no event), ADD and DEL (fdb_add_static(),
 * fdb_del()), and one FLUSH per fdb_flush() that removed something.
 */
enum fdb_event_type {
	FDB_EV_LEARN = 0,
	FDB_EV_MOVE,
	FDB_EV_AGE,
	FDB_EV_EVICT,
	FDB_EV_LIMIT,
	FDB_EV_ADD,
	FDB_EV_DEL,
	FDB_EV_FLUSH,
	FDB_EV_MAX
};

struct fdb_event {
	enum fdb_event_type type;
	uint8_t mac[FDB_ETH_ALEN];	/* not FLUSH */
	uint16_t vid;			/* not FLUSH */
	int port;		/* the entry's port; FLUSH: -1 for all */
	int old_port;		/* MOVE, LIMIT: where it was; else -1 */
	bool is_static;		/* the entry is static (ADD, DEL) */
	unsigned int count;		/* FLUSH: entries removed */
	unsigned int flags;		/* FLUSH: enum fdb_flush_flags */
};

typedef void (*fdb_notify_t)(const struct fdb_event *ev, void *arg);

/**
 * fdb_set_notify() - Call @fn(ev, @arg) on every change.
 * @fdb: The table.
 * @fn: The hook, or NULL: nobody.  It runs inside fdb_learn() and friends:
 *      it must not change the table.
 * @arg: For @fn.
 */
void fdb_set_notify(struct fdb *fdb, fdb_notify_t fn, void *arg);

void fdb_get_stats(const struct fdb *fdb, struct fdb_stats *stats);
/**
 * fdb_clear_stats() - Zero the event counters (not entries/capacity).
 * @fdb: The table.
 */
void fdb_clear_stats(struct fdb *fdb);

#endif /* TAPSW_FDB_H */
