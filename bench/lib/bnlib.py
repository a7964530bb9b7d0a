#!/usr/bin/env python3
"""Parsing and reporting helpers for the L2 switch bench (stdlib only).

  bnlib.py iperf FILE.json          -> "gbps bytes retrans host_cpu remote_cpu"
  bnlib.py ping FILE.txt            -> "sent recv loss_pct min avg p50 p99 max mdev" (us)
  bnlib.py udp SEND.json RECV.json  -> "sent sent_pps received rx_pps loss_pct reordered"
  bnlib.py report OUTDIR [BASELINE] -> markdown to stdout; writes summary.csv, ratios.csv, report.md
  bnlib.py vmreport OUTDIR [BASELINE] -> the same for a VM run (vm.sh; baseline bridge-tap)
  bnlib.py compare OUTDIR...        -> one table of several runs (summary + ratios per adapter)
  bnlib.py fsnap FILE HARNESS_PID   -> snapshot CPU ticks of "foreign" processes into FILE
  bnlib.py fdiff FILE HARNESS_PID   -> ticks used by foreign processes since the snapshot

"Foreign" = user-space processes that are not kernel threads, do not live in
one of the bench's bn-* network namespaces and are not descendants of the
harness: i.e. other people's load on this shared machine (noise indicator).
Short-lived processes are counted through their parent's cutime/cstime once
reaped.  Not counted: kernel threads (ksoftirqd, vhost, kworkers), i.e.
kernel-side work done on behalf of others' traffic.
"""
import csv
import json
import math
import os
import re
import statistics
import sys


def _num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def cmd_iperf(path):
    with open(path) as f:
        d = json.load(f)
    if "error" in d:
        raise SystemExit("iperf3 error: " + d["error"])
    end = d["end"]
    rcv = end["sum_received"]
    snd = end.get("sum_sent", {})
    cpu = end.get("cpu_utilization_percent", {})
    print("%.4f %d %d %.1f %.1f" % (
        rcv["bits_per_second"] / 1e9, rcv["bytes"], snd.get("retransmits", -1),
        cpu.get("host_total", -1), cpu.get("remote_total", -1)))


def cmd_ping(path):
    """Stats over all per-packet RTTs in FILE, which may hold the output of
    several ping runs (the harness interleaves chunks of pings across
    adapters).  mdev is computed like ping does: sqrt(E[t^2] - E[t]^2)."""
    txt = open(path).read()
    times = [float(m) for m in re.findall(r"time=([0-9.]+) ms", txt)]
    sent = sum(int(a) for a, _b in re.findall(r"(\d+) packets transmitted, (\d+) received", txt))
    recv = sum(int(b) for _a, b in re.findall(r"(\d+) packets transmitted, (\d+) received", txt))
    if not sent:
        sent, recv = len(times), len(times)
    if not times:
        print("%d %d 100 nan nan nan nan nan nan" % (sent, recv))
        return
    n = len(times)
    mn, mx = min(times) * 1000, max(times) * 1000
    avg = sum(times) / n * 1000
    mdev = math.sqrt(max(0.0, sum(t * t for t in times) / n - (sum(times) / n) ** 2)) * 1000
    s = sorted(times)

    def pct(p):  # nearest-rank percentile
        k = max(0, min(len(s) - 1, math.ceil(p / 100.0 * len(s)) - 1))
        return s[k] * 1000

    loss = 100.0 * (sent - recv) / sent if sent else 100.0
    print("%d %d %.2f %.1f %.1f %.1f %.1f %.1f %.1f" % (
        sent, recv, loss, mn, avg, pct(50), pct(99), mx, mdev))


def cmd_udp(send_path, recv_path):
    s = json.loads(open(send_path).read().strip().splitlines()[-1])
    r = json.loads(open(recv_path).read().strip().splitlines()[-1])
    sent, rec = s["sent"], r["received"]
    loss = 100.0 * (sent - rec) / sent if sent else 100.0
    # rx rate over the sender's send window: what the receiver got per second
    # of offered load (robust against the receiver's first/last timestamps).
    rx_pps = rec / s["secs"] if s["secs"] > 0 else 0.0
    print("%d %.1f %d %.1f %.3f %d" % (sent, s["pps"], rec, rx_pps, max(loss, 0.0),
                                       r.get("reordered", -1)))


