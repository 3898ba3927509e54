"""The Bluesky adapter against a real PDS on 127.0.0.1 (see conftest.py).

Every post is read back from the PDS with com.atproto.repo.getRecord / listRecords and
checked there: text, facets' byte offsets, blobs and alt texts.
"""

from io import BytesIO
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation
from PIL import Image

from networks.base import ConnectError, ErrorKind, MediaFile, PublishError
from networks.bluesky.adapter import BLOB_MAX_BYTES, BlueskyAdapter
from networks.bluesky.records import rkey_for

pytestmark = [pytest.mark.pds, pytest.mark.django_db]

FAMILY = "👨‍👩‍👧"  # one grapheme, 18 UTF-8 bytes
FLAG = "🇫🇷"  # one grapheme, 8 UTF-8 bytes


def connect(pds, identifier: str, password: str, service_url: str | None = None):
    data = {"identifier": identifier, "app_password": password, "service_url": service_url or pds.url}
    return BlueskyAdapter.connect(data)


def save_image(folder: Path, name: str, image: Image.Image, fmt: str, **options) -> MediaFile:
    path = folder / name
    image.save(path, fmt, **options)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}[fmt]
    return MediaFile(name=name, content_type=content_type, size=path.stat().st_size, path=str(path))


def uploaded_blob(pds, did: str, image: dict) -> bytes:
    cid = image["image"]["ref"]["$link"]
    response = pds.xrpc("GET", "com.atproto.sync.getBlob", params={"did": did, "cid": cid})
    assert response.status_code == 200, response.text
    return response.content


# --- connecting ---------------------------------------------------------------------------------
def test_connecting_with_an_app_password_keeps_the_session_and_the_accounts_own_pds(pds, bluesky_user, app_password):
    connection = connect(pds, f"@{bluesky_user.handle}", app_password)

    assert connection.handle == f"@{bluesky_user.handle}"
    assert connection.credentials["did"] == bluesky_user.did
    assert connection.credentials["accessJwt"] and connection.credentials["refreshJwt"]
    # The PDS named in the account's DID document, not only the address the user typed.
    assert connection.config["pds"] == pds.url
    assert app_password not in repr(connection.credentials) + repr(connection.config)


def test_connecting_by_email_works_too(pds, bluesky_user, app_password):
    assert connect(pds, f"{bluesky_user.handle}@example.com", app_password).handle == f"@{bluesky_user.handle}"


def test_a_wrong_app_password_is_refused_with_a_clear_message_and_no_secret(pds, bluesky_user):
    wrong = "abcd-efgh-ijkl-mnop"
    with translation.override("en"), pytest.raises(ConnectError) as caught:
        connect(pds, bluesky_user.handle, wrong)
    assert caught.value.field == "app_password"
    assert "app password" in caught.value.message
    assert wrong not in caught.value.message

    with translation.override("fr"), pytest.raises(ConnectError) as caught:
        connect(pds, bluesky_user.handle, wrong)
    assert "mot de passe d’application" in caught.value.message


def test_a_server_on_a_private_address_is_refused_unless_allowed(pds, bluesky_user, app_password):
    with override_settings(NETWORKS_ALLOWED_PRIVATE_HOSTS=[]), pytest.raises(ConnectError) as caught:
        connect(pds, bluesky_user.handle, app_password)
    assert caught.value.field == "service_url"
    assert "127.0.0.1" in caught.value.message


def test_a_server_that_is_not_bluesky_is_refused(pds, bluesky_user, app_password):
    with translation.override("en"), pytest.raises(ConnectError) as caught:
        connect(pds, bluesky_user.handle, app_password, service_url=pds.plc_url)
    assert caught.value.field == "service_url"
    assert "does not answer like a Bluesky server" in caught.value.message


def test_a_server_that_cannot_be_reached_is_named(pds, bluesky_user, app_password, unused_port):
    with translation.override("en"), pytest.raises(ConnectError) as caught:
        connect(pds, bluesky_user.handle, app_password, service_url=f"http://127.0.0.1:{unused_port}")
    assert caught.value.field == "service_url"
    assert f"127.0.0.1:{unused_port} could not be reached" in caught.value.message


def test_check_connection_names_the_account(bluesky_account, bluesky_user):
    assert bluesky_account.adapter().check_connection() == f"@{bluesky_user.handle}"


# --- publishing ---------------------------------------------------------------------------------
@pytest.fixture
def four_images(tmp_path) -> list[MediaFile]:
    big = Image.effect_noise((2000, 2000), 100).convert("RGB")  # noise: JPEG cannot shrink it much
    small = Image.new("RGB", (640, 480), "tomato")
    wide = Image.linear_gradient("L").resize((1200, 400)).convert("RGB")
    return [
        save_image(tmp_path, "big.jpg", big, "JPEG", quality=95),
        save_image(tmp_path, "small.png", small, "PNG"),
        save_image(tmp_path, "wide.webp", wide, "WEBP"),
        save_image(tmp_path, "tall.gif", small.rotate(90, expand=True), "GIF"),
    ]


