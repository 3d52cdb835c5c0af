"""Log records carry the tenant schema, the request id and the user's id (never an email)."""

from __future__ import annotations

import logging

from django.db import connection

from pista.request_id import current_request_id, current_user_id


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.tenant = getattr(connection, "schema_name", "-")
        record.request_id = current_request_id() or "-"
        record.user_id = current_user_id() or "-"
        return True
