from __future__ import annotations

import re

from django.db import connection

from tenants.provisioning.selectors import schemas_behind_migrations
from tenants.provisioning.template import template_schema_is_current, template_schema_name


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
    from tenants.provisioning.template import schema_constraints

    migrated = schema_constraints(template_schema_name())
    cloned = schema_constraints(community_a.schema_name)
    assert cloned == migrated
    assert any(name.endswith("_uniq") for name in cloned.values())


def _casts_removed(definition: str) -> str:
    """A partial index's predicate without casts and parentheses: a dump and
    restore re-parses ``x = ANY ((ARRAY['a'::varchar])::text[])`` into per-element
    casts, the same condition written differently."""
    without_casts = re.sub(r"::(character varying|text)(\[\])?", "", definition)
    return re.sub(r"[()\s]", "", without_casts)


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
            indexes = {
                ("index", table, name, _casts_removed(definition))
                for table, name, definition in cursor.fetchall()
            }
        return columns | indexes

    assert structure(community_a.schema_name) == structure(template_schema_name())


def test_without_a_usable_pg_dump_the_clone_falls_back_to_clone_schema(db, settings):
    from tenants.provisioning.template import schema_clone, schema_constraints, template_dump_forget

    settings.PISTA_PG_DUMP = "/nonexistent/pg_dump"
    template_dump_forget()
    try:
        schema_clone(target="fallback_clone_probe")
        assert schema_constraints("fallback_clone_probe") == schema_constraints(
            template_schema_name()
        )
    finally:
        template_dump_forget()


def test_dump_replay_copies_the_template_rows(db):
    from tenants.provisioning.template import schema_clone, template_dump_sql

    assert template_dump_sql() is not None, "no pg_dump that can read this server"
    schema_clone(target="dump_clone_probe")
    count = "SELECT count(*) FROM {}.django_migrations"
    with connection.cursor() as cursor:
        cursor.execute(count.format('"dump_clone_probe"'))
        cloned = cursor.fetchone()[0]
        cursor.execute(count.format(template_schema_name()))
        assert cloned == cursor.fetchone()[0] > 100
        cursor.execute("SHOW search_path")
        assert "public" in cursor.fetchone()[0]  # the dump's session settings were not replayed


def test_the_dump_is_kept_in_the_database_for_every_process(db, settings):
    """Taken once (by migrate_all at deploy), then read by other processes
    without running pg_dump again."""
    from tenants.models import TemplateDump
    from tenants.provisioning import template

    template.template_dump_forget()
    sql = template.template_dump_sql()
    assert sql is not None
    assert TemplateDump.objects.get().key == template.template_dump_key()

    # Another process: nothing cached in memory, and no pg_dump it could run.
    template._dump_cache.clear()
    settings.PISTA_PG_DUMP = "/nonexistent/pg_dump"
    assert template.template_dump_sql() == sql

    # A rebuilt template forgets it everywhere.
    template.template_dump_forget()
    assert not TemplateDump.objects.exists()
    assert template.template_dump_sql() is None  # no pg_dump: clone_schema's turn
    template.template_dump_forget()
