"""``api_key_create``: create an API key for a community and print it as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.integrations.apikeys import api_key_create
from pista.errors import ApplicationError
from tenants.models import Community


class Command(BaseCommand):
    help = (
        "Create an API key for a community (acting as its first owner, or --as EMAIL) "
        "and print one JSON object with key, prefix and scopes. The key is shown once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scopes", required=True, help="Comma-separated, e.g. events:read,orders:write"
        )
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument(
            "--as", dest="as_email", default="", help="An owner's or admin's email."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None or community.schema_name == "public":
            raise CommandError(f"No community with the slug {options['community']!r}.")
        with schema_context(community.schema_name):
            actor = self._actor(options["as_email"])
            try:
                created = api_key_create(
                    actor=actor,
                    name=options["name"],
                    scopes=options["scopes"],
                    expires_in_days=options["expires_days"],
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            api_key = created.api_key
            self.stdout.write(
                json.dumps(
                    {
                        "key": created.key,
                        "prefix": api_key.prefix,
                        "name": api_key.name,
                        "scopes": api_key.scopes,
                        "expires_at": (
                            api_key.expires_at.isoformat() if api_key.expires_at else None
                        ),
                        "community": community.slug,
                    }
                )
            )

    def _actor(self, email: str) -> User:
        users = User.objects.filter(is_active=True)
        if email:
            actor = users.filter(email__iexact=email).first()
        else:
            actor = users.filter(groups__name=Role.OWNER.value).order_by("pk").first()
        if actor is None:
            raise CommandError(
                f"No active user {email!r} here." if email else "The community has no owner."
            )
        return actor
