from django.urls import path

from inbox import views

app_name = "inbox"


def inbox(route: str) -> str:
    return f"b/<slug:brand_slug>/inbox/{route}"


urlpatterns = [
    path(inbox(""), views.conversation_list, name="list"),
    path(inbox("settings/"), views.inbox_settings, name="settings"),
    path(inbox("saved-replies/"), views.saved_reply_list, name="saved_replies"),
    path(inbox("saved-replies/<int:pk>/"), views.saved_reply_edit, name="saved_reply"),
    path(inbox("saved-replies/<int:pk>/delete/"), views.saved_reply_delete, name="saved_reply_delete"),
    path(inbox("<int:pk>/"), views.conversation_detail, name="conversation"),
    path(inbox("<int:pk>/assign/"), views.conversation_assign, name="assign"),
    path(inbox("<int:pk>/move/<slug:move>/"), views.conversation_move, name="move"),
    path(inbox("<int:pk>/tags/"), views.conversation_tags, name="tags"),
    path(inbox("<int:pk>/priority/"), views.conversation_priority, name="priority"),
    path(inbox("<int:pk>/notes/"), views.note_create, name="note"),
    path(inbox("<int:pk>/reply/"), views.reply_create, name="reply"),
    path(inbox("replies/<int:pk>/<slug:decision>/"), views.reply_decide, name="reply_decide"),
    path(inbox("messages/<int:pk>/<slug:action>/"), views.message_moderate, name="moderate"),
]
