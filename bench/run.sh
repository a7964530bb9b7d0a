#!/usr/bin/env bash
# run.sh -- side-by-side benchmark of Layer-2 switches (see README.md).
# tapsw's copy of the team harness; the usual entry point is scripts/bench.
#
#   ./run.sh [--adapters a,b,c] [--duration 5] [--rounds 2] [--hosts 3]
#            [--udp-duration 3] [--udp-len 64] [--ping-count 200]
#            [--baseline linux-bridge] [--wait-idle 20] [--list-adapters]
#            [--label TEXT] [--run-id ID] [--results DIR] [--install-peers]
#
# --label TEXT     free text shown in the report and history.csv (e.g. which
#                  tapswd build was measured)
# --run-id ID      name of the result directory (default bench-<timestamp>)
# --results DIR    where result directories go (default <this dir>/results)
# --install-peers  also apt-get install vde2 / openvswitch-switch when missing
#                  (otherwise those adapters are SKIPped when not installed)
#
# Every adapter gets its own set of namespaces (bn-<tag>-sw for the switch,
# bn-<tag>-h1..hN for the hosts, host i = 10.77.0.i/24 + fd77::i/64 on e0).
# All adapters are brought up first; then, in every round, each test is run
# for all adapters back to back (order rotated per round), so that the
# adapters see the same background noise and their ratios are comparable.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BN_COMMAND=${BN_COMMAND:-"$0 $*"}     # recorded in meta.txt (scripts/bench passes its own)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"

ADAPTERS="linux-bridge,tapsw"
DURATION=5
ROUNDS=2
HOSTS=3
BASELINE=linux-bridge
PING_COUNT=200
UDP_LEN=64
UDP_DURATION=3
LIST_ONLY=0
WAIT_IDLE=20        # wait up to this many seconds for the machine to be quiet before starting
LABEL=""
RUN_ID=""
RESULTS_DIR="$BENCH_DIR/results"
INSTALL_PEERS=0

usage() { sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --adapters)   ADAPTERS=$2; shift 2 ;;
        --duration)   DURATION=$2; shift 2 ;;
        --rounds)     ROUNDS=$2; shift 2 ;;
        --hosts)      HOSTS=$2; shift 2 ;;
        --baseline)   BASELINE=$2; shift 2 ;;
        --ping-count) PING_COUNT=$2; shift 2 ;;
        --udp-len)    UDP_LEN=$2; shift 2 ;;
        --udp-duration) UDP_DURATION=$2; shift 2 ;;
        --wait-idle)  WAIT_IDLE=$2; shift 2 ;;
        --list-adapters) LIST_ONLY=1; shift ;;
        --label)      LABEL=$2; shift 2 ;;
        --run-id)     RUN_ID=$2; shift 2 ;;
        --results)    RESULTS_DIR=$2; shift 2 ;;
        --install-peers) INSTALL_PEERS=1; shift ;;
        -h|--help)    usage 0 ;;
        *) echo "unknown option $1" >&2; usage 2 ;;
    esac
