"""The case services tell people after commit (notify.notification_send): the inspectors
assigned, a deadline warning, 督办 with the chiefs, a payment recorded."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.cases.services import case_deadlines_scan, case_inspector_assign, payment_record
from qingling.intake.services import complaint_assign, complaint_escalate_overdue
from qingling.notify.models import Notification, NotificationKind
from qingling.testing import BaseTestCase, make_accepted_complaint, make_case

OPENED = dt.datetime(2021, 2, 8, 2, tzinfo=dt.UTC)  # investigation due 2021-05-11


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@override_settings(LANGUAGE_CODE="en")
class CaseNotificationTests(BaseTestCase):
    def test_opening_a_case_tells_its_inspectors(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            case = make_case(self)
        self.assertEqual(told(NotificationKind.ASSIGNED), {"inspector", "inspector2"})
        notification = Notification.objects.filter(recipient=self.inspector).get()
        self.assertEqual(notification.due, case.investigation_due)
        self.assertIn(case.number, notification.text)
        self.assertEqual(notification.url, f"/cases/{case.public_id}/")

    def test_nothing_is_told_when_the_write_is_rolled_back(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            make_case(self)
        self.assertTrue(callbacks)  # waiting for the commit
        self.assertFalse(Notification.objects.exists())

    def test_an_inspector_added_later_is_told(self) -> None:
        case = make_case(self, co_inspector=False)
        with self.captureOnCommitCallbacks(execute=True):
            case_inspector_assign(case=case, inspector=self.inspector2, role="co", actor=self.chief)
        self.assertEqual(told(NotificationKind.ASSIGNED), {"inspector2"})

    def test_a_payment_tells_the_other_inspectors_of_the_case(self) -> None:
        case = make_case(self)
        with self.captureOnCommitCallbacks(execute=True):
            payment_record(
                claim=case.claims.get(),
                amount=Decimal("100.00"),
                paid_on=case.opened_on,
                payer_kind="employer",
                actor=self.inspector,
            )
        self.assertEqual(told(NotificationKind.PAYMENT), {"inspector2"})
        self.assertIn("100.00", Notification.objects.get(kind=NotificationKind.PAYMENT).text)

    def test_the_deadline_scan_warns_the_inspectors_and_escalates_to_the_chiefs_once(self) -> None:
        with time_machine.travel(OPENED, tick=False):
            make_case(self)
        for day in (dt.date(2021, 4, 30), dt.date(2021, 4, 30), dt.date(2021, 5, 12)):
            with self.captureOnCommitCallbacks(execute=True):
                case_deadlines_scan(today=day)
        self.assertEqual(told(NotificationKind.DEADLINE), {"inspector", "inspector2"})
        self.assertEqual(Notification.objects.filter(kind=NotificationKind.DEADLINE).count(), 2)
        self.assertEqual(
            told(NotificationKind.ESCALATION), {"inspector", "inspector2", "chief", "director"}
        )


@override_settings(LANGUAGE_CODE="en")
class ComplaintNotificationTests(BaseTestCase):
    def test_assigning_a_complaint_tells_the_officer(self) -> None:
        complaint = make_accepted_complaint()
        with self.captureOnCommitCallbacks(execute=True):
            complaint_assign(complaint=complaint, officer=self.inspector, actor=self.chief)
        notification = Notification.objects.get()
        self.assertEqual(notification.recipient, self.inspector)
        self.assertEqual(notification.due, complaint.case_due)

    def test_an_escalation_tells_the_chiefs(self) -> None:
        complaint = make_accepted_complaint()
        type(complaint).objects.filter(pk=complaint.pk).update(status="received")
        with self.captureOnCommitCallbacks(execute=True):
            complaint_escalate_overdue(today=complaint.acceptance_due + dt.timedelta(days=1))
        self.assertEqual(told(NotificationKind.ESCALATION), {"chief", "director"})
