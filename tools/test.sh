#!/usr/bin/env bash
# The test command: builds (the end-to-end suites start the real binaries)
# and runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test "$@"
