#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 64-vxlan-vni-map: one vxlan port carries two VLANs as two VNIs
# (map 10:1010 map 20:1020), against the kernel's one-VNI-per-device way:
#   A (10.1.0.1): tapswd; h1 on an access port of VLAN 10, h2 of VLAN 20;
#       vxlan port vx (vni 42, trunk 10,20, the two maps)
#   K (10.1.0.3): the kernel: vx10 (VNI 1010) in br10 with host k10,
#       vx20 (VNI 1020) in br20 with host k20
# h1 reaches k10 and not k20, h2 reaches k20 and not k10; TCP h1 <-> k10
# with the data checked (TSO frames of VLAN 10 leave untagged in VNI
# 1010); the kernel learns h1 on vx10 and h2 on vx20; tapsw learns k10 on
# VLAN 10 and k20 on VLAN 20, behind 10.1.0.3; port show and --state keep
# the maps; a map onto the port's own VNI or twice is refused.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
. "$(dirname "${TESTLIB:-$0}")/lib-vxlan.sh"
need_vxlan socat ss

STATE="$TMPD/state.json"
ul_setup
start_switch_in "$SW_NS" --state "$STATE"
ul_attach "$SW_NS" 1
K="$T-k"
ns_add "$K"
ul_attach "$K" 3
ip netns exec "$K" ethtool -K ul0 tx off >/dev/null
for v in 10 20; do
	ip -n "$K" link add "vx$v" type vxlan id "10$v" dstport 4789 local 10.1.0.3
	ip netns exec "$K" bridge fdb append 00:00:00:00:00:00 dev "vx$v" dst 10.1.0.1
	ip -n "$K" link add "br$v" type bridge
	ip -n "$K" link set "vx$v" master "br$v" mtu 1450 up
	ns_add "$T-k$v"
	ip -n "$K" link add "hv$v" mtu 1450 type veth peer name eth0 mtu 1450 netns "$T-k$v"
	ip -n "$K" link set "hv$v" master "br$v" up
	ip -n "$K" link set "br$v" up
	HOST_NS[k$v]="$T-k$v" HOST_IF[k$v]=eth0 HOST_IDX[k$v]=$((v / 10 + 2))
	host_addr_up "k$v"
done

! on_sw "$SW_NS" ctl port add vy vxlan vni 42 local 10.1.0.1 map 10:42 2>/dev/null ||
	fail "a map onto the port's own VNI was taken"
! on_sw "$SW_NS" ctl port add vy vxlan vni 42 local 10.1.0.1 map 10:1010 map 11:1010 2>/dev/null ||
	fail "a VNI mapped twice was taken"
VX_OPTS="map 10:1010 map 20:1020 trunk 10,20" vxlan_port "$SW_NS" 1 vx 3
PORT_OPTS="access 10" on_sw "$SW_NS" add_host h1 1
PORT_OPTS="access 20" on_sw "$SW_NS" add_host h2 2
host_mtu h1 1450
host_mtu h2 1450
[[ $(on_sw "$SW_NS" ctl -j port show vx | jq -c .vxlan.map) == '["10:1010","20:1020"]' ]] ||
	fail "maps: $(on_sw "$SW_NS" ctl -j port show vx | jq -c .vxlan)"

ping_ok h1 k10
ping_ok h2 k20
ping_fails h1 10.0.0.4 || fail "h1 (VLAN 10) reached k20 (VNI 1020)"
ping_fails h2 10.0.0.3 || fail "h2 (VLAN 20) reached k10 (VNI 1010)"
log "VLAN 10 <-> VNI 1010 and VLAN 20 <-> VNI 1020, kept apart"

m1=$(host_mac h1) m2=$(host_mac h2) mk10=$(host_mac k10) mk20=$(host_mac k20)
k10=$(ip netns exec "$K" bridge fdb show dev vx10)
k20=$(ip netns exec "$K" bridge fdb show dev vx20)
grep -q "^$m1 dst 10.1.0.1 " <<<"$k10" || fail "the kernel did not learn h1 ($m1) on vx10: $k10"
grep -q "^$m2 dst 10.1.0.1 " <<<"$k20" || fail "the kernel did not learn h2 ($m2) on vx20: $k20"
fdb=$(on_sw "$SW_NS" ctl -j fdb show port vx)
jq -e --arg a "$mk10" --arg b "$mk20" \
	'any(.[]; .mac == $a and .vlan == 10 and .dst == "10.1.0.3") and
	 any(.[]; .mac == $b and .vlan == 20 and .dst == "10.1.0.3")' <<<"$fdb" >/dev/null ||
	fail "tapsw's FDB: $fdb"

tcp_md5 h1 k10 2097152
tcp_md5 k10 h1 2097152
log "TCP h1 <-> k10 through the map: data intact"

kill9_restart_in "$SW_NS" --state "$STATE"
[[ $(on_sw "$SW_NS" ctl -j port show vx | jq -c .vxlan.map) == '["10:1010","20:1020"]' ]] ||
	fail "maps after restart: $(on_sw "$SW_NS" ctl -j port show vx | jq -c .vxlan)"
ping_ok h2 k20
log "--state keeps the maps"
pass
