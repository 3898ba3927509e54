"""WebhookEndpoint now belongs to the notifications app (its 0001), which keeps its table:
removed from this app's state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0003_webhook_address_encrypted'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='WebhookEndpoint')],
        ),
    ]
