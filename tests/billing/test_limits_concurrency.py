"""Plan limits hold when requests race at the boundary (real threads, real
PostgreSQL connections): the subscription row lock admits exactly the limit.

Threads use their own connections, so this test commits its data and deletes
it afterwards instead of relying on the per-test transaction.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from django.db import connection
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from core_apps.events.models import Event
from core_apps.events.services import event_publish
from pista.billing_hooks import PlanLimitReached
from tenants.models import Community

from .test_limits import MARCH, _drafts


def test_concurrent_publishing_at_the_boundary_admits_exactly_the_limit(
    django_db_setup, django_db_blocker
):
    """Four publishers race for the last two places of the month: the
    subscription row lock lets exactly two through."""
    from billing.demo import plans_demo_seed

    with django_db_blocker.unblock():
        alpha = Community.objects.get(slug="alpha")
        plans_demo_seed()
        free = Plan.objects.get(slug="free")
        Plan.objects.filter(pk=free.pk).update(max_events_per_month=3)
        Subscription.objects.filter(community=alpha).delete()
        Subscription.objects.create(community=alpha, plan=free)
        with schema_context(alpha.schema_name):
            published = _drafts(1)
            event_publish(actor=None, event=published[0])
            racers = _drafts(4, start=MARCH + timedelta(days=5))
        barrier = threading.Barrier(len(racers))
        outcomes: list[str] = []

        def publish(event_pk: int) -> None:
            try:
                with schema_context(alpha.schema_name):
                    barrier.wait(timeout=10)
                    event_publish(actor=None, event=Event.objects.get(pk=event_pk))
                outcomes.append("published")
            except PlanLimitReached as exc:
                outcomes.append(exc.code)
            finally:
                connection.close()

        threads = [threading.Thread(target=publish, args=(e.pk,)) for e in racers]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert sorted(outcomes) == ["plan_limit_reached"] * 2 + ["published"] * 2
            with schema_context(alpha.schema_name):
                assert Event.objects.filter(status=Event.Status.PUBLISHED).count() == 3
        finally:
            with schema_context(alpha.schema_name):
                Event.objects.filter(pk__in=[e.pk for e in [*published, *racers]]).delete()
            Subscription.objects.filter(community=alpha).delete()
            Plan.objects.all().delete()
