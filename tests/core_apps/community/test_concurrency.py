"""Rate limits hold under concurrent requests (real threads, real connections).

Threads use their own database connections, so this test commits its data and
deletes it afterwards instead of relying on the per-test transaction.
"""

from __future__ import annotations

import threading

from django.db import connection
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.community.models import PartnerRequest
from core_apps.community.services.partners import partner_request_send
from pista.errors import ApplicationError
from tenants.models import Community

from .conftest import member_create


def test_partner_request_limit_cannot_be_raced_past(
    django_db_setup, django_db_blocker, settings
) -> None:
    settings.COMMUNITY_PARTNER_REQUESTS_PER_DAY = 1
    with django_db_blocker.unblock():
        alpha = Community.objects.get(slug="alpha")
        with schema_context(alpha.schema_name):
            sender = member_create(name="Racer")
            recipients = [member_create(name=f"Racee {n}") for n in range(4)]
        barrier = threading.Barrier(len(recipients))
        outcomes: list[str] = []

        def send(recipient_id: int) -> None:
            try:
                with schema_context(alpha.schema_name):
                    barrier.wait(timeout=10)
                    partner_request_send(sender=sender, recipient_id=recipient_id)
                outcomes.append("sent")
            except ApplicationError as exc:
                outcomes.append(exc.code)
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=(r.pk,)) for r in recipients]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            with schema_context(alpha.schema_name):
                assert PartnerRequest.objects.filter(sender=sender).count() == 1
            assert sorted(outcomes) == ["partner_request_limit"] * 3 + ["sent"]
        finally:
            with schema_context(alpha.schema_name):
                User.objects.filter(pk__in=[sender.pk, *(r.pk for r in recipients)]).delete()
