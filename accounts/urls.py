from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("b/<slug:brand_slug>/", views.brand_home, name="brand_home"),
]
