"""Campaign moves here from the calendars app (a post's campaign is part of its content), keeping
its table, calendars_campaign: only Django's idea of where the model lives changes (state
operations), and its content type follows it. calendars' 0005 then forgets its own copy."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def _relabel(apps, *, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label=new, model="campaign").exists():
        content_type.objects.filter(app_label=old, model="campaign").update(app_label=new)


def relabel_content_type(apps, schema_editor):
    _relabel(apps, old="calendars", new="posts")


def restore_content_type(apps, schema_editor):
    _relabel(apps, old="posts", new="calendars")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("calendars", "0004_campaign_two_approvals"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("posts", "0016_reminders_and_two_approvals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Campaign",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "colour",
                            models.CharField(
                                default="#0d6efd",
                                max_length=7,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^#[0-9a-fA-F]{6}$", "Enter a colour such as #0d6efd."
                                    )
                                ],
                                verbose_name="colour",
                            ),
                        ),
                        ("starts_on", models.DateField(blank=True, null=True, verbose_name="starts on")),
                        ("ends_on", models.DateField(blank=True, null=True, verbose_name="ends on")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "two_approvals",
                            models.BooleanField(
                                default=False,
                                help_text="Each post of the campaign goes out only once two different managers approved it.",
                                verbose_name="two approvals",
                            ),
                        ),
                        (
                            "brand",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="campaigns",
                                to="accounts.brand",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "campaign",
                        "verbose_name_plural": "campaigns",
                        "db_table": "calendars_campaign",
                        "ordering": ["starts_on", "name"],
                    },
                ),
                migrations.AlterField(
                    model_name="post",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="posts",
                        to="posts.campaign",
                        verbose_name="campaign",
                    ),
                ),
            ],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
