from django.urls import path

from inbox import views, webhooks

app_name = "inbox"


def inbox(route: str) -> str:
    return f"b/<slug:brand_slug>/inbox/{route}"


urlpatterns = [
    # Meta's webhooks: public, signed with the app secret (inbox/webhooks.py).
    path("hooks/meta/", webhooks.meta_webhook, name="meta_webhook"),
    path(inbox(""), views.conversation_list, name="list"),
    path(inbox("settings/"), views.inbox_settings, name="settings"),
    path(inbox("rules/"), views.triage_rules, name="rules"),
    path(inbox("rules/<id:pk>/delete/"), views.triage_rule_delete, name="rule_delete"),
    path(inbox("saved-replies/"), views.saved_reply_list, name="saved_replies"),
    path(inbox("saved-replies/<id:pk>/"), views.saved_reply_edit, name="saved_reply"),
    path(inbox("saved-replies/<id:pk>/delete/"), views.saved_reply_delete, name="saved_reply_delete"),
    path(inbox("<id:pk>/"), views.conversation_detail, name="conversation"),
    path(inbox("<id:pk>/assign/"), views.conversation_assign, name="assign"),
    path(inbox("<id:pk>/move/<slug:move>/"), views.conversation_move, name="move"),
    path(inbox("<id:pk>/tags/"), views.conversation_tags, name="tags"),
    path(inbox("<id:pk>/priority/"), views.conversation_priority, name="priority"),
    path(inbox("<id:pk>/notes/"), views.note_create, name="note"),
    path(inbox("<id:pk>/reply/"), views.reply_create, name="reply"),
    path(inbox("replies/<id:pk>/<slug:decision>/"), views.reply_decide, name="reply_decide"),
    path(inbox("messages/<id:pk>/sentiment/"), views.message_sentiment, name="sentiment"),
    path(inbox("messages/<id:pk>/<slug:action>/"), views.message_moderate, name="moderate"),
]
