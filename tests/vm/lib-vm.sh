# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/vm/lib-vm.sh -- boot real QEMU VMs (TCG) on tapsw ports, for tests.
#
# Sources tests/integration/lib.sh (namespaces, tapswd, spawn/cleanup, hosts),
# so everything lib.sh offers is there too.  A test script does:
#
#	. "$(dirname "$0")/lib-vm.sh"
#	vm_need				# root, netns, qemu, busybox-static, cpio
#	vm_prepare			# kernel + modules (cached), initramfs
#	start_switch
#	ctl port add vm1 --vm
#	vm_start a "tap,ifname=vm1,script=no,downscript=no" \
#		52:54:00:00:00:0a 10.0.0.10 10.0.0.11 ping tcp
#	...
#	vm_wait a 120 || fail "VM a: $VM_RESULT"
#
# Interface:
#   vm_need		skip (exit 77, with the reason) unless root, /dev/net/tun,
#			namespaces, jq, qemu-system-x86_64 with TCG, a static
#			busybox and cpio are there.  KVM is not needed.
#   vm_prepare		once per build tree: `apt-get download` the Debian cloud
#			kernel (linux-image-cloud-amd64 -> its versioned package),
#			`dpkg -x`, keep vmlinuz and the virtio-net modules in
#			$VM_CACHE (default <builddir>/tests/vm/.cache; delete it
#			to refetch).  Then, per test, builds the initramfs (busybox
#			+ modules + the init below) in $TMPD.  Skips (77) if the
#			kernel cannot be had.  VM_KERNEL_DEB=FILE.deb uses a
#			local package instead of downloading.  VM_EXTRA_BINS
#			(host programs, e.g. "iperf3 ping") are put in the
#			initramfs as /usr/local/bin/NAME with the shared
#			libraries ldd names, at their own paths; the guest
#			calls them by that path (busybox's applets come first
#			in PATH).
#   vm_start NAME NETDEV MAC IP PEER STEP...
#			boots VM NAME in the background (registered with lib.sh's
#			cleanup by PID): `-netdev NETDEV,id=n0` (NETDEV without
#			id, e.g. "tap,ifname=vm1,script=no,downscript=no" or
#			"dgram,local.type=unix,...") and `-device
#			virtio-net-pci,netdev=n0,mac=MAC`.  IP is the VM's
#			address (default prefix /24), PEER the address its steps
#			talk to.  QEMU runs in namespace $VM_NS (default $SW_NS,
#			where tapswd and its TAPs live: a TAP netdev must be
#			opened in the TAP's namespace).  VM_MEM (256), VM_MTU
#			(the guest's eth0 MTU, default 1500), VM_QEMU_ARGS
#			(extra QEMU arguments), VM_DEVICE_OPTS (more options
#			of the virtio-net-pci device, e.g. "vectors=0") are
#			read at start.
#   vm_wait NAME SECS	waits for the VM's result line; returns 0 on PASS, 1 on
#			FAIL, timeout or QEMU exiting without a result; sets
#			VM_RESULT to the result text and prints the console tail
#			on failure.
#   vm_wait_line NAME REGEX SECS
#			waits until the console shows a line matching REGEX
#			(grep -E), e.g. a stage: "TSW-STAGE: before".
#   vm_console NAME	the path of the VM's serial console log.
#   vm_stop NAME	stops the VM's QEMU (by PID).
#   vm_boot_secs NAME	the guest's uptime when its init reached the steps.
#   vm_restart_switch [SIGNAL]
#			stops tapswd (SIGTERM, or SIGNAL: e.g. KILL for a crash)
#			and starts a new one in the same namespace, on the same
#			control socket, with the arguments start_switch had; the
#			ports must be added again.
#   vm_host_tcp HOST PEER [SECS]
#			the namespace-host half of the tcp step (HOST as made by
#			lib.sh's add_host), run in the foreground: serves a
#			random file and its md5 to the peer and fetches and
#			checks the peer's.  Returns non-zero on mismatch/timeout.
#   vm_host_token HOST TOKEN [SECS]
#			serves TOKEN once on TCP port 5003 from HOST (in the
#			background, registered for cleanup): the peer's
#			"token:TOKEN" step waits for it.
#
# Steps (run in order inside the VM; a failing step ends the run with FAIL):
#   up			(implicit first step) eth0 up, prints "TSW-UP"
#   ping		waits up to 60 s for PEER, then 3 small echoes and 3 of
#			full-MTU size (MTU - 28 bytes of payload)
#   tcp[:MIB]		makes MIB (default 4) MiB of random data, serves it on
#			TCP 5001 and its md5 on 5002, fetches PEER's from the same
#			ports and compares: PEER must run tcp (or vm_host_tcp) too.
#			Data moves both ways; waits until PEER has fetched its own.
#   stage:NAME		prints "TSW-STAGE: NAME" (for vm_wait_line)
#   token:TOKEN[:SECS]	fetches from PEER:5003 until it reads TOKEN (60 s)
#   tokenfrom:IP:TOKEN[:SECS], pingwith:IP, tcpwith:IP[:MIB]
#			token, ping and tcp with IP instead of PEER
#   sleep:SECS		sleeps
# The result line is "TSW-RESULT: PASS" or "TSW-RESULT: FAIL <why>"; then
# the VM powers off.  A test may add steps: set VM_INIT_EXTRA to a file of
# shell functions named step_NAME (called with the ':'-separated arguments)
# before vm_prepare; it is appended to the init script.
#
# VMs use 10.0.0.0/8 addresses and MACs 52:54:00:xx:xx:xx; give each its own.

