"""Pista's WSGI application, each answer saying how many SQL statements it ran
(header ``X-Bench-Queries``). Bench-only (``bench/onsale_queue.py`` counts the
queries of the queue's status polls with it); nothing in Pista's own code."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from pista.wsgi import application as pista

_counts = threading.local()


def _count(execute: Callable[..., Any], *args: Any) -> Any:
    _counts.n = getattr(_counts, "n", 0) + 1
    return execute(*args)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    _counts.n = 0

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, ("X-Bench-Queries", str(_counts.n))], exc_info)

    # Statements of this thread's connection while the request is answered.
    with connection.execute_wrapper(_count):
        return pista(environ, start)
