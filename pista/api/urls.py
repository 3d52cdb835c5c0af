"""The community API, served under ``/api/v1/`` on every community host."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from pista.api.exceptions import api_not_found_response
from tenants.api import CommunityDetailApi
from tenants.domain_api import DomainCheckApi, DomainDetailApi, DomainListApi, DomainPrimaryApi


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request: Request, unmatched: str = "") -> Response:
    return api_not_found_response()


app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("community/", CommunityDetailApi.as_view(), name="community"),
    path("domains/", DomainListApi.as_view(), name="domains"),
    path("domains/<int:domain_id>/", DomainDetailApi.as_view(), name="domain"),
    path("domains/<int:domain_id>/check/", DomainCheckApi.as_view(), name="domain-check"),
    path("domains/<int:domain_id>/primary/", DomainPrimaryApi.as_view(), name="domain-primary"),
    re_path(r"^(?P<unmatched>.*)$", api_not_found, name="not-found"),
]
