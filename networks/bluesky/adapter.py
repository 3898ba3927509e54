"""Bluesky (AT Protocol): a handle and an app password, the account's own PDS.

Proven against a real PDS (`@atproto/pds` from the npm registry, started by
tests/networks/bluesky/conftest.py). Facts used here are in ../shared/NETWORKS.md:
- connecting calls `com.atproto.server.createSession` on the service the user names
  (https://bsky.social by default); the session's DID document names the account's own PDS,
  and every later call goes there, as the official client does. Sessions are refreshed with
  `refreshSession` on the service; rotated tokens are handed back through
  `updated_credentials`. The app password itself is never stored (forms.py, xrpc.py);
- text is counted in graphemes (300); links, mentions and hashtags become facets with UTF-8
  byte offsets, mentions only when the handle resolves to a DID (facets.py);
- images (4, with alt text) are uploaded as blobs, made to fit 1,000,000 bytes first when larger
  (the post schema's cap) by the image pipeline (core/images.py), with their aspect ratio;
- the post's record key (rkey) is derived from the publish key (records.py), so a repeat
  cannot make a second post: the PDS refuses a second record with the same rkey. Replies are
  posts too, keyed by the reply's key the same way;
- app.bsky reads (notifications, threads, search) go to the account's PDS with its session, and
  the PDS proxies them to its AppView with a service-auth token, as Bluesky's own app does (the
  public AppView cannot tell whose notifications to list). They take from the account's budget
  like every call (networks/http.py, inside budget.spending); reading.py turns them into messages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from core.images import Fit, fit
from core.images import Limits as ImageLimits
from networks import http
from networks.base import (
    Capability,
    Connection,
    Counting,
    ErrorKind,
    Limits,
    MediaFile,
    Problem,
    PublishError,
    PublishResult,
)
from networks.bluesky.facets import build_facets
from networks.bluesky.forms import DEFAULT_SERVICE, BlueskyConnectForm
from networks.bluesky.reading import (
    KEPT_REASONS,
    Walk,
    iso,
    json_page,
    listed_at,
    message_of,
    thread_replies,
)
from networks.bluesky.records import rkey_for
from networks.bluesky.xrpc import (
    ACCOUNT_ERRORS,
    TOKEN_ERRORS,
    check_pds,
    create_session,
    error_of,
    host_of,
    is_token_error,
    normalize_service_url,
    pds_endpoint,
)
from networks.budget import CALLS, POSTS, Rate
from networks.capabilities.conversations import InboundMessage, MalformedPage, MessageAction, MessageKind, MessagePage
from networks.capabilities.metrics import Counters, GapReason, Metric, json_or_none, read_failure
from networks.http_adapter import HttpAdapter, ReadWording, Wording, read_error, seconds_until_epoch, unnamed_error

if TYPE_CHECKING:
    from networks.models import NetworkAccount

POST_COLLECTION = "app.bsky.feed.post"
THREADGATE_COLLECTION = "app.bsky.feed.threadgate"
HIDDEN_REPLIES_MAX = 300  # app.bsky.feed.threadgate's hiddenReplies holds at most 300 posts
PAGE_LIMIT = 100  # listNotifications' and searchPosts' largest `limit` (their lexicons)
THREAD_DEPTH = 1000  # getPostThread's largest `depth`: every reply, however deep
READING = ReadWording(
    refused=gettext_lazy("Bluesky refused to let the desk read this account (%(reason)s): reconnect the account."),
    throttled=gettext_lazy("Bluesky asks to slow down; the messages will be read after its limit resets."),
    unreachable=gettext_lazy("Bluesky (%(host)s) could not be read just now; the messages will be read again later."),
    failed=gettext_lazy("Bluesky (%(host)s) could not be read just now; the messages will be read again later."),
)
# app.bsky.embed.images caps each image blob at 1,000,000 bytes (the PDS itself takes 5 MiB).
BLOB_MAX_BYTES = 1_000_000
# app.bsky.feed.post caps the text at 300 graphemes AND 3,000 UTF-8 bytes: 300 family emoji
# (18 bytes each) are 300 graphemes but too many bytes, and the PDS refuses them.
TEXT_MAX_BYTES = 3000
# app.bsky.feed.getPosts' post view: the desk's metric -> its field. Bluesky counts no views.
BLUESKY_METRICS = {
    Metric.LIKES: "likeCount",
    Metric.REPOSTS: "repostCount",
    Metric.REPLIES: "replyCount",
    Metric.QUOTES: "quoteCount",
}


class BlueskyAdapter(HttpAdapter):
    slug = "bluesky"
    name = "Bluesky"
    icon = "bi-bluesky"
    # The PDS's documented limits (docs.bsky.app, "Rate Limits"): 3,000 calls per 5 minutes, and
    # record writes of 5,000 points an hour and 35,000 a day per account, a create costing 3.
    rates = (Rate(CALLS, 3000, 5 * 60), Rate(POSTS, 1666, 3600), Rate(POSTS, 11_666, 24 * 3600))
    limits = Limits(
        max_chars=300,
        counting=Counting.GRAPHEMES,
        max_media=4,
        # Takes up to 30 MB; each blob is made to fit BLOB_MAX_BYTES in memory when it is sent,
        # as a JPEG whenever it must be re-encoded (core/images.py).
        images=ImageLimits(
            attach=Fit(max_bytes=30 * 1024 * 1024),
            sent=Fit(max_bytes=BLOB_MAX_BYTES, reencode_as="image/jpeg"),
        ),
        alt_text_max=2000,
    )
    recognises_repeats = True
    connect_form = BlueskyConnectForm
    # The PDS address comes from a DID document or the user: the SSRF guard applies.
    user_typed_host = True
    wording = Wording(
        throttled=reason("Bluesky asks to slow down; the post will be tried again."),
        access_refused=reason("Bluesky refused this account's session (%(reason)s): reconnect the account."),
        temporary=reason("Bluesky had a problem (error %(status)d); the post will be tried again."),
        refused=reason("Bluesky refused the post: %(reason)s"),
        unreachable=reason("Bluesky (%(host)s) could not be reached; the post will be tried again."),
        unknown_outcome=reason(
            "Bluesky (%(host)s) did not answer after the post was sent: it may or may not be published."
        ),
    )
    capabilities = frozenset({Capability.PUBLISH, Capability.METRICS, Capability.CONVERSATIONS, Capability.SEARCH})
    # Hiding: a threadgate's hiddenReplies, on threads that start with one of the account's posts.
    message_actions = frozenset({MessageAction.REPLY, MessageAction.HIDE, MessageAction.DELETE_OWN})
    actions_not_offered = {
        MessageAction.DELETE: gettext_lazy(
            "Bluesky lets an account delete only its own posts: hide this reply, or report it to Bluesky's moderation."
        ),
    }
    page_limit = PAGE_LIMIT  # tests make pages smaller
    post_metrics = frozenset(BLUESKY_METRICS)
    account_metrics = frozenset({Metric.FOLLOWERS})
    metrics_batch_size = 25  # getPosts' `uris` takes at most 25

    def __init__(self, account: NetworkAccount):
        super().__init__(account)
        # Our copy: a refresh replaces the tokens for the calls that follow in this adapter.
        self.credentials: dict[str, Any] = dict(account.credentials or {})

    def __repr__(self) -> str:
        return f"<BlueskyAdapter {self.account.pk}>"  # never the tokens

    def validate(self, text: str, media: list[MediaFile]) -> list[Problem]:
        problems = super().validate(text, media)
        size = len(text.encode())
        if size > TEXT_MAX_BYTES:
            problems.append(
                Problem(
                    "text_too_many_bytes",
                    _(
                        "%(network)s: the text takes %(count)d bytes, the limit is %(limit)d "
                        "(emoji and accented letters take several bytes each)."
                    )
                    % {"network": self.name, "count": size, "limit": TEXT_MAX_BYTES},
                )
            )
        return problems

    # --- connecting ---------------------------------------------------------------------------
    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        service = normalize_service_url(data.get("service_url") or "")
        identifier = data["identifier"].strip().lstrip("@")
        session = create_session(service, identifier, data["app_password"].strip())
        pds = pds_endpoint(session.get("didDoc")) or service
        check_pds(pds, session["accessJwt"])
        handle = session["handle"]
        return Connection(
            display_name=handle,
            handle=f"@{handle}",
            credentials={"accessJwt": session["accessJwt"], "refreshJwt": session["refreshJwt"], "did": session["did"]},
            # No token_expires_at: the session is refreshed as it is used, the app password
            # does not expire, and a revoked one shows as "needs reconnecting".
            config={"service": service, "pds": pds, "handle": handle},
        )

    # --- metrics: public app.bsky reads from the AppView (a PDS alone does not serve them) -------
    def read_post_metrics(self, *, remote_ids) -> dict[str, Counters]:
        answer = json_or_none(self._appview_get("app.bsky.feed.getPosts", [("uris", uri) for uri in remote_ids]))
        posts = answer.get("posts") if isinstance(answer, dict) else None
        if not isinstance(posts, list):
            unreadable = Counters.gap_for_all(BLUESKY_METRICS, GapReason.MALFORMED, "no posts list")
            return dict.fromkeys(remote_ids, unreadable)
        by_uri = {post.get("uri"): post for post in posts if isinstance(post, dict)}
        # getPosts leaves out what it cannot show: a deleted post (or one taken down).
        return {
            uri: Counters.from_fields(by_uri[uri], BLUESKY_METRICS)
            if uri in by_uri
            else Counters.gap_for_all(BLUESKY_METRICS, GapReason.DELETED, "not found")
            for uri in remote_ids
        }

    def read_account_metrics(self) -> Counters:
        profile = json_or_none(self._appview_get("app.bsky.actor.getProfile", [("actor", self.did)]))
        return Counters.from_fields(profile, {Metric.FOLLOWERS: "followersCount"})

    def _appview_get(self, nsid: str, params: list[tuple[str, str]]) -> requests.Response:
        try:
            response = http.request("GET", f"{settings.BLUESKY_APPVIEW_URL}/xrpc/{nsid}", params=params)
        except requests.RequestException:
            raise read_failure(self.name, None) from None
        if response.status_code >= 400:
            raise read_failure(
                self.name,
                response.status_code,
                reason=error_of(response)[1] or error_of(response)[0],
                retry_after=self.retry_after(response),
            )
        return response

    # --- conversations: app.bsky reads through the PDS (see the module docstring) -----------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        walk = Walk.loads(cursor)
        params = [("limit", str(self.page_limit)), *(("reasons", r) for r in KEPT_REASONS)]
        if walk.page:
            params.append(("cursor", walk.page))
        notifications, network_cursor = json_page(
            self._read("app.bsky.notification.listNotifications", params), "notifications"
        )
        listed = [listed_at(n) for n in notifications]
        new, after, more = walk.step(listed, since, network_cursor)
        kept = [notifications[n] for n in new if notifications[n].get("reason") in KEPT_REASONS]
        messages = tuple(message_of(n, kind=KEPT_REASONS[n["reason"]], our_did=self.did) for n in kept)
        return MessagePage(messages, after.dumps(), more=more)

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        thread = self._thread(root_id, depth=THREAD_DEPTH)
        return [] if thread is None else thread_replies(thread, our_did=self.did)

    def _thread(self, uri: str, *, depth: int) -> dict[str, Any] | None:
        """getPostThread's threadViewPost for `uri`, or None when the post is gone (NotFound)."""
        params = [("uri", uri), ("depth", str(depth)), ("parentHeight", "0")]
        response = self._read("app.bsky.feed.getPostThread", params, missing_ok=True)
        if response.status_code >= 400:
            return None
        thread = json_or_none(response)
        node = thread.get("thread") if isinstance(thread, dict) else None
        if not isinstance(node, dict) or not isinstance(node.get("post"), dict):
            raise MalformedPage(self.name, "not a thread")
        return node

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        """A post whose reply refs name `to` (parent) and its thread's first post (root), under
        the rkey derived from `key` (records.py), as publish() does: a repeat after a time-out
        finds the reply already there, and createRecord refuses a second one with that rkey."""
        rkey = rkey_for(key)
        existing = self._lookup_before_posting(rkey)
        if existing is not None:
            return self._as_repeat(existing, text, rkey)
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": text,
            "createdAt": _now(),
            "reply": self._reply_refs(to),
        }
        facets = build_facets(text, self._resolve_handle)
        if facets:
            record["facets"] = facets
        return self._create_post(record, rkey, text)

    def _reply_refs(self, to: str) -> dict[str, Any]:
        thread = self._thread(to, depth=0)
        if thread is None:
            raise PublishError(
                reason("The Bluesky post this reply answers was deleted; the reply cannot be threaded."),
                kind=ErrorKind.REJECTED,
            )
        post = thread["post"]
        parent = {"uri": post.get("uri"), "cid": post.get("cid")}
        root = ((post.get("record") or {}).get("reply") or {}).get("root") or parent
        return {"root": {"uri": root.get("uri"), "cid": root.get("cid")}, "parent": parent}

    def hide_message(self, *, remote_id: str) -> None:
        """Add the reply to the threadgate of its thread's first post (hiddenReplies): Bluesky's
        app folds it away for everyone. Only the author of that first post can gate its thread."""
        root = self._root_of(remote_id)
        if not root.startswith(f"at://{self.did}/{POST_COLLECTION}/"):
            raise PublishError(
                reason("Bluesky hides replies only in threads that start with one of this account's posts."),
                kind=ErrorKind.REJECTED,
            )
        rkey = root.rsplit("/", 1)[-1]  # a threadgate's rkey is its post's
        params = {"repo": self.did, "collection": THREADGATE_COLLECTION, "rkey": rkey}
        response = self._call("GET", "com.atproto.repo.getRecord", params=params, expected_errors=("RecordNotFound",))
        found = response.json() if response.status_code == 200 else {}
        gate = found.get("value") or {"$type": THREADGATE_COLLECTION, "post": root, "createdAt": _now()}
        hidden = list(gate.get("hiddenReplies") or ())
        if remote_id in hidden:
            return
        if len(hidden) >= HIDDEN_REPLIES_MAX:
            raise PublishError(
                reason("Bluesky hides at most 300 replies in one thread; this one cannot be hidden."),
                kind=ErrorKind.REJECTED,
            )
        # swapRecord (null: "there is none yet"): a hide made meanwhile by another worker is not
        # overwritten; ours is refused with InvalidSwap and tried again, reading the gate again.
        record = {**gate, "hiddenReplies": [*hidden, remote_id]}
        body: dict[str, Any] = {**params, "record": record, "swapRecord": found.get("cid")}
        response = self._call("POST", "com.atproto.repo.putRecord", json=body, expected_errors=("InvalidSwap",))
        if response.status_code >= 400:
            raise PublishError(
                reason("Bluesky's list of hidden replies changed meanwhile; hiding will be tried again."),
                kind=ErrorKind.RETRY,
            )

    def _root_of(self, uri: str) -> str:
        thread = self._thread(uri, depth=0)
        if thread is None:
            return ""
        record = thread["post"].get("record") or {}
        return str(((record.get("reply") or {}).get("root") or {}).get("uri") or "")

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        if not ours or not remote_id.startswith(f"at://{self.did}/{POST_COLLECTION}/"):
            raise NotImplementedError  # see actions_not_offered
        body = {"repo": self.did, "collection": POST_COLLECTION, "rkey": remote_id.rsplit("/", 1)[-1]}
        self._call("POST", "com.atproto.repo.deleteRecord", json=body)  # a record already gone: a no-op

    # --- search (listening): app.bsky.feed.searchPosts, newest first ---------------------------------
    def search(self, *, query: str, cursor: str, since: datetime) -> MessagePage:
        walk = Walk.loads(cursor)
        # `since` is inclusive: the network leaves out what is older than the walk's floor.
        floor = walk.stop.at if walk.stop else iso(since)
        params = [("q", query), ("sort", "latest"), ("since", floor), ("limit", str(self.page_limit))]
        if walk.page:
            params.append(("cursor", walk.page))
        posts, network_cursor = json_page(self._read("app.bsky.feed.searchPosts", params), "posts")
        new, after, more = walk.step([listed_at(p) for p in posts], since, network_cursor)
        messages = tuple(
            message_of(posts[n], kind=MessageKind.MENTION, our_did=self.did, reply_refs=False) for n in new
        )
        return MessagePage(messages, after.dumps(), more=more)

    def _read(self, nsid: str, params: list[tuple[str, str]], *, missing_ok: bool = False) -> requests.Response:
        """An app.bsky read through the PDS, in words about reading. An answer that is neither a
        page nor a failure we know (a 400 other than NotFound) is a malformed page: read again."""
        expected = ("NotFound",) if missing_ok else ()
        try:
            response = self._call("GET", nsid, params=params, answer_failures=True, expected_errors=expected)
        except PublishError as error:
            raise error if error.kind == ErrorKind.RECONNECT else self._read_error(None) from None
        if response.status_code < 400 or error_of(response)[0] in expected:
            return response
        raise self._read_error(response)

    def _read_error(self, response: requests.Response | None) -> PublishError:
        status = response.status_code if response is not None else None
        if response is not None and status is not None and status < 500 and status not in (401, 403, 429):
            return MalformedPage(self.name, error_of(response)[1] or error_of(response)[0] or str(status))
        values = {"host": host_of(self.pds), "reason": error_of(response)[0] if response is not None else ""}
        retry_after = self.retry_after(response) if response is not None else None
        if response is not None and self.access_refused(response):
            status = 401
        return read_error(READING, values, None if status is None or status >= 500 else status, retry_after=retry_after)

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        rkey = rkey_for(key)
        existing = self._lookup_before_posting(rkey)
        if existing is not None:
            return self._as_repeat(existing, text, rkey)
        record: dict[str, Any] = {"$type": POST_COLLECTION, "text": text, "createdAt": _now()}
        facets = build_facets(text, self._resolve_handle)
        if facets:
            record["facets"] = facets
        if media:
            record["embed"] = {"$type": "app.bsky.embed.images", "images": [self._upload(item) for item in media]}
        return self._create_post(record, rkey, text)

    def find_published(self, *, key: str) -> PublishResult | None:
        rkey = rkey_for(key)
        return None if self._get_post(rkey) is None else self._result(rkey)

    def check_connection(self) -> str:
        session = self._call("GET", "com.atproto.server.getSession").json()
        return f"@{session.get('handle') or self.account.config.get('handle')}"

    def _create_post(self, record: dict[str, Any], rkey: str, text: str) -> PublishResult:
        """createRecord with our rkey. The PDS refuses a record key already used (with a 500,
        seen on @atproto/pds 0.5.35): when the PDS answers with an error, a repeat that raced
        us may be the cause, so the record is looked up and, if it is there, it is the answer.
        putRecord would also be idempotent, but it would rewrite a post already out (a silent
        edit that Bluesky's app does not show) with a new commit."""
        body = {"repo": self.did, "collection": POST_COLLECTION, "rkey": rkey, "record": record}
        try:
            self._call("POST", "com.atproto.repo.createRecord", json=body, publishing=True)
        except PublishError as error:
            answered = error.kind in (ErrorKind.REJECTED, ErrorKind.RETRY)
            existing = self._get_post(rkey) if answered else None
            if existing is None:
                raise
            return self._as_repeat(existing, text, rkey)
        return self._read_back(rkey)

    def _read_back(self, rkey: str) -> PublishResult:
        """The post is out when the PDS shows it. A read-back that fails to get an answer does
        not undo the post: createRecord already answered with its commit."""
        try:
            stored = self._get_post(rkey)
        except PublishError:
            return self._result(rkey)
        if stored is None:
            raise PublishError(
                reason("Bluesky accepted the post but does not show it; it will be looked for again."),
                kind=ErrorKind.UNKNOWN,
            )
        return self._result(rkey)

    def _as_repeat(self, existing: dict[str, Any], text: str, rkey: str) -> PublishResult:
        if existing.get("text") != text:
            # Another post holds this rkey (see rkey_for): never claim it as this one.
            raise PublishError(
                reason(
                    "Bluesky already holds a different post under this post's record key; publish it as a new post."
                ),
                kind=ErrorKind.REJECTED,
            )
        return self._result(rkey)

    def _lookup_before_posting(self, rkey: str) -> dict[str, Any] | None:
        """A repeat (after a time-out, a crash) finds its post before uploading anything again.

        Only a saving: createRecord itself refuses a second post with the rkey, so a look-up
        that fails (a PDS that proxies reads of a deactivated account to an AppView that is
        down answers 502) goes on to createRecord, whose answer says what is wrong.
        """
        try:
            return self._get_post(rkey)
        except PublishError as error:
            if error.kind == ErrorKind.RECONNECT:
                raise
            return None

    def _get_post(self, rkey: str) -> dict[str, Any] | None:
        """The post record at `rkey`, or None when there is none."""
        params = {"repo": self.did, "collection": POST_COLLECTION, "rkey": rkey}
        response = self._call("GET", "com.atproto.repo.getRecord", params=params, expected_errors=("RecordNotFound",))
        return None if response.status_code >= 400 else response.json().get("value")

    def _result(self, rkey: str) -> PublishResult:
        handle = self.account.config.get("handle") or self.did
        return PublishResult(
            remote_id=f"at://{self.did}/{POST_COLLECTION}/{rkey}",
            url=f"https://bsky.app/profile/{handle}/post/{rkey}",
        )

    def _resolve_handle(self, handle: str) -> str | None:
        response = self._send("GET", self.pds + "/xrpc/com.atproto.identity.resolveHandle", params={"handle": handle})
        if response.status_code != 200:
            return None  # unknown handle (or the AppView cannot say): the mention stays plain text
        did = response.json().get("did")
        return did if isinstance(did, str) and did.startswith("did:") else None

    def _upload(self, item: MediaFile) -> dict[str, Any]:
        try:
            image = fit(item.read(), self.get_limits().images.to_send, name=item.name)
        except ValidationError as error:
            message = (
                reason("Bluesky refused an image as too large.")
                if error.code == "cannot_fit"
                else reason("Bluesky: %(name)s is not an image that can be read.") % {"name": item.name}
            )
            raise PublishError(message, kind=ErrorKind.REJECTED) from None
        response = self._call(
            "POST",
            "com.atproto.repo.uploadBlob",
            data=image.content,
            headers={"Content-Type": image.content_type},
        )
        return {
            "alt": item.alt_text,
            "image": response.json()["blob"],
            "aspectRatio": {"width": image.width, "height": image.height},
        }

    # --- the session ----------------------------------------------------------------------------
    @property
    def did(self) -> str:
        return self.credentials.get("did", "")

    @property
    def pds(self) -> str:
        return self.account.config.get("pds") or self.account.config.get("service") or DEFAULT_SERVICE

    @property
    def service(self) -> str:
        return self.account.config.get("service") or DEFAULT_SERVICE

    def _call(
        self,
        method: str,
        nsid: str,
        *,
        publishing: bool = False,
        expected_errors: tuple[str, ...] = (),
        answer_failures: bool = False,
        **kwargs,
    ) -> requests.Response:
        """One XRPC call to the account's PDS with the session; a failure is a PublishError,
        except the XRPC errors named in `expected_errors`, returned for the caller to read
        (every failed answer with `answer_failures`: reads word their own errors).

        An expired or invalid access token is refreshed once and the call made again: the PDS
        refused it before doing anything, so even createRecord cannot run twice.
        """
        url = f"{self.pds}/xrpc/{nsid}"
        response = self._send(method, url, token=self.credentials.get("accessJwt"), publishing=publishing, **kwargs)
        if is_token_error(response):
            self._refresh()
            response = self._send(method, url, token=self.credentials["accessJwt"], publishing=publishing, **kwargs)
        if response.status_code >= 400 and error_of(response)[0] not in expected_errors and not answer_failures:
            raise self.error_for(response)
        return response

    def _refresh(self) -> None:
        """refreshSession on the service (it issued the session); rotated tokens are reported."""
        url = f"{self.service}/xrpc/com.atproto.server.refreshSession"
        response = self._send("POST", url, token=self.credentials.get("refreshJwt"))
        if response.status_code in (400, 401):
            raise PublishError(
                reason("Bluesky ended this account's session (%(reason)s): reconnect the account with an app password.")
                % {"reason": error_of(response)[0] or response.status_code},
                kind=ErrorKind.RECONNECT,
            )
        if response.status_code >= 400:
            raise self.error_for(response)
        session = response.json()
        self.credentials.update(accessJwt=session["accessJwt"], refreshJwt=session["refreshJwt"])
        self.updated_credentials = dict(self.credentials)

    def _send(self, method: str, url: str, *, token: str | None = None, publishing: bool = False, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.send(method, url, publishing=publishing, headers=headers, **kwargs)

    # --- Bluesky's answers: XRPC errors {"error": <name>, "message"} ---------------------------------
    @classmethod
    def access_refused(cls, response: requests.Response) -> bool:
        """401, a token the PDS refuses (a refresh did not cure it), or an account a person must act on."""
        error = error_of(response)[0]
        return response.status_code == 401 or error in TOKEN_ERRORS or error in ACCOUNT_ERRORS

    @classmethod
    def error_words(cls, response: requests.Response) -> Any:
        error, message = error_of(response)
        return message or error or unnamed_error(response.status_code)

    @classmethod
    def retry_after(cls, response: requests.Response) -> float | None:
        return seconds_until_epoch(response.headers.get("RateLimit-Reset"))

    def error_values(self, response: requests.Response | None) -> dict[str, Any]:
        return {**super().error_values(response), "host": host_of(self.pds)}

    def error_for(self, response: requests.Response) -> PublishError:
        error = super().error_for(response)
        if error.kind == ErrorKind.REJECTED and response.status_code == 413:
            return PublishError(reason("Bluesky refused an image as too large."), kind=ErrorKind.REJECTED)
        return error


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