# shellcheck source=../integration/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../integration/lib.sh"

_vm_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# the build tree: where tapswd was found (lib.sh), else the current directory
if [[ -n $TAPSWD && $TAPSWD == */src/tapswd ]]; then
	_vm_build=$(cd "$(dirname "$TAPSWD")/.." && pwd)
else
	_vm_build=$PWD
fi
VM_CACHE=${VM_CACHE:-$_vm_build/tests/vm/.cache}
VM_QEMU=${VM_QEMU:-qemu-system-x86_64}
VM_BUSYBOX=
VM_KERNEL=
VM_INITRD=
declare -A VM_PID=()		# VM name -> QEMU pid
declare -A VM_LOG=()		# VM name -> serial console file
declare -A VM_T0=()		# VM name -> start time (ns)
VM_RESULT=

# the modules virtio-net needs, in load order (those built in are skipped)
VM_MODULES=(virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio
	    virtio_pci failover net_failover virtio_net)

vm_need() {
	need_basics
	need_cmd "$VM_QEMU" cpio
	local bb
	for bb in "${VM_BUSYBOX_BIN:-}" /bin/busybox /usr/bin/busybox; do
		[[ -n $bb && -x $bb ]] || continue
		# the initramfs has no libc: the binary must be static
		if [[ $(LC_ALL=C ldd "$bb" 2>&1 || true) == *"not a dynamic"* ]]; then
			VM_BUSYBOX=$bb
			break
		fi
	done
	[[ -n $VM_BUSYBOX ]] || skip "needs a static busybox (Debian: busybox-static)"
	"$VM_QEMU" -accel help 2>/dev/null | grep -qw tcg ||
		skip "$VM_QEMU has no TCG accelerator"
	"$VM_QEMU" -device help 2>/dev/null | grep -q '"virtio-net-pci"' ||
		skip "$VM_QEMU has no virtio-net-pci device"
}

