from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image
from wagtail.models import Site

from core_apps.accounts.tasks import owner_invitation_send_task
from tenants.lifecycle.services.suspension import community_set_status
from tenants.provisioning.services import community_theme_set
from themes.colours import ColourError, colour_normalise, colour_parse, contrast_ratio
from themes.services import InvalidBranding, InvalidTheme, branding_image_sanitise, branding_update


def tokens_of(html: str) -> dict[str, str]:
    match = re.search(r'<style id="pista-design-tokens">:root\{(.*?)\}</style>', html)
    assert match, "no design tokens in the page"
    return dict(item.split(":", 1) for item in match.group(1).split(";"))


def templates_used(response) -> set[str]:
    return {t.origin.name for t in response.templates if t.origin and t.origin.name}


def site_of(community) -> Site:
    with schema_context(community.schema_name):
        return Site.objects.get(is_default_site=True)


def png_bytes(*, size=(40, 20), exif: bool = False, fmt: str = "PNG") -> bytes:
    image = Image.new("RGB", size, (200, 30, 60))
    out = BytesIO()
    if exif:
        exif_data = Image.Exif()
        exif_data[0x010F] = "SecretCamera"  # Make
        exif_data[0x0132] = "2024:01:01 10:00:00"
        image.save(out, fmt, exif=exif_data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def themed(community_a, community_b):
    """Alpha in festival with its own colours, beta in studio."""
    community_theme_set(community=community_a, theme="festival")
    community_theme_set(community=community_b, theme="studio")
    with schema_context(community_a.schema_name):
        branding_update(
            site=site_of(community_a),
            theme="festival",
            primary_colour="gold",
            logo=SimpleUploadedFile("alpha.png", png_bytes(), content_type="image/png"),
        )
    community_a.refresh_from_db()
    community_b.refresh_from_db()
    return community_a, community_b


# --- Colours -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#ABC", "#aabbcc"),
        ("#7a1f3dff", "#7a1f3d"),
        ("rgb(122, 31, 61)", "#7a1f3d"),
        ("rgb(122 31 61 / 100%)", "#7a1f3d"),
        ("hsl(0 100% 50%)", "#ff0000"),
        ("hsl(120deg, 100%, 25%)", "#008000"),
        ("RebeccaPurple", "#663399"),
    ],
)
def test_css_colours_in_every_opaque_syntax_are_normalised_to_hex(text, expected):
    assert colour_normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "red;}body{display:none",
        "#12345",
        "notacolour",
        "rgb(1,2)",
        "rgba(0,0,0,.5)",
        "#00000080",
        "url(x)",
        "var(--x)",
        "hsl(10%, 50%, 50%)",
    ],
)
def test_non_colours_and_translucent_colours_are_rejected(text):
    with pytest.raises(ColourError):
        colour_parse(text)


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert round(contrast_ratio((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(contrast_ratio((119, 119, 119), (255, 255, 255)), 2) == 4.48


def test_low_contrast_text_is_rejected_with_the_pair_and_ratio_named(in_a, community_a):
    with pytest.raises(InvalidBranding) as error:
        branding_update(
            site=site_of(community_a),
            theme="salon",
            text_colour="#777777",
            background_colour="#ffffff",
        )
    assert error.value.code == "contrast_too_low"
    assert "text colour #777777 on the background colour #ffffff" in error.value.message
    assert "4.48:1" in error.value.message
    assert "4.5:1" in error.value.message


def test_low_contrast_link_colour_is_rejected_against_the_themes_background(in_a, community_a):
    with pytest.raises(InvalidBranding) as error:
        branding_update(site=site_of(community_a), theme="festival", primary_colour="#3a2f55")
    assert "primary colour #3a2f55 on the background colour #15101f" in error.value.message


def test_a_non_colour_is_rejected_with_a_message_naming_the_field(in_a, community_a):
    with pytest.raises(InvalidBranding) as error:
        branding_update(site=site_of(community_a), theme="salon", accent_colour="blurple")
    assert error.value.code == "invalid_colour"
    assert "accent colour 'blurple' is not a CSS colour" in error.value.message


# --- Images ------------------------------------------------------------------


def test_a_text_file_named_like_a_png_is_refused_as_logo():
    upload = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(InvalidBranding) as error:
        branding_image_sanitise(upload=upload, field="logo")
    assert error.value.code == "invalid_image"


def test_an_oversized_logo_is_refused_before_it_is_decoded():
    upload = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1))
    with pytest.raises(InvalidBranding) as error:
        branding_image_sanitise(upload=upload, field="logo")
    assert error.value.code == "image_too_large"
    assert "the limit is 2 MB" in error.value.message


def test_an_image_with_too_many_pixels_is_refused():
    upload = SimpleUploadedFile("favicon.png", png_bytes(size=(1500, 10)))
    with pytest.raises(InvalidBranding) as error:
        branding_image_sanitise(upload=upload, field="favicon")
    assert "1024 pixels" in error.value.message


def test_exif_data_is_stripped_from_an_uploaded_logo():
    original = png_bytes(exif=True, fmt="JPEG")
    assert b"SecretCamera" in original
    clean = branding_image_sanitise(upload=SimpleUploadedFile("me.jpg", original), field="logo")
    data = clean.read()
    assert b"SecretCamera" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
    assert clean.name.endswith(".jpg")


# --- Themes and isolation ----------------------------------------------------


def test_two_communities_serve_visibly_different_home_pages(themed, client_a, client_b):
    assert themed
    response_a, response_b = client_a.get("/"), client_b.get("/")
    html_a, html_b = response_a.content.decode(), response_b.content.decode()
    tokens_a, tokens_b = tokens_of(html_a), tokens_of(html_b)

    assert tokens_a["--pista-color-primary"] == "#ffd700"
    assert tokens_a["--pista-color-bg"] == "#15101f"
    assert tokens_a["--pista-font-heading"].startswith('"Archivo Black"')
    assert tokens_b["--pista-color-primary"] == "#0b6e4f"
    assert tokens_b["--pista-color-bg"] == "#ffffff"
    assert tokens_b["--pista-font-body"].startswith('"Atkinson Hyperlegible"')

    assert any(
        name.endswith("themes/festival/templates/base.html") for name in templates_used(response_a)
    )
    assert any(
        name.endswith("themes/studio/templates/base.html") for name in templates_used(response_b)
    )
    assert "themes/festival/theme.css" in html_a and "themes/studio/theme.css" not in html_a
    assert "themes/studio/theme.css" in html_b and "themes/festival/theme.css" not in html_b
    assert 'data-theme="festival"' in html_a and 'data-theme="studio"' in html_b


def test_neither_community_shows_the_others_logo_pages_or_media(themed, client_a, client_b):
    community_a, community_b = themed
    html_a, html_b = client_a.get("/").content.decode(), client_b.get("/").content.decode()
    logo = re.search(r'<img class="brand__logo" src="([^"]+)"', html_a)
    assert logo, "alpha shows its logo"
    assert logo.group(1).startswith(f"/media/{community_a.schema_name}/branding/logo-")
    assert "brand__logo" not in html_b
    assert f"/media/{community_a.schema_name}/" not in html_b
    assert community_a.name not in html_b and community_b.name not in html_a


def test_branding_changes_show_on_the_next_request(themed, client_a):
    community_a, _ = themed
    assert tokens_of(client_a.get("/").content.decode())["--pista-color-accent"] == "#ff3d7f"
    with schema_context(community_a.schema_name):
        branding_update(site=site_of(community_a), theme="festival", accent_colour="#00ffaa")
    assert tokens_of(client_a.get("/").content.decode())["--pista-color-accent"] == "#00ffaa"


def test_switching_theme_changes_pages_account_pages_and_error_pages_at_once(client_a, community_a):
    assert 'data-theme="salon"' in client_a.get("/").content.decode()  # warms every cache
    community_theme_set(community=community_a, theme="studio")
    for path, status in [("/", 200), ("/accounts/login/", 200), ("/no-such-page/", 404)]:
        response = client_a.get(path)
        assert response.status_code == status, path
        html = response.content.decode()
        assert 'data-theme="studio"' in html, path
        assert "themes/studio/theme.css" in html, path


def test_suspended_and_server_error_pages_follow_the_theme(client_a, community_a, rf):
    from pista.error_views import server_error

    community_theme_set(community=community_a, theme="festival")
    community_set_status(community=community_a, status="suspended")
    response = client_a.get("/")
    assert response.status_code == 503
    assert "themes/festival/theme.css" in response.content.decode()
    community_set_status(community=community_a, status="active")

    community_a.refresh_from_db()
    request = rf.get("/", HTTP_HOST="alpha.localhost")
    request.tenant = community_a
    from django.db import connection

    connection.set_tenant(community_a)
    response = server_error(request)
    assert response.status_code == 500
    assert "themes/festival/theme.css" in response.content.decode()
    assert community_a.name in response.content.decode()


def test_an_unknown_theme_is_refused(community_a):
    with pytest.raises(InvalidTheme):
        community_theme_set(community=community_a, theme="disco")


def test_a_theme_switch_that_would_break_contrast_is_refused(community_a):
    with schema_context(community_a.schema_name):
        branding_update(site=site_of(community_a), theme="salon", text_colour="#222222")
    with pytest.raises(InvalidBranding) as error:
        community_theme_set(community=community_a, theme="festival")
    assert "text colour #222222 on the background colour #15101f" in error.value.message
    community_a.refresh_from_db()
    assert community_a.theme == "salon"


# --- Emails ------------------------------------------------------------------


def test_account_emails_render_in_the_communitys_theme_as_html_and_text(client_a, community_a):
    community_theme_set(community=community_a, theme="festival")
    response = client_a.post("/accounts/password/reset/", {"email": "owner@alpha.example"})
    assert response.status_code == 302
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    assert 'data-theme="festival"' in html
    assert "text-transform:uppercase" in html
    assert "/accounts/password/reset/key/" in message.body
    assert "=" * 40 in message.body  # the festival text masthead


def test_owner_invitation_follows_a_theme_switch(community_a, in_a):
    from core_apps.accounts.models import User

    owner = User.objects.get(email="owner@alpha.example")
    owner_invitation_send_task.delay(user_id=owner.pk)
    community_theme_set(community=community_a, theme="studio")
    with schema_context(community_a.schema_name):
        owner_invitation_send_task.delay(user_id=owner.pk)
    salon, studio = mail.outbox[-2], mail.outbox[-1]
    assert 'data-theme="salon"' in salon.alternatives[0][0]
    assert 'data-theme="studio"' in studio.alternatives[0][0]
    assert "Alpha Salsa is ready" in studio.body
    assert "/accounts/password/reset/key/" in studio.alternatives[0][0]


def test_an_email_without_an_html_template_shows_its_text_as_paragraphs_escaped_once(
    in_a,
):
    from core_apps.accounts.models import User

    owner = User.objects.get(email="owner@alpha.example")
    owner_invitation_send_task.delay(user_id=owner.pk)
    html = mail.outbox[-1].alternatives[0][0]
    assert "<p>" in html and '<a href="http://alpha.' in html
    assert "&lt;p&gt;" not in html and "&amp;lt;" not in html


def test_fonts_are_self_hosted_and_pages_reference_no_external_host(client_a):
    html = client_a.get("/").content.decode()
    hosts = set(re.findall(r'(?:src|href)="(?:https?:)?//([^/"]+)', html))
    assert hosts <= {"alpha.localhost"}
    assert "fonts.googleapis" not in html


def test_the_platform_site_renders_with_a_theme_and_no_community_branding(platform_client):
    response = platform_client.get("/")
    assert response.status_code == 200
    assert "pista-design-tokens" in response.content.decode()


def test_unknown_hosts_still_get_the_not_found_page(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404


# --- The Wagtail admin -------------------------------------------------------


def branding_form_data(**overrides: str) -> dict[str, str]:
    data = {
        "primary_colour": "",
        "accent_colour": "",
        "background_colour": "",
        "text_colour": "",
        "heading_font": "",
        "body_font": "",
    }
    data.update(overrides)
    return data


def owner_client(client_a, community_a):
    from core_apps.accounts.models import User
    from tests.conftest import login

    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        owner.is_superuser = False
        owner.save(update_fields=["is_superuser"])
    login(client_a, community_a, owner)
    return client_a


def test_the_admin_rejects_a_low_contrast_pair_and_names_it(client_a, community_a):
    client = owner_client(client_a, community_a)
    site_id = site_of(community_a).pk
    url = f"/cms/settings/themes/brandingsettings/{site_id}/"
    response = client.post(url, branding_form_data(text_colour="#aaaaaa"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "The text colour #aaaaaa on the background colour #fbf7f2 has a contrast ratio of" in html
    )


def test_the_admin_refuses_a_non_image_logo_and_saves_a_good_one_without_exif(
    client_a, community_a
):
    client = owner_client(client_a, community_a)
    url = f"/cms/settings/themes/brandingsettings/{site_of(community_a).pk}/"
    bad = SimpleUploadedFile("logo.png", b"GIF89a not really", content_type="image/png")
    response = client.post(url, {**branding_form_data(), "logo": bad})
    assert response.status_code == 200
    assert "logo" in response.content.decode().lower()
    with schema_context(community_a.schema_name):
        from themes.models import BrandingSettings

        assert not BrandingSettings.for_site(site_of(community_a)).logo

    good = SimpleUploadedFile("me.jpg", png_bytes(exif=True, fmt="JPEG"), content_type="image/jpeg")
    response = client.post(url, {**branding_form_data(primary_colour="navy"), "logo": good})
    assert response.status_code == 302
    with schema_context(community_a.schema_name):
        branding = BrandingSettings.for_site(site_of(community_a))
        assert branding.primary_colour == "#000080"
        assert branding.logo.name.startswith("branding/logo-")
        branding.logo.open()
        assert b"SecretCamera" not in branding.logo.read()
        assert community_a.schema_name in branding.logo.path


def test_an_owner_switches_the_theme_in_the_admin_and_the_site_follows(client_a, community_a):
    from core_apps.accounts.models import User
    from tests.conftest import login

    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
    login(client_a, community_a, owner)
    page = client_a.get("/cms/theme/")
    assert page.status_code == 200
    assert "Festival" in page.content.decode()
    response = client_a.post("/cms/theme/", {"theme": "festival"})
    assert response.status_code == 302
    community_a.refresh_from_db()
    assert community_a.theme == "festival"
    assert 'data-theme="festival"' in client_a.get("/").content.decode()


def test_a_member_cannot_open_the_theme_picker(client_a, community_a):
    from tests.conftest import login
    from tests.factories import UserFactory

    with schema_context(community_a.schema_name):
        member = UserFactory()
    login(client_a, community_a, member)
    assert client_a.post("/cms/theme/", {"theme": "festival"}).status_code in (302, 403)
    community_a.refresh_from_db()
    assert community_a.theme == "salon"


def test_an_owner_may_edit_branding_without_being_a_superuser(client_a, community_a):
    from core_apps.accounts.models import User
    from tests.conftest import login

    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
    login(client_a, community_a, owner)
    url = f"/cms/settings/themes/brandingsettings/{site_of(community_a).pk}/"
    assert client_a.get(url).status_code == 200
    response = client_a.post(url, branding_form_data(accent_colour="teal"))
    assert response.status_code == 302
    assert tokens_of(client_a.get("/").content.decode())["--pista-color-accent"] == "#008080"


def test_favicon_and_social_image_are_in_the_head(client_a, community_a):
    with schema_context(community_a.schema_name):
        branding_update(
            site=site_of(community_a),
            theme="salon",
            favicon=SimpleUploadedFile("icon.png", png_bytes(size=(32, 32))),
            social_image=SimpleUploadedFile("share.png", png_bytes(size=(120, 63))),
        )
    html = client_a.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/media/alpha/branding/favicon-\w+\.png">', html)
    assert re.search(
        r'<meta property="og:image" content="http://alpha.localhost/media/alpha/branding/'
        r'social_image-\w+\.png">',
        html,
    )


def test_a_replaced_logo_file_is_deleted_after_commit(
    community_a, in_a, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    site = site_of(community_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = branding_update(
            site=site, theme="salon", logo=SimpleUploadedFile("a.png", png_bytes())
        ).logo.name
    assert default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        second = branding_update(
            site=site, theme="salon", logo=SimpleUploadedFile("b.png", png_bytes())
        ).logo.name
    assert second != first
    assert default_storage.exists(second)
    assert not default_storage.exists(first)
