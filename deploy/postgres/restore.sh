#!/bin/sh
# Restores a dump made by backup.sh into a database that does not exist yet: never over live
# data. Connection from libpq's PG* variables (a superuser, or a role that may create databases).
#   restore.sh <file.dump> <new database> [owner]
# With an owner (the service's role, as deploy/ runs it), the database and every object in it
# belong to that role; without, to the role restoring. deploy/README.md, "Backups", has the
# swap that puts the restored database in place.
set -eu

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
