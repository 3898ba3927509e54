"""Notification and DigestSent now belong to the notifications app (its 0001), which keeps their
tables: removed from this app's state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('posts', '0013_history_notes_as_codes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Notification'),
                migrations.DeleteModel(name='DigestSent'),
            ],
        ),
    ]
