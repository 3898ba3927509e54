"""The approval workflow: every action as one enum member (Action) with its transition, who may
take it and what a page says once it is done (RULES), and the rules around them. The content an
approval is bound to is hashed by posts.content.PostContent.fingerprint.

States (posts.models.PostState)::

    draft ──submit──> in_review ──approve──> approved
                       │    ^
       request_changes │    │ submit
                       v    │
                 changes_requested (edited, then submitted again)

    draft / in_review / changes_requested ──schedule──> approved   (see below)

Who may do what (roles come from accounts.roles through accounts.permissions, never by name):

- submit: Perm.WRITE, from draft or changes_requested.
- approve: Perm.REVIEW, from in_review; when the brand forbids self-approval
  (Brand.self_approval_forbidden, on by default) the post's author may not approve it.
- request_changes: Perm.REVIEW, from in_review, with a comment.
- schedule (approve straight from the composer):
    * a brand with approval_required=False: anyone with Perm.WRITE (editors included) —
      there is nobody to ask, so "schedule" is the approval;
    * a brand that requires approval: the same rule as approve (Perm.REVIEW, and not one's own
      post when self-approval is forbidden), from draft, in_review or changes_requested.
- Editing the content (text, per-network texts, media, accounts) of an approved post moves it
  back to in_review (a fingerprint mismatch); other states keep their state.
- Moving only the time keeps every state, approval included. On an approved post of a brand that
  requires approval this needs Perm.SCHEDULE (editors cannot move what a manager approved);
  otherwise Perm.WRITE.
- A post with a target publishing, published or waiting for a person's check is locked: nothing
  may edit, move, unschedule or delete it (the publishing engine owns it from then on).

A post goes out only when approved — including in brands that need no approval, where
"schedule" approves it: a draft is never published.

Approval stages per brand (`approval_stages`): none (approval_required off), internal, or
internal then client (Brand.client_approval_required)::

    in_review ──approve_for_client──> awaiting_client ──client_approve──> approved
                                             └──client_request_changes──> changes_requested

- In a brand with a client stage, "approve" gives way to "approve_for_client" and "schedule" is
  not offered: only the client's decision approves.
- The internal stage is taken by Perm.REVIEW, narrowed to the brand's named internal approvers
  when it has any (Brand.internal_approvers); the client stage only through a client link
  (clients/): its transitions have no role (perm None), no member may take them.
- A content change on an awaiting_client post sends it back to in_review (the first stage).
- expire (perm None, the deadline sweep): a post whose time came before its approvals; the author
  edits it and submits again.

Two approvals (`approvals_needed`): a post of a campaign marked `two_approvals`, or a crisis
statement of a brand with `two_approvals_for_statements`, needs two distinct people at the
internal stage. The first approval is kept (posts.models.StageApproval, bound to the content)
and the post stays in_review; the second, by someone else on the same content, moves it on
(`approval_completes`). Scheduling from the composer, which is an approval by one person, is
refused for such a post.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Brand, Membership
from accounts.permissions import can, require
from accounts.roles import Perm
from core.exceptions import Conflict, Forbidden
from posts.models import PostState, StageApproval, TargetState

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from posts.models import Post


class WorkflowError(Conflict):
    """A transition that is not allowed in the post's current state (the API answers 409)."""

    code = "workflow"


