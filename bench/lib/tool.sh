# lib/tool.sh -- shared set-up of the small tools in tools/: two hosts
# through one adapter at a time, on run.sh's namespaces and lock (so a
# tool cannot run while run.sh does).  Source after lib/common.sh and the
# adapters; then:
#   bn_tool_init ADAPTER...   root, lock, known adapters, cleanup trap:
#                             sets ADS (default: linux-bridge tapsw)
#   bn_tool_up ADAPTER        namespaces, the switch, 2 hosts up and
#                             reachable (h1 10.77.0.1 -> h2 .2); 1 on failure
#   bn_tool_down ADAPTER      stop the switch, remove its namespaces

bn_tool_init() {
    local ad
    ADS=("$@")
    [[ $# -gt 0 ]] || ADS=(linux-bridge tapsw)
    [[ $(id -u) -eq 0 ]] || die "must run as root"
    for ad in "${ADS[@]}"; do
        [[ -n ${BN_AD_TAG[$ad]:-} ]] || die "unknown adapter '$ad' (known: ${BN_AD_ORDER[*]})"
    done
    exec 9>/run/bn-bench.lock
    flock -n 9 || die "run.sh (or another tool) is running"
    trap bn_tool_cleanup EXIT
    trap 'exit 143' TERM INT
    bn_cleanup_all
}

bn_tool_cleanup() {
    local ad
    for ad in "${ADS[@]}"; do bn_ctx "$ad"; "${AD_FN}_stop" >/dev/null 2>&1; done
    bn_cleanup_all
    rm -f /run/bn-bench.lock
}

bn_tool_up() {
    local i
    bn_ctx "$1"; NPORTS=2; mkdir -p "$RUN_DIR"
    bn_ns_add "$SW_NS"; bn_ns_add "$(bn_host 1)"; bn_ns_add "$(bn_host 2)"
    "${AD_FN}_start" >/dev/null 2>&1 || { echo "$1: start failed"; return 1; }
    for i in 1 2; do
        ip -n "$(bn_host $i)" addr add "$BN_NET4.$i/24" dev e0
        ip -n "$(bn_host $i)" link set e0 up
    done
    ip netns exec "$(bn_host 1)" ping -c 2 -i 0.2 -W 1 "$BN_NET4.2" >/dev/null
    return 0
}

bn_tool_down() {
    bn_ctx "$1"
    "${AD_FN}_stop" >/dev/null 2>&1
    bn_ns_del "$SW_NS"; bn_ns_del "$(bn_host 1)"; bn_ns_del "$(bn_host 2)"
}