def test_a_post_with_a_link_a_mention_a_hashtag_and_four_images_reads_back_as_sent(
    pds, bluesky_account, bluesky_user, four_images
):
    friend = pds.create_account("friend")
    alts = ["Du bruit, beaucoup de bruit", "Un aplat rouge tomate", "Un dégradé — large", "Portrait 🎨"]
    media = [MediaFile(**{**vars(item), "alt_text": alt}) for item, alt in zip(four_images, alts, strict=True)]
    assert media[0].size > BLOB_MAX_BYTES, "the test needs an image over 1 MB"
    link = "https://example.com/menu?jour=lundi&plat=crème"
    text = f"Café crème à l’équipe {FLAG}{FAMILY} ! Menu : {link} — merci @{friend.handle} #Rentrée2026 ✨"

    adapter = bluesky_account.adapter()
    assert adapter.validate(text, media) == []
    result = adapter.publish(text=text, media=media, key="post-1-target-1")

    rkey = rkey_for("post-1-target-1")
    assert result.remote_id == f"at://{bluesky_user.did}/app.bsky.feed.post/{rkey}"
    assert result.url == f"https://bsky.app/profile/{bluesky_user.handle}/post/{rkey}"
    record = pds.get_record(result.remote_id)
    assert record["text"] == text

    encoded = text.encode()
    covered = [
        (encoded[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(), f["features"][0]) for f in record["facets"]
    ]
    assert covered == [
        (link, {"$type": "app.bsky.richtext.facet#link", "uri": link}),
        (f"@{friend.handle}", {"$type": "app.bsky.richtext.facet#mention", "did": friend.did}),
        ("#Rentrée2026", {"$type": "app.bsky.richtext.facet#tag", "tag": "Rentrée2026"}),
    ]

    images = record["embed"]["images"]
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    assert [image["alt"] for image in images] == alts
    for image, original in zip(images, media, strict=True):
        assert image["image"]["size"] < BLOB_MAX_BYTES
        blob = uploaded_blob(pds, bluesky_user.did, image)
        assert len(blob) == image["image"]["size"]
        with Image.open(BytesIO(blob)) as stored, Image.open(original.path) as sent:
            assert stored.width / stored.height == pytest.approx(sent.width / sent.height, rel=0.01)
            assert (image["aspectRatio"]["width"], image["aspectRatio"]["height"]) == stored.size
    assert images[0]["image"]["mimeType"] == "image/jpeg"
    assert images[2]["image"]["mimeType"] == "image/webp"  # small enough: sent as it was


def test_a_mention_of_a_handle_the_pds_cannot_resolve_stays_plain_text(pds, bluesky_account):
    result = bluesky_account.adapter().publish(text="Bonjour @personne.test !", media=[], key="unresolved")
    assert "facets" not in pds.get_record(result.remote_id)


def test_the_same_key_twice_leaves_one_record(pds, bluesky_account, bluesky_user, four_images):
    first = bluesky_account.adapter().publish(text="Une seule fois", media=four_images[1:2], key="same-key")
    # A new adapter, as a retry in another worker would have.
    second = bluesky_account.adapter().publish(text="Une seule fois", media=four_images[1:2], key="same-key")

    assert second == first
    assert pds.post_count(bluesky_user.did) == 1


def test_find_published_sees_the_post_only_once_it_exists(bluesky_account):
    adapter = bluesky_account.adapter()
    assert adapter.find_published(key="later") is None
    published = adapter.publish(text="Maintenant", media=[], key="later")
    assert adapter.find_published(key="later") == published


def test_a_different_post_already_holding_the_rkey_is_not_claimed(pds, bluesky_account, bluesky_user):
    body = {
        "repo": bluesky_user.did,
        "collection": "app.bsky.feed.post",
        "rkey": rkey_for("collide"),
        "record": {"$type": "app.bsky.feed.post", "text": "Someone else's post", "createdAt": "2026-01-01T00:00:00Z"},
    }
    assert pds.xrpc("POST", "com.atproto.repo.createRecord", token=bluesky_user.access_jwt, json=body).ok

    with pytest.raises(PublishError) as caught:
        bluesky_account.adapter().publish(text="Mon post", media=[], key="collide")
    assert caught.value.kind == ErrorKind.REJECTED
    assert pds.post_count(bluesky_user.did) == 1


# --- text length: graphemes and bytes, as the PDS counts them ------------------------------------
def test_300_graphemes_is_the_limit_and_the_pds_agrees(pds, bluesky_account):
    adapter = bluesky_account.adapter()
    assert adapter.validate(FLAG * 300, []) == []
    assert adapter.publish(text=FLAG * 300, media=[], key="300-flags").remote_id

    assert [p.code for p in adapter.validate(FLAG * 301, [])] == ["text_too_long"]
    with pytest.raises(PublishError) as caught:
        adapter.publish(text=FLAG * 301, media=[], key="301-flags")
    assert caught.value.kind == ErrorKind.REJECTED
    assert "grapheme" in caught.value.message  # the PDS's own reason, shown to the user


def test_300_family_emoji_are_300_graphemes_but_too_many_bytes_for_the_pds(pds, bluesky_account):
    adapter = bluesky_account.adapter()
    assert adapter.count_text(FAMILY * 300, adapter.get_limits()) == 300
    assert [p.code for p in adapter.validate(FAMILY * 300, [])] == ["text_too_many_bytes"]
    with pytest.raises(PublishError) as caught:
        adapter.publish(text=FAMILY * 300, media=[], key="families")
    assert caught.value.kind == ErrorKind.REJECTED


# --- the session ----------------------------------------------------------------------------------
def test_an_expired_access_token_is_refreshed_and_the_rotated_tokens_reported(pds, bluesky_account, expired_token):
    old_refresh = bluesky_account.credentials["refreshJwt"]
    bluesky_account.credentials["accessJwt"] = expired_token(bluesky_account.credentials["did"])
    adapter = bluesky_account.adapter()

    result = adapter.publish(text="Après un jeton expiré", media=[], key="after-expiry")

    assert pds.get_record(result.remote_id)["text"] == "Après un jeton expiré"
    assert adapter.updated_credentials is not None
    assert adapter.updated_credentials["refreshJwt"] != old_refresh  # the PDS rotates it
    assert adapter.updated_credentials["did"] == bluesky_account.credentials["did"]


def test_checking_the_connection_keeps_the_tokens_the_pds_rotated(pds, bluesky_account, expired_token, owner):
    from networks.models import NetworkAccount
    from networks.services import account_check

    old_refresh = bluesky_account.credentials["refreshJwt"]
    bluesky_account.credentials = {
        **bluesky_account.credentials,
        "accessJwt": expired_token(bluesky_account.credentials["did"]),
    }
    bluesky_account.save()

    account_check(account=bluesky_account, user=owner)

    stored = NetworkAccount.objects.get(pk=bluesky_account.pk).credentials
    assert stored["refreshJwt"] != old_refresh  # the spent refresh token is not what we keep
    # ... and the kept one works: a second check needs no reconnection.
    assert account_check(account=NetworkAccount.objects.get(pk=bluesky_account.pk), user=owner)


def test_a_revoked_session_asks_for_a_reconnection(pds, bluesky_account, bluesky_user, expired_token):
    refresh = bluesky_account.credentials["refreshJwt"]
    assert pds.xrpc("POST", "com.atproto.server.deleteSession", token=refresh).ok
    bluesky_account.credentials["accessJwt"] = expired_token(bluesky_user.did)

    with pytest.raises(PublishError) as caught:
        bluesky_account.adapter().publish(text="Trop tard", media=[], key="revoked")
    assert caught.value.kind == ErrorKind.RECONNECT
    assert refresh not in caught.value.message
    assert pds.post_count(bluesky_user.did) == 0


def test_a_pds_that_cannot_be_reached_means_retry(bluesky_account, unused_port):
    bluesky_account.config["pds"] = f"http://127.0.0.1:{unused_port}"
    with pytest.raises(PublishError) as caught:
        bluesky_account.adapter().publish(text="Plus tard", media=[], key="unreachable")
    assert caught.value.kind == ErrorKind.RETRY


def test_a_repeat_racing_the_first_post_is_refused_by_the_pds_and_answered_with_the_first(
    pds, bluesky_account, bluesky_user, monkeypatch
):
    first = bluesky_account.adapter().publish(text="La course", media=[], key="race")
    racing = bluesky_account.adapter()
    # The other worker's post lands between our look-up and our createRecord: the look-up
    # misses it, createRecord meets it.
    real_get_post, calls = racing._get_post, []

    def get_post(rkey):
        calls.append(rkey)
        return None if len(calls) == 1 else real_get_post(rkey)

    monkeypatch.setattr(racing, "_get_post", get_post)

    assert racing.publish(text="La course", media=[], key="race") == first
    assert len(calls) == 2  # the look-up, then the answer to the PDS's refusal
    assert pds.post_count(bluesky_user.did) == 1
