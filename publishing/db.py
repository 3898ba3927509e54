"""The engine's own locks: a brand's pause and the start of a call never interleave.

How the engine writes (one short transaction, one SQLite writer at a time) is core/db.py's.
"""

from django.db import connection

# PostgreSQL advisory locks (class, brand): a pause and the start of a call never interleave.
# brand_pause takes the brand's lock in exclusive mode before reading its instant; each call
# start holds it in shared mode, so a call either started before the pause or sees it. Shared
# advisory locks do not block each other and write nothing (a FOR SHARE row lock taken by fifty
# threads at once costs multixacts on one hot row). SQLite's IMMEDIATE transactions already
# serialise a pause and a call start.
PAUSE_LOCK_CLASS = 7_412_002


def pause_lock(brand_id: int | None, *, shared: bool) -> None:
    """Inside a transaction: the brand's pause lock, shared (a call start) or not (a pause)."""
    if connection.vendor != "postgresql" or brand_id is None:
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [PAUSE_LOCK_CLASS, brand_id % 2**31])
