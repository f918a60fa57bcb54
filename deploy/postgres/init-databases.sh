#!/bin/sh
# Run by the postgres image once, when its data volume is empty: a login role and a database per
# service, each role owning only its own database, so one service cannot read another's data.
# The passwords come from the container's environment (.env on the host). psql interpolates
# them (:'password'), so no quoting in this script can break or inject into the SQL.
set -eu

create_database() {
  psql --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set name="$1" --set password="$2" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create_database identity "$IDENTITY_DB_PASSWORD"
create_database notes "$NOTES_DB_PASSWORD"
