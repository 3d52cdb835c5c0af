"""The template schema new communities are cloned from.

Cloning a prepared schema takes about a second; running every migration per
community takes more than ten. The template must be exactly as migrated as a
new community would be, so provisioning checks it against the migration graph
before every clone and rebuilds it when a deploy brought new migrations
(``migrate_schemas`` alone does not know the template exists).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from core_apps.accounts.roles import roles_fingerprint
from core_apps.accounts.services import roles_sync
from tenants.models import TemplateDump

logger = logging.getLogger(__name__)

# Cloning queues on shared helper types and the template must not change under
# a clone: provisioning is serialised cluster-wide with this advisory lock.
PROVISIONING_LOCK_KEY = 0x5049_5354  # "PIST"


@contextmanager
def provisioning_lock() -> Iterator[None]:
    """Hold the cluster-wide provisioning lock (a session-level advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [PROVISIONING_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PROVISIONING_LOCK_KEY])


def template_schema_name() -> str:
    return str(settings.TENANT_BASE_SCHEMA)


def template_version() -> str:
    """A fingerprint of every known migration: changes whenever a deploy adds one.

    Read from disk once per process (the graph takes ~30 ms to load, and a
    signup must not pay it): the migrations only change with the code, or with
    the settings that say where they are (tests, the benchmark)."""
    return _migrations_fingerprint(
        repr(sorted(settings.MIGRATION_MODULES.items())), tuple(settings.INSTALLED_APPS)
    )


@lru_cache(maxsize=4)
def _migrations_fingerprint(_modules: str, _apps: tuple[str, ...]) -> str:
    nodes = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    return hashlib.sha1(repr(nodes).encode(), usedforsecurity=False).hexdigest()


def _applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return {(app, name) for app, name in cursor.fetchall()}


def template_schema_is_current() -> bool:
    """True when the template exists and every known migration is applied in it."""
    schema = template_schema_name()
    if not schema_exists(schema):
        return False
    graph_nodes = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    try:
        return graph_nodes <= _applied_migrations(schema)
    except Exception:  # a half-built template has no django_migrations yet
        connection.rollback() if not connection.get_autocommit() else None
        return False


def template_schema_refresh(*, verbosity: int = 0) -> bool:
    """Create or migrate the template schema if it is behind; return True if it changed.

    The caller must hold the provisioning lock (``provisioning_lock``).
    """
    if template_schema_is_current():
        return False
    schema = template_schema_name()
    if not schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=verbosity)
    with schema_context(schema):
        roles_sync()
    template_dump_forget()
    return True


def schema_clone(*, target: str) -> None:
    """Create schema ``target`` as a copy of the template, structure and rows.

    The template's ``django_migrations`` rows come along, so the new schema is
    as migrated as the template: no (fake) migrate run is needed. The copy
    replays a ``pg_dump`` of the template (taken once per template version and
    process), whose cost stays flat as the database fills with schemas; without
    a usable ``pg_dump`` it falls back to django-tenants' ``clone_schema``.
    """
    statements = template_dump_sql()
    if statements is None:
        _schema_clone_in_database(target=target)
        return
    renamed = _TEMPLATE_NAME.sub(f'"{target}"', statements)
    with connection.cursor() as cursor:
        cursor.execute(renamed)


def _schema_clone_in_database(*, target: str) -> None:
    """django-tenants' PL/pgSQL clone. Constraint names are then aligned with the
    template's, because that clone gives multi-column unique constraints
    PostgreSQL's default names instead of Django's, and a later migration that
    drops one by name would fail on cloned schemas only."""
    from django_tenants.clone import CloneSchema

    CloneSchema().clone_schema(template_schema_name(), target, "DATA")
    schema_constraint_names_align(source=template_schema_name(), target=target)


_TEMPLATE_NAME = re.compile(
    r"(?<![\w$\"])" + re.escape(str(settings.TENANT_BASE_SCHEMA)) + r"(?![\w$\"])"
)
# Session settings and psql meta-commands in a dump: the clone runs on Django's
# own connection, whose search_path must survive it.
_DUMP_SESSION_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config\(|\\)")
_dump_cache: dict[str, str | None] = {}
# A signup waits for a dump at most this long before cloning another way.
DUMP_TIMEOUT_S = 120.0


