"""Base classes for Pista's Celery tasks."""

from __future__ import annotations

from typing import Any

from tenant_schemas_celery.task import TenantTask

from pista.errors import ApplicationError
from pista.tenancy import current_schema, in_public_schema


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


def task_enqueue_on_commit(task: Any, /, **kwargs: Any) -> None:
    """Queue ``task`` once the current transaction commits, in the schema that is
    current *now* (by commit time the connection may have moved to another one)."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    schema = current_schema()

    def enqueue() -> None:
        with schema_context(schema):
            task.delay(**kwargs)

    transaction.on_commit(enqueue)
