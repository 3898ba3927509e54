"""CSV files of posts: reading an upload (encoding, separator, columns, each row's problems) and
writing an export in the same columns, so an export imports back as it was.

Columns: date, time, text, accounts, campaign, media_url. Dates are YYYY-MM-DD (or DD/MM/YYYY,
as French spreadsheets write them), times HH:MM, both wall times in the brand's zone. Several
network accounts go in one cell separated by "|"; an account is named by its display name or
its handle.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Brand
from calendars.models import Campaign
from cm_platform.spreadsheets import FORMULA_STARTS, neutralise
from networks.models import AccountStatus, NetworkAccount
from posts.models import Post
from posts.timing import wall_time_to_utc

COLUMNS = ("date", "time", "text", "accounts", "campaign", "media_url")
REQUIRED_COLUMNS = ("date", "time", "text", "accounts")
# Header spellings accepted for each column (compared without case, accents or spaces).
HEADER_ALIASES = {
    "date": "date",
    "day": "date",
    "jour": "date",
    "time": "time",
    "hour": "time",
    "heure": "time",
    "text": "text",
    "texte": "text",
    "accounts": "accounts",
    "network_accounts": "accounts",
    "account": "accounts",
    "comptes": "accounts",
    "compte": "accounts",
    "reseaux": "accounts",
    "campaign": "campaign",
    "campagne": "campaign",
    "media_url": "media_url",
    "media": "media_url",
    "url_media": "media_url",
}
ACCOUNT_SEPARATOR = "|"
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%Hh%M")
MAX_ROWS = 20_000


@dataclass
class ParsedFile:
    encoding: str
    delimiter: str
    rows: list[dict[str, Any]]  # {"line": n, "values": {column: text}, "problems": [...], "notes": [...]}

    @property
    def bad_rows(self) -> int:
        return sum(1 for row in self.rows if row["problems"])


# --- reading the bytes ------------------------------------------------------------------------
def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding: UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

    Spreadsheets on Windows save "CSV" in cp1252; bytes cp1252 leaves undefined are Latin-1.
    """
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise ValidationError(_("The file starts as UTF-8 but is not valid UTF-8.")) from None
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def _header_key(cell: str) -> str:
    plain = unicodedata.normalize("NFKD", cell).encode("ascii", "ignore").decode()
    return plain.strip().lower().replace(" ", "_").replace("-", "_")


def _columns(header: list[str]) -> dict[int, str]:
    """Position -> column name for the header cells we recognise."""
    return {i: HEADER_ALIASES[_header_key(c)] for i, c in enumerate(header) if _header_key(c) in HEADER_ALIASES}


def detect_delimiter(text: str) -> str:
    """Comma or semicolon (French spreadsheets use ";"): csv.Sniffer's guess, checked on the header."""
    sample = "\n".join(text.splitlines()[:20])
    candidates = []
    with contextlib.suppress(csv.Error):  # the sniffer gives up on one-column samples
        candidates.append(csv.Sniffer().sniff(sample, delimiters=",;").delimiter)
    candidates += [d for d in (";", ",") if d not in candidates]
    first_line = text.splitlines()[0] if text else ""
    for delimiter in candidates:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        if set(REQUIRED_COLUMNS) <= set(_columns(header).values()):
            return delimiter
    return candidates[0]


