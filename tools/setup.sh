#!/usr/bin/env bash
# Installs the system libraries Ringway links (liburing, OpenSSL) and builds
# the release binaries. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in liburing-dev libssl-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq "${need[@]}"
fi

swift build -c release
echo "built: $(pwd)/.build/release/ringway"
