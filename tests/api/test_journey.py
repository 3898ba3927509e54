"""The whole journey through the API, with the real worker: tokens from the management command,
an image upload, a post for the web feed, review and approval, publication by `celery worker` +
`celery beat` subprocesses, the published address read back, and the brand's webhook told."""

import json
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from cm_platform.models import Heartbeat
from networks import signing
from tests.api import builders as b
from tests.networks.servers.receiver import Receiver
from tests.publishing.conftest import Engine, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def engine(tmp_path):
    engine = Engine(tmp_path)
    yield engine
    engine.stop()


def _client_for(email: str, name: str) -> APIClient:
    out = StringIO()
    call_command("create_token", email, "--name", name, stdout=out, stderr=StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")
    return client


@pytest.fixture
def receiver():
    with Receiver(lambda request: (204, {}, b"")) as server:
        yield server


def test_a_script_plans_a_post_that_a_manager_approves_and_the_worker_publishes(engine, receiver, brand_a, people):
    owner = _client_for(people["owner"].email, "setup script")
    editor = _client_for(people["editor"].email, "spreadsheet")
    manager = _client_for(people["manager"].email, "approvals")
    base = "/api/brands/brand-a"

    hook = owner.post(f"{base}/webhooks/", {"url": f"{receiver.url}/desk", "events": ["post.published"]}, format="json")
    assert hook.status_code == 201, hook.content
    feed = owner.post(f"{base}/accounts/", {"network": "webfeed", "data": {"title": "Actualités"}}, format="json")
    assert feed.status_code == 201, feed.content
    image = editor.post(f"{base}/media/", {"file": b.png_upload(), "alt_text": "Un carré rouge"}, format="multipart")
    assert image.status_code == 201, image.content
    created = editor.post(
        f"{base}/posts/",
        {
            "text": "Nos soldes commencent !",
            "targets": [{"account": feed.json()["id"]}],
            "media": [image.json()["id"]],
            "scheduled_at": b.soon(hours=0),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    post_url = f"{base}/posts/{created.json()['id']}/"
    assert editor.post(f"{post_url}submit/").json()["state"] == "in_review"
    assert editor.post(f"{post_url}approve/").status_code == 403  # editors do not approve
    approved = manager.post(f"{post_url}approve/")
    assert approved.json()["state"] == "approved", approved.content

    engine.start_worker()
    engine.start_beat()
    wait_for(lambda: Heartbeat.age("dispatcher") is not None, timeout=90, message=lambda: engine.log("worker"))

    def published_target():
        target = editor.get(post_url).json()["targets"][0]
        return target if target["state"] == "published" else None

    target = wait_for(published_target, timeout=90, message=lambda: engine.log("worker"))
    assert editor.get(post_url).json()["status"] == "published"
    assert "/feeds/brand-a/" in target["remote_url"]
    page = APIClient().get(urlsplit(target["remote_url"]).path)
    assert page.status_code == 200
    assert "Nos soldes commencent !" in page.content.decode()

    # The worker also told the brand's webhook, signed with the secret shown at its creation.
    [announced] = wait_for(lambda: receiver.received, timeout=90, message=lambda: engine.log("worker"))
    secret = hook.json()["secret"]
    assert signing.verify(body=announced.body, secret=secret, headers=announced.headers, accept_once=lambda _id: True)
    document = json.loads(announced.body)
    assert (document["event"], document["target"]["remote_url"]) == ("post.published", target["remote_url"])
