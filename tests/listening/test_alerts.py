"""Spike detection on generated volumes: nothing on an ordinary day or a slow rise, one alert as
the burst's mentions are stored, none within the cooldown, and its numbers right."""

import itertools
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import translation

from listening import alerts, collect
from listening.feeds import Item
from listening.models import Alert, Source
from notifications.models import Notification, WebhookEndpoint

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 14, 20, tzinfo=UTC)  # pinned: the windows straddle 13:20-14:20
_ids = itertools.count()


@pytest.fixture
def source(brand_a):
    return Source.objects.create(brand=brand_a, name="Forum", url="https://forum.example/rss")


def _item(at: datetime, angry: bool) -> Item:
    text = "Acme service horrible, je suis très déçu" if angry else "Acme livraison mardi"
    return Item(f"id-{next(_ids)}", "", "", text, "someone", "fr", at)


def store(source, at: datetime, count: int, negative: int = 0) -> list[Alert]:
    """`count` mentions of Acme published at `at` (the first `negative` of them angry), stored and
    judged one by one as polls store them."""
    raised = []
    for n in range(count):
        searches = collect.active_searches(source.brand_id)
        stored = collect.items_store(source=source, items=[_item(at, n < negative)], searches=searches, now=at)
        raised += alerts.judge_after_insert(stored, now=at)
    return raised


def baseline(source, per_hour: list[int]):
    """The 7 days before: each day its rate of mentions an hour, evenly spread from 11:00 to 16:00."""
    searches = collect.active_searches(source.brand_id)
    for days_ago, rate in zip(range(7, 0, -1), per_hour, strict=True):
        day = NOW.replace(hour=11, minute=0) - timedelta(days=days_ago)
        times = [day + timedelta(hours=h, minutes=k * 60 / rate) for h in range(5) for k in range(rate)]
        items = [_item(at, False) for at in times]
        collect.items_store(source=source, items=items, searches=searches, now=NOW)


def spread(source, count: int, negative: int = 0) -> list[Alert]:
    """Today's last hour: `count` mentions evenly spread up to NOW, each judged when stored."""
    return [
        alert
        for n in range(count)
        for alert in store(source, NOW - timedelta(minutes=60 * (count - 1 - n) / count), 1, int(n < negative))
    ]


def test_no_alert_on_an_ordinary_day(source, acme):
    baseline(source, [10, 9, 11, 10, 10, 9, 11])
    assert spread(source, 12, negative=2) == []


def test_no_alert_on_a_slow_rise(source, acme):
    baseline(source, [5, 6, 7, 8, 9, 10, 11])
    assert spread(source, 13, negative=3) == []


def test_three_mentions_are_not_a_crisis(source, acme):
    baseline(source, [0, 0, 0, 0, 0, 0, 0])
    assert store(source, NOW - timedelta(minutes=5), 3, negative=3) == []


def test_a_burst_raises_one_alert_as_it_is_stored_with_the_numbers_right(source, acme):
    baseline(source, [1, 2, 3, 4, 5, 3, 3])
    raised = []
    for minute in range(42):  # a mention a minute, each judged when stored
        raised += store(source, NOW - timedelta(minutes=41 - minute), 1, negative=int(minute % 10 < 7))
    assert len(raised) == 1
    alert = raised[0]
    # Raised when the 10th mention of the hour was stored (the minimum count), i.e. at once.
    assert alert.created_at == NOW - timedelta(minutes=32)
    assert (alert.count, alert.negative) == (10, 7)
    assert (alert.usual_mean, alert.usual_std) == (3.0, 1.2)
    with translation.override("en"):
        assert alert.why() == "10 mentions in the last hour, usually 3 ± 1; 70 % negative (usually 0 %)"
    with translation.override("fr"):
        assert (
            alert.why()
            == "10 mentions dans la dernière heure, d’habitude 3 ± 1\u00a0; 70\u00a0% négatives (d’habitude 0\u00a0%)"
        )


def test_no_second_alert_within_the_cooldown(source, acme):
    baseline(source, [1, 1, 1, 1, 1, 1, 1])
    assert len(store(source, NOW - timedelta(minutes=50), 20)) == 1
    assert store(source, NOW - timedelta(minutes=10), 20) == []  # 40 minutes later: still cooling down
    later = NOW + timedelta(minutes=20)
    assert len(store(source, later, 30)) == 1  # 70 minutes after the first


def test_negative_share_alone_raises_an_alert(source, acme):
    baseline(source, [20, 20, 20, 20, 20, 20, 20])
    (alert,) = store(source, NOW - timedelta(minutes=20), 20, negative=15)
    # Raised with the 10th mention (the minimum count), all ten negative against a usual 0 %.
    assert (alert.reason, alert.count, alert.negative) == ("negative", 10, 10)


def test_alert_is_told_under_the_bell_by_email_and_by_webhook(
    source, acme, people, brand_a, django_capture_on_commit_callbacks
):
    hook = "https://hooks.example/in"
    WebhookEndpoint.objects.create(brand=brand_a, shown_url=hook, credentials={"url": hook, "secret": "s"})
    baseline(source, [0, 0, 0, 0, 0, 0, 0])
    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch("notifications.tasks.deliver_webhook.delay") as deliver,
    ):
        (alert,) = store(source, NOW - timedelta(minutes=5), 12, negative=12)
    told = Notification.objects.filter(kind="listening_alert")
    assert sorted(n.user.email for n in told) == ["manager@a.example", "owner@a.example"]
    assert all("10 mentions" in n.message for n in told)
    assert sorted(m.to[0] for m in mail.outbox) == ["manager@a.example", "owner@a.example"]
    deliver.assert_called_once()
    endpoint_id, event, _delivery, body = deliver.call_args.args
    assert event == "listening.alert" and '"count": 10' in body and '"why": "10 mentions' in body
