#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 30-ctl: abuse of the control socket never stops forwarding. While h1 pings
# h2 continuously: 1000 garbage lines get 1000 JSON-RPC error replies;
# lines over 64 KiB get an EMSGSIZE error and the connection is closed; a
# 10 MB line, invalid UTF-8, JSON nested 30000 deep, an unknown method, 300
# clients at once and a client that never reads its replies are all
# survived, while 64 clients that connect and send nothing (half of them
# half a line) stay connected and cost the others nothing. Every reply is
# valid JSON-RPC 2.0; the daemon is alive and the ping lost nothing at the end.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics socat head tr fold

start_switch
add_host h1 1
add_host h2 2
ping_ok h1 h2

spawn "$TMPD/ping.out" ip netns exec "${HOST_NS[h1]}" ping -n -i 0.2 10.0.0.2
PING_PID=$SPAWNED

# raw FILE [SECS]: send FILE's bytes on one connection, keep it open (no
# half-close) until the daemon closes it or SECS (default 5) have passed;
# the replies go to FILE.out. Returns socat's status (the daemon may close
# on us mid-write).
raw() {
	timeout 90 socat -t "${2:-5}" - "UNIX-CONNECT:$SOCK,shut-none" <"$1" >"$1.out" 2>"$1.err"
}

# check_replies FILE N: FILE holds exactly N lines, each a valid JSON-RPC 2.0
# error object (code, one-line message, data.errno).
check_replies() {
	local f=$1 want=$2 lines n
	lines=$(wc -l <"$f")
	n=$(jq -s 'length' <"$f" 2>/dev/null) || fail "replies in $f are not valid JSON: $(head -c 300 "$f")"
	[[ $lines -eq $want && $n -eq $want ]] ||
		fail "$f: $lines lines / $n JSON replies, expected $want: $(head -c 300 "$f")"
	jq -s -e 'all(.[]; .jsonrpc == "2.0" and has("id") and (has("result") | not)
		and (.error.code | type) == "number"
		and (.error.message | type) == "string" and (.error.message | test("\n") | not)
		and (.error.data.errno | type) == "string")' <"$f" >/dev/null ||
		fail "$f: not all replies are JSON-RPC error objects: $(jq -c -s '[.[] | select(.error.data.errno | type != "string")][0]' <"$f")"
}

# --- 64 idle clients: connected, sending nothing (or half a line), through
# the abuse below; each socat exits if the daemon closes its connection
declare -a idle_pids=()
printf '%s\n' 'exec sleep 600' >"$TMPD/idle.sh"
printf '%s\n' 'printf %s "{\"jsonrpc\":\"2.0\",\"id\":1,"' 'exec sleep 600' >"$TMPD/half.sh"
for ((i = 0; i < 64; i++)); do
	idle_cmd=$TMPD/idle.sh
	((i % 2)) && idle_cmd=$TMPD/half.sh
	spawn "$TMPD/idle$i.log" socat "UNIX-CONNECT:$SOCK" "EXEC:sh $idle_cmd"
	idle_pids+=("$SPAWNED")
done
proc_gone() { ! kill -0 "$1" 2>/dev/null || [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) == Z ]]; }
idle_alive() {
	local p n=0
	for p in "${idle_pids[@]}"; do proc_gone "$p" || n=$((n + 1)); done
	echo "$n"
}
t0=$(now)
ctl show >/dev/null || fail "tapswctl show failed with 64 idle clients connected"
log "64 idle clients connected; tapswctl show answered in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }') s"

# --- 1000 garbage lines on one connection
G="$TMPD/garbage"
{
	head -c 400000 /dev/urandom | LC_ALL=C tr -d '\n' | LC_ALL=C fold -b -w 200 |
		LC_ALL=C sed -n '1,990s/^/#/p'
	printf '%s\n' '{' '}' '[]' '{}' 'null' '42' '"str"' \
		'{"jsonrpc":"1.0","id":1,"method":"switch.show"}' \
		'{"jsonrpc":"2.0","id":2,"method":17}' \
		'{"jsonrpc":"2.0","id":3,"method":"switch.show","params":[1,2]}'
} >"$G"
[[ $(wc -l <"$G") -eq 1000 ]] || hard_error "garbage generator made $(wc -l <"$G") lines"
raw "$G" || true
check_replies "$G.out" 1000
n=$(jq -s '[.[] | select(.error.code == -32700 and .error.data.errno == "EBADMSG" and .id == null)] | length' <"$G.out")
((n >= 990)) || fail "only $n of the 990 non-JSON lines got -32700/EBADMSG with id null"
jq -s -e '.[999].id == 3 and .[999].error.code == -32602' <"$G.out" >/dev/null ||
	fail "array params: expected -32602 for id 3, got $(tail -n 1 "$G.out")"
