#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 20-ageing: with `tapswd --ageing 2`, learned entries are there right after
# traffic, still there while traffic keeps refreshing them, and gone a few
# seconds after the hosts fall silent; the FDB "aged" counter counts them.
# Traffic then floods, works, and re-learns.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics

AGEING=2
HOST_IPV6=0			# no ND/MLD chatter to refresh the entries
start_switch --ageing "$AGEING"
ageing=$(ctl -j show | jq -er '.ageing')
[[ $ageing == "$AGEING" ]] || fail "switch.show ageing is '$ageing', expected $AGEING"
add_host h1 1
add_host h2 2

mac1=$(host_mac h1)
mac2=$(host_mac h2)
aged0=$(stats_field .fdb.aged)

# traffic for longer than the ageing time keeps the entries alive
in_ns "${HOST_NS[h1]}" ping -n -q -c 1 -W 5 10.0.0.2 >/dev/null || ping_ok h1 h2
in_ns "${HOST_NS[h1]}" ping -n -q -c 25 -i 0.2 -W 2 10.0.0.2 >/dev/null ||
	fail "pings lost while the entries should be refreshed"
fdb_has "$mac1" "${HOST_PORT[h1]}" || fail "h1's MAC $mac1 not learned: $(ctl -j fdb show)"
fdb_has "$mac2" "${HOST_PORT[h2]}" || fail "h2's MAC $mac2 not learned: $(ctl -j fdb show)"
age=$(ctl -j fdb show | jq --arg m "$mac1" '[.[] | select(.mac == $m) | .age][0]')
((age <= 1)) || fail "entry for $mac1 refreshed 0 s ago has age $age"
log "entries present after 5 s of traffic (ageing $AGEING s)"

# silence: they must go, within ageing + sweep period + slack
t0=$(date +%s%N)
wait_until 15 fdb_lacks "$mac1" || fail "h1's entry still there 15 s after traffic stopped: $(ctl -j fdb show)"
wait_until 5 fdb_lacks "$mac2" || fail "h2's entry still there after traffic stopped: $(ctl -j fdb show)"
ms=$((($(date +%s%N) - t0) / 1000000))
log "entries gone $ms ms after the last frame"
((ms >= 1000)) || fail "entries vanished after $ms ms, well before the ageing time of ${AGEING}s"
n=$(ctl -j fdb show | jq 'length')
[[ $n -eq 0 ]] || fail "fdb still has $n entries after ageing: $(ctl -j fdb show)"
# the sweep that reclaims (and counts) expired entries runs every second:
# the counters follow within a few seconds of the entries leaving fdb show
aged_by() { (($(stats_field .fdb.aged) - aged0 >= $1)); }
wait_until 10 aged_by 2 || fail "fdb aged counter moved $aged0 -> $(stats_field .fdb.aged), expected +2"
entries_are() { (($(stats_field .fdb.entries) == $1)); }
wait_until 10 entries_are 0 || fail "fdb stats entries is $(stats_field .fdb.entries) after ageing"
log "fdb stats: aged $aged0 -> $(stats_field .fdb.aged), entries 0"

# traffic still works (unknown unicast is flooded) and re-learns
ping_ok h2 h1
fdb_has "$mac1" "${HOST_PORT[h1]}" || fail "h1's MAC not re-learned"
fdb_has "$mac2" "${HOST_PORT[h2]}" || fail "h2's MAC not re-learned"

tapswd_alive || fail "tapswd died"
pass
