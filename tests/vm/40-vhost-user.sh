#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/40-vhost-user.sh -- real QEMU VMs (TCG) on vhost-user ports.
#
#   VMs a and b on vhost-user ports (guest memory shared with tapswd through
#   a memfd, -chardev socket,reconnect=1 -netdev vhost-user): they ping
#   (small and full-MTU) and move VM_TCP_MIB (default 3) MiB over TCP each
#   way with an md5 check.  Both ports name their QEMU (pid, uid) as the
#   peer and show the offloads the guests negotiated.  VM b then moves data
#   both ways with namespace host h on a TAP port: h's TSO frames reach b
#   as they are (no software segmentation for b's port) and b's reach h.
#   b powers off: its port waits, its MAC is flushed.
#   Then tapswd is killed (-9) under the running VM a and started again
#   with --state: the ports come back from the state file, QEMU's chardev
#   reconnects by itself, and in the same boot a fetches a token from h,
#   pings it and moves data both ways with it.
#   Last, a new VM (c, another MAC) comes on b's port, where b's QEMU was,
#   with a guest that negotiates no offloads (guest_csum/tso4/tso6=off): it
#   pings h, reloads its virtio_net driver (the device is reset: its rings
#   are stopped and set up again on the same connection), pings again and
#   moves data both ways with h, h's TSO frames segmented and checksummed
#   in software for it.
#
# QEMU 7.2 under TCG: the device has vectors=0 (no MSI-X, INTx).  With
# MSI-X, QEMU 7.2 segfaults in vhost_net_start() (virtio-pci's vector
# unmask reaches kvm_virtio_pci_irqfd_use() with no irqfd array without
# KVM, since vhost-user turns use_guest_notifier_mask off); seen here with
# a throwaway back-end and with tapswd alike.  With KVM that path is not
# taken and vectors=0 is not needed.
. "$(dirname "$0")/lib-vm.sh"

MIB=${VM_TCP_MIB:-3}
MEM=${VM_MEM:-256}

vm_need
"$VM_QEMU" -object help 2>/dev/null | grep -qw memory-backend-memfd ||
	skip "$VM_QEMU has no memory-backend-memfd (vhost-user needs shared guest memory)"
"$VM_QEMU" -netdev help 2>/dev/null | grep -qw vhost-user ||
	skip "$VM_QEMU has no vhost-user netdev"

VM_INIT_EXTRA=$TMPD/steps-extra.sh
cat >"$VM_INIT_EXTRA" <<'EOF'
# reload: unload and load virtio_net: the device is reset, its rings
# stopped (GET_VRING_BASE) and set up again on the same connection
step_reload() {
	local i=0
	ip link set eth0 down
	rmmod virtio_net || { echo "cannot unload virtio_net"; return 1; }
	insmod /lib/modules/virtio_net.ko || { echo "cannot load virtio_net"; return 1; }
	while ! ip link show eth0 >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "no eth0 after the reload"; return 1; }
		sleep 0.1
	done
	ip link set eth0 mtu "$MTU"
	ip addr add "$IP" dev eth0
	ip link set eth0 up
	echo "virtio_net reloaded"
}
EOF
vm_prepare
STATE=$TMPD/state.json
start_switch --state "$STATE"
add_host h 1

# vu_start NAME SOCK MAC IP PEER STEP...: a VM on vhost-user socket SOCK
vu_start() {
	local name=$1 sock=$2
	shift 2
	VM_DEVICE_OPTS=vectors=0${VM_DEVICE_EXTRA:+,$VM_DEVICE_EXTRA} \
	VM_QEMU_ARGS="-object memory-backend-memfd,id=mem,size=${MEM}M,share=on -numa node,memdev=mem -chardev socket,id=c0,path=$sock,reconnect=1" \
		vm_start "$name" "vhost-user,chardev=c0" "$@"
}
peer_is() { [[ $(port_field "$1" peer) == "$2" ]]; }
port_brief() {
	port_json "$1" | jq -c '{peer, offloads, rx_packets, tx_packets, tx_segmented, tx_csum_done,
		drops: ([.drop_reasons | to_entries[] | select(.value > 0)] | from_entries)}'
}

for p in a b; do
	ctl port add "${T}$p" vhost-user "$TMPD/$p.sock" >/dev/null ||
		fail "cannot add vhost-user port ${T}$p"
done
[[ $(port_field "${T}a" kind) == vhost-user && $(port_field "${T}a" peer) == waiting ]] ||
	fail "a new vhost-user port is not waiting for its VM: $(port_json "${T}a")"

vu_start a "$TMPD/a.sock" 52:54:00:5e:40:0a 10.0.0.10 10.0.0.11 ping "tcp:$MIB" \
	stage:before tokenfrom:10.0.0.1:after:180 pingwith:10.0.0.1 "tcpwith:10.0.0.1:$MIB"
vu_start b "$TMPD/b.sock" 52:54:00:5e:40:0b 10.0.0.11 10.0.0.10 ping "tcp:$MIB" \
	stage:host "tcpwith:10.0.0.1:$MIB"

wait_until 30 peer_is "${T}a" "pid ${VM_PID[a]} uid 0" ||
	fail "${T}a does not name VM a's QEMU (pid ${VM_PID[a]}): $(port_json "${T}a")"

# b, done with a, moves data both ways with host h (TAP port, TSO)
vm_wait_line b '^TSW-STAGE: host' 240 || { vm_wait b 1; fail "VM b: $VM_RESULT"; }
port_json "${T}b" | jq -e '.offloads | index("tso4")' >/dev/null ||
	fail "VM b's guest did not negotiate TSO: $(port_brief "${T}b")"
