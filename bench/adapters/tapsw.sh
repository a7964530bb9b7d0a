# adapters/tapsw.sh -- the tapsw userspace TAP switch (this project's tapswd).
#
#   Binary:   $TAPSW_BIN if set (explicit override, e.g. another worktree's
#             build), else the project's own build, <bench>/../src/tapswd,
#             else `tapswd` found in PATH.
#   Command:  ip netns exec bn-tapsw-sw $BIN -s {RUN}/tapswd.sock [$TAPSW_ARGS]
#                 -p bnt1 -p bnt2 ... -p bntN
#   tapswd runs in the foreground and creates one TAP per -p NAME in the
#   namespace it runs in; the harness then moves each TAP netdev into host
#   namespace bn-tapsw-h<i> as e0 (the fd keeps working after the move).
#   SIGTERM stops it. Extra flags (e.g. --fdb-max) go in TAPSW_ARGS
#   ({RUN} is replaced by the adapter's run directory).
#
# A second adapter, tapsw-b (tag tapswb), runs another tapswd build side by
# side in the same run ($TAPSW_B_BIN, flags $TAPSW_B_ARGS); it is SKIPped
# unless TAPSW_B_BIN is set.  scripts/bench --against PATH sets it.
bn_register tapsw tapsw
bn_register tapsw-b tapswb

# _tapsw_bin <override>: print the absolute path of the binary to run
_tapsw_bin() {
    local b=$1 own
    if [[ -n $b ]]; then
        [[ $b == */* ]] && { [[ -x $b ]] && readlink -f "$b"; return; }
        command -v "$b" 2>/dev/null
        return
    fi
    own="$BENCH_DIR/../src/tapswd"
    if [[ -x $own ]]; then readlink -f "$own"; return; fi
    command -v tapswd 2>/dev/null
}

# one line: path, version, and the commit of the tree it was built in (if git)
_tapsw_describe() {
    local bin=$1 dir ver rev
    ver=$("$bin" -V 2>/dev/null | head -1)
    dir=$(dirname "$bin")
    rev=$(git -C "$dir" describe --always --dirty --abbrev=10 2>/dev/null)
    echo "tapsw $bin (${ver:-version ?}${rev:+, git $rev}) args='$2' -p TAP ports"
}

_tapsw_start() {  # _tapsw_start <bin> <args>
    local i bin=$1 args=$2
    local -a taps=() extra=()
    [[ -n $bin ]] || return 1
    args=${args//\{RUN\}/$RUN_DIR}
    read -r -a extra <<<"$args"
    for i in $(seq 1 "$NPORTS"); do taps+=(-p "bnt$i"); done
    mkfifo "$RUN_DIR/console" || return 1
    echo "$bin -s $RUN_DIR/tapswd.sock ${extra[*]} ${taps[*]}"
    bn_spawn "$RUN_DIR/tapsw.log" "$RUN_DIR/console" \
        ip netns exec "$SW_NS" "$bin" -s "$RUN_DIR/tapswd.sock" "${extra[@]}" "${taps[@]}"
    echo "$BN_SPAWNED" >"$RUN_DIR/switch.pid"
    for i in $(seq 1 "$NPORTS"); do
        bn_wait_link "$SW_NS" "bnt$i" 5 || { echo "tap bnt$i did not appear (see $RUN_DIR/tapsw.log)" >&2; cat "$RUN_DIR/tapsw.log" >&2; return 1; }
        bn_place_port "$SW_NS" "bnt$i" "$(bn_host "$i")" || return 1
    done
}

_tapsw_stop() {
    [[ -s $RUN_DIR/tapsw.log ]] && cp "$RUN_DIR/tapsw.log" "${LOGS:-$RUN_DIR}/$AD_NAME-tapswd.log" 2>/dev/null
    bn_stop_pid "$(cat "$RUN_DIR/switch.pid" 2>/dev/null)"
    return 0
}

tapsw_check() {
    _tapsw_bin "${TAPSW_BIN:-}" >/dev/null || { echo "tapswd not found (make; or set TAPSW_BIN=/path/to/tapswd)"; return 1; }
}
tapsw_info()  { _tapsw_describe "$(_tapsw_bin "${TAPSW_BIN:-}")" "${TAPSW_ARGS:-}"; }
tapsw_start() { _tapsw_start "$(_tapsw_bin "${TAPSW_BIN:-}")" "${TAPSW_ARGS:-}"; }
tapsw_pids()  { cat "$RUN_DIR/switch.pid" 2>/dev/null; }
tapsw_stop()  { _tapsw_stop; }

tapsw_b_check() {
    [[ -n ${TAPSW_B_BIN:-} ]] || { echo "TAPSW_B_BIN not set (second tapswd build to compare)"; return 1; }
    _tapsw_bin "$TAPSW_B_BIN" >/dev/null || { echo "TAPSW_B_BIN=$TAPSW_B_BIN not executable"; return 1; }
}
tapsw_b_info()  { _tapsw_describe "$(_tapsw_bin "$TAPSW_B_BIN")" "${TAPSW_B_ARGS:-}"; }
tapsw_b_start() { _tapsw_start "$(_tapsw_bin "$TAPSW_B_BIN")" "${TAPSW_B_ARGS:-}"; }
tapsw_b_pids()  { cat "$RUN_DIR/switch.pid" 2>/dev/null; }
tapsw_b_stop()  { _tapsw_stop; }
