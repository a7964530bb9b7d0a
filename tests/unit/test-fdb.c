// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-fdb.c - the forwarding database, with time driven by the test:
 * learning, moves, expiry at exact 100 ms boundaries, incremental ageing,
 * static entries, the cap and fair eviction, flush, delete, VLANs, hub mode,
 * the walk, and a randomized test against a simple reference model.
 */
#include "tapsw/tapsw.h"

#include <inttypes.h>
#include <string.h>

#include "tapsw/fdb.h"
#include "tap.h"

enum {
	AGE = 300 * 1000,
	NPLANNED = 79,
};

/* 02:00:nn:nn:nn:nn, a locally administered unicast address */
static const uint8_t *mac_of(uint32_t n)
{
	static uint8_t mac[4][FDB_ETH_ALEN];
	static unsigned int k;
	uint8_t *m = mac[k++ % 4];

	m[0] = 0x02;
	m[1] = 0x00;
	m[2] = (uint8_t)(n >> 24);
	m[3] = (uint8_t)(n >> 16);
	m[4] = (uint8_t)(n >> 8);
	m[5] = (uint8_t)n;
	return m;
}

static uint32_t mac_index(const uint8_t *m)
{
	return (uint32_t)m[2] << 24 | (uint32_t)m[3] << 16 |
	       (uint32_t)m[4] << 8 | m[5];
}

static struct fdb *new_fdb(uint32_t max, uint64_t ageing)
{
	struct fdb_config cfg = {
		.max_entries = max, .ageing_ms = ageing, .seed = 42,
	};

	return fdb_new(&cfg);
}

static struct fdb_stats stats_of(const struct fdb *fdb)
{
	struct fdb_stats s;

	fdb_get_stats(fdb, &s);
	return s;
}

/* xorshift64*: deterministic across libcs */
static uint64_t rng_state = 0x9e3779b97f4a7c15;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(0x2545f4914f6cdd1d)) >> 32) % n;
}

static void test_new(void)
{
	static const struct {
		uint32_t max;
		unsigned int capacity;	/* 0: fdb_new() fails */
	} t[] = {
		{ 0, 0 }, { FDB_ENTRIES_LIMIT + 1, 0 },
		{ 1, 2 }, { 3, 4 }, { 48, 64 }, { 49, 128 },
		{ 1000, 2048 }, { 65536, 131072 },
	};
	struct fdb_stats s;
	unsigned int i, bad = 0;
	struct fdb *fdb;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		errno = 0;
		fdb = new_fdb(t[i].max, AGE);
		if (!t[i].capacity) {
			if (fdb || errno != EINVAL) {
				diag("max %u: fdb_new() should fail", t[i].max);
				bad++;
			}
			fdb_free(fdb);
			continue;
		}
		if (!fdb || fdb_capacity(fdb) != t[i].capacity) {
			diag("max %u: capacity %u, want %u", t[i].max,
			     fdb ? fdb_capacity(fdb) : 0, t[i].capacity);
			bad++;
		} else {
			s = stats_of(fdb);
			if (s.capacity != t[i].capacity ||
			    s.max_entries != t[i].max || s.entries ||
			    s.memory_bytes < 16ull * t[i].capacity)
				bad++;
		}
		fdb_free(fdb);
	}
	ok(!bad, "fdb_new: capacity = next power of two >= max / 0.75, "
	   "bad configs refused");
	fdb_free(NULL);
	ok(fdb_get_ageing(fdb = new_fdb(8, UINT64_MAX)) ==
	   (uint64_t)INT32_MAX * 100, "ageing clamped to 2^31 * 100 ms");
	fdb_free(fdb);
}

static void test_learn(void)
{
	static const struct {
		uint32_t mac;
		uint16_t vid;
		unsigned int port;
		uint64_t now;
		enum fdb_learn_result res;
		int old_port;		/* for MOVED */
		int lookup;		/* fdb_lookup() of the same after */
	} t[] = {
		{ 1, 0, 1, 0, FDB_LEARN_NEW, -1, 1 },
		{ 1, 0, 1, 50, FDB_LEARN_HIT, -1, 1 },
		{ 1, 0, 1, 1000, FDB_LEARN_HIT, -1, 1 },
		{ 1, 0, 2, 1100, FDB_LEARN_MOVED, 1, 2 },
		{ 1, 0, 2, 1200, FDB_LEARN_HIT, -1, 2 },
		{ 1, 0, 1, 1300, FDB_LEARN_MOVED, 2, 1 },
		{ 2, 0, 1, 1300, FDB_LEARN_NEW, -1, 1 },
		{ 1, 7, 3, 1300, FDB_LEARN_NEW, -1, 3 },	/* other VLAN */
		{ 1, 0, 1, 1400, FDB_LEARN_HIT, -1, 1 },
		{ 3, 0, FDB_PORT_MAX, 1400, FDB_LEARN_REFUSED, -1, -ENOENT },
		{ 3, FDB_VID_MAX + 1, 1, 1400, FDB_LEARN_REFUSED, -1, -ENOENT },
		{ 3, 0, FDB_PORT_MAX - 1, 1400, FDB_LEARN_NEW, -1,
		  FDB_PORT_MAX - 1 },
	};
	struct fdb *fdb = new_fdb(64, AGE);
	unsigned int i, old, bad = 0;
	enum fdb_learn_result r;
	struct fdb_stats s;
	int l;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		old = 12345;
		r = fdb_learn(fdb, mac_of(t[i].mac), t[i].vid, t[i].port,
			      t[i].now, &old);
		l = fdb_lookup(fdb, mac_of(t[i].mac), t[i].vid, t[i].now);
		if (r != t[i].res || l != t[i].lookup ||
		    (r == FDB_LEARN_MOVED && (int)old != t[i].old_port) ||
		    (r != FDB_LEARN_MOVED && old != 12345)) {
			diag("step %u: result %d old %u lookup %d", i, r, old,
			     l);
			bad++;
		}
	}
	ok(!bad, "learn: new, hit, moved with old_port, VLANs, bad port/vid");
	s = stats_of(fdb);
	ok(s.learned == 4 && s.moves == 2 && s.refused == 2 &&
	   s.entries == 4 && s.static_entries == 0,
	   "learn: stats learned %" PRIu64 " moves %" PRIu64
	   " refused %" PRIu64 " entries %" PRIu64,
	   s.learned, s.moves, s.refused, s.entries);
	ok(fdb_port_entries(fdb, 1) == 2 && fdb_port_entries(fdb, 2) == 0 &&
	   fdb_port_entries(fdb, 3) == 1 &&
	   fdb_port_entries(fdb, FDB_PORT_MAX - 1) == 1 &&
	   fdb_port_entries(fdb, FDB_PORT_MAX) == 0,
	   "learn: per-port counts follow moves");
	ok(fdb_learn(fdb, mac_of(1), 0, 2, 1500, NULL) == FDB_LEARN_MOVED,
	   "learn: old_port may be NULL");
	ok(fdb_lookup(fdb, mac_of(99), 0, 1500) == -ENOENT &&
	   fdb_lookup(fdb, mac_of(1), FDB_VID_MAX + 1, 1500) == -ENOENT,
	   "lookup: unknown MAC, bad VLAN: -ENOENT");
	fdb_clear_stats(fdb);
	s = stats_of(fdb);
	ok(!s.learned && !s.moves && !s.refused && s.entries == 4 &&
	   s.capacity == 128, "clear_stats: counters zeroed, entries kept");
	fdb_free(fdb);
}

