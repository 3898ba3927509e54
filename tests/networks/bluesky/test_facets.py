"""Facets and record keys, without a server (image fitting: tests/core/test_images.py)."""

from networks.bluesky.facets import build_facets
from networks.bluesky.records import TID_ALPHABET, rkey_for

DIDS = {"alice.test": "did:plc:alice", "bob.bsky.social": "did:plc:bob"}


def facets_of(text: str) -> list[tuple[str, str, str]]:
    """(the UTF-8 slice a facet covers, its feature type, its value), in order."""
    encoded = text.encode()
    found = []
    for facet in build_facets(text, DIDS.get):
        index = facet["index"]
        feature = facet["features"][0]
        kind = feature["$type"].split("#")[1]
        value = feature.get("uri") or feature.get("did") or feature.get("tag")
        found.append((encoded[index["byteStart"] : index["byteEnd"]].decode(), kind, value))
    return found


def test_offsets_are_utf8_bytes_after_accents_and_emoji():
    text = "Été 🇫🇷 👨‍👩‍👧 à https://example.com/café?x=1 !"
    assert facets_of(text) == [("https://example.com/café?x=1", "link", "https://example.com/café?x=1")]
    start = build_facets(text, DIDS.get)[0]["index"]["byteStart"]
    assert start == len("Été 🇫🇷 👨‍👩‍👧 à ".encode()) != len("Été 🇫🇷 👨‍👩‍👧 à ")


def test_trailing_punctuation_and_a_closing_parenthesis_are_not_part_of_a_link():
    text = "Voir https://example.com/a. Et (https://example.com/b) ou https://en.wikipedia.org/wiki/Foo_(bar)!"
    assert [value for _, _, value in facets_of(text)] == [
        "https://example.com/a",
        "https://example.com/b",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
    ]


def test_a_mention_becomes_a_facet_with_the_resolved_did():
    assert facets_of("Merci @alice.test et (@Bob.bsky.social).") == [
        ("@alice.test", "mention", "did:plc:alice"),
        ("@Bob.bsky.social", "mention", "did:plc:bob"),
    ]


def test_an_unresolved_or_malformed_mention_stays_plain_text():
    assert facets_of("Salut @nobody.test, @nodot, email me@alice.test") == []


def test_hashtags_become_tag_facets_without_the_hash_or_trailing_punctuation():
    assert facets_of("Soldes #Été2026! #café, #123 et x#nope") == [
        ("#Été2026", "tag", "Été2026"),
        ("#café", "tag", "café"),
    ]


def test_facets_come_in_text_order_across_kinds():
    text = "#un @alice.test https://example.com #deux"
    assert [kind for _, kind, _ in facets_of(text)] == ["tag", "mention", "link", "tag"]


def test_the_same_key_always_gives_the_same_valid_tid():
    rkey = rkey_for("target-42-3f1c")
    assert rkey == rkey_for("target-42-3f1c")
    assert rkey != rkey_for("target-43-3f1c")
    assert len(rkey) == 13 and set(rkey) <= set(TID_ALPHABET)
    assert rkey[0] in "234567abcdefghij"  # the TID's top bit is zero


def test_tids_encode_a_time_in_the_past_after_2023():
    value = 0
    for char in rkey_for("any key"):
        value = value * 32 + TID_ALPHABET.index(char)
    microseconds = value >> 10
    assert 1_672_531_200_000_000 <= microseconds < 1_672_531_200_000_000 + 2**45
