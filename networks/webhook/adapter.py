"""Webhook: POST a signed JSON document to a URL the user typed.

Signed as networks/signing.py says (X-Signature over the timestamp, the delivery id and the
body, with the account's secret shown once when the webhook is connected); the delivery id is
the publish key, so a retry of the same post carries the same id. Proven against a local
receiver in tests/networks/test_webhook.py that verifies the signature and refuses replays.

Document sent:
    {"key": "<stable per post and account>", "text": "...", "post_url": "<the post's page or null>",
     "media": [{"url": "...", "alt_text": "...", "content_type": "image/png"}]}
with the header `Idempotency-Key: <key>` too, so a receiver can drop a repeat. We cannot know
whether it does, hence recognises_repeats = False.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import requests
from django import forms
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks import http, signing
from networks.base import (
    ConnectError,
    Connection,
    Limits,
    MediaFile,
    PublishResult,
)
from networks.http_adapter import HttpAdapter, Wording


class WebhookForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("For example: Intranet"))
    url = forms.URLField(
        label=gettext_lazy("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("Each post is sent to it as signed JSON (POST)."),
    )


class WebhookAdapter(HttpAdapter):
    slug = "webhook"
    name = "Webhook"
    icon = "bi-broadcast"
    limits = Limits(
        max_chars=10_000, max_media=10, images=ImageLimits(Fit(max_bytes=50 * 1024 * 1024)), alt_text_max=1500
    )
    connect_form = WebhookForm
    shown_once_credential = "secret"
    user_typed_host = True
    wording = Wording(
        throttled=reason("The webhook %(host)s answered with error %(status)d; the post will be tried again."),
        access_refused=reason(
            "The webhook %(host)s refused the post (error %(status)d): check its address and secret."
        ),
        refused=reason("The webhook %(host)s rejected the post (error %(status)d)."),
        unreachable=reason("The webhook %(host)s could not be reached; the post will be tried again."),
        unknown_outcome=reason("The webhook %(host)s did not answer after the post was sent: it may have received it."),
    )

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        url = data["url"].strip()
        try:
            http.check_public_url(url)
        except http.UnsafeHost as error:
            raise ConnectError(error.message, field="url") from None
        # The URL stays among the (encrypted) credentials: many receivers put a token in it, or
        # a user:password. Pages and messages name the host alone. No handle: two webhooks on
        # one host are two accounts (a handle would merge them on connecting).
        return Connection(
            display_name=data["name"],
            credentials={"url": url, "secret": secrets.token_hex(32)},
            config={"host": http.url_host(url)},
        )

    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        post_url = _post_page_url(key)
        document = {
            "key": key,
            "text": text,
            "post_url": post_url,
            "media": [{"url": m.public_url, "alt_text": m.alt_text, "content_type": m.content_type} for m in media],
        }
        response = self._send(json.dumps(document, ensure_ascii=False).encode(), key)
        answer = _json_or_empty(response)
        return PublishResult(
            remote_id=str(answer.get("id") or key),
            url=str(answer.get("url") or post_url or f"{http.url_origin(self._url)}/"),
        )

    def check_connection(self) -> str:
        """A webhook has no read-only call: we check the address is still allowed and answers."""
        self.send("HEAD", self._url)
        return self.account.config.get("host", "")

    @property
    def _url(self) -> str:
        return self.account.credentials["url"]

    def _send(self, body: bytes, key: str) -> requests.Response:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": key,
            **signing.signature_headers(body=body, secret=self.account.credentials["secret"], delivery_id=key),
        }
        return self.call("POST", self._url, publishing=True, data=body, headers=headers)

    # --- a receiver's answers: any 2xx is received; a redirect is an address to check ----------------
    @classmethod
    def failed(cls, response: requests.Response) -> bool:
        return response.status_code >= 300

    @classmethod
    def throttled(cls, response: requests.Response) -> bool:
        return response.status_code == 429 or response.status_code >= 500  # both: try again later

    @classmethod
    def access_refused(cls, response: requests.Response) -> bool:
        return response.status_code in (401, 403, 404, 410) or response.status_code < 400

    def error_values(self, response: requests.Response | None) -> dict[str, Any]:
        return {**super().error_values(response), "host": self.account.config.get("host")}


def _json_or_empty(response: requests.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _post_page_url(key: str) -> str | None:
    """The post's page in this app, for the receiver's link back (None if it cannot be named)."""
    from posts.models import PostTarget  # noqa: PLC0415 — layer leak (pyproject ignore_imports): posts sits above networks

    target = PostTarget.objects.filter(key=key).select_related("post__brand").first()
    if target is None:
        return None
    try:
        path = reverse("posts:detail", kwargs={"brand_slug": target.post.brand.slug, "pk": target.post_id})
    except NoReverseMatch:
        return None
    return f"{settings.SITE_URL}{path}"
