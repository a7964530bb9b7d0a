#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 15-port-controls: the Linux bridge's per-port controls, with real traffic
# between three hosts (tcpdump on the receivers):
#  - learning off: the port's host stays out of the FDB, and is still reached
#    (flooded);
#  - flood off: no unknown unicast to it, broadcast still; bcast_flood off:
#    no broadcast to it; mcast_flood off: no multicast to it; a known
#    destination behind it is reached all the same;
#  - isolated on two ports: they no longer reach each other (the frames are
#    counted "isolated"), both still reach the third; off again: back;
#  - locked: a host with no FDB entry on its port gets nothing through
#    (counted "locked"), with a static entry it does, and a MAC it takes
#    afterwards is refused and never learned;
#  - `port show` has the controls; a bad value is refused.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics tcpdump

HOST_IPV6=0			# quiet links: only our traffic
start_switch
add_host h1 1
add_host h2 2
add_host h3 3
p1=${HOST_PORT[h1]} p3=${HOST_PORT[h3]}
for a in h1 h2 h3; do for b in h1 h2 h3; do
	[[ $a == "$b" ]] || ping_ok "$a" "$b"
done; done

# seen_on HOST FILTER CMD...: run CMD in h1 while tcpdump listens on HOST;
# prints how many frames HOST saw
seen_on() {
	local host=$1 filter=$2 pid file out
	shift 2
	capture_start "$host" "$filter"
	pid=$CAP_PID file=$CAP_FILE
	in_ns "${HOST_NS[h1]}" "$@" >/dev/null 2>&1 || true	# no answer is expected
	out=$(capture_stop "$pid" "$file")
	grep -c . <<<"$out" || true
}

# flood_off CONTROL WHAT FILTER MIN CMD...: while CONTROL is on, h3 sees at
# least MIN frames of CMD (run in h1); once it is off, h3 sees none of
# them and h2 still at least MIN
flood_off() {
	local control=$1 what=$2 filter=$3 min=$4 n
	shift 4
	n=$(seen_on h3 "$filter" "$@")
	((n >= min)) || fail "with $control on, h3 saw $n of $min $what"
	ctl port set "$p3" "$control" off >/dev/null || fail "port set $control off failed"
	n=$(seen_on h3 "$filter" "$@")
	((n == 0)) || fail "$control off: h3 saw $n $what"
	n=$(seen_on h2 "$filter" "$@")
	((n >= min)) || fail "$control off on h3: h2 saw $n of $min $what"
}

# --- defaults, as a bridge port's
jq -e '.learning and .flood and .mcast_flood and .bcast_flood and (.isolated | not) and (.locked | not)' \
	<<<"$(port_json "$p3")" >/dev/null || fail "port defaults: $(port_json "$p3")"
out=$(ctl port set "$p3" learning maybe 2>&1) && fail "learning maybe was taken"
log "a bad value: $out"

# --- learning off: h3 is not learned, and is still reached
ctl port set "$p3" learning off >/dev/null || fail "port set learning off failed"
ctl fdb flush >/dev/null
ping_ok h3 h1
ping_ok h1 h3
fdb_lacks "$(host_mac h3)" || fail "h3 learned with learning off: $(ctl -j fdb show)"
fdb_has "$(host_mac h1)" "$p1" || fail "h1 not learned: $(ctl -j fdb show)"
ctl port set "$p3" learning on >/dev/null
ping_ok h3 h1
fdb_has "$(host_mac h3)" "$p3" || fail "h3 not learned once learning is on: $(ctl -j fdb show)"
log "learning off: h3 reached but not in the FDB; on again: learned"

# --- flood off: unknown unicast (to a MAC nobody has) skips h3
in_ns "${HOST_NS[h1]}" ip neigh replace 10.0.0.77 lladdr 02:00:00:00:00:77 \
	dev "${HOST_IF[h1]}" || fail "cannot add a neighbour in h1"
unknown=(ping -n -q -c 3 -i 0.2 -W 1 10.0.0.77)
bcast=(ping -n -q -c 2 -i 0.5 -W 1 10.0.0.99)	# ARP who-has: broadcast
mcast=(ping -n -q -c 3 -i 0.2 -W 1 -I "${HOST_IF[h1]}" 224.0.0.1)
flood_off flood "frames to an unknown MAC" "icmp and host 10.0.0.77" 3 "${unknown[@]}"
ping_ok h1 h3
log "flood off: unknown unicast not to h3 (h2 got it), h3 reached"

# --- bcast_flood off (with flood off: broadcast still reached h3 till
# now), mcast_flood off
flood_off bcast_flood "broadcast ARP requests" "arp and host 10.0.0.99" 1 "${bcast[@]}"
flood_off mcast_flood "multicast echoes" "icmp and dst 224.0.0.1" 3 "${mcast[@]}"
ping_ok h1 h3		# known unicast, both ways (ARP entries are fresh)
ctl port set "$p3" flood on bcast_flood on mcast_flood on >/dev/null
log "bcast_flood off, mcast_flood off: none of them to h3, h2 got them, h3 reached"

# --- isolated: h1 and h2 stop reaching each other, not h3
ping_ok h1 h2		# fresh neighbours: the echoes go as known unicast
ctl port set "$p1" isolated on >/dev/null || fail "port set isolated on failed"
ctl port set "${HOST_PORT[h2]}" isolated on >/dev/null
[[ $(port_field "$p1" isolated) == true ]] || fail "port show: $(port_json "$p1")"
d0=$(port_field "$p1" drop_reasons.isolated)
ping_fails h1 "$(ip4 h2)" || fail "isolated h1 still reaches isolated h2"
d1=$(port_field "$p1" drop_reasons.isolated)
((d1 >= d0 + 2)) || fail "isolated drops on $p1: $d0 -> $d1, expected 2 more"
ping_ok h1 h3
ping_ok h2 h3
ctl port set "$p1" isolated off >/dev/null
ping_ok h1 h2
log "isolated h1, h2: no echo between them (isolated drops $d0 -> $d1), both reach h3; off: back"

# --- locked: only a source the FDB has on the port gets through
ctl port set "$p3" locked on >/dev/null || fail "port set locked on failed"
ctl fdb flush port "$p3" >/dev/null
d0=$(port_field "$p3" drop_reasons.locked)
ping_fails h3 "$(ip4 h1)" || fail "locked $p3 with no entry: h3 still reaches h1"
d1=$(port_field "$p3" drop_reasons.locked)
((d1 >= d0 + 2)) || fail "locked drops on $p3: $d0 -> $d1, expected 2 more"
fdb_lacks "$(host_mac h3)" || fail "locked $p3 learned h3: $(ctl -j fdb show)"
mac3=$(host_mac h3)
ctl fdb add "$mac3" port "$p3" >/dev/null || fail "fdb add $mac3 port $p3 failed"
ping_ok h3 h1
# h3 takes another MAC: refused, and never learned
ip -n "${HOST_NS[h3]}" link set dev "${HOST_IF[h3]}" address 02:00:00:00:00:33
ping_fails h3 "$(ip4 h1)" || fail "locked $p3: h3 with a new MAC still reaches h1"
fdb_lacks 02:00:00:00:00:33 || fail "locked $p3 learned the new MAC: $(ctl -j fdb show)"
ip -n "${HOST_NS[h3]}" link set dev "${HOST_IF[h3]}" address "$mac3"
ping_ok h3 h1
ctl port set "$p3" locked off >/dev/null
log "locked $p3: dropped with no entry (locked $d0 -> $d1), passes with a static one, a changed MAC is refused"

tapswd_alive || fail "tapswd died"
pass
