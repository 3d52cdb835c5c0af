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
from django.db import connection
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
