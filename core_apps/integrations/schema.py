"""drf-spectacular post-processing: the error schema every 4xx shares, and the
4xx answers each operation may give (400 malformed, 401 for a refused API key,
403 for a missing scope or permission, 404 unknown object, 409 conflict, 413
and 415 on bodies, 429 when throttled, with ``Retry-After``), and the
operations' summaries (:mod:`core_apps.integrations.schema_summaries`)."""

from __future__ import annotations

from typing import Any

from core_apps.integrations.schema_summaries import SUMMARIES

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
_ANY_CALL: dict[str, dict[str, Any]] = {
    "400": {
        "description": (
            "The request is malformed: invalid fields (`invalid`, per-field `errors`), "
            "filters (`invalid_filter`, `unknown_parameter`, `invalid_ordering`), page "
            "(`invalid_page`, `invalid_page_size`), characters (`invalid_characters`) "
            "or a rule of the operation (its own `code`)."
        ),
        "content": _ERROR_REF,
    },
    "401": {
        "description": (
            "The API key is unknown (`api_key_invalid`), revoked (`api_key_revoked`) "
            "or expired (`api_key_expired`)."
        ),
        "content": _ERROR_REF,
    },
    "403": {
        "description": (
            "Not allowed: the key lacks the scope (`api_key_scope_missing`), the caller "
            "is not signed in (`not_authenticated`) or lacks the permission "
            "(`permission_denied`)."
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
_NOT_FOUND = {
    "description": "No such object, or a page past the end (`not_found` or a specific code).",
    "content": _ERROR_REF,
}
_WRITE: dict[str, dict[str, Any]] = {
    "404": _NOT_FOUND,
    "409": {
        "description": (
            "The operation conflicts with the object's state (its own `code`), or the "
            "`Idempotency-Key` was used for another request (`idempotency_key_reused`)."
        ),
        "content": _ERROR_REF,
    },
    "413": {"description": "The body is too large (`request_too_large`).", "content": _ERROR_REF},
    "415": {
        "description": "The body's media type is not accepted (`unsupported_media_type`).",
        "content": _ERROR_REF,
    },
}
_NOT_MODIFIED = {
    "description": "Not modified: `If-None-Match` named the current `ETag` (no body).",
}
_ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "A strong validator of the body; send it back in `If-None-Match`.",
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The `ETag` of the copy you hold: answered 304 while it is current.",
}
_METHODS = ("get", "post", "put", "patch", "delete")


def _may_not_find(path: str, operation: dict[str, Any]) -> bool:
    """Operations naming an object (path parameter) or paginated."""
    names = {parameter.get("name") for parameter in operation.get("parameters", [])}
    return "{" in path or "page" in names


def _conditional(operation: dict[str, Any]) -> None:
    """Document ``ETag`` / ``If-None-Match`` on a read (``pista.api.etag``)."""
    responses = operation.setdefault("responses", {})
    if "200" in responses:
        responses["200"].setdefault("headers", {})["ETag"] = _ETAG_HEADER
        responses.setdefault("304", _NOT_MODIFIED)
        parameters = operation.setdefault("parameters", [])
        if not any(parameter.get("name") == "If-None-Match" for parameter in parameters):
            parameters.append(_IF_NONE_MATCH)


def add_common_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the ``Error`` component, the 4xx answers each operation may give and
    a summary to operations without one."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            summary = SUMMARIES.get(operation.get("operationId", ""))
            if summary and not operation.get("summary"):
                operation["summary"] = summary
            common = dict(_ANY_CALL)
            if method != "get":
                common.update(_WRITE)
            else:
                if _may_not_find(path, operation):
                    common["404"] = _NOT_FOUND
                _conditional(operation)
            responses = operation.setdefault("responses", {})
            for status, response in common.items():
                responses.setdefault(status, response)
    return result
