"""The record key (rkey) of a post: derived from the publish key, so a repeat finds its post."""

import hashlib

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as the AT Protocol spec says
TID_EPOCH_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z in microseconds
TID_TIME_BITS = 45  # a window of about 13 months after TID_EPOCH_US


def rkey_for(key: str) -> str:
    """The record key of the post published with `key`: the same key always gives the same rkey.

    Bluesky posts are keyed by a TID: 13 base32-sortable characters encoding a zero bit, a
    53-bit timestamp in microseconds and a 10-bit clock id. Ours come from SHA-256(key): the
    timestamp is 2023-01-01T00:00Z plus the hash's first 45 bits (always a valid time in the
    past), the clock id is its next 10 bits. With 55 bits of hash, two keys of one account
    share an rkey with a probability of about n²/2^56 (1 in 7 million for 100,000 posts);
    publish() notices it (the existing record's text differs) rather than claiming that post.

    Deriving it, rather than drawing a fresh TID and storing it, means a retry of the same key
    (after a crash, a time-out) finds the same rkey with nothing to store before the call.
    """
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    timestamp = TID_EPOCH_US + (digest >> (64 - TID_TIME_BITS))
    clock_id = (digest >> (64 - TID_TIME_BITS - 10)) & 0x3FF
    value = (timestamp << 10) | clock_id
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))
