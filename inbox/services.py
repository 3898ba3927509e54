"""Every write of the inbox: typed, keyword-only `<thing>_<action>` functions.

People's actions check the acting user's permission themselves (pages and API share the rule)
and raise Forbidden (403), ValidationError with a field (400) or WorkflowError when the
conversation's state forbids it now (409). `messages_store` is the desk's own: what the pollers
(and, later, webhooks) read from networks goes in through it, idempotently.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Brand, Membership, User
from accounts.permissions import can, membership_of, require_member
from accounts.roles import Perm
from core import sentiment
from core.exceptions import Forbidden
from inbox import saved_replies, states, triage
from inbox.models import (
    Conversation,
    ConversationState,
    Event,
    EventKind,
    InboxSettings,
    Message,
    Note,
    Priority,
    Reply,
    ReplyState,
    SavedReply,
    Tag,
    TriageRule,
)
from networks.base import PublishError
from networks.capabilities.conversations import InboundMessage, MessageAction, web_address
from networks.models import NetworkAccount
from networks.registry import adapter_classes
from notifications.models import NotificationKind
from notifications.services import mentioned_members, notify
from posts.models import PostTarget
from posts.workflow import WorkflowError
from publishing.pause import is_paused

logger = logging.getLogger(__name__)

MAX_TAGS = 20
MAX_NOTE = 5000


def record_event(conversation: Conversation, actor, kind: str, *, before="", after="", detail="") -> Event:
    before, after = str(before)[:200], str(after)[:200]
    return Event.objects.create(
        conversation=conversation, actor=actor, kind=kind, before=before, after=after, detail=detail
    )


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().select_related("brand").get(pk=conversation.pk)


# --- storing what the networks say -----------------------------------------------------------------
@dataclass
class Stored:
    """What one call of messages_store changed."""

    created: int = 0
    conversations: set[int] = field(default_factory=set)
    # Our posts whose threads got a new message: the poller reads those threads whole.
    post_roots: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Root:
    remote_id: str
    kind: str
    target_id: int | None = None


def messages_store(*, account: NetworkAccount, messages: Sequence[InboundMessage]) -> Stored:
    """Store messages read from `account`'s network, each once, in their conversations.

    Idempotent: a message already stored (unique per account and remote id) is not stored
    again, so the same page read twice, or by a webhook and a poll, changes nothing the second
    time. Runs in the caller's transaction (the poller's, which also moves the cursor).
    """
    stored = Stored()
    incoming = _latest_copies(messages)
    stored_before = Message.objects.filter(account=account, remote_id__in=list(incoming))
    known = set(stored_before.values_list("remote_id", flat=True))
    _apply_edits(account, [m for m in incoming.values() if m.remote_id in known and m.edited_at])
    fresh = sorted((m for m in incoming.values() if m.remote_id not in known), key=_arrival)
    if not fresh:
        return stored
    roots = _roots_of(account, fresh)
    rules = inbox_settings_for(account.brand)
    triage_rules = list(TriageRule.objects.filter(brand_id=account.brand_id))
    conversations, opened = _conversations_for(account, fresh, roots, rules)
    rows = [
        _message_row(account, m, conversations[roots[m.remote_id].remote_id], triage=bool(triage_rules)) for m in fresh
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    touched = {conversations[roots[m.remote_id].remote_id] for m in fresh}
    touched |= _adopt_earlier_replies(account, fresh, roots, conversations)
    theirs = {conversations[roots[m.remote_id].remote_id] for m in fresh if not m.ours}
    refresh_summaries(touched)
    _reopen(theirs - opened)
    _start_clocks(rules, _earliest_theirs(fresh, roots, conversations), exclude=opened)
    Event.objects.bulk_create(Event(conversation_id=pk, kind=EventKind.OPENED) for pk in sorted(opened))
    if triage_rules:
        _triage(account, [m.remote_id for m in fresh if not m.ours], triage_rules)
    stored.created = len(rows)
    stored.conversations = touched
    stored.post_roots = {root.remote_id for root in roots.values() if root.kind == Conversation.Kind.POST}
    return stored


def _arrival(message: InboundMessage) -> tuple:
    return (message.created_at, message.remote_id)


def _latest_copies(messages: Sequence[InboundMessage]) -> dict[str, InboundMessage]:
    """One copy per remote id (a page may repeat one): the most recently edited."""
    latest: dict[str, InboundMessage] = {}
    for message in messages:
        kept = latest.get(message.remote_id)
        if kept is None or (message.edited_at or message.created_at) > (kept.edited_at or kept.created_at):
            latest[message.remote_id] = message
    return latest


def _apply_edits(account: NetworkAccount, edited: list[InboundMessage]) -> None:
    """A message edited on the network since we stored it: keep its latest words."""
    for message in edited:
        Message.objects.filter(account=account, remote_id=message.remote_id).filter(
            Q(edited_at__isnull=True) | Q(edited_at__lt=message.edited_at)
        ).update(text=message.text, edited_at=message.edited_at)


def _roots_of(account: NetworkAccount, fresh: list[InboundMessage]) -> dict[str, _Root]:
    """The thread each message belongs to: under one of our posts, under a message we hold (or
    one arriving with it), or a mention starting its own conversation."""
    wanted = {m.in_reply_to for m in fresh if m.in_reply_to} | {m.root_id for m in fresh if m.root_id}
    ours = PostTarget.objects.filter(account=account, remote_id__in=wanted).exclude(remote_id="")
    targets = dict(ours.values_list("remote_id", "pk"))
    held = {
        remote_id: _Root(root, kind, target)
        for remote_id, root, kind, target in Message.objects.filter(account=account, remote_id__in=wanted).values_list(
            "remote_id", "conversation__root_remote_id", "conversation__kind", "conversation__root_target_id"
        )
    }
    roots: dict[str, _Root] = {}
    for message in fresh:  # oldest first, so a reply finds the message it answers in this batch
        roots[message.remote_id] = _root_of(message, targets, held)
        held[message.remote_id] = roots[message.remote_id]
    return roots


def _root_of(message: InboundMessage, targets: dict[str, int], held: dict[str, _Root]) -> _Root:
    for candidate in (message.root_id, message.in_reply_to):
        if candidate and candidate in targets:
            return _Root(candidate, Conversation.Kind.POST, targets[candidate])
    for candidate in (message.in_reply_to, message.root_id):
        if candidate and candidate in held:
            return held[candidate]
    # Nothing known above it: a mention, or a reply whose parent has not arrived (yet). Keyed by
    # that parent, so its siblings gather, and the parent adopts them when it comes.
    return _Root(message.root_id or message.in_reply_to or message.remote_id, Conversation.Kind.MENTION)


def _adopt_earlier_replies(
    account: NetworkAccount, fresh: list[InboundMessage], roots: dict[str, _Root], conversations: dict[str, int]
) -> set[int]:
    """Replies that arrived before the message they answer (pages out of order, a parent that
    only the thread read brings) started a conversation keyed by it: it joins the parent's."""
    elsewhere = [m.remote_id for m in fresh if roots[m.remote_id].remote_id != m.remote_id]
    adopted = set()
    for orphan in Conversation.objects.filter(account=account, root_remote_id__in=elsewhere):
        parent = conversations[roots[orphan.root_remote_id].remote_id]
        if orphan.pk != parent:
            _merge(orphan, parent)
            adopted.add(parent)
    return adopted


