"""Base classes for Pista's Celery tasks."""

from __future__ import annotations

from typing import Any

from tenant_schemas_celery.task import TenantTask

from pista.errors import ApplicationError
from pista.tenancy import in_public_schema


class WrongSchema(ApplicationError):
    default_code = "wrong_schema"


class CommunityTask(TenantTask):
    """A task that works on one community's data.

    It runs in the schema it was queued from and refuses to run in the public
    schema, where it would read or write the platform's tables instead.
    """

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if in_public_schema():
            raise WrongSchema(f"Task {self.name} must run in a community schema, not public.")
        return super().__call__(*args, **kwargs)


def task_enqueue_on_commit(task: Any, /, *, dedupe_key: str = "", **kwargs: Any) -> None:
    """Run ``task(**kwargs)`` after the current transaction commits, in the schema
    that is current *now*, durably: the outbox records it in this transaction and
    delivers it until done, even if the broker or a worker fails meanwhile
    (``pista.outbox``). ``dedupe_key`` records the effect once per key."""
    # Imported here: task modules import this one while the app registry loads.
    from pista.outbox.services import outbox_enqueue

    outbox_enqueue(task, dedupe_key=dedupe_key, **kwargs)
