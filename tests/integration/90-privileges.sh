#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 90-privileges: tapswd runs as a uid that is not root (one that exists only
# as a number) with CAP_NET_ADMIN alone (setpriv: ambient, inheritable and
# bounding sets), and `--group G`.
# Checks: /proc/PID/status shows that uid and CapEff/CapPrm/CapBnd exactly
# CAP_NET_ADMIN; the control socket is mode 0660 group G in a directory
# tapswd made, mode 0750 group G; it creates TAP ports, moves one into a
# namespace itself (`port add NAME netns NS`) and the hosts ping through
# it; a client uid in group G is served (and logged at debug level with
# its pid and uid), a client uid outside G gets EACCES; a vm port fails
# with an error naming CAP_NET_RAW; tapswd warns that it cannot search
# other namespaces for a TAP (setns needs CAP_SYS_ADMIN), and re-adding a
# TAP moved into one makes a new TAP instead; it warns that it hears link
# events of its own namespace only (CAP_NET_BROADCAST); SIGTERM ends it
# with status 0.
#
# Where /dev/net/tun is not open to other users (some hosts make it 0600),
# tapswd gets its own node, mode 0666, bind-mounted over /dev/net/tun in a
# mount namespace of its own; the host's node is not touched.

. "${TESTLIB:-$(dirname "$0")/lib.sh}"
need_basics setpriv unshare mknod mount stat

# numeric ids that name nobody: tapswd's uid/gid, the socket's group G,
# a client in G, a client outside it
base=$((40000 + $$ % 20000))
D_UID=$base G=$((base + 1)) IN_UID=$((base + 2)) OUT_UID=$((base + 3))
for id in "$D_UID" "$IN_UID" "$OUT_UID"; do
	getent passwd "$id" >/dev/null && skip "uid $id exists on this host"
done
getent group "$G" >/dev/null && skip "gid $G exists on this host"

# as_uid UID GROUPS CMD...: CMD as UID (gid UID), supplementary GROUPS
# ("-" for none), no capabilities
as_uid() {
	local uid=$1 groups=$2
	shift 2
	if [[ $groups == - ]]; then
		setpriv --reuid "$uid" --regid "$uid" --clear-groups --inh-caps -all "$@"
	else
		setpriv --reuid "$uid" --regid "$uid" --groups "$groups" --inh-caps -all "$@"
	fi
}

as_uid "$D_UID" - true 2>/dev/null ||
	skip "setpriv cannot switch to uid $D_UID here (no CAP_SETUID?)"

# the socket's directory lives in a directory tapswd's uid may write
chmod 0711 "$TMPD"
mkdir "$TMPD/run"
chown "$D_UID:$D_UID" "$TMPD/run"
SWITCH_SOCK="$TMPD/run/tapsw/tapswd.sock"

# tapswd's wrapper: [own /dev/net/tun] setpriv [the caller's wrapper]
priv=(setpriv --reuid "$D_UID" --regid "$D_UID" --groups "$G"
      --inh-caps -all,+net_admin --ambient-caps +net_admin
      --bounding-set -all,+net_admin)
if as_uid "$D_UID" - test -r /dev/net/tun -a -w /dev/net/tun; then
	tun_note="the host's /dev/net/tun"
else
	mknod -m 0666 "$TMPD/tun" c 10 200 ||
		skip "/dev/net/tun is closed to uid $D_UID and mknod failed"
	# slave: namespaces made later still show up under /run/netns
	priv=(unshare -m --propagation slave sh -c
	      'mount --bind "$0" /dev/net/tun && exec "$@"' "$TMPD/tun"
	      "${priv[@]}")
	tun_note="a private /dev/net/tun (the host's is $(stat -c %a /dev/net/tun))"
fi
tapswd_wrapper=("${priv[@]}" "${tapswd_wrapper[@]}")
start_switch --group "$G"
log "tapswd as uid $D_UID, group $G, with $tun_note"

# --- who it runs as, with what
status=/proc/$TAPSWD_PID/status
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$status")
[[ $uids == "$D_UID $D_UID $D_UID $D_UID" ]] || fail "tapswd runs with uids $uids, not $D_UID"
for set in CapEff CapPrm CapBnd; do
	v=$(awk -v k="$set:" '$1 == k { print $2 }' "$status")
	[[ $v == 0000000000001000 ]] || fail "tapswd's $set is $v, not CAP_NET_ADMIN alone (0x1000)"
