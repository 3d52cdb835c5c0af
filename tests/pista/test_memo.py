"""Process-local memos: values live their lifetime, forgetting is immediate."""

from __future__ import annotations

import time

import pytest

from pista.memo import LocalMemo, memos_clear
from tenants.routing.selectors import host_route
from tenants.routing.services import domain_cache_forget


def test_a_value_lives_its_lifetime_then_is_gone():
    memo: LocalMemo[int] = LocalMemo(ttl_s=0.05)
    memo.set("k", 1)
    assert memo.get("k") == 1
    time.sleep(0.1)
    assert memo.get("k") is None


def test_forget_and_clear_are_immediate():
    memo: LocalMemo[int] = LocalMemo(ttl_s=60)
    memo.set("a", 1)
    memo.set("b", 2)
    memo.forget(["a"])
    assert memo.get("a") is None and memo.get("b") == 2
    memos_clear()
    assert memo.get("b") is None


def test_the_size_is_bounded():
    memo: LocalMemo[int] = LocalMemo(ttl_s=60, size=3)
    for index in range(10):
        memo.set(str(index), index)
    assert len(memo._entries) <= 3
    assert memo.get("9") == 9


@pytest.mark.django_db
def test_each_request_gets_its_own_tenant_object(community_a):
    host = community_a.domains.get(is_primary=True).domain
    first = host_route(hostname=host)
    first.community.name = "Changed in one request only"
    second = host_route(hostname=host)
    assert second.community.name == community_a.name
    assert second.community is not first.community


@pytest.mark.django_db
def test_a_suspension_routes_at_once_in_the_process_that_made_it(community_a):
    host = community_a.domains.get(is_primary=True).domain
    assert not host_route(hostname=host).community.is_suspended
    type(community_a).objects.filter(pk=community_a.pk).update(status="suspended")
    domain_cache_forget([host])
    assert host_route(hostname=host).community.is_suspended
