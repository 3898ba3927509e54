"""The brand gate: one rule for services (require_member) and for pages and the API (membership_for)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.permissions import membership_for, require_member
from accounts.roles import Perm
from core.exceptions import Forbidden, NotFound
from posts.media import media_set_alt_text
from posts.models import Media


def test_a_service_gets_the_membership_when_the_role_allows_it(brand_a, editor):
    membership = require_member(editor, brand_a, Perm.WRITE)
    assert (membership.user, membership.brand) == (editor, brand_a)


@pytest.mark.parametrize("who", ["viewer", "outsider", "anonymous"])
def test_a_service_refuses_a_member_without_the_permission_and_a_non_member_alike(who, brand_a, viewer, outsider):
    user = {"viewer": viewer, "outsider": outsider, "anonymous": AnonymousUser()}[who]
    with pytest.raises(Forbidden):
        require_member(user, brand_a, Perm.WRITE)


def test_a_page_does_not_confirm_a_brand_to_a_non_member_but_tells_a_member_their_role_is_short(
    brand_a, viewer, outsider
):
    with pytest.raises(NotFound):
        membership_for(outsider, brand_a.slug, Perm.VIEW)
    with pytest.raises(Forbidden):
        membership_for(viewer, brand_a.slug, Perm.WRITE)


def test_the_media_services_refuse_an_outsider_with_the_core_error_not_a_404(brand_a, outsider):
    media = Media.objects.create(brand=brand_a, original_name="a.png", kind="image", size=1)
    with pytest.raises(Forbidden):
        media_set_alt_text(media=media, user=outsider, alt_text="A cat")
