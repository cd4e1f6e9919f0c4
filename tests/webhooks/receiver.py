"""A tiny webhook receiver on 127.0.0.1 for tests: answers a scripted list of statuses."""

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, statuses, delay_s: float = 0):
        self.statuses = list(statuses)
        self.delay_s = delay_s
        self.requests: list[tuple[dict, bytes]] = []
        self.lock = threading.Lock()

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@contextlib.contextmanager
def receiver(statuses=(200,), delay_s: float = 0, tls=None):
    """Yield (url, Receiver); every POST is recorded with its headers and body.
    With `tls` (a server-side ssl.SSLContext) it speaks https."""
    state = Receiver(statuses, delay_s)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with state.lock:
                state.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            if state.delay_s:
                time.sleep(state.delay_s)
            status = state.next_status()
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scheme = "https" if tls is not None else "http"
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}/hook", state
    finally:
        server.shutdown()
        server.server_close()
