"""Every French catalogue of the project is complete: no empty and no fuzzy entry."""

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
