"""The states table (inbox/states.py) on its own: every move from every state."""

import pytest

from inbox.models import ConversationState as S
from inbox.states import Move, after_assignment, after_move, after_our_reply, after_their_message, moves_from


@pytest.mark.parametrize(
    ("state", "move", "assignee", "expected"),
    [
        (S.NEW, Move.RESOLVE, False, S.RESOLVED),
        (S.ASSIGNED, Move.WAIT, True, S.WAITING),
        (S.WAITING, Move.RESOLVE, True, S.RESOLVED),
        (S.RESOLVED, Move.REOPEN, True, S.ASSIGNED),
        (S.RESOLVED, Move.REOPEN, False, S.NEW),
        (S.SPAM, Move.REOPEN, False, S.NEW),
        (S.ARCHIVED, Move.SPAM, False, S.SPAM),
        (S.RESOLVED, Move.WAIT, False, None),
        (S.NEW, Move.REOPEN, False, None),
        (S.SPAM, Move.SPAM, False, None),
    ],
)
def test_a_move_leads_where_the_table_says(state, move, assignee, expected):
    assert after_move(state, move, has_assignee=assignee) == expected


def test_the_moves_offered_are_exactly_those_that_apply():
    for state in S:
        for move in Move:
            assert (move in moves_from(state)) == (after_move(state, move, has_assignee=False) is not None)


def test_their_message_reopens_waiting_and_resolved_only():
    assert after_their_message(S.WAITING, has_assignee=True) == S.ASSIGNED
    assert after_their_message(S.RESOLVED, has_assignee=False) == S.NEW
    for state in (S.NEW, S.ASSIGNED, S.SPAM, S.ARCHIVED):
        assert after_their_message(state, has_assignee=True) == state


def test_our_reply_hands_an_open_conversation_to_them():
    assert after_our_reply(S.NEW) == S.WAITING and after_our_reply(S.ASSIGNED) == S.WAITING
    assert after_our_reply(S.RESOLVED) == S.RESOLVED


def test_assignment_moves_only_open_conversations():
    assert after_assignment(S.NEW, has_assignee=True) == S.ASSIGNED
    assert after_assignment(S.ASSIGNED, has_assignee=False) == S.NEW
    assert after_assignment(S.WAITING, has_assignee=True) == S.WAITING
