"""Permission-matrix rows of the home page (tests/test_permission_matrix.py runs them)."""

from tests.matrix import EVERYONE, Case

CASES = [
    Case("desk:brand_today", EVERYONE),
]
