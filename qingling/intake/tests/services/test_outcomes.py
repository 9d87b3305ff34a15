"""Notices, the wait for material, accepted complaints left without a case, settlements."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.intake.channels.base import ComplaintDraft, SettlementLine
from qingling.intake.models import Complaint, Notice, Settlement
from qingling.intake.services import (
    complaint_accept,
    complaint_decline,
    complaint_escalate_without_case,
    complaint_material_scan,
    complaint_register,
    complaint_request_material,
    complaint_settle,
    notice_files_make,
    source_system_create,
)
from qingling.intake.tests.channels.web.test_views import tiny_png
from qingling.notify.models import OutboxMessage
from qingling.reports.statistics import statistics_for_period
from qingling.testing import BaseTestCase

MONDAY = dt.datetime(2021, 3, 1, 2, tzinfo=dt.UTC)  # 10:00 in Liaoyuan


def register(channel: str = "walk_in", **overrides: object) -> Complaint:
    values: dict[str, object] = {
        "name": "王建国",
        "phone": "13843712345",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "division_code": "220402",
        "amount": Decimal(8000),
    }
    values.update(overrides)
    system = values.pop("source_system", None)
    return complaint_register(
        draft=ComplaintDraft(**values),  # type: ignore[arg-type]
        channel=channel,
        actor=None,
        source_system=system,  # type: ignore[arg-type]
    ).complaint


@time_machine.travel(MONDAY, tick=False)
class NoticeTests(BaseTestCase):
    def test_acceptance_issues_a_notice_of_acceptance_to_the_complainant(self) -> None:
        complaint = complaint_accept(complaint=register(), actor=self.intake)
        notice = complaint.notices.get()
        self.assertEqual(notice.kind, Notice.Kind.ACCEPTANCE)
        self.assertEqual(notice.body["title"], "受理通知书")
        self.assertIn(complaint.query_code, "".join(notice.body["paragraphs"]))

    def test_a_refusal_says_why_and_where_to_go_instead(self) -> None:
        complaint = complaint_decline(complaint=register(), reason="not_remit", actor=self.intake)
        body = complaint.notices.get(kind=Notice.Kind.REFUSAL).body
        text = "".join(body["paragraphs"])
        self.assertIn("劳动人事争议仲裁委员会", text)
        self.assertIn("人民法院", text)  # only after arbitration
        self.assertIn("不属于劳动保障监察", text)

    def test_an_anonymous_report_gets_no_notice(self) -> None:
        complaint = register(kind="report", anonymous=True, name="")
        complaint_decline(complaint=complaint, reason="not_remit", actor=self.intake)
        self.assertFalse(Notice.objects.exists())

    def test_the_files_are_made_once_and_kept_with_their_hashes(self) -> None:
        complaint = complaint_accept(complaint=register(), actor=self.intake)
        notice = notice_files_make(notice=complaint.notices.get())
        self.assertEqual(len(notice.docx_sha256), 64)
        self.assertTrue(notice.pdf.open("rb").read().startswith(b"%PDF"))
        again = notice_files_make(notice=notice)
        self.assertEqual((again.docx.name, again.pdf_sha256), (notice.docx.name, notice.pdf_sha256))


class MaterialAndCaseDeadlineTests(BaseTestCase):
    def test_the_wait_for_material_reminds_once_then_closes_with_a_notice(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            complaint = complaint_request_material(
                complaint=register(), note="请补充工地地址", actor=self.intake
            )
        assert complaint.material_remind_on is not None and complaint.material_due is not None
        with time_machine.travel(MONDAY, tick=False):
            self.assertEqual(
                complaint_material_scan(today=complaint.material_remind_on),
                {"reminded": 1, "closed": 0},
            )
            self.assertEqual(
                complaint_material_scan(today=complaint.material_remind_on),
                {"reminded": 0, "closed": 0},
            )
            self.assertEqual(
                OutboxMessage.objects.filter(
                    payload__template="complaint_material_reminder"
                ).count(),
                1,
            )
            after = complaint.material_due + dt.timedelta(days=1)
            self.assertEqual(complaint_material_scan(today=after), {"reminded": 0, "closed": 1})
        complaint.refresh_from_db()
        self.assertEqual(
            (complaint.status, complaint.decision_reason), ("not_accepted", "no_material")
        )
        self.assertTrue(complaint.notices.filter(kind=Notice.Kind.REFUSAL).exists())

    def test_an_accepted_complaint_without_a_case_is_escalated_the_day_after_once(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            complaint = complaint_accept(complaint=register(), actor=self.intake)
        self.assertEqual(complaint.case_due, dt.date(2021, 3, 1))
        self.assertEqual(complaint_escalate_without_case(today=dt.date(2021, 3, 1)), [])
        self.assertEqual(complaint_escalate_without_case(today=dt.date(2021, 3, 2)), [complaint])
        self.assertEqual(complaint_escalate_without_case(today=dt.date(2021, 3, 3)), [])
        complaint.refresh_from_db()
        self.assertIsNotNone(complaint.case_escalated_at)


@time_machine.travel(MONDAY, tick=False)
class SettlementTests(BaseTestCase):
    def settle(self, complaint: Complaint, **overrides: object) -> Settlement:
        values: dict[str, object] = {
            "contacted": "项目经理 刘某",
            "contacted_on": dt.date(2021, 3, 1),
            "agreed": "三日内结清",
            "lines": [SettlementLine("王建国", Decimal(8000), dt.date(2021, 3, 1))],
            "proof": SimpleUploadedFile("转账凭证.png", tiny_png(), "image/png"),
            "worker_confirmed": True,
            "confirmation_note": "电话确认已到账",
            "actor": self.intake,
        }
        values.update(overrides)
        return complaint_settle(complaint=complaint, **values)  # type: ignore[arg-type]

    def test_a_12345_order_settled_closes_replies_and_counts_apart_from_case_money(self) -> None:
        system, _key = source_system_create(
            name="12345", channel="12345", reply_url="https://12345.example/reply", actor=None
        )
        complaint = register("12345", source_ref="GD-1", source_system=system)
        settlement = self.settle(complaint)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, "settled")
        self.assertEqual(settlement.total, Decimal(8000))
        self.assertEqual(len(settlement.proof_sha256), 64)
        reply = OutboxMessage.objects.get(gateway="webhook", payload__source_ref="GD-1")
        self.assertEqual(reply.payload["settlement"]["total"], "8000.00")
        figures = statistics_for_period(start=dt.date(2021, 3, 1), end=dt.date(2021, 3, 31))
        self.assertEqual(figures["complaints_settled"], 1)
        self.assertEqual(figures["amount_settled"], "8000.00")
        self.assertEqual(figures["amount_recovered"], "0.00")

    @translation.override("en")
    def test_a_settlement_without_proof_of_payment_is_refused_and_nothing_written(self) -> None:
        complaint = register()
        with self.assertRaises(InvalidInput) as raised:
            self.settle(complaint, proof=None)
        self.assertIn("proof", raised.exception.extra["fields"])
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, "received")
        self.assertFalse(Settlement.objects.exists())

    def test_every_bad_field_is_named_at_once(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            self.settle(
                register(),
                contacted="",
                lines=[SettlementLine("", Decimal(-1), None)],
                worker_confirmed=False,
            )
        self.assertEqual(
            set(raised.exception.extra["fields"]),
            {"contacted", "payments", "worker_confirmed"},
        )

    def test_a_complaint_with_a_case_is_not_settled_here(self) -> None:
        complaint = complaint_accept(complaint=register(), actor=self.intake)
        Complaint.objects.filter(pk=complaint.pk).update(
            case_number="X", case_opened_on=dt.date(2021, 3, 1)
        )
        complaint.refresh_from_db()
        with self.assertRaises(Conflict):
            self.settle(complaint)

    def test_accepted_without_case_counts_now_with_the_oldest_age(self) -> None:
        complaint_accept(complaint=register(), actor=self.intake)
        with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
            figures = statistics_for_period(start=dt.date(2021, 3, 1), end=dt.date(2021, 3, 31))
        self.assertEqual(figures["accepted_without_case"], {"total": 1, "oldest_days": 3})
