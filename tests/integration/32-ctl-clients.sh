#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 32-ctl-clients: the control socket's limit of 256 clients at once.  A
# monitor (an events subscriber) and 255 other clients (socat) fill it;
# those send a space every second (half a request, no reply), then stop.
# While they send, a new client is refused with "too many control
# clients".  Once they have been silent for 5 s, a new client is served:
# the client silent the longest is closed with an error to make room, the
# monitor is not, and switch.show's `control` counts the refusal and the
# eviction.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics socat ss

MAX=256
start_switch

# connected: server-side connections on the control socket
connected() { ss -xnH | awk -v p="$SOCK" '$5 == p' | wc -l; }
connected_is() { [[ $(connected) -eq $1 ]]; }
# proc_gone PID: exited (or a zombie); no fork, it runs for 255 clients
proc_gone() {
	local st=Z
	read -r _ _ st _ <"/proc/$1/stat" 2>/dev/null
	[[ $st == Z ]]
}
n_gone() {
	local p n=0
	for p in "${idle_pids[@]}"; do proc_gone "$p" && n=$((n + 1)); done
	echo "$n"
}

"$TAPSWCTL" -s "$SOCK" -j monitor >"$TMPD/mon.json" 2>"$TMPD/mon.err" </dev/null &
MON_PID=$!
REG_PIDS+=("$MON_PID")
wait_until 10 connected_is 1 || fail "the monitor did not connect: $(cat "$TMPD/mon.err")"

declare -a idle_pids=()
printf '%s\n' "while [ -e $TMPD/chatty ]; do printf ' '; sleep 1; done" \
	'exec sleep 600' >"$TMPD/idle.sh"
touch "$TMPD/chatty"
for ((i = 1; i < MAX; i++)); do
	spawn "$TMPD/idle$i.log" socat "UNIX-CONNECT:$SOCK" "EXEC:sh $TMPD/idle.sh"
	idle_pids+=("$SPAWNED")
done
wait_until 30 connected_is "$MAX" || fail "$(connected) of $MAX clients connected"
log "$MAX clients connected: a monitor and $((MAX - 1)) others"

# --- full, nobody silent long enough: the newcomer is refused
rc=0
err=$(ctl show 2>&1 >/dev/null) || rc=$?
((rc != 0)) || fail "a client over the limit was served at once"
[[ $err == *"too many control clients"* ]] || fail "over the limit: '$err'"
log "client $((MAX + 1)), at once: '$err'"
wait_until 5 connected_is "$MAX" || fail "$(connected) clients connected after the refusal"

# --- once the others have been silent for 5 s, one makes room
rm "$TMPD/chatty"
sleep 6.5
out=$(ctl -j show) || fail "a new client was not served once idle clients could make room"
control=$(jq -c .control <<<"$out")
jq -e '.control.refused == 1 and .control.evicted == 1 and .control.clients <= 257' <<<"$out" >/dev/null ||
	fail "switch.show control: $control (expected refused 1, evicted 1)"
log "client $((MAX + 1)), later: served; control: $control"
one_gone() { [[ $(n_gone) -ge 1 ]]; }
wait_until 5 one_gone || fail "no client was closed to make room"
sleep 0.5
[[ $(n_gone) -eq 1 ]] || fail "$(n_gone) clients were closed, expected 1"
proc_gone "$MON_PID" && fail "the monitor (an events subscriber) was closed to make room"
wait_until 5 connected_is $((MAX - 1)) || fail "$(connected) clients connected after the eviction, expected $((MAX - 1))"
grep -q "control socket: $MAX clients: closing client [0-9]*, silent for [0-9]* s, to make room" "$TAPSWD_LOG" ||
	fail "the eviction was not logged"
log "one idle client closed to make room; the monitor stays"

kill "${idle_pids[@]}" 2>/dev/null
for p in "${idle_pids[@]}"; do wait "$p" 2>/dev/null || true; done
tapswd_alive || fail "tapswd died"
stop_switch
pass
