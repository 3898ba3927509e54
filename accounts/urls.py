from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.profile, name="profile"),
    path("language/", views.language, name="language"),
    path("brands/new/", views.brand_create, name="brand_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("b/<slug:brand_slug>/", views.brand_home, name="brand_home"),
    path("b/<slug:brand_slug>/settings/", views.brand_settings, name="brand_settings"),
    path("b/<slug:brand_slug>/members/", views.members, name="members"),
    path("b/<slug:brand_slug>/members/invite/", views.member_invite, name="member_invite"),
    path("b/<slug:brand_slug>/members/<id:pk>/role/", views.member_role, name="member_role"),
    path("b/<slug:brand_slug>/members/<id:pk>/remove/", views.member_remove, name="member_remove"),
    path("b/<slug:brand_slug>/invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
