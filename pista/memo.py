"""Process-local memos in front of the shared cache, for lookups every request makes.

A Redis read is one round trip; at an on-sale each request's few round trips,
not its Python, are what a loaded machine waits on. A memo keeps a value in
the process for a few seconds: what it may serve stale is bounded by its
lifetime in other processes and by nothing in its own (``forget`` runs where
the change is made). Keys must name everything the value depends on — the
memos here are keyed by host name or community id, never by what the current
schema implies.
"""

from __future__ import annotations

import time
from typing import Generic, TypeVar

V = TypeVar("V")

_MEMOS: list[LocalMemo] = []


class LocalMemo(Generic[V]):
    """Values by key for ``ttl_s`` seconds each, at most ``size`` of them."""

    def __init__(self, *, ttl_s: float, size: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._entries: dict[str, tuple[float, V]] = {}
        _MEMOS.append(self)

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires < time.monotonic():
            self._entries.pop(key, None)
            return None
        return value

    def set(self, key: str, value: V) -> None:
        if len(self._entries) >= self.size:
            self._entries.clear()  # crude, and rare: a bound, not an eviction policy
        self._entries[key] = (time.monotonic() + self.ttl_s, value)

    def forget(self, keys: list[str]) -> None:
        for key in keys:
            self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


def memos_clear() -> None:
    """Empty every memo of this process (tests start from nothing)."""
    for memo in _MEMOS:
        memo.clear()
