"""Throttling of sign-ins and password reset requests.

Sign-ins: django-axes counts failed sign-ins (site, admin) per account and per address in the
database and locks either out for AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failures (settings:
LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES). This module gives axes the account (the email as
typed, case folded) and the client's address, and the page shown to a locked-out person.

Password reset requests: axes only watches sign-ins, so a reset request is counted here, per
address and per email address, in fixed windows of PASSWORD_RESET_WINDOW seconds, in the
"throttle" cache (the database: shared by every process and machine of a deployment).
"""

from __future__ import annotations

import hashlib
import time

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The clock the reset windows are cut from (tests pin it).
clock = time.time


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address DJANGO_TRUSTED_PROXIES proxies saw.

    Behind N proxies that each append to X-Forwarded-For, the client is the Nth address from the
    right; anything further left was written by the client and cannot be trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def login_identifier(request: HttpRequest, credentials: dict | None) -> str:
    """The account a sign-in names: Django's forms pass `username`, axes' own calls `email`."""
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email") or request.POST.get("username") or ""
    return str(typed).strip().casefold()


def lockout_response(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """The page a locked-out person sees instead of the sign-in form (429, in their language)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def login_lockout_lift(*, email: str) -> None:
    """Forget the failed sign-ins of an account (its address's own count stays)."""
    axes_reset(username=email.strip().casefold())


def password_reset_allowed(*, address: str, email: str) -> bool:
    """Count one reset request; False once the address or the email address is over its limit."""
    window = settings.PASSWORD_RESET_WINDOW
    counts = [
        _count(f"reset-address:{address}", window),
        _count(f"reset-email:{email.strip().casefold()}", window),
    ]
    limits = [settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, settings.PASSWORD_RESET_LIMIT_PER_EMAIL]
    return all(count <= limit for count, limit in zip(counts, limits, strict=True))


def _count(name: str, window: int) -> int:
    """Add one to `name`'s counter for the current window and return it.

    The database cache's increment is a read then a write, so two requests in the same instant
    may count once: the limit can be passed by a request or two, never by a flood.
    """
    cache = caches["throttle"]
    digest = hashlib.sha256(name.encode()).hexdigest()  # keys stay short and hold no address
    key = f"{digest}:{int(clock() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # culled between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1
