#!/usr/bin/env bash
# Full-database restore from db-backup.sh's archive into an EMPTY database
# (create it first: createdb -T template0 pista_restored). Refuses a database
# that already has Pista's tables unless --force (which drops what the archive
# holds first: --clean --if-exists).
#
# Usage: DATABASE_URL=postgres://user:pw@host:5432/pista_restored \
#          infra/backup/db-restore.sh pista-db-20260101T000000Z.dump [--force] [--jobs N]
# After: run `manage.py migrate_all` (the code may be newer than the dump),
#        point the deployment at the database, and restore the files.
set -euo pipefail

archive="${1:?Usage: db-restore.sh ARCHIVE [--force] [--jobs N]}"
shift
force=0
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --jobs) jobs="$2"; shift ;;
    *) echo "db-restore: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
: "${DATABASE_URL:?Set DATABASE_URL to the (empty) database to restore into}"
pg_restore="${PG_RESTORE:-pg_restore}"
psql="${PSQL:-psql}"
[ -r "$archive" ] || { echo "db-restore: cannot read $archive" >&2; exit 2; }
"$pg_restore" --list "$archive" >/dev/null || { echo "db-restore: $archive is not a pg_dump archive" >&2; exit 2; }

existing="$("$psql" "$DATABASE_URL" -Atc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'tenants_community'")"
clean=()
if [ "$existing" != "0" ]; then
  if [ "$force" != 1 ]; then
    echo "db-restore: the target database already holds Pista (tenants_community exists)." >&2
    echo "            Restore into an empty database, or pass --force to replace it." >&2
    exit 3
  fi
  clean=(--clean --if-exists)
fi
"$pg_restore" "${clean[@]}" --no-owner --no-privileges --exit-on-error --jobs="$jobs" \
  --dbname="$DATABASE_URL" "$archive"
echo "db-restore: $archive restored; now run: manage.py migrate_all"
