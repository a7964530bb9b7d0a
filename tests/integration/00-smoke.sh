#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 00-smoke: three hosts, each in its own namespace on a tapsw TAP port, ping
# every pair over IPv4 and IPv6; TCP bulk traffic (iperf3, full-size and
# offloaded frames) flows h1 -> h2; `tapswctl -j port list` shows the three
# ports with frames counted both ways; tapswd runs with a short scheduler
# slice.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics iperf3 ss

start_switch
add_host h1 1
add_host h2 2
add_host h3 3 eth0		# one renamed inside its namespace

hosts=(h1 h2 h3)
for a in "${hosts[@]}"; do
	for b in "${hosts[@]}"; do
		[[ $a == "$b" ]] && continue
		ping_ok "$a" "$b" 4
		ping_ok "$a" "$b" 6
		log "$a -> $b: IPv4 and IPv6 ok"
	done
done

# a negative control: an address nobody has does not answer
ping_fails h1 10.0.0.99 || fail "10.0.0.99 answered: something else is on the segment"

# TCP bulk: 3 s of iperf3 from h1 to h2 (exercises large/GSO frames)
spawn "$TMPD/iperf3-server.out" ip netns exec "${HOST_NS[h2]}" iperf3 -s -1 -B 10.0.0.2
IPERF_PID=$SPAWNED
h3_tx0=$(port_field "${HOST_PORT[h3]}" tx_packets)
iperf_listening() { in_ns "${HOST_NS[h2]}" ss -Htln 'sport = :5201' | grep -q .; }
wait_until 10 iperf_listening || fail "iperf3 server did not start: $(cat "$TMPD/iperf3-server.out")"
in_ns "${HOST_NS[h1]}" timeout 60 iperf3 -J -t 3 -c 10.0.0.2 >"$TMPD/iperf3.json" ||
	fail "iperf3 h1 -> h2 failed: $(jq -r '.error // empty' "$TMPD/iperf3.json" 2>/dev/null)"
bps=$(jq -er '.end.sum_received.bits_per_second' "$TMPD/iperf3.json")
mbps=$(jq -nr --argjson b "$bps" '$b / 1e6 | floor')
log "iperf3 h1 -> h2: $mbps Mbit/s"
((mbps >= 10)) || fail "TCP h1 -> h2 only $mbps Mbit/s"
stop_pid "$IPERF_PID"
# and none of it was flooded to h3
h3_tx1=$(port_field "${HOST_PORT[h3]}" tx_packets)
((h3_tx1 - h3_tx0 < 100)) || fail "h3's port sent $((h3_tx1 - h3_tx0)) frames during h1 -> h2 bulk traffic (flooding?)"

ports=$(ctl -j port list)
n=$(jq 'length' <<<"$ports")
[[ $n -eq 3 ]] || fail "port list has $n ports, expected 3: $ports"
for h in "${hosts[@]}"; do
	p=${HOST_PORT[$h]}
	jq -e --arg p "$p" 'any(.[]; .name == $p and .kind == "tap" and .state == "up"
		and .rx_packets > 0 and .tx_packets > 0
		and .rx_bytes >= 42 * .rx_packets and .tx_bytes >= 42 * .tx_packets)' \
		<<<"$ports" >/dev/null ||
		fail "port $p: not up with rx/tx counted: $(jq -c --arg p "$p" '.[] | select(.name == $p)' <<<"$ports")"
done
log "port list: $(jq -c '[.[] | {name, state, rx_packets, tx_packets}]' <<<"$ports")"

# the text table names every port too
table=$(ctl port list)
for h in "${hosts[@]}"; do
	grep -qw "${HOST_PORT[$h]}" <<<"$table" || fail "'tapswctl port list' does not show ${HOST_PORT[$h]}: $table"
done

# tapswd asked the scheduler for a 0.1 ms slice (--slice; Linux >= 6.12
# keeps a task's own slice, older kernels ignore it)
IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
if ((kmaj > 6 || (kmaj == 6 && kmin >= 12))); then
	slice=$(awk '$1 == "se.slice" {print $3}' "/proc/$TAPSWD_PID/sched")
	[[ $slice == 100000 ]] || fail "tapswd's scheduler slice is '$slice' ns, expected 100000 (--slice 100)"
	log "scheduler slice: $slice ns"
fi

tapswd_alive || fail "tapswd died"
stop_switch
pass