static void test_expiry(void)
{
	/* alive iff (now / 100 - t / 100) * 100 < ageing */
	static const struct {
		uint64_t learn, ageing, probe;
		bool hit;
	} t[] = {
		{ 1000, AGE, 1000, true },
		{ 1000, AGE, 1000 + AGE - 100, true },
		{ 1000, AGE, 1000 + AGE - 1, true },	/* t + age - 1 */
		{ 1000, AGE, 1000 + AGE, false },	/* t + age */
		{ 1000, AGE, 1000 + 10 * AGE, false },
		{ 0, AGE, 0, true },		/* time may start at 0 */
		{ 0, AGE, AGE - 1, true },
		{ 0, AGE, AGE, false },
		/* t not on 100 ms: dead up to 99 ms early */
		{ 1050, AGE, 1050 + AGE - 100, true },
		{ 1050, AGE, 1050 + AGE - 51, true },
		{ 1050, AGE, 1050 + AGE - 50, false },
		{ 1050, AGE, 1050 + AGE, false },
		/* ageing not on 100 ms: dead at t + round_up(age) */
		{ 1000, 150, 1099, true },
		{ 1000, 150, 1100, true },		/* 1 ds * 100 < 150 */
		{ 1000, 150, 1199, true },
		{ 1000, 150, 1200, false },
		{ 1000, 100, 1099, true },
		{ 1000, 100, 1100, false },
		{ 5000, AGE, 4000, true },	/* clock stepped back */
		{ 1000, 1, 1000, true },
		{ 1000, 1, 1100, false },
	};
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct fdb *fdb = new_fdb(16, t[i].ageing);
		int l;

		fdb_learn(fdb, mac_of(i), 0, 3, t[i].learn, NULL);
		l = fdb_lookup(fdb, mac_of(i), 0, t[i].probe);
		if (l != (t[i].hit ? 3 : -ENOENT)) {
			diag("learned at %" PRIu64 ", ageing %" PRIu64
			     ", looked up at %" PRIu64 ": %d", t[i].learn,
			     t[i].ageing, t[i].probe, l);
			bad++;
		}
		fdb_free(fdb);
	}
	ok(!bad, "expiry: alive while (now_ds - last_ds) * 100 < ageing, "
	   "%u boundaries", (unsigned int)ARRAY_SIZE(t));

	/* a hit refreshes; a dead entry seen again is new */
	{
		struct fdb *fdb = new_fdb(16, AGE);
		struct fdb_stats s;

		fdb_learn(fdb, mac_of(1), 0, 1, 1000, NULL);
		ok(fdb_learn(fdb, mac_of(1), 0, 1, 200000, NULL) ==
		   FDB_LEARN_HIT &&
		   fdb_lookup(fdb, mac_of(1), 0, 1000 + AGE) == 1 &&
		   fdb_lookup(fdb, mac_of(1), 0, 200000 + AGE - 1) == 1 &&
		   fdb_lookup(fdb, mac_of(1), 0, 200000 + AGE) == -ENOENT,
		   "expiry: a hit moves the deadline");
		ok(fdb_learn(fdb, mac_of(1), 0, 2, 200000 + AGE, NULL) ==
		   FDB_LEARN_NEW &&
		   fdb_lookup(fdb, mac_of(1), 0, 200000 + AGE) == 2,
		   "expiry: a dead entry seen on another port is new, "
		   "not moved");
		s = stats_of(fdb);
		ok(s.moves == 0 && s.learned == 2 && s.aged == 1 &&
		   s.entries == 1 && fdb_port_entries(fdb, 1) == 0 &&
		   fdb_port_entries(fdb, 2) == 1,
		   "expiry: ... counted as aged + learned, counts moved");
		fdb_set_ageing(fdb, 10 * AGE);
		ok(fdb_get_ageing(fdb) == 10 * AGE &&
		   fdb_lookup(fdb, mac_of(1), 0, 200000 + 5 * AGE) == 2,
		   "fdb_set_ageing applies to existing entries");
		fdb_free(fdb);
	}
}

