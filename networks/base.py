"""The adapter contract: what every network adapter declares and does.

One subclass per network, in its package (networks/<slug>/adapter.py), registered by slug in
networks/registry.py. Like Django's mail backends, the base class states the contract
and a fake adapter (fake.py) ships with the code for the tests of everything above adapters.

An adapter declares what its network accepts (`limits`) and how it counts text (`count_text`);
`validate()` turns those into problems a user can act on, and the composer, every save and the
publisher all call it, so each network's rules live in its adapter and nowhere else.

`publish()` either returns a PublishResult or raises PublishError with one of four kinds.

Beyond publishing, a network declares the capabilities it has (`capabilities`); each has its own
contract in networks/capabilities/: `conversations` (replies and mentions read since a cursor,
reply, hide, delete), `metrics` (counters), `search` (keyword search since a cursor); pages offer
only what a network declares.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cm_platform.reasons import Reason, as_reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks.budget import Rate

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from django_stubs_ext import StrOrPromise

    from networks.capabilities.conversations import InboundMessage, MessageAction, MessagePage
    from networks.capabilities.metrics import Counters, Metric
    from networks.models import NetworkAccount


class Capability(StrEnum):
    """What a network can do for the desk; each capability has its own contract and tests."""

    PUBLISH = "publish"  # this module: limits, validate, publish
    CONVERSATIONS = "conversations"  # networks/capabilities/conversations.py
    METRICS = "metrics"  # per-post and per-account counters
    SEARCH = "search"  # keyword search: networks/capabilities/search.py


class Counting(StrEnum):
    """How a network counts text; the browser's counter implements the same methods."""

    CHARACTERS = "characters"  # Unicode code points (Python's len)
    GRAPHEMES = "graphemes"  # user-perceived characters (Bluesky)
    MASTODON = "mastodon"  # code points, every URL weighs url_weight, @user@domain counts @user
    X_WEIGHTED = "x_weighted"  # twitter-text: URLs url_weight, CJK and emoji weigh 2
    UTF16 = "utf16"  # UTF-16 code units (Telegram, LinkedIn)


@dataclass(frozen=True)
class Limits:
    """What a network accepts. Numbers are the network's documented limits."""

    max_chars: int
    counting: Counting = Counting.CHARACTERS
    url_weight: int = 23  # used by MASTODON and X_WEIGHTED counting
    max_media: int = 4
    # What publish() takes (the media library makes a stored variant fit it; validate() refuses
    # anything else) and what is sent (made to fit in memory when it differs: core/images.py).
    images: ImageLimits = ImageLimits(Fit(max_bytes=5 * 1024 * 1024))
    max_videos: int = 0
    max_video_bytes: int = 0
    video_types: frozenset[str] = frozenset()
    alt_text_max: int = 0  # 0: the network takes no alt text
    media_required: bool = False  # Instagram: no post without an image
    text_required: bool = True
    max_chars_with_media: int | None = None  # Telegram: a caption is shorter than a message

    def text_limit(self, *, with_media: bool) -> int:
        """The text's limit, which some networks lower when the post carries media."""
        if with_media and self.max_chars_with_media is not None:
            return self.max_chars_with_media
        return self.max_chars

    def as_json(self) -> dict[str, Any]:
        """For the browser's counters and previews: one source of truth with the server."""
        return {
            "max_chars": self.max_chars,
            "max_chars_with_media": self.max_chars_with_media,
            "counting": str(self.counting),
            "url_weight": self.url_weight,
            "max_media": self.max_media,
            "max_image_bytes": self.images.attach.max_bytes,
            "image_types": sorted(self.images.attach.types),
            "max_videos": self.max_videos,
            "alt_text_max": self.alt_text_max,
            "media_required": self.media_required,
        }


@dataclass(frozen=True)
class MediaFile:
    """A media item as an adapter receives it: bytes on demand, never a model instance."""

    name: str
    content_type: str
    size: int
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    public_url: str = ""  # absolute URL on SITE_URL (Instagram and Threads download from it)
    path: str = ""  # local file path when stored on disk

    def read(self) -> bytes:
        with open(self.path, "rb") as handle:
            return handle.read()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