# ----------------------------------------------------------------- report --
COLS = [
    # (metric key, header, format, kind) ; kind: "hi" higher is better, "lo" lower better
    ("tcp1_gbps", "TCP 1-stream Gbit/s", "%.2f", "hi"),
    ("tcp4_gbps", "TCP 4-stream Gbit/s", "%.2f", "hi"),
    ("udp_rx_kpps", "UDP {L}B rx kpps", "%.0f", "hi"),
    ("udp_loss_pct", "UDP {L}B loss %", "%.1f", "lo"),
    ("ping_avg_us", "ping avg us", "%.0f", "lo"),
    ("ping_p50_us", "ping p50 us", "%.0f", "lo"),
    ("ping_p99_us", "ping p99 us", "%.0f", "lo"),
    ("ping_max_us", "ping max us", "%.0f", "lo"),
    ("tcp1_sw_cpu_s_per_gb", "sw CPU s/GB (TCP1)", "%.2f", "lo"),
    ("tcp4_sw_cpu_s_per_gb", "sw CPU s/GB (TCP4)", "%.2f", "lo"),
    ("udp_sw_cpu_ns_per_pkt", "sw CPU ns/pkt (UDP{L})", "%.0f", "lo"),
]
SMOKE = [("flood_ok", "flood"), ("learn_ok", "learn"), ("ipv6_ok", "v6")]
ROUND_COLS = [
    ("tcp1_gbps", "TCP1 Gb/s", "%.2f"), ("tcp1_retrans", "TCP1 retr", "%.0f"),
    ("tcp4_gbps", "TCP4 Gb/s", "%.2f"), ("udp_sent_kpps", "UDP tx kpps", "%.0f"),
    ("udp_rx_kpps", "UDP rx kpps", "%.0f"), ("udp_loss_pct", "loss %", "%.1f"),
    ("udp_reordered", "UDP reord", "%.0f"),
    ("udp_drop_h1_tx", "drop h1 e0 tx", "%.0f"), ("udp_drop_h2_rcvbuf", "drop h2 rcvbuf", "%.0f"),
    ("ping_avg_us", "ping avg", "%.0f"), ("ping_p50_us", "p50", "%.0f"), ("ping_p99_us", "p99", "%.0f"),
    ("ping_max_us", "max", "%.0f"), ("tcp1_sw_cpu_pct", "sw CPU% TCP1", "%.0f"),
    ("tcp4_sw_cpu_pct", "sw CPU% TCP4", "%.0f"), ("udp_sw_cpu_pct", "sw CPU% UDP", "%.0f"),
    ("tcp1_sw_cpu_s_per_gb", "s/GB TCP1", "%.2f"), ("udp_sw_cpu_ns_per_pkt", "ns/pkt UDP", "%.0f"),
    ("fg", "other load % (tcp1/tcp4/udp/ping)", None),
]


RATIO_KEYS = [("tcp1_gbps", "TCP1"), ("tcp4_gbps", "TCP4"), ("udp_rx_kpps", "UDP rx pps"),
              ("ping_avg_us", "ping avg"), ("ping_p50_us", "ping p50"),
              ("ping_p99_us", "ping p99")]
ABS_KEYS = [("udp_loss_pct", "UDP loss %", "%.1f"),
            ("tcp1_sw_cpu_s_per_gb", "sw CPU s/GB TCP1", "%.2f"),
            ("tcp4_sw_cpu_s_per_gb", "sw CPU s/GB TCP4", "%.2f")]
# issue 3's targets for tapsw: (key, op, threshold, text)
TARGETS = [("tcp1_gbps", ">=", 0.9, "TCP 1 stream >= 0.9x"),
           ("tcp4_gbps", ">=", 0.7, "TCP 4 streams >= 0.7x"),
           ("udp_rx_kpps", ">=", 1.0, "64 B rx pps >= 1.0x"),
           ("ping_avg_us", "<=", 1.5, "ping avg <= 1.5x"),
           ("tcp1_sw_cpu_s_per_gb", "<=", 0.5, "switch CPU <= 0.5 s/GB (TCP1)")]


