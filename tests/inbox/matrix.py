"""The inbox's pages in the permission matrix (tests/test_permission_matrix.py)."""

from inbox.models import Conversation
from tests.factories import NetworkAccountFactory
from tests.inbox.conftest import inbound, published_target, store
from tests.matrix import EVERYONE, Case


def conversation_kwargs(brand, people):
    account = NetworkAccountFactory(brand=brand, network="fake")
    target = published_target(account)
    store(account, inbound("Bonjour", in_reply_to=target.remote_id))
    return {"brand_slug": brand.slug, "pk": Conversation.objects.filter(account=account).get().pk}


CASES = [
    Case("inbox:list", EVERYONE),
    Case("inbox:conversation", EVERYONE, kwargs=conversation_kwargs),
]
