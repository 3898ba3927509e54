"""Re-encrypt every stored credential with the newest key of FIELD_ENCRYPTION_KEYS.

Rotating a key: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it),
deploy, run this command, then drop the old keys.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.crypto import rotate
from networks.models import MastodonApp, NetworkAccount

# Each model with its encrypted field. Rows are rotated as stored tokens (MultiFernet.rotate):
# the clear text never passes through a model instance.
ENCRYPTED = ((NetworkAccount, "credentials"), (MastodonApp, "secrets"))


class Command(BaseCommand):
    help = "Re-encrypt network credentials with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        for model, field in ENCRYPTED:
            count = _rotate_table(model, field)
            self.stdout.write(f"{model._meta.label}: {count} re-encrypted")


def _rotate_table(model, field: str) -> int:
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(field).column)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
        for pk, stored in cursor.fetchall():
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [rotate(stored), pk])  # noqa: S608
            count += 1
    return count
