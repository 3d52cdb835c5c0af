"""Demo data for artists and venues, the CMS admin and the teachers page."""

from __future__ import annotations

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.artists.demo import artists_demo_seed
from core_apps.artists.models import ArtistBooking, ArtistProfile, TeachersIndexPage
from core_apps.venues.demo import venues_demo_seed
from core_apps.venues.models import Space, SpaceBooking, Venue
from tenants.demo import DEMO_SEEDERS
from tests.core_apps.venues.factories import user_with_role


def test_demo_seeders_are_registered_and_idempotent(in_a):
    assert artists_demo_seed in DEMO_SEEDERS and venues_demo_seed in DEMO_SEEDERS

    for _ in range(2):
        artists_demo_seed(in_a)
        venues_demo_seed(in_a)

    assert ArtistProfile.objects.filter(user__groups__name=Role.TEACHER).count() == 2
    assert Venue.objects.count() == 2
    assert Space.objects.count() == 3
    assert ArtistBooking.objects.filter(status="confirmed").count() == 1
    assert ArtistBooking.objects.filter(status="requested").count() == 1
    assert SpaceBooking.objects.filter(status="confirmed").count() == 1
    assert SpaceBooking.objects.filter(status="requested").count() == 10
    assert TeachersIndexPage.objects.count() == 1


def test_teachers_index_page_in_the_cms_lists_profiles(in_a, client_a):
    artists_demo_seed(in_a)
    page = TeachersIndexPage.objects.get()

    response = client_a.get(page.url)

    assert response.status_code == 200
    assert "Lucía Mambo" in response.content.decode()


def test_staff_manage_artists_and_venues_in_the_cms(in_a, client_a):
    venues_demo_seed(in_a)
    admin = user_with_role(Role.ADMIN)
    member = User.objects.get(pk=user_with_role(Role.MEMBER).pk)
    client_a.force_login(admin)

    assert client_a.get("/cms/snippets/artists/artistprofile/").status_code == 200
    venues = client_a.get("/cms/snippets/venues/venue/")
    assert venues.status_code == 200
    assert b"Studio Central" in venues.content
    assert client_a.get("/cms/snippets/venues/space/add/").status_code == 200

    client_a.force_login(member)
    assert client_a.get("/cms/snippets/venues/venue/").status_code in {302, 403}


def test_cms_photo_uploads_are_checked_like_the_artists_own(in_a):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from core_apps.bookings.photos import PhotoCheckedAdminForm

    class SpacePhotoForm(PhotoCheckedAdminForm):
        class Meta:
            model = Space
            fields = ["photo"]

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PNG")
    big = SimpleUploadedFile("big.png", buffer.getvalue() + b"\0" * (5 * 1024 * 1024), "image/png")
    fine = SimpleUploadedFile("ok.png", buffer.getvalue(), "image/png")

    refused = SpacePhotoForm(data={}, files={"photo": big})
    accepted = SpacePhotoForm(data={}, files={"photo": fine})

    assert not refused.is_valid()
    assert "at most 5 MB" in refused.errors["photo"][0]
    assert accepted.is_valid(), accepted.errors
    assert Space.base_form_class is PhotoCheckedAdminForm
