#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster if it is down and waits until it accepts
# connections on 127.0.0.1:5432 (the tests' TEST_DATABASE_ADMIN_URL default).
set -euo pipefail

if pg_isready -h 127.0.0.1 -p 5432 -q; then
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort -V | tail -n 1)
if [ -z "$version" ]; then
  echo "ensure-postgres: no PostgreSQL cluster found" >&2
  exit 1
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 60); do
  if pg_isready -h 127.0.0.1 -p 5432 -q; then
    exit 0
  fi
  sleep 1
done
echo "ensure-postgres: PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
