"""The crisis pause moves from four columns on accounts.Brand to its own model, publishing.Pause:
each paused brand gets its row (same instant, person, reason and time to resume). The columns
are dropped by accounts' next migration, which runs after this copy."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def columns_to_pauses(apps, schema_editor):
    Brand = apps.get_model("accounts", "Brand")
    Pause = apps.get_model("publishing", "Pause")
    paused = Brand.objects.filter(paused_at__isnull=False)
    Pause.objects.bulk_create(
        Pause(
            brand_id=brand.pk,
            paused_at=brand.paused_at,
            paused_by_id=brand.paused_by_id,
            reason=brand.pause_reason,
            resume_at=brand.resume_at,
        )
        for brand in paused
    )


def pauses_to_columns(apps, schema_editor):
    Brand = apps.get_model("accounts", "Brand")
    Pause = apps.get_model("publishing", "Pause")
    for pause in Pause.objects.all():
        Brand.objects.filter(pk=pause.brand_id).update(
            paused_at=pause.paused_at,
            paused_by_id=pause.paused_by_id,
            pause_reason=pause.reason,
            resume_at=pause.resume_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_brand_approval_stages"),
        ("publishing", "0001_overdue_hold"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Pause",
            fields=[
                (
                    "brand",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="pause",
                        serialize=False,
                        to="accounts.brand",
                    ),
                ),
                ("paused_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="paused at")),
                ("reason", models.CharField(max_length=300, verbose_name="pause reason")),
                ("resume_at", models.DateTimeField(blank=True, null=True, verbose_name="resume at")),
                (
                    "paused_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "crisis pause",
                "verbose_name_plural": "crisis pauses",
            },
        ),
        migrations.RunPython(columns_to_pauses, pauses_to_columns),
    ]
