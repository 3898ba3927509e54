"""Shared fixtures: brand A with an owner, a manager, an editor and a viewer; an outsider who
belongs to brand B only."""

import pytest

from accounts.roles import Role
from tests.factories import BrandFactory, MembershipFactory, UserFactory


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
