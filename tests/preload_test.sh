#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real programs over XTCP (tools/xtcp-run, libxtcp-preload.so), run by
# run-guest-tests.sh in a guest with the module loaded.  Each program runs
# twice in a namespace of its own, over kernel TCP and under xtcp-run, and
# passes when both runs give the right result and the counters say who
# carried it: over XTCP the kernel's Tcp InSegs/OutSegs (/proc/net/snmp)
# stay put while XTCP's (/proc/net/xtcp_stats) grow, over TCP the reverse.
# A program not installed is "ok - preload: NAME # SKIP ..." (never a pass;
# scripts/deps.sh installs them).
#
#   preload_test.sh [FILTER]          run the tests whose "preload: NAME" has FILTER
#   preload_test.sh --list [FILTER]   name them, run nothing
#   preload_test.sh --bench           each program's own figure over TCP and
#                                     XTCP, and the ratio (make bench-programs)
set -u
cd "$(dirname "$0")"
here=$PWD
RUN=$here/../tools/xtcp-run
mode=run
case "${1:-}" in
--list) mode=list; shift ;;
--bench) mode=bench; shift ;;
esac
filter=${1:-}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PY=/usr/bin/python3
# MB: socat, nc, iperf3 and rsync move a quarter of it, curl's file is 4
# times it (64 MiB), scp's a 64th (ssh's ciphers run at ~150 kB/s in
# TCG).  KASAN's guest: 2.
if [ "${XTCP_KERNEL:-}" = debug ]; then
	MB=${XTCP_PRELOAD_MB:-2}
else
	MB=${XTCP_PRELOAD_MB:-16}
fi

tests="api curl_http_server socat netcat iperf3 redis nginx_ab nginx_wrk ssh_scp rsync_daemon"

log() { echo "  $*"; }

# counters NS: "tcp_in tcp_out xtcp_in xtcp_out" in namespace NS
counters() {
	ip netns exec "$1" awk '
		FILENAME ~ /snmp/ && $1 == "Tcp:" {
			if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 }
			else { ti = $c["InSegs"]; to = $c["OutSegs"] } }
		FILENAME ~ /xtcp_stats/ && $1 == "InSegs" { xi = $2 }
		FILENAME ~ /xtcp_stats/ && $1 == "OutSegs" { xo = $2 }
		END { print ti + 0, to + 0, xi + 0, xo + 0 }' \
		/proc/net/snmp /proc/net/xtcp_stats
}

# listening KIND PORT: a listener on PORT in /proc/net/{tcp,xtcp}{,6}
listening() {
	local f=tcp
	[ "$1" = xtcp ] && f=xtcp
	awk -v p="$(printf ':%04X' "$2")" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/$f /proc/net/${f}6 2>/dev/null
}