def _targets(adapters, status, ratio_rows, baseline, _per_round=None, _rounds=()):
    """Lines checking the tapsw adapters against the fast-path issue's targets."""
    rows = {r["adapter"]: r for r in ratio_rows}
    out = []
    for ad in adapters:
        if not ad.startswith("tapsw") or ad not in rows:
            continue
        parts = []
        for key, op, thr, txt in TARGETS:
            v = _num(rows[ad].get(key))
            if v is None:
                parts.append("%s: n/a" % txt)
                continue
            ok = v >= thr if op == ">=" else v <= thr
            unit = "" if key.endswith("s_per_gb") else "x"
            parts.append("%s: %s (%.2f%s)" % (txt, "met" if ok else "MISSED", v, unit))
        ovs = rows.get("ovs-netdev") or rows.get("ovs-netdev-tso")
        if ovs and _num(ovs.get("udp_rx_kpps")) and _num(rows[ad].get("udp_rx_kpps")):
            q = _num(rows[ad]["udp_rx_kpps"]) / _num(ovs["udp_rx_kpps"])
            parts.append("64 B rx pps >= 5x OVS userspace: %s (%.1fx)" % ("met" if q >= 5 else "MISSED", q))
        out.append("Targets of the fast-path issue, %s vs %s: %s." % (ad, baseline, "; ".join(parts)))
    return out


def _net_describe(meta):
    return ("%s; kernel %s; %s CPUs; %s round(s); TCP tests %ss, UDP %sB-payload test %ss, "
            "ping %s x 10 ms; %s hosts; machine busy (1 s sample) before/after: %s%% / %s%%; "
            "elapsed %ss" % (
                meta.get("date", "?"), meta.get("kernel", "?"), meta.get("cpus", "?"),
                meta.get("rounds", "?"), meta.get("duration", "?"), meta.get("udp_len", "?"),
                meta.get("udp_duration", "?"), meta.get("ping_count", "?"), meta.get("hosts", "?"),
                meta.get("busy_before", "?"), meta.get("busy_after", "?"),
                meta.get("elapsed_s", "?")))


NET = {
    "title": "L2 switch bench",
    "describe": _net_describe,
    "note": ("Median over rounds; [min-max] shown when rounds > 1. "
             "sw CPU = utime+stime of the switch process(es) only (n/a for the kernel bridge)."),
    "cols": COLS, "smoke": SMOKE, "round_cols": ROUND_COLS,
    "ratio_keys": RATIO_KEYS, "abs_keys": ABS_KEYS,
    "ratio_note": ("Higher is better for TCP and UDP rx, lower for ping; the last columns are "
                   "absolute (medians), since the kernel bridge has no switch process to charge "
                   "CPU to:"),
    "fg_keys": ("tcp1_foreign_cpu_pct", "tcp4_foreign_cpu_pct", "udp_foreign_cpu_pct",
                "ping_foreign_cpu_pct"),
    "targets": _targets,
    "info": "Host-side port (e0 in bn-<tag>-h1) as seen by the host stack:",
}

