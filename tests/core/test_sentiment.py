"""core.sentiment on French and English samples, offline."""

import pytest

from core.sentiment import Label, analyse, guess_language


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Service client horrible, je suis très déçu", "fr", Label.NEGATIVE),
        ("Livraison lente et colis abîmé, remboursez-moi", "fr", Label.NEGATIVE),
        ("Ce n'est pas bon du tout", "fr", Label.NEGATIVE),
        ("Produit génial, équipe super sympa", "fr", Label.POSITIVE),
        ("La réunion est à 15 h", "fr", Label.NEUTRAL),
        ("Terrible customer service, very disappointed", "en", Label.NEGATIVE),
        ("Great product, I love it", "en", Label.POSITIVE),
        ("Not good at all", "en", Label.NEGATIVE),
        ("The parcel arrived on Tuesday", "en", Label.NEUTRAL),
    ],
)
def test_sentiment_of_french_and_english_samples(text, language, label):
    assert analyse(text, language).label == label


def test_language_is_guessed_when_the_source_says_nothing():
    assert guess_language("Le service est nul et je suis déçu") == "fr"
    assert guess_language("The service is bad and I am sad") == "en"
    assert guess_language("Acme 2000") == ""
    assert analyse("Le service client est horrible").label == Label.NEGATIVE


def test_region_variants_pick_the_language_lexicon():
    assert analyse("Produit génial", "fr-CA").label == Label.POSITIVE
    assert -1.0 <= analyse("Produit génial", "fr-CA").polarity <= 1.0
