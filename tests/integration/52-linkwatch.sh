#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 52-linkwatch: for a TAP left in tapswd's own namespace, rtnetlink link
# events reach the port: an MTU change made with `ip link` becomes the
# port's egress limit, and `ip link del` marks the port down (logged once,
# the daemon goes on, the name can be added again).

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics

start_switch
p="${T}x"
ctl port add "$p" >/dev/null || fail "port add $p failed"
ip -n "$SW_NS" link set "$p" mtu 4000 || fail "ip link set mtu failed"
wait_until 5 test "$(port_field "$p" mtu)" = 4000 ||
	fail "port MTU did not follow the netdev: $(port_json "$p")"
log "ip link set $p mtu 4000: the port's MTU is $(port_field "$p" mtu)"

ip -n "$SW_NS" link del "$p" || fail "ip link del failed"
wait_until 5 test "$(port_field "$p" state)" = down ||
	fail "port not down after ip link del: $(port_json "$p")"
log "after ip link del: state down, error: $(port_field "$p" error)"
n=$(grep -c "port $p: down" "$TAPSWD_LOG")
[[ $n -eq 1 ]] || fail "'down' logged $n times: $(cat "$TAPSWD_LOG")"
tapswd_alive || fail "tapswd died"
ctl port add "$p" >/dev/null || fail "re-adding $p failed"
[[ $(port_field "$p" state) == up ]] || fail "re-added port not up: $(port_json "$p")"
stop_switch
pass
