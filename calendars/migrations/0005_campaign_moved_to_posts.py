"""Campaign now belongs to the posts app (its 0017), which keeps the table: this app forgets the
model without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0004_campaign_two_approvals"),
        ("posts", "0017_campaign_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[], state_operations=[migrations.DeleteModel(name="Campaign")]
        ),
    ]
