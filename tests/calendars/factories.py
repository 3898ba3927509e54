from datetime import date, time, timedelta

import factory

from calendars.models import FeedToken, PostingSlot
from posts.models import Campaign
from tests.factories import BrandFactory, NetworkAccountFactory, UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    colour = "#ff8800"
    starts_on = factory.LazyFunction(date.today)
    ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=10))


class PostingSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostingSlot

    account = factory.SubFactory(NetworkAccountFactory)
    weekday = 0
    local_time = time(9, 0)


class FeedTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedToken

    brand = factory.SubFactory(BrandFactory)
    created_by = factory.SubFactory(UserFactory)
