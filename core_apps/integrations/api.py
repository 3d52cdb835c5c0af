"""API building blocks other apps' endpoints share: the ``Idempotency-Key``
header (:func:`idempotent`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from core_apps.integrations import services

IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per intended operation (a UUID), up to 255 printable ASCII "
        "characters. Sending the same request again with the same key within 24 hours "
        "returns the first answer (same status and body, header `Idempotent-Replayed: "
        "true`) instead of doing the work twice. The same key with another body, "
        "endpoint or caller answers 409 `idempotency_key_reused`; while the first "
        "request is still running, 409 `idempotency_in_progress`."
    ),
)

# Answers the request did nothing for: a retry with the same key may try again.
_NOT_KEPT = (exceptions.ValidationError, exceptions.ParseError, exceptions.UnsupportedMediaType)

ViewMethod = Callable[..., Response]


def idempotent(method: ViewMethod) -> ViewMethod:
    """Make an API view's ``post`` honour the ``Idempotency-Key`` header and
    document it. Without the header the view runs as before.

    Keys are per community (one table per schema); a key belongs to its first
    request's endpoint, caller (user, API key, or nobody) and body. Answers
    below 500 are kept, except validation errors and 429: those did no work,
    so the same key may be sent again with a corrected body.
    """

    @wraps(method)
    def wrapper(view: APIView, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = request.headers.get("Idempotency-Key")
        if raw is None:
            return method(view, request, *args, **kwargs)
        key = services.idempotency_key_clean(raw=raw)
        user = request.user if request.user.is_authenticated else None
        fingerprint = services.idempotency_fingerprint(
            endpoint=f"{request.method} {request.path}",
            actor=services.idempotency_actor(user=user, credential=request.auth),
            body=request.data,
        )
        claim = services.idempotency_claim(key=key, fingerprint=fingerprint, user=user)
        if claim.answer is not None:
            return Response(
                claim.answer.body,
                status=claim.answer.status,
                headers={"Idempotent-Replayed": "true"},
            )
        record = claim.record
        assert record is not None
        failure: Exception | None = None
        try:
            try:
                response = method(view, request, *args, **kwargs)
            except Exception as exc:
                # The answer to keep is the one the client sees: the handler's.
                response = view.handle_exception(exc)
                failure = exc
        except BaseException:
            services.idempotency_release(record=record)
            raise
        if _worth_keeping(response, failure):
            services.idempotency_complete(
                record=record, status=response.status_code, body=_json(response.data)
            )
        else:
            services.idempotency_release(record=record)
        return response

    return extend_schema(parameters=[IDEMPOTENCY_KEY_HEADER])(wrapper)


def _worth_keeping(response: Any, failure: Exception | None) -> bool:
    if not isinstance(response, Response):
        return False
    if response.status_code >= 500 or response.status_code == 429:
        return False
    return not isinstance(failure, _NOT_KEPT)


def _json(data: Any) -> Any:
    """The response data as plain JSON values, as the renderer would write them."""
    return json.loads(json.dumps(data, cls=JSONEncoder))
