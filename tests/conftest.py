"""Shared fixtures: brand A with an owner, a manager, an editor and a viewer; an outsider who
belongs to brand B only."""

import shutil

import pytest
from django.conf import settings

from accounts.roles import Role
from tests.factories import BrandFactory, MembershipFactory, UserFactory


def pytest_sessionfinish(session, exitstatus):
    """Each run has its own folder under var/test/ (settings_test.py): remove it at the end."""
    if settings.VAR_DIR.parent.name == "test":
        shutil.rmtree(settings.VAR_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _budget_rows_forgotten():
    """The budget remembers which rows it made (networks/budget.py); a test's rollback removes
    them and the next test's accounts may reuse the ids."""
    from networks import budget

    budget._made.clear()


@pytest.fixture
def brand_a(db):
    return BrandFactory(name="Brand A", slug="brand-a")


@pytest.fixture
def brand_b(db):
    return BrandFactory(name="Brand B", slug="brand-b")


def _member(brand, role, email):
    return MembershipFactory(brand=brand, role=role, user=UserFactory(email=email)).user


@pytest.fixture
def owner(brand_a):
    return _member(brand_a, Role.OWNER, "owner@a.example")


@pytest.fixture
def manager(brand_a):
    return _member(brand_a, Role.MANAGER, "manager@a.example")


@pytest.fixture
def editor(brand_a):
    return _member(brand_a, Role.EDITOR, "editor@a.example")


@pytest.fixture
def viewer(brand_a):
    return _member(brand_a, Role.VIEWER, "viewer@a.example")


@pytest.fixture
def outsider(brand_b):
    return _member(brand_b, Role.OWNER, "outsider@b.example")


@pytest.fixture
def people(owner, manager, editor, viewer, outsider):
    """Every role of brand A and the outsider, by name."""
    return {"owner": owner, "manager": manager, "editor": editor, "viewer": viewer, "outsider": outsider}


# --- Browser tests: Debian's Chromium driven by Playwright, nothing leaves 127.0.0.1 ----------
CHROMIUM = "/usr/lib/chromium/chromium"  # the binary, not the noisy shell wrapper


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            "--disable-gpu",
            "--disable-quic",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/Paris"}


@pytest.fixture
def sign_in(live_server, page):
    """Sign a user in through the real sign-in page; returns the page."""
    from tests.factories import PASSWORD

    def _sign_in(user, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.locator("#sign-in-form button[type=submit]").click()  # not the language buttons
        page.wait_for_load_state()
        return page

    return _sign_in
