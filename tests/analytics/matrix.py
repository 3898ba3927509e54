"""Analytics URLs in the permission matrix (tests/test_permission_matrix.py): every member reads
analytics; managers and owners manage report schedules and share links."""

from tests.matrix import EVERYONE, Case

CASES = [
    Case("analytics:dashboard", EVERYONE),
]
