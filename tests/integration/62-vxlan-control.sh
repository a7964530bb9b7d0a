#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 62-vxlan-control: a vxlan port driven from the control socket, as an
# external control plane (EVPN: FRR) drives the kernel's.
#   A (10.1.0.1): tapswd --state, host h1, vxlan port vx (remote B only)
#   B (10.1.0.2): tapswd, host h2, remotes A and K
#   K (10.1.0.3): kernel vxlan "nolearning", bridge, host h3
# remote add/del at run time; learning off with static entries that carry
# the remote (fdb add MAC port vx dst IP) and no flood list: unicast still
# flows, nothing is learned; a remote that is only a static entry's dst is
# let in, a removed one is not; too big for the underlay is counted
# (too_big, never fragmented); kill -9 and --state bring the port, its
# remotes and the static entries with their dst back.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
. "$(dirname "${TESTLIB:-$0}")/lib-vxlan.sh"
need_vxlan socat python3 ethtool ss

SWA="$T-swa" SWB="$T-swb" STATE="$TMPD/state.json"
ul_setup
start_switch_in "$SWA" --state "$STATE"
start_switch_in "$SWB"
ul_attach "$SWA" 1
ul_attach "$SWB" 2
KV_OPTS=nolearning kernel_vtep "$T-k" 3 h3 3 2
vxlan_port "$SWA" 1 vx 2
vxlan_port "$SWB" 2 vx 1 3
on_sw "$SWA" add_host h1 1
on_sw "$SWB" add_host h2 2
host_mtu h1 1450
host_mtu h2 1450
m1=$(host_mac h1) m3=$(host_mac h3)

ping_ok h1 h2
ping_fails h1 10.0.0.3 || fail "h1 reached h3 with K not a remote of A"
# K's datagrams to A are not let in: it is no remote of A's
ip netns exec "$T-k" bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.1.0.1
ping_fails h3 10.0.0.1 || fail "h3 reached h1 with K not a remote of A"
bs=$(on_sw "$SWA" port_field vx drop_reasons.vxlan_bad_source)
((bs > 0)) || fail "A did not count K's datagrams as vxlan_bad_source"
log "a VTEP that is no remote gets nothing in ($bs datagrams dropped)"

on_sw "$SWA" ctl port set vx remote add 10.1.0.3 >/dev/null
ping_ok h1 h3
! on_sw "$SWA" ctl port set vx remote add 10.1.0.3 2>/dev/null || fail "a remote added twice"
! on_sw "$SWA" ctl port set vx remote add fd01::3 2>/dev/null || fail "an IPv6 remote on an IPv4 port"
! on_sw "$SWA" ctl port set vx remote add 10.1.0.1 2>/dev/null || fail "the local address as a remote"
! on_sw "$SWA" ctl port set "${HOST_PORT[h1]}" remote add 10.1.0.3 2>/dev/null ||
	fail "remote add on a TAP port"
[[ $(on_sw "$SWA" ctl -j port show vx | jq -c '.vxlan.remote') == '["10.1.0.2","10.1.0.3"]' ]] ||
	fail "remotes: $(on_sw "$SWA" ctl -j port show vx | jq -c .vxlan)"
on_sw "$SWA" ctl port set vx remote del 10.1.0.3 >/dev/null
on_sw "$SWA" ctl fdb flush >/dev/null
in_ns "${HOST_NS[h1]}" ip neigh flush dev "${HOST_IF[h1]}"
ping_fails h1 10.0.0.3 || fail "h1 reached h3 after remote del"
! on_sw "$SWA" ctl port set vx remote del 10.1.0.3 2>/dev/null || fail "remote del of no remote"
log "remote add, del at run time"

