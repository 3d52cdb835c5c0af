"""The data inventory covers every personal field; the record of processing
follows it (committed file and the community admin)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

from core_apps.privacy.inventory import CATEGORIES, INVENTORY, NOT_PERSONAL, Erasure, Retention
from core_apps.privacy.records import RECORDS_PATH, records_markdown
from tests.conftest import login
from tests.factories import UserFactory

PERSONAL_NAME = re.compile(
    r"(e?mail|name|phone|mobile|address|username|user_agent|^ip|_ip$|bill_to|label|_repr$)"
)


def _flagged_fields(model: type[models.Model]) -> set[str]:
    """Fields that look personal: by type, by name, or a link to a user (fields
    inherited from a concrete parent model count for the parent)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    text_types = models.CharField | models.TextField | models.JSONField
    flagged = set()
    for field in model._meta.concrete_fields:
        if field.model is not model:
            continue
        by_type = isinstance(field, models.EmailField | models.GenericIPAddressField)
        by_name = isinstance(field, text_types) and PERSONAL_NAME.search(field.name)
        by_link = field.is_relation and field.related_model is user_model
        if by_type or by_name or by_link:
            flagged.add(field.name)
    return flagged


def _missing_fields() -> list[str]:
    listed = {entry.model.lower(): entry for entry in INVENTORY}
    missing = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        label = model._meta.label
        if label in NOT_PERSONAL:
            continue
        entry = listed.get(label.lower())
        for name in sorted(_flagged_fields(model)):
            if f"{label}.{name}" in NOT_PERSONAL:
                continue
            if entry is None or name not in (*entry.fields, *entry.member, *entry.member_email):
                missing.append(f"{label}.{name}")
    return missing


def test_every_personal_looking_field_is_in_the_inventory_or_declared_not_personal():
    missing = _missing_fields()
    assert not missing, (
        "Personal-looking fields missing from core_apps/privacy/inventory.py "
        f"(add them to INVENTORY, or to NOT_PERSONAL with a reason): {missing}"
    )


def test_the_completeness_check_catches_a_new_field(monkeypatch):
    """A model growing a ``phone`` field must fail the check above."""
    from core_apps.community.models import DancerProfile

    field = models.CharField(max_length=30, blank=True)
    field.set_attributes_from_name("phone")
    field.model = DancerProfile
    monkeypatch.setattr(
        DancerProfile._meta, "concrete_fields", (*DancerProfile._meta.concrete_fields, field)
    )
    assert _missing_fields() == ["community.DancerProfile.phone"]


def test_inventory_entries_name_real_models_fields_and_lookups():
    for entry in INVENTORY:
        model = entry.model_class
        for name in entry.fields + entry.retained_fields + entry.mentions:
            model._meta.get_field(name)  # raises FieldDoesNotExist
        assert entry.category in CATEGORIES
        assert set(entry.retained_fields) <= set(entry.fields)
        if entry.erasure == Erasure.RETAIN_RESTRICTED:
            assert entry.retained_fields and entry.retain_if, entry.model
        if entry.retention != Retention.NONE:
            assert entry.age_field and entry.category_obj.retention, entry.model
    # One entry per model.
    assert len({e.model for e in INVENTORY}) == len(INVENTORY)


def test_committed_records_of_processing_are_up_to_date():
    committed = (Path(settings.BASE_DIR) / RECORDS_PATH).read_text(encoding="utf-8")
    assert committed == records_markdown(), (
        "docs/privacy/records-of-processing.md is out of date: "
        "run `python manage.py privacy_records` and commit it."
    )


def test_privacy_records_command_writes_the_record(tmp_path):
    out = tmp_path / "records.md"
    call_command("privacy_records", output=str(out))
    text = out.read_text(encoding="utf-8")
    assert text == records_markdown()
    for entry in INVENTORY:
        assert f"`{entry.model}`" in text


@pytest.mark.django_db
def test_owner_sees_records_and_publishes_a_policy_in_the_admin(
    in_a, client_a, community_a, client_b, community_b
):
    login(client_a, community_a, email="owner@alpha.example")
    page = client_a.get("/cms/privacy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "orders.Order" in html and "legal obligation" in html

    response = client_a.post(
        "/cms/privacy/", {"kind": "privacy", "text": "<p>Alpha keeps little.</p>"}
    )
    assert response.status_code == 302
    assert "Privacy policy v1" in client_a.get("/cms/privacy/").content.decode()

    # Beta's admin shows its own (empty) policies, not Alpha's.
    login(client_b, community_b, email="owner@beta.example")
    beta = client_b.get("/cms/privacy/").content.decode()
    assert "Privacy policy v1" not in beta and "Nothing published yet" in beta
    # And Alpha's session is worth nothing on Beta's host.
    assert client_a.get("/cms/privacy/", HTTP_HOST=client_b.defaults["HTTP_HOST"]).status_code in (
        302,
        403,
        404,
    )


@pytest.mark.django_db
def test_members_cannot_see_the_records(in_a, client_a, community_a):
    member = UserFactory()
    login(client_a, community_a, member)
    assert client_a.get("/cms/privacy/").status_code in (302, 403)
