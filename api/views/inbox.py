"""The inbox over the API. Every write is an inbox service (the pages' rules, one home each)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from accounts.roles import Perm
from api.serializers import inbox as s
from api.views.base import BrandScoped
from inbox import selectors, services
from inbox.selectors import InboxFilters
from inbox.states import Move


class ConversationObject(BrandScoped):
    """A conversation of the URL's brand, or 404."""

    def conversation(self):
        return selectors.conversation_for(brand=self.brand, pk=self.kwargs["pk"])

    def answer(self, conversation, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.conversation_for(brand=self.brand, pk=conversation.pk)
        return Response(s.ConversationSerializer(fresh).data, status=code)


@extend_schema_view(get=extend_schema(parameters=[s.ConversationFilterSerializer]))
class ConversationList(BrandScoped, generics.ListAPIView):
    """The brand's conversations, latest activity first, filtered as the inbox page filters."""

    serializer_class = s.ConversationSerializer

    def get_queryset(self):
        query = s.ConversationFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = InboxFilters(
            state=data.get("state", ""),
            network=data.get("network", ""),
            assignee=data.get("assignee", ""),
            tag=data.get("tag", ""),
            sentiment=data.get("sentiment", ""),
            text=data.get("q", ""),
        )
        return selectors.conversations_for_list(brand=self.brand, user=self.request.user, filters=filters)


class ConversationDetail(ConversationObject, generics.GenericAPIView):
    serializer_class = s.ConversationSerializer

    def get(self, request, *args, **kwargs):
        return self.answer(self.conversation())


class ConversationAction(ConversationObject, generics.GenericAPIView):
    """POST with the body `body` names; answers the conversation as it is now."""

    body: type = s.AssignSerializer
    serializer_class = s.ConversationSerializer
    perms = {"POST": Perm.INBOX_TRIAGE}

    def post(self, request, *args, **kwargs):
        conversation = self.conversation()
        serializer = self.body(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.answer(self.act(conversation, request.user, serializer.validated_data))

    def act(self, conversation, user, data):
        raise NotImplementedError


@extend_schema_view(post=extend_schema(request=s.AssignSerializer, responses=s.ConversationSerializer))
class ConversationAssign(ConversationAction):
    """Give the conversation to a member (yourself as an editor; anyone as a manager) or nobody."""

    body = s.AssignSerializer

    def act(self, conversation, user, data):
        assignee = None
        if data["assignee"] is not None:
            member = self.brand.memberships.select_related("user").filter(user_id=data["assignee"]).first()
            if member is None:
                raise ValidationError({"assignee": _("This person is not a member of this brand.")})
            assignee = member.user
        return services.conversation_assign(conversation=conversation, user=user, assignee=assignee)


@extend_schema_view(post=extend_schema(request=s.MoveSerializer, responses=s.ConversationSerializer))
class ConversationMove(ConversationAction):
    """Wait for them, resolve, reopen, mark as spam or archive (409 where it does not apply)."""

    body = s.MoveSerializer

    def act(self, conversation, user, data):
        return services.conversation_move(conversation=conversation, user=user, move=Move(data["move"]))


@extend_schema_view(post=extend_schema(request=s.TagsSerializer, responses=s.ConversationSerializer))
class ConversationTags(ConversationAction):
    """Replace the conversation's tags (new names become the brand's tags)."""

    body = s.TagsSerializer

    def act(self, conversation, user, data):
        return services.conversation_set_tags(conversation=conversation, user=user, names=data["tags"])


@extend_schema_view(post=extend_schema(request=s.PrioritySerializer, responses=s.ConversationSerializer))
class ConversationPriority(ConversationAction):
    body = s.PrioritySerializer

    def act(self, conversation, user, data):
        return services.conversation_set_priority(conversation=conversation, user=user, priority=data["priority"])


class MessageList(ConversationObject, generics.ListAPIView):
    """The conversation's messages, theirs and ours, oldest first."""

    serializer_class = s.MessageSerializer

    def get_queryset(self):
        return self.conversation().messages.select_related("sent_by").order_by("created_at", "pk")


class ReplyList(ConversationObject, generics.ListCreateAPIView):
    """Replies written on the desk: sent once, or held for a manager's approval (see `state`)."""

    serializer_class = s.ReplySerializer
    perms = {"POST": Perm.INBOX_REPLY}

    def get_queryset(self):
        return self.conversation().replies.select_related("author", "approved_by").order_by("created_at", "pk")

    def perform_create(self, serializer):
        conversation = self.conversation()
        answered = serializer.validated_data.get("in_reply_to_id")
        message = None
        if answered is not None:
            message = conversation.messages.filter(pk=answered).first()
            if message is None:
                raise ValidationError({"in_reply_to": _("Choose a message of this conversation to answer.")})
        text = serializer.validated_data["text"]
        serializer.instance = services.reply_create(
            conversation=conversation, user=self.request.user, text=text, in_reply_to=message
        )


class ReplyDecision(BrandScoped, generics.GenericAPIView):
    serializer_class = s.ReplySerializer
    perms = {"POST": Perm.INBOX_APPROVE}

    def reply(self):
        return selectors.reply_for(brand=self.brand, pk=self.kwargs["pk"])


@extend_schema_view(post=extend_schema(request=None, responses=s.ReplySerializer))
class ReplyApprove(ReplyDecision):
    """Approve a reply waiting for approval: it goes out."""

    def post(self, request, *args, **kwargs):
        return Response(s.ReplySerializer(services.reply_approve(reply=self.reply(), user=request.user)).data)


@extend_schema_view(post=extend_schema(request=s.DeclineSerializer, responses=s.ReplySerializer))
class ReplyDecline(ReplyDecision):
    """Decline a reply waiting for approval, saying why."""

    def post(self, request, *args, **kwargs):
        body = s.DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reply = services.reply_decline(reply=self.reply(), user=request.user, reason=body.validated_data["reason"])
        return Response(s.ReplySerializer(reply).data)


class NoteList(ConversationObject, generics.ListCreateAPIView):
    """Internal notes (never sent to the network); @mentions of members notify them."""

    serializer_class = s.NoteSerializer
    perms = {"POST": Perm.COMMENT}

    def get_queryset(self):
        return self.conversation().notes.select_related("author").order_by("created_at", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.note_add(
            conversation=self.conversation(), user=self.request.user, text=serializer.validated_data["text"]
        )


class MessageModeration(BrandScoped, generics.GenericAPIView):
    serializer_class = s.MessageSerializer
    perms = {"POST": Perm.INBOX_MODERATE}

    def moderate(self, service):
        body = s.ReasonSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        message = selectors.message_for(brand=self.brand, pk=self.kwargs["pk"])
        message = service(message=message, user=self.request.user, reason=body.validated_data["reason"])
        return Response(s.MessageSerializer(message).data)


@extend_schema_view(post=extend_schema(request=s.ReasonSerializer, responses=s.MessageSerializer))
class MessageHide(MessageModeration):
    """Hide their message on the network (where it allows it: 409 and the reason otherwise)."""

    def post(self, request, *args, **kwargs):
        return self.moderate(services.message_hide)


@extend_schema_view(post=extend_schema(request=s.ReasonSerializer, responses=s.MessageSerializer))
class MessageDelete(MessageModeration):
    """Delete a message on the network (where it allows it: 409 and the reason otherwise)."""

    def post(self, request, *args, **kwargs):
        return self.moderate(services.message_delete)


@extend_schema_view(post=extend_schema(request=s.SentimentSerializer, responses=s.MessageSerializer))
class MessageSentiment(BrandScoped, generics.GenericAPIView):
    """Correct the sentiment the desk read in their message; the conversation follows its latest."""

    serializer_class = s.MessageSerializer
    perms = {"POST": Perm.INBOX_TRIAGE}

    def post(self, request, *args, **kwargs):
        body = s.SentimentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = selectors.message_for(brand=self.brand, pk=self.kwargs["pk"])
        label = body.validated_data["sentiment"]
        message = services.message_set_sentiment(message=message, user=request.user, label=label)
        return Response(s.MessageSerializer(message).data)


class TriageRules(BrandScoped):
    perms = dict.fromkeys(("GET", "POST", "PUT", "PATCH", "DELETE"), Perm.INBOX_ASSIGN)
    serializer_class = s.TriageRuleSerializer

    def get_queryset(self):
        return self.brand.triage_rules.select_related("tag").order_by("pk")


class TriageRuleList(TriageRules, generics.ListCreateAPIView):
    """The brand's triage rules, applied once to each message from them as it is stored."""

    def perform_create(self, serializer):
        spec = serializer.spec()
        serializer.instance = services.triage_rule_save(brand=self.brand, user=self.request.user, spec=spec)


class TriageRuleDetail(TriageRules, generics.RetrieveUpdateDestroyAPIView):
    """One triage rule: PATCH changes the fields given, PUT writes all of them."""

    def get_object(self):
        return selectors.triage_rule_for(brand=self.brand, pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        spec = serializer.spec(serializer.instance)
        rule = serializer.instance
        serializer.instance = services.triage_rule_save(brand=self.brand, user=self.request.user, spec=spec, rule=rule)

    def perform_destroy(self, instance):
        services.triage_rule_delete(rule=instance, user=self.request.user)
