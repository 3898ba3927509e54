"""The crisis pause's four columns leave Brand: publishing.Pause holds the pause now, and its
migration (which this one waits for) copied every paused brand's row there first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_brand_approval_stages"),
        ("publishing", "0002_pause"),
    ]

    operations = [
        migrations.RemoveField(model_name="brand", name="pause_reason"),
        migrations.RemoveField(model_name="brand", name="paused_at"),
        migrations.RemoveField(model_name="brand", name="paused_by"),
        migrations.RemoveField(model_name="brand", name="resume_at"),
    ]
