"""Which of the brand's triage rules a message from them matches, and what they ask of its
conversation together. Pure: inbox/services.py reads the rules, applies the outcome once per
message stored, and records it in the conversation's history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from inbox.models import Message, TriageRule


def _handle(text: str) -> str:
    return text.strip().lstrip("@").casefold()


def matches(rule: TriageRule, message: Message, *, network: str) -> bool:
    """Every condition the rule gives holds for the message (a rule gives at least one)."""
    if rule.keyword and rule.keyword.casefold() not in message.text.casefold():
        return False
    if rule.author and _handle(rule.author) != _handle(message.author_handle):
        return False
    if rule.network and rule.network != network:
        return False
    return not rule.sentiment or rule.sentiment == message.sentiment


@dataclass
class Outcome:
    """What the matching rules ask of one conversation: the first assignee, every tag, the
    highest priority, spam if any says so; and the rules' names for the history."""

    rules: list[str] = field(default_factory=list)
    tag_ids: set[int] = field(default_factory=set)
    assignee_id: int | None = None
    priority: int | None = None
    spam: bool = False

    def add(self, rule: TriageRule) -> None:
        if rule.name not in self.rules:
            self.rules.append(rule.name)
        if rule.tag_id:
            self.tag_ids.add(rule.tag_id)
        if self.assignee_id is None:
            self.assignee_id = rule.assignee_id
        if rule.priority is not None:
            self.priority = max(self.priority if self.priority is not None else rule.priority, rule.priority)
        self.spam = self.spam or rule.mark_spam


def outcomes(rules: list[TriageRule], messages: Iterable[Message], *, network: str) -> dict[int, Outcome]:
    """Per conversation id, what the rules matched by its new messages ask (none: left out)."""
    found: dict[int, Outcome] = {}
    for message in messages:
        for rule in rules:
            if matches(rule, message, network=network):
                found.setdefault(message.conversation_id, Outcome()).add(rule)
    return found


@dataclass(frozen=True)
class RuleSpec:
    """A rule as a manager writes it (inbox.services.triage_rule_save checks it)."""

    name: str
    keyword: str = ""
    author: str = ""
    network: str = ""
    sentiment: str = ""
    tag: str = ""  # a tag's name, made one of the brand's tags if new
    assignee_id: int | None = None
    priority: int | None = None
    mark_spam: bool = False

    @property
    def has_condition(self) -> bool:
        return any(value.strip() for value in (self.keyword, self.author, self.network, self.sentiment))

    @property
    def has_action(self) -> bool:
        return bool(self.tag.strip() or self.assignee_id or self.priority is not None or self.mark_spam)
