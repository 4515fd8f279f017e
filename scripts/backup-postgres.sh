#!/usr/bin/env bash
# Back up one PostgreSQL database with pg_dump (custom format) and record the run.
#
#   BACKUP_DATABASE_URL=postgres://user@db:5432/freshtrack BACKUP_DIR=/var/backups/freshtrack \
#     scripts/backup-postgres.sh
#
# Connect straight to PostgreSQL, never through PgBouncer: pg_dump needs one session for the
# whole dump and its exported snapshot, which transaction pooling does not keep.
#
# What it does, in order:
#   1. records a 'running' row in backup_runs (kind 'backup'),
#   2. opens a REPEATABLE READ transaction, exports its snapshot and counts the key tables in
#      it, so the manifest's row counts describe exactly the data pg_dump writes,
#   3. pg_dump --snapshot into a temp file, `sync` (fsync), sha256, rename into place,
#   4. writes <database>-<UTC stamp>.manifest.json beside it the same way (start, end, size,
#      checksum, database, server version, row counts, invariants),
#   5. applies retention (newest per day/ISO week/month, BACKUP_KEEP_DAILY/WEEKLY/MONTHLY),
#   6. marks the row 'success' with the manifest.
# Any error: the row becomes 'failure' with the error text, partial files are removed, and
# the script exits non-zero.
#
# Environment:
#   BACKUP_DATABASE_URL   database to back up (required; direct, not PgBouncer)
#   BACKUP_DIR            where dumps and manifests go (required)
#   BACKUP_RECORD_URL     database holding backup_runs (default BACKUP_DATABASE_URL)
#   BACKUP_TRIGGERED_BY   who/what started it: 'schedule', 'manual', a user (default manual)
#   BACKUP_KEEP_DAILY / BACKUP_KEEP_WEEKLY / BACKUP_KEEP_MONTHLY   retention (7 / 4 / 6)
#   BACKUP_COUNT_TABLES   space-separated tables to count (default: the core tables)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/backup-lib.sh
source "$here/backup-lib.sh"

require BACKUP_DATABASE_URL
require BACKUP_DIR
BACKUP_RECORD_URL=${BACKUP_RECORD_URL:-$BACKUP_DATABASE_URL}
BACKUP_TRIGGERED_BY=${BACKUP_TRIGGERED_BY:-manual}
keep_daily=${BACKUP_KEEP_DAILY:-7}
keep_weekly=${BACKUP_KEEP_WEEKLY:-4}
keep_monthly=${BACKUP_KEEP_MONTHLY:-6}
for setting in keep_daily keep_weekly keep_monthly; do
  [[ ${!setting} =~ ^[0-9]+$ ]] || die "BACKUP_${setting^^} must be a whole number, got '${!setting}'"
done
((keep_daily >= 1)) || die "BACKUP_KEEP_DAILY must be at least 1 (the newest backup is always kept)"
read -r -a tables <<<"${BACKUP_COUNT_TABLES:-$DEFAULT_COUNT_TABLES}"
for t in "${tables[@]}"; do valid_identifier "$t" || die "BACKUP_COUNT_TABLES: '$t' is not a plain table name"; done

database=$(database_from_url "$BACKUP_DATABASE_URL")
mkdir -p "$BACKUP_DIR"
work=$(mktemp -d)
log="$work/step.log"
run_id=""
failure=""
tmp_dump=""
tmp_manifest=""
snapshot_pid=""

