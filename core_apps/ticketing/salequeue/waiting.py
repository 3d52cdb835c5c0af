"""A visitor's place in a line: taken, looked up, and told. Redis and
signatures only, no database: the status that thousands of waiting browsers
poll is answered from here (``middleware``), and the waiting room page too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core_apps.ticketing.salequeue.line import LineStatus, line_join, line_status
from core_apps.ticketing.salequeue.passes import (
    QueuePass,
    Ticket,
    TokenInvalid,
    pass_sign,
    ticket_read,
    ticket_sign,
)

# How often a waiting browser asks again: after half its remaining wait, so
# each visitor polls a handful of times however long the line (the wait
# halves at each poll) and still hears of its turn within POLL_MIN_S.
POLL_MIN_S = 2
POLL_MAX_S = 60
POLL_UNAVAILABLE_S = 15
# States in which a ticket still names a place worth keeping.
_KEPT = frozenset({"waiting", "admitted", "expired", "used", "off", "missing"})


@dataclass(frozen=True)
class Place:
    """A visitor's place: its status, a new ticket to hand them (when one was
    just taken) and, once admitted, their signed pass."""

    status: LineStatus
    ticket: str = ""
    pass_token: str = ""

    @property
    def poll_s(self) -> int:
        wait = self.status.wait_s
        return max(POLL_MIN_S, min(POLL_MAX_S, wait // 2))


def place_lookup(*, schema: str, event_id: int, ticket_token: str) -> Place:
    """The place ``ticket_token`` holds; without a token, state ``none`` (or
    the line's own: ``off``, ``missing``). Raises TokenInvalid (a ticket not
    signed here for this event), LineUnavailable."""
    if not ticket_token:
        line = line_status(schema=schema, event_id=event_id, epoch="", position=0)
        return Place(LineStatus(state=line.state if line.state in {"off", "missing"} else "none"))
    ticket = ticket_read(schema=schema, event_id=event_id, token=ticket_token)
    status = line_status(
        schema=schema, event_id=event_id, epoch=ticket.epoch, position=ticket.position
    )
    if status.state != "admitted":
        return Place(status)
    queue_pass = QueuePass(
        event_id=event_id,
        epoch=status.epoch,
        position=status.position,
        expires_at=int(status.expires_at),
    )
    return Place(status, pass_token=pass_sign(schema=schema, queue_pass=queue_pass))


def place_take(*, schema: str, event_id: int, ticket_token: str, again: bool = False) -> Place:
    """The visitor's place, or a new one at the back of the line when they
    hold none (no ticket, one of a line that restarted, or a forged one) or
    ask ``again``. Raises LineUnavailable."""
    if ticket_token and not again:
        try:
            place = place_lookup(schema=schema, event_id=event_id, ticket_token=ticket_token)
        except TokenInvalid:
            place = None
        if place is not None and place.status.state in _KEPT:
            return place
    status = line_join(schema=schema, event_id=event_id)
    if status.state != "waiting":
        return Place(status)
    ticket = Ticket(epoch=status.epoch, position=status.position)
    return Place(status, ticket=ticket_sign(schema=schema, event_id=event_id, ticket=ticket))


def _iso(timestamp: float) -> str | None:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat() if timestamp else None


def place_answer(place: Place) -> dict[str, Any]:
    """The status endpoint's JSON for ``place``."""
    status = place.status
    state = {"off": "open", "missing": "unavailable"}.get(status.state, status.state)
    answer: dict[str, Any] = {"state": state, "poll_s": place.poll_s}
    if status.state in {"waiting", "admitted", "expired", "used"}:
        answer.update(
            position=status.position,
            ahead=status.ahead,
            admitted_through=status.admitted_through,
            rate_per_minute=status.rate_per_minute,
            wait_s=status.wait_s,
            opens_at=_iso(status.opens_at) if status.opens_at > status.now else None,
        )
    if status.state == "waiting":
        answer["sold_out"] = status.sold_out
    if status.state == "admitted":
        answer.update(
            {
                "pass": place.pass_token,
                "expires_at": _iso(status.expires_at),
                "expires_in_s": max(0, int(status.expires_at - status.now)),
            }
        )
    return answer
