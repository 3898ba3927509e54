"""The public API under /api/. Brand resources live under /api/brands/<brand_slug>/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.views import brands, calendar, media, networks, posts, webhooks

app_name = "api"


def brand(route: str) -> str:
    return f"brands/<slug:brand_slug>/{route}"


def post(route: str) -> str:
    return brand(f"posts/<id:pk>/{route}")


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
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
    path(brand("webhooks/"), webhooks.WebhookList.as_view(), name="webhook_list"),
    path(brand("webhooks/<id:pk>/"), webhooks.WebhookDetail.as_view(), name="webhook_detail"),
]
