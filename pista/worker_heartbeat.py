"""The worker's liveness heartbeat: a file the worker's main loop touches.

A Celery worker can be alive as a process yet stuck (a broker connection that
hangs, a wedged event loop). The heartbeat is written by a timer on the worker's
own event loop, so it stops when the loop stops; the container's liveness probe
(``manage.py worker_alive`` or a ``stat`` of the file) then fails and the
supervisor restarts the worker. See docs/operations/failure-modes.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from celery import bootsteps
from django.conf import settings


def heartbeat_path() -> Path:
    return Path(settings.PISTA_WORKER_HEARTBEAT_FILE)


def heartbeat_age_s() -> float | None:
    """Seconds since the worker last beat; None when it never did."""
    try:
        return time.time() - heartbeat_path().stat().st_mtime
    except FileNotFoundError:
        return None


class HeartbeatStep(bootsteps.StartStopStep):
    """Touch the heartbeat file every ``PISTA_WORKER_HEARTBEAT_S`` seconds."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        self.entry: Any = None

    def start(self, worker: Any) -> None:
        self._beat()
        self.entry = worker.timer.call_repeatedly(settings.PISTA_WORKER_HEARTBEAT_S, self._beat)

    def stop(self, worker: Any) -> None:
        if self.entry is not None:
            self.entry.cancel()
        heartbeat_path().unlink(missing_ok=True)

    @staticmethod
    def _beat() -> None:
        path = heartbeat_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
