from django.urls import path

from posts import views

app_name = "posts"
urlpatterns = [
    path("b/<slug:brand_slug>/posts/", views.post_list, name="list"),
    path("b/<slug:brand_slug>/posts/new/", views.post_create, name="create"),
    path("b/<slug:brand_slug>/posts/<id:pk>/", views.post_detail, name="detail"),
    path("b/<slug:brand_slug>/posts/<id:pk>/edit/", views.post_edit, name="edit"),
    path("b/<slug:brand_slug>/posts/<id:pk>/do/<slug:action>/", views.post_transition, name="transition"),
    path("b/<slug:brand_slug>/posts/<id:pk>/comments/", views.comment_create, name="comment"),
    path("b/<slug:brand_slug>/review/", views.review, name="review"),
    path("b/<slug:brand_slug>/media/", views.media_library, name="media_library"),
    path("b/<slug:brand_slug>/media/upload/", views.media_upload, name="media_upload"),
    path("b/<slug:brand_slug>/media/<id:pk>/alt/", views.media_alt_text, name="media_alt"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<id:pk>/", views.notification_open, name="notification_open"),
]
