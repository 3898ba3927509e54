"""The crisis room's writes: an incident opened, worked and closed, every action on its timeline.

Opening an incident pauses the brand's publishing through the engine's own pause (one home for
the pause: whoever moves it only changes the import here). The room then answers in two ways:

- a holding statement, approved by a manager, becomes an ordinary approved post scheduled now,
  created by the posts services (so the networks' limits and the brand's approval rules hold)
  and sent by the engine, exactly once per network, through the pause (publishing/rules.py
  says why). The statement row is locked while its post is made: a second approval finds the
  post and sends nothing;
- replies, through the inbox (inbox.services.reply_create, sent once by inbox/sending.py); a
  mention read on a network the brand is connected to is first opened as an inbox conversation.

Closing writes the summary management reads (listening.selectors.incident_summary), kept on the
incident; the pause is lifted then only if the manager asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Brand, Membership, User
from accounts.permissions import can, membership_of, require_member
from accounts.roles import Perm
from core.exceptions import Forbidden
from inbox.models import Conversation, Message, Reply
from inbox.services import message_hide, messages_store, reply_create
from listening import selectors
from listening.models import Alert, Incident, IncidentAction, IncidentEvent, Mention, Statement
from networks.capabilities.conversations import Author, InboundMessage, MessageAction, MessageKind
from networks.models import AccountStatus, NetworkAccount
from posts import workflow
from posts.content import PostContent
from posts.models import Post
from posts.services import post_create, post_schedule
from posts.workflow import WorkflowError
from publishing.pause import brand_pause, brand_resume, is_paused

MAX_WORDS = 10
MAX_STATEMENT = 5000


def record(incident: Incident, actor, action: str, detail: str = "") -> IncidentEvent:
    return IncidentEvent.objects.create(incident=incident, actor=actor, action=action, detail=detail[:1000])


def _open(incident: Incident) -> Incident:
    """The incident re-read under a row lock, if it is still open."""
    incident = Incident.objects.select_for_update().select_related("brand").get(pk=incident.pk)
    if not incident.is_open:
        raise WorkflowError(_("This incident is closed."))
    return incident


def clean_words(text: str) -> list[str]:
    """Words or phrases, one per comma or line, as typed (lower case), each once."""
    words = [" ".join(part.split()).lower() for part in text.replace("\n", ",").split(",")]
    words = list(dict.fromkeys(word[:100] for word in words if word))
    if not words:
        raise ValidationError({"words": _("Give at least one word the incident is about.")})
    if len(words) > MAX_WORDS:
        raise ValidationError({"words": _("Give at most %(count)d words.") % {"count": MAX_WORDS}})
    return words


# --- opening, assigning, closing ----------------------------------------------------------------
@transaction.atomic
def incident_open(*, brand: Brand, user: User, title: str, words: str, alert: Alert | None = None) -> Incident:
    """Open the room and pause the brand's publishing, both on the timeline."""
    require_member(user, brand, Perm.CRISIS)
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ValidationError({"title": _("Give the incident a title.")})
    cleaned = clean_words(words)
    if alert is not None and alert.brand_id != brand.pk:
        raise ValidationError({"alert": _("This alert is not this brand's.")})
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal leaves the caller's transaction usable
            incident = Incident.objects.create(brand=brand, title=title, words=cleaned, alert=alert, opened_by=user)
    except IntegrityError:
        raise WorkflowError(_("An incident is already open for this brand: work in its room.")) from None
    record(incident, user, IncidentAction.OPENED, alert.why() if alert else "")
    reason = _("Crisis: %(title)s") % {"title": title}
    brand_pause(brand=brand, user=user, reason=reason)
    record(incident, user, IncidentAction.PAUSED, reason)
    return incident


def open_incident(brand: Brand) -> Incident | None:
    return Incident.objects.filter(brand=brand, closed_at__isnull=True).first()


