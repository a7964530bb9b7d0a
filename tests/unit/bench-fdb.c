// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-fdb.c - FDB micro-benchmark: ns per learn (new entry, refresh),
 * lookup (hit, miss) and learn at the cap (with eviction) at 1k, 64k and 1M
 * entries of random MACs, the table's bytes per entry, and how often a
 * learn is refused by the probe bound under churn at the 0.75 load limit.
 * Not a test: run it by hand (make tests/unit/bench-fdb).
 *
 *	tests/unit/bench-fdb [rounds]
 *
 * (3 rounds by default; the best of them is shown)
 */
#include "tapsw/tapsw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tapsw/fdb.h"

enum {
	AGEING_MS = 300 * 1000,
	MIN_OPS = 1 << 22,	/* per timed loop, at least */
	PORTS = 8,
};

static uint64_t rng = 0x243f6a8885a308d3;

static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* a random unicast MAC in the low 6 bytes of mac[8] */
static void random_mac(uint8_t *mac)
{
	uint64_t r = rnd64();

	memcpy(mac, &r, 8);
	mac[0] &= 0xfe;		/* unicast */
	mac[0] |= 0x02;		/* locally administered */
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct fdb *bench_new(uint32_t max)
{
	struct fdb_config cfg = {
		.max_entries = max, .ageing_ms = AGEING_MS, .seed = 0,
	};
	struct fdb *fdb = fdb_new(&cfg);

	if (!fdb) {
		perror("fdb_new");
		exit(EXIT_FAILURE);
	}
	return fdb;
}

static void shuffle(uint8_t (*macs)[8], size_t n)
{
	uint8_t tmp[8];
	size_t i, j;

	for (i = n - 1; i > 0; i--) {
		j = rnd64() % (i + 1);
		memcpy(tmp, macs[i], 8);
		memcpy(macs[i], macs[j], 8);
		memcpy(macs[j], tmp, 8);
	}
}

static volatile int sink;

struct result {
	double learn_new, learn_hit, hit, miss, evict_first, evict_own;
	struct fdb_stats stats;
};

static void keep_min(double *best, double v)
{
	if (*best == 0 || v < *best)
		*best = v;
}

static void bench_size(uint32_t n, struct result *res)
{
	uint8_t (*macs)[8] = malloc((size_t)n * 8);
	uint8_t (*other)[8] = malloc((size_t)n * 16);
	unsigned int reps = MAX(1u, MIN_OPS / n), r;
	uint64_t now = 1000, ops;
	double t0, t;
	struct fdb *fdb;
	uint32_t i;
	int acc = 0;

	if (!macs || !other) {
		perror("malloc");
		exit(EXIT_FAILURE);
	}
	for (i = 0; i < n; i++)
		random_mac(macs[i]);
	for (i = 0; i < 2 * n; i++)
		random_mac(other[i]);

	/* learning new entries (a fresh table each rep) */
	for (r = 0; r < MIN(reps, 16u); r++) {
		fdb = bench_new(n);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			acc += fdb_learn(fdb, macs[i], 0, i % PORTS, now, NULL);
		keep_min(&res->learn_new, (now_ns() - t0) / n);
		if (r + 1 < MIN(reps, 16u))
			fdb_free(fdb);
	}

	/* refreshing known entries, random order, the clock moving */
	shuffle(macs, n);
	t0 = now_ns();
	for (ops = 0, r = 0; r < reps; r++) {
		now += 100;
		for (i = 0; i < n; i++, ops++)
			acc += fdb_learn(fdb, macs[i], 0, i % PORTS, now, NULL);
	}
	keep_min(&res->learn_hit, (now_ns() - t0) / (double)ops);

	/* lookups that hit, random order */
	shuffle(macs, n);
	t0 = now_ns();
	for (ops = 0, r = 0; r < reps; r++)
		for (i = 0; i < n; i++, ops++)
			acc += fdb_lookup(fdb, macs[i], 0, now);
	keep_min(&res->hit, (now_ns() - t0) / (double)ops);

	/* lookups of unknown MACs (each chain walked to its end) */
	t0 = now_ns();
	for (ops = 0, r = 0; r < reps; r++)
		for (i = 0; i < n; i++, ops++)
			acc += fdb_lookup(fdb, other[i], 0, now);
	keep_min(&res->miss, (now_ns() - t0) / (double)ops);

	/*
	 * A new port floods new source MACs into the full table: first it
	 * takes from the other ports until it is level with them (evict1,
	 * n learns), then it evicts its own (evict2, the next n).
	 */
	t0 = now_ns();
	for (i = 0; i < n; i++)
		acc += fdb_learn(fdb, other[i], 0, PORTS, now, NULL);
	t = now_ns();
	keep_min(&res->evict_first, (t - t0) / n);
	for (i = n; i < 2 * n; i++)
		acc += fdb_learn(fdb, other[i], 0, PORTS, now, NULL);
	keep_min(&res->evict_own, (now_ns() - t) / n);

	fdb_get_stats(fdb, &res->stats);
	if (res->stats.refused)
		fprintf(stderr, "%u: %" PRIu64 " learns refused\n", n,
			res->stats.refused);
	sink = acc;
	fdb_free(fdb);
	free(macs);
	free(other);
}

/*
 * Churn at the highest load the sizing allows (max_entries = 0.75 x
 * capacity): delete a random entry, learn a new one.  Linear probing's
 * long clusters show up here as learns refused by the probe bound.
 */
static void bench_churn(uint32_t n, unsigned int ops)
{
	uint8_t (*macs)[8] = malloc((size_t)n * 8);
	struct fdb *fdb = bench_new(n);
	uint32_t live = 0, j;
	struct fdb_stats s;
	unsigned int i;
	double t0, dt;

	if (!macs) {
		perror("malloc");
		exit(EXIT_FAILURE);
	}
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		if (live == n) {
			j = (uint32_t)(rnd64() % n);
			fdb_del(fdb, macs[j], 0);
			memcpy(macs[j], macs[--live], 8);
		}
		random_mac(macs[live]);
		if (fdb_learn(fdb, macs[live], 0, 1, 1000, NULL) ==
		    FDB_LEARN_NEW)
			live++;
	}
	dt = (now_ns() - t0) / ops;
	fdb_get_stats(fdb, &s);
	printf("churn: %u entries in %" PRIu64 " slots (load %.3f), %u ops, "
	       "%.1f ns/op, %" PRIu64 " refused by the probe bound "
	       "(%.2f per million)\n", n, s.capacity,
	       (double)n / (double)s.capacity, ops, dt, s.refused,
	       1e6 * (double)s.refused / ops);
	fdb_free(fdb);
	free(macs);
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 1000, 65536, 1048576 };
	unsigned int i, r, rounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 3;
	struct result res[ARRAY_SIZE(sizes)] = { 0 };

	for (r = 0; r < MAX(rounds, 1u); r++)
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			bench_size(sizes[i], &res[i]);

	printf("ns/op, best of %u rounds; fdb_max = entries, random MACs, "
	       "%d ports\n", MAX(rounds, 1u), PORTS);
	printf("%8s %8s %7s %7s %7s %7s %7s %7s %9s %7s\n", "entries",
	       "slots", "learn", "refresh", "hit", "miss", "evict1", "evict2",
	       "KiB", "B/entry");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		const struct result *x = &res[i];

		printf("%8u %8" PRIu64 " %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f "
		       "%9.1f %7.1f\n", sizes[i], x->stats.capacity,
		       x->learn_new, x->learn_hit, x->hit, x->miss,
		       x->evict_first, x->evict_own,
		       (double)x->stats.memory_bytes / 1024,
		       (double)x->stats.memory_bytes / sizes[i]);
	}
	printf("learn: new entries; refresh: learn of a known MAC; hit/miss: "
	       "fdb_lookup;\nevict1/2: learn of a new MAC at the cap by a "
	       "flooding port, the first n (it takes from the\n%d others "
	       "until level) / the next n (it evicts its own);\nB/entry: "
	       "memory_bytes / max_entries\n", PORTS);
	bench_churn(49152, 4000000);
	bench_churn(786432, 8000000);
	return 0;
}
