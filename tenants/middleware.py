"""Host-based routing to a community, with a cached domain lookup."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from tenants.models import Community, Domain
from tenants.services import domain_cache_key

DOMAIN_CACHE_SECONDS = 300


class CommunityMiddleware(TenantMainMiddleware):
    """Routes the request to the community that owns its host.

    Unknown hosts get a 404 page (never another community or the platform);
    a suspended community answers 503 and keeps its data.
    """

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        """The request's host name, lower-cased, without port (``www.`` is not special)."""
        return request.get_host().rsplit(":", 1)[0].lower() if request.get_host() else ""

    def get_tenant(self, domain_model: type[Domain], hostname: str) -> Community:
        key = domain_cache_key(hostname)
        # Domain lookups are platform data: keyed under the public schema.
        community = cache.get(key)
        if community is None:
            community = domain_model.objects.select_related("tenant").get(domain=hostname).tenant
            cache.set(key, community, DOMAIN_CACHE_SECONDS)
        return community

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        self.setup_url_routing(request=request, force_public=True)
        return render(request, "404.html", {"unknown_host": True}, status=404)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        response = super().process_request(request)
        if response is not None:
            return response
        community = request.tenant  # type: ignore[attr-defined]
        if community.schema_name != get_public_schema_name() and community.is_suspended:
            return render(request, "503_suspended.html", {"community": community}, status=503)
        return None