# wait_listen KIND PORT [PID]: up to 300 s for the server to listen (python3
# http.server took over 120 s to listen in the KASAN guest at load 20)
wait_listen() {
	local end=$((SECONDS + 300))
	while [ $SECONDS -lt $end ]; do
		listening "$1" "$2" && return 0
		[ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || { log "server exited"; return 1; }
		sleep 0.1
	done
	log "no $1 listener on port $2 after 300 s"
	return 1
}

# A free port: every test runs in a namespace of its own, made for it, where
# nothing listens and no port is taken; below the ephemeral range.
freeport() {
	echo $((20000 + RANDOM % 12000))
}

# stop PID...: end the servers this test started, by their id
stop() {
	local p
	for p in "$@"; do kill "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
	return 0
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }
same() {
	[ -f "$2" ] && [ "$(sha "$1")" = "$(sha "$2")" ] && return 0
	log "$2 differs from $1 ($(stat -c %s "$2" 2>/dev/null || echo no) bytes)"
	return 1
}

# Each t_NAME runs with $W empty (TCP) or xtcp-run (XTCP), $K = tcp|xtcp,
# $D a fresh directory, $FIG set to the program's own figure for --bench.

t_api() {
	if [ "$K" = tcp ]; then
		# the API checks are XTCP's; over TCP just show a connection counts
		$PY -c 'import socket
l = socket.create_server(("127.0.0.1", 0)); c = socket.create_connection(l.getsockname())
s, _ = l.accept(); c.sendall(b"x"); assert s.recv(1) == b"x"'
		return
	fi
	$W $PY "$here/preload_api.py"
}
need_api() { :; }

t_curl_http_server() {
	local port pid
	mkdir "$D/www" && head -c $((MB << 22)) /dev/urandom >"$D/www/blob" || return 1
	port=$(freeport)
	$W $PY -m http.server --bind 127.0.0.1 --directory "$D/www" "$port" >"$D/srv.log" 2>&1 &
	pid=$!
	wait_listen $K "$port" $pid || { stop $pid; return 1; }
	FIG=$($W curl -sS -o "$D/got" -w '%{speed_download}' "http://127.0.0.1:$port/blob")
	local rc=$?
	stop $pid
	[ $rc = 0 ] || { log "curl exited $rc"; return 1; }
	FIG="$(( ${FIG%.*} >> 10 )) kB/s"
	same "$D/www/blob" "$D/got"
}
need_curl_http_server() { echo curl; }

t_socat() {
	local port pid
	head -c $((MB << 18)) /dev/urandom >"$D/blob"
	port=$(freeport)
	$W socat -u TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr CREATE:"$D/got" &
	pid=$!
	wait_listen $K "$port" $pid || { stop $pid; return 1; }
	local t0=$(date +%s%N)
	$W socat -u FILE:"$D/blob" TCP:127.0.0.1:"$port" || { log "socat client failed"; stop $pid; return 1; }
	wait $pid || { log "socat server exited $?"; return 1; }
	FIG="$(( (MB << 18) * 1000 / (($(date +%s%N) - t0) / 1000) )) kB/s"
	same "$D/blob" "$D/got"
}
need_socat() { echo socat; }

t_netcat() {
	local port pid
	head -c $((MB << 18)) /dev/urandom >"$D/blob"
	port=$(freeport)
	$W nc.openbsd -l 127.0.0.1 "$port" >"$D/got" &
	pid=$!
	wait_listen $K "$port" $pid || { stop $pid; return 1; }
	local t0=$(date +%s%N)
	$W nc.openbsd -N 127.0.0.1 "$port" <"$D/blob" || { log "nc client failed"; stop $pid; return 1; }
	wait $pid || { log "nc server exited $?"; return 1; }
	FIG="$(( (MB << 18) * 1000 / (($(date +%s%N) - t0) / 1000) )) kB/s"
	same "$D/blob" "$D/got"
}
need_netcat() { echo nc.openbsd; }

t_iperf3() {
	local port pid dir out f=
	port=$(freeport)
	$W iperf3 -s -p "$port" -B 127.0.0.1 >"$D/srv.log" 2>&1 &
	pid=$!
	wait_listen $K "$port" $pid || { stop $pid; return 1; }
	for dir in "" -R; do
		out=$($W iperf3 -c 127.0.0.1 -p "$port" -n $((MB << 8))K $dir -f m 2>&1)
		if [ $? != 0 ] || ! echo "$out" | grep -q 'receiver$'; then
			echo "$out" | tail -5 | sed 's/^/  | /'
			stop $pid
			return 1
		fi
		f="$f${f:+, }${dir:-fwd} $(echo "$out" | awk '/receiver$/ { print $7, $8 }')"
	done
	stop $pid
	FIG=$f
}
need_iperf3() { echo iperf3; }

t_redis() {
	local port pid out
	port=$(freeport)
	$W redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$D" --logfile "$D/redis.log" &
	pid=$!
	wait_listen $K "$port" $pid || { stop $pid; return 1; }
	[ "$($W redis-cli -p "$port" set k xtcp-value)" = OK ] &&
		[ "$($W redis-cli -p "$port" get k)" = xtcp-value ] || { log "redis-cli set/get"; stop $pid; return 1; }
	out=$($W redis-benchmark -p "$port" -n 400 -c 4 -t set,get -q 2>&1)
	local rc=$?
	stop $pid
	echo "$out" | tr '\r' '\n' | grep 'requests per second' | sed 's/^/  /'
	[ $rc = 0 ] && [ "$(echo "$out" | tr '\r' '\n' | grep -c '^[SG]ET: .* requests per second')" = 2 ] ||
		{ log "redis-benchmark exited $rc"; return 1; }
	FIG=$(echo "$out" | tr '\r' '\n' | awk '/requests per second/ { printf "%s%s %s", s, $1, $2; s = ", " }')
}
need_redis() { echo redis-server redis-cli redis-benchmark; }

# nginx_conf PORT: a server for $D/www on PORT, its files under $D
nginx_conf() {
	mkdir -p "$D/www" "$D/tmp"
	head -c 65536 /dev/urandom >"$D/www/f"
	cat >"$D/nginx.conf" <<-EOF
	daemon off;
	master_process off;
	worker_processes 1;
	pid $D/nginx.pid;
	error_log $D/error.log;
	events { worker_connections 64; }
	http {
		# as Debian's default nginx.conf: sendfile, and TCP_CORK
		# around it (tcp_nopush); keep-alive
		sendfile on;
		tcp_nopush on;
		keepalive_timeout 65;
		access_log off;
		client_body_temp_path $D/tmp;
		proxy_temp_path $D/tmp;
		fastcgi_temp_path $D/tmp;
		uwsgi_temp_path $D/tmp;
		scgi_temp_path $D/tmp;
		server { listen 127.0.0.1:$1; root $D/www; }
	}
	EOF
}

t_nginx_ab() {
	local port pid out
	port=$(freeport)
	nginx_conf "$port"
	$W nginx -e "$D/error.log" -p "$D" -c "$D/nginx.conf" &
	pid=$!
	wait_listen $K "$port" $pid || { cat "$D/error.log"; stop $pid; return 1; }
	out=$($W ab -n 400 -c 4 "http://127.0.0.1:$port/f" 2>&1)
	local rc=$?
	stop $pid
	echo "$out" | grep -E '^(Complete|Failed) requests|^Requests per second' | sed 's/^/  /'
	[ $rc = 0 ] && echo "$out" | grep -q '^Complete requests: *400$' &&
		echo "$out" | grep -q '^Failed requests: *0$' || { log "ab exited $rc"; return 1; }
	FIG="$(echo "$out" | awk '/^Requests per second/ { print $4 }') req/s"
}
need_nginx_ab() { echo nginx ab; }

t_nginx_wrk() {
	local port pid out
	port=$(freeport)
	nginx_conf "$port"
	$W nginx -e "$D/error.log" -p "$D" -c "$D/nginx.conf" &
	pid=$!
	wait_listen $K "$port" $pid || { cat "$D/error.log"; stop $pid; return 1; }
	out=$($W wrk -t 1 -c 4 -d 2s "http://127.0.0.1:$port/f" 2>&1)
	local rc=$?
	stop $pid
	echo "$out" | grep -E 'requests in|Requests/sec|errors' | sed 's/^/  /'
	[ $rc = 0 ] && echo "$out" | grep -q '^Requests/sec' && ! echo "$out" | grep -q 'Socket errors' &&
		! echo "$out" | grep -q 'Non-2xx' && [ "$(echo "$out" | awk '/requests in/ { print $1 }')" -gt 0 ] ||
		{ log "wrk exited $rc"; return 1; }
	FIG="$(echo "$out" | awk '/^Requests\/sec/ { print $2 }') req/s"
}
need_nginx_wrk() { echo nginx wrk; }

t_ssh_scp() {
	local port pid ssh
	mkdir -p /run/sshd
	chmod 700 "$D"
	ssh-keygen -q -t ed25519 -N '' -f "$D/hostkey" && ssh-keygen -q -t ed25519 -N '' -f "$D/id" || return 1
	cp "$D/id.pub" "$D/authorized_keys"
	head -c $((MB << 14)) /dev/urandom >"$D/blob"
	port=$(freeport)
	cat >"$D/sshd_config" <<-EOF
	Port $port
	ListenAddress 127.0.0.1
	HostKey $D/hostkey
	PidFile $D/sshd.pid
	AuthorizedKeysFile $D/authorized_keys
	PermitRootLogin yes
	StrictModes no
	UsePAM no
	PasswordAuthentication no
	Subsystem sftp internal-sftp
	EOF
	$W /usr/sbin/sshd -D -e -f "$D/sshd_config" 2>"$D/sshd.log" &
	pid=$!
	wait_listen $K "$port" $pid || { cat "$D/sshd.log"; stop $pid; return 1; }
	ssh=(-F /dev/null -i "$D/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	     -o BatchMode=yes -o LogLevel=ERROR)
	local out t0
	out=$($W ssh "${ssh[@]}" -p "$port" root@127.0.0.1 sha256sum "$D/blob" 2>&1)
	[ "${out%% *}" = "$(sha "$D/blob")" ] || { log "ssh: $out"; tail -5 "$D/sshd.log"; stop $pid; return 1; }
	t0=$(date +%s%N)
	$W scp "${ssh[@]}" -P "$port" "$D/blob" root@127.0.0.1:"$D/got" ||
		{ log "scp failed"; tail -5 "$D/sshd.log"; stop $pid; return 1; }
	FIG="scp $(( (MB << 14) * 1000 / (($(date +%s%N) - t0) / 1000) )) kB/s"
	stop $pid
	same "$D/blob" "$D/got"
}
need_ssh_scp() { echo /usr/sbin/sshd ssh scp ssh-keygen; }

t_rsync_daemon() {
	local port pid t0
	mkdir -p "$D/src/sub" "$D/dst"
	head -c $((MB << 18)) /dev/urandom >"$D/src/blob"
	head -c 1000 /dev/urandom >"$D/src/sub/small"
	port=$(freeport)
	cat >"$D/rsyncd.conf" <<-EOF
	use chroot = no
	pid file = $D/rsyncd.pid
	log file = $D/rsyncd.log
	[m]
		path = $D/src
		read only = yes
		uid = root
		gid = root
	EOF
	$W rsync --daemon --no-detach --config="$D/rsyncd.conf" --address=127.0.0.1 --port="$port" &
	pid=$!
	wait_listen $K "$port" $pid || { stop $pid; return 1; }
	t0=$(date +%s%N)
	$W rsync -a "rsync://127.0.0.1:$port/m/" "$D/dst/" || { log "rsync client failed"; stop $pid; return 1; }
	FIG="$(( (MB << 18) * 1000 / (($(date +%s%N) - t0) / 1000) )) kB/s"
	stop $pid
	same "$D/src/blob" "$D/dst/blob" && same "$D/src/sub/small" "$D/dst/sub/small"
}
need_rsync_daemon() { echo rsync; }

# over NAME KIND: run t_NAME once over KIND in a new namespace; checks the
# counters; sets FIG.
over() {
	local name=$1 ns=preload$$ rc=0 b a
	K=$2 W=
	[ "$K" = xtcp ] && W=$RUN
	D=$(mktemp -d /tmp/preload.XXXXXX)
	FIG=
	ip netns add $ns && ip -n $ns link set lo up || return 1
	b=($(counters $ns))
	# the test itself in the namespace: a subshell keeps K, W, D, FIG
	exec 3>&1
	FIG=$(ip netns exec $ns bash -c "$(declare -f); K=$K W='$W' D='$D' here='$here' RUN='$RUN' \
		PY=$PY MB=$MB FIG=; t_$name >&3 2>&1 || exit 1; echo \"\$FIG\"") || rc=1
	exec 3>&-
	a=($(counters $ns))
	ip netns del $ns
	rm -rf "$D"
	local dti=$((a[0] - b[0])) dto=$((a[1] - b[1])) dxi=$((a[2] - b[2])) dxo=$((a[3] - b[3]))
	log "$K: TCP InSegs +$dti OutSegs +$dto, XTCP InSegs +$dxi OutSegs +$dxo${FIG:+; $FIG}"
	[ $rc = 0 ] || { log "$name failed over $K"; return 1; }
	if [ "$K" = xtcp ]; then
		[ $dti = 0 ] && [ $dto = 0 ] && [ $dxi -ge 5 ] && [ $dxo -ge 5 ] ||
			{ log "over XTCP, but the counters say TCP carried it"; return 1; }
	else
		[ $dti -ge 5 ] && [ $dto -ge 5 ] && [ $dxi = 0 ] && [ $dxo = 0 ] ||
			{ log "over TCP, but the counters say otherwise"; return 1; }
	fi
	return 0
}

# missing NAME: the programs NAME needs that are not installed
missing() {
	local p m=
	for p in $(need_$1); do command -v "$p" >/dev/null || m="$m $p"; done
	echo "${m# }"
}

for n in $tests; do
	case "preload: $n" in *"$filter"*) ;; *) continue ;; esac
	if [ $mode = list ]; then
		echo "preload: $n"
		continue
	fi
	m=$(missing $n)
	if [ -n "$m" ]; then
		if [ $mode = bench ]; then
			echo "$n: SKIP, not installed: $m"
		else
			echo "ok - preload: $n # SKIP not installed: $m (scripts/deps.sh)"
			echo "### SKIPPED preload: $n: $m not installed in the guest ###" >&2
		fi
		continue
	fi
	if [ $mode = bench ]; then
		[ $n = api ] && continue
		over $n tcp >/dev/null 2>&1; ft=$FIG
		over $n xtcp >/dev/null 2>&1; fx=$FIG
		# the ratio of each figure, XTCP's over TCP's, in order
		r=$(awk -v t="$ft" -v x="$fx" 'BEGIN {
			nt = split(t, a, /[^0-9.]+/); nx = split(x, b, /[^0-9.]+/); k = 0
			for (i = 1; i <= nt && i <= nx; i++)
				if (a[i] ~ /[0-9]/ && b[i] ~ /[0-9]/ && a[i] + 0 > 0) {
					printf "%s%.2f", (k++ ? ", " : ""), b[i] / a[i]
				}
		}')
		printf '%-17s TCP: %s | XTCP: %s | XTCP/TCP %s\n' "$n" "${ft:-failed}" \
			"${fx:-failed}" "${r:-n/a}"
		continue
	fi
	t0=$(date +%s)
	out=$( { over $n tcp && over $n xtcp; } 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		echo "ok - preload: $n"
		echo "$out" | grep -E '^  (tcp|xtcp):'
	else
		echo "not ok - preload: $n"
		echo "$out" | sed 's/^/  | /'
	fi
	echo "  ($(( $(date +%s) - t0 )) s)"
done
exit 0
