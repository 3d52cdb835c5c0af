"""Reads about communities: the platform site's list, signup's slug check,
the schemas behind on migrations, the metrics gauge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count, QuerySet
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
    as behind.
    """
    known = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    public = get_public_schema_name()
    schemas = (
        [
            public,
            *Community.objects.exclude(schema_name=public).values_list("schema_name", flat=True),
        ]
        if _table_exists(public, "tenants_community")
        else [public]
    )
    behind = []
    with connection.cursor() as cursor:
        for schema in schemas:
            if not _table_exists(schema, "django_migrations"):
                behind.append(schema)
                continue
            cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
            if not known <= {(app, name) for app, name in cursor.fetchall()}:
                behind.append(schema)
    return behind


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
        return True, f"{slug} is available.", []
    base = slug[:34].rstrip("-")
    candidates = [f"{base}-club", f"{base}-dance", f"{base}-community"]
    candidates += [f"{base}-{number}" for number in range(2, 6)]
    taken = set(Community.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    suggestions = [candidate for candidate in candidates if candidate not in taken][:3]
    return False, f"{slug} is already taken.", suggestions


def _slug_taken(slug: str) -> bool:
    return Community.objects.filter(slug=slug).exists()
