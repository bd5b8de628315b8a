#!/usr/bin/env bash
# Starts and stops the benchmark's peers: nginx, HAProxy and LiteLLM's proxy, each
# configured as a competent operator would run it in front of one OpenAI-compatible
# upstream, so Ringway can be measured side by side with them. docs/PEERS.md says
# what each configuration does and why, and what was verified.
#
#   tools/peers.sh start --upstream 127.0.0.1:PORT [--workdir DIR] [--cpu LIST]
#                        [--only nginx,haproxy,litellm] [--base-port N]
#                        [--litellm-key KEY]
#   tools/peers.sh stop --workdir DIR
#   tools/peers.sh check --workdir DIR [--litellm-key KEY]
#
# start prints, on stdout, one line per peer:
#   peer NAME listening on 127.0.0.1:PORT pid PID
# where PID is the process doing the work (nginx's worker, HAProxy's only process,
# LiteLLM's only uvicorn process), for reading its CPU time; or, when a peer could
# not be installed or started:
#   peer NAME unavailable: REASON
# The same lines are kept in DIR/peers.txt. Progress goes to stderr.
# Exit status: 0 every requested peer started, 3 some did, 1 none did or bad usage.
#
# check runs tools/peers/verify.py through every started peer; it needs the
# upstream to be Tests/Fixtures/mock_upstream.py (it uses the mock's x-mock-* headers).
#
# stop kills exactly the PIDs start recorded in DIR/peers.pids (after checking each
# is still the process that was started, by its start time), TERM then KILL.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
templates=$repo/tools/peers
venv=${RINGWAY_PEERS_LITELLM_VENV:-$repo/.build-peers/litellm-venv}   # override for tests only
all_peers=(nginx haproxy litellm)

usage() {
    sed -n '7,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 1
}
say() { echo "peers: $*" >&2; }

# --- processes ---------------------------------------------------------------

# Prints a process's start time (clock ticks since boot, /proc/PID/stat field 22),
# or fails when the PID is gone or a zombie. PID + start time names one process.
proc_start() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }   # fields after "(comm)", which may hold spaces
    # shellcheck disable=SC2086
    set -- $stat        # $1 is field 3 (state), so field 22 is ${20}
    [ "$1" != Z ] || return 1
    echo "${20}"
}

# record NAME PID ROLE: appends one process to DIR/peers.pids.
record() {
    local start
    start=$(proc_start "$2") || return 0
    echo "$1 $2 $start $3" >>"$workdir/peers.pids"
}

# alive PID START: the recorded process still runs.
alive() { [ "$(proc_start "$1" 2>/dev/null)" = "$2" ]; }

# kill_recorded FILE: TERM the recorded main processes, wait, KILL what remains.
kill_recorded() {
    local file=$1 name pid start role i left
    [ -s "$file" ] || return 0
    while read -r name pid start role; do
        if [ "$role" = main ] && alive "$pid" "$start"; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done <"$file"
    for i in $(seq 100); do      # up to 10 s for graceful exits
        left=0
        while read -r name pid start role; do
            if alive "$pid" "$start"; then left=1; fi
        done <"$file"
        [ "$left" = 0 ] && break
        sleep 0.1
    done
    while read -r name pid start role; do
        if alive "$pid" "$start"; then
            say "$name pid $pid ignored TERM; sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done <"$file"
}

# --- ports -------------------------------------------------------------------

# port_free PORT: nothing listens on 127.0.0.1:PORT. A plain bind fails even
# against a listener that set SO_REUSEPORT, so a stale nginx (whose template
# listens with reuseport) cannot silently share the port with a new one.
port_free() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

ephemeral_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# port_for INDEX: the fixed port base+INDEX, or a free ephemeral port for base 0.
port_for() {
    if [ "$base_port" = 0 ]; then ephemeral_port; else echo $((base_port + $1)); fi
}

# --- readiness -----------------------------------------------------------------

