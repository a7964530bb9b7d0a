#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 61-vxlan-ipv6: VXLAN over an IPv6 underlay with jumbo frames (MTU 9000,
# so 8930 inside), tapswd A (fd01::1) <-> tapswd B (fd01::2) <-> the
# kernel's vxlan + bridge K (fd01::3): every pair pings, an 8930-byte
# packet crosses and an 8931-byte one is dropped and counted, TCP both
# ways with the data checked; the outer UDP checksum is there (mandatory
# on IPv6); a VNI of 2^24-1; `port set mtu` bounds.

UL_MTU=9000
VNI=16777215
VX_FAMILY=6 KV_FAMILY=6
. "${TESTLIB:-$(dirname "$0")/lib.sh}"
. "$(dirname "${TESTLIB:-$0}")/lib-vxlan.sh"
need_vxlan socat python3 ethtool ss

three_vteps

[[ $(on_sw "$SW_NS" port_field vx mtu) == 8930 ]] || fail "vx mtu not 8930"
[[ $(on_sw "$SW_NS" port_field vx vxlan.local) == fd01::1 ]] ||
	fail "local not fd01::1: $(on_sw "$SW_NS" port_json vx)"
ping_all_pairs h1 h2 h3
log "every pair pings over an IPv6 underlay"

m2=$(host_mac h2) m3=$(host_mac h3)
on_sw "$SW_NS" ctl -j fdb show port vx | jq -e --arg m "$m2" \
	'any(.[]; .mac == $m and .dst == "fd01::2")' >/dev/null || fail "A: $m2 not behind fd01::2"
on_sw "$SW_NS" ctl -j fdb show port vx | jq -e --arg m "$m3" \
	'any(.[]; .mac == $m and .dst == "fd01::3")' >/dev/null || fail "A: $m3 not behind fd01::3"

# jumbo: 8930 bytes cross to both peers (no fragment: DF on IPv6 too)
for dst in 10.0.0.2 10.0.0.3; do
	in_ns "${HOST_NS[h1]}" ping -n -q -c 2 -W 2 -M do -s 8902 "$dst" >/dev/null ||
		fail "an 8930-byte packet does not reach $dst"
done
host_mtu h1 9000
on_sw "$SW_NS" ctl port set "${HOST_PORT[h1]}" mtu 9000 >/dev/null
ov0=$(on_sw "$SW_NS" port_field vx drop_reasons.oversize)
! in_ns "${HOST_NS[h1]}" ping -n -q -c 2 -W 1 -M do -s 8903 10.0.0.2 >/dev/null ||
	fail "an 8931-byte packet crossed an MTU of 8930"
ov1=$(on_sw "$SW_NS" port_field vx drop_reasons.oversize)
((ov1 - ov0 == 2)) || fail "oversize: $ov0 -> $ov1, expected +2"
host_mtu h1 8930
log "jumbo: 8930 bytes cross, 8931 are dropped and counted"

# the port's MTU may not pass what an IPv6 datagram can carry
! on_sw "$SW_NS" ctl port set vx mtu 65500 2>/dev/null || fail "mtu 65500 accepted over IPv6"

# the outer UDP checksum is never zero over IPv6
HOST_NS[kul]="$T-k" HOST_IF[kul]=ul0
capture_start kul "udp dst port 4789"
ping_ok h1 h3
sleep 0.3
stop_int "$CAP_PID"
zero=$(python3 - "$CAP_FILE" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, n, zero = 24, 0, 0
while off + 16 <= len(d):
    incl = struct.unpack_from("<I", d, off + 8)[0]
    p = d[off + 16:off + 16 + incl]
    off += 16 + incl
    if p[12:14] == b"\x86\xdd" and p[14 + 6] == 17:
        n += 1
        zero += struct.unpack_from("!H", p, 14 + 40 + 6)[0] == 0
print(n, zero)
PY
)
[[ ${zero% *} -gt 0 && ${zero#* } == 0 ]] || fail "IPv6 datagrams, zero checksums: $zero"

tcp_md5 h1 h2 4194304
tcp_md5 h2 h1 4194304
tcp_md5 h1 h3 4194304
tcp_md5 h3 h1 4194304
log "TCP with 8930-byte segments: data intact both ways, tapsw and kernel"
pass
