"""Reads of the inbox that need care: the list (a fixed number of queries whatever the page
size), one conversation with its thread, the counts other pages show and the period's figures
management's reports read."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from statistics import median

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Brand, Membership
from accounts.permissions import can, membership_of
from accounts.roles import Perm
from inbox import search
from inbox.collect import networks_with_conversations
from inbox.models import (
    Conversation,
    ConversationState,
    Event,
    Message,
    Note,
    Reply,
    ReplyState,
    SavedReply,
    Tag,
    TriageRule,
)
from inbox.ontime import DUE_SOON
from inbox.services import inbox_settings_for
from inbox.states import OPEN


@dataclass(frozen=True)
class InboxFilters:
    """What the list shows; each value comes from the URL (inbox.forms.InboxFilterForm)."""

    state: str = "open"  # a ConversationState, "open" (new or assigned) or "" (all)
    network: str = ""  # an adapter slug
    assignee: str = ""  # "me", "nobody" or a user id
    tag: str = ""
    sentiment: str = ""  # a core.sentiment.Label: of their latest message
    text: str = ""


def conversations_for_list(*, brand: Brand, user, filters: InboxFilters) -> QuerySet[Conversation]:
    """The brand's conversations, newest activity first, with what each row shows (account,
    assignee, tags) fetched once per page: the query count does not grow with the page."""
    conversations = Conversation.objects.filter(brand=brand)
    if filters.state == "open":
        conversations = conversations.filter(state__in=OPEN)
    elif filters.state:
        conversations = conversations.filter(state=filters.state)
    if filters.network:
        conversations = conversations.filter(account__network=filters.network)
    if filters.assignee == "me":
        conversations = conversations.filter(assignee=user)
    elif filters.assignee == "nobody":
        conversations = conversations.filter(assignee__isnull=True)
    elif filters.assignee:
        conversations = conversations.filter(assignee_id=int(filters.assignee))
    if filters.tag:
        conversations = conversations.filter(tags__name__iexact=filters.tag)
    if filters.sentiment:
        conversations = conversations.filter(sentiment=filters.sentiment)
    if filters.text:
        said = search.messages_saying(filters.text).values("conversation_id")
        conversations = conversations.filter(Q(last_author__icontains=filters.text) | Q(pk__in=said))
    return _as_rows(conversations)


def _as_rows(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return (
        conversations.select_related("account", "assignee")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .order_by("-last_message_at", "-pk")
    )


def conversations_page(*, brand: Brand, user, filters: InboxFilters, number: str | None, size: int) -> Page:
    """One page of the list, with its count. A text search reads its matches once: the ids of
    every matching conversation in order (a list of integers, cheap even at 20,000), counted and
    sliced here, then the page's rows by id. Counting and paging in SQL would ask the search index
    twice, and a word found in a quarter of 100,000 messages costs tens of milliseconds each time.
    Three queries either way (count or ids, rows, tags)."""
    conversations = conversations_for_list(brand=brand, user=user, filters=filters)
    if not filters.text:
        return Paginator(conversations, size).get_page(number)
    ids: list[int] = list(conversations.values_list("pk", flat=True))
    page = Paginator(ids, size).get_page(number)
    rows = list(_as_rows(Conversation.objects.filter(brand=brand, pk__in=page.object_list)))
    return Page(rows, page.number, page.paginator)


MAX_ID = 2**63 - 1  # a longer number in a URL is a 404, not a database overflow


def _id(pk: int) -> int:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


def conversation_for(*, brand: Brand, pk: int) -> Conversation:
    """One of the brand's conversations, or 404 (another brand's does not exist for its members)."""
    queryset = Conversation.objects.select_related("brand", "account", "assignee", "root_target__post")
    return get_object_or_404(queryset, pk=_id(pk), brand=brand)


def message_for(*, brand: Brand, pk: int) -> Message:
    messages = Message.objects.select_related("conversation__brand", "conversation__account")
    return get_object_or_404(messages, pk=_id(pk), conversation__brand=brand)


def saved_reply_for(*, brand: Brand, pk: int) -> SavedReply:
    return get_object_or_404(SavedReply, pk=_id(pk), brand=brand)


def triage_rule_for(*, brand: Brand, pk: int) -> TriageRule:
    return get_object_or_404(TriageRule, pk=_id(pk), brand=brand)


def reply_for(*, brand: Brand, pk: int) -> Reply:
    replies = Reply.objects.select_related("conversation__brand")
    return get_object_or_404(replies, pk=_id(pk), conversation__brand=brand)


@dataclass(frozen=True)
class Thread:
    """A conversation's page: its messages, the replies on their way, notes and history, merged
    in time order for the timeline."""

    messages: list[Message]
    replies: list[Reply]  # not sent yet (sent ones are messages)
    notes: list[Note]
    events: list[Event]

    @property
    def timeline(self) -> list:
        return sorted(chain(self.messages, self.notes), key=lambda item: item.created_at)


def thread_of(conversation: Conversation) -> Thread:
    return Thread(
        messages=list(
            conversation.messages.select_related("sent_by", "hidden_by", "deleted_by").order_by("created_at", "pk")
        ),
        replies=list(
            conversation.replies.exclude(state=ReplyState.SENT).select_related("author", "approved_by", "in_reply_to")
        ),
        notes=list(conversation.notes.select_related("author").order_by("created_at", "pk")),
        events=list(conversation.events.select_related("actor").order_by("-created_at", "-pk")),
    )


def inbox_unread_count(user, brand: Brand, *, membership: Membership | None = None) -> int:
    """Conversations that wait for this person: nobody's yet (new), or given to them and not
    answered. The navigation and the home page's inbox card show it; 0 for a non-member.
    A page that already holds the user's membership of the brand passes it (one query less)."""
    if membership is None or membership.brand_id != brand.pk or membership.user_id != user.pk:
        membership = membership_of(user, brand)
    if not can(membership, Perm.VIEW):
        return 0
    waiting = Q(state=ConversationState.NEW) | Q(state=ConversationState.ASSIGNED, assignee=user)
    return Conversation.objects.filter(waiting, brand=brand).count()


