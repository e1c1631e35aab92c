# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2034  # sourced: the variables are for the scripts
#
# bench/lib.sh: what bench/failover, bench/scale and bench/bgp share.
# Sourced, not run.
#
# Every daemon a benchmark starts goes through bench_spawn, which records
# its PID and namespace in $RUN/pids; bench_stop signals only those PIDs,
# and only while they still run in the namespace they were started in.
# Every namespace is made by bench_ns_add and removed by bench_cleanup,
# which each benchmark runs from its EXIT trap.  Waits poll with deadlines.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
PY=/usr/bin/python3             # Debian's: dnspython, exabgp
TOOL=$BENCH/benchtool
BUILD=${ANYCASTD_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
OUT=${BENCH_OUT:-$BENCH/results}
RUN=""                          # the scratch directory, bench_init
BENCH_NAMESPACES=""

die() { echo "${0##*/}: $*" >&2; exit 1; }
say() { echo "${0##*/}: $*" >&2; }

now() { date +%s.%N; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# ms_between T0 T1 (Unix seconds) -> integer milliseconds
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

# wait_for TIMEOUT_S WHAT CMD...: run CMD every $WAIT_STEP s (default
# 0.05) until it succeeds; 1 (and a message) if TIMEOUT_S passes first.
wait_for() {
	local timeout=$1 what=$2 deadline
	shift 2
	deadline=$(($(now_ms) + ${timeout%.*} * 1000))
	until "$@" >/dev/null 2>&1; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			say "timed out after ${timeout}s waiting for $what"
			return 1
		fi
		sleep "${WAIT_STEP:-0.05}"
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
}

need_cmds() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null ||
			die "$c missing: run bench/install-deps"
	done
}

# bench_init NAME: the scratch directory and a copy of the binaries, so
# that a `make` elsewhere during a run cannot swap them underneath.
bench_init() {
	need_root
	[ -x "$BUILD/anycastd" ] && [ -x "$BUILD/anycastctl" ] ||
		die "$BUILD/anycastd or anycastctl missing: run make"
	RUN=$(mktemp -d "/tmp/anycastd-bench-$1.XXXXXX")
	mkdir -p "$RUN/bin" "$RUN/pids" "$RUN/logs" "$OUT"
	cp "$BUILD/anycastd" "$BUILD/anycastctl" "$RUN/bin/"
	ANYCASTD=$RUN/bin/anycastd
	ANYCASTCTL=$RUN/bin/anycastctl
	# What was measured: the tree's commit when the copy was taken, and
	# when the binary was built (the tree may be ahead of the build).
	ANYCASTD_INFO=${BENCH_ANYCASTD_INFO:-$(anycastd_info "$BUILD")}
}

# anycastd_info BUILD_DIR: one line for the tables.
anycastd_info() {
	echo "anycastd $(cat "$REPO/VERSION" 2>/dev/null || echo '?')," \
		"tree at $(git -C "$REPO" describe --always --dirty 2>/dev/null ||
			echo '?'), binary built" \
		"$(date -u -r "$1/anycastd" '+%Y-%m-%d %H:%M UTC')"
}

# bench_ns_add NAME: a fresh namespace with lo up and no IPv6 DAD.
bench_ns_add() {
	[ -e "/run/netns/$1" ] && die "namespace $1 exists (another run?)"
	ip netns add "$1"
	BENCH_NAMESPACES="$BENCH_NAMESPACES $1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
	ip -n "$1" link set lo up
}

# bench_spawn NAME NAMESPACE CMD...: a daemon in its own session (its PID
# is its process group), output to $RUN/logs/NAME.log.
bench_spawn() {
	local name=$1 n=$2
	shift 2
	setsid ip netns exec "$n" "$@" </dev/null \
		>>"$RUN/logs/$name.log" 2>&1 &
	echo "$! $n" >"$RUN/pids/$name"
	# Until `ip netns exec` has entered the namespace, the PID is not
	# yet ours by bench_pid's test.
	wait_for 5 "$name to start" bench_alive "$name" ||
		{ tail -n 5 "$RUN/logs/$name.log" >&2; return 1; }
}

# bench_pid NAME: its PID, if it still runs in its namespace.
bench_pid() {
	local f=$RUN/pids/$1 pid n
	[ -n "$RUN" ] && [ -f "$f" ] || return 1
	read -r pid n <"$f"
	kill -0 "$pid" 2>/dev/null || return 1
	[ "$(ip netns identify "$pid" 2>/dev/null)" = "$n" ] || return 1
	echo "$pid"
}

bench_alive() { bench_pid "$1" >/dev/null; }

