#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 65-order: the switch never reorders frames, under load, whichever I/O
# mode it runs (io_uring batches small writes and reads with one multishot
# read per port; plain uses read()/write()).
#   - 4 TCP streams each way (iperf3 -P 4): the receiver's
#     TcpExtTCPOFOQueue must not grow (out-of-order segments are what a
#     reordering switch shows; drops alone do not count there);
#   - small UDP datagrams as fast as iperf3 sends them: none out of order;
#   - tapswd stays one thread: no io_uring worker (iou-wrk) was spawned,
#     which is how writes or reads on one fd would get reordered.
# TAPSW_IO (plain, uring, auto) picks the mode, as for tapswd itself.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics
need_cmd iperf3 nstat

start_switch
add_host h1 1
add_host h2 2
io=$(ctl -j show | jq -r '.io')
[[ $io == plain || $io == uring ]] || fail "switch.show io is '$io'"
[[ -z ${TAPSW_IO:-} || $TAPSW_IO == auto || $TAPSW_IO == "$io" ]] ||
	fail "TAPSW_IO=$TAPSW_IO but the switch uses $io"
log "I/O mode: $io"
ping_ok h1 h2

for h in h1 h2; do
	spawn "$TMPD/iperf-$h.log" ip netns exec "${HOST_NS[$h]}" iperf3 -s -B "$(ip4 $h)"
done
sleep 0.5

# ofo HOST: the host's TcpExtTCPOFOQueue since the last call
ofo() {
	in_ns "${HOST_NS[$1]}" nstat -z TcpExtTCPOFOQueue |
		awk '/TcpExtTCPOFOQueue/ { print $2 }'
}

# tcp4 SRC DST: 4 streams SRC -> DST for 3 s; fails on reordering
tcp4() {
	local src=$1 dst=$2 out bps n
	ofo "$dst" >/dev/null
	out=$(in_ns "${HOST_NS[$src]}" iperf3 -c "$(ip4 "$dst")" -P 4 -t 3 -J 2>&1) ||
		fail "iperf3 -P 4 $src -> $dst failed: $(tail -5 <<<"$out")"
	n=$(ofo "$dst")
	bps=$(jq -r '.end.sum_received.bits_per_second' <<<"$out")
	log "$src -> $dst, 4 streams: $(awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e9 }') Gbit/s, receiver out-of-order queue +${n:-?}"
	awk -v b="$bps" 'BEGIN { exit !(b > 1e6) }' || fail "iperf3 $src -> $dst: only $bps bit/s"
	[[ ${n:-0} -eq 0 ]] || fail "$dst saw $n out-of-order TCP segments: the switch reordered frames ($io)"
}
tcp4 h1 h2
tcp4 h2 h1

# small datagrams, unpaced: the batched path; iperf3 counts out-of-order ones
out=$(in_ns "${HOST_NS[h1]}" iperf3 -c "$(ip4 h2)" -u -b 0 -l 64 -t 2 -J 2>&1) ||
	fail "iperf3 UDP h1 -> h2 failed: $(tail -5 <<<"$out")"
read -r pkts lost oo < <(jq -r '.end.streams[0].udp | "\(.packets) \(.lost_packets) \(.out_of_order)"' <<<"$out")
log "UDP 64-byte h1 -> h2: $pkts datagrams, $lost lost, $oo out of order"
[[ $oo =~ ^[0-9]+$ ]] || fail "no out_of_order count in iperf3's output"
((oo == 0)) || fail "$oo datagrams arrived out of order ($io)"

# the flood made h1's port busy: read through io_uring, then quiet again
if [[ $io == uring ]]; then
	grep -q "port ${HOST_PORT[h1]}: busy" "$TAPSWD_LOG" ||
		fail "h1's port never became busy under the flood (tapswd log)"
	wait_until 5 grep -q "port ${HOST_PORT[h1]}: quiet" "$TAPSWD_LOG" ||
		fail "h1's port did not go back to read() after the flood"
	log "h1's port: $(grep -o "port ${HOST_PORT[h1]}: busy.*" "$TAPSWD_LOG" | head -1), then quiet"
fi

threads=$(ls "/proc/$TAPSWD_PID/task" | wc -l)
[[ $threads -eq 1 ]] ||
	fail "tapswd has $threads threads (io_uring workers?): $(cat /proc/"$TAPSWD_PID"/task/*/comm | tr '\n' ' ')"
log "tapswd is still one thread"

tapswd_alive || fail "tapswd died"
stop_switch
pass
