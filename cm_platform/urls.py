"""URLs. Brand pages live under /b/<brand_slug>/; each app owns its own urls.py."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import PasswordResetConfirmView, PasswordResetView
from cm_platform.health import healthz
from posts.views import media_serve

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Before Django's own: the same names, throttled (accounts/throttling.py).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("accounts.urls")),
    path("", include("networks.urls")),
    path("", include("notifications.urls")),
    path("", include("posts.urls")),
    path("", include("posts.publishing.urls")),
    path("", include("calendars.urls")),
    path("", include("inbox.urls")),
    path("", include("desk.urls")),
    path("", include("analytics.urls")),
    path("", include("listening.urls")),
    path("", include("clients.urls")),
    path("api/", include("api.urls")),
    path("me/tokens/", include("api.token_urls")),
]
if not urlsplit(settings.MEDIA_URL).netloc:
    # Media on this site (not on a separate origin, see README: Serving media): one view serves
    # them all, with their verified type and the headers that keep them from running as pages.
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_serve, name="media"))