def _merge(orphan: Conversation, into: int) -> None:
    for model in (Message, Note, Event, Reply):
        model.objects.filter(conversation=orphan).update(conversation_id=into)
    Conversation.objects.get(pk=into).tags.add(*orphan.tags.all())
    orphan.delete()


def _earliest_theirs(
    fresh: list[InboundMessage], roots: dict[str, _Root], conversations: dict[str, int]
) -> dict[int, datetime]:
    earliest: dict[int, datetime] = {}
    for message in fresh:
        if not message.ours:
            pk = conversations[roots[message.remote_id].remote_id]
            earliest[pk] = min(earliest.get(pk, message.created_at), message.created_at)
    return earliest


def _start_clocks(rules: InboxSettings, earliest: dict[int, datetime], *, exclude: set[int]) -> None:
    """Their message in an open conversation nobody was due to answer starts the response clock."""
    waiting = Conversation.objects.filter(
        pk__in=[pk for pk in earliest if pk not in exclude], reply_due_at__isnull=True, state__in=states.OPEN
    ).values_list("pk", flat=True)
    for pk in waiting:
        Conversation.objects.filter(pk=pk).update(reply_due_at=reply_due(rules, earliest[pk]), due_warned_at=None)


def reply_due(rules: InboxSettings, since: datetime) -> datetime | None:
    """When the brand's response target runs out for a message that arrived `since`."""
    return rules.hours().add(since, rules.response_target_minutes * 60)


