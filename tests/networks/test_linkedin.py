"""LinkedIn against a local OAuth + Posts API: member and organization authors, image upload,
little-text escaping, version headers, 60-day expiry and LinkedIn's error documents."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from networks import services
from networks.base import Connection, ErrorKind, PublishError
from networks.linkedin.adapter import escape_commentary
from networks.models import NetworkAccount
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.oauth_helpers import follow_consent, messages_of, oauth_data
from tests.networks.samples import image_file
from tests.networks.servers.linkedin import LinkedInServer


@pytest.fixture
def linkedin(settings):
    with LinkedInServer(client_id="li-client", client_secret="li-secret-value") as server:
        settings.LINKEDIN_CLIENT_ID, settings.LINKEDIN_CLIENT_SECRET = server.client_id, server.client_secret
        settings.LINKEDIN_API_URL = server.url
        settings.LINKEDIN_OAUTH_URL = f"{server.url}/oauth/v2"
        yield server


def _account(linkedin, brand, user, author: str, name: str) -> NetworkAccount:
    connection = Connection(
        display_name=name,
        handle=author,
        credentials={"access_token": linkedin.issue_token()["access_token"]},
        config={"author": author},
        token_expires_at=timezone.now() + timedelta(days=60),
    )
    return services.account_connect(brand=brand, user=user, network="linkedin", data=oauth_data(connection))


@pytest.fixture
def member(linkedin, brand_a, owner):
    return _account(linkedin, brand_a, owner, "urn:li:person:782bbtaQ", "Camille Martin")


@pytest.fixture
def organization(linkedin, brand_a, owner):
    return _account(linkedin, brand_a, owner, "urn:li:organization:2414183", "Desk Corp")


class TestLinkedInContract(AdapterContract):
    network = "linkedin"

    @pytest.fixture
    def contract(self, linkedin, organization):
        return ContractSetup(
            account=organization,
            published_count=lambda: len(linkedin.posts),
            failures={
                ErrorKind.REJECTED: lambda: linkedin.fail_next(422, path="/rest/posts"),
                ErrorKind.RETRY: lambda: linkedin.fail_next(429, path="/rest/posts"),
                ErrorKind.UNKNOWN: lambda: linkedin.drop_next(path="/rest/posts"),
                ErrorKind.RECONNECT: linkedin.expire_tokens,
            },
            secrets=[organization.credentials["access_token"], "li-secret-value"],
        )


def _start(client, brand, **data):
    return client.post(reverse("networks:linkedin_start", args=[brand.slug]), data)


def test_sign_in_offers_the_member_and_their_pages_and_connects_the_chosen_ones(client, owner, brand_a, linkedin):
    client.force_login(owner)
    started = _start(client, brand_a)
    picked = client.get(follow_consent(started["Location"]))
    assert picked["Location"] == reverse("networks:oauth_pick", args=[brand_a.slug, "linkedin"])
    page = client.get(picked["Location"]).content.decode()
    assert "Camille Martin" in page and "Desk Corp" in page
    assert "access_token" not in page

    answer = client.post(picked["Location"], {"accounts": ["1"]})  # the organization only

    assert answer["Location"] == reverse("networks:list", args=[brand_a.slug])
    account = NetworkAccount.objects.get(brand=brand_a, network="linkedin")
    assert account.display_name == "Desk Corp" and account.config["author"] == "urn:li:organization:2414183"
    assert timedelta(days=59) < account.token_expires_at - timezone.now() <= timedelta(days=60)
    token = linkedin.requests_to("POST", "/oauth/v2/accessToken")[0].form
    assert token["client_secret"] == "li-secret-value" and token["grant_type"] == "authorization_code"
    assert account.adapter().check_connection() == "Desk Corp"


def test_a_forged_state_is_refused_and_nothing_is_exchanged(client, owner, brand_a, linkedin):
    client.force_login(owner)
    forged = follow_consent(_start(client, brand_a)["Location"]).replace("state=", "state=x")
    answer = client.get(forged)
    assert "does not match a connection you started" in messages_of(answer)[0]
    assert linkedin.requests_to("POST", "/oauth/v2/accessToken") == []


def test_a_pick_page_without_a_sign_in_sends_back_to_the_networks_page(client, owner, brand_a, linkedin):
    client.force_login(owner)
    answer = client.get(reverse("networks:oauth_pick", args=[brand_a.slug, "linkedin"]))
    assert answer["Location"] == reverse("networks:list", args=[brand_a.slug])


def test_reserved_characters_are_escaped_so_the_whole_text_shows(member, linkedin):
    text = "Offre (limitée) : 50 % <today> ~ a_b *vrai* [lien] @desk | {x} \\ #Lancement"
    result = member.adapter().publish(text=text, media=[], key="k")
    post = linkedin.posts[0]
    assert post["shown"] == text
    assert "{hashtag|\\#|Lancement}" in post["commentary"]
    assert result.remote_id == post["urn"]
    assert result.url == f"https://www.linkedin.com/feed/update/{post['urn']}/"
    request = linkedin.requests_to("POST", "/rest/posts")[0]
    assert request.header("X-Restli-Protocol-Version") == "2.0.0" and request.header("Linkedin-Version") == "202411"
    assert request.json["author"] == "urn:li:person:782bbtaQ"


def test_escape_keeps_an_unescaped_hashtag_out_of_words():
    assert escape_commentary("a#b") == "a\\#b"


def test_one_image_is_initialized_then_put_then_attached(organization, linkedin, tmp_path):
    photo = image_file(tmp_path, "one.png")
    organization.adapter().publish(text="Photo", media=[photo], key="k")
    init = linkedin.requests_to("POST", "/rest/images")[0]
    assert init.json == {"initializeUploadRequest": {"owner": "urn:li:organization:2414183"}}
    put = linkedin.requests_to("PUT", "/upload/")[0]
    assert put.body == photo.read()
    assert linkedin.posts[0]["images"][0]["altText"] == "Alt of one.png"


def test_several_images_go_as_multi_image(organization, linkedin, tmp_path):
    photos = [image_file(tmp_path, f"p{i}.jpg") for i in range(3)]
    organization.adapter().publish(text="Trois", media=photos, key="k")
    assert len(linkedin.posts[0]["images"]) == 3
    assert "multiImage" in linkedin.requests_to("POST", "/rest/posts")[0].json["content"]


def test_a_duplicate_is_rejected_with_linkedins_message(member, linkedin):
    member.adapter().publish(text="Same", media=[], key="k1")
    with pytest.raises(PublishError) as caught:
        member.adapter().publish(text="Same", media=[], key="k2")
    assert caught.value.kind == ErrorKind.REJECTED and "duplicate" in caught.value.message


def test_an_expired_token_asks_to_reconnect_in_linkedins_words(member, linkedin, owner):
    linkedin.expire_tokens()
    with pytest.raises(PublishError) as caught:
        services.account_check(account=member, user=owner)
    assert caught.value.kind == ErrorKind.RECONNECT and "has expired" in caught.value.message


def test_lost_page_rights_ask_to_reconnect(organization, linkedin):
    linkedin.fail_next(403, path="/rest/posts")
    with pytest.raises(PublishError) as caught:
        organization.adapter().publish(text="Hi", media=[], key="k")
    assert caught.value.kind == ErrorKind.RECONNECT and "Not enough permissions" in caught.value.message


def test_text_is_counted_in_utf16_against_3000(member):
    adapter = member.adapter()
    assert adapter.validate("😀" * 1500, []) == []
    assert [p.code for p in adapter.validate("😀" * 1500 + "a", [])] == ["text_too_long"]
