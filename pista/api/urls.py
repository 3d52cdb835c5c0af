"""The community API, served under ``/api/v1/`` on every community host."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from pista.api.exceptions import api_not_found_response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request: Request, unmatched: str = "") -> Response:
    return api_not_found_response()


app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("tenants.api_urls")),
    path("", include("core_apps.events.api_urls")),
    path("", include("core_apps.ticketing.api_urls")),
    path("", include("core_apps.artists.api_urls")),
    path("", include("core_apps.venues.api_urls")),
    path("", include("core_apps.community.api_urls")),
    path("", include("core_apps.orders.api_urls")),
    re_path(r"^(?P<unmatched>.*)$", api_not_found, name="not-found"),
]
