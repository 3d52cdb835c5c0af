"""Bad input, each handled: oversized and malformed bodies, path traversal in
file names, polyglot images, CSV injection, Unicode tricks, open redirects."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from PIL import Image

from core_apps.orders.models import Order, Position
from pista.images import InvalidImage, image_sanitise, upload_name_stem
from pista.redirects import redirect_target_safe
from pista.spreadsheets import cell_safe
from pista.text import name_clean, slug_make
from tests.conftest import PASSWORD, community_host, login
from tests.core_apps.events.factories import ProductFactory
from tests.factories import UserFactory

# --- Oversized and malformed bodies on the API --------------------------------


def _json_error(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert body["code"] and body["detail"], body
    return body


def test_malformed_json_gets_400_with_code_and_detail(client_a):
    lone_surrogate, nul = r'{"name": "\ud800"}', r'{"name": "a\u0000b"}'
    for raw in ['{"email": ', "[1, 2", "nan", lone_surrogate, "\x00\x01"]:
        response = client_a.post("/api/v1/checkout/", raw, content_type="application/json")
        assert response.status_code == 400, raw
        assert _json_error(response)["code"] == "parse_error"
    # A NUL in a string is refused like one in a query string (test_bounded_input).
    response = client_a.post("/api/v1/checkout/", nul, content_type="application/json")
    assert response.status_code == 400
    assert _json_error(response)["code"] == "invalid_characters"


def test_json_of_the_wrong_shape_gets_400_with_code_and_detail(client_a):
    for body in [[], "text", 12, {"lines": "x"}, {"lines": [{"product": "1; DROP"}]}]:
        response = client_a.post("/api/v1/checkout/", json.dumps(body), "application/json")
        assert response.status_code == 400, body
        _json_error(response)


def test_an_oversized_body_gets_413_json(client_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    big = json.dumps({"email": "a@example.org", "name": "x" * (100 * 1024)})
    response = client_a.post("/api/v1/checkout/", big, content_type="application/json")
    assert response.status_code == 413
    assert _json_error(response)["code"] == "request_too_large"


def test_too_many_form_fields_get_400_not_500(client_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"f{i}": "x" for i in range(50)}
    response = client_a.post("/accounts/login/", fields)
    assert response.status_code == 400


def test_an_oversized_upload_is_refused_with_json(client_a, community_a):
    with schema_context(community_a.schema_name):
        user = UserFactory()
    login(client_a, community_a, user)
    huge = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1), "image/png")
    response = client_a.post("/api/v1/members/me/photo/", {"photo": huge})
    assert response.status_code in (400, 413)
    _json_error(response)


# --- File names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../../etc/passwd.png", "passwd"),
        ("..\\..\\windows\\win.ini.png", "win-ini"),
        ("/abs/path/photo.jpg", "photo"),
        ("....png", "png"),
        ("..", "file"),
        ("evil\x00.php.png", "evil-php"),
        ("cafe\u202egnp.exe", "cafegnp"),
        ("ｆｕｌｌ.png", "full"),  # noqa: RUF001 — full-width on purpose
    ],
)
def test_upload_names_lose_paths_and_odd_characters(name, stem):
    assert upload_name_stem(name) == stem


def test_a_traversal_name_cannot_steer_where_a_wagtail_image_is_stored(in_a):
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form

    from cms.forms import SanitisedImageForm  # noqa: F401 — the form every upload goes through

    form_class = get_image_form(get_image_model())
    upload = SimpleUploadedFile("../../../../srv/owned.png", _png(), "image/png")
    form = form_class({"title": "t"}, {"file": upload}, user=None)
    assert form.is_valid(), form.errors
    image = form.save()
    assert ".." not in image.file.name and "srv" not in image.file.name
    assert image.file.name.rsplit("/", 1)[-1].startswith("owned")


# --- Polyglot images ------------------------------------------------------------

PAYLOAD = b"<script>alert(document.domain)</script><?php system($_GET['c']); ?>"


def _png(size=(16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _gif_with_comment() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (8, 8)).save(buffer, format="GIF", comment=PAYLOAD)
    return buffer.getvalue()


def _jpeg_with_exif() -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {2: (52.0, 31.0, 12.0)}
    Image.new("RGB", (16, 16)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _sanitise(data: bytes, name: str = "x.png", **kwargs):
    upload = SimpleUploadedFile(name, data)
    limits = {"max_bytes": 2_000_000, "max_side": 4000, **kwargs}
    return image_sanitise(upload=upload, label="image", **limits)


@pytest.mark.parametrize(
    "polyglot",
    [
        _png() + PAYLOAD,  # payload after IEND
        _gif_with_comment(),  # payload in a GIF comment ("GIFAR"-style)
        _gif_with_comment() + PAYLOAD,  # and after the trailer
        _jpeg_with_exif() + PAYLOAD,  # after EOI, plus EXIF with a GPS position
    ],
)
def test_polyglot_images_are_re_encoded_without_their_payload(polyglot):
    clean = _sanitise(polyglot).read()
    assert b"<script" not in clean and b"<?php" not in clean
    assert b"SecretCam" not in clean
    Image.open(io.BytesIO(clean)).verify()


def test_animated_gifs_keep_their_frames_but_not_their_payload():
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [Image.new("RGB", (8, 8), colour).convert("P") for colour in colours]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=PAYLOAD)
    clean = _sanitise(buffer.getvalue() + PAYLOAD).read()
    assert PAYLOAD not in clean
    assert Image.open(io.BytesIO(clean)).n_frames == 3


@pytest.mark.parametrize(
    "not_an_image",
    [
        PAYLOAD,
        b"GIF89a" + PAYLOAD,  # magic bytes, then script
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"%PDF-1.4\n" + PAYLOAD,
        _png()[:40],  # truncated
    ],
)
def test_files_that_only_pretend_to_be_images_are_refused(not_an_image):
    with pytest.raises(InvalidImage):
        _sanitise(not_an_image, name="photo.png")


def test_a_decompression_bomb_is_refused_not_a_500():
    from core_apps.bookings.photos import InvalidPhoto, photo_clean
    from core_apps.community.errors import InvalidImage as CommunityInvalidImage
    from core_apps.community.images import image_sanitise as community_image_sanitise

    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # 400 Mpx in ~50 kB
    bomb = buffer.getvalue()
    with pytest.raises(InvalidImage) as error:
        _sanitise(bomb, max_side=50_000)  # past the side limit, the pixel limit holds
    assert error.value.code == "image_too_large"
    with pytest.raises(InvalidPhoto):
        photo_clean(upload=SimpleUploadedFile("bomb.png", bomb))
    with pytest.raises(CommunityInvalidImage):
        community_image_sanitise(upload=SimpleUploadedFile("bomb.png", bomb))


def test_member_photo_upload_stores_a_clean_file_under_a_generated_name(client_a, community_a):
    from core_apps.community.models import DancerProfile

    with schema_context(community_a.schema_name):
        user = UserFactory()
    login(client_a, community_a, user)
    upload = SimpleUploadedFile("../../../evil.php.png", _png() + PAYLOAD, "image/png")
    response = client_a.post("/api/v1/members/me/photo/", {"photo": upload})
    assert response.status_code == 200, response.content
    with schema_context(community_a.schema_name):
        photo = DancerProfile.objects.get(user=user).photo
        assert ".." not in photo.name and "evil" not in photo.name
        with photo.open("rb") as stored:
            assert PAYLOAD not in stored.read()


# --- CSV injection ----------------------------------------------------------------

FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    ' =HYPERLINK("http://evil.example")',
    "\uff1d1+1",  # full-width equals sign
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_cells_are_neutralised(formula):
    assert cell_safe(formula).startswith("'")


@pytest.mark.parametrize("harmless", ["Ana", "ana@example.org", "12", "", "a=b", None, 42])
def test_ordinary_cells_are_left_alone(harmless):
    assert cell_safe(harmless) == ("" if harmless is None else str(harmless))


def test_attendee_exports_neutralise_formulas_in_csv_and_xlsx(client_a, community_a):
    from django.contrib.auth.models import Permission

    with schema_context(community_a.schema_name):
        product = ProductFactory()
        order = Order.objects.create(
            code="CSVINJ1",
            secret="s" * 32,
            email="x@example.org",
            name="x",
            provider="manual",
            currency="EUR",
            status=Order.Status.PAID,
        )
        for i, formula in enumerate(FORMULAS):
            Position.objects.create(
                order=order,
                product=product,
                attendee_name=formula,
                attendee_email=f"p{i}@example.org",
                price_minor=0,
                secret=f"csv-secret-{i}",
            )
        staff = UserFactory()
        staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_order"]))
    login(client_a, community_a, email="owner@alpha.example")

    response = client_a.get(f"/api/v1/products/{product.pk}/attendees.csv")
    assert response.status_code == 200, response.content[:300]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [row[1] for row in rows[1 : 1 + len(FORMULAS)]]
    assert names and all(name.startswith("'") for name in names), names

    response = client_a.get(f"/api/v1/products/{product.pk}/attendees.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Attendees"]
    cells = [row[1].value for row in sheet.iter_rows(min_row=2, max_row=1 + len(FORMULAS))]
    assert all(str(cell).startswith("'") for cell in cells), cells
    assert all(row[1].data_type == "s" for row in sheet.iter_rows(min_row=2))


# --- Unicode tricks in names and slugs ------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ana\u202egnaL", "AnagnaL"),  # right-to-left override
        ("\u2066Admin\u2069", "Admin"),  # isolates
        ("Ad\u200bmin\u200d", "Admin"),  # zero-width space and joiner
        ("\ufeffAdmin", "Admin"),  # BOM
        ("ＡＤＭＩＮ", "ADMIN"),  # noqa: RUF001 — full-width
        ("\U0001d400\U0001d41d\U0001d426\U0001d422\U0001d427", "Admin"),  # mathematical bold
        ("Ana\n\tMaria  \x00", "Ana Maria"),
        ("Jos\u0065\u0301", "Jos\u00e9"),  # combining accent composed
    ],
)
def test_display_names_are_normalised_without_bidi_or_invisible_characters(raw, clean):
    assert name_clean(raw) == clean


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("\u0422\u0430ng\u043e Night", "tango-night"),  # Cyrillic look-alikes
        ("Café Müller", "cafe-muller"),
        ("ｓａｌｓａ", "salsa"),  # noqa: RUF001 — full-width
        ("tango\u202e\u200b", "tango"),
        ("../../admin", "admin"),
    ],
)
def test_slugs_are_ascii_whatever_the_name(raw, slug):
    assert slug_make(raw) == slug


def test_profile_display_name_is_cleaned_through_the_api(client_a, community_a):
    with schema_context(community_a.schema_name):
        user = UserFactory()
    login(client_a, community_a, user)
    response = client_a.patch(
        "/api/v1/members/me/",
        json.dumps({"display_name": "\u202eＡｎａ\u200b <b>x</b>"}),  # noqa: RUF001
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "Ana x"


def test_a_group_named_with_look_alikes_gets_an_ascii_slug(in_a):
    from core_apps.community.services.social import group_create
    from tests.core_apps.community.conftest import member_create

    creator = member_create(name="Group Maker")
    group = group_create(creator=creator, name="\u0422\u0430ng\u043e fans", join_policy="open")
    assert group.slug == "tango-fans"


# --- Open redirects ---------------------------------------------------------------

OFF_HOST = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "http://beta.localhost/",  # another community of the same platform
    " //evil.example",
]


@pytest.mark.parametrize("target", OFF_HOST)
def test_redirect_targets_must_stay_on_this_host(rf, target):
    request = rf.get("/", HTTP_HOST="alpha.localhost")
    assert not redirect_target_safe(target, request=request)


@pytest.mark.parametrize(
    "target", ["/events/", "/community/partners/?q=1", "http://alpha.localhost/x"]
)
def test_same_host_redirect_targets_are_allowed(rf, target):
    request = rf.get("/", HTTP_HOST="alpha.localhost")
    assert redirect_target_safe(target, request=request)


def _location(response) -> str:
    assert response.status_code in (301, 302, 303), response.status_code
    return response["Location"]


@pytest.mark.parametrize("target", OFF_HOST)
def test_login_logout_and_code_of_conduct_never_redirect_off_host(community_a, target):
    with schema_context(community_a.schema_name):
        UserFactory(email="next@example.org")
    host = community_host(community_a)
    client = Client(HTTP_HOST=host)

    response = client.post(
        f"/accounts/login/?next={target}", {"login": "next@example.org", "password": PASSWORD}
    )
    assert _location(response).startswith("/"), _location(response)
    assert not _location(response).startswith(("//", "/\\"))

    response = client.post("/accounts/logout/", {"next": target})
    assert _location(response).startswith("/")
    assert not _location(response).startswith(("//", "/\\"))

    with schema_context(community_a.schema_name):
        from core_apps.community.services.safety import code_of_conduct_publish

        code_of_conduct_publish(text="Be kind.", by=None)
    login(client, community_a, email="next@example.org")
    response = client.post("/community/code-of-conduct/", {"next": target})
    location = _location(response)
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
