"""Media uploads go through the posts app's cleaning; accounts connect through the networks service."""

import io

from PIL import Image

from networks.models import NetworkAccount
from posts.models import Media
from tests.api import builders as b
from tests.factories import NetworkAccountFactory


def _media_url(slug="brand-a"):
    return f"/api/brands/{slug}/media/"


def test_an_uploaded_image_is_decoded_cleaned_and_kept_with_its_alt_text(api_as, editor, brand_a):
    buffer = io.BytesIO()
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x8298] = "Secret photographer"  # Copyright: metadata the upload must lose
    image.save(buffer, format="JPEG", exif=exif)
    upload = b.SimpleUploadedFile("beach.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = api_as(editor).post(_media_url(), {"file": upload, "alt_text": "Une plage"}, format="multipart")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["width"], data["height"], data["alt_text"], data["kind"]) == (40, 30, "Une plage", "image")
    assert data["url"].startswith("http://testserver/")
    kept = Media.objects.get(pk=data["id"])
    with Image.open(kept.file.path) as stored:
        assert "Secret photographer" not in str(dict(stored.getexif()))


def test_a_file_that_is_not_an_image_is_a_400_naming_the_file(api_as, editor, brand_a):
    fake = b.SimpleUploadedFile("photo.png", b"<?php echo 'hi'; ?>" * 10, content_type="image/png")
    response = api_as(editor).post(_media_url(), {"file": fake}, format="multipart")
    assert response.status_code == 400
    assert "photo.png" in " ".join(response.json()["errors"]["file"])
    assert not Media.objects.exists()


def test_an_upload_without_a_file_is_a_400(api_as, editor, brand_a):
    response = api_as(editor).post(_media_url(), {"alt_text": "rien"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_alt_text_is_changed_with_patch(api_as, editor, brand_a, people):
    media = b.media(brand_a, people)
    response = api_as(editor).patch(f"{_media_url()}{media.pk}/", {"alt_text": "  Un carré rouge "}, format="json")
    assert response.status_code == 200 and response.json()["alt_text"] == "Un carré rouge"


# --- network accounts --------------------------------------------------------------------------
def _accounts_url(slug="brand-a"):
    return f"/api/brands/{slug}/accounts/"


def test_accounts_are_listed_without_their_credentials(api_as, viewer, brand_a):
    NetworkAccountFactory(brand=brand_a, credentials={"token": "s3cret-value"})
    response = api_as(viewer).get(_accounts_url())
    assert response.status_code == 200
    assert "s3cret-value" not in response.content.decode()
    assert response.json()["results"][0]["network"] == "fake"


def test_owner_connects_the_web_feed(api_as, owner, brand_a):
    response = api_as(owner).post(
        _accounts_url(), {"network": "webfeed", "data": {"title": "Actualités"}}, format="json"
    )
    assert response.status_code == 201, response.content
    account = NetworkAccount.objects.get(pk=response.json()["id"])
    assert (account.brand, account.network, account.display_name) == (brand_a, "webfeed", "Actualités")


def test_the_connect_forms_errors_are_field_errors(api_as, owner, brand_a):
    response = api_as(owner).post(_accounts_url(), {"network": "webfeed", "data": {}}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["errors"]["data"]
    assert not NetworkAccount.objects.exists()


def test_a_refused_connection_is_a_400_with_the_networks_words(api_as, owner, brand_a):
    client = api_as(owner)
    client.post(_accounts_url(), {"network": "webfeed", "data": {"title": "Actualités"}}, format="json")
    again = client.post(_accounts_url(), {"network": "webfeed", "data": {"title": "Encore"}}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["data"]["title"]
    assert NetworkAccount.objects.filter(network="webfeed").count() == 1


def test_a_webhooks_signing_secret_is_shown_once(api_as, owner, brand_a):
    response = api_as(owner).post(
        _accounts_url(),
        {"network": "webhook", "data": {"name": "Intranet", "url": "http://127.0.0.1:9/hook"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    account = NetworkAccount.objects.get(pk=response.json()["id"])
    assert response.json()["shown_once"] == {"secret": account.credentials["secret"]}
    listed = api_as(owner).get(_accounts_url()).content.decode()
    assert account.credentials["secret"] not in listed


def test_an_unknown_or_unlisted_network_is_a_400(api_as, owner, brand_a, settings):
    settings.NETWORKS_OFFER_TEST_ADAPTERS = False  # as in a deployment
    for network in ["myspace", "fake"]:  # the fake network is offered only to tests and the demo
        response = api_as(owner).post(_accounts_url(), {"network": network, "data": {}}, format="json")
        assert response.status_code == 400 and "network" in response.json()["errors"]
