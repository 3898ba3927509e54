"""The saved-search expression language: what matches, and errors that point at the mistake."""

import pytest
from django.utils import translation

from listening.expressions import Document, ExpressionError, compile_expression


def matches(expression: str, text: str, tags=()) -> bool:
    return compile_expression(expression).matches(Document.of(text, tags=tags))


@pytest.mark.parametrize(
    ("expression", "text", "expected"),
    [
        ("acme", "I love Acme!", True),
        ("acme", "Acmeville is far", False),  # whole words only
        ("cafe", "Le Café Acme", True),  # accents and case ignored
        ('"service client"', "Leur service client est nul", True),
        ('"service client"', "Le client du service", False),
        ("acme OR globex", "globex rocks", True),
        ("acme AND refund", "acme is great", False),
        ("acme refund", "acme: refund please", True),  # side by side means AND
        ("acme NOT job", "acme is hiring, job offer", False),
        ("acme NOT job", "acme broke my phone", True),
        ("acme AND (refund OR arnaque)", "Acme c'est une arnaque", True),
        ("acme AND (refund OR arnaque)", "Acme c'est super", False),
        ("acme ET remboursement SAUF job", "acme remboursement", True),
        ("acme et remboursement", "acme remboursement", False),  # lower-case "et" is a word to find
        ("#acmefail", "so bad #AcmeFail", True),
        ("#acmefail", "acmefail without the sign", False),
        ("#acmefail", "no hashtag in the text", True),  # ... but the network tagged it
        ("l'avis", "Mon avis: l'avis est bon", True),
    ],
)
def test_expression_matches_as_a_reader_would_expect(expression, text, expected):
    tags = ["acmefail"] if text == "no hashtag in the text" else ()
    assert matches(expression, text, tags) is expected


@pytest.mark.parametrize(
    ("expression", "position", "words"),
    [
        ('acme OR "service client', 9, "never closed"),
        ("acme AND (refund OR job", 10, "never closed"),
        ("acme)", 5, "closes nothing"),
        ("acme OR", 8, "ends too early"),
        ("acme OR OR job", 9, "“OR”"),
        ("NOT job", 1, "not only what to leave out"),
        ("", 1, "at least one"),
        ('acme ""', 6, "hold no word"),
    ],
)
def test_invalid_expression_names_the_position_and_the_token(expression, position, words):
    with translation.override("en"), pytest.raises(ExpressionError) as caught:
        compile_expression(expression)
    assert caught.value.position == position
    assert words in caught.value.message


def test_errors_are_in_the_users_language():
    with translation.override("fr"), pytest.raises(ExpressionError) as caught:
        compile_expression("acme (refund")
    assert "parenthèse ouverte à la position 6" in caught.value.message
