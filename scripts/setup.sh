#!/usr/bin/env bash
# Sets up a fresh machine: Debian's bubblewrap (the sandbox) and Chromium (the browser tests), when run
# as root with apt, and a virtual environment in .venv with the kit and its development tools.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q -e '.[dev]'
