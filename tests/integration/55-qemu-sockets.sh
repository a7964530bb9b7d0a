#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 55-qemu-sockets: QEMU stream and dgram ports, without VMs.
#   h1, h2: TAP ports (vnet header, TSO: 64 KiB GSO frames come from them)
#   s1:     a stream port; tests/tools/qemu-peer speaks QEMU's -netdev stream
#           protocol to it and bridges to a plain TAP in namespace $T-s1
#   d1:     a dgram port, the same with QEMU's -netdev dgram
# Checks: the socket file (mode, owner, stale/live/non-socket paths); ping
# and full-size frames between all; TCP both ways between a TAP host and
# each socket host (the switch must segment GSO frames and finish checksums
# for them); a second client on a taken stream socket is refused and
# counted; a stalled stream peer costs the other ports nothing and its
# drops are counted; bad lengths (0, > 69632) drop the connection, count,
# and the port keeps listening; a peer that goes (stream: EOF; dgram: its
# socket closed) has its MACs flushed and the next one works; port del
# and tapswd's exit remove the socket files.
#
# QEMU_PEER: a prebuilt qemu-peer; else tests/tools/qemu-peer, else it is
# compiled with ${CC:-cc} into the test's directory.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics iperf3 stat

find_tool QEMU_PEER qemu-peer
log "qemu-peer: $QEMU_PEER"

declare -A SOCK_PATH=() SOCK_KIND=() PEER_PID=()

# peer_text PORT: the port's "peer" field ("waiting", "pid N uid N", a path)
peer_text() { port_field "$1" peer; }
drop_count() { port_field "$1" "drop_reasons.$2"; }
peer_connected() { [[ $(peer_text "$1") != waiting ]]; }
peer_waiting() { [[ $(peer_text "$1") == waiting ]]; }

# start_peer NAME: a qemu-peer for socket host NAME, its TAP addressed
start_peer() {
	local name=$1 ns=${HOST_NS[$1]} ifn=${HOST_IF[$1]} path=${SOCK_PATH[$1]}
	if [[ ${SOCK_KIND[$name]} == stream ]]; then
		spawn "$TMPD/peer-$name.log" ip netns exec "$ns" \
			"$QEMU_PEER" -s "$path" -t "$ifn"
	else
		spawn "$TMPD/peer-$name.log" ip netns exec "$ns" \
			"$QEMU_PEER" -d "$path" -l "$TMPD/$name-vm.sock" -t "$ifn"
	fi
	PEER_PID[$name]=$SPAWNED
	wait_until 10 ip -n "$ns" link show "$ifn" ||
		fail "qemu-peer for $name made no TAP: $(cat "$TMPD/peer-$name.log")"
	# a fixed MAC, as a VM has: neighbours need no new ARP after a restart
	ip -n "$ns" link set "$ifn" address "$(printf '02:00:00:00:00:%02x' "${HOST_IDX[$name]}")"
	host_addr_up "$name"
	if [[ ${SOCK_KIND[$name]} == stream ]]; then
		wait_until 10 peer_connected "${HOST_PORT[$name]}" ||
			fail "port ${HOST_PORT[$name]} does not see its peer: $(port_json "${HOST_PORT[$name]}")"
	fi
}

# add_sock_host NAME N KIND: a KIND (stream|dgram) port ${T}NAME at
# $TMPD/NAME.sock and a namespace $T-NAME behind it through qemu-peer
add_sock_host() {
	local name=$1 idx=$2 kind=$3 ns="$T-$1" port="${T}$1" path="$TMPD/$1.sock"
	ns_add "$ns"
	ctl port add "$port" "--$kind" "$path" >/dev/null ||
		fail "tapswctl port add $port --$kind $path failed"
	[[ -S $path ]] || fail "port $port made no socket at $path"
	HOST_NS[$name]=$ns HOST_IF[$name]=$port HOST_IDX[$name]=$idx HOST_PORT[$name]=$port
	SOCK_PATH[$name]=$path SOCK_KIND[$name]=$kind
	start_peer "$name"
}

