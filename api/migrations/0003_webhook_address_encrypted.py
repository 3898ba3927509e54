"""A webhook's address moves into its encrypted credentials; the clear column keeps only what
may be shown (scheme and host), since the address may hold a user:password or a token."""

from urllib.parse import urlsplit

from django.db import migrations, models


def _shown(url: str) -> str:
    # A frozen copy of networks.http.url_redacted (migrations keep their own code).
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    origin = f"{parts.scheme}://{host}:{port}" if port else f"{parts.scheme}://{host}"
    hidden = parts.path.strip("/") or parts.query or parts.fragment
    return f"{origin}/{'…' if hidden else ''}"


def encrypt_addresses(apps, schema_editor):
    WebhookEndpoint = apps.get_model("api", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all():
        endpoint.credentials = {**endpoint.credentials, "url": endpoint.url}
        endpoint.shown_url = _shown(endpoint.url)
        endpoint.save(update_fields=["credentials", "shown_url"])


def decrypt_addresses(apps, schema_editor):
    WebhookEndpoint = apps.get_model("api", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all():
        endpoint.url = endpoint.credentials.get("url", endpoint.shown_url)
        endpoint.save(update_fields=["url"])


class Migration(migrations.Migration):
    dependencies = [("api", "0002_webhook_endpoints")]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="shown_url",
            field=models.CharField(default="", max_length=500, verbose_name="address (URL)"),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_addresses, decrypt_addresses),
        migrations.RemoveField(model_name="webhookendpoint", name="url"),
    ]