# bench_stop [-t TIMEOUT_S] NAME...: SIGTERM (and SIGCONT) to each process
# group, then SIGKILL what is left after TIMEOUT_S (default 20: anycastd
# drains for its drain time on the way out).
bench_stop() {
	local timeout=20 name pid deadline left
	if [ "${1:-}" = -t ]; then timeout=$2; shift 2; fi
	for name in "$@"; do
		pid=$(bench_pid "$name") || continue
		kill -TERM -- "-$pid" 2>/dev/null || true
		kill -CONT -- "-$pid" 2>/dev/null || true
	done
	deadline=$(($(now_ms) + timeout * 1000))
	while :; do
		left=""
		for name in "$@"; do bench_alive "$name" && left="$left $name"; done
		[ -z "$left" ] && break
		if [ "$(now_ms)" -ge "$deadline" ]; then
			say "still running after SIGTERM, killing:$left"
			for name in $left; do
				pid=$(bench_pid "$name") || continue
				kill -KILL -- "-$pid" 2>/dev/null || true
			done
			sleep 0.2
			break
		fi
		sleep 0.05
	done
	for name in "$@"; do rm -f "$RUN/pids/$name"; done
}

# bench_cleanup: every recorded daemon, every namespace we made, and the
# scratch directory unless BENCH_KEEP=1 (or the run failed).
bench_cleanup() {
	local rc=${1:-0} f names="" n
	trap '' INT
	if [ -n "$RUN" ] && [ -d "$RUN/pids" ]; then
		for f in "$RUN"/pids/*; do
			[ -e "$f" ] && names="$names ${f##*/}"
		done
		# shellcheck disable=SC2086
		[ -z "$names" ] || bench_stop -t 5 $names
	fi
	for n in $BENCH_NAMESPACES; do
		[ -e "/run/netns/$n" ] && ip netns del "$n"
	done
	BENCH_NAMESPACES=""
	if [ -n "$RUN" ] && [ -d "$RUN" ]; then
		if [ "$rc" -ne 0 ] || [ "${BENCH_KEEP:-0}" = 1 ]; then
			say "scratch directory (logs, raw data) kept: $RUN"
		else
			rm -rf "$RUN"
		fi
	fi
	trap - INT
}

# CPU time of a process, in clock ticks: utime + stime, plus cutime +
# cstime (children it has reaped) with "all".
cpu_ticks() {
	awk -v all="${2:-}" '{
		# the command name (field 2) may hold spaces: count from the end
		sub(/^.*\) /, "")
		t = $12 + $13
		if (all == "all") t += $14 + $15
		print t
	}' "/proc/$1/stat"
}
CLK_TCK=$(getconf CLK_TCK)

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
pss_kb() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }

# The machine and the versions, as markdown list items.
machine_facts() {
	local model
	model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "- machine: $(nproc) CPUs (${model:-unknown}), $(free -m |
		awk '/^Mem:/ { print $2 }') MB RAM, Linux $(uname -r)," \
		"$(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "- anycastd $(cat "$REPO/VERSION" 2>/dev/null || echo '?')" \
		"($(git -C "$REPO" describe --always --dirty 2>/dev/null ||
			echo 'no git'))"
}

versions_of() {
	local p
	for p in "$@"; do
		printf '%s %s; ' "$p" "$(dpkg-query -W -f='${Version}' "$p" \
			2>/dev/null || echo '?')"
	done | sed 's/; $//'
}

# bench_nsd NAMESPACE N: NSD on 127.0.0.1 there (one server process, no
# rate limit), serving example.test with q0 ... q(N-1) A; returns once it
# answers.  Its files are in $RUN/nsd.
bench_nsd() {
	local ns=$1 n=$2
	mkdir -p "$RUN/nsd"
	cat >"$RUN/nsd/nsd.conf" <<EOC
server:
    ip-address: 127.0.0.1
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$RUN/nsd"
    database: ""
    zonelistfile: "$RUN/nsd/zone.list"
    xfrdfile: "$RUN/nsd/xfrd.state"
    xfrdir: "$RUN/nsd"
    pidfile: "$RUN/nsd/nsd.pid"
    verbosity: 0
    # 10,000 queries a second from one address must not be rate limited.
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: example.test
    zonefile: "$RUN/nsd/example.test.zone"
EOC
	# shellcheck disable=SC2016  # the zone file's own $ORIGIN and $TTL
	{
		echo '$ORIGIN example.test.'
		echo '$TTL 300'
		echo '@ IN SOA ns1 hostmaster 2024010101 3600 900 604800 300'
		echo '@ IN NS ns1'
		echo 'ns1 IN A 192.0.2.53'
		awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
			printf "q%d IN A 192.0.2.%d\n", i, i % 256 }'
	} >"$RUN/nsd/example.test.zone"
	bench_spawn nsd "$ns" nsd -d -c "$RUN/nsd/nsd.conf" || return 1
	wait_for 20 "NSD on 127.0.0.1" nsd_answers "$ns"
}
nsd_answers() {
	ip netns exec "$1" kdig @127.0.0.1 q0.example.test A +retry=0 \
		+timeout=1 | grep -q 'status: NOERROR'
}

