"""The template schema new communities are cloned from.

Cloning a prepared schema takes about a second; running every migration per
community takes more than ten. The template must be exactly as migrated as a
new community would be, so provisioning checks it against the migration graph
before every clone and rebuilds it when a deploy brought new migrations
(``migrate_schemas`` alone does not know the template exists).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_context, schema_exists


def template_schema_name() -> str:
    return str(settings.TENANT_BASE_SCHEMA)


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

    The caller must hold the provisioning lock (see ``tenants.services``).
    """
    if template_schema_is_current():
        return False
    schema = template_schema_name()
    if not schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=verbosity)
    from core_apps.accounts.services import roles_sync

    with schema_context(schema):
        roles_sync()
    return True


def schema_clone(*, target: str) -> None:
    """Create schema ``target`` as a copy of the template, structure and rows.

    The template's ``django_migrations`` rows come along, so the new schema is
    as migrated as the template: no (fake) migrate run is needed. Constraint
    names are then aligned with the template's, because the clone gives
    multi-column unique constraints PostgreSQL's default names instead of
    Django's, and a later migration that drops one by name would fail on
    cloned schemas only.
    """
    from django_tenants.clone import CloneSchema

    CloneSchema().clone_schema(template_schema_name(), target, "DATA")
    schema_constraint_names_align(source=template_schema_name(), target=target)


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
