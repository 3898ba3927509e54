"""The API's brand routes in the permission matrix.

tests/test_permission_matrix.py runs these rows with a signed-in session (the browser's way);
tests/api/test_api_matrix.py runs them again with personal tokens and JSON, and checks that an
allowed role gets exactly `expect`.
"""

from dataclasses import dataclass

from posts.models import PostState
from tests.api import builders as b
from tests.matrix import EVERYONE, OWNERS, REVIEWERS, WRITERS, Case


@dataclass(frozen=True)
class ApiCase(Case):
    expect: int = 200  # the status an allowed role gets
    format: str = "json"


def brand_kwargs(brand, people):
    return {"brand_slug": brand.slug}


def post_kwargs(state=PostState.DRAFT, **fields):
    def build(brand, people):
        return {"brand_slug": brand.slug, "pk": b.post(brand, people, state=state, **fields).pk}

    return build


def _account_kwargs(brand, people):
    return {"brand_slug": brand.slug, "pk": b.account(brand).pk}


def _media_kwargs(brand, people):
    return {"brand_slug": brand.slug, "pk": b.media(brand, people).pk}


def _new_post(brand, people):
    return {"text": "Soldes d'hiver !", "targets": [{"account": b.account(brand).pk}]}


def _webhook_kwargs(brand, people):
    return {"brand_slug": brand.slug, "pk": b.webhook(brand, people).pk}


