"""Reads about communities: the platform site's list, signup's slug check,
the schemas behind on migrations, the metrics gauge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count, QuerySet
from django.utils.translation import gettext
from django_tenants.utils import get_public_schema_name

from pista.metrics import COMMUNITIES
from tenants.models import Community
from tenants.validators import validate_community_slug


def communities_listed() -> QuerySet[Community]:
    """Active communities, for the platform site."""
    return (
        Community.objects.exclude(schema_name=get_public_schema_name())
        .filter(status=Community.Status.ACTIVE)
        .prefetch_related("domains")
    )


def communities_metric_refresh() -> None:
    """Set the ``pista_communities`` gauge: communities by status (platform excluded)."""
    counts = {
        row["status"]: row["total"]
        for row in Community.objects.exclude(schema_name=get_public_schema_name())
        .values("status")
        .annotate(total=Count("id"))
    }
    for status in Community.Status.values:
        COMMUNITIES.labels(status=status).set(counts.get(status, 0))


def schemas_behind_migrations() -> list[str]:
    """The public schema and community schemas that miss any known migration.

    A schema without a ``django_migrations`` table (a brand-new database) counts
    as behind. Read with one query per chunk of schemas, whatever their number.
    """
    known = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    public = get_public_schema_name()
    schemas = (
        [
            public,
            *Community.objects.exclude(schema_name=public).values_list("schema_name", flat=True),
        ]
        if _table_exists(public, "tenants_community")
        else [public]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM unnest(%s::text[]) AS name"
            " WHERE to_regclass(quote_ident(name) || '.django_migrations') IS NOT NULL",
            [schemas],
        )
        with_table = {row[0] for row in cursor.fetchall()}
    counts: dict[str, int] = {}
    listed = [schema for schema in schemas if schema in with_table]
    for offset in range(0, len(listed), _SCHEMAS_PER_QUERY):
        chunk = listed[offset : offset + _SCHEMAS_PER_QUERY]
        counts.update(_known_migrations_applied(chunk, known))
    return [schema for schema in schemas if counts.get(schema, -1) < len(known)]


_SCHEMAS_PER_QUERY = 250


def _known_migrations_applied(schemas: list[str], known: list[tuple[str, str]]) -> dict[str, int]:
    """How many of the ``known`` migrations each schema has applied, in one query."""
    if not schemas:
        return {}
    # Schema names come from the communities table and are quoted.
    branches = " UNION ALL ".join(
        "SELECT %s, count(DISTINCT (m.app, m.name))"  # noqa: S608
        f" FROM {connection.ops.quote_name(schema)}.django_migrations m"
        " JOIN known ON known.app = m.app AND known.name = m.name"
        for schema in schemas
    )
    query = (
        "WITH known(app, name) AS (SELECT * FROM unnest(%s::text[], %s::text[])) "  # noqa: S608
        + branches
    )
    params: list[str | list[str]] = [[a for a, _ in known], [n for _, n in known], *schemas]
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return dict(cursor.fetchall())


def _table_exists(schema: str, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".{table}'])
        row = cursor.fetchone()
    return bool(row and row[0])


def slug_availability(*, slug: str) -> tuple[bool, str, list[str]]:
    """Whether ``slug`` can be used for a new community: (available, message,
    suggestions). Suggestions are free slugs close to the one asked for."""
    slug = slug.strip().lower()
    try:
        validate_community_slug(slug)
    except ValidationError as exc:
        return False, exc.messages[0], []
    if not _slug_taken(slug):
        return True, gettext("%(slug)s is available.") % {"slug": slug}, []
    base = slug[:34].rstrip("-")
    candidates = [f"{base}-club", f"{base}-dance", f"{base}-community"]
    candidates += [f"{base}-{number}" for number in range(2, 6)]
    taken = set(Community.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    suggestions = [candidate for candidate in candidates if candidate not in taken][:3]
    return False, gettext("%(slug)s is already taken.") % {"slug": slug}, suggestions


def _slug_taken(slug: str) -> bool:
    return Community.objects.filter(slug=slug).exists()
