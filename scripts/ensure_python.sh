#!/usr/bin/env bash
# Makes sure a Python 3.11+ with venv support is there to build the virtualenv.
set -euo pipefail
py="${1:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "Python 3.11 or newer is required: '$py' was not found. Install python3 (3.11+)." >&2
  exit 1
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is required; '$py' is $("$py" --version 2>&1)." >&2
  exit 1
fi
if ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  else
    echo "The Python venv module is missing: install the python3-venv package." >&2
    exit 1
  fi
fi
