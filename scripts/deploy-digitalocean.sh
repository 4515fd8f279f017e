#!/usr/bin/env bash
# deploy-digitalocean.sh deploys FreshTrack Pro to a DigitalOcean Droplet whose PostgreSQL is
# a DigitalOcean Managed Database (docs/DEPLOYMENT_DIGITALOCEAN.md):
#   preflight (doctl) → pre-deploy backup on the Droplet → release → role-by-role rollout on the
#   Droplet (deploy-selfhosted.sh, gated on each /readyz) → public health check → notify.
# A failed public health check rolls the Droplet back to the previous version and notifies the
# failure. --dry-run prints the plan and commands, probing health (read-only) but changing nothing.
#
# Usage: deploy-digitalocean.sh [--dry-run] [--version VERSION]
# Env:   DO_DROPLET              Droplet name (required)
#        DO_DATABASE_ID          Managed PostgreSQL cluster id (required; `doctl databases list`)
#        FRESHTRACK_DOMAIN       public hostname served by Caddy (required)
#        DO_SSH_USER             SSH user on the Droplet (default root)
#        DO_REMOTE_DIR           checkout on the Droplet (default /opt/freshtrack)
#        FRESHTRACK_ENVIRONMENT  label of the notification (default production)
#        HEALTH_URLS             public readiness URLs, space-separated
#                                (default https://$FRESHTRACK_DOMAIN/readyz)
#        HEALTH_TIMEOUT_SECONDS  (default 120); HEALTH_INTERVAL_SECONDS (default 5)
#        ALERTMANAGER_URL        router the notification goes to (default: the Droplet's router
#                                through an SSH tunnel is not assumed; set it explicitly)
set -euo pipefail

DEPLOY_NAME=deploy-digitalocean
SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/deploy-common.sh
source "$SCRIPTS_DIR/lib/deploy-common.sh"

usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }

