#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 75-bad-frames: malformed frames, injected through real ports while h1
# pings h2, are each dropped under their own reason and never forwarded.
#   h1, h2: TAP ports (MTU 1500), hosts in namespaces; h1 captures
#   dg:     a dgram port (MTU 9000); tests/tools/badframe sends datagrams
#   st:     a stream port (MTU 9000); badframe speaks the 4-byte framing
#   vm:     a vm port; badframe opens its TAP with IFF_VNET_HDR, as QEMU
#           does, and writes virtio-net headers with bad GSO/csum fields
# and the same vnet headers from h2 through AF_PACKET + PACKET_VNET_HDR on
# h2's side of its TAP port.
# Checks, with exact counts: runts (13 and 0 bytes), truncated 802.1Q and
# 802.1ad tags, multicast/broadcast/zero sources, 802.1D link-local
# destinations each land in their drop_reasons counter on the ingress port;
# 3000-byte frames in `oversize` on every 1500-MTU egress port; a bare
# 14-byte header and a good frame are forwarded (the controls); h1 sees the
# controls and nothing else; every vnet header the kernel lets through is
# counted as vnet_bad_gso/vnet_bad_csum/rx_error (the kernel, not tapsw,
# refuses them all at write() on Linux 6.18: the test logs which); the
# switch's dropped total is the sum of the ports' ingress reasons; the ping
# lost nothing; with the socket ports set to MTU 1500, 3000-byte frames
# from them are counted `oversize` there, on the way in; tapswd is alive
# and exits 0 on SIGTERM.
#
# BADFRAME_N: frames of each kind per port (default 200).

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics tcpdump

find_tool BADFRAME badframe
log "badframe: $BADFRAME"
N=${BADFRAME_N:-200}

HOST_IPV6=0			# quiet links: the capture holds only ours
start_switch
add_host h1 1
add_host h2 2
DG="${T}dg" ST="${T}st" VM="${T}vm"
ctl port add "$DG" dgram "$TMPD/dg.sock" mtu 9000 >/dev/null
ctl port add "$ST" stream "$TMPD/st.sock" mtu 9000 >/dev/null
ctl port add "$VM" vm >/dev/null
ping_ok h1 h2

# everything but the ping and its ARP: the injected frames that got through
CAP_OPTS="-s 128" capture_start h1 "not arp and not icmp"
spawn "$TMPD/ping.out" ip netns exec "${HOST_NS[h1]}" ping -n -i 0.2 10.0.0.2
PING_PID=$SPAWNED

PLAIN="good runt hdr14 vlan_trunc qinq_trunc src_mcast src_bcast src_zero link_local big"
VNET="vnet_gso_type vnet_gso_size0 vnet_gso_udp vnet_gso_v6 vnet_hdr_len
	vnet_csum_beyond vnet_csum_l3 vnet_csum_off vnet_uso_nocsum"

# drops PORT: the port's non-zero drop reasons, as one JSON object
drops() { ctl -j port show "$1" | jq -c '.drop_reasons | with_entries(select(.value > 0))'; }
reason() { ctl -j port show "$1" | jq -er ".drop_reasons.$2"; }
rx() { ctl -j port show "$1" | jq -er .rx_packets; }
rx_is() { [[ $(rx "$1") -eq $2 ]]; }

# inject NAME CMD...: run a badframe command, its report in $TMPD/bf-NAME
inject() {
	local name=$1
	shift
	"$@" >"$TMPD/bf-$name" 2>&1 || fail "$*: $(cat "$TMPD/bf-$name")"
}

# --- plain frames through the socket ports (empty datagrams as runts too)
# shellcheck disable=SC2086
inject dg "$BADFRAME" -n "$N" -d "$TMPD/dg.sock" -l "$TMPD/bf.sock" empty $PLAIN
# shellcheck disable=SC2086
inject st "$BADFRAME" -n "$N" -s "$TMPD/st.sock" $PLAIN
wait_until 20 rx_is "$DG" $((11 * N)) || fail "dgram port: rx $(rx "$DG") of $((11 * N)) frames"
wait_until 20 rx_is "$ST" $((10 * N)) || fail "stream port: rx $(rx "$ST") of $((10 * N)) frames"
log "dgram port: $(drops "$DG")"
log "stream port: $(drops "$ST")"