jq -s -e '.[998].id == 2 and .[998].error.code == -32600' <"$G.out" >/dev/null ||
	fail "numeric method: expected -32600 for id 2, got $(sed -n 999p "$G.out")"
tapswd_alive || fail "tapswd died on garbage"
log "1000 garbage lines: 1000 error replies"

# --- overlong lines: an EMSGSIZE error, then the connection is closed (the
# valid request after the long line is not answered). The lines are sized to
# fit the socket buffers, so that socat has written everything and reads the
# reply instead of dying on EPIPE.
valid='{"jsonrpc":"2.0","id":77,"method":"switch.show"}'
L1="$TMPD/long1"
{ head -c 70000 /dev/zero | tr '\0' 'a'; printf '\n%s\n' "$valid"; } >"$L1"
L2="$TMPD/long2"
{ printf '{"jsonrpc":"2.0","id":5,"method":"'; head -c 66000 /dev/zero | tr '\0' 'm'
  printf '"}\n%s\n' "$valid"; } >"$L2"
for f in "$L1" "$L2"; do
	t0=$(date +%s)
	raw "$f" 30 || true
	(($(date +%s) - t0 < 20)) || fail "the daemon did not close the connection after an overlong line"
	check_replies "$f.out" 1
	jq -e '.error.code == -32600 and .error.data.errno == "EMSGSIZE"' <"$f.out" >/dev/null ||
		fail "overlong line: expected -32600/EMSGSIZE, got $(cat "$f.out")"
done
log "overlong lines: EMSGSIZE and closed"

# a 10 MB line without a newline: the daemon must cut us off, not buffer it
L3="$TMPD/long3"
head -c 10000000 /dev/zero | tr '\0' 'x' >"$L3"
t0=$(date +%s)
raw "$L3" 60 || true
(($(date +%s) - t0 < 50)) || fail "a 10 MB line kept the connection for $(($(date +%s) - t0)) s"
if [[ -s $L3.out ]]; then
	check_replies "$L3.out" 1
fi
tapswd_alive || fail "tapswd died on a 10 MB line"

# --- invalid UTF-8 inside a JSON string; an unknown method; arrays nested
# 30000 deep (jansson stops at 2048); after them a good request is answered
U="$TMPD/utf8"
{
	printf '{"jsonrpc":"2.0","id":8,"method":"switch.show\xff\xfe"}\n{"jsonrpc":"2.0","id":9,"method":"no.such.method"}\n'
	head -c 30000 /dev/zero | tr '\0' '['
	head -c 30000 /dev/zero | tr '\0' ']'
	printf '\n{"jsonrpc":"2.0","id":10,"method":"switch.show"}\n'
} >"$U"
raw "$U" || true
[[ $(wc -l <"$U.out") -eq 4 ]] || fail "UTF-8/nesting: $(wc -l <"$U.out") replies, expected 4: $(head -c 300 "$U.out")"
jq -s -e '.[2].error.code == -32700 and .[2].error.data.errno == "EBADMSG"' <"$U.out" >/dev/null ||
	fail "30000 nested arrays: expected -32700/EBADMSG, got $(sed -n 3p "$U.out")"
jq -s -e '.[3].id == 10 and (.[3].result | type) == "object"' <"$U.out" >/dev/null ||
	fail "a good request after deep nesting: $(sed -n 4p "$U.out")"
head -n 2 "$U.out" >"$U.err.out"
check_replies "$U.err.out" 2
jq -s -e '.[0].error.code == -32700 or .[0].error.code == -32600 or .[0].error.code == -32601' <"$U.err.out" >/dev/null ||
	fail "invalid UTF-8: unexpected reply $(head -n 1 "$U.out")"
jq -s -e '.[1].id == 9 and .[1].error.code == -32601 and .[1].error.data.errno == "EOPNOTSUPP"' <"$U.err.out" >/dev/null ||
	fail "unknown method: expected id 9, -32601, EOPNOTSUPP; got $(tail -n 1 "$U.out")"

# the same through tapswctl: non-zero, one line on stderr
rc=0
err=$(ctl -j call no.such.method 2>&1 >/dev/null) || rc=$?
((rc != 0)) || fail "tapswctl call no.such.method succeeded"
[[ -n $err && $(wc -l <<<"$err") -eq 1 ]] || fail "tapswctl call no.such.method: stderr '$err'"
log "unknown method via tapswctl: rc $rc, '$err'"