# _vm_fetch_kernel: fill $VM_CACHE/k with vmlinuz and modules/*.ko
_vm_fetch_kernel() {
	local c=$VM_CACHE d deb pkg m f
	[[ -s $c/k/vmlinuz && -f $c/k/done ]] && return 0
	mkdir -p "$c" || return 1
	d=$(mktemp -d "$c/fetch.XXXXXX") || return 1
	if [[ -n ${VM_KERNEL_DEB:-} ]]; then
		deb=$VM_KERNEL_DEB
	else
		command -v apt-get >/dev/null || { rm -rf "$d"; return 1; }
		# the meta package only depends on the versioned image
		pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
		[[ -n $pkg ]] || { rm -rf "$d"; return 1; }
		(cd "$d" && apt-get download "$pkg" >/dev/null 2>&1) ||
			{ rm -rf "$d"; return 1; }
		deb=$(echo "$d"/*.deb)
	fi
	dpkg -x "$deb" "$d/x" || { rm -rf "$d"; return 1; }
	rm -rf "$c/k"
	mkdir -p "$c/k/modules"
	f=$(echo "$d"/x/boot/vmlinuz-*)
	[[ -f $f ]] || { rm -rf "$d"; return 1; }
	cp "$f" "$c/k/vmlinuz"
	for m in "${VM_MODULES[@]}"; do
		f=$(find "$d/x/lib/modules" -name "$m.ko*" | head -n 1)
		# not a module: built in (or absent; the VM then has no eth0)
		[[ -n $f ]] || continue
		case $f in
		*.ko.xz) xz -dc "$f" >"$c/k/modules/$m.ko" ;;
		*.ko.zst) zstd -qdc "$f" >"$c/k/modules/$m.ko" ;;
		*.ko.gz) gzip -dc "$f" >"$c/k/modules/$m.ko" ;;
		*) cp "$f" "$c/k/modules/$m.ko" ;;
		esac || { rm -rf "$d"; return 1; }
	done
	basename "$deb" >"$c/k/done"
	rm -rf "$d"
}

# the VM's /init (busybox sh)
_vm_init_script() {
	cat <<'EOF'
#!/bin/busybox sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mkdir -p /proc /sys /dev /tmp /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /lib/modules/order); do
	[ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done

# tcp_busy: a TCP socket still has data or a FIN the peer has not acked
# (ESTABLISHED, FIN_WAIT1, CLOSE_WAIT, LAST_ACK, CLOSING)
tcp_busy() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk 'NR > 1 && $4 ~ /^(01|04|08|09|0B)$/ { n++ } END { exit !n }'
}

result() {
	# a server's nc exits once the kernel has its data, not the peer:
	# let the peer ack it all before powering off (at most 20 s)
	local n=0
	while tcp_busy && [ $n -lt 40 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	echo "TSW-RESULT: $*" >/dev/console
	sync
	poweroff -f
	sleep 10
}

arg() {
	local a
	for a in $(cat /proc/cmdline); do
		case $a in "tsw.$1="*) echo "${a#tsw.$1=}"; return ;; esac
	done
}
IP=$(arg ip)
PEER=$(arg peer)
MTU=$(arg mtu)
STEPS=$(arg steps)
case $IP in */*) ;; *) IP=$IP/24 ;; esac

i=0
while ! ip link show eth0 >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && result "FAIL no eth0"
	sleep 0.1
done
ip link set lo up
[ -n "$MTU" ] && ip link set eth0 mtu "$MTU"
ip addr add "$IP" dev eth0
ip link set eth0 up
MTU=$(cat /sys/class/net/eth0/mtu)
echo "TSW-UP: $IP peer $PEER mtu $MTU uptime $(cut -d' ' -f1 /proc/uptime)"

# wait up to $1 seconds for cmd "$@" to succeed
retry() {
	local secs=$1 t=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t + 1))
		[ $t -ge $((secs * 2)) ] && return 1
		sleep 0.5
	done
}

step_ping() {
	retry 60 ping -c 1 -W 1 "$PEER" || { echo "peer $PEER unreachable"; return 1; }
	ping -q -c 3 -i 0.2 -W 2 "$PEER" | grep -q ' 0% packet loss' ||
		{ echo "small pings lost"; return 1; }
	ping -q -c 3 -i 0.2 -W 2 -s $((MTU - 28)) "$PEER" | grep -q ' 0% packet loss' ||
		{ echo "full-MTU ($MTU) pings lost"; return 1; }
	echo "ping ok (56 and $((MTU - 28)) bytes)"
}

fetch_sum() {
	nc -w 5 "$PEER" 5002 -e sh -c 'cat > /tmp/peer.md5'
	[ -s /tmp/peer.md5 ]
}
fetch_data() {
	nc -w 5 "$PEER" 5001 -e sh -c 'md5sum > /tmp/got.md5'
	[ -s /tmp/got.md5 ]
}

