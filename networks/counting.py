"""How networks count text. static/js/counting.js implements the same methods for the browser;
tests/posts/test_counting_browser.py checks both agree on the same samples.
"""

import regex

from networks.base import Counting

# A URL as the networks detect it: scheme, then anything up to a space.
URL = regex.compile(r"https?://[^\s]+")
# Mastodon counts @user@domain as @user.
MASTODON_MENTION = regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w", regex.UNICODE)
GRAPHEME = regex.compile(r"\X")
EMOJI = regex.compile(r"\p{Extended_Pictographic}")
# twitter-text v3: these code point ranges weigh 1, everything else 2 (CJK, most emoji).
X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def count(text: str, method: Counting, url_weight: int = 23) -> int:
    if method == Counting.GRAPHEMES:
        return len(GRAPHEME.findall(text))
    if method == Counting.UTF16:
        return len(text.encode("utf-16-le")) // 2
    if method == Counting.MASTODON:
        text = MASTODON_MENTION.sub(r"\1", text)
        return _with_urls(text, url_weight, len)
    if method == Counting.X_WEIGHTED:
        return _with_urls(text, url_weight, _x_weight)
    return len(text)


def _with_urls(text: str, url_weight: int, measure) -> int:
    urls = URL.findall(text)
    return measure(URL.sub("", text)) + url_weight * len(urls)


def _x_weight(text: str) -> int:
    weight = 0
    for cluster in GRAPHEME.findall(text):
        if EMOJI.search(cluster):
            weight += 2  # an emoji sequence (flags, skin tones, ZWJ families) weighs 2 as a whole
        else:
            weight += sum(1 if _is_light(ord(char)) else 2 for char in cluster)
    return weight


def _is_light(code_point: int) -> bool:
    return any(low <= code_point <= high for low, high in X_LIGHT_RANGES)