# wait_ready NAME PID PORT SECONDS [AUTH]: polls GET /v1/models until the peer
# answers with any HTTP status (the upstream may not serve /v1/models; any answer
# proves the peer is up), while PID lives.
wait_ready() {
    local name=$1 pid=$2 port=$3 secs=$4 auth=${5:-} code i
    for i in $(seq $((secs * 10))); do
        if ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 ${auth:+-H "Authorization: Bearer $auth"} \
            "http://127.0.0.1:$port/v1/models" || true)
        if [ -n "$code" ] && [ "$code" != 000 ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# warm NAME PORT [AUTH]: one plain and one streamed chat completion, so the
# benchmark does not measure cold paths (LiteLLM's first stream is ~200 ms late
# while it imports its streaming code). Warns when the upstream does not answer 200.
warm() {
    local name=$1 port=$2 auth=${3:-} code
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 ${auth:+-H "Authorization: Bearer $auth"} \
        -H 'Content-Type: application/json' \
        -d '{"model":"m","messages":[{"role":"user","content":"warm-up"}]}' \
        "http://127.0.0.1:$port/v1/chat/completions" || true)
    if [ "$code" != 200 ]; then
        say "warning: $name answered a chat completion with HTTP $code (is the upstream up?)"
        return 0
    fi
    curl -s -o /dev/null --max-time 30 ${auth:+-H "Authorization: Bearer $auth"} \
        -H 'Content-Type: application/json' \
        -d '{"model":"m","stream":true,"messages":[{"role":"user","content":"warm-up"}]}' \
        "http://127.0.0.1:$port/v1/chat/completions" || true
}

# last_line FILE: the last non-empty line of a log, for one-line failure reasons.
last_line() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 | cut -c1-200; }

# --- installs ----------------------------------------------------------------

apt_install() {   # apt_install PACKAGE LOG
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "$1" >>"$2" 2>&1 || { apt-get update >>"$2" 2>&1 && apt-get install -y "$1" >>"$2" 2>&1; }
}

litellm_usable() {
    [ -x "$venv/bin/litellm" ] && "$venv/bin/python" -c '
import importlib.util, sys
sys.exit(any(importlib.util.find_spec(m) is None for m in ("litellm", "uvicorn", "fastapi", "yaml")))' 2>/dev/null
}

# --- peers ---------------------------------------------------------------------

# Each start_NAME sets `reason` and fails, or sets main_pid, work_pid and port.

start_nginx() {
    local log=$workdir/nginx-install.log conf=$workdir/nginx.conf i
    if ! command -v nginx >/dev/null; then
        say "installing nginx (apt-get)"
        apt_install nginx "$log" || { reason="apt-get install nginx failed: $(last_line "$log")"; return 1; }
    fi
    port=$(port_for 0)
    port_free "$port" || { reason="127.0.0.1:$port is already in use"; return 1; }
    # The template names the upstream 127.0.0.1:@UPSTREAM_PORT@; carry any other host over.
    sed -e "s|127\.0\.0\.1:@UPSTREAM_PORT@|$upstream_host:@UPSTREAM_PORT@|" \
        -e "s|@UPSTREAM_PORT@|$upstream_port|g" -e "s|@PORT@|$port|g" -e "s|@WORKDIR@|$workdir|g" \
        "$templates/nginx-proxy.conf.template" >"$conf"
    # daemon off: the master stays our child, so $! is its PID; -e catches errors
    # logged before the config's error_log takes over.
    taskset -c "$cpu" nginx -p "$workdir/" -c "$conf" -e "$workdir/nginx-stderr.log" -g 'daemon off;' \
        </dev/null >"$workdir/nginx.out" 2>&1 &
    main_pid=$!
    record nginx "$main_pid" main
    wait_ready nginx "$main_pid" "$port" 20 || {
        reason="did not start: $(last_line "$workdir/nginx.out")$(last_line "$workdir/proxy-error.log")"
        return 1
    }
    for i in $(seq 50); do
        work_pid=$(ps -o pid= --ppid "$main_pid" | tr -d ' ' | head -n 1)
        [ -n "$work_pid" ] && break
        sleep 0.1
    done
    [ -n "$work_pid" ] || { reason="no worker process under master $main_pid"; return 1; }
    record nginx "$work_pid" worker
    warm nginx "$port"
}

