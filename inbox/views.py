"""Pages of the inbox: thin views over inbox/selectors.py and inbox/services.py.

Each view is under /b/<brand_slug>/ and decorated with brand_view; the services check the acting
user's permission again (PermissionDenied is a 403), so the pages and the API share the rules.
An action refused for a reason a person can fix (a field, the conversation's state, the
network) comes back as a message on the conversation's page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import brand_view, can
from accounts.roles import Perm
from cm_platform.ids import parse_id
from core.web import refusals_as_messages, refusals_on_form
from inbox import forms, selectors, services, states
from inbox.models import Conversation, InboxSettings, SavedReply
from networks.capabilities.conversations import MessageAction
from networks.registry import get_adapter_class
from posts.forms import posted

PAGE_SIZES = (10, 25, 50, 100)


# --- the list ----------------------------------------------------------------------------------
@brand_view(Perm.VIEW)
def conversation_list(request):
    form = _filter_form(request)
    size = _page_size(request)
    page = selectors.conversations_page(
        brand=request.brand, user=request.user, filters=form.filters(), number=request.GET.get("page"), size=size
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "page_size": size,
        "page_sizes": PAGE_SIZES,
        "now": timezone.now(),
    }
    return render(request, "inbox/list.html", context)


def _filter_form(request) -> forms.InboxFilterForm:
    accounts = request.brand.network_accounts.order_by().values_list("network", flat=True).distinct()
    networks = sorted({(slug, get_adapter_class(slug).name) for slug in accounts}, key=lambda choice: choice[1])
    data = request.GET.copy()
    data.setdefault("state", "open")  # no state in the URL: what needs answering
    return forms.InboxFilterForm(
        data, brand=request.brand, networks=networks, members=forms.assignable_members(request.brand)
    )


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("size", 25))
    except ValueError:
        return 25
    return size if size in PAGE_SIZES else 25


# --- one conversation ---------------------------------------------------------------------------------
@brand_view(Perm.VIEW)
def conversation_detail(request, pk: int):
    conversation = selectors.conversation_for(brand=request.brand, pk=pk)
    return render(request, "inbox/conversation.html", _conversation_context(request, conversation))


def _conversation_context(request, conversation: Conversation) -> dict[str, Any]:
    membership = request.membership
    thread = selectors.thread_of(conversation)
    adapter = conversation.account.adapter_class
    latest = next((m for m in reversed(thread.messages) if not m.ours and not m.deleted_at), None)
    prefill = _prefill(request, conversation, latest, mention=getattr(adapter, "reply_mentions_author", False))
    return {
        "conversation": conversation,
        "thread": thread,
        "now": timezone.now(),
        "target_minutes": services.inbox_settings_for(request.brand).response_target_minutes,
        "network": adapter,
        "latest": latest,
        "reply_form": forms.ReplyForm(initial={"text": prefill, "in_reply_to": latest.pk if latest else None}),
        "note_form": forms.NoteForm(),
        "tags_form": forms.TagsForm(initial={"tags": ", ".join(t.name for t in conversation.tags.all())}),
        "priority_form": forms.PriorityForm(initial={"priority": conversation.priority}),
        "sentiments": forms.sentiment_choices(),
        "moves": [(move, states.MOVES[move].label) for move in states.moves_from(conversation.state)],
        "members": forms.assignable_members(request.brand),
        "limits": conversation.account.adapter().get_limits().as_json(),
        "may": {
            "reply": can(membership, Perm.INBOX_REPLY) and adapter.offers(MessageAction.REPLY),
            "triage": can(membership, Perm.INBOX_TRIAGE),
            "assign": can(membership, Perm.INBOX_ASSIGN),
            "approve": can(membership, Perm.INBOX_APPROVE),
            "moderate": can(membership, Perm.INBOX_MODERATE),
            "note": can(membership, Perm.COMMENT),
        },
        "reply_waits": can(membership, Perm.INBOX_REPLY) and services.reply_needs_approval(membership),
        "saved_replies": request.brand.saved_replies.all() if can(membership, Perm.INBOX_REPLY) else [],
        "can_hide": adapter.offers(MessageAction.HIDE),
        "can_delete": adapter.offers(MessageAction.DELETE),
        "can_delete_own": adapter.offers(MessageAction.DELETE_OWN),
        "why_not_reply": _why_not_reply(membership, adapter),
        "why_not_hide": adapter.actions_not_offered.get(MessageAction.HIDE, ""),
        "why_not_delete": adapter.actions_not_offered.get(MessageAction.DELETE, ""),
    }


def _prefill(request, conversation: Conversation, latest, *, mention: bool) -> str:
    """The reply box's first words: a saved reply chosen (?saved=<id>) filled in for the person,
    and, where the network tells people only of replies naming them, their handle first."""
    text, chosen = "", parse_id(request.GET.get("saved"))
    if latest is not None and chosen is not None and can(request.membership, Perm.INBOX_REPLY):
        saved = request.brand.saved_replies.filter(pk=chosen).first()
        if saved is not None:
            text = services.saved_reply_fill(saved=saved, message=latest, user=request.user)
    if mention and latest is not None and latest.author_handle not in text:
        text = f"{latest.author_handle} {text}"
    return text


def _why_not_reply(membership, adapter) -> str:
    if not can(membership, Perm.INBOX_REPLY) or adapter.offers(MessageAction.REPLY):
        return ""
    reason = adapter.actions_not_offered.get(MessageAction.REPLY)
    return str(reason or _("%(network)s does not let the desk answer here.") % {"network": adapter.name})


# --- actions ------------------------------------------------------------------------------------------
def _act(request, conversation: Conversation, action: Callable[[], object], done: str):
    """Run a service; a refusal a person can fix becomes a message on the conversation's page."""
    with refusals_as_messages(request):
        action()
        messages.success(request, done)
    return _back(request, conversation)


