import pytest
from django.urls import reverse

from accounts.models import Brand, Membership
from accounts.roles import Role
from tests.accounts.conftest import messages_of
from tests.accounts.images import (
    decompression_bomb_upload,
    jpeg_segments,
    jpeg_with_every_segment_upload,
    not_an_image_upload,
    png_chunks,
    png_upload,
    png_with_every_chunk_upload,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _brand_data(**overrides):
    return {
        "name": "Maison Test",
        "slug": "maison-test",
        "time_zone": "Europe/Paris",
        "approval_required": "on",
        "self_approval_forbidden": "on",
        **overrides,
    }


@pytest.fixture
def newcomer(client):
    user = UserFactory(email="new@c.example")
    client.force_login(user)
    return user


def test_the_new_brand_form_has_safe_defaults(client, newcomer):
    form = client.get(reverse("accounts:brand_create")).context["form"]
    assert form["approval_required"].value() is True
    assert form["self_approval_forbidden"].value() is True
    assert form["time_zone"].value() == "Europe/Paris"


def test_creating_a_brand_makes_the_creator_owner_and_says_so(client, newcomer):
    response = client.post(reverse("accounts:brand_create"), _brand_data(logo=png_upload()), follow=True)
    brand = Brand.objects.get(slug="maison-test")
    assert response.redirect_chain[0][0] == reverse("accounts:brand_home", args=["maison-test"])
    assert messages_of(response) == ["The brand Maison Test was created; you are its owner."]
    assert Membership.objects.get(brand=brand, user=newcomer).role == Role.OWNER
    assert brand.logo


def test_a_duplicate_slug_is_shown_on_the_field_and_nothing_is_saved(client, newcomer, brand_a):
    response = client.post(reverse("accounts:brand_create"), _brand_data(slug="brand-a"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"slug": ["The address “brand-a” is already taken by another brand."]}
    assert "is already taken by another brand" in response.content.decode()
    assert list(Brand.objects.values_list("slug", flat=True)) == ["brand-a"]


def test_an_invalid_time_zone_is_shown_on_the_field(client, newcomer):
    response = client.post(reverse("accounts:brand_create"), _brand_data(time_zone="Europe/Gotham"))
    assert response.context["form"].errors == {
        "time_zone": ["“Europe/Gotham” is not a known time zone (for example Europe/Paris)."]
    }
    assert not Brand.objects.exists()


def test_a_logo_that_is_not_an_image_is_refused_with_a_message(client, newcomer):
    response = client.post(reverse("accounts:brand_create"), _brand_data(logo=not_an_image_upload()))
    assert response.context["form"].errors == {
        "logo": ["The logo is not an image we can read (PNG, JPEG, GIF or WebP)."]
    }
    assert not Brand.objects.exists()


def test_a_decompression_bomb_logo_is_refused_with_a_message(client, newcomer):
    response = client.post(reverse("accounts:brand_create"), _brand_data(logo=decompression_bomb_upload()))
    assert response.context["form"].errors == {
        "logo": ["This image declares too many pixels (more than 50 million): it is refused."]
    }
    assert not Brand.objects.exists()
    assert not Membership.objects.exists()


def test_the_messages_are_in_french_for_a_french_user(client, newcomer):
    newcomer.language = "fr"
    newcomer.save()
    response = client.post(reverse("accounts:brand_create"), _brand_data(time_zone="Paris"))
    assert "«\u00a0Paris\u00a0» n’est pas un fuseau horaire connu" in response.content.decode()


def test_an_owner_saves_the_settings(client, brand_a, owner):
    client.force_login(owner)
    url = reverse("accounts:brand_settings", args=["brand-a"])
    response = client.post(url, {"name": "Brand A+", "time_zone": "Europe/Brussels"}, follow=True)
    assert messages_of(response) == ["The settings of Brand A+ were saved."]
    brand_a.refresh_from_db()
    assert (brand_a.name, brand_a.time_zone, brand_a.approval_required) == ("Brand A+", "Europe/Brussels", False)


def test_an_owner_sets_the_reminder_delay_and_two_approvals_for_statements(client, brand_a, owner):
    client.force_login(owner)
    url = reverse("accounts:brand_settings", args=["brand-a"])
    data = {"name": "Brand A", "time_zone": "Europe/Paris", "approval_required": "on"}
    client.post(url, {**data, "approval_reminder_hours": "6", "two_approvals_for_statements": "on"})
    brand_a.refresh_from_db()
    assert (brand_a.approval_reminder_hours, brand_a.two_approvals_for_statements) == (6, True)
    client.post(url, data)  # an empty delay keeps it
    brand_a.refresh_from_db()
    assert (brand_a.approval_reminder_hours, brand_a.two_approvals_for_statements) == (6, False)
    response = client.post(url, {**data, "approval_reminder_hours": "9999"})
    assert response.status_code == 200 and "approval_reminder_hours" in response.content.decode()
    brand_a.refresh_from_db()
    assert brand_a.approval_reminder_hours == 6


def test_a_bad_logo_in_the_settings_changes_nothing(client, brand_a, owner):
    client.force_login(owner)
    url = reverse("accounts:brand_settings", args=["brand-a"])
    data = {"name": "Renamed", "time_zone": "Europe/Paris", "logo": not_an_image_upload()}
    response = client.post(url, data)
    assert "The logo is not an image we can read" in response.content.decode()
    assert "Renamed" not in response.content.decode().split("<main")[0]  # navigation shows the saved name
    brand_a.refresh_from_db()
    assert brand_a.name == "Brand A" and not brand_a.logo


def test_the_settings_link_is_shown_to_owners_only(client, brand_a, owner, manager):
    settings_url = reverse("accounts:brand_settings", args=["brand-a"])
    client.force_login(manager)
    assert settings_url not in client.get(reverse("accounts:members", args=["brand-a"])).content.decode()
    client.force_login(owner)
    assert settings_url in client.get(reverse("accounts:members", args=["brand-a"])).content.decode()


def test_the_brand_switcher_lists_my_brands_and_offers_a_new_one(client, brand_a, brand_b, editor):
    Membership.objects.create(brand=brand_b, user=editor, role=Role.VIEWER)
    client.force_login(editor)
    html = client.get(reverse("accounts:members", args=["brand-a"])).content.decode()
    assert reverse("accounts:brand_home", args=["brand-b"]) in html
    assert reverse("accounts:brand_create") in html


def test_an_owner_replaces_then_removes_the_logo(client, brand_a, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    url = reverse("accounts:brand_settings", args=["brand-a"])
    client.post(url, {"name": "Brand A", "time_zone": "Europe/Paris", "logo": png_upload()})
    brand_a.refresh_from_db()
    first_logo = brand_a.logo.name
    assert first_logo.endswith(".png")
    client.post(url, {"name": "Brand A", "time_zone": "Europe/Paris"})  # no upload: the logo stays
    brand_a.refresh_from_db()
    assert brand_a.logo.name == first_logo
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"name": "Brand A", "time_zone": "Europe/Paris", "logo-clear": "on"})
    brand_a.refresh_from_db()
    assert not brand_a.logo
    assert not brand_a.logo.storage.exists(first_logo)  # the old file does not linger


def test_someone_without_a_brand_is_offered_to_create_one(client, newcomer):
    response = client.get(reverse("accounts:home"))
    assert reverse("accounts:brand_create") in response.content.decode()
    assert "You do not belong to any brand yet" in response.content.decode()


def test_a_brand_page_remembers_the_brand_without_rewriting_the_session_each_time(client, editor, brand_a):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    url = reverse("networks:list", kwargs={"brand_slug": brand_a.slug})
    client.get(url)
    assert client.session["brand_slug"] == brand_a.slug
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    session_table = Session._meta.db_table
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and session_table in q["sql"]]


