"""An archived case is read-only: every write service of a case, and of what is under
it, refuses it with the same message (``services.case_writable_check``)."""

import inspect
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from qingling.cases import (
    archive,
    compensation,
    decisions,
    documents,
    enforcement,
    evidence,
    imports,
    penalties,
    services,
    serving,
)
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import (
    Case,
    CaseInspector,
    Challenge,
    Compensation,
    Document,
    InvestigationRecord,
    Payment,
    Penalty,
    Proceeding,
    Service,
)
from qingling.cases.procedure import ProceedingStatus
from qingling.cases.serving import ServiceDetails
from qingling.cases.tests.archive_world import PDF, PNG, closed_case_with_a_file, record_details
from qingling.core import clock
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase

# The modules whose services write on a case or on what is under it. A new module of
# case services goes here, and its write services into ``writes`` below.
MODULES: tuple[ModuleType, ...] = (
    services,
    serving,
    documents,
    evidence,
    archive,
    imports,
    decisions,
    enforcement,
    compensation,
    penalties,
)
# Services with an ``actor`` that do not write on an existing case: opening one, reading
# (downloads, whose audit row is no change to the file), the print copies (made for
# every document and record when the file is archived, so only read afterwards), and
# the worker's recount of open cases' deadlines; and the worker's import of a workbook,
# which hands every row to ``claims_import``. (The worker's scan of the procedure's
# clocks, ``enforcement.proceeding_clocks_scan``, takes no actor: it writes alerts, not
# the case, and skips an archived case's procedure.)
NOT_CASE_WRITES = frozenset(
    {
        "case_open",
        "case_archive",
        "archive_file",
        "investigation_record_pdf",
        "case_deadlines_recompute",
        "claims_import_file",
    }
)