def _back(request, conversation: Conversation):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)  # not redirect(): it reads "-1" as a view name to reverse
    return redirect("inbox:conversation", brand_slug=request.brand.slug, pk=conversation.pk)


def _conversation(request, pk: int) -> Conversation:
    return selectors.conversation_for(brand=request.brand, pk=pk)


@require_POST
@brand_view(Perm.INBOX_TRIAGE)
def conversation_assign(request, pk: int):
    conversation = _conversation(request, pk)
    assignee = _assignee(request)
    done = _("Assigned to %(name)s.") % {"name": assignee} if assignee else _("Nobody holds this conversation now.")

    def assign():
        services.conversation_assign(conversation=conversation, user=request.user, assignee=assignee)

    return _act(request, conversation, assign, done)


def _assignee(request) -> User | None:
    """ "me", nobody (""), or a member's id; anything else is a 404 rather than a guess."""
    value = request.POST.get("assignee", "")
    if value == "me":
        return request.user
    if not value:
        return None
    user_id = parse_id(value)
    if user_id is None:
        raise Http404
    member = request.brand.memberships.select_related("user").filter(user_id=user_id).first()
    if member is None:
        raise Http404
    return member.user


@require_POST
@brand_view(Perm.INBOX_TRIAGE)
def conversation_move(request, pk: int, move: str):
    conversation = _conversation(request, pk)
    try:
        chosen = states.Move(move)
    except ValueError:
        raise Http404 from None

    def apply():
        services.conversation_move(conversation=conversation, user=request.user, move=chosen)

    return _act(request, conversation, apply, _("Done: %(action)s.") % {"action": states.MOVES[chosen].label})


@require_POST
@brand_view(Perm.INBOX_TRIAGE)
def conversation_tags(request, pk: int):
    conversation = _conversation(request, pk)
    form = forms.TagsForm(request.POST)

    def apply():
        if not form.is_valid():
            raise ValidationError(form.errors["tags"])
        services.conversation_set_tags(conversation=conversation, user=request.user, names=form.names())

    return _act(request, conversation, apply, _("Tags saved."))


@require_POST
@brand_view(Perm.INBOX_TRIAGE)
def conversation_priority(request, pk: int):
    conversation = _conversation(request, pk)
    form = forms.PriorityForm(request.POST)

    def apply():
        if not form.is_valid():
            raise ValidationError(_("Choose a priority from the list."))
        services.conversation_set_priority(
            conversation=conversation, user=request.user, priority=form.cleaned_data["priority"]
        )

    return _act(request, conversation, apply, _("Priority saved."))


@require_POST
@brand_view(Perm.COMMENT)
def note_create(request, pk: int):
    conversation = _conversation(request, pk)
    form = forms.NoteForm(request.POST)

    def apply():
        if not form.is_valid():
            raise ValidationError(_("Write a note (at most 5,000 characters)."))
        services.note_add(conversation=conversation, user=request.user, text=form.cleaned_data["text"])

    return _act(request, conversation, apply, _("Note added."))


@require_POST
@brand_view(Perm.INBOX_REPLY)
def reply_create(request, pk: int):
    conversation = _conversation(request, pk)
    form = forms.ReplyForm(request.POST)
    outcome: dict[str, Any] = {}

    def apply():
        if not form.is_valid():
            raise ValidationError(_("Write your reply (at most 10,000 characters)."))
        in_reply_to = _message_of(conversation, form.cleaned_data.get("in_reply_to"))
        outcome["reply"] = services.reply_create(
            conversation=conversation, user=request.user, text=form.cleaned_data["text"], in_reply_to=in_reply_to
        )

    response = _act(request, conversation, apply, _("Your reply is on its way."))
    reply = outcome.get("reply")
    if reply is not None and reply.state == "awaiting_approval":
        messages.info(request, _("It waits for a manager's approval before it is sent."))
    return response


def _message_of(conversation: Conversation, pk: int | None):
    if pk is None:
        return None
    message = conversation.messages.filter(pk=pk).first()
    if message is None:
        raise ValidationError(_("Choose a message of this conversation to answer."))
    return message


