"""Calendar preview by link: the chosen posts of one brand, read-only, and the life of the link
(tampered, expired, revoked, another kind of link, another brand's posts)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from clients import previews
from clients.models import CalendarPreview
from posts import services
from posts.content import PostContent
from tests.factories import NetworkAccountFactory


@pytest.fixture
def planned(client_brand, account, editor):
    def _make(text, days=1):
        when = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
        return services.post_create(
            brand=client_brand, author=editor, content=PostContent(text=text, accounts=[account], scheduled_at=when)
        )

    return _make


@pytest.fixture
def shared(client_brand, owner, planned):
    """A preview of two of three posts; returns (preview, its path, the posts)."""
    posts = [planned("Lundi <i>soldes</i>", 1), planned("Mardi", 2), planned("Secret", 3)]
    preview = previews.calendar_preview_create(brand=client_brand, by=owner, name="Claire", posts=posts[:2], days=7)
    path = previews.preview_url(preview).split("testserver", 1)[-1].split("://", 1)[-1]
    path = path[path.index("/preview/") :]
    return preview, path, posts


def test_the_client_sees_the_chosen_posts_read_only(client, shared):
    preview, path, posts = shared
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lundi &lt;i&gt;soldes&lt;/i&gt;" in page and "Mardi" in page and "Secret" not in page
    assert "<a " not in page and "<form" not in page  # no other page is reachable from it
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "same-origin"
    assert "_auth_user_id" not in client.session


def test_a_tampered_link_is_a_bare_404(client, shared):
    _, path, _ = shared
    assert client.get(path[:-3] + "xx/").status_code == 404


def test_an_expired_link_is_a_404(client, shared):
    preview, path, _ = shared
    CalendarPreview.objects.filter(pk=preview.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path).status_code == 404


def test_a_revoked_link_is_a_404(client, shared, owner):
    preview, path, _ = shared
    previews.calendar_preview_revoke(preview=preview, by=owner)
    assert client.get(path).status_code == 404


def test_a_review_link_does_not_open_a_preview_nor_the_reverse(client, shared, invite):
    preview, path, _ = shared
    _, review_path = invite()
    assert client.get(review_path.replace("/review/", "/preview/")).status_code == 404
    assert client.get(path.replace("/preview/", "/review/")).status_code == 404


def test_another_brands_posts_cannot_be_shared(client_brand, owner, brand_b, outsider):
    account = NetworkAccountFactory(brand=brand_b, network="fake")
    theirs = services.post_create(
        brand=brand_b, author=outsider, content=PostContent(text="B", accounts=[account], scheduled_at=None)
    )
    with pytest.raises(ValidationError) as refused:
        previews.calendar_preview_create(brand=client_brand, by=owner, name="X", posts=[theirs], days=7)
    assert "posts" in refused.value.message_dict


def test_a_post_moved_to_another_brand_leaves_the_preview(client, shared, brand_b):
    preview, path, posts = shared
    posts[0].brand = brand_b  # should never happen; the page still shows only the brand's posts
    posts[0].save(update_fields=["brand"])
    assert "soldes" not in client.get(path).content.decode()


def test_only_owners_share_previews(client_brand, manager, planned):
    with pytest.raises(PermissionDenied):
        previews.calendar_preview_create(brand=client_brand, by=manager, name="X", posts=[planned("Y")], days=7)


def test_the_owner_creates_a_preview_and_copies_its_link(client, client_brand, owner, planned):
    post = planned("Jeudi")
    client.force_login(owner)
    url = reverse("clients:previews", args=[client_brand.slug])
    response = client.post(url, {"name": "Claire", "posts": [post.pk], "days": "7"}, follow=True)
    page = response.content.decode()
    assert "is ready" in page and "/preview/" in page
    preview = CalendarPreview.objects.get()
    assert list(preview.posts.all()) == [post] and preview.nonce_hash not in page


def test_bad_input_is_said_beside_the_fields(client, client_brand, owner):
    client.force_login(owner)
    url = reverse("clients:previews", args=[client_brand.slug])
    response = client.post(url, {"name": "", "posts": ["99999999999999999999999"], "days": "0"})
    assert response.status_code == 200 and not CalendarPreview.objects.exists()


def test_times_are_shown_in_the_brands_zone(client, client_brand, owner, planned):
    client_brand.time_zone = "America/Montreal"
    client_brand.save()
    post = planned("Montréal")
    preview = previews.calendar_preview_create(brand=client_brand, by=owner, name="C", posts=[post], days=7)
    url = previews.preview_url(preview)
    page = client.get(url[url.index("/preview/") :]).content.decode()
    assert timezone.localtime(post.scheduled_at, client_brand.tz).strftime("%H:%M") in page
    assert "America/Montreal" in page