start_haproxy() {
    local log=$workdir/haproxy-install.log conf=$workdir/haproxy.cfg hard maxconn
    if ! command -v haproxy >/dev/null; then
        say "installing haproxy (apt-get)"
        apt_install haproxy "$log" || { reason="apt-get install haproxy failed: $(last_line "$log")"; return 1; }
    fi
    port=$(port_for 1)
    port_free "$port" || { reason="127.0.0.1:$port is already in use"; return 1; }
    hard=$(ulimit -Hn)
    if [ "$hard" = unlimited ]; then maxconn=16384; else maxconn=$(((hard - 64) / 2)); fi
    [ "$maxconn" -le 16384 ] || maxconn=16384
    sed -e "s|@LISTEN@|127.0.0.1:$port|g" -e "s|@UPSTREAM@|$upstream_host:$upstream_port|g" \
        -e "s|@MAXCONN@|$maxconn|g" "$templates/haproxy.cfg.template" >"$conf"
    haproxy -c -q -f "$conf" >"$workdir/haproxy.out" 2>&1 || {
        reason="config rejected: $(last_line "$workdir/haproxy.out")"
        return 1
    }
    # No `daemon` in the config and no -W: one foreground process, our child.
    taskset -c "$cpu" haproxy -f "$conf" </dev/null >"$workdir/haproxy.out" 2>&1 &
    main_pid=$!
    work_pid=$main_pid
    record haproxy "$main_pid" main
    wait_ready haproxy "$main_pid" "$port" 20 || { reason="did not start: $(last_line "$workdir/haproxy.out")"; return 1; }
    warm haproxy "$port"
}

