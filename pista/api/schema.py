"""drf-spectacular hooks."""

from __future__ import annotations

from typing import Any


def public_api_only(endpoints: list[tuple[str, Any, Any, Any]], **kwargs: Any) -> list[Any]:
    """Document only the community API under /api/v1/ (not Wagtail's admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
