"""X (formerly Twitter), API v2, connected with OAuth 2.0 (authorization code + PKCE S256).

Facts (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code,
https://docs.x.com/x-api/posts/creation-of-a-post, media upload v2), proven against
tests/networks/servers/x.py:
- scopes `tweet.read tweet.write users.read media.write offline.access`; the token endpoint
  (`POST /2/oauth2/token`, HTTP Basic with our client id and secret) answers an access token
  valid 2 hours and a refresh token; every refresh answers a NEW refresh token and the old one
  stops working, so each new one is stored at once (`updated_credentials`);
- images: `POST /2/media/upload` (multipart `media`, `media_category=tweet_image`) -> media id;
  `processing_info` is polled when present;
- the post: `POST /2/tweets {"text", "media": {"media_ids": [...]}}` -> 201 `{"data": {"id"}}`;
- errors are problem documents `{"title", "detail", "type", "status"}`: 401 (token expired or
  revoked: refresh once, then reconnect), 403 "duplicate content" (rejected, never retried),
  429 with `x-rate-limit-reset` (epoch seconds).
Text counts 280 by twitter-text's weights (URLs 23, CJK and emoji 2): Counting.X_WEIGHTED.
No idempotency key exists: a repeat after an unknown outcome is left to a person.

Reading is billed per call (pay-per-use credits), so every read takes one of the account's
monthly reads (NetworkAccount.monthly_read_budget; 0, the default, means no read at all) before
it leaves, whoever asks (the inbox, the numbers): a refused read says why in words the Networks
page shows, and nothing is sent. The owner's whole budget is for reads: no reserve is kept back,
since publishing on X reads nothing.
- conversations: `GET /2/users/:id/mentions` (newest first, `max_results` up to 100). The first
  read reaches back with `start_time`; later ones ask only what is newer than the newest seen
  (`since_id`). A burst larger than a page is followed with `pagination_token` (meta.next_token)
  under the same since_id, the cursor keeping the newest id of the burst for when it ends. A
  thread is `GET /2/tweets/search/recent?query=conversation_id:<id>` (the last 7 days). A reply's
  text starts with the @handles it answers (X fills them in): they are cut off, the rest is what
  the person typed. Replying is `POST /2/tweets` with `reply.in_reply_to_tweet_id` (no key: an
  unknown outcome is left for a person to check); hiding `PUT /2/tweets/:id/hidden` (replies in
  the account's own conversations); X deletes only the account's own posts. An edited post is a
  new post whose `edit_history_tweet_ids` starts with the original: it keeps the original's id.
- metrics: `GET /2/tweets?ids=` (up to 100) with `tweet.fields=public_metrics`; a deleted post is
  an entry of `errors` (resource-not-found); followers from `GET /2/users/me` with
  `user.fields=public_metrics`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks import budget
from networks import http_adapter as remote
from networks.base import (
    Capability,
    ConnectError,
    Connection,
    Counting,
    ErrorKind,
    Limits,
    MediaFile,
    PublishError,
    PublishResult,
)
from networks.budget import MONTH, POSTS, READS, Rate
from networks.capabilities.conversations import (
    Author,
    InboundMessage,
    MalformedPage,
    MessageAction,
    MessageKind,
    MessagePage,
    web_address,
)
from networks.capabilities.metrics import NUMBERS, Counters, Gap, GapReason, Metric
from networks.http_adapter import Outcome, ReadWording, Wording, read_error
from networks.oauth import OAuthAdapter, OAuthClient

NAME = "X"
SCOPES = "tweet.read tweet.write users.read media.write offline.access"
# Refresh a little before the access token expires, so a post never goes out on a dead token.
EXPIRY_MARGIN = timedelta(minutes=5)
# Beat renews tokens this long before they expire (it runs every TOKEN_REFRESH_INTERVAL).
REFRESH_AHEAD = timedelta(minutes=20)
# public_metrics: the desk's metric -> X's current name.
X_METRICS = {
    Metric.VIEWS: "impression_count",
    Metric.LIKES: "like_count",
    Metric.REPLIES: "reply_count",
    Metric.REPOSTS: "retweet_count",
    Metric.QUOTES: "quote_count",
    Metric.SAVES: "bookmark_count",
}
PAGE_SIZE = 100  # the most a page of mentions or of search holds: fewer billed reads
THREAD_PAGES = 10  # a thread's search stops here (1,000 replies): each page is a billed read
TWEET_FIELDS = "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,edit_history_tweet_ids"
READ_QUERY = {
    "max_results": str(PAGE_SIZE),
    "expansions": "author_id,referenced_tweets.id",
    "tweet.fields": TWEET_FIELDS,
    "user.fields": "username,name,profile_image_url",
}
# The @handles X puts before a reply's text (the people it answers), not typed by its author.
REPLY_PREFIX = re.compile(r"^(?:@\w{1,15}\s+)+")
# A refused read is tried again at least this often: it costs nothing (no call leaves), and an
# owner who raises the budget sees reading resume within the hour.
READ_RECHECK = 3600.0
READING_MESSAGES = ReadWording(
    refused=gettext_lazy("X refused to let the desk read the account's mentions (%(reason)s): reconnect the account."),
    throttled=gettext_lazy("X asks to slow down; the mentions will be read after its limit resets."),
    unreachable=gettext_lazy("X could not be reached; the mentions will be read again later."),
    failed=gettext_lazy("X answered error %(status)d; the mentions will be read again later."),
)


def _tokens_from(answer: dict[str, Any]) -> dict[str, Any]:
    expires = timezone.now() + timedelta(seconds=int(answer.get("expires_in") or 7200))
    return {
        "access_token": answer["access_token"],
        "refresh_token": answer.get("refresh_token", ""),
        "access_expires_at": expires.isoformat(),
    }


class XAdapter(OAuthAdapter):
    slug = "x"
    name = NAME
    icon = "bi-twitter-x"
    # X API v2: POST /2/tweets 100 per 15 minutes per user and 10,000 per 24 hours per app; reads
    # are billed, so they take from the monthly budget the brand sets (get_rates).
    bills_reads = True
    rates = (Rate(POSTS, 100, 15 * 60), Rate(POSTS, 10_000, 24 * 3600, app_wide=True))
    capabilities = frozenset({Capability.PUBLISH, Capability.CONVERSATIONS, Capability.METRICS})
    message_actions = frozenset({MessageAction.REPLY, MessageAction.HIDE, MessageAction.DELETE_OWN})
    actions_not_offered = {
        MessageAction.DELETE: gettext_lazy(
            "X lets an account delete only its own posts: hide this reply instead, or report it to X."
        ),
    }
    post_metrics = frozenset(X_METRICS)
    account_metrics = frozenset({Metric.FOLLOWERS})
    metrics_batch_size = 100
    limits = Limits(
        max_chars=280,
        counting=Counting.X_WEIGHTED,
        url_weight=23,
        max_media=4,
        images=ImageLimits(Fit(types=frozenset({"image/jpeg", "image/png", "image/webp"}), max_bytes=5 * 1024 * 1024)),
        alt_text_max=1000,
    )
    required_settings = ("X_CLIENT_ID", "X_CLIENT_SECRET")
    wording = Wording(
        throttled=reason("X asks to slow down (%(reason)s); the post will be tried again."),
        access_refused=reason("X refused the account's access (%(reason)s): reconnect the account."),
        temporary=reason("X had a problem (error %(status)d); the post will be tried again."),
        refused=reason("X refused the post: %(reason)s"),
    )
    scopes = SCOPES
    oauth_pkce = True
    token_basic_auth = True
    poll_interval = 1.0
    poll_timeout = 60.0

    # --- connecting -----------------------------------------------------------------------------
    @classmethod
    def authorize_endpoint(cls) -> str:
        return settings.X_AUTHORIZE_URL

    @classmethod
    def token_endpoint(cls) -> str:
        return f"{settings.X_API_URL}/2/oauth2/token"

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        credentials = _tokens_from(tokens)
        me = cls.send_connecting(
            "GET",
            f"{settings.X_API_URL}/2/users/me",
            params={"user.fields": "profile_image_url"},
            headers={"Authorization": f"Bearer {credentials['access_token']}"},
        )
        if me.status_code != 200:
            raise ConnectError(
                _("X did not tell which account signed in (%(reason)s).") % {"reason": cls.error_words(me)}
            )
        user = remote.json_of(me).get("data") or {}
        return [
            Connection(
                display_name=user.get("name") or user["username"],
                handle=f"@{user['username']}",
                avatar_url=user.get("profile_image_url") or "",
                credentials=credentials,
                config={"user_id": str(user["id"]), "username": user["username"]},
            )
        ]

    def get_rates(self) -> tuple[Rate, ...]:
        """Reads (mentions, search, metrics) are billed per call: the brand sets how many a month
        (NetworkAccount.monthly_read_budget; 0, the default, turns them off)."""
        return (*super().get_rates(), Rate(READS, self.account.monthly_read_budget, MONTH))

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        media_ids = [self._upload(item) for item in media]
        payload: dict[str, Any] = {"text": text}
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        response = self._call("POST", "/2/tweets", publishing=True, json=payload)
        tweet_id = str(remote.json_of(response)["data"]["id"])
        return PublishResult(
            remote_id=tweet_id, url=f"https://x.com/{self.account.config['username']}/status/{tweet_id}"
        )

    def check_connection(self) -> str:
        user = remote.json_of(self._call("GET", "/2/users/me")).get("data") or {}
        return f"@{user.get('username') or self.account.config['username']}"

    @classmethod
    def refresh_due(cls, account) -> bool:
        """The access token lives 2 hours: renew it shortly before, so posts never wait for it
        and the refresh token keeps being used (X does not document how long an idle one lives)."""
        expires = account.credentials.get("access_expires_at")
        return bool(expires) and datetime.fromisoformat(str(expires)) <= timezone.now() + REFRESH_AHEAD

    def refresh_credentials(self) -> dict[str, Any] | None:
        self._refresh()
        return self.updated_credentials

    def _upload(self, item: MediaFile) -> str:
        files = {"media": (item.name, item.read(), item.content_type)}
        response = self._call("POST", "/2/media/upload", files=files, data={"media_category": "tweet_image"})
        media = remote.json_of(response).get("data") or {}
        self._wait_for_processing(str(media["id"]), media.get("processing_info"), item.name)
        if item.alt_text:
            self._call(
                "POST",
                "/2/media/metadata",
                json={"id": str(media["id"]), "metadata": {"alt_text": {"text": item.alt_text}}},
            )
        return str(media["id"])

    def _wait_for_processing(self, media_id: str, info: dict[str, Any] | None, name: str) -> None:
        deadline = time.monotonic() + self.poll_timeout
        while info and info.get("state") in ("pending", "in_progress"):
            if time.monotonic() > deadline:
                raise PublishError(
                    reason("X is still processing %(name)s; the post will be tried again.") % {"name": name},
                    kind=ErrorKind.RETRY,
                    retry_after=60,
                )
            time.sleep(min(float(info.get("check_after_secs") or self.poll_interval), self.poll_interval))
            status = self._call("GET", "/2/media/upload", params={"command": "STATUS", "media_id": media_id})
            info = (remote.json_of(status).get("data") or {}).get("processing_info")
        if info and info.get("state") == "failed":
            words = remote.short((info.get("error") or {}).get("message")) or name
            raise PublishError(
                reason("X could not process %(name)s: %(reason)s") % {"name": name, "reason": words},
                kind=ErrorKind.REJECTED,
            )

    # --- conversations ----------------------------------------------------------------------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        position = _cursor(cursor)
        query = dict(READ_QUERY)
        if position.get("since_id"):
            query["since_id"] = position["since_id"]
        else:
            query["start_time"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if position.get("next"):
            query["pagination_token"] = position["next"]
        answer = self._page(f"/2/users/{self.account.config['user_id']}/mentions", query)
        messages = self._messages(answer)
        meta = answer.get("meta") or {}
        top = position.get("top") or str(meta.get("newest_id") or "") or position.get("since_id", "")
        if meta.get("next_token"):
            following = {"since_id": position.get("since_id", ""), "next": str(meta["next_token"]), "top": top}
            return MessagePage(messages, json.dumps(following), more=True)
        return MessagePage(messages, json.dumps({"since_id": top}) if top else "", more=False)

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        query = {**READ_QUERY, "query": f"conversation_id:{root_id}"}
        found: list[InboundMessage] = []
        for _page in range(THREAD_PAGES):
            answer = self._page("/2/tweets/search/recent", query)
            found += [m for m in self._messages(answer) if m.remote_id != root_id]
            token = (answer.get("meta") or {}).get("next_token")
            if not token:
                break
            query["next_token"] = str(token)
        return found

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        payload = {"text": text, "reply": {"in_reply_to_tweet_id": to}}
        response = self._call("POST", "/2/tweets", publishing=True, json=payload)
        tweet_id = str(remote.json_of(response)["data"]["id"])
        return PublishResult(remote_id=tweet_id, url=self._address(self.account.config["username"], tweet_id))

    def hide_message(self, *, remote_id: str) -> None:
        self._call("PUT", f"/2/tweets/{remote_id}/hidden", json={"hidden": True})

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        if not ours:
            raise NotImplementedError  # see actions_not_offered
        self._call("DELETE", f"/2/tweets/{remote_id}")

    def _page(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        response = self._read(path, query, READING_MESSAGES)
        try:
            answer = response.json()
        except ValueError:
            raise MalformedPage(self.name, "not JSON") from None
        if not isinstance(answer, dict) or not isinstance(answer.get("data", []), list):
            raise MalformedPage(self.name, "not a page of posts")
        return answer

    def _messages(self, answer: dict[str, Any]) -> tuple[InboundMessage, ...]:
        includes = answer.get("includes") or {}
        users = {str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)}
        return tuple(self._message(tweet, users) for tweet in answer.get("data") or [])

    def _message(self, tweet: Any, users: dict[str, Any]) -> InboundMessage:
        try:
            author = users[str(tweet["author_id"])]
            answered = next((r["id"] for r in tweet.get("referenced_tweets") or [] if r["type"] == "replied_to"), "")
            text = str(tweet["text"])
            conversation = str(tweet.get("conversation_id") or "")
            # An edit is a new post listing the versions, the original first: the message keeps
            # the original's id, so the inbox updates it instead of storing it twice.
            versions = [str(v) for v in tweet.get("edit_history_tweet_ids") or [tweet["id"]]]
            return InboundMessage(
                remote_id=versions[0],
                text=REPLY_PREFIX.sub("", text, count=1) if answered else text,
                author=Author(
                    handle=f"@{author['username']}",
                    name=author.get("name") or author["username"],
                    avatar_url=web_address(author.get("profile_image_url")),
                    remote_id=str(author["id"]),
                ),
                created_at=_moment(tweet["created_at"]),
                url=self._address(author["username"], str(tweet["id"])),
                in_reply_to=str(answered),
                root_id=conversation if conversation != str(tweet["id"]) else "",
                kind=MessageKind.REPLY if answered else MessageKind.MENTION,
                edited_at=_moment(tweet["created_at"]) if len(versions) > 1 else None,
                ours=str(author["id"]) == str(self.account.config.get("user_id")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedPage(self.name, f"a post without {error}") from None

    @staticmethod
    def _address(username: str, tweet_id: str) -> str:
        return web_address(f"https://x.com/{username}/status/{tweet_id}")

    # --- metrics --------------------------------------------------------------------------------
    def read_post_metrics(self, *, remote_ids: Sequence[str]) -> dict[str, Counters]:
        query = {"ids": ",".join(remote_ids), "tweet.fields": "public_metrics"}
        answer = remote.json_of(self._read("/2/tweets", query, NUMBERS))
        if not answer:
            return {i: Counters.gap_for_all(X_METRICS, GapReason.MALFORMED, "not JSON") for i in remote_ids}
        found = {str(t.get("id")): t for t in answer.get("data") or [] if isinstance(t, dict)}
        gone = {
            str(e.get("resource_id")): remote.short(e.get("detail"))
            for e in answer.get("errors") or []
            if isinstance(e, dict) and str(e.get("type", "")).endswith("/resource-not-found")
        }
        return {remote_id: _counters(remote_id, found, gone) for remote_id in remote_ids}

    def read_account_metrics(self) -> Counters:
        answer = remote.json_of(self._read("/2/users/me", {"user.fields": "public_metrics"}, NUMBERS))
        metrics = (answer.get("data") or {}).get("public_metrics") if answer else None
        return Counters.from_fields(metrics, {Metric.FOLLOWERS: "followers_count"})

    # --- billed reads ---------------------------------------------------------------------------
    def _read(self, path: str, query: dict[str, str], wording: ReadWording) -> requests.Response:
        """One billed read: a read of the month's budget is taken first (or nothing is sent), and
        a failure is told in words about reading."""
        self._take_read()
        values = {"network": self.name, "reason": "", "status": 0}
        try:
            response = self._authorized("GET", path, publishing=False, params=query)
        except PublishError as error:
            raise error if error.kind == ErrorKind.RECONNECT else read_error(wording, values, None) from None
        if self.failed(response):
            values.update(reason=self.error_words(response), status=response.status_code)
            retry_after = self.retry_after(response) if response.status_code == 429 else None
            raise read_error(wording, values, response.status_code, retry_after=retry_after)
        return response

    def _take_read(self) -> None:
        try:
            budget.take(self.account, (READS,), priority=budget.Priority.PUBLISH)
        except budget.OverBudget as refused:
            raise self._refused_read(refused) from None

    def _refused_read(self, refused: budget.OverBudget) -> PublishError:
        wait = max(1.0, (refused.until - timezone.now()).total_seconds())
        if refused.kind != READS:  # X said to slow down (a 429 paused the account)
            words = reason("X asks to slow down; reading resumes after %(time)s.") % {
                "time": refused.until.strftime("%H:%M UTC")
            }
            return PublishError(words, kind=ErrorKind.RETRY, retry_after=wait)
        if refused.rate is not None and refused.rate.limit == 0:
            words = reason(
                "X reads are off for this account: set its monthly read budget on the Networks page "
                "to read its mentions and numbers."
            )
            return PublishError(words, kind=ErrorKind.RETRY, retry_after=READ_RECHECK)
        words = reason(
            "This account's X reads for the month (%(limit)d) are spent: reading resumes on %(date)s, "
            "or raise the monthly read budget on the Networks page."
        ) % {"limit": refused.rate.limit if refused.rate else 0, "date": refused.until.strftime("%Y-%m-%d")}
        return PublishError(words, kind=ErrorKind.RETRY, retry_after=min(wait, READ_RECHECK))

    # --- tokens ---------------------------------------------------------------------------------
    @property
    def credentials(self) -> dict[str, Any]:
        return self.updated_credentials or self.account.credentials

    def _access_expired(self) -> bool:
        expires = self.credentials.get("access_expires_at")
        return bool(expires) and datetime.fromisoformat(str(expires)) - EXPIRY_MARGIN <= timezone.now()

    def _refresh(self) -> None:
        """Trade the refresh token for new tokens; X rotates the refresh token each time."""
        fields = {"grant_type": "refresh_token", "refresh_token": self.credentials.get("refresh_token", "")}
        client = self.oauth_client(start={}, redirect_uri="")
        response = self.send("POST", client.token_url, **self._token_request(client, fields))
        if response.status_code != 200:
            if self.outcome(response) in (Outcome.THROTTLED, Outcome.TEMPORARY):
                raise PublishError(
                    reason("X could not renew the account's access now; the post will be tried again."),
                    kind=ErrorKind.RETRY,
                )
            raise PublishError(
                reason("X refused to renew the account's access (%(reason)s): reconnect the account.")
                % {"reason": self.error_words(response)},
                kind=ErrorKind.RECONNECT,
            )
        self.updated_credentials = {**self.credentials, **_tokens_from(remote.json_of(response))}

    # --- calls ----------------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, publishing: bool = False, **kwargs):
        response = self._authorized(method, path, publishing=publishing, **kwargs)
        if self.failed(response):
            raise self.error_for(response)
        return response

    def _authorized(self, method: str, path: str, *, publishing: bool, **kwargs) -> requests.Response:
        """The call with a live access token: refreshed first when expired, and once more after
        a 401 (expired early, or revoked: then the refresh says so)."""
        if self._access_expired():
            self._refresh()
        response = self._send(method, path, publishing=publishing, **kwargs)
        if response.status_code == 401:
            self._refresh()
            response = self._send(method, path, publishing=publishing, **kwargs)
        return response

    def _send(self, method: str, path: str, *, publishing: bool, **kwargs):
        headers = {"Authorization": f"Bearer {self.credentials.get('access_token', '')}"}
        return self.send(method, settings.X_API_URL + path, publishing=publishing, headers=headers, **kwargs)

    @classmethod
    def error_words(cls, response) -> Any:
        """X's own words: a problem document's detail, or the first of `errors`."""
        answer = remote.json_of(response)
        errors = answer.get("errors") or [{}]
        text = answer.get("detail") or answer.get("title") or errors[0].get("message")
        return remote.short(text or answer.get("error_description")) or remote.unnamed_error(response.status_code)

    @classmethod
    def retry_after(cls, response) -> float | None:
        return remote.seconds_until_epoch(response.headers.get("x-rate-limit-reset"))


def _cursor(cursor: str) -> dict[str, str]:
    """The poller's cursor: {"since_id"} once caught up; {"since_id", "next", "top"} inside a burst."""
    try:
        position = json.loads(cursor) if cursor else {}
    except ValueError:
        return {}
    if not isinstance(position, dict):
        return {}
    return {k: str(v) for k, v in position.items() if k in ("since_id", "next", "top") and str(v).isalnum()}


def _moment(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _counters(remote_id: str, found: dict[str, Any], gone: dict[str, str]) -> Counters:
    if remote_id in found:
        return Counters.from_fields(found[remote_id].get("public_metrics"), X_METRICS)
    if remote_id in gone:
        return Counters.gap_for_all(X_METRICS, GapReason.DELETED, gone[remote_id])
    return Counters(gaps=dict.fromkeys(X_METRICS, Gap(GapReason.MALFORMED, "the answer left this post out")))
