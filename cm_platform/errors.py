"""The CSRF refusal page. Django's own is a bare English page; ours is in the person's language
and in the app's layout, like the other error pages (templates/400.html, 403.html, 404.html,
500.html, which Django's default handlers render)."""

from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """settings.CSRF_FAILURE_VIEW: a form sent without a valid token (expired page, other site)."""
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)
