# shellcheck shell=bash
# Shared by scripts/backup-postgres.sh and scripts/test-restore.sh: settings, the backup_runs
# history record (who/what/when/result) and small helpers. Sourced, never run.

# The key tables whose row counts go in every manifest and are checked after a restore.
# shellcheck disable=SC2034 # used by the scripts that source this file
DEFAULT_COUNT_TABLES="organizations sites units sensors device_keys thresholds readings excursions alert_outbox audit_log certificate_observations schema_migrations"

# die stops with a message; `failure` is what the EXIT trap records in backup_runs.
die() {
  failure="$*"
  echo "$(basename "$0"): $*" >&2
  exit 1
}

require() {
  local name=$1
  [[ -n ${!name:-} ]] || die "$name is not set"
}

# database_from_url prints the database name of a postgres:// URL.
database_from_url() {
  local url=${1%%\?*}
  local db=${url##*/}
  [[ -n $db && $db != "$url" ]] || die "cannot read the database name from the URL"
  printf '%s\n' "$db"
}

# url_with_database replaces the database of a postgres:// URL (keeping its query string).
url_with_database() {
  local url=$1 db=$2 query=""
  if [[ $url == *\?* ]]; then query="?${url#*\?}"; url=${url%%\?*}; fi
  printf '%s/%s%s\n' "${url%/*}" "$db" "$query"
}

# valid_identifier accepts plain (optionally schema-qualified) lower-case table names only,
# so names can be put into SQL without quoting surprises.
valid_identifier() {
  [[ $1 =~ ^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$ ]]
}

psql_record() {
  psql "$BACKUP_RECORD_URL" -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}

# record_start inserts a 'running' row and prints its id.
record_start() {
  local kind=$1 database=$2 file=${3:-}
  psql_record -v kind="$kind" -v db="$database" -v by="$BACKUP_TRIGGERED_BY" -v file="$file" <<'SQL'
INSERT INTO backup_runs (kind, database_name, started_at, result, triggered_by, backup_file)
VALUES (:'kind', :'db', now(), 'running', :'by', NULLIF(:'file', ''))
RETURNING id;
SQL
}

# record_failure closes a run as failed with the error text.
record_failure() {
  local id=$1 error=$2
  psql_record -v id="$id" -v error="$error" <<'SQL'
UPDATE backup_runs SET finished_at = now(), result = 'failure', error = :'error' WHERE id = :'id';
SQL
}

# last_error prints the tail of a step log as the error recorded in the history.
last_error() {
  local log=$1 what=$2
  local tail=""
  [[ -s $log ]] && tail=$(tail -n 5 "$log")
  printf '%s%s\n' "$what" "${tail:+: $tail}"
}

# step runs a command with its stderr kept in the script's $log; on failure it sets the
# script's $failure to what failed and why, for the EXIT trap to record.
step() {
  local what=$1
  shift
  # shellcheck disable=SC2154 # $log is set by the script that sources this file
  if ! "$@" 2>"$log"; then
    failure=$(last_error "$log" "$what")
    return 1
  fi
}
