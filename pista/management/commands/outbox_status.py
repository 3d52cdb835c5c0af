"""``outbox_status``: pending and failed outbox messages in every schema; put a
failed one back with ``--retry ID --schema SCHEMA``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django_tenants.utils import get_tenant_model, schema_context

from pista.outbox.models import OutboxMessage
from pista.outbox.services import outbox_message_retry


class Command(BaseCommand):
    help = "List pending and failed outbox messages per schema, or retry a failed one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retry", type=int, help="id of a failed message to retry")
        parser.add_argument("--schema", help="the schema of the message to retry")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry"] is not None:
            if not options["schema"]:
                raise CommandError("--retry needs --schema.")
            with schema_context(options["schema"]):
                outbox_message_retry(message_id=options["retry"])
            self.stdout.write(f"Message {options['retry']} is due again.")
            return
        schemas = get_tenant_model().objects.values_list("schema_name", flat=True)
        for schema in schemas:
            with schema_context(schema):
                counts = dict(
                    OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE)
                    .values_list("status")
                    .annotate(n=Count("pk"))
                )
                if not counts:
                    continue
                self.stdout.write(f"{schema}: {counts}")
                for message in OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED):
                    self.stdout.write(
                        f"  #{message.pk} {message.task} ({message.attempts} attempts): "
                        f"{message.last_error[:200]}"
                    )
