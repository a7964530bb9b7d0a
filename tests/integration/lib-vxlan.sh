# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/integration/lib-vxlan.sh -- VXLAN topologies on top of lib.sh.
#
# Namespaces play hosts of a data centre: an underlay namespace "$T-ul"
# holds a Linux bridge (the top-of-rack switch); each VTEP namespace has a
# veth "ul0" into it, addressed 10.1.0.N/24 and fd01::N/64.  A VTEP is
#  - a tapswd (the lib's own in "$T-sw", more with start_switch_in), whose
#    hosts are TAP ports moved into namespaces of their own (10.0.0.N), or
#  - the kernel: vxlan device + bridge, with a host namespace on a veth.
# on_sw NS CMD... runs lib.sh's helpers (ctl, add_host, port_field, ...)
# against the tapswd of VTEP namespace NS.

UL_NS="$T-ul"
UL_MTU=${UL_MTU:-1500}
VNI=${VNI:-42}
declare -A SW_SOCK=()		# VTEP namespace -> its tapswd's socket
declare -A SW_LOG=()
declare -A SW_PID=()

need_vxlan() {
	need_basics "$@"
	ip link add "$T-probe" type vxlan id 1 dstport 4789 local 10.255.0.1 \
		2>/dev/null || skip "the kernel has no vxlan (ip link add type vxlan failed)"
	ip link del "$T-probe"
}

# ul_setup: the underlay bridge
ul_setup() {
	ns_add "$UL_NS"
	ip -n "$UL_NS" link add br0 type bridge
	ip -n "$UL_NS" link set br0 mtu "$UL_MTU" up
}

# ul_attach NS N: NS gets ul0 (10.1.0.N/24, fd01::N/64) on the underlay
ul_attach() {
	local ns=$1 n=$2 peer="${T}u$2"
	ip link add "$peer" mtu "$UL_MTU" type veth peer name ul0 mtu "$UL_MTU" netns "$ns"
	ip link set "$peer" netns "$UL_NS"
	ip -n "$UL_NS" link set "$peer" master br0 up
	ip -n "$ns" addr add "10.1.0.$n/24" dev ul0
	ip -n "$ns" addr add "fd01::$n/64" dev ul0 nodad
	ip -n "$ns" link set ul0 up
	if [[ ${UL_OFFLOADS:-on} == off ]]; then
		ip netns exec "$ns" ethtool -K ul0 gso off tso off gro off tx-udp-segmentation off >/dev/null 2>&1 ||
			fail "ethtool -K ul0 gso off tso off gro off failed in $ns"
		ip netns exec "$UL_NS" ethtool -K "$peer" gso off tso off gro off tx-udp-segmentation off >/dev/null 2>&1 ||
			fail "ethtool -K $peer ... off failed"
	fi
}

# start_switch_in NS [ARGS...]: a tapswd in VTEP namespace NS (created
# here unless it is lib.sh's $SW_NS, which start_switch makes)
start_switch_in() {
	local ns=$1 secs=20 deadline
	shift
	if [[ $ns == "$SW_NS" ]]; then
		start_switch "$@"
		SW_SOCK[$ns]=$SOCK SW_LOG[$ns]=$TAPSWD_LOG SW_PID[$ns]=$TAPSWD_PID
		return 0
	fi
	ns_add "$ns"
	SW_SOCK[$ns]="$TMPD/ctl-$ns/tapswd.sock"
	SW_LOG[$ns]="$TMPD/tapswd-$ns.log"
	spawn "${SW_LOG[$ns]}" ip netns exec "$ns" "${tapswd_wrapper[@]}" \
		"$TAPSWD" -v -s "${SW_SOCK[$ns]}" "$@"
	SW_PID[$ns]=$SPAWNED
	deadline=$(($(date +%s) + secs))
	until "$TAPSWCTL" -s "${SW_SOCK[$ns]}" show >/dev/null 2>&1; do
		kill -0 "${SW_PID[$ns]}" 2>/dev/null || fail "tapswd in $ns exited at start"
		(($(date +%s) < deadline)) || fail "tapswd in $ns did not answer"
		sleep 0.1
	done
	log "tapswd pid ${SW_PID[$ns]} in $ns"
}

