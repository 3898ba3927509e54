"""The media library: images decoded and cleaned, bombs and oversize files refused, videos sniffed,
variants made once for the networks that need them."""

import io
import json
import re
import socket
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.images import Fit
from core.images import Limits as ImageLimits
from networks.base import Limits
from posts.media import media_file, media_files_for, media_upload, variant_for
from posts.models import Media, MediaVariant
from tests.posts.videos import EBML_PROBE, KINDS, PROBE, clip, clip_in

GPS_IFD = 0x8825


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"secret comment")
    return buffer.getvalue()


def png(size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_exif_and_gps_are_stripped(brand_a, editor):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get(GPS_IFD)  # the sample really carries GPS
    media = media_upload(brand=brand_a, user=editor, upload=upload("plage.jpg", original))
    with media.file.open("rb") as handle, Image.open(handle) as kept:
        assert not kept.getexif()
        assert "exif" not in kept.info and "comment" not in kept.info
        assert kept.size == (64, 48)
    assert (media.content_type, media.width, media.height, media.kind) == ("image/jpeg", 64, 48, "image")
    assert media.thumbnail


def test_the_type_comes_from_decoding_not_from_the_name(brand_a, editor):
    media = media_upload(brand=brand_a, user=editor, upload=upload("photo.jpg", png(), "image/jpeg"))
    assert media.content_type == "image/png" and media.file.name.endswith(".png")


def test_a_text_file_named_jpg_is_refused(brand_a, editor):
    with pytest.raises(ValidationError) as error:
        media_upload(brand=brand_a, user=editor, upload=upload("evil.jpg", b"<?php system($_GET['c']); ?>"))
    assert "evil.jpg is not an image" in error.value.message_dict["file"][0]
    assert not Media.objects.exists()


def test_a_corrupted_image_is_refused(brand_a, editor):
    broken = jpeg_with_gps()[:200]  # the header survives, the pixels do not
    with pytest.raises(ValidationError):
        media_upload(brand=brand_a, user=editor, upload=upload("broken.jpg", broken))
    assert not Media.objects.exists()


def test_a_decompression_bomb_is_refused(brand_a, editor, settings):
    bomb = png(size=(9000, 9000), mode="1")  # 81 million pixels in a few kilobytes
    assert len(bomb) < 100_000
    assert settings.MAX_IMAGE_PIXELS < 9000 * 9000
    with pytest.raises(ValidationError) as error:
        media_upload(brand=brand_a, user=editor, upload=upload("bomb.png", bomb, "image/png"))
    assert "too many pixels" in error.value.message_dict["file"][0]


class UnreadableUpload(SimpleUploadedFile):
    """An upload that fails the test if anyone reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read")


def test_a_file_over_the_limit_is_refused_before_it_is_read(brand_a, editor, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    big = UnreadableUpload("big.jpg", b"x" * 2000, content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        media_upload(brand=brand_a, user=editor, upload=big)
    assert "too large" in error.value.message_dict["file"][0]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_real_videos_are_verified_by_their_container_and_kept_as_sent(brand_a, editor, kind):
    content = clip(kind)
    media = media_upload(brand=brand_a, user=editor, upload=upload("clip.bin", content, "application/octet-stream"))
    expected_type = KINDS[kind][2]
    assert (media.kind, media.content_type, media.size) == ("video", expected_type, len(content))
    assert (media.width, media.height) == (64, 48)
    assert media.file.name.endswith(f".{kind}") and "clip" not in media.file.name
    with media.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(("name", "content"), [("x.html", PROBE), ("x.svg", EBML_PROBE)])
def test_a_video_header_in_front_of_a_page_is_refused_as_not_a_video(brand_a, editor, name, content):
    """The outside probe's file: MP4 (ftyp) or WebM (EBML) magic bytes, then HTML or SVG."""
    with pytest.raises(ValidationError) as error:
        media_upload(brand=brand_a, user=editor, upload=upload(name, content, "video/mp4"))
    message = error.value.message_dict["file"][0]
    assert message.startswith(f"{name} is not ") and "a video" in message, message
    assert not Media.objects.exists()


def test_the_probe_is_told_it_is_not_a_video(brand_a, editor):
    with pytest.raises(ValidationError) as error:
        media_upload(brand=brand_a, user=editor, upload=upload("x.html", PROBE, "text/html"))
    assert error.value.message_dict["file"] == [
        "x.html is not a video we can read: no video track was found in it (MP4, MOV or WebM)."
    ]


def test_a_truncated_video_is_refused(brand_a, editor):
    content = clip("mp4")[:60]  # the ftyp box survives, the movie does not
    with pytest.raises(ValidationError) as error:
        media_upload(brand=brand_a, user=editor, upload=upload("cut.mp4", content, "video/mp4"))
    assert "cut.mp4 is not a video we can read" in error.value.message_dict["file"][0]


def test_a_video_in_a_container_the_networks_do_not_take_is_refused_by_name(brand_a, editor):
    with pytest.raises(ValidationError) as error:
        media_upload(brand=brand_a, user=editor, upload=upload("old.avi", clip_in("avi", "mpeg4"), "video/x-msvideo"))
    assert error.value.message_dict["file"] == [
        "old.avi is a video in a format we do not take (AVI): use MP4, MOV or WebM."
    ]


STORED_NAME = re.compile(r"^(media|thumbs)/[\w-]{2}/[\w-]{32}\.(png|jpg)$")


def test_stored_names_are_random_with_the_verified_extension(brand_a, editor):
    first = media_upload(brand=brand_a, user=editor, upload=upload("x.html", png(), "text/html"))
    second = media_upload(brand=brand_a, user=editor, upload=upload("x.html", png(), "text/html"))
    for media in (first, second):
        assert STORED_NAME.match(media.file.name) and media.file.name.endswith(".png"), media.file.name
        assert STORED_NAME.match(media.thumbnail.name) and media.thumbnail.name.endswith(".jpg")
        assert media.original_name == "x.html"  # kept for display only
    assert first.file.name != second.file.name


def test_variants_are_made_when_a_network_needs_them_and_reused(brand_a, editor):
    big = Image.effect_noise((900, 900), 100).convert("RGB")
    buffer = io.BytesIO()
    big.save(buffer, format="PNG")
    media = media_upload(brand=brand_a, user=editor, upload=upload("bruit.png", buffer.getvalue(), "image/png"))
    small_jpeg_only = Limits(max_chars=100, images=ImageLimits(Fit(types=frozenset({"image/jpeg"}), max_bytes=60_000)))
    first = variant_for(media, small_jpeg_only)
    assert isinstance(first, MediaVariant)
    assert first.content_type == "image/jpeg" and first.size <= 60_000
    assert variant_for(media, small_jpeg_only).pk == first.pk
    assert MediaVariant.objects.count() == 1
    files = media_files_for(small_jpeg_only, [media])
    assert files[0].content_type == "image/jpeg" and len(files[0].read()) == first.size
    roomy = Limits(max_chars=100)
    assert variant_for(media, roomy) == media


def test_media_file_carries_the_alt_text(brand_a, editor):
    media = media_upload(
        brand=brand_a, user=editor, upload=upload("a.png", png(), "image/png"), alt_text="Un chat roux"
    )
    item = media_file(media)
    assert (item.alt_text, item.content_type, item.width) == ("Un chat roux", "image/png", 40)
    assert item.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_too_many_images_for_a_network_is_refused(brand_a, editor, account, write_post):
    images = [media_upload(brand=brand_a, user=editor, upload=upload(f"{i}.png", png(), "image/png")) for i in range(5)]
    with pytest.raises(ValidationError) as error:
        write_post(editor, media=images)
    assert "Fake network takes at most 4 images" in " ".join(error.value.message_dict["text"])


def test_upload_page_answers_json_for_the_uploader(client, brand_a, editor):
    client.force_login(editor)
    response = client.post(
        reverse("posts:media_upload", kwargs={"brand_slug": brand_a.slug}),
        {"file": [upload("a.png", png(), "image/png"), upload("b.txt", b"hello", "text/plain")]},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    body = response.json()
    assert response.status_code == 200
    assert [m["name"] for m in body["media"]] == ["a.png"]
    assert "b.txt is not an image" in body["errors"][0]


def _read_answer(connection) -> str:
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith((b".", b"}")):
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return received.decode("utf-8", "replace")


@pytest.mark.django_db(transaction=True)
def test_a_200_mb_upload_is_refused_without_sending_it_all(live_server, brand_a, editor, client):
    """A real HTTP request declaring 200 MB: the answer comes after a few kilobytes, not 200 MB."""
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    host, port = live_server.thread.host, live_server.thread.port
    path = reverse("posts:media_upload", kwargs={"brand_slug": brand_a.slug})
    declared = 200 * 1024 * 1024
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: sessionid={session}\r\n"
        "X-Requested-With: XMLHttpRequest\r\nAccept-Language: en\r\n"
        "Content-Type: multipart/form-data; boundary=zzz\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(head + b"--zzz\r\n" + b"x" * 64 * 1024)
        answer = _read_answer(connection)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    message = json.loads(answer.split("\r\n\r\n", 1)[1])["errors"][0]
    assert message.startswith("This file is too large (200.0\xa0MB)")
    assert time.monotonic() - started < 5
    assert not Media.objects.exists()


def test_an_animation_counts_every_frame_as_pixels(brand_a, editor, settings):
    frames = [Image.new("RGB", (100, 100), (8 * shade, 0, 0)) for shade in range(30)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    settings.MAX_IMAGE_PIXELS = 100 * 100 * 10  # one frame fits, thirty do not
    with pytest.raises(ValidationError):
        media_upload(brand=brand_a, user=editor, upload=upload("anim.gif", buffer.getvalue(), "image/gif"))
    settings.MAX_IMAGE_PIXELS = 100 * 100 * 30
    media = media_upload(brand=brand_a, user=editor, upload=upload("anim.gif", buffer.getvalue(), "image/gif"))
    with media.file.open("rb") as handle, Image.open(handle) as kept:
        assert kept.n_frames == 30