# tcp SRC DST SECS: iperf3 SRC -> DST; prints Mbit/s; fails below 1 Mbit/s
tcp() {
	local src=$1 dst=$2 secs=${3:-2} out bps
	out=$(in_ns "${HOST_NS[$src]}" timeout 30 iperf3 -c "$(ip4 "$dst")" -t "$secs" -J 2>&1) ||
		fail "iperf3 $src -> $dst failed: $(tail -5 <<<"$out")"
	bps=$(jq -r '.end.sum_received.bits_per_second' <<<"$out")
	awk -v b="$bps" 'BEGIN { exit !(b > 1e6) }' ||
		fail "iperf3 $src -> $dst: only $bps bit/s"
	awk -v b="$bps" 'BEGIN { printf "%.0f", b / 1e6 }'
}

start_switch
add_host h1 1
add_host h2 2
add_sock_host s1 11 stream
add_sock_host d1 21 dgram
ps=${HOST_PORT[s1]} pd=${HOST_PORT[d1]}

# ------------------------------------------------------ the socket files --

[[ $(port_field "$ps" kind) == stream && $(port_field "$pd" kind) == dgram ]] ||
	fail "port kinds: $(port_json "$ps") $(port_json "$pd")"
[[ $(port_field "$ps" vnet_hdr) == false && $(port_field "$ps" mtu) == 1500 ]] ||
	fail "stream port: $(port_json "$ps")"
[[ $(stat -c %a "${SOCK_PATH[s1]}") == 660 ]] ||
	fail "stream socket mode $(stat -c %a "${SOCK_PATH[s1]}"), want 660"
[[ $(peer_text "$ps") == "pid ${PEER_PID[s1]} uid 0" ]] ||
	fail "stream port peer '$(peer_text "$ps")', want 'pid ${PEER_PID[s1]} uid 0'"
ctl port show "$ps" | grep -q "pid ${PEER_PID[s1]}" ||
	fail "tapswctl port show $ps does not name the peer: $(ctl port show "$ps")"

ctl port add "${T}x" --stream "$TMPD/x.sock" mode 0640 owner 65534 group 65534 >/dev/null ||
	fail "port add with mode/owner/group failed"
[[ $(stat -c '%a %u %g' "$TMPD/x.sock") == "640 65534 65534" ]] ||
	fail "socket x.sock: $(stat -c '%a %u %g' "$TMPD/x.sock"), want 640 65534 65534"
[[ $(port_field "${T}x" peer) == waiting ]] || fail "fresh port not waiting: $(port_json "${T}x")"
ctl port del "${T}x" >/dev/null
[[ ! -e $TMPD/x.sock ]] || fail "port del left $TMPD/x.sock"

# a live socket is not taken over; a non-socket is refused; a stale socket
# (nobody answers) is replaced
out=$(ctl port add "${T}y" --dgram "${SOCK_PATH[s1]}" 2>&1) &&
	fail "port add on a live socket succeeded"
grep -q "in use" <<<"$out" || fail "port add on a live socket: unexpected error: $out"
touch "$TMPD/file"
out=$(ctl port add "${T}y" --stream "$TMPD/file" 2>&1) &&
	fail "port add on a regular file succeeded"
[[ -f $TMPD/file ]] || fail "the regular file was removed"
if command -v python3 >/dev/null; then
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$TMPD/stale.sock"
	[[ -S $TMPD/stale.sock ]] || fail "cannot make a stale socket"
	ctl port add "${T}y" --stream "$TMPD/stale.sock" >/dev/null ||
		fail "port add over a stale socket failed"
	ctl port del "${T}y" >/dev/null
	log "socket files: mode/owner set, live/non-socket paths refused, stale one replaced"
else
	log "socket files: mode/owner set, live/non-socket paths refused (no python3: stale case skipped)"
fi

# ---------------------------------------------------- reachability, MTU --

