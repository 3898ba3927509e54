"""Reasons read in each reader's language, and every due post saying why it waits (in-process)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from cm_platform.reasons import reason
from networks import budget
from networks.models import AccountStatus
from networks.services import account_mark_needs_reconnect
from posts.models import PostEvent, PostTarget, TargetState
from publishing import dispatcher, engine, pause
from publishing.waiting import WaitCode, waits_of
from tests.publishing.conftest import approved_post, mastodon_account_for

pytestmark = pytest.mark.django_db


def claimed_target(brand, account, **post_fields):
    post = approved_post(brand, [account], **post_fields)
    dispatcher.dispatch_due()
    return PostTarget.objects.get(post=post)


def page_of(client, user, post, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(reverse("posts:detail", kwargs={"brand_slug": post.brand.slug, "pk": post.pk})).content.decode()


def test_a_failure_recorded_while_a_french_user_looked_reads_in_english_for_an_english_user(
    client, brand_a, manager, mastodon
):
    account = mastodon_account_for(brand_a, mastodon)
    mastodon.fail_next(500, path="/api/v1/statuses")
    target = claimed_target(brand_a, account)
    with translation.override("fr"):  # the worker's language, or a French reader's request
        engine.target_publish(target_id=target.pk, claim=target.claim_id)

    english = page_of(client, manager, target.post, "en")
    assert "had a problem (error 500); the post will be tried again." in english
    assert "It will be tried again in" in english  # the history's note too
    assert "rencontré un problème" not in english and "Nouvel essai" not in english
    french = page_of(client, manager, target.post, "fr")
    assert "a rencontré un problème (erreur 500)" in french and "Nouvel essai dans" in french
    assert "had a problem" not in french


def test_history_speaks_of_a_worker_not_of_claim_ids(client, brand_a, manager, fake_account):
    target = claimed_target(brand_a, fake_account)
    engine.target_publish(target_id=target.pk, claim=target.claim_id)
    page = page_of(client, manager, target.post, "en")
    assert "Taken by a publishing worker" in page and "claimed " not in page
    assert "Prise en charge par un processus de publication" in page_of(client, manager, target.post, "fr")


def test_history_written_before_codes_reads_in_the_readers_language_after_the_migration(brand_a, fake_account):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("posts.migrations.0013_history_notes_as_codes")
    post = approved_post(brand_a, [fake_account])
    old = PostEvent.objects.create(post=post, kind="other", comment="claimed 56c60969", details={"target": 1})
    people = PostEvent.objects.create(post=post, kind="other", comment="Words a person typed")
    migration.forwards(apps, None)
    old.refresh_from_db()
    with translation.override("en"):
        assert old.note == "Taken by a publishing worker"
    with translation.override("fr"):
        assert old.note == "Prise en charge par un processus de publication"
    people.refresh_from_db()
    assert people.note == "Words a person typed"  # unknown words stay as written


def test_a_post_waiting_for_a_reconnection_says_so_with_the_link(client, brand_a, manager, fake_account):
    post = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=1))
    account_mark_needs_reconnect(account=fake_account, message="Token revoked")
    page = page_of(client, manager, post, "en")
    assert "needs reconnecting: nothing goes out on it until an owner reconnects it." in page
    assert reverse("networks:list", kwargs={"brand_slug": brand_a.slug}) in page
    listing = client.get(reverse("posts:list", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert "needs reconnecting" in listing


def test_a_rate_limited_account_says_until_when_in_the_brands_time(brand_a, mastodon):
    account = mastodon_account_for(brand_a, mastodon)
    post = approved_post(brand_a, [account], at=timezone.now() - timedelta(seconds=5))
    until = timezone.now() + timedelta(minutes=3)
    budget.pause(account, until)
    assert dispatcher.dispatch_due() == []  # the dispatcher leaves the paused account's posts
    target = post.targets.select_related("post", "account").get()
    wait = waits_of([target], brand=brand_a)[target.pk]
    with translation.override("en"):
        assert wait.code == WaitCode.RATE_LIMITED and wait.until == until
        assert wait.text.endswith(f"until {until.astimezone(brand_a.tz):%H:%M}.")


def test_instagrams_fifty_posts_a_day_hold_the_fifty_first_with_the_reason(brand_a):
    from tests.factories import NetworkAccountFactory

    account = NetworkAccountFactory(brand=brand_a, network="instagram")
    for _ in range(50):
        budget.take(account, (budget.POSTS,))
    post = approved_post(brand_a, [account], at=timezone.now() - timedelta(seconds=5))
    assert dispatcher.dispatch_due() == []
    target = post.targets.select_related("post", "account").get()
    wait = waits_of([target], brand=brand_a)[target.pk]
    with translation.override("en"):
        assert wait.code == WaitCode.ACTION_LIMIT
        assert "Instagram allows 50 posts per 24 h on an account" in wait.text


def test_a_worker_lost_mid_call_is_explained_with_the_latest_time_of_the_check(brand_a, fake_account):
    target = claimed_target(brand_a, fake_account)
    PostTarget.objects.filter(pk=target.pk).update(
        called_at=timezone.now() - timedelta(seconds=5), lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    target = PostTarget.objects.select_related("post", "account").get(pk=target.pk)
    wait = waits_of([target], brand=brand_a)[target.pk]
    assert wait.code == WaitCode.WORKER_LOST and wait.until > timezone.now()


def test_the_paused_brand_and_the_calendar_tooltip(client, brand_a, manager, fake_account):
    post = approved_post(brand_a, [fake_account], at=timezone.now() - timedelta(minutes=1))
    pause.brand_pause(brand=brand_a, user=manager, reason="Bad buzz")
    client.force_login(manager)
    start, end = (timezone.now() - timedelta(days=1)).isoformat(), (timezone.now() + timedelta(days=1)).isoformat()
    url = reverse("calendars:events", kwargs={"brand_slug": brand_a.slug})
    events = client.get(url, {"start": start, "end": end}, HTTP_ACCEPT_LANGUAGE="en").json()
    event = next(e for e in events if e["id"] == str(post.pk))
    assert event["extendedProps"]["waiting"] == "Publishing is paused for Brand A."


def test_the_owners_email_counts_the_posts_a_worker_holds_at_that_instant(
    brand_a, owner, fake_account, django_capture_on_commit_callbacks
):
    for _ in range(3):
        claimed_target(brand_a, fake_account)  # claimed: state publishing
    approved_post(brand_a, [fake_account], at=timezone.now() + timedelta(hours=1))  # pending
    owner.language = "en"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        account_mark_needs_reconnect(account=fake_account, message=reason("The token was revoked."))
    (message,) = mail.outbox
    assert "Posts waiting for this account: 4." in message.body
    assert fake_account.status == AccountStatus.NEEDS_RECONNECT
    assert TargetState.PUBLISHING in set(PostTarget.objects.values_list("state", flat=True))


def test_a_text_post_takes_its_call_once_in_the_transaction_that_starts_it(brand_a, mastodon):
    from networks.models import RateBudget

    account = mastodon_account_for(brand_a, mastodon)
    target = claimed_target(brand_a, account)
    assert engine.target_publish(target_id=target.pk, claim=target.claim_id) == TargetState.PUBLISHED
    used = dict(RateBudget.objects.filter(account=account).values_list("kind", "used"))
    assert used == {"calls": 1, "posts": 1}


def test_a_post_whose_account_has_no_call_left_is_not_sent_and_says_until_when(brand_a, mastodon):
    account = mastodon_account_for(brand_a, mastodon)
    account.config["rate_limits"] = {"posts": [1, 3 * 3600]}
    account.save()
    first = claimed_target(brand_a, account)
    second = claimed_target(brand_a, account)  # claimed before the first went out
    assert engine.target_publish(target_id=first.pk, claim=first.claim_id) == TargetState.PUBLISHED
    assert engine.target_publish(target_id=second.pk, claim=second.claim_id) == "skipped"
    second.refresh_from_db()
    assert second.state == TargetState.PENDING and second.attempts == 0
    assert second.next_attempt_at > timezone.now() + timedelta(minutes=1)
    with translation.override("en"):
        assert "Mastodon allows 1 posts per 3 h on an account" in second.error_text
    assert len(mastodon.requests_to("POST", "/api/v1/statuses")) == 1


def test_a_worker_renews_the_leases_it_holds_but_not_past_the_longest_call(brand_a, fake_account, settings):
    from publishing import leases

    target = claimed_target(brand_a, fake_account)
    PostTarget.objects.filter(pk=target.pk).update(lease_expires_at=timezone.now())
    with leases.held(target.pk, target.claim_id):
        assert leases.renew() == 1
        target.refresh_from_db()
        assert target.lease_expires_at > timezone.now() + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS - 2)
        settings.PUBLISH_MAX_HOLD_SECONDS = 0  # held "too long": a stuck thread
        assert leases.renew() == 0
    assert leases.renew() == 0  # released: nothing of this process to renew
