"""``create_community``: provision one community and print it as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pista.errors import ApplicationError
from tenants.provisioning.services import community_create


class Command(BaseCommand):
    help = "Create a community (schema, domains, site, owner) and print it as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--domain", help="An extra custom domain (not primary).")
        parser.add_argument("--theme", default="salon")
        parser.add_argument("--language", default="en")
        parser.add_argument("--currency", default="EUR")
        parser.add_argument("--time-zone", default="Europe/Berlin")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            provisioned = community_create(
                slug=options["slug"],
                name=options["name"],
                owner_email=options["owner_email"],
                extra_domain=options["domain"],
                language=options["language"],
                currency=options["currency"],
                time_zone=options["time_zone"],
                theme=options["theme"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        community = provisioned.community
        self.stdout.write(
            json.dumps(
                {
                    "schema": community.schema_name,
                    "slug": community.slug,
                    "name": community.name,
                    "domains": provisioned.domains,
                    "owner": provisioned.owner_email,
                }
            )
        )
