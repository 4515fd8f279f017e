#!/usr/bin/env bash
# backup-runner.sh is the entry point of the compose `backup` service (postgres image, so
# pg_dump matches the server). It runs scripts/backup-postgres.sh, which does the actual
# backup and records it in backup_runs for the exporters role:
#   backup-runner.sh once       one backup now (scripts/deploy-selfhosted.sh's pre-deploy backup)
#   backup-runner.sh restore-test [MANIFEST]   one restore test now (newest dump by default)
#   backup-runner.sh schedule   a backup every day at BACKUP_HOUR_UTC (default 02) and, on
#                               RESTORE_TEST_WEEKDAY (1-7, default 7 = Sunday), a restore test
#                               of it (scripts/test-restore.sh), forever
# Env: BACKUP_DATABASE_URL_FILE  Docker secret with the direct (not PgBouncer) database URL
#      BACKUP_DIR                where dumps go (the `backups` volume)
#      BACKUP_DATABASE_NAME      database the restore test picks the newest dump of
#      FRESHTRACK_SCRIPTS_DIR    where scripts/ is mounted (default /freshtrack/scripts)
set -euo pipefail

BACKUP_DATABASE_URL=$(cat "${BACKUP_DATABASE_URL_FILE:?set BACKUP_DATABASE_URL_FILE}")
export BACKUP_DATABASE_URL
# backup_runs lives in the backed-up database; the restore test creates its scratch database
# on the same server, through its maintenance database.
export BACKUP_RECORD_URL=${BACKUP_RECORD_URL:-$BACKUP_DATABASE_URL}
export RESTORE_ADMIN_URL=${RESTORE_ADMIN_URL:-${BACKUP_DATABASE_URL%/*}/postgres}
scripts=${FRESHTRACK_SCRIPTS_DIR:-/freshtrack/scripts}
backup=$scripts/backup-postgres.sh
restore_test=$scripts/test-restore.sh
heartbeat=/tmp/backup-heartbeat

case ${1:-schedule} in
  once)
    BACKUP_TRIGGERED_BY=${BACKUP_TRIGGERED_BY:-deploy} exec "$backup"
    ;;
  restore-test)
    # The newest dump, or the manifest given as the next argument.
    BACKUP_TRIGGERED_BY=${BACKUP_TRIGGERED_BY:-manual} exec "$restore_test" "${@:2}"
    ;;
  schedule)
    hour=${BACKUP_HOUR_UTC:-02}
    last_day=''
    while true; do
      touch "$heartbeat"
      today=$(date -u +%F)
      if [[ $(date -u +%H) == "$hour" && $today != "$last_day" ]]; then
        # A failed run is recorded in backup_runs by the script itself (PgBackupFailed alerts);
        # the scheduler keeps going.
        if BACKUP_TRIGGERED_BY=schedule "$backup"; then
          if [[ $(date -u +%u) == "${RESTORE_TEST_WEEKDAY:-7}" ]]; then
            BACKUP_TRIGGERED_BY=schedule "$restore_test" || echo "backup-runner: restore test failed, see backup_runs" >&2
          fi
        else
          echo "backup-runner: backup failed, see backup_runs" >&2
        fi
        last_day=$today
      fi
      sleep 60
    done
    ;;
  *)
    echo "usage: backup-runner.sh once|restore-test [MANIFEST]|schedule" >&2
    exit 2
    ;;
esac
