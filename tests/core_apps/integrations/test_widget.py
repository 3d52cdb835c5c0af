"""The events widget: the only route framable, by the sites the owners list."""

from __future__ import annotations

from django_tenants.utils import schema_context

from core_apps.integrations.models import WidgetOrigin
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory
from tests.core_apps.integrations.conftest import owner_of


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split(";") if "frame-ancestors" in d).strip()


def test_without_listed_sites_the_widget_may_not_be_framed(client_a, in_a):
    EventFactory(title="Bachata social")
    response = client_a.get("/widget/events/")
    assert response.status_code == 200
    assert "Bachata social" in response.content.decode()
    assert 'target="_top"' in response.content.decode()
    assert _frame_ancestors(response) == "frame-ancestors 'none'"


def test_the_owner_lists_sites_and_only_the_widget_opens_to_them(client_a, community_a):
    login(client_a, community_a, owner_of(community_a))
    bad = client_a.post(
        "/settings/integrations/widget/", {"widget-origins": "https://ok.example\njavascript:x"}
    )
    assert bad.status_code == 400
    with schema_context(community_a.schema_name):
        assert not WidgetOrigin.objects.exists()
    saved = client_a.post(
        "/settings/integrations/widget/",
        {"widget-origins": "https://www.partner.example/\nhttp://127.0.0.1:8123"},
    )
    assert saved.status_code == 303
    widget = client_a.get("/widget/events/")
    assert _frame_ancestors(widget) == (
        "frame-ancestors http://127.0.0.1:8123 https://www.partner.example"
    )
    assert "X-Frame-Options" not in widget
    # Every other page stays unframable.
    page = client_a.get("/settings/integrations/")
    assert _frame_ancestors(page) == "frame-ancestors 'none'"
    assert page["X-Frame-Options"] == "DENY"
    assert "data-pista-widget" in page.content.decode()


def test_one_communitys_sites_do_not_open_anothers_widget(client_b, community_a, community_b):
    with schema_context(community_a.schema_name):
        WidgetOrigin.objects.create(
            origin="https://a-partner.example", created_at="2026-01-01T00:00Z"
        )
        EventFactory(title="Alpha only social")
    response = client_b.get("/widget/events/")
    assert _frame_ancestors(response) == "frame-ancestors 'none'"
    assert "Alpha only social" not in response.content.decode()
