"""The inbox over the API: conversations, their messages, replies and notes, and assignment."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.fields import TextField
from api.serializers.posts import MAX_ID
from core.sentiment import Label
from inbox.models import Conversation, ConversationState, Message, Note, Priority, Reply, TriageRule
from inbox.states import Move
from inbox.triage import RuleSpec

SENTIMENTS = [(label.value, label.value) for label in Label]


class ConversationSerializer(serializers.ModelSerializer):
    network = serializers.CharField(source="account.network", read_only=True)
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True, read_only=True)
    assignee_name = serializers.StringRelatedField(source="assignee", allow_null=True, read_only=True)
    tags = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField(help_text="The post the conversation answers (null: a mention).")

    class Meta:
        model = Conversation
        fields = [
            "id",
            "account",
            "network",
            "kind",
            "state",
            "assignee",
            "assignee_name",
            "priority",
            "tags",
            "sentiment",
            "post",
            "message_count",
            "last_message_at",
            "last_message_text",
            "last_author",
            "first_response_at",
            "resolved_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_tags(self, conversation) -> list[str]:
        return sorted(tag.name for tag in conversation.tags.all())

    def get_post(self, conversation) -> int | None:
        return conversation.root_target.post_id if conversation.root_target_id else None


class AuthorSerializer(serializers.Serializer):
    handle = serializers.CharField(source="author_handle")
    name = serializers.CharField(source="author_name")
    avatar_url = serializers.CharField(source="author_avatar_url")


class MessageSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(source="*", read_only=True)
    sent_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "remote_id",
            "ours",
            "kind",
            "author",
            "text",
            "created_at",
            "edited_at",
            "url",
            "in_reply_to",
            "sentiment",
            "sent_by",
            "hidden_at",
            "deleted_at",
            "moderation_reason",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField(allow_null=True)
    approved_by = serializers.StringRelatedField(allow_null=True)
    in_reply_to = serializers.IntegerField(
        source="in_reply_to_id",
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The message answered (one of the conversation's); default: the latest from them.",
    )
    text = TextField(max_length=10_000)

    class Meta:
        model = Reply
        fields = [
            "id",
            "text",
            "in_reply_to",
            "state",
            "author",
            "approved_by",
            "created_at",
            "sent_at",
            "last_error",
            "message",
        ]
        read_only_fields = ["id", "state", "author", "approved_by", "created_at", "sent_at", "last_error", "message"]


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField(allow_null=True)
    text = TextField(max_length=5000)

    class Meta:
        model = Note
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        required=False,
        default=None,
        help_text="A member's id; null or absent: nobody.",
    )


class MoveSerializer(serializers.Serializer):
    move = serializers.ChoiceField(choices=[(m.value, m.value) for m in Move])


class TagsSerializer(serializers.Serializer):
    tags = serializers.ListField(child=TextField(max_length=50, allow_blank=True), max_length=50)


class PrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)


class ReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=300, allow_blank=True)


class DeclineSerializer(serializers.Serializer):
    reason = TextField(max_length=500, allow_blank=True, required=False, default="")


class ConversationFilterSerializer(serializers.Serializer):
    """Query parameters of the conversation list (the inbox page's filters). A parameter left
    empty (`?network=`) filters nothing, as on the page: the schema says so with allow_blank."""

    state = serializers.ChoiceField(
        choices=[("open", _("Open (new or assigned)")), *ConversationState.choices],
        required=False,
        allow_blank=True,
        help_text="Default: every state.",
    )
    network = serializers.CharField(max_length=30, required=False, allow_blank=True)
    # Blank is allow_blank's to accept: a pattern matching "" too made the schema's oneOf match twice.
    assignee = serializers.RegexField(
        r"^(me|nobody|[0-9]{1,18})$", required=False, allow_blank=True, help_text="me, nobody or an id."
    )
    tag = serializers.CharField(max_length=50, required=False, allow_blank=True)
    sentiment = serializers.ChoiceField(
        choices=SENTIMENTS, required=False, allow_blank=True, help_text="Of their latest message."
    )
    q = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Text in a message or an author's handle."
    )


class SentimentSerializer(serializers.Serializer):
    sentiment = serializers.ChoiceField(choices=SENTIMENTS, help_text="What their message says, as a person reads it.")


class TriageRuleSerializer(serializers.ModelSerializer):
    """A triage rule: every condition given must hold (at least one), then its actions (at least
    one). inbox.services.triage_rule_save checks it, as on the rules page."""

    name = TextField(max_length=100)
    keyword = TextField(max_length=100, required=False, allow_blank=True, default="")
    author = TextField(max_length=200, required=False, allow_blank=True, default="")
    network = TextField(max_length=30, required=False, allow_blank=True, default="")
    sentiment = serializers.ChoiceField(choices=SENTIMENTS, required=False, allow_blank=True, default="")
    tag = TextField(
        source="tag.name", max_length=50, required=False, allow_blank=True, default="", help_text="A tag's name."
    )
    assignee = serializers.IntegerField(
        source="assignee_id", min_value=1, max_value=MAX_ID, allow_null=True, required=False, default=None
    )
    priority = serializers.ChoiceField(choices=Priority.choices, allow_null=True, required=False, default=None)
    mark_spam = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = TriageRule
        fields = ["id", "name", "keyword", "author", "network", "sentiment", "tag", "assignee", "priority"]
        fields += ["mark_spam", "created_at"]
        read_only_fields = ["id", "created_at"]

    def spec(self, rule: TriageRule | None = None) -> RuleSpec:
        """The rule as written: the body's fields, and the rule's own for those a PATCH leaves out."""
        written = dict(self.validated_data)
        if "tag" in written:
            written["tag"] = written["tag"]["name"]
        if "assignee_id" in written:
            written["assignee"] = written.pop("assignee_id")
        fields = {**(self.to_representation(rule) if rule is not None else {}), **written}
        return RuleSpec(
            name=fields.get("name") or "",
            keyword=fields.get("keyword") or "",
            author=fields.get("author") or "",
            network=fields.get("network") or "",
            sentiment=fields.get("sentiment") or "",
            tag=fields.get("tag") or "",
            assignee_id=fields.get("assignee"),
            priority=fields.get("priority"),
            mark_spam=bool(fields.get("mark_spam")),
        )
