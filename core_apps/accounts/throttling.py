"""Glue between django-axes and the ways people sign in here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a sign-in attempt is for: allauth passes ``email``, Django's
    admin ``username``; a form post carries ``login``."""
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("username")
        or request.POST.get("login")
        or request.POST.get("username")
    )
    return str(value).strip().lower() if value else None