static void test_age(void)
{
	struct fdb *fdb = new_fdb(1000, AGE);
	unsigned int i, n, cap, bad = 0, total;
	struct fdb_stats s;

	for (i = 0; i < 600; i++)
		fdb_learn(fdb, mac_of(i), (uint16_t)(i % 3), i % 5, 1000,
			  NULL);
	for (i = 0; i < 600; i += 3)	/* 200 refreshed */
		fdb_learn(fdb, mac_of(i), (uint16_t)(i % 3), i % 5, 200000,
			  NULL);
	for (i = 600; i < 620; i++)
		fdb_add_static(fdb, mac_of(i), 0, 7, 1000);
	cap = fdb_capacity(fdb);
	ok(fdb_age(fdb, 1000 + AGE - 1, cap) == 0 &&
	   stats_of(fdb).entries == 620, "fdb_age: nothing dead yet");

	/* eight slices of cap / 8 make one full sweep */
	for (total = 0, n = 0; n < 8; n++)
		total += fdb_age(fdb, 1000 + AGE, cap / 8);
	s = stats_of(fdb);
	ok(total == 400 && s.aged == 400 && s.entries == 220 &&
	   s.static_entries == 20,
	   "fdb_age: slices reclaim exactly the 400 dead (%u), aged %" PRIu64,
	   total, s.aged);
	for (i = 0; i < 620; i++) {
		int want = i >= 600 ? 7 : i % 3 ? -ENOENT : (int)(i % 5);

		if (fdb_lookup(fdb, mac_of(i), (uint16_t)(i >= 600 ? 0 : i % 3),
			       1000 + AGE) != want)
			bad++;
	}
	ok(!bad, "fdb_age: live entries all found after the shifts");
	for (total = 0, i = 0; i < 5; i++)
		total += fdb_port_entries(fdb, i);
	ok(total == 200 && fdb_port_entries(fdb, 7) == 20,
	   "fdb_age: per-port counts exact");
	ok(fdb_age(fdb, 1000 + AGE, cap) == 0, "fdb_age: a second sweep "
	   "finds nothing");
	ok(fdb_age(fdb, 1000 + 5 * AGE, cap) == 200 &&
	   stats_of(fdb).entries == 20,
	   "fdb_age: everything learned dies, statics stay");
	fdb_free(fdb);
}

static void test_static(void)
{
	const uint64_t year = UINT64_C(365) * 24 * 3600 * 1000;
	struct fdb *fdb = new_fdb(16, AGE);
	struct fdb_stats s;
	unsigned int old = 99;

	ok(fdb_add_static(fdb, mac_of(1), 5, 2, 1000) == 0 &&
	   fdb_add_static(fdb, mac_of(2), 0, FDB_PORT_MAX, 1000) == -EINVAL &&
	   fdb_add_static(fdb, mac_of(2), FDB_VID_MAX + 1, 1, 1000) == -EINVAL,
	   "static: added; bad port or VLAN: -EINVAL");
	fdb_learn(fdb, mac_of(3), 0, 3, 1000, NULL);
	ok(fdb_lookup(fdb, mac_of(1), 5, 1000 + 10 * year) == 2 &&
	   fdb_lookup(fdb, mac_of(1), 5, 0) == 2,
	   "static: still there after 10 years of simulated time");
	/* (learned entries must be swept within 2^31 ds, ~6.8 years) */
	ok(fdb_age(fdb, 1000 + 5 * year, fdb_capacity(fdb)) == 1 &&
	   fdb_age(fdb, 1000 + 10 * year, fdb_capacity(fdb)) == 0 &&
	   fdb_lookup(fdb, mac_of(1), 5, 1000 + 10 * year) == 2,
	   "static: fdb_age leaves it, the learned one goes");
	ok(fdb_learn(fdb, mac_of(1), 5, 3, 2000, &old) == FDB_LEARN_REFUSED &&
	   old == 99 && fdb_lookup(fdb, mac_of(1), 5, 2000) == 2 &&
	   stats_of(fdb).refused == 1,
	   "static: a learn from another port is refused and counted");
	ok(fdb_learn(fdb, mac_of(1), 5, 2, 2000, NULL) == FDB_LEARN_HIT,
	   "static: a learn from its port is a hit");

	/* a learned entry made static, and back */
	fdb_learn(fdb, mac_of(4), 0, 3, 2000, NULL);
	ok(fdb_add_static(fdb, mac_of(4), 0, 4, 2000) == 0 &&
	   fdb_port_entries(fdb, 3) == 0 && fdb_port_entries(fdb, 4) == 1 &&
	   stats_of(fdb).static_entries == 2 &&
	   fdb_lookup(fdb, mac_of(4), 0, 2000 + 2 * AGE) == 4,
	   "static: replaces a learned entry (counts follow)");
	fdb_learn(fdb, mac_of(5), 0, 4, 3000, NULL);
	ok(fdb_flush(fdb, -1, FDB_FLUSH_LEARNED) == 1 &&
	   fdb_lookup(fdb, mac_of(1), 5, 3000) == 2 &&
	   fdb_lookup(fdb, mac_of(4), 0, 3000) == 4 &&
	   fdb_lookup(fdb, mac_of(5), 0, 3000) == -ENOENT &&
	   fdb_port_entries(fdb, 4) == 1,
	   "static: survives a flush of learned entries");
	ok(fdb_flush(fdb, 4, FDB_FLUSH_STATIC) == 1 &&
	   fdb_lookup(fdb, mac_of(1), 5, 3000) == 2 &&
	   fdb_flush(fdb, -1, FDB_FLUSH_STATIC) == 1 &&
	   fdb_lookup(fdb, mac_of(1), 5, 3000) == -ENOENT,
	   "static: removed by FDB_FLUSH_STATIC (by port, then all)");
	s = stats_of(fdb);
	ok(s.entries == 0 && s.static_entries == 0 && s.flushed == 3 &&
	   fdb_port_entries(fdb, 2) == 0 && fdb_port_entries(fdb, 4) == 0,
	   "static: counts back to zero");
	fdb_free(fdb);
}

