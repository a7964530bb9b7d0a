# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/integration/lib.sh -- helpers for tapsw's integration tests (bash).
#
# A test script does:
#
#	. "${TESTLIB:-$(dirname "$0")/lib.sh}"
#	need_root; need_tun; need_netns; need_cmd ping jq
#	start_switch [tapswd args...]
#	add_host h1 1; add_host h2 2
#	ping_ok h1 h2
#	...
#	pass
#
# Everything a test makes lives in network namespaces it creates, all named
# "$T-..." where T=tsw<pid of the test> (unique while the test runs). tapswd
# itself runs in the namespace "$T-sw", so the TAPs it creates are born there,
# never in the root namespace; add_host moves one into the host's namespace.
# Hosts use 10.0.0.N/24 and fd00::N/64 only. The EXIT trap stops every process
# the test started (by PID), deletes the TAPs it made wherever they are, then
# the namespaces, then the temporary directory.
#
# Exit codes (automake): 0 pass, 1 fail, 77 skip, 99 hard error.

set -o pipefail

T="tsw$$"			# prefix of every name this test makes
TEST_NAME=$(basename "${0%.sh}")
SW_NS="$T-sw"			# tapswd's namespace
SOCK=				# control socket (set by start_switch)
TAPSWD_PID=
TAPSWD_LOG=
TMPD=

declare -a REG_NS=()		# namespaces we created
declare -a REG_PIDS=()		# background processes we started
declare -A HOST_NS=()		# host name -> namespace
declare -A HOST_IF=()		# host name -> interface name inside it
declare -A HOST_IDX=()		# host name -> N (10.0.0.N, fd00::N)
declare -A HOST_PORT=()		# host name -> switch port name

# ------------------------------------------------------------ binaries --

_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_find_bin() {
	local name=$1 cand
	for cand in "$_lib_dir/../../src/$name" "$PWD/src/$name"; do
		[[ -x $cand ]] && { echo "$cand"; return 0; }
	done
	command -v "$name" 2>/dev/null
}
TAPSWD=${TAPSWD:-$(_find_bin tapswd)}
TAPSWCTL=${TAPSWCTL:-$(_find_bin tapswctl)}

# ------------------------------------------------------------- output --

_t_start=$(date +%s%N)
# log MESSAGE: a progress line, with the seconds since the test started
log() {
	local ms=$((($(date +%s%N) - _t_start) / 1000000))
	printf '# [%d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"
}
pass() { log "$TEST_NAME: all checks passed"; exit 0; }

skip() {
	printf 'SKIP: %s: %s\n' "$TEST_NAME" "$*"
	exit 77
}

hard_error() {
	printf 'ERROR: %s: %s\n' "$TEST_NAME" "$*" >&2
	exit 99
}

daemon_log_tail() {
	[[ -n $TAPSWD_LOG && -s $TAPSWD_LOG ]] || return 0
	printf '# ---- last lines of the tapswd log (%s) ----\n' "$TAPSWD_LOG" >&2
	tail -n "${1:-40}" "$TAPSWD_LOG" | sed 's/^/#   /' >&2
	printf '# ---- end of tapswd log ----\n' >&2
}

# fail MESSAGE...: the test fails; say why, show the daemon's last words.
fail() {
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
	if [[ -n $TAPSWD_PID ]] && ! kill -0 "$TAPSWD_PID" 2>/dev/null; then
		printf '# tapswd (pid %s) is not running any more\n' "$TAPSWD_PID" >&2
	fi
	daemon_log_tail 40
	exit 1
}

# Any command that fails unexpectedly fails the test, with its line.
_on_err() {
	local rc=$? line=$1 cmd=$2
	fail "line $line: '$cmd' exited with status $rc"
}
set -E
trap '_on_err "$LINENO" "$BASH_COMMAND"' ERR
set -e

# ------------------------------------------------------------- skips --

need_root() { [[ $(id -u) -eq 0 ]] || skip "needs root (CAP_NET_ADMIN for TAPs and namespaces)"; }
need_tun()  { [[ -c /dev/net/tun ]] || skip "/dev/net/tun is missing (no TUN/TAP support)"; }

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "'$c' is not installed"
	done
}

# need_netns: we can create a namespace (not the case in some containers).
need_netns() {
	need_cmd ip
	if ! ip netns add "$T-probe" 2>/dev/null; then
		skip "cannot create a network namespace ('ip netns add' failed)"
	fi
	ip netns del "$T-probe"
}

