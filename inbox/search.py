"""Which messages say a text: the inbox's search, one home for the two databases' indexes.

A search is a substring, case-insensitive ("livraison" finds "LIVRAISON retardée"), as people
type a word or part of one. Scanning every message's text costs about a millisecond per thousand
messages, twice per page (the count and the page): too slow at 100,000. So each database keeps
an index of trigrams, made by migration 0005:

- PostgreSQL: pg_trgm's GIN index on UPPER(text), the very expression Django's `icontains`
  compares, so the plain ORM lookup uses it (EXPLAIN shows a bitmap index scan).
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 and later), kept in step with
  inbox_message by triggers, so bulk inserts and deletions follow too. A quoted phrase matches a
  substring, case-insensitively (Unicode case, where LIKE folds only ASCII). Not the default
  unicode61 tokenizer: it matches whole words only, and "livr" would find nothing.

Fewer than three characters make no trigram: those searches scan, which is fine for how rarely
anyone looks for two letters. A migration that makes SQLite rebuild inbox_message (changing one
of its columns) drops the triggers with the old table: tests/inbox/test_search.py fails then,
and that migration must create them again (as 0005 does).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from inbox.models import Message

TRIGRAM = 3
SQLITE_TABLE = "inbox_message_search"  # made by migration 0005
SQLITE_MATCH = f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s"  # noqa: S608 (our names only)


def messages_saying(text: str) -> QuerySet[Message]:
    """Messages whose text holds `text`, whatever its case, through the database's index."""
    if connection.vendor == "sqlite" and len(text) >= TRIGRAM:
        # The table's name is ours, the text a parameter: no user input in the SQL itself.
        matching = RawSQL(SQLITE_MATCH, [_phrase(text)])  # noqa: S611
        return Message.objects.filter(pk__in=matching)
    return Message.objects.filter(text__icontains=text)


def _phrase(text: str) -> str:
    """An FTS5 string literal: everything inside double quotes is matched as typed (no operators);
    a double quote is written twice."""
    return '"' + text.replace('"', '""') + '"'
