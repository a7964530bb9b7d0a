#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 84-mirror: port mirrors with real traffic, tcpdump on the mirror output
# port's host (hm):
#  - src: hm sees h1's echo requests to h2 (received on h1's port) and not
#    h2's replies; dst: the replies (sent out of h1's port), not the
#    requests; both: both, each frame once;
#  - vlan: with neither src nor dst, only the frames of VLAN 10 (a1 and
#    a2, on access 10 ports), none of VLAN 0 (h1 and h2);
#  - the output port takes no normal traffic: no flood reaches it (h3's
#    ARP broadcasts), hm cannot ping anyone, its frames are counted
#    "mirror_port", it forgets what it had learned; port show says it is a
#    mirror output; mirror list counts frames and bytes;
#  - the mirror outlives its ports: the src port deleted and added again
#    is mirrored again; the output port deleted makes it inactive;
#  - --state keeps the mirrors across a restart;
#  - mirror del: hm is an ordinary host again; errors: a taken name, no
#    such port, the output port as a source, a bad VLAN, no output.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics tcpdump

HOST_IPV6=0			# quiet links: only our traffic
STATE="$TMPD/state.json"
start_switch --state "$STATE"
add_host h1 1
add_host h2 2
add_host h3 3
add_host hm 9
p1=${HOST_PORT[h1]} p2=${HOST_PORT[h2]} p3=${HOST_PORT[h3]} pm=${HOST_PORT[hm]}
for h in h2 h3 hm; do ping_ok h1 "$h"; done
ping_ok h2 h3

# VLAN 10: a1 and a2 on access ports (this kernel may have no 802.1Q
# devices; inside the switch their frames are VLAN 10 all the same)
PORT_OPTS="access 10" add_host a1 5
PORT_OPTS="access 10" add_host a2 6
ping_ok a1 a2

# on_hm_from HOST FILTER CMD...: run CMD in HOST while tcpdump listens on
# hm; prints what hm saw, one line per frame.  on_hm: from h1.
on_hm_from() {
	local host=$1 filter=$2 pid file
	shift 2
	capture_start hm "$filter"
	pid=$CAP_PID file=$CAP_FILE
	in_ns "${HOST_NS[$host]}" "$@" >/dev/null 2>&1 || true
	capture_stop "$pid" "$file"
}
on_hm() { on_hm_from h1 "$@"; }
count() { grep -c "$1" <<<"$2" || true; }
ping12=(ping -n -q -c 5 -i 0.2 -W 1 "$(ip4 h2)")
mirror_field() { ctl -j mirror list | jq -er --arg n "$1" ".[] | select(.name == \$n) | .$2"; }

# --- before any mirror, hm is an ordinary host: it gets the floods
out=$(on_hm "arp" ping -n -q -c 2 -i 0.5 -W 1 10.0.0.99)
(($(count "who-has 10.0.0.99" "$out") >= 1)) || fail "hm got no ARP broadcast before the mirror: $out"

# --- src: frames received on h1's port
ctl mirror add m1 src "$p1" to "$pm" >/dev/null || fail "mirror add m1 failed"
jq -e --arg m "m1" '.mirror_output == [$m]' <<<"$(port_json "$pm")" >/dev/null ||
	fail "port show of the output port does not say mirror_output: $(port_json "$pm")"
[[ $(ctl port show "$pm") == *mirror_output* ]] || fail "port show (text) lacks mirror_output"
out=$(on_hm "icmp" "${ping12[@]}")
req=$(count "echo request" "$out") rep=$(count "echo reply" "$out")
((req == 5 && rep == 0)) || fail "mirror src $p1: hm saw $req requests and $rep replies, not 5 and 0: $out"
[[ $(mirror_field m1 frames) -ge 5 && $(mirror_field m1 bytes) -ge 490 ]] ||
	fail "mirror m1 counters: $(ctl -j mirror list)"
log "src: hm saw the 5 requests h1 sent, none of the replies; $(mirror_field m1 frames) frames counted"

# --- the output port takes no normal traffic
# h1's broadcasts are mirrored (src h1); h3's must not be flooded to hm
out=$(on_hm_from h3 "arp" ping -n -q -c 2 -i 0.5 -W 1 10.0.0.98)
n=$(count "who-has 10.0.0.98" "$out")
((n == 0)) || fail "the mirror output port got $n of h3's ARP broadcasts"
before=$(port_field "$pm" drop_reasons.mirror_port)
ping_fails hm "$(ip4 h2)" || fail "hm reached h2 through the mirror output port"
after=$(port_field "$pm" drop_reasons.mirror_port)
((after > before)) || fail "hm's frames were not counted as mirror_port ($before -> $after)"
fdb_lacks "$(host_mac hm)" || fail "the output port's MAC is still in the FDB: $(ctl -j fdb show)"
ping_ok h2 h3
log "output port: no flood, its frames dropped ($after mirror_port), nothing learned"

# --- dst: frames sent out of h1's port
ctl mirror del m1 >/dev/null || fail "mirror del m1 failed"
ctl mirror add m2 dst "$p1" to "$pm" >/dev/null || fail "mirror add m2 failed"
out=$(on_hm "icmp" "${ping12[@]}")
req=$(count "echo request" "$out") rep=$(count "echo reply" "$out")
((req == 0 && rep == 5)) || fail "mirror dst $p1: hm saw $req requests and $rep replies, not 0 and 5: $out"
log "dst: hm saw the 5 replies sent to h1, none of the requests"

