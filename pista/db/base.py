"""Database backend: django-tenants' schema-aware backend that, when Pista runs on
its embedded PostgreSQL, starts that server before the first connection, and
lists a schema's tables from that schema's catalog rows only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django_tenants.postgresql_backend import base

from pista.db.introspection import DatabaseIntrospection


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.introspection = DatabaseIntrospection(self)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        if getattr(settings, "PISTA_EMBEDDED_DB", False):
            from pista.embedded_db import embedded_server_ensure

            embedded_server_ensure(Path(settings.BASE_DIR))
        return super().get_new_connection(conn_params)
