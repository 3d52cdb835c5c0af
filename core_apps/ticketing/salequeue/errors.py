"""Why a checkout of a queued event is refused: each refusal names the line
to go back to (``extra["line"]``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from pista.errors import ApplicationError


def line_url(event_id: int, *, next_url: str = "") -> str:
    """The waiting room of ``event_id``'s line, returning to ``next_url``."""
    url = reverse("salequeue:line", args=[event_id])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class QueueRefusal(ApplicationError):
    """A checkout of a queued event without a pass it may use."""

    status_code = 403

    def __init__(self, message: str, *, event_id: int) -> None:
        super().__init__(message, extra={"event": event_id, "line": line_url(event_id)})
        self.event_id = event_id


class QueuePassRequired(QueueRefusal):
    default_code = "queue_pass_required"


class QueuePassInvalid(QueueRefusal):
    default_code = "queue_pass_invalid"


class QueuePassExpired(QueueRefusal):
    default_code = "queue_pass_expired"
    status_code = 410


class QueuePassUsed(QueueRefusal):
    default_code = "queue_pass_used"
    status_code = 409


class QueueUnavailable(QueueRefusal):
    default_code = "queue_unavailable"
    status_code = 503


class QueueOneEvent(QueueRefusal):
    default_code = "queue_one_event"
    status_code = 400
