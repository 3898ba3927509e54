from django.urls import path

from posts import views

app_name = "posts"
urlpatterns = [
    path("b/<slug:brand_slug>/posts/", views.post_list, name="list"),
    path("b/<slug:brand_slug>/posts/<int:pk>/", views.post_detail, name="detail"),
]
