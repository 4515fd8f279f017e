#!/usr/bin/env bash
# Restore-test a backup made by scripts/backup-postgres.sh and record the result.
#
#   RESTORE_ADMIN_URL=postgres://postgres@db:5432/postgres BACKUP_DIR=/var/backups/freshtrack \
#     BACKUP_DATABASE_NAME=freshtrack scripts/test-restore.sh [MANIFEST]
#
# Takes MANIFEST (a *.manifest.json), or the newest manifest of BACKUP_DATABASE_NAME in
# BACKUP_DIR, then:
#   1. records a 'running' row in backup_runs (kind 'restore_test'),
#   2. checks the dump's sha256 against the manifest,
#   3. creates a scratch database and pg_restores the dump into it (stopping at the first error),
#   4. compares every row count and invariant in the manifest with the restored database,
#   5. drops the scratch database (also on failure) and marks the row success or failure,
#      with the checks made kept in `manifest`.
# Exits non-zero when the backup does not restore to what the manifest says.
#
# Environment:
#   RESTORE_ADMIN_URL     server to restore on; must allow CREATE/DROP DATABASE (required)
#   BACKUP_RECORD_URL     database holding backup_runs (required)
#   BACKUP_DIR, BACKUP_DATABASE_NAME   used to find the newest manifest when none is given
#   BACKUP_TRIGGERED_BY   who/what started it (default manual)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/backup-lib.sh
source "$here/backup-lib.sh"

require RESTORE_ADMIN_URL
require BACKUP_RECORD_URL
BACKUP_TRIGGERED_BY=${BACKUP_TRIGGERED_BY:-manual}

manifest=${1:-}
if [[ -z $manifest ]]; then
  require BACKUP_DIR
  require BACKUP_DATABASE_NAME
  manifest=$(find "$BACKUP_DIR" -maxdepth 1 -name "$BACKUP_DATABASE_NAME-*.manifest.json" -printf '%p\n' | sort -r | head -n 1)
  [[ -n $manifest ]] || die "no manifest for $BACKUP_DATABASE_NAME in $BACKUP_DIR"
fi
[[ -r $manifest ]] || die "cannot read manifest $manifest"
jq -e '.format_version == 1 and (.file | type == "string") and (.sha256 | type == "string")' "$manifest" >/dev/null ||
  die "$manifest is not a backup manifest (format_version 1 with file and sha256)"
database=$(jq -r .database "$manifest")
dump="$(dirname "$manifest")/$(jq -r .file "$manifest")"
scratch="restore_test_$(date -u +%Y%m%d%H%M%S)_$$"
valid_identifier "$scratch" || die "bad scratch database name $scratch"
scratch_url=$(url_with_database "$RESTORE_ADMIN_URL" "$scratch")

work=$(mktemp -d)
log="$work/step.log"
run_id=""
failure=""
scratch_created=""
started=$(date +%s)

finish() {
  local status=$?
  if [[ -n $scratch_created ]]; then
    psql "$RESTORE_ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null 2>&1 ||
      echo "$(basename "$0"): could not drop scratch database $scratch" >&2
  fi
  if ((status != 0)); then
    failure=${failure:-"exit status $status"}
    if [[ -n $run_id ]]; then
      record_failure "$run_id" "$failure" >/dev/null || echo "$(basename "$0"): could not record the failure in backup_runs" >&2
    fi
    echo "$(basename "$0"): restore test of $dump failed: $failure" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT
trap 'exit 143' TERM INT


step "recording the start in backup_runs" record_start restore_test "$database" "$dump" >"$work/id"
run_id=$(<"$work/id")

[[ -r $dump ]] || {
  failure="backup file $dump is missing"
  exit 1
}
expected_sha=$(jq -r .sha256 "$manifest")
actual_sha=$(sha256sum "$dump" | cut -d' ' -f1)
if [[ $actual_sha != "$expected_sha" ]]; then
  failure="checksum mismatch: manifest says $expected_sha, file has $actual_sha"
  exit 1
fi

step "creating scratch database $scratch" psql "$RESTORE_ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $scratch"
scratch_created=1
step "pg_restore" pg_restore --exit-on-error --no-owner --no-privileges --dbname="$scratch_url" "$dump"

# Compare every row count and invariant the manifest recorded with the restored data.
: >"$work/checks"
mismatches=()
while IFS=$'\t' read -r table expected; do
  valid_identifier "$table" || die "manifest names a bad table '$table'"
  actual=$(psql "$scratch_url" -X -A -t -q -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM $table" 2>"$log") || {
    failure=$(last_error "$log" "counting $table in the restored database")
    exit 1
  }
  printf '%s\t%s\t%s\n' "row_count:$table" "$expected" "$actual" >>"$work/checks"
  [[ $actual == "$expected" ]] || mismatches+=("$table has $actual rows, manifest says $expected")
done < <(jq -r '.row_counts | to_entries[] | "\(.key)\t\(.value)"' "$manifest")

invariant_sql() {
  case $1 in
    audit_log_head_hash) echo "SELECT coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')" ;;
    schema_migrations) echo "SELECT coalesce(string_agg(version, ',' ORDER BY version), '') FROM schema_migrations" ;;
    *) return 1 ;;
  esac
}
while IFS=$'\t' read -r name expected; do
  sql=$(invariant_sql "$name") || die "manifest has an unknown invariant '$name'"
  actual=$(psql "$scratch_url" -X -A -t -q -v ON_ERROR_STOP=1 -c "$sql" 2>"$log") || {
    failure=$(last_error "$log" "checking invariant $name")
    exit 1
  }
  printf '%s\t%s\t%s\n' "invariant:$name" "$expected" "$actual" >>"$work/checks"
  [[ $actual == "$expected" ]] || mismatches+=("invariant $name is '$actual', manifest says '$expected'")
done < <(jq -r '.invariants // {} | to_entries[] | "\(.key)\t\(.value)"' "$manifest")

if ((${#mismatches[@]})); then
  failure="restored data differs from the manifest: $(printf '%s; ' "${mismatches[@]}")"
  exit 1
fi

duration=$(($(date +%s) - started))
result=$(jq -n --rawfile checks "$work/checks" --arg manifest "$manifest" --argjson backup "$(cat "$manifest")" \
  --argjson duration "$duration" --arg scratch "$scratch" \
  '{manifest_file: $manifest, backup: $backup, scratch_database: $scratch, duration_seconds: $duration,
    checks: ($checks | split("\n") | map(select(length > 0) | split("\t") | {check: .[0], expected: .[1], actual: .[2]}))}')
step "recording success in backup_runs" psql_record -v id="$run_id" -v sha="$actual_sha" -v size="$(stat -c %s "$dump")" \
  -v version="$(jq -r .server_version "$manifest")" -v result="$result" <<'SQL'
UPDATE backup_runs
SET finished_at = now(), result = 'success', sha256 = :'sha', size_bytes = :'size'::bigint,
    server_version = :'version', manifest = :'result'::jsonb
WHERE id = :'id';
SQL
echo "restore test of $dump: OK ($(wc -l <"$work/checks") checks, ${duration}s)"
