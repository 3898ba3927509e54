"""Collection without cron: the dispatcher's claims, exactly-once inserts, failing sources told once."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from listening import collect
from listening.collect import url_key
from listening.models import Mention, MentionHourly, Source
from notifications.models import Notification
from tests.listening.conftest import FEEDS, make_source, poll

pytestmark = pytest.mark.django_db


def test_url_key_spells_one_page_one_way():
    assert (
        url_key("http://www.Forum.example/t/123/?utm_source=rss&b=2&a=1#top") == "https://forum.example/t/123?a=1&b=2"
    )
    assert url_key("javascript:alert(1)") == ""


def test_dispatcher_claims_due_sources_once_and_enqueues_a_poll_each(brand_a, django_capture_on_commit_callbacks):
    due = make_source(brand_a, "http://127.0.0.1:9/due")
    make_source(brand_a, "http://127.0.0.1:9/later", next_poll_at=timezone.now() + timedelta(minutes=5))
    make_source(brand_a, "http://127.0.0.1:9/off", active=False)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("listening.tasks.poll_source.delay") as delay,
    ):
        assert collect.dispatch_due() == [due.pk]
        assert collect.dispatch_due() == []  # claimed: not handed out twice
    assert len(callbacks) == 1
    delay.assert_called_once_with(due.pk, Source.objects.get(pk=due.pk).claim_id)


def test_claim_whose_lease_ran_out_is_taken_back(brand_a, django_capture_on_commit_callbacks):
    source = make_source(brand_a, "http://127.0.0.1:9/x", claim_id="dead-worker")
    Source.objects.filter(pk=source.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(), mock.patch("listening.tasks.poll_source.delay"):
        assert collect.dispatch_due() == [source.pk]
    assert Source.objects.get(pk=source.pk).claim_id != "dead-worker"
    # The dead worker's poll, were it to run now, stores nothing: its claim is gone.
    assert collect.source_poll(source_id=source.pk, claim="dead-worker") == "skipped"


def test_poller_killed_mid_page_loses_and_duplicates_nothing(feed_server, brand_a, acme):
    feed_server.put("/rss", FEEDS / "rss2.xml")
    source = make_source(brand_a, f"{feed_server.url}/rss")
    real_store = collect._store_one
    calls = []

    def dies_on_the_second_item(*args):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_store(*args)

    with mock.patch.object(collect, "_store_one", dies_on_the_second_item), pytest.raises(SystemExit):
        poll(source)
    assert not Mention.objects.exists() and not MentionHourly.objects.exists()
    source.refresh_from_db()
    assert source.claim_id == "test-claim"  # kept until its lease runs out
    Source.objects.filter(pk=source.pk).update(claim_id="", lease_expires_at=None)  # the sweep, in effect
    poll(source)
    poll(source)  # and the same entries read again
    assert Mention.objects.count() == 3
    assert sum(MentionHourly.objects.values_list("count", flat=True)) == 3


def test_hourly_counters_follow_inserts(feed_server, brand_a, acme):
    feed_server.put("/rss", FEEDS / "rss2.xml")
    poll(make_source(brand_a, f"{feed_server.url}/rss"))
    # Keyed by the whole hour: an item without a date is counted in the current hour, which is
    # 09:00 on the day the suite runs at that time.
    counters = {c.hour: (c.count, c.negative) for c in MentionHourly.objects.filter(search=acme)}
    assert counters[datetime(2026, 12, 1, 9, tzinfo=UTC)] == (2, 1)  # 09:15 (negative) and 09:30 (positive)


def test_source_failing_for_an_hour_tells_the_owners_once(feed_server, brand_a, acme, people):
    feed_server.put("/rss", FEEDS / "truncated.xml")
    source = make_source(brand_a, f"{feed_server.url}/rss", created_by=people["editor"])
    poll(source)
    assert not Notification.objects.exists()
    Source.objects.filter(pk=source.pk).update(failing_since=timezone.now() - timedelta(minutes=61))
    poll(source)
    poll(source)
    told = Notification.objects.filter(kind="source_failing")
    assert sorted(n.user.email for n in told) == ["editor@a.example", "owner@a.example"]
    assert told.first().link == reverse("listening:sources", kwargs={"brand_slug": brand_a.slug})
    assert len(mail.outbox) == 2 or len(mail.outbox) == 0  # emails leave on commit (not run in this test)
    feed_server.put("/rss", FEEDS / "rss2.xml")
    poll(source)
    source.refresh_from_db()
    assert source.failing_since is None and source.failure_notified_at is None


def test_sources_page_shows_the_last_error_and_when_it_last_worked(client, feed_server, brand_a, viewer, acme):
    feed_server.put("/f", FEEDS / "page.html", content_type="text/html")
    source = make_source(brand_a, f"{feed_server.url}/f", name="Forum")
    viewer.language = "en"
    viewer.save()
    client.force_login(viewer)
    with translation.override("en"):
        poll(source)
        body = client.get(reverse("listening:sources", kwargs={"brand_slug": brand_a.slug})).content.decode()
    assert "is a web page, not a feed" in body
    assert "never yet" in body


def test_feed_address_on_a_private_network_is_refused(client, brand_a, editor):
    editor.language = "en"
    editor.save()
    client.force_login(editor)
    url = reverse("listening:source_create", kwargs={"brand_slug": brand_a.slug})
    response = client.post(url, {"name": "x", "url": "http://10.1.2.3/feed", "interval": 300, "active": "on"})
    assert "private or local address" in response.content.decode()
    assert not Source.objects.exists()


def test_healthz_reports_a_listening_poller_that_stopped(client, brand_a, settings):
    from cm_platform.models import Heartbeat

    for name in ("beat", "dispatcher", collect.HEARTBEAT):
        Heartbeat.objects.create(name=name, beat_at=timezone.now())
    source = make_source(brand_a, "http://127.0.0.1:9/x")
    assert client.get("/healthz").json()["listening"]["ok"] is True
    # Nothing polls: the source waits past its time ...
    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["listening"] == {
        "ok": False,
        "active_sources": 1,
        "last_dispatch_age_seconds": pytest.approx(0, abs=5),
        "oldest_due_seconds": pytest.approx(3600, abs=5),
    }
    # ... or the dispatcher itself stopped while there are sources to read ...
    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now())
    Heartbeat.objects.filter(name=collect.HEARTBEAT).update(beat_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/healthz").json()["listening"]["ok"] is False
    # ... which does not matter to a desk that listens to nothing.
    Source.objects.update(active=False)
    assert client.get("/healthz").json()["listening"]["ok"] is True
