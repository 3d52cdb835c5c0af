"""Reading settings from the environment, strictly: a malformed value stops the
process at start-up with a message naming the variable, instead of a bare
``ValueError`` (or, worse, a silent fallback: django-environ reads ``maybe`` as
false and ``1.5h`` as 1.5).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_BOOLEANS = {"true", "on", "ok", "y", "yes", "1", "false", "off", "n", "no", "0"}
_INTEGER = re.compile(r"^[+-]?\d+$")

# URL variables and the schemes each accepts (when set and not empty).
URL_SCHEMES: dict[str, tuple[str, ...]] = {
    "DATABASE_URL": ("postgres", "postgresql", "pgsql", "postgis"),
    "REDIS_URL": ("redis", "rediss", "unix"),
    "CACHE_REDIS_URL": ("redis", "rediss", "unix"),
    "CELERY_BROKER_URL": ("redis", "rediss", "unix", "amqp", "amqps", "memory", "sentinel"),
    "CELERY_RESULT_BACKEND": ("redis", "rediss", "unix", "db+postgresql", "rpc"),
    "SENTRY_DSN": ("http", "https"),
    "STRIPE_JS_URL": ("https", "http"),
}


class EnvironmentVariableError(ImproperlyConfigured):
    """A variable is set to something its setting can't use."""


def _malformed(var: str, raw: str, expected: str) -> EnvironmentVariableError:
    shown = raw if len(raw) <= 60 else raw[:57] + "..."
    if "URL" in var or "DSN" in var:
        shown = "<hidden: it may hold a password>"
    return EnvironmentVariableError(
        f"Environment variable {var} is malformed ({shown!r}): expected {expected}. "
        "See .env.example."
    )


class Env(environ.Env):
    """``environ.Env`` that checks booleans, numbers and URLs strictly."""

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        raw = self.ENVIRON.get(var)
        if raw is not None:
            text = raw.strip()
            if cast is bool and text.lower() not in _BOOLEANS:
                raise _malformed(var, raw, "true or false (1/0, yes/no, on/off)")
            if cast is int and not _INTEGER.match(text):
                raise _malformed(var, raw, "a whole number")
            if cast is float:
                try:
                    float(text)
                except ValueError:
                    raise _malformed(var, raw, "a number") from None
            schemes = URL_SCHEMES.get(var)
            if schemes and text:
                parts = urlsplit(text)
                if parts.scheme not in schemes or not (parts.netloc or parts.path.strip("/")):
                    raise _malformed(
                        var, raw, "a URL starting with " + ", ".join(f"{s}://" for s in schemes)
                    )
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ImproperlyConfigured:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            expected = f"a value of the form shown in .env.example ({exc})"
            raise _malformed(var, raw or "", expected) from exc
