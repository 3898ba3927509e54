"""The mentions page's text filter (and the crisis room's words) on PostgreSQL, at 200,000 mentions.

Django's `icontains` is `UPPER(text) LIKE UPPER('%word%')`. PostgreSQL keeps no statistics on
UPPER(text), so it guesses that a handful of rows match a common word, scans the whole table and
sorts it (330 ms measured) instead of walking the time index until a page is full (0.2 ms). So:
- statistics on the two expressions: the planner knows how common a word is;
- a trigram index on them (pg_trgm, a trusted extension the database owner may create): a rare
  word is found through the index instead of a scan of every mention (210 ms -> 0.1 ms).
SQLite has neither and needs neither (its plan walks the time index). Where pg_trgm is not
installed, the statistics alone are created.
"""

from django.db import migrations

STATISTICS = "CREATE STATISTICS IF NOT EXISTS mention_text_upper ON (upper(text)), (upper(title)) FROM listening_mention"
TRIGRAMS = (
    "CREATE INDEX IF NOT EXISTS mention_text_trgm ON listening_mention"
    " USING gin (upper(text) gin_trgm_ops, upper(title) gin_trgm_ops)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(STATISTICS)
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone():
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(TRIGRAMS)
        cursor.execute("ANALYZE listening_mention")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS mention_text_trgm")
        cursor.execute("DROP STATISTICS IF EXISTS mention_text_upper")


class Migration(migrations.Migration):
    dependencies = [("listening", "0007_statement_two_approvals")]

    operations = [migrations.RunPython(create, drop)]
