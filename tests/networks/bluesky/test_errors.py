"""How the Bluesky adapter maps failures a real PDS rarely shows on demand (rate limits, 5xx,
413, a time-out after sending), against a small XRPC server on 127.0.0.1 answering canned
responses. The real PDS covers the rest (test_bluesky.py).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from PIL import Image

from networks.base import ConnectError, ErrorKind, MediaFile, PublishError
from networks.bluesky.adapter import BlueskyAdapter
from networks.models import NetworkAccount

ACCESS_TOKEN = "access-token-never-shown-6d1f"


class CannedPds(ThreadingHTTPServer):
    """Answers XRPC calls by method name: `answers[nsid] = (status, headers, body, delay)`.

    getRecord answers RecordNotFound unless told otherwise, so publish() goes on to post.
    """

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CannedHandler)
        self.answers: dict[str, tuple[int, dict, dict, float]] = {
            "com.atproto.repo.getRecord": (400, {}, {"error": "RecordNotFound", "message": "Could not locate"}, 0),
        }
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class CannedHandler(BaseHTTPRequestHandler):
    server: CannedPds

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        nsid = urlsplit(self.path).path.removeprefix("/xrpc/")
        self.server.requests.append(nsid)
        status, headers, body, delay = self.server.answers.get(nsid, (200, {}, {}, 0))
        time.sleep(delay)
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: what the time-out tests want

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self._answer()

    def log_message(self, *args):
        pass


@pytest.fixture
def canned():
    server = CannedPds()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def adapter(canned):
    account = NetworkAccount(
        network="bluesky",
        credentials={"accessJwt": ACCESS_TOKEN, "refreshJwt": "refresh-token-4410", "did": "did:plc:desk"},
        config={"service": canned.url, "pds": canned.url, "handle": "desk.test"},
    )
    return account.adapter()


def publish_error(adapter, media=()) -> PublishError:
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Bonjour", media=list(media), key="k1")
    assert ACCESS_TOKEN not in caught.value.message
    return caught.value


def test_429_means_retry_after_the_rate_limit_reset(canned, adapter):
    reset = str(int(time.time()) + 120)
    canned.answers["com.atproto.repo.createRecord"] = (
        429,
        {"RateLimit-Reset": reset},
        {"error": "RateLimitExceeded"},
        0,
    )
    error = publish_error(adapter)
    assert error.kind == ErrorKind.RETRY
    assert 100 < error.retry_after <= 120


def test_a_server_error_means_retry(canned, adapter):
    canned.answers["com.atproto.repo.createRecord"] = (502, {}, {"error": "UpstreamFailure"}, 0)
    assert publish_error(adapter).kind == ErrorKind.RETRY


def test_an_invalid_request_is_rejected_with_the_networks_reason(canned, adapter):
    canned.answers["com.atproto.repo.createRecord"] = (400, {}, {"error": "InvalidRequest", "message": "Bad embed"}, 0)
    error = publish_error(adapter)
    assert error.kind == ErrorKind.REJECTED
    assert "Bad embed" in error.message


@pytest.fixture
def tiny_gif(tmp_path) -> MediaFile:
    path = tmp_path / "p.gif"
    Image.new("RGB", (3, 2), "red").save(path, "GIF")
    return MediaFile(name="p.gif", content_type="image/gif", size=path.stat().st_size, path=str(path))


def test_an_image_refused_as_too_large_is_rejected(canned, adapter, tiny_gif):
    canned.answers["com.atproto.repo.uploadBlob"] = (413, {}, {"error": "PayloadTooLarge"}, 0)
    assert publish_error(adapter, [tiny_gif]).kind == ErrorKind.REJECTED
    assert "com.atproto.repo.createRecord" not in canned.requests


def test_authentication_required_means_reconnect(canned, adapter):
    canned.answers["com.atproto.repo.createRecord"] = (401, {}, {"error": "AuthenticationRequired"}, 0)
    assert publish_error(adapter).kind == ErrorKind.RECONNECT


@override_settings(HTTP_TIMEOUT=(2.0, 0.5))
def test_no_answer_after_the_post_was_sent_is_an_unknown_outcome(canned, adapter):
    canned.answers["com.atproto.repo.createRecord"] = (200, {}, {}, 1.5)
    assert publish_error(adapter).kind == ErrorKind.UNKNOWN


@override_settings(HTTP_TIMEOUT=(2.0, 0.5))
def test_no_answer_before_anything_was_posted_means_retry(canned, adapter, tiny_gif):
    canned.answers["com.atproto.repo.uploadBlob"] = (200, {}, {}, 1.5)
    assert publish_error(adapter, [tiny_gif]).kind == ErrorKind.RETRY
    assert "com.atproto.repo.createRecord" not in canned.requests


def test_a_failed_look_up_for_a_repeat_does_not_stop_the_post(canned, adapter):
    """The look-up only saves uploads: createRecord refuses a second record with the rkey."""
    canned.answers["com.atproto.repo.getRecord"] = (502, {}, {"error": "UpstreamFailure"}, 0)
    result = adapter.publish(text="Bonjour", media=[], key="k1")
    assert result.url.startswith("https://bsky.app/profile/desk.test/post/")
    get, create = "com.atproto.repo.getRecord", "com.atproto.repo.createRecord"
    assert canned.requests == [get, create, get]  # look up, post, read back (which fails too)


def test_a_post_the_pds_does_not_show_after_creating_it_is_an_unknown_outcome(canned, adapter):
    """createRecord said yes, the read-back finds nothing (getRecord answers RecordNotFound)."""
    error = publish_error(adapter)
    assert error.kind == ErrorKind.UNKNOWN
    assert canned.requests[-2:] == ["com.atproto.repo.createRecord", "com.atproto.repo.getRecord"]


def test_a_did_document_naming_a_private_pds_is_refused_when_connecting(canned):
    """The service answers for the account, but the PDS it names is for the SSRF guard to judge."""
    did_doc = {
        "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "http://10.1.2.3"}]
    }
    session = {"accessJwt": "a", "refreshJwt": "r", "did": "did:plc:desk", "handle": "desk.test", "didDoc": did_doc}
    canned.answers["com.atproto.server.createSession"] = (200, {}, session, 0)
    data = {"identifier": "desk.test", "app_password": "abcd-efgh-ijkl-mnop", "service_url": canned.url}

    with override_settings(NETWORKS_ALLOWED_PRIVATE_HOSTS=["127.0.0.1"]), pytest.raises(ConnectError) as caught:
        BlueskyAdapter.connect(data)
    assert "10.1.2.3" in caught.value.message
    assert canned.requests == ["com.atproto.server.createSession"]


def test_an_account_whose_pds_became_private_asks_for_a_reconnection(adapter):
    adapter.account.config["pds"] = "http://10.1.2.3"
    error = publish_error(adapter)
    assert error.kind == ErrorKind.RECONNECT
    assert "10.1.2.3" in error.message
