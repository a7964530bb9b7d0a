#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 27-vlan: per-port VLAN modes (docs/vlan.md). Four namespace hosts on TAP
# ports of tapswd, all addressed in 10.0.0.0/24:
#   a1  access 10            10.0.0.1
#   a2  access 10, plain     10.0.0.2   (offload off: the switch segments)
#   b1  access 20            10.0.0.3, and 10.0.20.3 for the trunk's VLAN 20
#   t   trunk 10,20          no address on the TAP; behind it, per VLAN, the
#                            hosts t10 10.0.0.4, t20 10.0.20.4, t30 10.0.30.4
# The trunk's far end is VLAN subinterfaces of the TAP (`ip link add link
# TAP name t.10 type vlan id 10`), or, on a kernel without 802.1Q support
# (CONFIG_VLAN_8021Q off, as on this project's test machines), a second
# tapswd in the trunk's namespace with a netdev port on the TAP (trunk
# 10,20,30) and access ports to namespaces t10, t20, t30: a trunk between
# two switches, which also takes the kernel's VLAN tags of AF_PACKET
# through PACKET_AUXDATA.
# Same VLAN pings, across VLANs does not although the subnet is the same; a
# broadcast from VLAN 10 is seen on a2 and (tagged 10) on the trunk, never on
# b1; TCP (iperf3, and a sha256-checked transfer) crosses access <-> trunk,
# so GSO frames survive the tag push and pop, and the software segmentation
# of a popped frame; frames of a wrong VLAN (30 on the trunk, tagged ones on
# an access port) are counted as vlan_ingress; `tapswctl -j fdb show` has
# the MACs with their VLAN; `tapswctl port set` changes a mode; the modes
# survive a --state restart.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics tcpdump iperf3 socat sha256sum head

HOST_IPV6=0			# quiet links: only our traffic
STATE="$TMPD/state.json"
start_switch --state "$STATE"
PORT_OPTS="access 10" add_host a1 1
PORT_OPTS="access 10 offload off" add_host a2 2
PORT_OPTS="access 20" add_host b1 3
PORT_OPTS="trunk 10,20" add_host t 4
pa1=${HOST_PORT[a1]} pa2=${HOST_PORT[a2]} pb1=${HOST_PORT[b1]} pt=${HOST_PORT[t]}
ns_t=${HOST_NS[t]} tif=${HOST_IF[t]}
ip -n "$ns_t" addr flush dev "$tif"
ip -n "${HOST_NS[b1]}" addr add 10.0.20.3/24 dev "${HOST_IF[b1]}"