# ------------------------------------------------------------- VM report --
# bench/vm.sh: two TCG guests through each VM port kind; host CPU = the two
# QEMU processes + tapswd (tapsw kinds) + the machine's softirq time; "I/O"
# CPU = the same without QEMU's user time (the emulated guest CPU, and
# QEMU's own virtio-net device for tap and stream backends)
VM_COLS = [
    ("tcp_gbps", "TCP Gbit/s", "%.3f", "hi"),
    ("ping_avg_us", "ping avg us", "%.0f", "lo"),
    ("ping_p50_us", "ping p50 us", "%.0f", "lo"),
    ("ping_p99_us", "ping p99 us", "%.0f", "lo"),
    ("ping_loss_pct", "ping loss %", "%.1f", "lo"),
    ("tcp_host_s_per_gb", "host CPU s/GB", "%.1f", "lo"),
    ("tcp_io_s_per_gb", "I/O CPU s/GB", "%.2f", "lo"),
    ("tcp_sw_s_per_gb", "tapswd s/GB", "%.2f", "lo"),
    ("tcp_qemu_max_pct", "busier QEMU % of a core", "%.0f", "lo"),
]
VM_ROUND_COLS = [
    ("tcp_gbps", "TCP Gb/s", "%.3f"), ("tcp_retrans", "retr", "%.0f"),
    ("tcp_guest_cpu_sender_pct", "iperf3 CPU % snd", "%.0f"),
    ("tcp_guest_cpu_receiver_pct", "iperf3 CPU % rcv", "%.0f"),
    ("tcp_guest_a_busy_pct", "guest a busy %", "%.0f"),
    ("tcp_guest_b_busy_pct", "guest b busy %", "%.0f"),
    ("tcp_qemu_a_pct", "QEMU a %", "%.0f"), ("tcp_qemu_b_pct", "QEMU b %", "%.0f"),
    ("tcp_qemu_sys_pct", "QEMU sys %", "%.0f"), ("tcp_sw_pct", "tapswd %", "%.0f"),
    ("tcp_softirq_pct", "softirq %", "%.0f"), ("tcp_idle_vms_pct", "idle VMs %", "%.0f"),
    ("tcp_machine_busy_pct", "machine busy %", "%.0f"),
    ("tcp_host_s_per_gb", "host s/GB", "%.1f"), ("tcp_io_s_per_gb", "I/O s/GB", "%.2f"),
    ("ping_avg_us", "ping avg", "%.0f"), ("ping_p50_us", "p50", "%.0f"),
    ("ping_p99_us", "p99", "%.0f"), ("ping_max_us", "max", "%.0f"),
    ("fg", "other load % (tcp/ping)", None),
]
VM_RATIO_KEYS = [("tcp_gbps", "TCP"), ("ping_avg_us", "ping avg"), ("ping_p50_us", "ping p50"),
                 ("ping_p99_us", "ping p99"), ("tcp_host_s_per_gb", "host CPU/GB"),
                 ("tcp_io_s_per_gb", "I/O CPU/GB")]
VM_ABS_KEYS = [("tcp_host_s_per_gb", "host CPU s/GB", "%.1f"),
               ("tcp_qemu_max_pct", "busier QEMU %", "%.0f")]
# the VM issue's target: vhost-user ahead of every other kind, each metric
VM_TARGET_KEYS = [("tcp_gbps", "hi", "TCP"), ("ping_avg_us", "lo", "ping avg"),
                  ("ping_p99_us", "lo", "ping p99"), ("tcp_host_s_per_gb", "lo", "host CPU/GB")]
VM_TARGET = "tapsw-vhost-user"


def _vm_targets(adapters, status, ratio_rows, baseline, per_round=None, rounds=()):
    """Whether vhost-user is ahead of every other kind, metric by metric
    (ratios to the baseline, so the baseline itself is 1.0), and head to
    head: in how many rounds it was ahead of each other kind."""
    rows = {r["adapter"]: r for r in ratio_rows}
    if VM_TARGET not in rows:
        return []
    h2h = []
    for ad in adapters:
        if ad == VM_TARGET or ad not in rows:
            continue
        cells = []
        for key, kind, txt in VM_TARGET_KEYS:
            won = n = 0
            for r in rounds:
                me = (per_round or {}).get((str(r), VM_TARGET), {}).get(key)
                v = (per_round or {}).get((str(r), ad), {}).get(key)
                if me is None or v is None:
                    continue
                n += 1
                won += (me > v) if kind == "hi" else (me < v)
            if n:
                cells.append("%s %d/%d" % (txt, won, n))
        if cells:
            h2h.append("vs %s: %s" % (ad, ", ".join(cells)))
    parts = []
    for key, kind, txt in VM_TARGET_KEYS:
        me = _num(rows[VM_TARGET].get(key))
        if me is None:
            parts.append("%s: n/a" % txt)
            continue
        behind = []
        for ad, r in rows.items():
            v = _num(r.get(key))
            if ad == VM_TARGET or v is None:
                continue
            if (kind == "hi" and v >= me) or (kind == "lo" and v <= me):
                behind.append("%s %.2fx" % (ad, v))
        parts.append("%s: %s (%.2fx%s)" % (txt, "ahead of all" if not behind else "NOT ahead",
                                          me, "; " + ", ".join(behind) if behind else ""))
    out = ["Target of the vhost-user issue, %s ahead of every other kind (ratios to %s): %s." %
           (VM_TARGET, baseline, "; ".join(parts))]
    if h2h:
        out += ["", "Head to head, the rounds in which %s was ahead: %s." % (VM_TARGET, "; ".join(h2h))]
    return out


