"""URLs. Brand pages live under /b/<brand_slug>/; each app owns its own urls.py."""

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from cm_platform.health import healthz


def media_file(request, path: str):
    """Django's development view of MEDIA_ROOT, where a name the file system cannot hold (more
    than 255 bytes a component) is a 404: Path.exists() raises OSError on it, a 500."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:
        raise Http404 from None


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("accounts.urls")),
    path("", include("networks.urls")),
    path("", include("posts.urls")),
    path("", include("posts.publishing.urls")),
    path("", include("calendars.urls")),
    path("api/", include("api.urls")),
    path("me/tokens/", include("api.token_urls")),
]
if settings.DEBUG:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media_file))