# a good request still gets a good reply (and the id back)
G2="$TMPD/good"
printf '%s\n' '{"jsonrpc":"2.0","id":"abc","method":"port.list"}' >"$G2"
raw "$G2" 2 || fail "socat failed on a good request"
jq -e '.jsonrpc == "2.0" and .id == "abc" and (.result.ports | length) == 2' <"$G2.out" >/dev/null ||
	fail "port.list reply: $(cat "$G2.out")"

# --- the idle clients are all still connected; let them go, so that the
# next step has the daemon's 256 client slots to itself
n=$(idle_alive)
((n == 64)) || fail "only $n of 64 idle clients are still connected"
for p in "${idle_pids[@]}"; do stop_pid "$p"; done
log "64 idle clients: all connected through garbage, overlong lines, UTF-8 and nesting"

# --- many clients at once: each gets an answer or a clean refusal
declare -a cpids=()
for ((i = 0; i < 300; i++)); do
	printf '{"jsonrpc":"2.0","id":%d,"method":"switch.show"}\n' "$i" >"$TMPD/many$i"
done
for ((i = 0; i < 300; i++)); do
	socat -t 20 - "UNIX-CONNECT:$SOCK" <"$TMPD/many$i" >"$TMPD/many$i.out" 2>/dev/null &
	cpids+=($!)
	REG_PIDS+=($!)
done
for p in "${cpids[@]}"; do wait "$p" || true; done
cat "$TMPD"/many*.out >"$TMPD/many.all"
jq -s -e 'all(.[]; .jsonrpc == "2.0" and (((.id | type) == "number" and (.result | type) == "object")
	or (.error.code | type) == "number"))' <"$TMPD/many.all" >/dev/null ||
	fail "a concurrent client got a bad reply: $(head -c 300 "$TMPD/many.all")"
ok=$(jq -s '[.[] | select(has("result")) | .id] | unique | length' <"$TMPD/many.all")
((ok >= 200)) || fail "only $ok of 300 concurrent clients were answered"
log "300 concurrent clients: $ok answered"

# --- a client that sends and never reads: once 256 KiB of replies wait, its
# requests are no longer read; after 10 s with no reply moving it is cut
# off; the others are served meanwhile
S="$TMPD/slow"
for ((i = 0; i < 20000; i++)); do
	printf '{"jsonrpc":"2.0","id":%d,"method":"port.list"}\n' "$i"
done >"$S"
spawn "$S.err" socat -u "OPEN:$S,ignoreeof" "UNIX-CONNECT:$SOCK"
slow_pid=$SPAWNED
ctl show >/dev/null || fail "tapswctl show failed while a client does not read"
wait_until 30 proc_gone "$slow_pid" ||
	fail "a client that never reads was not disconnected within 30 s"
stop_pid "$slow_pid"
log "client that never reads: disconnected"

# --- a client that sends a batch and half-closes (socat, nc -N do) still
# gets every reply before the daemon closes the connection, however many
# (5000 port lists are megabytes: the daemon pauses reading while they wait)
B="$TMPD/batch"
for ((i = 0; i < 5000; i++)); do
	printf '{"jsonrpc":"2.0","id":%d,"method":"port.list"}\n' "$i"
done >"$B"
timeout 90 socat -t 30 - "UNIX-CONNECT:$SOCK" <"$B" >"$B.out" 2>/dev/null || true
n=$(wc -l <"$B.out")
jq -s -e 'length == 5000 and ([.[].id] == [range(5000)])' <"$B.out" >/dev/null ||
	fail "a client that half-closed after 5000 requests got $n replies (the rest lost on EOF)"
log "5000 requests then EOF: 5000 replies ($(wc -c <"$B.out") bytes), in order"

# --- after all that: forwarding never stopped, daemon fine
ping_ok h1 h2
ping_ok h2 h1
ctl show >/dev/null || fail "tapswctl show fails after the abuse"
tapswd_alive || fail "tapswd died"
sleep 0.5
stop_int "$PING_PID"
summary=$(grep -E 'packets transmitted' "$TMPD/ping.out") || fail "no ping summary: $(tail -n 3 "$TMPD/ping.out")"
tx=$(awk '{print $1}' <<<"$summary")
rx=$(awk '{print $4}' <<<"$summary")
rtt_max=$(awk -F'/' '/^rtt/ {print int($6)}' "$TMPD/ping.out")
log "background ping: $summary; rtt max ${rtt_max} ms"
((tx >= 10)) || fail "background ping sent only $tx echoes"
((tx - rx <= 2)) || fail "background ping lost $((tx - rx)) of $tx during the abuse"
((rtt_max < 2000)) || fail "forwarding stalled: an echo took ${rtt_max} ms"
pass
