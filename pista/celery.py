"""The Celery app. Tasks carry their tenant's schema (tenant-schemas-celery)."""

from __future__ import annotations

import os

from celery import Celery
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pista.settings")


class PistaCelery(TenantAwareCeleryApp, Celery):
    """Celery app whose ``send_task`` stamps the current schema on every task."""


app = PistaCelery("pista")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _heartbeat_install() -> None:
    from pista.worker_heartbeat import HeartbeatStep

    app.steps["worker"].add(HeartbeatStep)


_heartbeat_install()


def _metrics_install() -> None:
    from pista.metrics import celery_signals_connect

    celery_signals_connect()


_metrics_install()
