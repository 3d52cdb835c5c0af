"""The secret key: private in production, never one published in this repository.

``SECRET_KEY`` signs sessions, password-reset and welcome links: anyone who
knows it can forge them. The development default below (and the placeholder of
``.env.example``) are public, so with ``DJANGO_DEBUG`` off the process refuses
to start on them, with one line naming ``DJANGO_SECRET_KEY`` (no traceback to
scroll through in a container log). The test suite and type-checking (which
imports the settings without serving anything) may use the development key.
``manage.py check --deploy`` reports the same (``pista.E001``), for a settings
module where the start-up guard was bypassed.

Named ``secret_key`` rather than ``secrets``: a module may not shadow the
standard library's (ruff's A005).
"""

from __future__ import annotations

import sys
from typing import Any

DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production-0123456789"  # noqa: S105 - published on purpose
# Every key a reader of this repository knows.
PUBLISHED_SECRET_KEYS = frozenset(
    {
        DEVELOPMENT_SECRET_KEY,
        "change-me-to-a-long-random-string-of-at-least-fifty-characters-0123456789",  # .env.example
    }
)
REFUSAL_MESSAGE = (
    "DJANGO_SECRET_KEY is missing or is a published example: set it to a long random "
    "private value (or DJANGO_DEBUG=1 for local development)."
)


def secret_key_is_published(key: str) -> bool:
    """True for an empty key or one anybody can read in this repository."""
    return not key or key in PUBLISHED_SECRET_KEYS


def secret_key_checked(key: str, *, debug: bool, testing: bool) -> str:
    """The key to run with: ``key`` if it is private, the development key for
    debug, tests and type-checking. Raises SystemExit (one line naming
    ``DJANGO_SECRET_KEY``) otherwise."""
    if not secret_key_is_published(key):
        return key
    if debug or testing or "mypy" in sys.modules:
        return key or DEVELOPMENT_SECRET_KEY
    raise SystemExit(REFUSAL_MESSAGE)


def secret_key_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """``check --deploy``: the running key must not be a published one."""
    from django.conf import settings
    from django.core.checks import Error

    if secret_key_is_published(settings.SECRET_KEY):
        return [Error(REFUSAL_MESSAGE, id="pista.E001")]
    return []
