"""Form pieces of both booking flows. Times are typed in a local zone: wrap the
form in ``timezone.override(zone)`` and they are read as that zone's times."""

from __future__ import annotations

from typing import Any

from django import forms

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time picked in the browser's ``datetime-local`` control."""

    widget = LocalDateTimeInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=LOCAL_INPUT, **kwargs)