@dataclass(frozen=True)
class Problem:
    """Something a user must change before the post can go out on this network."""

    code: str
    message: str


@dataclass
class Connection:
    """What connecting an account learned: saved on NetworkAccount by the networks app."""

    display_name: str
    handle: str = ""
    avatar_url: str = ""
    credentials: dict[str, Any] = field(default_factory=dict)  # secrets: encrypted at rest
    config: dict[str, Any] = field(default_factory=dict)  # not secret: instance URL, remote ids
    token_expires_at: Any = None  # an aware datetime where the network's token expires


class ConnectError(Exception):
    """Connecting failed; `message` is for the user and never contains a secret."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class PublishResult:
    remote_id: str
    url: str = ""


class ErrorKind(StrEnum):
    RETRY = "retry"  # try again later (rate limit, 5xx, network down)
    RECONNECT = "reconnect"  # credentials invalid or revoked: a person must reconnect
    REJECTED = "rejected"  # the network refused this content for good; the reason says why
    UNKNOWN = "unknown"  # the request was sent and no answer came: it may have been published


class PublishError(Exception):
    """A failure, in words a user understands, and what the engine should do.

    `reason` is kept as a code with its values (cm_platform/reasons.py), so each reader sees it
    in their language; `message` is it rendered in the language active when it was raised.
    """

    def __init__(self, message: str | Reason, kind: ErrorKind = ErrorKind.RETRY, retry_after: float | None = None):
        self.reason = as_reason(message)
        self.message = str(self.reason)
        super().__init__(self.message)
        self.kind = kind
        self.retry_after = retry_after  # seconds, when the network said how long to wait


class Adapter:
    """Base class of network adapters. Subclasses set the class attributes and override publish().

    An adapter is built for one connected account: `Adapter(account)`. Adapters never touch the
    database; they read `account.credentials` / `account.config` and report changes to them
    through `self.updated_credentials` (the caller saves them, e.g. a rotated refresh token).
    """

    # Templates receive adapter classes ({{ account.adapter_class.name }}): never call them there.
    do_not_call_in_templates: ClassVar[bool] = True

    slug: ClassVar[str]
    name: ClassVar[str]
    limits: ClassVar[Limits]
    # The network recognises a repeat of the same key (Mastodon's Idempotency-Key, a Bluesky
    # rkey): after an unknown outcome the engine may retry with the same key.
    recognises_repeats: ClassVar[bool] = False
    # The network's documented limits (networks/budget.py): every call takes from "calls"; the
    # call that publishes from "posts", an upload from "media". An account may override one in
    # its config ({"rate_limits": {"media": [limit, seconds]}}), for an instance that sets others.
    rates: ClassVar[tuple[Rate, ...]] = ()
    # The network bills reads per call (X): the brand sets a monthly budget of them per account.
    bills_reads: ClassVar[bool] = False
    # Settings the network needs (app credentials); empty when it needs none.
    required_settings: ClassVar[tuple[str, ...]] = ()
    # The settings a network's package declares itself, with their defaults (API hosts): read by
    # `setting()` from Django's settings, else the environment, so adding a network needs no
    # line in cm_platform/settings.py (which holds those of the networks older than this).
    settings_defaults: ClassVar[Mapping[str, str]] = {}
    # The `metrics` capability (networks/capabilities/metrics.py states it): the desk's metrics this
    # network gives for a post and for the account, and how many posts one read may ask for.
    post_metrics: ClassVar[frozenset[Metric]] = frozenset()
    account_metrics: ClassVar[frozenset[Metric]] = frozenset()
    metrics_batch_size: ClassVar[int] = 1

    # Networks connected by a form (a token, an app password, a URL) name its class here and
    # implement connect(); the generic views of networks/views.py show it and save the result.
    connect_form: ClassVar[type[forms.Form] | None] = None
    # Networks connected through an OAuth redirect (networks/oauth.py) have a URL under
    # /b/<brand_slug>/ that starts it, named after the slug (set by OAuthAdapter); it may coexist
    # with connect_form (Mastodon: OAuth, or paste a token).
    oauth_start_url_name: ClassVar[str | None] = None
    # Its icon on the calendar and the pages: a Bootstrap Icons class.
    icon: ClassVar[str] = "bi-megaphone"
    # A credential the user must copy once, right after connecting (a webhook's signing secret):
    # shown on the page that answers the connect form, never again.
    shown_once_credential: ClassVar[str | None] = None
    # Offered on the Networks page; unlisted ones (the fake network) only when
    # settings.NETWORKS_OFFER_TEST_ADAPTERS is on (networks.selectors.offered_adapters).
    listed: ClassVar[bool] = True

    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.PUBLISH})
    # With `conversations`: what the inbox may do to a message here, and, for each action it
    # may not, why (the page shows the reason instead of a button).
    message_actions: ClassVar[frozenset[MessageAction]] = frozenset()
    # read_messages() already brings every depth of each thread (Meta's networks read each
    # post's comments whole): the poller does not read the threads again.
    reads_every_depth: ClassVar[bool] = False
    # The least time between two polls of an account (seconds), where reading costs a network
    # whose calls are few (a Facebook Page: 200 an hour) and a webhook brings messages sooner.
    read_at_most_every: ClassVar[float] = 0.0
    actions_not_offered: ClassVar[Mapping[MessageAction, StrOrPromise]] = {}

    @classmethod
    def setting(cls, name: str) -> str:
        """A setting of this network: Django's settings, else the environment, else its default."""
        value = getattr(settings, name, None)
        if value in (None, ""):
            value = os.environ.get(name) or cls.settings_defaults.get(name, "")
        return str(value)

    @classmethod
    def has(cls, capability: Capability) -> bool:
        return capability in cls.capabilities

    @classmethod
    def offers(cls, action: MessageAction) -> bool:
        return cls.has(Capability.CONVERSATIONS) and action in cls.message_actions

    @classmethod
    def connect(cls, data: dict[str, Any]) -> Connection:
        """Check the form's cleaned data against the network; raise ConnectError if it fails.

        `data` is the connect form's cleaned_data plus "brand" (the Brand being connected) and,
        when reconnecting, "account" (the NetworkAccount getting new credentials).
        An account connected again with the same handle is updated rather than duplicated.
        """
        raise NotImplementedError

    def __init__(self, account: NetworkAccount):
        self.account = account
        self.updated_credentials: dict[str, Any] | None = None

    # --- what the network accepts ---------------------------------------------------------
    def get_rates(self) -> tuple[Rate, ...]:
        """The limits of this account's budget: the class's, with the account's overrides."""
        overrides = self.account.config.get("rate_limits") or {}
        rates = [
            Rate(rate.kind, int(overrides[rate.kind][0]), int(overrides[rate.kind][1]), rate.app_wide)
            if rate.kind in overrides and not rate.app_wide
            else rate
            for rate in self.rates
        ]
        declared = {rate.kind for rate in rates}
        rates += [
            Rate(kind, int(limit), int(seconds)) for kind, (limit, seconds) in overrides.items() if kind not in declared
        ]
        return tuple(rates)

    def get_limits(self) -> Limits:
        """Limits for this account: by default the class's; Mastodon reads its instance's."""
        return self.limits

    @classmethod
    def count_text(cls, text: str, limits: Limits) -> int:
        from networks.counting import count  # noqa: PLC0415 — cycle: networks.counting reads the adapters' limits

        return count(text, limits.counting, url_weight=limits.url_weight)

    def validate(self, text: str, media: list[MediaFile]) -> list[Problem]:
        return validate_against(self.get_limits(), self.name, text, media, self.count_text)

    # --- what the network does ------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        """Publish and return the remote id and public URL, or raise PublishError.

        `key` is stable for this post on this account across retries: use it wherever the
        network lets a repeat be recognised.
        """
        raise NotImplementedError

    def find_published(self, *, key: str) -> PublishResult | None:
        """After an unknown outcome: the post made with `key` if the network can tell, else None.

        Raise NotImplementedError when the network offers no way to look (the engine then marks
        the target for a person to check instead of publishing blindly).
        """
        raise NotImplementedError

    # --- metrics (networks/capabilities/metrics.py states the contract) ----------------------------
    def read_post_metrics(self, *, remote_ids: Sequence[str]) -> dict[str, Counters]:
        """Counters of `post_metrics` for each of the account's posts in `remote_ids` (every id
        gets an entry; gaps say why a number is missing). Raises PublishError for the whole call."""
        raise NotImplementedError

    def read_account_metrics(self) -> Counters:
        """Counters of `account_metrics` for the account itself (followers)."""
        raise NotImplementedError

    def check_connection(self) -> str:
        """A read-only call proving the credentials work; returns the account's handle.

        Raises PublishError: RECONNECT when the network refuses the credentials, RETRY when it
        cannot be reached (the message says which, for the Networks page).
        """
        raise NotImplementedError

    # --- conversations (networks/capabilities/conversations.py states the contract) -----------------
    def read_messages(self, *, cursor: str, since: datetime) -> MessagePage:
        """Replies and mentions after `cursor` ("" the first time: back to `since`)."""
        raise NotImplementedError

    def read_thread(self, *, root_id: str) -> list[InboundMessage]:
        """Every message under the account's post `root_id`, at every depth."""
        raise NotImplementedError

    def reply(self, *, to: str, text: str, key: str) -> PublishResult:
        """Answer the message `to`, threaded; `key` is stable for this reply across retries."""
        raise NotImplementedError

    def hide_message(self, *, remote_id: str) -> None:
        raise NotImplementedError

    def delete_message(self, *, remote_id: str, ours: bool) -> None:
        raise NotImplementedError

    # --- search (networks/capabilities/search.py states the contract) --------------------------
    def search(self, *, query: str, cursor: str, since: datetime) -> MessagePage:
        """Public posts matching `query` after `cursor` ("" the first time: back to `since`)."""
        raise NotImplementedError


