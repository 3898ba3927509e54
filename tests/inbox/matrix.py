"""The inbox's pages in the permission matrix (tests/test_permission_matrix.py): viewers read and
write notes; editors (and up) reply, tag, prioritise, change the state and take a conversation;
managers (and up) give it to someone else, approve replies, hide and delete; owners set the
inbox's rules."""

from inbox.models import Conversation, Reply, ReplyState, SavedReply, TriageRule
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, published_target, store
from tests.matrix import EVERYONE, OWNERS, REVIEWERS, WRITERS, Case


def _conversation(brand):
    account = NetworkAccountFactory(brand=brand, network="fake")
    target = published_target(account)
    store(account, inbound("Bonjour", in_reply_to=target.remote_id))
    return Conversation.objects.filter(account=account).get()


def conversation_kwargs(brand, people):
    return {"brand_slug": brand.slug, "pk": _conversation(brand).pk}


def move_kwargs(brand, people):
    return {**conversation_kwargs(brand, people), "move": "resolve"}


def reply_kwargs(brand, people):
    conversation = _conversation(brand)
    reply = Reply.objects.create(
        conversation=conversation,
        in_reply_to=conversation.messages.get(),
        author=people["editor"],
        text="Bonjour !",
        state=ReplyState.AWAITING_APPROVAL,
    )
    return {"brand_slug": brand.slug, "pk": reply.pk, "decision": "decline"}


def moderate_kwargs(brand, people):
    return {"brand_slug": brand.slug, "pk": _conversation(brand).messages.get().pk, "action": "hide"}


def message_kwargs(brand, people):
    return {"brand_slug": brand.slug, "pk": _conversation(brand).messages.get().pk}


def rule_kwargs(brand, people):
    rule = TriageRule.objects.create(brand=brand, name="Spam", keyword="promo", mark_spam=True)
    return {"brand_slug": brand.slug, "pk": rule.pk}


def saved_kwargs(brand, people):
    saved = SavedReply.objects.create(brand=brand, title="Merci", language="fr", text="Merci {prénom} !")
    return {"brand_slug": brand.slug, "pk": saved.pk}


def _saved_form(brand, people):
    return {"title": "Bonjour", "language": "fr", "text": "Bonjour {prénom}"}


CASES = [
    Case("inbox:list", EVERYONE),
    Case("inbox:conversation", EVERYONE, kwargs=conversation_kwargs),
    Case("inbox:saved_replies", REVIEWERS),
    Case("inbox:saved_replies", REVIEWERS, method="post", data=_saved_form),
    Case("inbox:saved_reply", REVIEWERS, kwargs=saved_kwargs),
    Case("inbox:saved_reply_delete", REVIEWERS, kwargs=saved_kwargs, method="post"),
    Case("inbox:settings", OWNERS),
    Case("inbox:settings", OWNERS, method="post", data=lambda b, p: {"replies_need_approval": "on"}),
    Case("inbox:rules", REVIEWERS),
    Case("inbox:rules", REVIEWERS, method="post", data=lambda b, p: {"name": "Devis", "keyword": "devis", "tag": "x"}),
    Case("inbox:rule_delete", REVIEWERS, kwargs=rule_kwargs, method="post"),
    Case("inbox:note", EVERYONE, kwargs=conversation_kwargs, method="post", data=lambda b, p: {"text": "Vu"}),
    Case("inbox:assign", WRITERS, kwargs=conversation_kwargs, method="post", data=lambda b, p: {"assignee": "me"}),
    Case(
        "inbox:assign",
        REVIEWERS,
        kwargs=conversation_kwargs,
        method="post",
        data=lambda b, p: {"assignee": str(p["manager"].pk)},
    ),
    Case("inbox:move", WRITERS, kwargs=move_kwargs, method="post"),
    Case("inbox:tags", WRITERS, kwargs=conversation_kwargs, method="post", data=lambda b, p: {"tags": "sav"}),
    Case("inbox:priority", WRITERS, kwargs=conversation_kwargs, method="post", data=lambda b, p: {"priority": "2"}),
    Case("inbox:reply", WRITERS, kwargs=conversation_kwargs, method="post", data=lambda b, p: {"text": "Merci !"}),
    Case("inbox:reply_decide", REVIEWERS, kwargs=reply_kwargs, method="post"),
    Case(
        "inbox:sentiment",
        WRITERS,
        kwargs=message_kwargs,
        method="post",
        data=lambda b, p: {"sentiment": "negative"},
    ),
    Case("inbox:moderate", REVIEWERS, kwargs=moderate_kwargs, method="post", data=lambda b, p: {"reason": "Spam"}),
]
