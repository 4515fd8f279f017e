# shellcheck shell=bash
# Shared helpers of scripts/deploy-*.sh: logging, dry-run aware execution, health gating and
# deployment notifications. Sourced (by scripts running set -euo pipefail), never run on its own.

DRY_RUN=${DRY_RUN:-0}
SCRIPTS_DIR=${SCRIPTS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

log() { printf '%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${DEPLOY_NAME:-deploy}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# step NAME: prints a numbered plan line ("==> backup"), the outline tests and operators read.
step() { printf '==> %s\n' "$*"; }

# run CMD...: executes, or in --dry-run prints the command (shell-quoted) instead.
run() {
  if [[ $DRY_RUN == 1 ]]; then
    printf 'would run:'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# require_command NAME: fails early (also in --dry-run) when a tool the real run needs is missing.
require_command() {
  command -v "$1" >/dev/null 2>&1 || { [[ $DRY_RUN == 1 ]] && log "warning: $1 not installed (needed for a real run)"; } || die "$1 is required"
}

# wait_healthy URL...: polls each URL until it answers 2xx, for HEALTH_TIMEOUT_SECONDS in total.
# Runs in --dry-run too: probing is read-only, and it is what decides rollout or rollback.
wait_healthy() {
  local timeout=${HEALTH_TIMEOUT_SECONDS:-120} interval=${HEALTH_INTERVAL_SECONDS:-5}
  local deadline=$((SECONDS + timeout)) url
  for url in "$@"; do
    until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        printf 'health check FAILED: %s did not answer 2xx within %ss\n' "$url" "$timeout"
        return 1
      fi
      sleep "$interval"
    done
    printf 'health check ok: %s\n' "$url"
  done
}

# notify_deploy RESULT SUMMARY: posts the Deployment alert through the router (scripts/notify.sh).
# A failed notification is logged, never turned into a failed deploy.
notify_deploy() {
  local result=$1 summary=$2
  step "notify: ${result}"
  if [[ ${NO_NOTIFY:-0} == 1 ]]; then
    printf 'notification left to the caller (--no-notify)\n'
    return 0
  fi
  run "$SCRIPTS_DIR/notify.sh" --environment "${FRESHTRACK_ENVIRONMENT:-production}" --version "$VERSION" \
    --result "$result" --summary "$summary" || log "warning: the deployment notification could not be delivered"
}
