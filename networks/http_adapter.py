"""One base for the adapters that talk HTTP: `HttpAdapter`, like healthchecks' HttpTransport.

It sends through networks/http.py (timeouts, user agent, SSRF guard, the account's budget), turns
a failure to get an answer into the contract's error, and classifies an answer once, here:

    throttled (429)            -> RETRY, after the reset the network gave (`retry_after`)
    access refused (401)       -> RECONNECT: a person must connect the account again
    temporary (5xx)            -> RETRY
    any other failure          -> REJECTED, in the network's own words

A network overrides only where its API differs: the hooks `throttled`, `access_refused`,
`temporary` (Meta signals them with codes in its error document, Telegram in `error_code`),
`error_words` (where its message is), `retry_after` (which header, in which unit), and its
`wording` (reason codes, so a stored failure renders in its reader's language). An answer of
its own (LinkedIn's DUPLICATE_POST, Bluesky's 413) goes in `error_for`, falling back on super().

API hosts come from settings (TELEGRAM_API_URL, GRAPH_API_URL, ...) except where a person typed
them (a Mastodon instance, a Bluesky server, a webhook: `user_typed_host`, checked by the SSRF
guard); tests point the settings at local servers.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from django.utils.translation import gettext as _

from cm_platform.reasons import Reason, reason
from networks import budget, http
from networks.base import Adapter, ConnectError, ErrorKind, PublishError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Outcome(StrEnum):
    """What a failed answer means; each has its words in `Wording` and its ErrorKind."""

    THROTTLED = "throttled"
    ACCESS_REFUSED = "access_refused"
    TEMPORARY = "temporary"
    REFUSED = "refused"


KINDS = {
    Outcome.THROTTLED: ErrorKind.RETRY,
    Outcome.ACCESS_REFUSED: ErrorKind.RECONNECT,
    Outcome.TEMPORARY: ErrorKind.RETRY,
    Outcome.REFUSED: ErrorKind.REJECTED,
}


@dataclass(frozen=True)
class Wording:
    """A network's words for each outcome (the same names) and for a call that got no answer.

    Reason codes (cm_platform/reasons.py): a code may name %(network)s, %(host)s, %(reason)s
    (the network's own words) and %(status)d; it is given only the values it names.
    """

    throttled: Reason = reason("%(network)s asks to slow down (%(reason)s); the post will be tried again.")
    access_refused: Reason = reason("%(network)s refused the account's access (%(reason)s): reconnect the account.")
    temporary: Reason = reason("%(network)s had a problem (error %(status)d); the post will be tried again.")
    refused: Reason = reason("%(network)s refused the post: %(reason)s")
    unreachable: Reason = reason("%(network)s could not be reached; the post will be tried again.")
    unknown_outcome: Reason = reason(
        "%(network)s did not answer after the post was sent: it may or may not be published."
    )


def filled(code: Reason, values: dict[str, Any]) -> Reason:
    """`code` with the values it names (a stored reason keeps no value it does not show)."""
    named = set(re.findall(r"%\((\w+)\)", code.code))
    return code % {name: value for name, value in values.items() if name in named}


class HttpAdapter(Adapter):
    """An adapter whose network is an HTTP API (see the module docstring)."""

    wording: ClassVar[Wording] = Wording()
    # The API's host came from a person (an instance, a server, a webhook): the SSRF guard applies.
    user_typed_host: ClassVar[bool] = False

    # --- sending ----------------------------------------------------------------------------
    def send(
        self, method: str, url: str, *, publishing: bool = False, spends: tuple[str, ...] | None = None, **kwargs: Any
    ) -> requests.Response:
        """One request; a failure to get an answer becomes a PublishError.

        `publishing`: the call creates the post, so a failure after the request left is an
        unknown outcome (the post may exist) rather than a plain retry; it spends a post of the
        budget unless `spends` says otherwise.
        """
        if spends is None:
            spends = (budget.POSTS,) if publishing else ()
        try:
            return http.request(method, url, user_typed_host=self.user_typed_host, spends=spends, **kwargs)
        except http.UnsafeHost as error:
            raise PublishError(error.message, kind=ErrorKind.RECONNECT) from None
        except requests.RequestException as error:
            values = self.error_values(None)
            if publishing and http.was_sent(error):
                raise PublishError(filled(self.wording.unknown_outcome, values), kind=ErrorKind.UNKNOWN) from None
            raise PublishError(filled(self.wording.unreachable, values), kind=ErrorKind.RETRY) from None

    def call(
        self, method: str, url: str, *, publishing: bool = False, answers: tuple[int, ...] = (), **kwargs: Any
    ) -> requests.Response:
        """`send`, then a failed answer raises its PublishError; statuses in `answers` (a 404
        that means "deleted") are returned for the caller to read."""
        response = self.send(method, url, publishing=publishing, **kwargs)
        if self.failed(response) and response.status_code not in answers:
            raise self.error_for(response)
        return response

    # --- classifying an answer: the one ladder ----------------------------------------------
    @classmethod
    def outcome(cls, response: requests.Response) -> Outcome:
        if cls.throttled(response):
            return Outcome.THROTTLED
        if cls.access_refused(response):
            return Outcome.ACCESS_REFUSED
        if cls.temporary(response):
            return Outcome.TEMPORARY
        return Outcome.REFUSED

    def error_for(self, response: requests.Response) -> PublishError:
        """The contract's error for a failed answer, in this network's words."""
        outcome = self.outcome(response)
        code: Reason = getattr(self.wording, outcome.value)
        retry_after = self.retry_after(response) if outcome == Outcome.THROTTLED else None
        return PublishError(filled(code, self.error_values(response)), kind=KINDS[outcome], retry_after=retry_after)

    def error_values(self, response: requests.Response | None) -> dict[str, Any]:
        """What the wording may name; `response` None when no answer came. Mastodon and
        Bluesky add the host of the account's server."""
        return self.answer_values(response) if response is not None else {"network": self.name}

    @classmethod
    def answer_values(cls, response: requests.Response) -> dict[str, Any]:
        return {"network": cls.name, "status": cls.status_of(response), "reason": cls.error_words(response)}

    # --- the hooks a network overrides where its API differs ----------------------------------
    @classmethod
    def failed(cls, response: requests.Response) -> bool:
        return response.status_code >= 400

    @classmethod
    def status_of(cls, response: requests.Response) -> int:
        """The status the network means (Telegram repeats it in its document's error_code)."""
        return response.status_code

    @classmethod
    def throttled(cls, response: requests.Response) -> bool:
        return cls.status_of(response) == 429

    @classmethod
    def access_refused(cls, response: requests.Response) -> bool:
        return cls.status_of(response) == 401

    @classmethod
    def temporary(cls, response: requests.Response) -> bool:
        return cls.status_of(response) >= 500

    @classmethod
    def error_words(cls, response: requests.Response) -> str | Reason:
        """The network's own words about the failure; by default `{"message": ...}`."""
        return short(json_of(response).get("message")) or unnamed_error(cls.status_of(response))

    @classmethod
    def retry_after(cls, response: requests.Response) -> float | None:
        """After a throttle, how long to wait: by default the standard Retry-After (seconds)."""
        return seconds(response.headers.get("Retry-After"))

    # --- while connecting (no account yet) ----------------------------------------------------
    @classmethod
    def send_connecting(cls, method: str, url: str, **kwargs: Any) -> requests.Response:
        """A call made while connecting: no answer becomes a ConnectError naming the network."""
        unreachable = _("%(network)s could not be reached. Try again in a moment.") % {"network": cls.name}
        return connect_request(method, url, user_typed_host=cls.user_typed_host, unreachable=unreachable, **kwargs)


def connect_request(
    method: str, url: str, *, user_typed_host: bool, unreachable: str, field: str | None = None, **kwargs: Any
) -> requests.Response:
    """A call made while connecting (no account yet): a refused address or no answer becomes a
    ConnectError, with `unreachable` as its words, on the form's `field`."""
    try:
        return http.request(method, url, user_typed_host=user_typed_host, **kwargs)
    except http.UnsafeHost as error:
        raise ConnectError(error.message, field=field) from None
    except requests.RequestException:
        raise ConnectError(unreachable, field=field) from None


# --- reads for a page (the inbox, the numbers): one ladder, in words about reading -----------------
@dataclass(frozen=True)
class ReadWording:
    """What a read says when it gets no usable answer; each may name %(network)s, %(host)s,
    %(reason)s and %(status)d (lazy translations: rendered in the language of the moment)."""

    refused: StrOrPromise  # 401, 403: a person reconnects
    throttled: StrOrPromise  # 429: read again after the reset
    unreachable: StrOrPromise  # no answer: read again later
    failed: StrOrPromise  # any other status: read again later


def read_error(wording: ReadWording, values: dict[str, Any], status: int | None, *, retry_after=None) -> PublishError:
    """The error of a read that got no usable answer (`status` None: no answer at all)."""
    if status in (401, 403):
        return PublishError(str(wording.refused) % values, kind=ErrorKind.RECONNECT)
    if status == 429:
        return PublishError(str(wording.throttled) % values, kind=ErrorKind.RETRY, retry_after=retry_after)
    return PublishError(str(wording.unreachable if status is None else wording.failed) % values, kind=ErrorKind.RETRY)


# --- small parsers of answers ------------------------------------------------------------------
def json_of(response: requests.Response) -> dict[str, Any]:
    """The answer's JSON object, or {} for anything else (an HTML error page, an empty body)."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


MAX_WAIT = budget.MAX_WAIT


def seconds_until_epoch(value: str | None) -> float | None:
    """A reset time given as epoch seconds (X's x-rate-limit-reset) -> seconds from now."""
    try:
        epoch = float(value) if value else None
    except ValueError:
        return None
    return None if epoch is None or not math.isfinite(epoch) else min(MAX_WAIT, max(1.0, epoch - time.time()))


def seconds(value: Any) -> float | None:
    """A wait given in seconds (Retry-After, retry_after), or None when absent or malformed."""
    try:
        wait = float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return None if wait is None or not math.isfinite(wait) else min(MAX_WAIT, max(0.0, wait))


def short(text: Any, limit: int = 300) -> str:
    """A network's own message, trimmed for a page."""
    return str(text or "").strip()[:limit]


def unnamed_error(status: int) -> Reason:
    """What stands for the network's words when it gave none."""
    return reason("error %(status)d") % {"status": status}
