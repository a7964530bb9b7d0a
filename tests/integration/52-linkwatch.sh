#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 52-linkwatch: for a TAP left in tapswd's own namespace, and for one moved
# from there into a host's namespace, rtnetlink link events reach the port:
# an MTU change made with `ip link` becomes the port's egress limit, and
# `ip link del` marks the port down (logged once, the daemon goes on, the
# name can be added again).

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics

# mtu_then_del PORT NS IFNAME MTU: `ip link set mtu` in NS becomes the
# port's MTU; `ip link del` there marks the port down, logged once
mtu_then_del() {
	local p=$1 ns=$2 ifn=$3 mtu=$4 n
	ip -n "$ns" link set "$ifn" mtu "$mtu" || fail "ip link set mtu in $ns failed"
	wait_until 5 test "$(port_field "$p" mtu)" = "$mtu" ||
		fail "port MTU did not follow the netdev in $ns: $(port_json "$p")"
	log "in $ns, ip link set $ifn mtu $mtu: the port's MTU is $(port_field "$p" mtu)"
	ip -n "$ns" link del "$ifn" || fail "ip link del in $ns failed"
	wait_until 5 test "$(port_field "$p" state)" = down ||
		fail "port not down after ip link del in $ns: $(port_json "$p")"
	log "after ip link del: state down, error: $(port_field "$p" error)"
	n=$(grep -c "port $p: down" "$TAPSWD_LOG")
	[[ $n -eq 1 ]] || fail "'down' logged $n times for $p: $(cat "$TAPSWD_LOG")"
	tapswd_alive || fail "tapswd died"
}

start_switch
p="${T}x"
ctl port add "$p" >/dev/null || fail "port add $p failed"
mtu_then_del "$p" "$SW_NS" "$p" 4000
ctl port add "$p" >/dev/null || fail "re-adding $p failed"
[[ $(port_field "$p" state) == up ]] || fail "re-added port not up: $(port_json "$p")"

# the same, moved into a host's namespace: watched there
add_host h1 1
mtu_then_del "${HOST_PORT[h1]}" "${HOST_NS[h1]}" "${HOST_IF[h1]}" 3000
stop_switch
pass
