"""The local Mastodon server itself behaves as documented (other tests and the engine rely on it)."""

import requests

from tests.networks.servers.mastodon import MastodonServer


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_an_idempotency_key_returns_the_first_status(mastodon_server):
    headers = {**_auth(mastodon_server.token), "Idempotency-Key": "k1"}
    first = requests.post(f"{mastodon_server.url}/api/v1/statuses", json={"status": "Hi"}, headers=headers, timeout=5)
    again = requests.post(f"{mastodon_server.url}/api/v1/statuses", json={"status": "Hi"}, headers=headers, timeout=5)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert mastodon_server.statuses_created == 1


def test_processing_media_answers_202_then_206_then_200(mastodon_server):
    files = {"file": ("clip.mp4", b"\x00" * 10, "video/mp4")}
    upload = requests.post(
        f"{mastodon_server.url}/api/v2/media", files=files, headers=_auth(mastodon_server.token), timeout=5
    )
    assert upload.status_code == 202 and upload.json()["url"] is None
    poll = f"{mastodon_server.url}/api/v1/media/{upload.json()['id']}"
    codes = [requests.get(poll, headers=_auth(mastodon_server.token), timeout=5).status_code for _ in range(3)]
    assert codes == [206, 206, 200]


def test_a_revoked_token_gets_401_with_mastodons_message(mastodon_server):
    mastodon_server.revoke(mastodon_server.token)
    answer = requests.get(
        f"{mastodon_server.url}/api/v1/accounts/verify_credentials", headers=_auth(mastodon_server.token), timeout=5
    )
    assert answer.status_code == 401
    assert answer.json() == {"error": "The access token is invalid"}


def test_a_forced_429_carries_an_iso_reset_time_and_is_used_once(mastodon_server):
    mastodon_server.fail_next(429, path="/api/v2/instance", reset_in=30)
    limited = requests.get(f"{mastodon_server.url}/api/v2/instance", timeout=5)
    assert limited.status_code == 429
    assert limited.headers["X-RateLimit-Reset"].endswith("Z")
    assert requests.get(f"{mastodon_server.url}/api/v2/instance", timeout=5).status_code == 200


def test_latency_and_the_request_log():
    with MastodonServer(latency=0.2) as server:
        answer = requests.get(f"{server.url}/api/v2/instance", timeout=5)
        assert answer.elapsed.total_seconds() >= 0.2
        assert [(r.method, r.path) for r in server.requests] == [("GET", "/api/v2/instance")]