def validate_against(limits: Limits, network: str, text: str, media: list[MediaFile], counter) -> list[Problem]:
    """The problems of `text` and `media` under `limits`, in words naming the network."""
    problems: list[Problem] = []
    length, limit = counter(text, limits), limits.text_limit(with_media=bool(media))
    if limits.text_required and not text.strip() and not media:
        problems.append(Problem("text_empty", _("%(network)s: the text is empty.") % {"network": network}))
    if length > limit:
        problems.append(
            Problem(
                "text_too_long",
                _("%(network)s: the text is %(count)d characters long, the limit is %(limit)d.")
                % {"network": network, "count": length, "limit": limit},
            )
        )
    problems += _media_problems(limits, network, media)
    return problems


def _media_problems(limits: Limits, network: str, media: list[MediaFile]) -> list[Problem]:
    problems: list[Problem] = []
    images = [m for m in media if m.is_image]
    videos = [m for m in media if m.is_video]
    if limits.media_required and not media:
        problems.append(Problem("media_required", _("%(network)s: a post needs an image.") % {"network": network}))
    if len(media) > limits.max_media:
        problems.append(
            Problem(
                "too_many_media",
                ngettext(
                    "%(network)s takes at most %(limit)d image or video per post.",
                    "%(network)s takes at most %(limit)d images or videos per post.",
                    limits.max_media,
                )
                % {"network": network, "limit": limits.max_media},
            )
        )
    if len(videos) > limits.max_videos:
        problems.append(
            Problem(
                "too_many_videos",
                _("%(network)s does not take this many videos (at most %(limit)d).")
                % {"network": network, "limit": limits.max_videos},
            )
        )
    for item in images:
        if item.content_type not in limits.images.attach.types:
            problems.append(
                Problem(
                    "image_type",
                    _("%(network)s does not take %(type)s images (%(name)s).")
                    % {"network": network, "type": item.content_type, "name": item.name},
                )
            )
    for item in videos:
        if item.size > limits.max_video_bytes or item.content_type not in limits.video_types:
            problems.append(
                Problem(
                    "video",
                    _("%(network)s does not take this video (%(name)s): type or size.")
                    % {"network": network, "name": item.name},
                )
            )
    for item in media:
        if limits.alt_text_max and len(item.alt_text) > limits.alt_text_max:
            problems.append(
                Problem(
                    "alt_text_too_long",
                    _("%(network)s: the alt text of %(name)s is longer than %(limit)d characters.")
                    % {"network": network, "name": item.name, "limit": limits.alt_text_max},
                )
            )
    return problems
