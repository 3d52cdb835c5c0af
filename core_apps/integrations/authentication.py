"""``Authorization: Api-Key <key>`` for DRF, with the key's scopes enforced.

The scope check lives here, right after the key is recognised, rather than
in each view's ``permission_classes``: views set their own permission
classes (some in platform apps that may not import this one), and a key must
be held to its scopes on every endpoint, including ones added later (unknown
routes are closed to keys, see :mod:`core_apps.integrations.scopes`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from core_apps.integrations import apikeys
from core_apps.integrations.scopes import scope_required

KEYWORD = "Api-Key"


class ApiKeyRefused(exceptions.APIException):
    """401 with the refusal's code. Not DRF's AuthenticationFailed: DRF turns
    that into 403 when the first authenticator (the session) has no header."""

    status_code = 401
    default_detail = _("The API key is not valid for this community.")
    default_code = "api_key_invalid"
    auth_header = KEYWORD


class ApiKeyScopeMissing(exceptions.PermissionDenied):
    default_code = "api_key_scope_missing"


def _url_name(request: Request) -> str:
    match = getattr(request._request, "resolver_match", None)
    return (match.url_name or "") if match is not None else ""


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticates ``Authorization: Api-Key pista_…`` as the key's creator
    (``request.auth`` is the :class:`ApiKey`), then refuses with 403
    ``api_key_scope_missing`` a call its scopes do not cover."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _sep, key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        try:
            api_key = apikeys.api_key_authenticate(key=key.strip())
        except apikeys.KeyRefused as refused:
            raise ApiKeyRefused(refused.message, code=refused.code) from None
        apikeys.api_key_touch(api_key=api_key)
        apikeys.api_key_request_log(api_key=api_key, request=request._request)
        url_name = _url_name(request)
        required = scope_required(url_name=url_name, method=request.method or "GET")
        if required is None:
            raise ApiKeyScopeMissing(
                _("This endpoint is not available to API keys; sign in instead.")
            )
        if required and required not in api_key.scopes:
            raise ApiKeyScopeMissing(
                _("This API key lacks the scope %(scope)s.") % {"scope": required}
            )
        return (api_key.created_by, api_key)

    def authenticate_header(self, request: Request) -> str | None:
        # None keeps DRF's 403 for anonymous callers (the session's answer);
        # a refused key answers 401 through ApiKeyRefused.
        return None


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents the scheme in the OpenAPI document (``securitySchemes``)."""

    target_class = "core_apps.integrations.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Authorization: Api-Key pista_<prefix>_<secret>`. Keys are created by the "
                "community's owners and admins under Settings → Integrations and carry "
                "scopes (events:read, events:write, orders:read, orders:write, "
                "members:read, bookings). A missing scope answers 403 "
                "`api_key_scope_missing`; an unknown, revoked or expired key 401 "
                "`api_key_invalid`, `api_key_revoked` or `api_key_expired`."
            ),
        }
