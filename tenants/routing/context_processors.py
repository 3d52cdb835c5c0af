from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name


def community(request: HttpRequest) -> dict[str, Any]:
    """The current community (None on the platform host) for every template."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return {"community": None}
    return {"community": tenant}
