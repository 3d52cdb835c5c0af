"""A fingerprint of the migrations each schema has, for cheap readiness checks.

``migrate_all`` and provisioning record, per schema, the fingerprint of the
migrations the code knows once that schema has all of them; ``/readyz`` then
finds schemas behind the code (public, the template, any community) with one
query over :class:`SchemaVersion`, cached for a few seconds.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.db import connection
from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from pista.health import NotReady
from tenants.models import Community, SchemaVersion
from tenants.provisioning.template import template_schema_name


@lru_cache(maxsize=1)
def _code_migration_nodes() -> frozenset[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


@lru_cache(maxsize=1)
def code_migrations_version() -> str:
    """The fingerprint of every migration this code knows (read from disk once)."""
    return hashlib.sha256(repr(sorted(_code_migration_nodes())).encode()).hexdigest()


def schema_versions_record(*, schemas: list[str]) -> None:
    """Record that ``schemas`` have every migration the code knows."""
    version = code_migrations_version()
    for schema in schemas:
        SchemaVersion.objects.update_or_create(schema_name=schema, defaults={"version": version})


def schema_version_copy(*, source: str, target: str) -> None:
    """A schema cloned from ``source`` has what ``source`` had."""
    version = (
        SchemaVersion.objects.filter(schema_name=source).values_list("version", flat=True).first()
    )
    if version:
        SchemaVersion.objects.update_or_create(schema_name=target, defaults={"version": version})


def schemas_behind_code(*, verify_at_most: int = 5) -> list[str]:
    """Schemas (public, the template, communities) that miss a migration the code
    knows. The markers answer for most schemas at once; a schema without a
    current marker (migrated by hand, or never recorded) is verified against its
    ``django_migrations`` — at most ``verify_at_most`` per call, the rest count
    as behind until a later call — and its marker recorded when it is current."""
    version = code_migrations_version()
    expected = [
        get_public_schema_name(),
        template_schema_name(),
        *Community.objects.exclude(schema_name=get_public_schema_name()).values_list(
            "schema_name", flat=True
        ),
    ]
    current = set(
        SchemaVersion.objects.filter(Q(schema_name__in=expected) & Q(version=version)).values_list(
            "schema_name", flat=True
        )
    )
    unknown = [schema for schema in expected if schema not in current]
    behind = unknown[verify_at_most:]
    for schema in unknown[:verify_at_most]:
        if _schema_is_current(schema):
            schema_versions_record(schemas=[schema])
        else:
            behind.append(schema)
    return behind


def _schema_is_current(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".django_migrations'])
        row = cursor.fetchone()
        if not (row and row[0]):
            return False
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        applied = {(app, name) for app, name in cursor.fetchall()}
    return _code_migration_nodes() <= applied


def readiness_migrations_check() -> None:
    """``/readyz``'s migrations check: every schema has the code's migrations.
    Raises NotReady naming how many are behind (and the first few)."""
    connection.set_schema_to_public()
    behind = schemas_behind_code()
    if behind:
        shown = ", ".join(behind[:3]) + (" …" if len(behind) > 3 else "")
        raise NotReady(f"{len(behind)} schemas behind the code's migrations ({shown})")
