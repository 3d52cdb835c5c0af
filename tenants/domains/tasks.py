"""Background work on custom domains.

Domains are platform data (public schema): these are plain platform tasks, not
CommunityTasks, and they switch to the public schema themselves. Task names keep
the ``tenants.tasks.`` prefix they were published under (beat, outbox rows).
"""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from pista.celery import app
from tenants.domains.services import domain_verify, domains_recheck_claim


@app.task(name="tenants.tasks.domain_verify_task")
def domain_verify_task(*, domain_id: int) -> str | None:
    """Check one custom domain's DNS verification record; returns its new status."""
    with schema_context(get_public_schema_name()):
        domain = domain_verify(domain_id=domain_id)
    return domain.status if domain is not None else None


@app.task(name="tenants.tasks.domains_recheck_task")
def domains_recheck_task() -> int:
    """Beat: queue a check of every pending or failed domain that is due."""
    with schema_context(get_public_schema_name()):
        due = domains_recheck_claim()
        for domain_id in due:
            domain_verify_task.delay(domain_id=domain_id)
    return len(due)
