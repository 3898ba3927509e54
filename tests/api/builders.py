"""Objects of brand A the API matrix and tests act on, built the way the app would hold them."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from posts.models import Media, PostState
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory


def account(brand):
    return brand.network_accounts.first() or NetworkAccountFactory(brand=brand, display_name="Brand A news")


def post(brand, people, state=PostState.DRAFT, **fields):
    """A post written by the editor, on the brand's (fake) account, due tomorrow."""
    fields.setdefault("text", "Nouvelle collection disponible demain.")
    made = PostFactory(brand=brand, author=people["editor"], state=state, **fields)
    PostTargetFactory(post=made, account=account(brand))
    return made


def media(brand, people):
    return Media.objects.create(
        brand=brand,
        file="media/2026/11/photo.png",
        content_type="image/png",
        size=70,
        width=8,
        height=8,
        original_name="photo.png",
        uploaded_by=people["editor"],
    )


def png_upload(name: str = "photo.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def soon(hours: int = 24) -> str:
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def webhook(brand, people, url="http://127.0.0.1:9/hook"):
    from notifications.webhooks import webhook_create

    return webhook_create(brand=brand, user=people["owner"], url=url, events=["post.published"])[0]


def conversation(brand, people):
    """A conversation under the brand's published post, with one message from someone."""
    from tests.inbox.matrix import _conversation

    return _conversation(brand)


def reply(brand, people):
    """A reply of the editor's waiting for a manager's approval."""
    from inbox.models import Reply
    from tests.inbox.matrix import reply_kwargs

    return Reply.objects.get(pk=reply_kwargs(brand, people)["pk"])


def triage_rule(brand, people):
    """A rule sending messages that say "promo" to spam."""
    from inbox.models import TriageRule
    from tests.inbox.matrix import rule_kwargs

    return TriageRule.objects.get(pk=rule_kwargs(brand, people)["pk"])
