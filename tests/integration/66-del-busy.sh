#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 66-del-busy: a port deleted while busy.  With io_uring, a TAP port that
# floods is read by a multishot read in the kernel; `port del` then cancels
# that read at once (and drops what it had read), while other ports go on
# flooding.  The port is deleted and re-added five times under a flood both
# ways; after each re-add it must forward again, tapswd must stay up, and
# at the end the other ports' traffic must have gone on (h3 <-> h1).
# Under the sanitizer build, LeakSanitizer and ASan check every step.
# TAPSW_IO (plain, uring, auto) picks the I/O mode; plain runs the same
# steps without multishot reads.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics
need_cmd iperf3

start_switch
HOST_IPV6=0 add_host h1 1
HOST_IPV6=0 add_host h2 2
HOST_IPV6=0 add_host h3 3
io=$(ctl -j show | jq -r '.io')
log "I/O mode: $io"
ping_ok h1 h2
ping_ok h3 h1

for h in h1 h2; do
	spawn "$TMPD/iperf-$h.log" ip netns exec "${HOST_NS[$h]}" iperf3 -s -B "$(ip4 $h)"
done
sleep 0.5

# floods, unpaced 64-byte datagrams: h2 -> h1 (h2's port busy) and
# h1 -> h2 (writes to h2's TAP batched), for 12 s each
spawn "$TMPD/flood-h2.log" ip netns exec "${HOST_NS[h2]}" \
	iperf3 -c "$(ip4 h1)" -u -b 0 -l 64 -t 12
flood2=$SPAWNED
spawn "$TMPD/flood-h1.log" ip netns exec "${HOST_NS[h1]}" \
	iperf3 -c "$(ip4 h2)" -u -b 0 -l 64 -t 12
flood1=$SPAWNED
port=${HOST_PORT[h2]}
if [[ $io == uring ]]; then
	wait_until 5 grep -q "port $port: busy" "$TAPSWD_LOG" ||
		fail "h2's port did not become busy under the flood"
	log "h2's port: $(grep -o "port $port: busy.*" "$TAPSWD_LOG" | head -1)"
fi

h3_rx0=$(port_field "${HOST_PORT[h3]}" rx_packets)
for i in 1 2 3 4 5; do
	ctl port del "$port" >/dev/null || fail "round $i: port del $port failed"
	tapswd_alive || fail "round $i: tapswd died on port del of a busy port"
	# the TAP stays in h2's namespace: tapswd finds it there again
	ctl port add "$port" >/dev/null || fail "round $i: port add $port failed"
	[[ $(port_field "$port" state) == up ]] ||
		fail "round $i: $port is not up after the re-add"
	in_ns "${HOST_NS[h3]}" ping -n -q -c 1 -W 2 "$(ip4 h1)" >/dev/null 2>&1 ||
		log "round $i: h3 -> h1 echo lost under the flood"
	sleep 1
done
tapswd_alive || fail "tapswd died"

# the floods end; h2 forwards again through its re-added port
wait_until 20 bash -c "! kill -0 $flood1 2>/dev/null && ! kill -0 $flood2 2>/dev/null" ||
	fail "the floods did not end"
ping_ok h1 h2
ping_ok h2 h3
h3_rx1=$(port_field "${HOST_PORT[h3]}" rx_packets)
((h3_rx1 > h3_rx0)) || fail "h3's port took no frames while h2's was re-added"
log "h3's port took $((h3_rx1 - h3_rx0)) frames meanwhile; h2's port: $(port_json "$port" | jq -c '{rx_packets, tx_packets, state}')"

threads=$(ls "/proc/$TAPSWD_PID/task" | wc -l)
[[ $threads -eq 1 ]] || fail "tapswd has $threads threads (io_uring workers?)"
stop_switch
pass
