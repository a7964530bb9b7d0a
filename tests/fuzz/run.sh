#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run.sh - build the libFuzzer targets (fuzz-ctl, fuzz-frame,
# fuzz-vhost, fuzz-vxlan, fuzz-bpdu) with clang -fsanitize=fuzzer,address,undefined and run each
# for a bounded time from its seed corpus.  A smoke test in `make check`; by
# hand, a longer run:
#
#   tests/fuzz/run.sh                      # 40 s shared by the targets
#   FUZZ_SECONDS=300 tests/fuzz/run.sh     # 5 min each
#   FUZZ_TARGETS=frame tests/fuzz/run.sh   # one of them (all 40 s)
#
# The sources (src/*.c, no backend, no event loop) are compiled directly
# with the fuzzer flags; config.h comes from the build directory.
# Environment: srcdir, top_srcdir (default: this script's ../..),
# top_builddir (default: the current directory if it holds config.h, else
# the source tree), FUZZ_SECONDS (seconds each; default FUZZ_BUDGET, 40,
# shared equally), FUZZ_TARGETS ("ctl frame vhost vxlan bpdu"),
# FUZZ_BUILD_DIR (default $top_builddir/tests/fuzz-build), FUZZ_CC (clang),
# FUZZ_ARGS (more libFuzzer options).
# New inputs go to $FUZZ_BUILD_DIR/corpus-*; the seeds are only read.
# Exit status: 0 no crash; 1 a crash, leak or build failure (the crash file
# is kept and its path printed); 77 (skip) without clang or libFuzzer.

set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=$(cd "${top_srcdir:-$here/../..}" && pwd)
if [[ -n ${top_builddir:-} ]]; then
	builddir=$(cd "$top_builddir" && pwd)
elif [[ -f config.h ]]; then
	builddir=$(pwd)
else
	builddir=$top_srcdir
fi
targets=${FUZZ_TARGETS:-ctl frame vhost vxlan bpdu}
read -r -a _t <<<"$targets"
# make check's budget stays 40 s however many targets there are
seconds=${FUZZ_SECONDS:-$(( ${FUZZ_BUDGET:-40} / (${#_t[@]} ? ${#_t[@]} : 1) ))}
out=${FUZZ_BUILD_DIR:-$builddir/tests/fuzz-build}
cc=${FUZZ_CC:-clang}

skip() { echo "fuzz: SKIP: $*"; exit 77; }
fail() { echo "fuzz: FAIL: $*"; exit 1; }

[[ -f $builddir/config.h ]] ||
	fail "no config.h in $builddir: run configure first (or set top_builddir)"
command -v "$cc" >/dev/null || skip "$cc not found (apt-get install clang)"
mkdir -p "$out" || fail "cannot create $out"

# can this clang build and link a libFuzzer target with the sanitizers?
flags=(-std=c11 -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	'{ return (int)(n && !d); }' > "$out/probe.c"
if ! "$cc" "${flags[@]}" "$out/probe.c" -o "$out/probe" 2>"$out/probe.log"; then
	sed 's/^/  /' "$out/probe.log" | head -5
	skip "$cc cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)"
fi

jansson_cflags=$(pkg-config --cflags jansson 2>/dev/null)
jansson_libs=$(pkg-config --libs jansson 2>/dev/null || echo -ljansson)
uv_cflags=$(pkg-config --cflags libuv 2>/dev/null)
uv_libs=$(pkg-config --libs libuv 2>/dev/null || echo -luv)
common=(src/log.c src/ether.c src/fdb.c src/port.c src/switch.c src/csum.c src/vnet.c
	src/mirror.c src/capture.c src/pcapng.c
	src/stp_bpdu.c src/stp.c src/sw_stp.c
	src/vlan.c src/daemon.c)

build() {	# build NAME: $out/fuzz-NAME
	local name=$1 srcs=("${common[@]}") libs=($jansson_libs $uv_libs)

	if [[ $name == vhost ]]; then
		# the vhost-user parsers alone: no switch, no JSON
		srcs=(src/vhost_mem.c src/virtq.c src/vhost_msg.c src/vhost_dev.c)
		libs=()
	fi
	if [[ $name == bpdu ]]; then
		# the spanning tree alone: the BPDU codec and the protocol
		srcs=(src/stp_bpdu.c src/stp.c)
		libs=()
	fi
	if [[ $name == vxlan || $name == ctl ]]; then
		# the vxlan backend (ctl_method.c and state.c ask it too)
		srcs+=(src/vxlan.c src/vxlan_wire.c src/vxlan_gro.c src/udp_batch.c src/port_poll.c)
	fi
	if [[ $name == ctl ]]; then
		srcs+=(src/ctl_proto.c src/ctl_codec.c src/ctl_method.c
		       src/ctl_stp.c)
		# saving is off (no state path) but ctl_method.c links it
		[[ -f $top_srcdir/src/state.c ]] && srcs+=(src/state.c)
		# events.subscribe (refused: no connection) links events.c
		srcs+=(src/events.c)
	fi
	(cd "$top_srcdir" &&
	 "$cc" "${flags[@]}" -Iinclude -I"$builddir" $jansson_cflags $uv_cflags \
		"tests/fuzz/fuzz-$name.c" "${srcs[@]}" "${libs[@]}" \
		-o "$out/fuzz-$name") >"$out/build-$name.log" 2>&1
}

status=0
for t in $targets; do
	echo "fuzz-$t: building"
	if ! build "$t"; then
		cat "$out/build-$t.log"
		fail "fuzz-$t does not build"
	fi
	work=$out/corpus-$t
	mkdir -p "$work"
	rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*
	echo "fuzz-$t: running ${seconds} s from tests/fuzz/corpus-$t"
	# fuzz-ctl: shorter inputs run 10x faster; its shadow line buffer
	# covers overlong lines (FUZZ_ARGS=-max_len=70000 for the real bound)
	[[ $t == ctl ]] && max_len=8192 || max_len=70000
	"$out/fuzz-$t" -max_total_time="$seconds" -max_len=$max_len \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/" ${FUZZ_ARGS:-} \
		"$work" "$top_srcdir/tests/fuzz/corpus-$t" >"$out/fuzz-$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz-$t.log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz-$t.log")
	last=$(grep -E '^#[0-9]+' "$out/fuzz-$t.log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1, features \2, corpus \3/p' \
		<<<"$last")
	echo "fuzz-$t: ${execs:-?} execs, ${speed:-?}/s, ${cov:-no coverage line}"
	artifact=$(ls -t "$out"/crash-* "$out"/leak-* "$out"/timeout-* \
		"$out"/oom-* 2>/dev/null | head -1)
	if ((rc)) || [[ -n $artifact ]]; then
		grep -E -m1 -A12 'ERROR:|runtime error|fuzz-(ctl|frame|vhost|vxlan|bpdu):|ABORTING' \
			"$out/fuzz-$t.log" | head -30
		echo "fuzz-$t: CRASH (exit $rc): input ${artifact:-not written}, log $out/fuzz-$t.log"
		echo "fuzz-$t: reproduce: $out/fuzz-$t ${artifact:-}"
		status=1
	fi
done
exit $status
