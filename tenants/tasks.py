"""Background work about one community."""

from __future__ import annotations

import os
from typing import Any

from django.db import connection

from pista.celery import app
from pista.tasks import CommunityTask


@app.task(base=CommunityTask)
def community_stats_task() -> dict[str, Any]:
    """Counts of the current community's users and pages (for the operator console)."""
    from wagtail.models import Page

    from core_apps.accounts.models import User
    from tenants.selectors import community_current

    community = community_current()
    return {
        "schema": connection.schema_name,
        "community": community.name,
        "users": User.objects.count(),
        "pages": Page.objects.filter(depth__gt=1).count(),
        "worker_pid": os.getpid(),
    }


@app.task(ignore_result=True)
def spare_schemas_refill_task() -> int:
    """Top the pool of spare schemas back up (a platform task, public schema)."""
    from tenants.spares import spare_schemas_refill

    return spare_schemas_refill()


# Domains are platform data (public schema): these are plain platform tasks,
# not CommunityTasks, and they switch to the public schema themselves.


@app.task
def domain_verify_task(*, domain_id: int) -> str | None:
    """Check one custom domain's DNS verification record; returns its new status."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from tenants.domain_services import domain_verify

    with schema_context(get_public_schema_name()):
        domain = domain_verify(domain_id=domain_id)
    return domain.status if domain is not None else None


@app.task
def domains_recheck_task() -> int:
    """Beat: queue a check of every pending or failed domain that is due."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from tenants.domain_services import domains_recheck_claim

    with schema_context(get_public_schema_name()):
        due = domains_recheck_claim()
        for domain_id in due:
            domain_verify_task.delay(domain_id=domain_id)
    return len(due)


@app.task(ignore_result=True)
def community_fanout_task(*, task_name: str) -> int:
    """Beat: queue the community task ``task_name`` once in every active community's
    schema (beat itself runs in the public schema). Returns how many were queued."""
    from django_tenants.utils import schema_context

    from tenants.selectors import communities_listed

    task = app.tasks[task_name]
    schemas = list(communities_listed().values_list("schema_name", flat=True))
    for schema in schemas:
        with schema_context(schema):
            task.delay()
    return len(schemas)


@app.task(base=CommunityTask)
def community_export_build_task(*, user_id: int) -> str | None:
    """Build the current community's export for its owner and email the link;
    returns the stored file's name."""
    from tenants.export_services import community_export_build

    export = community_export_build(user_id=user_id)
    return export.name if export is not None else None


@app.task(base=CommunityTask)
def community_deletion_notice_send_task(*, user_id: int) -> None:
    """Email the owner the scheduled deletion's date and the cancel link."""
    from tenants.deletion_services import community_deletion_notice_send

    community_deletion_notice_send(user_id=user_id)


@app.task(base=CommunityTask)
def community_exports_prune_task() -> int:
    """Beat (fanned out): delete the current community's exports past retention."""
    from tenants.export_services import community_exports_prune

    return len(community_exports_prune())


@app.task
def communities_purge_due_task() -> list[str]:
    """Beat: delete for good the communities whose deletion grace period is over
    (a platform task: it works from the public schema)."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from tenants.deletion_services import communities_purge_due

    with schema_context(get_public_schema_name()):
        return communities_purge_due()
