"""Write the record of processing activities (Art. 30) from the data inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from core_apps.privacy.records import RECORDS_PATH, records_markdown


class Command(BaseCommand):
    help = f"Write {RECORDS_PATH} from core_apps/privacy/inventory.py."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / RECORDS_PATH))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(records_markdown(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
