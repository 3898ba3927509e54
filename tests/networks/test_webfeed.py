"""The web feed: publishing puts the post on the brand's public page and its Atom feed."""

import uuid
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from networks import services
from networks.base import ConnectError, MediaFile
from networks.models import FeedEntry
from tests.networks.contract import AdapterContract, ContractSetup

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed(brand_a, owner):
    return services.account_connect(brand=brand_a, user=owner, network="webfeed", data={"title": "Brand A news"})


class TestWebFeedContract(AdapterContract):
    network = "webfeed"

    @pytest.fixture
    def contract(self, feed):
        return ContractSetup(account=feed, published_count=FeedEntry.objects.count)


def test_a_published_post_is_in_the_atom_feed_which_is_valid_atom(client, feed, brand_a):
    photo = MediaFile(
        name="p.png", content_type="image/png", size=1, alt_text="A cat", public_url="https://x.example/p.png"
    )
    result = feed.adapter().publish(text="Opening hours <changed>\nSee you soon", media=[photo], key=uuid.uuid4().hex)

    answer = client.get(reverse("networks:feed_atom", args=[brand_a.slug]))

    assert answer["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}").text, f"feed without {required}"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Brand A"
    (entry,) = root.findall(f"{ATOM}entry")
    for required in ("id", "title", "updated"):
        assert entry.find(f"{ATOM}{required}").text, f"entry without {required}"
    assert entry.find(f"{ATOM}title").text == "Opening hours <changed>"
    assert entry.find(f"{ATOM}link").get("href") == result.url
    summary = entry.find(f"{ATOM}summary").text
    assert "Opening hours &lt;changed&gt;" in summary and 'alt="A cat"' in summary


def test_the_public_page_shows_the_entry_the_result_points_at(client, feed, brand_a):
    result = feed.adapter().publish(text="Bonjour à tous 🎉", media=[], key=uuid.uuid4().hex)
    page = client.get(reverse("networks:feed_page", args=[brand_a.slug])).content.decode()
    anchor = result.url.rsplit("#", 1)[1]
    assert f'id="{anchor}"' in page and "Bonjour à tous 🎉" in page
    assert result.url.startswith("http") and "/feeds/brand-a/#entry-" in result.url


def test_a_brand_without_a_web_feed_has_no_public_page(client, brand_a):
    assert client.get(reverse("networks:feed_page", args=[brand_a.slug])).status_code == 404
    assert client.get(reverse("networks:feed_atom", args=[brand_a.slug])).status_code == 404


def test_a_brand_has_one_web_feed(feed, brand_a, owner):
    with pytest.raises(ConnectError):
        services.account_connect(brand=brand_a, user=owner, network="webfeed", data={"title": "Again"})


def test_the_web_feed_can_be_reconnected(feed, owner):
    services.account_reconnect(account=feed, user=owner, data={"title": "New title"})
    feed.refresh_from_db()
    assert feed.display_name == "New title"
