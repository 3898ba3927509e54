from django.urls import path

from publishing import views

app_name = "publishing"
urlpatterns = [
    path("b/<slug:brand_slug>/pause/", views.pause, name="pause"),
    path("b/<slug:brand_slug>/resume/", views.resume, name="resume"),
    path("b/<slug:brand_slug>/overdue/", views.overdue, name="overdue"),
    path("b/<slug:brand_slug>/overdue/<id:pk>/", views.overdue_decide, name="overdue_decide"),
    path("b/<slug:brand_slug>/posts/<id:pk>/publish-now/", views.publish_now, name="publish_now"),
    path("b/<slug:brand_slug>/targets/<id:pk>/retry/", views.target_retry, name="target_retry"),
    path("b/<slug:brand_slug>/targets/<id:pk>/resolve/", views.target_resolve, name="target_resolve"),
]
