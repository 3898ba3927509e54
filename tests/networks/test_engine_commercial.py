"""A post with text and two images goes out on each commercial network through the publishing
engine's own path (dispatcher claim, target_publish, media from the brand's library), against
the local servers; and an error reaches the target in the network's words."""

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from networks import services as network_services
from networks.base import Connection
from posts.media import media_upload
from posts.models import PostMedia, PostTarget, TargetState
from publishing import dispatcher, engine
from tests.networks.oauth_helpers import oauth_data
from tests.networks.servers.discord import DiscordServer
from tests.networks.servers.graph import GraphServer, ThreadsServer
from tests.networks.servers.linkedin import LinkedInServer
from tests.networks.servers.telegram import TelegramServer
from tests.networks.servers.x import XServer
from tests.publishing.conftest import approved_post


@dataclass
class Network:
    account: object
    images_received: Callable[[], int]  # images the network holds in its latest post
    server: object


def _png(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (1000, 1000), (10, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _oauth(brand, owner, network, **fields):
    return network_services.account_connect(
        brand=brand, user=owner, network=network, data=oauth_data(Connection(**fields))
    )


def telegram(settings, brand, owner, stack):
    server = stack(TelegramServer())
    settings.TELEGRAM_API_URL = server.url
    account = network_services.account_connect(
        brand=brand, user=owner, network="telegram", data={"bot_token": server.token, "chat": "@deskchannel"}
    )
    return Network(account, lambda: sum(1 for m in server.messages if "photo" in m), server)


def discord(settings, brand, owner, stack):
    server = stack(DiscordServer())
    settings.DISCORD_API_URL = server.api_url
    account = network_services.account_connect(
        brand=brand, user=owner, network="discord", data={"webhook_url": server.webhook_url}
    )
    return Network(account, lambda: len(server.messages[-1]["attachments"]), server)


def x(settings, brand, owner, stack):
    from networks.x.adapter import _tokens_from

    server = stack(XServer(client_id="c", client_secret="s"))
    settings.X_CLIENT_ID, settings.X_CLIENT_SECRET, settings.X_API_URL = "c", "s", server.url
    account = _oauth(
        brand,
        owner,
        "x",
        display_name="Desk",
        handle="@thedesk",
        credentials=_tokens_from(server.issue_tokens()),
        config={"user_id": "1", "username": "thedesk"},
    )
    return Network(account, lambda: len(server.tweets[-1]["media_ids"]), server)


def linkedin(settings, brand, owner, stack):
    server = stack(LinkedInServer(client_id="c", client_secret="s"))
    settings.LINKEDIN_CLIENT_ID, settings.LINKEDIN_CLIENT_SECRET, settings.LINKEDIN_API_URL = "c", "s", server.url
    account = _oauth(
        brand,
        owner,
        "linkedin",
        display_name="Desk Corp",
        handle="urn:li:organization:2414183",
        credentials={"access_token": server.issue_token()["access_token"]},
        config={"author": "urn:li:organization:2414183"},
    )
    return Network(account, lambda: len(server.posts[-1]["images"]), server)


def facebook(settings, brand, owner, stack):
    server = stack(GraphServer(app_id="a", app_secret="b"))
    settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET, settings.GRAPH_API_URL = "a", "b", server.api_url
    page = server.page("Desk Café")
    account = _oauth(
        brand,
        owner,
        "facebook",
        display_name=page["name"],
        handle=page["id"],
        credentials={"page_token": page["access_token"]},
        config={"page_id": page["id"]},
    )
    return Network(account, lambda: len(server.posts[-1]["photos"]), server)


def instagram(settings, brand, owner, stack):
    server = stack(GraphServer(app_id="a", app_secret="b"))
    settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET, settings.GRAPH_API_URL = "a", "b", server.api_url
    server.container_polls = 0
    page = server.page("Desk Café")
    ig = page["instagram_business_account"]
    account = _oauth(
        brand,
        owner,
        "instagram",
        display_name="@deskcafe",
        handle="@deskcafe",
        credentials={"page_token": page["access_token"]},
        config={"ig_user_id": ig["id"], "page_id": page["id"], "username": "deskcafe"},
    )
    return Network(account, lambda: len(server.ig_media[-1]["image_urls"]), server)


def threads(settings, brand, owner, stack):
    server = stack(ThreadsServer(app_id="a", app_secret="b"))
    settings.THREADS_APP_ID, settings.THREADS_APP_SECRET, settings.THREADS_API_URL = "a", "b", server.api_url
    server.container_polls = 0
    account = _oauth(
        brand,
        owner,
        "threads",
        display_name="Desk",
        handle="@desk.threads",
        credentials={"access_token": server.long_lived_token()},
        config={"user_id": server.user["id"], "username": "desk.threads"},
    )
    return Network(account, lambda: len(server.threads[-1]["images"]), server)


NETWORKS = [telegram, discord, x, linkedin, facebook, instagram, threads]


@pytest.fixture
def stack():
    started = []

    def start(server):
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = "https://desk.example.com"  # Meta downloads media from the site's address


@pytest.mark.parametrize("make", NETWORKS, ids=lambda make: make.__name__)
def test_a_post_with_text_and_two_images_goes_out_through_the_engine(make, settings, brand_a, owner, stack):
    network = make(settings, brand_a, owner, stack)
    post = approved_post(brand_a, [network.account], text="Nouvelle carte de saison")
    for position, name in enumerate(["entree.png", "dessert.png"]):
        media = media_upload(brand=brand_a, user=owner, upload=_png(name), alt_text=f"Photo {name}")
        PostMedia.objects.create(post=post, media=media, position=position)

    dispatcher.dispatch_due()
    target = PostTarget.objects.get(post=post)
    outcome = engine.target_publish(target_id=target.pk, claim=target.claim_id)

    target.refresh_from_db()
    assert outcome == TargetState.PUBLISHED, target.last_error
    assert target.remote_id and target.remote_url.startswith("https://")
    assert network.images_received() == 2


def test_a_refusal_reaches_the_target_in_the_networks_words(settings, brand_a, owner, stack):
    network = x(settings, brand_a, owner, stack)
    network.server.fail_next(403, path="/2/tweets")
    post = approved_post(brand_a, [network.account], text="Déjà publié")
    dispatcher.dispatch_due()
    target = PostTarget.objects.get(post=post)
    engine.target_publish(target_id=target.pk, claim=target.claim_id)
    target.refresh_from_db()
    assert target.state == TargetState.FAILED
    assert "You are not allowed to create a Tweet with duplicate content." in target.last_error
