"""``community_backup``: archive one community (schema, public rows, files)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pista.errors import ApplicationError
from tenants.lifecycle.services.backup import community_backup


class Command(BaseCommand):
    help = (
        "Write one community's archive (pg_dump of its schema, its public-schema rows, "
        "its media and private files) to PATH and print a JSON summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument(
            "--to",
            required=True,
            help=(
                "Archive file (.tar.gz), an existing directory to write a dated one into, "
                "or storage:NAME / storage:DIR/ in the platform's private storage (S3 when "
                "configured)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = community_backup(slug=options["slug"], to=options["to"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(asdict(report)))
