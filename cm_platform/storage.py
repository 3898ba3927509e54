"""Names of stored files: chosen by the server, never by the person who uploaded them.

Every FileField of the project uses `RandomName` as its `upload_to`: the stored name is random
(192 bits: unguessable, so a media URL reveals nothing and cannot be guessed) and ends with the
extension of the type the file was *verified* to be (decoded by Pillow, or parsed by MediaInfo).
The name an upload arrived with is kept in a database field for display only (Media.original_name).
A name with any other extension is refused here, so no code path can store `x.html` or `x.svg`.
"""

import secrets

from django.utils.deconstruct import deconstructible

# The types a stored file may be, and the one extension each is stored with.
VERIFIED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
}
EXTENSIONS = {extension: content_type for content_type, extension in VERIFIED_TYPES.items()}


def extension_for(content_type: str) -> str:
    return VERIFIED_TYPES[content_type]


@deconstructible
class RandomName:
    """`upload_to` for every stored file: `<folder>/<2 characters>/<random>.<verified extension>`.

    The caller passes a name whose extension is the verified type (e.g. "upload.png"); only that
    extension is kept. The two-character shard keeps folders small.
    """

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in EXTENSIONS:
            raise ValueError(f"Refusing to store a file as .{extension}: not a verified type.")
        token = secrets.token_urlsafe(24)
        return f"{self.folder}/{token[:2]}/{token}.{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)
