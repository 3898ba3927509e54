"""The Content-Security-Policy: on every HTML page, with no inline script allowed, and pages that
need none (no inline <script>, no on*= handler, no style="" attribute, no javascript: URL).

Every page of the permission matrix is fetched as its owner, plus the public and admin pages.
The same pages are opened in Chromium by tests/test_csp_browser.py, which listens for violations.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import PostFactory
from tests.test_permission_matrix import CASES

PUBLIC_PAGES = ["/accounts/login/", "/accounts/password_reset/", "/admin/login/", "/api/docs/", "/no-such-page/"]
ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/axes/accessattempt/"]


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


class InlineCode(HTMLParser):
    """What a strict policy would block in a page: inline scripts, handlers, styles, js: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f'<{tag} {name}="{value}">')
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f'<{tag} {name}="{value}">')


def assert_strict_page(response, where: str) -> None:
    policy = directives(response)
    assert policy, f"{where}: no Content-Security-Policy header"
    assert policy["script-src"] == ["'self'"], f"{where}: {policy['script-src']}"
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in str(policy)
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"][0] == "'self'"
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert not parser.found, f"{where}: {parser.found}"


def _html(response) -> bool:
    return response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("case", [case for case in CASES if case.method == "get"], ids=str)
def test_every_brand_page_carries_the_policy_and_no_inline_code(client, brand_a, people, case):
    client.force_login(people["owner"])
    response = client.get(reverse(case.url_name, kwargs=case.kwargs(brand_a, people)), data=case.data(brand_a, people))
    if _html(response):
        assert_strict_page(response, str(case))
    else:  # JSON, CSV, redirects: the header is there too, should one be opened as a page
        assert directives(response), f"{case}: no Content-Security-Policy header"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_policy_and_no_inline_code(client, db, path):
    response = client.get(path)
    assert _html(response)
    assert_strict_page(response, path)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_carry_the_policy_and_no_inline_code(client, owner, path):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    response = client.get(path)
    assert response.status_code == 200 and _html(response)
    assert_strict_page(response, path)


def test_pages_of_signed_in_people_carry_the_policy(client, owner, brand_a):
    client.force_login(owner)
    post = PostFactory(brand=brand_a, author=owner)
    for path in ["/", "/me/", "/me/tokens/", "/brands/new/", "/notifications/", f"/b/{brand_a.slug}/posts/{post.pk}/"]:
        response = client.get(path, follow=True)
        assert _html(response)
        assert_strict_page(response, path)


def test_only_the_connect_pages_let_their_forms_lead_to_other_sites(client, owner, brand_a):
    client.force_login(owner)
    connect = client.get(reverse("networks:connect", args=[brand_a.slug, "mastodon"]))
    assert directives(connect)["form-action"] == ["'self'", "https:", "http://127.0.0.1:*", "http://localhost:*"]
    networks = client.get(reverse("networks:list", args=[brand_a.slug]))
    assert directives(networks)["form-action"] == ["'self'"]
