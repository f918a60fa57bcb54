#!/bin/sh
# Shows that a deploy drops no request: a request loop runs against the site through this host's
# Traefik while rolling-deploy.sh runs, then the counts are printed. Run it on the host, in the
# deploy folder, where `sh rolling-deploy.sh` would run (README.md, "Deploying without downtime"):
#
#   sh zero-downtime-check.sh            # arguments go to rolling-deploy.sh
#
# Settings (environment): CHECK_URL (default https://$DOMAIN/healthz, DOMAIN read from .env; an
# API route shows the services' side too), CHECK_INTERVAL (seconds between requests, default
# 0.05). Exits 1 when any request failed (not 2xx, or no answer) or the deploy failed, 77 (skipped)
# where there is no Docker engine with the Compose plugin.
set -eu

interval=${CHECK_INTERVAL:-0.05}
here=$(cd "$(dirname "$0")" && pwd)

log() { printf 'zero-downtime-check: %s\n' "$*" >&2; }

check_url() {
  if [ -n "${CHECK_URL:-}" ]; then
    printf '%s\n' "$CHECK_URL"
    return 0
  fi
  domain=$(sed -n 's/^DOMAIN=//p' .env 2>/dev/null | tail -n 1)
  [ -n "$domain" ] || { log "no DOMAIN in .env and no CHECK_URL"; return 1; }
  printf 'https://%s/healthz\n' "$domain"
}

# One status code per line into $1 (000: no answer), until the file $2 exists.
request_loop() {
  host=$(printf '%s\n' "$url" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
  while [ ! -f "$2" ]; do
    curl --silent --output /dev/null --max-time 5 --write-out '%{http_code}\n' \
      --resolve "$host:443:127.0.0.1" "$url" >>"$1" || true
    sleep "$interval"
  done
}

if ! docker compose version >/dev/null 2>&1; then
  log "skipped: no Docker engine with the Compose plugin here"
  exit 77
fi

url=$(check_url)
work=$(mktemp -d)
trap 'touch "$work/stop"; rm -rf "$work"' EXIT
log "requesting $url every ${interval}s during the deploy"
request_loop "$work/codes" "$work/stop" &
loop=$!

deployed=0
sh "$here/rolling-deploy.sh" "$@" || deployed=$?
touch "$work/stop"
wait "$loop" || true

total=$(wc -l <"$work/codes" | tr -d ' ')
ok=$(grep -c '^2' "$work/codes" || true)
failed=$((total - ok))
printf 'requests: %s  2xx: %s  failed: %s  deploy exit: %s\n' "$total" "$ok" "$failed" "$deployed"
if [ "$failed" -gt 0 ]; then
  log "failed requests by status (000: no answer):"
  grep -v '^2' "$work/codes" | sort | uniq -c >&2
fi
[ "$failed" -eq 0 ] && [ "$deployed" -eq 0 ]
