"""``migrate_all`` over a fleet: only schemas that need it are touched, each is
finished on its own (a failure names the schema and the rest go on), a rerun
resumes, and the migration state of every schema is read in a few queries."""

from __future__ import annotations

import io
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role, roles_fingerprint
from core_apps.accounts.services import roles_sync
from tenants.models import Community, SchemaVersion
from tenants.provisioning.schema_versions import code_migrations_version
from tenants.provisioning.selectors import schemas_behind_migrations
from tenants.provisioning.template import schema_clone, template_schema_name

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


def _probe_migrations(tmp_path: Path, operation: str) -> str:
    """The cms app's migrations plus one new one doing ``operation``, as a
    package for ``MIGRATION_MODULES`` (a release with a new migration)."""
    package = f"probe_migrations_{uuid.uuid4().hex[:8]}"
    shutil.copytree(Path(settings.BASE_DIR) / "cms" / "migrations", tmp_path / package)
    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("cms")[0][1]
    (tmp_path / package / "9999_probe.py").write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('cms', {leaf!r})]\n"
        f"    operations = [{operation}]\n"
    )
    sys.path.insert(0, str(tmp_path))
    return package


PROBE_TABLE = "migrations.RunSQL('CREATE TABLE fleet_probe (id int)', 'DROP TABLE fleet_probe')"
PROBE_DATA = (
    "migrations.RunPython(lambda apps, editor: editor.execute('CREATE TABLE fleet_probe (id int)'),"
    " migrations.RunPython.noop)"
)


@pytest.mark.parametrize(
    ("operation", "signals_per_community"), [(PROBE_TABLE, 0), (PROBE_DATA, 1)]
)
def test_a_new_migration_reaches_every_community_with_signals_only_when_needed(
    django_db_setup, django_db_blocker, settings, tmp_path, operation, signals_per_community
):
    """A table change is applied without ``migrate``'s signals (the state before
    it rendered once per process); a data migration takes the full command."""
    settings.MIGRATION_MODULES = {"cms": _probe_migrations(tmp_path, operation)}
    signalled: list[str] = []

    def count(sender: object, **kwargs: object) -> None:
        if getattr(sender, "label", "") == "cms":
            signalled.append(connection.schema_name)

    post_migrate.connect(count, weak=False)
    with django_db_blocker.unblock():
        schemas = [
            "public",
            *Community.objects.exclude(schema_name="public").values_list("schema_name", flat=True),
        ]
        # The first community's roles were synced with this code: a release that
        # only migrates leaves its groups alone (what was removed stays removed).
        roles_synced = schemas[1]
        SchemaVersion.objects.update_or_create(
            schema_name=roles_synced, defaults={"roles_version": roles_fingerprint()}
        )
        _owner_permission_remove(roles_synced)
        try:
            assert len(schemas_behind_migrations()) == len(schemas)
            output = _migrate_all(processes=1)
            assert not _owner_has_permission(roles_synced)
            communities = len(schemas) - 1
            assert f"{communities}/{communities} schemas" in output
            assert schemas_behind_migrations() == []
            with connection.cursor() as cursor:
                # cms is a community app: its tables live in the communities only.
                for schema in schemas[1:]:
                    cursor.execute(
                        "SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".fleet_probe']
                    )
                    assert cursor.fetchone()[0], schema
            assert len([s for s in signalled if s in schemas[1:]]) == (
                communities * signals_per_community
            )
        finally:
            post_migrate.disconnect(count)
            with schema_context(roles_synced):
                roles_sync()
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                for schema in [*schemas, template_schema_name()]:
                    cursor.execute(f'DROP TABLE IF EXISTS "{schema}".fleet_probe')
                    cursor.execute(
                        f'DELETE FROM "{schema}".django_migrations'
                        " WHERE app = 'cms' AND name = '9999_probe'"
                    )
