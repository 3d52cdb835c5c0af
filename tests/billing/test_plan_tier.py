"""The plan tier names the ``plan`` label of request metrics, per community."""

from __future__ import annotations

import pytest

from billing.selectors import plan_tier_of
from pista.metrics import plan_tier

pytestmark = pytest.mark.django_db


def test_the_metrics_label_names_each_communitys_plan(a_on_free, community_a, community_b):
    assert plan_tier(community_a) == a_on_free.plan.slug
    assert plan_tier(community_b) == "none"  # B's tier is B's: no plan yet


def test_the_tier_is_cached_not_queried_per_request(
    a_on_free, community_a, django_assert_num_queries
):
    plan_tier_of(community_a)
    with django_assert_num_queries(0):
        assert plan_tier_of(community_a) == a_on_free.plan.slug
