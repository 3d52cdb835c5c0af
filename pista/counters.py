"""Counters in the cache that expire: one round trip per count on Redis.

Rate limits and request bookkeeping count hits per key and window. On Redis
each count is one pipeline, ``INCR`` then ``EXPIRE … NX`` (the first count of a
window sets its lifetime, later ones leave it), instead of an ``add`` followed
by an ``incr`` script: two or three round trips for every request on the hot
paths (checkout, pages). Other cache backends (the embedded default's local
memory) count with ``add``/``incr``. Keys go through the cache's own key
function, so they carry the community's schema like every other cache key.
Errors of the cache server propagate: the caller decides what an outage means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.cache import BaseCache


def _redis_client(cache: BaseCache) -> Any | None:
    """The raw Redis client behind a django-redis cache, else None."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def counters_add(cache: BaseCache, lifetimes: Mapping[str, int]) -> list[int]:
    """Add one to each key of ``lifetimes`` (created at 1, living its value in
    seconds from its first count) and return their new values, in order."""
    redis = _redis_client(cache)
    if redis is None:
        return [_counter_add_portable(cache, key, ttl_s) for key, ttl_s in lifetimes.items()]
    pipeline = redis.pipeline(transaction=False)
    for key, ttl_s in lifetimes.items():
        full_key = cache.make_key(key)
        pipeline.incr(full_key)
        pipeline.expire(full_key, ttl_s, nx=True)
    replies = pipeline.execute()
    return [int(value) for value in replies[::2]]


def counter_add(cache: BaseCache, key: str, ttl_s: int) -> int:
    """Add one to ``key`` (see :func:`counters_add`) and return its new value."""
    return counters_add(cache, {key: ttl_s})[0]


def _counter_add_portable(cache: BaseCache, key: str, ttl_s: int) -> int:
    if cache.add(key, 1, ttl_s):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl_s)
        return 1
