"""Instagram against a local Graph API: Facebook Login to the professional account, containers
polled until FINISHED, single image and carousel, JPEG conversion, the public-URL rule, the
caption/hashtag/aspect-ratio limits and the 24-hour publishing limit."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from networks import services
from networks.base import Connection, ErrorKind, PublishError
from networks.models import NetworkAccount
from posts.media import media_files_for, media_upload
from tests.networks.contract import AdapterContract, ContractSetup, _text_counting_exactly
from tests.networks.oauth_helpers import follow_consent, oauth_data
from tests.networks.samples import image_file
from tests.networks.servers.graph import GraphServer

SITE = "https://desk.example.com"


@pytest.fixture
def graph(settings):
    with GraphServer(app_id="fb-app", app_secret="fb-secret-value") as server:
        settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = server.app_id, server.app_secret
        settings.GRAPH_API_URL = server.api_url
        settings.FACEBOOK_DIALOG_URL = server.dialog_url
        settings.SITE_URL = SITE
        yield server


@pytest.fixture
def account(graph, brand_a, owner):
    page = graph.page("Desk Café")
    ig = page["instagram_business_account"]
    connection = Connection(
        display_name="@deskcafe",
        handle="@deskcafe",
        credentials={"page_token": page["access_token"]},
        config={"ig_user_id": ig["id"], "page_id": page["id"], "username": "deskcafe"},
    )
    account = services.account_connect(brand=brand_a, user=owner, network="instagram", data=oauth_data(connection))
    return account


@pytest.fixture
def adapter(account):
    adapter = account.adapter()
    adapter.poll_interval = 0.01
    return adapter


@pytest.fixture
def jpeg(tmp_path):
    return image_file(tmp_path, "square.jpg", public_base=SITE)


class TestInstagramContract(AdapterContract):
    """Instagram takes no post without an image: the contract's text-only checks are run with an
    image, its text-only publish must be refused, and publishing is covered by the tests below."""

    network = "instagram"

    @pytest.fixture
    def contract(self, graph, account):
        return ContractSetup(
            account=account,
            published_count=lambda: len(graph.ig_media),
            secrets=[graph.page("Desk Café")["access_token"]],
        )

    def test_validate_accepts_a_text_at_the_limit_counted_by_the_declared_method(self, adapter, jpeg):
        limits = adapter.get_limits()
        assert adapter.validate(_text_counting_exactly(limits.max_chars, limits), [jpeg]) == []

    def test_validate_refuses_one_character_more_and_names_the_network(self, adapter, jpeg):
        limits = adapter.get_limits()
        problems = adapter.validate(_text_counting_exactly(limits.max_chars + 1, limits), [jpeg])
        assert [p.code for p in problems] == ["text_too_long"] and "Instagram" in problems[0].message

    def test_publish_returns_the_remote_id_and_a_public_url(self, adapter, contract):
        with pytest.raises(PublishError) as caught:
            adapter.publish(text="Text only", media=[], key="k")
        assert caught.value.kind == ErrorKind.REJECTED and "needs an image" in caught.value.message


def test_login_offers_only_pages_with_a_professional_account(client, owner, brand_a, graph):
    client.force_login(owner)
    started = client.post(reverse("networks:instagram_start", args=[brand_a.slug]))
    assert "instagram_content_publish" in started["Location"]
    answer = client.get(follow_consent(started["Location"]))
    assert answer["Location"] == reverse("networks:list", args=[brand_a.slug])  # one account: connected at once
    account = NetworkAccount.objects.get(brand=brand_a, network="instagram")
    assert account.handle == "@deskcafe" and account.config["ig_user_id"] == "17841400000000001"
    assert account.credentials == {"page_token": graph.page("Desk Café")["access_token"]}


def test_one_image_container_is_polled_then_published(adapter, graph, jpeg):
    result = adapter.publish(text="Bonjour #café", media=[jpeg], key="k")
    assert graph.ig_media[0]["image_urls"] == [jpeg.public_url]
    assert graph.ig_media[0]["caption"] == "Bonjour #café"
    assert len(graph.requests_to("GET", "/v21.0/17900000000000001")) == 2  # IN_PROGRESS, then FINISHED
    assert result.url == f"https://www.instagram.com/p/{graph.ig_media[0]['shortcode']}/"


def test_a_carousel_has_one_container_per_image_then_one_for_the_set(adapter, graph, tmp_path):
    photos = [image_file(tmp_path, f"p{i}.jpg", public_base=SITE) for i in range(3)]
    adapter.publish(text="Trois", media=photos, key="k")
    creations = [r.params() for r in graph.requests if r.route == "/v21.0/17841400000000001/media"]
    assert [c.get("is_carousel_item") for c in creations] == ["true", "true", "true", None]
    assert creations[-1]["media_type"] == "CAROUSEL" and len(creations[-1]["children"].split(",")) == 3
    assert len(graph.ig_media) == 1 and len(graph.ig_media[0]["image_urls"]) == 3


def test_a_png_is_converted_to_a_jpeg_served_on_the_site(adapter, graph, brand_a, owner, client):
    png = Image.new("RGB", (800, 800), (200, 40, 90))
    buffer = io.BytesIO()
    png.save(buffer, "PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    media = media_upload(brand=brand_a, user=owner, upload=upload)
    adapter.publish(text="Logo", media=media_files_for(adapter.get_limits(), [media]), key="k")
    url = graph.ig_media[0]["image_urls"][0]
    # A stored variant of the media (random name, a row vouching for its type): never a file the
    # adapter writes itself.
    assert url.startswith(f"{SITE}/media/variants/") and url.endswith(".jpg")
    stored = url.removeprefix(f"{SITE}/media/")
    with default_storage.open(stored) as handle, Image.open(io.BytesIO(handle.read())) as image:
        assert image.format == "JPEG" and image.size == (800, 800)
    assert client.get(f"/media/{stored}")["Content-Type"] == "image/jpeg"  # what Meta downloads


def test_a_site_that_is_not_public_cannot_publish_and_says_why(adapter, graph, jpeg, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    problems = adapter.validate("Hi", [jpeg])
    assert [p.code for p in problems] == ["site_not_public"]
    assert "http://127.0.0.1:8000 is not reachable from the internet" in problems[0].message
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[jpeg], key="k")
    assert caught.value.kind == ErrorKind.REJECTED
    assert graph.requests == []


def test_caption_hashtags_and_aspect_ratio_are_validated(adapter, tmp_path):
    square = image_file(tmp_path, "ok.jpg", public_base=SITE)
    assert adapter.validate("x" * 2200, [square]) == []
    assert [p.code for p in adapter.validate("x" * 2201, [square])] == ["text_too_long"]
    tags = " ".join(f"#t{i}" for i in range(31))
    assert [p.code for p in adapter.validate(tags, [square])] == ["too_many_hashtags"]
    tall = image_file(tmp_path, "tall.jpg", size=(400, 800), public_base=SITE)
    wide = image_file(tmp_path, "wide.jpg", size=(2000, 1000), public_base=SITE)
    portrait = image_file(tmp_path, "portrait.jpg", size=(800, 1000), public_base=SITE)
    assert [p.code for p in adapter.validate("Hi", [tall])] == ["aspect_ratio"]
    assert [p.code for p in adapter.validate("Hi", [wide])] == ["aspect_ratio"]
    assert adapter.validate("Hi", [portrait]) == []
    assert [p.code for p in adapter.validate("Hi", [])] == ["media_required"]


def test_the_24_hour_limit_is_read_and_respected(adapter, graph, jpeg):
    graph.quota_usage = 50
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[jpeg], key="k")
    assert caught.value.kind == ErrorKind.RETRY and "50 posts in 24 hours" in caught.value.message
    assert graph.requests_to("POST", "/v21.0/17841400000000001/media") == []


def test_a_container_in_error_is_rejected_with_metas_reason(adapter, graph, jpeg):
    graph.container_status = "ERROR"
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[jpeg], key="k")
    assert caught.value.kind == ErrorKind.REJECTED and "could not be fetched" in caught.value.message
    assert graph.ig_media == []


def test_an_expired_container_is_tried_again_later_and_nothing_is_published(adapter, graph, jpeg):
    graph.container_status = "EXPIRED"
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[jpeg], key="k")
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 60
    assert "did not finish preparing the post in time" in caught.value.message
    assert graph.requests_to("POST", "/v21.0/17841400000000001/media_publish") == []


def test_an_expired_token_asks_to_reconnect(adapter, graph, jpeg):
    graph.expire_tokens()
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[jpeg], key="k")
    assert caught.value.kind == ErrorKind.RECONNECT and "Session has expired" in caught.value.message


def test_no_answer_to_media_publish_is_an_unknown_outcome(adapter, graph, jpeg):
    graph.drop_next(path="/v21.0/17841400000000001/media_publish")
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[jpeg], key="k")
    assert caught.value.kind == ErrorKind.UNKNOWN and "may or may not be published" in caught.value.message


def test_throttling_is_a_retry_in_metas_words(adapter, graph, jpeg):
    graph.throttle()
    with pytest.raises(PublishError) as caught:
        adapter.publish(text="Hi", media=[jpeg], key="k")
    assert caught.value.kind == ErrorKind.RETRY and "Page request limit reached" in caught.value.message


def test_the_networks_page_says_why_instagram_cannot_publish_from_a_local_site(
    account, client, owner, brand_a, settings
):
    client.force_login(owner)
    assert "setup-problem" not in client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    settings.SITE_URL = "http://192.168.1.20:8000"
    page = client.get(reverse("networks:list", args=[brand_a.slug])).content.decode()
    assert "http://192.168.1.20:8000 is not reachable from the internet" in page
