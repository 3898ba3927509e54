"""Spike alerts (filled in by the next step)."""


def judge_after_insert(stored, *, now) -> None:
    return None
