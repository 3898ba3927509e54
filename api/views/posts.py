"""Posts, their workflow actions and comments. Every write is a posts service (one rule each)."""

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from accounts.roles import Perm
from api.serializers import posts as s
from api.views.base import BrandScoped
from posts import services
from posts.models import Post, PostMedia, PostTarget
from posts.publishing.services import post_publish_now
from posts.workflow import Action


def brand_posts(brand):
    return (
        Post.objects.filter(brand=brand)
        .select_related("author", "approved_by")
        .prefetch_related(
            Prefetch("targets", queryset=PostTarget.objects.select_related("account").order_by("pk")),
            Prefetch("postmedia_set", queryset=PostMedia.objects.select_related("media").order_by("position")),
        )
        .order_by(F("scheduled_at").asc(nulls_last=True), "pk")  # the same order on every database
    )


class PostObject(BrandScoped):
    """A post of the URL's brand, or 404."""

    def post_object(self) -> Post:
        return generics.get_object_or_404(brand_posts(self.brand), pk=self.kwargs["pk"])

    def answer(self, post: Post, code: int = status.HTTP_200_OK) -> Response:
        fresh = brand_posts(self.brand).get(pk=post.pk)
        return Response(s.PostSerializer(fresh, context=self.get_serializer_context()).data, status=code)


