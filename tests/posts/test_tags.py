"""Template helpers of posts (posts/templatetags/posts_tags.py)."""

from datetime import UTC, datetime

from django.template import Context, Template


def test_a_time_in_the_brands_zone_stays_there_through_the_date_filter():
    # The site's zone is Europe/Paris: a plain astimezone() came out as 10:00.
    template = Template('{% load posts_tags %}{{ moment|in_zone:"America/Montreal"|date:"H:i" }}')
    assert template.render(Context({"moment": datetime(2026, 12, 3, 9, 0, tzinfo=UTC)})) == "04:00"
