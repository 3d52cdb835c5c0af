"""One write path: no domain model is editable as a Wagtail snippet or in the
Django admin, around its services."""

from __future__ import annotations

import pytest
from django.contrib import admin
from wagtail.permissions import policy_registry
from wagtail.snippets.models import get_snippet_models

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"events", "ticketing", "orders", "artists", "venues", "community"}


def test_no_domain_model_is_an_editable_snippet(in_a):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    editable = set()
    for model in get_snippet_models():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        policy = policy_registry.get_by_type(model)
        if any(policy.user_has_permission(superuser, a) for a in ("add", "change", "delete")):
            editable.add(model._meta.label_lower)
    # Dance styles and levels too: they are edited in the back office.
    assert not editable, sorted(editable)


def test_no_domain_model_is_in_the_django_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not {label for label in registered if label.split(".")[0] in DOMAIN_APPS}