static void test_cap(void)
{
	struct fdb *fdb = new_fdb(16, AGE);
	unsigned int i, bad = 0;
	struct fdb_stats s;

	/* port 1: 13 entries, port 2: 3 entries = the cap of 16 */
	for (i = 0; i < 13; i++)
		fdb_learn(fdb, mac_of(100 + i), 0, 1, 1000, NULL);
	for (i = 0; i < 3; i++)
		fdb_learn(fdb, mac_of(200 + i), 0, 2, 1000, NULL);
	ok(stats_of(fdb).entries == 16 && !stats_of(fdb).evicted,
	   "cap: table full");
	ok(fdb_learn(fdb, mac_of(300), 0, 3, 2000, NULL) == FDB_LEARN_NEW &&
	   fdb_lookup(fdb, mac_of(300), 0, 2000) == 3,
	   "cap: a new MAC on port 3 is learned");
	s = stats_of(fdb);
	ok(s.evicted == 1 && s.entries == 16 && s.learned == 17 &&
	   fdb_port_entries(fdb, 1) == 12 && fdb_port_entries(fdb, 2) == 3 &&
	   fdb_port_entries(fdb, 3) == 1,
	   "cap: one entry of port 1 (the most) evicted, counts right");
	for (i = 0; i < 3; i++)
		if (fdb_lookup(fdb, mac_of(200 + i), 0, 2000) != 2)
			bad++;
	ok(!bad, "cap: port 2's entries all still found");
	for (i = 0; i < 13; i++)
		bad += fdb_lookup(fdb, mac_of(100 + i), 0, 2000) == 1;
	ok(bad == 12, "cap: exactly one of port 1's entries gone");

	/* port 3 floods: it takes from port 1 until it holds the most */
	for (i = 1; i < 20; i++)
		fdb_learn(fdb, mac_of(300 + i), 0, 3, 3000, NULL);
	s = stats_of(fdb);
	ok(s.entries == 16 && s.evicted == 20 &&
	   fdb_port_entries(fdb, 2) == 3 &&
	   fdb_port_entries(fdb, 1) + fdb_port_entries(fdb, 3) == 13 &&
	   fdb_port_entries(fdb, 3) <= 7 && fdb_port_entries(fdb, 1) >= 6,
	   "cap: a flooding port evicts its own once level with the "
	   "largest (port 1: %u, port 3: %u)", fdb_port_entries(fdb, 1),
	   fdb_port_entries(fdb, 3));
	for (bad = 0, i = 0; i < 3; i++)
		if (fdb_lookup(fdb, mac_of(200 + i), 0, 3000) != 2)
			bad++;
	ok(!bad, "cap: port 2 untouched by the flood");
	fdb_free(fdb);

	/* the victim is the least recently seen of the port's entries */
	fdb = new_fdb(10, AGE);
	for (i = 0; i < 7; i++)
		fdb_learn(fdb, mac_of(i), 0, 1, 1000, NULL);
	for (i = 0; i < 3; i++)
		fdb_learn(fdb, mac_of(10 + i), 0, 2, 1000, NULL);
	for (i = 0; i < 7; i++)
		if (i != 3)
			fdb_learn(fdb, mac_of(i), 0, 1, 5000, NULL);
	for (i = 10; i < 13; i++)	/* port 2's are the oldest overall */
		fdb_learn(fdb, mac_of(i), 0, 2, 500, NULL);
	fdb_learn(fdb, mac_of(50), 0, 3, 6000, NULL);
	for (bad = 0, i = 0; i < 7; i++)
		if (fdb_lookup(fdb, mac_of(i), 0, 6000) !=
		    (i == 3 ? -ENOENT : 1))
			bad++;
	ok(!bad && fdb_lookup(fdb, mac_of(10), 0, 6000) == 2,
	   "cap: the least recently seen entry of that port is evicted");

	/* at the cap an expired entry is reclaimed, not a live one evicted */
	fdb_learn(fdb, mac_of(10), 0, 2, AGE, NULL);	/* refresh one */
	ok(fdb_learn(fdb, mac_of(51), 0, 4, AGE + 1000, NULL) ==
	   FDB_LEARN_NEW && stats_of(fdb).evicted == 1 &&
	   stats_of(fdb).aged == 1 && stats_of(fdb).entries == 10,
	   "cap: a dead entry is reused (aged, not evicted)");
	ok(fdb_lookup(fdb, mac_of(10), 0, AGE + 1000) == 2 &&
	   fdb_lookup(fdb, mac_of(0), 0, AGE + 1000) == 1,
	   "cap: live entries kept");
	fdb_free(fdb);
}

static void test_full_static(void)
{
	struct fdb *fdb = new_fdb(8, AGE);
	unsigned int i, bad = 0;
	struct fdb_stats s;

	for (i = 0; i < 8; i++)
		bad += fdb_add_static(fdb, mac_of(i), 0, i % 2, 1000) != 0;
	ok(!bad, "full of static: 8 added");
	ok(fdb_add_static(fdb, mac_of(8), 0, 1, 1000) == -ENOSPC,
	   "full of static: one more is -ENOSPC");
	ok(fdb_add_static(fdb, mac_of(3), 0, 0, 1000) == 0 &&
	   fdb_lookup(fdb, mac_of(3), 0, 1000) == 0,
	   "full of static: replacing one still works");
	ok(fdb_learn(fdb, mac_of(9), 0, 1, 1000, NULL) == FDB_LEARN_REFUSED &&
	   fdb_learn(fdb, mac_of(10), 0, 2, 1000, NULL) == FDB_LEARN_REFUSED &&
	   fdb_lookup(fdb, mac_of(9), 0, 1000) == -ENOENT,
	   "full of static: learning refused");
	s = stats_of(fdb);
	ok(s.refused == 2 && s.evicted == 0 && s.entries == 8 &&
	   s.static_entries == 8 && fdb_port_entries(fdb, 0) == 5 &&
	   fdb_port_entries(fdb, 1) == 3,
	   "full of static: refused counted, counts right");
	ok(fdb_learn(fdb, mac_of(1), 0, 1, 1000, NULL) == FDB_LEARN_HIT,
	   "full of static: a static MAC seen on its port is a hit");
	fdb_free(fdb);

	/* fdb_add_static at the cap evicts a learned entry */
	fdb = new_fdb(4, AGE);
	for (i = 0; i < 3; i++)
		fdb_learn(fdb, mac_of(i), 0, 1, 1000, NULL);
	fdb_learn(fdb, mac_of(3), 0, 2, 1000, NULL);
	ok(fdb_add_static(fdb, mac_of(4), 0, 2, 1000) == 0 &&
	   stats_of(fdb).evicted == 1 && fdb_port_entries(fdb, 1) == 2 &&
	   fdb_port_entries(fdb, 2) == 2 &&
	   fdb_lookup(fdb, mac_of(3), 0, 1000) == 2,
	   "add_static at the cap evicts from the port with the most");
	fdb_free(fdb);
}

