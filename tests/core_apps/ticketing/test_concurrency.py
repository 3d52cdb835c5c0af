"""Quotas under concurrent checkouts: real threads, real connections, committed rows.

Each thread has its own database connection outside the test's transaction, so
the rows they share are committed by a helper thread and removed at the end.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from core_apps.ticketing.balance import DanceRole
from core_apps.ticketing.models import Quota, RoleMode
from core_apps.ticketing.services import RoleImbalance, SoldOut, quotas_release, quotas_reserve

pytestmark = pytest.mark.django_db

THREADS = 6


def _in_own_connection(schema: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a new thread (so a new, autocommitting connection) in ``schema``."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            with schema_context(schema):
                result["value"] = fn()
        except BaseException as exc:  # re-raised in the calling thread
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _hammer(schema: str, work: Callable[[random.Random], int]) -> list[int]:
    """Run ``work`` in THREADS threads at once; each returns what it sold."""
    barrier = threading.Barrier(THREADS)
    sold = [0] * THREADS
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            with schema_context(schema):
                barrier.wait()
                sold[index] = work(random.Random(index))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return sold


@pytest.fixture
def committed_quotas(community_a):
    schema = community_a.schema_name
    created: list[int] = []

    def make(**fields: Any) -> Quota:
        quota = _in_own_connection(schema, lambda: Quota.objects.create(**fields))
        created.append(quota.pk)
        return quota

    yield schema, make
    _in_own_connection(schema, lambda: Quota.objects.filter(pk__in=created).delete())


def test_concurrent_full_and_party_passes_never_oversell_the_shared_hall(committed_quotas):
    schema, make = committed_quotas
    hall = make(name="Hall", size=40)
    workshops = make(name="Workshops", size=1000)
    full_sold: list[int] = []

    def work(rng: random.Random) -> int:
        total = 0
        for _ in range(15):
            full = rng.random() < 0.5
            n = rng.randint(1, 3)
            ids = {hall.pk: n, workshops.pk: n} if full else {hall.pk: n}
            try:
                with transaction.atomic():
                    quotas_reserve(quota_ids_with_counts=ids)
            except SoldOut:
                continue
            total += n
            if full:
                full_sold.append(n)  # list.append is atomic under the GIL
        return total

    sold = _hammer(schema, work)
    hall_after = _in_own_connection(schema, lambda: Quota.objects.get(pk=hall.pk))
    workshops_after = _in_own_connection(schema, lambda: Quota.objects.get(pk=workshops.pk))
    assert hall_after.sold == sum(sold) <= hall_after.size
    assert hall_after.size - hall_after.sold < 3  # filled until no request fitted
    assert workshops_after.sold == sum(full_sold)  # a refused full pass took nothing


def test_concurrent_dancers_keep_leaders_and_followers_within_the_difference(
    committed_quotas,
):
    schema, make = committed_quotas
    quota = make(name="Salsa 1", size=30, role_mode=RoleMode.LEAD_FOLLOW, max_difference=1)

    def work(rng: random.Random) -> int:
        admitted = 0
        for _ in range(12):
            try:
                with transaction.atomic():
                    quotas_reserve(
                        quota_ids_with_counts={quota.pk: 1}, role=rng.choice(["lead", "follow"])
                    )
            except (SoldOut, RoleImbalance):
                continue
            admitted += 1
        return admitted

    sold = _hammer(schema, work)
    after = _in_own_connection(schema, lambda: Quota.objects.get(pk=quota.pk))
    assert after.sold == sum(sold) == after.sold_lead + after.sold_follow
    assert abs(after.sold_lead - after.sold_follow) <= 1


def test_concurrent_releases_and_reservations_keep_every_counter_exact(committed_quotas):
    """Dancers give places back while others buy them: no place is lost or
    sold twice, and the role counters add up to what each thread holds."""
    schema, make = committed_quotas
    per_thread = [DanceRole.LEAD, DanceRole.FOLLOW]
    quota = make(
        name="Social",
        size=THREADS * len(per_thread),
        sold=THREADS * len(per_thread),
        sold_lead=THREADS,
        sold_follow=THREADS,
        role_mode=RoleMode.LEAD_FOLLOW,
        max_difference=2,
    )
    held: list[list[str]] = []
    refusals: list[int] = []

    def work(rng: random.Random) -> int:
        mine = [str(role) for role in per_thread]
        refused = 0
        for _ in range(25):
            if mine and rng.random() < 0.5:
                role = mine.pop(rng.randrange(len(mine)))
                with transaction.atomic():
                    quotas_release(
                        quota_ids_with_counts={quota.pk: 1},
                        leads=int(role == DanceRole.LEAD),
                        follows=int(role == DanceRole.FOLLOW),
                    )
                continue
            try:
                with transaction.atomic():
                    reserved = quotas_reserve(
                        quota_ids_with_counts={quota.pk: 1},
                        role=rng.choice([DanceRole.LEAD, DanceRole.FOLLOW]),
                    )
            except (SoldOut, RoleImbalance):
                refused += 1
                continue
            mine.append(str(reserved[0].role))
        held.append(mine)
        refusals.append(refused)
        return len(mine)

    sold = _hammer(schema, work)
    after = _in_own_connection(schema, lambda: Quota.objects.get(pk=quota.pk))
    roles = [role for mine in held for role in mine]
    assert after.sold == sum(sold) <= after.size
    assert after.sold_lead == roles.count(DanceRole.LEAD)
    assert after.sold_follow == roles.count(DanceRole.FOLLOW)
    assert after.sold_lead + after.sold_follow == after.sold
    assert sum(refusals) > 0  # the quota was full at times: the race was real
