"""Real, tiny video files made with PyAV (FFmpeg's libraries, bundled in its wheel; tests only)."""

import io

import av
from PIL import Image

# Extension -> (container format, codec, content type): what the media library takes.
KINDS = {
    "mp4": ("mp4", "libx264", "video/mp4"),
    "mov": ("mov", "libx264", "video/quicktime"),
    "webm": ("webm", "libvpx-vp9", "video/webm"),
}
# An ISO-BMFF (MP4) header followed by a page: what the outside probe uploaded as x.html.
PROBE = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom<html><script>alert(1)</script></html>"
EBML_PROBE = b"\x1a\x45\xdf\xa3<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"


def clip(kind: str = "mp4") -> bytes:
    container_format, codec, _content_type = KINDS[kind]
    return clip_in(container_format, codec)


def clip_in(container_format: str, codec: str, size=(64, 48), frames: int = 5) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=10)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for index in range(frames):
            frame = av.VideoFrame.from_image(Image.new("RGB", size, (index * 40, 90, 160)))
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return buffer.getvalue()
