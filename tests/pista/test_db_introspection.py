"""Table lists come from the introspected schema's catalog rows only (not a
``pg_table_is_visible`` scan of every community's), and list exactly its
tables and views."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

pytestmark = pytest.mark.django_db


def _catalog_tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s"
            " UNION SELECT viewname FROM pg_views WHERE schemaname = %s",
            [schema, schema],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("which", ["community", "public"])
def test_the_table_list_is_the_introspected_schemas_own(community_a, which):
    schema = community_a.schema_name if which == "community" else "public"
    with schema_context(schema), connection.cursor() as cursor:
        listed = {table.name for table in connection.introspection.get_table_list(cursor)}
        cursor.execute("SHOW search_path")
        search_path = cursor.fetchone()[0]
    assert listed == _catalog_tables(schema) - set(connection.introspection.ignored_tables)
    if which == "community":
        assert "events_event" in listed and "tenants_community" not in listed
    else:
        assert "tenants_community" in listed and "events_event" not in listed
    # The search path is given back as it was.
    assert schema in search_path


def test_migrate_finds_each_schemas_own_migration_table(community_a):
    from django.db.migrations.recorder import MigrationRecorder

    with schema_context(community_a.schema_name):
        assert MigrationRecorder(connection).has_table()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "introspection_probe"')
    with schema_context("introspection_probe"):
        # public's django_migrations is on the tenant search path, not listed here.
        assert not MigrationRecorder(connection).has_table()
