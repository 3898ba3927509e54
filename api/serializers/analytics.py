"""A brand's analytics over the API: the analytics page's and the reports' numbers, for a
spreadsheet or a BI tool. A number no network gives is null ("not available"), never 0."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cm_platform.ids import MAX_ID
from core.timing import validate_day_in_range

MAX_PERIOD = timedelta(days=366)


class AnalyticsQuerySerializer(serializers.Serializer):
    """The period (the last 30 days by default, in the brand's zone) and the page's filters."""

    start = serializers.DateField(
        required=False, validators=[validate_day_in_range], help_text="First day (the brand's zone)."
    )
    end = serializers.DateField(required=False, validators=[validate_day_in_range], help_text="Last day, included.")
    network = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text="A network's slug (empty: all)."
    )
    campaign = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, help_text="A campaign's id; 0: posts without a campaign."
    )

    def validate(self, attrs):
        if ("start" in attrs) != ("end" in attrs):
            missing = "end" if "start" in attrs else "start"
            raise serializers.ValidationError({missing: _("Give both the start and the end of the period.")})
        if "start" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end must come after the start.")})
        if "start" in attrs and attrs["end"] - attrs["start"] >= MAX_PERIOD:
            raise serializers.ValidationError({"end": _("Ask for at most a year at a time.")})
        campaign = attrs.get("campaign")
        if campaign and not self.context["brand"].campaigns.filter(pk=campaign).exists():
            raise serializers.ValidationError({"campaign": _("This brand has no such campaign.")})
        return attrs


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    time_zone = serializers.CharField()
    network = serializers.CharField()
    campaign = serializers.IntegerField(allow_null=True)


class PublishingSerializer(serializers.Serializer):
    """The engine's targets planned in the period."""

    planned = serializers.IntegerField()
    published = serializers.IntegerField()
    failed = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    average_lateness_seconds = serializers.FloatField(allow_null=True)


class MetricSerializer(serializers.Serializer):
    total = serializers.IntegerField(allow_null=True, help_text="null: no network gave this number.")
    posts = serializers.IntegerField(help_text="How many posts gave it.")


class EngagementSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(allow_null=True)
    engagement_rate = serializers.FloatField(
        allow_null=True, help_text="Engagement over reach, on the posts whose network gives their reach."
    )
    metrics = serializers.DictField(child=MetricSerializer())
    followers = serializers.IntegerField(allow_null=True)
    follower_growth = serializers.IntegerField(allow_null=True)


class NetworkRowSerializer(serializers.Serializer):
    network = serializers.CharField()
    name = serializers.CharField()
    published = serializers.IntegerField()
    engagement = serializers.IntegerField(allow_null=True)
    reach = serializers.IntegerField(allow_null=True)
    engagement_rate = serializers.FloatField(allow_null=True)


class CampaignRowSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(allow_null=True, help_text="null: posts without a campaign.")
    name = serializers.CharField(allow_null=True)
    published = serializers.IntegerField()
    engagement = serializers.IntegerField(allow_null=True)
    engagement_rate = serializers.FloatField(allow_null=True)


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    published = serializers.IntegerField()
    engagement = serializers.IntegerField(allow_null=True)


class TopPostSerializer(serializers.Serializer):
    post = serializers.IntegerField()
    network = serializers.CharField()
    account = serializers.CharField()
    published_at = serializers.DateTimeField(read_only=True)
    engagement = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField(help_text="The post on its network (empty if unknown).")


class CommunitySerializer(serializers.Serializer):
    """The inbox in the period (all the brand's conversations, whatever the filters)."""

    messages = serializers.IntegerField(
        allow_null=True, help_text="Received from people; null: no account on a network the inbox reads."
    )
    conversations = serializers.IntegerField(help_text="Started in the period.")
    answered = serializers.IntegerField(help_text="First answered in the period.")
    median_response_minutes = serializers.FloatField(allow_null=True, help_text="Business minutes.")
    within_target = serializers.IntegerField(help_text="Answered within the brand's response target.")
    target_minutes = serializers.IntegerField()
    sentiment = serializers.DictField(child=serializers.IntegerField(), help_text="Received messages by sentiment.")


class PeriodIncidentSerializer(serializers.Serializer):
    """A crisis incident open at some time in the period, with its summary (so far, while open)."""

    title = serializers.CharField()
    opened_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(allow_null=True, read_only=True)
    duration_minutes = serializers.IntegerField()
    mentions = serializers.IntegerField()
    negative = serializers.IntegerField()
    peak_at = serializers.DateTimeField(allow_null=True, read_only=True)
    peak_mentions = serializers.IntegerField(allow_null=True)
    first_response_minutes = serializers.FloatField(allow_null=True)
    median_response_minutes = serializers.FloatField(allow_null=True)
    statements_published = serializers.IntegerField()


class ListeningSerializer(serializers.Serializer):
    mentions = serializers.IntegerField(allow_null=True, help_text="null: the brand listens to nothing.")
    sentiment = serializers.DictField(child=serializers.IntegerField(), help_text="Mentions by sentiment.")
    spikes = serializers.IntegerField()
    incidents = PeriodIncidentSerializer(many=True)


class AnalyticsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    publishing = PublishingSerializer()
    engagement = EngagementSerializer()
    by_network = NetworkRowSerializer(many=True)
    by_campaign = CampaignRowSerializer(many=True)
    trend = DaySerializer(many=True)
    top_posts = TopPostSerializer(many=True)
    community = CommunitySerializer()
    listening = ListeningSerializer()
    best_hours = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True)),
        help_text="7 rows (Monday first) of 24 hours: the average engagement of the brand's posts "
        "published then, from all its history (null: no post).",
    )
