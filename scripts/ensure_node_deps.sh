#!/usr/bin/env bash
# Installs the test-only npm packages (package-lock.json: axe-core, which the
# browser journeys run on every page) into node_modules/. Needs Node.js and npm:
# installs the Debian packages when they are missing and this user can.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "npm is missing (needed for axe-core in the browser journeys) and there is no root or sudo to install it: install Node.js and npm, then run make test again." >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "npm is missing (needed for axe-core in the browser journeys): install Node.js and npm with your package manager, then run make test again." >&2
    exit 1
  fi
  echo "Installing system packages: nodejs npm"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is still missing after installing it: install Node.js and npm, then run make test again." >&2
  exit 1
fi
# Only when package-lock.json changed since the last install.
if [ node_modules/.package-lock.json -nt package-lock.json ] && [ -f node_modules/axe-core/axe.min.js ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
