from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django_tenants.utils import get_public_schema_name

from themes.selectors import branding_for_request, theme_current


def theme(request: HttpRequest) -> dict[str, Any]:
    """The active theme, and the community's branding (loaded when a template
    first uses it; ``None`` on the platform host, which has no Wagtail site)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return {"theme": theme_current(), "branding": None}

    return {
        "theme": theme_current(),
        "branding": SimpleLazyObject(lambda: branding_for_request(request=request)),
    }
