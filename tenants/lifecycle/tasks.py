"""Background work of a community's life cycle: export, deletion notices, purge.

Task names keep the ``tenants.tasks.`` prefix they were published under: the
beat schedule and outbox rows name them.
"""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from pista.celery import app
from pista.tasks import CommunityTask
from tenants.lifecycle.services.deletion import (
    communities_purge_due,
    community_deletion_notice_send,
)
from tenants.lifecycle.services.export import community_export_build, community_exports_prune


@app.task(name="tenants.tasks.community_export_build_task", base=CommunityTask)
def community_export_build_task(*, user_id: int) -> str | None:
    """Build the current community's export for its owner and email the link;
    returns the stored file's name."""
    export = community_export_build(user_id=user_id)
    return export.name if export is not None else None


@app.task(name="tenants.tasks.community_deletion_notice_send_task", base=CommunityTask)
def community_deletion_notice_send_task(*, user_id: int) -> None:
    """Email the owner the scheduled deletion's date and the cancel link."""
    community_deletion_notice_send(user_id=user_id)


@app.task(name="tenants.tasks.community_exports_prune_task", base=CommunityTask)
def community_exports_prune_task() -> int:
    """Beat (fanned out): delete the current community's exports past retention."""
    return len(community_exports_prune())


@app.task(name="tenants.tasks.communities_purge_due_task")
def communities_purge_due_task() -> list[str]:
    """Beat: delete for good the communities whose deletion grace period is over
    (a platform task: it works from the public schema)."""
    with schema_context(get_public_schema_name()):
        return communities_purge_due()
