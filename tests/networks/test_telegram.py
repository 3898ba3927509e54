"""Telegram against a local Bot API: connecting (bot admin checked), text, photo, album,
HTML escaping, UTF-16 limits and the Bot API's error shapes."""

import uuid

import pytest
from django.urls import reverse

from networks import services
from networks.base import ConnectError, ErrorKind, PublishError
from networks.models import NetworkAccount
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.samples import image_file
from tests.networks.servers.telegram import TelegramServer


@pytest.fixture
def telegram(settings):
    with TelegramServer() as server:
        settings.TELEGRAM_API_URL = server.url
        yield server


@pytest.fixture
def account(telegram, brand_a, owner):
    return services.account_connect(
        brand=brand_a, user=owner, network="telegram", data={"bot_token": telegram.token, "chat": "@deskchannel"}
    )


class TestTelegramContract(AdapterContract):
    network = "telegram"

    @pytest.fixture
    def contract(self, telegram, account):
        return ContractSetup(
            account=account,
            published_count=lambda: len(telegram.messages),
            failures={
                ErrorKind.RETRY: telegram.rate_limit,
                ErrorKind.RECONNECT: telegram.kick_bot,
                ErrorKind.REJECTED: lambda: telegram.fail_next(400, path=f"/bot{telegram.token}/send"),
                ErrorKind.UNKNOWN: lambda: telegram.drop_next(path=f"/bot{telegram.token}/sendMessage"),
            },
            secrets=[telegram.token],
        )


def _connect_page(client, brand, **data):
    return client.post(reverse("networks:connect", args=[brand.slug, "telegram"]), data)


def test_owner_connects_a_channel_from_the_networks_page(client, owner, brand_a, telegram):
    client.force_login(owner)
    answer = _connect_page(client, brand_a, bot_token=telegram.token, chat="https://t.me/deskchannel")
    assert answer.status_code == 302
    account = NetworkAccount.objects.get(brand=brand_a, network="telegram")
    assert account.display_name == "Desk news" and account.handle == "@deskchannel"
    assert account.config["chat_id"] == telegram.channel["id"]
    assert account.credentials == {"bot_token": telegram.token}
    assert [r.route.rsplit("/", 1)[1] for r in telegram.requests] == ["getMe", "getChat", "getChatMember"]


def test_a_bot_that_is_not_admin_is_refused_with_the_reason(client, owner, brand_a, telegram):
    telegram.bot_is_admin = False
    client.force_login(owner)
    page = _connect_page(client, brand_a, bot_token=telegram.token, chat="@deskchannel").content.decode()
    assert "@desk_bot is not an administrator allowed to post in Desk news" in page
    assert telegram.token not in page
    assert not NetworkAccount.objects.exists()


def test_a_wrong_token_and_an_unknown_channel_are_refused_on_their_field(brand_a, owner, telegram):
    with pytest.raises(ConnectError) as wrong_token:
        services.account_connect(
            brand=brand_a, user=owner, network="telegram", data={"bot_token": "1:nope", "chat": "@deskchannel"}
        )
    assert wrong_token.value.field == "bot_token"
    with pytest.raises(ConnectError) as unknown:
        services.account_connect(
            brand=brand_a, user=owner, network="telegram", data={"bot_token": telegram.token, "chat": "@elsewhere"}
        )
    assert unknown.value.field == "chat" and "chat not found" in unknown.value.message
    assert not NetworkAccount.objects.exists()


def test_text_goes_as_html_with_the_users_brackets_escaped(account, telegram):
    text = "Prix <b> & 5 > 3 — https://example.com/?a=1&b=2"
    result = account.adapter().publish(text=text, media=[], key=uuid.uuid4().hex)
    sent = telegram.requests_to("POST", f"/bot{telegram.token}/sendMessage")[0].form
    assert sent["parse_mode"] == "HTML" and "&lt;b&gt; &amp; 5 &gt; 3" in sent["text"]
    assert telegram.messages[0]["text"] == text  # what readers see is what was typed
    assert result.url == f"https://t.me/deskchannel/{result.remote_id}"


def test_one_photo_goes_with_sendphoto_and_its_caption(account, telegram, tmp_path):
    photo = image_file(tmp_path, "one.png")
    account.adapter().publish(text="Caption", media=[photo], key="k")
    request = telegram.requests_to("POST", f"/bot{telegram.token}/sendPhoto")[0]
    fields = request.params()
    assert fields["caption"] == "Caption" and fields["photo"][0] == photo.read()
    assert telegram.messages[0]["caption"] == "Caption"


def test_several_photos_go_as_one_album_with_the_caption_on_the_first(account, telegram, tmp_path):
    photos = [image_file(tmp_path, f"p{i}.jpg") for i in range(3)]
    result = account.adapter().publish(text="Album", media=photos, key="k")
    assert len(telegram.requests_to("POST", f"/bot{telegram.token}/sendMediaGroup")) == 1
    assert [m.get("caption") for m in telegram.messages] == ["Album", None, None]
    assert len(telegram.messages) == 3 and result.remote_id == "1"


def test_limits_are_counted_in_utf16_and_the_caption_limit_applies_with_media(account, tmp_path):
    adapter = account.adapter()
    emoji_text = "😀" * 2048  # 2048 code points, 4096 UTF-16 units
    assert adapter.validate(emoji_text, []) == []
    assert [p.code for p in adapter.validate(emoji_text + "a", [])] == ["text_too_long"]
    problems = adapter.validate("a" * 1025, [image_file(tmp_path, "c.png")])
    assert [p.code for p in problems] == ["text_too_long"] and "1024" in problems[0].message
    # The browser's counter is told the same limit.
    assert adapter.get_limits().as_json()["max_chars_with_media"] == 1024


def test_rate_limit_carries_telegrams_retry_after(account, telegram):
    telegram.rate_limit(retry_after=42)
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hi", media=[], key="k")
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 42
    assert "Too Many Requests" in caught.value.message


def test_a_revoked_token_asks_to_reconnect_and_check_says_so(account, telegram, owner):
    telegram.revoke()
    with pytest.raises(PublishError) as caught:
        services.account_check(account=account, user=owner)
    assert caught.value.kind == ErrorKind.RECONNECT and "Unauthorized" in caught.value.message
    account.refresh_from_db()
    assert account.status == "needs_reconnect"


def test_a_bot_demoted_after_connecting_fails_the_check(account, telegram):
    telegram.bot_is_admin = False
    with pytest.raises(PublishError) as caught:
        account.adapter().check_connection()
    assert caught.value.kind == ErrorKind.RECONNECT and "no longer an administrator" in caught.value.message
