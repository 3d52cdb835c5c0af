"""The community API, served under ``/api/v1/`` on every community host."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from pista.api.exceptions import api_not_found_response
from tenants.api import CommunityDetailApi


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
    path("", include("core_apps.community.api_urls")),
    re_path(r"^(?P<unmatched>.*)$", api_not_found, name="not-found"),
]
