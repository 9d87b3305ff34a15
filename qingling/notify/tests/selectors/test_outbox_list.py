from qingling.notify.models import OutboxMessage
from qingling.notify.selectors import outbox_failed_count, outbox_list
from qingling.testing import BaseTestCase

Status = OutboxMessage.Status


class OutboxListTests(BaseTestCase):
    def setUp(self) -> None:
        self.messages = {
            status: OutboxMessage.objects.create(
                gateway="webhook", destination=f"https://a.example/{status}", status=status
            )
            for status in Status.values
        }

    def test_lists_what_is_not_yet_sent_newest_first_by_default(self) -> None:
        self.assertEqual(
            list(outbox_list()),
            [self.messages[s] for s in (Status.FAILED, Status.SENDING, Status.PENDING)],
        )

    def test_filters_by_status(self) -> None:
        for status in Status.values:
            with self.subTest(status):
                self.assertEqual(list(outbox_list(status=status)), [self.messages[status]])

    def test_counts_the_failed(self) -> None:
        self.assertEqual(outbox_failed_count(), 1)
