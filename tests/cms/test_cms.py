from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import schema_context
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from cms.blocks import video_embed_url
from cms.models import ContactFormField, ContactPage, HomePage, StandardPage


def home_of(community) -> HomePage:
    return HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)


@pytest.fixture
def contact_page(in_a, community_a) -> ContactPage:
    page = ContactPage(
        title="Contact",
        slug="contact",
        to_address="organisers@alpha.example",
        from_address="site@alpha.example",
        subject="Contact form",
        show_in_menus=True,
    )
    home_of(community_a).add_child(instance=page)
    ContactFormField.objects.create(page=page, label="Name", field_type="singleline", required=True)
    ContactFormField.objects.create(
        page=page, label="Message", field_type="multiline", required=True
    )
    page.save_revision().publish()
    return page


def test_a_contact_submission_is_kept_and_emailed_in_the_theme(
    client_a, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/contact/", {"name": "Ana", "message": "Do you teach beginners?", "website": ""}
        )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    with schema_context("alpha"):
        submission = FormSubmission.objects.get(page=contact_page)
        assert submission.get_data()["message"] == "Do you teach beginners?"
        assert "website" not in submission.form_data
    message = mail.outbox[-1]
    assert message.to == ["organisers@alpha.example"]
    assert message.subject == "Contact form"
    assert "Message: Do you teach beginners?" in message.body
    assert 'data-theme="salon"' in message.alternatives[0][0]


def test_a_filled_honeypot_is_thanked_but_neither_stored_nor_emailed(
    client_a, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/contact/", {"name": "Bot", "message": "cheap pills", "website": "http://spam.example"}
        )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    with schema_context("alpha"):
        assert not FormSubmission.objects.filter(page=contact_page).exists()
    assert mail.outbox == []


def test_the_contact_form_hides_its_honeypot_from_people(client_a, contact_page):
    html = client_a.get("/contact/").content.decode()
    assert '<div class="honeypot" aria-hidden="true">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_menu_lists_pages_marked_for_menus_only_on_their_own_community(
    client_a, client_b, contact_page
):
    assert 'href="/contact/"' in client_a.get("/").content.decode()
    assert "/contact/" not in client_b.get("/").content.decode()
    assert client_b.get("/contact/").status_code == 404


def test_sitemap_lists_each_communitys_own_pages(client_a, client_b, contact_page):
    sitemap_a = client_a.get("/sitemap.xml")
    sitemap_b = client_b.get("/sitemap.xml")
    assert sitemap_a.status_code == sitemap_b.status_code == 200
    body_a, body_b = sitemap_a.content.decode(), sitemap_b.content.decode()
    assert "alpha.localhost" in body_a and "/contact/" in body_a
    assert "beta.localhost" in body_b
    assert "alpha.localhost" not in body_b and "/contact/" not in body_b


def test_sitemap_urls_use_the_host_and_port_it_was_asked_on(community_a, contact_page):
    from django.test import Client

    body = Client(HTTP_HOST="alpha.localhost:8000").get("/sitemap.xml").content.decode()
    assert "<loc>http://alpha.localhost:8000/contact/</loc>" in body
    assert "<loc>http://alpha.localhost:8000/</loc>" in body


def test_robots_txt_points_at_the_hosts_own_sitemap(client_a, client_b):
    robots_a = client_a.get("/robots.txt")
    assert robots_a["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://alpha.localhost/sitemap.xml" in robots_a.content.decode()
    assert "Disallow: /cms/" in robots_a.content.decode()
    assert (
        "Sitemap: http://beta.localhost/sitemap.xml" in client_b.get("/robots.txt").content.decode()
    )


def test_standard_page_renders_its_blocks_with_seo_and_a_click_to_load_video(
    client_a, in_a, community_a
):
    page = StandardPage(
        title="About",
        slug="about",
        seo_title="About Alpha Salsa",
        search_description="Salsa classes in town.",
        body=[
            ("rich_text", '<p>Hello <script>alert(1)</script><a href="javascript:x()">x</a></p>'),
            ("quote", {"quote": "Dance first.", "attribution": "Ana"}),
            ("faq", {"heading": "FAQ", "items": [{"question": "Shoes?", "answer": "<p>Any.</p>"}]}),
            (
                "video",
                {"url": "https://youtu.be/dQw4w9WgXcQ", "title": "Our social", "poster": None},
            ),
        ],
    )
    home_of(community_a).add_child(instance=page)
    page.save_revision().publish()
    html = client_a.get("/about/").content.decode()
    assert "<title>About Alpha Salsa · Alpha Salsa</title>" in html
    assert '<meta name="description" content="Salsa classes in town.">' in html
    assert "<script>alert(1)</script>" not in html and "javascript:" not in html
    assert "<summary>Shoes?</summary>" in html
    assert "Dance first." in html
    assert "<iframe" not in html
    assert (
        'data-video-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in html
    )
    assert "Play video: Our social" in html


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com/watch?v=<script>", None),
    ],
)
def test_only_youtube_and_vimeo_links_become_players(url, embed):
    assert video_embed_url(url) == embed


def test_home_page_lists_with_nothing_to_show_say_so_and_point_onwards(client_a, in_a, community_a):
    home = home_of(community_a)
    home.sections = [("upcoming_events", {"heading": "Upcoming events", "count": 3})]
    home.save_revision().publish()
    html = client_a.get("/").content.decode()
    assert "Upcoming events" in html
    assert "No events are announced yet." in html
    assert 'href="/events/"' in html
    assert f"<h1>{community_a.name}</h1>" in html


def jpeg_with_exif() -> bytes:
    from io import BytesIO

    from PIL import Image

    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_images_uploaded_to_the_library_lose_their_exif_and_stay_in_the_community(
    in_a, community_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form
    from wagtail.models import Collection

    data = jpeg_with_exif()
    assert b"SecretCamera" in data
    form_class = get_image_form(get_image_model())
    form = form_class(
        data={"title": "Social night", "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile("night.jpg", data, content_type="image/jpeg")},
    )
    assert form.is_valid(), form.errors
    image = form.save()
    image.file.open()
    stored = image.file.read()
    assert b"SecretCamera" not in stored
    assert (image.width, image.height) == (64, 48)
    assert f"/{community_a.schema_name}/original_images/" in image.file.path


def test_a_non_image_is_refused_by_the_image_library(in_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form
    from wagtail.models import Collection

    form = get_image_form(get_image_model())(
        data={"title": "x", "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile("x.png", b"<html>not an image</html>")},
    )
    assert not form.is_valid()
    assert "file" in form.errors
