"""The crisis room's incidents over the API, read-only: the list, and one incident with its
summary (once closed) and its timeline. Every member of the brand reads them, as on the pages."""

from django.db.models import Prefetch
from rest_framework import generics

from api.serializers.incidents import IncidentDetailSerializer, IncidentSerializer
from api.views.base import BrandScoped
from listening.models import Incident, IncidentEvent


class IncidentList(BrandScoped, generics.ListAPIView):
    """The brand's incidents, the latest opened first."""

    serializer_class = IncidentSerializer

    def get_queryset(self):
        return Incident.objects.filter(brand=self.brand).select_related("assignee").order_by("-opened_at", "-pk")


class IncidentDetail(BrandScoped, generics.RetrieveAPIView):
    """One incident: its summary for management (written at closing) and every action on its timeline."""

    serializer_class = IncidentDetailSerializer

    def get_queryset(self):
        events = IncidentEvent.objects.select_related("actor").order_by("created_at", "pk")
        return (
            Incident.objects.filter(brand=self.brand)
            .select_related("assignee")
            .prefetch_related(Prefetch("events", queryset=events))
        )
