from django.urls import path

from posts import saved_text_views, views

app_name = "posts"
urlpatterns = [
    path("b/<slug:brand_slug>/posts/", views.post_list, name="list"),
    path("b/<slug:brand_slug>/posts/new/", views.post_create, name="create"),
    path("b/<slug:brand_slug>/posts/bulk/", views.bulk, name="bulk"),
    path("b/<slug:brand_slug>/posts/<id:pk>/", views.post_detail, name="detail"),
    path("b/<slug:brand_slug>/posts/<id:pk>/edit/", views.post_edit, name="edit"),
    path("b/<slug:brand_slug>/posts/<id:pk>/do/<slug:action>/", views.post_transition, name="transition"),
    path("b/<slug:brand_slug>/posts/<id:pk>/comments/", views.comment_create, name="comment"),
    path("b/<slug:brand_slug>/posts/<id:pk>/duplicate/", views.post_duplicate, name="duplicate"),
    path("b/<slug:brand_slug>/review/", views.review, name="review"),
    path("b/<slug:brand_slug>/review/turnaround/", views.turnaround, name="turnaround"),
    path("b/<slug:brand_slug>/media/", views.media_library, name="media_library"),
    path("b/<slug:brand_slug>/media/upload/", views.media_upload, name="media_upload"),
    path("b/<slug:brand_slug>/media/<id:pk>/alt/", views.media_alt_text, name="media_alt"),
    path("b/<slug:brand_slug>/saved-texts/", saved_text_views.saved_text_list, name="saved_texts"),
    path("b/<slug:brand_slug>/saved-texts/<id:pk>/", saved_text_views.saved_text_edit, name="saved_text_edit"),
    path(
        "b/<slug:brand_slug>/saved-texts/<id:pk>/delete/",
        saved_text_views.saved_text_delete,
        name="saved_text_delete",
    ),
]