vm_host_tcp h 10.0.0.11 120 || fail "TCP between host h and VM b failed"
vm_wait b 90 || fail "VM b: $VM_RESULT"
log "VMs a and b: ping and TCP ($MIB MiB each way), then b and host h; ${T}b: $(port_brief "${T}b"); ${T}h: $(port_brief "${T}h")"
(($(port_field "${T}b" tx_segmented) == 0)) ||
	fail "GSO frames were segmented for ${T}b, whose guest takes TSO: $(port_brief "${T}b")"
(($(port_field "${T}b" tx_packets) > 0 && $(port_field "${T}h" tx_packets) > 0)) ||
	fail "no traffic counted on ${T}b/${T}h"
# frames above the MTU came from h and from b: GSO frames, passed whole
for p in h b; do
	(($(port_field "${T}$p" rx_bytes) / $(port_field "${T}$p" rx_packets) > 1514)) ||
		fail "no GSO frames from ${T}$p (at most 1514 bytes a frame): $(port_brief "${T}$p")"
done
# port_down: frames before b's driver had its RX ring up; tx_error: a
# moment without RX buffers (a TCG guest refills slowly); nothing else
port_json "${T}b" | jq -e '[.drop_reasons | to_entries[] | select(.value > 0 and
	.key != "port_down" and .key != "tx_error")] == []' >/dev/null ||
	fail "drops on ${T}b: $(port_brief "${T}b")"
# b powered off: its QEMU is gone, the port waits, its MAC is flushed
wait_until 10 peer_is "${T}b" waiting || fail "${T}b still has a peer: $(port_json "${T}b")"
fdb_lacks 52:54:00:5e:40:0b || fail "VM b's MAC is still in the FDB"
log "VM b powered off: ${T}b waits, its MAC flushed"

# kill -9 tapswd under VM a; the new one restores the ports (--state)
vm_wait_line a '^TSW-STAGE: before' 120 || { vm_wait a 1; fail "VM a: $VM_RESULT"; }
vm_restart_switch KILL
wait_until 10 port_json "${T}a" >/dev/null ||
	fail "the restarted tapswd has no port ${T}a (state file: $(cat "$STATE"))"
wait_until 30 peer_is "${T}a" "pid ${VM_PID[a]} uid 0" ||
	fail "VM a's QEMU did not reconnect to ${T}a: $(port_json "${T}a")"
vm_host_token h after
wait_until 180 bash -c "! kill -0 $VM_TOKEN_PID 2>/dev/null" ||
	fail "VM a did not fetch the token from h after the restart: $(port_brief "${T}a")"
stop_pid "$VM_TOKEN_PID"
vm_host_tcp h 10.0.0.10 120 || fail "TCP between host h and VM a failed after the restart"
vm_wait a 90 || fail "VM a across a tapswd kill -9 and restart: $VM_RESULT"
log "VM a: after tapswd's kill -9 and restart (same boot) it reaches h (token, ping), TCP both ways; ${T}a: $(port_brief "${T}a")"

# a new VM on b's port, where b's QEMU was, whose guest takes no
# offloads: the switch segments and checksums h's TSO frames for it
VM_DEVICE_EXTRA="guest_csum=off,guest_tso4=off,guest_tso6=off,guest_ecn=off,guest_ufo=off" \
	vu_start c "$TMPD/b.sock" 52:54:00:5e:40:0c 10.0.0.12 10.0.0.1 ping \
	stage:reload reload ping "tcp:$MIB"
wait_until 60 peer_is "${T}b" "pid ${VM_PID[c]} uid 0" ||
	fail "VM c's QEMU is not the peer of ${T}b: $(port_json "${T}b")"
vm_wait_line c '^TSW-STAGE: reload' 120 || { vm_wait c 1; fail "VM c: $VM_RESULT"; }
vm_host_tcp h 10.0.0.12 120 || fail "TCP between host h and VM c (no guest offloads) failed"
vm_wait c 120 || fail "VM c on ${T}b: $VM_RESULT"
tr -d '\r' <"$(vm_console c)" | grep -q '^virtio_net reloaded' ||
	fail "VM c did not reload its driver"
# on one connection: its QEMU connected once, and stopped the rings once
# more than at power-off
(($(grep -c "port ${T}b: peer connected: pid ${VM_PID[c]} " "$TAPSWD_LOG") == 1)) ||
	fail "VM c's QEMU connected more than once: $(grep "port ${T}b: peer" "$TAPSWD_LOG")"
(($(grep -c "port ${T}b: vhost-user GET_VRING_BASE" "$TAPSWD_LOG") >= 4)) ||
	fail "VM c's driver reload did not stop the rings"
(($(port_field "${T}b" tx_segmented) > 0)) ||
	fail "nothing was segmented for VM c, whose guest takes no TSO: $(port_brief "${T}b")"
log "VM c on ${T}b (VM b's port, guest without offloads): pings h, reloads virtio_net (rings stopped and set up again, same connection), pings again, TCP both ways, h's TSO frames segmented for it; ${T}b: $(port_brief "${T}b")"
tapswd_alive || fail "tapswd died"
! grep -E 'runtime error|AddressSanitizer|LeakSanitizer' "$TMPD"/tapswd*.log ||
	fail "a sanitizer reported an error in tapswd"
pass