@extend_schema_view(get=extend_schema(parameters=[s.PostFilterSerializer]))
class PostList(PostObject, generics.ListCreateAPIView):
    """The brand's posts, by time; filter by status, state, time range, network account, campaign."""

    perms = {"POST": Perm.WRITE}

    def get_serializer_class(self):
        return s.PostWriteSerializer if self.request.method == "POST" else s.PostSerializer

    def get_queryset(self):
        filters = s.PostFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return _filtered(brand_posts(self.brand), filters.validated_data)

    def list(self, request, *args, **kwargs):
        posts = self.get_queryset()
        statuses = self.request.query_params.getlist("status")
        if statuses:  # display_status is computed from the targets, as the calendar does
            posts = [post for post in posts if post.display_status in statuses]
        page = self.paginate_queryset(posts)
        return self.get_paginated_response(
            s.PostSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(request=s.PostWriteSerializer, responses={201: s.PostSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.post_create(brand=self.brand, author=request.user, content=serializer.content())
        return self.answer(post, status.HTTP_201_CREATED)


def _filtered(posts, query: dict):
    if query.get("state"):
        posts = posts.filter(state__in=query["state"])
    if "scheduled_after" in query:
        posts = posts.filter(scheduled_at__gte=query["scheduled_after"])
    if "scheduled_before" in query:
        posts = posts.filter(scheduled_at__lt=query["scheduled_before"])
    if query.get("unscheduled") is not None:
        posts = posts.filter(scheduled_at__isnull=query["unscheduled"])
    if "account" in query:
        posts = posts.filter(targets__account_id=query["account"])
    if "campaign" in query:
        posts = posts.filter(campaign_id=query["campaign"])
    return posts.distinct()


class PostDetail(PostObject, generics.GenericAPIView):
    """One post. PUT replaces its content, PATCH changes the fields given; both need `version`."""

    perms = {"PUT": Perm.WRITE, "PATCH": Perm.WRITE, "DELETE": Perm.WRITE}
    serializer_class = s.PostSerializer

    def get(self, request, *args, **kwargs):
        return self.answer(self.post_object())

    @extend_schema(request=s.PostUpdateSerializer, responses=s.PostSerializer)
    def put(self, request, *args, **kwargs):
        return self._update(partial=False)

    @extend_schema(request=s.PostUpdateSerializer, responses=s.PostSerializer)
    def patch(self, request, *args, **kwargs):
        return self._update(partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        services.post_delete(post=self.post_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, *, partial: bool) -> Response:
        post = self.post_object()
        data = self.request.data
        if partial:
            data = {**s.PostUpdateSerializer.data_of(post.content), **{k: data[k] for k in data}}
        serializer = s.PostUpdateSerializer(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        post = services.post_update(
            post=post,
            user=self.request.user,
            version=serializer.validated_data["version"],
            content=serializer.content(),
        )
        return self.answer(post)


class PostAction(PostObject, generics.GenericAPIView):
    """A workflow action: POST with the body `body` names; answers the post as it is now."""

    body: type | None = None
    serializer_class = s.PostSerializer

    def post(self, request, *args, **kwargs):
        post = self.post_object()
        data = {}
        if self.body is not None:
            serializer = self.body(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        return self.answer(self.act(post, request.user, **data))

    def act(self, post: Post, user, **data) -> Post:
        raise NotImplementedError


@extend_schema_view(post=extend_schema(operation_id="posts_submit", request=None, responses=s.PostSerializer))
class PostSubmit(PostAction):
    """Ask the brand's managers to review the post."""

    perms = {"POST": Action.SUBMIT.member_perm}

    def act(self, post, user, **data):
        return services.post_submit(post=post, user=user)


@extend_schema_view(post=extend_schema(operation_id="posts_approve", request=None, responses=s.PostSerializer))
class PostApprove(PostAction):
    """Approve the post as it is now (a later change of its content sends it back to review)."""

    perms = {"POST": Action.APPROVE.member_perm}

    def act(self, post, user, **data):
        return services.post_approve(post=post, user=user)


@extend_schema_view(
    post=extend_schema(
        operation_id="posts_request_changes", request=s.RequestChangesSerializer, responses=s.PostSerializer
    )
)
class PostRequestChanges(PostAction):
    """Send the post back to its author with what to change."""

    perms = {"POST": Action.REQUEST_CHANGES.member_perm}
    body = s.RequestChangesSerializer

    def act(self, post, user, **data):
        return services.post_request_changes(post=post, user=user, comment=data["comment"])


@extend_schema_view(
    post=extend_schema(operation_id="posts_schedule", request=s.ScheduleSerializer, responses=s.PostSerializer)
)
class PostSchedule(PostAction):
    """Approve the post for its time, optionally moving it first. In a brand that needs approval
    only a manager may; in the others anyone who writes."""

    perms = {"POST": Action.SCHEDULE.member_perm}
    body = s.ScheduleSerializer

    def act(self, post, user, **data):
        return services.post_schedule(post=post, user=user, scheduled_at=data.get("scheduled_at"))


@extend_schema_view(
    post=extend_schema(operation_id="posts_reschedule", request=s.RescheduleSerializer, responses=s.PostSerializer)
)
class PostReschedule(PostAction):
    """Move the post to another time. It keeps its approval; moving an approved post needs a manager."""

    perms = {"POST": Perm.WRITE}
    body = s.RescheduleSerializer

    def act(self, post, user, **data):
        return services.post_reschedule(post=post, user=user, scheduled_at=data["scheduled_at"])


@extend_schema_view(post=extend_schema(operation_id="posts_unschedule", request=None, responses=s.PostSerializer))
class PostUnschedule(PostAction):
    """Take the post off the calendar: without a time it never goes out."""

    perms = {"POST": Action.UNSCHEDULE.member_perm}

    def act(self, post, user, **data):
        return services.post_unschedule(post=post, user=user)


@extend_schema_view(post=extend_schema(operation_id="posts_publish_now", request=None, responses=s.PostSerializer))
class PostPublishNow(PostAction):
    """Send an approved post now: the workers pick it up within seconds."""

    perms = {"POST": Action.PUBLISH_NOW.member_perm}

    def act(self, post, user, **data):
        return post_publish_now(post=post, user=user)


class CommentList(PostObject, generics.ListCreateAPIView):
    """The post's internal comments; @mentions of members notify them."""

    perms = {"POST": Perm.COMMENT}
    serializer_class = s.CommentSerializer

    def get_queryset(self):
        return self.post_object().comments.select_related("author").order_by("created_at", "pk")

    def perform_create(self, serializer):
        comment = services.comment_add(
            post=self.post_object(), user=self.request.user, text=serializer.validated_data["text"]
        )
        serializer.instance = comment
