from django.urls import path

from listening import crisis_views, views

app_name = "listening"
_B = "b/<slug:brand_slug>/listening/"
urlpatterns = [
    path(f"{_B}searches/", views.searches, name="searches"),
    path(f"{_B}searches/new/", views.search_create, name="search_create"),
    path(f"{_B}searches/<id:pk>/", views.search_edit, name="search_edit"),
    path(f"{_B}searches/<id:pk>/delete/", views.search_delete, name="search_delete"),
    path(f"{_B}sources/", views.sources, name="sources"),
    path(f"{_B}sources/new/", views.source_create, name="source_create"),
    path(f"{_B}sources/new/network-search/", views.network_search_create, name="network_search_create"),
    path(f"{_B}sources/<id:pk>/", views.source_edit, name="source_edit"),
    path(f"{_B}sources/<id:pk>/delete/", views.source_delete, name="source_delete"),
    path(f"{_B}alerts/", views.alerts, name="alerts"),
    path(f"{_B}alerts/<id:pk>/", views.alert, name="alert"),
    path(f"{_B}", views.mentions, name="mentions"),
    path(f"{_B}mentions/<id:pk>/handled/", views.mention_handled, name="mention_handled"),
    path(f"{_B}mentions/<id:pk>/tags/", views.mention_tag, name="mention_tag"),
    path(f"{_B}mentions/<id:pk>/conversation/", crisis_views.mention_conversation, name="mention_conversation"),
    path(f"{_B}mentions/<id:pk>/reply/", crisis_views.mention_reply, name="mention_reply"),
    path(f"{_B}incidents/", crisis_views.incidents, name="incidents"),
    path(f"{_B}incidents/new/", crisis_views.incident_open, name="incident_open"),
    path(f"{_B}incidents/<id:pk>/", crisis_views.incident, name="incident"),
    path(f"{_B}incidents/<id:pk>/assign/", crisis_views.incident_assign, name="incident_assign"),
    path(f"{_B}incidents/<id:pk>/statements/", crisis_views.statement_write, name="statement_write"),
    path(
        f"{_B}incidents/<id:pk>/statements/<id:statement>/approve/",
        crisis_views.statement_approve,
        name="statement_approve",
    ),
    path(f"{_B}incidents/<id:pk>/close/", crisis_views.incident_close, name="incident_close"),
    path(f"{_B}incidents/<id:pk>/summary.csv", crisis_views.incident_export, name="incident_export"),
    path(
        f"{_B}incidents/<id:pk>/conversations/<id:conversation>/reply/",
        crisis_views.incident_reply,
        name="incident_reply",
    ),
    path(f"{_B}incidents/<id:pk>/messages/<id:message>/hide/", crisis_views.incident_hide, name="incident_hide"),
]
