#!/usr/bin/env bash
# deploy-selfhosted.sh deploys FreshTrack Pro with Docker Compose on a VM (docs/DEPLOYMENT_SELFHOSTED.md):
#   pre-deploy backup → build → roll each role out, gated on its /readyz → notify.
# If a role does not become ready, every role goes back to the previous version and the
# failure is notified; the script exits 1. --dry-run prints the plan and the commands it would
# run, probing health (read-only) but changing nothing.
#
# Usage: deploy-selfhosted.sh [--dry-run] [--version VERSION] [--rollback] [--skip-backup] [--no-notify]
# Env:   FRESHTRACK_DIR            checkout to deploy from (default: this repository)
#        FRESHTRACK_STATE_DIR      where the deployed version is recorded (default /var/lib/freshtrack)
#        FRESHTRACK_SECRETS_DIR    Docker secret files (default /etc/freshtrack/secrets)
#        FRESHTRACK_ENVIRONMENT    label of the notification (default production)
#        COMPOSE_FILES             compose files, colon-separated (default compose.yaml:compose.prod.yaml)
#        HEALTH_URL_<ROLE>         readiness URL per role (INGEST, CONTROL_PLANE, ALERTING, EXPORTERS)
#        HEALTH_TIMEOUT_SECONDS    per role (default 120); HEALTH_INTERVAL_SECONDS (default 5)
#        INFRA_SERVICES            services started before the roles (default: postgres pgbouncer
#                                  backup prometheus grafana loki promtail tempo caddy)
#        BACKUP_COMMAND            pre-deploy backup (default: scripts/backup-postgres.sh in the
#                                  compose `backup` service; first install: --skip-backup)
#        ALERTMANAGER_URL          router the notification goes to (default http://127.0.0.1:9093)
set -euo pipefail

DEPLOY_NAME=deploy-selfhosted
SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/deploy-common.sh
source "$SCRIPTS_DIR/lib/deploy-common.sh"

usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }

VERSION='' ROLLBACK=0 SKIP_BACKUP=0 NO_NOTIFY=0
while (($#)); do
  case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    --version) VERSION=${2-}; shift 2 ;;
    --rollback) ROLLBACK=1; shift ;;
    --skip-backup) SKIP_BACKUP=1; shift ;;
    --no-notify) NO_NOTIFY=1; shift ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done

FRESHTRACK_DIR=${FRESHTRACK_DIR:-$(cd "$SCRIPTS_DIR/.." && pwd)}
STATE_DIR=${FRESHTRACK_STATE_DIR:-/var/lib/freshtrack}
export FRESHTRACK_SECRETS_DIR=${FRESHTRACK_SECRETS_DIR:-/etc/freshtrack/secrets}
ROLES=(exporters alerting control-plane ingest)
INFRA_SERVICES=${INFRA_SERVICES:-postgres pgbouncer backup prometheus grafana loki promtail tempo caddy}

compose() {
  local files=() f
  IFS=':' read -r -a f <<<"${COMPOSE_FILES:-compose.yaml:compose.prod.yaml}"
  for file in "${f[@]}"; do files+=(-f "$FRESHTRACK_DIR/docker/$file"); done
  run env FRESHTRACK_VERSION="$1" docker compose "${files[@]}" "${@:2}"
}

health_url() {
  local var port
  var="HEALTH_URL_$(tr 'a-z-' 'A-Z_' <<<"$1")"
  case $1 in ingest) port=8081 ;; control-plane) port=8080 ;; alerting) port=9093 ;; exporters) port=9127 ;; esac
  printf '%s' "${!var:-http://127.0.0.1:${port}/readyz}"
}

previous_version() { cat "$STATE_DIR/deployed-version" 2>/dev/null || true; }

record_version() { run mkdir -p "$STATE_DIR"; if [[ $DRY_RUN == 1 ]]; then echo "would record: $1 > $STATE_DIR/deployed-version"; else echo "$1" >"$STATE_DIR/deployed-version"; fi; }

# rollout VERSION: one role at a time, each gated on its readiness before the next starts.
rollout() {
  local version=$1 role
  for role in "${ROLES[@]}"; do
    step "deploy ${role} ${version}"
    compose "$version" up -d --no-deps "$role"
    step "health check ${role}"
    wait_healthy "$(health_url "$role")" || return 1
  done
}

rollback() {
  local to=$1
  if [[ -z $to ]]; then
    step "rollback impossible: no previous version recorded in $STATE_DIR/deployed-version"
    return 1
  fi
  step "rollback to ${to}"
  rollout "$to"
}

PREVIOUS=$(previous_version)
if [[ $ROLLBACK == 1 ]]; then
  [[ -n $PREVIOUS ]] || die "--rollback: no deployed version recorded in $STATE_DIR"
  VERSION=${VERSION:-$(cat "$STATE_DIR/previous-version" 2>/dev/null || true)}
  [[ -n $VERSION ]] || die "--rollback: no previous version recorded; pass --version"
fi
VERSION=${VERSION:-$(git -C "$FRESHTRACK_DIR" describe --tags --always 2>/dev/null || echo unversioned)}

mode=''
[[ $DRY_RUN == 1 ]] && mode=' [dry run: nothing is changed]'
step "plan: deploy ${VERSION} (previous: ${PREVIOUS:-none})${mode}"
require_command docker
require_command curl
[[ -d $FRESHTRACK_SECRETS_DIR || $DRY_RUN == 1 ]] || die "secret directory $FRESHTRACK_SECRETS_DIR is missing (docs/DEPLOYMENT_SELFHOSTED.md, step 3)"

if [[ $SKIP_BACKUP == 0 && $ROLLBACK == 0 ]]; then
  step "backup: pre-deploy database backup"
  if [[ -n ${BACKUP_COMMAND:-} ]]; then
    # shellcheck disable=SC2086 # BACKUP_COMMAND may carry arguments.
    run $BACKUP_COMMAND || { notify_deploy failure "Pre-deploy backup failed; ${VERSION} was not deployed"; exit 1; }
  else
    # scripts/backup-postgres.sh inside the compose `backup` service (pg_dump beside the server).
    compose "${PREVIOUS:-$VERSION}" run --rm --no-deps backup once || { notify_deploy failure "Pre-deploy backup failed; ${VERSION} was not deployed"; exit 1; }
  fi
fi

step "build image freshtrack-ops:${VERSION}"
compose "$VERSION" build --pull
step "start infrastructure (${INFRA_SERVICES})"
# shellcheck disable=SC2086 # a space-separated list of service names
compose "$VERSION" up -d --no-recreate $INFRA_SERVICES

if rollout "$VERSION"; then
  [[ -n $PREVIOUS && $PREVIOUS != "$VERSION" ]] && { if [[ $DRY_RUN == 1 ]]; then echo "would record: $PREVIOUS > $STATE_DIR/previous-version"; else echo "$PREVIOUS" >"$STATE_DIR/previous-version"; fi; }
  record_version "$VERSION"
  notify_deploy success "Deployed ${VERSION} to ${FRESHTRACK_ENVIRONMENT:-production}; every role is ready"
  step "done: ${VERSION} is live"
  exit 0
fi

if rollback "$PREVIOUS"; then
  notify_deploy failure "Deploy of ${VERSION} failed its health check; rolled back to ${PREVIOUS}"
else
  notify_deploy failure "Deploy of ${VERSION} failed its health check and the rollback did not recover; the stack needs a human"
fi
step "failed: ${VERSION} was not deployed"
exit 1
