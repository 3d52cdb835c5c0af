"""The platform's own measurements, on the beat."""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from pista.celery import app
from pista.health import uptime_probe


@app.task(name="tenants.console.tasks.uptime_probe_task")
def uptime_probe_task() -> bool:
    """Beat, every minute: the readiness probe whose record gives the weekly uptime."""
    with schema_context(get_public_schema_name()):
        return uptime_probe()
