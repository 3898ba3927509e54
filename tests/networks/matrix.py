from networks.registry import oauth_networks
from tests.factories import NetworkAccountFactory
from tests.matrix import EVERYONE, OWNERS, Case


def _account(brand, people):
    return {"brand_slug": brand.slug, "pk": NetworkAccountFactory(brand=brand, network="fake").pk}


CASES = [
    Case("networks:list", EVERYONE),
    Case("networks:connect", OWNERS, kwargs=lambda brand, people: {"brand_slug": brand.slug, "network": "webfeed"}),
    # OAuth networks (networks/oauth.py): start a sign-in, choose the accounts it gave access to.
    *[Case(f"networks:{network}_start", OWNERS, method="post") for network in oauth_networks()],
    Case("networks:oauth_pick", OWNERS, kwargs=lambda brand, people: {"brand_slug": brand.slug, "network": "x"}),
    Case("networks:reconnect", OWNERS, kwargs=_account),
    Case("networks:check", OWNERS, kwargs=_account, method="post"),
    Case("networks:disconnect", OWNERS, kwargs=_account, method="post"),
    Case(
        "networks:read_budget",
        OWNERS,
        kwargs=_account,
        method="post",
        data=lambda brand, people: {"monthly_read_budget": "100"},
    ),
]
