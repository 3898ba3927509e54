"""Uploads as the outside probe made them (API and web forms, as an editor), and how /media/ serves
what is stored: the verified type, nosniff, and a download for anything not an image or a video."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from posts.media import media_file
from posts.models import Media
from tests.api.conftest import client_with_token
from tests.posts.videos import EBML_PROBE, PROBE, clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 120, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def _api_upload(user, brand, name: str, content: bytes, content_type: str):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    url = f"/api/brands/{brand.slug}/media/"
    return client_with_token(user).post(url, {"file": upload}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def _served(client, url: str):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


# --- the probe's reproduction -------------------------------------------------------------------
@pytest.mark.parametrize(("name", "content"), [("x.html", PROBE), ("x.svg", EBML_PROBE)])
def test_the_probe_s_file_uploaded_through_the_api_by_an_editor_is_refused(brand_a, editor, media_root, name, content):
    response = _api_upload(editor, brand_a, name, content, "video/mp4")
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["file"])
    assert message.startswith(f"{name} is not ") and "a video" in message
    assert not Media.objects.exists()
    assert not _stored_files(media_root)


def test_the_probe_s_file_uploaded_through_the_library_page_is_refused(client, brand_a, editor, media_root):
    client.force_login(editor)
    url = reverse("posts:media_upload", kwargs={"brand_slug": brand_a.slug})
    upload = SimpleUploadedFile("x.html", PROBE, content_type="text/html")
    response = client.post(url, {"file": upload}, headers={"accept-language": "en"}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["x.html is not a video we can read: no video track was found in it (MP4, MOV or WebM)."]
    assert not Media.objects.exists()
    assert not _stored_files(media_root)


@pytest.mark.parametrize(("kind", "content_type"), [("mp4", "video/mp4"), ("webm", "video/webm")])
def test_a_real_video_uploaded_through_the_api_is_served_as_that_video(
    client, brand_a, editor, media_root, kind, content_type
):
    content = clip(kind)
    response = _api_upload(editor, brand_a, "x.html", content, "text/html")
    assert response.status_code == 201, response.content
    url = response.json()["url"]
    assert url.startswith("http://testserver/media/media/") and url.endswith(f".{kind}") and "x.html" not in url
    served, body = _served(client, url.removeprefix("http://testserver"))
    assert served.status_code == 200 and body == content
    assert served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")


def test_an_image_and_its_thumbnail_are_served_as_images(client, brand_a, editor, media_root):
    response = _api_upload(editor, brand_a, "chat.svg", _png(), "image/svg+xml")
    assert response.status_code == 201
    for key, content_type in (("url", "image/png"), ("thumbnail_url", "image/jpeg")):
        served, body = _served(client, response.json()[key].removeprefix("http://testserver"))
        assert (served.status_code, served["Content-Type"]) == (200, content_type)
        assert served["X-Content-Type-Options"] == "nosniff"
        assert Image.open(io.BytesIO(body)).get_format_mimetype() == content_type


def test_a_brand_logo_is_served_as_an_image(client, brand_a, owner, media_root):
    client.force_login(owner)
    url = reverse("accounts:brand_settings", kwargs={"brand_slug": brand_a.slug})
    logo = SimpleUploadedFile("logo.html", _png(), content_type="text/html")
    client.post(url, {"name": "Brand A", "time_zone": "Europe/Paris", "logo": logo})
    brand_a.refresh_from_db()
    served, _body = _served(client, brand_a.logo.url)
    assert (served.status_code, served["Content-Type"]) == (200, "image/png")
    assert served["X-Content-Type-Options"] == "nosniff"


# --- files kept by older versions under their uploaded names --------------------------------------
def test_an_old_video_stored_as_html_is_served_with_its_known_type_never_as_a_page(client, brand_a, media_root):
    name = default_storage.save("media/2025/01/x.html", ContentFile(PROBE))
    Media.objects.create(brand=brand_a, file=name, kind="video", content_type="video/mp4", original_name="x.html")
    served, body = _served(client, f"/media/{name}")
    assert served.status_code == 200 and body == PROBE
    assert served["Content-Type"] == "video/mp4"
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["media/2025/01/orphan.html", "brands/logos/evil.svg", "notes/readme.txt"])
def test_a_file_no_row_vouches_for_is_a_download_of_unknown_type(client, media_root, name):
    stored = default_storage.save(name, ContentFile(b"<html><script>alert(1)</script></html>"))
    served, _body = _served(client, f"/media/{stored}")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_row_with_an_unverified_type_does_not_make_its_file_a_page(client, brand_a, media_root):
    name = default_storage.save("media/2025/01/page.html", ContentFile(b"<html></html>"))
    Media.objects.create(brand=brand_a, file=name, content_type="text/html", original_name="page.html")
    served, _body = _served(client, f"/media/{name}")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("path", ["../cm_platform/settings.py", "media/../../manage.py", "nothing/here.png"])
def test_nothing_outside_the_stored_files_is_served(client, media_root, path):
    assert client.get(f"/media/{path}").status_code == 404


def test_media_are_read_only(client, media_root):
    name = default_storage.save("media/2025/01/a.png", ContentFile(_png()))
    assert client.post(f"/media/{name}").status_code == 405


def test_public_urls_sent_to_networks_follow_a_separate_media_origin(brand_a, editor, settings, media_root):
    media = Media.objects.create(brand=brand_a, file="media/ab/abc.png", content_type="image/png", original_name="a")
    assert media_file(media).public_url == f"{settings.SITE_URL}/media/media/ab/abc.png"
    settings.MEDIA_URL = "https://media.example.net/files/"
    assert media_file(media).public_url == "https://media.example.net/files/media/ab/abc.png"
