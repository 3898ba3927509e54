"""The crisis room's pages: thin views over listening/crisis.py (writes) and listening/selectors.py.

Managers and owners open and close incidents and approve statements (Perm.CRISIS); editors act
in the room (Perm.LISTEN: statements, assignment to themselves, replies); viewers read. The
services check the acting user's permission again. A refusal a person can fix (a field, the
incident's state, the network) comes back as a message on the room's page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import brand_view, can
from accounts.roles import Perm
from cm_platform.ids import parse_id
from cm_platform.spreadsheets import csv_text
from core.web import refusals_as_messages
from inbox.models import Conversation, Message
from listening import crisis, selectors
from listening.forms import CloseForm, HideForm, IncidentForm, RoomReplyForm, StatementApproveForm, StatementForm
from listening.models import Alert, Incident, Mention, Statement
from listening.views import _back, _nav
from networks.models import AccountStatus
from posts.forms import posted
from posts.models import SavedText


def _incident(request, pk: int) -> Incident:
    return get_object_or_404(Incident.objects.select_related("alert", "assignee"), brand=request.brand, pk=pk)


def _act(request, action: Callable[[], object], done: str) -> bool:
    """Run a service; a refusal a person can fix becomes a message. True when it went through."""
    with refusals_as_messages(request) as attempt:
        action()
        messages.success(request, done)
    return not attempt.refused


def _to_room(request, incident: Incident):
    return redirect("listening:incident", brand_slug=request.brand.slug, pk=incident.pk)


# --- list and opening -------------------------------------------------------------------------------
@brand_view()
def incidents(request):
    items = Incident.objects.filter(brand=request.brand).select_related("assignee", "opened_by")[:200]
    return render(request, "listening/incidents.html", {"incidents": items, **_nav(request, "incidents")})


@brand_view(Perm.CRISIS)
def incident_open(request):
    alert = _alert(request)
    current = crisis.open_incident(request.brand)
    if current is not None:
        messages.info(request, _("An incident is already open for this brand: work in its room."))
        return _to_room(request, current)
    form = IncidentForm(request.POST or None, initial=_opening(alert))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened: list[Incident] = []

        def open_it():
            opened.append(
                crisis.incident_open(
                    brand=request.brand, user=request.user, title=data["title"], words=data["words"], alert=alert
                )
            )

        if _act(request, open_it, _("The crisis room is open; the brand's publishing is paused.")):
            return _to_room(request, opened[0])
    context = {"form": form, "alert": alert, **_nav(request, "incidents")}
    return render(request, "listening/incident_open.html", context)


def _alert(request) -> Alert | None:
    value = request.POST.get("alert") or request.GET.get("alert")
    if not value:
        return None
    alert_id = parse_id(value)
    if alert_id is None:
        raise Http404
    return get_object_or_404(Alert.objects.select_related("search"), brand=request.brand, pk=alert_id)


def _opening(alert: Alert | None) -> dict:
    if alert is None:
        return {}
    return {"title": _("Spike on “%(search)s”") % {"search": alert.search.name}, "words": alert.search.name.lower()}


# --- the room ---------------------------------------------------------------------------------------
@brand_view()
def incident(request, pk: int):
    item = _incident(request, pk)
    brand = request.brand
    mentions = list(
        selectors.incident_mentions(item)
        .select_related("source", "conversation")
        .order_by("-published_at", "-pk")[: selectors.ROOM_ROWS]
    )
    conversations = list(
        selectors.incident_conversations(item)
        .select_related("assignee", "account")
        .prefetch_related("messages")
        .order_by("-last_message_at", "-pk")[: selectors.ROOM_ROWS]
    )
    accounts = brand.network_accounts.filter(status=AccountStatus.CONNECTED).order_by("network", "pk")
    context = {
        "incident": item,
        "mentions": mentions,
        "repliable": selectors.answerable_mentions(brand, mentions),
        "conversations": conversations,
        "statements": item.statements.select_related(
            "written_by", "approved_by", "first_approved_by", "post"
        ).prefetch_related("post__targets__account"),
        "templates": SavedText.objects.filter(brand=brand, kind=SavedText.Kind.CAPTION).order_by("name"),
        "draft": _template_text(request),
        "approve_form": StatementApproveForm(accounts=accounts),
        "events": item.events.select_related("actor"),
        "members": brand.memberships.select_related("user").order_by("user__display_name", "user__email"),
        "response": selectors.incident_response(item) if item.is_open else item.summary,
        "chart": _chart(item, request.brand),
        "can_crisis": can(request.membership, Perm.CRISIS),
        "can_act": can(request.membership, Perm.LISTEN),
        "can_hide": can(request.membership, Perm.INBOX_MODERATE),
        **_nav(request, "incidents"),
    }
    return render(request, "listening/incident.html", context)


def _chart(item: Incident, brand) -> dict:
    """The curve in the shape of the mentions page's chart (static/js/listening-chart.js)."""
    curve = selectors.incident_curve(item) if item.is_open else item.summary.get("curve", [])
    hours = [datetime.fromisoformat(point["hour"]) for point in curve]
    return {
        "hours": [timezone.localtime(hour, brand.tz).strftime("%d/%m %Hh") for hour in hours],
        "per_hour": [point["mentions"] for point in curve],
        "days": [],
        "per_day": [],
    }


