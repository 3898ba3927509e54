"""What every CSV the desk writes shares: cells a spreadsheet would run as formulas are defused."""

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (CSV injection): such cells are written with a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
