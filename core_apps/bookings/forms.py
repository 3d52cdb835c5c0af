"""Form pieces of both booking flows. Times are typed in a local zone: wrap the
form in ``timezone.override(zone)`` and they are read as that zone's times.
Amounts are typed as decimals in their currency and handed to the services
in minor units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pista.formats import InvalidMoneyAmount, money_decimal, money_parse

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


class AmountField(forms.DecimalField):
    """An amount typed as a decimal in a currency (``129.50``, or ``129,50``);
    ``amounts_to_minor`` turns it into the minor units the services take."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def __init__(self, **kwargs: Any) -> None:
        # Shown back in the language's notation (250,00 in German); both read.
        super().__init__(min_value=0, max_digits=14, localize=True, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text box, not a number spinner: no "step" that would refuse 129.5.
        return {"inputmode": "decimal"}


def amounts_to_minor(
    form: forms.Form, fields: dict[str, str], currency: str | None
) -> dict[str, Any]:
    """Replace each typed amount ``fields`` names (form field → service key) in
    ``form.cleaned_data`` by its minor units in ``currency`` (``None`` stays
    ``None``); too many decimals for the currency is an error on the field."""
    cleaned = form.cleaned_data
    for field, key in fields.items():
        if field not in cleaned:
            continue  # already refused by the field itself
        value = cleaned.pop(field)
        if value is None or not currency:
            cleaned[key] = None
            continue
        try:
            cleaned[key] = money_parse(value, currency)
        except InvalidMoneyAmount as exc:
            form.add_error(field, exc.message)
    return cleaned


def amounts_initial(values: dict[str, int | None], currency: str) -> dict[str, Decimal | None]:
    """Stored minor units shown back as decimals: ``{"fee": 12950}`` → ``{"fee": 129.50}``."""
    return {
        field: None if minor is None else money_decimal(minor, currency)
        for field, minor in values.items()
    }
