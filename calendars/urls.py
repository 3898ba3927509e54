from django.urls import path

from calendars import views

app_name = "calendars"
_B = "b/<slug:brand_slug>/calendar/"
urlpatterns = [
    path(_B, views.calendar, name="calendar"),
    path(f"{_B}events/", views.events, name="events"),
    path(f"{_B}posts/<id:pk>/move/", views.post_move, name="post_move"),
    path(f"{_B}posts/<id:pk>/queue/", views.post_queue, name="post_queue"),
    path(f"{_B}campaigns/", views.campaigns, name="campaigns"),
    path(f"{_B}campaigns/new/", views.campaign_create, name="campaign_create"),
    path(f"{_B}campaigns/<id:pk>/", views.campaign_edit, name="campaign_edit"),
    path(f"{_B}campaigns/<id:pk>/delete/", views.campaign_delete, name="campaign_delete"),
    path(f"{_B}slots/", views.slots, name="slots"),
    path(f"{_B}slots/<id:pk>/delete/", views.slot_delete, name="slot_delete"),
    path(f"{_B}feeds/", views.feeds, name="feeds"),
    path(f"{_B}feeds/<id:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path(f"{_B}import/", views.import_upload, name="import_upload"),
    path(f"{_B}import/template.csv", views.import_template, name="import_template"),
    path(f"{_B}import/<id:pk>/", views.import_job, name="import_job"),
    path(f"{_B}import/<id:pk>/start/", views.import_start, name="import_start"),
    path(f"{_B}import/<id:pk>/progress/", views.import_progress, name="import_progress"),
    path(f"{_B}export/", views.export, name="export"),
    # Public: the secret token is the credential (calendar applications cannot sign in).
    path("ical/<str:token>.ics", views.ical_feed, name="ical_feed"),
]
