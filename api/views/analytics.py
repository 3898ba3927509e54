"""A brand's analytics over the API: the numbers of the analytics page and of the reports
(analytics/selectors.py, the one home of how they are counted), as JSON."""

import dataclasses

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Brand
from accounts.roles import Perm
from analytics import selectors
from analytics.selectors import Filters, Totals
from api.serializers.analytics import AnalyticsQuerySerializer, AnalyticsSerializer
from api.views.base import BrandScoped
from networks.capabilities.metrics import Metric

DEFAULT_DAYS = 30
TOP_POSTS = 10


class Analytics(BrandScoped, APIView):
    """The brand's numbers for a period: publishing, engagement (every metric), followers, by
    network and by campaign, per day, top posts, best hours, the inbox's response times and
    listening's mentions and incidents. null: not available, never 0."""

    perms = {"GET": Perm.VIEW_ANALYTICS}

    @extend_schema(parameters=[AnalyticsQuerySerializer], responses=AnalyticsSerializer)
    def get(self, request, *args, **kwargs):
        query = AnalyticsQuerySerializer(data=request.query_params, context={"brand": self.brand})
        query.is_valid(raise_exception=True)
        return Response(AnalyticsSerializer(_document(self.brand, _filters(self.brand, query.validated_data))).data)


def _filters(brand: Brand, data: dict) -> Filters:
    network, campaign = data.get("network", ""), data.get("campaign")
    if "start" in data:
        return Filters(start=data["start"], end=data["end"], network=network, campaign=campaign)
    return Filters.last_days(brand, DEFAULT_DAYS, network=network, campaign=campaign)


def _document(brand: Brand, filters: Filters) -> dict:
    numbers = selectors.page_numbers(brand, filters, top=TOP_POSTS)
    publishing, totals, trend = numbers["publishing"], numbers["totals"], numbers["chart_data"]["trend"]
    listening = numbers["listening"]
    return {
        "period": {
            "start": filters.start,
            "end": filters.end,
            "time_zone": brand.time_zone,
            "network": filters.network,
            "campaign": filters.campaign,
        },
        "publishing": {
            "planned": publishing.planned,
            "published": publishing.published,
            "failed": publishing.failed,
            "on_time": publishing.on_time,
            "on_time_rate": publishing.on_time_rate,
            "average_lateness_seconds": publishing.average_lateness,
        },
        "engagement": {
            "engagement": totals.engagement,
            "engagement_rate": totals.engagement_rate,
            "metrics": {
                str(metric): {"total": totals.get(str(metric)), "posts": totals.posts.get(str(metric), 0)}
                for metric in Metric
                if metric != Metric.FOLLOWERS
            },
            "followers": numbers["followers"],
            "follower_growth": numbers["follower_growth"],
        },
        "by_network": [
            {"network": row["slug"], "name": row["name"], "published": row["published"], **_engagement(row["totals"])}
            for row in numbers["networks"]
        ],
        "by_campaign": [
            {"campaign": row["id"], "name": row["name"], "published": row["published"], **_engagement(row["totals"])}
            for row in numbers["campaigns"]
        ],
        "trend": [
            {"day": day, "published": published, "engagement": engagement}
            for day, published, engagement in zip(trend["days"], trend["published"], trend["engagement"], strict=True)
        ],
        "top_posts": [
            {
                "post": row.target.post_id,
                "network": row.account.network,
                "account": row.account.display_name,
                "published_at": row.published_at,
                "engagement": row.engagement,
                "text": row.target.effective_text,
                "url": row.target.remote_url,
            }
            for row in numbers["top_posts"]
        ],
        "community": dataclasses.asdict(numbers["community"]),
        "listening": {
            "mentions": listening.mentions,
            "sentiment": listening.sentiment,
            "spikes": listening.spikes_total,
            "incidents": [dataclasses.asdict(incident) for incident in listening.incidents],
        },
        "best_hours": numbers["best_hours"],
    }


def _engagement(totals: Totals) -> dict:
    return {
        "engagement": totals.engagement,
        "reach": totals.get(str(Metric.REACH)),
        "engagement_rate": totals.engagement_rate,
    }
