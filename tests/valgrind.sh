#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/valgrind.sh [TEST...] -- the integration tests with tapswd under
# valgrind's memcheck.  Needs root (as the tests do) and valgrind; slow.
#
# ASan and valgrind do not mix, so tapswd is built without sanitizers: the
# tree itself when it is configured so, else a copy of the tracked files
# (uncommitted changes included) built in VALGRIND_BUILD (default
# tests/valgrind-build, not kept in git).  Each test runs with
# TAPSWD_WRAPPER="valgrind --log-file=...", so every tapswd a test starts
# runs under memcheck (lib.sh start_switch; 80-state's restart too).
#
# TESTS: names under tests/integration (e.g. 30-ctl.sh); default: all but
# 70-macflood (its paced million-frame flood means nothing at memcheck's
# speed, and it checks that /proc/PID/exe is tapswd).
#
# Fails (exit 1) if a test fails or any tapswd log shows a memcheck error
# or a definite leak.  A log without a summary is a tapswd killed with
# SIGKILL (80-state does it on purpose): listed, not counted as a failure.
# Results: VALGRIND_BUILD/valgrind-logs/TEST/ and a table at the end.

set -u -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${VALGRIND_BUILD:-$top/tests/valgrind-build}

die() { printf 'valgrind.sh: %s\n' "$*" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || die "needs root, as the integration tests do"
command -v valgrind >/dev/null || die "valgrind is not installed"

# --- a tapswd without sanitizers
if [[ -x $top/src/tapswd && -f $top/config.status ]] &&
   ! grep -q -- '--enable-sanitizers' "$top/config.status"; then
	build=$top
	echo "valgrind.sh: using the tree's own build ($top, no sanitizers)"
else
	echo "valgrind.sh: building without sanitizers in $build"
	mkdir -p "$build"
	(cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$build" ||
		die "cannot copy the sources to $build"
	(cd "$build" &&
	 { [[ -f configure ]] || autoreconf -fi; } &&
	 { [[ -f Makefile ]] || ./configure CFLAGS="-g -O1"; } &&
	 make -j2 src/tapswd src/tapswctl tests/tools/qemu-peer \
		tests/tools/badframe tests/tools/macflood) >"$build/build.log" 2>&1 ||
		die "build failed: see $build/build.log"
fi

if (($# == 0)); then
	set --
	for t in "$top"/tests/integration/[0-9]*.sh; do
		case ${t##*/} in
		70-macflood.sh) ;;
		*) set -- "$@" "${t##*/}" ;;
		esac
	done
fi

logs=$build/valgrind-logs
rm -rf "$logs"
mkdir -p "$logs"
status=0
printf '%-22s %-6s %6s %8s %14s %s\n' TEST RESULT TAPSWDS ERRORS "DEF. LOST (B)" NOTES >"$logs/summary"

for t in "$@"; do
	name=${t%.sh}
	dir=$logs/$name
	mkdir -p "$dir"
	chmod 1777 "$logs" "$dir"	# 90-privileges runs tapswd as another uid
	start=$(date +%s)
	rc=0
	env TAPSWD="$build/src/tapswd" TAPSWCTL="$build/src/tapswctl" \
	    TESTLIB="$top/tests/integration/lib.sh" \
	    QEMU_PEER="$build/tests/tools/qemu-peer" \
	    BADFRAME="$build/tests/tools/badframe" \
	    MACFLOOD="$build/tests/tools/macflood" \
	    TAPSWD_WRAPPER="valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --track-fds=no --log-file=$dir/tapswd.%p.log" \
	    bash "$top/tests/integration/$t" >"$dir/test.log" 2>&1 || rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0) result=PASS ;;
	77) result=SKIP ;;
	*) result=FAIL status=1 ;;
	esac
	n=0 errors=0 lost=0 killed=0 notes=""
	for f in "$dir"/tapswd.*.log; do
		[[ -e $f ]] || continue
		n=$((n + 1))
		if ! grep -q 'ERROR SUMMARY:' "$f"; then
			killed=$((killed + 1))
			continue
		fi
		e=$(awk '/ERROR SUMMARY:/ { s += $4 } END { print s + 0 }' "$f")
		l=$(awk '/definitely lost:/ { gsub(",", "", $4); s += $4 } END { print s + 0 }' "$f")
		errors=$((errors + e)) lost=$((lost + l))
	done
	((killed == 0)) || notes="$killed killed (no summary)"
	((n > 0)) || notes="no tapswd ran"
	((errors == 0 && lost == 0)) || status=1
	printf '%-22s %-6s %6d %8d %14d %s\n' "$name" "$result" "$n" "$errors" "$lost" \
		"${secs}s${notes:+; $notes}" | tee -a "$logs/summary"
done

echo
cat "$logs/summary"
echo "valgrind.sh: logs in $logs"
exit $status