def upload(data: bytes = PNG, name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class CaseWritableCheckTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(CURRENT_TIME, tick=False):
            case = closed_case_with_a_file(cls)  # type: ignore[arg-type]
            cls.procedure_under(case)
            archive.case_archive_create(case=case, actor=cls.inspector)
        cls.case = Case.objects.get(pk=case.pk)

    @classmethod
    def procedure_under(cls, case: Case) -> None:
        """A decision procedure with its compensation, fine and a challenge (written
        straight to the tables: only what the services are handed matters here)."""
        today = clock.local_today()
        order = case.documents.get(kind=Document.Kind.ORDER)
        proceeding = Proceeding.objects.create(
            case=case,
            status=ProceedingStatus.DECIDED,
            notice=order,
            notice_served_on=today,
            hearing_offered=True,
            hearing_requested=True,
            statement="要求听证",
            decided_on=today,
            decisions_served_on=today,
        )
        claim = case.claims.first()
        assert claim is not None
        Compensation.objects.create(
            proceeding=proceeding,
            claim=claim,
            base=Decimal("100.00"),
            rate=Decimal("0.50"),
            amount=Decimal("50.00"),
        )
        Penalty.objects.create(
            proceeding=proceeding,
            fine_key="wage_54_unit",
            amount=Decimal("20000.00"),
            decided_on=today,
            due=today,
        )
        Challenge.objects.create(
            proceeding=proceeding, kind="review", lodged_on=today, body="市人民政府"
        )
        Payment.objects.create(
            claim=claim, amount=Decimal("1.00"), paid_on=today, payer_kind="employer"
        )

    def writes(self) -> dict[str, Callable[[], Any]]:
        case = self.case
        claim = case.claims.first()
        assert claim is not None
        order = case.documents.get(kind=Document.Kind.ORDER)
        opening = case.documents.get(kind=Document.Kind.OPENING_APPROVAL)
        service = Service.objects.get(case=case)
        record = InvestigationRecord.objects.get(case=case)
        today = clock.local_today()
        return {
            "case_inspector_assign": lambda: services.case_inspector_assign(
                case=case, inspector=self.inspector2, role=CaseInspector.Role.LEAD, actor=self.chief
            ),
            "case_inspector_remove": lambda: services.case_inspector_remove(
                case=case, inspector=self.inspector2, actor=self.chief
            ),
            "case_transition": lambda: services.case_transition(
                case=case, target=CaseStatus.INVESTIGATING, actor=self.chief
            ),
            "case_extend": lambda: services.case_extend(
                case=case, reason="人数多", actor=self.chief
            ),
            "case_facts_for_respondent_set": lambda: services.case_facts_for_respondent_set(
                case=case, text="经查", actor=self.inspector
            ),
            "claim_add": lambda: services.claim_add(
                case=case, name="新工人", claimed=Decimal("1.00"), actor=self.inspector
            ),
            "claim_update": lambda: services.claim_update(
                claim=claim, verified=Decimal("20000.00"), actor=self.inspector
            ),
            "payment_record": lambda: services.payment_record(
                claim=claim,
                amount=Decimal("1.00"),
                paid_on=today,
                payer_kind="employer",
                actor=self.inspector,
            ),
            "payment_record_for_worker": lambda: services.payment_record_for_worker(
                case=case,
                id_number="220402199001011234",
                amount=Decimal("1.00"),
                paid_on=today,
                payer_kind="employer",
                actor=self.inspector,
            ),
            "payment_reverse": lambda: services.payment_reverse(
                payment=Payment.objects.create(
                    claim=claim, amount=Decimal("5.00"), paid_on=today, payer_kind="employer"
                ),
                amount=Decimal("1.00"),
                reason="错录",
                actor=self.inspector,
            ),
            "case_extra_compensation_set": lambda: services.case_extra_compensation_set(
                case=case, rate=Decimal("0.50"), reason="拖延", actor=self.chief
            ),
            "claims_from_roster": lambda: services.claims_from_roster(
                case=case, actor=self.inspector
            ),
            "claims_import": lambda: imports.claims_import(
                case=case, rows=[], actor=self.inspector
            ),
            "document_generate": lambda: documents.document_generate(
                case=case, kind=Document.Kind.CLOSING_APPROVAL, actor=self.inspector
            ),
            "document_void": lambda: documents.document_void(
                document=opening, reason="错误", actor=self.inspector
            ),
            "service_record": lambda: serving.service_record(
                document=order,
                details=ServiceDetails(method="direct", served_on=today, recipient_name="李"),
                actor=self.inspector,
            ),
            "service_signed_receipt_upload": lambda: serving.service_signed_receipt_upload(
                service=service, upload=upload(), actor=self.inspector
            ),
            "investigation_record_create": lambda: evidence.investigation_record_create(
                case=case, details=record_details(self), actor=self.inspector
            ),
            "investigation_record_scan_upload": lambda: evidence.investigation_record_scan_upload(
                record=record, upload=upload(), actor=self.inspector
            ),
            "evidence_attach": lambda: evidence.evidence_attach(
                case=case,
                kind="payroll",
                title="工资表",
                source="项目部",
                obtained_on=today,
                upload=upload(PDF, "payroll.pdf"),
                actor=self.inspector,
            ),
            "case_archive_create": lambda: archive.case_archive_create(
                case=case, actor=self.inspector
            ),
            **self.procedure_writes(),
        }

    def procedure_writes(self) -> dict[str, Callable[[], Any]]:
        case = self.case
        p = Proceeding.objects.get(case=case)
        compensation_row = Compensation.objects.get(proceeding=p)
        penalty = Penalty.objects.get(proceeding=p)
        payment = Payment.objects.filter(claim__case=case).first()
        assert payment is not None
        challenge = Challenge.objects.get(proceeding=p)
        today = clock.local_today()
        chief, inspector = self.chief, self.inspector
        return {
            "payment_reverse": lambda: services.payment_reverse(
                payment=payment, amount=Decimal("1.00"), reason="录错", actor=inspector
            ),
            "proceeding_start": lambda: decisions.proceeding_start(
                case=case, rate=Decimal("0.50"), rate_reason="拖延", actor=inspector
            ),
            "proceeding_defence_record": lambda: decisions.proceeding_defence_record(
                proceeding=p, statement="申辩", received_on=today, actor=inspector
            ),
            "proceeding_hearing_notice_record": (
                lambda: decisions.proceeding_hearing_notice_record(
                    proceeding=p,
                    notified_on=today,
                    hearing_on=today,
                    place="听证室",
                    actor=inspector,
                )
            ),
            "proceeding_defence_answer": lambda: decisions.proceeding_defence_answer(
                proceeding=p, adopted=False, reasons="无据", actor=inspector
            ),
            "proceeding_waiver_record": lambda: decisions.proceeding_waiver_record(
                proceeding=p, waived_on=today, note="书面放弃", actor=inspector
            ),
            "proceeding_transition": lambda: decisions.proceeding_transition(
                proceeding=p, target=ProceedingStatus.FINAL, actor=inspector
            ),
            "proceeding_decide": lambda: decisions.proceeding_decide(proceeding=p, actor=chief),
            "proceeding_withdraw": lambda: decisions.proceeding_withdraw(
                proceeding=p, reason="错误", actor=chief
            ),
            "challenge_record": lambda: enforcement.challenge_record(
                proceeding=p, kind="suit", lodged_on=today, body="法院", actor=inspector
            ),
            "challenge_decide": lambda: enforcement.challenge_decide(
                challenge=challenge, outcome="upheld", decided_on=today, actor=inspector
            ),
            "proceeding_final": lambda: enforcement.proceeding_final(proceeding=p, actor=inspector),
            "proceeding_carried_out_record": lambda: enforcement.proceeding_carried_out_record(
                proceeding=p, actor=inspector
            ),
            "proceeding_remind": lambda: enforcement.proceeding_remind(
                proceeding=p, actor=inspector
            ),
            "proceeding_apply": lambda: enforcement.proceeding_apply(
                proceeding=p, applied_on=today, actor=inspector
            ),
            "proceeding_ruling": lambda: enforcement.proceeding_ruling(
                proceeding=p, ruling="enforce", ruling_on=today, outcome="执行", actor=inspector
            ),
            "compensation_payment_record": lambda: compensation.compensation_payment_record(
                compensation=compensation_row,
                amount=Decimal("1.00"),
                paid_on=today,
                actor=inspector,
            ),
            "penalty_payment_record": lambda: penalties.penalty_payment_record(
                penalty=penalty,
                paid_on=today,
                amount=Decimal("20000.00"),
                receipt_number="NO1",
                actor=inspector,
            ),
        }

    def test_every_write_service_refuses_an_archived_case(self) -> None:
        events = AuditEvent.objects.count()
        for name, write in self.writes().items():
            with self.subTest(service=name):
                with self.assertRaises(services.CaseArchived) as caught, transaction.atomic():
                    write()
                self.assertEqual(caught.exception.code, "case_archived")
                self.assertEqual(caught.exception.status, 409)
                self.assertIn("archived (归档) on 2026-11-27", caught.exception.message)
                self.assertIn("read-only", caught.exception.message)
                self.assertEqual(list(caught.exception.extra["fields"]), ["case"])
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_walk_covers_every_write_service(self) -> None:
        found = {
            name
            for module in MODULES
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__
            and not name.startswith("_")
            and "actor" in inspect.signature(function).parameters
            and inspect.signature(function).parameters["actor"].kind
            == inspect.Parameter.KEYWORD_ONLY
        }
        self.assertEqual(
            found - NOT_CASE_WRITES, set(self.writes()) - {"payment_record_for_worker"}
        )
