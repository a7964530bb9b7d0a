#!/usr/bin/env bash
# tools/framecheck.sh -- which frame sizes cross each switch during TCP?
# For each adapter (default: linux-bridge tapsw): 2 hosts, a 1 s
# iperf3 h1 -> h2, tcpdump on h2's e0 (first 2000 packets from h1); prints the
# TAP's vnet_hdr flag and the largest TCP payload seen in one packet.
# Uses the same namespaces/lock as run.sh, so it cannot run concurrently with it.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
for f in "$BENCH_DIR"/adapters/*.sh; do source "$f"; done
source "$BENCH_DIR/lib/tool.sh"
bn_tool_init "$@"
for ad in "${ADS[@]}"; do
    bn_tool_up "$ad" || continue
    cap="$RUN_DIR/frames.txt"
    ip netns exec "$(bn_host 2)" iperf3 -s -1 -B "$BN_NET4.2" >/dev/null 2>&1 & sp=$!
    ip netns exec "$(bn_host 2)" timeout 5 tcpdump -i e0 -n -c 2000 -Q in "tcp and src host $BN_NET4.1" \
        >"$cap" 2>/dev/null & tp=$!
    sleep 0.5
    ip netns exec "$(bn_host 1)" iperf3 -c "$BN_NET4.2" -t 1 >/dev/null 2>&1
    wait "$tp"; wait "$sp"
    printf '%-16s %-12s packets=%-5s max TCP payload per packet=%s bytes\n' "$ad" \
        "$(ip -n "$(bn_host 2)" -d link show e0 | grep -o 'vnet_hdr [a-z]*' || echo veth)" \
        "$(wc -l <"$cap")" "$(grep -o 'length [0-9]*' "$cap" | awk '{if($2>m)m=$2}END{print m+0}')"
    bn_tool_down "$ad"
done
