"""LinkedIn's read side against the local LinkedIn: comments on the page's posts (the
conversations contract), share statistics and followers (the metrics contract), and what is
LinkedIn's own (Rest.li paging and URNs, nested replies, a page's numbers only)."""

import json
import uuid

import pytest

from networks.base import ErrorKind, PublishError
from networks.capabilities.conversations import MessageKind
from networks.capabilities.metrics import GapReason, Metric
from networks.linkedin.adapter import LINKEDIN_METRICS
from tests.networks.conversations_contract import ConversationsContract, ConversationsSetup, read_all
from tests.networks.metrics_contract import MetricsContract, MetricsSetup
from tests.networks.test_linkedin import linkedin as linkedin  # noqa: F401 — the local LinkedIn
from tests.networks.test_linkedin import member as member  # noqa: F401 — a member's account
from tests.networks.test_linkedin import organization as organization  # noqa: F401 — a page's account

SOCIAL_ACTIONS = "/rest/socialActions/"
STATISTICS = "/rest/organizationalEntityShareStatistics"
CLAIRE = "urn:li:person:claire01"


def publish(account, text=None):
    return account.adapter().publish(text=text or f"Post {uuid.uuid4().hex[:8]}", media=[], key="k").remote_id


class TestLinkedInConversations(ConversationsContract):
    network = "linkedin"

    @pytest.fixture
    def conversations(self, linkedin, organization):  # noqa: F811
        def receive(text, in_reply_to="", at=None):
            return linkedin.comment_as(CLAIRE, in_reply_to, text, created_at=at)

        return ConversationsSetup(
            account=organization,
            our_post=lambda text: publish(organization, text),
            receive=receive,
            page_size=100,
            exists=linkedin.comment_exists,
            failures={
                ErrorKind.RETRY: lambda: linkedin.fail_next(429, path=SOCIAL_ACTIONS),
                ErrorKind.RECONNECT: lambda: linkedin.fail_next(401, path="/rest/posts"),
            },
            malformed=lambda: linkedin.garble_next(path=SOCIAL_ACTIONS),
            secrets=[organization.credentials["access_token"], "li-secret-value"],
            reads_mentions=False,
            reply_kind=MessageKind.COMMENT,
        )

    @pytest.fixture(autouse=True)
    def a_post_to_read(self, conversations):
        """LinkedIn reads comments under posts: the failure tests need one to read."""
        conversations.our_post("Bienvenue")


class TestLinkedInMetrics(MetricsContract):
    network = "linkedin"

    @pytest.fixture
    def metrics(self, linkedin, organization):  # noqa: F811
        def post(counts):
            urn = publish(organization)
            linkedin.set_statistics(urn, **{LINKEDIN_METRICS[metric]: value for metric, value in counts.items()})
            return urn

        def rename(metric):
            linkedin.renamed_statistics[LINKEDIN_METRICS[metric]] = f"{LINKEDIN_METRICS[metric]}V2"

        def set_followers(count):
            linkedin.followers = count

        return MetricsSetup(
            account=organization,
            post=post,
            delete=linkedin.delete_post,
            set_followers=set_followers,
            rename=rename,
            garble_next=lambda: linkedin.garble_next(path=STATISTICS),
            failures={
                ErrorKind.RETRY: lambda: linkedin.fail_next(429, path=STATISTICS),
                ErrorKind.RECONNECT: lambda: linkedin.fail_next(401, path=STATISTICS),
            },
            secrets=[organization.credentials["access_token"], "li-secret-value"],
        )


