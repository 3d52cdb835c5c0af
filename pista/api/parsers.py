"""The API's JSON parser: strict JSON whose strings PostgreSQL can store."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _storable(value: Any) -> bool:
    """No NUL characters and no lone surrogates anywhere (PostgreSQL refuses both,
    which would otherwise surface as a 500 when the value is saved)."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not _storable(data):
            raise ParseError("JSON strings may not contain NUL characters or lone surrogates.")
        return data
