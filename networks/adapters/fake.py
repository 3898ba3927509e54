"""A fake network that ships with the code, like Django's locmem mail backend.

It publishes into `FakeAdapter.outbox` (this process only) and can be told to fail through the
account's config: {"fail": "retry" | "reconnect" | "rejected" | "unknown"}. The demo and the
tests of everything above adapters use it.
"""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from networks.adapters.base import Adapter, Connection, ErrorKind, Limits, MediaFile, PublishError, PublishResult


class FakeForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Name"), max_length=100)


class FakeAdapter(Adapter):
    slug = "fake"
    name = "Fake network"
    limits = Limits(max_chars=500, max_media=4, alt_text_max=1500)
    recognises_repeats = True
    connect_form = FakeForm
    listed = False  # offered on the Networks page only when settings.DEBUG is on
    outbox: ClassVar[dict[str, dict]] = {}  # key -> what was published

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        handle = "@" + data["display_name"].lower().replace(" ", "")
        return Connection(display_name=data["display_name"], handle=handle, credentials={"token": "fake"})

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        failure = self.account.config.get("fail")
        if failure:
            raise PublishError(reason("The fake network was told to fail."), kind=ErrorKind(failure))
        # Keyed by `key`: a repeat returns the first post, as Mastodon's Idempotency-Key does.
        entry = self.outbox.setdefault(key, {"text": text, "media": [m.name for m in media], "id": key})
        return PublishResult(remote_id=entry["id"], url=f"https://fake.invalid/posts/{key}")

    def find_published(self, *, key: str) -> PublishResult | None:
        entry = self.outbox.get(key)
        return None if entry is None else PublishResult(remote_id=entry["id"], url=f"https://fake.invalid/posts/{key}")

    def check_connection(self) -> str:
        return self.account.handle or "@fake"
