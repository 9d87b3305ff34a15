import datetime as dt
from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, CaseInspector
from qingling.cases.services import case_open
from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import (
    CURRENT_TIME,
    BaseTestCase,
    make_accepted_complaint,
    make_case,
    make_organization,
)

SPRING_FESTIVAL_2021 = dt.datetime(2021, 2, 8, 2, tzinfo=dt.UTC)  # Monday 10:00 in Liaoyuan


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class CaseOpenTests(BaseTestCase):
    def open(self, *, opened_on: dt.date | None = None, **complaint: object) -> Case:
        accepted = make_accepted_complaint(**complaint)  # type: ignore[arg-type]
        return case_open(
            complaints=[accepted],
            respondent=make_organization(self.rng),
            division=self.longshan,
            lead=self.inspector,
            co_inspectors=[self.inspector2],
            opened_on=opened_on,
            actor=self.chief,
        )

    @time_machine.travel(SPRING_FESTIVAL_2021, tick=False)
    def test_numbers_cases_in_the_bureaus_format_one_after_another_per_year(self) -> None:
        first = self.open()
        second = self.open(name="李四", phone="13912345678")
        self.assertEqual(first.number, "辽人社监立〔2021〕1号")
        self.assertEqual(second.number, "辽人社监立〔2021〕2号")
        self.assertEqual((second.year, second.sequence), (2021, 2))
        later = self.open(name="赵六", phone="13712345678", opened_on=dt.date(2022, 1, 4))
        self.assertEqual(later.number, "辽人社监立〔2022〕1号")

    @time_machine.travel(SPRING_FESTIVAL_2021, tick=False)
    def test_investigation_is_due_60_working_days_later_across_spring_festival(self) -> None:
        # Counted by hand from the State Council's 2021 schedule, from the day after opening:
        # Feb 9, 10 (1–2); 11–17 Spring Festival; 18, 19, Saturday 20 worked (3–5);
        # Feb 22 – Apr 2, six weeks (6–35); Apr 3–5 Qingming; Apr 6–23 (36–49);
        # Sunday Apr 25 worked (50); Apr 26–30 (51–55); May 1–5 Labour Day;
        # May 6, 7, Saturday 8 worked (56–58); May 10, 11 (59–60).
        case = self.open()
        self.assertEqual(case.opened_on, dt.date(2021, 2, 8))
        self.assertEqual(case.investigation_due, dt.date(2021, 5, 11))
        self.assertIs(case.investigation_due_provisional, False)
        self.assertEqual(case.status, CaseStatus.OPENED)

    @time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC), tick=False)
    def test_a_limit_that_reaches_a_year_without_a_schedule_is_provisional(self) -> None:
        case = self.open()
        # 2026-11-23 … 2026-12-31 holds 29 working days. 2027 has no published schedule, so
        # it skips weekends and the fixed-date holidays only: New Year's Day (a Friday) is
        # skipped; then five weeks (Jan 4 – Feb 5, 30–54) and Feb 8–12, 15 (55–60).
        self.assertEqual(case.investigation_due, dt.date(2027, 2, 15))
        self.assertIs(case.investigation_due_provisional, True)

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_gives_each_complainant_a_claim_and_records_the_inspectors(self) -> None:
        case = make_case(self, amount="12345.67")
        claim = case.claims.get()
        self.assertEqual(claim.worker.name, "王建国")
        self.assertEqual(claim.claimed, Decimal("12345.67"))
        self.assertEqual(claim.paid, Decimal("0.00"))
        self.assertEqual(
            sorted(case.assignments.values_list("inspector__username", "role")),
            [("inspector", CaseInspector.Role.LEAD), ("inspector2", CaseInspector.Role.CO)],
        )
        event = AuditEvent.objects.get(action="case.open")
        self.assertEqual(event.actor, self.chief)
        self.assertEqual((event.after or {})["lead"], str(self.inspector))

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_only_a_chief_approves_opening(self) -> None:
        accepted = make_accepted_complaint()
        for persona in (self.inspector, self.intake, self.outsider, None):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                case_open(
                    complaints=[accepted],
                    respondent=make_organization(self.rng),
                    division=self.longshan,
                    lead=self.inspector,
                    actor=persona,
                )
        self.assertFalse(Case.objects.exists())

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_refuses_inspectors_from_another_jurisdiction(self) -> None:
        accepted = make_accepted_complaint()
        for lead in (self.xian, self.intake):
            with self.subTest(lead=lead), self.assertRaises(InvalidInput) as raised:
                case_open(
                    complaints=[accepted],
                    respondent=make_organization(self.rng),
                    division=self.longshan,
                    lead=lead,
                    actor=self.chief,
                )
            self.assertIn("inspectors", raised.exception.extra["fields"])

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_a_complaint_is_in_one_open_case_at_a_time(self) -> None:
        case = make_case(self)
        with self.assertRaisesMessage(InvalidInput, "already in an open case"):
            case_open(
                complaints=list(case.complaints.all()),
                respondent=case.respondent,
                division=self.longshan,
                lead=self.inspector,
                actor=self.chief,
            )

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_needs_an_accepted_complaint(self) -> None:
        with self.assertRaises(InvalidInput):
            case_open(
                complaints=[],
                respondent=make_organization(self.rng),
                division=self.longshan,
                lead=self.inspector,
                actor=self.chief,
            )
