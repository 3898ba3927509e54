from django.urls import path

from inbox import views

app_name = "inbox"
urlpatterns = [
    path("b/<slug:brand_slug>/inbox/", views.conversation_list, name="list"),
    path("b/<slug:brand_slug>/inbox/<int:pk>/", views.conversation_detail, name="conversation"),
]