# expect PORT REASON COUNT
expect() {
	local got
	got=$(reason "$1" "$2")
	[[ $got -eq $3 ]] || fail "port $1: drop_reasons.$2 is $got, expected $3 ($(drops "$1"))"
}
for p in "$DG" "$ST"; do
	runts=$N
	[[ $p == "$DG" ]] && runts=$((2 * N))	# 13 bytes and 0 bytes
	expect "$p" runt "$runts"
	expect "$p" vlan_truncated $((2 * N))	# 802.1Q and 802.1ad
	expect "$p" src_multicast $((2 * N))	# multicast and broadcast
	expect "$p" src_zero "$N"
	expect "$p" link_local "$N"
	expect "$p" rx_error 0
done
# the 3000-byte frames: dropped at each 1500-MTU egress, from both ports
for p in "${HOST_PORT[h1]}" "${HOST_PORT[h2]}" "$VM"; do
	expect "$p" oversize $((2 * N))
done

# --- vnet headers: as a guest (the vm port's TAP) and from h2 (AF_PACKET)
# shellcheck disable=SC2086
inject vm ip netns exec "$SW_NS" "$BADFRAME" -n "$N" -t "$VM" vnet_good $VNET
# shellcheck disable=SC2086
inject h2 ip netns exec "${HOST_NS[h2]}" "$BADFRAME" -n "$N" -p "${HOST_IF[h2]}" vnet_good $VNET

# sent_bad FILE: how many bad vnet frames the kernel let through
sent_bad() { awk '/^badframe: vnet_/ && $2 != "vnet_good" { sub("sent=", "", $3); s += $3 } END { print s + 0 }' "$1"; }
vnet_drops() {
	ctl -j port show "$1" |
		jq -er '.drop_reasons | .vnet_bad_gso + .vnet_bad_csum + .rx_error'
}
vnet_drops_are() { [[ $(vnet_drops "$1") -eq $2 ]]; }
rx_at_least() { [[ $(rx "$1") -ge $2 ]]; }
for pair in "vm:$VM" "h2:${HOST_PORT[h2]}"; do
	f=$TMPD/bf-${pair%%:*} p=${pair#*:}
	grep -q "vnet_good sent=$N " "$f" || fail "the kernel refused a good vnet header: $(cat "$f")"
	while read -r _ kind s r e; do
		log "$p: $kind: ${s/sent=/passed the kernel: } ${r/refused=/refused by it: } ($e)"
	done < <(grep '^badframe: vnet_' "$f")
	want=$(sent_bad "$f")
	wait_until 10 vnet_drops_are "$p" "$want" ||
		fail "port $p: $want bad vnet headers passed the kernel, tapswd counted $(vnet_drops "$p") ($(drops "$p"))"
done
# the vm port's good ones reached the switch
wait_until 10 rx_at_least "$VM" "$N" || fail "vm port: rx $(rx "$VM"), expected $N"

# --- what reached h1: only the controls
stop_int "$PING_PID"
capture_stop "$CAP_PID" "$CAP_FILE" >/dev/null
cap_lost=$(awk '/dropped by kernel/ { print $1 }' "${CAP_FILE%.pcap}.err")
[[ ${cap_lost:-0} -eq 0 ]] ||
	hard_error "tcpdump lost $cap_lost frames (machine too busy?): cannot count"
# one line per frame (tcpdump adds a hex dump for unknown EtherTypes)
tcpdump -e -nn -r "$CAP_FILE" 2>/dev/null | grep -E '^[0-9]{2}:' >"$TMPD/cap.txt" || true
count_len() { grep -c "length $1:" "$TMPD/cap.txt" || true; }
total=$(wc -l <"$TMPD/cap.txt")
n60=$(count_len 60) n14=$(count_len 14) n74=$(count_len 74)
log "h1 captured $total frames: $n60 good (60 B), $n14 bare headers (14 B), $n74 vnet_good (74 B)"
[[ $n60 -eq $((2 * N)) ]] || fail "h1 got $n60 good frames, expected $((2 * N))"
[[ $n14 -eq $((2 * N)) ]] || fail "h1 got $n14 bare 14-byte frames, expected $((2 * N)) (forwarded as valid)"
[[ $n74 -eq $((2 * N)) ]] || fail "h1 got $n74 vnet_good frames, expected $((2 * N))"
[[ $total -eq $((6 * N)) ]] ||
	fail "h1 got $((total - 6 * N)) frames it should not have: $(grep -v -E 'length (60|14|74):' "$TMPD/cap.txt" | head -n 5)"
if grep -v -q '02:ba:d0:00:00:01 >' "$TMPD/cap.txt"; then
	fail "h1 got a frame from another source: $(grep -v '02:ba:d0:00:00:01 >' "$TMPD/cap.txt" | head -n 3)"
fi

# --- the switch's total is the sum of the reasons it decides on ingress
ingress='.ports | map(.drop_reasons | .runt + .vlan_truncated + .src_multicast
	+ .src_zero + .link_local + .vnet_bad_gso + .vnet_bad_csum) | add'
