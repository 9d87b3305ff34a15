import json
import threading
import urllib.error
import urllib.request
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test import LiveServerTestCase
from django.test.testcases import LiveServerThread

from qingling.core.models import Division
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import source_system_create

DELIVERIES = 8


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """For an in-memory SQLite test database, which every server thread shares as one
    connection object: Django's transaction state on it is not thread-safe, so requests
    are handled one after another (as SQLite would serialise their writes anyway). The
    deliveries still arrive at the same moment and wait in the server's queue."""

    lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self.lock:
            super().process_request_thread(request, client_address)


class SharedConnectionServerThread(LiveServerThread):
    server_class = OneRequestAtATimeServer


class ConcurrentPushTests(LiveServerTestCase):
    """Eight deliveries of one work order at the same moment make exactly one complaint.

    On PostgreSQL each request has its own connection and they race for real: the unique
    constraint on (channel, source_ref) decides, and the losers read the winner's row.
    """

    @classmethod
    def setUpClass(cls) -> None:
        # Decided now: only once the test database exists is it known to be in memory.
        if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
            cls.server_thread_class = SharedConnectionServerThread
        super().setUpClass()

    def setUp(self) -> None:
        # A live-server test runs outside a transaction: the divisions that the data
        # migration loaded may have been flushed by an earlier one, so make sure of them.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        self.system, self.key = source_system_create(
            name="12345热线", channel=Channel.HOTLINE_12345, actor=None
        )

    def deliver(
        self, barrier: threading.Barrier, answers: list[tuple[int, dict[str, Any]]]
    ) -> None:
        body = json.dumps(
            {
                "source_ref": "GD20210208-0001",
                "name": "王建国",
                "phone": "13843712345",
                "employer_name": "辽源市鑫盛建筑工程有限公司",
                "division_code": "220402",
                "amount": "120000",
                "headcount": 15,
                "narrative": "市民来电反映：公司拖欠其与工友共15人工资约12万元。",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
            f"{self.live_server_url}/api/v1/complaints",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                answers.append((response.status, json.loads(response.read())))
        except urllib.error.HTTPError as error:
            answers.append((error.code, json.loads(error.read() or b"{}")))

    def test_eight_simultaneous_deliveries_make_one_complaint(self) -> None:
        barrier = threading.Barrier(DELIVERIES)
        answers: list[tuple[int, dict[str, Any]]] = []
        threads = [
            threading.Thread(target=self.deliver, args=(barrier, answers))
            for _ in range(DELIVERIES)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(answers), DELIVERIES, answers)
        self.assertEqual(sorted(status for status, _body in answers), [200] * 7 + [201], answers)
        self.assertEqual(Complaint.objects.count(), 1)
        complaint = Complaint.objects.get()
        self.assertEqual({body["number"] for _status, body in answers}, {complaint.number})
        self.assertEqual(complaint.source_system_id, self.system.pk)
