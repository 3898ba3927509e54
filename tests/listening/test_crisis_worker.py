"""A holding statement with the real engine: `celery worker` and `celery beat` processes, a local
Mastodon, the worker SIGKILLed while the network holds the statement's request."""

import time

import pytest

from listening import crisis
from posts.models import PostTarget, TargetState
from tests.networks.servers.mastodon import MastodonServer
from tests.publishing.conftest import approved_post, engine, mastodon_account_for, wait_for  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_statement_goes_out_once_through_the_pause_though_its_worker_was_killed_mid_call(
    engine,  # noqa: F811
    brand_a,
    editor,
    manager,
):
    with MastodonServer(latency=3) as server:
        account = mastodon_account_for(brand_a, server)
        planned = approved_post(brand_a, [account], text="Notre nouvelle collection")
        incident = crisis.incident_open(brand=brand_a, user=manager, title="Rappel", words="lampe")
        statement = crisis.statement_write(incident=incident, user=editor, text="Nous analysons la situation.")
        post = crisis.statement_approve(statement=statement, user=manager, accounts=[account])
        target = post.targets.get()
        engine.start_worker()
        engine.start_beat()

        # The worker marked the call and the request is at the network, which takes 3 s to answer.
        wait_for(
            lambda: PostTarget.objects.get(pk=target.pk).called_at is not None,
            timeout=30,
            message=lambda: engine.log("worker"),
        )
        time.sleep(0.5)
        engine.kill("worker")
        server.latency = 0
        wait_for(lambda: server.statuses_created == 1, timeout=10, message="the network never got the statement")
        engine.start_worker()

        wait_for(
            lambda: PostTarget.objects.get(pk=target.pk).state == TargetState.PUBLISHED,
            timeout=45,
            message=lambda: engine.log("worker"),
        )
        assert [status["text"] for status in server.statuses] == ["Nous analysons la situation."]
        keys = [request.header("Idempotency-Key") for request in server.requests_to("POST", "/api/v1/statuses")]
        assert len(keys) >= 2 and set(keys) == {target.key}, "sent again, with the same key"
        assert planned.targets.get().state == TargetState.PENDING, "the pause still holds the planned post"
