"""Discord against a local webhook endpoint: connecting by URL, text, attachments, ?wait=true,
and Discord's error shapes (Unknown Webhook, Invalid Form Body, retry_after)."""

import pytest
from django.urls import reverse

from networks import services
from networks.base import ConnectError, ErrorKind, PublishError
from networks.models import NetworkAccount
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.samples import image_file
from tests.networks.servers.discord import DiscordServer


@pytest.fixture
def discord(settings):
    with DiscordServer() as server:
        settings.DISCORD_API_URL = server.api_url
        yield server


@pytest.fixture
def account(discord, brand_a, owner):
    return services.account_connect(
        brand=brand_a, user=owner, network="discord", data={"webhook_url": discord.webhook_url}
    )


class TestDiscordContract(AdapterContract):
    network = "discord"

    @pytest.fixture
    def contract(self, discord, account):
        return ContractSetup(
            account=account,
            published_count=lambda: len(discord.messages),
            failures={
                ErrorKind.RETRY: discord.rate_limit,
                ErrorKind.RECONNECT: lambda: discord.fail_next(404, path="/api/webhooks"),
                ErrorKind.REJECTED: lambda: discord.fail_next(400, path="/api/webhooks"),
                ErrorKind.UNKNOWN: lambda: discord.drop_next(path="/api/webhooks", method="POST"),
            },
            secrets=[discord.token],
        )


def test_owner_connects_a_webhook_from_the_networks_page(client, owner, brand_a, discord):
    client.force_login(owner)
    answer = client.post(
        reverse("networks:connect", args=[brand_a.slug, "discord"]), {"webhook_url": discord.webhook_url}
    )
    assert answer.status_code == 302
    account = NetworkAccount.objects.get(brand=brand_a, network="discord")
    assert account.display_name == "Desk announcements"
    assert account.credentials == {"webhook_token": discord.token}
    assert account.config["guild_id"] == discord.webhook["guild_id"]


def test_a_url_that_is_not_a_discord_webhook_is_refused_without_a_request(brand_a, owner, discord):
    for url in ("https://evil.example/api/webhooks/1/abc", f"{discord.url}/api/channels/1/messages"):
        with pytest.raises(ConnectError) as caught:
            services.account_connect(brand=brand_a, user=owner, network="discord", data={"webhook_url": url})
        assert caught.value.field == "webhook_url"
    assert discord.requests == []


def test_a_deleted_webhook_is_refused_at_connect(brand_a, owner, discord):
    discord.delete_webhook()
    with pytest.raises(ConnectError) as caught:
        services.account_connect(
            brand=brand_a, user=owner, network="discord", data={"webhook_url": discord.webhook_url}
        )
    assert "Unknown Webhook" in caught.value.message and discord.token not in caught.value.message


def test_text_waits_for_the_message_id_and_never_pings_everyone(account, discord):
    result = account.adapter().publish(text="@everyone nouveau billet", media=[], key="k")
    request = discord.requests_to("POST", "/api/webhooks")[0]
    assert request.query == {"wait": "true"}
    assert request.json["allowed_mentions"] == {"parse": []}
    assert result.remote_id == discord.messages[0]["id"]
    assert (
        result.url
        == f"https://discord.com/channels/{discord.webhook['guild_id']}/{discord.webhook['channel_id']}/{result.remote_id}"
    )


def test_images_go_as_multipart_attachments_with_their_alt_text(account, discord, tmp_path):
    photos = [image_file(tmp_path, f"p{i}.png") for i in range(3)]
    account.adapter().publish(text="Trois photos", media=photos, key="k")
    message = discord.messages[0]
    assert message["content"] == "Trois photos"
    assert [a["filename"] for a in message["attachments"]] == ["p0.png", "p1.png", "p2.png"]
    assert message["attachments"][1]["description"] == "Alt of p1.png"
    assert message["attachments"][0]["size"] == photos[0].size


def test_rate_limit_uses_discords_retry_after(account, discord):
    discord.rate_limit(retry_after=2.5)
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hi", media=[], key="k")
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 2.5


def test_too_long_content_is_rejected_with_discords_words(account, discord):
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="x" * 2001, media=[], key="k")
    assert caught.value.kind == ErrorKind.REJECTED and "Invalid Form Body" in caught.value.message
    assert [p.code for p in account.adapter().validate("x" * 2001, [])] == ["text_too_long"]


def test_a_deleted_webhook_asks_to_reconnect(account, discord, owner):
    discord.delete_webhook()
    with pytest.raises(PublishError) as caught:
        services.account_check(account=account, user=owner)
    assert caught.value.kind == ErrorKind.RECONNECT and "Unknown Webhook" in caught.value.message
