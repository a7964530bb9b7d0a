#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 57-vhost-user: vhost-user ports without VMs: tests/tools/vhost-peer plays
# QEMU and the guest (memfd guest memory, rings, eventfds) to do what a
# well-behaved guest does and what a hostile one does.
#   h1, h2: TAP ports in namespaces (the traffic that must go on)
#   v1, v2: two peers exchange broadcast frames through the switch
#   v3: a TX descriptor chain that loops      } each: the port goes down
#   v4: a TX buffer outside guest memory      } with the reason, counted
#   v5: a device-readable buffer in RX ring   } guest_error, QEMU's error
#                                               eventfd signalled
# Then: h1 and h2 still ping each other and v1 still takes a peer; bad
# protocol bytes drop a connection and the port waits for the next one; a
# second client on a taken port is refused and counted; port del removes
# the socket file; tapswd never dies.
#
# VHOST_PEER: a prebuilt vhost-peer; else tests/tools/vhost-peer, else it
# is compiled with ${CC:-cc} into the test's directory.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics

find_tool VHOST_PEER vhost-peer
log "vhost-peer: $VHOST_PEER"

start_switch
add_host h1 1
add_host h2 2
for p in v1 v2 v3 v4 v5; do
	ctl port add "${T}$p" vhost-user "$TMPD/$p.sock" >/dev/null ||
		fail "cannot add vhost-user port ${T}$p"
	[[ -S $TMPD/$p.sock ]] || fail "no socket at $TMPD/$p.sock"
done
[[ $(stat -c %a "$TMPD/v1.sock") == 660 ]] ||
	fail "socket mode $(stat -c %a "$TMPD/v1.sock"), not 660"

peer_is() { [[ $(port_field "$1" peer) == "$2" ]]; }
drop_of() { port_json "$1" | jq -r ".drop_reasons.$2"; }
peer_run() {	# peer_run NAME MODE [ARGS...]: in the background
	local name=$1 mode=$2
	shift 2
	spawn "$TMPD/peer-$name-$mode.log" "$VHOST_PEER" -s "$TMPD/$name.sock" \
		-m "$mode" "$@"
	PEER_PID=$SPAWNED
}
peer_wait() {	# peer_wait PID WHAT: its exit status must be 0
	wait "$1" || fail "vhost-peer ($2) failed: $(cat "$TMPD"/peer-*"$2".log 2>/dev/null | tail -3)"
}

# two peers: each one's broadcast reaches the other
peer_run v1 frame -w 20 -a 0x31 -k
p1=$PEER_PID
peer_run v2 frame -w 20 -a 0x32 -k
p2=$PEER_PID
for f in v1 v2; do
	wait_until 25 grep -q 'vhost-peer: done' "$TMPD/peer-$f-frame.log" ||
		fail "peer $f: $(tail -3 "$TMPD/peer-$f-frame.log")"
done
fdb_has 52:54:00:00:00:31 "${T}v1" || fail "v1's MAC was not learned on ${T}v1"
fdb_has 52:54:00:00:00:32 "${T}v2" || fail "v2's MAC was not learned on ${T}v2"
kill -TERM "$p1" "$p2"
peer_wait "$p1" "frame"
peer_wait "$p2" "frame"
(($(port_field "${T}v1" rx_packets) >= 1 && $(port_field "${T}v1" tx_packets) >= 1)) ||
	fail "no frames counted on ${T}v1: $(port_json "${T}v1")"
wait_until 10 peer_is "${T}v1" waiting || fail "${T}v1 still has a peer"
fdb_lacks 52:54:00:00:00:31 || fail "v1's MAC stayed in the FDB after its peer went"
log "v1 and v2: broadcast frames both ways through guest memory; MACs flushed when the peers went"

# hostile guests, one per port
for pm in v3:loop:"loop" v4:oob:"outside guest memory"; do
	p=${pm%%:*} m=${pm#*:} m=${m%%:*} want=${pm##*:}
	peer_run "$p" "$m"
	peer_wait "$PEER_PID" "$m"
	wait_until 5 bash -c "[[ \$('$TAPSWCTL' -s '$SOCK' -j port show '${T}$p' | jq -r .state) == down ]]" ||
		fail "${T}$p is not down after a '$m' guest: $(port_json "${T}$p")"
	[[ $(port_field "${T}$p" error) == *"$want"* ]] ||
		fail "${T}$p's error does not say '$want': $(port_field "${T}$p" error)"
	(($(drop_of "${T}$p" guest_error) == 1)) ||
		fail "guest_error on ${T}$p is $(drop_of "${T}$p" guest_error), not 1"
	log "${T}$p ($m): down, '$(port_field "${T}$p" error)', guest_error 1, error eventfd signalled"
done
peer_run v5 rx-read -w 20
p5=$PEER_PID
# broadcasts from h1 flood to v5, whose RX ring is bad
for ((i = 0; i < 40; i++)); do
	kill -0 "$p5" 2>/dev/null || break
	in_ns "$T-h1" ping -c 1 -W 0.2 -b 10.0.0.255 >/dev/null 2>&1 || true
done
peer_wait "$p5" "rx-read"
[[ $(port_field "${T}v5" state) == down &&
   $(port_field "${T}v5" error) == *"device-readable"* ]] ||
	fail "${T}v5 is not down for its readable RX buffer: $(port_json "${T}v5")"
log "${T}v5 (rx-read): down, '$(port_field "${T}v5" error)'"

# the rest goes on
ping_ok h1 h2 || fail "h1 cannot ping h2 after the bad guests"
tapswd_alive || fail "tapswd died"
[[ $(port_field "${T}v1" state) == up ]] || fail "${T}v1 went down too"

# protocol garbage: the connection goes, the port waits for the next one
"$VHOST_PEER" -s "$TMPD/v1.sock" -m garbage -w 5 ||
	fail "tapsw kept a connection that sent protocol version 2"
[[ $(port_field "${T}v1" state) == up ]] || fail "${T}v1 went down for a bad header"
peer_run v1 hold
hold=$PEER_PID
wait_until 10 bash -c "[[ \$('$TAPSWCTL' -s '$SOCK' -j port show '${T}v1' | jq -r .peer) == 'pid $hold uid 0' ]]" ||
	fail "${T}v1 does not name its new peer (pid $hold): $(port_json "${T}v1")"
# a second client while one is connected: refused and counted
"$VHOST_PEER" -s "$TMPD/v1.sock" -m garbage -w 5 ||
	fail "a second client on ${T}v1 was not closed"
(($(drop_of "${T}v1" peer_refused) == 1)) ||
	fail "peer_refused on ${T}v1 is $(drop_of "${T}v1" peer_refused)"
peer_is "${T}v1" "pid $hold uid 0" || fail "the refused client replaced the peer"
log "${T}v1: bad header: dropped, next peer taken; a second client refused and counted"
stop_pid "$hold"

ctl port del "${T}v1" >/dev/null || fail "port del ${T}v1 failed"
[[ ! -e $TMPD/v1.sock ]] || fail "port del left $TMPD/v1.sock"
tapswd_alive || fail "tapswd died"
! grep -E 'runtime error|AddressSanitizer' "$TAPSWD_LOG" ||
	fail "a sanitizer reported an error in tapswd"
pass