static void test_flush_del(void)
{
	struct fdb *fdb = new_fdb(4096, AGE);
	unsigned int i, port, bad = 0;
	struct fdb_stats s;

	for (i = 0; i < 3000; i++) {
		port = i % 4;
		if (i % 10 == 0)
			fdb_add_static(fdb, mac_of(i), 0, port, 1000);
		else
			fdb_learn(fdb, mac_of(i), 0, port, 1000, NULL);
	}
	ok(fdb_port_entries(fdb, 2) == 750 && fdb_port_entries(fdb, 3) == 750,
	   "flush: 750 entries per port");
	/* statics: i % 20 == 0 on port 0, i % 20 == 10 on port 2 */
	ok(fdb_flush(fdb, 2, FDB_FLUSH_LEARNED) == 600 &&
	   fdb_port_entries(fdb, 2) == 150,
	   "flush: port 2's learned entries removed, its statics stay");
	ok(fdb_flush(fdb, 9, FDB_FLUSH_ALL) == 0 &&
	   fdb_flush(fdb, FDB_PORT_MAX, FDB_FLUSH_ALL) == 0,
	   "flush: a port with no entries removes nothing");
	for (i = 0; i < 3000; i++) {
		int want = (i % 4 == 2 && i % 10) ? -ENOENT : (int)(i % 4);

		if (fdb_lookup(fdb, mac_of(i), 0, 2000) != want)
			bad++;
	}
	ok(!bad, "flush: every other entry still found (%u wrong)", bad);
	ok(fdb_port_entries(fdb, 0) == 750 && fdb_port_entries(fdb, 1) == 750 &&
	   fdb_port_entries(fdb, 3) == 750, "flush: other ports' counts kept");
	ok(fdb_flush(fdb, 3, FDB_FLUSH_ALL) == 750 &&
	   fdb_port_entries(fdb, 3) == 0, "flush: FDB_FLUSH_ALL of a port");
	s = stats_of(fdb);
	ok(s.entries == 1650 && s.flushed == 1350 &&
	   s.static_entries == 300,
	   "flush: entries %" PRIu64 " flushed %" PRIu64 " static %" PRIu64,
	   s.entries, s.flushed, s.static_entries);

	ok(fdb_del(fdb, mac_of(1), 0) == 0 &&
	   fdb_lookup(fdb, mac_of(1), 0, 2000) == -ENOENT &&
	   fdb_port_entries(fdb, 1) == 749,
	   "del: a learned entry");
	ok(fdb_del(fdb, mac_of(0), 0) == 0 &&
	   fdb_port_entries(fdb, 0) == 749 &&
	   stats_of(fdb).static_entries == 299, "del: a static entry");
	ok(fdb_del(fdb, mac_of(1), 0) == -ENOENT &&
	   fdb_del(fdb, mac_of(5), 1) == -ENOENT &&
	   fdb_del(fdb, mac_of(5), FDB_VID_MAX + 1) == -ENOENT,
	   "del: absent, or other VLAN: -ENOENT");
	for (bad = 0, i = 4; i < 3000; i++) {
		int want = (i % 4 == 2 && i % 10) || i % 4 == 3 ?
			   -ENOENT : (int)(i % 4);

		if (fdb_lookup(fdb, mac_of(i), 0, 2000) != want)
			bad++;
	}
	ok(!bad, "del: the rest still found");
	ok(fdb_flush(fdb, -1, FDB_FLUSH_ALL) == 1648 &&
	   stats_of(fdb).entries == 0 && fdb_port_entries(fdb, 0) == 0 &&
	   fdb_port_entries(fdb, 1) == 0 && fdb_port_entries(fdb, 2) == 0,
	   "flush: everything");
	fdb_free(fdb);
}

static void test_vlan(void)
{
	struct fdb *fdb = new_fdb(16, AGE);

	fdb_learn(fdb, mac_of(1), 1, 1, 1000, NULL);
	fdb_learn(fdb, mac_of(1), 2, 2, 1000, NULL);
	fdb_learn(fdb, mac_of(1), FDB_VID_MAX, 3, 1000, NULL);
	ok(fdb_lookup(fdb, mac_of(1), 1, 1000) == 1 &&
	   fdb_lookup(fdb, mac_of(1), 2, 1000) == 2 &&
	   fdb_lookup(fdb, mac_of(1), FDB_VID_MAX, 1000) == 3 &&
	   fdb_lookup(fdb, mac_of(1), 0, 1000) == -ENOENT,
	   "vlan: the same MAC on three VLANs, three ports");
	ok(fdb_del(fdb, mac_of(1), 1) == 0 &&
	   fdb_lookup(fdb, mac_of(1), 2, 1000) == 2 &&
	   fdb_learn(fdb, mac_of(1), 2, 2, 1000, NULL) == FDB_LEARN_HIT,
	   "vlan: deleting one leaves the others");
	fdb_free(fdb);
}

static void test_port_limit(void)
{
	struct fdb *fdb = new_fdb(64, AGE);
	struct fdb_stats st;
	unsigned int i;

	fdb_set_port_limit(fdb, 1, 3);
	for (i = 0; i < 5; i++)
		fdb_learn(fdb, mac_of(100 + i), 0, 1, 1000, NULL);
	st = stats_of(fdb);
	ok(fdb_port_entries(fdb, 1) == 3 && st.limited == 2 &&
	   fdb_learn(fdb, mac_of(200), 0, 1, 1000, NULL) == FDB_LEARN_LIMITED &&
	   fdb_learn(fdb, mac_of(100), 0, 1, 1000, NULL) == FDB_LEARN_HIT,
	   "port limit: 3 learned, the rest refused, known ones still hit");
	ok(fdb_learn(fdb, mac_of(300), 0, 2, 1000, NULL) == FDB_LEARN_NEW &&
	   fdb_learn(fdb, mac_of(300), 0, 1, 1000, NULL) == FDB_LEARN_LIMITED &&
	   fdb_lookup(fdb, mac_of(300), 0, 1000) == -ENOENT &&
	   fdb_port_entries(fdb, 2) == 0,
	   "port limit: a MAC moving to a full port is forgotten, not left stale");
	ok(fdb_add_static(fdb, mac_of(400), 0, 1, 1000) == 0 &&
	   fdb_lookup(fdb, mac_of(400), 0, 1000) == 1,
	   "port limit: static entries are not limited");
	fdb_set_port_limit(fdb, 1, 0);
	ok(fdb_learn(fdb, mac_of(200), 0, 1, 1000, NULL) == FDB_LEARN_NEW &&
	   fdb_get_port_limit(fdb, 1) == 0,
	   "port limit: 0 lifts it");
	fdb_free(fdb);
}

