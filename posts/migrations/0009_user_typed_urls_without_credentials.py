"""Userinfo (user:password@) typed into a network's address is dropped from everything kept in
clear: account configs and handles, Mastodon apps, and the error messages and notifications that
quoted the host. A webhook keeps its whole address in its encrypted credentials, as before.

Here, not in the networks app, because the errors and notifications quoting a host are the
posts app's rows.
"""

from urllib.parse import urlsplit

from django.db import migrations

# (network, config keys holding a URL the user typed or the network named)
URL_KEYS = {"mastodon": ["instance_url"], "bluesky": ["service", "pds"]}


def _origin(url: str) -> str:
    # A frozen copy of networks.http.url_origin (migrations keep their own code).
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{host}:{port}" if port else f"{parts.scheme}://{host}"


def _clean(netloc: str) -> str:
    return netloc.rpartition("@")[2]


def scrub(apps, schema_editor):
    NetworkAccount = apps.get_model("networks", "NetworkAccount")
    MastodonApp = apps.get_model("networks", "MastodonApp")
    PostTarget = apps.get_model("posts", "PostTarget")
    Notification = apps.get_model("posts", "Notification")
    leaked: dict[str, str] = {}  # host with userinfo -> host alone, as messages quoted them
    for account in NetworkAccount.objects.filter(network__in=["webhook", *URL_KEYS]):
        config = dict(account.config)
        if account.network == "webhook" and "@" in config.get("host", ""):
            leaked[config["host"]] = _clean(config["host"])
            config["host"] = _clean(config["host"])
        for key in URL_KEYS.get(account.network, []):
            netloc = urlsplit(config.get(key) or "").netloc
            if "@" in netloc:
                leaked[netloc] = _clean(netloc)
                config[key] = _origin(config[key])
        if config != account.config:
            account.config = config
            for dirty, clean in leaked.items():
                account.handle = account.handle.replace(dirty, clean)
            account.save(update_fields=["config", "handle"])
    for app in MastodonApp.objects.all():
        netloc = urlsplit(app.instance_url).netloc
        if "@" in netloc:
            leaked[netloc] = _clean(netloc)
            clean = _origin(app.instance_url)
            if MastodonApp.objects.filter(instance_url=clean, redirect_uri=app.redirect_uri).exists():
                app.delete()  # the same server was registered again without the userinfo
            else:
                app.instance_url = clean
                app.save(update_fields=["instance_url"])
    for dirty in sorted(leaked, key=len, reverse=True):
        for model, field in [(NetworkAccount, "last_error"), (PostTarget, "last_error"), (Notification, "message")]:
            for row in model.objects.filter(**{f"{field}__contains": dirty}):
                setattr(row, field, getattr(row, field).replace(dirty, leaked[dirty]))
                row.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [("networks", "0002_mastodon_app_feed_entry"), ('posts', '0008_notification_kinds_published_and_listening')]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
