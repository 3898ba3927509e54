from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import InstantField, TextField
from cm_platform.ids import MAX_ID, parse_id
from networks.models import NetworkAccount
from posts.content import PostContent
from posts.models import Campaign, Comment, DisplayStatus, Media, Post, PostState, PostTarget
from publishing.waiting import waits_of


class BrandRelatedField(serializers.PrimaryKeyRelatedField):
    """An id among the URL's brand's objects: another brand's id "does not exist" (400)."""

    def __init__(self, model, **kwargs):
        self.model = model
        # A queryset names the model for the schema; the real one comes from the brand per request.
        super().__init__(queryset=model.objects.none(), **kwargs)

    def to_internal_value(self, data):
        # A number that is no id (beyond the database's range, "²") names nothing: not a query.
        if isinstance(data, int | str) and not isinstance(data, bool) and parse_id(data) is None:
            self.fail("does_not_exist", pk_value=str(data)[:30])
        return super().to_internal_value(data)

    def get_queryset(self):
        brand = self.context.get("brand")
        return self.model.objects.filter(brand=brand) if brand is not None else self.model.objects.none()


class WaitSerializer(serializers.Serializer):
    """Why a target waits (an answer only: nothing here is ever read from a request)."""

    code = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    until = serializers.DateTimeField(allow_null=True, read_only=True)
    link = serializers.CharField(allow_blank=True, read_only=True)


class TargetSerializer(serializers.ModelSerializer):
    """A post on one network account, with how its delivery went."""

    network = serializers.CharField(source="account.network", read_only=True)
    account_name = serializers.CharField(source="account.display_name", read_only=True)
    text = serializers.CharField(read_only=True, help_text="This network's own text; empty: the post's text.")
    remote_url = serializers.CharField(read_only=True, help_text="The post's address on the network, once published.")
    last_error = serializers.CharField(
        source="error_text", read_only=True, help_text="What went wrong last, in the language of the answer."
    )
    waiting = serializers.SerializerMethodField(
        help_text="Why this due target has not gone out yet and until when (null when it is not waiting): "
        "code (needs_reconnect, disconnected, brand_paused, overdue_after_pause, rate_limited, budget_spent, "
        "action_limit, retry_scheduled, worker_lost, queued), text, until, link."
    )

    class Meta:
        model = PostTarget
        fields = [
            "id",
            "account",
            "network",
            "account_name",
            "text",
            "state",
            "attempts",
            "next_attempt_at",
            "remote_url",
            "published_at",
            "last_error",
            "waiting",
        ]
        read_only_fields = fields

    @extend_schema_field(WaitSerializer(allow_null=True))
    def get_waiting(self, target: PostTarget) -> dict | None:
        """Computed once per post (its targets together), cached in the serializer's context."""
        waits = self.context.setdefault("_waits", {})
        if target.post_id not in waits:
            post = target.post
            waits[target.post_id] = waits_of(list(post.targets.all()), brand=self.context.get("brand") or post.brand)
        wait = waits[target.post_id].get(target.pk)
        return wait.as_json() if wait is not None else None


class PostSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        source="display_status",
        choices=DisplayStatus.choices,
        read_only=True,
        help_text="The workflow state, or how the delivery went once it started (the calendar's colours).",
    )
    media = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True, read_only=True)
    author = serializers.StringRelatedField(allow_null=True)
    approved_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "text",
            "state",
            "status",
            "scheduled_at",
            "campaign",
            "media",
            "targets",
            "version",
            "author",
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_media(self, post: Post) -> list[int]:
        return [link.media_id for link in post.postmedia_set.all()]


class TargetWriteSerializer(serializers.Serializer):
    account = BrandRelatedField(NetworkAccount, help_text="A network account of this brand.")
    text = TextField(required=False, allow_blank=True, default="", help_text="Empty: the post's text.")


class PostWriteSerializer(serializers.Serializer):
    """What a post is made of. Every rule (networks' limits, times, states) is the services'."""

    text = TextField(required=False, allow_blank=True, default="", max_length=100_000)
    targets = TargetWriteSerializer(many=True, required=False, default=list)
    media = BrandRelatedField(Media, many=True, required=False, help_text="Media of this brand's library, in order.")
    campaign = BrandRelatedField(Campaign, required=False, allow_null=True)
    scheduled_at = InstantField(required=False, allow_null=True, default=None)

    def content(self) -> PostContent:
        """The validated data as post_create / post_update take it."""
        data = self.validated_data
        targets = data.get("targets", [])
        return PostContent(
            text=data.get("text", ""),
            accounts=[t["account"] for t in targets],
            target_texts={t["account"].pk: t["text"] for t in targets if t.get("text")},
            media=data.get("media", []),
            campaign=data.get("campaign"),
            scheduled_at=data.get("scheduled_at"),
        )

    @staticmethod
    def data_of(content: PostContent) -> dict:
        """`content` as this serializer reads it: a PATCH fills what it does not name from here."""
        return {
            "text": content.text,
            "targets": [{"account": a.pk, "text": content.target_texts.get(a.pk, "")} for a in content.accounts],
            "media": [item.pk for item in content.media],
            "campaign": getattr(content.campaign, "pk", None),
            "scheduled_at": content.scheduled_at,
        }


class PostUpdateSerializer(PostWriteSerializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you read: if someone saved since, the answer is 409 and nothing changes.",
    )


class RequestChangesSerializer(serializers.Serializer):
    comment = TextField(allow_blank=True, max_length=10_000, help_text="What should change.")


class ScheduleSerializer(serializers.Serializer):
    scheduled_at = InstantField(required=False, help_text="Move the post to this time first (ISO 8601 with an offset).")


class RescheduleSerializer(serializers.Serializer):
    scheduled_at = InstantField(help_text="The new time (ISO 8601 with an offset).")


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField(allow_null=True)
    text = TextField(allow_blank=True, max_length=10_000)

    class Meta:
        model = Comment
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class PostFilterSerializer(serializers.Serializer):
    """Query parameters of the post list."""

    status = serializers.MultipleChoiceField(choices=DisplayStatus.choices, required=False)
    state = serializers.MultipleChoiceField(choices=PostState.choices, required=False)
    scheduled_after = InstantField(required=False, help_text="Posts at or after this time.")
    scheduled_before = InstantField(required=False, help_text="Posts before this time.")
    unscheduled = serializers.BooleanField(required=False, allow_null=True, default=None)
    account = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A network account's id."
    )
    campaign = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A campaign's id.")