@transaction.atomic
def incident_assign(*, incident: Incident, user: User, assignee: User | None) -> Incident:
    """Managers give the incident to anyone of the brand; those who act in the room take it."""
    membership = require_member(user, incident.brand, Perm.LISTEN)
    if assignee is not None and assignee != user and not can(membership, Perm.CRISIS):
        raise Forbidden(_("Only a manager may give the incident to someone else."))
    if assignee is not None and not Membership.objects.filter(user=assignee, brand=incident.brand).exists():
        raise ValidationError({"assignee": _("Choose a member of this brand.")})
    incident = _open(incident)
    incident.assignee = assignee
    incident.save(update_fields=["assignee"])
    record(incident, user, IncidentAction.ASSIGNED, str(assignee) if assignee else _("nobody"))
    return incident


@transaction.atomic
def incident_close(*, incident: Incident, user: User, resume: bool) -> Incident:
    """Close the room, keep its summary, and lift the pause if the manager says so."""
    require_member(user, incident.brand, Perm.CRISIS)
    incident = _open(incident)
    now = timezone.now()
    incident.closed_at, incident.closed_by = now, user
    record(incident, user, IncidentAction.CLOSED)
    if resume and is_paused(incident.brand):
        overdue = brand_resume(brand=incident.brand, user=user)
        waiting = ngettext(
            "%(count)d post due meanwhile waits on the overdue list.",
            "%(count)d posts due meanwhile wait on the overdue list.",
            overdue,
        )
        detail = waiting % {"count": overdue} if overdue else ""
        record(incident, user, IncidentAction.RESUMED, detail)
    incident.summary = selectors.incident_summary(incident, until=now)
    incident.save(update_fields=["closed_at", "closed_by", "summary"])
    return incident


# --- holding statements ---------------------------------------------------------------------------
@transaction.atomic
def statement_write(*, incident: Incident, user: User, text: str) -> Statement:
    require_member(user, incident.brand, Perm.LISTEN)
    incident = _open(incident)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the statement.")})
    if len(text) > MAX_STATEMENT:
        raise ValidationError(
            {"text": _("The statement is too long (%(limit)s characters at most).") % {"limit": MAX_STATEMENT}}
        )
    statement = Statement.objects.create(incident=incident, text=text, written_by=user)
    record(incident, user, IncidentAction.STATEMENT_WRITTEN, text)
    return statement


@transaction.atomic
def statement_approve(*, statement: Statement, user: User, accounts: Sequence[NetworkAccount]) -> Post | None:
    """Publish the statement at once on `accounts`, through the engine, exactly once.

    The post is created and approved by the posts services, in this transaction, under the
    statement's row lock: a second approval waits for the first, then finds its post. In a brand
    that asks two approvals for its statements (posts.workflow.approvals_needed), the first is
    kept and nothing goes out (None) until someone else approves.
    """
    incident = statement.incident
    require_member(user, incident.brand, Perm.CRISIS)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.post_id is not None:
        raise WorkflowError(_("This statement is already approved and published."))
    incident = _open(incident)
    if not accounts:
        raise ValidationError({"accounts": _("Choose at least one network to publish on.")})
    needed = workflow.approvals_needed(incident.brand, crisis_statement=True)
    earlier = [statement.first_approved_by_id] if statement.first_approved_by_id else []
    if not workflow.approval_completes(needed=needed, earlier=earlier, user=user):
        statement.first_approved_by, statement.first_approved_at = user, timezone.now()
        statement.save(update_fields=["first_approved_by", "first_approved_at"])
        record(incident, user, IncidentAction.STATEMENT_FIRST_APPROVAL, statement.text)
        return None
    author = statement.written_by if _writes(statement.written_by, incident.brand) else user
    content = PostContent(text=statement.text, accounts=accounts, scheduled_at=timezone.now())
    post = post_create(brand=incident.brand, author=author, content=content)
    try:
        post = post_schedule(post=post, user=user)
    except PermissionDenied as refusal:  # the brand's approval rules (own post, named approvers)
        raise WorkflowError(str(refusal)) from None
    statement.post, statement.approved_by, statement.approved_at = post, user, timezone.now()
    statement.save(update_fields=["post", "approved_by", "approved_at"])
    networks = ", ".join(str(account) for account in accounts)
    record(incident, user, IncidentAction.STATEMENT_APPROVED, f"{networks}: {statement.text}")
    return post


