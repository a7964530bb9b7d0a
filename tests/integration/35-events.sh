#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 35-events: events.subscribe and tapswctl monitor.  Two monitors run from
# the start (`tapswctl -j monitor` into a file, `tapswctl monitor fdb` as
# text); the test adds ports, pings (learn), gives h3 h1's MAC (move), lets
# entries age (--ageing 4), adds, deletes and flushes static entries,
# deletes a TAP underneath (port down) and a port (port del), and checks
# that each expected event arrived with the right fields.  Then a
# subscriber that stops reading while h1 floods new source MACs
# (tests/tools/macflood): tapswd's RSS stays bounded, h2 still pings h3,
# and once the subscriber reads again it gets events.lost with a count.
# A peer connecting to and leaving a stream port gives port.up, port.down,
# and so does a TAP set down and up, in tapswd's namespace or moved into
# a host's.
# Last, a monitor exits 1 with one line when tapswd stops, and 0 on SIGINT.
# Knobs: EVENTS_FLOOD_COUNT (300000 MACs), EVENTS_FLOOD_RATE (100000 pps).

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics socat
MACFLOOD=${MACFLOOD:-$_lib_dir/../tools/macflood}
[[ -x $MACFLOOD ]] || skip "tests/tools/macflood is not built (make check builds it)"
COUNT=${EVENTS_FLOOD_COUNT:-300000}
RATE=${EVENTS_FLOOD_RATE:-100000}

EV="$TMPD/events.json"		# tapswctl -j monitor
TXT="$TMPD/events.txt"		# tapswctl monitor fdb

