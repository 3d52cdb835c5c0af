"""Pages in two languages: each community has a Wagtail locale per enabled
language, a live translation is served at the page's usual address in the
visitor's language, menus show translated titles, and one community's
translations never serve in another."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from wagtail.models import Locale, Site

from cms.models import HomePage, StandardPage
from cms.services import locales_sync
from tenants.provisioning.services import InvalidCommunity, community_languages_set

pytestmark = pytest.mark.django_db


def _page(community, title: str, slug: str) -> StandardPage:
    with schema_context(community.schema_name):
        home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
        page = StandardPage(title=title, slug=slug)
        home.add_child(instance=page)
        page.save_revision().publish()
        return page


def _translate(community, page: StandardPage, code: str, title: str, *, publish: bool = True):
    with schema_context(community.schema_name):
        locale = Locale.objects.get(language_code=code)
        translation = page.copy_for_translation(locale, copy_parents=True)
        translation.title = title
        revision = translation.save_revision()
        if publish:
            revision.publish()
        return translation


def _codes(community) -> set[str]:
    with schema_context(community.schema_name):
        return set(Locale.objects.values_list("language_code", flat=True))


@pytest.fixture
def bilingual_a(community_a):
    return community_languages_set(community=community_a, language="en", languages=["es"])


def test_changing_languages_gives_the_community_a_locale_for_each(community_a, community_b):
    community_languages_set(community=community_a, language="en", languages=["es", "de"])
    assert _codes(community_a) == {"en", "es", "de"}
    assert "es" not in _codes(community_b)
    community_a.refresh_from_db()
    assert (community_a.language, community_a.languages) == ("en", ["es", "de"])


def test_an_unsupported_language_is_refused(community_a):
    with pytest.raises(InvalidCommunity):
        community_languages_set(community=community_a, languages=["fr"])
    with pytest.raises(InvalidCommunity):
        community_languages_set(community=community_a, language="<x>")


def test_provisioning_labels_the_pages_with_the_communitys_language(in_a):
    home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    locales_sync(languages=["es", "de"], relabel=True)
    home.refresh_from_db()
    assert home.locale.language_code == "es"
    # Wagtail's default locale stays, for anything created without a parent.
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"es", "de", "en"}
    locales_sync(languages=["es", "de"], relabel=True)  # idempotent
    assert Locale.objects.count() == 3


def test_a_translation_is_served_at_the_same_address_in_the_visitors_language(
    bilingual_a, client_a
):
    page = _page(bilingual_a, "About us", "about-us")
    _translate(bilingual_a, page, "es", "Sobre nosotros")

    spanish = client_a.get("/about-us/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Sobre nosotros" in spanish and '<html lang="es"' in spanish
    english = client_a.get("/about-us/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "About us" in english and "Sobre nosotros" not in english
    # The menu shows the translated title, linking to the same address.
    home = client_a.get("/", {"lang": "es"}).content.decode()
    assert 'href="/about-us/"' in home and "Sobre nosotros" in home


def test_a_draft_translation_is_not_served(bilingual_a, client_a):
    page = _page(bilingual_a, "Prices", "prices")
    _translate(bilingual_a, page, "es", "Precios", publish=False)
    assert "Precios" not in client_a.get("/prices/", {"lang": "es"}).content.decode()


def test_a_translation_in_one_community_never_serves_in_another(bilingual_a, community_b, client_b):
    community_languages_set(community=community_b, language="en", languages=["es"])
    page = _page(bilingual_a, "About us", "about-us")
    _translate(bilingual_a, page, "es", "Sobre nosotros (Alpha)")
    _page(community_b, "About Beta", "about-us")

    html = client_b.get("/about-us/", {"lang": "es"}).content.decode()
    assert "About Beta" in html and "Alpha" not in html
