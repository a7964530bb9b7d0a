#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/vm.sh -- two QEMU VMs (TCG) through each VM port kind, side by side:
# tapsw vhost-user, tapsw vm (TAP), tapsw stream, and the kernel bridge with
# QEMU tap backends.  The usual entry point is `scripts/bench --vm`.
#
#   bench/vm.sh [--rounds 2] [--duration 10] [--ping-count 200]
#               [--kinds bridge,vhost-user,vm,stream] [--mem 256]
#               [--wait-idle 20] [--label TEXT] [--run-id ID] [--results DIR]
#
# --kinds LIST   which pairs to run (bridge is the baseline of the ratios)
# --duration S   iperf3 test time inside the guests (default 10)
# --ping-count N pings a -> b a round, 10 ms apart, in 4 chunks interleaved
#                across the kinds (default 200)
# --mem MIB      guest memory (default 256; vhost-user's memfd is as big)
# --wait-idle S  wait up to S s (default 20) for the machine to be < 25 %
#                busy before starting
#
# All pairs boot at once and stay up (the same kernel and initramfs as
# tests/vm/, plus iperf3 and iputils' ping with their libraries); each guest
# serves commands on a second serial port.  In every round, each kind's TCP
# test runs back to back (order rotated from round to round), then the
# pings of all kinds, interleaved.  Host CPU per GB: both QEMU processes,
# tapswd for the tapsw kinds, and the machine's softirq time (all of it:
# others' too), over the TCP test.
#
# tapswd: $TAPSW_BIN (tapswctl next to it), else tests/integration/lib.sh's
# search (the build tree's).  Needs root; everything runs in namespaces
# named tsw<pid>-* (tests/integration/lib.sh), removed on exit, addresses in
# 10.0.0.0/24.  Results in <results>/<run-id>/ (report.md, raw.csv,
# summary.csv, ratios.csv, meta.txt, logs/).

set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/.." && pwd)
BN_COMMAND=${BN_COMMAND:-"$0 $*"}

usage() { sed -n '3,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die0() { printf 'vm.sh: %s\n' "$*" >&2; exit 1; }

ROUNDS=2 DURATION=10 PING_COUNT=200 KINDS="bridge,vhost-user,vm,stream" MEM=256
WAIT_IDLE=20 LABEL="" RUN_ID="" RESULTS_DIR="$BENCH_DIR/results"
while [[ $# -gt 0 ]]; do
	case $1 in
	-h | --help) usage 0 ;;
	--rounds | --duration | --ping-count | --kinds | --mem | --wait-idle | --label | --run-id | --results)
		[[ $# -ge 2 ]] || die0 "$1 needs a value"
		case $1 in
		--rounds) ROUNDS=$2 ;;
		--duration) DURATION=$2 ;;
		--ping-count) PING_COUNT=$2 ;;
		--kinds) KINDS=$2 ;;
		--mem) MEM=$2 ;;
		--wait-idle) WAIT_IDLE=$2 ;;
		--label) LABEL=$2 ;;
		--run-id) RUN_ID=$2 ;;
		--results) RESULTS_DIR=$2 ;;
		esac
		shift 2 ;;
	*) die0 "unknown argument $1 (see --help)" ;;
	esac
done
for v in ROUNDS DURATION PING_COUNT MEM WAIT_IDLE; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die0 "--${v,,} must be a number"
done
((ROUNDS >= 1 && DURATION >= 1 && PING_COUNT >= 4 && MEM >= 128)) ||
	die0 "rounds >= 1, duration >= 1, ping-count >= 4, mem >= 128"
[[ -z $RUN_ID || $RUN_ID =~ ^[A-Za-z0-9._-]+$ ]] || die0 "--run-id: letters, digits, . _ - only"
[[ $LABEL != *$'\n'* ]] || die0 "--label must be one line"

# the kinds: name in the report, QEMU netdev, addresses
declare -A K_AD=([bridge]=bridge-tap [vhost-user]=tapsw-vhost-user [vm]=tapsw-vm [stream]=tapsw-stream)
declare -A K_NET=([bridge]=4 [vhost-user]=1 [vm]=2 [stream]=3)	# 10.0.0.<n>1 and <n>2
IFS=, read -r -a KLIST <<<"$KINDS"
for k in "${KLIST[@]}"; do
	[[ -n ${K_AD[$k]:-} ]] || die0 "unknown kind '$k' (bridge, vhost-user, vm, stream)"
