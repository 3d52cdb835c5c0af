"""drf-spectacular post-processing: the error schema every 4xx shares, and the
answers any operation may give to a partner's program (401 for a refused API
key, 403 for a missing scope, 429 when throttled, with ``Retry-After``)."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every 4xx answer of the API: a machine-readable code and a human detail.",
    "properties": {
        "code": {"type": "string", "example": "api_key_scope_missing"},
        "detail": {"type": "string", "example": "This API key lacks the scope events:write."},
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "Per-field messages, with code `invalid`.",
        },
        "extra": {"type": "object", "additionalProperties": True},
    },
    "required": ["code", "detail"],
}

_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_COMMON: dict[str, dict[str, Any]] = {
    "401": {
        "description": (
            "The API key is unknown (`api_key_invalid`), revoked (`api_key_revoked`) "
            "or expired (`api_key_expired`)."
        ),
        "content": _ERROR_REF,
    },
    "403": {
        "description": (
            "Not allowed: the key lacks the scope (`api_key_scope_missing`) or the caller "
            "the permission (`permission_denied`)."
        ),
        "content": _ERROR_REF,
    },
    "429": {
        "description": "Too many requests (`throttled`); retry after `Retry-After` seconds.",
        "headers": {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds until the limit's window ends.",
            }
        },
        "content": _ERROR_REF,
    },
}
_METHODS = ("get", "post", "put", "patch", "delete")


def add_common_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the ``Error`` component and the 401/403/429 answers to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    for item in result.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, response in _COMMON.items():
                responses.setdefault(status, response)
    return result