def template_dump_sql(*, timeout: float | None = DUMP_TIMEOUT_S) -> str | None:
    """The template as SQL (``pg_dump``), session settings removed; None when no
    ``pg_dump`` that can read this server is available. Kept per template
    version in this process and in the database (:class:`TemplateDump`), so a
    dump is taken once — by ``migrate_all`` at deploy, with no time limit."""
    key = template_dump_key()
    if key not in _dump_cache:
        with schema_context(get_public_schema_name()):
            stored = TemplateDump.objects.filter(key=key).values_list("sql", flat=True).first()
            if stored is None:
                stored = _template_dump(timeout=timeout)
                if stored is not None:
                    TemplateDump.objects.exclude(key=key).delete()
                    TemplateDump.objects.get_or_create(key=key, defaults={"sql": stored})
        _dump_cache.clear()
        _dump_cache[key] = stored
    return _dump_cache[key]


def template_dump_key() -> str:
    """What a template dump holds: the migrations and the role groups."""
    return f"{template_version()}:{roles_fingerprint()}"


def template_dump_forget() -> None:
    """Drop the kept dump, here and in the database (the template changed)."""
    _dump_cache.clear()
    with schema_context(get_public_schema_name()):
        TemplateDump.objects.all().delete()


def pg_dump_path() -> str | None:
    """``PISTA_PG_DUMP``, else the embedded server's own, else the one on PATH."""
    if settings.PISTA_PG_DUMP:
        return str(settings.PISTA_PG_DUMP)
    if settings.PISTA_EMBEDDED_DB:
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
        if bundled.exists():
            return str(bundled)
    return shutil.which("pg_dump")


def _template_dump(*, timeout: float | None) -> str | None:
    executable = pg_dump_path()
    if executable is None:
        logger.warning("No pg_dump found; cloning communities with clone_schema instead.")
        return None
    db = connection.settings_dict
    command = [
        executable,
        "--schema",
        template_schema_name(),
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--no-tablespaces",
        "--rows-per-insert=1000",
        "--dbname",
        str(db["NAME"]),
    ]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    environment = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    try:
        completed = subprocess.run(  # noqa: S603 fixed arguments, no shell
            command, capture_output=True, text=True, timeout=timeout, env=environment, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.warning("pg_dump failed (%s); cloning with clone_schema instead.", exc)
        return None
    if completed.returncode != 0 or "CREATE TABLE" not in completed.stdout:
        logger.warning(
            "pg_dump could not dump the template (%s); cloning with clone_schema instead.",
            completed.stderr.strip()[:300],
        )
        return None
    return "\n".join(
        line for line in completed.stdout.splitlines() if not _DUMP_SESSION_LINE.match(line)
    )


# System catalogs whose statistics go stale as schemas are added; left alone,
# cloning slows down 2-3x past ~100 schemas.
CATALOG_TABLES = [
    "pg_class",
    "pg_attribute",
    "pg_constraint",
    "pg_index",
    "pg_namespace",
    "pg_type",
    "pg_depend",
    "pg_attrdef",
    "pg_sequence",
]


def catalog_statistics_refresh() -> bool:
    """ANALYZE the catalogs that cloning reads; False when the role may not."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE " + ", ".join(f"pg_catalog.{table}" for table in CATALOG_TABLES)
            )
    except DatabaseError:
        return False
    return True


def schema_constraints(schema: str) -> dict[tuple[str, str, str], str]:
    """``(table, type, definition) → name`` of every constraint in ``schema``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT cl.relname, con.contype, pg_get_constraintdef(con.oid), con.conname
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_namespace ns ON ns.oid = cl.relnamespace
            WHERE ns.nspname = %s
            ORDER BY cl.relname, con.conname
            """,
            [schema],
        )
        rows = cursor.fetchall()
    prefix = f"{schema}."
    constraints: dict[tuple[str, str, str], str] = {}
    for table, kind, definition, name in rows:
        constraints[(table, kind, definition.replace(prefix, ""))] = name
    return constraints


def schema_constraint_names_align(*, source: str, target: str) -> int:
    """Rename ``target``'s constraints to the names the same constraints have in
    ``source``; return how many were renamed."""
    wanted = schema_constraints(source)
    renamed = 0
    with connection.cursor() as cursor:
        for key, name in schema_constraints(target).items():
            source_name = wanted.get(key)
            if source_name and source_name != name:
                table = f'"{target}"."{key[0]}"'
                cursor.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{name}" TO "{source_name}"')
                renamed += 1
    return renamed
