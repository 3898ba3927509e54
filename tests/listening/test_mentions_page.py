"""The mentions page: filters in the URL, tags and "handled", text shown escaped, a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from listening.models import Mention, MentionHourly, MentionMatch, MentionTag, Source

pytestmark = pytest.mark.django_db


def _mentions(brand, search, count, **fields):
    source = Source.objects.create(brand=brand, name="Forum", url="https://forum.example/rss")
    now = timezone.now()
    created = Mention.objects.bulk_create(
        Mention(
            brand=brand,
            source=source,
            network="web",
            remote_id=f"{fields.get('sentiment', 'neutral')}-{n}-{now.timestamp()}",
            text=fields.get("text", f"Acme mention {n}"),
            sentiment=fields.get("sentiment", "neutral"),
            published_at=now - timedelta(minutes=n),
            author="Julie",
        )
        for n in range(count)
    )
    MentionMatch.objects.bulk_create(
        MentionMatch(search=search, mention=m, published_at=m.published_at) for m in created
    )
    counter, _ = MentionHourly.objects.get_or_create(search=search, hour=now.replace(minute=0, second=0, microsecond=0))
    MentionHourly.objects.filter(pk=counter.pk).update(count=counter.count + count)
    return created


def _get(client, brand, **query):
    return client.get(reverse("listening:mentions", kwargs={"brand_slug": brand.slug}), query)


def test_filters_in_the_url_narrow_the_list(client, brand_a, viewer, acme):
    _mentions(brand_a, acme, 3, sentiment="negative", text="Acme est nul")
    _mentions(brand_a, acme, 2, sentiment="positive", text="Acme génial")
    client.force_login(viewer)
    body = _get(client, brand_a, sentiment="negative", search=acme.pk).content.decode()
    assert body.count('data-mention="') == 3 and "Acme génial" not in body
    assert _get(client, brand_a, q="génial").content.decode().count('data-mention="') == 2
    # Nonsense in the URL is ignored, never an error page.
    assert _get(client, brand_a, sentiment="furious", search="x", start="yesterday").status_code == 200


def test_page_escapes_what_the_feed_said(client, brand_a, viewer, acme):
    _mentions(brand_a, acme, 1, text='Acme <img src=x onerror="alert(1)">')
    client.force_login(viewer)
    body = _get(client, brand_a).content.decode()
    assert "<img src=x" not in body and "&lt;img src=x" in body


def test_page_reads_a_fixed_number_of_queries(client, brand_a, editor, acme):
    client.force_login(editor)
    _mentions(brand_a, acme, 3)
    _get(client, brand_a)  # the first visit remembers the brand in the session
    with CaptureQueriesContext(connection) as few:
        _get(client, brand_a)
    for mention in Mention.objects.all()[:3]:
        MentionTag.objects.create(mention=mention, name="crise")
    _mentions(brand_a, acme, 60, sentiment="negative")
    with CaptureQueriesContext(connection) as many:
        body = _get(client, brand_a).content.decode()
    # The layout (the Today navigation and the inbox's unread count), and the accounts that can answer.
    assert len(many) == len(few) == 14
    assert body.count('data-mention="') == 50 and "page=2" in body


def test_editor_tags_and_marks_a_mention_handled(client, brand_a, editor, acme):
    (mention,) = _mentions(brand_a, acme, 1)
    client.force_login(editor)
    kwargs = {"brand_slug": brand_a.slug, "pk": mention.pk}
    client.post(reverse("listening:mention_tag", kwargs=kwargs), {"tag": "  SAV  urgent "})
    client.post(reverse("listening:mention_handled", kwargs=kwargs), {"handled": "yes", "next": "//evil.example/"})
    mention.refresh_from_db()
    assert list(mention.tags.values_list("name", flat=True)) == ["SAV urgent"]
    assert mention.handled_by == editor and mention.handled_at is not None
    assert _get(client, brand_a, handled="no").content.decode().count('data-mention="') == 0
    assert _get(client, brand_a, tag="SAV urgent").content.decode().count('data-mention="') == 1