# on_sw NS CMD...: CMD with lib.sh's switch variables pointing at NS's
on_sw() {
	local SW_NS=$1 SOCK=${SW_SOCK[$1]} TAPSWD_LOG=${SW_LOG[$1]} TAPSWD_PID=${SW_PID[$1]}
	shift
	"$@"
}

# kernel_vtep NS N HOST IDX [REMOTE_N...]: VTEP N the kernel's way: vx0
# (dstport 4789, KV_OPTS such as "nolearning", flood list REMOTE_N...) and a veth to host
# namespace $T-HOST (10.0.0.IDX) in bridge br0.  KV_FAMILY=6: over IPv6.
kernel_vtep() {
	local ns=$1 n=$2 host=$3 idx=$4 r lip dst
	shift 4
	ns_add "$ns"
	ul_attach "$ns" "$n"
	if [[ ${KV_FAMILY:-4} == 6 ]]; then lip="fd01::$n"; else lip="10.1.0.$n"; fi
	# Over veth the kernel leaves an encapsulated frame's inner checksum
	# partial (CHECKSUM_PARTIAL crosses namespaces, no NIC finishes it),
	# which a userspace VTEP reading a UDP socket cannot know: the kernel
	# VTEP must finish it, as with a real NIC (Open vSwitch's userspace
	# datapath needs the same on veth: "ethtool -K veth tx off")
	# (KV_TXOFF=0: a kernel VTEP that talks only to kernel VTEPs)
	if [[ ${KV_TXOFF:-1} == 1 ]]; then
		ip netns exec "$ns" ethtool -K ul0 tx off >/dev/null 2>&1 ||
			fail "ethtool -K ul0 tx off failed in $ns"
	fi
	ip -n "$ns" link add vx0 type vxlan id "$VNI" dstport 4789 local "$lip" \
		${KV_OPTS:-}
	ip -n "$ns" link add br0 type bridge
	ip -n "$ns" link set vx0 master br0
	ip -n "$ns" link set vx0 mtu $((UL_MTU - (${KV_FAMILY:-4} == 6 ? 70 : 50)))
	for r in "$@"; do
		if [[ ${KV_FAMILY:-4} == 6 ]]; then dst="fd01::$r"; else dst="10.1.0.$r"; fi
		ip netns exec "$ns" bridge fdb append 00:00:00:00:00:00 dev vx0 dst "$dst"
	done
	ns_add "$T-$host"
	ip -n "$ns" link add hv type veth peer name eth0 netns "$T-$host"
	ip -n "$ns" link set hv mtu $((UL_MTU - (${KV_FAMILY:-4} == 6 ? 70 : 50))) master br0 up
	ip -n "$ns" link set vx0 up
	ip -n "$ns" link set br0 up
	ip -n "$T-$host" link set eth0 mtu $((UL_MTU - (${KV_FAMILY:-4} == 6 ? 70 : 50))) up
	ip -n "$T-$host" addr add "10.0.0.$idx/24" dev eth0
	ip -n "$T-$host" addr add "fd00::$idx/64" dev eth0 nodad
	HOST_NS[$host]="$T-$host" HOST_IF[$host]=eth0 HOST_IDX[$host]=$idx
}

# vxlan_port NS N PORT [REMOTE_N...]: a vxlan port on NS's tapswd, local
# 10.1.0.N (fd01::N with VX_FAMILY=6), remotes 10.1.0.REMOTE_N
vxlan_port() {
	local ns=$1 n=$2 port=$3 r fam=${VX_FAMILY:-4} words=() lip
	shift 3
	for r in "$@"; do
		if [[ $fam == 6 ]]; then words+=(remote "fd01::$r"); else words+=(remote "10.1.0.$r"); fi
	done
	if [[ $fam == 6 ]]; then lip="fd01::$n"; else lip="10.1.0.$n"; fi
	# shellcheck disable=SC2086
	on_sw "$ns" ctl port add "$port" vxlan vni "$VNI" local "$lip" \
		"${words[@]}" mtu $((UL_MTU - (fam == 6 ? 70 : 50))) ${VX_OPTS:-} >/dev/null ||
		fail "port add $port vxlan on $ns failed"
}