class Action(models.TextChoices):
    """Every action of the workflow, named once. Pages (through the `workflow_actions` template
    tag), the API and the services take the names from here; the label is the button's words.

    What each action does, who may take it and what a page says once it is done are in RULES
    below, read through the properties: `transition` (None: the post keeps its state), `perm`
    (None: no member takes it) and `done_message`.
    """

    SUBMIT = "submit", gettext_lazy("Submit for review")
    APPROVE = "approve", gettext_lazy("Approve")
    APPROVE_FOR_CLIENT = "approve_for_client", gettext_lazy("Approve and send to the client")
    REQUEST_CHANGES = "request_changes", gettext_lazy("Request changes")
    CLIENT_APPROVE = "client_approve", gettext_lazy("Approved by the client")
    CLIENT_REQUEST_CHANGES = "client_request_changes", gettext_lazy("Changes requested by the client")
    EXPIRE = "expire", gettext_lazy("Expired")
    SCHEDULE = "schedule", gettext_lazy("Schedule")
    UNSCHEDULE = "unschedule", gettext_lazy("Remove the time")
    PUBLISH_NOW = "publish_now", gettext_lazy("Publish now")

    @property
    def transition(self) -> Transition | None:
        return TRANSITIONS.get(self)

    @property
    def perm(self) -> Perm | None:
        return RULES[self].perm

    @property
    def member_perm(self) -> Perm:
        """The permission a member needs to take it (a page's or the API's first check)."""
        perm = RULES[self].perm
        assert perm is not None, f"{self} is not taken by a member"
        return perm

    @property
    def done_message(self) -> str:
        """What a member's page says once the action is done."""
        done = RULES[self].done
        assert done is not None, f"{self} is not taken from a member's page"
        return str(done)

    @property
    def approves(self) -> bool:
        """Whether taking it is an approval (internal or the client's): shown as a green button."""
        return self.transition is not None and self.transition.target in (S.APPROVED, S.AWAITING_CLIENT)


@dataclass(frozen=True)
class Rule:
    perm: Perm | None  # None: no member may take it (a client by link, or the system)
    done: StrOrPromise | None  # what a member's page says once done; None: no member's page takes it
    sources: frozenset[str] = frozenset()
    target: str | None = None  # None: the post keeps its state


@dataclass(frozen=True)
class Transition:
    """An action that moves the post from one of `sources` to `target`."""

    action: Action
    sources: frozenset[str]
    target: str

    @property
    def name(self) -> Action:
        return self.action

    @property
    def perm(self) -> Perm | None:
        return self.action.perm

    @property
    def label(self) -> StrOrPromise:  # lazily translated: shown on buttons and in the history
        return self.action.label


class Stage(StrEnum):
    INTERNAL = "internal"
    CLIENT = "client"

    @property
    def label(self) -> StrOrPromise:
        return {Stage.INTERNAL: gettext_lazy("Internal approval"), Stage.CLIENT: gettext_lazy("Client approval")}[self]


def approval_stages(brand) -> tuple[Stage, ...]:
    """The approvals a post of this brand needs, in order."""
    if not brand.approval_required:
        return ()
    if brand.client_approval_required:
        return (Stage.INTERNAL, Stage.CLIENT)
    return (Stage.INTERNAL,)


def approval_action(brand) -> Action:
    """A member's approval: the last one, or, when the brand's client approves too, the internal
    one that sends the post to the client."""
    return Action.APPROVE_FOR_CLIENT if Stage.CLIENT in approval_stages(brand) else Action.APPROVE


S = PostState
A = Action
# States still waiting for an approval: the deadline sweep expires them when their time comes.
AWAITING_APPROVAL = frozenset({S.IN_REVIEW, S.AWAITING_CLIENT, S.CHANGES_REQUESTED})
RULES: dict[Action, Rule] = {
    A.SUBMIT: Rule(
        Perm.WRITE,
        gettext_lazy("The post is submitted for review."),
        frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.EXPIRED}),
        S.IN_REVIEW,
    ),
    A.APPROVE: Rule(Perm.REVIEW, gettext_lazy("The post is approved."), frozenset({S.IN_REVIEW}), S.APPROVED),
    A.APPROVE_FOR_CLIENT: Rule(
        Perm.REVIEW,
        gettext_lazy("The post is approved and waits for the client."),
        frozenset({S.IN_REVIEW}),
        S.AWAITING_CLIENT,
    ),
    A.REQUEST_CHANGES: Rule(
        Perm.REVIEW,
        gettext_lazy("Changes are requested; the author is told."),
        frozenset({S.IN_REVIEW, S.AWAITING_CLIENT}),
        S.CHANGES_REQUESTED,
    ),
    # The client's page names the post in its own messages (clients/views.py).
    A.CLIENT_APPROVE: Rule(None, None, frozenset({S.AWAITING_CLIENT}), S.APPROVED),
    A.CLIENT_REQUEST_CHANGES: Rule(None, None, frozenset({S.AWAITING_CLIENT}), S.CHANGES_REQUESTED),
    A.EXPIRE: Rule(None, None, AWAITING_APPROVAL, S.EXPIRED),  # the deadline sweep tells the author
    A.SCHEDULE: Rule(
        Perm.WRITE,  # tightened in _check_rules when the brand requires approval
        gettext_lazy("The post is scheduled."),
        frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED}),
        S.APPROVED,
    ),
    A.UNSCHEDULE: Rule(Perm.WRITE, gettext_lazy("The post has no time any more: it will not go out.")),  # may_move
    A.PUBLISH_NOW: Rule(Perm.SCHEDULE, gettext_lazy("The post is being published.")),  # the engine's rule
}
TRANSITIONS: dict[Action, Transition] = {
    action: Transition(action, rule.sources, rule.target) for action, rule in RULES.items() if rule.target
}

