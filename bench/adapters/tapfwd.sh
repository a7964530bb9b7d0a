# adapters/tapfwd.sh -- tools/tapfwd.c: not a switch, the floor of TAP
# read()/write() forwarding (vnet header + TSO, as tapswd opens its TAPs; a
# 16-entry MAC table and nothing else). It shows how much of the gap to the
# kernel bridge is the I/O model itself and how much is tapswd's own work.
#
#   tapfwd          one thread, poll(), each ready TAP drained up to 64 frames
#   tapfwd-threads  one thread per TAP, blocked in read()
#
# Not in the default adapter list: ask for it, e.g.
#   scripts/bench --adapters linux-bridge,tapsw,tapfwd,tapfwd-threads
bn_register tapfwd tapfwd
bn_register tapfwd-threads tapfwt

TAPFWD="$BENCH_DIR/.build/tapfwd"

_tapfwd_build() {
    [[ -x $TAPFWD && ! $BENCH_DIR/tools/tapfwd.c -nt $TAPFWD ]] && return 0
    mkdir -p "$BENCH_DIR/.build" &&
        gcc -std=c11 -O2 -Wall -pthread -o "$TAPFWD" "$BENCH_DIR/tools/tapfwd.c"
}

_tapfwd_start() {  # _tapfwd_start [--threads]
    local i
    local -a taps=()
    for i in $(seq 1 "$NPORTS"); do taps+=(-t "bnt$i"); done
    bn_spawn "$RUN_DIR/tapfwd.log" /dev/null \
        ip netns exec "$SW_NS" "$TAPFWD" "$@" "${taps[@]}"
    echo "$BN_SPAWNED" >"$RUN_DIR/switch.pid"
    for i in $(seq 1 "$NPORTS"); do
        bn_wait_link "$SW_NS" "bnt$i" 5 || { echo "tap bnt$i did not appear (see $RUN_DIR/tapfwd.log)" >&2; return 1; }
        bn_place_port "$SW_NS" "bnt$i" "$(bn_host "$i")" || return 1
    done
}

tapfwd_check() { command -v gcc >/dev/null || { echo "gcc not installed"; return 1; }; _tapfwd_build || { echo "building tools/tapfwd.c failed"; return 1; }; }
tapfwd_info()  { echo "tapfwd (bench/tools/tapfwd.c): one thread, poll(), vnet_hdr + TSO, -t TAP ports"; }
tapfwd_start() { _tapfwd_start; }
tapfwd_pids()  { cat "$RUN_DIR/switch.pid" 2>/dev/null; }
tapfwd_stop()  { bn_stop_pid "$(tapfwd_pids)"; return 0; }

tapfwd_threads_check() { tapfwd_check; }
tapfwd_threads_info()  { echo "tapfwd --threads (bench/tools/tapfwd.c): a thread per TAP in blocking read(), vnet_hdr + TSO"; }
tapfwd_threads_start() { _tapfwd_start --threads; }
tapfwd_threads_pids()  { cat "$RUN_DIR/switch.pid" 2>/dev/null; }
tapfwd_threads_stop()  { bn_stop_pid "$(tapfwd_threads_pids)"; return 0; }