def _events_range(brand, people):
    return {"start": "2026-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}


CASES = [
    ApiCase("api:brand_detail", EVERYONE),
    ApiCase("api:brand_pause", REVIEWERS, method="post", data=lambda brand, people: {"reason": "Bad buzz"}),
    ApiCase("api:brand_resume", REVIEWERS, method="post"),
    ApiCase("api:account_list", EVERYONE),
    ApiCase(
        "api:account_list",
        OWNERS,
        method="post",
        data=lambda brand, people: {"network": "webfeed", "data": {"title": "Brand A news"}},
        expect=201,
    ),
    ApiCase("api:account_detail", EVERYONE, kwargs=_account_kwargs),
    ApiCase("api:media_list", EVERYONE),
    ApiCase(
        "api:media_list",
        WRITERS,
        method="post",
        data=lambda brand, people: {"file": b.png_upload(), "alt_text": "A red square"},
        expect=201,
        format="multipart",
    ),
    ApiCase("api:media_detail", EVERYONE, kwargs=_media_kwargs),
    ApiCase(
        "api:media_detail",
        WRITERS,
        kwargs=_media_kwargs,
        method="patch",
        data=lambda brand, people: {"alt_text": "A red square"},
    ),
    ApiCase("api:campaign_list", EVERYONE),
    ApiCase("api:event_list", EVERYONE, data=_events_range),
    ApiCase("api:post_list", EVERYONE),
    ApiCase("api:post_list", WRITERS, method="post", data=_new_post, expect=201),
    ApiCase("api:post_detail", EVERYONE, kwargs=post_kwargs()),
    ApiCase(
        "api:post_detail",
        WRITERS,
        kwargs=post_kwargs(),
        method="patch",
        data=lambda brand, people: {"version": 1, "text": "Texte revu."},
    ),
    ApiCase(
        "api:post_detail",
        WRITERS,
        kwargs=post_kwargs(),
        method="put",
        data=lambda brand, people: {"version": 1, "text": "Texte revu.", "targets": [{"account": b.account(brand).pk}]},
    ),
    ApiCase("api:post_detail", WRITERS, kwargs=post_kwargs(), method="delete", expect=204),
    ApiCase("api:post_submit", WRITERS, kwargs=post_kwargs(), method="post"),
    ApiCase("api:post_approve", REVIEWERS, kwargs=post_kwargs(PostState.IN_REVIEW), method="post"),
    ApiCase(
        "api:post_request_changes",
        REVIEWERS,
        kwargs=post_kwargs(PostState.IN_REVIEW),
        method="post",
        data=lambda brand, people: {"comment": "Plus court, s'il vous plaît."},
    ),
    # In a brand that needs approval, scheduling is approving: managers and owners only.
    ApiCase("api:post_schedule", REVIEWERS, kwargs=post_kwargs(PostState.IN_REVIEW), method="post"),
    ApiCase(
        "api:post_reschedule",
        WRITERS,
        kwargs=post_kwargs(),
        method="post",
        data=lambda brand, people: {"scheduled_at": b.soon(48)},
    ),
    ApiCase("api:post_unschedule", WRITERS, kwargs=post_kwargs(), method="post"),
    ApiCase("api:post_publish_now", REVIEWERS, kwargs=post_kwargs(PostState.APPROVED), method="post"),
    ApiCase("api:comment_list", EVERYONE, kwargs=post_kwargs()),
    ApiCase(
        "api:comment_list",
        EVERYONE,
        kwargs=post_kwargs(),
        method="post",
        data=lambda brand, people: {"text": "Bravo @editor@a.example"},
        expect=201,
    ),
    ApiCase("api:webhook_list", OWNERS),
    ApiCase(
        "api:webhook_list",
        OWNERS,
        method="post",
        data=lambda brand, people: {"url": "http://127.0.0.1:9/hook", "events": ["post.published", "post.failed"]},
        expect=201,
    ),
    ApiCase("api:webhook_detail", OWNERS, kwargs=_webhook_kwargs),
    ApiCase("api:webhook_detail", OWNERS, kwargs=_webhook_kwargs, method="delete", expect=204),
]


# --- the inbox: viewers read and write notes; editors reply and triage; managers give, approve, moderate
def _conversation_kwargs(brand, people):
    from tests.inbox.matrix import conversation_kwargs

    return conversation_kwargs(brand, people)


def _reply_kwargs(brand, people):
    from tests.inbox.matrix import reply_kwargs

    return {"brand_slug": brand.slug, "pk": reply_kwargs(brand, people)["pk"]}


def _message_kwargs(brand, people):
    from tests.inbox.matrix import moderate_kwargs

    return {"brand_slug": brand.slug, "pk": moderate_kwargs(brand, people)["pk"]}


def _rule_kwargs(brand, people):
    from tests.inbox.matrix import rule_kwargs

    return rule_kwargs(brand, people)


CASES += [
    ApiCase("api:conversation_list", EVERYONE),
    ApiCase("api:conversation_detail", EVERYONE, kwargs=_conversation_kwargs),
    ApiCase("api:message_list", EVERYONE, kwargs=_conversation_kwargs),
    ApiCase("api:reply_list", EVERYONE, kwargs=_conversation_kwargs),
    ApiCase(
        "api:reply_list",
        WRITERS,
        kwargs=_conversation_kwargs,
        method="post",
        data=lambda b, p: {"text": "Merci !"},
        expect=201,
    ),
    ApiCase("api:note_list", EVERYONE, kwargs=_conversation_kwargs),
    ApiCase(
        "api:note_list",
        EVERYONE,
        kwargs=_conversation_kwargs,
        method="post",
        data=lambda b, p: {"text": "Vu"},
        expect=201,
    ),
    ApiCase(  # nobody: a manager's, unless one gives back what one holds
        "api:conversation_assign",
        REVIEWERS,
        kwargs=_conversation_kwargs,
        method="post",
        data=lambda b, p: {},  # no assignee: nobody
    ),
    ApiCase(
        "api:conversation_assign",
        REVIEWERS,
        kwargs=_conversation_kwargs,
        method="post",
        data=lambda b, p: {"assignee": p["manager"].pk},
    ),
    ApiCase(
        "api:conversation_move",
        WRITERS,
        kwargs=_conversation_kwargs,
        method="post",
        data=lambda b, p: {"move": "resolve"},
    ),
    ApiCase(
        "api:conversation_tags",
        WRITERS,
        kwargs=_conversation_kwargs,
        method="post",
        data=lambda b, p: {"tags": ["sav"]},
    ),
    ApiCase(
        "api:conversation_priority",
        WRITERS,
        kwargs=_conversation_kwargs,
        method="post",
        data=lambda b, p: {"priority": 2},
    ),
    ApiCase("api:reply_approve", REVIEWERS, kwargs=_reply_kwargs, method="post"),
    ApiCase(
        "api:reply_decline", REVIEWERS, kwargs=_reply_kwargs, method="post", data=lambda b, p: {"reason": "Trop sec"}
    ),
    ApiCase(
        "api:message_hide", REVIEWERS, kwargs=_message_kwargs, method="post", data=lambda b, p: {"reason": "Insulte"}
    ),
    ApiCase(
        "api:message_delete", REVIEWERS, kwargs=_message_kwargs, method="post", data=lambda b, p: {"reason": "Spam"}
    ),
    ApiCase(
        "api:message_sentiment",
        WRITERS,
        kwargs=_message_kwargs,
        method="post",
        data=lambda b, p: {"sentiment": "negative"},
    ),
    ApiCase("api:triage_rule_list", REVIEWERS),
    ApiCase(
        "api:triage_rule_list",
        REVIEWERS,
        method="post",
        data=lambda b, p: {"name": "Devis", "keyword": "devis", "tag": "Devis"},
        expect=201,
    ),
    ApiCase("api:triage_rule_detail", REVIEWERS, kwargs=_rule_kwargs),
    ApiCase(
        "api:triage_rule_detail", REVIEWERS, kwargs=_rule_kwargs, method="patch", data=lambda b, p: {"keyword": "pub"}
    ),
    ApiCase("api:triage_rule_detail", REVIEWERS, kwargs=_rule_kwargs, method="delete", expect=204),
]


CASES += [
    ApiCase("api:analytics", EVERYONE),
    ApiCase("api:analytics", EVERYONE, data=lambda b, p: {"start": "2026-01-01", "end": "2026-01-31", "campaign": 0}),
]


# --- the crisis room's incidents: read-only, every member reads them (as the room's page)
def _incident_kwargs(brand, people):
    from tests.listening.matrix import _room

    return _room(brand, people)


CASES += [
    ApiCase("api:incident_list", EVERYONE),
    ApiCase("api:incident_detail", EVERYONE, kwargs=_incident_kwargs),
]
