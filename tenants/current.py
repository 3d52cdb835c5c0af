"""The community the code runs for, and the addresses communities live at.

The small module the rest of the platform and every domain app may import: it
stands on ``tenants.models`` alone, so nothing it serves can import back into it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest
from django_tenants.utils import get_public_schema_name
from rest_framework.request import Request

from pista.tenancy import current_schema
from tenants.models import Community


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


# Where django-tenants (and ``request_community``) look for the request's tenant.
REQUEST_TENANT = "tenant"


def request_community_set(request: HttpRequest, community: Community) -> None:
    """Route ``request`` to ``community`` (sets ``request.tenant``)."""
    setattr(request, REQUEST_TENANT, community)


def request_community(request: HttpRequest | Request) -> Community:
    """The community django-tenants resolved ``request`` to (``request.tenant``),
    typed. Raises Http404 when the request carries none."""
    tenant = getattr(request, REQUEST_TENANT, None)
    if not isinstance(tenant, Community):
        raise Http404("No community here.")
    return tenant


def community_primary_domain(*, community: Community) -> str | None:
    domain = community.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    return domain


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
    base, _, port = settings.PISTA_BASE_DOMAIN.partition(":")
    base = base.lower()
    if port and (host == base or host.endswith("." + base)):
        host = f"{host}:{port}"
    return f"{settings.PISTA_SCHEME}://{host}"


def base_host() -> str:
    """The platform's host name without port (``localhost`` in development)."""
    return settings.PISTA_BASE_DOMAIN.split(":")[0].lower()


def community_default_domain(slug: str) -> str:
    """The platform sub-domain a community gets at signup (``<slug>.<base>``)."""
    return f"{slug}.{base_host()}"


def languages_supported() -> list[str]:
    """The codes Pista is translated into (``settings.LANGUAGES``)."""
    return [code for code, _name in settings.LANGUAGES]


def languages_enabled(community: object | None) -> list[str]:
    """The community's enabled languages, its default first; all on the platform host."""
    supported = languages_supported()
    if community is None or getattr(community, "schema_name", "") == get_public_schema_name():
        return supported
    # A default Pista doesn't support (or garbage) reads as Pista's default.
    default = language_code(getattr(community, "language", ""))
    default = default if default in supported else settings.LANGUAGE_CODE
    chosen = [language_code(code) for code in getattr(community, "languages", None) or []]
    enabled = [code for code in [default, *chosen] if code in supported]
    return list(dict.fromkeys(enabled)) or [settings.LANGUAGE_CODE]


def language_code(value: str) -> str:
    """``es-AR`` / ``es_AR`` / ``ES`` → ``es``; anything that isn't a code → ``""``."""
    base = str(value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base.isalpha() and 2 <= len(base) <= 3 else ""
