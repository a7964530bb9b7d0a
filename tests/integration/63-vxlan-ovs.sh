#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 63-vxlan-ovs: tapsw against Open vSwitch's userspace VXLAN (datapath
# netdev, native tunnelling) on a veth underlay:
#   A (10.1.0.1): tapswd, host h1, vxlan port vx (remote 10.1.0.4)
#   O (10.1.0.4): ovsdb-server + ovs-vswitchd in the namespace, with a
#       private run directory; br-phy (10.1.0.4 on its internal port) holds
#       the underlay veth, br-int a type=vxlan port (remote_ip 10.1.0.1,
#       key 42) and a TAP for host h4, both bridges NORMAL
# h1 and h4 ping both ways, move TCP both ways with the data checked, and
# each side learns the other's MAC behind the tunnel.  Skips (77) without
# openvswitch-switch.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
. "$(dirname "${TESTLIB:-$0}")/lib-vxlan.sh"
need_vxlan socat ss
for c in ovsdb-server ovs-vswitchd ovs-vsctl ovsdb-tool ovs-appctl; do
	command -v "$c" >/dev/null || skip "$c is not installed (apt-get install openvswitch-switch)"
done
schema=/usr/share/openvswitch/vswitch.ovsschema
[[ -r $schema ]] || skip "$schema is missing"

OVS_NS="$T-o" ORUN="$TMPD/ovs"
ul_setup
start_switch_in "$SW_NS"
ul_attach "$SW_NS" 1
# Open vSwitch reads the underlay with AF_PACKET and checks the outer UDP
# checksum, which over veth the kernel leaves partial (no NIC to finish
# it): A's veth finishes it, as a NIC would
ip netns exec "$SW_NS" ethtool -K ul0 tx off >/dev/null
ns_add "$OVS_NS"
ul_attach "$OVS_NS" 4
ip -n "$OVS_NS" addr flush dev ul0	# the address goes on br-phy

mkdir -p "$ORUN"
export OVS_RUNDIR="$ORUN" OVS_DBDIR="$ORUN" OVS_LOGDIR="$ORUN"
vsctl() { ovs-vsctl --db="unix:$ORUN/db.sock" --timeout=15 "$@"; }
appctl() { ovs-appctl -t "$ORUN/ovs-vswitchd.ctl" "$@"; }
ovsdb-tool create "$ORUN/conf.db" "$schema"
spawn "$ORUN/ovsdb-server.out" ip netns exec "$OVS_NS" ovsdb-server "$ORUN/conf.db" \
	--remote="punix:$ORUN/db.sock" --unixctl="$ORUN/ovsdb-server.ctl" \
	--log-file="$ORUN/ovsdb-server.log" --no-chdir
wait_until 10 test -S "$ORUN/db.sock" || fail "ovsdb-server did not start: $(cat "$ORUN/ovsdb-server.out")"
vsctl --no-wait init
spawn "$ORUN/ovs-vswitchd.out" ip netns exec "$OVS_NS" ovs-vswitchd "unix:$ORUN/db.sock" \
	--unixctl="$ORUN/ovs-vswitchd.ctl" --log-file="$ORUN/ovs-vswitchd.log" --no-chdir
wait_until 10 test -S "$ORUN/ovs-vswitchd.ctl" || fail "ovs-vswitchd did not start"
ovs_cleanup() {		# before lib.sh's: the datapath's devices go with it
	appctl exit --cleanup >/dev/null 2>&1 || true
}
trap 'ovs_cleanup; cleanup' EXIT

vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev \
	-- add-port br-phy ul0
ip -n "$OVS_NS" addr add 10.1.0.4/24 dev br-phy
ip -n "$OVS_NS" link set br-phy up
vsctl add-br br-int -- set bridge br-int datapath_type=netdev \
	-- add-port br-int vxo -- set interface vxo type=vxlan \
		options:remote_ip=10.1.0.1 options:key="$VNI" \
	-- add-port br-int "${T}h4" -- set interface "${T}h4" type=tap
wait_until 10 ip -n "$OVS_NS" link show "${T}h4" || fail "OVS made no TAP ${T}h4"
ns_add "$T-h4"
ip -n "$OVS_NS" link set "${T}h4" netns "$T-h4"
HOST_NS[h4]="$T-h4" HOST_IF[h4]="${T}h4" HOST_IDX[h4]=4
host_addr_up h4
host_mtu h4 1450
# native tunnelling resolves the remote by snooping ARP on br-phy
ip netns exec "$OVS_NS" ping -c 1 -W 2 10.1.0.1 >/dev/null ||
	fail "the OVS namespace cannot reach 10.1.0.1 over br-phy"

vxlan_port "$SW_NS" 1 vx 4
on_sw "$SW_NS" add_host h1 1
host_mtu h1 1450

if [[ -n ${OVS_DEBUG:-} ]]; then
	in_ns "${HOST_NS[h1]}" ping -c 3 -W 1 10.0.0.4 || true
	on_sw "$SW_NS" ctl -j port show vx | jq -c '{rx_packets,tx_packets,d:(.drop_reasons|with_entries(select(.value>0))),r:.vxlan.remotes}'
	appctl tnl/neigh/show; appctl ovs/route/show | grep 10.1; appctl dpctl/dump-flows
	vsctl show; tail -20 "$ORUN/ovs-vswitchd.log"
fi
ping_ok h1 h4
ping_ok h4 h1
ping_ok h1 h4 6
log "h1 (tapsw) and h4 (Open vSwitch userspace VXLAN) ping both ways"
m4=$(host_mac h4) m1=$(host_mac h1)
on_sw "$SW_NS" ctl -j fdb show port vx | jq -e --arg m "$m4" \
	'any(.[]; .mac == $m and .dst == "10.1.0.4")' >/dev/null ||
	fail "tapsw did not learn $m4 behind 10.1.0.4: $(on_sw "$SW_NS" ctl fdb show)"
ofdb=$(appctl fdb/show br-int)
grep -qi "$m1" <<<"$ofdb" || fail "OVS did not learn $m1: $ofdb"
log "learned on both sides: $(grep -i "$m1" <<<"$ofdb")"

tcp_md5 h1 h4 2097152
tcp_md5 h4 h1 2097152
log "TCP both ways with Open vSwitch: data intact"
pass
