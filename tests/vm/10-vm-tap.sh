#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/10-vm-tap.sh -- real QEMU VMs (TCG) on VM TAP ports.
#
#   VMs a and b, each on its own VM TAP port, ping each other (small and
#   full-MTU) and move 4 MiB over TCP each way with an md5 check.
#   VM c, on a VM TAP port too, does the same with host h, a namespace on a
#   plain TAP port; then tapswd is restarted under it (a new daemon adopts
#   the TAPs QEMU still holds) and c's ping and TCP resume without a reboot.
#   `port del --destroy` deletes a VM TAP only if this tapswd created it.
. "$(dirname "$0")/lib-vm.sh"

vm_need
vm_prepare
start_switch

netdev_tap() { echo "tap,ifname=$1,script=no,downscript=no"; }

ctl port add "${T}a" --vm >/dev/null
ctl port add "${T}b" --vm owner 65534 group 65534 >/dev/null
ctl port add "${T}c" --vm >/dev/null
[[ $(port_field "${T}a" kind) == vm ]] || fail "${T}a is not a vm port"
[[ $(port_field "${T}a" created) == true ]] || fail "${T}a: not created by tapsw?"
ip -n "$SW_NS" -d link show "${T}b" | grep -Eq 'user (65534|nobody)' ||
	fail "${T}b: TAP owner not set: $(ip -n "$SW_NS" -d link show "${T}b")"
# a created VM TAP is a switch port: the host's IPv6 stays off it
[[ $(in_ns "$SW_NS" cat "/proc/sys/net/ipv6/conf/${T}a/disable_ipv6") == 1 ]] ||
	fail "${T}a: IPv6 not disabled on the created TAP"
add_host h 1

vm_start a "$(netdev_tap "${T}a")" 52:54:00:5e:00:0a 10.0.0.10 10.0.0.11 ping tcp
vm_start b "$(netdev_tap "${T}b")" 52:54:00:5e:00:0b 10.0.0.11 10.0.0.10 ping tcp
vm_start c "$(netdev_tap "${T}c")" 52:54:00:5e:00:0c 10.0.0.12 10.0.0.1 \
	ping tcp stage:before token:after:120 ping tcp

# h's half of c's first tcp step, while a and b test each other
vm_host_tcp h 10.0.0.12 120 || fail "TCP between host h and VM c failed"
vm_wait a 120 || fail "VM a (VM TAP port): $VM_RESULT"
vm_wait b 60 || fail "VM b (VM TAP port): $VM_RESULT"
log "VMs a and b: ping and TCP through VM TAP ports; port ${T}a: $(port_json "${T}a" |
	jq -c '{rx_packets, tx_packets, tx_segmented, drops: ([.drop_reasons | to_entries[] | select(.value > 0)] | from_entries)}')"
fdb_has 52:54:00:5e:00:0a "${T}a" || fail "VM a's MAC is not learned on ${T}a"

# restart tapswd under VM c
vm_wait_line c '^TSW-STAGE: before' 60 || fail "VM c did not reach its restart stage"
vm_restart_switch "${VM_RESTART_SIG:-TERM}"	# KILL: a crash
ctl port add "${T}c" --vm >/dev/null
[[ $(port_field "${T}c" created) == false ]] || fail "${T}c: the new tapswd says it created the TAP"
ctl port add "${T}h" netns "$T-h" >/dev/null || fail "cannot re-add h's TAP port"
vm_host_token h after
vm_host_tcp h 10.0.0.12 120 || fail "TCP between host h and VM c failed after the restart"
vm_wait c 120 || fail "VM c across a tapswd restart: $VM_RESULT"
log "VM c: ping and TCP resumed after the tapswd restart (same boot)"

# --destroy: only a TAP this tapswd created
ctl port del "${T}c" --destroy >/dev/null
ip -n "$SW_NS" link show "${T}c" >/dev/null 2>&1 || fail "port del --destroy deleted a TAP it adopted"
ctl port add "${T}d" --vm >/dev/null
ctl port del "${T}d" --destroy >/dev/null
wait_until 5 bash -c "! ip -n $SW_NS link show ${T}d" || fail "port del --destroy left ${T}d"
ctl port add "${T}e" --vm >/dev/null
ctl port del "${T}e" >/dev/null
ip -n "$SW_NS" link show "${T}e" >/dev/null 2>&1 || fail "port del without destroy deleted ${T}e"
pass
