from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django_tenants.utils import get_public_schema_name
from wagtail.models import Site

from themes.selectors import branding_for_site, theme_current


def theme(request: HttpRequest) -> dict[str, Any]:
    """The active theme, and the community's branding (loaded when a template
    first uses it; ``None`` on the platform host, which has no Wagtail site)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return {"theme": theme_current(), "branding": None}

    def load_branding() -> Any:
        site = Site.find_for_request(request)
        return branding_for_site(site=site) if site else None

    return {"theme": theme_current(), "branding": SimpleLazyObject(load_branding)}
