from __future__ import annotations

from django.db import connection

from tenants.selectors import schemas_behind_migrations
from tenants.template import template_schema_is_current, template_schema_name


def test_all_schemas_are_current_after_provisioning(community_a, community_b):
    assert schemas_behind_migrations() == []
    assert template_schema_is_current()


def test_template_missing_a_migration_counts_as_stale(db):
    schema = template_schema_name()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'cms'")
    assert not template_schema_is_current()


def test_community_missing_a_migration_is_reported_behind(community_a):
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM \"{community_a.schema_name}\".django_migrations WHERE app = 'cms'"
        )
    assert schemas_behind_migrations() == [community_a.schema_name]


def test_cloned_schema_matches_the_migrated_template_constraint_names_included(community_a):
    # The template is built by running every migration; communities are clones.
    from tenants.template import schema_constraints

    migrated = schema_constraints(template_schema_name())
    cloned = schema_constraints(community_a.schema_name)
    assert cloned == migrated
    assert any(name.endswith("_uniq") for name in cloned.values())


def test_cloned_schema_has_the_same_tables_columns_and_indexes_as_the_template(community_a):
    def structure(schema: str) -> set[tuple[str, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name, data_type, is_nullable "
                "FROM information_schema.columns WHERE table_schema = %s",
                [schema],
            )
            columns = {("column", *row) for row in cursor.fetchall()}
            cursor.execute(
                "SELECT tablename, indexname, replace(indexdef, %s, '') "
                "FROM pg_indexes WHERE schemaname = %s",
                [f"{schema}.", schema],
            )
            indexes = {("index", *row) for row in cursor.fetchall()}
        return columns | indexes

    assert structure(community_a.schema_name) == structure(template_schema_name())
