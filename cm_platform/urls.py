"""URLs. Brand pages live under /b/<brand_slug>/; each app owns its own urls.py."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from cm_platform.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("accounts.urls")),
    path("", include("networks.urls")),
    path("", include("posts.urls")),
    path("", include("posts.publishing.urls")),
    path("", include("calendars.urls")),
    path("", include("inbox.urls")),
    path("api/", include("api.urls")),
    path("me/tokens/", include("api.token_urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