step_tcp() {
	local mib=${1:-4} t0 t1 p1 p2 n
	dd if=/dev/urandom of=/tmp/data bs=65536 count=$((mib * 16)) 2>/dev/null
	md5sum < /tmp/data > /tmp/data.md5
	nc -l -p 5001 -e cat /tmp/data & p1=$!
	nc -l -p 5002 -e cat /tmp/data.md5 & p2=$!
	rm -f /tmp/peer.md5 /tmp/got.md5
	retry 60 fetch_sum || { echo "tcp: no md5 from $PEER:5002"; return 1; }
	t0=$(date +%s)
	retry 30 fetch_data || { echo "tcp: no data from $PEER:5001"; return 1; }
	t1=$(date +%s)
	[ "$(cut -d' ' -f1 /tmp/got.md5)" = "$(cut -d' ' -f1 /tmp/peer.md5)" ] ||
		{ echo "tcp: md5 mismatch: got $(cat /tmp/got.md5) want $(cat /tmp/peer.md5)"; return 1; }
	echo "tcp: fetched $(cat /tmp/got.md5 | cut -c1-8) from $PEER in $((t1 - t0)) s"
	# the peer fetches ours too
	n=0
	while kill -0 $p1 2>/dev/null || kill -0 $p2 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt 120 ] && { kill $p1 $p2; echo "tcp: $PEER did not fetch our data"; return 1; }
		sleep 0.5
	done
	echo "tcp: $PEER fetched ours"
}

step_stage() {
	echo "TSW-STAGE: $1"
}

fetch_token_from() {
	[ "$(nc -w 2 "$1" 5003 -e sh -c 'cat > /tmp/token'; cat /tmp/token)" = "$2" ]
}
step_token() {
	rm -f /tmp/token
	retry "${2:-60}" fetch_token_from "$PEER" "$1" || { echo "token '$1' not seen from $PEER:5003"; return 1; }
	echo "token '$1' received"
}
step_tokenfrom() {
	rm -f /tmp/token
	retry "${3:-60}" fetch_token_from "$1" "$2" ||
		{ echo "token '$2' not seen from $1:5003"; return 1; }
	echo "token '$2' received from $1"
}
step_pingwith() {
	PEER=$1 step_ping
}
step_tcpwith() {
	PEER=$1 step_tcp "${2:-4}"
}

step_sleep() {
	sleep "$1"
}

step_up() {
	:
}
EOF
	if [[ -n ${VM_INIT_EXTRA:-} ]]; then
		cat "$VM_INIT_EXTRA"
	fi
	cat <<'EOF'

for s in $(echo "$STEPS" | tr ',' ' '); do
	name=${s%%:*}
	args=
	case $s in *:*) args=$(echo "${s#*:}" | tr ':' ' ') ;; esac
	echo "TSW-STEP: $name $args"
	out=$(step_$name $args 2>&1) || result "FAIL $name: $(echo $out | tail -c 200)"
	echo "$out"
done
result PASS
EOF
}

# _vm_add_bin ROOT PROGRAM: PROGRAM as ROOT/usr/local/bin/NAME, with its
# shared libraries (and the dynamic loader) at their own paths under ROOT
_vm_add_bin() {
	local r=$1 b lib
	b=$(command -v "$2") || return 1
	mkdir -p "$r/usr/local/bin"
	cp -L "$b" "$r/usr/local/bin/" || return 1
	for lib in $(LC_ALL=C ldd "$b" 2>/dev/null | grep -o '/[^ ]*'); do
		[[ -e $r$lib ]] && continue
		mkdir -p "$r$(dirname "$lib")"
		cp -L "$lib" "$r$lib" || return 1
	done
}

