"""What the engine tells the author, driven through its services as the publish tasks call them
(a claim by the dispatcher, then target_publish): "published" once every target is out, and
"failed" with the reason the target records, each naming the post by an excerpt."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership
from networks.adapters.fake import FakeAdapter
from notifications.models import Notification
from posts.models import PostTarget, TargetState
from posts.notices import notify_if_published
from posts.publishing import dispatcher, services
from tests.factories import NetworkAccountFactory
from tests.publishing.conftest import approved_post

pytestmark = pytest.mark.django_db
TEXT = "Soldes d’hiver : -30 % sur toute la collection dès demain matin, en boutique et en ligne"
EXCERPT = TEXT[:59] + "…"  # sixty characters


@pytest.fixture(autouse=True)
def english_and_empty_outbox(monkeypatch, editor, manager):
    """Each person reads in their profile's language (the site's default is French)."""
    for person in (editor, manager):
        person.language = "en"
        person.save()
    monkeypatch.setattr(FakeAdapter, "outbox", {})
    with translation.override("en"):
        yield


def _publish_due():
    """What beat and the workers do: claim what is due, then run each claim's publish task."""
    dispatcher.dispatch_due()
    for target in PostTarget.objects.filter(state=TargetState.PUBLISHING):
        services.target_publish(target_id=target.pk, claim=target.claim_id)


@pytest.fixture
def two_networks(brand_a):
    return [
        NetworkAccountFactory(brand=brand_a, display_name="Masto"),
        NetworkAccountFactory(brand=brand_a, display_name="Sky"),
    ]


def test_the_author_is_told_once_every_target_is_out_with_an_excerpt(brand_a, editor, manager, two_networks):
    post = approved_post(brand_a, two_networks, text=TEXT, author=editor)
    first, second = post.targets.order_by("pk")
    PostTarget.objects.filter(pk=second.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    _publish_due()
    assert not Notification.objects.exists()  # Sky has not gone out yet

    PostTarget.objects.filter(pk=second.pk).update(next_attempt_at=None)
    _publish_due()
    [notice] = Notification.objects.all()
    assert (notice.user, notice.kind, notice.post) == (editor, "published", post)
    assert notice.message == f"Your post “{EXCERPT}” is published on Masto, Sky."
    client = Client(headers={"accept-language": "en"})
    client.force_login(editor)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Brand A" in page and "is published on Masto, Sky" in page
    opened = client.post(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"] == reverse("posts:detail", args=[brand_a.slug, post.pk])


def test_the_published_notice_is_said_once_even_when_asked_twice(brand_a, editor, fake_account):
    post = approved_post(brand_a, [fake_account], author=editor)
    _publish_due()
    assert notify_if_published(post_id=post.pk) is False  # the last two targets of two workers
    assert Notification.objects.filter(kind="published").count() == 1


def test_a_post_answered_as_published_by_a_person_tells_its_author(brand_a, editor, manager, fake_account):
    post = approved_post(brand_a, [fake_account], author=editor)
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(state=TargetState.NEEDS_CHECKING)
    target.refresh_from_db()
    services.target_resolve(target=target, user=manager, published=True, url="https://fake.invalid/1")
    assert Notification.objects.get(user=editor).kind == "published"


def test_a_failure_tells_the_author_and_managers_with_the_reason_and_the_excerpt(brand_a, editor, manager):
    refusing = NetworkAccountFactory(brand=brand_a, display_name="Refusing", config={"fail": "rejected"})
    post = approved_post(brand_a, [refusing], text=TEXT, author=editor)
    _publish_due()
    reason = post.targets.get().last_error
    assert reason
    lines = dict(Notification.objects.filter(kind="publish_failed").values_list("user__email", "message"))
    expected = f"“{EXCERPT}” could not be published on Refusing: {reason}"
    assert lines == {editor.email: expected, manager.email: expected}
    assert not Notification.objects.filter(kind="published").exists()


def test_an_author_who_left_the_brand_is_told_nothing(brand_a, editor, fake_account):
    post = approved_post(brand_a, [fake_account], author=editor)
    Membership.objects.filter(user=editor).delete()
    _publish_due()
    assert post.targets.get().state == TargetState.PUBLISHED
    assert not Notification.objects.exists()


def test_a_failed_post_in_french_reads_in_french(brand_a, editor):
    editor.language = "fr"
    editor.save()
    refusing = NetworkAccountFactory(brand=brand_a, display_name="Refusing", config={"fail": "rejected"})
    approved_post(brand_a, [refusing], text="Bonjour", author=editor)
    _publish_due()
    assert Notification.objects.get(user=editor).message.startswith(
        "«\u00a0Bonjour\u00a0» n’a pas pu être publiée sur Refusing\u00a0: "
    )
