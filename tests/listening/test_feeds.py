"""Feeds read from a real local site: RSS 2.0 and Atom, ETag/304, gzip, and every kind of bad feed
refused with a clear error on the source, nothing half-saved, the poller going on."""

import gzip

import pytest
from django.test import override_settings
from django.utils import translation

from core.sentiment import Label
from listening.models import Mention
from tests.listening.conftest import FEEDS, make_source, poll

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_rss2_items_found_by_a_search_are_stored_with_what_the_page_shows(feed_server, brand_a, acme):
    feed_server.put("/rss", FEEDS / "rss2.xml")
    source = make_source(brand_a, f"{feed_server.url}/rss")
    assert poll(source) == "stored"
    mentions = {m.remote_id: m for m in Mention.objects.filter(brand=brand_a)}
    assert set(mentions) == {"forum-123", "forum-124", "forum-126"}  # "Rien à voir" is not about Acme
    complaint = mentions["forum-123"]
    assert complaint.author == "Julie"
    assert complaint.language == "fr"
    assert complaint.sentiment == Label.NEGATIVE
    assert complaint.text == "Trois semaines sans réponse, je suis très déçu par Acme & son SAV."
    assert complaint.url == "https://forum.example/t/123?utm_source=rss"
    assert complaint.published_at.isoformat() == "2026-12-01T09:15:00+00:00"
    assert mentions["forum-124"].sentiment == Label.POSITIVE
    assert mentions["forum-126"].url == ""  # a javascript: link is not kept
    assert source.last_success_at is not None and source.last_error == ""


def test_atom_feed_and_the_same_page_from_two_sources_is_stored_once(feed_server, brand_a, acme):
    feed_server.put("/rss", FEEDS / "rss2.xml")
    feed_server.put("/atom", FEEDS / "atom.xml", content_type="application/atom+xml")
    poll(make_source(brand_a, f"{feed_server.url}/rss"))
    atom = make_source(brand_a, f"{feed_server.url}/atom", name="Atom")
    poll(atom)
    review = Mention.objects.get(remote_id="urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a")
    assert (review.author, review.language, review.sentiment) == ("Sam Reviewer", "en", Label.NEGATIVE)
    # https://www.forum.example/t/123/ is the forum's https://forum.example/t/123?utm_source=rss
    assert Mention.objects.filter(brand=brand_a).count() == 4


def test_second_read_sends_the_etag_and_a_304_stores_nothing(feed_server, brand_a, acme):
    feed_server.put("/rss", FEEDS / "rss2.xml", etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    source = make_source(brand_a, f"{feed_server.url}/rss")
    poll(source)
    assert (source.etag, source.last_modified) == ('"v1"', "Tue, 01 Dec 2026 10:00:00 GMT")
    assert poll(source) == "not_modified"
    second = feed_server.requests_to("GET", "/rss")[-1]
    assert second.header("If-None-Match") == '"v1"'
    assert second.header("If-Modified-Since") == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert Mention.objects.count() == 3
    assert source.etag == '"v1"' and source.last_error == ""


def test_gzip_feed_is_read(feed_server, brand_a, acme):
    feed_server.put("/rss", FEEDS / "rss2.xml", gzip=True)
    assert poll(make_source(brand_a, f"{feed_server.url}/rss")) == "stored"
    assert Mention.objects.count() == 3


def test_latin1_feed_is_read_with_its_accents(feed_server, brand_a, acme):
    feed_server.put("/latin", FEEDS / "latin1.xml", content_type="text/xml; charset=ISO-8859-1")
    poll(make_source(brand_a, f"{feed_server.url}/latin"))
    assert Mention.objects.get().title == "Acme au café : déçu"


def test_wrong_declared_encoding_is_still_read(feed_server, brand_a, acme):
    # The site says UTF-8 but sends Latin-1 bytes: feedparser falls back, the feed is not lost.
    feed_server.put("/latin", FEEDS / "latin1.xml", content_type="application/rss+xml; charset=utf-8")
    source = make_source(brand_a, f"{feed_server.url}/latin")
    assert poll(source) == "stored"
    assert Mention.objects.count() == 1


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda s: s.put("/f", FEEDS / "page.html", content_type="text/html"), "is a web page, not a feed"),
        (lambda s: s.put("/f", FEEDS / "truncated.xml"), "not well-formed XML (line"),
        (lambda s: s.put("/f", b'{"not": "a feed"}', content_type="application/json"), "does not give an RSS or Atom"),
        (lambda s: (s.redirect("/f", "/g"), s.redirect("/g", "/f")), "redirects too many times"),
        (lambda s: s.put("/f", b"x" * 3000), "larger than 2.0"),
        (lambda s: s.put("/f", gzip.compress(b"<rss>" + b" " * 5_000_000), gzip=True), "larger than 2.0"),
        (lambda s: s.fail_next(503, path="/f"), "answered with the error 503"),
    ],
    ids=["html", "malformed", "json", "redirect-loop", "too-large", "gzip-bomb", "server-error"],
)
@override_settings(LISTENING_FEED_MAX_BYTES=2048)
def test_bad_feed_is_refused_with_a_clear_error_and_nothing_stored(feed_server, brand_a, acme, setup, error):
    setup(feed_server)
    bad = make_source(brand_a, f"{feed_server.url}/f", name="Bad")
    assert poll(bad) == "failed"
    assert error in bad.last_error
    assert bad.last_error_at is not None and bad.last_success_at is None and bad.claim_id == ""
    assert not Mention.objects.exists()


def test_poller_goes_on_after_a_bad_feed(feed_server, brand_a, acme):
    feed_server.put("/bad", FEEDS / "truncated.xml")
    feed_server.put("/rss", FEEDS / "rss2.xml")
    assert poll(make_source(brand_a, f"{feed_server.url}/bad")) == "failed"
    assert poll(make_source(brand_a, f"{feed_server.url}/rss")) == "stored"
    assert Mention.objects.count() == 3


def test_gzip_bomb_is_stopped_before_it_is_inflated(feed_server, brand_a, acme):
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB of zeros in about 50 kB
    feed_server.put("/bomb", bomb, gzip=True)
    with override_settings(LISTENING_FEED_MAX_BYTES=1_000_000):
        source = make_source(brand_a, f"{feed_server.url}/bomb")
        assert poll(source) == "failed"
    assert "larger than" in source.last_error
