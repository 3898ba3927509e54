"""Reading an RSS 2.0 or Atom feed: one conditional GET through networks/http.py, parsed by
feedparser, turned into Items. A feed is read whole or refused whole with a FeedError whose
message a community manager understands (it is stored on the source and shown).
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax import SAXException

import feedparser
import requests
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from core.exceptions import Invalid
from networks import http

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
# feedparser's complaints about encodings are not errors: it decoded the feed another way.
_ENCODING_COMPLAINTS = (
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
    feedparser.NonXMLContentType,
)


class FeedError(Invalid):
    """A feed that cannot be read; `message` says why, in the user's language."""


@dataclass(frozen=True)
class Item:
    """One entry, as every kind of source hands it to listening/collect.py."""

    remote_id: str
    url: str  # http(s) only, else ""
    title: str
    text: str  # plain text
    author: str
    language: str
    published_at: datetime | None
    tags: tuple[str, ...] = ()
    reach: int | None = None
    network: str = "web"  # an adapter's slug for a network's post (remote_id is its id there)


@dataclass(frozen=True)
class FeedPage:
    items: tuple[Item, ...]
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    cursor: str | None = None  # a network search's cursors after this read (None: none kept)


def web_address(url: str | None) -> str:
    """`url` if it is an http(s) address, else "": never a javascript: or data: link on a page."""
    url = (url or "").strip()
    return url if re.match(r"^https?://[^\s/]+", url, re.IGNORECASE) and len(url) <= 1000 else ""


def plain_text(value: str) -> str:
    """HTML a feed carries turned into its text (entities decoded, tags dropped, spaces collapsed)."""
    return " ".join(html.unescape(strip_tags(value or "")).split())


# --- fetching -------------------------------------------------------------------------------
def fetch(url: str, *, etag: str = "", last_modified: str = "") -> FeedPage:
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limit = settings.LISTENING_FEED_MAX_BYTES
    try:
        fetched = http.fetch_capped(
            url, max_bytes=limit, deadline=settings.LISTENING_FEED_DEADLINE, headers=headers, user_typed_host=True
        )
    except http.UnsafeHost as error:
        raise FeedError(error.message) from None
    except http.BodyTooLarge:
        message = _("The feed is larger than %(size)s (once decompressed), or too slow to arrive: it was not read.")
        raise FeedError(message % {"size": filesizeformat(limit)}) from None
    except requests.TooManyRedirects:
        raise FeedError(_("The address redirects too many times (a redirect loop?): it was not read.")) from None
    except requests.Timeout:
        raise FeedError(_("The site did not answer in time.")) from None
    except requests.RequestException:
        raise FeedError(_("The site could not be reached.")) from None
    if fetched.status == 304:
        return FeedPage((), etag, last_modified, not_modified=True)
    if fetched.status != 200:
        raise FeedError(_("The site answered with the error %(status)d.") % {"status": fetched.status})
    page = parse(fetched.body, content_type=fetched.headers.get("Content-Type", ""), base_url=fetched.url)
    return FeedPage(page.items, fetched.headers.get("ETag", "")[:300], fetched.headers.get("Last-Modified", "")[:100])


def read_file(path: Path) -> FeedPage:
    """The demo's feed, shipped with the code (see SourceKind.DEMO_FILE)."""
    return parse(path.read_bytes(), content_type="application/rss+xml", base_url="")


# --- parsing --------------------------------------------------------------------------------
def parse(body: bytes, *, content_type: str, base_url: str) -> FeedPage:
    # Bytes, never a string: given a string that looks like an address, feedparser would fetch it.
    parsed = feedparser.parse(
        body, response_headers={"content-type": content_type, "content-location": base_url}, sanitize_html=True
    )
    _refuse_if_not_a_feed(parsed, body, content_type)
    language = str(parsed.feed.get("language", ""))[:10]
    entries = parsed.entries[: settings.LISTENING_FEED_MAX_ITEMS]
    return FeedPage(tuple(item for entry in entries if (item := _item(entry, language)) is not None))


def _refuse_if_not_a_feed(parsed, body: bytes, content_type: str) -> None:
    problem = parsed.get("bozo_exception")
    start = body.lstrip()[:4]
    if b"<" not in start and not start.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # JSON, plain text, an image...: not XML at all
        raise FeedError(_("This address does not give an RSS or Atom feed."))
    if isinstance(problem, SAXException) and not isinstance(problem, _ENCODING_COMPLAINTS):
        if _looks_like_html(body, content_type) and not parsed.get("version"):
            raise FeedError(_("This address is a web page, not a feed: use the address of its RSS or Atom feed."))
        line = problem.getLineNumber() if hasattr(problem, "getLineNumber") else "?"
        raise FeedError(
            _("The feed is not well-formed XML (line %(line)s): nothing was read from it.") % {"line": line}
        )
    if not parsed.get("version"):
        if _looks_like_html(body, content_type):
            raise FeedError(_("This address is a web page, not a feed: use the address of its RSS or Atom feed."))
        raise FeedError(_("This address does not give an RSS or Atom feed."))


def _looks_like_html(body: bytes, content_type: str) -> bool:
    start = body[:512].lstrip().lower()
    return "html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html"))


def _item(entry, feed_language: str) -> Item | None:
    url = web_address(entry.get("link"))
    title = plain_text(entry.get("title", ""))[:500]
    content = entry.get("content") or []
    body = plain_text(content[0].get("value", "") if content else entry.get("summary", ""))
    remote_id = str(entry.get("id") or url)[:500]
    if not (remote_id or url) or not (title or body):
        return None  # nothing to find or to show: skipped, not stored half
    tags = tuple(str(tag.get("term", ""))[:50] for tag in entry.get("tags", []) if tag.get("term"))
    return Item(
        remote_id=remote_id,
        url=url,
        title=title,
        text=body or title,
        author=plain_text(entry.get("author", ""))[:200],
        language=str(entry.get("language") or feed_language)[:10],
        published_at=_time(entry),
        tags=tags,
    )


def _time(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return min(moment, timezone.now())  # a date in the future is a wrong clock, not news from tomorrow