VERSION=''
while (($#)); do
  case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    --version) VERSION=${2-}; shift 2 ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done

: "${DO_DROPLET:?set DO_DROPLET to the Droplet name}"
: "${DO_DATABASE_ID:?set DO_DATABASE_ID to the managed PostgreSQL cluster id}"
: "${FRESHTRACK_DOMAIN:?set FRESHTRACK_DOMAIN to the public hostname}"
SSH_USER=${DO_SSH_USER:-root}
REMOTE_DIR=${DO_REMOTE_DIR:-/opt/freshtrack}
VERSION=${VERSION:-$(git -C "$SCRIPTS_DIR/.." describe --tags --always 2>/dev/null || echo unversioned)}
read -r -a HEALTH <<<"${HEALTH_URLS:-https://${FRESHTRACK_DOMAIN}/readyz}"
COMPOSE_FILES='compose.yaml:compose.prod.yaml:compose.digitalocean.yaml'
INFRA='pgbouncer backup prometheus grafana loki promtail tempo caddy'

mode=''
[[ $DRY_RUN == 1 ]] && mode=' [dry run: nothing is changed]'
step "plan: deploy ${VERSION} to Droplet ${DO_DROPLET} with managed PostgreSQL ${DO_DATABASE_ID}${mode}"
require_command doctl
require_command ssh
require_command curl

step "preflight: doctl access, Droplet address, managed database"
if [[ $DRY_RUN == 1 ]]; then
  run doctl compute droplet get "$DO_DROPLET" --format PublicIPv4 --no-header
  run doctl databases get "$DO_DATABASE_ID" --format Status --no-header
  DROPLET_IP='<droplet-ip>'
else
  DROPLET_IP=$(doctl compute droplet get "$DO_DROPLET" --format PublicIPv4 --no-header)
  [[ -n $DROPLET_IP ]] || die "Droplet $DO_DROPLET has no public IPv4"
  db_status=$(doctl databases get "$DO_DATABASE_ID" --format Status --no-header)
  [[ $db_status == online ]] || die "managed database $DO_DATABASE_ID is $db_status, not online"
fi
TARGET="${SSH_USER}@${DROPLET_IP}"

# remote CMD: runs a command on the Droplet in the checkout, with the DigitalOcean overlay.
remote() {
  run ssh -o BatchMode=yes "$TARGET" "cd $REMOTE_DIR && COMPOSE_FILES=$COMPOSE_FILES INFRA_SERVICES='$INFRA' FRESHTRACK_ENVIRONMENT=${FRESHTRACK_ENVIRONMENT:-production} $*"
}

# configure_database: writes the managed cluster's connection into the Droplet's secrets and a
# PgBouncer config pointing at it with server TLS required. Credentials never reach stdout.
configure_database() {
  step "configure: managed database connection → ${TARGET}:/etc/freshtrack (values not shown)"
  if [[ $DRY_RUN == 1 ]]; then
    run doctl databases connection "$DO_DATABASE_ID" --format Host,Port,User,Password,Database --no-header
    echo "would write: /etc/freshtrack/pgbouncer.ini (docker/pgbouncer/pgbouncer.ini, backend = managed host, server_tls_sslmode = require)"
    echo "would write: /etc/freshtrack/secrets/{database_url,pgbouncer_userlist} (mode 600)"
    echo "would set: FRESHTRACK_RECORDS_DB_ADDRESS, FRESHTRACK_RECORDS_DB_NAME in ${REMOTE_DIR}/docker/.env (Grafana's records datasource)"
    return 0
  fi
  local host port user password database ini
  read -r host port user password database < <(doctl databases connection "$DO_DATABASE_ID" --format Host,Port,User,Password,Database --no-header)
  [[ -n $host && -n $password ]] || die "doctl returned no connection details for $DO_DATABASE_ID"
  ini=$(sed -e "s|^\* = host=.*|* = host=${host} port=${port} dbname=${database}|" \
    -e 's|^\[pgbouncer\]$|[pgbouncer]\nserver_tls_sslmode = require|' "$SCRIPTS_DIR/../docker/pgbouncer/pgbouncer.ini")
  ssh -o BatchMode=yes "$TARGET" 'install -d -m 700 /etc/freshtrack/secrets && cat > /etc/freshtrack/pgbouncer.ini' <<<"$ini"
  ssh -o BatchMode=yes "$TARGET" 'umask 077 && cat > /etc/freshtrack/secrets/pgbouncer_userlist' <<<"\"${user}\" \"${password}\""
  ssh -o BatchMode=yes "$TARGET" 'umask 077 && cat > /etc/freshtrack/secrets/database_url' <<<"postgres://${user}:${password}@pgbouncer:6432/${database}"
  # Grafana's records datasource reads the cluster directly, over TLS (compose.digitalocean.yaml).
  ssh -o BatchMode=yes "$TARGET" "touch $REMOTE_DIR/docker/.env && sed -i '/^FRESHTRACK_RECORDS_DB_\(ADDRESS\|NAME\)=/d' $REMOTE_DIR/docker/.env && cat >> $REMOTE_DIR/docker/.env" \
    <<<"FRESHTRACK_RECORDS_DB_ADDRESS=${host}:${port}"$'\n'"FRESHTRACK_RECORDS_DB_NAME=${database}"
}
configure_database

step "backup: pre-deploy database backup (managed cluster, from the Droplet)"
# scripts/backup-postgres.sh inside the compose `backup` service, which has pg_dump and the
# backup_database_url secret; the Droplet host needs neither.
remote "docker compose -f docker/compose.yaml -f docker/compose.prod.yaml -f docker/compose.digitalocean.yaml run --rm --no-deps backup once" ||
  { notify_deploy failure "Pre-deploy backup failed; ${VERSION} was not deployed"; exit 1; }

step "release ${VERSION} on the Droplet"
remote "git fetch --tags origin && git checkout --detach $VERSION"

step "deploy: role-by-role rollout on the Droplet, gated on each /readyz"
if ! remote scripts/deploy-selfhosted.sh --skip-backup --no-notify --version "$VERSION"; then
  # deploy-selfhosted.sh has already rolled the roles back on the Droplet.
  notify_deploy failure "Deploy of ${VERSION} to ${DO_DROPLET} failed its health checks on the Droplet and was rolled back"
  step "failed: ${VERSION} was not deployed"
  exit 1
fi

step "health check (public): ${HEALTH[*]}"
if wait_healthy "${HEALTH[@]}"; then
  notify_deploy success "Deployed ${VERSION} to ${DO_DROPLET} (${FRESHTRACK_DOMAIN})"
  step "done: ${VERSION} is live"
  exit 0
fi

step "rollback: previous version on the Droplet"
if remote scripts/deploy-selfhosted.sh --rollback --no-notify; then
  notify_deploy failure "Deploy of ${VERSION} failed the public health check; rolled back"
else
  notify_deploy failure "Deploy of ${VERSION} failed the public health check and the rollback failed; the stack needs a human"
fi
step "failed: ${VERSION} was not deployed"
exit 1