def _conversations_for(
    account: NetworkAccount, fresh: list[InboundMessage], roots: dict[str, _Root], rules: InboxSettings
) -> tuple[dict[str, int], set[int]]:
    """Conversation id per root remote id, creating the missing ones; and the ids created."""
    wanted = {root.remote_id: root for root in roots.values()}
    existing = _conversation_ids(account, list(wanted))
    first: dict[str, InboundMessage] = {}
    for message in fresh:
        first.setdefault(roots[message.remote_id].remote_id, message)
    new = [
        Conversation(
            brand_id=account.brand_id,
            account=account,
            kind=root.kind,
            root_remote_id=root.remote_id,
            root_target_id=root.target_id,
            last_message_at=first[remote_id].created_at,
            reply_due_at=None if first[remote_id].ours else reply_due(rules, first[remote_id].created_at),
        )
        for remote_id, root in wanted.items()
        if remote_id not in existing
    ]
    if not new:
        return existing, set()
    # Another writer may create the same conversation meanwhile: the unique root keeps one.
    Conversation.objects.bulk_create(new, ignore_conflicts=True)
    everything = _conversation_ids(account, list(wanted))
    return everything, {pk for remote_id, pk in everything.items() if remote_id not in existing}


def _conversation_ids(account: NetworkAccount, roots: list[str]) -> dict[str, int]:
    found = Conversation.objects.filter(account=account, root_remote_id__in=roots)
    return dict(found.values_list("root_remote_id", "pk"))


def _message_row(account: NetworkAccount, message: InboundMessage, conversation_id: int, *, triage: bool) -> Message:
    return Message(
        conversation_id=conversation_id,
        account=account,
        remote_id=message.remote_id,
        ours=message.ours,
        kind=message.kind,
        author_handle=message.author.handle[:200],
        author_name=message.author.name[:200],
        author_avatar_url=web_address(message.author.avatar_url),
        text=message.text,
        created_at=message.created_at,
        edited_at=message.edited_at,
        url=web_address(message.url),
        in_reply_to=message.in_reply_to[:300],
        sentiment="" if message.ours else sentiment.analyse(message.text).label,
        triage_pending=triage and not message.ours,
    )


# --- triage rules, applied once per message stored -------------------------------------------------
def _triage(account: NetworkAccount, remote_ids: list[str], rules: list[TriageRule]) -> None:
    """Apply the brand's rules to the messages this call stored. Only those are still pending:
    a message delivered again was not stored again, and another writer that stored it cleared
    its flag in the same transaction."""
    pending = Message.objects.filter(account=account, remote_id__in=remote_ids, triage_pending=True)
    messages = list(pending.only("pk", "conversation_id", "text", "author_handle", "sentiment"))
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(triage_pending=False)
    for conversation_id, outcome in sorted(triage.outcomes(rules, messages, network=account.network).items()):
        _apply_triage(conversation_id, outcome)


