"""Per-response changes to the security headers, typed.

django-csp and django-permissions-policy take a page's exceptions to the site's
policies from private attributes of the response (and django-csp leaves the
nonce on the request). This module is the one place that names them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from csp.constants import Nonce
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Read by ``csp.middleware.CSPMiddleware`` (django-csp 4): sources added to the
# site's directives, or directives replacing them, for this response only.
CSP_UPDATE_ATTRIBUTE = "_csp_update"
CSP_REPLACE_ATTRIBUTE = "_csp_replace"
# Set on the request by ``CSPMiddleware``: this response's nonce (lazy).
CSP_NONCE_ATTRIBUTE = "csp_nonce"
# Read by ``django_permissions_policy.PermissionsPolicyMiddleware``: the whole
# ``Permissions-Policy`` header of this response instead of the site's.
PERMISSIONS_POLICY_OVERRIDE_ATTRIBUTE = "_permissions_policy_override"

# Directive name → sources (``csp.constants.NONCE`` stands for this response's nonce).
CSPDirectives = Mapping[str, Sequence[str | Nonce]]


def response_csp_update(response: HttpResponseBase, directives: CSPDirectives) -> None:
    """Allow ``directives``' sources on top of the site's CSP, on this response only."""
    setattr(response, CSP_UPDATE_ATTRIBUTE, directives)


def response_csp_replace(response: HttpResponseBase, directives: CSPDirectives) -> None:
    """Replace these directives of the site's CSP, on this response only."""
    setattr(response, CSP_REPLACE_ATTRIBUTE, directives)


def response_permissions_policy_set(response: HttpResponseBase, header: str) -> None:
    """Send ``header`` as this response's ``Permissions-Policy`` instead of the site's."""
    setattr(response, PERMISSIONS_POLICY_OVERRIDE_ATTRIBUTE, header)


def request_csp_nonce(request: HttpRequest) -> str:
    """The CSP nonce of the response to ``request`` (``CSPMiddleware`` must have run)."""
    return str(getattr(request, CSP_NONCE_ATTRIBUTE))
