"""Duplicating a post: to another date in its brand, or into another brand of the user's, where
accounts and campaigns do not exist and media are copied into that brand's library."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from posts import services
from posts.media import media_upload
from posts.models import Campaign, EventKind, Media, Post, PostState
from tests.factories import BrandFactory
from tests.posts.test_media import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(brand_a, editor):
    upload = SimpleUploadedFile("lampe.png", png(), content_type="image/png")
    return media_upload(brand=brand_a, user=editor, upload=upload, alt_text="Une lampe allumée")


@pytest.fixture
def original(write_post, editor, manager, account, second_account, image, brand_a):
    campaign = Campaign.objects.create(brand=brand_a, name="Printemps")
    post = write_post(
        editor,
        text="Nouvelle collection",
        accounts=[account, second_account],
        media=[image],
        target_texts={second_account.pk: "Version courte"},
        campaign=campaign,
    )
    services.post_submit(post=post, user=editor)
    return services.post_approve(post=post, user=manager)


def test_a_copy_in_the_same_brand_keeps_accounts_texts_media_and_campaign(original, editor, image):
    when = (timezone.now() + timedelta(days=9)).replace(second=0, microsecond=0)
    copy = services.post_duplicate(post=original, user=editor, scheduled_at=when)
    assert (copy.state, copy.author, copy.scheduled_at, copy.brand) == (PostState.DRAFT, editor, when, original.brand)
    assert copy.campaign == original.campaign

    def targets(post):
        return {(t.account_id, t.text) for t in post.targets.all()}

    assert targets(copy) == targets(original)
    assert list(copy.media.all()) == [image]  # the same library item: same brand
    event = copy.events.get()
    assert event.kind == EventKind.DUPLICATED and event.details == {"from_post": original.pk}


def test_a_copy_into_another_brand_starts_without_accounts_and_copies_its_media(original, editor, image, brand_b):
    Membership.objects.create(user=editor, brand=brand_b, role=Role.EDITOR)
    copy = services.post_duplicate(post=original, user=editor, brand=brand_b)
    assert copy.brand == brand_b and copy.state == PostState.DRAFT and copy.text == "Nouvelle collection"
    assert copy.campaign is None and not copy.targets.exists()
    (copied,) = copy.media.all()
    assert copied.pk != image.pk and copied.brand == brand_b
    assert copied.file.name != image.file.name and copied.file.read() == image.file.read()
    assert copied.thumbnail and copied.alt_text == "Une lampe allumée" and copied.uploaded_by == editor
    assert Media.objects.filter(brand=original.brand).get() == image  # the original library is untouched
    assert copy.events.get().details == {"from_post": original.pk, "from_brand": original.brand.slug}


def test_a_copy_goes_only_where_the_user_writes(original, editor, viewer, brand_b):
    with pytest.raises(PermissionDenied):
        services.post_duplicate(post=original, user=editor, brand=brand_b)  # not a member
    Membership.objects.create(user=editor, brand=brand_b, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.post_duplicate(post=original, user=editor, brand=brand_b)  # a viewer there
    with pytest.raises(PermissionDenied):
        services.post_duplicate(post=original, user=viewer)  # a viewer here
    assert Post.objects.count() == 1


def test_a_copy_in_the_past_is_refused(original, editor):
    with pytest.raises(ValidationError) as error:
        services.post_duplicate(post=original, user=editor, scheduled_at=timezone.now() - timedelta(hours=1))
    assert "scheduled_at" in error.value.message_dict


# --- the page --------------------------------------------------------------------------------
def _url(brand, post):
    return reverse("posts:duplicate", kwargs={"brand_slug": brand.slug, "pk": post.pk})


def test_the_page_offers_the_brands_where_one_writes(client, original, editor, brand_a, brand_b):
    Membership.objects.create(user=editor, brand=brand_b, role=Role.MANAGER)
    read_only = BrandFactory(name="Lecture seule", slug="lecture-seule")
    Membership.objects.create(user=editor, brand=read_only, role=Role.VIEWER)
    client.force_login(editor)
    html = client.get(_url(brand_a, original)).content.decode()
    assert "Brand A" in html and "Brand B" in html and "Lecture seule" not in html.split("<main")[1]
    response = client.post(_url(brand_a, original), {"brand": read_only.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_page_makes_the_copy_at_a_wall_time_of_the_chosen_brand(client, original, editor, brand_b):
    brand_b.time_zone = "America/New_York"
    brand_b.save()
    Membership.objects.create(user=editor, brand=brand_b, role=Role.EDITOR)
    client.force_login(editor)
    response = client.post(_url(original.brand, original), {"brand": brand_b.pk, "day": "2031-01-15", "at": "09:30"})
    copy = Post.objects.get(brand=brand_b)
    assert response.url == reverse("posts:edit", kwargs={"brand_slug": brand_b.slug, "pk": copy.pk})
    assert copy.scheduled_at == datetime(2031, 1, 15, 9, 30, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2031-01-15"}, "Give both a date and a time, or neither."),
        ({"day": "2020-01-15", "at": "09:30"}, "This time is in the past: choose a time to come."),
        ({"day": "2031-03-30", "at": "02:30"}, "does not exist on 2031-03-30 in Europe/Paris"),
        ({"day": "15/01/2031", "at": "09:30"}, "Enter a valid date."),
    ],
)
def test_bad_input_on_the_page_is_named_and_makes_no_copy(client, original, editor, brand_a, data, message):
    client.force_login(editor)
    response = client.post(_url(brand_a, original), {"brand": brand_a.pk, **data})
    assert response.status_code == 200 and message in response.content.decode()
    assert Post.objects.count() == 1
