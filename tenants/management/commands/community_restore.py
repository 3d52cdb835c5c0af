"""``community_restore``: recreate a community from its archive."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pista.errors import ApplicationError
from tenants.lifecycle.services.backup import archive_manifest, community_restore


class Command(BaseCommand):
    help = (
        "Restore a community archive (community_backup) under SLUG: the same slug after "
        "a loss, or a new one. A slug that exists is refused. Prints a JSON summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="path", required=True, help="The archive file, or storage:NAME."
        )
        parser.add_argument("--slug", help="Slug to restore into (default: the archived one).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only print what the archive holds."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = archive_manifest(options["path"])
            if options["dry_run"]:
                manifest.pop("migrations", None)
                self.stdout.write(json.dumps(manifest))
                return
            report = community_restore(
                path=options["path"], slug=options["slug"] or manifest["slug"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(asdict(report)))
