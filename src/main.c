// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - tapswd: options, the libuv loop, signals, orderly teardown.
 *
 * tapswd runs in the foreground and logs to stderr (systemd style).  It
 * opens the ports given with -p, serves the control socket, and runs the
 * FDB's ageing sweep on a timer.  SIGTERM/SIGINT stop it: ports are closed
 * (persistent TAPs stay), the socket is removed.  die() is used only here,
 * before the loop runs; afterwards a failing port or client is closed and
 * the daemon goes on.
 */
#include "tapsw/tapsw.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uv.h>

#include "tapsw/ctl.h"
#include "tapsw/daemon.h"
#include "tapsw/ether.h"
#include "tapsw/capture.h"
#include "tapsw/events.h"
#include "tapsw/fdb.h"
#include "tapsw/linkwatch.h"
#include "tapsw/log.h"
#include "tapsw/netlink.h"
#include "tapsw/port.h"
#include "tapsw/port_class.h"
#include "tapsw/state.h"
#include "tapsw/sw_stp.h"
#include "tapsw/switch.h"

enum {
	PORTS_ON_CMDLINE_MAX = 256,
	AGEING_TICK_MS = 1000,		/* FDB sweep period */
	OPT_AGEING = 0x100,
	OPT_FDB_MAX,
	OPT_GROUP,
	OPT_STATE,
	OPT_IO,
	OPT_SLICE,
	OPT_STP,
	OPT_STP_PRIORITY,
	OPT_STP_HELLO,
	OPT_STP_MAX_AGE,
	OPT_STP_FWD_DELAY,
	OPT_STP_MAC,
	SLICE_US_DEFAULT = 100,		/* --slice: 0.1 ms */
	SLICE_US_MIN = 100,		/* the kernel's bounds: 0.1-100 ms */
	SLICE_US_MAX = 100000,
};

#define DEFAULT_SOCKET	"/run/tapsw/tapswd.sock"

struct tapswd {
	uv_loop_t *loop;
	struct sw sw;
	struct daemon daemon;	/* what the ports and the control plane share */
	struct ctl_server *ctl;
	struct events *events;
	struct capture *capture;
	struct linkwatch *linkwatch;
	uv_timer_t ageing;
	uv_signal_t sigterm, sigint;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tapswd [OPTIONS]\n"
"A userspace Ethernet switch for TAP devices.\n"
"\n"
"  -s, --socket PATH    control socket (default " DEFAULT_SOCKET ")\n"
"      --group GROUP    group that may use the control socket (mode 0660)\n"
"  -p, --port NAME      attach TAP NAME, creating it persistent if missing\n"
"                       (repeatable)\n"
"      --ageing SECONDS FDB ageing time (default 300; 0: no learning, hub)\n"
"      --fdb-max N      FDB size cap (default %d)\n"
"      --state FILE     keep ports, their settings and static FDB entries\n"
"                       in FILE: saved on every change, restored at start\n"
"      --io MODE        TAP I/O: uring (small frames written in batches\n"
"                       through io_uring), plain (one write() per frame) or\n"
"                       auto: uring when the kernel allows it (default;\n"
"                       the environment variable TAPSW_IO sets the default)\n"
"      --slice USEC     scheduler time slice asked for (default %d; 0: the\n"
"                       kernel's): a short one lets a woken tapswd preempt\n"
"                       busy processes (Linux 6.12 or later)\n"
"      --stp MODE       spanning tree: rstp (802.1w, 802.1D STP to the\n"
"                       ports that hear 802.1D BPDUs), stp (802.1D only)\n"
"                       or off (default: BPDUs dropped as link-local)\n"
"      --stp-priority N bridge priority, a multiple of 4096 (default 32768)\n"
"      --stp-hello S    hello time (1-10 s, default 2)\n"
"      --stp-max-age S  max age (6-40 s, default 20)\n"
"      --stp-forward-delay S  forward delay (2-30 s, default 15)\n"
"      --stp-mac MAC    bridge address (default: derived from the\n"
"                       machine id and the control socket's path)\n"
"  -v, --verbose        more log (repeat for debug)\n"
"  -h, --help           this help\n"
"  -V, --version        print the version\n", FDB_DEFAULT_MAX,
		SLICE_US_DEFAULT);
}

