#!/usr/bin/env bash
# Back up Venster's PostgreSQL database and restore it into another one.
#
#   scripts/backup_restore.sh backup  SOURCE_URL FILE      # pg_dump, custom format
#   scripts/backup_restore.sh restore FILE TARGET_URL      # into an empty database
#
# The custom format (-Fc) is compressed and lets pg_restore run in parallel and
# restore selectively. --no-owner/--no-acl make a restore work under another role.
set -euo pipefail

command=${1:-}
case "$command" in
    backup)
        source_url=$2 file=$3
        pg_dump --format=custom --no-owner --no-acl --file="$file" "$source_url"
        echo "backed up to $file ($(du -h "$file" | cut -f1))"
        ;;
    restore)
        file=$2 target_url=$3
        pg_restore --no-owner --no-acl --exit-on-error --single-transaction \
            --dbname="$target_url" "$file"
        echo "restored $file"
        ;;
    *)
        echo "usage: $0 backup SOURCE_URL FILE | restore FILE TARGET_URL" >&2
        exit 2
        ;;
esac
