"""The one HTTP helper: the SSRF guard, redirects, and telling "not sent" from "no answer"."""

import socket

import pytest
import requests

from networks import http
from tests.networks.servers.receiver import Receiver, closed_port


@pytest.fixture
def production_like(settings):
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []
    return settings


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/",
        "https://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "http://[64:ff9b::7f00:1]/",  # loopback behind NAT64
        "http://0.0.0.0/",
        "http://100.64.0.1/",  # carrier-grade NAT
    ],
)
def test_private_and_local_addresses_are_refused(production_like, url):
    with pytest.raises(http.UnsafeHost) as caught:
        http.check_public_url(url)
    assert "private or local" in caught.value.message


@pytest.mark.parametrize("url", ["ftp://example.com/", "https:///nohost", "javascript:alert(1)"])
def test_addresses_that_are_not_http_are_refused(production_like, url):
    with pytest.raises(http.UnsafeHost):
        http.check_public_url(url)


def test_a_public_address_passes(production_like):
    http.check_public_url("https://93.184.215.14/")
    http.check_public_url("https://[2606:4700::1111]/")


def test_listed_hosts_are_allowed(settings):
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1", "intranet.local"]
    http.check_public_url("http://127.0.0.1:9000/hook")
    with pytest.raises(http.UnsafeHost):
        http.check_public_url("http://10.0.0.1/")


def test_a_redirect_to_a_private_host_is_not_followed(settings):
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]

    def to_metadata(request):
        return 302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""

    with Receiver(to_metadata) as site:
        with pytest.raises(http.UnsafeHost):
            http.request("GET", f"{site.url}/start", user_typed_host=True, allow_redirects=True)
        assert len(site.received) == 1


def test_a_post_is_never_re_sent_to_a_redirect(settings):
    with Receiver(lambda request: (307, {"Location": "/elsewhere"}, b"")) as site:
        answer = http.request("POST", f"{site.url}/hook", data=b"{}", allow_redirects=True)
        assert answer.status_code == 307
        assert [r.path for r in site.received] == ["/hook"]


def test_redirects_between_allowed_hosts_are_followed(settings):
    with Receiver(lambda r: (302, {"Location": "/b"}, b"") if r.path == "/a" else (200, {}, b"here")) as site:
        answer = http.request("GET", f"{site.url}/a", user_typed_host=True, allow_redirects=True)
        assert answer.text == "here"


def test_a_refused_connection_was_not_sent_a_read_timeout_was(settings):
    with pytest.raises(requests.RequestException) as refused:
        http.request("POST", f"http://127.0.0.1:{closed_port()}/", data=b"x")
    assert http.was_sent(refused.value) is False

    with Receiver(lambda r: (200, {}, b""), delay=1.0) as slow, pytest.raises(requests.RequestException) as timed_out:
        http.request("POST", slow.url, data=b"x", timeout=(2, 0.2))
    assert http.was_sent(timed_out.value) is True


def test_every_request_says_who_we_are(settings):
    with Receiver(lambda r: (200, {}, b"")) as site:
        http.request("GET", site.url)
        assert site.received[0].header("User-Agent") == settings.HTTP_USER_AGENT


def test_a_name_that_turns_private_after_the_check_is_not_connected_to(production_like, monkeypatch):
    """DNS rebinding: the first answer is public, the next one (at connect time) is loopback."""
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.215.14", "127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    with Receiver(lambda r: (200, {}, b"secret metadata")) as local:
        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        port = local.url.rsplit(":", 1)[1]
        with pytest.raises(http.UnsafeHost):
            http.request("GET", f"http://rebind.example:{port}/", user_typed_host=True)
        assert local.received == []


def test_the_pinned_connection_still_reaches_an_allowed_host(settings):
    with Receiver(lambda r: (200, {}, b"ok")) as local:
        assert http.request("GET", local.url, user_typed_host=True).text == "ok"
        assert local.received[0].header("Host") == local.url.removeprefix("http://")
