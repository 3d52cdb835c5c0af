"""Reads about communities."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from pista.tenancy import current_schema
from tenants.models import Community


def community_primary_domain(*, community: Community) -> str | None:
    domain = community.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    return domain


def communities_listed() -> QuerySet[Community]:
    """Active communities, for the platform site."""
    return (
        Community.objects.exclude(schema_name=get_public_schema_name())
        .filter(status=Community.Status.ACTIVE)
        .prefetch_related("domains")
    )


def community_url(*, community: Community) -> str:
    """The community's public base URL, e.g. ``http://salsa.localhost:8000``.

    Sub-domains of the platform share its port (development); custom domains don't.
    """
    return host_url(host=community_primary_domain(community=community) or "")


def site_url_current() -> str:
    """The base URL of the site whose schema the connection is in: the
    community's primary domain, or the platform's ``PISTA_BASE_DOMAIN`` in the
    public schema. Built from settings, never from a request's ``Host``."""
    if current_schema() == get_public_schema_name():
        return f"{settings.PISTA_SCHEME}://{settings.PISTA_BASE_DOMAIN}"
    return community_url(community=community_current())


def host_url(*, host: str) -> str:
    """``scheme://host`` for a domain; platform sub-domains share the platform's
    port (development), custom domains don't."""
    base_host, _, port = settings.PISTA_BASE_DOMAIN.partition(":")
    base_host = base_host.lower()
    if port and (host == base_host or host.endswith("." + base_host)):
        host = f"{host}:{port}"
    return f"{settings.PISTA_SCHEME}://{host}"


def community_current() -> Community:
    """The community whose schema the connection is in (requests and tasks alike).

    Raises Community.DoesNotExist in the public schema.
    """
    tenant = getattr(connection, "tenant", None)
    # On the platform host the connection's tenant is the platform's own row
    # (public schema), which is no community.
    if isinstance(tenant, Community) and tenant.schema_name != get_public_schema_name():
        return tenant
    return Community.objects.exclude(schema_name=get_public_schema_name()).get(
        schema_name=current_schema()
    )


def schemas_behind_migrations() -> list[str]:
    """The public schema and community schemas that miss any known migration.

    A schema without a ``django_migrations`` table (a brand-new database) counts
    as behind.
    """
    from django.db.migrations.loader import MigrationLoader

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
    from django.core.exceptions import ValidationError

    from tenants.validators import validate_community_slug

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
