"""static/js/counting.js, run in real Chromium, counts exactly as networks/counting.py."""

from pathlib import Path

import pytest
from django.conf import settings

from networks.base import Counting
from networks.counting import count

pytestmark = [pytest.mark.browser]

COUNTING_JS = Path(settings.BASE_DIR) / "static" / "js" / "counting.js"

SAMPLES = [
    "Bonjour tout le monde",
    "Crème brûlée à l'été, déjà prête ! Ça c'est français.",
    "e\u0301te\u0301 (accents made of combining marks)",
    "Nouveau site : https://example.com/un/très/long/chemin?avec=des&paramètres=1 à voir",
    "Two links http://a.fr and https://b.example.org/x",
    "日本語のテキストと中文文本，还有한국어",
    "Emoji 😀🎉👍🏽 and a flag 🇫🇷",
    "A family 👨‍👩‍👧‍👦 and a rainbow flag 🏳️‍🌈",
    "Merci @alice@mastodon.social et @bob@exemple.fr, pas juste@example.com",
    "@claire tout court, et @dé@instance.fr",
    "Line one\nline two\ttab — dash “quotes” …",
    "",
    "😀" * 300,
    "x" * 280 + " https://example.com",
]

PARAMETERS = [(method, weight) for method in Counting for weight in (23, 0)]


def test_counting_js_agrees_with_python_on_every_sample_and_method(page):
    page.set_content("<!doctype html><meta charset='utf-8'><p>counting</p>")
    page.add_script_tag(content=COUNTING_JS.read_text())
    browser = page.evaluate(
        """([samples, parameters]) => parameters.map(([method, weight]) =>
            samples.map((text) => Counting.count(text, {counting: method, url_weight: weight})))""",
        [SAMPLES, PARAMETERS],
    )
    python = [[count(text, Counting(method), url_weight=weight) for text in SAMPLES] for method, weight in PARAMETERS]
    for (method, weight), js_counts, py_counts in zip(PARAMETERS, browser, python, strict=True):
        differences = [
            (text[:30], js, py) for text, js, py in zip(SAMPLES, js_counts, py_counts, strict=True) if js != py
        ]
        assert not differences, f"{method} (url weight {weight}): {differences}"


def test_the_samples_are_not_trivial():
    """The methods really differ on these samples, so agreement means something."""
    family = SAMPLES[7]
    assert len({count(family, method) for method in Counting}) >= 4


def test_cut_keeps_what_fits_in_whole_graphemes(page):
    page.set_content("<!doctype html><meta charset='utf-8'><p>counting</p>")
    page.add_script_tag(content=COUNTING_JS.read_text())
    cut = page.evaluate("Counting.cut('ab👨‍👩‍👧‍👦cd', {counting: 'graphemes', max_chars: 3})")
    assert cut == "ab👨‍👩‍👧‍👦"
