"""Adapters for the engine's in-process tests: networks that cannot recognise a repeat.

Registered for one test with `monkeypatch.setitem(ADAPTERS, slug, dotted path)`. Each records
its calls in the class so a test can say "the network was (not) called".
"""

from typing import ClassVar

from networks.base import Adapter, ErrorKind, Limits, MediaFile, PublishError, PublishResult


class BlindAdapter(Adapter):
    """Sends, may lose the answer, and has no way to look a post up (like a plain webhook)."""

    slug = "blind"
    name = "Blind network"
    limits = Limits(max_chars=500)
    recognises_repeats = False
    calls: ClassVar[list[str]] = []
    published: ClassVar[dict[str, str]] = {}

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        type(self).calls.append(key)
        if self.account.config.get("lose_request"):  # the request died on the way: nothing made
            raise PublishError("No answer", kind=ErrorKind.UNKNOWN)
        if self.account.config.get("lose_answer"):
            type(self).published[key] = text  # it went out, but we never heard back
            raise PublishError("No answer", kind=ErrorKind.UNKNOWN)
        type(self).published[key] = text
        return PublishResult(remote_id=key, url=f"https://blind.invalid/{key}")


class LookingAdapter(BlindAdapter):
    """Loses answers too, but can look up what a key published."""

    slug = "looking"
    name = "Looking network"

    def find_published(self, *, key: str) -> PublishResult | None:
        text = type(self).published.get(key)
        return None if text is None else PublishResult(remote_id=key, url=f"https://looking.invalid/{key}")
