"""The profile's token pages, mounted at /me/tokens/."""

from django.urls import path

from api import token_views

app_name = "api_tokens"
urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("<id:pk>/revoke/", token_views.token_revoke_view, name="revoke"),
]
