#!/usr/bin/env bash
# The official `openai` Python SDK against the mock upstream, directly, through
# Ringway in sidecar mode and through Ringway's router (model "sdk-model"
# spliced to itself via an alias; usage counted on every stream). Installs the SDK into .build-sdk-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-sdk-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check openai
fi
swift build --product ringway >/dev/null
swift build --product ringway-bench >/dev/null
bin=$(swift build --show-bin-path)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Starts a process, waits for its readiness line and sets $port. Not called
# in a subshell, so the cleanup trap sees every PID it must stop.
start() {
    local log=$1; shift
    "$@" >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        if grep -q "listening on" "$log"; then
            port=$(grep -o "127.0.0.1:[0-9]*" "$log" | head -1 | cut -d: -f2)
            return
        fi
        sleep 0.05
    done
    echo "sdk_check: $* did not start: $(cat "$log")" >&2
    exit 1
}

start "$work/mock.log" "$bin/ringway-bench" upstream --listen 127.0.0.1:0
mock=$port
start "$work/sidecar.log" "$bin/ringway" serve --listen 127.0.0.1:0 --workers 1 --upstream "http://127.0.0.1:$mock"
sidecar=$port
cat >"$work/router.json" <<JSON
{"admin": null, "count_stream_usage": true,
 "pools": {"mock": {"endpoints": ["http://127.0.0.1:$mock"], "strategy": "p2c_ewma"}},
 "models": {"sdk-model": {"pool": "mock", "aliases": ["sdk-alias"]}, "sdk-embed": {"pool": "mock"}}}
JSON
start "$work/router.log" "$bin/ringway" serve --listen 127.0.0.1:0 --workers 1 --config "$work/router.json"
routed=$port

for port in "$mock" "$sidecar" "$routed"; do
    echo "sdk_check: http://127.0.0.1:$port/v1"
    "$venv/bin/python" Tests/Fixtures/openai_sdk_check.py "http://127.0.0.1:$port/v1"
done