# ev_has JQ-FILTER [ARGS...]: some event in $EV matches (a line still being
# written is skipped)
ev_has() {
	local f=$1
	shift
	jq -R -n -e "$@" "[inputs | fromjson? // empty] | any(.[]; $f)" "$EV" >/dev/null
}
# ev_count JQ-FILTER [ARGS...]: how many events in $EV match
ev_count() {
	local f=$1
	shift
	jq -R -n "$@" "[inputs | fromjson? // empty | select($f)] | length" "$EV"
}
# expect WHAT JQ-FILTER [ARGS...]: the event arrives within 10 s
expect() {
	local what=$1
	shift
	wait_until 10 ev_has "$@" ||
		fail "no $what event ($1) in: $(tail -n 20 "$EV")"
	log "event: $what"
}
subscribers() { ctl -j show | jq -er '.events.subscribers'; }
subscribed() { [[ $(subscribers) == "$1" ]]; }
events_stat() { ctl -j show | jq -er ".events.$1"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
running() {
	kill -0 "$1" 2>/dev/null && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

HOST_IPV6=0			# quiet links: entries age when pings stop
# An ASan build keeps freed memory in quarantine (up to 256 MiB): every
# batch of event lines is a malloc and a free, so its RSS would measure
# the quarantine, not the queues.  1 MiB keeps use-after-free checks on.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
start_switch --ageing 4 --fdb-max 4096
[[ $(subscribers) == 0 ]] || fail "switch.show: events.subscribers is not 0: $(ctl -j show)"

"$TAPSWCTL" -s "$SOCK" -j monitor >"$EV" 2>"$EV.err" </dev/null &
MON_PID=$!
REG_PIDS+=("$MON_PID")
"$TAPSWCTL" -s "$SOCK" monitor fdb >"$TXT" 2>"$TXT.err" </dev/null &
TXT_PID=$!
REG_PIDS+=("$TXT_PID")
wait_until 10 subscribed 2 ||
	fail "the monitors did not subscribe: $(ctl -j show | jq -c .events) $(cat "$EV.err" "$TXT.err")"

# --- port.add, fdb.learn
add_host h1 1
add_host h2 2
add_host h3 3
p1=${HOST_PORT[h1]} p2=${HOST_PORT[h2]} p3=${HOST_PORT[h3]}
for p in "$p1" "$p2" "$p3"; do
	expect "port.add $p" '.type == "port.add" and .port == $p and .kind == "tap" and (.index | type) == "number"' --arg p "$p"
done
mac1=$(host_mac h1) mac2=$(host_mac h2) mac3=$(host_mac h3)

# --- port.up, port.down: a peer (socat in QEMU's place) on a stream port
ps="${T}s"
ctl port add "$ps" stream "$TMPD/vm.sock" >/dev/null
expect "port.add $ps" '.type == "port.add" and .port == $p and .kind == "stream"' --arg p "$ps"
sleep 2 | timeout 20 socat - "UNIX-CONNECT:$TMPD/vm.sock" >/dev/null 2>&1 &
REG_PIDS+=($!)
expect "port.up (peer connected)" '.type == "port.up" and .port == $p and (.peer | startswith("pid "))' --arg p "$ps"
expect "port.down (peer gone)" '.type == "port.down" and .port == $p and (.reason | startswith("peer gone"))' --arg p "$ps"

# --- port.down, port.up: a TAP left in tapswd's namespace set down and up
# (and, below, one moved into a host's namespace)
pl="${T}l"
ctl port add "$pl" >/dev/null
ip -n "$SW_NS" link set "$pl" down
expect "port.down (link down)" '.type == "port.down" and .port == $p and .reason == "link down"' --arg p "$pl"
ip -n "$SW_NS" link set "$pl" up
expect "port.up (link up)" '.type == "port.up" and .port == $p and .reason == "link up"' --arg p "$pl"
ctl port del "$pl" destroy >/dev/null
# creating, raising and moving the hosts' TAPs said nothing of the kind
n=$(ev_count '(.type == "port.up" or .type == "port.down") and (.port | test("h[123]$"))')
((n == 0)) || fail "$n port.up/port.down events for the hosts' ports, which never went down"
[[ $(ev_count '.type == "port.down" and .port == $p' --arg p "$pl") -eq 1 ]] ||
	fail "one 'ip link set down' gave $(ev_count '.type == "port.down" and .port == $p' --arg p "$pl") port.down events"
# --- the same for a TAP moved into a host's namespace: watched there
ip -n "${HOST_NS[h3]}" link set "${HOST_IF[h3]}" down
expect "port.down (link down, in h3's namespace)" '.type == "port.down" and .port == $p and .reason == "link down"' --arg p "$p3"
[[ $(port_field "$p3" link) == down ]] || fail "port $p3: link not down: $(port_json "$p3")"
[[ $(port_field "$p3" state) == up ]] || fail "port $p3: state is not up (only its link is down): $(port_json "$p3")"
port_json "$p3" | jq -e '.link_netnsid | type == "number"' >/dev/null ||
	fail "port $p3: no link_netnsid after the move into h3's namespace: $(port_json "$p3")"
ip -n "${HOST_NS[h3]}" link set "${HOST_IF[h3]}" up
expect "port.up (link up, in h3's namespace)" '.type == "port.up" and .port == $p and .reason == "link up"' --arg p "$p3"
[[ $(port_field "$p3" link) == up ]] || fail "port $p3: link not up again: $(port_json "$p3")"
ping_ok h1 h2
ping_ok h2 h3
expect "fdb.learn h1" '.type == "fdb.learn" and .mac == $m and .port == $p and .vlan == 0' --arg m "$mac1" --arg p "$p1"
expect "fdb.learn h2" '.type == "fdb.learn" and .mac == $m and .port == $p and .vlan == 0' --arg m "$mac2" --arg p "$p2"
ev_has '(.time | type) == "number" and .time > 1.5e9' ||
	fail "events carry no wall-clock time: $(head -n 2 "$EV")"
[[ $(jq -R -n '[inputs | fromjson? // empty] | length' "$EV") -eq $(grep -c . "$EV") ]] ||
	fail "a monitor line is not one JSON object: $(cat "$EV")"

# --- fdb.move: h3 takes h1's MAC for a moment, then h1 takes it back
ip -n "${HOST_NS[h3]}" link set "${HOST_IF[h3]}" address "$mac1"
in_ns "${HOST_NS[h3]}" ping -n -q -c 1 -W 1 "$(ip4 h2)" >/dev/null 2>&1 || true
expect "fdb.move to h3" '.type == "fdb.move" and .mac == $m and .port == $p and .old_port == $o' \
	--arg m "$mac1" --arg p "$p3" --arg o "$p1"
ip -n "${HOST_NS[h3]}" link set "${HOST_IF[h3]}" address "$mac3"
in_ns "${HOST_NS[h3]}" ip neigh flush all
in_ns "${HOST_NS[h2]}" ip neigh flush all
ping_ok h1 h2
expect "fdb.move back to h1" '.type == "fdb.move" and .mac == $m and .port == $p and .old_port == $o' \
	--arg m "$mac1" --arg p "$p1" --arg o "$p3"
ping_ok h2 h3

# --- fdb.add, fdb.del, fdb.flush (one event for several entries)
ctl fdb add 02:00:00:00:ab:01 port "$p2" vlan 5 >/dev/null
expect "fdb.add" '.type == "fdb.add" and .mac == "02:00:00:00:ab:01" and .vlan == 5 and .port == $p and .static == true' --arg p "$p2"
ctl fdb del 02:00:00:00:ab:01 vlan 5 >/dev/null
expect "fdb.del" '.type == "fdb.del" and .mac == "02:00:00:00:ab:01" and .vlan == 5 and .port == $p' --arg p "$p2"
for i in 1 2 3; do ctl fdb add "02:00:00:00:ac:0$i" port "$p2" >/dev/null; done
n=$(ctl fdb flush port "$p2" static | awk '{ print $2 }')
((n >= 3)) || fail "fdb flush port $p2 static removed $n entries"
expect "fdb.flush" '.type == "fdb.flush" and .port == $p and .count == ($n | tonumber) and .static == true' \
	--arg p "$p2" --arg n "$n"
[[ $(ev_count '.type == "fdb.flush" and .port == $p' --arg p "$p2") -eq 1 ]] ||
	fail "one flush of $p2 gave $(ev_count '.type == "fdb.flush" and .port == $p' --arg p "$p2") fdb.flush events"
! ev_has '.type == "fdb.del" and (.mac | startswith("02:00:00:00:ac"))' ||
	fail "a flush reported its entries one by one (fdb.del)"
ping_ok h1 h2
ctl fdb flush >/dev/null
expect "fdb.flush of every port" '.type == "fdb.flush" and (has("port") | not) and .static == false and .count >= 1'

# --- fdb.age: quiet hosts, --ageing 4, the sweep runs every second
ping_ok h2 h3
wait_until 15 ev_has '.type == "fdb.age" and .mac == $m and .port == $p' --arg m "$mac3" --arg p "$p3" ||
	fail "no fdb.age for h3 within 15 s of --ageing 4: $(tail -n 10 "$EV")"
log "event: fdb.age h3"

# the text monitor, subscribed to fdb only
wait_until 5 grep -qx "fdb learn $mac1 vlan 0 port $p1" "$TXT" ||
	fail "tapswctl monitor fdb: no line 'fdb learn $mac1 vlan 0 port $p1' in: $(head -n 5 "$TXT")"
grep -q "^fdb move $mac1 vlan 0 port $p3 old_port $p1\$" "$TXT" ||
	fail "tapswctl monitor fdb: no move line in: $(grep move "$TXT")"
! grep -q '^port ' "$TXT" || fail "tapswctl monitor fdb printed port events: $(grep '^port ' "$TXT" | head -n 3)"
log "text monitor: $(grep -c . "$TXT") lines, e.g. '$(grep -m1 '^fdb move' "$TXT")'"

# --- a subscriber that stops reading during a MAC flood
# tapswctl writes into a FIFO nobody reads: once the pipe is full it stops
# reading its socket, and tapswd's queue for it fills.
FIFO="$TMPD/stuck.fifo"
mkfifo "$FIFO"
exec {stuck_fd}<>"$FIFO"	# a reader that does not read (yet)
"$TAPSWCTL" -s "$SOCK" -j monitor fdb >"$FIFO" 2>"$TMPD/stuck.err" </dev/null &
STUCK_PID=$!
REG_PIDS+=("$STUCK_PID")
wait_until 10 subscribed 3 || fail "the stuck monitor did not subscribe"
lost0=$(events_stat lost)
rss0=$(rss_kb "$TAPSWD_PID")
spawn "$TMPD/ping-flood.out" ip netns exec "${HOST_NS[h2]}" ping -n -i 0.1 -W 1 "$(ip4 h3)"
ping_pid=$SPAWNED
spawn "$TMPD/macflood.out" ip netns exec "${HOST_NS[h1]}" \
	timeout -s INT 30 "$MACFLOOD" -i "${HOST_IF[h1]}" -n "$COUNT" -r "$RATE" -s $$
flood_pid=$SPAWNED
rss_max=$rss0
while running "$flood_pid"; do
	tapswd_alive || fail "tapswd died during the flood"
	r=$(rss_kb "$TAPSWD_PID")
	((r <= rss_max)) || rss_max=$r
	sleep 0.5
done
wait "$flood_pid" || true
stop_int "$ping_pid"
flood_line=$(grep '^macflood:' "$TMPD/macflood.out" || true)
[[ -n $flood_line ]] || fail "macflood printed no summary: $(cat "$TMPD/macflood.out")"
log "$flood_line"
read -r tx rx < <(awk '/packets transmitted/ { print $1, $4 }' "$TMPD/ping-flood.out")
lost=$(($(events_stat lost) - lost0))
rss1=$(rss_kb "$TAPSWD_PID")
((rss1 <= rss_max)) || rss_max=$rss1
log "during the flood: tapswd RSS $rss0 -> $rss1 KiB (max $rss_max), events lost $lost, ping h2 -> h3 $rx/$tx, fdb $(ctl -j show | jq -c '.fdb | {learned, evicted}')"
running "$STUCK_PID" || fail "the stuck monitor died: $(cat "$TMPD/stuck.err")"
((lost > 0)) || fail "no event was dropped for the stuck subscriber (flood too small?)"
# the queue is bounded (256 KiB per subscriber): the RSS may grow by the
# FDB table's pages (fdb-max 4096: ~100 KiB), the I/O buffers the flood
# touches and allocator slack -- as 70-macflood allows, 16 MiB.  Queueing
# what was lost instead would be ~100 bytes a lost event: far more.
# Under a wrapper such as valgrind the RSS is the wrapper's (its free list
# holds 20 MB of freed blocks), whose leak check speaks for the heap.
if ((${#tapswd_wrapper[@]} == 0)); then
	((rss_max - rss0 < 16 * 1024)) || fail "tapswd's RSS grew from $rss0 to $rss_max KiB with a stuck subscriber ($lost events lost)"
else
	log "RSS not checked: tapswd runs under a wrapper"
fi
((tx >= 10 && (tx - rx) * 100 / tx <= 10)) || fail "ping h2 -> h3 during the flood: $rx of $tx answered"
ping_ok h2 h3

# it reads again: the queued events, then one events.lost with the count
cat <&"$stuck_fd" >"$TMPD/stuck.json" &
CAT_PID=$!
REG_PIDS+=("$CAT_PID")
stuck_lost() {
	jq -R -n -e '[inputs | fromjson? // empty | select(.type == "events.lost")] | length > 0 and all(.[]; .count > 0)' \
		"$TMPD/stuck.json" >/dev/null
}
wait_until 20 stuck_lost || fail "the stuck subscriber got no events.lost: $(tail -c 300 "$TMPD/stuck.json")"
got=$(jq -R -n '[inputs | fromjson? // empty | select(.type == "events.lost") | .count] | add' "$TMPD/stuck.json")
log "the stuck subscriber reads again: events.lost, count $got in all (tapswd counted $lost)"
((got <= lost)) || fail "events.lost counts $got, more than tapswd's $lost"
stop_pid "$STUCK_PID"

# --- port.down (TAP deleted underneath), port.del
ip -n "${HOST_NS[h2]}" link del "${HOST_IF[h2]}"
expect "port.down" '.type == "port.down" and .port == $p and (.reason | length) > 0' --arg p "$p2"
ctl port del "$p3" >/dev/null
expect "port.del" '.type == "port.del" and .port == $p' --arg p "$p3"

# --- SIGINT: exit 0; tapswd gone: exit 1, one line on stderr
kill -INT "$TXT_PID"
rc=0
wait "$TXT_PID" || rc=$?
((rc == 0)) || fail "tapswctl monitor exited $rc on SIGINT: $(cat "$TXT.err")"
tapswd_alive || fail "tapswd died"
stop_switch
rc=0
wait "$MON_PID" || rc=$?
((rc == 1)) || fail "tapswctl -j monitor exited $rc when tapswd stopped"
[[ $(wc -l <"$EV.err") -eq 1 ]] && grep -q '^tapswctl: .*closed the connection' "$EV.err" ||
	fail "tapswctl monitor, tapswd gone: stderr '$(cat "$EV.err")'"
log "monitor after tapswd stopped: rc 1, '$(cat "$EV.err")'"
pass