def _apply_triage(conversation_id: int, outcome: triage.Outcome) -> None:
    conversation = Conversation.objects.select_for_update().select_related("brand").get(pk=conversation_id)
    detail = _("Triage rule: %(names)s") % {"names": ", ".join(outcome.rules)}
    before_tags = sorted(conversation.tags.values_list("name", flat=True))
    if outcome.tag_ids:
        conversation.tags.add(*outcome.tag_ids)
        after_tags = sorted(conversation.tags.values_list("name", flat=True))
        if after_tags != before_tags:
            record_event(
                conversation,
                None,
                EventKind.TAGS,
                before=", ".join(before_tags),
                after=", ".join(after_tags),
                detail=detail,
            )
    assignee = _rule_assignee(conversation, outcome.assignee_id)
    if assignee is not None:
        conversation.assignee = assignee
        conversation.state = states.after_assignment(conversation.state, has_assignee=True)
        record_event(conversation, None, EventKind.ASSIGNED, after=assignee, detail=detail)
    if outcome.priority is not None and outcome.priority > conversation.priority:
        before = conversation.get_priority_display()
        conversation.priority = outcome.priority
        record_event(
            conversation,
            None,
            EventKind.PRIORITY,
            before=before,
            after=conversation.get_priority_display(),
            detail=detail,
        )
    spam = outcome.spam and states.after_move(conversation.state, states.Move.SPAM, has_assignee=False)
    if spam:
        record_event(conversation, None, EventKind.STATE, before=conversation.state, after=spam, detail=detail)
        conversation.state, conversation.reply_due_at = spam, None
    conversation.save(update_fields=["assignee", "state", "priority", "reply_due_at"])


def _rule_assignee(conversation: Conversation, user_id: int | None) -> User | None:
    """The rule's assignee, when nobody holds the conversation and they may still answer it."""
    if user_id is None or conversation.assignee_id is not None:
        return None
    membership = Membership.objects.filter(brand=conversation.brand, user_id=user_id).select_related("user").first()
    return membership.user if can(membership, Perm.INBOX_REPLY) and membership is not None else None


@transaction.atomic
def triage_rule_save(*, brand: Brand, user: User, spec: triage.RuleSpec, rule: TriageRule | None = None) -> TriageRule:
    """Write a triage rule (a new one, or `rule` changed); nothing is saved unless all of it holds."""
    require_member(user, brand, Perm.INBOX_ASSIGN)
    errors: dict[str, list[str]] = {}
    name = spec.name.strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Give the rule a name of at most 100 characters.")]
    if not spec.has_condition:
        errors["keyword"] = [_("A rule needs at least one condition: a keyword, an author, a network or a sentiment.")]
    if not spec.has_action:
        errors["tag"] = [_("A rule needs at least one action: a tag, an assignee, a priority or spam.")]
    if spec.network and spec.network not in {adapter.slug for adapter in adapter_classes()}:
        errors["network"] = [_("Choose a network from the list.")]
    if spec.sentiment and spec.sentiment not in [label.value for label in sentiment.Label]:
        errors["sentiment"] = [_("Choose positive, neutral or negative.")]
    if spec.priority is not None and spec.priority not in Priority.values:
        errors["priority"] = [_("Choose a priority from the list.")]
    if len(spec.tag.strip()) > 50:
        errors["tag"] = [_("A tag has at most 50 characters.")]
    assignee = None
    if spec.assignee_id is not None:
        membership = Membership.objects.filter(brand=brand, user_id=spec.assignee_id).select_related("user").first()
        if not can(membership, Perm.INBOX_REPLY) or membership is None:
            errors["assignee"] = [_("This person is not a member of the brand who can answer conversations.")]
        else:
            assignee = membership.user
    if errors:
        raise ValidationError(errors)
    rule = rule or TriageRule(brand=brand, created_by=user)
    rule.name, rule.keyword, rule.author = name, spec.keyword.strip(), spec.author.strip()
    rule.network, rule.sentiment, rule.priority = spec.network, spec.sentiment, spec.priority
    rule.assignee, rule.mark_spam = assignee, spec.mark_spam
    rule.tag = _tag(brand, " ".join(spec.tag.split())) if spec.tag.strip() else None
    rule.full_clean(exclude=["brand", "tag", "assignee", "created_by"])
    rule.save()
    return rule


def triage_rule_delete(*, rule: TriageRule, user: User) -> None:
    require_member(user, rule.brand, Perm.INBOX_ASSIGN)
    rule.delete()


