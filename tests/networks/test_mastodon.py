"""The Mastodon adapter against the local Mastodon server: assertions on what the server received."""

import uuid
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP

import pytest

from networks.base import ErrorKind, MediaFile, PublishError
from networks.mastodon.adapter import MastodonAdapter
from tests.factories import NetworkAccountFactory
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.servers.mastodon import MastodonServer
from tests.networks.servers.receiver import closed_port

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def fast_polling(monkeypatch):
    monkeypatch.setattr(MastodonAdapter, "poll_interval", 0.01)


def connect_account(brand, server: MastodonServer, token: str | None = None):
    connection = MastodonAdapter.connect({"instance_url": server.url, "access_token": token or server.token})
    return NetworkAccountFactory(
        brand=brand,
        network="mastodon",
        display_name=connection.display_name,
        handle=connection.handle,
        credentials=connection.credentials,
        config=connection.config,
    )


def media_file(tmp_path, name="photo.png", content_type="image/png", alt="A red bicycle against a wall"):
    path = tmp_path / name
    path.write_bytes(PNG)
    return MediaFile(name=name, content_type=content_type, size=len(PNG), alt_text=alt, path=str(path))


def multipart_fields(request) -> dict:
    head = f"Content-Type: {request.header('Content-Type')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }


class TestMastodonContract(AdapterContract):
    network = "mastodon"

    @pytest.fixture
    def contract(self, brand_a, mastodon_server, settings):
        settings.HTTP_TIMEOUT = (2.0, 0.5)
        account = connect_account(brand_a, mastodon_server)
        statuses = "/api/v1/statuses"
        return ContractSetup(
            account=account,
            published_count=lambda: mastodon_server.statuses_created,
            failures={
                ErrorKind.RETRY: lambda: mastodon_server.fail_next(503, path=statuses),
                ErrorKind.RECONNECT: lambda: mastodon_server.fail_next(401, path=statuses),
                ErrorKind.REJECTED: lambda: mastodon_server.fail_next(422, path=statuses),
                ErrorKind.UNKNOWN: lambda: mastodon_server.fail_next(200, path=statuses, delay=1.5),
            },
            secrets=[mastodon_server.token],
        )


@pytest.fixture
def account(brand_a, mastodon_server):
    return connect_account(brand_a, mastodon_server)


def test_media_go_first_with_their_alt_text_then_the_status_names_them(account, mastodon_server, tmp_path):
    photos = [media_file(tmp_path, "one.png", alt="First photo"), media_file(tmp_path, "two.png", alt="Second photo")]

    result = account.adapter().publish(text="Two photos", media=photos, key=uuid.uuid4().hex)

    calls = [(r.method, r.path) for r in mastodon_server.requests if r.path != "/api/v2/instance"]
    assert calls[-3:] == [("POST", "/api/v2/media"), ("POST", "/api/v2/media"), ("POST", "/api/v1/statuses")]
    uploads = mastodon_server.requests_to("POST", "/api/v2/media")
    # Uploaded at once, so in any order; the status names them in the post's order.
    assert sorted(multipart_fields(u)["description"] for u in uploads) == [b"First photo", b"Second photo"]
    assert all(multipart_fields(upload)["file"] == PNG for upload in uploads)
    status = mastodon_server.statuses[0]
    assert [m["description"] for m in status["media_attachments"]] == ["First photo", "Second photo"]
    assert result.url == status["url"] and result.remote_id == status["id"]


def test_media_still_processing_is_polled_until_ready_before_the_status(account, mastodon_server, tmp_path):
    clip = media_file(tmp_path, "clip.mp4", content_type="video/mp4", alt="A short clip")

    account.adapter().publish(text="A video", media=[clip], key=uuid.uuid4().hex)

    upload = mastodon_server.requests_to("POST", "/api/v2/media")
    polls = mastodon_server.requests_to("GET", "/api/v1/media/")
    assert len(upload) == 1 and len(polls) == 3  # 206, 206, then 200
    assert mastodon_server.requests.index(polls[-1]) < mastodon_server.requests.index(
        mastodon_server.requests_to("POST", "/api/v1/statuses")[0]
    )
    assert mastodon_server.statuses_created == 1


