#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 58-vxlan: one L2 segment over three VTEPs on a veth underlay (lib-vxlan.sh):
#   A (10.1.0.1): tapswd, host h1 on a TAP port, vxlan port vx
#   B (10.1.0.2): tapswd, host h2 on a TAP port, vxlan port vx
#   K (10.1.0.3): the kernel: vxlan vx0 (dstport 4789) + bridge, host h3
# Each floods to the other two (head-end replication).  Every pair pings
# (IPv4, IPv6); 2 MiB of TCP each way between tapsw hosts and with the
# kernel's, md5 checked; the FDBs say which remote each MAC is behind (both
# sides); one broadcast reaches every other host exactly once (split
# horizon: B does not pass A's flood on to K); the inner MTU is 1450 on a
# 1500 underlay, and a bigger frame is dropped and counted; malformed
# datagrams are dropped by reason and none reaches a host.
# UL_OFFLOADS=off (59-vxlan-nooffload.sh) runs it with the underlay's
# gso/tso/gro off.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
. "$(dirname "${TESTLIB:-$0}")/lib-vxlan.sh"
need_vxlan socat python3 ethtool ss nstat

three_vteps

[[ $(on_sw "$SW_NS" port_field vx kind) == vxlan ]] || fail "vx is not a vxlan port"
[[ $(on_sw "$SW_NS" port_field vx mtu) == 1450 ]] || fail "vx mtu is not 1450"
[[ $(on_sw "$SW_NS" port_field vx vxlan.dstport) == 4789 ]] || fail "dstport is not 4789"

ping_all_pairs h1 h2 h3
log "every pair pings over IPv4 and IPv6"

# learning: A knows h2 behind 10.1.0.2 and h3 behind 10.1.0.3; B likewise;
# the kernel learned h1 behind 10.1.0.1 and h2 behind 10.1.0.2
m1=$(host_mac h1) m2=$(host_mac h2) m3=$(host_mac h3)
fdb_dst() {	# NS MAC: the dst of MAC's entry on port vx
	on_sw "$1" ctl -j fdb show port vx |
		jq -r --arg m "$2" '.[] | select(.mac == $m) | .dst'
}
[[ $(fdb_dst "$SW_NS" "$m2") == 10.1.0.2 ]] || fail "A: $m2 not behind 10.1.0.2: $(on_sw "$SW_NS" ctl fdb show)"
[[ $(fdb_dst "$SW_NS" "$m3") == 10.1.0.3 ]] || fail "A: $m3 not behind 10.1.0.3: $(on_sw "$SW_NS" ctl fdb show)"
[[ $(fdb_dst "$SWB" "$m1") == 10.1.0.1 ]] || fail "B: $m1 not behind 10.1.0.1"
[[ $(fdb_dst "$SWB" "$m3") == 10.1.0.3 ]] || fail "B: $m3 not behind 10.1.0.3"
kfdb=$(ip netns exec "$T-k" bridge fdb show dev vx0)
grep -q "^$m1 dst 10.1.0.1 " <<<"$kfdb" || fail "kernel did not learn $m1 behind 10.1.0.1: $kfdb"
grep -q "^$m2 dst 10.1.0.2 " <<<"$kfdb" || fail "kernel did not learn $m2 behind 10.1.0.2: $kfdb"
on_sw "$SW_NS" ctl fdb show | sed 's/^/#   A: /'
log "learning seen on both sides"

