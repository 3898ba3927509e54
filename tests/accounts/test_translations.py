"""Every French catalogue of the project is complete (no empty and no fuzzy entry) and follows French
typography; French dates abbreviate months in lowercase."""

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "node_modules", "var"}
CATALOGUES = sorted(
    path for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if not SKIPPED & set(path.relative_to(ROOT).parts)
)


def test_the_project_and_the_accounts_app_have_french_catalogues():
    names = {str(path.relative_to(ROOT)) for path in CATALOGUES}
    assert {"locale/fr/LC_MESSAGES/django.po", "accounts/locale/fr/LC_MESSAGES/django.po"} <= names


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_french_catalogue_is_complete(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # msgfmt prints e.g. "104 translated messages, 2 fuzzy translations, 1 untranslated message."
    statistics = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    assert result.returncode == 0, f"{catalogue.relative_to(ROOT)}: {result.stderr}"
    assert "fuzzy" not in statistics and "untranslated" not in statistics, (
        f"{catalogue.relative_to(ROOT)}: {statistics}"
    )


def _msgstrs(catalogue: Path) -> list[str]:
    """Every translation of a catalogue (the header left out), with PO escapes read."""
    entries, current = [], None
    for line in catalogue.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            current = [ast.literal_eval(line.split(" ", 1)[1])]
            entries.append(current)
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        else:
            current = None
    return ["".join(parts) for parts in entries if "".join(parts) and not "".join(parts).startswith("Project-Id")]


# French typography: a no-break space (U+00A0 or the narrow U+202F) before : ; ! ? and a
# percent sign, and inside « ». Code (<code>Authorization: Bearer</code>) keeps its own spelling.
NO_BREAK = "\u00a0\u202f"
MISSING_SPACE = re.compile(
    rf"[^{NO_BREAK}&\w][:;!?]|(?<=[\w)»”’.])[:;!?](?=\s|$)|«[^{NO_BREAK}]|[^{NO_BREAK}]»|(?<=[\d ])%(?![(%a-z])"
)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_french_typography_puts_a_no_break_space_where_french_needs_one(catalogue):
    wrong = [
        text
        for text in _msgstrs(catalogue)
        if MISSING_SPACE.search(re.sub(r"<code>.*?</code>|&\w+;|https?://\S+|\d:\d", "", text))
    ]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_french_dates_abbreviate_months_in_lowercase(client, editor, brand_a):
    """Django's "M" capitalises ("Jui" for both juin and juillet); "N" writes "juin", "juil."."""
    from datetime import datetime

    from tests.factories import PostFactory

    post = PostFactory(brand=brand_a, author=editor, scheduled_at=datetime(2031, 7, 4, 9, 30, tzinfo=brand_a.tz))
    editor.language = "fr"
    editor.save()
    client.force_login(editor)
    html = client.get(f"/b/{brand_a.slug}/posts/{post.pk}/").content.decode()
    assert "ven 4 juil. 2031, 09:30" in html and "Jul" not in html and "Jui " not in html
