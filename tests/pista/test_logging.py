"""Log records carry the request id, the tenant and the signed-in user's id
(never an email address)."""

from __future__ import annotations

import io
import json
import logging

from django.conf import settings

from pista.logging import RequestContextFilter
from pista.request_id import current_user_id
from tests.conftest import login


def _json_handler() -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    formatter = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    handler.setFormatter(JsonFormatter(formatter["fmt"]))
    return handler, stream


def test_json_logs_name_the_request_tenant_and_user_id_never_the_email(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    response = client_a.get("/", HTTP_X_REQUEST_ID="req-123")
    assert response.status_code == 200
    user_id = current_user_id()
    assert user_id is not None and user_id.isdigit()

    handler, stream = _json_handler()
    logger = logging.getLogger("pista.test")
    logger.addHandler(handler)
    try:
        logger.warning("something happened")
    finally:
        logger.removeHandler(handler)
    record = json.loads(stream.getvalue())
    assert record["user_id"] == user_id
    assert record["request_id"] == "req-123"
    assert "tenant" in record
    assert "owner@alpha.example" not in stream.getvalue()


def test_anonymous_requests_log_no_user(client_a):
    client_a.get("/")
    assert current_user_id() is None