# EVPN style: learning off, static entries with their remote, no flooding
on_sw "$SWA" ctl port set vx learning off >/dev/null
# what A learned until now goes (an entry stays when learning is turned
# off, as on the kernel's bridge): h2's IPv6 router solicitations and MLD
# reports, sent on their own schedule, were learned here under load
on_sw "$SWA" ctl fdb flush >/dev/null
on_sw "$SWA" ctl fdb add "$m3" port vx dst 10.1.0.3 >/dev/null
ip netns exec "$T-k" bridge fdb del 00:00:00:00:00:00 dev vx0 dst 10.1.0.1
ip netns exec "$T-k" bridge fdb add "$m1" dev vx0 dst 10.1.0.1 static
in_ns "${HOST_NS[h1]}" ip neigh replace 10.0.0.3 lladdr "$m3" dev "${HOST_IF[h1]}" nud permanent
in_ns "${HOST_NS[h3]}" ip neigh replace 10.0.0.1 lladdr "$m1" dev eth0 nud permanent
ping_ok h1 h3
tcp_md5 h1 h3 1048576
tcp_md5 h3 h1 1048576
e=$(on_sw "$SWA" ctl -j fdb show port vx | jq -c --arg m "$m3" '.[] | select(.mac == $m)')
[[ $(jq -r '"\(.static) \(.dst)"' <<<"$e") == "true 10.1.0.3" ]] || fail "static entry: $e"
on_sw "$SWA" ctl fdb show port vx | sed 's/^/#   /'
r3=$(on_sw "$SWA" ctl -j port show vx | jq -c '.vxlan.remotes[] | select(.ip == "10.1.0.3")')
[[ $(jq -r '"\(.flood) \(.statics)"' <<<"$r3") == "false 1" ]] || fail "remote 10.1.0.3: $r3"
jq -e '.rx_packets > 0 and .tx_packets > 0 and .tx_flooded == 0' <<<"$r3" >/dev/null ||
	fail "10.1.0.3 got flooded frames or none: $r3"
on_sw "$SWA" ctl -j fdb show port vx | jq -e --arg m "$m3" 'all(.[]; .static or .mac == $m)' >/dev/null ||
	fail "learning off, yet A learned: $(on_sw "$SWA" ctl fdb show)"
log "learning off: static entries with dst carry TCP both ways, nothing flooded to K"

# too big for the underlay: counted, never fragmented
on_sw "$SWA" ctl port set vx mtu 1500 >/dev/null
host_mtu h1 1500
tb0=$(on_sw "$SWA" port_field vx drop_reasons.too_big)
! in_ns "${HOST_NS[h1]}" ping -n -q -c 2 -W 1 -M do -s 1472 10.0.0.3 >/dev/null ||
	fail "1500 bytes inside crossed a 1500 underlay"
tb1=$(on_sw "$SWA" port_field vx drop_reasons.too_big)
((tb1 - tb0 == 2)) || fail "too_big: $tb0 -> $tb1, expected +2"
on_sw "$SWA" ctl port set vx mtu 1450 >/dev/null
host_mtu h1 1450
log "too big for the underlay: dropped, counted as too_big"

# kill -9, restart with --state: port, remotes, static entry with dst back
kill9_restart_in "$SWA" --state "$STATE"
[[ $(on_sw "$SWA" ctl -j port show vx | jq -c '[.vxlan.vni, .vxlan.remote, .learning, .mtu]') == '[42,["10.1.0.2"],false,1450]' ]] ||
	fail "after restart: $(on_sw "$SWA" ctl -j port show vx | jq -c '[.vxlan, .learning, .mtu]')"
e=$(on_sw "$SWA" ctl -j fdb show port vx | jq -c --arg m "$m3" '.[] | select(.mac == $m)')
[[ $(jq -r '"\(.static) \(.dst)"' <<<"$e") == "true 10.1.0.3" ]] || fail "static entry after restart: $e"
ping_ok h1 h3
ping_ok h1 h2
log "kill -9 and --state: vx, its remotes and static dst back; h1 reaches h2 and h3"

on_sw "$SWA" ctl fdb del "$m3" >/dev/null
[[ $(on_sw "$SWA" ctl -j port show vx | jq '[.vxlan.remotes[] | select(.ip == "10.1.0.3")] | length') == 0 ]] ||
	fail "remote 10.1.0.3 kept after its last static entry went"
ping_fails h1 10.0.0.3 || fail "h1 reached h3 after the static entry went"
pass