# far_host NAME VID ADDR: host NAME in VLAN VID behind the trunk
if ip -n "$ns_t" link add link "$tif" name t.10 type vlan id 10 2>/dev/null; then
	FAR="VLAN subinterfaces of $tif"
	ip -n "$ns_t" link del t.10
	far_host() {
		ip -n "$ns_t" link add link "$tif" name "t.$2" type vlan id "$2"
		ip -n "$ns_t" addr add "$3/24" dev "t.$2"
		ip -n "$ns_t" link set "t.$2" up
		HOST_NS[$1]=$ns_t HOST_IF[$1]="t.$2" HOST_IDX[$1]=${3##*.}
	}
else
	FAR="a second tapswd (the kernel has no 802.1Q devices)"
	SOCK2="$TMPD/ctl2/tapswd.sock"
	spawn "$TMPD/tapswd2.log" ip netns exec "$ns_t" "$TAPSWD" -v -s "$SOCK2"
	ctl2() { "$TAPSWCTL" -s "$SOCK2" "$@"; }
	wait_until 20 ctl2 show || fail "the second tapswd did not start: $(cat "$TMPD/tapswd2.log")"
	ctl2 port add "$tif" netdev trunk 10,20,30 >/dev/null || fail "netdev port on $tif failed"
	far_host() {
		local ns="$T-$1" port="${T}x$2"
		ns_add "$ns"
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ctl2 port add "$port" access "$2" >/dev/null || fail "ctl2 port add $port failed"
		wait_until 10 ip -n "$ns_t" link show "$port" || fail "TAP $port did not appear"
		ip -n "$ns_t" link set "$port" netns "$ns"
		ip -n "$ns" addr add "$3/24" dev "$port"
		ip -n "$ns" link set "$port" up
		HOST_NS[$1]=$ns HOST_IF[$1]=$port HOST_IDX[$1]=${3##*.}
	}
fi
far_host t10 10 10.0.0.4
far_host t20 20 10.0.20.4
far_host t30 30 10.0.30.4
log "behind the trunk: $FAR"

# --- the modes as the switch shows them
vlan_of() { port_field "$1" vlan | jq -c .; }
[[ $(vlan_of "$pa1") == '{"mode":"access","tag":10}' ]] || fail "$pa1: $(vlan_of "$pa1")"
[[ $(vlan_of "$pb1") == '{"mode":"access","tag":20}' ]] || fail "$pb1: $(vlan_of "$pb1")"
[[ $(vlan_of "$pt") == '{"mode":"trunk","trunks":[10,20],"native":0}' ]] ||
	fail "$pt: $(vlan_of "$pt")"
ctl port list | grep -q "^$pt .* trunk 10,20 " || fail "port list has no VLAN column: $(ctl port list)"
log "modes: $(ctl -j port list | jq -c '[.[] | {name, vlan}]')"

# --- same VLAN: reach each other; across VLANs: not, although same subnet
ping_ok a1 a2
ping_ok a2 a1
ping_ok t10 a1
ping_ok a2 t10
wait_until 15 ping_once t20 10.0.20.3 || fail "t20 cannot ping b1 (10.0.20.3)"
log "VLAN 10: a1, a2, t10 ping each other; VLAN 20: t20 pings b1"
ping_fails a1 "$(ip4 b1)" || fail "a1 (VLAN 10) reaches b1 (VLAN 20)"
ping_fails b1 "$(ip4 a2)" || fail "b1 (VLAN 20) reaches a2 (VLAN 10)"
ping_fails b1 10.0.0.4 || fail "b1 (VLAN 20) reaches t10"
log "across VLANs: no ping"

# --- a broadcast from VLAN 10: on a2 and tagged on the trunk, not on b1
tcap_start() {		# tcpdump -e on the trunk's TAP itself: tags shown
	local f="$TMPD/cap-trunk-$RANDOM"
	spawn "$f.err" ip netns exec "$ns_t" \
		tcpdump -i "$tif" -e --immediate-mode -nn -U -w "$f.pcap" "$1"
	TCAP_PID=$SPAWNED TCAP_FILE="$f.pcap"
	wait_until 10 grep -q "listening on" "$f.err" || fail "tcpdump on $tif did not start"
}
capture_start a2 "arp"
pa=$CAP_PID fa=$CAP_FILE
capture_start b1 "arp"
pb=$CAP_PID fb=$CAP_FILE
tcap_start "vlan and arp"
in_ns "${HOST_NS[a1]}" ping -n -q -c 3 -i 0.3 -W 1 10.0.0.77 >/dev/null 2>&1 || true
oa=$(capture_stop "$pa" "$fa")
ob=$(capture_stop "$pb" "$fb")
sleep 0.5
stop_int "$TCAP_PID"
ot=$(tcpdump -e -nn -r "$TCAP_FILE" 2>/dev/null || true)
na=$(grep -c "who-has 10.0.0.77" <<<"$oa" || true)
nb=$(grep -c "who-has 10.0.0.77" <<<"$ob" || true)
nt=$(grep -c "vlan 10,.*who-has 10.0.0.77" <<<"$ot" || true)
log "ARP broadcasts from a1 for 10.0.0.77: a2 saw $na, trunk saw $nt tagged 10, b1 saw $nb"
((na >= 1)) || fail "a2 did not see a1's broadcasts: $oa"
((nt >= 1)) || fail "the trunk did not see a1's broadcasts tagged 10: $ot"
((nb == 0)) || fail "b1 (VLAN 20) saw $nb broadcasts of VLAN 10: $ob"

# --- the FDB: MACs with their VLAN
fdb_vlan_has() {	# MAC PORT VLAN
	ctl -j fdb show | jq -e --arg m "$1" --arg p "$2" --argjson v "$3" \
		'any(.[]; .mac == $m and .port == $p and .vlan == $v)' >/dev/null
}
mac_t10=$(host_mac t10)
fdb_vlan_has "$(host_mac a1)" "$pa1" 10 || fail "a1 not in VLAN 10 on $pa1: $(ctl -j fdb show)"
fdb_vlan_has "$(host_mac b1)" "$pb1" 20 || fail "b1 not in VLAN 20 on $pb1: $(ctl -j fdb show)"
fdb_vlan_has "$mac_t10" "$pt" 10 || fail "t10 not in VLAN 10 on $pt: $(ctl -j fdb show)"
ctl -j fdb show | jq -e 'all(.[]; .vlan == 10 or .vlan == 20)' >/dev/null ||
	fail "an FDB entry outside VLANs 10 and 20: $(ctl -j fdb show)"
n=$(ctl -j fdb show vlan 20 | jq length)
log "fdb: a1, t10 in VLAN 10, b1 in VLAN 20 ($n entries in VLAN 20)"

# --- TCP across the trunk: GSO frames tagged (a1 -> t) and untagged (t -> a1)
for h in a1 a2; do
	spawn "$TMPD/iperf-$h.log" ip netns exec "${HOST_NS[$h]}" iperf3 -s -B "$(ip4 $h)"
done
spawn "$TMPD/iperf-t10.log" ip netns exec "${HOST_NS[t10]}" iperf3 -s -B 10.0.0.4
sleep 0.5
tcp() {		# SRC DST_ADDR: 2 s of TCP, prints Gbit/s
	local out bps
	out=$(in_ns "${HOST_NS[$1]}" iperf3 -c "$2" -t 2 -J 2>&1) ||
		fail "iperf3 $1 -> $2 failed: $(tail -5 <<<"$out")"
	bps=$(jq -r '.end.sum_received.bits_per_second' <<<"$out")
	awk -v b="$bps" 'BEGIN { exit !(b > 1e6) }' || fail "iperf3 $1 -> $2: only $bps bit/s"
	awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e9 }'
}
log "TCP a1 -> t10 (access to trunk, tag pushed): $(tcp a1 10.0.0.4) Gbit/s"
log "TCP t10 -> a1 (trunk to access, tag popped): $(tcp t10 "$(ip4 a1)") Gbit/s"
seg0=$(port_field "$pa2" tx_segmented)
log "TCP t10 -> a2 (popped, then segmented in software): $(tcp t10 "$(ip4 a2)") Gbit/s"
seg1=$(port_field "$pa2" tx_segmented)
((seg1 > seg0)) || fail "no GSO frame from the trunk was segmented for $pa2 ($seg0 -> $seg1)"
bad=$(ctl -j port list | jq '[.[] | .drop_reasons.vnet_bad_gso + .drop_reasons.vnet_bad_csum + .drop_reasons.tx_error] | add')
((bad == 0)) || fail "vnet/tx drops on the way: $(ctl -j port list | jq -c '[.[] | {name, drop_reasons}]')"

# a checksummed transfer both ways: every byte arrives as sent
head -c 8M /dev/urandom >"$TMPD/blob"
sum=$(sha256sum <"$TMPD/blob" | cut -d' ' -f1)
xfer() {	# SRC_HOST DST_HOST DST_ADDR
	local port=$((20000 + RANDOM % 10000)) got
	spawn "$TMPD/rx-$2.out" ip netns exec "${HOST_NS[$2]}" \
		socat -u "TCP-LISTEN:$port,bind=$3" "CREATE:$TMPD/rx-$2"
	wait_until 10 bash -c "ip netns exec '${HOST_NS[$2]}' ss -Hltn 'sport = :$port' | grep -q ." ||
		fail "socat on $2 is not listening"
	in_ns "${HOST_NS[$1]}" timeout 30 socat -u "OPEN:$TMPD/blob" "TCP:$3:$port" ||
		fail "transfer $1 -> $2 failed"
	wait_until 10 bash -c "[[ \$(stat -c %s '$TMPD/rx-$2' 2>/dev/null) == $(stat -c %s "$TMPD/blob") ]]" ||
		fail "transfer $1 -> $2: $(stat -c %s "$TMPD/rx-$2" 2>/dev/null) bytes arrived"
	got=$(sha256sum <"$TMPD/rx-$2" | cut -d' ' -f1)
	[[ $got == "$sum" ]] || fail "transfer $1 -> $2: sha256 $got, sent $sum"
}
xfer a1 t10 10.0.0.4
xfer t10 a1 "$(ip4 a1)"
log "8 MiB a1 -> t10 and t10 -> a1: sha256 matches"

# --- wrong VLANs are dropped and counted
d_t0=$(port_field "$pt" drop_reasons.vlan_ingress)
in_ns "${HOST_NS[t30]}" ping -n -q -c 4 -i 0.5 -W 1 10.0.30.9 >/dev/null 2>&1 || true
d_t1=$(port_field "$pt" drop_reasons.vlan_ingress)
log "vlan_ingress on $pt: VLAN 30 on a trunk of 10,20: $d_t0 -> $d_t1"
((d_t1 >= d_t0 + 2)) || fail "VLAN 30 frames on the trunk not counted as vlan_ingress"
# the trunk port made an access port of VLAN 10: tagged 10 frames are refused
ctl port set "$pt" access 10 >/dev/null
ping_fails t10 "$(ip4 a1)" || fail "tagged frames crossed an access port"
d_a1=$(port_field "$pt" drop_reasons.vlan_ingress)
log "vlan_ingress on $pt as access 10 (tagged 10 in): $d_t1 -> $d_a1"
((d_a1 >= d_t1 + 2)) || fail "tagged frames on an access port not counted as vlan_ingress"
ctl port set "$pt" trunk 10,20 >/dev/null
ping_ok t10 a1
ctl -j fdb show | jq -e 'all(.[]; .vlan == 10 or .vlan == 20)' >/dev/null ||
	fail "a dropped frame was learned: $(ctl -j fdb show)"

# --- port set: b1 moves to VLAN 10, then back
ctl port set "$pb1" access 10 >/dev/null || fail "port set $pb1 access 10 failed"
ping_ok b1 a1
ctl port set "$pb1" access 20 >/dev/null
ping_fails b1 "$(ip4 a1)" || fail "b1 back in VLAN 20 still reaches a1"
log "port set: b1 joins VLAN 10 and leaves it again"
if ctl port set "$pb1" trunk 0 2>/dev/null; then fail "trunk 0 accepted"; fi
if ctl port set "$pb1" access 10 trunk 20 2>/dev/null; then fail "two modes accepted"; fi

# --- the modes survive a restart with --state
jq -e --arg p "$pt" 'any(.ports[]; .name == $p and .vlan.mode == "trunk" and .vlan.trunks == [10, 20])' \
	"$STATE" >/dev/null || fail "state file lacks the trunk: $(cat "$STATE")"
before=$(ctl -j port list | jq -c '[.[] | {name, vlan}] | sort_by(.name)')
kill -KILL "$TAPSWD_PID"
wait "$TAPSWD_PID" 2>/dev/null || true
spawn "$TAPSWD_LOG.2" ip netns exec "$SW_NS" "$TAPSWD" -v -s "$SOCK" --state "$STATE"
TAPSWD_PID=$SPAWNED TAPSWD_LOG="$TAPSWD_LOG.2"
wait_until 20 ctl show || fail "tapswd did not come back"
after=$(ctl -j port list | jq -c '[.[] | {name, vlan}] | sort_by(.name)')
[[ $after == "$before" ]] || fail "modes after restart: $after, before: $before"
ping_ok a1 a2
ping_ok t10 a1
ping_fails a1 "$(ip4 b1)" || fail "after restart a1 (VLAN 10) reaches b1 (VLAN 20)"
log "after kill -9 and restart with --state: same modes, same isolation"

tapswd_alive || fail "tapswd died"
stop_switch
pass
