from django.urls import path

from networks import oauth, views
from networks.feeds import BrandAtomFeed
from networks.registry import oauth_networks

app_name = "networks"
urlpatterns = [
    path("b/<slug:brand_slug>/networks/", views.account_list, name="list"),
    path("b/<slug:brand_slug>/networks/connect/<slug:network>/", views.account_connect, name="connect"),
    path("b/<slug:brand_slug>/networks/<id:pk>/reconnect/", views.account_reconnect, name="reconnect"),
    path("b/<slug:brand_slug>/networks/<id:pk>/check/", views.account_check, name="check"),
    path("b/<slug:brand_slug>/networks/<id:pk>/disconnect/", views.account_disconnect, name="disconnect"),
    path("b/<slug:brand_slug>/networks/<id:pk>/read-budget/", views.account_read_budget, name="read_budget"),
    # OAuth networks (networks/oauth.py): one start URL per network, so adapters name it alone.
    *[
        path(
            f"b/<slug:brand_slug>/networks/{network}/authorize/",
            oauth.start,
            {"network": network},
            name=f"{network}_start",
        )
        for network in oauth_networks()
    ],
    path("b/<slug:brand_slug>/networks/oauth/<slug:network>/pick/", oauth.pick, name="oauth_pick"),
    path("networks/oauth/<slug:network>/callback/", oauth.callback, name="oauth_callback"),
    # Mastodon's redirect URI since before the one flow (registered on instances, so kept).
    path("networks/mastodon/callback/", oauth.callback, {"network": "mastodon"}, name="mastodon_callback"),
    # Public, no sign-in: a brand's published news. The slug is not named brand_slug on purpose:
    # these pages are not behind the brand gate (see tests/test_permission_matrix.py).
    path("feeds/<slug:slug>/", views.feed_page, name="feed_page"),
    path("feeds/<slug:slug>/atom.xml", BrandAtomFeed(), name="feed_atom"),
]
