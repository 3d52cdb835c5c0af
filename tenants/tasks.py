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
