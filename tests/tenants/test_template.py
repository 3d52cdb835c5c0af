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
