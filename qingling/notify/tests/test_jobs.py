import time_machine

from qingling.notify.jobs import BATCH, outbox_deliver
from qingling.notify.models import OutboxMessage
from qingling.notify.services import outbox_enqueue
from qingling.notify.tests.fakes import FakeGateway, with_fake_gateway
from qingling.testing import CURRENT_TIME, BaseTestCase


@with_fake_gateway
class OutboxDeliverJobTests(BaseTestCase):
    def setUp(self) -> None:
        FakeGateway.reset()
        self.addCleanup(FakeGateway.reset)

    def enqueue(self, count: int) -> None:
        for n in range(count):
            outbox_enqueue(
                gateway="fake",
                destination="https://a.example/",
                payload={"n": n},
                subject=None,
                actor=None,
            )

    def test_delivers_everything_due_batch_after_batch_and_says_so(self) -> None:
        with time_machine.travel(CURRENT_TIME, tick=False):
            self.enqueue(BATCH + 3)
            with self.assertLogs("qingling.notify.jobs", "INFO") as logs:
                outbox_deliver()
        self.assertEqual(len(FakeGateway.sent), BATCH + 3)
        self.assertEqual(
            logs.output,
            [
                f"INFO:qingling.notify.jobs:outbox: sent {BATCH}",
                "INFO:qingling.notify.jobs:outbox: sent 3",
            ],
        )
        self.assertIs(OutboxMessage.objects.exclude(status="sent").exists(), False)

    def test_is_silent_when_there_is_nothing_to_do(self) -> None:
        with self.assertNoLogs("qingling.notify.jobs", "INFO"):
            outbox_deliver()
