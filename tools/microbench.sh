#!/usr/bin/env bash
# Builds ringway-microbench in release and runs it; arguments go to the
# benchmark (--rounds N, --round-ms MS, --filter TEXT, --json FILE, --list).
#
#   tools/microbench.sh --json /tmp/micro.json
#
# Figures on a shared 2-core VM move by 5-15% between runs: compare medians
# from runs made back to back, and prefer callgrind's instruction counts
# (DESIGN.md, hot-path rule 8) for changes smaller than that.
set -euo pipefail
cd "$(dirname "$0")/.."

build=(swift build -c release --scratch-path .build-micro --product ringway-microbench)
"${build[@]}"
exec "$("${build[@]}" --show-bin-path)/ringway-microbench" "$@"
