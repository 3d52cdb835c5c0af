"""The booking state machine: steps, row locks and the audit entry of each step.

Each app declares its steps in a ``BookingFlow`` (which states a step may start
from and where it leads); services ask the flow before they write, lock the
booking row first, and record every step with ``booking_entry_record``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import models
from django.utils.translation import gettext

from core_apps.accounts.models import User
from pista.errors import Conflict
from pista.tasks import task_enqueue_on_commit

M = TypeVar("M", bound=models.Model)


class InvalidTransition(Conflict):
    """The booking is not in a state that allows this step."""

    default_code = "invalid_transition"


class HasStatus(Protocol):
    status: str

    def get_status_display(self) -> str: ...


@dataclass(frozen=True)
class Step:
    """A step of the workflow: the states it may start from and the state it leads to."""

    sources: frozenset[str]
    target: str


def step(sources: Iterable[str], target: str) -> Step:
    return Step(frozenset(sources), target)


@dataclass(frozen=True)
class BookingFlow:
    """The transitions table of one kind of booking."""

    steps: Mapping[str, Step]

    def allows(self, booking: HasStatus, name: str) -> bool:
        return booking.status in self.steps[name].sources

    def target(self, booking: HasStatus, name: str) -> str:
        """The status ``booking`` moves to by step ``name``. Raises InvalidTransition."""
        if not self.allows(booking, name):
            raise InvalidTransition(
                gettext("This booking is %(status)s.")
                % {"status": booking.get_status_display().lower()}
            )
        return self.steps[name].target


def bookings_for_update(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Lock the bookings' own rows (not the joined ones) in pk order, so that two
    transactions locking several bookings never wait on each other in a cycle."""
    return queryset.select_for_update(of=("self",)).order_by("pk")


def booking_for_update(queryset: models.QuerySet[M], *, pk: int) -> M:
    """The booking ``pk`` of ``queryset``, its row locked until the transaction ends."""
    return bookings_for_update(queryset.filter(pk=pk)).get()


def booking_entry_record(
    *,
    entry_model: type[M],
    booking: models.Model,
    actor: User | None,
    action: str,
    data: dict[str, Any] | None = None,
    notify_task: Any = None,
) -> M:
    """Audit one step; with ``notify_task``, tell the other side after commit
    (the task receives ``entry_id``)."""
    entry = entry_model._default_manager.create(
        booking=booking, actor=actor, action=action, data=data or {}
    )
    if notify_task is not None:
        task_enqueue_on_commit(notify_task, entry_id=entry.pk)
    return entry
