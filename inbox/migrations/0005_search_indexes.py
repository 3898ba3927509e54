"""The inbox's search indexes (inbox/search.py says why each): pg_trgm's GIN index on PostgreSQL,
an FTS5 trigram table kept by triggers on SQLite. Neither is in the models' state: each exists on
one database only, and Django's model indexes would be made on both."""

from django.db import migrations

TABLE = "inbox_message_search"
SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, content='inbox_message', content_rowid='id', tokenize='trigram')",
    # External content: the FTS table stores only its index and is told of each change to the rows.
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON inbox_message BEGIN
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text); END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON inbox_message BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END""",
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF text ON inbox_message BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {TABLE}(rowid, text) VALUES (new.id, new.text); END""",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",  # the messages already stored
)
SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {TABLE}",
)
# Django's icontains compares UPPER(text) on PostgreSQL: the index holds that expression.
# Not django.contrib.postgres's TrigramExtension: going back, it looks for pg_extension on SQLite too.
# pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. Going back
# leaves it in place, as other indexes may use it.
POSTGRESQL_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
POSTGRESQL_CREATE = "CREATE INDEX inbox_message_text_trgm ON inbox_message USING gin (UPPER(text) gin_trgm_ops)"
POSTGRESQL_DROP = "DROP INDEX IF EXISTS inbox_message_text_trgm"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_EXTENSION)
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0004_triage_sentiment_on_time")]

    operations = [migrations.RunPython(create, drop)]
