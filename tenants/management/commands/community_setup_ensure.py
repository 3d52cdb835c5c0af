"""``community_setup_ensure``: give existing communities what new ones start with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_tenants.utils import get_public_schema_name

from tenants.models import Community
from tenants.provisioning.services import community_setup_run


class Command(BaseCommand):
    help = (
        "Run every app's set-up step for new communities (e.g. the default dance "
        "styles and levels) in every existing community, or in those named. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Only these communities (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        communities = Community.objects.exclude(schema_name=get_public_schema_name()).order_by(
            "slug"
        )
        if options["slugs"]:
            communities = communities.filter(slug__in=options["slugs"])
        for community in communities:
            with transaction.atomic():
                community_setup_run(community=community)
            self.stdout.write(f"{community.slug}: set up")
