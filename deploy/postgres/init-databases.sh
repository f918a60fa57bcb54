#!/bin/sh
# Run by the postgres image once, when its data volume is empty: a login role and a database per
# service, each role owning only its own database, so one service cannot read another's data.
# Each password comes from a file, /run/secrets/<service>-db-password (a Docker secret: never in
# the environment). psql interpolates it (:'password'), so no quoting in this script can break
# or inject into the SQL.
set -eu

# create_database <name> <password file>
create_database() {
  password=$(cat "$2")
  psql --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set name="$1" --set password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create_database identity /run/secrets/identity-db-password
create_database notes /run/secrets/notes-db-password
