"""The public API under /api/. Brand resources live under /api/brands/<brand_slug>/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import analytics, brands, calendar, inbox, incidents, media, networks, posts, webhooks

app_name = "api"


def brand(route: str) -> str:
    return f"brands/<slug:brand_slug>/{route}"


def post(route: str) -> str:
    return brand(f"posts/<id:pk>/{route}")


def conversation(route: str) -> str:
    return brand(f"conversations/<id:pk>/{route}")


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves the page's script from its own URL (?script): no inline script, so the
    # docs page lives under the site's Content-Security-Policy like every other page.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("brands/", brands.BrandList.as_view(), name="brand_list"),
    path(brand(""), brands.BrandDetail.as_view(), name="brand_detail"),
    path(brand("pause/"), brands.BrandPause.as_view(), name="brand_pause"),
    path(brand("resume/"), brands.BrandResume.as_view(), name="brand_resume"),
    path(brand("accounts/"), networks.AccountList.as_view(), name="account_list"),
    path(brand("accounts/<id:pk>/"), networks.AccountDetail.as_view(), name="account_detail"),
    path(brand("media/"), media.MediaList.as_view(), name="media_list"),
    path(brand("media/<id:pk>/"), media.MediaDetail.as_view(), name="media_detail"),
    path(brand("campaigns/"), calendar.CampaignList.as_view(), name="campaign_list"),
    path(brand("events/"), calendar.EventList.as_view(), name="event_list"),
    path(brand("posts/"), posts.PostList.as_view(), name="post_list"),
    path(post(""), posts.PostDetail.as_view(), name="post_detail"),
    path(post("submit/"), posts.PostSubmit.as_view(), name="post_submit"),
    path(post("approve/"), posts.PostApprove.as_view(), name="post_approve"),
    path(post("request-changes/"), posts.PostRequestChanges.as_view(), name="post_request_changes"),
    path(post("schedule/"), posts.PostSchedule.as_view(), name="post_schedule"),
    path(post("reschedule/"), posts.PostReschedule.as_view(), name="post_reschedule"),
    path(post("unschedule/"), posts.PostUnschedule.as_view(), name="post_unschedule"),
    path(post("publish-now/"), posts.PostPublishNow.as_view(), name="post_publish_now"),
    path(post("comments/"), posts.CommentList.as_view(), name="comment_list"),
    path(brand("conversations/"), inbox.ConversationList.as_view(), name="conversation_list"),
    path(conversation(""), inbox.ConversationDetail.as_view(), name="conversation_detail"),
    path(conversation("assign/"), inbox.ConversationAssign.as_view(), name="conversation_assign"),
    path(conversation("move/"), inbox.ConversationMove.as_view(), name="conversation_move"),
    path(conversation("tags/"), inbox.ConversationTags.as_view(), name="conversation_tags"),
    path(conversation("priority/"), inbox.ConversationPriority.as_view(), name="conversation_priority"),
    path(conversation("messages/"), inbox.MessageList.as_view(), name="message_list"),
    path(conversation("replies/"), inbox.ReplyList.as_view(), name="reply_list"),
    path(conversation("notes/"), inbox.NoteList.as_view(), name="note_list"),
    path(brand("replies/<id:pk>/approve/"), inbox.ReplyApprove.as_view(), name="reply_approve"),
    path(brand("replies/<id:pk>/decline/"), inbox.ReplyDecline.as_view(), name="reply_decline"),
    path(brand("messages/<id:pk>/hide/"), inbox.MessageHide.as_view(), name="message_hide"),
    path(brand("messages/<id:pk>/delete/"), inbox.MessageDelete.as_view(), name="message_delete"),
    path(brand("messages/<id:pk>/sentiment/"), inbox.MessageSentiment.as_view(), name="message_sentiment"),
    path(brand("triage-rules/"), inbox.TriageRuleList.as_view(), name="triage_rule_list"),
    path(brand("triage-rules/<id:pk>/"), inbox.TriageRuleDetail.as_view(), name="triage_rule_detail"),
    path(brand("analytics/"), analytics.Analytics.as_view(), name="analytics"),
    path(brand("incidents/"), incidents.IncidentList.as_view(), name="incident_list"),
    path(brand("incidents/<id:pk>/"), incidents.IncidentDetail.as_view(), name="incident_detail"),
    path(brand("webhooks/"), webhooks.WebhookList.as_view(), name="webhook_list"),
    path(brand("webhooks/<id:pk>/"), webhooks.WebhookDetail.as_view(), name="webhook_detail"),
]
