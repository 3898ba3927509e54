"""The one way this project writes CSV: every cell quoted, and no cell a spreadsheet may run.

A cell that begins with = + - @ (or a tab or carriage return) is a formula to a spreadsheet
(CSV injection). Neutralising only a cell's first character is not enough: a French spreadsheet
opening a comma-separated file splits it on ";" (and some split on tabs or commas whatever the
quotes say), so `x;=1+2` becomes the cells `x` and `=1+2`. Every place where a split may start a
cell — the start, and after any , ; tab or line break, spaces skipped — gets an apostrophe in
front of a formula character. Spreadsheets show such an apostrophe as text; `restore` removes
exactly the apostrophes `neutralise` added, so an exported file imports back as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

# Where a spreadsheet may begin a cell when it splits a field on a separator of its own choice.
_CELL_START = r"(?:^|(?<=[,;\t\r\n]))( *)"
# A formula character, behind any apostrophes already there: those get one more, so that
# restore() can tell an added apostrophe from one the text had (it removes exactly one).
_FORMULA = r"'*[=+\-@\t\r]"
_DANGER = re.compile(_CELL_START + f"(?={_FORMULA})")
_ADDED = re.compile(_CELL_START + f"'(?={_FORMULA})")

BOM = "\ufeff"


def neutralise(cell: str) -> str:
    """The cell with an apostrophe before every formula character a split could put first."""
    return _DANGER.sub(r"\1'", cell)


def restore(cell: str) -> str:
    """The inverse of neutralise: the text as it was before export."""
    return _ADDED.sub(r"\1", cell)


def csv_text(rows: Iterable[Iterable[object]], *, delimiter: str = ",", bom: bool = True) -> str:
    """Rows as CSV text: every cell quoted and neutralised; a BOM so spreadsheets read UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise("" if cell is None else str(cell)) for cell in row])
    return (BOM if bom else "") + out.getvalue()