finish() {
  local status=$?
  if [[ -n $snapshot_pid ]]; then
    # Failed or stopped mid-dump: the session may be stuck (e.g. connecting), so end it.
    [[ -n ${snap_in:-} ]] && { exec {snap_in}>&-; } 2>/dev/null
    kill "$snapshot_pid" 2>/dev/null || true
    wait "$snapshot_pid" 2>/dev/null || true
  fi
  if ((status != 0)); then
    rm -f "${tmp_dump:-/nonexistent}" "${tmp_manifest:-/nonexistent}"
    [[ -z $failure && -s $work/failure ]] && failure=$(<"$work/failure")
    failure=${failure:-"exit status $status"}
    if [[ -n $run_id ]]; then
      record_failure "$run_id" "$failure" >/dev/null || echo "$(basename "$0"): could not record the failure in backup_runs" >&2
    fi
    echo "$(basename "$0"): backup of $database failed: $failure" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT
# A stopped run (timeout, SIGTERM from the scheduler) is recorded as failed too.
trap 'exit 143' TERM INT


step "recording the start in backup_runs" record_start backup "$database" >"$work/id"
run_id=$(<"$work/id")

started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
stamp=$(date -u +%Y%m%dT%H%M%S%3NZ)
final="$BACKUP_DIR/$database-$stamp.dump"
manifest="${final%.dump}.manifest.json"
tmp_dump="$BACKUP_DIR/.$database-$stamp.dump.tmp"
tmp_manifest="$BACKUP_DIR/.$database-$stamp.manifest.json.tmp"

# One session holds the snapshot that both the counts and pg_dump read.
coproc SNAPSHOT { psql "$BACKUP_DATABASE_URL" -X -A -t -q -v ON_ERROR_STOP=1 2>"$work/snapshot.log"; }
# shellcheck disable=SC2153 # SNAPSHOT_PID is set by coproc SNAPSHOT
snapshot_pid=$SNAPSHOT_PID
exec {snap_in}>&"${SNAPSHOT[1]}" {snap_out}<&"${SNAPSHOT[0]}"
# Keep only the copies: closing snap_in must be the session's end of input.
coproc_in=${SNAPSHOT[1]} coproc_out=${SNAPSHOT[0]}
exec {coproc_in}>&- {coproc_out}<&-

# ask sends one single-row query to the snapshot session and prints the answer.
ask() {
  local reply
  printf '%s\n' "$1" >&"$snap_in"
  if ! IFS= read -r -t 120 reply <&"$snap_out"; then
    # ask runs in $(...): the reason goes through a file, since a subshell's variables are lost.
    last_error "$work/snapshot.log" "snapshot session: $1" >"$work/failure"
    return 1
  fi
  printf '%s\n' "$reply"
}

printf 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n' >&"$snap_in"
snapshot=$(ask 'SELECT pg_export_snapshot();')
server_version=$(ask "SELECT current_setting('server_version');")
database_size=$(ask 'SELECT pg_database_size(current_database());')
present=$(ask "SELECT coalesce(string_agg(t, ' '), '') FROM unnest(string_to_array('${tables[*]}', ' ')) AS t WHERE to_regclass(t) IS NOT NULL;")
: >"$work/counts"
for t in $present; do
  printf '%s %s\n' "$t" "$(ask "SELECT count(*) FROM $t;")" >>"$work/counts"
done
: >"$work/invariants"
if [[ " $present " == *" audit_log "* ]]; then
  printf 'audit_log_head_hash\t%s\n' "$(ask "SELECT coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '');")" >>"$work/invariants"
fi
if [[ " $present " == *" schema_migrations "* ]]; then
  printf 'schema_migrations\t%s\n' "$(ask "SELECT coalesce(string_agg(version, ',' ORDER BY version), '') FROM schema_migrations;")" >>"$work/invariants"
fi

step "pg_dump" pg_dump --format=custom --no-password --snapshot="$snapshot" --file="$tmp_dump" --dbname="$BACKUP_DATABASE_URL"
printf 'COMMIT;\n' >&"$snap_in"
exec {snap_in}>&-
wait "$snapshot_pid" || true
snapshot_pid=""

step "fsync of the dump" sync "$tmp_dump"
sha256=$(sha256sum "$tmp_dump" | cut -d' ' -f1)
size_bytes=$(stat -c %s "$tmp_dump")
step "moving the dump into place" mv -n "$tmp_dump" "$final"
tmp_dump=""
finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)

