#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 10-learning: after traffic, `tapswctl -j fdb show` maps each host's MAC to
# its port; a broadcast reaches both other hosts; known unicast between h1
# and h2 reaches h2 but is NOT seen by tcpdump on h3; the switch's unicast and
# flooded counters move accordingly.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics tcpdump

HOST_IPV6=0			# keep the links quiet: only our IPv4 traffic
start_switch
add_host h1 1
add_host h2 2
add_host h3 3

hosts=(h1 h2 h3)
for a in "${hosts[@]}"; do
	for b in "${hosts[@]}"; do
		[[ $a == "$b" ]] || ping_ok "$a" "$b"
	done
done

# --- the FDB: every host's MAC on its own port, untagged, learned
for h in "${hosts[@]}"; do
	mac=$(host_mac "$h")
	fdb_has "$mac" "${HOST_PORT[$h]}" ||
		fail "fdb does not map $h's MAC $mac to ${HOST_PORT[$h]}: $(ctl -j fdb show)"
	ctl -j fdb show | jq -e --arg m "$mac" \
		'any(.[]; (.mac | ascii_downcase) == $m and .vlan == 0 and .static == false
			and (.age | type) == "number" and .age >= 0)' >/dev/null ||
		fail "fdb entry for $mac lacks vlan 0 / static false / age: $(ctl -j fdb show)"
	log "fdb: $h $mac -> ${HOST_PORT[$h]}"
done
n=$(ctl -j fdb show | jq 'length')
[[ $n -eq 3 ]] || fail "fdb has $n entries, expected exactly the 3 hosts: $(ctl -j fdb show)"
# the filter by port
n=$(ctl -j fdb show port "${HOST_PORT[h2]}" | jq 'length')
[[ $n -eq 1 ]] || fail "fdb show port ${HOST_PORT[h2]}: $n entries, expected 1"

# --- broadcast: an ARP request for an unused address reaches h2 and h3
flood0=$(stats_field .switch.flooded)
capture_start h2 "arp"
c2_pid=$CAP_PID c2_file=$CAP_FILE
capture_start h3 "arp"
c3_pid=$CAP_PID c3_file=$CAP_FILE
ping_fails h1 10.0.0.99 || fail "10.0.0.99 answered"
out2=$(capture_stop "$c2_pid" "$c2_file")
out3=$(capture_stop "$c3_pid" "$c3_file")
grep -q "who-has 10.0.0.99" <<<"$out2" || fail "h2 did not see h1's broadcast ARP request: $out2"
grep -q "who-has 10.0.0.99" <<<"$out3" || fail "h3 did not see h1's broadcast ARP request: $out3"
flood1=$(stats_field .switch.flooded)
((flood1 > flood0)) || fail "switch flooded counter did not move ($flood0 -> $flood1) for a broadcast"
log "broadcast seen on h2 and h3; flooded $flood0 -> $flood1"

# --- known unicast: h1 <-> h2 is seen on h2, not on h3
# refresh both directions so the entries and the neighbours are fresh
ping_ok h1 h2
ping_ok h2 h1
uni0=$(stats_field .switch.unicast)
filter="icmp and host 10.0.0.1 and host 10.0.0.2"
capture_start h2 "$filter"
c2_pid=$CAP_PID c2_file=$CAP_FILE
capture_start h3 "$filter"
c3_pid=$CAP_PID c3_file=$CAP_FILE
in_ns "${HOST_NS[h1]}" ping -n -q -c 20 -i 0.05 -W 2 10.0.0.2 >/dev/null ||
	fail "h1 -> h2 pings lost while capturing"
out2=$(capture_stop "$c2_pid" "$c2_file")
out3=$(capture_stop "$c3_pid" "$c3_file")
n2=$(grep -c "ICMP echo" <<<"$out2" || true)
n3=$(grep -c "ICMP echo" <<<"$out3" || true)
log "h1<->h2 echo frames seen: on h2 $n2, on h3 $n3"
((n2 >= 40)) || fail "h2 saw $n2 of the 40 echo request/reply frames: $out2"
((n3 == 0)) || fail "known unicast h1<->h2 was flooded: h3 saw $n3 frames: $out3"
uni1=$(stats_field .switch.unicast)
((uni1 - uni0 >= 40)) || fail "switch unicast counter moved by $((uni1 - uni0)), expected >= 40"
log "unicast $uni0 -> $uni1"

# --- per-port counters agree: h3's port received no echo, h2's did
rx=$(port_field "${HOST_PORT[h2]}" rx_packets)
((rx >= 20)) || fail "port ${HOST_PORT[h2]} rx_packets $rx < 20"

tapswd_alive || fail "tapswd died"
pass
