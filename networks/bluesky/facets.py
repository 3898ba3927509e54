"""Facets: links, mentions and hashtags of a post's text, with UTF-8 byte offsets."""

from __future__ import annotations

from typing import Any

import regex

# Bluesky's own detection rules (@atproto/api RichText.detectFacets), trimmed to what we post.
LINK = regex.compile(r"(?<![\w/])https?://[^\s]+")
LINK_TRAILING = ".,;:!?\"'"
MENTION = regex.compile(r"(?<=^|[\s(])@([a-zA-Z0-9.-]+)(?![\w.-]*\w)")
HANDLE = regex.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
HASHTAG = regex.compile(rf"(?<=^|\s)[#＃]((?!\ufe0f)[^\s{INVISIBLE}]*[^\d\s\p{{P}}{INVISIBLE}]+[^\s{INVISIBLE}]*)")
TAG_MAX_GRAPHEMES = 64


def _byte_slice(text: str, start: int, end: int) -> dict[str, int]:
    """Character positions -> the UTF-8 byte offsets Bluesky's facets use."""
    byte_start = len(text[:start].encode())
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode())}


def _facet(text: str, start: int, end: int, feature: dict[str, str]) -> dict[str, Any]:
    return {
        "$type": "app.bsky.richtext.facet",
        "index": _byte_slice(text, start, end),
        "features": [feature],
    }


def _trim_link(url: str) -> str:
    url = url.rstrip(LINK_TRAILING)
    if url.endswith(")") and "(" not in url:  # "(see https://example.com)": the ")" is prose
        url = url[:-1]
    return url


def link_facets(text: str) -> list[dict[str, Any]]:
    facets = []
    for match in LINK.finditer(text):
        url = _trim_link(match.group())
        feature = {"$type": "app.bsky.richtext.facet#link", "uri": url}
        facets.append(_facet(text, match.start(), match.start() + len(url), feature))
    return facets


def mention_facets(text: str, resolve) -> list[dict[str, Any]]:
    """`resolve(handle)` returns the handle's DID or None; an unresolved mention stays text."""
    facets = []
    for match in MENTION.finditer(text):
        handle = match.group(1).rstrip(".").lower()
        if not HANDLE.match(handle):
            continue
        did = resolve(handle)
        if did:
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
            facets.append(_facet(text, match.start(), match.start() + 1 + len(handle), feature))
    return facets


def tag_facets(text: str) -> list[dict[str, Any]]:
    facets = []
    for match in HASHTAG.finditer(text):
        tag = regex.sub(r"\p{P}+$", "", match.group(1))
        if not tag or len(regex.findall(r"\X", tag)) > TAG_MAX_GRAPHEMES:
            continue
        feature = {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
        facets.append(_facet(text, match.start(), match.start() + 1 + len(tag), feature))
    return facets


def build_facets(text: str, resolve) -> list[dict[str, Any]]:
    """The facets of `text`, in text order. `resolve(handle) -> did | None` for mentions."""
    facets = link_facets(text) + mention_facets(text, resolve) + tag_facets(text)
    return sorted(facets, key=lambda facet: facet["index"]["byteStart"])
