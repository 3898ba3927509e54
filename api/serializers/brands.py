from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Brand, Membership
from accounts.roles import Role
from api.serializers.fields import InstantField, TextField
from publishing.pause import is_paused, pause_of


class BrandSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this brand.")
    # The crisis pause (publishing.Pause), flat on the brand as the API always gave it.
    paused = serializers.SerializerMethodField()
    paused_at = serializers.DateTimeField(source="pause.paused_at", read_only=True, allow_null=True)
    pause_reason = serializers.SerializerMethodField()
    resume_at = serializers.DateTimeField(source="pause.resume_at", read_only=True, allow_null=True)

    class Meta:
        model = Brand
        fields = [
            "slug",
            "name",
            "time_zone",
            "approval_required",
            "paused",
            "paused_at",
            "pause_reason",
            "resume_at",
            "role",
        ]
        read_only_fields = fields

    def get_paused(self, brand: Brand) -> bool:
        return is_paused(brand)

    @extend_schema_field(serializers.CharField(max_length=300))
    def get_pause_reason(self, brand: Brand) -> str:
        pause = pause_of(brand)
        return pause.reason if pause else ""

    def get_role(self, brand: Brand) -> Role | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(brand.pk)  # type: ignore[return-value]


def roles_of(user) -> dict[int, str]:
    return dict(Membership.objects.filter(user=user).values_list("brand_id", "role"))


class ResumeSerializer(serializers.Serializer):
    brand = BrandSerializer()
    overdue_posts = serializers.IntegerField(help_text="Posts that fell due during the pause, now on the overdue list.")


class PauseSerializer(serializers.Serializer):
    reason = TextField(allow_blank=True, max_length=300, help_text="Why: your team sees it.")
    resume_at = InstantField(required=False, allow_null=True, default=None)
