"""The API's brand routes in the permission matrix (tests/test_permission_matrix.py runs them
with a signed-in session; tests/api/test_api_matrix.py again with personal tokens)."""

from tests.matrix import EVERYONE, Case

CASES = [
    Case("api:brand_detail", EVERYONE),
]
