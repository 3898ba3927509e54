"""How the busy writers write (the engine, the networks' budgets, the inbox's collection): short
transactions, and on SQLite, one writer at a time, woken in turn.

SQLite admits one writer at a time anyway; a writer that finds the file locked sleeps in
SQLite's busy handler (up to 100 ms per try) instead of being woken when the lock is free. With
fifty worker threads in two processes, most of a burst went to those sleeps, each one holding
up every thread queued behind it, and some writes gave up ("database is locked"). So the
engine's writers queue instead: the threads of a process on a lock, and the processes on an
exclusive flock() of a file next to the database, which the kernel hands to the next process
as soon as it is released. Other writers (web requests, beat) still meet the busy handler, but
rarely. PostgreSQL needs none of this: its row locks queue writers themselves.
"""

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from django.db import connection, transaction

_sqlite_writer = threading.RLock()
_depth = 0  # how deep the thread holding _sqlite_writer is nested (read and written under it)
# This process's lock file per database: one open file description each, as flock() is per
# description (the threads of the process already take turns on _sqlite_writer).
_lock_files: dict[str, TextIO] = {}


@contextmanager
def writing(*, savepoint: bool = True) -> Iterator[None]:
    """One transaction for a group of writes (never hold it across a network call).

    `savepoint=False`: inside another one, no savepoint; an error raised out of the block then
    makes the outer transaction roll back as a whole (Django's atomic(savepoint=False))."""
    if connection.vendor != "sqlite":
        with transaction.atomic(savepoint=savepoint):
            yield
        return
    global _depth
    with _sqlite_writer:
        shared_file = _depth == 0 and not connection.is_in_memory_db()  # type: ignore[attr-defined]
        if shared_file:
            fcntl.flock(_writers_file(), fcntl.LOCK_EX)  # released by the kernel if we die
        _depth += 1
        try:
            with transaction.atomic(savepoint=savepoint):
                yield
        finally:
            _depth -= 1
            if shared_file:
                fcntl.flock(_writers_file(), fcntl.LOCK_UN)


def _writers_file() -> TextIO:
    """The file next to the SQLite database on which the processes writing to it take turns."""
    name = str(connection.settings_dict["NAME"])
    if name not in _lock_files:
        _lock_files[name] = open(f"{name}.writers", "a")  # noqa: SIM115 - kept open for the process's life
    return _lock_files[name]
