"""Mastodon: any instance, connected by OAuth or by a pasted access token.

Proven against tests/networks/servers/mastodon.py, a local server behaving as the Mastodon
documentation says. Facts used here are in ../shared/NETWORKS.md:
- the instance declares its limits (`GET /api/v2/instance`); they are read at connection time
  into account.config and `get_limits()` uses them, so validation follows the instance;
- media go first, all of a post's at once (`POST /api/v2/media`, alt text as `description`,
  within the account's budget), then those still processing are polled together: the first
  until it is ready, then each of the others once (they were uploaded at the same moment);
- the account's budget is Mastodon's documented limits (networks/budget.py);
- the status is posted with `Idempotency-Key: <key>`: the server returns the first status for a
  repeat (it keeps the key about an hour), so the engine may retry after an unknown outcome.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from networks import budget, http
from networks.adapters.base import (
    Adapter,
    ConnectError,
    Connection,
    Counting,
    ErrorKind,
    Limits,
    MediaFile,
    Problem,
    PublishError,
    PublishResult,
)

SCOPES = "write:statuses write:media read:accounts"
APP_NAME = "Publishing desk"


class MastodonTokenForm(forms.Form):
    instance_url = forms.CharField(
        label=gettext_lazy("Instance address"),
        max_length=300,
        help_text=gettext_lazy("For example https://mastodon.social"),
    )
    access_token = forms.CharField(
        label=gettext_lazy("Access token"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "In Mastodon: Preferences › Development › New application, with the scopes "
            "write:statuses, write:media and read:accounts; copy “Your access token”."
        ),
    )


def normalize_instance_url(text: str) -> str:
    """'Mastodon.Social/' or 'https://mastodon.social/about' -> 'https://mastodon.social'."""
    text = text.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectError(_("This is not the address of a Mastodon server."), field="instance_url")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _host(instance_url: str) -> str:
    return urlsplit(instance_url).netloc


class MastodonAdapter(Adapter):
    slug = "mastodon"
    name = "Mastodon"
    # Mastodon's defaults; each instance may declare others (read into account.config).
    limits = Limits(
        max_chars=500,
        counting=Counting.MASTODON,
        url_weight=23,
        max_media=4,
        max_image_bytes=16 * 1024 * 1024,
        image_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        max_videos=1,
        max_video_bytes=99 * 1024 * 1024,
        video_types=frozenset({"video/mp4", "video/webm", "video/quicktime"}),
        alt_text_max=1500,
    )
    # Mastodon's documented rate limits: 300 API calls per 5 minutes per account, 30 media
    # uploads per 30 minutes, 300 statuses per 3 hours (docs.joinmastodon.org, "Rate limits").
    rates = (
        budget.Rate(budget.CALLS, 300, 5 * 60),
        budget.Rate(budget.MEDIA, 30, 30 * 60),
        budget.Rate(budget.POSTS, 300, 3 * 3600),
    )
    recognises_repeats = True
    connect_form = MastodonTokenForm
    oauth_start_url_name = "networks:mastodon_start"
    # Media processing: GET /api/v1/media/:id every `poll_interval` for `poll_steady_for`
    # seconds (a photo is ready in a second or two), then each wait 1.5 times longer up to
    # `poll_interval_max` (a video takes longer, and each poll spends a call of the budget).
    poll_interval = 0.5
    poll_steady_for = 4.0
    poll_interval_max = 5.0
    poll_timeout = 120.0

    # --- connecting -----------------------------------------------------------------------------
    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        instance_url = normalize_instance_url(data["instance_url"])
        token = data["access_token"].strip()
        config = instance_limits(fetch_instance(instance_url))
        account = verify_token(instance_url, token)
        return Connection(
            display_name=account.get("display_name") or account["username"],
            handle=f"@{account['acct']}@{_host(instance_url)}",
            avatar_url=account.get("avatar") or "",
            credentials={"access_token": token},
            config={"instance_url": instance_url, "account_id": str(account["id"]), **config},
        )

    # --- limits -------------------------------------------------------------------------------
    def get_limits(self) -> Limits:
        config = self.account.config
        limits = replace(
            self.limits,
            max_chars=int(config.get("max_characters") or self.limits.max_chars),
            url_weight=int(config.get("url_weight") or self.limits.url_weight),
            max_image_bytes=int(config.get("image_size_limit") or self.limits.max_image_bytes),
            max_video_bytes=int(config.get("video_size_limit") or self.limits.max_video_bytes),
        )
        supported = set(config.get("supported_mime_types") or ())
        if supported:
            limits = replace(
                limits,
                image_types=frozenset(t for t in supported if t.startswith("image/")) or limits.image_types,
                video_types=frozenset(t for t in supported if t.startswith("video/")) or limits.video_types,
            )
        return limits

    def validate(self, text: str, media: list[MediaFile]) -> list[Problem]:
        problems = super().validate(text, media)
        if any(item.is_video for item in media) and len(media) > 1:
            # Mastodon attaches a video (or GIF animation) alone, never beside other files.
            problems.append(
                Problem("video_not_alone", _("Mastodon takes a video alone, without other images or videos."))
            )
        return problems

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        media_ids = self._upload_all(media)
        payload = {"status": text, "media_ids": media_ids, "visibility": "public"}
        response = self._call(
            "POST",
            "/api/v1/statuses",
            json=payload,
            headers={"Idempotency-Key": key},
            sent=True,
            spends=(budget.POSTS,),
        )
        status = response.json()
        return PublishResult(remote_id=str(status["id"]), url=status.get("url") or status.get("uri") or "")

    def check_connection(self) -> str:
        account = self._call("GET", "/api/v1/accounts/verify_credentials").json()
        return f"@{account['acct']}@{_host(self.instance_url)}"

    @property
    def instance_url(self) -> str:
        return self.account.config["instance_url"]

    def _upload_all(self, media: list[MediaFile]) -> list[str]:
        """Upload every file at once, then wait for those Mastodon is still processing."""
        uploaded = budget.parallel(self._upload, media, spends=(budget.MEDIA,))
        self._wait_until_processed(
            [(media_id, item.name) for (media_id, ready), item in zip(uploaded, media, strict=True) if not ready]
        )
        return [media_id for media_id, _ready in uploaded]

    def _upload(self, item: MediaFile) -> tuple[str, bool]:
        """(media id, ready): Mastodon answers 202 with no url while it processes the file."""
        files = {"file": (item.name, item.read(), item.content_type)}
        response = self._call("POST", "/api/v2/media", files=files, data={"description": item.alt_text})
        media = response.json()
        return str(media["id"]), not (response.status_code == 202 or media.get("url") is None)

    def _wait_until_processed(self, waiting: list[tuple[str, str]]) -> None:
        """GET /api/v1/media/:id answers 206 while a file processes and 200 once it can be
        attached. Files uploaded together finish together: only the first is polled, and once
        it is ready the others are asked once, all at once."""
        started = time.monotonic()
        interval = self.poll_interval
        while waiting and time.monotonic() < started + self.poll_timeout:
            time.sleep(interval)
            if self._processed(waiting[0]):
                ready = budget.parallel(self._processed, waiting[1:])
                waiting = [item for item, done in zip(waiting[1:], ready, strict=True) if not done]
            if time.monotonic() - started > self.poll_steady_for:
                interval = min(interval * 1.5, self.poll_interval_max)
        if waiting:
            raise PublishError(
                reason("Mastodon is still processing %(name)s; the post will be tried again.", name=waiting[0][1]),
                kind=ErrorKind.RETRY,
                retry_after=60,
            )

    def _processed(self, media: tuple[str, str]) -> bool:
        return self._call("GET", f"/api/v1/media/{media[0]}").status_code == 200

    def _call(self, method: str, path: str, *, sent: bool = False, **kwargs) -> requests.Response:
        """One API call; any failure becomes a PublishError. `sent`: the call publishes, so a
        failure after the request left is an unknown outcome (the status may exist)."""
        headers = {"Authorization": f"Bearer {self.account.credentials.get('access_token', '')}"}
        headers.update(kwargs.pop("headers", {}))
        try:
            response = http.request(method, self.instance_url + path, user_typed_host=True, headers=headers, **kwargs)
        except http.UnsafeHost as error:
            raise PublishError(error.message, kind=ErrorKind.RECONNECT) from None
        except requests.RequestException as error:
            raise self._transport_error(error, publishing=sent) from None
        if response.status_code >= 400:
            raise self._http_error(response)
        return response

    def _transport_error(self, error: requests.RequestException, *, publishing: bool) -> PublishError:
        host = _host(self.instance_url)
        if publishing and http.was_sent(error):
            return PublishError(
                reason("%(host)s did not answer after the post was sent: it may or may not be published.")
                % {"host": host},
                kind=ErrorKind.UNKNOWN,
            )
        return PublishError(
            reason("Mastodon (%(host)s) could not be reached; the post will be tried again.") % {"host": host},
            kind=ErrorKind.RETRY,
        )

    def _http_error(self, response: requests.Response) -> PublishError:
        words = _error_text(response)
        host = _host(self.instance_url)
        if response.status_code == 401:
            return PublishError(
                reason("Mastodon (%(host)s) refused the account's access token (%(reason)s): reconnect the account.")
                % {"host": host, "reason": words},
                kind=ErrorKind.RECONNECT,
            )
        if response.status_code == 429:
            return PublishError(
                reason("Mastodon (%(host)s) asks to slow down; the post will be tried again.") % {"host": host},
                kind=ErrorKind.RETRY,
                retry_after=_seconds_until(response.headers.get("X-RateLimit-Reset")),
            )
        if response.status_code >= 500:
            return PublishError(
                reason("Mastodon (%(host)s) had a problem (error %(status)d); the post will be tried again.")
                % {"host": host, "status": response.status_code},
                kind=ErrorKind.RETRY,
            )
        return PublishError(
            reason("Mastodon refused the post: %(reason)s") % {"reason": words},
            kind=ErrorKind.REJECTED,
        )


def _error_text(response: requests.Response) -> str:
    """Mastodon's own words ({"error": "..."}), short; they never contain our token."""
    try:
        text = str(response.json().get("error") or "")
    except (ValueError, AttributeError):
        text = ""
    return (text or _("error %(status)d") % {"status": response.status_code})[:300]


