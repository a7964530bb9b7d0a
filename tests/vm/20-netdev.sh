#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/20-netdev.sh -- a netdev port (AF_PACKET on an existing
# interface): one end of a veth pair is a switch port, the other end is host
# h1's interface; h2 is on a plain TAP port.  Ping (small, full-MTU, IPv6)
# and TCP with an md5 check both ways, with offloads and without; `port del`
# (even --destroy) leaves the veth in place.  No VM needed.
. "$(dirname "$0")/lib-vm.sh"

need_basics
need_cmd busybox
VM_BUSYBOX=$(command -v busybox)

start_switch

# h1: a veth whose switch end stays in tapswd's namespace
ns_add "$T-h1"
ip -n "$SW_NS" link add "${T}v" type veth peer name eth0 netns "$T-h1"
ip -n "$SW_NS" link set "${T}v" up
HOST_NS[h1]=$T-h1 HOST_IF[h1]=eth0 HOST_IDX[h1]=1 HOST_PORT[h1]=${T}v
host_addr_up h1

ctl port add "${T}v" --netdev >/dev/null
[[ $(port_field "${T}v" kind) == netdev ]] || fail "port ${T}v is not a netdev port"
add_host h2 2

ping_ok h1 h2
ping_ok h2 h1
ping_ok h1 h2 6
in_ns "$T-h1" ping -q -c 3 -i 0.2 -W 2 -s 1472 -M do 10.0.0.2 >/dev/null ||
	fail "full-MTU pings h1 -> h2 lost"
in_ns "$T-h2" ping -q -c 3 -i 0.2 -W 2 -s 1472 -M do 10.0.0.1 >/dev/null ||
	fail "full-MTU pings h2 -> h1 lost"
log "ping ok, small and full-MTU, IPv4 and IPv6"
fdb_has "$(host_mac h1)" "${T}v" || fail "h1's MAC is not learned on ${T}v"

# TCP both ways at once, 4 MiB each, md5 checked (GSO frames cross the port)
tcp_both() {
	local pid rc=0
	vm_host_tcp h1 10.0.0.2 30 &
	pid=$!
	vm_host_tcp h2 10.0.0.1 30 || rc=1
	wait "$pid" || rc=1
	return $rc
}
tcp_both || fail "TCP between h1 (netdev port) and h2 (TAP port) failed"
log "port ${T}v: $(port_json "${T}v" | jq -c '{rx_packets, tx_packets, tx_segmented, drops: .drop_reasons}' 2>/dev/null)"

# port del never deletes an interface it did not create, --destroy neither
ctl port del "${T}v" --destroy >/dev/null
ip -n "$SW_NS" link show "${T}v" >/dev/null 2>&1 || fail "port del --destroy deleted the veth"
ip -n "$SW_NS" -d link show "${T}v" | grep -q PROMISC &&
	fail "the veth is still promiscuous after port del"
ping_fails h1 10.0.0.2 || fail "h1 still reaches h2 with its port deleted"

# again, plain frames: the port finishes checksums and segments itself
ctl port add "${T}v" --netdev offload off >/dev/null
[[ $(port_field "${T}v" vnet_hdr) == false ]] || fail "offload off: the port still passes vnet headers"
ping_ok h1 h2
tcp_both || fail "TCP with offload off failed"
log "offload off: port ${T}v: $(port_json "${T}v" | jq -c '{rx_packets, tx_packets}' 2>/dev/null)"

# the interface deleted underneath: the port goes down, the daemon goes on
ip -n "$SW_NS" link del "${T}v"
ping_fails h2 10.0.0.1 || true
wait_until 10 bash -c "[[ \$($TAPSWCTL -s $SOCK -j port list | jq -r '.[] | select(.name == \"${T}v\") | .state') == down ]]" ||
	fail "port ${T}v is not down after its veth was deleted"
tapswd_alive || fail "tapswd died"
log "port ${T}v down after the veth was deleted: $(port_field "${T}v" error)"
pass
