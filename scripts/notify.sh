#!/usr/bin/env bash
# notify.sh posts a deployment notice as an alert through the FreshTrack router (Alertmanager
# API v2, POST /api/v2/alerts), so it follows the same routing tree as every other alert:
# there is exactly one way a human is notified (v1.1 audit: "deploy notifications not wired").
#
# Usage: notify.sh --environment ENV --version VERSION --result success|failure [--summary TEXT]
# Env:   ALERTMANAGER_URL  router base URL (default http://127.0.0.1:9093)
#        NOTIFY_TTL_SECONDS how long the notice stays active before it resolves (default 600)
set -euo pipefail

usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }

environment='' version='' result='' summary=''
while (($#)); do
  case $1 in
    --environment) environment=${2-}; shift 2 ;;
    --version) version=${2-}; shift 2 ;;
    --result) result=${2-}; shift 2 ;;
    --summary) summary=${2-}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "notify.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[[ -n $environment ]] || { echo 'notify.sh: --environment is required' >&2; exit 2; }
[[ -n $version ]] || { echo 'notify.sh: --version is required' >&2; exit 2; }
[[ $result == success || $result == failure ]] || { echo 'notify.sh: --result must be success or failure' >&2; exit 2; }

# json_string TEXT: a JSON string literal (quotes, backslashes and control characters escaped).
json_string() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      '"') out+='\"' ;;
      "\\") out+="\\\\" ;;
      $'\n') out+='\n' ;;
      $'\r') out+='\r' ;;
      $'\t') out+='\t' ;;
      *)
        if [[ $c < ' ' ]]; then out+=$(printf '\\u%04x' "'$c"); else out+=$c; fi
        ;;
    esac
  done
  printf '"%s"' "$out"
}

router=${ALERTMANAGER_URL:-http://127.0.0.1:9093}
ttl=${NOTIFY_TTL_SECONDS:-600}
severity=info
[[ $result == failure ]] && severity=critical
[[ -n $summary ]] || summary="Deployment of ${version} to ${environment}: ${result}"
now=$(date -u +%s)
starts=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)
ends=$(date -u -d "@$((now + ttl))" +%Y-%m-%dT%H:%M:%SZ)
host=$(hostname)

body=$(printf '[{"labels":{"alertname":"Deployment","category":"deployment","severity":%s,"environment":%s,"version":%s,"result":%s},"annotations":{"summary":%s,"deployed_from":%s},"startsAt":"%s","endsAt":"%s"}]' \
  "$(json_string "$severity")" "$(json_string "$environment")" "$(json_string "$version")" "$(json_string "$result")" \
  "$(json_string "$summary")" "$(json_string "$host")" "$starts" "$ends")

# Retries cover a router that is restarting during the deploy it reports.
if curl -fsS --retry 3 --retry-delay 2 --retry-connrefused --max-time 10 \
  -H 'Content-Type: application/json' -X POST --data "$body" -o /dev/null "${router%/}/api/v2/alerts"; then
  echo "notify.sh: Deployment ${version} (${result}) sent to ${router}"
else
  echo "notify.sh: could not deliver the Deployment notice to ${router}" >&2
  exit 1
fi
