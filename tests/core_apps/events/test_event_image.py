"""An organizer gives an event its picture from the back-office event form: the
upload is checked by content, stripped of metadata, kept in the community's
own image library and shown on the event page; bad files are refused with a
message next to the field."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.images import get_image_model

from core_apps.events.models import Event
from core_apps.privacy.models import AuditEntry
from tests.core_apps.events.factories import organizer_create

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Summer social",
    "kind": "social",
    "status": "published",
    "visibility": "public",
    "time_zone": "Europe/Berlin",
    "starts_at": "2030-07-05T20:00",
    "ends_at": "2030-07-05T23:30",
}


def _png(name: str = "poster.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = PILImage.new("RGB", (120, 80), (200, 40, 90))
    exif = PILImage.Exif()
    exif[0x010F] = "SecretCam"  # camera maker: must not survive
    image.save(buffer, format="PNG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def organizer(in_a, client_a):
    user = organizer_create()
    client_a.force_login(user)
    return user


def test_an_uploaded_picture_becomes_the_events_image(client_a, organizer, community_b):
    response = client_a.post("/manage/events/new/", {**FORM, "image_upload": _png()})
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get(title="Summer social")
    assert event.image is not None and event.image.title == "Summer social"
    with event.image.file.open("rb") as stored:
        assert b"SecretCam" not in stored.read()
    assert AuditEntry.objects.filter(action="event.create", target_id=str(event.pk)).exists()
    page = client_a.get(f"/events/{event.slug}/").content.decode()
    assert 'class="event__media"' in page
    # The picture went into this community's library only.
    with schema_context(community_b.schema_name):
        assert not get_image_model().objects.filter(title="Summer social").exists()


def test_a_file_that_is_not_a_picture_is_refused_next_to_the_field(client_a, organizer):
    fake = SimpleUploadedFile("poster.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = client_a.post("/manage/events/new/", {**FORM, "image_upload": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["image_upload"]
    assert not Event.objects.filter(title="Summer social").exists()
    assert not get_image_model().objects.filter(title="Summer social").exists()


def test_the_image_can_be_removed(client_a, organizer):
    client_a.post("/manage/events/new/", {**FORM, "image_upload": _png()})
    event = Event.objects.get(title="Summer social")
    response = client_a.post(f"/manage/events/{event.pk}/", {**FORM, "image_remove": "on"})
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.image is None


def _stored_originals() -> set[str]:
    storage = get_image_model()._meta.get_field("file").storage
    if not storage.exists("original_images"):
        return set()
    return set(storage.listdir("original_images")[1])


def test_a_save_refused_after_the_upload_leaves_no_file_behind(client_a, organizer):
    """The picture is stored before the services refuse an exception date off
    the series: the rolled-back row's file is deleted too."""
    storage = get_image_model()._meta.get_field("file").storage
    before = (
        set(storage.listdir("original_images")[1]) if storage.exists("original_images") else set()
    )
    response = client_a.post(
        "/manage/events/new/",
        {
            **FORM,
            "repeat_days": ["FR"],
            "repeat_count": "3",
            "repeat_except": "2030-07-06",  # a Saturday: no date of the series
            "image_upload": _png("refused.png"),
        },
    )
    assert response.status_code == 200
    assert "repeat_except" in response.context["form"].errors
    assert not Event.objects.filter(title="Summer social").exists()
    assert not get_image_model().objects.filter(title="Summer social").exists()
    after = (
        set(storage.listdir("original_images")[1]) if storage.exists("original_images") else set()
    )
    assert not {name for name in after - before if name.startswith("refused")}
