#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 85-capture: `tapswctl capture PORT` streams a port's frames as pcapng
# over the control socket, with three hosts on TAP ports:
#  - `tapswctl capture P -w - -c 6 | tcpdump -r -` while h1 pings h2:
#    tcpdump reads the stream, it has the echo requests and the replies,
#    and the capture ends by itself after 6 frames (tapswctl exits 0);
#  - `in`, `out`, `both`: the frames' source MACs and the direction in
#    each block's epb_flags (read by tests/tools/pcapng-dump.py, which
#    checks the framing too) match: in = sent by h1, out = to h1; the
#    stream ends with a statistics block: 8 seen, none dropped;
#  - a TCP stream's frames (GSO, 64 KiB) are captured whole;
#  - a stream socket port (QEMU's side: tests/tools/qemu-peer), which has
#    no netdev for tcpdump: captured, its TCP frames as the switch
#    segmented them for it;
#  - a client that starts a capture and never reads: its frames are
#    dropped and counted (capture.list), iperf3 and ping between the
#    hosts go on, tapswd stays well; when the client goes, so does the
#    capture;
#  - a port deleted under a capture ends it: tapswctl exits 0 and its file
#    is readable;
#  - errors: no such port, a bad direction, -c 0, a connection that
#    receives events.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics tcpdump iperf3 python3 socat
DUMP=$_lib_dir/../tools/pcapng-dump.py
[[ -f $DUMP ]] || skip "tests/tools/pcapng-dump.py is missing"

HOST_IPV6=0			# quiet links: only our traffic
start_switch
add_host h1 1
add_host h2 2
add_host h3 3
p1=${HOST_PORT[h1]} p2=${HOST_PORT[h2]} p3=${HOST_PORT[h3]}
mac1=$(host_mac h1)
ping_ok h1 h2
ping_ok h1 h3
ping_ok h2 h3

sessions() { ctl -j show | jq -er '.capture.sessions'; }
sessions_are() { [[ $(sessions) == "$1" ]]; }
sessions_over() { (($(sessions) > $1)); }
[[ $(sessions) == 0 ]] || fail "switch.show: capture sessions not 0: $(ctl -j show | jq -c .capture)"

# capture_bg FILE ARGS...: tapswctl capture ARGS -w FILE in the background
# (CAPBG_PID); waits until the session is there
capture_bg() {
	local file=$1 n
	shift
	n=$(sessions)
	"$TAPSWCTL" -s "$SOCK" capture "$@" -w "$file" 2>"$file.err" </dev/null &
	CAPBG_PID=$!
	REG_PIDS+=("$CAPBG_PID")
	wait_until 10 sessions_over "$n" ||
		fail "capture $* did not start (sessions $n): $(cat "$file.err") $(ctl -j show | jq -c .capture)"
}

# --- the pipe of the issue: tapswctl capture P -w - -c 6 | tcpdump -r -
out="$TMPD/pipe.txt"
("$TAPSWCTL" -s "$SOCK" capture "$p1" -w - -c 6 | tcpdump -nn -e -r - >"$out" 2>"$out.err") &
pipe_pid=$!
REG_PIDS+=("$pipe_pid")
wait_until 10 sessions_are 1 || fail "the capture did not start"
in_ns "${HOST_NS[h1]}" ping -n -q -c 5 -i 0.2 "$(ip4 h2)" >/dev/null ||
	fail "h1 cannot ping h2 under a capture"
wait_until 10 bash -c "! kill -0 $pipe_pid 2>/dev/null" ||
	fail "the capture did not end after -c 6: $(ctl -j call capture.list)"
wait "$pipe_pid" || fail "tapswctl capture | tcpdump -r - failed: $(cat "$out.err")"
n=$(grep -c . "$out")
req=$(grep -c "ICMP echo request" "$out" || true)
rep=$(grep -c "ICMP echo reply" "$out" || true)
((n == 6 && req >= 2 && rep >= 2)) ||
	fail "tcpdump read $n frames ($req requests, $rep replies), not 6: $(cat "$out" "$out.err")"
wait_until 5 sessions_are 0 || fail "the session stayed after -c 6"
log "capture | tcpdump -r -: 6 frames, $req echo requests and $rep replies"