done
caps=$(awk '/^CapEff:/ { print $2 }' "$status")
if command -v capsh >/dev/null; then
	caps="$caps = $(capsh --decode="$caps" | sed 's/.*=//')"
fi
log "tapswd pid $TAPSWD_PID: uid $D_UID, CapEff $caps"

# --- the socket and its directory
sock_mode=$(stat -c '%a %u %g' "$SOCK")
[[ $sock_mode == "660 $D_UID $G" ]] || fail "socket: mode/uid/gid $sock_mode, expected 660 $D_UID $G"
dir_mode=$(stat -c '%a %u %g' "$(dirname "$SOCK")")
[[ $dir_mode == "750 $D_UID $G" ]] ||
	fail "socket directory: mode/uid/gid $dir_mode, expected 750 $D_UID $G"
log "socket $sock_mode, directory $dir_mode"

# --- TAP ports: made by tapswd here, moved by us; one moved by tapswd
add_host h1 1
add_host h2 2
ns_add "$T-h3"
ctl port add "${T}h3" netns "$T-h3" >/dev/null ||
	fail "port add ${T}h3 netns $T-h3 failed with CAP_NET_ADMIN"
HOST_NS[h3]=$T-h3 HOST_IF[h3]=${T}h3 HOST_IDX[h3]=3 HOST_PORT[h3]=${T}h3
host_addr_up h3
ping_ok h1 h2
ping_ok h2 h3
ping_ok h3 h1
log "3 TAP ports, ping between all"

# --- clients: in G served, outside G refused
out=$(as_uid "$IN_UID" "$G" "$TAPSWCTL" -s "$SOCK" -j port list 2>&1) ||
	fail "a client in group $G was refused: $out"
[[ $(jq length <<<"$out") -eq 3 ]] || fail "port list as uid $IN_UID: $out"
as_uid "$IN_UID" "$G" "$TAPSWCTL" -s "$SOCK" port set "${T}h1" mtu 1400 ||
	fail "a client in group $G cannot change a port"
[[ $(port_field "${T}h1" mtu) -eq 1400 ]] || fail "port set mtu as uid $IN_UID did not apply"
grep -Eq "control client [0-9]+: pid [0-9]+ uid $IN_UID gid $IN_UID" "$TAPSWD_LOG" ||
	fail "tapswd did not log uid $IN_UID's connection at debug level"
rc=0
err=$(as_uid "$OUT_UID" - "$TAPSWCTL" -s "$SOCK" show 2>&1 >/dev/null) || rc=$?
((rc != 0)) || fail "a client outside group $G was served"
[[ $err == *"Permission denied"* ]] || fail "a client outside group $G: '$err', expected EACCES"
log "uid $IN_UID (group $G): served; uid $OUT_UID: '$err'"

# --- what CAP_NET_ADMIN alone does not allow, said clearly
rc=0
err=$(ctl port add "${T}vm" vm 2>&1) || rc=$?
((rc != 0)) || fail "a vm port (AF_PACKET) opened without CAP_NET_RAW"
[[ $err == *CAP_NET_RAW* ]] || fail "vm port without CAP_NET_RAW: '$err'"
log "vm port: '$err'"
grep -q "cannot look for existing TAPs in other network namespaces (entering one needs CAP_SYS_ADMIN)" "$TAPSWD_LOG" ||
	fail "no word from tapswd that it cannot search other namespaces"
log "$(grep -o 'port [^ ]*: cannot look.*SYS_ADMIN)' "$TAPSWD_LOG")"
grep -q "link events: only from tapswd's own namespace (listening to the others needs CAP_NET_BROADCAST)" "$TAPSWD_LOG" ||
	fail "no word from tapswd that it watches link events of its own namespace only"
log "$(grep -o 'link events: only.*CAP_NET_BROADCAST)' "$TAPSWD_LOG")"
# so a TAP moved away is not found again: port add makes a new one here
ctl port del "${T}h2" >/dev/null
ctl port add "${T}h2" >/dev/null
ip -n "$SW_NS" link show "${T}h2" >/dev/null 2>&1 &&
	ip -n "$T-h2" link show "${T}h2" >/dev/null 2>&1 ||
	fail "re-adding ${T}h2 (in $T-h2) without CAP_SYS_ADMIN: expected a new TAP in $SW_NS"
ping_ok h1 h3

stop_switch
pass
