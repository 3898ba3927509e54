from rest_framework import serializers

from api.serializers.fields import TextField
from posts.models import Media


class MediaSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Media
        fields = [
            "id",
            "kind",
            "content_type",
            "size",
            "width",
            "height",
            "original_name",
            "alt_text",
            "url",
            "thumbnail_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_url(self, media: Media) -> str:
        return self._absolute(media.file)

    def get_thumbnail_url(self, media: Media) -> str:
        return self._absolute(media.thumbnail)

    def _absolute(self, field_file) -> str:
        if not field_file:
            return ""
        request = self.context.get("request")
        return request.build_absolute_uri(field_file.url) if request else field_file.url


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An image (JPEG, PNG, WebP, GIF) or a video (MP4, MOV).")
    alt_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class MediaAltTextSerializer(serializers.Serializer):
    alt_text = TextField(allow_blank=True, max_length=5000)