# --- directions, checked in epb_flags and against the frames' sources
for dir in in out both; do
	f="$TMPD/$dir.pcapng"
	capture_bg "$f" "$p1" "$dir" -c 8
	in_ns "${HOST_NS[h1]}" ping -n -q -c 10 -i 0.1 "$(ip4 h2)" >/dev/null
	wait_until 10 bash -c "! kill -0 $CAPBG_PID 2>/dev/null" ||
		fail "capture $dir -c 8 did not end: $(ctl -j call capture.list)"
	wait "$CAPBG_PID" || fail "capture $dir failed: $(cat "$f.err")"
	tcpdump -nn -r "$f" >/dev/null 2>&1 || fail "tcpdump cannot read the $dir capture"
	python3 "$DUMP" "$f" >"$f.txt" || fail "pcapng-dump: the $dir capture is malformed"
	[[ $(grep -c . "$f.txt") == 8 ]] || fail "capture $dir -c 8 has $(grep -c . "$f.txt") frames"
	isb=$(python3 "$DUMP" --stats "$f")
	[[ $isb == "isb 8 0" ]] || fail "capture $dir -c 8: its statistics block says '$isb', not 8 seen, 0 dropped"
	# in: from h1, flagged in; out: not from h1, flagged out
	bad=$(awk -v m="$mac1" '($1 == "in") != ($2 == m) || $1 == "-"' "$f.txt")
	[[ -z $bad ]] || fail "capture $dir: direction and source disagree: $bad"
	nin=$(awk '$1 == "in"' "$f.txt" | grep -c . || true)
	nout=$(awk '$1 == "out"' "$f.txt" | grep -c . || true)
	case $dir in
	in) ((nin == 8)) || fail "capture in: $nout frames out" ;;
	out) ((nout == 8)) || fail "capture out: $nin frames in" ;;
	both) ((nin >= 3 && nout >= 3)) || fail "capture both: $nin in, $nout out" ;;
	esac
	log "capture $dir: 8 frames, $nin in and $nout out, as their sources say"
done

# --- a TCP stream (TSO: the TAPs hand over 64 KiB frames): captured whole
spawn "$TMPD/iperf-s.log" ip netns exec "${HOST_NS[h2]}" iperf3 -s -1
wait_until 10 bash -c "ip netns exec ${HOST_NS[h2]} ss -ltn | grep -q :5201" ||
	fail "iperf3 -s did not start"
f="$TMPD/tcp.pcapng"
capture_bg "$f" "$p2" out -c 200
in_ns "${HOST_NS[h1]}" iperf3 -c "$(ip4 h2)" -t 2 >/dev/null 2>&1 || fail "iperf3 h1 -> h2 failed"
wait_until 10 bash -c "! kill -0 $CAPBG_PID 2>/dev/null" || fail "the TCP capture did not end"
python3 "$DUMP" "$f" >"$f.txt" || fail "pcapng-dump: the TCP capture is malformed"
big=$(awk '$5 > 1514' "$f.txt" | grep -c . || true)
bad=$(awk '$4 != $5' "$f.txt" | grep -c . || true)
((bad == 0)) || fail "$bad TCP frames were cut"
((big > 0)) || fail "no GSO frame in the TCP capture: $(sort -k5n "$f.txt" | tail -3)"
log "TCP stream: 200 frames captured whole, $big of them GSO frames over 1514 bytes"

# --- a stream socket port (no netdev to tcpdump on): QEMU's side played by
# tests/tools/qemu-peer, bridged to a TAP in namespace s1; TCP from h1 is
# captured as the port gets it, segmented (socket ports take plain frames)
find_tool QEMU_PEER qemu-peer
ns_add "$T-s1"
in_ns "$T-s1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ps1="${T}s1"
ctl port add "$ps1" stream "$TMPD/s1.sock" >/dev/null || fail "port add $ps1 stream failed"
spawn "$TMPD/peer-s1.log" ip netns exec "$T-s1" "$QEMU_PEER" -s "$TMPD/s1.sock" -t vm0
wait_until 10 ip -n "$T-s1" link show vm0 || fail "qemu-peer made no TAP: $(cat "$TMPD/peer-s1.log")"
HOST_NS[s1]=$T-s1 HOST_IF[s1]=vm0 HOST_IDX[s1]=4 HOST_PORT[s1]=$ps1
host_addr_up s1
ping_ok s1 h1
f="$TMPD/stream.pcapng"
capture_bg "$f" "$ps1" -c 300
spawn "$TMPD/iperf-s3.log" ip netns exec "$T-s1" iperf3 -s -1
wait_until 10 bash -c "ip netns exec $T-s1 ss -ltn | grep -q :5201" || fail "iperf3 -s did not start"
in_ns "${HOST_NS[h1]}" iperf3 -c "$(ip4 s1)" -t 2 >/dev/null 2>&1 || fail "iperf3 h1 -> s1 failed"
wait_until 10 bash -c "! kill -0 $CAPBG_PID 2>/dev/null" || fail "the stream port's capture did not end"
tcpdump -nn -r "$f" >"$f.tcpdump" 2>&1; grep -q "IP $(ip4 h1)" "$f.tcpdump" || fail "tcpdump -r: no frame of h1 in the stream port capture: $(head -5 "$f.tcpdump")"
python3 "$DUMP" "$f" >"$f.txt" || fail "pcapng-dump: the stream port's capture is malformed"
nin=$(awk '$1 == "in"' "$f.txt" | grep -c . || true)
nout=$(awk '$1 == "out"' "$f.txt" | grep -c . || true)
max=$(awk '$1 == "out" && $5 > m { m = $5 } END { print m + 0 }' "$f.txt")
((nin > 0 && nout > 0 && max <= 1514 && max > 1000)) ||
	fail "stream port capture: $nin in, $nout out, largest out $max bytes"
