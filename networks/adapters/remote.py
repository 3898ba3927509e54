"""What the adapters of the commercial networks share: one call through networks/http.py whose
transport failures become the contract's errors, and the small parsers of their answers.

Their API hosts come from settings (TELEGRAM_API_URL, GRAPH_API_URL, ...), never from a user,
so these calls do not go through the SSRF guard; tests point the settings at local servers.
"""

from __future__ import annotations

import math
import time
from typing import Any

import requests
from django.utils.translation import gettext as _

from cm_platform.reasons import reason
from networks import budget, http
from networks.adapters.base import ConnectError, ErrorKind, PublishError


def send(network: str, method: str, url: str, *, publishing: bool = False, **kwargs) -> requests.Response:
    """One call to `network`; a failure to get an answer becomes a PublishError.

    `publishing`: the call creates the post, so a failure after the request left is an unknown
    outcome (the post may exist) rather than a plain retry.
    """
    try:
        return http.request(method, url, spends=(budget.POSTS,) if publishing else (), **kwargs)
    except requests.RequestException as error:
        if publishing and http.was_sent(error):
            raise PublishError(
                reason("%(network)s did not answer after the post was sent: it may or may not be published.")
                % {"network": network},
                kind=ErrorKind.UNKNOWN,
            ) from None
        raise PublishError(
            reason("%(network)s could not be reached; the post will be tried again.") % {"network": network},
            kind=ErrorKind.RETRY,
        ) from None


def send_connecting(network: str, method: str, url: str, **kwargs) -> requests.Response:
    """A call made while connecting: no answer becomes a ConnectError naming the network."""
    try:
        return http.request(method, url, **kwargs)
    except requests.RequestException:
        raise ConnectError(
            _("%(network)s could not be reached. Try again in a moment.") % {"network": network}
        ) from None


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