@require_POST
@brand_view(Perm.INBOX_APPROVE)
def reply_decide(request, pk: int, decision: str):
    reply = selectors.reply_for(brand=request.brand, pk=pk)
    if decision not in ("approve", "decline"):
        raise Http404

    def apply():
        if decision == "approve":
            services.reply_approve(reply=reply, user=request.user)
        else:
            reason = posted(forms.DeclineForm, request.POST)["reason"]
            services.reply_decline(reply=reply, user=request.user, reason=reason)

    done = _("Reply approved: it is on its way.") if decision == "approve" else _("Reply declined.")
    return _act(request, reply.conversation, apply, done)


@require_POST
@brand_view(Perm.INBOX_MODERATE)
def message_moderate(request, pk: int, action: str):
    message = selectors.message_for(brand=request.brand, pk=pk)
    if action not in ("hide", "delete"):
        raise Http404
    form = forms.ReasonForm(request.POST)

    def apply():
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        service = services.message_hide if action == "hide" else services.message_delete
        service(message=message, user=request.user, reason=reason)

    done = _("The message is hidden.") if action == "hide" else _("The message is deleted.")
    return _act(request, message.conversation, apply, done)


@require_POST
@brand_view(Perm.INBOX_TRIAGE)
def message_sentiment(request, pk: int):
    message = selectors.message_for(brand=request.brand, pk=pk)
    form = forms.SentimentForm(request.POST)

    def apply():
        if not form.is_valid():
            raise ValidationError(_("Choose positive, neutral or negative."))
        services.message_set_sentiment(message=message, user=request.user, label=form.cleaned_data["sentiment"])

    return _act(request, message.conversation, apply, _("Sentiment corrected."))


# --- settings -----------------------------------------------------------------------------------------
@brand_view(Perm.MANAGE_BRAND)
def inbox_settings(request):
    current: InboxSettings = services.inbox_settings_for(request.brand)
    form = forms.InboxSettingsForm(request.POST or None, initial=forms.InboxSettingsForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.inbox_settings_update(
            brand=request.brand,
            user=request.user,
            replies_need_approval=data["replies_need_approval"],
            response_target_minutes=data["response_target_minutes"],
            business_hours=data["business_hours"],
        )
        messages.success(request, _("Inbox settings saved."))
        return redirect("inbox:settings", brand_slug=request.brand.slug)
    return render(request, "inbox/settings.html", {"form": form})


# --- triage rules -------------------------------------------------------------------------------------
@brand_view(Perm.INBOX_ASSIGN)
def triage_rules(request):
    form = forms.TriageRuleForm(request.POST or None, members=forms.assignable_members(request.brand))
    if request.method == "POST" and form.is_valid():
        with refusals_on_form(form):
            services.triage_rule_save(brand=request.brand, user=request.user, spec=form.spec())
            messages.success(request, _("Triage rule saved."))
            return redirect("inbox:rules", brand_slug=request.brand.slug)
    rules = request.brand.triage_rules.select_related("tag", "assignee")
    context = {"form": form, "rules": rules, "networks": dict(forms.network_choices())}
    return render(request, "inbox/rules.html", context)


@require_POST
@brand_view(Perm.INBOX_ASSIGN)
def triage_rule_delete(request, pk: int):
    rule = selectors.triage_rule_for(brand=request.brand, pk=pk)
    services.triage_rule_delete(rule=rule, user=request.user)
    messages.success(request, _("Triage rule deleted."))
    return redirect("inbox:rules", brand_slug=request.brand.slug)


# --- saved replies ------------------------------------------------------------------------------------
@brand_view(Perm.INBOX_SAVED_REPLIES)
def saved_reply_list(request):
    return _saved_reply_page(request, saved=None)


@brand_view(Perm.INBOX_SAVED_REPLIES)
def saved_reply_edit(request, pk: int):
    saved = selectors.saved_reply_for(brand=request.brand, pk=pk)
    return _saved_reply_page(request, saved=saved)


def _saved_reply_page(request, *, saved: SavedReply | None):
    initial = {"title": saved.title, "language": saved.language, "text": saved.text} if saved else {}
    form = forms.SavedReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on_form(form):
            services.saved_reply_save(brand=request.brand, user=request.user, saved=saved, **form.cleaned_data)
            messages.success(request, _("Saved reply saved."))
            return redirect("inbox:saved_replies", brand_slug=request.brand.slug)
    context = {"form": form, "saved": saved, "saved_replies": request.brand.saved_replies.all()}
    return render(request, "inbox/saved_replies.html", context)


@require_POST
@brand_view(Perm.INBOX_SAVED_REPLIES)
def saved_reply_delete(request, pk: int):
    saved = selectors.saved_reply_for(brand=request.brand, pk=pk)
    services.saved_reply_delete(saved=saved, user=request.user)
    messages.success(request, _("Saved reply deleted."))
    return redirect("inbox:saved_replies", brand_slug=request.brand.slug)
