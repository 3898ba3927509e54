from django.urls import path

from desk import views

app_name = "desk"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("b/<slug:brand_slug>/today/", views.brand_today, name="brand_today"),
]
