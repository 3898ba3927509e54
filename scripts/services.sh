#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1 for the second test run.
# Installed but stopped: start them. Missing: under CI=true that is a failure, never a skip;
# elsewhere print why and exit 3 so `make test` runs the embedded-defaults suite only.
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up && command -v pg_ctlcluster >/dev/null; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
  for _ in $(seq 20); do pg_up && break; sleep 0.5; done
fi
if ! redis_up && command -v redis-server >/dev/null; then
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 20); do redis_up && break; sleep 0.5; done
fi

missing=()
pg_up || missing+=("PostgreSQL on 127.0.0.1:5432")
redis_up || missing+=("Redis on 127.0.0.1:6379")
if [ ${#missing[@]} -gt 0 ]; then
  echo "services.sh: not available: ${missing[*]}" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 3
fi
# The test database's parent must exist; pytest-django creates test_cm_platform itself.
psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='cm_platform'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE cm_platform" >/dev/null
