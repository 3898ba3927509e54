"""Facebook Pages against a local Graph API: Facebook Login choosing pages (page tokens kept),
text, link, one photo, several photos, and Graph error codes."""

import json

import pytest
from django.urls import reverse

from networks import services
from networks.base import Connection, ErrorKind, PublishError
from networks.models import NetworkAccount
from tests.networks.contract import AdapterContract, ContractSetup
from tests.networks.oauth_helpers import follow_consent, messages_of, oauth_data
from tests.networks.samples import image_file
from tests.networks.servers.graph import GraphServer, graph_error


@pytest.fixture
def graph(settings):
    with GraphServer(app_id="fb-app", app_secret="fb-secret-value") as server:
        settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = server.app_id, server.app_secret
        settings.GRAPH_API_URL = server.api_url
        settings.FACEBOOK_DIALOG_URL = server.dialog_url
        yield server


@pytest.fixture
def account(graph, brand_a, owner):
    page = graph.page("Desk Café")
    connection = Connection(
        display_name=page["name"],
        handle=page["id"],
        credentials={"page_token": page["access_token"]},
        config={"page_id": page["id"]},
    )
    return services.account_connect(brand=brand_a, user=owner, network="facebook", data=oauth_data(connection))


class TestFacebookContract(AdapterContract):
    network = "facebook"

    @pytest.fixture
    def contract(self, graph, account):
        return ContractSetup(
            account=account,
            published_count=lambda: len(graph.posts),
            failures={
                ErrorKind.REJECTED: lambda: graph.fail_next(400, path="/v21.0/", method="POST"),
                ErrorKind.RETRY: graph.throttle,
                ErrorKind.UNKNOWN: lambda: graph.drop_next(path="/v21.0/", method="POST"),
                ErrorKind.RECONNECT: graph.expire_tokens,
            },
            secrets=[graph.page("Desk Café")["access_token"], "fb-secret-value"],
        )


def test_login_lists_the_pages_and_connects_the_chosen_ones_with_their_page_tokens(client, owner, brand_a, graph):
    client.force_login(owner)
    started = client.post(reverse("networks:facebook_start", args=[brand_a.slug]))
    assert "pages_manage_posts" in started["Location"]
    pick_url = client.get(follow_consent(started["Location"]))["Location"]
    page = client.get(pick_url).content.decode()
    assert "Desk Café" in page and "Desk Shop" in page

    client.post(pick_url, {"accounts": ["0", "1"]})

    accounts = {a.display_name: a for a in NetworkAccount.objects.filter(brand=brand_a, network="facebook")}
    assert set(accounts) == {"Desk Café", "Desk Shop"}
    assert accounts["Desk Shop"].credentials == {"page_token": graph.page("Desk Shop")["access_token"]}
    exchange = [r.query for r in graph.requests_to("GET", "/v21.0/oauth/access_token")]
    assert exchange[0]["code"] and exchange[1]["grant_type"] == "fb_exchange_token"  # long-lived before /me/accounts
    assert accounts["Desk Café"].adapter().check_connection() == "Desk Café"


def test_a_forged_state_is_refused(client, owner, brand_a, graph):
    client.force_login(owner)
    forged = follow_consent(client.post(reverse("networks:facebook_start", args=[brand_a.slug]))["Location"])
    answer = client.get(forged.replace("state=", "state=zz"))
    assert "does not match a connection you started" in messages_of(answer)[0]
    assert graph.requests_to("GET", "/v21.0/oauth/access_token") == []


def test_a_denied_login_says_so(client, owner, brand_a, graph):
    graph.dialog.auto_approve = False
    client.force_login(owner)
    answer = client.get(
        follow_consent(client.post(reverse("networks:facebook_start", args=[brand_a.slug]))["Location"])
    )
    assert messages_of(answer) == ["Facebook did not authorize the connection."]


def test_text_with_a_link_goes_to_the_feed_with_the_link(account, graph):
    result = account.adapter().publish(text="Notre carte : https://desk.example/menu", media=[], key="k")
    post = graph.posts[0]
    assert post["message"] == "Notre carte : https://desk.example/menu" and post["link"] == "https://desk.example/menu"
    page_id, post_id = result.remote_id.split("_")
    assert result.url == f"https://www.facebook.com/{page_id}/posts/{post_id}"


def test_one_photo_is_posted_with_its_message(account, graph, tmp_path):
    photo = image_file(tmp_path, "plat.jpg")
    result = account.adapter().publish(text="Plat du jour", media=[photo], key="k")
    assert graph.posts[0]["message"] == "Plat du jour" and result.remote_id == graph.posts[0]["id"]
    assert graph.photos[graph.posts[0]["photos"][0]]["bytes"] == photo.read()


def test_several_photos_are_uploaded_unpublished_then_attached_to_one_post(account, graph, tmp_path):
    photos = [image_file(tmp_path, f"p{i}.png") for i in range(3)]
    account.adapter().publish(text="Trois plats", media=photos, key="k")
    uploads = graph.requests_to("POST", f"/v21.0/{account.config['page_id']}/photos")
    assert [u.params()["published"] for u in uploads] == ["false"] * 3
    feed = graph.requests_to("POST", f"/v21.0/{account.config['page_id']}/feed")[0].params()
    assert json.loads(feed["attached_media[0]"]) == {"media_fbid": graph.posts[0]["photos"][0]}
    assert len(graph.posts) == 1 and len(graph.posts[0]["photos"]) == 3


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (
            graph_error("Error validating access token: The user has not authorized application.", 190, subcode=458),
            ErrorKind.RECONNECT,
            "not authorized application",
        ),
        (graph_error("(#4) Application request limit reached", 4), ErrorKind.RETRY, "Application request limit"),
        (
            graph_error("(#613) Calls to this api have exceeded the rate limit.", 613),
            ErrorKind.RETRY,
            "exceeded the rate limit",
        ),
        (graph_error("(#17) User request limit reached", 17), ErrorKind.RETRY, "User request limit"),
        (graph_error("Duplicate status message", 506, subcode=1455006), ErrorKind.REJECTED, "Duplicate status message"),
        (
            graph_error("(#200) The user hasn't authorized the application to perform this action", 200),
            ErrorKind.RECONNECT,
            "hasn't authorized",
        ),
    ],
)
def test_graph_error_codes_map_to_kinds_with_metas_words(account, graph, error, kind, words):
    graph.fail_next(400, path="/v21.0/", method="POST", body=error)
    with pytest.raises(PublishError) as caught:
        account.adapter().publish(text="Hello", media=[], key="k")
    assert caught.value.kind == kind and words in caught.value.message


def test_an_expired_page_token_flags_the_account(account, graph, owner):
    graph.expire_tokens()
    with pytest.raises(PublishError):
        services.account_check(account=account, user=owner)
    account.refresh_from_db()
    assert account.status == "needs_reconnect" and "Session has expired" in account.last_error
