#!/usr/bin/env bash
# tools/profile.sh -- where the CPU goes during one TCP stream through a
# switch.  For each adapter (default: linux-bridge tapsw): 2 hosts, iperf3
# h1 -> h2 for 8 s, `perf record -a -g` for 5 s in the middle, then the
# share of all CPU samples per process and the top kernel/user symbols.
#   tools/profile.sh [ADAPTER...]      (PROFILE_TOP=N symbols, default 25)
# Uses the same namespaces/lock as run.sh, so it cannot run concurrently with it.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
for f in "$BENCH_DIR"/adapters/*.sh; do source "$f"; done
command -v perf >/dev/null || die "perf is not installed (apt-get install linux-perf)"
exec 9>/run/bn-bench.lock
flock -n 9 || die "run.sh (or another tool) is running"
ADS=("${@:-linux-bridge}")
[[ $# -gt 0 ]] || ADS=(linux-bridge tapsw)
[[ $(id -u) -eq 0 ]] || die "must run as root"
for ad in "${ADS[@]}"; do [[ -n ${BN_AD_TAG[$ad]:-} ]] || die "unknown adapter '$ad' (known: ${BN_AD_ORDER[*]})"; done
out=$(mktemp -d /tmp/bn-profile.XXXXXX)
cleanup() { local a; for a in "${ADS[@]}"; do bn_ctx "$a"; "${AD_FN}_stop" >/dev/null 2>&1; done; bn_cleanup_all; rm -f /run/bn-bench.lock; }
trap cleanup EXIT
trap 'exit 143' TERM INT
bn_cleanup_all
for ad in "${ADS[@]}"; do
    bn_ctx "$ad"; NPORTS=2; mkdir -p "$RUN_DIR"
    bn_ns_add "$SW_NS"; bn_ns_add "$(bn_host 1)"; bn_ns_add "$(bn_host 2)"
    "${AD_FN}_start" >/dev/null 2>&1 || { echo "$ad: start failed"; continue; }
    for i in 1 2; do
        ip -n "$(bn_host $i)" addr add "$BN_NET4.$i/24" dev e0
        ip -n "$(bn_host $i)" link set e0 up
    done
    ip netns exec "$(bn_host 1)" ping -c 2 -i 0.2 -W 1 "$BN_NET4.2" >/dev/null
    ip netns exec "$(bn_host 2)" iperf3 -s -1 -B "$BN_NET4.2" >/dev/null 2>&1 & sp=$!
    sleep 0.5
    ip netns exec "$(bn_host 1)" iperf3 -c "$BN_NET4.2" -t 8 -J >"$out/$ad.iperf.json" 2>&1 & cp=$!
    sleep 2
    perf record -q -a -g -o "$out/$ad.data" -- sleep 5 >/dev/null 2>&1
    wait "$cp"; wait "$sp"
    gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100' "$out/$ad.iperf.json" 2>/dev/null)
    echo "== $ad: TCP 1 stream ${gbps:-?} Gbit/s; CPU samples by process (% of all, 2 CPUs):"
    perf report -i "$out/$ad.data" --no-children --sort comm --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -8
    echo "-- top symbols (% of all samples):"
    perf report -i "$out/$ad.data" --no-children --sort comm,sym --stdio -g none 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -"${PROFILE_TOP:-25}"
    "${AD_FN}_stop" >/dev/null 2>&1
    bn_ns_del "$SW_NS"; bn_ns_del "$(bn_host 1)"; bn_ns_del "$(bn_host 2)"
done
echo "perf data: $out"
