"""The public API under /api/. Brand resources live under /api/brands/<brand_slug>/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.views import brands

app_name = "api"


def brand(route: str) -> str:
    return f"brands/<slug:brand_slug>/{route}"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("brands/", brands.BrandList.as_view(), name="brand_list"),
    path(brand(""), brands.BrandDetail.as_view(), name="brand_detail"),
]