static void test_hub(void)
{
	struct fdb *fdb = new_fdb(16, 0);

	ok(fdb_learn(fdb, mac_of(1), 0, 1, 1000, NULL) == FDB_LEARN_DISABLED &&
	   fdb_lookup(fdb, mac_of(1), 0, 1000) == -ENOENT &&
	   stats_of(fdb).entries == 0 && stats_of(fdb).refused == 0,
	   "ageing 0: nothing learned");
	ok(fdb_add_static(fdb, mac_of(2), 0, 3, 1000) == 0 &&
	   fdb_lookup(fdb, mac_of(2), 0, 1000) == 3 &&
	   fdb_lookup(fdb, mac_of(2), 0, UINT64_C(1) << 50) == 3 &&
	   fdb_age(fdb, UINT64_C(1) << 50, 1000) == 0,
	   "ageing 0: static entries work and never expire");
	ok(fdb_learn(fdb, mac_of(2), 0, 3, 1000, NULL) == FDB_LEARN_DISABLED,
	   "ageing 0: disabled even for a static MAC");

	fdb_set_ageing(fdb, AGE);
	ok(fdb_learn(fdb, mac_of(1), 0, 1, 2000, NULL) == FDB_LEARN_NEW &&
	   fdb_lookup(fdb, mac_of(1), 0, 2000) == 1,
	   "ageing back on: learning works");
	fdb_set_ageing(fdb, 0);
	ok(fdb_lookup(fdb, mac_of(1), 0, 2000) == -ENOENT &&
	   fdb_lookup(fdb, mac_of(2), 0, 2000) == 3 &&
	   fdb_age(fdb, 2000, 1000) == 1 && stats_of(fdb).entries == 1,
	   "ageing set to 0: learned entries dead, reclaimed; static stays");
	fdb_free(fdb);
}

struct walk {
	unsigned int seen[64];
	unsigned int calls, bad;
	int stop_at;
};

static int walk_cb(const struct fdb_entry *e, void *arg)
{
	struct walk *w = arg;
	uint32_t n = mac_index(e->mac);

	w->calls++;
	if (n >= 64 || e->mac[0] != 0x02 || e->mac[1] != 0) {
		w->bad++;
		return 0;
	}
	w->seen[n]++;
	/* entry n: vid n % 4, port n % 5, static when n % 8 == 0,
	 * last seen 1000 + n * 150 (odd ones refreshed at 100000) */
	if (e->vid != n % 4 || e->port != n % 5 ||
	    e->is_static != (n % 8 == 0) ||
	    e->last_seen_ms != (n % 8 && n % 2 ? 100000 :
				(1000 + n * 150) / 100 * 100))
		w->bad++;
	return w->stop_at && (int)w->calls == w->stop_at ? 7 : 0;
}

static void test_foreach(void)
{
	struct fdb *fdb = new_fdb(100, AGE);
	struct walk w = { 0 };
	unsigned int n, bad = 0;

	for (n = 0; n < 64; n++) {
		uint64_t t = 1000 + n * 150;

		if (n % 8 == 0)
			fdb_add_static(fdb, mac_of(n), (uint16_t)(n % 4), n % 5,
				       t);
		else
			fdb_learn(fdb, mac_of(n), (uint16_t)(n % 4), n % 5, t,
				  NULL);
	}
	for (n = 1; n < 64; n += 2)
		fdb_learn(fdb, mac_of(n), (uint16_t)(n % 4), n % 5, 100050,
			  NULL);
	/* at 1000 + AGE + 50 * 150 = 308500 (ds 3085), learned at
	 * 1000 + 150 * n (ds 10 + 1.5 n) is dead for n <= 50 */
	ok(fdb_foreach(fdb, 1000 + AGE + 50 * 150, walk_cb, &w) == 0,
	   "foreach: returns 0");
	for (n = 0; n < 64; n++) {
		bool live = n % 8 == 0 || n % 2 || n > 50;

		if (w.seen[n] != (live ? 1u : 0u))
			bad++;
	}
	ok(!bad && !w.bad && w.calls == 8 + 32 + 5,
	   "foreach: each live entry once, right fields (%u calls)", w.calls);
	memset(&w, 0, sizeof(w));
	w.stop_at = 5;
	ok(fdb_foreach(fdb, 2000, walk_cb, &w) == 7 && w.calls == 5,
	   "foreach: stops at the first non-zero return");
	fdb_free(fdb);
}

/* A long-chain check: many inserts and deletes in a well-filled table. */
static void test_churn(void)
{
	enum { N = 3000 };
	static bool in[4 * N];
	struct fdb *fdb = new_fdb(N, AGE);
	unsigned int i, k, bad = 0, live = 0;

	for (i = 0; i < 200000; i++) {
		k = rnd(4 * N);
		if (in[k]) {
			bad += fdb_del(fdb, mac_of(k), 0) != 0;
			in[k] = false;
			live--;
		} else if (live < N) {
			bad += fdb_learn(fdb, mac_of(k), 0, k % 7, 1000,
					 NULL) != FDB_LEARN_NEW;
			in[k] = true;
			live++;
		}
	}
	for (i = 0; i < 4 * N; i++)
		bad += fdb_lookup(fdb, mac_of(i), 0, 1000) !=
		       (in[i] ? (int)(i % 7) : -ENOENT);
	ok(!bad && stats_of(fdb).entries == live && !stats_of(fdb).evicted,
	   "churn: 200k learns and deletes near the cap, all consistent");
	fdb_free(fdb);
}

