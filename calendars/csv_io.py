"""CSV files of posts: reading an upload (encoding, separator, columns, each row's problems, rows
already in the calendar) and writing an export or a template in the user's language, so an
export imports back as it was.

Columns: date, time, text, accounts, campaign, media_url, and in exports a status (ignored on
import). Two spellings, one per language (CsvFormat): English `date,time,...` with YYYY-MM-DD,
French `date;heure;...` with DD/MM/YYYY, as French spreadsheets write them; the import reads
both, whatever the language of the person importing. Times are HH:MM, wall times in the brand's
zone. Several network accounts go in one cell separated by "|"; an account is named by its
display name or its handle.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Brand
from cm_platform.spreadsheets import csv_text, restore
from core.timing import wall_time_to_utc
from networks.models import AccountStatus, NetworkAccount
from posts.content import PostContent
from posts.models import Campaign, Post, PostTarget

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
    # Written by exports for people to read; an import does not change a post's state.
    "status": "status",
    "statut": "status",
    "etat": "status",
}
ACCOUNT_SEPARATOR = "|"
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%Hh%M")
MAX_ROWS = 20_000


@dataclass
class ParsedFile:
    encoding: str
    delimiter: str
    # {"line": n, "values": {column: text}, "problems": [...], "notes": [...], "present": post id
    # already in the calendar or None, "repeats": the earlier line of the file it repeats or None}
    rows: list[dict[str, Any]]

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

    @property
    def content(self) -> PostContent:
        """The post this row makes (a CSV row carries no media nor per-network texts)."""
        return PostContent(
            text=self.text, accounts=self.accounts, campaign=self.campaign, scheduled_at=self.scheduled_at
        )


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


def _values(columns: dict[int, str], cells: list[str]) -> dict[str, str]:
    return {name: restore(cells[i].strip()) if i < len(cells) else "" for i, name in columns.items()}


def parse_upload(raw: bytes, *, brand: Brand) -> ParsedFile:
    """Decode, split and check every row of an uploaded file; nothing is saved.

    A row that passes is also compared with the brand's posts: one already in the calendar (or
    repeating an earlier line of the file) is marked, so the preview can say so.
    """
    text, encoding = decode(raw)
    delimiter = detect_delimiter(text)
    columns, table = read_table(text, delimiter)
    context = RowContext.for_brand(brand)
    rows, resolved_rows = [], []
    for line, cells in table:
        values = _values(columns, cells)
        resolved, problems = context.resolve(values)
        if len(cells) < len(columns):
            problems.insert(0, _("This row has fewer cells than the header."))
        notes = (
            [_("Media URLs are not imported: add the image to the post afterwards.")] if values.get("media_url") else []
        )
        row = {"line": line, "values": values, "problems": problems, "notes": notes, "present": None, "repeats": None}
        rows.append(row)
        if resolved is not None and not problems:
            resolved_rows.append((row, resolved))
    _mark_present(brand, resolved_rows)
    return ParsedFile(encoding=encoding, delimiter=delimiter, rows=rows)


# --- rows already in the calendar ---------------------------------------------------------------
def row_fingerprint(*, scheduled_at: datetime, text: str, account_ids: Iterable[int]) -> str:
    """What makes a row "already present" in a brand: the same instant, text and accounts.

    Not the approval's fingerprint (PostContent.fingerprint): a CSV row carries no
    media nor per-network texts, and here the time is what tells two posts apart.
    """
    content = [scheduled_at.astimezone(UTC).isoformat(), text.strip(), sorted(set(account_ids))]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _resolved_fingerprint(row: ResolvedRow) -> str:
    return row_fingerprint(scheduled_at=row.scheduled_at, text=row.text, account_ids=[a.pk for a in row.accounts])


def present_posts(brand: Brand, instants: set[datetime]) -> dict[str, int]:
    """Fingerprint -> id of the brand's post with it, for posts at one of `instants` (two queries)."""
    if not instants:
        return {}
    window = {"scheduled_at__gte": min(instants), "scheduled_at__lte": max(instants)}
    posts = [
        (pk, at, text)
        for pk, at, text in Post.objects.filter(brand=brand, **window).values_list("pk", "scheduled_at", "text")
        if at in instants
    ]
    accounts: dict[int, list[int]] = {}
    targets = PostTarget.objects.filter(post__brand=brand, **{f"post__{k}": v for k, v in window.items()})
    for post_id, account_id in targets.values_list("post_id", "account_id"):
        accounts.setdefault(post_id, []).append(account_id)
    return {row_fingerprint(scheduled_at=at, text=text, account_ids=accounts.get(pk, [])): pk for pk, at, text in posts}


