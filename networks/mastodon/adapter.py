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

Conversations (networks/capabilities/conversations.py): replies and mentions are `mention`
notifications (`GET /api/v1/notifications?types[]=mention`), read forward with `min_id` (the
page immediately newer than the cursor, so nothing is skipped when more than a page arrived;
`since_id` would jump to the newest) and, on the first read, backwards with `max_id` (the Link
header's rel="next") until the backfill date. A thread is `GET /api/v1/statuses/:id/context`
(descendants at every depth). A reply is a status with `in_reply_to_id`, the parent's visibility
(a reply to a private mention stays private) and the reply's key as Idempotency-Key. Mastodon
has no way to hide someone's reply, and deletes only the account's own statuses.

Search (networks/capabilities/search.py, listening's sources): the instance's status search
(`GET /api/v2/search?type=statuses&resolve=false`: Mastodon searches statuses only for a signed-in
account, hence read:search) or, for a query of hashtags only, the hashtag timeline
(`GET /api/v1/timelines/tag/:hashtag`, more tags as `any[]`); both paged by id as notifications
are, within the account's budget like every read.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import requests
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks import budget, http, services
from networks import http_adapter as remote
from networks.base import (
    Capability,
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
from networks.capabilities.conversations import (
    Author,
    InboundMessage,
    MalformedPage,
    MessageAction,
    MessageKind,
    MessagePage,
    web_address,
)
from networks.capabilities.metrics import Counters, GapReason, Metric, json_or_none, read_failure
from networks.http_adapter import ReadWording, Wording, connect_request, read_error
from networks.mastodon.forms import MastodonInstanceForm, MastodonTokenForm
from networks.oauth import OAuthAdapter, OAuthClient

# GET /api/v1/statuses/:id: the desk's metric -> the status's field. Mastodon counts no views.
MASTODON_METRICS = {
    Metric.REPLIES: "replies_count",
    Metric.REPOSTS: "reblogs_count",
    Metric.LIKES: "favourites_count",
}
# Reading the inbox needs read:notifications and read:statuses, listening's search read:search
# (an account connected before asks to be reconnected when a read is refused).
SCOPES = "write:statuses write:media read:accounts read:statuses read:notifications read:search"
PAGE_LIMIT = 80  # the most Mastodon gives in one page of notifications: half the calls of its default 40
SEARCH_LIMIT = 40  # the most a search or a hashtag timeline gives in one page (20 by default)
_TAG_NAME = re.compile(r"\w+")
VISIBILITIES = ("public", "unlisted", "private", "direct")
APP_NAME = "Publishing desk"
READING_MESSAGES = ReadWording(
    refused=gettext_lazy(
        "Mastodon (%(host)s) refused to let the desk read the account's notifications (%(reason)s): "
        "reconnect the account."
    ),
    throttled=gettext_lazy("Mastodon (%(host)s) asks to slow down; the messages will be read after its limit resets."),
    unreachable=gettext_lazy("Mastodon (%(host)s) could not be read just now; the messages will be read again later."),
    failed=gettext_lazy("Mastodon (%(host)s) could not be read just now; the messages will be read again later."),
)


def normalize_instance_url(text: str) -> str:
    """'Mastodon.Social/' or 'https://mastodon.social/about' -> 'https://mastodon.social'."""
    try:
        return http.typed_origin(text)
    except http.UnsafeHost as error:
        raise ConnectError(error.message, field="instance_url") from None


def _host(instance_url: str) -> str:
    return http.url_host(instance_url)


class MastodonAdapter(OAuthAdapter):
    slug = "mastodon"
    name = "Mastodon"
    icon = "bi-mastodon"
    # Mastodon's defaults; each instance may declare others (read into account.config).
    limits = Limits(
        max_chars=500,
        counting=Counting.MASTODON,
        url_weight=23,
        max_media=4,
        images=ImageLimits(
            Fit(types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}), max_bytes=16 * 1024 * 1024)
        ),
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
    post_metrics = frozenset(MASTODON_METRICS)
    account_metrics = frozenset({Metric.FOLLOWERS})
    connect_form = MastodonTokenForm
    oauth_start_form = MastodonInstanceForm
    # The redirect URI our app was registered with on each instance since before the one flow:
    # kept, so those registrations stay valid.
    oauth_callback_url_name = "networks:mastodon_callback"
    scope_in_exchange = True
    user_typed_host = True
    wording = Wording(
        throttled=reason("Mastodon (%(host)s) asks to slow down; the post will be tried again."),
        access_refused=reason(
            "Mastodon (%(host)s) refused the account's access token (%(reason)s): reconnect the account."
        ),
        temporary=reason("Mastodon (%(host)s) had a problem (error %(status)d); the post will be tried again."),
        refused=reason("Mastodon refused the post: %(reason)s"),
        unreachable=reason("Mastodon (%(host)s) could not be reached; the post will be tried again."),
        unknown_outcome=reason("%(host)s did not answer after the post was sent: it may or may not be published."),
    )
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS, Capability.METRICS, Capability.SEARCH})
    message_actions = frozenset({MessageAction.REPLY, MessageAction.DELETE_OWN})
    actions_not_offered = {
        MessageAction.HIDE: gettext_lazy(
            "Mastodon cannot hide a reply: mute or block its author, or report it to your server's moderators."
        ),
        MessageAction.DELETE: gettext_lazy(
            "Mastodon lets an account delete only its own posts: report this one to your server's moderators."
        ),
    }
    # Someone is told of a reply only when it names them: the reply box starts with their handle.
    reply_mentions_author = True
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
        """A pasted access token (the connect form), or the account the OAuth flow signed in."""
        if "oauth_connection" in data:
            return super().connect(data)
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

    @classmethod
    def oauth_client(cls, *, start: dict[str, Any], redirect_uri: str) -> OAuthClient:
        """Our app on the instance the person named: registered there once, then reused."""
        instance_url = normalize_instance_url(start["instance_url"])
        fetch_instance(instance_url)
        app = services.mastodon_app_for(instance_url=instance_url, redirect_uri=redirect_uri)
        return OAuthClient(
            client_id=app.client_id,
            client_secret=app.secrets["client_secret"],
            authorize_url=f"{instance_url}/oauth/authorize",
            token_url=f"{instance_url}/oauth/token",
            scopes=SCOPES,
            config={"instance_url": instance_url},
        )

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        return [cls.connect({"instance_url": client.config["instance_url"], "access_token": tokens["access_token"]})]

    # --- limits -------------------------------------------------------------------------------
    def get_limits(self) -> Limits:
        config = self.account.config
        supported = set(config.get("supported_mime_types") or ())
        return replace(
            self.limits,
            max_chars=int(config.get("max_characters") or self.limits.max_chars),
            url_weight=int(config.get("url_weight") or self.limits.url_weight),
            images=ImageLimits(self._instance_images(config, supported)),
            max_video_bytes=int(config.get("video_size_limit") or self.limits.max_video_bytes),
            video_types=frozenset(t for t in supported if t.startswith("video/")) or self.limits.video_types,
        )

    def _instance_images(self, config: dict, supported: set[str]) -> Fit:
        """The instance's own image limits (its /api/v2/instance), else the class's."""
        default = self.limits.images.attach
        return replace(
            default,
            max_bytes=int(config.get("image_size_limit") or 0) or default.max_bytes,
            types=frozenset(t for t in supported if t.startswith("image/")) or default.types,
        )

    def validate(self, text: str, media: list[MediaFile]) -> list[Problem]:
        problems = super().validate(text, media)
        if any(item.is_video for item in media) and len(media) > 1:
            # Mastodon attaches a video (or GIF animation) alone, never beside other files.
            problems.append(
                Problem("video_not_alone", _("Mastodon takes a video alone, without other images or videos."))
            )
        return problems

    # --- metrics (one status per call: Mastodon has no batch read of statuses by id) ----------------
    def read_post_metrics(self, *, remote_ids) -> dict[str, Counters]:
        return {remote_id: self._status_counters(remote_id) for remote_id in remote_ids}

    def read_account_metrics(self) -> Counters:
        account = json_or_none(self._metrics_get("/api/v1/accounts/verify_credentials"))
        return Counters.from_fields(account, {Metric.FOLLOWERS: "followers_count"})

    def _status_counters(self, remote_id: str) -> Counters:
        response = self._metrics_get(f"/api/v1/statuses/{remote_id}")
        if response.status_code in (404, 410):
            return Counters.gap_for_all(MASTODON_METRICS, GapReason.DELETED, _error_text(response))
        return Counters.from_fields(json_or_none(response), MASTODON_METRICS)

    def _metrics_get(self, path: str) -> requests.Response:
        """A read for the numbers: a deleted status (404, 410) is an answer, other errors raise."""
        name = f"Mastodon ({_host(self.instance_url)})"
        try:
            response = self.send("GET", self.instance_url + path, headers=self._authorization())
        except PublishError as error:
            raise error if error.kind == ErrorKind.RECONNECT else read_failure(name, None) from None
        if response.status_code >= 400 and response.status_code not in (404, 410):
            raise read_failure(
                name, response.status_code, reason=self.error_words(response), retry_after=self.retry_after(response)
            )
        return response

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        media_ids = self._upload_all(media)
        payload = {"status": text, "media_ids": media_ids, "visibility": "public"}
        response = self._call(
            "POST",
            "/api/v1/statuses",
            json=payload,
            headers={"Idempotency-Key": key},
            publishing=True,
        )
        status = response.json()
        return PublishResult(remote_id=str(status["id"]), url=status.get("url") or status.get("uri") or "")

    def check_connection(self) -> str:
        account = self._call("GET", "/api/v1/accounts/verify_credentials").json()
        return f"@{account['acct']}@{_host(self.instance_url)}"

    @property
    def instance_url(self) -> str:
        return self.account.config["instance_url"]

    # --- conversations ------------------------------------------------------------------------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        return _paged(self._notifications, _cursor(cursor), since, PAGE_LIMIT, self._notified)

    def _notified(self, notification: dict[str, Any]) -> InboundMessage | None:
        return self._message(notification["status"]) if notification.get("status") else None

    def _notifications(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        response = self._call("GET", "/api/v1/notifications", params={"types[]": "mention", **query}, reading=True)
        try:
            notifications = response.json()
        except ValueError:
            raise MalformedPage(self.name, "not JSON") from None
        if not isinstance(notifications, list) or not all(
            isinstance(n, dict) and "id" in n and n.get("type") == "mention" for n in notifications
        ):
            raise MalformedPage(self.name, "not a list of mentions")
        return notifications

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        response = self._call("GET", f"/api/v1/statuses/{root_id}/context", reading=True, missing_ok=True)
        if response.status_code == 404:
            return []  # the post was deleted: nothing more will come under it
        try:
            descendants = response.json()["descendants"]
        except (ValueError, KeyError, TypeError):
            raise MalformedPage(self.name, "not a status context") from None
        return [self._message(status) for status in descendants]

    # --- search (networks/capabilities/search.py) ---------------------------------------------------
    def search(self, *, query: str, cursor: str, since: datetime) -> MessagePage:
        """Statuses of the connected instance with the words (GET /api/v2/search, type=statuses,
        no remote lookup), or, for a query of #hashtags only, its hashtag timeline
        (GET /api/v1/timelines/tag/:hashtag): both paged by status id as notifications are."""
        tags = _hashtags_only(query)
        fetch = partial(self._tag_timeline, tags) if tags else partial(self._search_statuses, query)
        return _paged(fetch, _cursor(cursor), since, SEARCH_LIMIT, self._found)

    def _search_statuses(self, query: str, page: dict[str, Any]) -> list[dict[str, Any]]:
        params = {"q": query, "type": "statuses", "resolve": "false", **page}
        answer = self._json(self._call("GET", "/api/v2/search", params=params, reading=True))
        statuses = answer.get("statuses") if isinstance(answer, dict) else None
        return _checked_statuses(statuses, self.name)

    def _tag_timeline(self, tags: list[str], page: dict[str, Any]) -> list[dict[str, Any]]:
        path = f"/api/v1/timelines/tag/{quote(tags[0], safe='')}"
        params = {"any[]": tags[1:], **page}
        return _checked_statuses(self._json(self._call("GET", path, params=params, reading=True)), self.name)

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise MalformedPage(self.name, "not JSON") from None

    def _found(self, status: dict[str, Any]) -> InboundMessage:
        """A status found by a search is a mention-like item, whatever it answers."""
        return replace(self._message(status), kind=MessageKind.MENTION)

    def _message(self, status: Any) -> InboundMessage:
        try:
            author = status["account"]
            return InboundMessage(
                remote_id=str(status["id"]),
                text=text_from_html(status.get("content") or ""),
                author=Author(
                    handle=self._handle(author["acct"]),
                    name=author.get("display_name") or author["username"],
                    avatar_url=web_address(author.get("avatar")),
                    remote_id=str(author["id"]),
                ),
                created_at=_moment(status["created_at"]),
                url=web_address(status.get("url") or status.get("uri")),
                in_reply_to=str(status.get("in_reply_to_id") or ""),
                kind=MessageKind.REPLY if status.get("in_reply_to_id") else MessageKind.MENTION,
                edited_at=_moment(status["edited_at"]) if status.get("edited_at") else None,
                ours=str(author["id"]) == str(self.account.config.get("account_id")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedPage(self.name, f"a status without {error}") from None

    def _handle(self, acct: str) -> str:
        """@name@instance for everyone: local accounts come as a bare "name"."""
        return f"@{acct}" if "@" in acct else f"@{acct}@{_host(self.instance_url)}"

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        parent = self._call("GET", f"/api/v1/statuses/{to}").json()
        visibility = parent.get("visibility") if parent.get("visibility") in VISIBILITIES else "public"
        payload = {"status": text, "in_reply_to_id": to, "visibility": visibility}
        response = self._call(
            "POST", "/api/v1/statuses", json=payload, headers={"Idempotency-Key": key}, publishing=True, spends=()
        )
        status = response.json()
        return PublishResult(remote_id=str(status["id"]), url=web_address(status.get("url") or status.get("uri")))

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        if not ours:
            raise NotImplementedError  # see actions_not_offered
        self._call("DELETE", f"/api/v1/statuses/{remote_id}", missing_ok=True)

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

    def _call(
        self, method: str, path: str, *, reading: bool = False, missing_ok: bool = False, **kwargs
    ) -> requests.Response:
        """One API call; any failure becomes a PublishError. `publishing`: the call publishes
        (see HttpAdapter.send). `reading`: the inbox reads, and the messages say so.
        `missing_ok`: a 404 is an answer, not an error."""
        headers = {**self._authorization(), **kwargs.pop("headers", {})}
        answers = (404,) if missing_ok else ()
        if not reading:
            return self.call(method, self.instance_url + path, headers=headers, answers=answers, **kwargs)
        try:
            response = self.send(method, self.instance_url + path, headers=headers, **kwargs)
        except PublishError as error:
            raise error if error.kind == ErrorKind.RECONNECT else self._read_error(None) from None
        if self.failed(response) and response.status_code not in answers:
            raise self._read_error(response)
        return response

    def _authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.credentials.get('access_token', '')}"}

    def error_values(self, response: requests.Response | None) -> dict[str, Any]:
        return {**super().error_values(response), "host": _host(self.instance_url)}

    @classmethod
    def error_words(cls, response: requests.Response) -> str:
        return _error_text(response)

    @classmethod
    def retry_after(cls, response: requests.Response) -> float | None:
        return _seconds_until(response.headers.get("X-RateLimit-Reset"))

    def _read_error(self, response: requests.Response | None) -> PublishError:
        """A read that failed, in words about reading (the inbox shows them on the account); an
        answer that is neither a page nor a failure the ladder of reads knows is a malformed page."""
        status = response.status_code if response is not None else None
        if response is not None and status is not None and status < 500 and status not in (401, 403, 429):
            return MalformedPage(self.name, _error_text(response))
        values = {"host": _host(self.instance_url), "reason": _error_text(response) if response is not None else ""}
        retry_after = self.retry_after(response) if response is not None else None
        return read_error(
            READING_MESSAGES, values, None if status is None or status >= 500 else status, retry_after=retry_after
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
    return min(remote.MAX_WAIT, max(1.0, (moment - datetime.now(UTC)).total_seconds()))


# --- talking to an instance before an account exists (connecting, OAuth) ------------------------
def _connect_call(method: str, url: str, **kwargs) -> requests.Response:
    """A call made while connecting: failures become ConnectError naming the instance."""
    unreachable = _("%(host)s could not be reached. Check the address and try again.") % {"host": _host(url)}
    return connect_request(method, url, user_typed_host=True, unreachable=unreachable, field="instance_url", **kwargs)


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


# --- reading ------------------------------------------------------------------------------------
def _paged(
    fetch: Callable[[dict[str, Any]], list[dict[str, Any]]],
    position: dict[str, str],
    since: datetime,
    limit: int,
    message: Callable[[dict[str, Any]], InboundMessage | None],
) -> MessagePage:
    """Mastodon's id paging, for notifications, searches and timelines (all newest first).

    Caught up ({"min_id"}): the page immediately newer than the cursor (`since_id` would jump to
    the newest and skip what lies between). The first read: newest first, page after page
    (`max_id`) back to `since`, then forward from the newest item seen ({"max_id", "top"} while
    going back)."""
    if "min_id" in position:
        items = fetch({"min_id": position["min_id"], "limit": limit})
        newest = max((int(item["id"]) for item in items), default=int(position["min_id"]))
        found = [message(item) for item in items]
        return MessagePage(_present(found), json.dumps({"min_id": str(newest)}), more=len(items) >= limit)
    query: dict[str, Any] = {"limit": limit, **({"max_id": position["max_id"]} if position.get("max_id") else {})}
    items = fetch(query)
    top = position.get("top") or (str(items[0]["id"]) if items else "")
    kept = [item for item in items if _moment(item.get("created_at")) >= since]
    found = [message(item) for item in kept]
    if items and len(kept) == len(items) and len(items) >= limit:
        oldest = str(min(items, key=lambda item: int(item["id"]))["id"])
        return MessagePage(_present(found), json.dumps({"max_id": oldest, "top": top}), more=True)
    return MessagePage(_present(found), json.dumps({"min_id": top}) if top else "", more=False)


def _present(messages: list[InboundMessage | None]) -> tuple[InboundMessage, ...]:
    return tuple(m for m in messages if m is not None)


def _checked_statuses(statuses: Any, network: str) -> list[dict[str, Any]]:
    if not isinstance(statuses, list) or not all(
        isinstance(s, dict) and str(s.get("id", "")).isdigit() and "created_at" in s for s in statuses
    ):
        raise MalformedPage(network, "not a list of statuses")
    return statuses


def _hashtags_only(query: str) -> list[str]:
    """["marque", "soldes"] for "#marque #soldes"; [] when the query holds anything else."""
    words = query.split()
    if not words or not all(w.startswith("#") and w[1:] and _TAG_NAME.fullmatch(w[1:]) for w in words):
        return []
    return [w[1:] for w in words]


def _cursor(cursor: str) -> dict[str, str]:
    """The poller's cursor: {"min_id"} once caught up, {"max_id", "top"} while backfilling."""
    if not cursor:
        return {}
    try:
        position = json.loads(cursor)
    except ValueError:
        return {}
    return {k: str(v) for k, v in position.items() if k in ("min_id", "max_id", "top") and str(v).isdigit()}


def _moment(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Text(HTMLParser):
    """Mastodon's status HTML back to what was typed: paragraphs, line breaks, link and mention
    text (their hidden parts too: a link's "https://" and its tail are in invisible spans)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.paragraphs = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.paragraphs:
            self.parts.append("\n\n")
        if tag == "p":
            self.paragraphs += 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_from_html(content: str) -> str:
    parser = _Text()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts)
