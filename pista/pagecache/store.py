"""Where the page cache keeps things: the ``pages`` cache alias (Redis), one
*generation* per community, and a breaker for when Redis is gone.

Every entry is stored with the generation of its community current when it
was computed; an entry of another generation is stale. Invalidating a
community is one ``SET`` of a fresh random generation — no key enumeration,
and a generation lost from Redis (eviction, restart) can't make an old entry
look current again, as a reset counter could.

Keys go through the alias's key function (django-tenants: the connection's
schema first, like every cache key) and name the schema themselves as well.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import transaction
from django_redis.exceptions import ConnectionInterrupted
from django_tenants.utils import get_public_schema_name, schema_context
from redis.exceptions import RedisError

from pista.tenancy import current_schema

logger = logging.getLogger(__name__)

PAGES_ALIAS = "pages"
# Bumped when the layout of what is stored changes (pista.pagecache.entry.PageEntry).
KEY_VERSION = "1"
# What a Redis outage raises through django-redis (and the sockets below it).
STORE_ERRORS = (ConnectionInterrupted, RedisError, OSError)

T = TypeVar("T")

# Monotonic time before which this process doesn't try Redis again.
_retry_at = 0.0


def page_cache_on() -> bool:
    """Whether the page cache is switched on and its store not known to be down."""
    return bool(settings.PISTA_PAGE_CACHE) and time.monotonic() >= _retry_at


def store_failed(exc: BaseException) -> None:
    """Note a store error: this process renders uncached for a while."""
    global _retry_at
    _retry_at = time.monotonic() + settings.PISTA_PAGE_CACHE_RETRY_SECONDS
    logger.warning(
        "Page cache store unavailable; rendering uncached for %s s: %s",
        settings.PISTA_PAGE_CACHE_RETRY_SECONDS,
        exc,
    )


def _store() -> BaseCache:
    return caches[PAGES_ALIAS]


@contextmanager
def _in_schema(schema: str) -> Iterator[None]:
    """Key the store for ``schema`` (a no-op inside its own requests and tasks)."""
    if current_schema() == schema:
        yield
        return
    with schema_context(schema):
        yield


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def generation_key(schema: str) -> str:
    return f"pagecache:{KEY_VERSION}:generation:{schema}"


@functools.cache
def _static_release() -> str:
    """The static files' manifest hash (empty without a manifest): pages of
    another release link to hashed static files that may not exist any more."""
    return str(getattr(staticfiles_storage, "manifest_hash", "") or "")


def entry_key(schema: str, kind: str, *parts: str) -> str:
    """The key of one cached thing of ``schema``: ``kind`` and a digest of
    ``parts``, in this release's key space."""
    return f"pagecache:{KEY_VERSION}:{_static_release()}:{kind}:{schema}:{_digest(*parts)}"


def store_read(schema: str, key: str) -> tuple[str | None, Any]:
    """``schema``'s generation and the value at ``key``, in one round trip.
    Raises one of STORE_ERRORS."""
    generation = generation_key(schema)
    with _in_schema(schema):
        found = _store().get_many([generation, key])
    return found.get(generation), found.get(key)


def generation_ensure(schema: str, generation: str | None) -> str:
    """``generation`` if there is one, else a new generation for ``schema``
    (or the one another process just made). Raises one of STORE_ERRORS."""
    if generation:
        return generation
    key = generation_key(schema)
    fresh = secrets.token_hex(8)
    with _in_schema(schema):
        if _store().add(key, fresh, timeout=None):
            return fresh
        return str(_store().get(key) or fresh)


def store_write(schema: str, key: str, value: Any, *, timeout: int) -> None:
    """Raises one of STORE_ERRORS."""
    with _in_schema(schema):
        _store().set(key, value, timeout=timeout)


def generation_bump(*, schema: str) -> None:
    """Make everything cached for ``schema`` stale, now."""
    try:
        with _in_schema(schema):
            _store().set(generation_key(schema), secrets.token_hex(8), timeout=None)
    except STORE_ERRORS as exc:
        # Entries then live at most their timeout (PISTA_PAGE_CACHE_SECONDS).
        store_failed(exc)


def page_cache_invalidate(*, schema: str | None = None) -> None:
    """Once the current transaction commits (at once outside one), everything
    cached for the community (``schema``, default: the connection's) — its
    pages and its site chrome — is stale. Services call it when they change
    what the community's public pages show."""
    schema = schema or current_schema()
    if schema == get_public_schema_name():
        return
    transaction.on_commit(functools.partial(generation_bump, schema=schema))


def generation_cached(*, schema: str, key: str, build: Callable[[], T], timeout: int) -> T:
    """``build()``'s value, cached at ``key`` until ``schema``'s next
    invalidation (or ``timeout`` seconds). Without the page cache (switched
    off, Redis down) ``build()`` runs every time."""
    if not page_cache_on():
        return build()
    try:
        generation, found = store_read(schema, key)
        if generation and isinstance(found, tuple) and found[0] == generation:
            return found[1]
        # Read before building: an invalidation while building makes the value stale.
        generation = generation_ensure(schema, generation)
    except STORE_ERRORS as exc:
        store_failed(exc)
        return build()
    value = build()
    try:
        store_write(schema, key, (generation, value), timeout=timeout)
    except STORE_ERRORS as exc:
        store_failed(exc)
    return value


def page_cache_invalidate_receiver(sender: object, **kwargs: Any) -> None:
    """``page_cache_invalidate`` as a signal receiver, for what changes through
    Wagtail's own admin rather than a service (pages, site settings, images)."""
    page_cache_invalidate()
