#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. It installs bubblewrap (the
# kit's sandbox) and the kit from the wheel in this bundle, its dependencies pinned to the versions the
# bundle was built with. The root is $AUTOGRADER_ROOT (default /autograder), the Python $PYTHON.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${PYTHON:-python3}"
if ! command -v bwrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
fi
"$PYTHON" -m pip install -q -r "$ROOT/source/requirements.txt"
"$PYTHON" -m pip install -q --no-deps "$ROOT/source/{{ wheel }}"
