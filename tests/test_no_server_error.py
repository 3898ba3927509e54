"""No input gives a 500: every URL pattern of the project, with extreme path and query values.

The resolver is walked (every include, the admin and the API too), so a new URL is covered the
day it is added. Each pattern is called as the brand's owner and as an anonymous visitor: GET
with extreme query strings, POST (and PUT/PATCH for the API) with empty, garbage and malformed
bodies, and every path argument replaced in turn by values beyond 64 bits, negative, huge,
non-ASCII or with a NUL byte. Any answer is fine but a 5xx (or an exception). PostgreSQL raises
on integers beyond bigint and on NUL bytes where SQLite does not: the suite runs on both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from rest_framework.throttling import SimpleRateThrottle

from tests.test_permission_matrix import CASES

# --- the patterns ---------------------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def _routes(resolver=None, prefix: str = "", namespace: str = ""):
    """(route, url name) of every pattern, includes flattened; regex patterns lose ^ and $."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if isinstance(entry.pattern, RegexPattern):
            route = route.removeprefix("^").removesuffix("$").replace("\\", "")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            yield prefix + route, f"{namespace}{entry.name or ''}"


ROUTES = sorted(set(_routes()))


def _arguments(route: str) -> list[str]:
    return [m["name"] or m["group"] for m in _PLACEHOLDER.finditer(route)]


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + _PLACEHOLDER.sub(lambda m: values.get(m["name"] or m["group"], "1"), route)


# --- the values -----------------------------------------------------------------------------------
BIG = str(2**64)
PATH_VALUES = [
    "0",
    "-1",
    str(2**63),  # one more than bigint
    BIG,
    "9" * 400,
    "²",  # str.isdigit() says yes, int() says no
    "x" * 3000,
    quote("é\u202e😀"),
    "%00",
    "%2e%2e",
    "[",
]
HIGH = {
    "page": str(10**30),
    "p": str(10**30),
    "start": "9999-12-31",
    "end": "9999-12-31T23:59:59",
    "at": "9999-12-31T23:59",
    "date": "9999-12-31",
    "scheduled_after": "9999-12-31T23:59:59+14:00",
    "scheduled_before": "9999-12-31T23:59:59-12:00",
    "month": "13",
    "year": "10000",
    "account": BIG,
    "campaign": BIG,
    "author": BIG,
    "id": BIG,
    "pk": BIG,
    "version": BIG,
    "limit": BIG,
    "offset": BIG,
}
LOW = {
    **dict.fromkeys(HIGH, "-1"),
    "start": "0001-01-01",
    "end": "0001-01-01T00:00:00",
    "at": "0001-01-01T00:00",
    "date": "0001-01-01",
    "scheduled_after": "0001-01-01T00:00:00+14:00",
    "scheduled_before": "0001-01-01T00:00:00-12:00",
    "month": "0",
    "year": "0",
}
WORDS = ["view", "state", "status", "q", "only", "code", "next", "network", "unscheduled", "format", "error"]
GARBAGE = dict.fromkeys([*HIGH, *WORDS], "\x00²[é😀")
LONG = dict.fromkeys([*HIGH, *WORDS], "9" * 5000)
QUERIES = [HIGH, LOW, GARBAGE, LONG]

# Form fields the pages take, with values a form must refuse cleanly (not crash on).
FORM_FIELDS = {
    "text": "\x00",
    "day": "0001-01-01",
    "at": "99:99",
    "scheduled_at": "9999-12-31T23:59",
    "resume_at": "0001-01-01T00:00",
    "starts_on": "0001-01-01",
    "ends_on": "9999-12-31",
    "start": "9999-12-31",
    "end": "0001-01-01",
    "campaign": BIG,
    "account": BIG,
    "accounts": BIG,
    "media_ids": f"{BIG},-1,²",
    "version": BIG,
    "weekday": BIG,
    "local_time": "25:61",
    "instance_url": "https://example.org:99999/",
    "url": "http://[",
    "webhook_url": "https://discord.com:70000/api/webhooks/1/x",
    "service_url": "https://[::1",
    "name": "\x00",
    "title": "\x00",
    "email": "a@b\x00.example",
    "role": "\x00",
    "time_zone": "Mars/Olympus",
    "language": "\x00",
    "action": "\x00",
    "published": "yes",
    "colour": "\x00",
    "next": "javascript:alert(1)",
}
EXTREME_FORMS = [FORM_FIELDS, dict.fromkeys(FORM_FIELDS, "9" * 5000), dict.fromkeys(FORM_FIELDS, "-1")]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