def refresh_summaries(conversation_ids: set[int]) -> None:
    """Recount from the messages themselves, in one statement: exact however often it runs."""
    messages = Message.objects.filter(conversation=OuterRef("pk")).order_by()
    latest = messages.order_by("-created_at", "-pk")
    ours = messages.filter(ours=True).values("conversation")
    latest_theirs = latest.filter(ours=False)
    Conversation.objects.filter(pk__in=conversation_ids).update(
        message_count=Subquery(messages.values("conversation").annotate(n=Count("pk")).values("n")[:1]),
        last_message_at=Subquery(messages.values("conversation").annotate(at=Max("created_at")).values("at")[:1]),
        last_message_text=Subquery(latest.annotate(short=Substr("text", 1, 300)).values("short")[:1]),
        last_author=Subquery(latest.values("author_handle")[:1]),
        sentiment=Coalesce(Subquery(latest_theirs.values("sentiment")[:1]), Value("")),
        first_response_at=Coalesce("first_response_at", Subquery(ours.annotate(at=Min("created_at")).values("at")[:1])),
    )


def _reopen(conversation_ids: set[int]) -> None:
    """Their message brings back what waited for them or was resolved (states.after_their_message)."""
    reopened = list(
        Conversation.objects.filter(
            pk__in=conversation_ids, state__in=[ConversationState.WAITING, ConversationState.RESOLVED]
        ).values_list("pk", "state", "assignee_id")
    )
    events = []
    for pk, state, assignee_id in reopened:
        after = states.after_their_message(state, has_assignee=assignee_id is not None)
        Conversation.objects.filter(pk=pk, state=state).update(state=after, resolved_at=None)
        events.append(Event(conversation_id=pk, kind=EventKind.REOPENED, before=state, after=after))
    Event.objects.bulk_create(events)


# --- a person's actions on a conversation ------------------------------------------------------------
@transaction.atomic
def conversation_assign(*, conversation: Conversation, user: User, assignee: User | None) -> Conversation:
    """Give the conversation to `assignee` (None: nobody). Editors take one themselves and give
    back what they hold; giving it to someone else is a manager's."""
    membership = require_member(user, conversation.brand, Perm.INBOX_TRIAGE)
    conversation = _locked(conversation)
    taking_it = assignee is not None and assignee.pk == user.pk
    giving_back = assignee is None and conversation.assignee_id == user.pk
    if not (taking_it or giving_back) and not can(membership, Perm.INBOX_ASSIGN):
        raise Forbidden(_("Only a manager can give a conversation to someone else."))
    if assignee is not None and not can(membership_of(assignee, conversation.brand), Perm.INBOX_REPLY):
        raise ValidationError({"assignee": _("This person cannot answer this brand's conversations.")})
    if conversation.assignee_id == (assignee.pk if assignee else None):
        return conversation
    before = conversation.assignee
    conversation.assignee = assignee
    conversation.state = states.after_assignment(conversation.state, has_assignee=assignee is not None)
    conversation.save(update_fields=["assignee", "state"])
    record_event(conversation, user, EventKind.ASSIGNED, before=before or "", after=assignee or "")
    return conversation


@transaction.atomic
def conversation_move(*, conversation: Conversation, user: User, move: states.Move) -> Conversation:
    """Wait, resolve, reopen, mark as spam or archive (inbox/states.py says from where)."""
    require_member(user, conversation.brand, Perm.INBOX_TRIAGE)
    conversation = _locked(conversation)
    after = states.after_move(conversation.state, move, has_assignee=conversation.assignee_id is not None)
    if after is None:
        raise WorkflowError(
            _("“%(action)s” is not possible on a conversation that is %(state)s.")
            % {"action": states.MOVES[move].label, "state": conversation.get_state_display().lower()}
        )
    before = conversation.state
    conversation.state = after
    conversation.resolved_at = timezone.now() if after == ConversationState.RESOLVED else None
    # Put aside or waiting for them: nothing is due from us; reopened: the clock starts again.
    opening = after in states.OPEN
    conversation.reply_due_at = reply_due(inbox_settings_for(conversation.brand), timezone.now()) if opening else None
    conversation.due_warned_at = None  # a new clock, a new warning
    conversation.save(update_fields=["state", "resolved_at", "reply_due_at", "due_warned_at"])
    record_event(conversation, user, EventKind.STATE, before=before, after=after)
    return conversation