for a in h1 s1 d1; do for b in h1 s1 d1; do
	[[ $a == "$b" ]] || ping_ok "$a" "$b"
done; done
ping_ok h1 s1 6
ping_ok d1 h1 6
wait_until 5 peer_connected "$pd" || fail "dgram port has no peer: $(port_json "$pd")"
[[ $(peer_text "$pd") == "$TMPD/d1-vm.sock" ]] ||
	fail "dgram port peer '$(peer_text "$pd")', want $TMPD/d1-vm.sock"
for pair in "h1 s1" "s1 h1" "h1 d1" "d1 s1"; do
	set -- $pair
	in_ns "${HOST_NS[$1]}" ping -n -q -c 2 -W 2 -M do -s 1472 "$(ip4 "$2")" >/dev/null ||
		fail "full-size (1514-byte) frames $1 -> $2 do not pass"
done
log "ping between all, full-size frames pass; peers: $ps '$(peer_text "$ps")', $pd '$(peer_text "$pd")'"

# -------------------------------------------------------- TCP both ways --

for h in h1 s1 d1; do
	spawn "$TMPD/iperf-$h.log" ip netns exec "${HOST_NS[$h]}" iperf3 -s -B "$(ip4 $h)"
done
sleep 0.5
seg0=$(port_field "$ps" tx_segmented)
segd0=$(port_field "$pd" tx_segmented)
r1=$(tcp h1 s1)
r2=$(tcp s1 h1)
r3=$(tcp h1 d1)
r4=$(tcp d1 h1)
r5=$(tcp s1 d1 1)
seg1=$(port_field "$ps" tx_segmented)
segd1=$(port_field "$pd" tx_segmented)
log "TCP Mbit/s: h1->s1 $r1, s1->h1 $r2, h1->d1 $r3, d1->h1 $r4, s1->d1 $r5"
log "GSO frames segmented: $ps $((seg1 - seg0)), $pd $((segd1 - segd0)); dgram tx_error (VM queue full) $(drop_count "$pd" tx_error)"
((seg1 > seg0 && segd1 > segd0)) ||
	fail "no GSO frame was segmented for the socket ports ($seg0 -> $seg1, $segd0 -> $segd1)"

# ------------------------------------------------ a second stream client --

out=$("$QEMU_PEER" -s "${SOCK_PATH[s1]}" -E -w 3) ||
	fail "a second client on $ps was not refused: $out"
[[ $(drop_count "$ps" peer_refused) == 1 ]] ||
	fail "peer_refused not counted: $(port_json "$ps")"
[[ $(peer_text "$ps") == "pid ${PEER_PID[s1]} uid 0" ]] ||
	fail "after a refused client the peer is '$(peer_text "$ps")'"
grep -q "refused a second client (pid [0-9]* uid 0)" "$TAPSWD_LOG" ||
	fail "the refused client is not logged with its pid/uid"
ping_ok h1 s1
log "second client refused, counted, logged; the first still works"

# ------------------------------------------------- a stalled stream peer --

txe0=$(drop_count "$ps" tx_error)
kill -STOP "${PEER_PID[s1]}"
# a UDP burst for s1 (8 MB; ping would throttle itself without replies)
# while h1 -> h2 TCP runs through the switch
spawn "$TMPD/burst.log" ip netns exec "${HOST_NS[h1]}" bash -c \
	"exec 3>/dev/udp/$(ip4 s1)/9; for ((i = 0; i < 6000; i++)); do printf '%1400s' '' >&3; done"