vm_prepare() {
	local r m
	_vm_fetch_kernel ||
		skip "cannot get the kernel (apt-get download linux-image-cloud-amd64 failed; set VM_KERNEL_DEB)"
	VM_KERNEL=$VM_CACHE/k/vmlinuz
	r=$TMPD/initramfs
	rm -rf "$r"
	mkdir -p "$r/bin" "$r/lib/modules"
	cp "$VM_BUSYBOX" "$r/bin/busybox"
	for m in "${VM_MODULES[@]}"; do
		[[ -f $VM_CACHE/k/modules/$m.ko ]] || continue
		cp "$VM_CACHE/k/modules/$m.ko" "$r/lib/modules/"
		echo "$m" >>"$r/lib/modules/order"
	done
	touch "$r/lib/modules/order"
	for m in ${VM_EXTRA_BINS:-}; do
		_vm_add_bin "$r" "$m" || hard_error "cannot put $m in the initramfs"
	done
	_vm_init_script >"$r/init"
	chmod 755 "$r/init"
	VM_INITRD=$TMPD/initramfs.cpio.gz
	(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$VM_INITRD" ||
		hard_error "cannot build the initramfs"
}

vm_start() {
	local name=$1 netdev=$2 mac=$3 ip=$4 peer=$5 steps
	shift 5
	steps=$(IFS=,; echo "up,$*")
	[[ -n $VM_INITRD ]] || hard_error "vm_start before vm_prepare"
	VM_LOG[$name]=$TMPD/vm-$name.console
	: >"${VM_LOG[$name]}"
	VM_T0[$name]=$(date +%s%N)
	# shellcheck disable=SC2086
	spawn "$TMPD/vm-$name.qemu" ip netns exec "${VM_NS:-$SW_NS}" \
		"$VM_QEMU" -M pc -accel tcg -cpu max -m "${VM_MEM:-256}" \
		-nodefaults -display none -monitor none -no-reboot \
		-serial "file:${VM_LOG[$name]}" \
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" \
		-append "console=ttyS0 panic=-1 quiet no_timer_check tsw.ip=$ip tsw.peer=$peer tsw.mtu=${VM_MTU:-} tsw.steps=$steps" \
		-netdev "$netdev,id=n0" \
		-device "virtio-net-pci,netdev=n0,mac=$mac${VM_DEVICE_OPTS:+,$VM_DEVICE_OPTS}" \
		${VM_QEMU_ARGS:-}
	VM_PID[$name]=$SPAWNED
	log "VM $name: QEMU pid ${VM_PID[$name]}, $ip, mac $mac, netdev $netdev, steps $steps"
}

vm_console() { echo "${VM_LOG[$1]}"; }

_vm_tail() {
	printf '# ---- VM %s console (last lines) ----\n' "$1" >&2
	tail -n "${2:-25}" "${VM_LOG[$1]}" 2>/dev/null | tr -d '\r' | sed 's/^/#   /' >&2
	if [[ -s $TMPD/vm-$1.qemu ]]; then
		printf '# ---- QEMU output ----\n' >&2
		tail -n 10 "$TMPD/vm-$1.qemu" | sed 's/^/#   /' >&2
	fi
}

vm_wait_line() {
	local name=$1 re=$2 secs=$3 deadline
	deadline=$(($(date +%s) + secs))
	while ! tr -d '\r' <"${VM_LOG[$name]}" | grep -qE "$re"; do
		if ! kill -0 "${VM_PID[$name]}" 2>/dev/null ||
		   (($(date +%s) >= deadline)); then
			_vm_tail "$name"
			return 1
		fi
		sleep 0.2
	done
}

# guest uptime when the init reached its steps (kernel boot + modules)
vm_boot_secs() {
	tr -d '\r' <"${VM_LOG[$1]}" | sed -n 's/^TSW-UP: .* uptime \([0-9.]*\).*/\1/p' | head -n 1
}

vm_wait() {
	local name=$1 secs=$2 deadline line
	deadline=$(($(date +%s) + secs))
	while :; do
		line=$(tr -d '\r' <"${VM_LOG[$name]}" | grep -m1 '^TSW-RESULT: ' || true)
		[[ -n $line ]] && break
		if ! kill -0 "${VM_PID[$name]}" 2>/dev/null; then
			sleep 0.3	# its last words
			line=$(tr -d '\r' <"${VM_LOG[$name]}" | grep -m1 '^TSW-RESULT: ' || true)
			[[ -n $line ]] && break
			VM_RESULT="QEMU exited without a result"
			_vm_tail "$name"
			return 1
		fi
		if (($(date +%s) >= deadline)); then
			VM_RESULT="no result within $secs s"
			_vm_tail "$name"
			return 1
		fi
		sleep 0.2
	done
	VM_RESULT=${line#TSW-RESULT: }
	local took
	took=$(awk -v a="${VM_T0[$name]}" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	log "VM $name: $VM_RESULT (guest up at $(vm_boot_secs "$name") s, result $took s after start)"
	if [[ $VM_RESULT == PASS ]]; then
		return 0
	fi
	_vm_tail "$name"
	return 1
}

vm_stop() {
	stop_pid "${VM_PID[$1]}"
}

# vm_host_tcp HOST PEER [SECS]: the host's half of the VM "tcp" step
vm_host_tcp() {
	local host=$1 peer=$2 secs=${3:-90} ns=${HOST_NS[$1]} d p1 p2 i bb=$VM_BUSYBOX
	d=$TMPD/host-$host-tcp
	mkdir -p "$d"
	head -c $((4 * 1024 * 1024)) /dev/urandom >"$d/data"
	"$bb" md5sum <"$d/data" >"$d/data.md5"
	spawn "$d/srv1.log" ip netns exec "$ns" "$bb" nc -l -p 5001 -e "$bb" cat "$d/data"
	p1=$SPAWNED
	spawn "$d/srv2.log" ip netns exec "$ns" "$bb" nc -l -p 5002 -e "$bb" cat "$d/data.md5"
	p2=$SPAWNED
	rm -f "$d/peer.md5" "$d/got.md5"
	wait_until "$secs" ip netns exec "$ns" "$bb" nc -w 5 "$peer" 5002 \
		-e "$bb" sh -c "\"$bb\" cat > \"$d/peer.md5\"; test -s \"$d/peer.md5\"" ||
		true
	[[ -s $d/peer.md5 ]] || { log "host $host: no md5 from $peer:5002"; return 1; }
	ip netns exec "$ns" "$bb" nc -w 5 "$peer" 5001 \
		-e "$bb" sh -c "\"$bb\" md5sum > \"$d/got.md5\"" || true
	if [[ $(cut -d' ' -f1 "$d/got.md5" 2>/dev/null) != "$(cut -d' ' -f1 "$d/peer.md5")" ]]; then
		log "host $host: data from $peer:5001 does not match its md5"
		return 1
	fi
	for ((i = 0; i < secs * 5; i++)); do
		kill -0 "$p1" 2>/dev/null || kill -0 "$p2" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$p1" 2>/dev/null || kill -0 "$p2" 2>/dev/null; then
		log "host $host: $peer did not fetch our data"
		return 1
	fi
	log "host $host: TCP both ways with $peer, 4 MiB each, md5 ok"
}

# vm_host_token HOST TOKEN: serve TOKEN once on TCP 5003 (background)
vm_host_token() {
	local host=$1 token=$2 ns=${HOST_NS[$1]} f
	f=$TMPD/token-$host-$RANDOM
	printf '%s' "$token" >"$f"
	spawn "$f.log" ip netns exec "$ns" "$VM_BUSYBOX" nc -l -p 5003 -e "$VM_BUSYBOX" cat "$f"
	VM_TOKEN_PID=$SPAWNED
}

# vm_restart_switch [SIGNAL]: a new tapswd in $SW_NS on the same socket
vm_restart_switch() {
	local sig=${1:-TERM} i
	if [[ $sig == TERM ]]; then
		stop_switch
	else
		kill "-$sig" "$TAPSWD_PID"
		wait "$TAPSWD_PID" 2>/dev/null || true
		TAPSWD_PID=
	fi
	TAPSWD_LOG=$TMPD/tapswd-restart-$((++_vm_restarts)).log
	spawn "$TAPSWD_LOG" ip netns exec "$SW_NS" "${tapswd_wrapper[@]}" "$TAPSWD" -v -s "$SOCK" "${_vm_switch_args[@]}"
	TAPSWD_PID=$SPAWNED
	for ((i = 0; i < 200; i++)); do
		ctl show >/dev/null 2>&1 && break
		tapswd_alive || fail "the new tapswd exited at start"
		sleep 0.1
	done
	ctl show >/dev/null 2>&1 || fail "the new tapswd did not answer within 20 s"
	log "tapswd restarted (SIG$sig): pid $TAPSWD_PID"
}

# remember start_switch's arguments for vm_restart_switch
declare -a _vm_switch_args=()
_vm_restarts=0
eval "_lib_$(declare -f start_switch)"
start_switch() {
	_vm_switch_args=("$@")
	_lib_start_switch "$@"
}
