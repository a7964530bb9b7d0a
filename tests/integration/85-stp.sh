#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 85-stp: loop protection. A triangle of two tapswd running RSTP (A, the
# root by priority, and B) and a Linux bridge K with kernel STP
# (stp_state 1, 802.1D), joined by veths that are netdev ports of the
# tapswd; a host hangs off each. With short timers (hello 1 s, max age 6 s,
# forward delay 4 s):
#  - one port blocks: B's port to K is an alternate, discarding (K's costs
#    make it designated on that link); A-B runs RSTP, both ends of A-K and
#    B-K fell back to 802.1D BPDUs; the kernel bridge's ports forward;
#  - no broadcast storm: a burst of broadcasts moves the frame counters by
#    a bounded amount, and they stay still afterwards;
#  - every host pings every other;
#  - the active link A-B is cut: B's alternate becomes its root port at
#    once (RSTP), traffic recovers well under 2 x forward delay (measured,
#    printed, bounded);
#  - the link comes back, then A-K is cut: K, an 802.1D bridge, recovers
#    through B in about 2 x forward delay (measured, printed, bounded);
#  - B reports its ports' role changes as port.stp events;
#  - malformed BPDUs sent from a host are counted by reason and ignored,
#    tapswd stays up, the tree holds;
#  - STP settings (bridge and port) are refused out of range, kept in
#    --state and restored when B restarts without --stp;
#  - stp set mode stp makes A speak 802.1D (B follows on that link), mode
#    rstp back; stp set moves the root at run time; stp set mode off makes
#    BPDUs link-local drops again.
. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics
need_cmd bridge
find_tool BADFRAME badframe

HELLO=1 MAXAGE=6 FWD=4
NSA="$T-a" NSB="$T-b" NSK="$T-k"
SOCKA="$TMPD/a.sock" SOCKB="$TMPD/b.sock"
ctla() { "$TAPSWCTL" -s "$SOCKA" "$@"; }
ctlb() { "$TAPSWCTL" -s "$SOCKB" "$@"; }

