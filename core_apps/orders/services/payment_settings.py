"""The community's payment settings: legal details printed on invoices, the
bank account shown to bank-transfer buyers, deadlines and the providers
offered at checkout. One row, written only here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as NumberInvalid

from core_apps.orders.models import PaymentSettings
from core_apps.privacy.services import audit_record
from pista.errors import PermissionDenied

if TYPE_CHECKING:
    from core_apps.accounts.models import User

# Country, check digits, 10 to 30 letters or digits: anything else is no IBAN at all.
IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")

EDITABLE_FIELDS = (
    "legal_name",
    "legal_address",
    "vat_id",
    "bank_account_holder",
    "iban",
    "bic",
    "bank_name",
    "payment_days",
    "reminder_days",
    "bank_transfer_enabled",
    "card_enabled",
)


def _payment_settings_clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalised fields, or ValidationError with a message per bad field."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(fields)
    for name in ("legal_name", "legal_address", "vat_id", "bank_account_holder", "bank_name"):
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
    if cleaned.get("vat_id"):
        cleaned["vat_id"] = cleaned["vat_id"].replace(" ", "").upper()
    if cleaned.get("iban"):
        try:
            if not IBAN_SHAPE.match(stdnum_iban.compact(cleaned["iban"])):
                raise NumberInvalid
            cleaned["iban"] = stdnum_iban.validate(cleaned["iban"])
        except InvalidChecksum:
            errors["iban"] = [_("This IBAN's check digits are wrong: please check for a typo.")]
        except NumberInvalid:
            errors["iban"] = [_("This is not a valid IBAN.")]
    elif "iban" in cleaned:
        cleaned["iban"] = ""
    if cleaned.get("bic"):
        try:
            cleaned["bic"] = stdnum_bic.validate(cleaned["bic"])
        except NumberInvalid:
            errors["bic"] = [_("This is not a valid BIC (8 or 11 letters and digits).")]
    elif "bic" in cleaned:
        cleaned["bic"] = ""
    days = cleaned.get("payment_days")
    reminder = cleaned.get("reminder_days")
    if days is not None and not 1 <= int(days) <= 60:
        errors["payment_days"] = [_("Between 1 and 60 days.")]
    if reminder is not None and days is not None and int(reminder) >= int(days):
        errors["reminder_days"] = [_("The reminder must come before the payment deadline.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def payment_settings_update(*, actor: User | None, **fields: Any) -> PaymentSettings:
    """Change the community's payment settings (fields of ``EDITABLE_FIELDS``).
    Raises PermissionDenied, ValidationError (a message per bad field, e.g. an
    IBAN with a wrong checksum: nothing is saved)."""
    if actor is not None and not actor.has_perm("orders.change_order"):
        raise PermissionDenied(_("You may not change the payment settings."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    row = PaymentSettings.objects.select_for_update().order_by("pk").first()
    if row is None:
        row = PaymentSettings.objects.create()
        row = PaymentSettings.objects.select_for_update().get(pk=row.pk)
    merged = {name: getattr(row, name) for name in EDITABLE_FIELDS}
    merged.update(fields)
    cleaned = _payment_settings_clean(merged)
    before = {name: getattr(row, name) for name in EDITABLE_FIELDS}
    for name in EDITABLE_FIELDS:
        setattr(row, name, cleaned[name])
    row.save()
    changed = sorted(name for name in EDITABLE_FIELDS if before[name] != cleaned[name])
    audit_record("payments.settings_update", actor=actor, target=row, data={"changed": changed})
    return row
