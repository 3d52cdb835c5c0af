"""Signed tokens of the line: a visitor's ticket (their place) and the pass
to checkout an admitted place earns. No database, no personal data.

Both are signed with the site's secret under a salt naming the community's
schema and the event, so a token of one community (or one event) is forged
anywhere else. A pass carries its place, its line's epoch and when it expires
(the end of the admission window).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http.response import HttpResponseBase

TICKET_MAX_AGE_S = 86400


class TokenInvalid(Exception):
    """A ticket or pass that was not signed here for this event."""


@dataclass(frozen=True)
class Ticket:
    """A place in one line (``epoch``)."""

    epoch: str
    position: int


@dataclass(frozen=True)
class QueuePass:
    """Leave to check out, for one admitted place, until ``expires_at`` (Unix time)."""

    event_id: int
    epoch: str
    position: int
    expires_at: int


def _signer(kind: str, schema: str, event_id: int) -> signing.Signer:
    return signing.Signer(salt=f"pista.salequeue.{kind}.v1:{schema}:{event_id}")


def ticket_sign(*, schema: str, event_id: int, ticket: Ticket) -> str:
    return _signer("ticket", schema, event_id).sign(f"{ticket.epoch}.{ticket.position}")


def ticket_read(*, schema: str, event_id: int, token: str) -> Ticket:
    """The ticket ``token`` holds. Raises TokenInvalid."""
    try:
        epoch, position = _signer("ticket", schema, event_id).unsign(token).split(".")
        return Ticket(epoch=epoch, position=int(position))
    except (signing.BadSignature, ValueError) as exc:
        raise TokenInvalid from exc


def pass_sign(*, schema: str, queue_pass: QueuePass) -> str:
    value = f"{queue_pass.epoch}.{queue_pass.position}.{queue_pass.expires_at}"
    return _signer("pass", schema, queue_pass.event_id).sign(value)


def pass_read(*, schema: str, event_id: int, token: str) -> QueuePass:
    """The pass ``token`` holds for ``event_id`` (expired or not). Raises TokenInvalid."""
    try:
        epoch, position, expires_at = _signer("pass", schema, event_id).unsign(token).split(".")
        return QueuePass(
            event_id=event_id, epoch=epoch, position=int(position), expires_at=int(expires_at)
        )
    except (signing.BadSignature, ValueError) as exc:
        raise TokenInvalid from exc


def _cookie_name(base: str) -> str:
    # Secure cookies (production) take the ``__Host-`` prefix, like the session's.
    return f"__Host-{base}" if settings.SESSION_COOKIE_SECURE else base


def ticket_cookie_name(event_id: int) -> str:
    return _cookie_name(f"pista_queue_{event_id}")


def pass_cookie_name(event_id: int) -> str:
    return _cookie_name(f"pista_queue_pass_{event_id}")


def cookie_set(response: HttpResponseBase, name: str, value: str, *, max_age: int) -> None:
    """Set a line cookie: host-only, whole site, script-proof, sent on top-level
    navigations, secure wherever the session cookie is."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