def _template_text(request) -> str:
    """The statement box's first words: one of the brand's saved captions (?template=<id>)."""
    chosen = parse_id(request.GET.get("template"))
    if chosen is None:
        return ""
    saved = SavedText.objects.filter(brand=request.brand, pk=chosen).first()
    return saved.text if saved else ""


@require_POST
@brand_view(Perm.LISTEN)
def incident_assign(request, pk: int):
    item = _incident(request, pk)
    assignee = _assignee(request)
    done = _("Assigned to %(name)s.") % {"name": assignee} if assignee else _("Nobody holds this incident now.")
    _act(request, lambda: crisis.incident_assign(incident=item, user=request.user, assignee=assignee), done)
    return _to_room(request, item)


def _assignee(request) -> User | None:
    """ "me", nobody (""), or a member's id; anything else is a 404 rather than a guess."""
    value = request.POST.get("assignee", "")
    if value == "me":
        return request.user
    if not value:
        return None
    member = request.brand.memberships.select_related("user").filter(user_id=parse_id(value) or 0).first()
    if member is None:
        raise Http404
    return member.user


@require_POST
@brand_view(Perm.LISTEN)
def statement_write(request, pk: int):
    item = _incident(request, pk)

    def write():
        text = posted(StatementForm, request.POST)["text"]
        crisis.statement_write(incident=item, user=request.user, text=text)

    _act(request, write, _("The statement is written: a manager approves it to publish it."))
    return _to_room(request, item)


@require_POST
@brand_view(Perm.CRISIS)
def statement_approve(request, pk: int, statement: int):
    item = _incident(request, pk)
    chosen = get_object_or_404(Statement, incident=item, pk=statement)
    accounts = request.brand.network_accounts.filter(status=AccountStatus.CONNECTED)

    def approve():
        form = StatementApproveForm(request.POST, accounts=accounts)
        if not form.is_valid():
            problems = [f"{form[name].label}: {m}" for name, errors in form.errors.items() for m in errors]
            raise ValidationError(" ".join(problems))  # one message, as the room has always said it
        return crisis.statement_approve(
            statement=chosen, user=request.user, accounts=list(form.cleaned_data["accounts"])
        )

    with refusals_as_messages(request):
        if approve() is None:
            messages.success(request, _("Your approval is kept: a second manager approves to publish it."))
        else:
            messages.success(request, _("The statement is approved: it is being published now."))
    return _to_room(request, item)


@require_POST
@brand_view(Perm.CRISIS)
def incident_close(request, pk: int):
    item = _incident(request, pk)

    def close():
        resume = posted(CloseForm, request.POST)["resume"]
        crisis.incident_close(incident=item, user=request.user, resume=resume)

    _act(request, close, _("The incident is closed; its summary is kept below."))
    return _to_room(request, item)


