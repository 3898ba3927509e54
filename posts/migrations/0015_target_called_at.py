"""A target's "the network was called" becomes a column (called_at), no longer a ":called" suffix
on its claim. A target caught mid-call by the upgrade keeps its claim, without the suffix, and
gets its lease's expiry as the time it was called (the exact instant was never stored)."""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, Length, Now, Substr

SUFFIX = ":called"


def suffix_to_column(apps, schema_editor):
    PostTarget = apps.get_model("posts", "PostTarget")
    called = PostTarget.objects.filter(claim_id__endswith=SUFFIX)
    called.update(
        claim_id=Substr("claim_id", 1, Length("claim_id") - len(SUFFIX)),
        called_at=Coalesce(F("lease_expires_at"), Now()),
    )


def column_to_suffix(apps, schema_editor):
    PostTarget = apps.get_model("posts", "PostTarget")
    PostTarget.objects.filter(called_at__isnull=False).exclude(claim_id="").update(
        claim_id=Concat("claim_id", Value(SUFFIX))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0014_notifications_moved_to_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="posttarget",
            name="called_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(suffix_to_column, column_to_suffix),
    ]
