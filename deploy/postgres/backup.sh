#!/bin/sh
# Dumps every application database (pg_dump's custom format, one file each, written under a
# temporary name and renamed when complete) into BACKUP_DIR, then deletes the dumps older than
# BACKUP_KEEP_DAYS. Connection from libpq's PG* variables (PGPASSWORD_FILE too).
#   backup.sh                 once (deploy.yml runs it before every deploy: a release may migrate)
#   backup.sh --every <s>     again every <s> seconds (the compose service `backup`)
# BACKUP_DATABASES names the databases; by default every one but postgres and the templates,
# so a new service's database is backed up with no list to edit.
set -eu

# The password may come as a file (PGPASSWORD_FILE, a Docker secret) rather than in PGPASSWORD:
# plain environment shows in `docker inspect`.
if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
  export PGPASSWORD
fi

dir=${BACKUP_DIR:-/backups}
keep=${BACKUP_KEEP_DAYS:-14}

databases() {
  if [ -n "${BACKUP_DATABASES:-}" ]; then
    printf '%s\n' $BACKUP_DATABASES
  else
    psql -XAt -d postgres -c \
      "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1"
  fi
}

backup_once() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  for db in $(databases); do
    pg_dump --format=custom --dbname="$db" --file="$dir/$db-$stamp.dump.partial"
    mv "$dir/$db-$stamp.dump.partial" "$dir/$db-$stamp.dump"
    echo "backup: $db -> $dir/$db-$stamp.dump"
  done
  find "$dir" -name '*.dump' -mtime "+$keep" -print -delete | sed 's/^/backup: expired /'
}

case "${1:-}" in
  "") backup_once ;;
  --every)
    while :; do
      backup_once || echo "backup: FAILED; trying again in ${2:?--every needs seconds} s" >&2
      sleep "$2"
    done
    ;;
  *) echo "usage: backup.sh [--every <seconds>]" >&2; exit 2 ;;
esac