# events: a MAC that moves from one remote to another is said (fdb.remote
# with dst and old_dst): h2's MAC in a datagram from K, then from B again
spawn "$TMPD/mon.json" "$TAPSWCTL" -s "${SW_SOCK[$SW_NS]}" -j monitor fdb.remote
mon=$SPAWNED
sleep 0.5
in_ns "$T-k" python3 - "$m2" "$VNI" <<'PY'
import socket, sys
mac, vni = bytes.fromhex(sys.argv[1].replace(":", "")), int(sys.argv[2])
eth = b"\xff" * 6 + mac + b"\x88\xb5" + bytes(46)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.1.0.3", 0))
s.sendto(bytes([8, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\0" + eth, ("10.1.0.1", 4789))
PY
ping_ok h2 h1
sleep 0.5
stop_int "$mon"
jq -se --arg m "$m2" 'map(select(.mac == $m)) |
	any(.[]; .type == "fdb.remote" and .dst == "10.1.0.3" and .old_dst == "10.1.0.2") and
	any(.[]; .dst == "10.1.0.2" and .old_dst == "10.1.0.3")' "$TMPD/mon.json" >/dev/null ||
	fail "no fdb.remote move events for $m2: $(cat "$TMPD/mon.json")"
log "fdb.remote: $m2 moved to 10.1.0.3 and back, both said"

# the outer headers, as the kernel VTEP's underlay sees them: DF, UDP to
# 4789 from a source port in 49152-65535, a UDP checksum (as the
# kernel's vxlan sends by default: udpcsum), the VXLAN header flags I and
# our VNI
HOST_NS[kul]="$T-k" HOST_IF[kul]=ul0
capture_start kul "udp dst port 4789 and src host 10.1.0.1"
ping_ok h1 h3
sleep 0.3
stop_int "$CAP_PID"
# the pcap's datagrams, checked byte by byte
outer=$(python3 - "$CAP_FILE" "$VNI" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
vni = int(sys.argv[2])
off, n, sports, bad = 24, 0, set(), []
while off + 16 <= len(data):
    incl = struct.unpack_from("<I", data, off + 8)[0]
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    ip = pkt[14:]
    if pkt[12:14] != b"\x08\x00" or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    sport, dport, ulen, csum = struct.unpack_from("!HHHH", ip, ihl)
    vx = ip[ihl + 8:ihl + 16]
    n += 1
    sports.add(sport)
    if not struct.unpack_from("!H", ip, 6)[0] & 0x4000:
        bad.append("no DF")
    if not 49152 <= sport <= 65535:
        bad.append("source port %d" % sport)
    # the kernel's default, udpcsum: a checksum, never zero (over veth
    # with tx offload it is left partial, so only its presence is seen)
    if csum == 0:
        bad.append("UDP checksum %#x" % csum)
    if vx != bytes([8, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\0":
        bad.append("VXLAN header " + vx.hex())
print("%d datagrams, source ports %s%s" % (n, sorted(sports),
      "; BAD: " + ", ".join(sorted(set(bad))) if bad or not n else ""))
PY
)
[[ $outer != *BAD* && $outer != 0\ * ]] || fail "outer headers from A: $outer"
log "outer headers: DF, a UDP checksum, flags I only, vni $VNI: $outer"

# per-remote counters
rj=$(on_sw "$SW_NS" ctl -j port show vx | jq -c '.vxlan.remotes')
jq -e 'length == 2 and all(.[]; .rx_packets > 0 and .tx_packets > 0 and .flood)' <<<"$rj" >/dev/null ||
	fail "A's remotes have no traffic counted: $rj"

# TCP, data checked, both ways, with offloads (TSO frames from the TAPs
# are segmented to 1450 for the vxlan port)
tcp_md5 h1 h2 2097152
tcp_md5 h2 h1 2097152
# in order between the two tapswds: trains wait for the end of the loop's
# turn and small frames go in batches, never ahead of what came before
# them in the flow.  (Only these: with the underlay's offloads off, h3's
# flows through the kernel VTEP arrive reordered by the kernel's own path,
# 1-27 segments in 5 runs, whichever tapswd A runs.)
for h in h1 h2; do
	ofo=$(in_ns "${HOST_NS[$h]}" nstat -az TcpExtTCPOFOQueue | awk '$1 == "TcpExtTCPOFOQueue" {print $2}')
	[[ ${ofo:-0} == 0 ]] || fail "$h received $ofo TCP segments out of order from the other tapswd"
done
tcp_md5 h1 h3 2097152
tcp_md5 h3 h1 2097152
tcp_md5 h2 h3 1048576
log "TCP h1 <-> h2, h1 <-> h3, h2 -> h3: data intact, tapsw to tapsw in order"
# the fast path was taken: TSO frames from h1 left A as UDP_SEGMENT
# trains, and B built TSO frames for h2 from the segments
oa=$(on_sw "$SW_NS" ctl -j port show vx | jq -c .vxlan.offload)
ob=$(on_sw "$SWB" ctl -j port show vx | jq -c .vxlan.offload)
jq -e '.tx_trains > 0 and .tx_train_dgrams > .tx_trains' <<<"$oa" >/dev/null ||
	fail "A sent no UDP_SEGMENT train: $oa"
jq -e '.rx_coalesced > 0 and .rx_coalesced_segs > .rx_coalesced' <<<"$ob" >/dev/null ||
	fail "B coalesced no TCP segments: $ob"
log "offloads: A $oa; B $ob"

# one broadcast from h1 reaches h2 and h3 exactly once
caps=()
for h in h2 h3; do
	capture_start "$h" "udp port 9999"
	caps+=("$CAP_PID:$CAP_FILE")
done
fl0=$(on_sw "$SW_NS" ctl -j port show vx | jq '[.vxlan.remotes[].tx_flooded] | add')
in_ns "${HOST_NS[h1]}" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.sendto(b"flood-once", ("10.0.0.255", 9999))'
fl1=$(on_sw "$SW_NS" ctl -j port show vx | jq '[.vxlan.remotes[].tx_flooded] | add')
for c in "${caps[@]}"; do
	n=$(capture_stop "${c%%:*}" "${c#*:}" | grep -c "UDP, length 10" || true)
	[[ $n == 1 ]] || fail "a broadcast from h1 reached a host $n times (capture ${c#*:})"
done
(( fl1 - fl0 >= 2 )) || fail "A flooded $((fl1 - fl0)) copies, expected one per remote"
log "one broadcast: each host got it once (A sent $((fl1 - fl0)) copies incl. ARP/ND chatter)"

# MTU: 1450 inner on a 1500 underlay; a 1451-byte packet is dropped, counted
in_ns "${HOST_NS[h1]}" ping -n -q -c 1 -W 2 -M do -s 1422 10.0.0.2 >/dev/null ||
	fail "a 1450-byte packet does not cross"
host_mtu h1 1500
ov0=$(on_sw "$SW_NS" port_field vx drop_reasons.oversize)
! in_ns "${HOST_NS[h1]}" ping -n -q -c 2 -W 1 -M do -s 1423 10.0.0.2 >/dev/null ||
	fail "a 1451-byte packet crossed an MTU of 1450"
ov1=$(on_sw "$SW_NS" port_field vx drop_reasons.oversize)
((ov1 - ov0 == 2)) || fail "oversize drops on vx: $ov0 -> $ov1, expected +2"
host_mtu h1 1450
log "MTU 1450: 1450 bytes cross, 1451 are dropped and counted (oversize)"

# bad input to A's port 4789: from the kernel VTEP (a remote) and from a
# stranger on the underlay (10.1.0.9); none reaches h1
ns_add "$T-x"
ul_attach "$T-x" 9
cat >"$TMPD/bad.py" <<'PY'
import socket, struct, sys
src, dst, vni = sys.argv[1], sys.argv[2], int(sys.argv[3])
eth = bytes.fromhex("ffffffffffff" "020000000009" "0800") + bytes(46)
def hdr(flags=0x08, r1=b"\0\0\0", v=vni, r2=0):
    return bytes([flags]) + r1 + v.to_bytes(3, "big") + bytes([r2])
cases = {
    "vxlan_short": [hdr()[:7]],
    "vxlan_truncated": [hdr() + eth[:13]],
    "vxlan_bad_flags": [hdr(flags=0x00) + eth, hdr(flags=0x00, v=0) + eth],
    "vxlan_reserved": [hdr(flags=0x0c) + eth, hdr(r1=b"\0\1\0") + eth,
                       hdr(r2=1) + eth, hdr(flags=0x88) + eth],
    "vxlan_bad_vni": [hdr(v=vni + 1) + eth],
}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for name in sys.argv[4:]:
    for _ in range(10):
        for d in cases[name]:
            s.sendto(d, (dst, 4789))
PY
bad_reasons="vxlan_short vxlan_truncated vxlan_bad_flags vxlan_reserved vxlan_bad_vni"
declare -A want=([vxlan_short]=10 [vxlan_truncated]=10 [vxlan_bad_flags]=20 [vxlan_reserved]=40 [vxlan_bad_vni]=10)
declare -A before=()
for r in $bad_reasons vxlan_bad_source; do
	before[$r]=$(on_sw "$SW_NS" port_field vx "drop_reasons.$r")
done
in_ns "$T-k" python3 "$TMPD/bad.py" 10.1.0.3 10.1.0.1 "$VNI" $bad_reasons
# a good datagram, but from a stranger: 10 of them
in_ns "$T-x" python3 - <<'PY'
import socket
eth = bytes.fromhex("ffffffffffff" "020000000009" "0800") + bytes(46)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.1.0.9", 0))
for _ in range(10):
    s.sendto(bytes([8, 0, 0, 0, 0, 0, 42, 0]) + eth, ("10.1.0.1", 4789))
PY
want[vxlan_bad_source]=10
sleep 0.5
for r in $bad_reasons vxlan_bad_source; do
	got=$(( $(on_sw "$SW_NS" port_field vx "drop_reasons.$r") - ${before[$r]} ))
	[[ $got == "${want[$r]}" ]] || fail "drop reason $r: +$got, expected +${want[$r]}"
done
if on_sw "$SW_NS" ctl -j fdb show | grep -q 02:00:00:00:00:09; then
	fail "a bad datagram's source MAC was learned"
fi
tapswd_alive || fail "tapswd died"
ping_ok h1 h2
log "bad datagrams dropped by reason: $(on_sw "$SW_NS" port_json vx | jq -c '.drop_reasons | with_entries(select(.key | startswith("vxlan")))')"

pass
