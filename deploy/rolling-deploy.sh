#!/bin/sh
# Deploys compose.yaml one container at a time, so requests keep being answered throughout
# (README.md, "Deploying without downtime"). deploy.yml runs it on the host, in DEPLOY_PATH:
#
#   sh rolling-deploy.sh                 # deploy compose.yaml
#   sh rolling-deploy.sh compose.x.yaml  # deploy another file (the rollback does this)
#
# 1. Pull every pinned image.
# 2. Postgres, Redis, Jaeger, backup: `up --no-deps --wait` each (Compose recreates only what changed).
# 3. Each of our gRPC services in turn: a second container with the new image beside the old
#    one, healthy first; then the old one gets SIGTERM and drains (roll_service, below).
# 4. The gateways one at a time: Traefik's health check and retry middleware send everything to
#    the other one while one is replaced (traefik/dynamic.yaml).
# 5. Traefik, then orphans removed; then /readyz through Traefik. If anything fails and
#    compose.previous.yaml exists (deploy.yml keeps the file deployed before), the files it
#    mounts are restored from previous-files.tar (traefik/, postgres/, as deployed before), the
#    same rolling update runs with it, and the script exits 1.
#
# Settings (environment): READYZ_URL (default https://$DOMAIN/readyz, DOMAIN read from .env,
# asked of this host's Traefik), TRAEFIK_SETTLE (seconds for Traefik's health check to take a new
# gateway back in; default 6: three of its 2 s intervals).
set -eu

file=${1:-compose.yaml}
previous=compose.previous.yaml
previous_files=previous-files.tar
settle=${TRAEFIK_SETTLE:-6}

log() { printf 'rolling-deploy: %s\n' "$*" >&2; }

compose() { docker compose -f "$file" "$@"; }

# Our services: every Compose service but the infrastructure and the gateways.
grpc_services() {
  compose config --services | grep -Evx 'backup|jaeger|postgres|redis|traefik|gateway(-[a-z])?' || true
}

gateways() { compose config --services | grep -Ex 'gateway(-[a-z])?' || true; }

# The running container's config hash (a Compose label) against the file's: unchanged -> 0.
unchanged() {
  running=$(compose ps -q "$1" | head -n 1)
  [ -n "$running" ] || return 1
  have=$(docker inspect --format '{{ index .Config.Labels "com.docker.compose.config-hash" }}' "$running")
  want=$(compose config --hash "$1" | awk '{ print $2 }')
  [ "$have" = "$want" ]
}

# One gRPC service, new beside old. `up --no-deps --wait <service>` alone would stop the old
# container before starting the new one: the gateway's calls would fail in between. So the new
# one starts first (--scale 2 --no-recreate keeps the old one and adds one from the new config),
# and only once it is healthy does the old one get SIGTERM (`docker stop` waits its
# stop_grace_period). The kit then answers NOT_SERVING for SHUTDOWN_DELAY_MS while still serving
# calls, then sends GOAWAY, refuses new calls and drains the ones in flight.
#
# Why the gateway stops sending before the old container stops: the kit's client asks each
# connection's server for its grpc.health.v1 status every second. When the old container says
# NOT_SERVING, the gateway resolves `<service>` again through Docker's DNS, which now also names
# the new container, and sends new calls there; the old one finishes the calls it has. So
# SHUTDOWN_DELAY_MS (5 s) is the window in which the gateways move; by the GOAWAY that ends it,
# nothing new reaches the old container. A call the old one refuses anyway (a stream above its
# GOAWAY's last stream id) is made again on the new connection, and a name whose address
# refuses the connection is tried at its next address (service-kit/README.md, "Replicas").
roll_service() {
  if unchanged "$1"; then
    log "$1: unchanged"
    return 0
  fi
  old=$(compose ps -q "$1")
  if [ -z "$old" ]; then
    log "$1: not running yet, starting it"
    compose up -d --no-deps --wait "$1"
    return 0
  fi
  log "$1: starting the new container beside the old one"
  compose up -d --no-deps --no-recreate --scale "$1=2" --wait "$1"
  log "$1: stopping the old one (NOT_SERVING, SHUTDOWN_DELAY_MS, drain)"
  # shellcheck disable=SC2086 # one container id per word
  docker stop $old >/dev/null
  # shellcheck disable=SC2086
  docker rm $old >/dev/null
}

# One gateway: Compose stops it (SIGTERM; the requests in flight finish) and starts the new one.
# Meanwhile Traefik retries what could not reach it on the other gateway and its health check
# takes it out; then it waits until the health check has taken the new one back in.
roll_gateway() {
  if unchanged "$1"; then
    log "$1: unchanged"
    return 0
  fi
  log "$1: replacing it; Traefik sends to the other gateway"
  compose up -d --no-deps --wait "$1"
  sleep "$settle"
}

readyz_url() {
  if [ -n "${READYZ_URL:-}" ]; then
    printf '%s\n' "$READYZ_URL"
    return 0
  fi
  domain=$(sed -n 's/^DOMAIN=//p' .env 2>/dev/null | tail -n 1)
  [ -n "$domain" ] || { log "no DOMAIN in .env and no READYZ_URL"; return 1; }
  printf 'https://%s/readyz\n' "$domain"
}

# /readyz through this host's Traefik (--resolve: not whatever the DNS says), a few tries.
check_readyz() {
  url=$(readyz_url)
  host=$(printf '%s\n' "$url" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
  log "checking $url"
  curl --fail --silent --show-error --max-time 5 --retry 10 --retry-delay 3 \
    --retry-all-errors --resolve "$host:443:127.0.0.1" --output /dev/null "$url"
}

rollout() {
  log "deploying $file"
  compose pull --quiet
  if [ -z "$(compose ps -q)" ]; then
    log "nothing running: first start, all at once"
    compose up -d --wait --wait-timeout 300
    return 0
  fi
  for infra in postgres redis jaeger backup; do
    compose up -d --no-deps --wait "$infra"
  done
  for service in $(grpc_services); do
    roll_service "$service"
  done
  for gateway in $(gateways); do
    roll_gateway "$gateway"
  done
  compose up -d --no-deps --wait traefik
  compose up -d --wait --wait-timeout 300 --remove-orphans
}

# One attempt in a shell of its own: `set -e` is off inside a function called before `||` or in
# an `if`, but holds in a new shell, so the first failing command ends the attempt.
attempt() { ROLLING_DEPLOY_ATTEMPT=1 sh "$0" "$1"; }

rollback() {
  if [ "$file" = "$previous" ] || [ ! -f "$previous" ]; then
    log "deploy failed; no $previous to roll back to"
    exit 1
  fi
  log "deploy failed: rolling back to $previous"
  # The files the previous compose file mounts (Traefik's routes, Postgres' scripts) as they were:
  # deploy.yml packs them before copying the new ones over.
  if [ -f "$previous_files" ]; then
    log "restoring the previous configuration files from $previous_files"
    tar -xf "$previous_files"
  fi
  if attempt "$previous"; then
    log "rolled back to $previous; the deploy of $file failed"
  else
    log "the rollback failed too: see docker compose ps and logs"
  fi
  exit 1
}

main() {
  if [ "${ROLLING_DEPLOY_ATTEMPT:-}" = 1 ]; then
    rollout
    check_readyz
    return 0
  fi
  if attempt "$file"; then
    log "deployed $file"
    return 0
  fi
  rollback
}

main
