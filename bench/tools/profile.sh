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
source "$BENCH_DIR/lib/tool.sh"
bn_tool_init "$@"
command -v perf >/dev/null || die "perf is not installed (apt-get install linux-perf)"
out=$(mktemp -d /tmp/bn-profile.XXXXXX)
for ad in "${ADS[@]}"; do
    bn_tool_up "$ad" || continue
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
    bn_tool_down "$ad"
done
echo "perf data: $out"
