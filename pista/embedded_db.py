"""The embedded PostgreSQL used when no ``DATABASE_URL`` is configured.

The server comes from the ``pgserver`` package, keeps its data in ``.pista/pg/``
and outlives the process that started it, so ``make run``, the Celery worker and
the test suite share one server. It is started lazily by the database backend
on the first connection, never at settings import.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "pista"
_lock = threading.Lock()
_started = False


def embedded_data_dir(base_dir: Path) -> Path:
    """Where the embedded server keeps its cluster (its socket lives there too)."""
    return base_dir / ".pista" / "pg"


def embedded_database_settings(base_dir: Path) -> dict[str, Any]:
    """Django database settings that reach the embedded server over its unix socket."""
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(embedded_data_dir(base_dir)),
        "PORT": "",
    }


def embedded_server_ensure(base_dir: Path) -> None:
    """Start the embedded server if it is not running and create the database."""
    global _started
    if _started:
        return
    with _lock:
        if _started:
            return
        with warnings.catch_warnings():
            # pgserver asks platformdirs for a runtime dir it never uses here.
            warnings.simplefilter("ignore")
            try:
                import pgserver
            except ImportError as exc:
                raise ImproperlyConfigured(
                    "DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
                    "set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME, or install "
                    "the `embedded` extra (pip install 'pista[embedded]'; `make run` does)."
                ) from exc

        data_dir = embedded_data_dir(base_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode=None)
        exists = server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 constant
        ).strip()
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        _started = True
