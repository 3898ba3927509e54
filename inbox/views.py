"""Pages of the inbox: thin views over inbox/selectors.py and inbox/services.py.

Each view is under /b/<brand_slug>/ and decorated with brand_view; the services check the acting
user's permission again, so the pages and the API share the rules.
"""

from __future__ import annotations

from django.shortcuts import render

from accounts.permissions import brand_view
from accounts.roles import Perm
from inbox import selectors


@brand_view(Perm.VIEW)
def conversation_list(request):
    conversations = selectors.conversations_for_list(
        brand=request.brand, user=request.user, filters=selectors.InboxFilters()
    )
    return render(request, "inbox/list.html", {"conversations": conversations[:50]})


@brand_view(Perm.VIEW)
def conversation_detail(request, pk: int):
    conversation = selectors.conversation_for(brand=request.brand, pk=pk)
    return render(
        request, "inbox/conversation.html", {"conversation": conversation, "thread": selectors.thread_of(conversation)}
    )
