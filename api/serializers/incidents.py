"""The crisis room's incidents over the API: read-only (actions are taken in the room)."""

from rest_framework import serializers

from listening.models import Incident, IncidentEvent


class IncidentEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", allow_null=True, read_only=True)
    actor_name = serializers.StringRelatedField(source="actor", allow_null=True, read_only=True)

    class Meta:
        model = IncidentEvent
        fields = ["action", "detail", "actor", "actor_name", "created_at"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)
    alert = serializers.IntegerField(source="alert_id", allow_null=True, read_only=True)
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True, read_only=True)
    assignee_name = serializers.StringRelatedField(source="assignee", allow_null=True, read_only=True)
    words = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "title", "words", "is_open", "alert", "assignee", "assignee_name", "opened_at", "closed_at"]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    summary = serializers.JSONField(
        read_only=True,
        help_text="Written when the incident is closed ({} while it is open): the volume curve per hour, "
        "time to first response, statements published, actions taken.",
    )
    timeline = IncidentEventSerializer(source="events", many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "summary", "timeline"]
        read_only_fields = fields
