"""What the local test servers share."""

import sys
from http.server import ThreadingHTTPServer


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading server on which a client hanging up early is not an error worth a traceback:
    time-out tests close the connection on purpose while the server still answers."""

    daemon_threads = True
    block_on_close = False  # an answer held back on purpose must not block shutdown
    # socketserver's listen backlog is 5: fifty workers connecting at once would see their
    # connections dropped and retried a second later by TCP, which no real network does (nginx
    # in front of Mastodon listens with 511).
    request_queue_size = 512

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
