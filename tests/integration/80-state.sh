#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 80-state: tapswd --state FILE keeps the configuration across a crash.
# Three hosts: h1 and h2 on TAPs moved into their namespaces by hand (as test
# scripts do), h3 on a TAP that `port add ... netns NS` put there itself.
# Settings (a MAC limit, an MTU, bridge controls) and a static FDB entry
# are made, then tapswd is killed with SIGKILL and started again with the
# same state file: with no other action the ports are back — re-opened
# inside the namespaces their TAPs live in —, the settings and the static
# entry too, and the hosts reach each other; a TAP tapsw created stays its
# own (destroy deletes it). A corrupt state file stops tapswd with a clear
# error instead of starting an empty switch.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics

STATE="$TMPD/state.json"
start_switch --state "$STATE"
add_host h1 1
add_host h2 2

# h3: the switch moves the TAP itself
ns_add "$T-h3"
p3="${T}h3"
ctl port add "$p3" netns "$T-h3" >/dev/null || fail "port add $p3 netns $T-h3 failed"
ip -n "$T-h3" link show "$p3" >/dev/null 2>&1 || fail "$p3 is not in $T-h3"
HOST_NS[h3]="$T-h3" HOST_IF[h3]=$p3 HOST_IDX[h3]=3 HOST_PORT[h3]=$p3
host_addr_up h3

p1=${HOST_PORT[h1]} p2=${HOST_PORT[h2]}
ctl port set "$p1" max-macs 5 || fail "port set max-macs failed"
ctl port set "$p2" mtu 1400 || fail "port set mtu failed"
ctl port set "$p3" learning off mcast_flood off || fail "port set learning/mcast_flood off failed"
ctl fdb add 02:00:00:00:00:99 port "$p2" vlan 7 || fail "fdb add failed"
for a in h1 h2 h3; do for b in h1 h2 h3; do
	[[ $a == "$b" ]] || ping_ok "$a" "$b"
done; done
jq -e '.tapsw_state == 1 and (.ports | length) == 3 and (.fdb | length) == 1' "$STATE" >/dev/null ||
	fail "state file does not hold 3 ports and 1 static entry: $(cat "$STATE")"
jq -e --arg p "$p1" --arg ns "${HOST_NS[h1]}" \
	'any(.ports[]; .name == $p and .netns == $ns and .max_macs == 5)' "$STATE" >/dev/null ||
	fail "state file does not know $p1 moved to ${HOST_NS[h1]}: $(cat "$STATE")"
log "state before the crash: $(jq -c '[.ports[] | {name, netns, mtu, max_macs}]' "$STATE")"

# crash
kill -KILL "$TAPSWD_PID"
wait "$TAPSWD_PID" 2>/dev/null || true
ping_fails h1 "$(ip4 h2)" || fail "h1 still reaches h2 with tapswd dead"

# restart with the same state, nothing else
restart_switch() {
	spawn "$TAPSWD_LOG.2" ip netns exec "$SW_NS" "${tapswd_wrapper[@]}" "$TAPSWD" -v -s "$SOCK" "$@"
	TAPSWD_PID=$SPAWNED
	TAPSWD_LOG="$TAPSWD_LOG.2"
	wait_until 20 ctl show || fail "tapswd did not come back (log: $(tail -5 "$TAPSWD_LOG"))"
}
restart_switch --state "$STATE"
ports=$(ctl -j port list)
[[ $(jq length <<<"$ports") -eq 3 ]] || fail "after restart: $(jq -c '[.[].name]' <<<"$ports")"
jq -e 'all(.[]; .state == "up")' <<<"$ports" >/dev/null || fail "a port is not up: $ports"
[[ $(port_field "$p1" max_macs) == 5 ]] || fail "max-macs of $p1 lost: $(port_json "$p1")"
[[ $(port_field "$p2" mtu) == 1400 ]] || fail "mtu of $p2 lost: $(port_json "$p2")"
jq -e '(.learning | not) and (.mcast_flood | not) and .flood and .bcast_flood and (.isolated | not) and (.locked | not)' \
	<<<"$(port_json "$p3")" >/dev/null || fail "controls of $p3 lost: $(port_json "$p3")"
ctl -j fdb show | jq -e --arg p "$p2" \
	'any(.[]; .mac == "02:00:00:00:00:99" and .vlan == 7 and .port == $p and .static)' >/dev/null ||
	fail "static entry lost: $(ctl -j fdb show)"
grep -q "in netns ${HOST_NS[h1]}" "$TAPSWD_LOG" || fail "tapswd did not re-open $p1 in ${HOST_NS[h1]}: $(cat "$TAPSWD_LOG")"
for a in h1 h2 h3; do for b in h1 h2 h3; do
	[[ $a == "$b" ]] || ping_ok "$a" "$b"
done; done
log "after kill -9 and restart: 3 ports up in their namespaces, settings and static entry back, all pairs ping"

# found in h1's namespace at start: its link there is watched as before
[[ $(port_field "$p1" link_netnsid) =~ ^[0-9]+$ ]] ||
	fail "$p1, found in ${HOST_NS[h1]}, has no link_netnsid: $(port_json "$p1")"
ip -n "${HOST_NS[h1]}" link set "${HOST_IF[h1]}" down
wait_until 5 test "$(port_field "$p1" link)" = down ||
	fail "$p1 set down in ${HOST_NS[h1]}: port show still says link $(port_field "$p1" link)"
ip -n "${HOST_NS[h1]}" link set "${HOST_IF[h1]}" up
wait_until 5 test "$(port_field "$p1" link)" = up ||
	fail "$p1 set up again: port show says link $(port_field "$p1" link)"
ping_ok h1 h2
log "after the restart, $p1's link in ${HOST_NS[h1]} is followed: down, up"

# created by the first run: still tapsw's own, so destroy deletes it
[[ $(port_field "$p3" created) == true ]] ||
	fail "$p3, created before the restart, is not created: $(port_json "$p3")"
ctl port del "$p3" destroy >/dev/null || fail "port del $p3 destroy failed"
wait_until 10 bash -c "! ip -n '${HOST_NS[h3]}' link show '$p3' 2>/dev/null" ||
	fail "port del $p3 destroy after the restart left the TAP in ${HOST_NS[h3]}"
log "after the restart, port del destroy still deletes $p3, which tapsw created"

# a corrupt state file is an error, not an empty switch
stop_switch
printf '{"tapsw_state": 1, "ports": [' >"$STATE"
out=$(ip netns exec "$SW_NS" timeout 10 "$TAPSWD" -s "$SOCK" --state "$STATE" 2>&1) &&
	fail "tapswd started on a torn state file: $out"
grep -q "state.json" <<<"$out" || fail "the error does not name the file: $out"
log "torn state file: tapswd refuses: $out"
pass
