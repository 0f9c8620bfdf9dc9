#!/bin/sh
# Run by the postgres image on first start: one database per name in SAGAFLOW_DATABASES.
set -eu
for db in $SAGAFLOW_DATABASES; do
  psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -c "create database \"$db\""
done
