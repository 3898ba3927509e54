from django.urls import path

from listening import views

app_name = "listening"
_B = "b/<slug:brand_slug>/listening/"
urlpatterns = [
    path(f"{_B}searches/", views.searches, name="searches"),
    path(f"{_B}searches/new/", views.search_create, name="search_create"),
    path(f"{_B}searches/<int:pk>/", views.search_edit, name="search_edit"),
    path(f"{_B}searches/<int:pk>/delete/", views.search_delete, name="search_delete"),
]