start_litellm() {
    local log=$workdir/litellm-install.log conf=$workdir/litellm.yaml
    if ! litellm_usable; then
        say "installing litellm[proxy] into $venv (pip; takes a minute or two)"
        mkdir -p "$(dirname "$venv")" 2>>"$log"
        { [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"; } >>"$log" 2>&1 &&
            "$venv/bin/pip" install -q 'litellm[proxy]' >>"$log" 2>&1 || true
        litellm_usable || { reason="could not install litellm[proxy] into $venv: $(last_line "$log")"; return 1; }
    fi
    port=$(port_for 2)
    port_free "$port" || { reason="127.0.0.1:$port is already in use"; return 1; }
    sed -e "s|@UPSTREAM@|$upstream_host:$upstream_port|g" -e "s|@MASTER_KEY@|$litellm_key|g" \
        "$templates/litellm.yaml.template" >"$conf"
    # One uvicorn worker: with --num_workers 1 LiteLLM calls uvicorn.run in its own
    # process (no supervisor, no children), so $! is the process doing the work.
    # The environment is documented in the config template.
    env LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_TELEMETRY_DISABLED=true LITELLM_LOG=ERROR \
        LITELLM_MODE=PRODUCTION NO_COLOR=1 \
        taskset -c "$cpu" "$venv/bin/litellm" --config "$conf" --host 127.0.0.1 --port "$port" --num_workers 1 \
        </dev/null >"$workdir/litellm.out" 2>&1 &
    main_pid=$!
    work_pid=$main_pid
    record litellm "$main_pid" main
    wait_ready litellm "$main_pid" "$port" 180 "$litellm_key" || {
        reason="did not start: $(last_line "$workdir/litellm.out")"
        return 1
    }
    warm litellm "$port" "$litellm_key"
}

# --- commands ------------------------------------------------------------------

cmd_start() {
    local peer started=0 failed=0 line main_pid work_pid port reason
    [ -n "$upstream" ] || { say "start needs --upstream HOST:PORT"; usage; }
    [[ $upstream =~ ^([^:]+):([0-9]+)$ ]] || { say "--upstream must be HOST:PORT, got '$upstream'"; exit 1; }
    upstream_host=${BASH_REMATCH[1]} upstream_port=${BASH_REMATCH[2]}
    taskset -c "$cpu" true 2>/dev/null || { say "--cpu '$cpu' is not a CPU list taskset accepts here"; exit 1; }
    if [ -z "$workdir" ]; then
        workdir=$(mktemp -d /tmp/ringway-peers.XXXXXX)
    fi
    mkdir -p "$workdir"
    workdir=$(cd "$workdir" && pwd)
    if [ -s "$workdir/peers.pids" ]; then
        local name pid start role
        while read -r name pid start role; do
            if alive "$pid" "$start"; then
                say "peers already running from $workdir ($name pid $pid); run: $0 stop --workdir $workdir"
                exit 1
            fi
        done <"$workdir/peers.pids"
        rm -f "$workdir/peers.pids"
    fi
    : >"$workdir/peers.txt"
    say "workdir $workdir (stop with: $0 stop --workdir $workdir)"
    for peer in "${all_peers[@]}"; do
        [[ ",$only," == *",$peer,"* ]] || continue
        main_pid='' work_pid='' port='' reason=''
        say "starting $peer on CPU $cpu"
        if "start_$peer"; then
            line="peer $peer listening on 127.0.0.1:$port pid $work_pid"
            started=$((started + 1))
        else
            line="peer $peer unavailable: $reason"
            failed=$((failed + 1))
            # Leave nothing half-started behind.
            if [ -n "$main_pid" ] && kill -0 "$main_pid" 2>/dev/null; then
                grep "^$peer " "$workdir/peers.pids" >"$workdir/peers.pids.$peer" || true
                kill_recorded "$workdir/peers.pids.$peer"
                rm -f "$workdir/peers.pids.$peer"
            fi
        fi
        echo "$line"
        echo "$line" >>"$workdir/peers.txt"
    done
    if [ "$failed" = 0 ] && [ "$started" -gt 0 ]; then exit 0; fi
    if [ "$started" -gt 0 ]; then exit 3; fi
    exit 1
}

cmd_stop() {
    [ -n "$workdir" ] || { say "stop needs --workdir DIR"; usage; }
    if [ ! -s "$workdir/peers.pids" ]; then
        say "nothing recorded in $workdir/peers.pids"
        return 0
    fi
    kill_recorded "$workdir/peers.pids"
    local name pid start role
    while read -r name pid start role; do
        if [ "$role" = main ]; then say "stopped $name (pid $pid)"; fi
    done <"$workdir/peers.pids"
    mv "$workdir/peers.pids" "$workdir/peers.pids.stopped"
}

cmd_check() {
    [ -n "$workdir" ] || { say "check needs --workdir DIR"; usage; }
    [ -s "$workdir/peers.txt" ] || { say "no peers recorded in $workdir/peers.txt"; exit 1; }
    local word name rest addr failed=0
    while read -r word name rest; do
        [[ $rest =~ ^listening\ on\ ([^ ]+) ]] || continue
        addr=${BASH_REMATCH[1]}
        if [ "$name" = litellm ]; then
            python3 "$templates/verify.py" --name "$name" --url "http://$addr" --key "$litellm_key" || failed=1
        else
            python3 "$templates/verify.py" --name "$name" --url "http://$addr" || failed=1
        fi
    done <"$workdir/peers.txt"
    return "$failed"
}

command=${1:-}
[ $# -gt 0 ] && shift
upstream='' workdir='' cpu=0 only=nginx,haproxy,litellm base_port=18300 litellm_key=sk-ringway-bench
while [ $# -gt 0 ]; do
    case $1 in
        --upstream) upstream=${2:?}; shift 2 ;;
        --workdir) workdir=${2:?}; shift 2 ;;
        --cpu) cpu=${2:?}; shift 2 ;;
        --only) only=${2:?}; shift 2 ;;
        --base-port) base_port=${2:?}; shift 2 ;;
        --litellm-key) litellm_key=${2:?}; shift 2 ;;
        -h | --help) usage ;;
        *) say "unknown argument '$1'"; usage ;;
    esac
done
[[ $base_port =~ ^[0-9]+$ ]] || { say "--base-port must be a number (0: ephemeral ports)"; exit 1; }
for peer in ${only//,/ }; do
    [[ " ${all_peers[*]} " == *" $peer "* ]] || { say "--only: unknown peer '$peer' (known: ${all_peers[*]})"; exit 1; }
done
case $command in
    start) cmd_start ;;
    stop) cmd_stop ;;
    check) cmd_check ;;
    *) usage ;;
esac
