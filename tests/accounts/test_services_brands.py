import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Brand, Membership
from accounts.roles import Role
from accounts.services import brand_create, brand_update
from tests.accounts.images import decompression_bomb_upload, not_an_image_upload, png_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(user, **overrides):
    fields = {"name": "Maison Test", "slug": "maison-test", "time_zone": "Europe/Paris", **overrides}
    return brand_create(user=user, **fields)


def test_the_creator_of_a_brand_becomes_its_owner():
    user = UserFactory()
    brand = _create(user, logo=png_upload())
    assert Membership.objects.get(brand=brand, user=user).role == Role.OWNER
    assert brand.approval_required and brand.self_approval_forbidden
    # A name the server chose, with the extension of the decoded type (cm_platform/storage.py).
    assert re.fullmatch(r"brands/logos/[\w-]{2}/[\w-]{32}\.png", brand.logo.name), brand.logo.name


def test_a_duplicate_slug_is_refused_and_nothing_is_created(brand_a):
    with pytest.raises(ValidationError) as refused:
        _create(UserFactory(), slug="brand-a")
    assert refused.value.message_dict == {"slug": ["The address “brand-a” is already taken by another brand."]}
    assert Brand.objects.count() == 1
    assert not Membership.objects.exists()


def test_an_unknown_time_zone_is_refused_and_nothing_is_created():
    with pytest.raises(ValidationError) as refused:
        _create(UserFactory(), time_zone="Europe/Atlantis")
    assert refused.value.message_dict["time_zone"] == [
        "“Europe/Atlantis” is not a known time zone (for example Europe/Paris)."
    ]
    assert not Brand.objects.exists()


@pytest.mark.parametrize("upload", [not_an_image_upload, decompression_bomb_upload])
def test_a_bad_logo_refuses_the_whole_brand(upload):
    with pytest.raises(ValidationError) as refused:
        _create(UserFactory(), logo=upload())
    assert list(refused.value.message_dict) == ["logo"]
    assert not Brand.objects.exists()
    assert not Membership.objects.exists()


def test_an_owner_changes_the_settings_but_not_the_slug(brand_a, owner):
    brand_update(
        brand=brand_a,
        user=owner,
        name="Brand A+",
        time_zone="America/Montreal",
        approval_required=False,
        self_approval_forbidden=False,
    )
    brand_a.refresh_from_db()
    assert (brand_a.name, brand_a.slug, brand_a.time_zone) == ("Brand A+", "brand-a", "America/Montreal")
    assert not brand_a.approval_required


def test_a_manager_cannot_change_the_settings(brand_a, manager):
    with pytest.raises(PermissionDenied):
        brand_update(
            brand=brand_a,
            user=manager,
            name="Hijacked",
            time_zone="UTC",
            approval_required=False,
            self_approval_forbidden=False,
        )
    brand_a.refresh_from_db()
    assert brand_a.name == "Brand A"


def test_a_bad_time_zone_in_the_settings_saves_nothing(brand_a, owner):
    with pytest.raises(ValidationError):
        brand_update(
            brand=brand_a,
            user=owner,
            name="Renamed",
            time_zone="Mars/Olympus",
            approval_required=True,
            self_approval_forbidden=True,
        )
    brand_a.refresh_from_db()
    assert (brand_a.name, brand_a.time_zone) == ("Brand A", "Europe/Paris")
