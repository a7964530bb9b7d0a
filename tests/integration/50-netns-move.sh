#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 50-netns-move: a TAP port keeps forwarding and counting after its netdev
# is moved into another namespace, renamed there, and moved again; and a TAP
# deleted underneath tapswd (`ip link del` in the host's namespace) leaves
# the daemon up, the port down (or removed), the other ports forwarding.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics

HOST_IPV6=0
start_switch
p1="${T}h1" p2="${T}h2"
ctl port add "$p1" >/dev/null
ctl port add "$p2" >/dev/null
wait_until 10 ip -n "$SW_NS" link show "$p1" || fail "TAP $p1 not created in $SW_NS"
wait_until 10 ip -n "$SW_NS" link show "$p2" || fail "TAP $p2 not created in $SW_NS"

counters() { ctl -j port list | jq -r --arg p "$1" '.[] | select(.name == $p) | "\(.rx_packets) \(.tx_packets) \(.state)"'; }

# --- counters before any move: nothing (the TAPs are down in $SW_NS)
read -r rx0 tx0 _ < <(counters "$p1")
log "$p1 before the move: rx $rx0 tx $tx0"

# --- move each TAP into a host namespace (h1's renamed eth0 there)
ns_add "$T-h1"
ns_add "$T-h2"
in_ns "$T-h1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
in_ns "$T-h2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$SW_NS" link set "$p1" netns "$T-h1"
ip -n "$T-h1" link set "$p1" name eth0
ip -n "$SW_NS" link set "$p2" netns "$T-h2"
HOST_NS[h1]="$T-h1" HOST_IF[h1]=eth0 HOST_IDX[h1]=1 HOST_PORT[h1]=$p1
HOST_NS[h2]="$T-h2" HOST_IF[h2]=$p2 HOST_IDX[h2]=2 HOST_PORT[h2]=$p2
host_addr_up h1
host_addr_up h2
ping_ok h1 h2
in_ns "$T-h1" ping -n -q -c 10 -i 0.1 -W 2 10.0.0.2 >/dev/null || fail "pings lost after the move"
read -r rx1 tx1 st1 < <(counters "$p1")
log "$p1 after the move (as eth0 in $T-h1): rx $rx1 tx $tx1 state $st1"
[[ $st1 == up ]] || fail "port $p1 is '$st1' after its TAP moved namespace"
((rx1 >= rx0 + 10 && tx1 >= tx0 + 10)) || fail "port $p1 did not count after the move: rx $rx0 -> $rx1, tx $tx0 -> $tx1"
# the FDB has h1's MAC on the port, as before
fdb_has "$(host_mac h1)" "$p1" || fail "h1's MAC not learned on $p1 after the move"

# --- a second move: from h1's namespace to another one
ns_add "$T-h1b"
in_ns "$T-h1b" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$T-h1" link set eth0 netns "$T-h1b"
HOST_NS[h1]="$T-h1b"
host_addr_up h1
ping_ok h1 h2
in_ns "$T-h1b" ping -n -q -c 10 -i 0.1 -W 2 10.0.0.2 >/dev/null || fail "pings lost after the second move"
read -r rx2 tx2 st2 < <(counters "$p1")
log "$p1 after the second move: rx $rx2 tx $tx2 state $st2"
[[ $st2 == up ]] || fail "port $p1 is '$st2' after the second move"
((rx2 >= rx1 + 10 && tx2 >= tx1 + 10)) || fail "port $p1 stopped counting: rx $rx1 -> $rx2, tx $tx1 -> $tx2"

# --- a TAP deleted underneath: h3's
add_host h3 3
p3=${HOST_PORT[h3]}
ping_ok h3 h1
ip -n "${HOST_NS[h3]}" link del "$p3"
port_gone_or_down() {
	ctl -j port list | jq -e --arg p "$1" \
		'all(.[]; .name != $p) or any(.[]; .name == $p and .state == "down")' >/dev/null
}
wait_until 10 port_gone_or_down "$p3" ||
	fail "port $p3 still up 10 s after its TAP was deleted: $(port_json "$p3")"
tapswd_alive || fail "tapswd died when a TAP was deleted underneath it"
state=$(ctl -j port list | jq -r --arg p "$p3" '[.[] | select(.name == $p) | .state][0] // "removed"')
log "port $p3 after ip link del: $state"
if [[ $state == down ]]; then
	err=$(port_field "$p3" error)
	[[ -n $err && $err != null ]] || fail "port $p3 is down without an error"
	log "  error: $err"
fi
# the remaining ports still forward, and frames flooded no longer count on p3
ping_ok h1 h2
in_ns "$T-h1b" ping -n -q -c 10 -i 0.1 -W 2 10.0.0.2 >/dev/null || fail "h1 -> h2 lost echoes after $p3 vanished"
ping_fails h1 10.0.0.3 || fail "h3 answers although its TAP is gone"
tapswd_alive || fail "tapswd died"
# the port can be deleted (if still listed) and the name reused
if [[ $state == down ]]; then
	ctl port del "$p3" || fail "port del of the down port $p3 failed"
fi
ctl port add "$p3" >/dev/null || fail "re-adding $p3 after its TAP was deleted failed"
wait_until 10 ip -n "$SW_NS" link show "$p3" || fail "re-added $p3 did not appear in $SW_NS"
[[ $(port_field "$p3" state) == up ]] || fail "re-added $p3 is not up"

tapswd_alive || fail "tapswd died"
stop_switch
pass
