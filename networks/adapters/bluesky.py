"""Bluesky (AT Protocol): a handle and an app password, the account's own PDS.

Proven against a real PDS (`@atproto/pds` from the npm registry, started by
tests/networks/bluesky/conftest.py). Facts used here are in ../shared/NETWORKS.md:
- connecting calls `com.atproto.server.createSession` on the service the user names
  (https://bsky.social by default); the session's DID document names the account's own PDS,
  and every later call goes there, as the official client does. Sessions are refreshed with
  `refreshSession` on the service; rotated tokens are handed back through
  `updated_credentials`. The app password itself is never stored.
- text is counted in graphemes (300); links, mentions and hashtags become facets with UTF-8
  byte offsets, mentions only when the handle resolves to a DID;
- images (4, with alt text) are uploaded as blobs, made to fit 1,000,000 bytes first when larger
  (the post schema's cap) by the image pipeline (core/images.py), with their aspect ratio;
- the post's record key (rkey) is derived from the publish key (see `rkey_for`), so a repeat
  cannot make a second post: the PDS refuses a second record with the same rkey.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import regex
import requests
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cm_platform.reasons import reason
from core.images import Fit, fit
from core.images import Limits as ImageLimits
from networks import budget, http
from networks.adapters.base import (
    Adapter,
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
from networks.adapters.metrics import Counters, GapReason, Metric, json_or_none, read_failure
from networks.budget import CALLS, POSTS, Rate

if TYPE_CHECKING:
    from networks.models import NetworkAccount

DEFAULT_SERVICE = "https://bsky.social"
POST_COLLECTION = "app.bsky.feed.post"
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
# Tokens the PDS refuses because they aged or were revoked: a refresh may cure them.
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
# The account cannot post until a person acts (reactivates it, appeals, reconnects).
ACCOUNT_ERRORS = frozenset(
    {"AccountTakedown", "AccountDeactivated", "RepoTakendown", "RepoDeactivated", "RepoSuspended"}
)


class BlueskyConnectForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("Handle or email"),
        max_length=253,
        help_text=gettext_lazy("For example yourname.bsky.social"),
    )
    app_password = forms.CharField(
        label=gettext_lazy("App password"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "In Bluesky: Settings › Privacy and security › App passwords › Add. "
            "Never your main password; you can revoke an app password at any time."
        ),
    )
    service_url = forms.CharField(
        label=gettext_lazy("Server"),
        max_length=300,
        required=False,
        initial=DEFAULT_SERVICE,
        help_text=gettext_lazy("Leave https://bsky.social unless your account lives on another server (PDS)."),
    )


# --- record keys -------------------------------------------------------------------------------
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as the AT Protocol spec says
TID_EPOCH_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z in microseconds
TID_TIME_BITS = 45  # a window of about 13 months after TID_EPOCH_US


def rkey_for(key: str) -> str:
    """The record key of the post published with `key`: the same key always gives the same rkey.

    Bluesky posts are keyed by a TID: 13 base32-sortable characters encoding a zero bit, a
    53-bit timestamp in microseconds and a 10-bit clock id. Ours come from SHA-256(key): the
    timestamp is 2023-01-01T00:00Z plus the hash's first 45 bits (always a valid time in the
    past), the clock id is its next 10 bits. With 55 bits of hash, two keys of one account
    share an rkey with a probability of about n²/2^56 (1 in 7 million for 100,000 posts);
    publish() notices it (the existing record's text differs) rather than claiming that post.

    Deriving it, rather than drawing a fresh TID and storing it, means a retry of the same key
    (after a crash, a time-out) finds the same rkey with nothing to store before the call.
    """
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    timestamp = TID_EPOCH_US + (digest >> (64 - TID_TIME_BITS))
    clock_id = (digest >> (64 - TID_TIME_BITS - 10)) & 0x3FF
    value = (timestamp << 10) | clock_id
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


# --- facets: links, mentions, hashtags with UTF-8 byte offsets ------------------------------
# Bluesky's own detection rules (@atproto/api RichText.detectFacets), trimmed to what we post.
LINK = regex.compile(r"(?<![\w/])https?://[^\s]+")
LINK_TRAILING = ".,;:!?\"'"
MENTION = regex.compile(r"(?<=^|[\s(])@([a-zA-Z0-9.-]+)(?![\w.-]*\w)")
HANDLE = regex.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
HASHTAG = regex.compile(rf"(?<=^|\s)[#＃]((?!\ufe0f)[^\s{INVISIBLE}]*[^\d\s\p{{P}}{INVISIBLE}]+[^\s{INVISIBLE}]*)")
TAG_MAX_GRAPHEMES = 64


def _byte_slice(text: str, start: int, end: int) -> dict[str, int]:
    """Character positions -> the UTF-8 byte offsets Bluesky's facets use."""
    byte_start = len(text[:start].encode())
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode())}