# host_mtu HOST MTU
host_mtu() { ip -n "${HOST_NS[$1]}" link set "${HOST_IF[$1]}" mtu "$2"; }

# tcp_md5 SRC DST BYTES: BYTES of random data SRC -> DST over TCP (socat),
# the receiver's md5 must be the sender's
tcp_md5() {
	local src=$1 dst=$2 bytes=$3 f="$TMPD/data-$1-$2" port=$((5000 + RANDOM % 1000)) i
	head -c "$bytes" /dev/urandom >"$f"
	spawn "$f.recv.log" ip netns exec "${HOST_NS[$dst]}" \
		socat -u "TCP-LISTEN:$port,bind=$(ip4 "$dst"),reuseaddr" "OPEN:$f.recv,creat,trunc"
	local rpid=$SPAWNED
	for ((i = 0; i < 50; i++)); do
		in_ns "${HOST_NS[$dst]}" ss -ltn 2>/dev/null | grep -q ":$port " && break
		sleep 0.1
	done
	timeout 60 ip netns exec "${HOST_NS[$src]}" \
		socat -u "OPEN:$f" "TCP:$(ip4 "$dst"):$port,connect-timeout=10" ||
		fail "TCP $src -> $dst: socat failed"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.1
	done
	[[ $(md5sum <"$f") == "$(md5sum <"$f.recv")" ]] ||
		fail "TCP $src -> $dst: $bytes bytes arrived different ($(stat -c %s "$f.recv") bytes)"
}

# kill9_restart_in NS [ARGS...]: kill -9 NS's tapswd, start it again there
kill9_restart_in() {
	local ns=$1 deadline
	shift
	kill -KILL "${SW_PID[$ns]}"
	wait "${SW_PID[$ns]}" 2>/dev/null || true
	spawn "${SW_LOG[$ns]}.2" ip netns exec "$ns" "${tapswd_wrapper[@]}" \
		"$TAPSWD" -v -s "${SW_SOCK[$ns]}" "$@"
	SW_PID[$ns]=$SPAWNED SW_LOG[$ns]="${SW_LOG[$ns]}.2"
	deadline=$(($(date +%s) + 20))
	until "$TAPSWCTL" -s "${SW_SOCK[$ns]}" show >/dev/null 2>&1; do
		kill -0 "${SW_PID[$ns]}" 2>/dev/null || fail "tapswd in $ns exited at restart: $(tail -5 "${SW_LOG[$ns]}")"
		(($(date +%s) < deadline)) || fail "tapswd in $ns did not answer after restart"
		sleep 0.1
	done
}

# three_vteps: A (tapswd in $SW_NS, host h1), B (tapswd in $SWB, host h2)
# and K (the kernel, host h3), each flooding to the other two; the hosts'
# MTU is the underlay's less the VXLAN overhead
three_vteps() {
	local mtu=$((UL_MTU - (${VX_FAMILY:-4} == 6 ? 70 : 50)))
	SWB="$T-swb"
	ul_setup
	start_switch_in "$SW_NS"
	start_switch_in "$SWB"
	ul_attach "$SW_NS" 1
	ul_attach "$SWB" 2
	kernel_vtep "$T-k" 3 h3 3 1 2
	vxlan_port "$SW_NS" 1 vx 2 3
	vxlan_port "$SWB" 2 vx 1 3
	on_sw "$SW_NS" add_host h1 1
	on_sw "$SWB" add_host h2 2
	host_mtu h1 "$mtu"
	host_mtu h2 "$mtu"
}

# ping_all_pairs HOST...: each pings each, IPv4 and IPv6
ping_all_pairs() {
	local a b
	for a in "$@"; do for b in "$@"; do
		[[ $a == "$b" ]] && continue
		ping_ok "$a" "$b" 4
		ping_ok "$a" "$b" 6
	done; done
}