/* --- randomized test against a reference model */

enum {
	M_MAX = 64,		/* the cap */
	M_MACS = 100,
	M_VLANS = 2,
	M_KEYS = M_MACS * M_VLANS,
	M_PORTS = 6,
	M_AGE = 30 * 1000,
	M_OPS = 200000,
};

struct model_entry {
	bool present;
	bool is_static;
	unsigned int port;
	uint64_t last_ms;
};

static struct model_entry model[M_KEYS];
static uint64_t m_now;

static const uint8_t *key_mac(unsigned int k)
{
	return mac_of(1000 + k % M_MACS);
}

static uint16_t key_vid(unsigned int k)
{
	return (uint16_t)(k / M_MACS * 10);
}

static bool m_alive(unsigned int k)
{
	const struct model_entry *e = &model[k];

	if (!e->present)
		return false;
	if (e->is_static)
		return true;
	return (m_now / 100 - e->last_ms / 100) * 100 < M_AGE;
}

static unsigned int m_count(int port, bool statics_only)
{
	unsigned int k, n = 0;

	for (k = 0; k < M_KEYS; k++)
		if (m_alive(k) &&
		    (port < 0 || model[k].port == (unsigned int)port) &&
		    (!statics_only || model[k].is_static))
			n++;
	return n;
}

struct m_errors {
	unsigned int learn, lookup, evict, del, add, flush, counts, walk;
};

static struct m_errors m_err;

#define M_FAIL(what, ...)						\
	do {								\
		if (m_err.what++ < 3)					\
			diag(__VA_ARGS__);				\
	} while (0)

/*
 * After an operation that may have evicted: find the model entry that is
 * gone, check the victim port had the most learned entries (as the FDB
 * counts them: expired ones included, which is all the model cannot see).
 */
static void m_check_eviction(struct fdb *fdb, unsigned int except,
			     const unsigned int *learned_before,
			     uint64_t evicted_before)
{
	unsigned int k, gone = 0, victim = 0, p, max = 0;

	if (stats_of(fdb).evicted == evicted_before)
		return;
	if (stats_of(fdb).evicted != evicted_before + 1) {
		M_FAIL(evict, "more than one eviction");
		return;
	}
	for (k = 0; k < M_KEYS; k++) {
		if (k == except || !m_alive(k))
			continue;
		if (fdb_lookup(fdb, key_mac(k), key_vid(k), m_now) < 0) {
			gone++;
			victim = k;
		}
	}
	if (gone != 1) {
		M_FAIL(evict, "eviction: %u entries gone", gone);
		return;
	}
	for (p = 0; p < M_PORTS; p++)
		max = MAX(max, learned_before[p]);
	if (model[victim].is_static ||
	    learned_before[model[victim].port] != max)
		M_FAIL(evict, "eviction: victim on port %u (%u learned, "
		       "max %u), static %d", model[victim].port,
		       learned_before[model[victim].port], max,
		       model[victim].is_static);
	model[victim].present = false;
}

static void m_snapshot(const struct fdb *fdb, unsigned int *learned)
{
	unsigned int p;

	for (p = 0; p < M_PORTS; p++)
		learned[p] = fdb_port_entries(fdb, p) - m_count((int)p, true);
}

static void m_learn(struct fdb *fdb)
{
	unsigned int k = rnd(M_KEYS), port = rnd(M_PORTS), old = ~0u;
	unsigned int learned[M_PORTS];
	struct model_entry *e = &model[k];
	enum fdb_learn_result want, got;
	uint64_t evicted;

	if (m_alive(k)) {
		if (e->is_static)
			want = e->port == port ? FDB_LEARN_HIT :
						 FDB_LEARN_REFUSED;
		else
			want = e->port == port ? FDB_LEARN_HIT :
						 FDB_LEARN_MOVED;
	} else {
		want = m_count(-1, true) == M_MAX ? FDB_LEARN_REFUSED :
						    FDB_LEARN_NEW;
	}
	m_snapshot(fdb, learned);
	evicted = stats_of(fdb).evicted;
	got = fdb_learn(fdb, key_mac(k), key_vid(k), port, m_now, &old);
	if (got != want || (got == FDB_LEARN_MOVED && old != e->port)) {
		M_FAIL(learn, "learn key %u port %u at %" PRIu64
		       ": got %d (old %u), want %d", k, port, m_now, got, old,
		       want);
		return;
	}
	if (got == FDB_LEARN_NEW) {
		e->present = true;
		e->is_static = false;
		m_check_eviction(fdb, k, learned, evicted);
	}
	if (got == FDB_LEARN_NEW || got == FDB_LEARN_MOVED)
		e->port = port;
	if (got != FDB_LEARN_REFUSED && !e->is_static)
		e->last_ms = m_now;
	if (m_count(-1, false) > M_MAX)
		M_FAIL(learn, "more than the cap alive");
}

static void m_lookup(struct fdb *fdb)
{
	unsigned int k = rnd(M_KEYS);
	int want = m_alive(k) ? (int)model[k].port : -ENOENT;
	int got = fdb_lookup(fdb, key_mac(k), key_vid(k), m_now);

	if (got != want)
		M_FAIL(lookup, "lookup key %u at %" PRIu64 ": %d, want %d", k,
		       m_now, got, want);
}

static void m_add_static(struct fdb *fdb)
{
	unsigned int k = rnd(M_KEYS), port = rnd(M_PORTS);
	unsigned int learned[M_PORTS];
	uint64_t evicted;
	int want, got;

	want = !m_alive(k) && m_count(-1, true) == M_MAX ? -ENOSPC : 0;
	m_snapshot(fdb, learned);
	evicted = stats_of(fdb).evicted;
	got = fdb_add_static(fdb, key_mac(k), key_vid(k), port, m_now);
	if (got != want) {
		M_FAIL(add, "add_static key %u: %d, want %d", k, got, want);
		return;
	}
	if (got == 0) {
		model[k] = (struct model_entry){
			.present = true, .is_static = true, .port = port,
			.last_ms = m_now,
		};
		m_check_eviction(fdb, k, learned, evicted);
	}
}

