from tests.factories import NetworkAccountFactory
from tests.matrix import EVERYONE, OWNERS, Case


def _account(brand, people):
    return {"brand_slug": brand.slug, "pk": NetworkAccountFactory(brand=brand, network="fake").pk}


CASES = [
    Case("networks:list", EVERYONE),
    Case("networks:connect", OWNERS, kwargs=lambda brand, people: {"brand_slug": brand.slug, "network": "webfeed"}),
    Case("networks:mastodon_start", OWNERS, method="post", data=lambda brand, people: {"instance_url": ""}),
    Case("networks:reconnect", OWNERS, kwargs=_account),
    Case("networks:check", OWNERS, kwargs=_account, method="post"),
    Case("networks:disconnect", OWNERS, kwargs=_account, method="post"),
]