# --- src and dst: each frame once
ctl mirror del m2 >/dev/null
ctl mirror add m3 src "$p1" dst "$p1,$p2" to "$pm" >/dev/null || fail "mirror add m3 failed"
out=$(on_hm "icmp" "${ping12[@]}")
req=$(count "echo request" "$out") rep=$(count "echo reply" "$out")
((req == 5 && rep == 5)) || fail "mirror src+dst: hm saw $req requests and $rep replies, not 5 and 5: $out"
log "src+dst: each of the 10 frames once"

# --- vlan 10, every port
ctl mirror del m3 >/dev/null
ctl mirror add m4 vlan 10 to "$pm" >/dev/null || fail "mirror add m4 failed"
out=$(on_hm_from a1 "icmp" ping -n -q -c 5 -i 0.2 -W 1 "$(ip4 a2)")
n10=$(count "$(ip4 a1).*ICMP echo\|$(ip4 a2).*ICMP echo" "$out")
((n10 == 10)) || fail "mirror vlan 10: hm saw $n10 of a1's and a2's 10 frames"
out=$(on_hm "icmp" "${ping12[@]}")
n=$(count "ICMP echo" "$out")
((n == 0)) || fail "mirror vlan 10 copied $n frames of VLAN 0: $out"
[[ $(ctl -j mirror list | jq -c '.[0].vlan') == "[10]" ]] || fail "mirror list vlan: $(ctl -j mirror list)"
log "vlan 10: the 10 frames of a1 and a2, none of h1 and h2"

# --- mirror del: hm is an ordinary host again
ctl mirror del m4 >/dev/null
ping_ok hm h2
ping_ok h1 hm
log "mirror del: hm forwards again"

# --- the mirror outlives its ports (kept by name)
ctl mirror add m5 src "$p3" to "$pm" >/dev/null || fail "mirror add m5 failed"
ctl port del "$p3" destroy >/dev/null
[[ $(ctl -j mirror list | jq -c '.[0].src') == "[\"$p3\"]" ]] || fail "the src name went with its port"
unset 'HOST_NS[h3]'
ip netns del "$T-h3"
add_host h3 3
ping_ok h3 h2
out=$(on_hm_from h3 "icmp" ping -n -q -c 3 -i 0.2 -W 1 "$(ip4 h2)")
n=$(count "echo request" "$out")
((n == 3)) || fail "the src port added again is not mirrored: $n of 3 requests"
log "src port deleted and added again: mirrored again"

# --- --state keeps the mirror; after a restart it is there, active
jq -e --arg p "$p3" --arg o "$pm" '.mirrors == [{"name":"m5","src":[$p],"dst":[],"vlan":[],"output":$o}]' \
	"$STATE" >/dev/null || fail "the state file lacks the mirror: $(jq -c .mirrors "$STATE")"
stop_switch
spawn "$TAPSWD_LOG.2" ip netns exec "$SW_NS" "${tapswd_wrapper[@]}" "$TAPSWD" -v -s "$SOCK" --state "$STATE"
TAPSWD_PID=$SPAWNED TAPSWD_LOG="$TAPSWD_LOG.2"
wait_until 20 ctl show || fail "tapswd did not come back (log: $(tail -5 "$TAPSWD_LOG"))"
wait_until 10 bash -c "[[ \$(\"$TAPSWCTL\" -s \"$SOCK\" -j mirror list | jq -r '.[0].active') == true ]]" ||
	fail "mirror not restored: $(ctl -j mirror list)"
[[ $(port_field "$pm" 'mirror_output[0]') == m5 ]] || fail "restored output port: $(port_json "$pm")"
log "restart with --state: mirror m5 back, active"

# --- the output port goes: the mirror is inactive, the port comes back
ctl port del "$pm" >/dev/null
[[ $(mirror_field m5 active) == false ]] || fail "the mirror is active without its output: $(ctl -j mirror list)"
[[ $(ctl -j show | jq -r .mirrors) == 0 ]] || fail "switch.show counts an inactive mirror"
log "output port deleted: mirror inactive"

# --- errors
ctl mirror add m5 src "$p1" to "$p2" >/dev/null 2>&1 && fail "a taken mirror name was accepted"
out=$(ctl mirror add m6 src nosuch to "$p2" 2>&1) && fail "a mirror of no port was accepted"
grep -q "no such port" <<<"$out" || fail "no such port: $out"
out=$(ctl mirror add m6 src "$p1,$p2" to "$p2" 2>&1) && fail "the output as a source was accepted"
grep -q "output port" <<<"$out" || fail "output as src: $out"
out=$(ctl mirror add m6 vlan 5000 to "$p2" 2>&1) && fail "vlan 5000 was accepted"
out=$(ctl mirror add m6 src "$p1" 2>&1) && fail "a mirror without 'to' was accepted"
out=$(ctl mirror del nosuch 2>&1) && fail "mirror del of no mirror succeeded"
grep -q "no such mirror" <<<"$out" || fail "no such mirror: $out"

# --- mirror del: the switch forwards as before
ctl mirror del m5 >/dev/null
[[ $(ctl -j mirror list) == "[]" ]] || fail "mirrors left: $(ctl -j mirror list)"
ping_ok h1 h2
ping_ok h3 h1
tapswd_alive || fail "tapswd died"
pass
