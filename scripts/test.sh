#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/test.sh -- install what the tests need, build tapsw in a fresh
# build directory and run the whole test suite (`make check`, one test at a
# time). Run as root on Debian 12: the integration tests build network
# namespaces and TAPs (as root they run; otherwise they are skipped).
#
#   sudo scripts/test.sh [CONFIGURE ARGS...]
#
# A fresh build is configured with --enable-sanitizers (ASan + UBSan: every
# test runs under them, and LeakSanitizer checks each tapswd at exit) unless
# configure arguments are given, e.g. --disable-sanitizers for a plain build.
#
# Environment: NO_INSTALL=1 skips apt-get; BUILD_DIR (default build/).
# The last line printed is the totals, from automake's test-suite.log:
#   N passed, N failed[, N skipped]
# (passed = PASS + XFAIL, failed = FAIL + XPASS + ERROR, skipped = SKIP);
# a failed install, configure or build counts as one failure.
# Exit status: 0 if nothing failed.

set -uo pipefail
export LC_ALL=C

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cfg_args=("$@")
jobs=$(nproc 2>/dev/null || echo 2)
unset MAKEFLAGS MFLAGS

say() { printf '== %s\n' "$*"; }

# finish PASSED FAILED SKIPPED: the totals line, last; exit status
finish() {
	local line="$1 passed, $2 failed"
	(($3)) && line+=", $3 skipped"
	echo "$line"
	exit $(($2 > 0 ? 1 : 0))
}

# A step that cannot run counts as one failure.
broken() {
	printf 'test.sh: %s\n' "$*" >&2
	finish 0 1 0
}

# ------------------------------------------------------------- packages --
PKGS=(build-essential autoconf automake libtool pkg-config
      libuv1-dev libmnl-dev libjansson-dev liburing-dev
      iproute2 iputils-ping procps jq tcpdump socat iperf3 ethtool python3 openvswitch-switch
      qemu-system-x86 busybox-static cpio clang libclang-rt-14-dev)
if [[ -z ${NO_INSTALL:-} ]]; then
	missing=()
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	if ((${#missing[@]})); then
		[[ $(id -u) -eq 0 ]] || broken "missing packages (${missing[*]}); run as root or install them"
		say "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q </dev/null || broken "apt-get update failed"
		apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
			broken "apt-get install failed"
	fi
fi
[[ $(id -u) -eq 0 ]] || say "not root: the integration tests will be skipped"

# ---------------------------------------------------------------- build --
cd "$top" || broken "cannot cd to $top"
if [[ -f $top/config.status ]]; then
	# configured in place (a developer tree): automake refuses a VPATH
	# build next to that, so build and test in place
	bld=$top
	say "the source tree is configured in place: building there"
	if ((${#cfg_args[@]})); then
		./configure "${cfg_args[@]}" || broken "configure failed"
	fi
else
	bld=${BUILD_DIR:-$top/build}
	((${#cfg_args[@]})) || cfg_args=(--enable-sanitizers)
	say "fresh build in $bld ${cfg_args[*]}"
	if [[ ! -x configure ]]; then
		autoreconf -fi || broken "autoreconf failed"
	fi
	rm -rf "$bld"
	mkdir -p "$bld" || broken "cannot create $bld"
	cd "$bld" || broken "cannot cd to $bld"
	"$top/configure" "${cfg_args[@]}" || broken "configure failed"
fi
cd "$bld" || broken "cannot cd to $bld"
make -j"$jobs" || broken "the build failed"

# ---------------------------------------------------------------- tests --
say "make check"
rm -f test-suite.log
make -j1 check </dev/null
rc=$?
log=$bld/test-suite.log
[[ -f $log ]] || broken "make check ended ($rc) without a test-suite.log (the build of the tests failed?)"

count() { awk -v k="# $1:" '$1 " " $2 == k { print $3; found = 1; exit } END { if (!found) print 0 }' "$log"; }
pass=$(count PASS) xfail=$(count XFAIL)
fail=$(count FAIL) xpass=$(count XPASS) error=$(count ERROR)
skip=$(count SKIP)
passed=$((pass + xfail))
failed=$((fail + xpass + error))

if ((skip)); then
	say "skipped tests:"
	grep -h '^SKIP:' "$bld"/tests/*/*.log 2>/dev/null | sed 's/^/   /'
fi
if ((failed)); then
	say "logs of the failed tests ($log):"
	cat "$log"
elif ((rc)); then
	# make check failed but no test did: a build error in the test programs
	say "make check exited $rc with no failed test"
	failed=1
fi
finish "$passed" "$failed" "$skip"