log "stream port: $nin frames in, $nout out, segmented for it (largest $max bytes)"

# --- a client that never reads: drops counted, forwarding unaffected
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.start\",\"params\":{\"port\":\"%s\"}}\n" % sys.argv[2].encode())
time.sleep(3600)
' "$SOCK" "$p2" 2>"$TMPD/stuck.err" &
stuck=$!
REG_PIDS+=("$stuck")
wait_until 10 sessions_are 1 || fail "the stuck client's capture did not start: $(cat "$TMPD/stuck.err")"
spawn "$TMPD/iperf-s2.log" ip netns exec "${HOST_NS[h2]}" iperf3 -s -1
wait_until 10 bash -c "ip netns exec ${HOST_NS[h2]} ss -ltn | grep -q :5201" ||
	fail "iperf3 -s did not start"
in_ns "${HOST_NS[h1]}" iperf3 -c "$(ip4 h2)" -t 3 -J >"$TMPD/iperf.json" 2>&1 ||
	fail "iperf3 under a stuck capture failed: $(tail -5 "$TMPD/iperf.json")"
gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$TMPD/iperf.json")
awk -v g="$gbps" 'BEGIN { exit !(g > 0.1) }' || fail "iperf3 under a stuck capture: $gbps Gbit/s"
in_ns "${HOST_NS[h3]}" ping -n -q -c 10 -i 0.1 -W 1 "$(ip4 h1)" >"$TMPD/ping.txt" ||
	fail "h3 cannot ping h1 under a stuck capture: $(cat "$TMPD/ping.txt")"
grep -q " 0% packet loss" "$TMPD/ping.txt" || fail "ping lost frames: $(cat "$TMPD/ping.txt")"
cl=$(ctl -j call capture.list)
dropped=$(jq -er '.captures[0].dropped' <<<"$cl")
frames=$(jq -er '.captures[0].frames' <<<"$cl")
((dropped > 0)) || fail "the stuck capture dropped nothing: $cl"
[[ $(ctl -j show | jq -er '.capture.dropped') -ge $dropped ]] || fail "switch.show does not count the drops"
tapswd_alive || fail "tapswd died under a stuck capture"
log "stuck client: $frames frames queued, $dropped dropped; iperf3 at $gbps Gbit/s, ping lost nothing"
stop_pid "$stuck"
wait_until 10 sessions_are 0 || fail "the capture stayed after its client went: $(ctl -j call capture.list)"
log "the client went: so did its capture"

# --- the port goes: the capture ends, the file is whole
f="$TMPD/gone.pcapng"
capture_bg "$f" "$p3"
in_ns "${HOST_NS[h3]}" ping -n -q -c 3 -i 0.2 "$(ip4 h1)" >/dev/null
ctl port del "$p3" >/dev/null || fail "port del $p3 failed"
wait_until 10 bash -c "! kill -0 $CAPBG_PID 2>/dev/null" || fail "capture did not end with its port"
wait "$CAPBG_PID" || fail "tapswctl capture exited with an error when its port went: $(cat "$f.err")"
n=$(tcpdump -nn -r "$f" 2>/dev/null | grep -c "ICMP" || true)
((n >= 6)) || fail "the capture of the deleted port has $n ICMP frames"
log "port deleted: the capture ended, $n ICMP frames in its file"

# --- errors
out=$(ctl capture nosuchport -w "$TMPD/x" 2>&1) && fail "a capture of no port was taken"
grep -q "no such port" <<<"$out" || fail "no such port: $out"
[[ ! -e $TMPD/x ]] || fail "a refused capture left its file behind"
out=$(ctl capture "$p1" sideways -w "$TMPD/x" 2>&1) && fail "a bad direction was taken"
out=$(ctl capture "$p1" -c 0 -w "$TMPD/x" 2>&1) && fail "-c 0 was taken"
out=$(ctl -j call capture.start "{\"port\":\"$p1\",\"direction\":\"up\"}" 2>&1) && fail "direction up was taken"
grep -q "in, out or both" <<<"$out" || fail "bad direction: $out"
# a connection that receives events cannot carry a pcapng stream too
out=$( (printf '%s\n%s\n' '{"jsonrpc":"2.0","id":1,"method":"events.subscribe"}' \
	"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"capture.start\",\"params\":{\"port\":\"$p1\"}}"
	sleep 1) | socat -t 2 - UNIX-CONNECT:"$SOCK" 2>&1)
grep -q '"id":2,"error".*receives events' <<<"$out" || fail "capture on an events connection: $out"
[[ $(sessions) == 0 ]] || fail "a capture started on an events connection"
ping_ok h1 h2
tapswd_alive || fail "tapswd died"
pass
