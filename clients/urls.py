from django.urls import path

from clients import views

app_name = "clients"
_B = "b/<slug:brand_slug>/clients/"
urlpatterns = [
    # The owner's pages.
    path(_B, views.reviewers, name="reviewers"),
    path(f"{_B}<id:pk>/revoke/", views.reviewer_revoke, name="reviewer_revoke"),
    path(f"{_B}<id:pk>/remove/", views.reviewer_remove, name="reviewer_remove"),
    path(f"{_B}audit.csv", views.audit_export, name="audit_export"),
    path(f"{_B}previews/", views.calendar_previews, name="previews"),
    path(f"{_B}previews/<id:pk>/revoke/", views.calendar_preview_revoke, name="preview_revoke"),
    # The client's, public: the signed link is the credential (no account, no session).
    path("review/<str:token>/", views.review, name="review"),
    path("review/<str:token>/decide/", views.review_decide, name="review_decide"),
    path("preview/<str:token>/", views.preview, name="preview"),
]
