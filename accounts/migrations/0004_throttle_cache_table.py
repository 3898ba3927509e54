"""The database cache table of the "throttle" cache (password reset counters, settings.CACHES).

A migration, so every `migrate` (make run, docker-compose's migrate service, test databases)
makes it; createcachetable does nothing for a cache that is not in the database.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [('accounts', '0003_user_daily_digest')]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