quiet_ns() {
	ns_add "$1"
	in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both ends up
veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" ||
		fail "cannot create veth $2-$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

for ns in "$NSA" "$NSB" "$NSK" "$T-ha" "$T-hb" "$T-hk"; do
	quiet_ns "$ns"
done
veth "$NSA" "${T}ab" "$NSB" "${T}ba"
veth "$NSA" "${T}ak" "$NSK" "${T}ka"
veth "$NSB" "${T}bk" "$NSK" "${T}kb"
veth "$NSA" "${T}ha" "$T-ha" eth0
veth "$NSB" "${T}hb" "$T-hb" eth0
veth "$NSK" "${T}hk" "$T-hk" eth0
for h in ha:1 hb:2 hk:3; do
	ip -n "$T-${h%:*}" addr add "10.0.0.${h#*:}/24" dev eth0
done

# the kernel bridge: 802.1D in a netns (no user-space helper there)
ip -n "$NSK" link add br0 type bridge stp_state 1 priority 32768 \
	forward_delay $((FWD * 100)) hello_time $((HELLO * 100)) \
	max_age $((MAXAGE * 100)) ||
	skip "cannot create a kernel bridge with STP here (no bridge module?)"
for p in ka kb hk; do
	ip -n "$NSK" link set "${T}$p" master br0
	# below tapsw's 20000: K is designated on the B-K link, B blocks
	ip -n "$NSK" link set "${T}$p" type bridge_slave cost 100
done
ip -n "$NSK" link set br0 up
[[ $(ip netns exec "$NSK" cat /sys/class/net/br0/bridge/stp_state) == 1 ]] ||
	skip "the kernel bridge does not run STP here"

STP_ARGS=(--stp rstp --stp-hello $HELLO --stp-max-age $MAXAGE
	  --stp-forward-delay $FWD)
spawn "$TMPD/a.log" ip netns exec "$NSA" "${tapswd_wrapper[@]}" "$TAPSWD" \
	-v -s "$SOCKA" "${STP_ARGS[@]}" --stp-priority 4096 \
	--stp-mac 02:00:00:00:0a:00
TAPSWD_PID=$SPAWNED TAPSWD_LOG="$TMPD/a.log"
spawn "$TMPD/b.log" ip netns exec "$NSB" "${tapswd_wrapper[@]}" "$TAPSWD" \
	-v -s "$SOCKB" "${STP_ARGS[@]}" --stp-priority 8192 \
	--stp-mac 02:00:00:00:0b:00 --state "$TMPD/b.state"
PIDB=$SPAWNED
wait_until 20 ctla show || fail "tapswd A did not start"
wait_until 20 ctlb show || fail "tapswd B did not start"
for p in ab ak ha; do ctla port add "${T}$p" netdev >/dev/null ||
	fail "A: port add ${T}$p"; done
for p in ba bk hb; do ctlb port add "${T}$p" netdev >/dev/null ||
	fail "B: port add ${T}$p"; done
t_start=$(now)

# stp_port CTL PORT FIELD: a field of the port's stp object
stp_port() {
	"$1" -j stp show | jq -er --arg n "$2" ".ports[] | select(.name == \$n) | .$3"
}
is_role() { [[ $(stp_port "$1" "$2" role) == "$3" && $(stp_port "$1" "$2" state) == "$4" ]]; }
k_state() { bridge -n "$NSK" -j link show dev "$1" | jq -er '.[0].state'; }

converged() {
	is_role ctla "${T}ab" designated forwarding &&
	is_role ctla "${T}ak" designated forwarding &&
	is_role ctlb "${T}ba" root forwarding &&
	is_role ctlb "${T}bk" alternate discarding &&
	[[ $(k_state "${T}ka") == forwarding && $(k_state "${T}kb") == forwarding ]]
}
wait_until 40 converged || {
	ctla stp show; ctlb stp show; bridge -n "$NSK" link show
	fail "the tree did not converge within 40 s"
}
log "converged in $(awk -v a="$t_start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s"
ctla stp show | sed 's/^/# A: /'
ctlb stp show | sed 's/^/# B: /'
bridge -n "$NSK" link show | sed 's/^/# K: /'

[[ $(ctla -j stp show | jq -r .root) == true ]] || fail "A is not the root"
[[ $(ctlb -j stp show | jq -r .root_id) == 1000.020000000a00 ]] ||
	fail "B does not see A as root"
[[ $(ctlb -j stp show | jq -r .root_port) == "${T}ba" ]] ||
	fail "B's root port is not its link to A"
[[ $(ip netns exec "$NSK" cat /sys/class/net/br0/bridge/root_id) == 1000.020000000a00 ]] ||
	fail "K does not see A as root"
[[ $(stp_port ctla "${T}ab" protocol) == rstp && $(stp_port ctlb "${T}ba" protocol) == rstp ]] ||
	fail "the tapswd-tapswd link does not run RSTP"
[[ $(stp_port ctla "${T}ak" protocol) == stp && $(stp_port ctlb "${T}bk" protocol) == stp ]] ||
	fail "the links to the kernel bridge did not fall back to 802.1D"
[[ $(stp_port ctla "${T}ha" edge) == true ]] || fail "the host port is no edge"
ctla -j port show "${T}ab" | jq -e '.stp.role == "designated" and .drop_reasons.link_local == 0' >/dev/null ||
	fail "port show: no stp role, or BPDUs counted as link-local drops"

# --- pings
ping_addr() { in_ns "$T-$1" ping -n -q -c 1 -W 1 "$2" >/dev/null 2>&1; }
for pair in ha:10.0.0.2 ha:10.0.0.3 hb:10.0.0.3; do
	wait_until 15 ping_addr "${pair%:*}" "${pair#*:}" ||
		fail "${pair%:*} cannot ping ${pair#*:}"
done
log "every host pings every other"

# --- no storm: the frames all tapswd ports took
rx_total() {
	{ ctla -j port list; ctlb -j port list; } |
		jq -s '[.[][] | .rx_packets] | add'
}
r0=$(rx_total)
in_ns "$T-ha" ping -n -q -b -c 20 -i 0.05 -W 1 10.0.0.255 >/dev/null 2>&1 || true
sleep 3
r1=$(rx_total)
sleep 3
r2=$(rx_total)
log "frames into tapswd ports: $((r1 - r0)) in the 3 s of a 20-broadcast burst, $((r2 - r1)) in the 3 s after"
(( r1 - r0 < 400 )) || fail "broadcast storm: $((r1 - r0)) frames for 20 broadcasts"
(( r2 - r1 < 60 )) || fail "frames keep coming after the burst: $((r2 - r1)) in 3 s"

# recover_time SRC DST: seconds until SRC pings DST again (0.2 s probes)
recover_time() {
	local t0=$1 src=$2 dst=$3 deadline
	deadline=$(($(date +%s) + 60))
	until in_ns "$T-$src" ping -n -q -c 1 -W 0.2 "$dst" >/dev/null 2>&1; do
		(($(date +%s) < deadline)) || return 1
	done
	awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

# --- cut the active link A-B: B's alternate takes over (RSTP)
spawn "$TMPD/b-events.json" "$TAPSWCTL" -s "$SOCKB" -j monitor port.stp
MONB=$SPAWNED
sleep 0.3
tc0=$(ctlb -j stp show | jq .topology_changes)
t0=$(now)
ip -n "$NSA" link set "${T}ab" down
rt=$(recover_time "$t0" hb 10.0.0.1) || fail "hb -> ha did not recover within 60 s of cutting A-B"
log "A-B cut: hb reaches ha again after $rt s (forward delay $FWD s)"
awk -v r="$rt" -v f="$FWD" 'BEGIN { exit !(r < f) }' ||
	fail "recovery took $rt s: not rapid (under forward delay $FWD s expected)"
is_role ctlb "${T}bk" root forwarding || fail "B's port to K is not its root port now"
is_role ctlb "${T}ba" disabled disabled || fail "B's cut port is not disabled"
(( $(ctlb -j stp show | jq .topology_changes) > tc0 )) ||
	fail "no topology change counted on B"
wait_until 10 ping_addr hk 10.0.0.2 || fail "hk cannot ping hb after the cut"
ctlb -j stp show | jq -e '.time_since_topology_change < 30' >/dev/null ||
	fail "time since the topology change not shown"
stop_int "$MONB"
jq -se --arg p "${T}bk" 'any(.[]; .type == "port.stp" and .port == $p and .reason == "root forwarding")' \
	"$TMPD/b-events.json" >/dev/null ||
	fail "no port.stp event for ${T}bk becoming root forwarding: $(cat "$TMPD/b-events.json")"
log "port.stp events: $(jq -sc '[.[] | "\(.port) \(.reason)"]' "$TMPD/b-events.json")"

# --- back, then cut A-K: the 802.1D bridge goes through B
ip -n "$NSA" link set "${T}ab" up
wait_until 20 converged || fail "the tree did not come back after A-B returned"
log "A-B back: B's port to K is an alternate again"
wait_until 10 ping_addr hk 10.0.0.1 || fail "hk cannot ping ha"
t0=$(now)
ip -n "$NSK" link set "${T}ka" down
rt=$(recover_time "$t0" hk 10.0.0.1) || fail "hk -> ha did not recover within 60 s of cutting A-K"
log "A-K cut: hk reaches ha again after $rt s (802.1D: about 2 x forward delay = $((2 * FWD)) s)"
awk -v r="$rt" -v f="$FWD" -v m="$MAXAGE" 'BEGIN { exit !(r < 2 * f + m + 5) }' ||
	fail "recovery through the 802.1D bridge took $rt s"
is_role ctlb "${T}bk" designated forwarding || fail "B's port to K is not designated forwarding"
[[ $(k_state "${T}kb") == forwarding ]] || fail "K's port to B does not forward"

# --- malformed BPDUs from a host: counted, ignored
BAD="bpdu_runt bpdu_llc bpdu_len bpdu_proto bpdu_type bpdu_version bpdu_trunc bpdu_times"
in_ns "$T-hb" "$BADFRAME" -n 5 -p eth0 $BAD >"$TMPD/bad.out" 2>&1 ||
	fail "badframe failed: $(cat "$TMPD/bad.out")"
bad_counted() {
	ctlb -j port show "${T}hb" | jq -e '.drop_reasons.bpdu_invalid == 40'
}
wait_until 5 bad_counted ||
	fail "40 malformed BPDUs were not counted: $(ctlb -j port show "${T}hb" | jq -c '.drop_reasons, .stp.bad_bpdu_reasons')"
ctlb -j port show "${T}hb" | jq -e '.stp.bad_bpdu_reasons | .runt == 5 and .not_llc == 5 and .bad_length == 5 and .bad_protocol == 5 and .bad_type == 5 and .bad_version == 5 and .truncated == 5 and .bad_times == 5' >/dev/null ||
	fail "reasons: $(ctlb -j port show "${T}hb" | jq -c .stp.bad_bpdu_reasons)"
kill -0 "$PIDB" || fail "tapswd B died"
is_role ctlb "${T}hb" designated forwarding || fail "the host port changed role"
[[ $(ctlb -j stp show | jq -r .root_id) == 1000.020000000a00 ]] || fail "the root changed"
log "40 malformed BPDUs counted by reason and ignored"

# --- settings are kept (--state) and restored; --stp not given: the file's
ctlb port set "${T}hb" stp_cost 5000 stp_priority 64 stp_edge on >/dev/null ||
	fail "port set stp_*"
ctlb port set "${T}hb" stp_priority 65 >/dev/null 2>&1 &&
	fail "stp_priority 65 accepted"
ctlb stp set priority 100 >/dev/null 2>&1 && fail "bridge priority 100 accepted"
ctlb stp set forward-delay 3 >/dev/null 2>&1 &&
	fail "forward delay 3 with max age 6 accepted"
jq -e --arg p "${T}hb" '.stp.mode == "rstp" and .stp.priority == 8192 and (.ports[] | select(.name == $p) | .stp.cost == 5000 and .stp.priority == 64 and .stp.edge)' \
	"$TMPD/b.state" >/dev/null || fail "the state file lacks the STP settings: $(jq -c .stp "$TMPD/b.state")"
stop_pid "$PIDB"
spawn "$TMPD/b2.log" ip netns exec "$NSB" "${tapswd_wrapper[@]}" "$TAPSWD" \
	-v -s "$SOCKB" --stp-mac 02:00:00:00:0b:00 --state "$TMPD/b.state"
PIDB=$SPAWNED
wait_until 20 ctlb show || fail "tapswd B did not restart"
ctlb -j stp show | jq -e --arg p "${T}hb" '.mode == "rstp" and .priority == 8192 and .forward_delay == 4 and (.ports[] | select(.name == $p) | .cost == 5000 and .priority == 64 and .admin_edge)' >/dev/null ||
	fail "restarted B lost its STP settings: $(ctlb -j stp show | jq -c .)"
wait_until 20 is_role ctlb "${T}ba" root forwarding || fail "restarted B: no root port to A"
log "restarted B kept its STP settings (state file) and rejoined"

# --- A in 802.1D mode: the A-B link falls back, traffic goes on; and back
ctla stp set mode stp >/dev/null || fail "stp set mode stp"
ab_proto() { [[ $(stp_port ctla "${T}ab" protocol) == "$1" && $(stp_port ctlb "${T}ba" protocol) == "$1" ]]; }
wait_until 15 ab_proto stp || fail "A in stp mode: the A-B link still speaks RSTP"
wait_until 15 ping_addr hb 10.0.0.1 || fail "A in stp mode: hb cannot ping ha"
ctla stp set mode rstp >/dev/null || fail "stp set mode rstp"
wait_until 15 ab_proto rstp || fail "A back in rstp mode: the A-B link did not go back to RSTP"
log "A in --stp stp mode: the A-B link spoke 802.1D, then RSTP again"

# --- stp set at run time, and off: BPDUs are link-local drops again
ctla stp set priority 61440 >/dev/null || fail "stp set priority"
b_is_root() { [[ $(ctlb -j stp show | jq -r .root) == true ]]; }
wait_until 10 b_is_root ||
	fail "B did not become root after A's priority went to 61440"
log "A's priority 61440: B is the root"
# A without its link to K first: with STP off the triangle is a loop
ctla port del "${T}ak" >/dev/null || fail "port del ${T}ak"
ctla stp set mode off >/dev/null || fail "stp set mode off"
ctla -j port show "${T}ab" | jq -e 'has("stp") | not' >/dev/null || fail "stp still shown"
l0=$(ctla -j port show "${T}ab" | jq .drop_reasons.link_local)
sleep 2.5
l1=$(ctla -j port show "${T}ab" | jq .drop_reasons.link_local)
(( l1 > l0 )) || fail "with STP off, B's BPDUs are not link-local drops on A"
stop_pid "$PIDB"
pass
