"""The SSRF guard's judgement of addresses, form by form. Nothing here opens a connection: the
check is called with literal addresses, and name resolution is made numeric-only (no DNS query
can leave the machine, a name that is not an address fails at once)."""

import socket

import pytest

from networks import http

NOT_PUBLIC = [
    # IPv4
    "127.0.0.1",
    "127.255.255.254",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.0.10",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "255.255.255.255",
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "192.0.0.8",  # IETF protocol assignments
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "192.88.99.1",  # 6to4 relay anycast
    # IPv6 of its own
    "::1",
    "::",  # unspecified
    "fe80::1",  # link-local
    "fe80::1%eth0",
    "fec0::1",  # site-local (deprecated, still routed inside some networks)
    "feff::1",
    "fc00::1",  # unique-local
    "fd12:3456:789a::1",
    "ff02::1",  # multicast
    "ff0e::1",
    "100::1",  # discard
    "2001:db8::1",  # documentation
    "3fff::1",  # documentation (RFC 9637)
    "2001:20::1",  # ORCHIDv2
    # IPv6 forms that carry an IPv4 address
    "::127.0.0.1",  # IPv4-compatible
    "::10.0.0.1",
    "::8.8.8.8",  # IPv4-compatible is deprecated: refused even for a public address
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "0:0:0:0:0:ffff:7f00:1",
    "::ffff:0:127.0.0.1",  # IPv4-translated (RFC 2765)
    "1::ffff:7f00:1",  # "mapped" behind a non-zero prefix
    "::1:ffff:7f00:1",
    "ffff::ffff:7f00:1",
    "2001:db8::ffff:7f00:1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "2002:808:808::1",  # 6to4 of a public address: refused as a whole
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::127.0.0.1",
    "64:ff9b::a00:1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata address
    "64:ff9b:1::7f00:1",  # local-use NAT64 (RFC 8215)
    "64:ff9b:1:ffff::1",
    "64:ff9b:1::808:808",
    "2001::1",  # Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    # not an address at all
    "",
    "localhost",
    "1.2.3.4.5",
]

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "2606:4700::1111",
    "2001:4860:4860::8888",
    "2620:fe::fe",
    "::ffff:8.8.8.8",  # IPv4-mapped public: judged as 8.8.8.8
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8: how an IPv6-only server reaches IPv4 hosts
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_every_private_local_or_embedding_form_is_not_public(address):
    assert http.is_public_address(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_public(address):
    assert http.is_public_address(address) is True


@pytest.fixture
def numeric_resolution_only(settings, monkeypatch):
    """Production's guard (no allowed private host) with a resolver that never asks DNS."""
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []
    real_getaddrinfo = socket.getaddrinfo

    def numeric(host, port, family=0, type=0, proto=0, flags=0):
        return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", numeric)


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",
        "http://0x7f000001/",
        "http://017700000001/",  # octal
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://[::ffff:7f00:1]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
        "http://[2002:a9fe:a9fe::]/",
        "http://[fec0::1]:8080/",
        "https://[fe80::1]/",
    ],
)
def test_urls_whose_host_is_a_private_address_in_any_spelling_are_refused(numeric_resolution_only, url):
    with pytest.raises(http.UnsafeHost) as caught:
        http.check_public_url(url)
    assert "private or local" in caught.value.message


def test_every_address_a_name_resolves_to_is_checked(settings, monkeypatch):
    """One public and one private record: refused as a whole (the connection could take either)."""
    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []

    def two_records(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_records)
    with pytest.raises(http.UnsafeHost):
        http.check_public_url("https://mixed.example/")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org:65536/",
        "https://example.org:99999/",
        "https://example.org:0/",
        "https://example.org:-1/",
        "https://example.org:http/",
        "https://[",
        "http://[::1",
        "https://[not-an-address]/",
    ],
)
def test_a_url_with_an_impossible_port_or_host_is_refused_with_a_message(numeric_resolution_only, url):
    with pytest.raises(http.UnsafeHost) as caught:
        http.check_public_url(url)
    assert "port" in caught.value.message or "host" in caught.value.message