need_binaries() {
	[[ -n $TAPSWD && -x $TAPSWD ]] || hard_error "tapswd not found (build it, or set TAPSWD)"
	[[ -n $TAPSWCTL && -x $TAPSWCTL ]] || hard_error "tapswctl not found (build it, or set TAPSWCTL)"
}

# find_tool VAR NAME: set VAR to a test tool, tests/tools/NAME: the binary
# VAR names if set (make check exports it), else the build tree's, else
# NAME.c compiled now into TMPD with ${CC:-cc}; skip if none can be had.
find_tool() {
	local var=$1 name=$2 src="$_lib_dir/../tools/$2.c" cand out
	for cand in "${!var:-}" "$_lib_dir/../tools/$name" "$PWD/tests/tools/$name"; do
		[[ -n $cand && -x $cand && -f $cand ]] && { printf -v "$var" %s "$cand"; return 0; }
	done
	[[ -f $src ]] || skip "$name is not built and $src is missing"
	command -v "${CC:-cc}" >/dev/null 2>&1 ||
		skip "$name is not built and there is no C compiler (${CC:-cc})"
	out=$("${CC:-cc}" -std=c11 -O2 -Wall -o "$TMPD/$name" "$src" 2>&1) ||
		skip "cannot compile $name with ${CC:-cc}: $out"
	printf -v "$var" %s "$TMPD/$name"
}

# The usual preamble: root, TUN, namespaces, ping, jq, our binaries.
need_basics() {
	need_root
	need_tun
	need_netns
	need_cmd ping jq timeout "$@"
	need_binaries
}

# ------------------------------------------------------------ cleanup --