METADATA_SEGMENTS = {0xFE, 0xE1, 0xE2}  # COM (comments), APP1 (EXIF, XMP), APP2 (ICC profile)
METADATA_CHUNKS = {b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"}


def _logo_bytes(brand_slug: str) -> bytes:
    with Brand.objects.get(slug=brand_slug).logo.open("rb") as handle:
        return handle.read()


def test_a_new_brand_s_jpeg_logo_loses_its_comment_exif_xmp_and_icc_segments(client, newcomer):
    upload = jpeg_with_every_segment_upload()
    assert jpeg_segments(upload.read()) >= METADATA_SEGMENTS  # the test file really carries them
    upload.seek(0)
    client.post(reverse("accounts:brand_create"), _brand_data(logo=upload))
    kept = _logo_bytes("maison-test")
    assert not jpeg_segments(kept) & METADATA_SEGMENTS
    assert b"secret comment" not in kept and b"Jane Secret" not in kept and b"SpyCam" not in kept


def test_a_png_logo_in_the_settings_loses_its_text_exif_and_icc_chunks(client, brand_a, owner):
    upload = png_with_every_chunk_upload()
    assert png_chunks(upload.read()) >= METADATA_CHUNKS
    upload.seek(0)
    client.force_login(owner)
    url = reverse("accounts:brand_settings", kwargs={"brand_slug": brand_a.slug})
    client.post(url, {"name": "Brand A", "time_zone": "Europe/Paris", "logo": upload})
    kept = _logo_bytes(brand_a.slug)
    assert png_chunks(kept) and not png_chunks(kept) & METADATA_CHUNKS
    assert b"Jane Secret" not in kept and b"secret comment" not in kept


def test_an_owner_sets_the_approval_stages_and_named_approvers(client, brand_a, owner, manager, editor):
    client.force_login(owner)
    url = reverse("accounts:brand_settings", args=["brand-a"])
    data = {"name": "Brand A", "time_zone": "Europe/Paris", "approval_required": "on"}
    client.post(
        url, {**data, "client_approval_required": "on", "client_link_days": "10", "internal_approvers": [owner.pk]}
    )
    brand_a.refresh_from_db()
    assert brand_a.client_approval_required and brand_a.client_link_days == 10
    assert list(brand_a.internal_approvers.all()) == [owner]
    response = client.post(url, {**data, "internal_approvers": [editor.pk]})
    assert response.status_code == 200  # an editor is not offered: the field names the problem
    assert list(brand_a.internal_approvers.all()) == [owner]
