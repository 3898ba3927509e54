"""The one home of sentiment: positive, neutral or negative, for French and English, offline.

Lexicon-based, with the lexicons the packages ship (nothing downloaded at run time, no model):
TextBlob's English lexicon and analyser (textblob.en.sentiment, the pattern library's, with
negations and intensifiers), and for French the lexicon of `textblob-fr` read by TextBlob's own
analyser class with French negations. textblob-fr's Python code is not imported: it was written
for Python 2 and 3.8 (it imports xml.etree.cElementTree, gone since 3.9); only its data file is
used. Other languages are read with the English lexicon (brand names and emoji are shared).

Why not VADER: vaderSentiment is English only; its French port (vaderSentiment_fr) compares each
unknown word with every one of 9,000 lexicon entries by fuzzy matching (milliseconds per word)
and appends "/" to sys.path at import. One call here takes about 0.2 ms.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.utils.translation import gettext_lazy as _

# Polarity at or beyond this (either side) is positive or negative; between them, neutral.
THRESHOLD = 0.05
_FRENCH_NEGATIONS = ("n'", "ne", "ni", "non", "pas", "rien", "sans", "aucun", "jamais", "plus")
_FRENCH_HINTS = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "est",
        "sont",
        "pas",
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ils",
        "avec",
        "pour",
        "sur",
        "dans",
        "très",
        "mais",
    ]
)
_ENGLISH_HINTS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "is",
        "are",
        "not",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "with",
        "for",
        "on",
        "in",
        "very",
        "but",
    ]
)
_WORD = re.compile(r"[\w']+")


class Label(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"

    @property
    def verbose(self) -> str:
        return str({"positive": _("positive"), "neutral": _("neutral"), "negative": _("negative")}[self.value])


@dataclass(frozen=True)
class Sentiment:
    label: Label
    polarity: float  # -1.0 (very negative) .. 1.0 (very positive)


def guess_language(text: str) -> str:
    """ "fr" or "en" from common words, "" when the text gives no hint (used when a source says nothing)."""
    words = [word.lower() for word in _WORD.findall(text)]
    french = sum(word in _FRENCH_HINTS or word.startswith(("l'", "d'", "qu'", "n'", "c'")) for word in words)
    english = sum(word in _ENGLISH_HINTS for word in words)
    if french == english:
        return ""
    return "fr" if french > english else "en"


@cache
def _english():
    from textblob.en import sentiment  # noqa: PLC0415 — heavy: seconds to load, only where text is judged

    return sentiment


@cache
def _french():
    from textblob._text import Sentiment as Lexicon  # noqa: PLC0415 — heavy: seconds to load, only where text is judged

    spec = importlib.util.find_spec("textblob_fr")  # found, not imported (see the module's docstring)
    assert spec is not None and spec.submodule_search_locations, "textblob-fr is not installed"
    path = os.path.join(list(spec.submodule_search_locations)[0], "fr-sentiment.xml")
    return Lexicon(path=path, negations=_FRENCH_NEGATIONS, modifier=lambda word: word.endswith("ment"), language="fr")


def analyse(text: str, language: str = "") -> Sentiment:
    """The sentiment of `text`; `language` ("fr", "fr-FR", "en", "") picks the lexicon, else a guess."""
    language = (language or guess_language(text))[:2].lower()
    analyser = _french() if language == "fr" else _english()
    polarity = float(analyser(text)[0])
    if polarity <= -THRESHOLD:
        label = Label.NEGATIVE
    elif polarity >= THRESHOLD:
        label = Label.POSITIVE
    else:
        label = Label.NEUTRAL
    return Sentiment(label, round(polarity, 3))