# CPU ticks of NSD (all its processes) in namespace NS.
nsd_ticks() {
	local p t=0
	for p in $(ip netns pids "$1"); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		nsd*) t=$((t + $(cpu_ticks "$p"))) ;;
		esac
	done
	echo "$t"
}

# pct_core TICKS T0 T1: CPU ticks over a wall interval, % of one core.
pct_core() {
	awk -v c="$1" -v h="$CLK_TCK" -v a="$2" -v b="$3" \
		'BEGIN { printf "%.1f", 100 * c / h / (b - a) }'
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# exabgp_hc NS N WINDOW NET CMD_FN: N `python3 -m exabgp healthcheck
# --interval 1` processes (the healthcheck is one process per check)
# under one exabgp in namespace NS, process K announcing NET:K::/64 and
# running `CMD_FN K`'s output as its --cmd (through /bin/sh -c), to a
# neighbour that never answers.  Measured over WINDOW s once they run;
# sets HC_CPU (% of a core per process, with the commands it forks),
# HC_RSS and HC_PSS (kB per process), E_CPU and E_RSS (exabgp itself),
# HC_FAIL (failed checks in its log).
exabgp_hc() {
	local ns=$1 n=$2 window=$3 net=$4 cmd_fn=$5
	local k h epid hcs hc_ticks=0 hc_rss=0 hc_pss=0 e0 e1 t0 t1 wall
	{
		for k in $(seq 0 $((n - 1))); do
			cat <<EOC
process hc$k {
	run /usr/bin/python3 -m exabgp healthcheck --no-syslog --withdraw-on-down --interval 1 --ip $net:$(printf %x "$k")::/64 --no-ip-setup --next-hop $net::1 --cmd "$("$cmd_fn" "$k")";
	encoder text;
}
EOC
		done
		echo "neighbor 127.0.0.2 {"
		echo "	router-id 198.51.100.2;"
		echo "	local-address 127.0.0.1;"
		echo "	local-as 65101;"
		echo "	peer-as 65001;"
		echo "	family { ipv6 unicast; }"
		echo "	api { processes [ $(seq -s ' ' -f 'hc%g' 0 $((n - 1))) ]; }"
		echo "}"
	} >"$RUN/exabgp.conf"
	bench_spawn exabgp "$ns" env exabgp.daemon.user=root \
		exabgp.daemon.daemonize=false exabgp.log.destination=stderr \
		/usr/sbin/exabgp "$RUN/exabgp.conf" || return 1
	epid=$(bench_pid exabgp) || die "exabgp died"
	hc_pids() { pgrep -P "$epid" -f 'exabgp healthcheck' || true; }
	all_hc() { [ "$(hc_pids | wc -l)" -eq "$n" ]; }
	wait_for 30 "$n healthcheck processes" all_hc || return 1
	sleep 10                        # past their start and the first rise
	hcs=$(hc_pids)
	declare -A hc0
	for h in $hcs; do hc0[$h]=$(cpu_ticks "$h" all); done
	e0=$(cpu_ticks "$epid") t0=$(now)
	sleep "$window"
	e1=$(cpu_ticks "$epid") t1=$(now)
	for h in $hcs; do
		hc_ticks=$((hc_ticks + $(cpu_ticks "$h" all) - hc0[$h]))
		hc_rss=$((hc_rss + $(rss_kb "$h")))
		hc_pss=$((hc_pss + $(pss_kb "$h")))
	done
	E_RSS=$(rss_kb "$epid")
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	HC_CPU=$(awk -v t="$hc_ticks" -v h="$CLK_TCK" -v w="$wall" -v n="$n" \
		'BEGIN { printf "%.2f", 100 * t / h / w / n }')
	HC_RSS=$((hc_rss / n))
	HC_PSS=$((hc_pss / n))
	E_CPU=$(awk -v t="$((e1 - e0))" -v h="$CLK_TCK" -v w="$wall" \
		'BEGIN { printf "%.2f", 100 * t / h / w }')
	# The healthcheck has no log handler here: Python prints its warnings.
	HC_FAIL=$(grep -c 'Check command was unsuccessful' \
		"$RUN/logs/exabgp.log" || true)
	bench_stop exabgp
}
