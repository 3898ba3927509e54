"""Campaign now belongs to the posts app (its 0016), which keeps the table: this app forgets the
model without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0003_import_present_and_landed_months"),
        ("posts", "0016_campaign_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[], state_operations=[migrations.DeleteModel(name="Campaign")]
        ),
    ]
