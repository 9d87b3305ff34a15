"""Test doubles for the outbox: a scripted gateway and a local HTTP server that records."""

import dataclasses
import threading
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from django.test import override_settings

from qingling.notify.gateways import DEFAULT_GATEWAYS, DeliveryError, Gateway
from qingling.notify.models import OutboxMessage


class FakeGateway(Gateway):
    """Records what it sends; ``outcomes`` scripts the next calls (None = delivered)."""

    sent: ClassVar[list[OutboxMessage]] = []
    outcomes: ClassVar[list[DeliveryError | Exception | None]] = []
    during_send: ClassVar[Callable[[OutboxMessage], None] | None] = None

    def send(self, message: OutboxMessage) -> None:
        if FakeGateway.during_send is not None:
            FakeGateway.during_send(message)
        outcome = FakeGateway.outcomes.pop(0) if FakeGateway.outcomes else None
        if outcome is not None:
            raise outcome
        FakeGateway.sent.append(message)

    @classmethod
    def reset(cls) -> None:
        cls.sent, cls.outcomes, cls.during_send = [], [], None


with_fake_gateway = override_settings(
    QINGLING_NOTIFY_GATEWAYS={**DEFAULT_GATEWAYS, "fake": "qingling.notify.tests.fakes.FakeGateway"}
)


@dataclasses.dataclass
class Recorded:
    path: str
    headers: Message
    body: bytes


class RecordingServer:
    """A ThreadingHTTPServer on 127.0.0.1 (a free port) answering POSTs with ``statuses``
    in turn (200 once they run out) and recording every request."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.requests: list[Recorded] = []
        self.statuses = list(statuses or [])
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                server.requests.append(Recorded(self.path, self.headers, body))
                status = server.statuses.pop(0) if server.statuses else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class CountingGateway(Gateway):
    """Thread-safe: counts each message's sends and which worker (thread) sent it;
    ``first_send`` (if set) is called by each thread before its first send."""

    lock = threading.Lock()
    sends: ClassVar[dict[str, int]] = {}
    by_thread: ClassVar[dict[str, int]] = {}
    first_send: ClassVar[Callable[[], None] | None] = None

    def send(self, message: OutboxMessage) -> None:
        thread = threading.current_thread().name
        with CountingGateway.lock:
            first = thread not in CountingGateway.by_thread
            CountingGateway.by_thread[thread] = CountingGateway.by_thread.get(thread, 0) + 1
        if first and CountingGateway.first_send is not None:
            CountingGateway.first_send()
        with CountingGateway.lock:
            key = str(message.public_id)
            CountingGateway.sends[key] = CountingGateway.sends.get(key, 0) + 1

    @classmethod
    def reset(cls) -> None:
        cls.sends, cls.by_thread, cls.first_send = {}, {}, None


with_counting_gateway = override_settings(
    QINGLING_NOTIFY_GATEWAYS={
        **DEFAULT_GATEWAYS,
        "counting": "qingling.notify.tests.fakes.CountingGateway",
    }
)
