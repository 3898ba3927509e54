from django.urls import path

from analytics import views

app_name = "analytics"
_B = "b/<slug:brand_slug>/analytics/"
urlpatterns = [
    path(_B, views.dashboard, name="dashboard"),
]
