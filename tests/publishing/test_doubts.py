"""Smaller moments of doubt around the engine, as a manager and an author meet them: "Publish now"
only where something can still go out, overdue posts visible to their author, the pause form
starting from the pause being changed, and its words saying that the brand's posts are stopped."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from posts.models import PostTarget, TargetState
from posts.workflow import WorkflowError
from publishing import decisions, pause
from publishing.models import OverdueHold
from tests.factories import NetworkAccountFactory
from tests.publishing.conftest import approved_post

pytestmark = pytest.mark.django_db
PUBLISH_NOW = "publish_now"  # the button's form action on the post page


@pytest.fixture
def client():
    """Pages in English (the site's default is French); the French wording has its own test."""
    return Client(headers={"accept-language": "en"})


def _post_page(client, user, post) -> str:
    client.force_login(user)
    return client.get(reverse("posts:detail", args=[post.brand.slug, post.pk])).content.decode()


def _set_states(post, *states):
    for target, state in zip(post.targets.order_by("pk"), states, strict=True):
        PostTarget.objects.filter(pk=target.pk).update(state=state)


@pytest.fixture
def two_account_post(brand_a, editor):
    accounts = [NetworkAccountFactory(brand=brand_a), NetworkAccountFactory(brand=brand_a)]
    return approved_post(brand_a, accounts, at=timezone.now() + timedelta(hours=2), author=editor)


def test_publish_now_is_offered_while_a_target_can_still_go_out(client, manager, two_account_post):
    _set_states(two_account_post, TargetState.PUBLISHED, TargetState.PENDING)
    assert PUBLISH_NOW in _post_page(client, manager, two_account_post)


@pytest.mark.parametrize(
    "states",
    [
        (TargetState.PUBLISHED, TargetState.PUBLISHED),
        (TargetState.PUBLISHED, TargetState.CANCELLED),
        (TargetState.FAILED, TargetState.NEEDS_CHECKING),
    ],
)
def test_publish_now_is_not_offered_when_nothing_is_left_to_send(client, manager, two_account_post, states):
    _set_states(two_account_post, *states)
    assert PUBLISH_NOW not in _post_page(client, manager, two_account_post)
    with translation.override("en"), pytest.raises(WorkflowError, match="Nothing is left to publish"):
        decisions.post_publish_now(post=two_account_post, user=manager)


def test_publish_now_is_not_offered_while_the_brand_is_paused(client, manager, brand_a, two_account_post):
    pause.brand_pause(brand=brand_a, user=manager, reason="Crise")
    assert PUBLISH_NOW not in _post_page(client, manager, two_account_post)


@pytest.fixture
def held(brand_a, editor, manager, fake_account):
    post = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=5), author=editor)
    OverdueHold.objects.create(post=post, resumed_by=manager)
    return post


def test_an_author_sees_their_overdue_post_and_who_decides(client, editor, brand_a, held):
    client.force_login(editor)
    banner_page = client.get(reverse("posts:list", args=[brand_a.slug])).content.decode()
    assert 'id="overdue-mine-banner"' in banner_page and "1 of your posts fell due during the pause" in banner_page
    overdue = client.get(reverse("publishing:overdue", args=[brand_a.slug]))
    html = overdue.content.decode()
    assert overdue.status_code == 200 and f'data-post="{held.pk}"' in html
    assert "A manager or an owner chooses" in html and "overdue_decide" not in html and "Your post" in html
    assert 'id="overdue-note"' in _post_page(client, editor, held)


def test_a_manager_still_decides_from_the_overdue_list(client, manager, brand_a, held):
    client.force_login(manager)
    html = client.get(reverse("publishing:overdue", args=[brand_a.slug])).content.decode()
    assert reverse("publishing:overdue_decide", args=[brand_a.slug, held.pk]) in html
    assert "overdue-mine-banner" not in html and 'id="overdue-banner"' in html


def test_another_authors_overdue_post_is_not_announced_as_mine(client, viewer, brand_a, held):
    client.force_login(viewer)
    assert "overdue-mine-banner" not in client.get(reverse("posts:list", args=[brand_a.slug])).content.decode()


def test_changing_a_pause_starts_from_its_reason_and_time(client, manager, brand_a):
    resume_at = datetime(2099, 1, 2, 8, 30, tzinfo=UTC)  # 09:30 in Paris
    pause.brand_pause(brand=brand_a, user=manager, reason="Bad buzz sur la pub", resume_at=resume_at)
    client.force_login(manager)
    html = client.get(reverse("publishing:pause", args=[brand_a.slug])).content.decode()
    assert ">Bad buzz sur la pub</textarea>" in html or 'value="Bad buzz sur la pub"' in html
    assert 'value="2099-01-02T09:30"' in html


def test_the_french_pause_says_the_brands_posts_are_stopped_not_one_post(manager, brand_a):
    manager.language = "fr"
    manager.save()
    pause.brand_pause(brand=brand_a, user=manager, reason="Crise")
    client = Client()
    client.force_login(manager)
    html = client.get(reverse("posts:list", args=[brand_a.slug])).content.decode()
    assert "Toutes les publications de Brand A sont suspendues" in html
    assert "La publication est en pause" not in html
