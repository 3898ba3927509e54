"""Notifications, the daily digest's claims and the outgoing webhooks' addresses move here from the
posts and api apps, keeping their tables: only Django's idea of where the models live changes
(state operations), and their content types follow them (permissions and admin history kept).
On a fresh database the tables are made by the posts and api migrations, as before."""

import django.db.models.deletion
import django.utils.timezone
import networks.crypto
import notifications.models
from django.conf import settings
from django.db import migrations, models

MOVED = {"posts": ["notification", "digestsent"], "api": ["webhookendpoint"]}


def _relabel(apps, *, forward: bool) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        old, new = (app_label, "notifications") if forward else ("notifications", app_label)
        for name in names:
            if not content_type.objects.filter(app_label=new, model=name).exists():
                content_type.objects.filter(app_label=old, model=name).update(app_label=new)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, forward=True)


def restore_content_types(apps, schema_editor):
    _relabel(apps, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_brand_approval_stages'),
        ('api', '0004_webhooks_moved_to_notifications'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('posts', '0014_notifications_moved_to_notifications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='WebhookEndpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shown_url', models.CharField(max_length=500, verbose_name='address (URL)')),
                        ('events', models.JSONField(default=notifications.models.all_events, verbose_name='events')),
                        ('credentials', networks.crypto.EncryptedJSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                        ('last_delivery_at', models.DateTimeField(blank=True, null=True, verbose_name='last delivery at')),
                        ('last_status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='last answer')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('brand', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_endpoints', to='accounts.brand')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'webhook',
                        'verbose_name_plural': 'webhooks',
                        'db_table': 'api_webhookendpoint',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='DigestSent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('notification_count', models.PositiveIntegerField(default=0)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='digests', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'posts_digestsent',
                        'ordering': ['-day'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'day'), name='one_digest_per_user_and_day')],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('submitted', 'Submitted for review'), ('approved', 'Approved'), ('changes_requested', 'Changes requested'), ('mentioned', 'Mentioned'), ('publish_failed', 'Publishing failed'), ('published', 'Published'), ('listening_alert', 'Listening alert'), ('source_failing', 'Listening source failing'), ('expired', 'Expired')], max_length=30)),
                        ('message', models.CharField(max_length=500)),
                        ('link', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('brand', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.brand')),
                        ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='posts.post')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'posts_notification',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['user', 'read_at'], name='posts_notif_user_id_96c784_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('kind', 'published')), fields=('user', 'post'), name='one_published_notice_per_post')],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
