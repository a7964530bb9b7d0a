#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 25-static: `tapswctl fdb add MAC port P` makes a static entry that survives
# ageing (static true) and steers unicast to that MAC to P only; `fdb del`
# removes it, and the same frames are then flooded as unknown unicast.
# `fdb add` naming a port that does not exist fails: non-zero, one line on
# stderr.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics tcpdump

AGEING=2
HOST_IPV6=0
start_switch --ageing "$AGEING"
add_host h1 1
add_host h2 2
add_host h3 3
ping_ok h1 h2
ping_ok h1 h3

VMAC=02:00:00:00:00:aa		# a MAC no host has; 10.0.0.99 resolves to it on h1
in_ns "${HOST_NS[h1]}" ip neigh replace 10.0.0.99 lladdr "$VMAC" dev "${HOST_IF[h1]}" nud permanent

# send_to_vmac: 10 echoes from h1 towards $VMAC; sets n2, n3: the echo
# requests seen on h2 and h3
send_to_vmac() {
	local p2 f2 p3 f3 o2 o3
	capture_start h2 "ether dst $VMAC"
	p2=$CAP_PID f2=$CAP_FILE
	capture_start h3 "ether dst $VMAC"
	p3=$CAP_PID f3=$CAP_FILE
	in_ns "${HOST_NS[h1]}" ping -n -q -c 10 -i 0.05 -W 1 10.0.0.99 >/dev/null 2>&1 || true
	o2=$(capture_stop "$p2" "$f2")
	o3=$(capture_stop "$p3" "$f3")
	n2=$(grep -c "ICMP echo request" <<<"$o2" || true)
	n3=$(grep -c "ICMP echo request" <<<"$o3" || true)
}

# without an entry: unknown unicast, flooded to h2 and h3
send_to_vmac
log "no entry for $VMAC: h2 saw $n2, h3 saw $n3"
((n2 == 10 && n3 == 10)) || fail "unknown unicast to $VMAC not flooded to both (h2 $n2, h3 $n3 of 10)"

# --- static entry on h2's port
out=$(ctl -j fdb add "$VMAC" port "${HOST_PORT[h2]}") || fail "fdb add $VMAC failed"
jq -e --arg p "${HOST_PORT[h2]}" '.static == true and .port == $p and .vlan == 0' <<<"$out" >/dev/null ||
	fail "fdb add returned $out"
static_is_there() {
	ctl -j fdb show | jq -e --arg m "$VMAC" --arg p "${HOST_PORT[h2]}" \
		'any(.[]; .mac == $m and .port == $p and .static == true)' >/dev/null
}
static_is_there || fail "static entry not in fdb show: $(ctl -j fdb show)"
n=$(stats_field .fdb.static_entries)
[[ $n -eq 1 ]] || fail "fdb static_entries is $n, expected 1"

send_to_vmac
log "static $VMAC -> h2: h2 saw $n2, h3 saw $n3"
((n2 == 10)) || fail "h2 saw $n2 of 10 frames to its static MAC"
((n3 == 0)) || fail "frames to static MAC $VMAC were flooded to h3 ($n3)"

# it outlives ageing, learned ones do not
mac3=$(host_mac h3)
wait_until 15 fdb_lacks "$mac3" || fail "h3's learned entry did not age out"
sleep 1
static_is_there || fail "static entry aged out: $(ctl -j fdb show)"
log "static entry still there after the learned ones aged"
# a learned-entries flush leaves it too
ctl fdb flush >/dev/null
static_is_there || fail "'fdb flush' (learned only) removed the static entry"

# normal traffic unaffected
ping_ok h1 h2
ping_ok h3 h1

# --- fdb del removes it; frames are flooded again
ctl fdb del "$VMAC" || fail "fdb del $VMAC failed"
fdb_lacks "$VMAC" || fail "fdb del left $VMAC: $(ctl -j fdb show)"
send_to_vmac
log "after fdb del: h2 saw $n2, h3 saw $n3"
((n2 == 10 && n3 == 10)) || fail "after fdb del, frames to $VMAC not flooded (h2 $n2, h3 $n3)"

# deleting it again: an error
if ctl fdb del "$VMAC" 2>/dev/null; then fail "fdb del of a missing entry succeeded"; fi

# --- errors: a port that does not exist, a bad MAC
expect_one_line_error() {
	local err rc=0
	err=$(ctl "$@" 2>&1 >/dev/null) || rc=$?
	((rc != 0)) || fail "'tapswctl $*' succeeded"
	[[ $(wc -l <<<"$err") -eq 1 && -n $err ]] || fail "'tapswctl $*': stderr is not one line: '$err'"
	[[ $err == tapswctl:* ]] || fail "'tapswctl $*': error does not start with 'tapswctl:': $err"
	log "tapswctl $* -> rc $rc: $err"
}
expect_one_line_error fdb add 02:00:00:00:00:bb port "${T}nope"
expect_one_line_error fdb add not-a-mac port "${HOST_PORT[h2]}"
fdb_lacks 02:00:00:00:00:bb || fail "a failed fdb add left an entry"

tapswd_alive || fail "tapswd died"
pass
