"""An account's budget (networks/budget.py): counted in the database, shared by every call,
paused by the network, publishing first. The clock is pinned (windows are aligned on the epoch)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from networks import budget
from networks.budget import CALLS, MEDIA, POSTS, OverBudget, Priority
from networks.models import RateBudget
from tests.factories import NetworkAccountFactory

# 10:02:30 UTC: in the middle of a 5-minute window (10:00-10:05), far from its guard band.
NOON = datetime(2026, 12, 2, 10, 2, 30, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": NOON}
    monkeypatch.setattr(budget, "_now", lambda: moment["now"])
    return moment


@pytest.fixture
def account(brand_a):
    return NetworkAccountFactory(brand=brand_a, network="mastodon", config={"instance_url": "https://m.example"})


def answer(status: int, **headers: str):
    return SimpleNamespace(status_code=status, headers=headers, json=dict)


def test_mastodon_declares_its_documented_limits(account):
    rates = {(rate.kind, rate.limit, rate.seconds) for rate in account.adapter().get_rates()}
    assert rates == {(CALLS, 300, 300), (MEDIA, 30, 1800), (POSTS, 300, 3 * 3600)}


def test_calls_are_counted_in_the_window_and_refused_beyond_the_limit_until_it_ends(db, account, clock):
    for _ in range(300):
        budget.take(account)
    with pytest.raises(OverBudget) as refused:
        budget.take(account)
    assert refused.value.until == datetime(2026, 12, 2, 10, 5, tzinfo=UTC)
    assert refused.value.kind == CALLS and not refused.value.paused
    clock["now"] = datetime(2026, 12, 2, 10, 5, 1, tzinfo=UTC)  # the next window
    budget.take(account)
    assert RateBudget.objects.get(account=account, kind=CALLS).used == 1


def test_a_take_of_several_kinds_counts_all_or_none(db, account, clock):
    for _ in range(30):
        budget.take(account, (MEDIA,))
    with pytest.raises(OverBudget) as refused:
        budget.take(account, (MEDIA,))
    assert refused.value.kind == MEDIA
    assert RateBudget.objects.get(account=account, kind=CALLS).used == 30  # the refused call: not counted


def test_background_work_leaves_a_fifth_of_the_budget_to_publishing(db, account, clock, settings):
    settings.NETWORK_BUDGET_PUBLISH_RESERVE = 0.2
    for _ in range(240):
        budget.take(account, priority=Priority.BACKGROUND)
    with pytest.raises(OverBudget):
        budget.take(account, priority=Priority.BACKGROUND)
    for _ in range(60):
        budget.take(account, priority=Priority.PUBLISH)
    with pytest.raises(OverBudget):
        budget.take(account, priority=Priority.PUBLISH)


def test_a_429_pauses_every_call_of_the_account_until_the_reset_it_names(db, account, brand_a, clock):
    other = NetworkAccountFactory(brand=brand_a, network="mastodon", config={"instance_url": "https://m.example"})
    budget.observe(account, answer(429, **{"X-RateLimit-Reset": "2026-12-02T10:03:10.000Z"}))
    with pytest.raises(OverBudget) as refused:
        budget.take(account, (MEDIA,))
    assert refused.value.paused and refused.value.until == datetime(2026, 12, 2, 10, 3, 10, tzinfo=UTC)
    budget.take(other)  # another account of the same network is not paused
    clock["now"] = datetime(2026, 12, 2, 10, 3, 10, 1, tzinfo=UTC)
    budget.take(account)


def test_a_reset_header_with_nothing_remaining_pauses_the_account_too(db, account, clock):
    budget.observe(account, answer(200, **{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1796205800"}))
    with pytest.raises(OverBudget) as refused:
        budget.take(account)
    assert refused.value.until == datetime.fromtimestamp(1796205800, UTC)


def test_a_429_without_a_reset_pauses_a_minute_or_what_the_body_says(db, account, clock):
    telegram = SimpleNamespace(status_code=429, headers={}, json=lambda: {"parameters": {"retry_after": 7}})
    budget.observe(account, telegram)
    with pytest.raises(OverBudget) as refused:
        budget.take(account)
    assert refused.value.until == NOON + timedelta(seconds=7)


def test_calls_after_the_one_that_published_are_counted_but_never_refused(db, account, clock):
    """Refusing the call that reads the post back would make the engine publish it again."""
    for _ in range(299):
        budget.take(account)
    with budget.spending(account):
        budget.before_call((POSTS,))  # the 300th: the post goes out
        budget.before_call(())  # beyond the budget, but after the post: counted, not refused
    assert RateBudget.objects.get(account=account, kind=CALLS).used == 301


def test_an_app_wide_limit_is_shared_by_every_account_of_the_network(db, brand_a, clock, monkeypatch):
    from networks.linkedin.adapter import LinkedInAdapter

    monkeypatch.setattr(LinkedInAdapter, "rates", (budget.Rate(POSTS, 3, 86400, app_wide=True),))
    first, second = (NetworkAccountFactory(brand=brand_a, network="linkedin") for _ in range(2))
    budget.take(first, (POSTS,))
    budget.take(second, (POSTS,))
    budget.take(first, (POSTS,))
    with pytest.raises(OverBudget):
        budget.take(second, (POSTS,))
    room = budget.room(now=NOON)
    assert room.hold_for(second.pk, "linkedin") is not None and room.hold_for(first.pk, "linkedin") is not None


def test_x_reads_are_off_until_the_brand_sets_a_monthly_budget(db, brand_a, clock):
    account = NetworkAccountFactory(brand=brand_a, network="x")
    with pytest.raises(OverBudget) as refused:
        budget.take(account, (budget.READS,), priority=Priority.PUBLISH)
    assert refused.value.until == datetime(2027, 1, 1, tzinfo=UTC)  # the month's budget: 0
    account.monthly_read_budget = 2
    account.save()
    budget.take(account, (budget.READS,))
    budget.take(account, (budget.READS,))
    with pytest.raises(OverBudget):
        budget.take(account, (budget.READS,))


def test_an_account_may_declare_other_limits_than_its_network(db, brand_a, clock):
    account = NetworkAccountFactory(
        brand=brand_a,
        network="mastodon",
        config={"instance_url": "https://m.example", "rate_limits": {"media": [100, 1800], "calls": [2, 10]}},
    )
    rates = {(rate.kind, rate.limit, rate.seconds) for rate in account.adapter().get_rates()}
    assert (MEDIA, 100, 1800) in rates and (CALLS, 2, 10) in rates


def test_the_room_of_a_dispatch_holds_paused_and_spent_accounts(db, account, brand_a, clock):
    instagram = NetworkAccountFactory(brand=brand_a, network="instagram")
    for _ in range(50):
        budget.take(instagram, (POSTS,))
    budget.pause(account, NOON + timedelta(minutes=2))
    room = budget.room(now=NOON)
    assert room.held[account.pk].paused and room.held[account.pk].until == NOON + timedelta(minutes=2)
    limit = room.held[instagram.pk]
    assert (limit.kind, limit.limit, limit.paused) == (POSTS, 50, False)
    assert limit.until == datetime(2026, 12, 3, tzinfo=UTC)


def test_the_networks_page_shows_each_accounts_budget_its_use_and_when_it_refills(client, owner, account):
    for _ in range(3):
        budget.take(account, (POSTS,))
    budget.pause(account, budget._now() + timedelta(minutes=4))
    client.force_login(owner)
    page = client.get(f"/b/{account.brand.slug}/networks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Calls: 3 of 300 per 5 min" in page and "Posts: 3 of 300 per 3 h" in page
    assert "Media uploads: 0 of 30 per 30 min" in page
    assert "refills at" in page
    assert "The network asked to slow down: nothing goes out before" in page


def test_an_owner_sets_the_monthly_reads_of_an_x_account_and_a_bad_number_is_refused(client, owner, brand_a):
    account = NetworkAccountFactory(brand=brand_a, network="x")
    client.force_login(owner)
    url = f"/b/{brand_a.slug}/networks/{account.pk}/read-budget/"
    page = client.get(f"/b/{brand_a.slug}/networks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert url in page
    response = client.post(url, {"monthly_read_budget": "1500"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    account.refresh_from_db()
    assert account.monthly_read_budget == 1500 and "1500 reads a month" in response.content.decode()
    response = client.post(url, {"monthly_read_budget": "-3"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    account.refresh_from_db()
    assert account.monthly_read_budget == 1500 and "Reads per month:" in response.content.decode()


@pytest.mark.parametrize("files", [1, 3])
def test_a_posts_files_take_their_budget_once_then_upload_at_once(db, account, clock, mastodon_server, tmp_path, files):
    from tests.networks.test_mastodon import media_file

    account.config = {"instance_url": mastodon_server.url}
    account.credentials = {"access_token": mastodon_server.token}
    photos = [media_file(tmp_path, f"p{i}.png", alt=f"Photo {i}") for i in range(files)]
    with budget.spending(account):
        account.adapter().publish(text="Photos", media=photos, key="k1")
    media = RateBudget.objects.get(account=account, kind=MEDIA)
    calls = RateBudget.objects.get(account=account, kind=CALLS)
    assert media.used == files and calls.used == files + 1  # the uploads and the status, once each
    assert RateBudget.objects.get(account=account, kind=POSTS).used == 1


def test_rows_removed_behind_the_process_are_made_again(db, account, clock):
    budget.take(account)
    RateBudget.objects.all().delete()  # the process still remembers having made them
    budget.take(account)
    assert RateBudget.objects.get(account=account, kind=CALLS).used == 1
