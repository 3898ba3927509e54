"""The engine's history notes stored as words become codes (cm_platform/reasons.py), so each
reader sees them in their language. Only the notes whose words are known are changed: the
fixed ones, in English or as translated then; the comment stays as the fallback rendering.
Failure reasons with values (a network's words inside) cannot be read back: they keep
showing as written."""

import re

from django.conf import settings
from django.db import migrations
from django.utils import translation

CLAIMED = re.compile(r"^claimed [0-9a-f]{8}$")
TAKEN = "Taken by a publishing worker"
NOT_STARTED = "No worker started it in time; nothing was sent, it goes back in the queue."
NOT_SENT = (
    "It may no longer go out (brand paused, post no longer approved or account disconnected): nothing was sent."
)
OLD = {
    "lease expired before the call": NOT_STARTED,
    "may no longer go out; not sent": NOT_SENT,
}
FIXED = ["Sent again by a person", "Checked by a person", "Cancelled after a pause", "Publish now"]


def _known_words() -> dict[str, str]:
    words = dict(OLD)
    for code in FIXED:
        words[code] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                words[translation.gettext(code)] = code
    return words


def forwards(apps, schema_editor):
    PostEvent = apps.get_model("posts", "PostEvent")
    words = _known_words()
    for event in PostEvent.objects.exclude(comment="").iterator():
        details = event.details or {}
        if "note" in details:
            continue
        code = TAKEN if CLAIMED.match(event.comment) else words.get(event.comment)
        if code is not None:
            event.details = {**details, "note": {"code": code, "params": {}}}
            event.save(update_fields=["details"])


class Migration(migrations.Migration):
    dependencies = [('posts', '0012_target_error_code')]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