# a quiet round: during every kind's TCP test, others used at most this
# much CPU (% of one core) and the machine's softirq (ours and others') was low
QUIET_FOREIGN_PCT = 15
QUIET_SOFTIRQ_PCT = 5


def _vm_quiet(adapters, per_round, rounds, baseline):
    """Ratios over the quiet rounds only: where others' load did not move
    the numbers (on a shared machine, most rounds are not)."""
    quiet = []
    for r in rounds:
        ds = [per_round.get((str(r), ad)) for ad in adapters]
        ds = [d for d in ds if d]
        if ds and all(d.get("tcp_foreign_cpu_pct", 1e9) <= QUIET_FOREIGN_PCT and
                      d.get("tcp_softirq_pct", 1e9) <= QUIET_SOFTIRQ_PCT for d in ds):
            quiet.append(r)
    out = ["", "Quiet rounds (other load <= %d %% of a core and softirq <= %d %% during every "
           "TCP test): %s of %d." % (QUIET_FOREIGN_PCT, QUIET_SOFTIRQ_PCT,
                                     ", ".join("r%d" % r for r in quiet) or "none", len(rounds))]
    if not quiet:
        return out
    keys = [("tcp_gbps", "TCP Gbit/s", "%.3f", "TCP"),
            ("tcp_host_s_per_gb", "host CPU s/GB", "%.1f", "host CPU/GB"),
            ("tcp_io_s_per_gb", "I/O CPU s/GB", "%.2f", "I/O CPU/GB")]
    out += ["", "| adapter (quiet rounds) | " + " | ".join(k[1] for k in keys) + " | " +
            " | ".join("ratio " + k[3] for k in keys) + " |",
            "|" + "|".join(["---"] * (1 + 2 * len(keys))) + "|"]
    for ad in adapters:
        cells = [ad]
        for key, _h, fmt, _r in keys:
            v = [per_round[(str(r), ad)][key] for r in quiet
                 if key in per_round.get((str(r), ad), {})]
            cells.append((fmt % statistics.median(v)) + (" [%s-%s]" % (fmt % min(v), fmt % max(v))
                                                         if len(v) > 1 else "") if v else "n/a")
        for key, _h, _f, _r in keys:
            rs = [per_round[(str(r), ad)][key] / per_round[(str(r), baseline)][key] for r in quiet
                  if key in per_round.get((str(r), ad), {}) and
                  per_round.get((str(r), baseline), {}).get(key)]
            cells.append(("%.2fx" % statistics.median(rs)) + (" [%.2f-%.2f]" % (min(rs), max(rs))
                                                            if len(rs) > 1 and ad != baseline
                                                            else "") if rs else "n/a")
        out.append("| " + " | ".join(cells) + " |")
    return out


def _vm_describe(meta):
    return ("%s; kernel %s; %s CPUs; QEMU %s, TCG, 1 vCPU and %s MiB a guest; guest kernel %s; "
            "%s round(s); TCP test %ss (iperf3 %s in the guests, a -> b); ping %s x 10 ms "
            "a -> b; machine busy (1 s sample) before/after: %s%% / %s%%; elapsed %ss" % (
                meta.get("date", "?"), meta.get("kernel", "?"), meta.get("cpus", "?"),
                meta.get("qemu", "?"), meta.get("mem", "?"), meta.get("guest_kernel", "?"),
                meta.get("rounds", "?"), meta.get("duration", "?"), meta.get("iperf3", "?"),
                meta.get("ping_count", "?"), meta.get("busy_before", "?"),
                meta.get("busy_after", "?"), meta.get("elapsed_s", "?")))