# Targets in these states mean the post is (being) out: it can no longer change.
LOCKING_TARGET_STATES = frozenset({TargetState.PUBLISHING, TargetState.PUBLISHED, TargetState.NEEDS_CHECKING})


def is_locked(post: Post) -> bool:
    """True once any of the post's targets is publishing, published or needs checking."""
    return any(target.state in LOCKING_TARGET_STATES for target in post.targets.all())


def ensure_editable(post: Post) -> None:
    if is_locked(post):
        raise WorkflowError(_("This post is published or being published: it can no longer be changed."))


def check_transition(post: Post, action: Action, membership: Membership | None, user) -> Transition:
    """The transition if `user` may take it now; Forbidden or WorkflowError otherwise."""
    transition = TRANSITIONS[Action(action)]
    if transition.perm is None:
        raise Forbidden
    require(membership, transition.perm)
    _check_state(post, transition)
    _check_rules(post, transition, membership, user)
    return transition


def check_unattended_transition(post: Post, action: Action) -> Transition:
    """A transition no member takes (perm None): a client's decision through a link the caller has
    checked, or the deadline sweep. WorkflowError when the post's state does not allow it."""
    transition = TRANSITIONS[action]
    assert transition.perm is None, f"{action} is taken by members: use check_transition"
    _check_state(post, transition)
    return transition


def _check_state(post: Post, transition: Transition) -> None:
    ensure_editable(post)
    if post.state not in transition.sources:
        raise WorkflowError(
            _("“%(action)s” is not possible on a post that is %(state)s.")
            % {"action": transition.label, "state": post.get_state_display().lower()}
        )


INTERNAL_DECISIONS = frozenset({A.APPROVE, A.APPROVE_FOR_CLIENT, A.REQUEST_CHANGES})


def _check_rules(post: Post, transition: Transition, membership: Membership | None, user) -> None:
    brand = post.brand
    stages = approval_stages(brand)
    action = transition.action
    approves = action.approves
    if action == A.SCHEDULE and Stage.CLIENT in stages:
        raise WorkflowError(_("This brand's client approves its posts: submit the post for review instead."))
    if action == A.APPROVE_FOR_CLIENT and Stage.CLIENT not in stages:
        raise WorkflowError(_("This brand has no client approval: approve the post."))
    if action == A.APPROVE and Stage.CLIENT in stages:
        raise WorkflowError(_("This brand's client approves too: send the post to the client."))
    if action == A.SCHEDULE and brand.approval_required and approvals_needed(brand, campaign=post.campaign) > 1:
        raise WorkflowError(_("This campaign's posts need two approvals: submit the post for review instead."))
    if action == A.SCHEDULE and brand.approval_required and not can(membership, Perm.REVIEW):
        raise Forbidden(_("This brand needs a manager's approval: submit the post for review instead."))
    internal = action in INTERNAL_DECISIONS or (action == A.SCHEDULE and brand.approval_required)
    if internal and not is_internal_approver(brand, user):
        raise Forbidden(_("Only this brand's named approvers may approve its posts."))
    reviewed_by_someone = action != A.SCHEDULE or brand.approval_required
    if approves and reviewed_by_someone and _own_post_forbidden(brand, post.author_id, user):
        raise Forbidden(_("This brand does not allow approving one's own post: another manager must approve it."))
    if approves and not post.targets.exists():
        raise WorkflowError(_("Choose at least one network account first."))