def _writes(user: User | None, brand: Brand) -> bool:
    return user is not None and can(membership_of(user, brand), Perm.WRITE)


def statement_accounts(brand: Brand) -> list[NetworkAccount]:
    """The accounts a statement may go out on: the brand's connected ones."""
    return list(NetworkAccount.objects.filter(brand=brand, status=AccountStatus.CONNECTED).order_by("network", "pk"))


# --- answering ------------------------------------------------------------------------------------
def answering_account(mention: Mention) -> NetworkAccount | None:
    """The brand's connected account that can answer `mention` where it was said, if any: the
    account whose search found it first (a Mastodon status id is its instance's own), else any."""
    if not mention.remote_id:
        return None
    accounts = NetworkAccount.objects.filter(
        brand_id=mention.brand_id, network=mention.network, status=AccountStatus.CONNECTED
    ).order_by("pk")
    finder = mention.source.account_id if mention.source else None
    ranked = sorted(accounts, key=lambda account: account.pk != finder)
    return next((account for account in ranked if account.adapter_class.offers(MessageAction.REPLY)), None)


@transaction.atomic
def mention_open_conversation(*, mention: Mention, user: User, incident: Incident | None = None) -> Conversation:
    """The mention as an inbox conversation (made once: a second call finds it)."""
    require_member(user, mention.brand, Perm.LISTEN)
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    if mention.conversation_id is not None:
        return mention.conversation  # type: ignore[return-value]
    account = answering_account(mention)
    if account is None:
        raise WorkflowError(
            _("This mention cannot be answered from the desk (no connected account on its network): open its link.")
        )
    said = InboundMessage(
        remote_id=mention.remote_id,
        text=mention.text,
        author=Author(handle=mention.author or "?"),
        created_at=mention.published_at,
        url=mention.url,
        kind=MessageKind.MENTION,
    )
    messages_store(account=account, messages=[said])
    message = Message.objects.select_related("conversation").get(account=account, remote_id=mention.remote_id[:300])
    mention.conversation = message.conversation
    mention.save(update_fields=["conversation"])
    if incident is not None:
        record(_open(incident), user, IncidentAction.CONVERSATION_OPENED, mention.text[:300])
    return message.conversation


@transaction.atomic
def incident_reply(*, incident: Incident | None, conversation: Conversation, user: User, text: str) -> Reply:
    """A reply from the room (or the mentions page), sent once by inbox/sending.py."""
    room = _open(incident) if incident is not None else None
    reply = reply_create(conversation=conversation, user=user, text=text)
    if room is not None:
        record(room, user, IncidentAction.REPLY, f"{conversation.last_author}: {reply.text}")
    return reply


@transaction.atomic
def mention_reply(*, mention: Mention, user: User, text: str, incident: Incident | None = None) -> Reply:
    conversation = mention_open_conversation(mention=mention, user=user, incident=incident)
    return incident_reply(incident=incident, conversation=conversation, user=user, text=text)


def incident_hide(*, incident: Incident, message: Message, user: User, reason: str) -> Message:
    """Hide a message on its network (the inbox's moderation), written on the timeline."""
    if not incident.is_open:
        raise WorkflowError(_("This incident is closed."))
    message = message_hide(message=message, user=user, reason=reason)
    record(incident, user, IncidentAction.HIDDEN, f"{message.author_handle}: {reason.strip()[:300]}")
    return message
