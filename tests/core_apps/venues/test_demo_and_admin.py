"""Demo data for artists and venues, the CMS admin and the teachers page."""

from __future__ import annotations

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.artists.demo import artists_demo_seed
from core_apps.artists.models import ArtistBooking, ArtistProfile, TeachersIndexPage
from core_apps.venues.demo import venues_demo_seed
from core_apps.venues.models import Space, SpaceBooking, Venue
from pista.formats import money_format
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


def test_staff_see_artists_and_venues_in_the_cms_read_only_with_links_to_the_back_office(
    in_a, client_a
):
    venues_demo_seed(in_a)
    admin = user_with_role(Role.ADMIN)
    member = User.objects.get(pk=user_with_role(Role.MEMBER).pk)
    client_a.force_login(admin)

    assert client_a.get("/cms/snippets/artists/artistprofile/").status_code == 200
    venue = Venue.objects.get(name="Studio Central")
    venues = client_a.get("/cms/snippets/venues/venue/")
    assert venues.status_code == 200
    assert b"Studio Central" in venues.content
    assert f"/manage/venues/{venue.pk}/".encode() in venues.content
    space = Space.objects.filter(venue=venue).first()
    assert space is not None
    spaces = client_a.get("/cms/snippets/venues/space/").content.decode()
    assert f"/manage/venues/{venue.pk}/spaces/{space.pk}/" in spaces
    assert f">{space.hourly_rate_minor}<" not in spaces  # formatted, not minor units
    assert money_format(space.hourly_rate_minor, space.currency, locale="en") in spaces
    hours = client_a.get("/cms/snippets/venues/openinghours/")
    assert hours.status_code == 200
    for model in ("venue", "space", "openinghours"):
        assert client_a.get(f"/cms/snippets/venues/{model}/add/").status_code in {302, 403}
    edit = client_a.post(f"/cms/snippets/venues/space/edit/{space.pk}/", {"name": "Taken"})
    assert edit.status_code in {302, 403}
    space.refresh_from_db()
    assert space.name != "Taken"

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
