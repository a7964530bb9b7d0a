#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 60-offload: TCP through the switch with offloads and without.
#   h1, h2: TAP ports with vnet headers + TSO/checksum offload (the default):
#           64 KiB GSO frames cross the switch whole.
#   h3:     a TAP port with `offload off` (plain frames, like vde_switch's):
#           the switch must segment GSO frames and finish partial checksums
#           for it in software, or every TCP connection to it fails.
# Then egress MTU enforcement (never truncate: drop and count) and jumbo
# frames with `port set NAME mtu N`.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics
need_cmd iperf3 nstat

start_switch
add_host h1 1
add_host h2 2
PORT_OPTS="offload off" add_host h3 3

p1=${HOST_PORT[h1]} p2=${HOST_PORT[h2]} p3=${HOST_PORT[h3]}
[[ $(port_field "$p1" vnet_hdr) == true ]] || fail "$p1 has no vnet header: $(port_json "$p1")"
[[ $(port_field "$p1" 'offloads | index("tso4")') =~ ^[0-9]+$ ]] || fail "$p1 has no TSO: $(port_json "$p1")"
[[ $(port_field "$p3" vnet_hdr) == false ]] || fail "$p3 has a vnet header despite offload off"
in_ns "${HOST_NS[h1]}" ethtool -k "${HOST_IF[h1]}" 2>/dev/null | grep -q 'tcp-segmentation-offload: on' ||
	log "note: ethtool not installed or TSO not shown for ${HOST_IF[h1]}"

for a in h1 h2 h3; do for b in h1 h2 h3; do
	[[ $a == "$b" ]] || ping_ok "$a" "$b"
done; done

# iperf3 servers on h2 and h3
for h in h2 h3; do
	spawn "$TMPD/iperf-$h.log" ip netns exec "${HOST_NS[$h]}" iperf3 -s -B "$(ip4 $h)"
done
sleep 0.5

# tcp SRC DST: 3 s of TCP; prints Gbit/s received; fails if nothing crossed
tcp() {
	local src=$1 dst=$2 out bps
	out=$(in_ns "${HOST_NS[$src]}" iperf3 -c "$(ip4 "$dst")" -t 3 -J 2>&1) ||
		fail "iperf3 $src -> $dst failed: $(tail -5 <<<"$out")"
	bps=$(jq -r '.end.sum_received.bits_per_second' <<<"$out")
	awk -v b="$bps" 'BEGIN { exit !(b > 1e6) }' ||
		fail "iperf3 $src -> $dst: only $bps bit/s"
	awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e9 }'
}

in_ns "${HOST_NS[h2]}" nstat -n >/dev/null
rate=$(tcp h1 h2)
ofo=$(in_ns "${HOST_NS[h2]}" nstat -az TcpExtTCPOFOQueue | awk '/TcpExtTCPOFOQueue/ { print $2 }')
log "h1 -> h2 (offloads both ends): $rate Gbit/s, receiver out-of-order queue +${ofo:-?}"
[[ ${ofo:-0} -eq 0 ]] || fail "h2 saw $ofo out-of-order TCP segments: the switch reordered frames"

seg0=$(port_field "$p3" tx_segmented)
rate=$(tcp h1 h3)
seg1=$(port_field "$p3" tx_segmented)
log "h1 -> h3 (segmented in software): $rate Gbit/s, GSO frames segmented for $p3: $((seg1 - seg0))"
((seg1 > seg0)) || fail "no GSO frame was segmented for $p3 (tx_segmented $seg0 -> $seg1)"

# h3 -> h1: plain frames into an offload port (header all zero)
spawn "$TMPD/iperf-h1.log" ip netns exec "${HOST_NS[h1]}" iperf3 -s -B "$(ip4 h1)"
sleep 0.5
rate=$(tcp h3 h1)
log "h3 -> h1 (plain frames to an offload port): $rate Gbit/s"

# UDP with partial checksums (tx-checksumming on h1) to the plain port
csum0=$(port_field "$p3" tx_csum_done)
in_ns "${HOST_NS[h1]}" iperf3 -c "$(ip4 h3)" -u -b 20M -l 1000 -t 1 -J >"$TMPD/udp.json" 2>&1 ||
	fail "iperf3 UDP h1 -> h3 failed: $(tail -3 "$TMPD/udp.json")"
lost=$(jq -r '.end.sum.lost_percent' "$TMPD/udp.json")
csum1=$(port_field "$p3" tx_csum_done)
log "UDP h1 -> h3: lost $lost %, checksums finished for $p3: $((csum1 - csum0))"
((csum1 > csum0)) || fail "no partial checksum was finished for $p3"
awk -v l="$lost" 'BEGIN { exit !(l < 20) }' || fail "UDP h1 -> h3 lost $lost % (bad checksums?)"

# egress MTU: the switch drops what is too big for a port, and counts it
ctl port set "$p3" mtu 1280 || fail "port set $p3 mtu 1280 failed"
[[ $(port_field "$p3" mtu) == 1280 ]] || fail "mtu not 1280: $(port_json "$p3")"
over0=$(port_field "$p3" drop_reasons.oversize)
in_ns "${HOST_NS[h1]}" ping -n -q -c 2 -W 1 -M do -s 1400 "$(ip4 h3)" >/dev/null 2>&1 &&
	fail "a 1428-byte packet crossed to a port with MTU 1280"
over1=$(port_field "$p3" drop_reasons.oversize)
((over1 > over0)) || fail "oversize drops not counted on $p3 ($over0 -> $over1)"
ping_once h1 "$(ip4 h3)" || fail "small packets to $p3 no longer pass"
log "MTU 1280 on $p3: 1428-byte packets dropped ($((over1 - over0)) counted), small ones pass"

# jumbo frames: 9000 on both ports and both hosts
for h in h1 h2; do
	ctl port set "${HOST_PORT[$h]}" mtu 9000 || fail "port set mtu 9000 failed"
	ip -n "${HOST_NS[$h]}" link set "${HOST_IF[$h]}" mtu 9000
done
in_ns "${HOST_NS[h1]}" ping -n -q -c 2 -W 2 -M do -s 8972 "$(ip4 h2)" >/dev/null ||
	fail "9000-byte frames do not cross between ports with MTU 9000"
log "jumbo: 9000-byte frames h1 -> h2 pass"

tapswd_alive || fail "tapswd died"
stop_switch
pass