jq -n \
  --arg run_id "$run_id" --arg database "$database" --arg file "$(basename "$final")" \
  --arg started_at "$started_at" --arg finished_at "$finished_at" --arg sha256 "$sha256" \
  --argjson size_bytes "$size_bytes" --argjson database_size_bytes "$database_size" \
  --arg server_version "$server_version" --arg pg_dump_version "$(pg_dump --version)" \
  --arg triggered_by "$BACKUP_TRIGGERED_BY" --arg host "$(hostname)" \
  --rawfile counts "$work/counts" --rawfile invariants "$work/invariants" \
  '{format_version: 1, tool: "pg_dump", format: "custom", run_id: $run_id, database: $database,
    file: $file, started_at: $started_at, finished_at: $finished_at, size_bytes: $size_bytes,
    database_size_bytes: $database_size_bytes, sha256: $sha256, server_version: $server_version,
    pg_dump_version: $pg_dump_version, triggered_by: $triggered_by, host: $host,
    row_counts: ($counts | split("\n") | map(select(length > 0) | split(" ") | {(.[0]): (.[1] | tonumber)}) | add // {}),
    invariants: ($invariants | split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] // "")}) | add // {})}' \
  >"$tmp_manifest"
step "fsync of the manifest" sync "$tmp_manifest"
step "moving the manifest into place" mv -n "$tmp_manifest" "$manifest"
tmp_manifest=""
step "fsync of $BACKUP_DIR" sync "$BACKUP_DIR"

# Retention: walk newest first; keep the newest backup of each of the last N days, ISO weeks
# and months. The stamp in the name (not the mtime) dates a backup.
declare -A keep=() days=() weeks=() months=()
# Never this run's own dump, even if a concurrent run made a newer one.
keep[$(basename "$final")]=1
mapfile -t dumps < <(find "$BACKUP_DIR" -maxdepth 1 -name "$database-*.dump" -printf '%f\n' | sort -r)
for f in "${dumps[@]}"; do
  ts=${f##*-}
  day=${ts:0:8}
  [[ $day =~ ^[0-9]{8}$ ]] || continue
  week=$(date -u -d "${day:0:4}-${day:4:2}-${day:6:2}" +%G-W%V)
  month=${day:0:6}
  if [[ -z ${days[$day]:-} ]] && ((${#days[@]} < keep_daily)); then days[$day]=1; keep[$f]=1; fi
  if [[ -z ${weeks[$week]:-} ]] && ((${#weeks[@]} < keep_weekly)); then weeks[$week]=1; keep[$f]=1; fi
  if [[ -z ${months[$month]:-} ]] && ((${#months[@]} < keep_monthly)); then months[$month]=1; keep[$f]=1; fi
done
removed=()
for f in "${dumps[@]}"; do
  if [[ -z ${keep[$f]:-} ]]; then
    step "retention: removing $f" rm -f "$BACKUP_DIR/$f" "$BACKUP_DIR/${f%.dump}.manifest.json"
    removed+=("$BACKUP_DIR/$f")
  fi
done
if ((${#removed[@]})); then
  step "recording retention in backup_runs" psql_record -v files="$(printf '%s\n' "${removed[@]}")" <<'SQL' >/dev/null
UPDATE backup_runs SET removed_at = now()
WHERE kind = 'backup' AND removed_at IS NULL AND backup_file = ANY (string_to_array(rtrim(:'files', E'\n'), E'\n'));
SQL
fi

step "recording success in backup_runs" psql_record -v id="$run_id" -v file="$final" -v size="$size_bytes" -v sha="$sha256" \
  -v version="$server_version" -v manifest="$(cat "$manifest")" <<'SQL'
UPDATE backup_runs
SET finished_at = now(), result = 'success', backup_file = :'file', size_bytes = :'size'::bigint,
    sha256 = :'sha', server_version = :'version', manifest = :'manifest'::jsonb
WHERE id = :'id';
SQL
echo "backup of $database: $final ($size_bytes bytes, sha256 $sha256, ${#keep[@]} kept, ${#removed[@]} removed by retention)"
