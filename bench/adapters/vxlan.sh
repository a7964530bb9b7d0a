# adapters/vxlan.sh -- two hosts of one L2 segment on two VTEPs joined by a
# veth underlay (VXLAN, VNI 42, UDP 4789), the "switch" being the pair:
#
#   bn-<t>-h1 e0 --- VTEP A (bn-<t>-sw)  ==ul0 10.78.0.1 -- 10.78.0.2==
#                                            VTEP B (bn-<t>-swb) --- e0 bn-<t>-h2..N
#
#   vxlan-kernel (vxk): each VTEP is the kernel's vxlan device + a bridge,
#       a veth to each host: the reference for the VXLAN rows.
#   vxlan-tapsw  (vxt): each VTEP is a tapswd with a vxlan port and a TAP
#       port per host (this tree's tapswd, or $TAPSW_BIN; $TAPSW_ARGS);
#       switch CPU is both tapswds'.
# The hosts' MTU is 1450 (1500 underlay less 50), as on any VXLAN segment.
# The underlay veths keep their offloads (the kernel pair needs no help
# from them: it hands its inner checksums on unfinished, over veth, to a
# peer that does not need them finished).
# Select with: scripts/bench --adapters vxlan-kernel,vxlan-tapsw,vxlan-ovs
bn_register vxlan-kernel vxk
bn_register vxlan-tapsw vxt

VX_UL4=10.78.0
VX_VNI=42

# the underlay between $SW_NS (A, .1) and ${SW_NS}b (B, .2)
_vx_underlay() {
    local b="${SW_NS}b"
    bn_ns_add "$b" || return 1
    ip -n "$SW_NS" link add ul0 type veth peer name ul0 netns "$b" || return 1
    ip -n "$SW_NS" addr add "$VX_UL4.1/24" dev ul0 || return 1
    ip -n "$b" addr add "$VX_UL4.2/24" dev ul0 || return 1
    ip -n "$SW_NS" link set ul0 up || return 1
    ip -n "$b" link set ul0 up || return 1
    if [[ ${VX_UL_OFFLOADS:-on} == off ]]; then
        ip netns exec "$SW_NS" ethtool -K ul0 gso off tso off gro off tx-udp-segmentation off || return 1
        ip netns exec "$b" ethtool -K ul0 gso off tso off gro off tx-udp-segmentation off || return 1
    fi
}

# the VTEP namespace of host i: A for host 1, B for the others
_vx_vtep() { if [[ $1 == 1 ]]; then echo "$SW_NS"; else echo "${SW_NS}b"; fi; }

vxlan_kernel_check() {
    ip link help vxlan >/dev/null 2>&1 || { echo "iproute2 without vxlan"; return 1; }
}
vxlan_kernel_info() {
    echo "Linux vxlan + bridge on both VTEPs (kernel $(uname -r)), VNI $VX_VNI dstport 4789, veth underlay, hosts MTU 1450"
}
vxlan_kernel_start() {
    local ns i me peer
    _vx_underlay || return 1
    for ns in "$SW_NS" "${SW_NS}b"; do
        [[ $ns == "$SW_NS" ]] && { me=1 peer=2; } || { me=2 peer=1; }
        ip netns exec "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
            net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 2>/dev/null
        ip -n "$ns" link add vx0 type vxlan id "$VX_VNI" dstport 4789 \
            local "$VX_UL4.$me" || return 1
        ip netns exec "$ns" bridge fdb append 00:00:00:00:00:00 dev vx0 \
            dst "$VX_UL4.$peer" || return 1
        ip -n "$ns" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 || return 1
        ip -n "$ns" link set vx0 master br0 || return 1
        ip -n "$ns" link set vx0 mtu 1450 up || return 1
        ip -n "$ns" link set br0 up || return 1
    done
    for i in $(seq 1 "$NPORTS"); do
        ns=$(_vx_vtep "$i")
        ip -n "$ns" link add "p$i" mtu 1450 type veth peer name e0 mtu 1450 \
            netns "$(bn_host "$i")" || return 1
        ip -n "$ns" link set "p$i" master br0 up || return 1
    done
}
vxlan_kernel_pids() { :; }
vxlan_kernel_stop() { bn_ns_del "${SW_NS}b"; return 0; }