def test_a_repeat_sends_the_same_idempotency_key_and_makes_one_status(account, mastodon_server):
    key = uuid.uuid4().hex
    first = account.adapter().publish(text="Once", media=[], key=key)
    again = account.adapter().publish(text="Once", media=[], key=key)

    sent_keys = [r.header("Idempotency-Key") for r in mastodon_server.requests_to("POST", "/api/v1/statuses")]
    assert sent_keys == [key, key]
    assert again.remote_id == first.remote_id
    assert mastodon_server.statuses_created == 1


def test_a_422_is_rejected_with_the_servers_words(account, mastodon_server):
    with pytest.raises(PublishError) as caught:
        # Past the instance's limit on purpose: the server, not validate(), refuses it here.
        account.adapter().publish(text="x" * 501, media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.REJECTED
    assert "Text character limit of 500 exceeded" in caught.value.message


def test_a_429_retries_after_the_reset_time_the_server_gave(account, mastodon_server):
    mastodon_server.fail_next(429, path="/api/v1/statuses", reset_in=120)
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hello", media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.RETRY
    assert 110 <= caught.value.retry_after <= 121


def test_a_revoked_token_asks_for_reconnection(account, mastodon_server):
    mastodon_server.revoke(mastodon_server.token)
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hello", media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.RECONNECT
    assert "reconnect" in caught.value.message
    assert mastodon_server.token not in caught.value.message


def test_a_server_error_is_retried(account, mastodon_server):
    mastodon_server.fail_next(502, path="/api/v1/statuses")
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hello", media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.RETRY


def test_no_answer_after_sending_is_unknown_and_a_retry_with_the_key_finds_the_status(
    account, mastodon_server, settings
):
    settings.HTTP_TIMEOUT = (2.0, 0.5)
    key = uuid.uuid4().hex
    mastodon_server.fail_next(200, path="/api/v1/statuses", delay=1.5)
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Slow", media=[], key=key)
    assert caught.value.kind == ErrorKind.UNKNOWN

    retried = account.adapter().publish(text="Slow", media=[], key=key)
    assert mastodon_server.statuses_created == 1
    assert retried.remote_id == mastodon_server.statuses[0]["id"]


def test_a_connection_refused_before_sending_is_retried(account):
    account.config["instance_url"] = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hello", media=[], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.RETRY


def test_limits_come_from_the_instance(brand_a):
    with MastodonServer(max_characters=1000, characters_reserved_per_url=30) as server:
        account = connect_account(brand_a, server)
    adapter = account.adapter()
    limits = adapter.get_limits()
    assert (limits.max_chars, limits.url_weight) == (1000, 30)
    assert adapter.validate("a" * 1000, []) == []
    assert adapter.count_text("See https://example.com/a/very/long/path/indeed", limits) == 4 + 30
    assert [p.code for p in adapter.validate("a" * 1001, [])] == ["text_too_long"]


def test_a_mention_counts_only_its_user_part(account):
    limits = account.adapter().get_limits()
    assert account.adapter().count_text("@alice@example.social hi", limits) == len("@alice hi")


def test_the_rate_limit_reset_in_the_past_still_waits_a_little(account, mastodon_server):
    past = datetime(2020, 1, 1, tzinfo=UTC).isoformat().replace("+00:00", "Z")
    mastodon_server.fail_next(429, path="/api/v1/statuses", headers={"X-RateLimit-Reset": past})
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hello", media=[], key=uuid.uuid4().hex)
    assert caught.value.retry_after == 1.0


def test_a_video_goes_alone(account, tmp_path):
    clip = media_file(tmp_path, "clip.mp4", content_type="video/mp4")
    photo = media_file(tmp_path, "photo.png")
    assert [p.code for p in account.adapter().validate("Hi", [clip, photo])] == ["video_not_alone"]
    assert account.adapter().validate("Hi", [clip]) == []


def test_a_file_mastodon_cannot_read_is_rejected_with_its_words_and_nothing_is_posted(
    account, mastodon_server, tmp_path
):
    notes = media_file(tmp_path, "notes.txt", content_type="text/plain")
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="With a file", media=[notes], key=uuid.uuid4().hex)
    assert caught.value.kind == ErrorKind.REJECTED
    assert "File content type is invalid" in caught.value.message
    assert mastodon_server.requests_to("POST", "/api/v1/statuses") == []
