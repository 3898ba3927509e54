from datetime import timedelta

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.serializers.fields import InstantField
from cm_platform.ids import MAX_ID
from posts.models import Campaign, DisplayStatus

MAX_RANGE = timedelta(days=366)


class EventRangeSerializer(serializers.Serializer):
    """Query parameters of the calendar: a range of at most a year, and the calendar's filters."""

    start = InstantField(help_text="From this time (ISO 8601; a date means its midnight, UTC).")
    end = InstantField(help_text="Until this time, excluded.")
    account = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)
    status = serializers.MultipleChoiceField(choices=DisplayStatus.choices, required=False)
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": _("The end must come after the start.")})
        if attrs["end"] - attrs["start"] > MAX_RANGE:
            raise serializers.ValidationError({"end": _("Ask for at most a year at a time.")})
        return attrs


class EventSerializer(serializers.Serializer):
    """One calendar event, as the calendar page draws it (a post, or a campaign's background band)."""

    id = serializers.CharField()
    title = serializers.CharField()
    start = serializers.CharField(allow_null=True)
    end = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    display = serializers.CharField(required=False)
    extendedProps = serializers.DictField(required=False)  # noqa: N815 (the calendar's own key)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "name", "colour", "starts_on", "ends_on", "description"]
        read_only_fields = fields
