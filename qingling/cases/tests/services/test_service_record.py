import datetime as dt
import hashlib
import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qingling.cases.documents import document_generate, document_text, document_void
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Document, Service
from qingling.cases.serving import (
    ServiceDetails,
    service_effective_on,
    service_record,
    service_signed_receipt_upload,
)
from qingling.cases.tests.documents_world import RESPONDENT, build_world
from qingling.cases.tests.steps import ORDER_DAYS, ORDER_UNSERVED, advance
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.core.selectors import workdays_add
from qingling.testing import CURRENT_TIME, BaseTestCase

TODAY = CURRENT_TIME.date()  # Friday 2026-11-27
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
Method = Service.Method


def direct(served_on: dt.date = TODAY) -> ServiceDetails:
    return ServiceDetails(
        method=Method.DIRECT, served_on=served_on, recipient_name="李经理", recipient_role="经理"
    )


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class ServiceRecordTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = advance(self, build_world(self).case, ORDER_UNSERVED)
        self.order = document_generate(
            case=self.case, kind=Document.Kind.ORDER, actor=self.inspector
        )

    def serve(self, details: ServiceDetails, document: Document | None = None) -> Service:
        return service_record(
            document=document or self.order, details=details, actor=self.inspector
        )

    def test_the_order_due_date_runs_from_the_recorded_service_not_the_issue(self) -> None:
        self.assertIsNone(self.case.order_due)
        later = dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC)  # Thursday, a week after the issue
        with time_machine.travel(later, tick=False):
            self.serve(direct(dt.date(2026, 12, 2)))
        self.case.refresh_from_db()
        self.assertEqual(self.case.order_served_on, dt.date(2026, 12, 2))
        expected = workdays_add(start=dt.date(2026, 12, 2), days=ORDER_DAYS).date
        self.assertEqual(self.case.order_due, expected)
        self.assertEqual(expected, dt.date(2026, 12, 16))
        event = AuditEvent.objects.get(action="case.document_served")
        self.assertEqual((event.after or {})["order_due"], "2026-12-16")

    def test_a_second_service_of_the_order_does_not_move_its_due_date(self) -> None:
        self.serve(direct())
        due = type(self.case).objects.get(pk=self.case.pk).order_due
        with time_machine.travel(CURRENT_TIME + dt.timedelta(days=3), tick=False):
            self.serve(direct(TODAY + dt.timedelta(days=3)))
        self.assertEqual(type(self.case).objects.get(pk=self.case.pk).order_due, due)

    def test_refuses_a_date_before_the_issue_or_in_the_future(self) -> None:
        for served_on, message in (
            (TODAY - dt.timedelta(days=1), "before the document's issue date"),
            (TODAY + dt.timedelta(days=1), "in the future"),
        ):
            with self.subTest(served_on=served_on), self.assertRaisesMessage(InvalidInput, message):
                self.serve(direct(served_on))
        self.assertFalse(Service.objects.exists())

    def test_each_method_needs_what_the_law_asks_for(self) -> None:
        cases = [
            (
                ServiceDetails(method=Method.LEFT, served_on=TODAY, recipient_name="李经理"),
                "witnesses",
            ),
            (ServiceDetails(method=Method.POST, served_on=TODAY), "tracking_number"),
            (
                ServiceDetails(method=Method.PUBLIC_NOTICE, served_on=TODAY, notice_days=30),
                "notice_place",
            ),
            (
                ServiceDetails(
                    method=Method.PUBLIC_NOTICE,
                    served_on=TODAY,
                    notice_place="公告栏",
                    notice_days=10,
                ),
                "notice_days",
            ),
            (
                ServiceDetails(
                    method=Method.ELECTRONIC, served_on=TODAY, electronic_address="a@b.cn"
                ),
                "electronic_consent",
            ),
            (
                ServiceDetails(method=Method.ENTRUSTED, served_on=TODAY, recipient_name="李"),
                "entrusted_to",
            ),
            (ServiceDetails(method="pigeon", served_on=TODAY), "method"),
        ]
        for details, field in cases:
            with self.subTest(field=field), self.assertRaises(InvalidInput) as raised:
                self.serve(details)
            self.assertIn(field, raised.exception.extra["fields"])
        left = self.serve(
            ServiceDetails(
                method=Method.LEFT, served_on=TODAY, recipient_name="李经理", witnesses="王村主任"
            )
        )
        self.assertEqual(left.effective_on, TODAY)

    def test_a_public_notice_counts_only_when_its_period_ends(self) -> None:
        notice = ServiceDetails(
            method=Method.PUBLIC_NOTICE,
            served_on=TODAY,
            notice_place="单位住所及本局公告栏",
            notice_days=30,
        )
        service = self.serve(notice)
        # 30 days after Friday 27 November is Sunday 27 December: the next working day
        self.assertEqual(service.effective_on, dt.date(2026, 12, 28))
        self.assertEqual(
            service_effective_on(method=Method.PUBLIC_NOTICE, served_on=TODAY), service.effective_on
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.order_served_on, dt.date(2026, 12, 28))
        self.assertEqual(
            self.case.order_due, workdays_add(start=dt.date(2026, 12, 28), days=ORDER_DAYS).date
        )

    @override_settings(QINGLING_PUBLIC_NOTICE_DAYS=60)
    def test_the_public_notice_period_is_a_setting(self) -> None:
        self.assertEqual(
            service_effective_on(method=Method.PUBLIC_NOTICE, served_on=TODAY), dt.date(2027, 1, 26)
        )

    def test_the_receipt_is_generated_and_hashed_and_the_signed_scan_kept(self) -> None:
        service = self.serve(direct())
        with service.receipt.open("rb") as stored:
            data = stored.read()
        self.assertEqual(hashlib.sha256(data).hexdigest(), service.receipt_sha256)
        text = document_text(data)
        self.assertIn("送达回证", text)
        self.assertIn(self.order.number, text)
        self.assertIn(RESPONDENT, text)
        self.assertIn("直接送达", text)
        service = service_signed_receipt_upload(
            service=service, upload=SimpleUploadedFile("scan.png", PNG), actor=self.inspector
        )
        self.assertEqual(service.signed_receipt_sha256, hashlib.sha256(PNG).hexdigest())
        self.assertTrue(service.signed_receipt.name.endswith(".png"))

    def test_a_signed_receipt_that_is_not_a_scan_is_refused(self) -> None:
        service = self.serve(direct())
        with self.assertRaises(InvalidInput) as raised:
            service_signed_receipt_upload(
                service=service,
                upload=SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf"),
                actor=self.inspector,
            )
        self.assertIn("signed_receipt", raised.exception.extra["fields"])
        service.refresh_from_db()
        self.assertFalse(service.signed_receipt)

    def test_a_voided_document_cannot_be_served_nor_voided_twice(self) -> None:
        document_void(document=self.order, reason="金额有误", actor=self.inspector)
        with self.assertRaisesMessage(Conflict, "voided"):
            self.serve(direct())
        with self.assertRaises(Conflict) as raised:
            document_void(document=self.order, reason="again", actor=self.inspector)
        self.assertEqual(raised.exception.code, "document_voided")
        self.order.refresh_from_db()
        self.assertEqual(self.order.void_reason, "金额有误")  # the first reason stays
        self.assertTrue(self.order.number.endswith("1号"))  # keeps its number

    def test_voiding_needs_a_reason_and_a_served_document_is_not_voided(self) -> None:
        with self.assertRaises(InvalidInput):
            document_void(document=self.order, reason=" ", actor=self.inspector)
        self.serve(direct())
        with self.assertRaises(Conflict) as raised:
            document_void(document=self.order, reason="错误", actor=self.inspector)
        self.assertEqual(raised.exception.code, "document_served")

    def test_an_internal_form_is_not_served(self) -> None:
        form = document_generate(
            case=self.case,
            kind=Document.Kind.CLOSING_APPROVAL,
            actor=self.inspector,
        )
        with self.assertRaises(InvalidInput):
            self.serve(direct(), document=form)

    def test_only_the_case_inspectors_and_chiefs_record_a_service(self) -> None:
        for persona in (self.intake, self.xian, self.outsider, None):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                service_record(document=self.order, details=direct(), actor=persona)

    def test_a_photo_of_a_left_document_is_checked_and_hashed(self) -> None:
        details = ServiceDetails(
            method=Method.LEFT, served_on=TODAY, recipient_name="李经理", witnesses="王村主任"
        )
        with self.assertRaises(InvalidInput):
            service_record(
                document=self.order,
                details=details,
                evidence=SimpleUploadedFile("x.jpg", b"not an image"),
                actor=self.inspector,
            )
        service = service_record(
            document=self.order,
            details=details,
            evidence=SimpleUploadedFile("x.png", io.BytesIO(PNG).read()),
            actor=self.inspector,
        )
        self.assertEqual(service.evidence_sha256, hashlib.sha256(PNG).hexdigest())


@time_machine.travel(CURRENT_TIME, tick=False)
class OrderIssuedStatusTests(BaseTestCase):
    def test_advance_serves_the_order_the_day_it_is_issued(self) -> None:
        case = advance(self, build_world(self).case, CaseStatus.ORDER_ISSUED)
        self.assertEqual(case.order_served_on, TODAY)
        self.assertEqual(case.order_due, dt.date(2026, 12, 11))