@dataclass(frozen=True)
class InboxFigures:
    """A brand's inbox at a glance (the home page's card)."""

    brand: Brand
    new: int  # nobody holds them yet
    due_soon: int  # open, and the response target runs out within DUE_SOON (or already has)
    mine: int  # assigned to this person and not answered


def inbox_figures(brands: list[Brand], *, user, now: datetime) -> list[InboxFigures]:
    """The figures of each brand, in one query whatever the number of brands; brands with none
    of them left out."""
    due_by = now + DUE_SOON
    counts = (
        Conversation.objects.filter(brand__in=brands, state__in=OPEN)
        .values("brand_id")
        .annotate(
            new=Count("pk", filter=Q(state=ConversationState.NEW)),
            due_soon=Count("pk", filter=Q(reply_due_at__lte=due_by)),
            mine=Count("pk", filter=Q(state=ConversationState.ASSIGNED, assignee=user)),
        )
        .order_by()
    )
    by_brand = {row["brand_id"]: (row["new"], row["due_soon"], row["mine"]) for row in counts}
    figures = (InboxFigures(brand, *by_brand[brand.pk]) for brand in brands if brand.pk in by_brand)
    return [f for f in figures if f.new or f.due_soon or f.mine]


def replies_awaiting_approval(brand: Brand) -> QuerySet[Reply]:
    return Reply.objects.filter(conversation__brand=brand, state=ReplyState.AWAITING_APPROVAL)


def response_times(brand: Brand, *, since: datetime) -> dict:
    """First-response times in business minutes since `since`, for the brand and per person who
    held the conversation: {"brand": {"answered", "median_minutes"}, "people": {name: {...}}}.
    The home page and, later, the reports read these figures."""
    answered = Conversation.objects.filter(
        brand=brand, first_response_at__gte=since, first_response_seconds__isnull=False
    ).select_related("assignee")
    overall: list[float] = []
    people: dict[str, list[float]] = {}
    for conversation in answered.only("first_response_seconds", "assignee"):
        minutes = (conversation.first_response_seconds or 0.0) / 60
        overall.append(minutes)
        people.setdefault(str(conversation.assignee) if conversation.assignee else "", []).append(minutes)
    return {"brand": _figures(overall), "people": {name: _figures(values) for name, values in people.items()}}


def _figures(minutes: list[float]) -> dict:
    return {"answered": len(minutes), "median_minutes": round(median(minutes), 1) if minutes else None}


@dataclass(frozen=True)
class Community:
    """The inbox over a period, for management's reports. `messages` is None when none of the
    brand's accounts is on a network the inbox reads (not available, not 0)."""

    messages: int | None  # received from people, by the time the network gives
    conversations: int  # started in the period
    answered: int  # first answered in the period
    median_response_minutes: float | None  # business minutes, of those answered
    within_target: int  # of those answered, within the brand's response target
    target_minutes: int
    sentiment: dict[str, int]  # core.sentiment.Label -> received messages

    @property
    def within_target_rate(self) -> float | None:
        return self.within_target / self.answered if self.answered else None


def community_numbers(
    brand: Brand, *, start: datetime, end: datetime, networks: Collection[str] | None = None
) -> Community:
    """Messages, first responses and sentiment between `start` (included) and `end` (excluded),
    in a fixed number of queries whatever the volume (the response times are read as one column).
    `networks`: those of the brand's accounts, when the caller has read them."""
    if networks is None:
        networks = set(brand.network_accounts.values_list("network", flat=True))
    reads = bool(set(networks) & set(networks_with_conversations()))
    received = list(
        Message.objects.filter(conversation__brand=brand, ours=False, created_at__gte=start, created_at__lt=end)
        .values("sentiment")
        .annotate(n=Count("pk"))
    )
    sentiment = {row["sentiment"]: row["n"] for row in received if row["sentiment"]}
    answered = Conversation.objects.filter(
        brand=brand, first_response_at__gte=start, first_response_at__lt=end, first_response_seconds__isnull=False
    )
    seconds = [s for s in answered.values_list("first_response_seconds", flat=True) if s is not None]
    target = inbox_settings_for(brand).response_target_minutes
    return Community(
        messages=sum(row["n"] for row in received) if reads else None,
        conversations=Conversation.objects.filter(brand=brand, created_at__gte=start, created_at__lt=end).count(),
        answered=len(seconds),
        median_response_minutes=round(median(seconds) / 60, 1) if seconds else None,
        within_target=sum(1 for s in seconds if s <= target * 60),
        target_minutes=target,
        sentiment=sentiment,
    )
