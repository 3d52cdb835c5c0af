"""Host-based routing to a community, with a cached domain lookup."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import DisallowedHost, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from pista.tenancy import public_schema_activate, tenant_activate
from tenants.current import host_url, request_community_set
from tenants.routing.selectors import domain_tls_allowed, host_route

TLS_ASK_PATH = "/internal/tls-ask"
# The one path a community awaiting deletion still serves: the owner's emailed
# cancel link (tenants.lifecycle builds it from this prefix).
CANCEL_PATH_PREFIX = "/settings/data/delete/cancel/"
# Methods a 301 may turn into GET without harm; the others get a 308, which
# keeps the method and body.
REDIRECT_301_METHODS = frozenset({"GET", "HEAD"})


class CommunityMiddleware(TenantMainMiddleware):
    """Routes the request to the community that owns its host.

    Only verified domains route. Unknown and unverified hosts get a 404 page
    (never another community or the platform); a community's other domains,
    its platform sub-domain included, redirect permanently to its primary
    domain with path and query kept; a suspended community (or one awaiting
    deletion, but for the owner's cancel link) answers 503 and keeps its data.
    (Health probes and the TLS ask are answered before this.)
    """

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        """The request's host name, lower-cased, without port (``www.`` is not special)."""
        return request.get_host().rsplit(":", 1)[0].lower() if request.get_host() else ""

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        self.setup_url_routing(request=request, force_public=True)
        return render(request, "404.html", {"unknown_host": True}, status=404)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # The tenant metadata lives in the public schema.
        public_schema_activate()
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return HttpResponseNotFound()
        route = host_route(hostname=hostname)
        if route is None:
            return self.no_tenant_found(request, hostname)
        if route.redirect_to:
            target = host_url(host=route.redirect_to) + request.get_full_path()
            if request.method in REDIRECT_301_METHODS:
                return HttpResponsePermanentRedirect(target)
            return HttpResponsePermanentRedirect(target, status=308)
        community = route.community
        community.domain_url = hostname
        request_community_set(request, community)
        tenant_activate(community)
        self.setup_url_routing(request)
        if community.schema_name != get_public_schema_name() and community.is_suspended:
            # While its deletion is pending, the owner's emailed cancel link still works.
            if community.is_deletion_pending and request.path.startswith(CANCEL_PATH_PREFIX):
                return None
            return render(request, "503_suspended.html", {"community": community}, status=503)
        return None


class TlsAskMiddleware:
    """Answers Caddy's on-demand TLS question ``GET /internal/tls-ask?domain=…``.

    Like the health probes it is answered on any host, before tenant routing:
    Caddy asks over loopback or the cluster network with whatever Host header
    its ``ask`` URL carries. 200 for a verified domain, 404 for an unknown or
    unverified one, 400 for something that is not a host name.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != TLS_ASK_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponse("method not allowed\n", status=405, content_type="text/plain")
        public_schema_activate()
        domain = request.GET.get("domain", "")
        try:
            allowed = domain_tls_allowed(hostname=domain)
        except ValidationError:
            return HttpResponse("malformed domain\n", status=400, content_type="text/plain")
        if allowed:
            return HttpResponse("ok\n", content_type="text/plain")
        return HttpResponse("not a verified domain\n", status=404, content_type="text/plain")
