"""Background work of provisioning, and the beat's fan-out to every community.

Task names keep the ``tenants.tasks.`` prefix they were published under: the
beat schedule and outbox rows name them.
"""

from __future__ import annotations

import os
from typing import Any

from django.db import connection
from django_tenants.utils import schema_context
from wagtail.models import Page

from core_apps.accounts.models import User
from pista.celery import app
from pista.tasks import CommunityTask
from tenants.current import community_current
from tenants.provisioning.selectors import communities_listed
from tenants.provisioning.spares import spare_schemas_refill
from tenants.provisioning.template import template_dump_sql


@app.task(name="tenants.tasks.community_stats_task", base=CommunityTask)
def community_stats_task() -> dict[str, Any]:
    """Counts of the current community's users and pages (for the operator console)."""
    community = community_current()
    return {
        "schema": connection.schema_name,
        "community": community.name,
        "users": User.objects.count(),
        "pages": Page.objects.filter(depth__gt=1).count(),
        "worker_pid": os.getpid(),
    }


@app.task(name="tenants.tasks.spare_schemas_refill_task", ignore_result=True)
def spare_schemas_refill_task() -> int:
    """Top the pool of spare schemas back up (a platform task, public schema)."""
    return spare_schemas_refill()


@app.task(name="tenants.tasks.template_dump_take_task", ignore_result=True)
def template_dump_take_task() -> bool:
    """Take the template's dump for the clones to come, with no time limit (past
    ~1,000 communities ``pg_dump`` reads the catalogue for minutes: a worker
    waits for it, not the deploy). True when a dump is kept."""
    return template_dump_sql(timeout=None) is not None


@app.task(name="tenants.tasks.community_fanout_task", ignore_result=True)
def community_fanout_task(*, task_name: str) -> int:
    """Beat: queue the community task ``task_name`` once in every active community's
    schema (beat itself runs in the public schema). Returns how many were queued."""
    task = app.tasks[task_name]
    schemas = list(communities_listed().values_list("schema_name", flat=True))
    for schema in schemas:
        with schema_context(schema):
            task.delay()
    return len(schemas)
