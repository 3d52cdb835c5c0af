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
# Whole-policy replacement and exemption of one response (set by django-csp's decorators).
CSP_CONFIG_ATTRIBUTE = "_csp_config"
CSP_EXEMPT_ATTRIBUTE = "_csp_exempt"
# Set on the request by ``CSPMiddleware``: this response's nonce (lazy), and
# where it keeps the nonce once made.
CSP_NONCE_ATTRIBUTE = "csp_nonce"
CSP_NONCE_STORE_ATTRIBUTE = "_csp_nonce"
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


def request_csp_nonce_issued(request: HttpRequest) -> str | None:
    """The nonce ``request``'s response was given, or None when nothing asked for
    one (``CSPMiddleware`` creates it on first use and writes it in the header then)."""
    nonce = getattr(request, CSP_NONCE_STORE_ATTRIBUTE, None)
    return nonce if isinstance(nonce, str) else None


def response_policies_overridden(response: HttpResponseBase) -> bool:
    """Whether this response carries its own CSP or Permissions-Policy exceptions."""
    csp = (CSP_UPDATE_ATTRIBUTE, CSP_REPLACE_ATTRIBUTE, CSP_CONFIG_ATTRIBUTE, CSP_EXEMPT_ATTRIBUTE)
    names = [*csp, *(f"{name}_ro" for name in csp), PERMISSIONS_POLICY_OVERRIDE_ATTRIBUTE]
    return any(getattr(response, name, None) is not None for name in names)
