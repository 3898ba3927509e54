from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.roles import Perm
from api.serializers.media import MediaAltTextSerializer, MediaSerializer, MediaUploadSerializer
from api.views.base import BrandScoped
from posts.media import media_set_alt_text, media_upload
from posts.models import Media


class MediaList(BrandScoped, generics.ListAPIView):
    """The brand's media library. POST uploads a file (multipart): it is decoded, cleaned of its
    metadata and checked against the size limits before it is kept."""

    perms = {"POST": Perm.WRITE}
    serializer_class = MediaSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return Media.objects.filter(brand=self.brand).order_by("-created_at", "-pk")

    @extend_schema(request={"multipart/form-data": MediaUploadSerializer}, responses={201: MediaSerializer})
    def post(self, request, *args, **kwargs):
        upload = MediaUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        media = media_upload(brand=self.brand, user=request.user, upload=data["file"], alt_text=data["alt_text"])
        return Response(self.get_serializer(media).data, status=status.HTTP_201_CREATED)


class MediaDetail(BrandScoped, generics.RetrieveAPIView):
    """One media item. PATCH changes its alt text (every post using it sends the new one)."""

    perms = {"PATCH": Perm.WRITE}
    serializer_class = MediaSerializer

    def get_queryset(self):
        return Media.objects.filter(brand=self.brand)

    @extend_schema(request=MediaAltTextSerializer, responses=MediaSerializer)
    def patch(self, request, *args, **kwargs):
        body = MediaAltTextSerializer(data=request.data, partial=True)  # PATCH: what is not sent stays
        body.is_valid(raise_exception=True)
        media = self.get_object()
        if "alt_text" in body.validated_data:
            media = media_set_alt_text(media=media, user=request.user, alt_text=body.validated_data["alt_text"])
        return Response(self.get_serializer(media).data)
