"""The embedded broker: kombu's filesystem transport, with messages written atomically.

kombu's own writer creates the message file and then writes into it; a worker polling the
folder can pick the file up in between, read nothing, and its consumer dies on the empty JSON
(seen under a burst of a few hundred messages). Here a message is written under a name the
reader ignores and renamed into place: a rename within one folder is atomic, so a reader sees a
whole message or none. Every process that sends (web, beat, workers) uses this class through
settings.CELERY_BROKER_TRANSPORT.
"""

import os
import uuid
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        # A leading dot: the reader only takes names whose part after the first dot is
        # "<queue>.msg", so the file is invisible until it is renamed.
        temporary = os.path.join(self.data_folder_out, f".{name}.part")
        with open(temporary, "wb") as handle:
            handle.write(dumps(payload).encode())
        os.replace(temporary, os.path.join(self.data_folder_out, name))


class FilesystemTransport(filesystem.Transport):
    Channel = Channel