# stop_pid PID [SECS]: SIGTERM, wait up to SECS (5) s, then SIGKILL; reap it.
stop_pid() {
	local pid=$1 i
	[[ -n $pid ]] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < ${2:-5} * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null &&
		   [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || true
}

# stop_int PID: SIGINT (ping prints its summary, tcpdump flushes), wait up
# to 5 s for it to exit, then stop_pid.
stop_int() {
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
		sleep 0.1
	done
	stop_pid "$pid"
}

# spawn LOGFILE CMD...: start CMD in the background, registered for cleanup.
# Sets SPAWNED to its PID.
spawn() {
	local logf=$1
	shift
	"$@" </dev/null >"$logf" 2>&1 &
	SPAWNED=$!
	REG_PIDS+=("$SPAWNED")
}

cleanup() {
	local rc=$? pid ns l
	trap - ERR
	set +e
	# our processes first (tapswd last, so it sees its ports go quietly)
	for ((i = ${#REG_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${REG_PIDS[i]}
		[[ $pid == "$TAPSWD_PID" ]] && continue
		stop_pid "$pid"
	done
	stop_pid "$TAPSWD_PID" $((${#tapswd_wrapper[@]} ? 60 : 5))
	# any other process still inside our namespaces (a stray ping, tcpdump)
	for ns in "${REG_NS[@]}"; do
		[[ -e /run/netns/$ns ]] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			stop_pid "$pid"
		done
	done
	# TAPs are persistent: delete every tun/tap device in our namespaces,
	# and any link with our prefix that ended up in the root namespace.
	for ns in "${REG_NS[@]}"; do
		[[ -e /run/netns/$ns ]] || continue
		for l in $(ip -n "$ns" -j -d link show 2>/dev/null |
			   jq -r '.[] | select(.linkinfo.info_kind == "tun") | .ifname' 2>/dev/null); do
			ip -n "$ns" link del "$l" 2>/dev/null
		done
	done
	for l in $(ip -j link show 2>/dev/null | jq -r --arg p "$T" \
		   '.[] | select(.ifname | startswith($p)) | .ifname' 2>/dev/null); do
		ip link del "$l" 2>/dev/null
	done
	for ns in "${REG_NS[@]}"; do
		[[ -e /run/netns/$ns ]] && ip netns del "$ns" 2>/dev/null
	done
	if [[ -n $TMPD && -d $TMPD ]]; then
		if [[ $rc -ne 0 && $rc -ne 77 && -n ${KEEP_TMP:-} ]]; then
			printf '# kept %s\n' "$TMPD" >&2
		else
			rm -rf "$TMPD"
		fi
	fi
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/$T.XXXXXX")

# ---------------------------------------------------------- namespaces --

ns_add() {
	local ns=$1
	[[ $ns == "$T"-* ]] || hard_error "refusing to create namespace '$ns' (prefix $T-)"
	ip netns add "$ns" || fail "ip netns add $ns failed"
	REG_NS+=("$ns")
	ip -n "$ns" link set lo up
}

# in_ns NS CMD...: run CMD inside namespace NS.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# ------------------------------------------------------------- waiting --

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local secs=$1 deadline
	shift
	deadline=$(($(date +%s%N) + secs * 1000000000))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		(($(date +%s%N) >= deadline)) && return 1
		sleep 0.1
	done
}

now() { date +%s.%N; }

# ---------------------------------------------------------- the switch --

# ctl ARGS...: tapswctl on this test's socket.
ctl() { "$TAPSWCTL" -s "$SOCK" "$@"; }

tapswd_alive() { [[ -n $TAPSWD_PID ]] && kill -0 "$TAPSWD_PID" 2>/dev/null; }

# tapswd_wrapper: words that start_switch puts before tapswd (they must
# exec it, so that TAPSWD_PID is tapswd's). From the environment,
# TAPSWD_WRAPPER (split on blanks), e.g. for tests/valgrind.sh:
#	TAPSWD_WRAPPER="valgrind --error-exitcode=99 --log-file=DIR/%p.log"
# A test may add words of its own (90-privileges drops root with setpriv).
declare -a tapswd_wrapper=()
read -ra tapswd_wrapper <<<"${TAPSWD_WRAPPER:-}"

# start_switch [TAPSWD ARGS...]: tapswd in namespace $SW_NS, socket in TMPD
# (or at SWITCH_SOCK).
start_switch() {
	ns_add "$SW_NS"
	SOCK=${SWITCH_SOCK:-$TMPD/ctl/tapswd.sock}
	TAPSWD_LOG="$TMPD/tapswd.log"
	spawn "$TAPSWD_LOG" ip netns exec "$SW_NS" "${tapswd_wrapper[@]}" \
		"$TAPSWD" -v -s "$SOCK" "$@"
	TAPSWD_PID=$SPAWNED
	local secs=$((${#tapswd_wrapper[@]} ? 60 : 20)) deadline
	deadline=$(($(date +%s) + secs))
	until ctl show >/dev/null 2>&1; do
		tapswd_alive || fail "tapswd exited at start (args: $*)"
		(($(date +%s) < deadline)) || fail "tapswd did not answer on $SOCK within $secs s"
		sleep 0.1
	done
	log "tapswd pid $TAPSWD_PID in $SW_NS, socket $SOCK"
}

# stop_switch: SIGTERM, which must make it exit 0 promptly.
stop_switch() {
	local rc=0 i
	kill -TERM "$TAPSWD_PID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TAPSWD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TAPSWD_PID" 2>/dev/null && fail "tapswd did not exit within 10 s of SIGTERM"
	wait "$TAPSWD_PID" || rc=$?
	[[ $rc -eq 0 ]] || fail "tapswd exited with status $rc after SIGTERM"
	TAPSWD_PID=
}

# ------------------------------------------------------------- ports --

# port_json NAME: the port object from `tapswctl -j port list`.
port_json() {
	ctl -j port list | jq -ce --arg n "$1" '.[] | select(.name == $n)'
}

# port_field NAME FIELD: one numeric/string field of a port (jq path).
port_field() {
	local j
	j=$(port_json "$1") || fail "port $1 is not in 'tapswctl -j port list'"
	jq -r ".$2" <<<"$j"
}

# stats_field JQPATH: a field of `tapswctl -j stats` (e.g. .switch.flooded).
stats_field() { ctl -j stats | jq -er "$1"; }

# fdb_has MAC PORT: the FDB maps MAC to PORT.
fdb_has() {
	ctl -j fdb show | jq -e --arg m "$1" --arg p "$2" \
		'any(.[]; (.mac | ascii_downcase) == ($m | ascii_downcase) and .port == $p)' >/dev/null
}

fdb_lacks() {
	ctl -j fdb show | jq -e --arg m "$1" \
		'all(.[]; (.mac | ascii_downcase) != ($m | ascii_downcase))' >/dev/null
}

# ------------------------------------------------------------- hosts --

# add_host NAME N [IFNAME]: namespace $T-NAME with a TAP port of the switch,
# (PORT_OPTS="offload off" add_host ... passes words on to `port add`)
# named ${T}NAME, moved into it (renamed IFNAME if given), addressed
# 10.0.0.N/24 and fd00::N/64, up. Set HOST_IPV6=0 to disable IPv6 in it
# (no ND/MLD chatter: useful when a test needs a quiet link).
add_host() {
	local name=$1 idx=$2 ifname=${3:-} ns="$T-$1" port="${T}$1"
	((${#port} <= 15)) || hard_error "port name $port is too long"
	ns_add "$ns"
	if [[ ${HOST_IPV6:-1} == 0 ]]; then
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	fi
	# PORT_OPTS: extra words for `tapswctl port add` (e.g. "offload off")
	# shellcheck disable=SC2086
	ctl port add "$port" ${PORT_OPTS:-} >/dev/null ||
		fail "tapswctl port add $port ${PORT_OPTS:-} failed"
	wait_until 10 ip -n "$SW_NS" link show "$port" ||
		fail "TAP $port did not appear in $SW_NS"
	ip -n "$SW_NS" link set "$port" netns "$ns" ||
		fail "cannot move $port into $ns"
	if [[ -n $ifname ]]; then
		ip -n "$ns" link set "$port" name "$ifname"
	else
		ifname=$port
	fi
	HOST_NS[$name]=$ns HOST_IF[$name]=$ifname HOST_IDX[$name]=$idx HOST_PORT[$name]=$port
	host_addr_up "$name"
}

# host_addr_up NAME: (re)address and bring up the host's interface.
host_addr_up() {
	local name=$1 ns=${HOST_NS[$1]} ifn=${HOST_IF[$1]} idx=${HOST_IDX[$1]}
	ip -n "$ns" addr add "10.0.0.$idx/24" dev "$ifn"
	if [[ ${HOST_IPV6:-1} != 0 ]]; then
		ip -n "$ns" addr add "fd00::$idx/64" dev "$ifn" nodad
	fi
	ip -n "$ns" link set "$ifn" up
}

host_mac() {
	ip -n "${HOST_NS[$1]}" -j link show dev "${HOST_IF[$1]}" | jq -er '.[0].address'
}

ip4() { echo "10.0.0.${HOST_IDX[$1]}"; }
ip6() { echo "fd00::${HOST_IDX[$1]}"; }

# ping_once SRC DST_ADDR: one echo within 2 s.
ping_once() {
	in_ns "${HOST_NS[$1]}" ping -n -q -c 1 -W 2 "$2" >/dev/null 2>&1
}

# ping_ok SRC DST [4|6]: DST answers SRC (retried for up to 15 s: the
# first packets may wait for ARP/ND on a loaded machine).
ping_ok() {
	local src=$1 dst=$2 fam=${3:-4} addr
	[[ $fam == 6 ]] && addr=$(ip6 "$dst") || addr=$(ip4 "$dst")
	wait_until 15 ping_once "$src" "$addr" ||
		fail "$src cannot ping $dst ($addr)"
}

# ping_fails SRC ADDR: no answer to 2 echoes (1 s each).
ping_fails() {
	! in_ns "${HOST_NS[$1]}" ping -n -q -c 2 -i 0.5 -W 1 "$2" >/dev/null 2>&1
}

# ------------------------------------------------------------ capture --

# capture_start HOST FILTER: tcpdump on the host's interface (writes a pcap);
# waits until it listens. Sets CAP_PID, CAP_FILE (X.pcap; tcpdump's stderr,
# with "N packets dropped by kernel" once it stopped, is X.err).
# CAP_OPTS: more tcpdump options, e.g. "-s 128" for bursts: with
# --immediate-mode the ring has one slot per snapshot length, so the
# default 256 KiB snapshots leave room for only ~8 frames in 2 MiB.
capture_start() {
	local host=$1 filter=$2 f
	f="$TMPD/cap-$host-$RANDOM"
	spawn "$f.err" ip netns exec "${HOST_NS[$host]}" \
		tcpdump -i "${HOST_IF[$host]}" ${CAP_OPTS:-} \
		--immediate-mode -nn -U -w "$f.pcap" "$filter"
	CAP_PID=$SPAWNED CAP_FILE="$f.pcap"
	wait_until 10 grep -q "listening on" "$f.err" ||
		fail "tcpdump on $host did not start: $(cat "$f.err")"
}

# capture_stop PID FILE: stop tcpdump, print the decoded packets.
capture_stop() {
	local pid=$1 file=$2
	sleep 0.5		# let in-flight frames land
	stop_int "$pid"
	tcpdump -nn -r "$file" 2>/dev/null || true
}