def read_table(text: str, delimiter: str) -> tuple[dict[int, str], list[tuple[int, list[str]]]]:
    """The header's columns and the data rows with their line numbers (blank rows dropped)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ValidationError(_("The file is empty."))
    columns = _columns(header)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns.values()]
    if missing:
        raise ValidationError(
            _("Missing columns: %(missing)s. The first line must name the columns: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    rows = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((reader.line_num, cells))
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS})
    return columns, rows


# --- what each row means ------------------------------------------------------------------------
def _parse(value: str, formats: Iterable[str], kind: type) -> Any:
    for fmt in formats:
        try:
            parsed = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return parsed.date() if kind is date else parsed.time()
    return None


@dataclass
class ResolvedRow:
    scheduled_at: datetime
    text: str
    accounts: list[NetworkAccount]
    campaign: Campaign | None


@dataclass
class RowContext:
    """The brand's accounts and campaigns, looked up once for every row of a file."""

    brand: Brand
    accounts: dict[str, list[NetworkAccount]] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    now: datetime = field(default_factory=timezone.now)

    @classmethod
    def for_brand(cls, brand: Brand) -> RowContext:
        context = cls(brand=brand)
        for account in NetworkAccount.objects.filter(brand=brand).exclude(status=AccountStatus.DISABLED):
            names = {account.display_name.strip().lower(), account.handle.strip().lower()}
            names |= {name.lstrip("@") for name in names}
            for name in names - {""}:
                context.accounts.setdefault(name, []).append(account)
        context.campaigns = {c.name.strip().lower(): c for c in Campaign.objects.filter(brand=brand)}
        return context

    def resolve(self, values: dict[str, str]) -> tuple[ResolvedRow | None, list[str]]:
        """The row as a post to create, or None and the problems, each in words a user can act on."""
        problems: list[str] = []
        missing = [c for c in REQUIRED_COLUMNS if c != "text" and not values.get(c, "").strip()]
        if missing:
            problems.append(_("Missing value: %(columns)s.") % {"columns": ", ".join(missing)})
        scheduled_at = self._time(values, problems) if not missing else None
        accounts = self._accounts(values.get("accounts", ""), problems)
        campaign = self._campaign(values.get("campaign", ""), problems)
        text = values.get("text", "").strip()
        for account in accounts:
            problems += [problem.message for problem in account.adapter().validate(text, [])]
        if problems or scheduled_at is None:
            return None, problems
        return ResolvedRow(scheduled_at=scheduled_at, text=text, accounts=accounts, campaign=campaign), []

    def _time(self, values: dict[str, str], problems: list[str]) -> datetime | None:
        day = _parse(values["date"], DATE_FORMATS, date)
        at = _parse(values["time"], TIME_FORMATS, time)
        if day is None:
            problems.append(_("Date “%(value)s” not understood: write 2026-03-29.") % {"value": values["date"]})
        if at is None:
            problems.append(_("Time “%(value)s” not understood: write 09:30.") % {"value": values["time"]})
        if day is None or at is None:
            return None
        try:
            instant = wall_time_to_utc(day, at, self.brand.tz)
        except ValidationError as error:
            problems += error.messages
            return None
        if instant < self.now:
            problems.append(_("%(day)s %(time)s is in the past.") % {"day": values["date"], "time": values["time"]})
            return None
        return instant

    def _accounts(self, cell: str, problems: list[str]) -> list[NetworkAccount]:
        chosen: list[NetworkAccount] = []
        for name in (part.strip() for part in cell.split(ACCOUNT_SEPARATOR)):
            if not name:
                continue
            found = self.accounts.get(name.lower()) or self.accounts.get(name.lower().lstrip("@"))
            if not found:
                problems.append(_("Unknown network account “%(name)s”.") % {"name": name})
            elif len(found) > 1:
                problems.append(_("Several network accounts are called “%(name)s”: use the handle.") % {"name": name})
            elif found[0] not in chosen:
                chosen.append(found[0])
        return chosen

    def _campaign(self, cell: str, problems: list[str]) -> Campaign | None:
        name = cell.strip()
        if not name:
            return None
        campaign = self.campaigns.get(name.lower())
        if campaign is None:
            problems.append(_("Unknown campaign “%(name)s”: create it first.") % {"name": name})
        return campaign


# The export writes formula-like cells behind an apostrophe (cm_platform/spreadsheets.py),
# which spreadsheets hide and the import removes.
def _restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _values(columns: dict[int, str], cells: list[str]) -> dict[str, str]:
    return {name: _restore(cells[i].strip()) if i < len(cells) else "" for i, name in columns.items()}


def parse_upload(raw: bytes, *, brand: Brand) -> ParsedFile:
    """Decode, split and check every row of an uploaded file; nothing is saved."""
    text, encoding = decode(raw)
    delimiter = detect_delimiter(text)
    columns, table = read_table(text, delimiter)
    context = RowContext.for_brand(brand)
    rows = []
    for line, cells in table:
        values = _values(columns, cells)
        _resolved, problems = context.resolve(values)
        if len(cells) < len(columns):
            problems.insert(0, _("This row has fewer cells than the header."))
        notes = (
            [_("Media URLs are not imported: add the image to the post afterwards.")] if values.get("media_url") else []
        )
        rows.append({"line": line, "values": values, "problems": problems, "notes": notes})
    return ParsedFile(encoding=encoding, delimiter=delimiter, rows=rows)


# --- export -------------------------------------------------------------------------------------
def export_posts(posts: Iterable[Post], *, brand: Brand) -> str:
    """The posts as CSV text in the import's columns (wall times in the brand's zone)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    tz = brand.tz
    for post in posts:
        local = post.scheduled_at.astimezone(tz) if post.scheduled_at else None
        first_media = next(iter(post.postmedia_set.all()), None)
        row = [
            local.strftime("%Y-%m-%d") if local else "",
            local.strftime("%H:%M") if local else "",
            post.text,
            ACCOUNT_SEPARATOR.join(
                target.account.handle or target.account.display_name for target in post.targets.all()
            ),
            post.campaign.name if post.campaign else "",
            settings.SITE_URL + first_media.media.file.url if first_media else "",
        ]
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