vxlan_tapsw_check() { tapsw_check && [[ -x $(_vx_ctl) ]] || { echo "tapswctl not found next to tapswd"; return 1; }; }
vxlan_tapsw_info() {
    echo "$(tapsw_info) on both VTEPs, vxlan port VNI $VX_VNI dstport 4789, veth underlay, hosts MTU 1450"
}
_vx_ctl() { echo "$(dirname "$(_tapsw_bin "${TAPSW_BIN:-}")")/tapswctl"; }

vxlan_tapsw_start() {
    local bin args ctl ns i me peer tag
    local -a extra=()
    bin=$(_tapsw_bin "${TAPSW_BIN:-}") || return 1
    ctl=$(_vx_ctl)
    args=${TAPSW_ARGS:-}
    args=${args//\{RUN\}/$RUN_DIR}
    read -r -a extra <<<"$args"
    _vx_underlay || return 1
    : >"$RUN_DIR/switch.pid"
    for ns in "$SW_NS" "${SW_NS}b"; do
        [[ $ns == "$SW_NS" ]] && { me=1 peer=2 tag=a; } || { me=2 peer=1 tag=b; }
        mkfifo "$RUN_DIR/console-$tag" || return 1
        echo "$bin -s $RUN_DIR/$tag.sock ${extra[*]}"
        bn_spawn "$RUN_DIR/tapsw-$tag.log" "$RUN_DIR/console-$tag" \
            ip netns exec "$ns" "$bin" -s "$RUN_DIR/$tag.sock" "${extra[@]}"
        echo "$BN_SPAWNED" >>"$RUN_DIR/switch.pid"
        bn_wait_file "$RUN_DIR/$tag.sock" 5 || { cat "$RUN_DIR/tapsw-$tag.log" >&2; return 1; }
        "$ctl" -s "$RUN_DIR/$tag.sock" port add vx vxlan vni "$VX_VNI" \
            local "$VX_UL4.$me" remote "$VX_UL4.$peer" >/dev/null || return 1
    done
    for i in $(seq 1 "$NPORTS"); do
        ns=$(_vx_vtep "$i")
        [[ $ns == "$SW_NS" ]] && tag=a || tag=b
        "$ctl" -s "$RUN_DIR/$tag.sock" port add "bnt$i" >/dev/null || return 1
        bn_wait_link "$ns" "bnt$i" 5 || return 1
        bn_place_port "$ns" "bnt$i" "$(bn_host "$i")" || return 1
        ip -n "$(bn_host "$i")" link set e0 mtu 1450 || return 1
    done
}
vxlan_tapsw_pids() { cat "$RUN_DIR/switch.pid" 2>/dev/null; }
vxlan_tapsw_stop() {
    local tag
    for tag in a b; do
        [[ -s $RUN_DIR/tapsw-$tag.log ]] &&
            cp "$RUN_DIR/tapsw-$tag.log" "${LOGS:-$RUN_DIR}/$AD_NAME-tapswd-$tag.log" 2>/dev/null
    done
    while read -r pid; do bn_stop_pid "$pid"; done <"$RUN_DIR/switch.pid"
    bn_ns_del "${SW_NS}b"
    return 0
}

#   vxlan-ovs (vxo): each VTEP is Open vSwitch's userspace datapath (its
#       own ovsdb-server and ovs-vswitchd in the VTEP namespace, private run
#       directory): br-phy holds ul0 with the tunnel address, br-int a
#       type=vxlan port and a type=tap port per host, NORMAL; CPU is both
#       ovs-vswitchds'.
# VX_UL_OFFLOADS=off (any adapter): ethtool -K ul0 gso off tso off gro off
# tx-udp-segmentation off on both ends of the underlay.
bn_register vxlan-ovs vxo

_vx_ovs_vsctl() { ovs-vsctl --db="unix:$1/db.sock" --timeout=15 "${@:2}"; }

vxlan_ovs_check() { _ovs_check; }
vxlan_ovs_info() {
    echo "$(_ovs_info "") on both VTEPs, br-phy + br-int, type=vxlan key=$VX_VNI, veth underlay, hosts MTU 1450"
}
vxlan_ovs_start() {
    local ns me peer tag dir i
    _vx_underlay || return 1
    : >"$RUN_DIR/switch.pid"
    : >"$RUN_DIR/ovsdb.pid"
    for ns in "$SW_NS" "${SW_NS}b"; do
        [[ $ns == "$SW_NS" ]] && { me=1 peer=2 tag=a; } || { me=2 peer=1 tag=b; }
        dir="$RUN_DIR/$tag"
        mkdir -p "$dir" || return 1
        (
            export OVS_RUNDIR="$dir" OVS_DBDIR="$dir" OVS_LOGDIR="$dir"
            ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
        ) || return 1
        OVS_RUNDIR="$dir" OVS_DBDIR="$dir" OVS_LOGDIR="$dir" \
            bn_spawn "$dir/ovsdb-server.out" /dev/null \
            ip netns exec "$ns" ovsdb-server "$dir/conf.db" \
                --remote="punix:$dir/db.sock" --unixctl="$dir/ovsdb-server.ctl" \
                --log-file="$dir/ovsdb-server.log" --no-chdir
        echo "$BN_SPAWNED" >>"$RUN_DIR/ovsdb.pid"
        bn_wait_file "$dir/db.sock" 10 || return 1
        _vx_ovs_vsctl "$dir" --no-wait init || return 1
        OVS_RUNDIR="$dir" OVS_DBDIR="$dir" OVS_LOGDIR="$dir" \
            bn_spawn "$dir/ovs-vswitchd.out" /dev/null \
            ip netns exec "$ns" ovs-vswitchd "unix:$dir/db.sock" \
                --unixctl="$dir/ovs-vswitchd.ctl" --log-file="$dir/ovs-vswitchd.log" --no-chdir
        echo "$BN_SPAWNED" >>"$RUN_DIR/switch.pid"
        ip -n "$ns" addr flush dev ul0
        _vx_ovs_vsctl "$dir" add-br br-phy -- set bridge br-phy datapath_type=netdev \
            -- add-port br-phy ul0 || return 1
        ip -n "$ns" addr add "$VX_UL4.$me/24" dev br-phy || return 1
        ip -n "$ns" link set br-phy up || return 1
        _vx_ovs_vsctl "$dir" add-br br-int -- set bridge br-int datapath_type=netdev \
            -- add-port br-int vxo -- set interface vxo type=vxlan \
                options:remote_ip="$VX_UL4.$peer" options:key="$VX_VNI" || return 1
    done
    for ns in "$SW_NS" "${SW_NS}b"; do
        [[ $ns == "$SW_NS" ]] && peer=2 || peer=1
        # native tunnelling learns the peer's MAC from ARP on br-phy
        ip netns exec "$ns" ping -c 1 -W 2 "$VX_UL4.$peer" >/dev/null || return 1
    done
    for i in $(seq 1 "$NPORTS"); do
        ns=$(_vx_vtep "$i")
        [[ $ns == "$SW_NS" ]] && tag=a || tag=b
        _vx_ovs_vsctl "$RUN_DIR/$tag" add-port br-int "bnt$i" -- set interface "bnt$i" type=tap || return 1
        bn_wait_link "$ns" "bnt$i" 5 || return 1
        bn_place_port "$ns" "bnt$i" "$(bn_host "$i")" || return 1
        ip -n "$(bn_host "$i")" link set e0 mtu 1450 || return 1
    done
}
vxlan_ovs_pids() { cat "$RUN_DIR/switch.pid" 2>/dev/null; }
vxlan_ovs_stop() {
    local tag pid
    for tag in a b; do
        [[ -S $RUN_DIR/$tag/ovs-vswitchd.ctl ]] &&
            timeout 10 ovs-appctl -t "$RUN_DIR/$tag/ovs-vswitchd.ctl" exit --cleanup >/dev/null 2>&1
    done
    while read -r pid; do bn_stop_pid "$pid"; done <"$RUN_DIR/switch.pid"
    while read -r pid; do bn_stop_pid "$pid"; done <"$RUN_DIR/ovsdb.pid"
    bn_ns_del "${SW_NS}b"
    return 0
}