def present_post_id(brand: Brand, row: ResolvedRow) -> int | None:
    """The brand's post this row would repeat, if there is one now (checked again at import time)."""
    return present_posts(brand, {row.scheduled_at}).get(_resolved_fingerprint(row))


def _mark_present(brand: Brand, rows: list[tuple[dict[str, Any], ResolvedRow]]) -> None:
    existing = present_posts(brand, {resolved.scheduled_at for _row, resolved in rows})
    first_line: dict[str, int] = {}
    for row, resolved in rows:
        fingerprint = _resolved_fingerprint(resolved)
        row["present"] = existing.get(fingerprint)
        if row["present"] is None and fingerprint in first_line:
            row["repeats"] = first_line[fingerprint]
        first_line.setdefault(fingerprint, row["line"])


# --- the two spellings: export, template --------------------------------------------------------
EXPORT_COLUMNS = (*COLUMNS, "status")


@dataclass(frozen=True)
class CsvFormat:
    """How a language writes the file: separator, header words, date format."""

    language: str
    delimiter: str
    headers: tuple[str, ...]  # one per EXPORT_COLUMNS, each known to HEADER_ALIASES
    date_format: str
    time_format: str = "%H:%M"


FORMATS = {
    "en": CsvFormat("en", ",", ("date", "time", "text", "accounts", "campaign", "media_url", "status"), "%Y-%m-%d"),
    # A French spreadsheet splits on ";" (the comma is its decimal mark) and writes dates day first.
    "fr": CsvFormat("fr", ";", ("date", "heure", "texte", "comptes", "campagne", "url_media", "statut"), "%d/%m/%Y"),
}


def format_for(language: str | None = None) -> CsvFormat:
    """The format of a language (default: the active one); English for any other."""
    code = (language or translation.get_language() or "en").split("-")[0]
    return FORMATS.get(code, FORMATS["en"])


def _account_names(post: Post) -> str:
    return ACCOUNT_SEPARATOR.join(t.account.handle or t.account.display_name for t in post.targets.all())


def export_posts(posts: Iterable[Post], *, brand: Brand, fmt: CsvFormat) -> str:
    """The posts as CSV text in the import's columns, plus the status in words (wall times in
    the brand's zone). Reads `targets.all()` and `postmedia_set.all()`: prefetch them."""
    rows: list[Iterable[object]] = [fmt.headers]
    for post in posts:
        local = post.scheduled_at.astimezone(brand.tz) if post.scheduled_at else None
        first_media = next(iter(post.postmedia_set.all()), None)
        rows.append(
            [
                local.strftime(fmt.date_format) if local else "",
                local.strftime(fmt.time_format) if local else "",
                post.text,
                _account_names(post),
                post.campaign.name if post.campaign else "",
                settings.SITE_URL + first_media.media.file.url if first_media else "",
                post.display_status_label,
            ]
        )
    return csv_text(rows, delimiter=fmt.delimiter)


def import_template(*, brand: Brand, fmt: CsvFormat) -> str:
    """The import's columns and one example row, which imports as it is when the brand has an account."""
    account = NetworkAccount.objects.filter(brand=brand).exclude(status=AccountStatus.DISABLED).first()
    day = timezone.now().astimezone(brand.tz).date() + timedelta(days=7)
    example = [
        day.strftime(fmt.date_format),
        time(9, 30).strftime(fmt.time_format),
        _("Hello! This is an example: write your post here."),
        (account.handle or account.display_name) if account else _("@your_account"),
        "",
        "",
    ]
    return csv_text([fmt.headers[: len(COLUMNS)], example], delimiter=fmt.delimiter)