def _facet(text: str, start: int, end: int, feature: dict[str, str]) -> dict[str, Any]:
    return {
        "$type": "app.bsky.richtext.facet",
        "index": _byte_slice(text, start, end),
        "features": [feature],
    }


def _trim_link(url: str) -> str:
    url = url.rstrip(LINK_TRAILING)
    if url.endswith(")") and "(" not in url:  # "(see https://example.com)": the ")" is prose
        url = url[:-1]
    return url


def link_facets(text: str) -> list[dict[str, Any]]:
    facets = []
    for match in LINK.finditer(text):
        url = _trim_link(match.group())
        feature = {"$type": "app.bsky.richtext.facet#link", "uri": url}
        facets.append(_facet(text, match.start(), match.start() + len(url), feature))
    return facets


def mention_facets(text: str, resolve) -> list[dict[str, Any]]:
    """`resolve(handle)` returns the handle's DID or None; an unresolved mention stays text."""
    facets = []
    for match in MENTION.finditer(text):
        handle = match.group(1).rstrip(".").lower()
        if not HANDLE.match(handle):
            continue
        did = resolve(handle)
        if did:
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
            facets.append(_facet(text, match.start(), match.start() + 1 + len(handle), feature))
    return facets


def tag_facets(text: str) -> list[dict[str, Any]]:
    facets = []
    for match in HASHTAG.finditer(text):
        tag = regex.sub(r"\p{P}+$", "", match.group(1))
        if not tag or len(regex.findall(r"\X", tag)) > TAG_MAX_GRAPHEMES:
            continue
        feature = {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
        facets.append(_facet(text, match.start(), match.start() + 1 + len(tag), feature))
    return facets


def build_facets(text: str, resolve) -> list[dict[str, Any]]:
    """The facets of `text`, in text order. `resolve(handle) -> did | None` for mentions."""
    facets = link_facets(text) + mention_facets(text, resolve) + tag_facets(text)
    return sorted(facets, key=lambda facet: facet["index"]["byteStart"])


# --- the adapter ----------------------------------------------------------------------------
def normalize_service_url(text: str) -> str:
    """'bsky.social' or 'https://bsky.social/' -> 'https://bsky.social'."""
    text = (text or "").strip() or DEFAULT_SERVICE
    if "://" not in text:
        text = f"https://{text}"
    try:
        http.split_user_url(text)
    except http.UnsafeHost as error:
        raise ConnectError(error.message, field="service_url") from None
    return http.url_origin(text)  # never the userinfo (user:password@) a person may have typed


def _pds_endpoint(did_doc: Any) -> str | None:
    """The account's PDS in its DID document (the service with id '#atproto_pds')."""
    if not isinstance(did_doc, dict):
        return None
    for service in did_doc.get("service") or ():
        if isinstance(service, dict) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    return None


def _host(url: str) -> str:
    return http.url_host(url)


def _error_of(response: requests.Response) -> tuple[str, str]:
    """The XRPC error name and message ({"error": ..., "message": ...}); they hold no token."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("error") or ""), str(body.get("message") or "")[:300]


def _is_token_error(response: requests.Response) -> bool:
    return response.status_code in (400, 401) and _error_of(response)[0] in TOKEN_ERRORS


class BlueskyAdapter(Adapter):
    slug = "bluesky"
    name = "Bluesky"
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
    capabilities = frozenset({Capability.PUBLISH, Capability.METRICS})
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
        session = _create_session(service, identifier, data["app_password"].strip())
        pds = _pds_endpoint(session.get("didDoc")) or service
        _check_pds(pds, session["accessJwt"])
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
                reason=_error_of(response)[1] or _error_of(response)[0],
                retry_after=_seconds_until(response.headers.get("RateLimit-Reset")),
            )
        return response

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
        self, method: str, nsid: str, *, publishing: bool = False, expected_errors: tuple[str, ...] = (), **kwargs
    ) -> requests.Response:
        """One XRPC call to the account's PDS with the session; a failure is a PublishError,
        except the XRPC errors named in `expected_errors`, returned for the caller to read.

        An expired or invalid access token is refreshed once and the call made again: the PDS
        refused it before doing anything, so even createRecord cannot run twice.
        """
        url = f"{self.pds}/xrpc/{nsid}"
        response = self._send(method, url, token=self.credentials.get("accessJwt"), publishing=publishing, **kwargs)
        if _is_token_error(response):
            self._refresh()
            response = self._send(method, url, token=self.credentials["accessJwt"], publishing=publishing, **kwargs)
        if response.status_code >= 400 and _error_of(response)[0] not in expected_errors:
            raise self._http_error(response)
        return response

    def _refresh(self) -> None:
        """refreshSession on the service (it issued the session); rotated tokens are reported."""
        url = f"{self.service}/xrpc/com.atproto.server.refreshSession"
        response = self._send("POST", url, token=self.credentials.get("refreshJwt"))
        if response.status_code in (400, 401):
            raise PublishError(
                reason("Bluesky ended this account's session (%(reason)s): reconnect the account with an app password.")
                % {"reason": _error_of(response)[0] or response.status_code},
                kind=ErrorKind.RECONNECT,
            )
        if response.status_code >= 400:
            raise self._http_error(response)
        session = response.json()
        self.credentials.update(accessJwt=session["accessJwt"], refreshJwt=session["refreshJwt"])
        self.updated_credentials = dict(self.credentials)

    def _send(self, method: str, url: str, *, token: str | None = None, publishing: bool = False, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            # The PDS address comes from a DID document or the user: the SSRF guard applies.
            return http.request(
                method,
                url,
                user_typed_host=True,
                headers=headers,
                spends=(budget.POSTS,) if publishing else (),
                **kwargs,
            )
        except http.UnsafeHost as error:
            raise PublishError(error.message, kind=ErrorKind.RECONNECT) from None
        except requests.RequestException as error:
            raise self._transport_error(error, publishing=publishing) from None

    def _transport_error(self, error: requests.RequestException, *, publishing: bool) -> PublishError:
        host = _host(self.pds)
        if publishing and http.was_sent(error):
            return PublishError(
                reason("Bluesky (%(host)s) did not answer after the post was sent: it may or may not be published.")
                % {"host": host},
                kind=ErrorKind.UNKNOWN,
            )
        return PublishError(
            reason("Bluesky (%(host)s) could not be reached; the post will be tried again.") % {"host": host},
            kind=ErrorKind.RETRY,
        )

    def _http_error(self, response: requests.Response) -> PublishError:
        error, message = _error_of(response)
        words = message or error or reason("error %(status)d") % {"status": response.status_code}
        status = response.status_code
        if status == 401 or error in TOKEN_ERRORS or error in ACCOUNT_ERRORS:
            return PublishError(
                reason("Bluesky refused this account's session (%(reason)s): reconnect the account.")
                % {"reason": words},
                kind=ErrorKind.RECONNECT,
            )
        if status == 429:
            return PublishError(
                reason("Bluesky asks to slow down; the post will be tried again."),
                kind=ErrorKind.RETRY,
                retry_after=_seconds_until(response.headers.get("RateLimit-Reset")),
            )
        if status >= 500:
            return PublishError(
                reason("Bluesky had a problem (error %(status)d); the post will be tried again.") % {"status": status},
                kind=ErrorKind.RETRY,
            )
        if status == 413:
            return PublishError(reason("Bluesky refused an image as too large."), kind=ErrorKind.REJECTED)
        return PublishError(reason("Bluesky refused the post: %(reason)s") % {"reason": words}, kind=ErrorKind.REJECTED)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _seconds_until(reset: str | None) -> float | None:
    """RateLimit-Reset is a time in epoch seconds."""
    try:
        return max(1.0, float(reset or "") - datetime.now(UTC).timestamp())
    except ValueError:
        return None


# --- connecting (before an account exists) ----------------------------------------------------
def _connect_call(method: str, url: str, **kwargs) -> requests.Response:
    try:
        return http.request(method, url, user_typed_host=True, **kwargs)
    except http.UnsafeHost as error:
        raise ConnectError(error.message, field="service_url") from None
    except requests.RequestException:
        raise ConnectError(
            _("%(host)s could not be reached. Check the server address and try again.") % {"host": _host(url)},
            field="service_url",
        ) from None


def _create_session(service: str, identifier: str, password: str) -> dict[str, Any]:
    response = _connect_call(
        "POST",
        f"{service}/xrpc/com.atproto.server.createSession",
        json={"identifier": identifier, "password": password},
    )
    error, _message = _error_of(response)
    if response.status_code == 401 or error == "AuthenticationRequired":
        raise ConnectError(
            _("Bluesky refused this handle and app password. Check both, or create a new app password."),
            field="app_password",
        )
    if response.status_code == 429:
        raise ConnectError(_("Bluesky refused too many attempts; wait a few minutes and try again."))
    if error in ACCOUNT_ERRORS:
        raise ConnectError(_("This Bluesky account is suspended or deactivated."), field="identifier")
    try:
        session = response.json() if response.status_code == 200 else None
    except ValueError:
        session = None
    if not isinstance(session, dict) or not {"accessJwt", "refreshJwt", "did", "handle"} <= session.keys():
        raise ConnectError(
            _("%(host)s does not answer like a Bluesky server.") % {"host": _host(service)}, field="service_url"
        )
    return session


def _check_pds(pds: str, access_token: str) -> None:
    """The account's PDS accepts the new session: later calls will go there."""
    response = _connect_call(
        "GET", f"{pds}/xrpc/com.atproto.server.getSession", headers={"Authorization": f"Bearer {access_token}"}
    )
    if response.status_code != 200:
        raise ConnectError(
            _("The account's Bluesky server (%(host)s) refused the new session (error %(status)d); try again later.")
            % {"host": _host(pds), "status": response.status_code}
        )