sw_dropped=$(stats_field .switch.drops)
sum=$(ctl -j stats | jq -er "$ingress")
[[ $sw_dropped -eq $sum ]] || fail "switch dropped $sw_dropped, the ports' ingress reasons sum to $sum"
log "switch: $sw_dropped frames dropped at ingress"

# --- a socket port's own MTU: frames above it are dropped on the way in
egress_over() { ctl -j stats | jq -er '[.ports[] | select(.name != $dg and .name != $st) | .drop_reasons.oversize] | add' --arg dg "$DG" --arg st "$ST"; }
over0=$(egress_over)
for p in "$DG" "$ST"; do
	ctl port set "$p" mtu 1500 >/dev/null || fail "port set $p mtu 1500 failed"
done
inject dg-mtu "$BADFRAME" -n "$N" -d "$TMPD/dg.sock" -l "$TMPD/bf.sock" big good
inject st-mtu "$BADFRAME" -n "$N" -s "$TMPD/st.sock" big good
wait_until 20 rx_is "$DG" $((12 * N)) || fail "dgram port: rx $(rx "$DG") of $((12 * N)) frames"
wait_until 20 rx_is "$ST" $((11 * N)) || fail "stream port: rx $(rx "$ST") of $((11 * N)) frames"
for p in "$DG" "$ST"; do
	expect "$p" oversize "$N"
	expect "$p" rx_error 0
done
[[ $(egress_over) -eq $over0 ]] ||
	fail "3000-byte frames from 1500-MTU socket ports reached egress ports ($over0 -> $(egress_over) oversize there)"
log "socket ports at MTU 1500: $N 3000-byte frames each counted oversize on the way in"

# --- forwarding went on, tapswd is fine
summary=$(grep -E 'packets transmitted' "$TMPD/ping.out") || fail "no ping summary"
tx=$(awk '{print $1}' <<<"$summary") rxd=$(awk '{print $4}' <<<"$summary")
log "ping h1->h2 during the injection: $summary"
((tx >= 3)) || fail "the ping sent only $tx echoes"
((tx - rxd <= 1)) || fail "the ping lost $((tx - rxd)) of $tx"
ping_ok h2 h1
tapswd_alive || fail "tapswd died"
lines=$(grep -vc 'control client' "$TAPSWD_LOG" || true)
((lines < 40)) || fail "tapswd logged $lines lines (per frame?)"
stop_switch
pass
