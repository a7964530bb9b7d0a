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
exec 9>/run/bn-bench.lock
flock -n 9 || die "run.sh (or another framecheck) is running"
ADS=("${@:-linux-bridge}")
[[ $# -gt 0 ]] || ADS=(linux-bridge tapsw)
[[ $(id -u) -eq 0 ]] || die "must run as root"
for ad in "${ADS[@]}"; do [[ -n ${BN_AD_TAG[$ad]:-} ]] || die "unknown adapter '$ad' (known: ${BN_AD_ORDER[*]})"; done
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
    "${AD_FN}_stop" >/dev/null 2>&1
    bn_ns_del "$SW_NS"; bn_ns_del "$(bn_host 1)"; bn_ns_del "$(bn_host 2)"
done
