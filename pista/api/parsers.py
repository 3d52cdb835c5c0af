"""The API's JSON parser: strict, bounded JSON whose strings PostgreSQL can store.

Every JSON body the API reads passes here (``DEFAULT_PARSER_CLASSES``), so the
bounds hold for every endpoint: at most ``JSON_MAX_BYTES`` (413
``request_too_large``), at most ``JSON_DEPTH_MAX`` nested arrays and objects
(400 ``json_too_deep``: serializers, renderers and our own walk recurse, and a
recursion error must never become a 500), and no NUL or other control
characters in any string (400 ``invalid_characters``, like query strings, paths
and forms in ``pista.request_limits``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from pista.request_limits import FORBIDDEN_CHARACTERS

JSON_MAX_BYTES = 1024 * 1024
JSON_DEPTH_MAX = 32


class JSONTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def json_too_deep(value: Any, *, limit: int = JSON_DEPTH_MAX) -> bool:
    """True when arrays and objects nest more than ``limit`` levels (walked
    without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return False


def _strings(value: Any) -> Iterator[str]:
    """Every string in parsed JSON, keys included (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read(JSON_MAX_BYTES + 1)
        if len(raw) > JSON_MAX_BYTES:
            raise JSONTooLarge(
                gettext("A JSON body may be at most %(size)d KiB.")
                % {"size": JSON_MAX_BYTES // 1024}
            )
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:
            raise self._too_deep() from exc
        if isinstance(data, dict | list) and json_too_deep(data):
            raise self._too_deep()
        for text in _strings(data):
            # PostgreSQL refuses NUL and lone surrogates: a 500 when saved.
            if FORBIDDEN_CHARACTERS.search(text):
                raise ParseError(
                    gettext("JSON strings may not contain NUL or control characters."),
                    code="invalid_characters",
                )
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ParseError(gettext("JSON strings may not contain lone surrogates.")) from exc
        return data

    @staticmethod
    def _too_deep() -> ParseError:
        return ParseError(
            gettext("JSON may nest at most %(depth)d arrays or objects.")
            % {"depth": JSON_DEPTH_MAX},
            code="json_too_deep",
        )
