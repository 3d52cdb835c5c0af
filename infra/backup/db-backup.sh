#!/usr/bin/env bash
# Full-database backup: every schema (public, the template, every community) in
# one pg_dump custom-format archive. Files (media, private) are not in the
# database: back up the bucket or MEDIA_ROOT/PISTA_PRIVATE_ROOT alongside (S3
# versioning, or rsync), and per community with `manage.py community_backup`.
#
# Usage: DATABASE_URL=postgres://user:pw@host:5432/pista infra/backup/db-backup.sh [OUT_DIR]
# Env:   PG_DUMP (default: pg_dump on PATH; its major version must be >= the server's)
#        KEEP_DAYS (default 14): older pista-db-*.dump files in OUT_DIR are removed
set -euo pipefail

out_dir="${1:-${BACKUP_DIR:-./backups}}"
pg_dump="${PG_DUMP:-pg_dump}"
: "${DATABASE_URL:?Set DATABASE_URL to the database to back up}"
command -v "$pg_dump" >/dev/null 2>&1 || {
  echo "db-backup: no $pg_dump found; install postgresql-client or set PG_DUMP" >&2
  exit 2
}

mkdir -p "$out_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$out_dir/pista-db-$stamp.dump"
# -Fc: compressed, restorable table by table and in parallel (pg_restore -j).
"$pg_dump" --format=custom --compress=6 --no-owner --no-privileges \
  --file="$target.partial" "$DATABASE_URL"
mv "$target.partial" "$target"
# A quick integrity check: the archive's table of contents must be readable.
"${PG_RESTORE:-pg_restore}" --list "$target" >/dev/null
echo "db-backup: $target ($(du -h "$target" | cut -f1))"

find "$out_dir" -maxdepth 1 -name 'pista-db-*.dump' -mtime "+${KEEP_DAYS:-14}" -print -delete
