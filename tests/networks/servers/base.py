"""What the local test servers share."""

import sys
from http.server import ThreadingHTTPServer


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading server on which a client hanging up early is not an error worth a traceback:
    time-out tests close the connection on purpose while the server still answers."""

    daemon_threads = True
    block_on_close = False  # an answer held back on purpose must not block shutdown

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