VM = {
    "title": "VM bench",
    "describe": _vm_describe,
    "note": ("Median over rounds; [min-max] shown when rounds > 1. host CPU = utime+stime of "
             "both QEMU processes (+ tapswd for tapsw kinds) + the machine's softirq time, per "
             "GB received by iperf3; I/O CPU = the same without QEMU's user time (which holds "
             "the emulated guest CPUs and, for tap and stream, QEMU's virtio-net device): "
             "QEMU's system time (its TAP/socket I/O, eventfds, timers), tapswd, softirq. "
             "busier QEMU = the higher of the two QEMUs' CPU during the TCP test, in % of one "
             "core. Per round: iperf3 CPU = iperf3's own CPU in the guest (its -J report); "
             "guest busy = the guest's vCPU busy (its /proc/stat); idle VMs = the other pairs' QEMUs (booted, idle) in % of one "
             "core; machine busy = all CPUs, in % of the machine."),
    "cols": VM_COLS, "smoke": [], "round_cols": VM_ROUND_COLS,
    "ratio_keys": VM_RATIO_KEYS, "abs_keys": VM_ABS_KEYS,
    "ratio_note": "Higher is better for TCP, lower for ping and CPU per GB:",
    "fg_keys": ("tcp_foreign_cpu_pct", "ping_foreign_cpu_pct"),
    "targets": _vm_targets,
    "extra": _vm_quiet,
    "info": "Ports (offloads the guests negotiated, as tapswctl shows them; QEMU's netdev):",
}


