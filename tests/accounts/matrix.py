from tests.matrix import EVERYONE, Case

CASES = [
    Case("accounts:brand_home", EVERYONE),
]
