#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 45-max-macs: `port set NAME max-macs N` caps the MACs a port may hold.
# h1's TAP carries three more hosts (macvlans over it, each in a namespace
# of its own), so four MACs arrive on one port. With max-macs 2 the switch
# learns two, counts the refusals, and still forwards the others' traffic
# (flooded, as unknown unicast). Lifting the cap lets them be learned.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics

start_switch
add_host h1 1
add_host h2 2
p1=${HOST_PORT[h1]}

ctl port set "$p1" max-macs 2 || fail "port set $p1 max-macs 2 failed"
[[ $(port_field "$p1" max_macs) == 2 ]] || fail "max_macs not 2: $(port_json "$p1")"

# three more hosts behind h1's port
for i in 1 2 3; do
	ns="$T-m$i"
	ns_add "$ns"
	ip -n "${HOST_NS[h1]}" link add "mv$i" link "${HOST_IF[h1]}" type macvlan mode bridge ||
		skip "cannot create a macvlan (no macvlan support?)"
	ip -n "${HOST_NS[h1]}" link set "mv$i" netns "$ns"
	ip -n "$ns" addr add "10.0.0.1$i/24" dev "mv$i"
	ip -n "$ns" link set "mv$i" up
done

ping_ok h1 h2
for i in 1 2 3; do
	wait_until 15 in_ns "$T-m$i" ping -n -q -c 1 -W 2 "$(ip4 h2)" ||
		fail "m$i (behind $p1, over the cap) cannot reach h2"
done
n=$(port_field "$p1" fdb_entries)
lim=$(port_field "$p1" learn_limited)
log "with max-macs 2: $n entries on $p1, $lim sources not learned; all 4 hosts reach h2"
[[ $n -eq 2 ]] || fail "$p1 holds $n FDB entries, cap is 2: $(ctl -j fdb show port "$p1")"
((lim > 0)) || fail "no refusal counted on $p1 (learn_limited $lim)"
[[ $(ctl -j show | jq -r .fdb.limited) -gt 0 ]] || fail "fdb stats 'limited' did not move"

ctl port set "$p1" max-macs 0 || fail "port set $p1 max-macs 0 failed"
for i in 1 2 3; do
	in_ns "$T-m$i" ping -n -q -c 1 -W 2 "$(ip4 h2)" >/dev/null ||
		fail "m$i cannot reach h2 after lifting the cap"
done
n=$(port_field "$p1" fdb_entries)
log "max-macs 0: $n entries on $p1"
[[ $n -eq 4 ]] || fail "$p1 holds $n entries after lifting the cap, expected 4"

tapswd_alive || fail "tapswd died"
stop_switch
pass
