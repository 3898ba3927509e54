"""The `search` capability: what listening reads from a network, a keyword search.

An adapter that declares Capability.SEARCH implements, on top of the publish contract:

- `search(query=..., cursor=..., since=...)`: the public posts matching `query` (words, as the
  network's own search takes them) that appeared after `cursor` (an opaque string the adapter
  made; "" the first time, when it reads back to `since`), as a `MessagePage` of mention-like
  `InboundMessage`s (kind MENTION: written by anyone, answering nothing of ours) and the cursor
  to continue from; `more` when another page is waiting now.

The rules of the conversations contract hold (networks/capabilities/conversations.py): a page is
returned whole or not at all (`MalformedPage`), nothing is skipped or repeated from one cursor
to the next, and failures raise PublishError with the publish contract's kinds (RETRY with
`retry_after` for a rate limit, RECONNECT for refused credentials). A network billing reads
(X) takes each search from the account's monthly budget (networks/budget.py).
"""

from networks.capabilities.conversations import InboundMessage, MalformedPage, MessageKind, MessagePage

__all__ = ["InboundMessage", "MalformedPage", "MessageKind", "MessagePage"]