done

if [[ -n ${TAPSW_BIN:-} ]]; then
	export TAPSWD=$TAPSW_BIN
	export TAPSWCTL=${TAPSWCTL:-$(dirname "$TAPSW_BIN")/tapswctl}
fi
# the test library: namespaces, tapswd, spawn and the EXIT cleanup, and
# lib-vm.sh's kernel, initramfs and VMs; a benchmark handles its errors
# itself, so lib.sh's errexit is off
# shellcheck source=../tests/vm/lib-vm.sh
. "$TOP/tests/vm/lib-vm.sh"
set +eE
trap - ERR
# shellcheck source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"	# log/warn/die, bn_cpu_ticks, bn_busy_pct

# --------------------------------------------------------------- setup --
need_pkgs=()
for pair in iperf3:iperf3 qemu-system-x86_64:qemu-system-x86 cpio:cpio jq:jq; do
	command -v "${pair%%:*}" >/dev/null || need_pkgs+=("${pair#*:}")
done
ping -V 2>&1 | grep -q iputils || need_pkgs+=(iputils-ping)
[[ -x /bin/busybox ]] || need_pkgs+=(busybox-static)
if ((${#need_pkgs[@]})); then
	log "installing: ${need_pkgs[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null ||
		die "apt-get install ${need_pkgs[*]} failed"
fi
vm_need
"$VM_QEMU" -object help 2>/dev/null | grep -qw memory-backend-memfd ||
	skip "$VM_QEMU has no memory-backend-memfd (vhost-user needs shared guest memory)"
PY="/usr/bin/python3 $BENCH_DIR/lib/bnlib.py"
[[ -x /usr/bin/python3 ]] || PY="python3 $BENCH_DIR/lib/bnlib.py"
# one benchmark at a time (the same lock as run.sh); the lock's fd is
# closed in every process spawned (QEMU, tapswd), as bn_spawn does, so that
# one left behind by a killed run does not hold it
exec 9>/run/bn-bench.lock
flock -n 9 || die "another benchmark holds /run/bn-bench.lock"
eval "_lib_$(declare -f spawn)"
spawn() { _lib_spawn "$@" 9>&-; }

[[ -n $RUN_ID ]] || RUN_ID="vmbench-$(date +%Y%m%dT%H%M%S)"
OUT="$RESULTS_DIR/$RUN_ID"
[[ ! -e $OUT ]] || die "$OUT exists already"
LOGS="$OUT/logs"
mkdir -p "$LOGS" || die "cannot create $LOGS"
RAW="$OUT/raw.csv"
echo "run_id,round,adapter,metric,value,unit" >"$RAW"
emit() { # emit <round> <adapter> <metric> <value> <unit>
	printf '%s,%s,%s,%s,%s,%s\n' "$RUN_ID" "$1" "$2" "$3" "${4//,/;}" "$5" >>"$RAW"
}

# keep the consoles and tapswd's log: lib.sh's cleanup removes TMPD
save_logs() {
	cp "$TMPD"/vm-*.console "$TMPD"/vm-*.qemu "$TMPD"/tapswd*.log "$LOGS/" 2>/dev/null
	return 0
}
# shellcheck disable=SC2154 # _rc is set inside the trap
trap '_rc=$?; save_logs; (exit $_rc); cleanup' EXIT

bn_wait_idle "$WAIT_IDLE"
T_START=$(date +%s)

# a guest serves commands read from its second serial port (ttyS1, a
# FIFO pair on the host): "ID CMD" runs CMD, its output framed by
# BENCH-BEGIN ID and BENCH-END ID STATUS on the console
VM_INIT_EXTRA=$TMPD/steps-bench.sh
cat >"$VM_INIT_EXTRA" <<'EOF'
step_serve() {
	exec >/dev/console 2>&1 </dev/null
	stty -F /dev/ttyS1 -echo || { echo "no ttyS1"; return 1; }
	echo "TSW-STAGE: serving"
	while read -r id cmd; do
		echo "BENCH-BEGIN $id"
		sh -c "$cmd" </dev/null
		echo "BENCH-END $id $?"
	done </dev/ttyS1
}
EOF
VM_EXTRA_BINS="iperf3 ping"
vm_prepare
VM_MEM=$MEM

# ------------------------------------------------------------ the VMs --
declare -A CMD_FIFO=()	# VM name -> FIFO its ttyS1 reads
CMD_SEQ=0

# vm_cmd NAME SECS OUT CMD: run CMD (sh) in VM NAME, its output into OUT;
# returns CMD's status, 124 when no answer came within SECS
vm_cmd() {
	local name=$1 secs=$2 outf=$3 cmd=$4 id fd deadline line
	# unique even when called in a subshell, which keeps no count
	id=c$((++CMD_SEQ))-$(date +%s%N)
	exec {fd}<>"${CMD_FIFO[$name]}" || return 124
	printf '%s %s\n' "$id" "$cmd" >&"$fd"
	exec {fd}>&-
	deadline=$(($(date +%s) + secs))
	while :; do
		line=$(tr -d '\r' <"${VM_LOG[$name]}" | grep -m1 "^BENCH-END $id ")
		[[ -n $line ]] && break
		if (($(date +%s) >= deadline)) || ! kill -0 "${VM_PID[$name]}" 2>/dev/null; then
			warn "VM $name: no answer to '$cmd' within $secs s"
			return 124
		fi
		sleep 0.1
	done
	tr -d '\r' <"${VM_LOG[$name]}" |
		awk -v id="$id" '$0 == "BENCH-BEGIN " id { f = 1; next }
			$1 == "BENCH-END" && $2 == id { exit } f' >"$outf"
	return "${line##* }"
}

# bench_vm KIND VM NETDEV MAC IP PEER: boot one VM, serving commands
bench_vm() {
	local kind=$1 name=$2 netdev=$3 mac=$4 ip=$5 peer=$6 ns=$SW_NS args=""
	local fifo=$TMPD/vm-$name.ctl
	mkfifo "$fifo.in" "$fifo.out" || die "mkfifo $fifo"
	CMD_FIFO[$name]=$fifo.in
	args="-serial pipe:$fifo"
	case $kind in
	vhost-user)
		args+=" -object memory-backend-memfd,id=mem,size=${MEM}M,share=on -numa node,memdev=mem"
		args+=" -chardev socket,id=c0,path=$TMPD/$name.sock,reconnect=1"
		;;
	bridge) ns=$BR_NS ;;
	esac
	# vectors=0: QEMU 7.2 under TCG segfaults in vhost_net_start() with
	# MSI-X (tests/vm/40-vhost-user.sh); the same device for every kind
	VM_NS=$ns VM_DEVICE_OPTS=vectors=0 VM_QEMU_ARGS=$args \
		vm_start "$name" "$netdev" "$mac" "$ip" "$peer" serve
}

start_switch
ctl -j show >"$LOGS/tapswd-show.json" 2>&1
BR_NS=$T-br
declare -A VA=() VB=()	# kind -> VM names of the pair
for k in "${KLIST[@]}"; do
	n=${K_NET[$k]} a=${k:0:2}a b=${k:0:2}b
	VA[$k]=$a VB[$k]=$b
	case $k in
	vhost-user)
		for v in "$a" "$b"; do
			ctl port add "${T}$v" vhost-user "$TMPD/$v.sock" >/dev/null || die "port add ${T}$v vhost-user"
		done
		na="vhost-user,chardev=c0" nb=$na ;;
	vm)
		for v in "$a" "$b"; do
			ctl port add "${T}$v" --vm >/dev/null || die "port add ${T}$v --vm"
		done
		na="tap,ifname=${T}$a,script=no,downscript=no" nb="tap,ifname=${T}$b,script=no,downscript=no" ;;
	stream)
		for v in "$a" "$b"; do
			ctl port add "${T}$v" --stream "$TMPD/$v.sock" >/dev/null || die "port add ${T}$v --stream"
		done
		na="stream,server=off,addr.type=unix,addr.path=$TMPD/$a.sock"
		nb="stream,server=off,addr.type=unix,addr.path=$TMPD/$b.sock" ;;
	bridge)
		ns_add "$BR_NS"
		# as bench/adapters/linux-bridge.sh: no STP, snooping, netfilter
		ip netns exec "$BR_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 2>/dev/null
		ip -n "$BR_NS" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 ||
			die "cannot create the bridge"
		ip -n "$BR_NS" link set br0 up
		for v in "$a" "$b"; do
			ip -n "$BR_NS" tuntap add dev "${T}$v" mode tap || die "tuntap add ${T}$v"
			ip -n "$BR_NS" link set "${T}$v" master br0 up || die "enslave ${T}$v"
		done
		na="tap,ifname=${T}$a,script=no,downscript=no" nb="tap,ifname=${T}$b,script=no,downscript=no" ;;
	esac
	bench_vm "$k" "$a" "$na" "52:54:00:b7:${n}0:0a" "10.0.0.${n}1" "10.0.0.${n}2"
	bench_vm "$k" "$b" "$nb" "52:54:00:b7:${n}0:0b" "10.0.0.${n}2" "10.0.0.${n}1"