static void m_del(struct fdb *fdb)
{
	unsigned int k = rnd(M_KEYS);
	int got = fdb_del(fdb, key_mac(k), key_vid(k));

	/* an expired, unreclaimed entry may still be deleted */
	if (m_alive(k) ? got != 0 : got != 0 && got != -ENOENT)
		M_FAIL(del, "del key %u: %d", k, got);
	model[k].present = false;
	if (fdb_lookup(fdb, key_mac(k), key_vid(k), m_now) != -ENOENT)
		M_FAIL(del, "del key %u: still there", k);
}

static void m_flush(struct fdb *fdb)
{
	int port = (int)rnd(M_PORTS + 1) - 1;
	unsigned int flags = 1 + rnd(3), k, want = 0, got, dead;

	/* rare static flushes, so that statics accumulate sometimes */
	if (flags & FDB_FLUSH_STATIC && rnd(4))
		flags = FDB_FLUSH_LEARNED;
	dead = (unsigned int)stats_of(fdb).entries - m_count(-1, false);
	for (k = 0; k < M_KEYS; k++) {
		if (!model[k].present ||
		    (port >= 0 && model[k].port != (unsigned int)port) ||
		    !(flags & (model[k].is_static ? FDB_FLUSH_STATIC :
						    FDB_FLUSH_LEARNED)))
			continue;
		if (m_alive(k))
			want++;
		model[k].present = false;
	}
	got = fdb_flush(fdb, port, flags);
	if (got < want || got > want + dead)
		M_FAIL(flush, "flush port %d flags %u: %u, want %u (+%u dead)",
		       port, flags, got, want, dead);
}

struct m_walk {
	unsigned int calls, bad;
};

static int m_walk_cb(const struct fdb_entry *e, void *arg)
{
	struct m_walk *w = arg;
	unsigned int k = mac_index(e->mac) - 1000 + e->vid / 10 * M_MACS;

	w->calls++;
	if (k >= M_KEYS || !m_alive(k) || model[k].port != e->port ||
	    model[k].is_static != e->is_static ||
	    e->last_seen_ms != model[k].last_ms / 100 * 100)
		w->bad++;
	return 0;
}

/* A full sweep, then everything must agree exactly, counts included. */
static void m_check_all(struct fdb *fdb)
{
	struct m_walk w = { 0 };
	struct fdb_stats s;
	unsigned int k, p;

	fdb_age(fdb, m_now, fdb_capacity(fdb));
	s = stats_of(fdb);
	if (s.entries != m_count(-1, false) ||
	    s.static_entries != m_count(-1, true))
		M_FAIL(counts, "entries %" PRIu64 "/%" PRIu64
		       ", model %u/%u", s.entries, s.static_entries,
		       m_count(-1, false), m_count(-1, true));
	for (p = 0; p < M_PORTS + 1; p++)
		if (fdb_port_entries(fdb, p) != m_count((int)p, false))
			M_FAIL(counts, "port %u: %u entries, model %u", p,
			       fdb_port_entries(fdb, p),
			       m_count((int)p, false));
	for (k = 0; k < M_KEYS; k++)
		if (fdb_lookup(fdb, key_mac(k), key_vid(k), m_now) !=
		    (m_alive(k) ? (int)model[k].port : -ENOENT))
			M_FAIL(lookup, "full check: key %u differs", k);
	fdb_foreach(fdb, m_now, m_walk_cb, &w);
	if (w.bad || w.calls != m_count(-1, false))
		M_FAIL(walk, "walk: %u calls, %u bad", w.calls, w.bad);
}

static void test_model(void)
{
	struct fdb *fdb = new_fdb(M_MAX, M_AGE);
	unsigned int i, r, checks = 0;
	struct fdb_stats s;

	memset(model, 0, sizeof(model));
	m_now = 0;
	for (i = 0; i < M_OPS; i++) {
		r = rnd(1000);
		if (r < 400)
			m_learn(fdb);
		else if (r < 700)
			m_lookup(fdb);
		else if (r < 760)
			m_del(fdb);
		else if (r < 790)
			m_add_static(fdb);
		else if (r < 795)
			m_flush(fdb);
		else if (r < 840)
			fdb_age(fdb, m_now, 1 + rnd(fdb_capacity(fdb)));
		else if (r < 850) {
			m_check_all(fdb);
			checks++;
		} else if (r < 999)
			m_now += rnd(r < 990 ? 300 : 20000);
		else
			m_now += rnd(5 * M_AGE);
	}
	m_check_all(fdb);
	s = stats_of(fdb);
	diag("model: %u ops, %u full checks, t = %" PRIu64 " ms; learned %"
	     PRIu64 " moves %" PRIu64 " aged %" PRIu64 " evicted %" PRIu64
	     " refused %" PRIu64 " flushed %" PRIu64, M_OPS, checks, m_now,
	     s.learned, s.moves, s.aged, s.evicted, s.refused, s.flushed);
	ok(!m_err.learn, "model: every learn result agrees (%u wrong)",
	   m_err.learn);
	ok(!m_err.lookup, "model: every lookup agrees (%u wrong)",
	   m_err.lookup);
	ok(!m_err.evict, "model: evictions take one learned entry of the "
	   "fullest port (%u wrong)", m_err.evict);
	ok(!m_err.del && !m_err.add && !m_err.flush,
	   "model: del, add_static, flush agree");
	ok(!m_err.counts, "model: entry and per-port counts agree after "
	   "sweeps (%u wrong)", m_err.counts);
	ok(!m_err.walk, "model: foreach agrees");
	ok(s.evicted > 100 && s.aged > 100 && s.moves > 100 &&
	   s.refused > 10, "model: the run exercised eviction, ageing, "
	   "moves and refusals");
	fdb_free(fdb);
}

int main(void)
{
	plan_tests(NPLANNED);
	test_new();
	test_learn();
	test_expiry();
	test_age();
	test_static();
	test_cap();
	test_full_static();
	test_flush_del();
	test_vlan();
	test_port_limit();
	test_hub();
	test_foreach();
	test_churn();
	test_model();
	return exit_status();
}