def cmd_report(outdir, baseline="linux-bridge", P=NET):
    raw = os.path.join(outdir, "raw.csv")
    vals = {}        # (adapter, metric) -> [values]
    per_round = {}   # (round, adapter) -> {metric: value}
    adapters = []
    status = {}
    text = {}
    with open(raw) as f:
        for row in csv.DictReader(f):
            ad, met, r = row["adapter"], row["metric"], row["round"]
            if ad not in adapters:
                adapters.append(ad)
            if met == "status":
                status[ad] = row["value"]
                continue
            v = _num(row["value"])
            if v is None or (isinstance(v, float) and math.isnan(v)):
                text[(ad, met)] = row["value"]
                continue
            vals.setdefault((ad, met), []).append(v)
            per_round.setdefault((r, ad), {})[met] = v

    def med(ad, met):
        v = vals.get((ad, met))
        return statistics.median(v) if v else None

    rounds = sorted({int(r) for (r, _a) in per_round if r.isdigit() and int(r) > 0})
    out = []
    meta = {}
    mp = os.path.join(outdir, "meta.txt")
    if os.path.exists(mp):
        for line in open(mp):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    out.append("## %s %s" % (P["title"], meta.get("run_id", os.path.basename(outdir))))
    out.append("")
    if meta.get("label"):
        out.append("Label: **%s**" % meta["label"])
        out.append("")
    if meta.get("command"):
        out.append("Command: `%s`" % meta["command"])
        out.append("")
    out.append(P["describe"](meta))
    out.append("")
    out.append(P["note"])
    out.append("")
    L = meta.get("udp_len", "64")
    hdr = ["adapter"] + [c[1].replace("{L}", L) for c in P["cols"]] + [s[1] for s in P["smoke"]]
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "|".join(["---"] * len(hdr)) + "|")
    summary_rows = []
    for ad in adapters:
        st = status.get(ad, "ok")
        cells = [ad]
        srow = {"adapter": ad, "status": st}
        if st != "ok":
            cells += [st] + [""] * (len(hdr) - 2)
            out.append("| " + " | ".join(cells) + " |")
            summary_rows.append(srow)
            continue
        for key, _h, fmt, _k in P["cols"]:
            v = vals.get((ad, key))
            if not v:
                cells.append("n/a")
                continue
            m = statistics.median(v)
            c = fmt % m
            if len(v) > 1:
                c += " [" + (fmt % min(v)) + "-" + (fmt % max(v)) + "]"
            cells.append(c)
            srow[key] = fmt % m
            srow[key + "_min"] = fmt % min(v)
            srow[key + "_max"] = fmt % max(v)
        for key, _h in P["smoke"]:
            v = vals.get((ad, key))
            c = "n/a" if not v else ("ok" if min(v) >= 1 else "FAIL")
            cells.append(c)
            srow[key] = c
        out.append("| " + " | ".join(cells) + " |")
        summary_rows.append(srow)

    # ratios vs baseline
    ratio_rows = []
    if baseline in adapters and status.get(baseline, "ok") == "ok":
        out.append("")
        out.append("Ratio to %s (median of per-round ratios; each round's tests of all "
                   "adapters ran back to back). %s" % (baseline, P["ratio_note"]))
        out.append("")
        hdr3 = ["adapter"] + [h for _k, h in P["ratio_keys"]] + [h for _k, h, _f in P["abs_keys"]]
        out.append("| " + " | ".join(hdr3) + " |")
        out.append("|" + "|".join(["---"] * len(hdr3)) + "|")
        for ad in adapters:
            if status.get(ad, "ok") != "ok":
                continue
            cells = [ad]
            rrow = {"adapter": ad}
            for key, _h in P["ratio_keys"]:
                rs = []
                for r in rounds:
                    a = per_round.get((str(r), ad), {}).get(key)
                    b = per_round.get((str(r), baseline), {}).get(key)
                    if a is not None and b:
                        rs.append(a / b)
                if rs:
                    m = statistics.median(rs)
                    c = "%.2fx" % m
                    if len(rs) > 1 and ad != baseline:
                        c += " [%.2f-%.2f]" % (min(rs), max(rs))
                    rrow[key] = "%.3f" % m
                else:
                    c = "n/a"
                cells.append(c)
            for key, _h, fmt in P["abs_keys"]:
                m = med(ad, key)
                if key in rrow:
                    key = key + "_abs"
                cells.append(fmt % m if m is not None else "n/a")
                if m is not None:
                    rrow[key] = fmt % m
            out.append("| " + " | ".join(cells) + " |")
            ratio_rows.append(rrow)
        tg = P["targets"](adapters, status, ratio_rows, baseline, per_round, rounds)
        if tg:
            out += [""] + tg
        if "extra" in P:
            out += P["extra"]([a for a in adapters if status.get(a, "ok") == "ok"],
                              per_round, rounds, baseline)
        with open(os.path.join(outdir, "ratios.csv"), "w", newline="") as f:
            rkeys = [k for k, _h in P["ratio_keys"]]
            w = csv.DictWriter(f, fieldnames=["adapter"] + rkeys +
                               [k + "_abs" if k in rkeys else k for k, _h, _f in P["abs_keys"]],
                               restval="")
            w.writeheader()
            for row in ratio_rows:
                w.writerow(row)

    # per-round detail
    out.append("")
    out.append("Per round (test order rotates every round). \"other load\" = CPU used during "
               "each test by processes outside this bench (other users of the machine), "
               "in % of one core.")
    out.append("")
    hdr2 = ["round", "adapter"] + [c[1] for c in P["round_cols"]]
    out.append("| " + " | ".join(hdr2) + " |")
    out.append("|" + "|".join(["---"] * len(hdr2)) + "|")
    for r in rounds:
        for ad in adapters:
            d = per_round.get((str(r), ad))
            if not d:
                continue
            cells = [str(r), ad]
            for key, _h, fmt in P["round_cols"]:
                if key == "fg":
                    cells.append("/".join(
                        "%.0f" % d[k] if k in d else "?" for k in P["fg_keys"]))
                    continue
                cells.append(fmt % d[key] if key in d else "n/a")
            out.append("| " + " | ".join(cells) + " |")

    info = [(ad, text[(ad, "offload")]) for ad in adapters if (ad, "offload") in text]
    if info:
        out.append("")
        out.append(P["info"])
        out.append("")
        for ad, t in info:
            out.append("- %s: %s" % (ad, t))
    md = "\n".join(out) + "\n"
    sys.stdout.write(md)
    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write(md)
    keys = ["adapter", "status"]
    for key, _h, _f, _k in P["cols"]:
        keys += [key, key + "_min", key + "_max"]
    keys += [k for k, _h in P["smoke"]]
    with open(os.path.join(outdir, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, restval="")
        w.writeheader()
        for row in summary_rows:
            w.writerow(row)


def cmd_compare(dirs):
    """Several result directories side by side: per run and adapter, the
    medians and the ratios to the run's baseline (each run's own)."""
    keys = [("tcp1_gbps", "TCP1 Gb/s"), ("tcp4_gbps", "TCP4 Gb/s"),
            ("udp_rx_kpps", "UDP rx kpps"), ("udp_loss_pct", "loss %"),
            ("ping_avg_us", "ping avg us"), ("ping_p99_us", "ping p99 us"),
            ("tcp1_sw_cpu_s_per_gb", "s/GB TCP1")]
    rk = [k for k, _h in RATIO_KEYS if k in ("tcp1_gbps", "tcp4_gbps", "udp_rx_kpps",
                                              "ping_avg_us", "ping_p99_us")]
    hdr = (["run", "label", "adapter"] + [h for _k, h in keys] +
           ["x " + h for k, h in RATIO_KEYS if k in rk])
    print("| " + " | ".join(hdr) + " |")
    print("|" + "|".join(["---"] * len(hdr)) + "|")
    for d in dirs:
        meta = {}
        mp = os.path.join(d, "meta.txt")
        if os.path.exists(mp):
            for line in open(mp):
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    meta[k] = v
        ratios = {}
        rp = os.path.join(d, "ratios.csv")
        if os.path.exists(rp):
            for row in csv.DictReader(open(rp)):
                ratios[row["adapter"]] = row
        sp = os.path.join(d, "summary.csv")
        if not os.path.exists(sp):
            sys.stderr.write("%s: no summary.csv\n" % d)
            continue
        for row in csv.DictReader(open(sp)):
            if row.get("status", "ok") != "ok":
                continue
            cells = [meta.get("run_id", os.path.basename(d.rstrip("/"))), meta.get("label", ""),
                     row["adapter"]]
            cells += [row.get(k) or "n/a" for k, _h in keys]
            rr = ratios.get(row["adapter"], {})
            cells += [("%.2f" % float(rr[k])) if rr.get(k) else "n/a" for k in rk]
            print("| " + " | ".join(cells) + " |")


def _own_netns_inodes():
    inos = set()
    try:
        for n in os.listdir("/run/netns"):
            if n.startswith("bn-"):
                try:
                    inos.add(os.stat("/run/netns/" + n).st_ino)
                except OSError:
                    pass
    except OSError:
        pass
    return inos


def _foreign_ticks(harness_pid):
    own = _own_netns_inodes()
    procs = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        rest = st[st.rfind(")") + 2:].split()
        # ppid, utime+stime+cutime+cstime: the c* fields pick up the CPU of
        # short-lived children once their parent has reaped them.
        procs[int(d)] = (int(rest[1]), int(rest[11]) + int(rest[12]) + int(rest[13]) + int(rest[14]))
    out = {}
    for pid, (ppid, ticks) in procs.items():
        if pid == 2 or ppid == 2 or pid == 1:
            continue  # kernel threads (may be doing our softirq work) and init
        try:
            ino = os.stat("/proc/%d/ns/net" % pid).st_ino
        except OSError:
            continue
        if ino in own:
            continue
        p, anc = pid, False
        for _ in range(64):
            if p == harness_pid:
                anc = True
                break
            if p not in procs or p <= 1:
                break
            p = procs[p][0]
        if anc:
            continue
        out[pid] = ticks
    return out


def cmd_fsnap(path, harness_pid):
    with open(path, "w") as f:
        json.dump(_foreign_ticks(int(harness_pid)), f)


def cmd_fdiff(path, harness_pid):
    """Print the foreign ticks used since the snapshot; the top consumers
    (pid:comm:ticks) go to stderr for the logs."""
    old = {int(k): v for k, v in json.load(open(path)).items()}
    new = _foreign_ticks(int(harness_pid))
    d = {p: max(0, t - old.get(p, 0)) for p, t in new.items()}
    # a process that exited since the snapshot had its whole CPU time folded
    # into its parent's c* fields: take back what was already counted before.
    gone = sum(t for p, t in old.items() if p not in new)
    print(max(0, sum(d.values()) - gone))
    top = sorted(((t, p) for p, t in d.items() if t > 0), reverse=True)[:4]
    names = []
    for t, p in top:
        try:
            comm = open("/proc/%d/comm" % p).read().strip()
        except OSError:
            comm = "?"
        names.append("%d:%s:%d" % (p, comm, t))
    sys.stderr.write(" ".join(names) + "\n")


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    c = argv[1]
    if c == "iperf":
        cmd_iperf(argv[2])
    elif c == "ping":
        cmd_ping(argv[2])
    elif c == "udp":
        cmd_udp(argv[2], argv[3])
    elif c == "fsnap":
        cmd_fsnap(argv[2], argv[3])
    elif c == "fdiff":
        cmd_fdiff(argv[2], argv[3])
    elif c == "report":
        cmd_report(argv[2], *(argv[3:4]))
    elif c == "vmreport":
        cmd_report(argv[2], argv[3] if len(argv) > 3 else "bridge-tap", VM)
    elif c == "compare":
        cmd_compare(argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