static unsigned long parse_num(const char *opt, const char *s,
			       unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		die("%s: invalid value '%s' (0 to %lu)", opt, s, max);
	return v;
}

/*
 * set_slice() - ask the scheduler for a time slice of @us microseconds.
 *
 * tapsw's work runs when a frame wakes it, where the kernel bridge's runs in
 * softirq, ahead of every task.  With EEVDF (Linux 6.6), a task that wakes
 * up preempts the running one only if its deadline is earlier, and a task
 * sets how far away its deadline is with its slice (sched_attr.sched_runtime
 * for SCHED_OTHER, Linux 6.12): with 0.1 ms instead of the default (1.4 ms
 * on 2 CPUs), a frame for tapswd no longer waits behind a CPU-bound process
 * (a VM) on its CPU (bench/RESULTS.md has the ping times with both CPUs
 * busy).  Older kernels take the call and ignore the slice.
 */
static void set_slice(unsigned long us)
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
	} attr = {
		.size = sizeof(attr),
		.policy = SCHED_OTHER,
		.runtime = us * 1000,
	};

	if (sched_getscheduler(0) != SCHED_OTHER)
		return;		/* chrt, CPUSchedulingPolicy=: theirs */
	attr.nice = getpriority(PRIO_PROCESS, 0);
	if (syscall(SYS_sched_setattr, 0, &attr, 0))
		warn_perror(errno, "--slice %lu: the scheduler refused it", us);
	else
		debug("scheduler slice %lu us", us);
}

/*
 * stp_default_mac() - a locally administered unicast MAC for the bridge
 * address, stable across restarts: FNV-1a of /etc/machine-id and the
 * control socket's path, so two tapswd on one machine differ.
 */
