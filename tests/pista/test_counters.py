"""Window counters in the cache: one round trip on Redis, keys per community."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django_tenants.utils import schema_context

from pista.counters import counter_add, counters_add

pytestmark = pytest.mark.django_db


def test_counts_start_at_one_and_add_up():
    cache = caches["default"]
    assert counters_add(cache, {"t:a": 60, "t:b": 60}) == [1, 1]
    assert counters_add(cache, {"t:a": 60, "t:b": 60}) == [2, 2]
    assert counter_add(cache, "t:a", 60) == 3
    assert cache.get("t:a") == 3  # readable like any cached integer


def test_a_window_lives_from_its_first_count_not_its_last():
    cache = caches["default"]
    counter_add(cache, "t:window", 60)
    counter_add(cache, "t:window", 3600)  # a later count does not move the window's end
    assert 0 < cache.ttl("t:window") <= 60


def test_the_same_key_counts_apart_in_each_community(community_a, community_b):
    cache = caches["default"]
    with schema_context(community_a.schema_name):
        counter_add(cache, "t:shared", 60)
        counter_add(cache, "t:shared", 60)
    with schema_context(community_b.schema_name):
        assert counter_add(cache, "t:shared", 60) == 1
    with schema_context(community_a.schema_name):
        assert cache.get("t:shared") == 2


def test_without_redis_the_cache_api_counts():
    cache = LocMemCache("counters-test", {})
    assert counters_add(cache, {"k": 60, "j": 60}) == [1, 1]
    assert counter_add(cache, "k", 60) == 2