done

UP=()
for k in "${KLIST[@]}"; do
	ad=${K_AD[$k]} ok=1
	for v in "${VA[$k]}" "${VB[$k]}"; do
		vm_wait_line "$v" '^TSW-STAGE: serving' 600 || { warn "$ad: VM $v did not boot"; ok=0; }
	done
	n=${K_NET[$k]}
	if ((ok)); then
		vm_cmd "${VB[$k]}" 30 "$LOGS/$ad-iperf3-server.txt" \
			"/usr/local/bin/iperf3 -s -D -p 5201 >/dev/null 2>&1" ||
			{ warn "$ad: no iperf3 server in ${VB[$k]}"; ok=0; }
	fi
	if ((ok)); then
		vm_cmd "${VA[$k]}" 90 "$LOGS/$ad-reach.txt" \
			"i=0; until ping -c 1 -W 1 10.0.0.${n}2; do i=\$((i + 1)); [ \$i -lt 60 ] || exit 1; done" ||
			{ warn "$ad: ${VA[$k]} cannot reach ${VB[$k]}"; ok=0; }
	fi
	if ((ok)); then
		UP+=("$k")
		emit 0 "$ad" status ok ""
		log "$ad: VMs ${VA[$k]} (QEMU ${VM_PID[${VA[$k]}]}) and ${VB[$k]} (QEMU ${VM_PID[${VB[$k]}]}) up, guest boot $(vm_boot_secs "${VA[$k]}") s"
	else
		emit 0 "$ad" status "FAILED to start" ""
	fi
