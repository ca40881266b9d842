#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer,
# starting or installing them when possible; says clearly what is missing if not.
set -euo pipefail
PGHOST_ADDR="${PGHOST_ADDR:-127.0.0.1}"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

pg_up() { pg_isready -q -h "$PGHOST_ADDR" -p 5432 >/dev/null 2>&1; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! command -v pg_isready >/dev/null 2>&1; then
  echo "PostgreSQL client tools not found: installing postgresql."
  apt_install postgresql postgresql-client || true
fi
if ! pg_up; then
  if ls /etc/postgresql/*/main >/dev/null 2>&1; then
    for version in $(ls /etc/postgresql); do
      $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! pg_up; then
  echo "PostgreSQL is not answering on $PGHOST_ADDR:5432 and could not be started." >&2
  echo "Start it (e.g. pg_ctlcluster <version> main start) and allow trust or password auth for user postgres." >&2
  exit 1
fi

if ! command -v redis-server >/dev/null 2>&1 && ! redis_up; then
  echo "Redis not found: installing redis-server."
  apt_install redis-server redis-tools || true
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  mkdir -p /tmp/redis-test
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/redis-test --logfile /tmp/redis-test/redis.log >/dev/null
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
fi
if ! redis_up; then
  echo "Redis is not answering on 127.0.0.1:6379 and could not be started: install redis-server." >&2
  exit 1
fi
echo "PostgreSQL and Redis are up."