def approvals_needed(brand, *, campaign=None, crisis_statement: bool = False) -> int:
    """How many distinct people approve at the internal stage: two for a campaign that asks for
    it or a crisis statement of a brand that asks for it, else one."""
    if campaign is not None and campaign.two_approvals:
        return 2
    if crisis_statement and brand.two_approvals_for_statements:
        return 2
    return 1


def approval_completes(*, needed: int, earlier: Collection[int | None], user) -> bool:
    """Whether `user`'s approval completes the stage, after `earlier` (the people who already
    approved the same content at this stage). The same person never counts twice."""
    if user.pk in earlier:
        raise WorkflowError(_("You already approved this version: another manager must give the second approval."))
    return len(set(earlier)) + 1 >= needed


def is_internal_approver(brand, user) -> bool:
    """Whether `user` may take the internal stage as a person (their role is checked apart): the
    named approvers when the brand names any, else anyone. Named approvers are read once per
    brand instance."""
    named = getattr(brand, "_internal_approver_ids", None)
    if named is None:
        named = set(brand.internal_approvers.values_list("pk", flat=True))
        brand._internal_approver_ids = named
    return not named or user.pk in named


def _own_post_forbidden(brand, author_id: int | None, user) -> bool:
    return brand.self_approval_forbidden and author_id == user.pk


def may_schedule(brand, membership: Membership | None, user, author_id: int | None) -> bool:
    """Whether the composer offers "Schedule" (and "Publish now") for a post by `author_id`
    (None: a new post, written by `user`). The same rule as the "schedule" transition."""
    author_id = user.pk if author_id is None else author_id
    stages = approval_stages(brand)
    if not stages:
        return can(membership, Perm.WRITE)
    if Stage.CLIENT in stages:
        return False
    return (
        can(membership, Perm.REVIEW)
        and not _own_post_forbidden(brand, author_id, user)
        and is_internal_approver(brand, user)
    )


def approvable_by(user, memberships: Iterable[Membership]) -> Q:
    """The posts `user` may approve now, as a query over all their brands at once (the home
    page's "waiting for my review"): the approve transition's rules, with the self-approval rule
    read from each post's brand."""
    approve = TRANSITIONS[A.APPROVE]
    assert approve.perm is not None  # approving is a member's decision
    reviewing = [m.brand_id for m in memberships if can(m, approve.perm)]
    own_forbidden = Q(brand__self_approval_forbidden=True, author_id=user.pk)
    # Where a brand names its internal approvers, only they approve (is_internal_approver).
    named = Brand.internal_approvers.through.objects.filter(brand_id=OuterRef("brand_id"))
    approver = ~Exists(named) | Exists(named.filter(user_id=user.pk))
    # The first of two approvals given: the post now waits for someone else (approval_completes).
    given = Exists(StageApproval.objects.filter(post_id=OuterRef("pk"), user_id=user.pk))
    return Q(state__in=approve.sources, brand_id__in=reviewing) & ~own_forbidden & approver & Q(~given)


def allowed_transitions(post: Post, membership: Membership | None, user) -> list[Transition]:
    """The transitions `user` may take now (for the buttons a page shows)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            allowed.append(check_transition(post, action, membership, user))
        except (Forbidden, WorkflowError):
            continue
    return allowed


def may_edit(post: Post, membership: Membership | None) -> bool:
    return can(membership, Perm.WRITE) and not is_locked(post)


def may_move(post: Post, membership: Membership | None) -> bool:
    """Whether the member may change the time of (or unschedule, or delete) the post."""
    if is_locked(post):
        return False
    if post.state in (S.APPROVED, S.AWAITING_CLIENT) and post.brand.approval_required:
        return can(membership, Perm.SCHEDULE)
    return can(membership, Perm.WRITE)