done
((${#UP[@]})) || die "no pair came up"

# the ports' negotiated offloads (tapsw) / the netdev (bridge)
for k in "${UP[@]}"; do
	ad=${K_AD[$k]}
	case $k in
	bridge) info="QEMU -netdev tap (vnet_hdr, vhost=off) on TAPs in br0: $(ip netns exec "$BR_NS" ethtool -k "${T}${VA[$k]}" 2>/dev/null |
		awk -F': ' '$1 == "tcp-segmentation-offload" { print "tap tso " $2 }')" ;;
	*) info=$(port_json "${T}${VA[$k]}" | jq -r '"kind \(.kind), offloads \(.offloads | join(" "))"') ;;
	esac
	emit 0 "$ad" offload "$info" ""
done

# ------------------------------------------------------------- tests --
HZ=$(getconf CLK_TCK)
FG_SNAP=$TMPD/foreign.json	# fg_begin, fg_pct: lib/common.sh
# "utime stime" (ticks) of one process, all its threads
proc_ticks() {
	local line f
	read -r line <"/proc/$1/stat" 2>/dev/null || { echo "0 0"; return; }
	read -r -a f <<<"${line##*) }"
	echo "${f[11]} ${f[12]}"
}
# "softirq busy total" ticks of the machine (all CPUs)
cpu_stat() { awk '$1 == "cpu" { print $8, $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
# guest_stat VM ARRAY: ARRAY=(busy total), ticks of the guest's CPU (its /proc/stat)
guest_stat() {
	local -n _gs=$2
	_gs=(0 0)
	vm_cmd "$1" 20 "$TMPD/stat.txt" "head -n 1 /proc/stat" || return 0
	read -r -a _gs <<<"$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' "$TMPD/stat.txt")"
}
# the other pairs' QEMUs (idle during a test, but ours): their ticks
idle_vm_ticks() {
	local v
	# shellcheck disable=SC2046
	bn_cpu_ticks $(for v in "${!VM_PID[@]}"; do [[ $v == "$1" || $v == "$2" ]] || echo "${VM_PID[$v]}"; done)
}

test_tcp() { # test_tcp ROUND KIND
	local r=$1 k=$2 ad=${K_AD[$2]} a=${VA[$2]} b=${VB[$2]} j sw=0
	local qa0 qb0 qa1 qb1 sw0=(0 0) sw1=(0 0) s0 s1 i0 i1 t0 t1 res gbps bytes retr hcpu rcpu fg
	local ga0 gb0 ga1 gb1
	j=$LOGS/r$r-$ad-tcp.json
	[[ $k != bridge ]] && sw=$TAPSWD_PID
	guest_stat "$a" ga0
	guest_stat "$b" gb0
	fg_begin
	read -r -a qa0 <<<"$(proc_ticks "${VM_PID[$a]}")"
	read -r -a qb0 <<<"$(proc_ticks "${VM_PID[$b]}")"
	((sw)) && read -r -a sw0 <<<"$(proc_ticks "$sw")"
	i0=$(idle_vm_ticks "$a" "$b")
	read -r -a s0 <<<"$(cpu_stat)"
	t0=$(date +%s.%N)
	vm_cmd "$a" $((DURATION + 90)) "$j" \
		"/usr/local/bin/iperf3 -c 10.0.0.${K_NET[$k]}2 -p 5201 -t $DURATION -J"
	t1=$(date +%s.%N)
	read -r -a s1 <<<"$(cpu_stat)"
	i1=$(idle_vm_ticks "$a" "$b")
	read -r -a qa1 <<<"$(proc_ticks "${VM_PID[$a]}")"
	read -r -a qb1 <<<"$(proc_ticks "${VM_PID[$b]}")"
	((sw)) && read -r -a sw1 <<<"$(proc_ticks "$sw")"
	fg=$(fg_pct "r$r $ad tcp")
	guest_stat "$a" ga1
	guest_stat "$b" gb1
	[[ -n $fg ]] && emit "$r" "$ad" tcp_foreign_cpu_pct "$fg" "% of one core"
	if ! res=$($PY iperf "$j" 2>&1); then
		warn "$ad TCP round $r failed: $res"
		emit "$r" "$ad" tcp_error nan ""
		return 1
	fi
	read -r gbps bytes retr hcpu rcpu <<<"$res"
	emit "$r" "$ad" tcp_gbps "$gbps" Gbit/s
	emit "$r" "$ad" tcp_bytes "$bytes" B
	emit "$r" "$ad" tcp_retrans "$retr" segs
	emit "$r" "$ad" tcp_guest_cpu_sender_pct "$hcpu" "%"
	emit "$r" "$ad" tcp_guest_cpu_receiver_pct "$rcpu" "%"
	# the guests' own view of their vCPU (all of it, not just iperf3),
	# from just before to just after the test
	((ga1[1] > ga0[1])) && emit "$r" "$ad" tcp_guest_a_busy_pct \
		"$(awk -v b=$((ga1[0] - ga0[0])) -v t=$((ga1[1] - ga0[1])) 'BEGIN { printf "%.1f", 100 * b / t }')" "%"
	((gb1[1] > gb0[1])) && emit "$r" "$ad" tcp_guest_b_busy_pct \
		"$(awk -v b=$((gb1[0] - gb0[0])) -v t=$((gb1[1] - gb0[1])) 'BEGIN { printf "%.1f", 100 * b / t }')" "%"
	# CPU over the test: % of one core, and seconds per GB received
	local m
	while read -r m; do
		# shellcheck disable=SC2086 # "metric value unit"
		emit "$r" "$ad" $m
	done < <(awk -v hz="$HZ" -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
		-v gb="$(awk -v b="$bytes" 'BEGIN { print b / 1e9 }')" \
		-v qa="$((qa1[0] + qa1[1] - qa0[0] - qa0[1]))" -v qb="$((qb1[0] + qb1[1] - qb0[0] - qb0[1]))" \
		-v qs="$((qa1[1] + qb1[1] - qa0[1] - qb0[1]))" \
		-v sw="$((sw1[0] + sw1[1] - sw0[0] - sw0[1]))" -v hassw="$((sw ? 1 : 0))" \
		-v si="$((s1[0] - s0[0]))" -v iv="$((i1 - i0))" \
		-v busy="$((s1[1] - s0[1]))" -v tot="$((s1[2] - s0[2]))" 'BEGIN {
		pct = 100 / hz / w
		printf "tcp_qemu_a_pct %.1f %%\n", qa * pct
		printf "tcp_qemu_b_pct %.1f %%\n", qb * pct
		printf "tcp_qemu_max_pct %.1f %%\n", (qa > qb ? qa : qb) * pct
		printf "tcp_qemu_sys_pct %.1f %%\n", qs * pct
		printf "tcp_sw_pct %.1f %%\n", sw * pct
		printf "tcp_softirq_pct %.1f %%\n", si * pct
		printf "tcp_idle_vms_pct %.1f %%\n", iv * pct
		if (tot > 0) printf "tcp_machine_busy_pct %.1f %%\n", 100 * busy / tot
		if (gb > 0) {
			printf "tcp_host_s_per_gb %.3f s/GB\n", (qa + qb + sw + si) / hz / gb
			printf "tcp_io_s_per_gb %.4f s/GB\n", (qs + sw + si) / hz / gb
			printf "tcp_qemu_s_per_gb %.3f s/GB\n", (qa + qb) / hz / gb
			printf "tcp_softirq_s_per_gb %.4f s/GB\n", si / hz / gb
			if (hassw) printf "tcp_sw_s_per_gb %.4f s/GB\n", sw / hz / gb
		}
	}')
	log "  r$r $ad TCP: $gbps Gbit/s (retr $retr; guest CPU sender $hcpu %, receiver $rcpu %)"
}

# pings of all kinds interleaved in 4 chunks, as bench/run.sh does
PING_CHUNKS=4
test_ping_all() { # test_ping_all ROUND KIND...
	local r=$1 k c n fg
	shift
	for k in "$@"; do : >"$LOGS/r$r-${K_AD[$k]}-ping.txt"; done
	fg_begin
	for c in $(seq 1 "$PING_CHUNKS"); do
		n=$(((PING_COUNT * c) / PING_CHUNKS - (PING_COUNT * (c - 1)) / PING_CHUNKS))
		for k in "$@"; do
			vm_cmd "${VA[$k]}" $((n + 60)) "$TMPD/ping.txt" \
				"/usr/local/bin/ping -c $n -i 0.01 -W 1 10.0.0.${K_NET[$k]}2"
			cat "$TMPD/ping.txt" >>"$LOGS/r$r-${K_AD[$k]}-ping.txt"
		done
	done
	fg=$(fg_pct "r$r all-kinds ping")
	for k in "$@"; do
		local ad=${K_AD[$k]} avg p50 p99 mx loss
		read -r avg p50 p99 mx loss <<<"$(bn_emit_ping "$r" "$ad" "$LOGS/r$r-$ad-ping.txt")"
		[[ -n $fg ]] && emit "$r" "$ad" ping_foreign_cpu_pct "$fg" "% of one core"
		log "  r$r $ad ping: avg ${avg}us p50 ${p50}us p99 ${p99}us loss $loss%"
	done
}

{
	bn_meta_head
	echo "rounds=$ROUNDS"
	echo "duration=$DURATION"
	echo "ping_count=$PING_COUNT"
	echo "mem=$MEM"
	echo "kinds=${UP[*]}"
	echo "qemu=$("$VM_QEMU" --version | awk 'NR == 1 { print $4 }')"
	echo "guest_kernel=$(cat "$VM_CACHE/k/done" 2>/dev/null)"
	echo "iperf3=$(dpkg-query -W -f '${Version}' iperf3 2>/dev/null)"
	echo "tapswd=$TAPSWD $("$TAPSWD" --version 2>/dev/null | head -n 1)"
	echo "tapswd_git=$(git -C "$(dirname "$(readlink -f "$TAPSWD")")" describe --always --dirty --abbrev=10 2>/dev/null)"
	echo "busy_before=$BUSY_BEFORE"
	echo "waited_for_idle_s=$WAITED"
	echo "loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/meta.txt"

n=${#UP[@]}
for r in $(seq 1 "$ROUNDS"); do
	order=()
	for i in $(seq 0 $((n - 1))); do order+=("${UP[$(((i + r - 1) % n))]}"); done
	log "round $r/$ROUNDS, order: ${order[*]}"
	for k in "${order[@]}"; do test_tcp "$r" "$k"; done
	test_ping_all "$r" "${order[@]}"
done

for k in "${UP[@]}"; do
	[[ $k == bridge ]] && continue
	port_json "${T}${VA[$k]}" >"$LOGS/port-${K_AD[$k]}-a.json"
	port_json "${T}${VB[$k]}" >"$LOGS/port-${K_AD[$k]}-b.json"
done
tapswd_alive || warn "tapswd is not running any more"
{
	echo "busy_after=$(bn_busy_pct 1)"
	echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "elapsed_s=$(($(date +%s) - T_START))"
} >>"$OUT/meta.txt"
$PY vmreport "$OUT" bridge-tap
echo
echo "report: $OUT/report.md   (raw: $RAW, logs: $LOGS)"
