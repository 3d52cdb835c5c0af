"""The current request's id, for logs (taken from ``X-Request-ID`` or made up)."""

from __future__ import annotations

import contextvars
import re
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pista_request_id", default=None
)
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_bind(header_value: str | None) -> str:
    """Bind the request id for this context; an unusable header gets a new id."""
    request_id = header_value if header_value and _VALID.match(header_value) else uuid.uuid4().hex
    _request_id.set(request_id)
    return request_id


_user_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("pista_user_id", default=None)


def current_user_id() -> str | None:
    """The signed-in user's id for logs (an id, never an email address)."""
    return _user_id.get()


def user_id_bind(user_id: object) -> None:
    _user_id.set(None if user_id is None else str(user_id))
