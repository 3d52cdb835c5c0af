"""``migrate_all`` over a fleet: only schemas that need it are touched, each is
finished on its own (a failure names the schema and the rest go on), a rerun
resumes, and the migration state of every schema is read in a few queries."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role, roles_fingerprint
from tenants.models import Community, SchemaVersion
from tenants.provisioning.schema_versions import code_migrations_version
from tenants.provisioning.selectors import schemas_behind_migrations
from tenants.provisioning.template import schema_clone

OWNER_PERMISSION = ("events", "add_event")


def _owner_permission_remove(schema: str) -> None:
    with schema_context(schema):
        group = Group.objects.get(name=Role.OWNER.value)
        group.permissions.remove(
            Permission.objects.get(
                content_type__app_label=OWNER_PERMISSION[0], codename=OWNER_PERMISSION[1]
            )
        )


def _owner_has_permission(schema: str) -> bool:
    with schema_context(schema):
        return (
            Group.objects.get(name=Role.OWNER.value)
            .permissions.filter(
                content_type__app_label=OWNER_PERMISSION[0], codename=OWNER_PERMISSION[1]
            )
            .exists()
        )


def _marker_current(schema: str) -> bool:
    return SchemaVersion.objects.filter(
        schema_name=schema, version=code_migrations_version(), roles_version=roles_fingerprint()
    ).exists()


def _migrate_all(**options: object) -> str:
    out = io.StringIO()
    call_command("migrate_all", stdout=out, **options)
    return out.getvalue()


def test_only_schemas_with_a_stale_marker_are_brought_up_to_date(community_a, community_b):
    _migrate_all(processes=1, verbosity=0)
    assert _marker_current(community_a.schema_name) and _marker_current(community_b.schema_name)
    _owner_permission_remove(community_a.schema_name)
    _owner_permission_remove(community_b.schema_name)
    SchemaVersion.objects.filter(schema_name=community_a.schema_name).update(roles_version="old")

    output = _migrate_all(processes=1)

    assert "1/1 schemas" in output
    assert _owner_has_permission(community_a.schema_name)
    assert _marker_current(community_a.schema_name)
    # B's marker said it was current, so B was not opened at all.
    assert not _owner_has_permission(community_b.schema_name)


def test_with_nothing_to_do_no_community_is_opened(community_a, community_b):
    _migrate_all(processes=1, verbosity=0)
    _owner_permission_remove(community_a.schema_name)
    assert "brought up to date" not in _migrate_all(processes=1)
    assert not _owner_has_permission(community_a.schema_name)


def test_a_failing_schema_is_named_the_others_are_finished_and_a_rerun_resumes(
    django_db_setup, django_db_blocker
):
    """Committed, as a real run: a community whose schema is gone fails alone;
    once the schema is back (empty), the rerun migrates it from scratch."""
    with django_db_blocker.unblock():
        alpha = Community.objects.get(slug="alpha").schema_name
        ghost = Community.objects.create(schema_name="fleet_ghost", slug="fleet-ghost", name="G")
        try:
            SchemaVersion.objects.filter(schema_name=alpha).update(roles_version="old")
            _owner_permission_remove(alpha)

            failed = r"1 schemas failed.*fleet_ghost.*does not exist"
            with pytest.raises(CommandError, match=failed):
                _migrate_all(processes=1, verbosity=0)

            assert _owner_has_permission(alpha)
            assert _marker_current(alpha)
            assert not SchemaVersion.objects.filter(schema_name="fleet_ghost").exists()

            with connection.cursor() as cursor:
                cursor.execute('CREATE SCHEMA "fleet_ghost"')
            assert schemas_behind_migrations() == ["fleet_ghost"]
            output = _migrate_all(processes=1)
            assert "1/1 schemas" in output
            assert _marker_current("fleet_ghost")
            assert _owner_has_permission("fleet_ghost")
            assert schemas_behind_migrations() == []
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute('DROP SCHEMA IF EXISTS "fleet_ghost" CASCADE')
            SchemaVersion.objects.filter(schema_name="fleet_ghost").delete()
            ghost.delete(force_drop=False)


def test_the_migration_state_of_every_schema_is_read_in_a_few_queries(community_a, community_b):
    extra = [f"fleet_probe_{n}" for n in range(3)]
    for schema in extra:
        schema_clone(target=schema)
        Community(schema_name=schema, slug=schema.replace("_", "-"), name=schema).save()
    with CaptureQueriesContext(connection) as queries:
        assert schemas_behind_migrations() == []
    # The community list, the table check and one union over all schemas:
    # not a query per schema.
    assert len(queries) <= 4, [q["sql"][:80] for q in queries]
    union = next(q["sql"] for q in queries if "UNION ALL" in q["sql"])
    for schema in [community_a.schema_name, community_b.schema_name, *extra]:
        assert f'"{schema}".django_migrations' in union


def test_communities_go_to_several_processes(django_db_setup, django_db_blocker):
    """With committed data (the processes have their own connections)."""
    with django_db_blocker.unblock():
        schemas = list(
            Community.objects.filter(slug__in=["alpha", "beta"]).values_list(
                "schema_name", flat=True
            )
        )
        SchemaVersion.objects.filter(schema_name__in=schemas).update(roles_version="old")
        output = _migrate_all(processes=2)
        assert "2/2 schemas" in output
        assert all(_marker_current(schema) for schema in schemas)
        connection.set_schema_to_public()


def test_a_process_count_below_one_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        _migrate_all(processes=0)
