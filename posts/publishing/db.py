"""How the engine writes: short transactions, and on SQLite, one writer thread at a time.

SQLite admits one writer at a time anyway; a thread that finds the file locked sleeps in
SQLite's busy handler (up to 100 ms per try) instead of being woken when the lock is free. With
fifty worker threads in a burst, most of the time went to those sleeps and some writes gave up
("database is locked"). Threads of one process therefore queue on a lock and are woken in turn;
other processes (web, beat) still meet the busy handler, but rarely. PostgreSQL needs no such
lock: its row locks queue writers themselves.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

_sqlite_writer = threading.RLock()


@contextmanager
def writing() -> Iterator[None]:
    """One transaction for a group of writes (never hold it across a network call)."""
    if connection.vendor == "sqlite":
        with _sqlite_writer, transaction.atomic():
            yield
    else:
        with transaction.atomic():
            yield