burst=$SPAWNED
spawn "$TMPD/iperf-h2.log" ip netns exec "${HOST_NS[h2]}" iperf3 -s -B "$(ip4 h2)"
sleep 0.3
r=$(tcp h1 h2 2)
ping_ok d1 h2
wait_until 10 bash -c "! kill -0 $burst 2>/dev/null || [[ \$(awk '{print \$3}' /proc/$burst/stat) == Z ]]" || true
stop_pid "$burst"
txe1=$(drop_count "$ps" tx_error)
log "s1's peer stopped: h1 -> h2 TCP $r Mbit/s meanwhile, frames for s1 dropped (tx_error) $((txe1 - txe0))"
((txe1 > txe0)) || fail "no drops counted for the stalled peer ($txe0 -> $txe1)"
awk -v r="$r" 'BEGIN { exit !(r > 50) }' || fail "h1 -> h2 only $r Mbit/s while s1's peer was stalled"
kill -CONT "${PEER_PID[s1]}"
ping_ok h1 s1
ping_ok s1 d1
log "s1's peer resumed: reachable again"

# ------------------------------------------------ stream peer goes, bad lengths --

mac=$(host_mac s1)
fdb_has "$mac" "$ps" || fail "$mac is not learned on $ps"
stop_pid "${PEER_PID[s1]}"
wait_until 5 peer_waiting "$ps" || fail "$ps still has a peer: $(port_json "$ps")"
fdb_lacks "$mac" || fail "$mac still in the FDB after its peer went"
pd0=$(drop_count "$ps" port_down)
ping_fails h1 "$(ip4 s1)"
(($(drop_count "$ps" port_down) > pd0)) || fail "frames for a peerless port not counted as port_down"
log "stream peer gone: port waiting, $mac flushed, frames for it counted as port_down"

rx0=$(drop_count "$ps" rx_error)
for len in 0 69633 4294967295; do
	out=$("$QEMU_PEER" -s "${SOCK_PATH[s1]}" -E -L "$len" -w 3) ||
		fail "a frame length of $len did not drop the connection: $out"
done
out=$("$QEMU_PEER" -s "${SOCK_PATH[s1]}" -E -L 69632 -w 1) &&
	fail "a frame length of 69632 (QEMU's limit) dropped the connection: $out"
rx1=$(drop_count "$ps" rx_error)
((rx1 - rx0 == 3)) || fail "bad lengths: rx_error $rx0 -> $rx1, want +3"
grep -q "protocol error: frame length 0" "$TAPSWD_LOG" || fail "protocol error not logged"
wait_until 5 peer_waiting "$ps" || fail "$ps has a peer after the bad clients: $(port_json "$ps")"
start_peer s1
ping_ok h1 s1
ping_ok s1 d1
fdb_has "$(host_mac s1)" "$ps" || fail "the new peer's MAC is not learned on $ps"
log "bad lengths 0/69633/2^32-1: connection dropped, rx_error +3; port kept listening, reconnect works"

# -------------------------------------------------------- dgram peer goes --

mac=$(host_mac d1)
fdb_has "$mac" "$pd" || fail "$mac is not learned on $pd"
kill -KILL "${PEER_PID[d1]}"	# its socket file stays: ECONNREFUSED
wait "${PEER_PID[d1]}" 2>/dev/null || true
ping_fails h1 "$(ip4 d1)"
wait_until 5 peer_waiting "$pd" || fail "$pd still has a peer: $(port_json "$pd")"
fdb_lacks "$mac" || fail "$mac still in the FDB after the dgram peer went"
start_peer d1
ping_ok h1 d1
ping_ok d1 s1
wait_until 5 peer_connected "$pd" || fail "$pd does not see its new peer"
log "dgram peer killed: port waiting, $mac flushed; a new peer works"

# ----------------------------------------------------------- tear-down --

ctl port del "$ps" >/dev/null
[[ ! -e ${SOCK_PATH[s1]} ]] || fail "port del $ps left ${SOCK_PATH[s1]}"
wait_until 5 bash -c "! kill -0 ${PEER_PID[s1]} 2>/dev/null || [[ \$(awk '{print \$3}' /proc/${PEER_PID[s1]}/stat) == Z ]]" ||
	fail "the stream peer did not see port del close its connection"
tapswd_alive || fail "tapswd died"
stop_switch
[[ ! -e ${SOCK_PATH[d1]} ]] || fail "tapswd left ${SOCK_PATH[d1]} behind"
pass
