#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/demo.sh -- tapsw's main job, from a fresh Debian 12 machine, as root:
#
#   1. installs what is missing (build tools, libuv, libmnl, jansson, iproute2,
#      ping, jq) with apt-get;
#   2. builds tapsw if needed (autoreconf -fi && ./configure && make);
#   3. starts tapswd with three hosts, each in its own network namespace on a
#      TAP port of the switch, and pings every pair (IPv4 and IPv6);
#   4. shows `tapswctl port list` and `tapswctl fdb show`;
#   5. removes everything it made (namespaces, TAPs, the daemon).
#
# Nothing is configured in the root namespace: tapswd runs in a namespace of
# its own, so its TAPs are born there; each is moved into a host namespace.
# Hosts use 10.0.0.1-3/24 and fd00::1-3/64.
#
# Usage: sudo scripts/demo.sh [--no-install]

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
install=1
[[ ${1:-} == --no-install ]] && install=0

say()  { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }
die()  { printf 'demo: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run me as root (sudo $0): TAPs and namespaces need CAP_NET_ADMIN"
[[ -c /dev/net/tun ]] || die "/dev/net/tun is missing: this kernel or container has no TUN/TAP"

# ---------------------------------------------------------------- 1. deps --
PKGS=(build-essential autoconf automake libtool pkg-config
      libuv1-dev libmnl-dev libjansson-dev liburing-dev iproute2 iputils-ping jq procps)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	((install)) || die "missing packages: ${missing[*]}"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi

# --------------------------------------------------------------- 2. build --
# The build directory we are run from (`make demo`), else an in-tree build
# if the tree is configured in place, else build/.
if [[ -f $PWD/Makefile && -x $PWD/src/tapswd && -x $PWD/src/tapswctl ]]; then
	bld=$PWD
elif [[ -f $top/config.status ]]; then
	bld=$top
else
	bld=$top/build
fi
if [[ ! -x $bld/src/tapswd || ! -x $bld/src/tapswctl ]]; then
	say "building tapsw in $bld"
	(
		cd "$top"
		[[ -x configure ]] || autoreconf -fi >/dev/null 2>&1
		mkdir -p "$bld"
		cd "$bld"
		[[ -f Makefile ]] || "$top/configure" --quiet >/dev/null
		make -s -j"$(nproc)" >/dev/null
	) || die "the build failed: run 'autoreconf -fi && ./configure && make' to see why"
fi
TAPSWD=$bld/src/tapswd
TAPSWCTL=$bld/src/tapswctl

# ------------------------------------------------------------- 3. switch --
T="tswdemo$$"			# every name we make starts with this
SW="$T-sw"
HOSTS=(h1 h2 h3)
TMPD=$(mktemp -d "/tmp/$T.XXXXXX")
SOCK=$TMPD/tapswd.sock
LOG=$TMPD/tapswd.log
PID=
made_ns=()

cleanup() {
	local rc=$? ns l
	set +e
	if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID"
		for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
		wait "$PID" 2>/dev/null
	fi
	# the TAPs are persistent: delete them, then the namespaces
	for ns in "${made_ns[@]}"; do
		for l in $(ip -n "$ns" -o link show type tun 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
			ip -n "$ns" link del "$l"
		done
		ip netns del "$ns"
	done
	if ((rc)) && [[ -s $LOG ]]; then
		printf '\ntapswd log:\n'; sed 's/^/   /' "$LOG"
	fi
	rm -rf "$TMPD"
	((rc)) || say "cleaned up: namespaces, TAPs and tapswd are gone"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ctl() { "$TAPSWCTL" -s "$SOCK" "$@"; }
run() { printf '   $ %s\n' "$*"; "$@"; }

say "starting tapswd ($("$TAPSWD" -V)) in namespace $SW"
ip netns add "$SW"; made_ns+=("$SW")
ip -n "$SW" link set lo up
ip netns exec "$SW" "$TAPSWD" -s "$SOCK" </dev/null >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 100); do
	ctl show >/dev/null 2>&1 && break
	kill -0 "$PID" 2>/dev/null || die "tapswd exited: $(cat "$LOG")"
	sleep 0.1
done
ctl show >/dev/null || die "tapswd does not answer on $SOCK"
note "pid $PID, control socket $SOCK"

say "three hosts, each in its own namespace on a TAP port"
i=0
for h in "${HOSTS[@]}"; do
	i=$((i + 1))
	ns="$T-$h" tap="tswd$$$h"
	ip netns add "$ns"; made_ns+=("$ns")
	ip -n "$ns" link set lo up
	printf '   $ tapswctl port add %s\n' "$tap"
	ctl port add "$tap" >/dev/null
	run ip -n "$SW" link set "$tap" netns "$ns"
	ip -n "$ns" link set "$tap" name eth0
	ip -n "$ns" addr add "10.0.0.$i/24" dev eth0
	ip -n "$ns" addr add "fd00::$i/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	note "$h: namespace $ns, port $tap (eth0 there), 10.0.0.$i, fd00::$i"
done

say "pinging every pair"
fails=0
i=0
for a in "${HOSTS[@]}"; do
	i=$((i + 1)); j=0
	for b in "${HOSTS[@]}"; do
		j=$((j + 1))
		[[ $a == "$b" ]] && continue
		for addr in "10.0.0.$j" "fd00::$j"; do
			if out=$(ip netns exec "$T-$a" ping -n -c 3 -i 0.2 -W 3 "$addr" 2>&1); then
				rtt=$(awk -F/ '/^rtt/ {print $5}' <<<"$out")
				printf '   %s -> %s %-10s ok (avg %s ms)\n' "$a" "$b" "$addr" "$rtt"
			else
				printf '   %s -> %s %-10s FAILED\n' "$a" "$b" "$addr"
				fails=$((fails + 1))
			fi
		done
	done
done

say "tapswctl port list"
ctl port list | sed 's/^/   /'
say "tapswctl fdb show"
ctl fdb show | sed 's/^/   /'
macs=()
for h in "${HOSTS[@]}"; do
	macs+=("$h $(ip -n "$T-$h" -o link show eth0 | awk '{for (k = 1; k < NF; k++) if ($k == "link/ether") print $(k + 1)}')")
done
list=$(IFS=,; echo "${macs[*]}")
note "(the hosts' MACs: ${list//,/, })"

((fails == 0)) || die "$fails pings failed"
say "all 12 pings answered"
