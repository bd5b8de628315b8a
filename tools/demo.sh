#!/usr/bin/env bash
# Self-contained demo: sets up, starts a mock inference server (ringway-bench
# upstream, on Ringway's own engine) and Ringway in front of it on loopback,
# sends a chat completion, a token stream and a smuggling attempt through the
# proxy, then stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

workdir=$(mktemp -d)
cleanup() {
    [ -n "${proxy_pid:-}" ] && kill "$proxy_pid" 2>/dev/null || true
    [ -n "${mock_pid:-}" ] && kill "$mock_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

wait_for_line() { # file pattern
    for _ in $(seq 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "timed out waiting for '$2' in $1" >&2
    return 1
}

.build/release/ringway-bench upstream --listen 127.0.0.1:0 >"$workdir/mock.out" &
mock_pid=$!
wait_for_line "$workdir/mock.out" "listening"
mock_port=$(grep -o '[0-9]*$' "$workdir/mock.out")

.build/release/ringway serve --listen 127.0.0.1:0 --upstream "http://127.0.0.1:$mock_port" >"$workdir/proxy.out" &
proxy_pid=$!
wait_for_line "$workdir/proxy.out" "listening"
proxy_port=$(grep -o '127.0.0.1:[0-9]*' "$workdir/proxy.out" | cut -d: -f2)
echo "mock upstream on 127.0.0.1:$mock_port, ringway on 127.0.0.1:$proxy_port"

echo; echo "== chat completion through ringway"
curl -sS "http://127.0.0.1:$proxy_port/v1/chat/completions" \
    -H 'content-type: application/json' -d '{"model":"demo","messages":[{"role":"user","content":"hi"}]}'
echo; echo; echo "== token stream through ringway (one event every 100 ms)"
curl -sS -N "http://127.0.0.1:$proxy_port/v1/chat/completions" -H 'x-mock-tokens: 5' -H 'x-mock-itl-us: 100000' \
    -H 'content-type: application/json' -d '{"model":"demo","stream":true,"messages":[]}'
echo; echo "== a smuggling attempt is refused"
printf 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' |
    curl -sS --max-time 2 "telnet://127.0.0.1:$proxy_port" || true
echo
