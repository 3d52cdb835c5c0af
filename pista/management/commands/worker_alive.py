"""``worker_alive``: the Celery worker's liveness probe (exit 0 alive, 1 not)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pista.worker_heartbeat import heartbeat_age_s, heartbeat_path


class Command(BaseCommand):
    help = "Exit 0 when the worker's heartbeat file is fresh, 1 otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-age", type=float, default=60.0, help="seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        age = heartbeat_age_s()
        if age is None:
            raise CommandError(f"No worker heartbeat at {heartbeat_path()}.")
        if age > options["max_age"]:
            raise CommandError(f"The worker's last heartbeat is {age:.0f} s old.")
        self.stdout.write(f"alive (heartbeat {age:.0f} s ago)")
