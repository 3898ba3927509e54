from django.urls import path

from listening import views

app_name = "listening"
_B = "b/<slug:brand_slug>/listening/"
urlpatterns = [
    path(f"{_B}searches/", views.searches, name="searches"),
    path(f"{_B}searches/new/", views.search_create, name="search_create"),
    path(f"{_B}searches/<id:pk>/", views.search_edit, name="search_edit"),
    path(f"{_B}searches/<id:pk>/delete/", views.search_delete, name="search_delete"),
    path(f"{_B}sources/", views.sources, name="sources"),
    path(f"{_B}sources/new/", views.source_create, name="source_create"),
    path(f"{_B}sources/<id:pk>/", views.source_edit, name="source_edit"),
    path(f"{_B}sources/<id:pk>/delete/", views.source_delete, name="source_delete"),
    path(f"{_B}alerts/", views.alerts, name="alerts"),
    path(f"{_B}alerts/<id:pk>/", views.alert, name="alert"),
    path(f"{_B}", views.mentions, name="mentions"),
    path(f"{_B}mentions/<id:pk>/handled/", views.mention_handled, name="mention_handled"),
    path(f"{_B}mentions/<id:pk>/tags/", views.mention_tag, name="mention_tag"),
]