def test_comments_are_paged_with_start_and_count_and_the_urns_encoded(linkedin, organization):  # noqa: F811
    post = publish(organization)
    comments = [linkedin.comment_as(CLAIRE, post, f"Commentaire {n}") for n in range(130)]
    messages, cursor = read_all(organization.adapter())
    assert sorted(m.remote_id for m in messages) == sorted(comments)
    pages = linkedin.requests_to("GET", SOCIAL_ACTIONS)
    assert [r.query["start"] for r in pages] == ["0", "100"] and all(r.query["count"] == "100" for r in pages)
    assert pages[0].route == "/rest/socialActions/urn%3Ali%3Ashare%3A" + post.rsplit(":", 1)[1] + "/comments"
    assert all(r.header("Linkedin-Version") and r.header("X-Restli-Protocol-Version") == "2.0.0" for r in pages)
    assert list(json.loads(cursor)) == ["marks"]


def test_a_nested_reply_comes_with_the_thread_and_answers_its_comment(linkedin, organization):  # noqa: F811
    post = publish(organization)
    question = linkedin.comment_as(CLAIRE, post, "Des offres ?")
    answer = organization.adapter().reply(to=question, text="Oui, voyez notre page carrières.", key="k")
    sent = linkedin.requests_to("POST", SOCIAL_ACTIONS)[-1].json
    assert sent["parentComment"] == question and sent["actor"] == "urn:li:organization:2414183"
    thread = {m.remote_id: m for m in organization.adapter().read_thread(root_id=post)}
    assert thread[answer.remote_id].ours and thread[answer.remote_id].kind == MessageKind.REPLY
    assert thread[question].kind == MessageKind.COMMENT and thread[question].author.handle == CLAIRE


def test_an_edited_comment_says_when_and_a_deleted_post_ends_its_walk(linkedin, organization):  # noqa: F811
    kept, gone = publish(organization), publish(organization)
    edited = linkedin.comment_as(CLAIRE, kept, "Premier jet")
    linkedin.comment_as(CLAIRE, gone, "Sous un post supprimé")
    linkedin.edit_comment(edited, "Version corrigée")
    linkedin.delete_post(gone)
    messages = {m.remote_id: m for m in read_all(organization.adapter())[0]}
    assert list(messages) == [edited]
    assert messages[edited].text == "Version corrigée" and messages[edited].edited_at is not None


def test_a_members_numbers_are_not_available_rather_than_zero(linkedin, member):  # noqa: F811
    urn = publish(member)
    counters = member.adapter().read_post_metrics(remote_ids=[urn])[urn]
    assert counters.values == {} and {g.reason for g in counters.gaps.values()} == {GapReason.UNSUPPORTED}
    assert member.adapter().read_account_metrics().gaps[Metric.FOLLOWERS].reason == GapReason.UNSUPPORTED
    assert linkedin.requests_to("GET", STATISTICS) == []


def test_statistics_are_asked_for_a_batch_with_restli_list_syntax(linkedin, organization):  # noqa: F811
    urns = [publish(organization) for _ in range(3)]
    organization.adapter().read_post_metrics(remote_ids=urns)
    (asked,) = linkedin.requests_to("GET", STATISTICS)
    assert asked.query["shares"] == f"List({','.join(urns)})"
    assert "List(urn%3Ali%3Ashare%3A" in asked.path


def test_a_throttled_read_waits_as_long_as_linkedin_says_else_five_minutes(linkedin, organization):  # noqa: F811
    publish(organization)
    linkedin.fail_next(429, path=SOCIAL_ACTIONS)
    with pytest.raises(PublishError) as caught:
        read_all(organization.adapter())
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 300
    linkedin.fail_next(429, path=SOCIAL_ACTIONS, headers={"Retry-After": "42"})
    with pytest.raises(PublishError) as caught:
        read_all(organization.adapter())
    assert caught.value.retry_after == 42


def test_a_page_connected_without_the_reading_scope_is_told_to_reconnect(linkedin, organization):  # noqa: F811
    publish(organization)
    linkedin.fail_next(403, path=SOCIAL_ACTIONS)  # ACCESS_DENIED: the token lacks r_organization_social
    with pytest.raises(PublishError) as caught:
        read_all(organization.adapter())
    assert caught.value.kind == ErrorKind.RECONNECT and "reconnect the account" in caught.value.message