@brand_view()
def incident_export(request, pk: int):
    item = _incident(request, pk)
    if item.is_open:
        messages.error(request, _("The summary is written when the incident is closed."))
        return _to_room(request, item)
    response = HttpResponse(csv_text(_summary_rows(item)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-{item.pk}.csv"'
    return response


def _summary_rows(item: Incident) -> list[list[object]]:
    """The summary as a spreadsheet: the figures, the volume per hour, then the timeline."""
    summary = item.summary
    seconds, median = summary.get("first_response_seconds"), summary.get("median_response_minutes")
    figures: list[list[object]] = [
        [_("Incident"), item.title],
        [_("Words"), ", ".join(item.words)],
        [_("Opened at"), summary.get("opened_at")],
        [_("Closed at"), summary.get("closed_at")],
        [_("Duration (minutes)"), summary.get("duration_minutes")],
        [_("Mentions"), summary.get("mentions")],
        [_("Negative mentions"), summary.get("negative")],
        [_("Time to first response (minutes)"), round(seconds / 60, 1) if seconds is not None else ""],
        [_("Conversations"), summary.get("conversations")],
        [_("Conversations answered"), summary.get("answered")],
        [_("Median first response (business minutes)"), median if median is not None else ""],
        [_("Holding statements published"), summary.get("statements_published")],
    ]
    curve: list[list[object]] = [[p["hour"], p["mentions"], p["negative"]] for p in summary.get("curve", [])]
    timeline: list[list[object]] = [
        [event.created_at.isoformat(), str(event.actor or ""), event.get_action_display(), event.detail]
        for event in item.events.select_related("actor")
    ]
    return [
        *figures,
        [],
        [_("Hour (UTC)"), _("Mentions"), _("Negative")],
        *curve,
        [],
        [_("Time"), _("Author"), _("Action"), _("Detail")],
        *timeline,
    ]


@require_POST
@brand_view(Perm.INBOX_REPLY)
def incident_reply(request, pk: int, conversation: int):
    item = _incident(request, pk)
    thread = get_object_or_404(Conversation, brand=request.brand, pk=conversation)

    def reply():
        text = posted(RoomReplyForm, request.POST)["text"]
        crisis.incident_reply(incident=item, conversation=thread, user=request.user, text=text)

    _act(request, reply, _("Your reply is on its way."))
    return _to_room(request, item)


@require_POST
@brand_view(Perm.INBOX_MODERATE)
def incident_hide(request, pk: int, message: int):
    item = _incident(request, pk)
    said = get_object_or_404(
        Message.objects.select_related("conversation"), conversation__brand=request.brand, pk=message
    )

    def hide():
        reason = posted(HideForm, request.POST)["reason"]
        crisis.incident_hide(incident=item, message=said, user=request.user, reason=reason)

    _act(request, hide, _("The message is hidden on the network."))
    return _to_room(request, item)


# --- from a mention ---------------------------------------------------------------------------------
def _room_of(request) -> Incident | None:
    """The incident a mention's action comes from (a hidden field in the room), if any."""
    value = request.POST.get("incident")
    if not value:
        return None
    return get_object_or_404(Incident, brand=request.brand, pk=parse_id(value) or 0)


@require_POST
@brand_view(Perm.LISTEN)
def mention_conversation(request, pk: int):
    mention = get_object_or_404(Mention, brand=request.brand, pk=pk)
    room = _room_of(request)
    opened: list[Conversation] = []

    def open_it():
        opened.append(crisis.mention_open_conversation(mention=mention, user=request.user, incident=room))

    if _act(request, open_it, _("The mention is a conversation in the inbox.")):
        return redirect("inbox:conversation", brand_slug=request.brand.slug, pk=opened[0].pk)
    return _back(request)


@require_POST
@brand_view(Perm.INBOX_REPLY)
def mention_reply(request, pk: int):
    mention = get_object_or_404(Mention, brand=request.brand, pk=pk)
    room = _room_of(request)

    def reply():
        text = posted(RoomReplyForm, request.POST)["text"]
        crisis.mention_reply(mention=mention, user=request.user, text=text, incident=room)

    _act(request, reply, _("Your reply is on its way."))
    return _back(request)
