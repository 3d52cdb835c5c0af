"""Dance styles and levels in the back office: added, renamed, removed and
reordered through the services (audited), bad input a form error with nothing
written, members refused, and one community's writes stay in it."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core_apps.events.models import DanceStyle, Level
from core_apps.privacy.models import AuditEntry
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory, organizer_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/manage/styles-and-levels/"


@pytest.fixture
def staff(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


def level_slugs() -> list[str]:
    return list(Level.objects.order_by("position", "name").values_list("slug", flat=True))


def test_the_page_lists_styles_and_levels_in_order_and_is_in_the_menu(staff, client_a):
    response = client_a.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{PAGE}"' in html  # the back-office menu
    assert "West Coast Swing" in html
    positions = [html.index(f'data-slug="{slug}"') for slug in level_slugs()]
    assert positions == sorted(positions)
    assert client_a.get("/manage/events/").content.decode().count(f'href="{PAGE}"') == 1


def test_staff_add_rename_and_remove_a_style(staff, client_a):
    response = client_a.post(f"{PAGE}styles/new/", {"style-name": "Kuduro"}, follow=True)
    assert response.status_code == 200
    assert "Kuduro was saved." in response.content.decode()
    style = DanceStyle.objects.get(slug="kuduro")
    response = client_a.post(
        f"{PAGE}styles/{style.pk}/rename/", {f"style-{style.pk}-name": "Kuduro!"}
    )
    assert response.status_code == 302
    assert DanceStyle.objects.get(pk=style.pk).name == "Kuduro!"
    response = client_a.post(f"{PAGE}styles/{style.pk}/delete/", follow=True)
    assert "Kuduro! was removed." in response.content.decode()
    assert not DanceStyle.objects.filter(pk=style.pk).exists()
    entries = AuditEntry.objects.filter(target_id=str(style.pk), action__startswith="dancestyle.")
    assert {entry.action for entry in entries} == {
        "dancestyle.create",
        "dancestyle.rename",
        "dancestyle.delete",
    }
    assert all(entry.actor == staff for entry in entries)


def test_staff_add_rename_reorder_and_remove_a_level(staff, client_a):
    client_a.post(f"{PAGE}levels/new/", {"level-name": "Masterclass"})
    level = Level.objects.get(slug="masterclass")
    assert level_slugs()[-1] == "masterclass"
    response = client_a.post(f"{PAGE}levels/{level.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert level_slugs()[-2:] == ["masterclass", "advanced"]
    client_a.post(f"{PAGE}levels/{level.pk}/move/", {"direction": "down"})
    assert level_slugs()[-1] == "masterclass"
    client_a.post(f"{PAGE}levels/{level.pk}/rename/", {f"level-{level.pk}-name": "Master class"})
    assert Level.objects.get(pk=level.pk).name == "Master class"
    client_a.post(f"{PAGE}levels/{level.pk}/delete/")
    assert not Level.objects.filter(pk=level.pk).exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="level.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["level.create", "level.move", "level.move", "level.rename", "level.delete"]


@pytest.mark.parametrize("name", ["", "Salsa", "x" * 81])
def test_a_bad_style_name_is_a_form_error_and_nothing_is_written(staff, client_a, name):
    before = list(DanceStyle.objects.values_list("slug", "name"))
    response = client_a.post(f"{PAGE}styles/new/", {"style-name": name})
    assert response.status_code == 400
    assert "has-errors" in response.content.decode()
    salsa = DanceStyle.objects.get(slug="salsa")
    tango = DanceStyle.objects.get(slug="tango")
    response = client_a.post(
        f"{PAGE}styles/{tango.pk}/rename/", {f"style-{tango.pk}-name": name or " "}
    )
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert list(DanceStyle.objects.values_list("slug", "name")) == before
    assert salsa.name == "Salsa"
    assert not AuditEntry.objects.filter(action__startswith="dancestyle.").exists()


def test_a_duplicate_level_name_is_shown_next_to_the_field(staff, client_a):
    response = client_a.post(f"{PAGE}levels/new/", {"level-name": "beginner"})
    assert response.status_code == 400
    assert "This level exists already." in response.content.decode()
    assert Level.objects.count() == 5


def test_a_style_events_use_is_not_removed_and_the_page_says_why(staff, client_a):
    salsa = DanceStyle.objects.get(slug="salsa")
    EventFactory().styles.add(salsa)
    response = client_a.post(f"{PAGE}styles/{salsa.pk}/delete/")
    assert response.status_code == 409
    assert "Salsa is used by 1 event" in response.content.decode()
    assert DanceStyle.objects.filter(pk=salsa.pk).exists()


def test_a_bad_move_is_refused(staff, client_a):
    level = Level.objects.get(slug="open")
    response = client_a.post(f"{PAGE}levels/{level.pk}/move/", {"direction": "sideways"})
    assert response.status_code == 400
    assert level_slugs()[0] == "open"
    assert client_a.post(f"{PAGE}levels/99999/move/", {"direction": "up"}).status_code == 404


def test_a_member_gets_403_everywhere(in_a, client_a, community_a):
    member = UserFactory()
    login(client_a, community_a, member)
    style = DanceStyle.objects.get(slug="salsa")
    level = Level.objects.get(slug="open")
    assert client_a.get(PAGE).status_code == 403
    for url, data in [
        (f"{PAGE}styles/new/", {"style-name": "Kuduro"}),
        (f"{PAGE}styles/{style.pk}/rename/", {f"style-{style.pk}-name": "X"}),
        (f"{PAGE}styles/{style.pk}/delete/", {}),
        (f"{PAGE}levels/new/", {"level-name": "Pro"}),
        (f"{PAGE}levels/{level.pk}/rename/", {f"level-{level.pk}-name": "X"}),
        (f"{PAGE}levels/{level.pk}/delete/", {}),
        (f"{PAGE}levels/{level.pk}/move/", {"direction": "down"}),
    ]:
        assert client_a.post(url, data).status_code == 403, url
    assert DanceStyle.objects.get(pk=style.pk).name == "Salsa"
    assert not DanceStyle.objects.filter(slug="kuduro").exists()
    assert level_slugs()[0] == "open"


def test_alphas_writes_leave_beta_alone(staff, client_a, community_b, client_b):
    salsa = DanceStyle.objects.get(slug="salsa")
    client_a.post(f"{PAGE}styles/new/", {"style-name": "Kuduro"})
    client_a.post(f"{PAGE}styles/{salsa.pk}/rename/", {f"style-{salsa.pk}-name": "Salsa cubana"})
    with schema_context(community_b.schema_name):
        assert not DanceStyle.objects.filter(slug="kuduro").exists()
        assert DanceStyle.objects.get(slug="salsa").name == "Salsa"
        beta_only = DanceStyle.objects.create(slug="beta-only", name="Beta only")
    # A primary key of beta's, posted on alpha's host, reaches alpha's rows only.
    client_a.post(f"{PAGE}styles/{beta_only.pk}/delete/")
    with schema_context(community_b.schema_name):
        assert DanceStyle.objects.filter(pk=beta_only.pk, name="Beta only").exists()
    # On beta's host, alpha's staff are not signed in.
    assert client_b.get(PAGE).status_code == 302
