from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cm_platform.ids import ModelIdsField
from posts.models import Post, PostState


class ReviewerInviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("Email address"))


class PreviewForm(forms.Form):
    """A calendar preview: for whom, which posts (the brand's posts to come), for how long."""

    name = forms.CharField(label=_("For"), max_length=100, help_text=_("Who the link is for, e.g. the client's name."))
    posts = ModelIdsField(label=_("Posts"), queryset=Post.objects.none(), widget=forms.CheckboxSelectMultiple)
    days = forms.IntegerField(label=_("Link valid for (days)"), min_value=1, max_value=365)

    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        coming = Post.objects.filter(brand=brand, scheduled_at__gte=timezone.now()).exclude(state=PostState.EXPIRED)
        self.fields["posts"].queryset = coming.order_by("scheduled_at", "pk")
        self.fields["posts"].label_from_instance = lambda post: _preview_label(post, brand)
        self.fields["days"].initial = brand.client_link_days


def _preview_label(post: Post, brand) -> str:
    when = timezone.localtime(post.scheduled_at, brand.tz).strftime("%Y-%m-%d %H:%M") if post.scheduled_at else ""
    return f"{when} · {str(post)[:60]}"
