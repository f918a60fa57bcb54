#!/bin/sh
# Restores a dump made by backup.sh into a database that does not exist yet: never over live
# data. Connection from libpq's PG* variables and PGPASSWORD_FILE (a superuser, or a role that
# may create databases).
#   restore.sh <file.dump> <new database> [owner]
# With an owner (the service's role, as deploy/ runs it), the database and every object in it
# belong to that role; without, to the role restoring. deploy/README.md, "Backups", has the
# swap that puts the restored database in place.
set -eu

# The password may come as a file (PGPASSWORD_FILE, a Docker secret) rather than in PGPASSWORD:
# plain environment shows in `docker inspect`.
if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
  export PGPASSWORD
fi

file=${1:?usage: restore.sh <file.dump> <new database> [owner]}
target=${2:?usage: restore.sh <file.dump> <new database> [owner]}
owner=${3:-}

if [ -n "$owner" ]; then
  createdb --owner="$owner" "$target"
  pg_restore --exit-on-error --no-owner --role="$owner" --dbname="$target" "$file"
else
  createdb "$target"
  pg_restore --exit-on-error --no-owner --dbname="$target" "$file"
fi
echo "restore: $file -> $target"
