"""Image files made with Pillow for the logo tests."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>Photographer: Jane Secret</rdf:Description></x:xmpmeta>'


def png_upload(size=(40, 20), name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg_with_gps_upload() -> SimpleUploadedFile:
    image = Image.new("RGB", (30, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS IFD: latitude of Paris
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("holiday.jpg", buffer.getvalue(), content_type="image/jpeg")


def not_an_image_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.png", b"%PDF-1.4 definitely not a picture", content_type="image/png")


def decompression_bomb_upload() -> SimpleUploadedFile:
    """A PNG of a few dozen bytes whose header declares 100,000 x 100,000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)  # 8-bit greyscale
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS IFD
    return exif


def jpeg_with_every_segment_upload() -> SimpleUploadedFile:
    """A JPEG carrying a comment (COM), EXIF with GPS and XMP (APP1) and an ICC profile (APP2)."""
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 120, 200)).save(
        buffer, format="JPEG", comment=b"secret comment", exif=_exif(), xmp=XMP, icc_profile=_srgb_profile()
    )
    return SimpleUploadedFile("holiday.jpg", buffer.getvalue(), content_type="image/jpeg")


def png_with_every_chunk_upload() -> SimpleUploadedFile:
    """A PNG carrying text chunks (tEXt, iTXt, zTXt), EXIF (eXIf) and an ICC profile (iCCP)."""
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jane Secret")
    text.add_itxt("Comment", "secret comment")
    text.add_text("Description", "x" * 2000, zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 120, 200)).save(
        buffer, format="PNG", pnginfo=text, exif=_exif(), icc_profile=_srgb_profile()
    )
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def jpeg_segments(data: bytes) -> set[int]:
    """The markers of a JPEG's segments before its image data (0xFE: COM, 0xE1: EXIF/XMP, 0xE2: ICC)."""
    markers, position = set(), 2
    while position + 4 <= len(data) and data[position] == 0xFF and data[position + 1] != 0xDA:
        markers.add(data[position + 1])
        position += 2 + struct.unpack(">H", data[position + 2 : position + 4])[0]
    return markers


def png_chunks(data: bytes) -> set[bytes]:
    chunks, position = set(), 8
    while position + 8 <= len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        chunks.add(data[position + 4 : position + 8])
        position += 12 + length
    return chunks