def _seconds_until(reset: str | None) -> float | None:
    """X-RateLimit-Reset is an ISO 8601 time ("2026-11-22T01:05:00.000Z")."""
    if not reset:
        return None
    try:
        moment = datetime.fromisoformat(reset.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(1.0, (moment - datetime.now(UTC)).total_seconds())


# --- talking to an instance before an account exists (connecting, OAuth) ------------------------
def _connect_call(method: str, url: str, **kwargs) -> requests.Response:
    """A call made while connecting: failures become ConnectError naming the instance."""
    host = _host(url)
    try:
        return http.request(method, url, user_typed_host=True, **kwargs)
    except http.UnsafeHost as error:
        raise ConnectError(error.message, field="instance_url") from None
    except requests.RequestException:
        raise ConnectError(
            _("%(host)s could not be reached. Check the address and try again.") % {"host": host},
            field="instance_url",
        ) from None


def fetch_instance(instance_url: str) -> dict[str, Any]:
    """The instance's description; refuses anything that does not answer like Mastodon."""
    response = _connect_call("GET", f"{instance_url}/api/v2/instance")
    try:
        instance = response.json() if response.status_code == 200 else None
    except ValueError:
        instance = None
    if not isinstance(instance, dict) or "configuration" not in instance:
        raise ConnectError(
            _("%(host)s does not answer like a Mastodon server (version 4 or later).") % {"host": _host(instance_url)},
            field="instance_url",
        )
    return instance


def instance_limits(instance: dict[str, Any]) -> dict[str, Any]:
    """What account.config keeps of an instance's configuration (see MastodonAdapter.get_limits)."""
    configuration = instance.get("configuration") or {}
    statuses = configuration.get("statuses") or {}
    media = configuration.get("media_attachments") or {}
    return {
        "max_characters": statuses.get("max_characters", 500),
        "url_weight": statuses.get("characters_reserved_per_url", 23),
        "image_size_limit": media.get("image_size_limit"),
        "video_size_limit": media.get("video_size_limit"),
        "supported_mime_types": media.get("supported_mime_types") or [],
    }


def verify_token(instance_url: str, token: str) -> dict[str, Any]:
    response = _connect_call(
        "GET", f"{instance_url}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    if response.status_code in (401, 403):
        raise ConnectError(
            _("%(host)s refused this access token. Create a new one and paste it again.")
            % {"host": _host(instance_url)},
            field="access_token",
        )
    if response.status_code != 200:
        raise ConnectError(
            _("%(host)s answered with error %(status)d; try again later.")
            % {"host": _host(instance_url), "status": response.status_code},
            field="instance_url",
        )
    return response.json()


def register_app(instance_url: str, redirect_uri: str) -> tuple[str, str]:
    """POST /api/v1/apps: our client id and secret on this instance (cached by the caller)."""
    response = _connect_call(
        "POST",
        f"{instance_url}/api/v1/apps",
        data={"client_name": APP_NAME, "redirect_uris": redirect_uri, "scopes": SCOPES},
    )
    if response.status_code != 200:
        raise ConnectError(
            _("%(host)s did not let this application register (error %(status)d).")
            % {"host": _host(instance_url), "status": response.status_code},
            field="instance_url",
        )
    app = response.json()
    return app["client_id"], app["client_secret"]


def authorize_url(instance_url: str, *, client_id: str, redirect_uri: str, state: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": state,
    }
    return f"{instance_url}/oauth/authorize?{urlencode(query)}"


def exchange_code(instance_url: str, *, client_id: str, client_secret: str, redirect_uri: str, code: str) -> str:
    """POST /oauth/token: the authorization code becomes an access token."""
    response = _connect_call(
        "POST",
        f"{instance_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
        },
    )
    try:
        token = response.json().get("access_token") if response.status_code == 200 else None
    except ValueError:
        token = None
    if not token:
        raise ConnectError(
            _("%(host)s did not confirm the authorization. Try connecting again.") % {"host": _host(instance_url)}
        )
    return str(token)
