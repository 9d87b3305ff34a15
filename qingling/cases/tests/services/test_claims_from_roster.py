from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_open, case_transition, claim_add, claims_from_roster
from qingling.core.exceptions import Conflict, Forbidden
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number
from qingling.parties.models import Project
from qingling.parties.services import roster_add
from qingling.testing import (
    CURRENT_TIME,
    BaseTestCase,
    make_accepted_complaint,
    make_case,
    make_organization,
    make_project,
)


def case_on_project(test: BaseTestCase, project: Project) -> Case:
    """A case in 龙山区 about ``project``, led by ``inspector`` with ``inspector2``."""
    complaint = make_accepted_complaint()
    return case_open(
        complaints=[complaint],
        respondent=make_organization(test.rng),
        division=test.longshan,
        lead=test.inspector,
        co_inspectors=[test.inspector2],
        project=project,
        actor=test.chief,
    )


def roster_of(test: BaseTestCase, project: Project, *names: str) -> dict[str, str]:
    """Put workers on the project's roster; their ID numbers by name."""
    id_numbers = {}
    for name in names:
        id_numbers[name] = fake_id_number(test.rng)
        roster_add(project=project, name=name, id_number=id_numbers[name], actor=None)
    return id_numbers


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class ClaimsFromRosterTests(BaseTestCase):
    def setUp(self) -> None:
        self.project = make_project(division=self.longshan)
        self.id_numbers = roster_of(self, self.project, "刘德福", "陈小明", "杨大力")
        self.case = case_on_project(self, self.project)

    def test_adds_a_zero_claim_for_each_roster_worker_without_one(self) -> None:
        claim_add(
            case=self.case,
            name="刘德福",
            id_number=self.id_numbers["刘德福"],
            claimed=Decimal("5000.00"),
            actor=self.inspector,
        )
        elsewhere = make_project(division=self.longshan, name="别的项目")
        roster_of(self, elsewhere, "外人")
        added = claims_from_roster(case=self.case, actor=self.inspector2)
        self.assertEqual(added, 2)
        claims = {c.worker.name: c.claimed for c in self.case.claims.select_related("worker")}
        self.assertEqual(
            claims,
            {
                "王建国": Decimal("10000.00"),  # the complainant, from the complaint
                "刘德福": Decimal("5000.00"),  # kept as it was
                "陈小明": Decimal("0.00"),
                "杨大力": Decimal("0.00"),
            },
        )

    def test_a_second_run_adds_nobody_and_records_nothing(self) -> None:
        self.assertEqual(claims_from_roster(case=self.case, actor=self.inspector), 3)
        self.assertEqual(claims_from_roster(case=self.case, actor=self.inspector), 0)
        self.assertEqual(self.case.claims.count(), 4)
        self.assertEqual(AuditEvent.objects.filter(action="case.claims_from_roster").count(), 1)

    def test_is_audited_once_on_the_case_with_the_count(self) -> None:
        claims_from_roster(case=self.case, actor=self.chief)
        event = AuditEvent.objects.get(action="case.claims_from_roster")
        self.assertEqual((event.actor, event.object_id), (self.chief, str(self.case.pk)))
        self.assertEqual(event.after, {"project": self.project.pk, "added": 3})
        self.assertIs(AuditEvent.objects.filter(action="case.claim_add").exists(), False)

    def test_refuses_a_case_without_a_project(self) -> None:
        case = make_case(self, name="李四", phone="13912345678")
        with self.assertRaisesMessage(Conflict, "The case has no project") as raised:
            claims_from_roster(case=case, actor=self.inspector)
        self.assertEqual(raised.exception.code, "case_without_project")
        self.assertEqual(case.claims.count(), 1)

    def test_refuses_someone_who_does_not_work_the_case(self) -> None:
        for persona in (self.intake, self.xian, self.employment):
            with self.subTest(persona=persona.username), self.assertRaises(Forbidden):
                claims_from_roster(case=self.case, actor=persona)
        self.assertEqual(self.case.claims.count(), 1)

    def test_refuses_a_closed_case(self) -> None:
        case_transition(
            case=self.case,
            target=CaseStatus.CLOSED,
            outcome=CaseOutcome.WITHDRAWN,
            note="轻微违法已改正",
            actor=self.chief,
        )
        self.case.refresh_from_db()
        with self.assertRaises(Conflict) as raised:
            claims_from_roster(case=self.case, actor=self.chief)
        self.assertEqual(raised.exception.code, "case_closed")
