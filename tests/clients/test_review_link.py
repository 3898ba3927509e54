"""The client's pages by link: what the client sees, decisions bound to the content shown, the
evidence kept, and the life of the link (tampered, expired, revoked, removed, other brand)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from clients import services as client_services
from clients.models import ReviewAction, ReviewRecord
from posts import services
from posts.content import PostContent
from posts.models import PostState
from posts.workflow import Action
from tests.factories import BrandFactory


def test_the_invitation_emails_a_link_that_shows_what_waits(client, invite, awaiting):
    post = awaiting()
    reviewer, path = invite()
    assert mail.outbox[-1].to == ["claire@client.example"]
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bonjour &lt;b&gt;le&lt;/b&gt; monde" in page  # the preview is text, escaped
    assert f'name="fingerprint_{post.pk}"' in page
    assert response["Cache-Control"] == "private, no-store"
    assert "_auth_user_id" not in client.session  # nobody is signed in by a link


def test_the_nonce_is_stored_hashed(invite):
    reviewer, path = invite()
    assert len(reviewer.nonce_hash) == 64
    payload = signing.TimestampSigner(salt=client_services.LINK_SALT).unsign_object(path.split("/")[2])
    assert payload["n"] not in reviewer.nonce_hash


def test_the_client_approves_and_the_view_and_decision_are_recorded(client, invite, awaiting):
    post = awaiting()
    _, path = invite()
    page = client.get(path, HTTP_USER_AGENT="PhoneBrowser/1.0").content.decode()
    fingerprint = page.split(f'name="fingerprint_{post.pk}" value="')[1].split('"')[0]
    response = client.post(
        path + "decide/", {"one": f"{Action.CLIENT_APPROVE}:{post.pk}", f"fingerprint_{post.pk}": fingerprint},
        HTTP_USER_AGENT="PhoneBrowser/1.0", follow=True,
    )  # fmt: skip
    assert f"Post {post.pk} approved." in response.content.decode()
    post.refresh_from_db()
    assert post.state == PostState.APPROVED
    viewed, approved = ReviewRecord.objects.filter(post=post).order_by("pk")[:2]
    assert (viewed.action, approved.action) == (ReviewAction.VIEWED, ReviewAction.APPROVED)
    assert approved.fingerprint == fingerprint and approved.ip_address == "127.0.0.1"
    assert approved.user_agent == "PhoneBrowser/1.0" and approved.reviewer_name == "Claire Client"


def test_a_decision_on_content_changed_since_display_is_refused_with_the_reason(
    client, invite, awaiting, editor, account
):
    post = awaiting()
    _, path = invite()
    page = client.get(path).content.decode()
    fingerprint = page.split(f'name="fingerprint_{post.pk}" value="')[1].split('"')[0]
    content = PostContent(text="Nouveau", accounts=[account], scheduled_at=post.scheduled_at)
    services.post_update(post=post, user=editor, version=post.version, content=content)
    # Back in internal review after the edit; approved again by the manager, the client sees it anew.
    post.refresh_from_db()
    post.state = PostState.AWAITING_CLIENT
    post.save()
    response = client.post(
        path + "decide/",
        {"one": f"{Action.CLIENT_APPROVE}:{post.pk}", f"fingerprint_{post.pk}": fingerprint},
        follow=True,
    )
    assert "changed since you opened the page" in response.content.decode()
    post.refresh_from_db()
    assert post.state == PostState.AWAITING_CLIENT
    assert ReviewRecord.objects.filter(post=post, action=ReviewAction.REFUSED_STALE).count() == 1


def test_bulk_request_changes_needs_a_comment_and_keeps_it_as_text(client, invite, awaiting):
    first, second = awaiting("Un"), awaiting("Deux")
    _, path = invite()
    page = client.get(path).content.decode()
    data = {
        "decision": Action.CLIENT_REQUEST_CHANGES,
        "post": [first.pk, second.pk],
        "comment_all": "<script>x</script> trop long",
    }
    for post in (first, second):
        data[f"fingerprint_{post.pk}"] = page.split(f'name="fingerprint_{post.pk}" value="')[1].split('"')[0]
    client.post(path + "decide/", data)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == PostState.CHANGES_REQUESTED
    assert first.events.get(kind="client_changes_requested").comment == "<script>x</script> trop long"


def test_asking_for_changes_without_a_comment_is_refused(client, invite, awaiting):
    post = awaiting()
    _, path = invite()
    page = client.get(path).content.decode()
    fingerprint = page.split(f'name="fingerprint_{post.pk}" value="')[1].split('"')[0]
    response = client.post(
        path + "decide/",
        {"one": f"{Action.CLIENT_REQUEST_CHANGES}:{post.pk}", f"fingerprint_{post.pk}": fingerprint},
        follow=True,
    )
    assert "say what should change" in response.content.decode()
    post.refresh_from_db()
    assert post.state == PostState.AWAITING_CLIENT


def test_another_brands_post_cannot_be_decided_by_this_link(client, invite, awaiting, client_brand, outsider):
    _, path = invite()
    other = BrandFactory(slug="other")
    post = awaiting()
    post.brand = other
    post.save()
    response = client.post(
        path + "decide/", {"one": f"{Action.CLIENT_APPROVE}:{post.pk}", f"fingerprint_{post.pk}": "x"}, follow=True
    )
    assert "is not one of those waiting for you" in response.content.decode()
    post.refresh_from_db()
    assert post.state == PostState.AWAITING_CLIENT


# --- the life of a link ----------------------------------------------------------------------
def _gone(client, path):
    get, post = client.get(path), client.post(path + "decide/", {"decision": Action.CLIENT_APPROVE})
    assert get.status_code == post.status_code == 404
    return get.content.decode()


def test_a_tampered_link_is_a_404(client, invite):
    _, path = invite()
    token = path.split("/")[2]
    _gone(client, f"/review/{token[:-2]}xy/")
    _gone(client, "/review/not-a-token/")


def test_an_expired_link_is_a_404(client, invite, client_brand):
    reviewer, path = invite()
    assert reviewer.expires_at - reviewer.created_at == timedelta(days=client_brand.client_link_days)
    assert client.get(path).status_code == 200
    reviewer.expires_at = timezone.now() - timedelta(seconds=1)
    reviewer.save()
    _gone(client, path)


def test_a_revoked_link_is_a_404(client, invite, owner):
    reviewer, path = invite()
    client_services.client_reviewer_revoke(reviewer=reviewer, by=owner)
    _gone(client, path)


def test_a_link_reused_after_the_reviewer_is_removed_is_a_404_and_the_evidence_stays(client, invite, owner, awaiting):
    awaiting()
    reviewer, path = invite()
    client.get(path)
    client_services.client_reviewer_remove(reviewer=reviewer, by=owner)
    _gone(client, path)
    assert ReviewRecord.objects.filter(reviewer_name="Claire Client", reviewer=None).exists()


def test_a_link_signed_for_another_nonce_is_a_404(client, invite):
    reviewer, _ = invite()
    forged = signing.TimestampSigner(salt=client_services.LINK_SALT).sign_object({"r": reviewer.pk, "n": "guess"})
    _gone(client, f"/review/{forged}/")


def test_a_client_link_reaches_no_desk_page(client, invite, client_brand):
    _, path = invite()
    client.get(path)
    # Anonymous as before the link: the desk's pages and the API stay closed.
    assert client.get(f"/b/{client_brand.slug}/calendar/").status_code in (302, 404)
    assert client.get(f"/api/brands/{client_brand.slug}/posts/").status_code in (401, 403)


@pytest.mark.parametrize("language", ["fr"])
def test_the_review_page_speaks_french(client, invite, awaiting, language):
    awaiting()
    _, path = invite()
    page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Demander des modifications" in page


# --- the owner's evidence --------------------------------------------------------------------
def test_the_owner_exports_the_audit_trail_as_safe_csv(client, invite, awaiting, owner):
    post = awaiting()
    _, path = invite(name="=HYPERLINK(1)")
    client.get(path, HTTP_USER_AGENT="UA")
    client.force_login(owner)
    response = client.get("/b/brand-a/clients/audit.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["When (UTC)", "Reviewer", "Email", "Post", "Action", "Content fingerprint", "Comment",
                       "IP address", "Browser"]  # fmt: skip
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][3] == str(post.pk) and rows[1][4] == "Viewed"
    assert rows[1][7] == "127.0.0.1" and rows[1][8] == "UA"
