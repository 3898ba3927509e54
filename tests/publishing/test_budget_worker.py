"""Accounts' budgets, media and dead workers with the real thing: `celery worker` and `celery
beat` subprocesses against local Mastodon servers that count and time every call."""

import time
from collections import Counter

import pytest

from cm_platform.models import Heartbeat
from posts.media import media_upload
from posts.models import PostMedia, PostTarget, TargetState
from publishing.waiting import WaitCode, waits_of
from tests.posts.test_media import png, upload
from tests.publishing.conftest import approved_post, mastodon_account_for, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def published(*posts) -> bool:
    targets = PostTarget.objects.filter(post__in=posts)
    return targets.exists() and not targets.exclude(state=TargetState.PUBLISHED).exists()


def once_each(server, posts) -> bool:
    per_text = Counter(status["text"] for status in server.statuses)
    return set(per_text) == {post.text for post in posts} and max(per_text.values()) == 1


def test_two_workers_never_spend_more_than_the_accounts_budget_in_a_window(engine, brand_a):
    from tests.networks.servers.mastodon import MastodonServer

    # 4 calls per 3-second window, counted by the server as Mastodon does (aligned windows).
    with MastodonServer(latency=0.05, rate_limit=(4, 3)) as server:
        account = mastodon_account_for(brand_a, server)
        account.config["rate_limits"] = {"calls": [4, 3]}
        account.save()
        posts = [approved_post(brand_a, [account], text=f"Budget {i}") for i in range(14)]
        engine.start_worker(name="worker")
        engine.start_worker(name="worker2")
        engine.start_beat()
        wait_for(lambda: published(*posts), timeout=60, message=lambda: engine.log("worker"))
        assert once_each(server, posts)
        assert server.max_calls_per_window(3) <= 4
        assert server.throttled == 0  # the network never had to refuse a call


def test_after_a_429_the_account_gets_no_call_until_the_reset_then_its_posts_go_out_once(engine, brand_a):
    from tests.networks.servers.mastodon import MastodonServer

    with MastodonServer(latency=0.1) as server:
        account = mastodon_account_for(brand_a, server)
        engine.start_worker()
        engine.start_beat()
        wait_for(lambda: Heartbeat.age("dispatcher") is not None, timeout=30)
        server.fail_next(429, path="/api/v1/statuses", reset_in=5)
        reset = time.time() + 5  # what the 429's X-RateLimit-Reset says
        posts = [approved_post(brand_a, [account], text=f"Slow down {i}") for i in range(8)]

        def says_rate_limited() -> bool:  # what the post page and the API tell meanwhile
            targets = list(PostTarget.objects.filter(post__in=posts).select_related("post", "account"))
            return any(w.code == WaitCode.RATE_LIMITED for w in waits_of(targets, brand=brand_a).values())

        wait_for(says_rate_limited, timeout=20, interval=0.1, message="no post said it was rate-limited")
        wait_for(lambda: published(*posts), timeout=60, message=lambda: engine.log("worker"))
        refused = next(r for r in server.requests if r.route == "/api/v1/statuses")
        # Calls already on their way when the 429 was answered may still arrive (they left
        # before anyone knew); none may start after the engine heard it, until the reset.
        heard = refused.at + server.latency + 0.5
        assert not [r for r in server.api_calls() if heard < r.at < reset - 0.05]
        assert once_each(server, posts)
        assert PostTarget.objects.filter(post__in=posts, published_at__isnull=False).count() == 8


def test_a_post_with_four_images_processed_two_seconds_each_goes_out_in_about_three_seconds(engine, brand_a, editor):
    from tests.networks.servers.mastodon import MastodonServer

    with MastodonServer(latency=0.05, process_all_media=True, processing_seconds=2.0) as server:
        account = mastodon_account_for(brand_a, server)
        engine.start_worker()
        engine.start_beat()
        wait_for(lambda: Heartbeat.age("dispatcher") is not None, timeout=30)
        post = approved_post(brand_a, [account], text="Four photos")
        for position in range(4):
            media = media_upload(brand=brand_a, user=editor, upload=upload(f"photo{position}.png", png(), "image/png"))
            PostMedia.objects.create(post=post, media=media, position=position)
        wait_for(lambda: published(post), timeout=30, message=lambda: engine.log("worker"))
        first_upload = server.requests_to("POST", "/api/v2/media")[0].at
        status = server.requests_to("POST", "/api/v1/statuses")[0].at
        assert len(server.requests_to("POST", "/api/v2/media")) == 4
        assert status - first_upload < 3.0, status - first_upload  # one after another: over 8 s


def test_a_worker_killed_with_ten_claims_on_an_account_frees_it_within_fifteen_seconds(engine, brand_a):
    from tests.networks.servers.mastodon import MastodonServer

    # The production lease and sweep (the suite's engine uses shorter ones), and calls that may
    # take long: the first ten statuses are made by the server but answered only after 30 s.
    production = {"PUBLISH_LEASE_SECONDS": "10", "PUBLISH_SWEEP_INTERVAL": "2", "HTTP_READ_TIMEOUT": "40"}
    with MastodonServer(latency=0.05) as server:
        server.fail_next(200, path="/api/v1/statuses", delay=30, count=10)
        account = mastodon_account_for(brand_a, server)
        posts = [approved_post(brand_a, [account], text=f"Crash {i}") for i in range(30)]
        engine.start_worker(concurrency=16, **production)
        engine.start_beat(**production)
        wait_for(lambda: len(server.requests_to("POST", "/api/v1/statuses")) >= 10, timeout=30)
        time.sleep(0.5)
        assert PostTarget.objects.filter(post__in=posts, state=TargetState.PUBLISHING).count() == 10
        engine.kill("worker")
        killed_at = time.time()
        engine.start_worker(concurrency=16, **production)
        held = {r.header("Idempotency-Key") for r in server.requests_to("POST", "/api/v1/statuses")}

        def others_going_out() -> list:
            calls = server.requests_to("POST", "/api/v1/statuses")
            return [r for r in calls if r.header("Idempotency-Key") not in held]

        first_other = wait_for(others_going_out, timeout=20, message=lambda: engine.log("worker"))[0]
        assert first_other.at - killed_at < 15, first_other.at - killed_at
        wait_for(lambda: published(*posts), timeout=60, message=lambda: engine.log("worker"))
        assert once_each(server, posts)  # the ten killed mid-call: the same key, once each


def test_a_live_worker_keeps_a_call_longer_than_its_lease(engine, brand_a):
    """The suite's lease is 6 s; this call takes 9: the worker's heartbeat renews the lease, so
    the sweeper never takes the target back and nothing is sent a second time."""
    from tests.networks.servers.mastodon import MastodonServer

    with MastodonServer() as server:
        server.fail_next(200, path="/api/v1/statuses", delay=9)
        post = approved_post(brand_a, [mastodon_account_for(brand_a, server)], text="Slow but alive")
        engine.start_worker(HTTP_READ_TIMEOUT="20")
        engine.start_beat()
        wait_for(lambda: published(post), timeout=40, message=lambda: engine.log("worker"))
        target = post.targets.get()
        assert target.attempts == 1
        assert len(server.requests_to("POST", "/api/v1/statuses")) == 1