done
[[ $DURATION =~ ^[0-9]+$ && $DURATION -ge 1 ]] || die "--duration must be a positive integer"
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 ]] || die "--rounds must be a positive integer"
[[ $UDP_DURATION =~ ^[0-9]+$ && $UDP_DURATION -ge 1 ]] || die "--udp-duration must be a positive integer"
[[ $UDP_LEN =~ ^[0-9]+$ && $UDP_LEN -ge 8 && $UDP_LEN -le 1472 ]] || die "--udp-len must be 8..1472"
[[ $HOSTS =~ ^[0-9]+$ && $HOSTS -ge 2 && $HOSTS -le 250 ]] || die "--hosts must be 2..250"
[[ -z $RUN_ID || $RUN_ID =~ ^[A-Za-z0-9._-]+$ ]] || die "--run-id: letters, digits, . _ - only"
[[ $LABEL != *$'\n'* ]] || die "--label must be one line"
if [[ $LIST_ONLY == 1 ]]; then
    for f in "$BENCH_DIR"/adapters/*.sh; do source "$f"; done
    for ad in "${BN_AD_ORDER[@]}"; do
        fn=$(bn_fn "$ad")
        if why=$("${fn}_check" 2>&1); then st="available"; else st="unavailable: $why"; fi
        printf '%-16s tag=%-6s %s\n' "$ad" "${BN_AD_TAG[$ad]}" "$st"
    done
    exit 0
fi
[[ $(id -u) -eq 0 ]] || die "must run as root"
[[ -c /dev/net/tun ]] || die "/dev/net/tun missing"

# one run at a time
mkdir -p /run
exec 9>/run/bn-bench.lock
flock -n 9 || die "another run.sh holds /run/bn-bench.lock"

# ------------------------------------------------------------ dependencies --
need_pkgs=()
tools=(ip:iproute2 iperf3:iperf3 ping:iputils-ping tcpdump:tcpdump ethtool:ethtool
       gcc:gcc python3:python3 flock:util-linux timeout:coreutils)
# the userspace peers are big (OVS); only installed when asked for
[[ $INSTALL_PEERS == 1 ]] && tools+=(vde_switch:vde2 ovs-vswitchd:openvswitch-switch ovsdb-tool:openvswitch-common)
for pair in "${tools[@]}"; do
    command -v "${pair%%:*}" >/dev/null || need_pkgs+=("${pair#*:}")
done
if [[ ${#need_pkgs[@]} -gt 0 ]]; then
    log "installing: ${need_pkgs[*]}"
    # Keep the packages' init scripts from starting a system-wide OVS (root
    # namespace, /var/run/openvswitch) during the install: the bench starts
    # its own private instances.  Only if no policy-rc.d exists already.
    prc=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        prc=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod 755 "$prc"
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
    inst_rc=$?
    [[ -n $prc ]] && rm -f "$prc"
    [[ $inst_rc -eq 0 ]] || die "apt-get install failed"
fi
UDPFLOOD="$BENCH_DIR/.build/udpflood"
if [[ ! -x $UDPFLOOD || $BENCH_DIR/tools/udpflood.c -nt $UDPFLOOD ]]; then
    mkdir -p "$BENCH_DIR/.build"
    gcc -O2 -Wall -o "$UDPFLOOD" "$BENCH_DIR/tools/udpflood.c" || die "building udpflood failed"
fi
# prefer the distribution's interpreter (stdlib only; avoids slow version-manager shims)
if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
PY="$PYTHON $BENCH_DIR/lib/bnlib.py"

# ------------------------------------------------------------------ cleanup --
on_exit() {
    local rc=$?
    local ad
    trap - EXIT INT TERM
    [[ $rc -ne 0 ]] && log "exiting with status $rc; cleaning up"
    for ad in "${ACTIVE[@]:-}"; do
        [[ -n $ad ]] || continue
        bn_ctx "$ad"
        "${AD_FN}_stop" >/dev/null 2>&1
    done
    bn_cleanup_all
    [[ -n $(bn_list_own_ns) ]] && warn "namespaces left: $(bn_list_own_ns)"
    rm -f /run/bn-bench.lock
    exit "$rc"
}
declare -a ACTIVE=()
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [[ -n $(bn_list_own_ns) ]]; then
    log "removing leftovers of an earlier run: $(bn_list_own_ns | tr '\n' ' ')"
fi
bn_cleanup_all          # leftovers of an earlier, interrupted run

# ------------------------------------------------------------------ outputs --
[[ -n $RUN_ID ]] || RUN_ID="bench-$(date +%Y%m%dT%H%M%S)"
OUT="$RESULTS_DIR/$RUN_ID"
[[ ! -e $OUT ]] || die "$OUT exists already"
LOGS="$OUT/logs"
mkdir -p "$LOGS" "$BN_RUN_ROOT"
RAW="$OUT/raw.csv"
echo "run_id,round,adapter,metric,value,unit" >"$RAW"
emit() {  # emit <round> <adapter> <metric> <value> <unit>
    printf '%s,%s,%s,%s,%s,%s\n' "$RUN_ID" "$1" "$2" "$3" "${4//,/;}" "$5" >>"$RAW"
}

for f in "$BENCH_DIR"/adapters/*.sh; do
    # shellcheck disable=SC1090
    source "$f"
done

IFS=, read -r -a REQ <<<"$ADAPTERS"
for ad in "${REQ[@]}"; do
    if [[ -z ${BN_AD_TAG[$ad]:-} ]]; then
        warn "unknown adapter '$ad' (known: ${BN_AD_ORDER[*]})"
        emit 0 "$ad" status "unknown adapter" ""
        continue
    fi
    fn=$(bn_fn "$ad")
    if ! why=$("${fn}_check" 2>&1); then
        warn "skipping $ad: $why"
        emit 0 "$ad" status "SKIP: $why" ""
        continue
    fi
    ACTIVE+=("$ad")
done

bn_wait_idle "$WAIT_IDLE"
busy_before=$BUSY_BEFORE waited=$WAITED
{
    bn_meta_head
    echo "rounds=$ROUNDS"
    echo "duration=$DURATION"
    echo "hosts=$HOSTS"
    echo "ping_count=$PING_COUNT"
    echo "udp_len=$UDP_LEN"
    echo "udp_duration=$UDP_DURATION"
    echo "adapters=${ACTIVE[*]}"
    echo "iperf3=$(dpkg-query -W -f '${Version}' iperf3 2>/dev/null)"
    echo "vde2=$(dpkg-query -W -f '${Version}' vde2 2>/dev/null) vde-switch=$(dpkg-query -W -f '${Version}' vde-switch 2>/dev/null)"
    echo "openvswitch-switch=$(dpkg-query -W -f '${Version}' openvswitch-switch 2>/dev/null)"
    echo "busy_before=$busy_before"
    echo "waited_for_idle_s=$waited"
    echo "loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/meta.txt"
for ad in "${ACTIVE[@]}"; do
    bn_ctx "$ad"
    echo "info_$ad=$("${AD_FN}_info" 2>&1)" >>"$OUT/meta.txt"
done
log "run $RUN_ID: adapters=${ACTIVE[*]} rounds=$ROUNDS duration=${DURATION}s hosts=$HOSTS (background busy ${busy_before}%)"

declare -A AD_PIDS=()     # adapter -> pids charged for switch CPU

# ------------------------------------------------------------- instance up --
instance_up() {
    local ad=$1 i h
    bn_ctx "$ad"
    NPORTS=$HOSTS
    rm -rf "$RUN_DIR"
    mkdir -p "$RUN_DIR"
    bn_ns_add "$SW_NS" || return 1
    for i in $(seq 1 "$HOSTS"); do bn_ns_add "$(bn_host "$i")" || return 1; done
    "${AD_FN}_start" >"$LOGS/$ad-start.log" 2>&1 || { cat "$LOGS/$ad-start.log" >&2; return 1; }
    for i in $(seq 1 "$HOSTS"); do
        h=$(bn_host "$i")
        ip -n "$h" link show e0 >/dev/null 2>&1 || { warn "$ad: no e0 in $h"; return 1; }
        ip netns exec "$h" sysctl -qw net.ipv6.conf.e0.accept_ra=0 net.ipv6.conf.e0.dad_transmits=0 2>/dev/null
        ip -n "$h" addr add "$BN_NET4.$i/24" dev e0 || return 1
        ip -n "$h" addr add "${BN_NET6}:$i/64" dev e0 nodad || return 1
        ip -n "$h" link set e0 up || return 1
    done
    AD_PIDS[$ad]=$("${AD_FN}_pids" 2>/dev/null | tr '\n' ' ')
    # iperf3 server on host 2 for the whole run
    bn_spawn "$LOGS/$ad-iperf3-server.log" /dev/null \
        ip netns exec "$(bn_host 2)" iperf3 -s -B "$BN_NET4.2" -p 5201
    # connectivity (also warms MAC tables / OVS flow caches)
    local ok=0
    for i in $(seq 1 25); do
        if ip netns exec "$(bn_host 1)" ping -c 1 -W 1 "$BN_NET4.2" >/dev/null 2>&1; then ok=1; break; fi
        sleep 0.2
    done
    [[ $ok == 1 ]] || { warn "$ad: h1 cannot reach h2"; return 1; }
    for i in $(seq 2 "$HOSTS"); do
        ip netns exec "$(bn_host 1)" ping -c 1 -W 2 "$BN_NET4.$i" >/dev/null 2>&1 \
            || warn "$ad: h1 cannot reach h$i"
    done
    # offload state of the host-side port, as the host stack sees it
    h=$(bn_host 1)
    local kind vnet tso csum gso mtu
    kind=$(ip -n "$h" -d link show e0 | awk 'NR==3{print $1}')
    vnet=$(ip -n "$h" -d link show e0 | grep -o 'vnet_hdr [a-z]*' | awk '{print $2}')
    mtu=$(ip -n "$h" link show e0 | grep -o 'mtu [0-9]*' | awk '{print $2}')
    tso=$(ip netns exec "$h" ethtool -k e0 2>/dev/null | awk -F': ' '$1=="tcp-segmentation-offload"{print $2}')
    csum=$(ip netns exec "$h" ethtool -k e0 2>/dev/null | awk -F': ' '$1=="tx-checksumming"{print $2}')
    gso=$(ip netns exec "$h" ethtool -k e0 2>/dev/null | awk -F': ' '$1=="generic-segmentation-offload"{print $2}')
    ip netns exec "$h" ethtool -k e0 >"$LOGS/$ad-ethtool-k-h1-e0.txt" 2>&1
    ip -n "$h" -d link show e0 >"$LOGS/$ad-ip-d-link-h1-e0.txt" 2>&1
    emit 0 "$ad" offload "kind=$kind vnet_hdr=${vnet:-n/a} mtu=$mtu tso=$tso tx-csum=$csum gso=$gso" ""
    return 0
}

# ------------------------------------------------------------- smoke tests --
smoke_tests() {
    local ad=$1 i h d
    bn_ctx "$ad"
    d="$LOGS/$ad-smoke"
    mkdir -p "$d"
    if [[ $HOSTS -ge 3 ]]; then
        # 1) flood: an ARP request for an unused address from h1 must reach h2..hN
        local pids=() ready
        for i in $(seq 2 "$HOSTS"); do
            h=$(bn_host "$i")
            ip netns exec "$h" timeout 6 tcpdump -i e0 -n -l -c 1 -Q in \
                'arp and arp[6:2] == 1 and arp[24:4] == 0x0a4d00fe' >"$d/flood-h$i.txt" 2>"$d/flood-h$i.err" &
            pids+=($!)
        done
        for i in $(seq 1 60); do
            ready=$(cat "$d"/flood-h*.err 2>/dev/null | grep -c 'listening on')
            [[ $ready -ge $((HOSTS - 1)) ]] && break
            sleep 0.05
        done
        ip netns exec "$(bn_host 1)" ping -c 1 -W 0.5 "$BN_NET4.254" >/dev/null 2>&1
        for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
        local flood=1
        for i in $(seq 2 "$HOSTS"); do
            grep -q 'Request who-has' "$d/flood-h$i.txt" || { flood=0; warn "$ad: flood ARP not seen at h$i"; }
        done
        emit 0 "$ad" flood_ok "$flood" bool
        # 2) learning: after h1<->h2 learned, their unicast must not reach h3
        ip netns exec "$(bn_host 1)" ping -c 2 -i 0.1 -W 1 "$BN_NET4.2" >/dev/null 2>&1
        ip netns exec "$(bn_host 2)" ping -c 2 -i 0.1 -W 1 "$BN_NET4.1" >/dev/null 2>&1
        h=$(bn_host 3)
        ip netns exec "$h" timeout 3 tcpdump -i e0 -n -l -c 1 \
            'icmp and host 10.77.0.1 and host 10.77.0.2' >"$d/learn-h3.txt" 2>"$d/learn-h3.err" &
        local tp=$!
        for i in $(seq 1 60); do grep -q 'listening on' "$d/learn-h3.err" 2>/dev/null && break; sleep 0.05; done
        ip netns exec "$(bn_host 1)" ping -c 10 -i 0.05 -W 1 "$BN_NET4.2" >/dev/null 2>&1
        sleep 0.2
        kill -TERM "$tp" 2>/dev/null    # timeout(1) passes it on to tcpdump
        wait "$tp" 2>/dev/null
        if grep -q 'ICMP' "$d/learn-h3.txt"; then
            emit 0 "$ad" learn_ok 0 bool; warn "$ad: h3 saw unicast h1<->h2 (no learning?)"
        else
            emit 0 "$ad" learn_ok 1 bool
        fi
    fi
    # 3) IPv6 (ND is multicast, so this also exercises multicast flooding)
    if ip netns exec "$(bn_host 1)" ping -6 -c 2 -i 0.1 -W 2 "${BN_NET6}:$HOSTS" >"$d/ping6.txt" 2>&1; then
        emit 0 "$ad" ipv6_ok 1 bool
    else
        emit 0 "$ad" ipv6_ok 0 bool; warn "$ad: IPv6 ping h1->h$HOSTS failed"
    fi
}

# ------------------------------------------------------------------- tests --
ticks_per_s=$(getconf CLK_TCK)

# derived CPU metrics: emit_cpu <round> <ad> <prefix> <ticks> <wall_s>
emit_cpu() {
    local r=$1 ad=$2 p=$3 ticks=$4 wall=$5
    [[ -n ${AD_PIDS[$ad]// /} ]] || return 0
    local cpu_s
    cpu_s=$(awk -v t="$ticks" -v hz="$ticks_per_s" 'BEGIN{printf "%.3f", t/hz}')
    emit "$r" "$ad" "${p}_sw_cpu_s" "$cpu_s" s
    emit "$r" "$ad" "${p}_sw_cpu_pct" "$(awk -v c="$cpu_s" -v w="$wall" 'BEGIN{printf "%.1f", 100*c/w}')" "%"
}

FG_SNAP="$BN_RUN_ROOT/foreign.json"    # fg_begin, fg_pct: lib/common.sh
fg_end() {  # fg_end <round> <adapter> <test-name>
    local v
    v=$(fg_pct "r$1 $2 $3")
    [[ -n $v ]] && emit "$1" "$2" "${3}_foreign_cpu_pct" "$v" "% of one core"
}

test_tcp() {  # test_tcp <round> <adapter> <streams>
    local r=$1 ad=$2 P=$3 name="tcp$3"
    bn_ctx "$ad"
    local j="$LOGS/r$r-$ad-$name.json" c0 c1 t0 t1
    fg_begin
    c0=$(bn_cpu_ticks ${AD_PIDS[$ad]}); t0=$(date +%s.%N)
    timeout $((DURATION + 20)) ip netns exec "$(bn_host 1)" \
        iperf3 -c "$BN_NET4.2" -p 5201 -t "$DURATION" -P "$P" -J </dev/null >"$j" 2>"$j.err"
    t1=$(date +%s.%N); c1=$(bn_cpu_ticks ${AD_PIDS[$ad]})
    fg_end "$r" "$ad" "$name"
    local res gbps bytes retr hcpu rcpu
    if ! res=$($PY iperf "$j" 2>&1); then
        warn "$ad $name round $r failed: $res"; emit "$r" "$ad" "${name}_error" nan ""; return 1
    fi
    read -r gbps bytes retr hcpu rcpu <<<"$res"
    emit "$r" "$ad" "${name}_gbps" "$gbps" Gbit/s
    emit "$r" "$ad" "${name}_bytes" "$bytes" B
    emit "$r" "$ad" "${name}_retrans" "$retr" segs
    emit "$r" "$ad" "${name}_iperf_cpu_sender_pct" "$hcpu" "%"
    emit "$r" "$ad" "${name}_iperf_cpu_receiver_pct" "$rcpu" "%"
    local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
    emit_cpu "$r" "$ad" "$name" $((c1 - c0)) "$wall"
    if [[ -n ${AD_PIDS[$ad]// /} ]]; then
        emit "$r" "$ad" "${name}_sw_cpu_s_per_gb" \
            "$(awk -v t=$((c1 - c0)) -v hz="$ticks_per_s" -v b="$bytes" 'BEGIN{printf "%.4f", (t/hz)/(b/1e9)}')" s/GB
    fi
    log "  r$r $ad $name: $gbps Gbit/s (retr $retr)"
}

# "<h1 e0 tx_dropped> <h2 e0 rx_dropped> <h2 Udp RcvbufErrors>" (needs bn_ctx)
udp_drop_counters() {
    local t r u
    t=$(ip netns exec "$(bn_host 1)" cat /sys/class/net/e0/statistics/tx_dropped 2>/dev/null)
    r=$(ip netns exec "$(bn_host 2)" cat /sys/class/net/e0/statistics/rx_dropped 2>/dev/null)
    u=$(ip netns exec "$(bn_host 2)" awk '/^Udp:/{n++; if(n==1){for(i=1;i<=NF;i++) if($i=="RcvbufErrors") c=i} else {print $c}}' /proc/net/snmp 2>/dev/null)
    echo "${t:-0} ${r:-0} ${u:-0}"
}

test_udp() {  # test_udp <round> <adapter>
    local r=$1 ad=$2 name="udp"
    bn_ctx "$ad"
    local s="$LOGS/r$r-$ad-$name-send.json" v="$LOGS/r$r-$ad-$name-recv.json" c0 c1 t0 t1 rp i
    ip netns exec "$(bn_host 2)" "$UDPFLOOD" recv "$BN_NET4.2" 9000 $((UDP_DURATION + 5)) 400 \
        </dev/null >"$v" 2>"$v.err" &
    rp=$!
    for i in $(seq 1 60); do grep -q ready "$v.err" 2>/dev/null && break; sleep 0.05; done
    local d0 d1
    d0=$(udp_drop_counters)
    fg_begin
    c0=$(bn_cpu_ticks ${AD_PIDS[$ad]}); t0=$(date +%s.%N)
    timeout $((UDP_DURATION + 10)) ip netns exec "$(bn_host 1)" \
        "$UDPFLOOD" send "$BN_NET4.2" 9000 "$UDP_LEN" "$UDP_DURATION" </dev/null >"$s" 2>"$s.err"
    wait "$rp"
    t1=$(date +%s.%N); c1=$(bn_cpu_ticks ${AD_PIDS[$ad]})
    fg_end "$r" "$ad" "$name"
    d1=$(udp_drop_counters)
    local res sent spps rec rpps loss reord
    if ! res=$($PY udp "$s" "$v" 2>&1); then
        warn "$ad $name round $r failed: $res"; emit "$r" "$ad" "${name}_error" nan ""; return 1
    fi
    read -r sent spps rec rpps loss reord <<<"$res"
    emit "$r" "$ad" "${name}_sent" "$sent" pkts
    emit "$r" "$ad" "${name}_sent_kpps" "$(awk -v x="$spps" 'BEGIN{printf "%.1f", x/1000}')" kpps
    emit "$r" "$ad" "${name}_received" "$rec" pkts
    emit "$r" "$ad" "${name}_rx_kpps" "$(awk -v x="$rpps" 'BEGIN{printf "%.1f", x/1000}')" kpps
    emit "$r" "$ad" "${name}_loss_pct" "$loss" "%"
    emit "$r" "$ad" "${name}_reordered" "$reord" pkts
    # where the loss happened: h1 e0 tx_dropped (TAP queue/ring full on the way
    # into the switch), h2 e0 rx_dropped, h2 UDP receive-buffer overflows.
    local a b
    read -r -a a <<<"$d0"; read -r -a b <<<"$d1"
    emit "$r" "$ad" "${name}_drop_h1_tx" $((b[0] - a[0])) pkts
    emit "$r" "$ad" "${name}_drop_h2_rx" $((b[1] - a[1])) pkts
    emit "$r" "$ad" "${name}_drop_h2_rcvbuf" $((b[2] - a[2])) pkts
    local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
    emit_cpu "$r" "$ad" "$name" $((c1 - c0)) "$wall"
    if [[ -n ${AD_PIDS[$ad]// /} && $rec -gt 0 ]]; then
        emit "$r" "$ad" "${name}_sw_cpu_ns_per_pkt" \
            "$(awk -v t=$((c1 - c0)) -v hz="$ticks_per_s" -v n="$rec" 'BEGIN{printf "%.1f", (t/hz)*1e9/n}')" ns/pkt
    fi
    log "  r$r $ad udp${UDP_LEN}B: tx $(awk -v x="$spps" 'BEGIN{printf "%.0f", x/1000}') kpps, rx $(awk -v x="$rpps" 'BEGIN{printf "%.0f", x/1000}') kpps, loss $loss%"
}

# Latency: the pings of all adapters are interleaved in PING_CHUNKS chunks
# (A B C D A B C D ...), so a burst of someone else's load hits all adapters
# alike instead of the one whose turn it happens to be.
PING_CHUNKS=4
test_ping_all() {  # test_ping_all <round> <adapter>...
    local r=$1 ad k c n
    shift
    for ad in "$@"; do : >"$LOGS/r$r-$ad-ping.txt"; done
    fg_begin
    for k in $(seq 1 "$PING_CHUNKS"); do
        # spread PING_COUNT over the chunks
        n=$(((PING_COUNT * k) / PING_CHUNKS - (PING_COUNT * (k - 1)) / PING_CHUNKS))
        [[ $n -ge 1 ]] || continue
        for ad in "$@"; do
            bn_ctx "$ad"
            timeout 60 ip netns exec "$(bn_host 1)" ping -c "$n" -i 0.01 -W 1 "$BN_NET4.2" \
                </dev/null >>"$LOGS/r$r-$ad-ping.txt" 2>&1
        done
    done
    local fgv
    fgv=$(fg_pct "r$r all-adapters ping")
    for ad in "$@"; do
        test_ping_parse "$r" "$ad"
        [[ -n $fgv ]] && emit "$r" "$ad" ping_foreign_cpu_pct "$fgv" "% of one core"
    done
}

test_ping_parse() {  # test_ping_parse <round> <adapter>
    local avg p50 p99 mx loss
    read -r avg p50 p99 mx loss <<<"$(bn_emit_ping "$1" "$2" "$LOGS/r$1-$2-ping.txt")"
    log "  r$1 $2 ping: avg ${avg}us p99 ${p99}us max ${mx}us loss $loss%"
}

# -------------------------------------------------------------------- main --
T_START=$(date +%s)
UP=()
for ad in "${ACTIVE[@]}"; do
    log "starting $ad"
    if instance_up "$ad"; then
        UP+=("$ad")
        emit 0 "$ad" status ok ""
    else
        warn "$ad failed to start; see $LOGS/$ad-start.log"
        emit 0 "$ad" status "FAILED to start" ""
        bn_ctx "$ad"; "${AD_FN}_stop" >/dev/null 2>&1
    fi
done
for ad in "${UP[@]}"; do smoke_tests "$ad"; done

n=${#UP[@]}
for r in $(seq 1 "$ROUNDS"); do
    order=()
    for k in $(seq 0 $((n - 1))); do order+=("${UP[$(((k + r - 1) % n))]}"); done
    log "round $r/$ROUNDS, order: ${order[*]}"
    for ad in "${order[@]}"; do test_tcp "$r" "$ad" 1; done
    for ad in "${order[@]}"; do test_tcp "$r" "$ad" 4; done
    for ad in "${order[@]}"; do test_udp "$r" "$ad"; done
    test_ping_all "$r" "${order[@]}"
done

for ad in "${ACTIVE[@]}"; do
    bn_ctx "$ad"
    "${AD_FN}_stop" >/dev/null 2>&1
    bn_ns_del "$SW_NS"
    for i in $(seq 1 "$HOSTS"); do bn_ns_del "$(bn_host "$i")"; done
done
bn_cleanup_all
{
    echo "busy_after=$(bn_busy_pct 1)"
    echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "elapsed_s=$(($(date +%s) - T_START))"
} >>"$OUT/meta.txt"

$PY report "$OUT" "$BASELINE"
# one line per adapter and run, across runs
HIST="$RESULTS_DIR/history.csv"
[[ -s $HIST ]] || { printf 'run_id,date,label,'; head -1 "$OUT/summary.csv"; } >"$HIST"
run_date=$(awk -F= '$1=="date"{print $2}' "$OUT/meta.txt")
hl=${LABEL//,/;}; hl=${hl//[\/&|]/_}
tail -n +2 "$OUT/summary.csv" | sed "s|^|$RUN_ID,$run_date,$hl,|" >>"$HIST"
echo
echo "raw CSV:     $RAW"
echo "summary CSV: $OUT/summary.csv   (all runs: $HIST)"
echo "report:      $OUT/report.md   (meta: $OUT/meta.txt, logs: $LOGS)"
echo "compare:     $PYTHON $BENCH_DIR/lib/bnlib.py compare $OUT <other result dir>..."