static void stp_default_mac(const char *sock, uint8_t mac[ETHER_ADDR_LEN])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char id[64] = "";
	const char *s;
	unsigned int i;
	FILE *f;

	f = fopen("/etc/machine-id", "r");
	if (f) {
		if (!fgets(id, sizeof(id), f))
			id[0] = '\0';
		fclose(f);
	}
	for (s = id; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	for (s = sock; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	for (i = 0; i < ETHER_ADDR_LEN; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct tapswd *d = h->data;

	info("%s received, shutting down", strsignal(signum));
	uv_stop(d->loop);
}

static void on_ageing(uv_timer_t *t)
{
	struct tapswd *d = t->data;
	uint64_t ageing = fdb_get_ageing(d->sw.fdb);
	unsigned int slots = fdb_capacity(d->sw.fdb);
	unsigned int passes;

	/* sweep the whole table about four times per ageing period */
	if (ageing) {
		passes = (unsigned int)MAX(ageing / (4 * AGEING_TICK_MS), 1);
		fdb_age(d->sw.fdb, uv_now(d->loop), slots / passes + 1);
	}
}

static void close_walk_cb(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "port", required_argument, NULL, 'p' },
		{ "ageing", required_argument, NULL, OPT_AGEING },
		{ "fdb-max", required_argument, NULL, OPT_FDB_MAX },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "io", required_argument, NULL, OPT_IO },
		{ "slice", required_argument, NULL, OPT_SLICE },
		{ "stp", required_argument, NULL, OPT_STP },
		{ "stp-priority", required_argument, NULL, OPT_STP_PRIORITY },
		{ "stp-hello", required_argument, NULL, OPT_STP_HELLO },
		{ "stp-max-age", required_argument, NULL, OPT_STP_MAX_AGE },
		{ "stp-forward-delay", required_argument, NULL,
		  OPT_STP_FWD_DELAY },
		{ "stp-mac", required_argument, NULL, OPT_STP_MAC },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_server_config ctl_cfg = {
		.path = DEFAULT_SOCKET,
		.group = -1,
	};
	struct sw_config sw_cfg = {
		.fdb_max = FDB_DEFAULT_MAX,
		.ageing_ms = FDB_DEFAULT_AGEING_MS,
	};
	const char *ports[PORTS_ON_CMDLINE_MAX];
	unsigned int n_ports = 0, i;
	enum log_level level = LOG_LVL_INFO;
	const char *io = getenv("TAPSW_IO");
	unsigned long slice_us = SLICE_US_DEFAULT;
	int io_mode;
	static struct tapswd d;
	struct stp_config stp_cfg;
	bool stp_mac_given = false, stp_cmdline = false;
	char why[256];
	int opt, ret;

	log_init("tapswd", level);
	stp_config_default(&stp_cfg, STP_MODE_OFF);
	signal(SIGPIPE, SIG_IGN);	/* a control client that went away */
	while ((opt = getopt_long(argc, argv, "s:p:vhV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			ctl_cfg.path = optarg;
			break;
		case 'p':
			if (n_ports == PORTS_ON_CMDLINE_MAX)
				die("too many -p options (max %d)",
				    PORTS_ON_CMDLINE_MAX);
			ports[n_ports++] = optarg;
			break;
		case OPT_GROUP: {
			struct group *gr = getgrnam(optarg);

			ctl_cfg.group = gr ? (long)gr->gr_gid :
				(long)parse_num("--group", optarg, 0x7fffffff);
			break;
		}
		case OPT_STATE:
			ctl_cfg.state_path = optarg;
			break;
		case OPT_IO:
			io = optarg;
			break;
		case OPT_SLICE:
			slice_us = parse_num("--slice", optarg, SLICE_US_MAX);
			if (slice_us && slice_us < SLICE_US_MIN)
				die("--slice: 0, or %d to %d", SLICE_US_MIN,
				    SLICE_US_MAX);
			break;
		case OPT_STP:
			ret = stp_mode_parse(optarg);
			if (ret < 0)
				die("--stp: invalid mode '%s' (rstp, stp or off)",
				    optarg);
			stp_cfg.mode = (enum stp_mode)ret;
			stp_cmdline = true;
			break;
		case OPT_STP_PRIORITY:
			stp_cfg.priority = (unsigned int)parse_num(
				"--stp-priority", optarg, 61440);
			break;
		case OPT_STP_HELLO:
			stp_cfg.hello = (unsigned int)parse_num("--stp-hello",
								optarg, 10);
			break;
		case OPT_STP_MAX_AGE:
			stp_cfg.max_age = (unsigned int)parse_num(
				"--stp-max-age", optarg, 40);
			break;
		case OPT_STP_FWD_DELAY:
			stp_cfg.fwd_delay = (unsigned int)parse_num(
				"--stp-forward-delay", optarg, 30);
			break;
		case OPT_STP_MAC:
			if (ether_mac_parse(optarg, stp_cfg.mac) ||
			    ether_is_multicast(stp_cfg.mac) ||
			    ether_is_zero(stp_cfg.mac))
				die("--stp-mac: not a unicast MAC: '%s'", optarg);
			stp_mac_given = true;
			break;
		case OPT_AGEING:
			sw_cfg.ageing_ms = 1000ULL *
				parse_num("--ageing", optarg, 1000000000UL);
			break;
		case OPT_FDB_MAX:
			sw_cfg.fdb_max = (uint32_t)parse_num("--fdb-max",
							     optarg, 1 << 24);
			if (!sw_cfg.fdb_max)
				die("--fdb-max: must be at least 1");
			break;
		case 'v':
			if (level < LOG_LVL_DEBUG)
				level++;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("tapswd %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see tapswd --help)", argv[optind]);
	log_set_level(level);
	io_mode = io_mode_parse(io && *io ? io : "auto");
	if (io_mode < 0)
		die("--io: invalid mode '%s' (plain, uring or auto)", io);

	if (slice_us)
		set_slice(slice_us);

	d.loop = uv_default_loop();
	ret = sw_init(&d.sw, &sw_cfg);
	if (ret)
		die("cannot create the FDB (%u entries): %s", sw_cfg.fdb_max,
		    strerror(-ret));
	d.daemon.loop = d.loop;
	d.daemon.sw = &d.sw;
	d.daemon.io = (enum io_mode)io_mode;
	d.daemon.nl = nl_open();
	if (!d.daemon.nl)
		die("cannot open rtnetlink: %s", strerror(errno));
	ret = port_classes_init(&d.daemon, why, sizeof(why));
	if (ret)
		die("--io %s: %s", io_mode_name((enum io_mode)io_mode), why);

	if (!stp_mac_given)
		stp_default_mac(ctl_cfg.path, stp_cfg.mac);
	if (stp_cfg.mode != STP_MODE_OFF &&
	    stp_config_check(&stp_cfg, why, sizeof(why)))
		die("--stp: %s", why);
	d.sw.stp_cfg = stp_cfg;
	d.sw.stp_cmdline = stp_cmdline;
	ret = sw_stp_configure(&d.sw, &d.daemon, &stp_cfg, why, sizeof(why));
	if (ret)
		die("--stp: %s", why);
	d.events = events_new(&d.daemon);
	if (!d.events)
		die("out of memory");
	ctl_cfg.events = d.events;
	d.capture = capture_new(&d.daemon);
	if (!d.capture)
		die("out of memory");
	ctl_cfg.capture = d.capture;
	ret = ctl_server_start(&d.daemon, &ctl_cfg, &d.ctl, why, sizeof(why));
	if (ret)
		die("control socket: %s", why);

	if (ctl_cfg.state_path) {
		unsigned int failed;

		ret = state_restore(&d.daemon, ctl_cfg.state_path, &failed, why,
				    sizeof(why));
		if (ret) {
			ctl_server_stop(d.ctl);
			uv_run(d.loop, UV_RUN_NOWAIT);
			die("--state: %s", why);
		}
		if (failed)
			warn("state: %u port%s could not be restored", failed,
			     failed == 1 ? "" : "s");
	}

	for (i = 0; i < n_ports; i++) {
		struct port_config cfg = {
			.name = ports[i], .kind = "tap",
			.owner = -1, .group = -1,
		};
		struct port *port;

		if (port_find(&d.sw, ports[i]))
			continue;	/* restored from --state already */
		ret = port_open(&d.daemon, &cfg, &port, why, sizeof(why));
		if (ret) {
			ctl_server_stop(d.ctl);
			uv_run(d.loop, UV_RUN_NOWAIT);
			die("port %s: %s", ports[i], why);
		}
	}

	if (ctl_cfg.state_path) {
		ret = state_save(&d.sw, ctl_cfg.state_path, why, sizeof(why));
		if (ret)
			die("--state: %s", why);
	}

	ret = linkwatch_start(&d.daemon, &d.linkwatch);
	if (ret)
		warn_perror(ret, "no rtnetlink link events (ports rely on "
			    "their fds to notice a deleted device)");

	uv_timer_init(d.loop, &d.ageing);
	d.ageing.data = &d;
	uv_timer_start(&d.ageing, on_ageing, AGEING_TICK_MS, AGEING_TICK_MS);
	uv_signal_init(d.loop, &d.sigterm);
	uv_signal_init(d.loop, &d.sigint);
	d.sigterm.data = d.sigint.data = &d;
	uv_signal_start(&d.sigterm, on_signal, SIGTERM);
	uv_signal_start(&d.sigint, on_signal, SIGINT);

	info("tapswd %s: %u port%s, control socket %s", PACKAGE_VERSION,
	     d.sw.n_ports, d.sw.n_ports == 1 ? "" : "s", ctl_cfg.path);
	uv_run(d.loop, UV_RUN_DEFAULT);

	/* orderly teardown: ports (persistent TAPs stay), socket, handles */
	ctl_server_stop(d.ctl);
	events_free(d.events);
	capture_free(d.capture);
	if (d.linkwatch)
		linkwatch_stop(d.linkwatch);
	sw_stp_stop(&d.sw);
	sw_fini(&d.sw);
	port_classes_fini(&d.daemon);
	uv_walk(d.loop, close_walk_cb, NULL);
	uv_run(d.loop, UV_RUN_DEFAULT);
	uv_loop_close(d.loop);
	nl_close(d.daemon.nl);
	info("stopped");
	return EXIT_SUCCESS;
}
