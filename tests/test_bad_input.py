"""Bad input on the web pages: a message in the user's language naming the field, never a 500.

One test per class of input the outside probe broke: extreme dates, ids beyond 64 bits, URLs
with an impossible port or host, NUL characters, odd `next` values. tests/test_no_server_error.py
walks every URL with such values; these say what the person sees.
"""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from posts.models import Campaign, Comment, Post
from tests.factories import NetworkAccountFactory, PostFactory

pytestmark = pytest.mark.django_db

FRENCH_RANGE = "Choisissez une date entre le 2000-01-01 et le 2100-12-31."


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def test_no_url_takes_an_unbounded_integer():
    """Every id in a URL is <id:...> (at most 2**63 - 1): <int:...> reached the database with any number."""
    assert [route for route in _patterns() if "<int:" in route] == []


@pytest.mark.parametrize("pk", [str(2**63), str(2**64), "9" * 40, "0"])
def test_an_id_beyond_what_a_database_holds_is_a_404(client, owner, brand_a, pk):
    client.force_login(owner)
    assert client.get(f"/b/{brand_a.slug}/posts/{pk}/").status_code == 404
    assert client.post(f"/b/{brand_a.slug}/calendar/campaigns/{pk}/delete/").status_code == 404
    assert client.get(f"/api/brands/{brand_a.slug}/posts/{pk}/").status_code == 404


@pytest.mark.parametrize("value", [str(2**64), "²", "9" * 5000, "-1"])
def test_calendar_filters_that_are_no_ids_are_ignored(client, owner, brand_a, value):
    client.force_login(owner)
    now = timezone.now()
    query = {"account": ["1", value], "campaign": value, "author": value}
    assert client.get(reverse("calendars:calendar", kwargs={"brand_slug": brand_a.slug}), query).status_code == 200
    events = reverse("calendars:events", kwargs={"brand_slug": brand_a.slug})
    range_ = {"start": now.date().isoformat(), "end": (now + timedelta(days=7)).date().isoformat()}
    assert client.get(events, {**query, **range_}).status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_the_composer_refuses_a_day_out_of_range_naming_the_date(client, editor, brand_a, day):
    account = NetworkAccountFactory(brand=brand_a)
    client.force_login(editor)
    url = reverse("posts:create", kwargs={"brand_slug": brand_a.slug})
    data = {"text": "Bonjour", "accounts": [account.pk], "day": day, "at": "23:30", "action": "save"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response.context["form"].errors["day"] == [FRENCH_RANGE]
    assert not Post.objects.exists()


def test_a_composer_version_beyond_64_bits_is_a_form_error(client, editor, brand_a):
    post = PostFactory(brand=brand_a, author=editor)
    client.force_login(editor)
    url = reverse("posts:edit", kwargs={"brand_slug": brand_a.slug, "pk": post.pk})
    response = client.post(url, {"text": "Bonjour", "version": str(2**64), "action": "save"})
    assert response.status_code == 200 and "version" in response.context["form"].errors


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_the_pause_refuses_a_resume_time_out_of_range(client, manager, brand_a, moment):
    client.force_login(manager)
    url = reverse("publishing:pause", kwargs={"brand_slug": brand_a.slug})
    response = client.post(url, {"reason": "Bad buzz", "resume_at": moment}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response.context["form"].errors["resume_at"] == [FRENCH_RANGE]


def test_a_campaign_and_an_export_refuse_dates_out_of_range(client, editor, brand_a):
    client.force_login(editor)
    url = reverse("calendars:campaign_create", kwargs={"brand_slug": brand_a.slug})
    data = {"name": "Launch", "colour": "#112233", "starts_on": "0001-01-01", "ends_on": "9999-12-31"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.context["form"].errors == {"starts_on": [FRENCH_RANGE], "ends_on": [FRENCH_RANGE]}
    assert not Campaign.objects.exists()
    export = reverse("calendars:export", kwargs={"brand_slug": brand_a.slug})
    response = client.get(export, {"start": "9999-12-30", "end": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and response.context["form"].errors["start"] == [FRENCH_RANGE]


@pytest.mark.parametrize(
    ("network", "field", "value"),
    [
        ("mastodon", "instance_url", "https://mastodon.example:99999"),
        ("mastodon", "instance_url", "https://["),
        ("bluesky", "service_url", "https://bsky.example:70000"),
        ("discord", "webhook_url", "https://discord.com:65536/api/webhooks/1/abc"),
        ("webhook", "url", "https://hooks.example:65536/in"),
    ],
)
def test_a_connect_form_names_the_address_with_an_impossible_port_or_host(
    client, owner, brand_a, network, field, value
):
    client.force_login(owner)
    url = reverse("networks:connect", kwargs={"brand_slug": brand_a.slug, "network": network})
    data = {field: value, "access_token": "t", "identifier": "me.example", "app_password": "p", "name": "Hook"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any("port" in error or "URL" in error for error in errors), errors


def test_the_mastodon_sign_in_names_an_impossible_instance_address(client, owner, brand_a):
    client.force_login(owner)
    url = reverse("networks:mastodon_start", kwargs={"brand_slug": brand_a.slug})
    response = client.post(url, {"instance_url": "mastodon.example:123456"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code < 500
    assert "vérifiez son hôte et son port (de 1 à 65535)" in response.content.decode()


def test_a_nul_character_in_the_query_is_refused_naming_the_parameter(client, owner, brand_a):
    client.force_login(owner)
    response = client.get(f"/b/{brand_a.slug}/posts/", {"q": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert (
        response.content.decode() == "Le paramètre «\u00a0q\u00a0» contient un caractère NUL, ce qui n’est pas permis."
    )
    assert client.get("/ical/%00.ics").status_code == 400


def test_a_comment_with_a_nul_character_is_refused_naming_the_field(client, owner, brand_a):
    post = PostFactory(brand=brand_a)
    client.force_login(owner)
    url = reverse("posts:comment", kwargs={"brand_slug": brand_a.slug, "pk": post.pk})
    response = client.post(url, {"text": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Your comment: Null characters are not allowed." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_next_that_is_not_a_page_name_is_followed_as_a_path(client, editor, brand_a):
    post = PostFactory(brand=brand_a, author=editor)
    client.force_login(editor)
    url = reverse("posts:transition", kwargs={"brand_slug": brand_a.slug, "pk": post.pk, "action": "submit"})
    response = client.post(url, {"next": "-1"})
    assert response.status_code == 302 and response["Location"] == "-1"
