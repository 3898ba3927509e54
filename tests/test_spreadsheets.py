"""No CSV the app writes can run as a formula, whatever separator a spreadsheet splits it on.

The attack of issue 12: a text `x;=1+2` exported comma-separated became the formula `=1+2` once
a French spreadsheet split the line on ";". Every cell is checked as spreadsheets cut it: with
quotes honoured (csv.reader with the wrong separator) and without (a plain split).
"""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from calendars import csv_io
from cm_platform.spreadsheets import csv_text, neutralise, restore
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = (",", ";", "\t")
ATTACKS = [
    "x;=1+2",
    "x,=1+2",
    "x\t=1+2",
    "Prix ; -20 % sur tout",
    '=HYPERLINK("http://evil")',
    "a, @SUM(1)",
    "deux lignes\n+33 6 12 34 56 78",
    "x;'=déjà une apostrophe",
]


def cells_as_spreadsheets_split(text: str):
    """Every cell of every way a spreadsheet may cut `text`: per separator, quotes honoured or not."""
    for separator in SEPARATORS:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            yield from row
        for line in text.splitlines():
            yield from (cell.strip('"') for cell in line.split(separator))


def assert_no_formula(text: str) -> None:
    dangerous = [cell for cell in cells_as_spreadsheets_split(text) if cell.lstrip(" ").startswith(FORMULA_STARTS)]
    assert dangerous == [], dangerous


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_written_file_has_no_formula_whatever_the_split(delimiter):
    text = csv_text([["text"], *([attack] for attack in ATTACKS)], delimiter=delimiter)
    assert_no_formula(text.removeprefix("\ufeff"))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_every_cell_is_quoted_and_reads_back_as_written(delimiter):
    text = csv_text([["a", "b"], *([attack, "1"] for attack in ATTACKS)], delimiter=delimiter)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter))
    assert [restore(row[0]) for row in rows[1:]] == ATTACKS
    assert text.startswith('\ufeff"a"' + delimiter + '"b"')


@given(st.text(alphabet=st.sampled_from(list("=+-@'\t\r\n,; ax")), max_size=12) | st.text(max_size=30))
def test_neutralise_is_undone_by_restore_and_leaves_no_formula_start(text):
    safe = neutralise(text)
    assert restore(safe) == text
    for separator in (",", ";", "\t", "\r", "\n"):
        assert not [cell for cell in safe.split(separator) if cell.lstrip(" ").startswith(FORMULA_STARTS)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_posts_export_has_no_formula_whatever_the_split(editor, brand_a, language):
    """The posts export, through its page, in both languages (their separators differ)."""
    account = NetworkAccountFactory(brand=brand_a, display_name="=cmd|' /C calc'!A0", handle="")
    for number, attack in enumerate(ATTACKS):
        post = PostFactory(
            brand=brand_a, author=editor, text=attack, scheduled_at=timezone.now() + timedelta(hours=1 + number)
        )
        PostTargetFactory(post=post, account=account)
    client = Client(headers={"accept-language": language})
    client.force_login(editor)
    today = timezone.localdate()
    response = client.get(
        reverse("calendars:export", kwargs={"brand_slug": brand_a.slug}),
        {"start": today.isoformat(), "end": (today + timedelta(days=2)).isoformat()},
    )
    text = response.content.decode("utf-8-sig")
    assert_no_formula(text)
    parsed = csv_io.parse_upload(response.content, brand=brand_a)
    assert sorted(row["values"]["text"] for row in parsed.rows) == sorted(ATTACKS)
