"""The one body-size gate (cm_platform/uploads.py): every URL that takes a file answers 413 from its
Content-Length before reading the body, stops a body at the limit before anything is written,
and no other URL takes a file at all."""

import inspect
import io
import socket
import time
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers

from cm_platform.uploads import MULTIPART_MARGIN, UPLOAD_URLS
from posts.models import Media
from tests.accounts.images import png_upload

MULTIPART = "multipart/form-data; boundary=zzz"


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


class CountingBody(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def _post_raw(client, url: str, body, *, length: int | None, content_type=MULTIPART, **headers):
    """A POST whose body is the stream given, announced with the Content-Length given (or none)."""
    meta = {"CONTENT_TYPE": content_type, "wsgi.input": body}
    if length is not None:
        meta["CONTENT_LENGTH"] = str(length)
    headers = {"accept-language": "en", **{name.replace("_", "-"): value for name, value in headers.items()}}
    return client.generic("POST", url, headers={name: value for name, value in headers.items() if value}, **meta)


def _url(name: str, brand) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(name, kwargs={"brand_slug": brand.slug})


def _files_written(settings) -> list[str]:
    written = []
    for folder in (settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR):
        written += [str(path) for path in Path(folder).rglob("*") if path.is_file()]
    return written


@pytest.fixture
def quiet_disk(settings, tmp_path):
    """Uploads would go to a temporary file from the first byte: where the gate must leave none."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "media").mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return settings


def _limit(settings, name: str) -> int:
    return getattr(settings, UPLOAD_URLS[name])


@pytest.mark.parametrize("name", sorted(UPLOAD_URLS))
def test_every_upload_url_answers_413_from_the_content_length_alone(client, brand_a, owner, quiet_disk, name):
    client.force_login(owner)
    declared = _limit(quiet_disk, name) + MULTIPART_MARGIN + 1
    response = _post_raw(client, _url(name, brand_a), UnreadableBody(), length=declared)
    assert response.status_code == 413
    text = response.json()["detail"] if name.startswith("api:") else response.content.decode()
    assert "This file is too large" in text and "the limit is" in text
    assert not _files_written(quiet_disk)
    assert not Media.objects.exists()


def test_the_413_is_in_the_person_s_language(client, brand_a, owner, quiet_disk):
    owner.language = "fr"
    owner.save()
    client.force_login(owner)
    declared = 500 * 1024 * 1024
    page = _post_raw(client, reverse("accounts:brand_create"), UnreadableBody(), length=declared, accept_language="")
    assert page.status_code == 413
    assert "Ce fichier est trop volumineux (500,0\xa0Mio)" in page.content.decode()
    api_url = reverse("api:media_list", kwargs={"brand_slug": brand_a.slug})
    api = _post_raw(client, api_url, UnreadableBody(), length=declared, accept_language="")
    assert api.status_code == 413
    assert api.json() == {
        "detail": "Ce fichier est trop volumineux (500,0\xa0Mio)\xa0; la limite est de 100,0\xa0Mio.",
        "code": "too_large",
    }


def _multipart(field: str, name: str, content: bytes) -> bytes:
    return (
        b"--zzz\r\n"
        + f'Content-Disposition: form-data; name="{field}"; filename="{name}"\r\n'.encode()
        + b"Content-Type: application/octet-stream\r\n\r\n"
        + content
        + b"\r\n--zzz--\r\n"
    )


def test_a_file_over_the_limit_is_stopped_at_the_limit_before_anything_is_written(client, brand_a, editor, quiet_disk):
    """Its Content-Length fits the body's allowance, but the file in it is over the file limit: the
    parser stops at the limit, the rest of the body is not read, the temporary file is removed."""
    quiet_disk.MAX_UPLOAD_BYTES = 100_000
    body = CountingBody(_multipart("file", "big.jpg", b"x" * 150_000))
    client.force_login(editor)
    url = reverse("posts:media_upload", kwargs={"brand_slug": brand_a.slug})
    response = _post_raw(client, url, body, length=len(body.getvalue()), x_requested_with="XMLHttpRequest")
    assert response.status_code == 413, response.content
    assert response.json()["errors"][0].startswith("This file is too large")
    assert body.bytes_read < len(body.getvalue())
    assert not _files_written(quiet_disk)
    assert not Media.objects.exists()


@pytest.mark.parametrize("name", sorted(UPLOAD_URLS))
def test_a_chunked_upload_is_refused_before_a_byte_is_read(client, brand_a, owner, quiet_disk, name):
    """Under WSGI Django reads Content-Length bytes: a chunked body would be read as empty."""
    client.force_login(owner)
    response = _post_raw(client, _url(name, brand_a), UnreadableBody(), length=None, transfer_encoding="chunked")
    assert response.status_code == 411
    assert not _files_written(quiet_disk)


def test_a_file_sent_to_a_page_that_takes_none_is_refused_and_not_kept(client, brand_a, editor, quiet_disk):
    client.force_login(editor)
    response = client.post(
        reverse("posts:create", kwargs={"brand_slug": brand_a.slug}),
        {"text": "Bonjour", "attachment": png_upload()},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    assert "This address does not accept files." in response.content.decode()
    assert not _files_written(quiet_disk)


def test_a_body_over_the_limit_of_a_page_without_files_is_a_413(client, brand_a, editor, quiet_disk):
    client.force_login(editor)
    url = reverse("posts:create", kwargs={"brand_slug": brand_a.slug})
    declared = quiet_disk.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = _post_raw(
        client, url, UnreadableBody(), length=declared, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "This request is too large" in response.content.decode()


# --- a real socket: the answer comes before the body is sent --------------------------------------
def _answer(connection) -> str:
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith((b">", b"}")):
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return received.decode("utf-8", "replace")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["accounts:brand_create", "api:media_list", "calendars:import_upload"])
def test_a_120_mb_upload_is_answered_413_after_a_few_kilobytes(live_server, client, brand_a, owner, name):
    client.force_login(owner)
    session = client.cookies["sessionid"].value
    host, port = live_server.thread.host, live_server.thread.port
    head = (
        f"POST {_url(name, brand_a)} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: sessionid={session}\r\n"
        "Accept-Language: en\r\nContent-Type: multipart/form-data; boundary=zzz\r\n"
        f"Content-Length: {120 * 1024 * 1024}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(head + b"--zzz\r\n" + b"x" * 64 * 1024)
        answer = _answer(connection)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "This file is too large (120.0" in answer  # JSON escapes the non-breaking space
    assert time.monotonic() - started < 5


# --- discovery: no view reads files without being listed ------------------------------------------
def _project_classes(base: type) -> list[type]:
    project = {app.name.split(".")[0] for app in apps.get_app_configs() if "site-packages" not in app.path}
    found: list[type] = []
    todo: list[type] = [base]
    while todo:
        subclasses: list[type] = todo.pop().__subclasses__()
        for sub in subclasses:
            todo.append(sub)
            if sub.__module__.split(".")[0] in project:
                found.append(sub)
    return found


def _file_taking_class_names() -> set[str]:
    """Forms and serializers of the project that have a file field."""
    names = set()
    for form in _project_classes(forms.BaseForm):
        if any(isinstance(field, forms.FileField) for field in form.base_fields.values()):  # type: ignore[attr-defined]
            names.add(form.__name__)
    for serializer in _project_classes(serializers.Serializer):
        if any(isinstance(field, serializers.FileField) for field in serializer._declared_fields.values()):  # type: ignore[attr-defined]
            names.add(serializer.__name__)
    return names


def _views(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _views(entry, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else str(entry.pattern)), entry.callback


def _source(callback) -> str:
    target = getattr(callback, "cls", None) or inspect.unwrap(callback)
    try:
        return inspect.getsource(target)
    except (OSError, TypeError):
        return ""


def _reads_files(callback, file_classes: set[str]) -> bool:
    source = _source(callback)
    return "request.FILES" in source or any(f"{name}(" in source for name in file_classes)


def test_every_view_that_reads_files_is_listed_and_every_listed_url_reads_files():
    every_view = list(_views())  # imports every view module, and so every form and serializer
    file_classes = _file_taking_class_names()
    assert {"BrandForm", "CSVUploadForm", "MediaUploadSerializer"} <= file_classes  # the detector works
    # The admin's generic views handle files for any model: test_no_admin_form_takes_a_file checks it.
    views = [(name, callback) for name, callback in every_view if not name.startswith("admin:")]
    readers = {name for name, callback in views if _reads_files(callback, file_classes)}
    assert readers == set(UPLOAD_URLS), "list it in cm_platform/uploads.py UPLOAD_URLS (or remove it)"


def test_no_admin_form_takes_a_file(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        fields = [name for name, field in form.base_fields.items() if isinstance(field, forms.FileField)]
        assert not fields, f"the admin of {model.__name__} takes files: {fields}"
