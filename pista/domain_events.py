"""Domain events: a service announces what happened (``order.paid``), whoever
listens acts on it (outbound webhooks, in ``core_apps.integrations``).

The hook lives here, below every app, so a domain service can announce an
event without importing the listeners. Announce inside the service's
transaction: listeners record their work there (in an outbox), so it happens
exactly when the change commits and is never lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[str, dict[str, Any]], object]
_listeners: list[Listener] = []


def domain_event_listen(listener: Listener) -> Listener:
    """Register ``listener(event_type, data)`` (once, at app start-up)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def domain_event_emit(event_type: str, /, **data: Any) -> None:
    """Announce ``event_type`` (``"<noun>.<past participle>"``) with JSON ``data``."""
    for listener in list(_listeners):
        listener(event_type, data)
