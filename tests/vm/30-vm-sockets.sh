#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/30-vm-sockets.sh -- real QEMU VMs (TCG) on QEMU socket ports.
#
#   VMs a and b on stream ports (-netdev stream, server=off), VMs c and d on
#   dgram ports (-netdev dgram): each pair pings (small and full-MTU) and
#   moves VM_TCP_MIB (default 3) MiB over TCP each way with an md5 check.
#   The stream ports name their QEMU (pid, uid) as the peer; a second QEMU
#   connecting to a taken stream socket is refused and counted; a VM that
#   powers off leaves its stream port waiting with its MAC flushed.
#   VM b then moves data both ways with namespace host h (a TAP port with
#   TSO: the switch segments and checksums h's frames for the stream port).
#   Then tapswd is restarted under c and d (dgram: nothing ties QEMU to the
#   tapswd process): once the new tapswd has its ports again, c and d fetch
#   a token from h and ping it, and c and h move data both ways, all in the
#   same boot.  (Not c and d at once: one powering off while the other still
#   pings it would fail the test, and a dgram VM busy with TCP drops other
#   frames for it when its 10-datagram queue is full: see qemu.c.)  A stream VM cannot do that with QEMU 7.2: it never
#   reconnects (the reconnect option came in QEMU 8.0).
. "$(dirname "$0")/lib-vm.sh"

MIB=${VM_TCP_MIB:-3}

vm_need
vm_prepare
start_switch
add_host h 1

netdev_stream() { echo "stream,server=off,addr.type=unix,addr.path=$TMPD/$1.sock"; }
netdev_dgram() {
	echo "dgram,local.type=unix,local.path=$TMPD/$1-vm.sock,remote.type=unix,remote.path=$TMPD/$1.sock"
}
add_ports() {
	local p
	for p in "$@"; do
		case $p in
		a | b) ctl port add "${T}$p" --stream "$TMPD/$p.sock" >/dev/null ;;
		c | d) ctl port add "${T}$p" --dgram "$TMPD/$p.sock" >/dev/null ;;
		esac || fail "cannot add port ${T}$p"
	done
}
peer_is() { [[ $(port_field "$1" peer) == "$2" ]]; }

add_ports a b c d
# stream VMs must start after tapsw: QEMU 7.2 connects once, at start
vm_start a "$(netdev_stream a)" 52:54:00:5e:30:0a 10.0.0.10 10.0.0.11 ping "tcp:$MIB"
vm_start b "$(netdev_stream b)" 52:54:00:5e:30:0b 10.0.0.11 10.0.0.10 ping "tcp:$MIB" \
	stage:host "tcpwith:10.0.0.1:$MIB"
after="stage:before tokenfrom:10.0.0.1:after:120 pingwith:10.0.0.1"
vm_start c "$(netdev_dgram c)" 52:54:00:5e:30:0c 10.0.0.12 10.0.0.13 ping "tcp:$MIB" \
	$after "tcpwith:10.0.0.1:$MIB"
vm_start d "$(netdev_dgram d)" 52:54:00:5e:30:0d 10.0.0.13 10.0.0.12 ping "tcp:$MIB" $after

wait_until 10 peer_is "${T}a" "pid ${VM_PID[a]} uid 0" ||
	fail "${T}a does not name VM a's QEMU (pid ${VM_PID[a]}): $(port_json "${T}a")"

# a second QEMU on a's socket (paused, no guest: only its netdev connects)
spawn "$TMPD/qemu-second.log" "$VM_QEMU" -M none -nodefaults -display none \
	-monitor none -S -netdev "$(netdev_stream a),id=n0"
second=$SPAWNED
wait_until 10 bash -c "[[ \$('$TAPSWCTL' -s '$SOCK' -j port show '${T}a' | jq '.drop_reasons.peer_refused') -ge 1 ]]" ||
	fail "the second QEMU on ${T}a was not refused: $(port_json "${T}a")"
peer_is "${T}a" "pid ${VM_PID[a]} uid 0" ||
	fail "after a refused client ${T}a names '$(port_field "${T}a" peer)'"
stop_pid "$second"
log "a second QEMU (pid $second) on ${T}a's socket: refused and counted; the port still names VM a's QEMU"

vm_wait a 120 || fail "VM a (stream port): $VM_RESULT"
# b, done with a, moves data both ways with namespace host h (TAP port,
# TSO): the switch segments h's GSO frames for the stream port
vm_wait_line b '^TSW-STAGE: host' 60 || { vm_wait b 1; fail "VM b (stream port): $VM_RESULT"; }
vm_host_tcp h 10.0.0.11 90 || fail "TCP between host h and VM b (stream port) failed"
vm_wait b 60 || fail "VM b (stream port): $VM_RESULT"
(($(port_field "${T}b" tx_segmented) > 0)) ||
	fail "no GSO frame from h was segmented for ${T}b: $(port_json "${T}b")"
log "VMs a and b: ping and TCP ($MIB MiB each way) through stream ports, b and host h too; ${T}b: $(port_json "${T}b" |
	jq -c '{rx_packets, tx_packets, tx_segmented, drops: ([.drop_reasons | to_entries[] | select(.value > 0)] | from_entries)}')"
# a powered off: its QEMU is gone, the port waits, its MAC is flushed
wait_until 10 peer_is "${T}a" waiting || fail "${T}a still has a peer: $(port_json "${T}a")"
fdb_lacks 52:54:00:5e:30:0a || fail "VM a's MAC is still in the FDB"

vm_wait_line c '^TSW-STAGE: before' 120 || { vm_wait c 1; fail "VM c (dgram port): $VM_RESULT"; }
vm_wait_line d '^TSW-STAGE: before' 60 || { vm_wait d 1; fail "VM d (dgram port): $VM_RESULT"; }
peer_is "${T}c" "$TMPD/c-vm.sock" || fail "${T}c does not name c's socket: $(port_json "${T}c")"
log "VMs c and d: ping and TCP through dgram ports; ${T}c: $(port_json "${T}c" |
	jq -c '{peer, rx_packets, tx_packets, tx_segmented, drops: ([.drop_reasons | to_entries[] | select(.value > 0)] | from_entries)}')"

# restart tapswd under c and d, give it its ports again
vm_restart_switch "${VM_RESTART_SIG:-TERM}"
ctl port add "${T}h" netns "$T-h" >/dev/null || fail "cannot re-add h's TAP port"
add_ports c d
for v in c d; do
	vm_host_token h after
	wait_until 120 bash -c "! kill -0 $VM_TOKEN_PID 2>/dev/null" ||
		fail "no VM fetched the token from h"
	stop_pid "$VM_TOKEN_PID"
done
vm_host_tcp h 10.0.0.12 90 || fail "TCP between host h and VM c (dgram port) failed after the restart"
vm_wait c 60 || fail "VM c across a tapswd restart: $VM_RESULT"
vm_wait d 60 || fail "VM d across a tapswd restart: $VM_RESULT"
log "VMs c and d: after the tapswd restart (same boot) both reach h (token, ping), c and h TCP both ways; ${T}c: $(port_json "${T}c" |
	jq -c '{rx_packets, tx_packets, tx_segmented, drops: ([.drop_reasons | to_entries[] | select(.value > 0)] | from_entries)}')"
tapswd_alive || fail "tapswd died"
pass