@transaction.atomic
def conversation_set_tags(*, conversation: Conversation, user: User, names: Sequence[str]) -> Conversation:
    """Replace the conversation's tags; a new name becomes one of the brand's tags."""
    require_member(user, conversation.brand, Perm.INBOX_TRIAGE)
    wanted = _clean_tags(names)
    conversation = _locked(conversation)
    tags = [_tag(conversation.brand, name) for name in wanted]
    before = sorted(t.name for t in conversation.tags.all())
    conversation.tags.set(tags)
    after = sorted(t.name for t in tags)
    if before != after:
        record_event(conversation, user, EventKind.TAGS, before=", ".join(before), after=", ".join(after))
    return conversation


def _clean_tags(names: Sequence[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for name in names:
        name = " ".join(str(name).split())
        if not name:
            continue
        if len(name) > 50:
            raise ValidationError({"tags": _("A tag has at most 50 characters: “%(tag)s…”.") % {"tag": name[:20]}})
        cleaned.setdefault(name.lower(), name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("A conversation has at most %(count)d tags.") % {"count": MAX_TAGS}})
    return list(cleaned.values())


def _tag(brand: Brand, name: str) -> Tag:
    existing = Tag.objects.filter(brand=brand, name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(brand=brand, name=name)
    except IntegrityError:  # made by someone else a moment ago
        return Tag.objects.get(brand=brand, name__iexact=name)


@transaction.atomic
def conversation_set_priority(*, conversation: Conversation, user: User, priority: int) -> Conversation:
    require_member(user, conversation.brand, Perm.INBOX_TRIAGE)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority from the list.")})
    conversation = _locked(conversation)
    if conversation.priority != priority:
        before = conversation.get_priority_display()
        conversation.priority = priority
        conversation.save(update_fields=["priority"])
        record_event(conversation, user, EventKind.PRIORITY, before=before, after=conversation.get_priority_display())
    return conversation


@transaction.atomic
def message_set_sentiment(*, message: Message, user: User, label: str) -> Message:
    """Correct what the desk read in their message; the conversation follows its latest one."""
    require_member(user, message.conversation.brand, Perm.INBOX_TRIAGE)
    if message.ours:
        raise ValidationError({"sentiment": _("Only their messages have a sentiment.")})
    try:
        corrected = sentiment.Label(label)
    except ValueError:
        raise ValidationError({"sentiment": _("Choose positive, neutral or negative.")}) from None
    message = Message.objects.select_for_update().select_related("conversation__brand").get(pk=message.pk)
    if message.sentiment != corrected:
        before = sentiment.Label(message.sentiment).verbose if message.sentiment else ""
        Message.objects.filter(pk=message.pk).update(sentiment=corrected)
        refresh_summaries({message.conversation_id})
        record_event(
            message.conversation, user, EventKind.SENTIMENT, before=before, after=corrected, detail=message.text[:300]
        )
        message.sentiment = corrected
    return message


def conversation_url(conversation: Conversation) -> str:
    path = reverse("inbox:conversation", kwargs={"brand_slug": conversation.brand.slug, "pk": conversation.pk})
    return settings.SITE_URL + path


@transaction.atomic
def note_add(*, conversation: Conversation, user: User, text: str) -> Note:
    """An internal note, never sent to the network; members it @mentions are told."""
    require_member(user, conversation.brand, Perm.COMMENT)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a note.")})
    if len(text) > MAX_NOTE:
        raise ValidationError({"text": _("A note has at most %(count)d characters.") % {"count": MAX_NOTE}})
    note = Note.objects.create(conversation=conversation, author=user, text=text)
    mentioned = mentioned_members(conversation.brand, text, exclude=user)
    note.mentions.set(mentioned)
    record_event(conversation, user, EventKind.NOTE, detail=text[:300])
    notify(
        mentioned,
        brand=conversation.brand,
        kind=NotificationKind.MENTIONED,
        by=user,
        link=conversation_url(conversation),
        excerpt=" ".join(conversation.last_message_text.split())[:60],
        message_for=lambda: _("%(name)s mentioned you in the inbox: %(text)s") % {"name": user, "text": text[:300]},
    )
    return note


# --- replies ---------------------------------------------------------------------------------------
def inbox_settings_for(brand: Brand) -> InboxSettings:
    return InboxSettings.objects.filter(brand=brand).first() or InboxSettings(brand=brand)


@transaction.atomic
def inbox_settings_update(
    *,
    brand: Brand,
    user: User,
    replies_need_approval: bool,
    response_target_minutes: int | None = None,
    business_hours: dict[str, list[str]] | None = None,
) -> InboxSettings:
    """The brand's inbox rules: approval of editors' replies, response target, business hours."""
    require_member(user, brand, Perm.MANAGE_BRAND)
    rules = inbox_settings_for(brand)
    rules.replies_need_approval = replies_need_approval
    if response_target_minutes is not None:
        rules.response_target_minutes = response_target_minutes
    if business_hours is not None:
        rules.business_hours = business_hours
    rules.save()
    return rules


def reply_needs_approval(membership: Membership) -> bool:
    """Editors' replies wait for a manager when the brand asks for it, and always during a pause."""
    if can(membership, Perm.INBOX_APPROVE):
        return False
    return is_paused(membership.brand) or inbox_settings_for(membership.brand).replies_need_approval


@transaction.atomic
def reply_create(*, conversation: Conversation, user: User, text: str, in_reply_to: Message | None = None) -> Reply:
    """A reply to the conversation (by default to its latest message from them), checked against
    the network's limits as a post is, then sent once, or held for a manager's approval."""
    membership = require_member(user, conversation.brand, Perm.INBOX_REPLY)
    conversation = _locked(conversation)
    adapter_class = conversation.account.adapter_class
    if not adapter_class.offers(MessageAction.REPLY):
        raise WorkflowError(_not_offered(adapter_class.name))
    target = in_reply_to or _latest_theirs(conversation)
    if target is None or target.conversation_id != conversation.pk:
        raise ValidationError({"in_reply_to": _("Choose a message of this conversation to answer.")})
    text = (text or "").strip()
    problems = conversation.account.adapter().validate(text, [])
    if problems:
        raise ValidationError({"text": [problem.message for problem in problems]})
    waits = reply_needs_approval(membership)
    reply = Reply.objects.create(
        conversation=conversation,
        in_reply_to=target,
        author=user,
        text=text,
        state=ReplyState.AWAITING_APPROVAL if waits else ReplyState.PENDING,
    )
    record_event(conversation, user, EventKind.REPLY_WRITTEN, after=reply.get_state_display(), detail=text[:300])
    if not waits:
        _send_after_commit(reply)
    return reply


def _not_offered(network: str) -> str:
    return _("%(network)s does not let the desk do this.") % {"network": network}


def _latest_theirs(conversation: Conversation) -> Message | None:
    return conversation.messages.filter(ours=False, deleted_at__isnull=True).order_by("-created_at", "-pk").first()


@transaction.atomic
def reply_approve(*, reply: Reply, user: User) -> Reply:
    require_member(user, reply.conversation.brand, Perm.INBOX_APPROVE)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.state != ReplyState.AWAITING_APPROVAL:
        raise WorkflowError(_("This reply is not waiting for approval."))
    reply.state, reply.approved_by, reply.approved_at = ReplyState.PENDING, user, timezone.now()
    reply.save(update_fields=["state", "approved_by", "approved_at"])
    record_event(reply.conversation, user, EventKind.REPLY_APPROVED, detail=reply.text[:300])
    _send_after_commit(reply)
    return reply


@transaction.atomic
def reply_decline(*, reply: Reply, user: User, reason: str = "") -> Reply:
    require_member(user, reply.conversation.brand, Perm.INBOX_APPROVE)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.state != ReplyState.AWAITING_APPROVAL:
        raise WorkflowError(_("This reply is not waiting for approval."))
    reply.state, reply.last_error = ReplyState.DECLINED, reason.strip()[:500]
    reply.save(update_fields=["state", "last_error"])
    record_event(reply.conversation, user, EventKind.REPLY_DECLINED, detail=reply.last_error)
    return reply


def _send_after_commit(reply: Reply) -> None:
    """Hand the reply to the sender once the transaction that made it sendable committed."""
    from inbox.tasks import send_reply  # noqa: PLC0415 — cycle: the tasks module calls these services

    transaction.on_commit(lambda: send_reply.delay(reply.pk))


# --- moderation ------------------------------------------------------------------------------------
def message_hide(*, message: Message, user: User, reason: str) -> Message:
    """Hide their message from the public on the network, with who and why recorded."""
    return _moderate(message, user, reason, MessageAction.HIDE)


def message_delete(*, message: Message, user: User, reason: str) -> Message:
    """Delete a message on the network (theirs where the network allows it, or one of ours)."""
    action = MessageAction.DELETE_OWN if message.ours else MessageAction.DELETE
    return _moderate(message, user, reason, action)


def _moderate(message: Message, user: User, reason: str, action: MessageAction) -> Message:
    conversation = message.conversation
    require_member(user, conversation.brand, Perm.INBOX_MODERATE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: your team will see it in the history.")})
    adapter = conversation.account.adapter()
    if not adapter.offers(action):
        raise WorkflowError(str(adapter.actions_not_offered.get(action) or _not_offered(adapter.name)))
    if message.deleted_at or (action == MessageAction.HIDE and message.hidden_at):
        raise WorkflowError(_("This message is already hidden or deleted."))
    try:  # the network first, outside any transaction: the record says what really happened
        if action == MessageAction.HIDE:
            adapter.hide_message(remote_id=message.remote_id)
        else:
            adapter.delete_message(remote_id=message.remote_id, ours=message.ours)
    except PublishError as error:
        raise WorkflowError(error.message) from None
    now, reason = timezone.now(), reason[:300]
    if action == MessageAction.HIDE:
        fields, kind = {"hidden_at": now, "hidden_by": user}, EventKind.HIDDEN
    else:
        fields, kind = {"deleted_at": now, "deleted_by": user}, EventKind.DELETED
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(moderation_reason=reason, **fields)
        record_event(conversation, user, kind, after=message.author_handle, detail=reason)
    message.refresh_from_db()
    return message


# --- saved replies ---------------------------------------------------------------------------------
@transaction.atomic
def saved_reply_save(
    *, brand: Brand, user: User, title: str, language: str, text: str, saved: SavedReply | None = None
) -> SavedReply:
    """Write a saved reply (a new one, or `saved` changed); its variables are checked here."""
    require_member(user, brand, Perm.INBOX_SAVED_REPLIES)
    title, text = (title or "").strip(), (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not title or len(title) > 100:
        errors["title"] = [_("Give it a title of at most 100 characters.")]
    if language not in SavedReply.Language.values:
        errors["language"] = [_("Choose French or English.")]
    if not text:
        errors["text"] = [_("Write the reply.")]
    elif problems := saved_replies.check(text):
        errors["text"] = problems
    same = SavedReply.objects.filter(brand=brand, language=language, title__iexact=title)
    if saved is not None:
        same = same.exclude(pk=saved.pk)
    if title and same.exists():
        errors["title"] = [_("A saved reply in this language already has this title.")]
    if errors:
        raise ValidationError(errors)
    saved = saved or SavedReply(brand=brand, created_by=user)
    saved.title, saved.language, saved.text = title, language, text
    saved.save()
    return saved


def saved_reply_delete(*, saved: SavedReply, user: User) -> None:
    require_member(user, saved.brand, Perm.INBOX_SAVED_REPLIES)
    saved.delete()


def saved_reply_fill(*, saved: SavedReply, message: Message | None, user: User) -> str:
    """The saved reply's text for the person who wrote `message`, sent by `user`."""
    require_member(user, saved.brand, Perm.INBOX_REPLY)
    return saved_replies.fill(saved.text, saved_replies.person_for(message, brand=saved.brand, sender=user))
