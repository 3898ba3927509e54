from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.calendar import CampaignSerializer, EventRangeSerializer, EventSerializer
from api.views.base import BrandScoped
from calendars.selectors import EventFilters, calendar_events
from posts.models import Campaign


class EventList(BrandScoped, APIView):
    """What the brand's calendar shows for a range: its posts and campaign bands (not paginated)."""

    @extend_schema(parameters=[EventRangeSerializer], responses=EventSerializer(many=True))
    def get(self, request, *args, **kwargs):
        query = EventRangeSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        events = calendar_events(
            brand=self.brand,
            membership=self.membership,
            start=query.validated_data["start"],
            end=query.validated_data["end"],
            filters=EventFilters.from_query(request.query_params),
        )
        return Response(events)


class CampaignList(BrandScoped, generics.ListAPIView):
    """The brand's campaigns (their ids filter posts and events)."""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        return Campaign.objects.filter(brand=self.brand).order_by("starts_on", "name", "pk")