JSON_BODIES = [
    _nested(10_000),
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    "[1, 2]",
    '"text"',
    "12",
    "null",
    "{not json",
    json.dumps(FORM_FIELDS),
    json.dumps({"scheduled_at": "9999-12-31T23:59:59Z", "version": 1, "targets": [{"account": 2**64}]}),
    json.dumps({"url": "https://example.org:65536/", "events": ["post.published"]}),
    json.dumps({"network": "mastodon", "data": {"instance_url": "https://[", "access_token": "x"}}),
]


# --- the fixtures ---------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    # Hundreds of calls per test are the point here; 429 has its own test.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})


@pytest.fixture(autouse=True)
def _media_folder(settings):
    """As on a running site: a long name under an existing folder raises ENAMETOOLONG, not ENOENT."""
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)


DEFAULTS = {
    "brand_slug": "brand-a",
    "slug": "brand-a",
    "network": "mastodon",
    "action": "submit",
    "token": "x",
    "uidb64": "MQ",
    "pk": "1",
    "object_id": "1",
    "app_label": "accounts",
    "path": "x",
}


def _valid_arguments(url_name: str, brand, people) -> dict[str, str]:
    """The arguments that reach the view: the permission matrix's objects where it has a row."""
    values = dict(DEFAULTS)
    for case in CASES:
        if case.url_name == url_name:
            values.update({key: str(value) for key, value in case.kwargs(brand, people).items()})
            break
    return values


class Probe:
    """Sends the requests, keeps every failure: one test run lists them all.

    /healthz answers 503 by design when beat and the workers are not running (as here).
    """

    def __init__(self, url_name: str):
        self.failures: list[str] = []
        self.worst_allowed = 503 if url_name == "healthz" else 499

    def send(self, client: Client, method: str, url: str, **kwargs) -> None:
        try:
            status = getattr(client, method)(url, **kwargs).status_code
        except Exception as error:  # noqa: BLE001 - reported with the request that raised it
            status = f"{type(error).__name__}: {str(error)[:200]}"
        if not isinstance(status, int) or status > self.worst_allowed:
            self.failures.append(f"{method.upper()} {url[:120]} {str(kwargs)[:160]} -> {status}")

    def assert_clean(self) -> None:
        assert not self.failures, f"{len(self.failures)} failures:\n" + "\n".join(self.failures[:40])


def _clients(owner) -> list[Client]:
    signed_in = Client(raise_request_exception=True)
    signed_in.force_login(owner)
    return [signed_in, Client(raise_request_exception=True)]


# --- the tests ------------------------------------------------------------------------------------
def test_the_walk_sees_every_app():
    names = {name.split(":")[0] for _, name in ROUTES if ":" in name}
    assert {"accounts", "networks", "posts", "publishing", "calendars", "api", "api_tokens", "admin"} <= names
    assert len(ROUTES) > 100


@pytest.mark.parametrize(("route", "url_name"), ROUTES, ids=[route or "/" for route, _ in ROUTES])
def test_no_path_value_gives_a_server_error(route, url_name, brand_a, people):
    valid = _valid_arguments(url_name, brand_a, people)
    arguments = _arguments(route)
    probe = Probe(url_name)
    for client in _clients(people["owner"]):
        for argument in arguments:
            for value in PATH_VALUES:
                url = _fill(route, {**valid, argument: value})
                probe.send(client, "get", url)
                probe.send(client, "post", url)
        if arguments:
            probe.send(client, "get", _fill(route, dict.fromkeys(valid, BIG)))
    probe.assert_clean()


@pytest.mark.parametrize(("route", "url_name"), ROUTES, ids=[route or "/" for route, _ in ROUTES])
def test_no_query_or_body_gives_a_server_error(route, url_name, brand_a, people):
    url = _fill(route, _valid_arguments(url_name, brand_a, people))
    probe = Probe(url_name)
    for client in _clients(people["owner"]):
        for query in QUERIES:
            probe.send(client, "get", url, data=query)
        probe.send(client, "get", url, data={"account": ["1", BIG, "-1", "²"], "status": ["x", "\x00"]})
        for form in EXTREME_FORMS:
            probe.send(client, "post", url, data=form)
        probe.send(client, "post", url)
        if url.startswith("/api/"):
            for body in JSON_BODIES:
                for method in ("post", "put", "patch"):
                    probe.send(client, method, url, data=body, content_type="application/json")
    probe.assert_clean()
