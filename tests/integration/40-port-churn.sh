#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 40-port-churn: `port del` and `port add` of a port while h1 pings h2.
#  - `port del` detaches: the pings stop, the persistent TAP stays (in h2's
#    namespace), its MACs leave the FDB, the other port keeps its counters;
#  - the TAP, moved back to tapswd's namespace, is re-attached with `port add`
#    (created: false) and the pings resume; echoes are lost only in the gap;
#  - `port del NAME destroy` removes a TAP tapswd created, even after it was
#    moved into another namespace;
#  - a TAP made beforehand with `ip tuntap add` is attached (created: false)
#    and left in place by `port del`, with destroy too.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics awk

HOST_IPV6=0
start_switch
add_host h1 1
add_host h2 2
add_host h3 3
p1=${HOST_PORT[h1]} p2=${HOST_PORT[h2]} p3=${HOST_PORT[h3]}
ping_ok h1 h2
[[ $(port_field "$p2" created) == true ]] || fail "port $p2 made by tapswd does not say created: true"

spawn "$TMPD/ping.out" ip netns exec "${HOST_NS[h1]}" ping -n -D -i 0.2 -W 1 10.0.0.2
PING_PID=$SPAWNED
sleep 2
rx1_before=$(port_field "$p1" rx_packets)
rx2_before=$(port_field "$p2" rx_packets)
((rx2_before > 0)) || fail "port $p2 counted nothing before the churn"

# --- detach h2's port
t_del=$(now)
ctl port del "$p2" || fail "port del $p2 failed"
t_gap=$(now)
if ctl -j port list | jq -e --arg p "$p2" 'any(.[]; .name == $p)' >/dev/null; then
	fail "port $p2 still listed after port del"
fi
ip -n "${HOST_NS[h2]}" link show "$p2" >/dev/null 2>&1 ||
	fail "port del removed the persistent TAP $p2 (it must stay)"
fdb_lacks "$(host_mac h2)" || fail "h2's MAC still in the FDB after its port was deleted: $(ctl -j fdb show)"
if ctl port show "$p2" >/dev/null 2>&1; then fail "port show $p2 succeeds after port del"; fi
sleep 2				# the background ping runs into the gap
ping_fails h1 10.0.0.2 || fail "h1 still reaches h2 with h2's port deleted"

# --- re-attach: move the persistent TAP back to tapswd's namespace and add it
ip -n "${HOST_NS[h2]}" link set "$p2" netns "$SW_NS"
t_add=$(now)
out=$(ctl -j port add "$p2") || fail "port add $p2 (re-attach) failed"
jq -e '.created == false' <<<"$out" >/dev/null ||
	fail "re-attached TAP $p2 reported as created by tapswd: $out"
ip -n "$SW_NS" link set "$p2" netns "${HOST_NS[h2]}"
host_addr_up h2
ping_ok h1 h2
t_back=$(now)
sleep 2
stop_int "$PING_PID"

# replies: some before the del, none inside the gap, some after the re-add
read -r before gap after < <(awk -v d="$t_gap" -v a="$t_add" -v b="$t_back" '
	/bytes from/ { t = substr($1, 2, length($1) - 2) + 0
		if (t < d) n1++; else if (t > d + 0.5 && t < a) n2++; else if (t > b) n3++ }
	END { print n1 + 0, n2 + 0, n3 + 0 }' "$TMPD/ping.out")
log "echo replies: $before before the del, $gap in the gap, $after after the re-add"
((before >= 5)) || fail "only $before replies before the del"
((gap == 0)) || fail "$gap replies while the port was deleted"
((after >= 5)) || fail "only $after replies after the re-add: traffic did not resume"
# the echoes sent before the del were all answered (no loss outside the gap)
lost=$(awk -v d="$t_del" '
	/bytes from/ && match($0, /icmp_seq=[0-9]+/) {
		t = substr($1, 2, length($1) - 2) + 0
		s = substr($0, RSTART + 9, RLENGTH - 9) + 0
		if (t < d) { seen[s] = 1; if (s > max) max = s }
	}
	END { n = 0; for (i = 1; i <= max; i++) if (!(i in seen)) n++; print n }' "$TMPD/ping.out")
((lost == 0)) || fail "$lost echoes lost before the port was deleted"

# counters: the untouched port continues, the re-added port is a new port
rx1_after=$(port_field "$p1" rx_packets)
rx2_after=$(port_field "$p2" rx_packets)
((rx1_after > rx1_before)) || fail "port $p1 rx_packets went $rx1_before -> $rx1_after across the churn"
((rx2_after > 0)) || fail "re-added port $p2 counts nothing"
log "counters: $p1 rx $rx1_before -> $rx1_after (continues); $p2 rx $rx2_before before del, $rx2_after after re-add"

# --- destroy: a TAP tapswd created, now in h3's namespace, is removed
ping_ok h1 h3
ctl port del "$p3" destroy || fail "port del $p3 destroy failed"
wait_until 10 bash -c "! ip -n '${HOST_NS[h3]}' link show '$p3'" ||
	fail "port del $p3 destroy left the TAP in ${HOST_NS[h3]}"
log "port del destroy removed $p3 from ${HOST_NS[h3]}"

# --- a TAP made beforehand is attached and never deleted by port del
pre="${T}pre"
ip -n "$SW_NS" tuntap add dev "$pre" mode tap
out=$(ctl -j port add "$pre") || fail "port add of the existing TAP $pre failed"
jq -e '.created == false' <<<"$out" >/dev/null || fail "pre-made TAP reported as created: $out"
ctl port del "$pre" || fail "port del $pre failed"
ip -n "$SW_NS" link show "$pre" >/dev/null 2>&1 || fail "port del deleted $pre, a TAP tapswd did not create"
# attach again: it works a second time
ctl port add "$pre" >/dev/null || fail "second port add of $pre failed"
ctl port del "$pre" || fail "second port del of $pre failed"
ip -n "$SW_NS" link show "$pre" >/dev/null 2>&1 || fail "$pre gone after the second port del"
# destroy neither: it deletes only what tapswd created (as for vm ports)
ctl port add "$pre" >/dev/null || fail "third port add of $pre failed"
ctl port del "$pre" destroy || fail "port del $pre destroy failed"
sleep 0.2
ip -n "$SW_NS" link show "$pre" >/dev/null 2>&1 ||
	fail "port del destroy deleted $pre, a TAP tapswd did not create"
ip -n "$SW_NS" link del "$pre"

# --- errors: deleting or adding twice
if ctl port del "${T}nope" 2>/dev/null; then fail "port del of a missing port succeeded"; fi
if ctl port add "$p1" 2>/dev/null; then fail "port add of an existing port succeeded"; fi

ping_ok h2 h1
tapswd_alive || fail "tapswd died"
pass
