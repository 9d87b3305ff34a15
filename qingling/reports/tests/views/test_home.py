"""Each role's home: its queues, their reasons and deadlines, the bulk actions, and a
query count that does not grow with the rows."""

from typing import Any

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.accounts.models import User
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import CaseInspector
from qingling.employment.models import Contact
from qingling.employment.services.pairings import pairing_assign
from qingling.employment.tests.world import EmploymentWorld, make_seeker
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_register
from qingling.notify.models import Notification, NotificationKind
from qingling.testing import CURRENT_TIME, make_accepted_complaint, make_case

HOME = reverse("accounts:home")
BULK = reverse("reports:home_bulk")


def received(name: str = "王建国") -> Complaint:
    return complaint_register(
        draft=ComplaintDraft(
            name=name, phone="13843712345", employer_name="辽源市鑫盛建筑", division_code="220402"
        ),
        channel="walk_in",
        actor=None,
    ).complaint


def queue(response: Any, slug: str) -> Any:
    return next(q for q in response.context["queues"] if q.slug == slug)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class HomeQueueTests(EmploymentWorld):
    def test_the_intake_officer_lands_on_new_complaints_due_soonest_and_those_waiting_for_material(
        self,
    ) -> None:
        first, second = received("甲"), received("乙")
        self.login(self.intake)
        response = self.client.get(HOME)
        self.assertEqual([q.slug for q in response.context["queues"]], ["new", "material"])
        rows = queue(response, "new").rows
        self.assertEqual({r.key for r in rows}, {str(first.public_id), str(second.public_id)})
        self.assertEqual(rows[0].due, first.acceptance_due)
        self.assertIn("awaiting a decision", rows[0].why)
        self.assertContains(response, "Accept ticked")

    def test_the_chief_sees_accepted_complaints_without_a_case_awaiting_li_an(self) -> None:
        accepted = make_accepted_complaint()
        self.login(self.chief)
        response = self.client.get(HOME)
        rows = queue(response, "awaiting-case").rows
        self.assertEqual([r.key for r in rows], [str(accepted.public_id)])
        self.assertEqual(rows[0].due, accepted.case_due)
        self.assertIn("no case opened yet", rows[0].why)
        self.assertContains(response, "Assign ticked")

    def test_the_chief_sees_a_closing_waiting_for_approval(self) -> None:
        case = make_case(self)
        case.status = CaseStatus.CLOSING_REQUESTED
        case.save(update_fields=["status"])
        self.login(self.chief)
        rows = queue(self.client.get(HOME), "approvals").rows
        self.assertEqual([r.key for r in rows], [str(case.public_id)])
        self.assertIn("Closing requested", rows[0].why)

    def test_the_inspector_sees_their_cases_by_next_deadline(self) -> None:
        case = make_case(self)
        self.login(self.inspector)
        response = self.client.get(HOME)
        rows = queue(response, "my-cases").rows
        self.assertEqual([r.key for r in rows], [str(case.public_id)])
        self.assertEqual(rows[0].due, case.investigation_due)
        self.login(self.xian)  # not on the case
        self.assertEqual(queue(self.client.get(HOME), "my-cases").rows, [])

    def test_the_director_sees_the_jurisdictions_figures(self) -> None:
        make_case(self, amount="1234.00")
        self.login(self.director)
        figures = {f.label: f.value for f in self.client.get(HOME).context["figures"]}
        self.assertEqual(figures["Open cases"], "1")
        self.assertEqual(figures["Outstanding on open cases (yuan)"], "1,234.00")

    def test_the_employment_officer_sees_pairings_not_contacted(self) -> None:
        seeker = make_seeker(self.rng, name="李四")
        pairing_assign(seeker=seeker, officer=self.employment, actor=None)
        self.login(self.employment)
        rows = queue(self.client.get(HOME), "not-contacted").rows
        self.assertEqual([r.title.split(" · ")[0] for r in rows], ["李四"])
        self.assertIn("no call or visit yet", rows[0].why)

    def test_the_outsider_gets_no_queue(self) -> None:
        received()
        self.login(self.outsider)
        response = self.client.get(HOME)
        self.assertEqual(response.context["queues"], [])
        self.assertContains(response, "Your account has no role yet")


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class HomeQueryCountTests(EmploymentWorld):
    def count(self, user: User) -> int:
        self.login(user)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(HOME).status_code, 200)
        return len(queries)

    def test_the_chiefs_home_does_not_grow_with_the_rows(self) -> None:
        make_accepted_complaint()
        received()
        before = self.count(self.chief)
        for _ in range(3):
            make_accepted_complaint()
            received()
        make_case(self)
        self.assertEqual(self.count(self.chief), before)

    def test_the_inspectors_home_does_not_grow_with_the_rows(self) -> None:
        make_case(self)
        before = self.count(self.inspector)
        make_case(self)
        make_case(self)
        self.assertEqual(self.count(self.inspector), before)

    def test_the_employment_officers_home_does_not_grow_with_the_rows(self) -> None:
        pairing_assign(seeker=make_seeker(self.rng, name="甲"), officer=self.employment, actor=None)
        before = self.count(self.employment)
        for name in ("乙", "丙", "丁"):
            pairing_assign(
                seeker=make_seeker(self.rng, name=name), officer=self.employment, actor=None
            )
        self.assertEqual(self.count(self.employment), before)

    def test_the_intake_and_director_homes_do_not_grow_with_the_rows(self) -> None:
        received()
        intake, director = self.count(self.intake), self.count(self.director)
        for _ in range(3):
            received()
        make_case(self)
        self.assertEqual((self.count(self.intake), self.count(self.director)), (intake, director))


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class HomeBulkTests(EmploymentWorld):
    def test_the_chief_assigns_two_complaints_to_an_inspector_who_is_told(self) -> None:
        first, second = make_accepted_complaint(), make_accepted_complaint()
        self.login(self.chief)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                BULK,
                {
                    "action": "complaints.assign",
                    "officer": self.inspector.pk,
                    "rows": [first.public_id, second.public_id],
                },
                follow=True,
            )
        self.assertContains(response, "2 assigned to inspector")
        self.assertEqual(
            set(Complaint.objects.values_list("assigned_to", flat=True)), {self.inspector.pk}
        )
        told = Notification.objects.filter(recipient=self.inspector, kind=NotificationKind.ASSIGNED)
        self.assertEqual(told.count(), 2)
        self.login(self.inspector)
        rows = queue(self.client.get(HOME), "my-complaints").rows
        self.assertEqual(len(rows), 2)

    def test_a_refused_row_is_reported_and_the_others_are_done(self) -> None:
        mine, other = received("甲"), received("乙")
        Complaint.objects.filter(pk=other.pk).update(status=ComplaintStatus.NOT_ACCEPTED)
        self.login(self.intake)
        response = self.client.post(
            BULK,
            {"action": "complaints.accept", "rows": [mine.public_id, other.public_id]},
            follow=True,
        )
        self.assertContains(response, f"1 accepted: {mine.number}.")
        self.assertContains(response, f"{other.number}: not done.")
        mine.refresh_from_db()
        self.assertEqual(mine.status, ComplaintStatus.ACCEPTED)

    def test_an_inspector_cannot_assign_complaints(self) -> None:
        accepted = make_accepted_complaint()
        self.login(self.inspector)
        response = self.client.post(
            BULK,
            {
                "action": "complaints.assign",
                "officer": self.inspector2.pk,
                "rows": [accepted.public_id],
            },
            follow=True,
        )
        self.assertContains(response, "not done")
        accepted.refresh_from_db()
        self.assertIsNone(accepted.assigned_to)

    def test_the_chief_adds_an_inspector_to_cases_in_bulk(self) -> None:
        case = make_case(self, co_inspector=False)
        self.login(self.chief)
        self.client.post(
            BULK,
            {"action": "cases.assign", "officer": self.inspector2.pk, "rows": [case.public_id]},
        )
        self.assertTrue(
            CaseInspector.objects.filter(case=case, inspector=self.inspector2, role="co").exists()
        )

    def test_the_employment_officer_marks_pairings_contacted(self) -> None:
        seekers = [make_seeker(self.rng, name=name) for name in ("甲", "乙")]
        pairings = [
            pairing_assign(seeker=seeker, officer=self.employment, actor=None) for seeker in seekers
        ]
        self.login(self.employment)
        response = self.client.post(
            BULK,
            {"action": "pairings.contacted", "rows": [p.pk for p in pairings]},
            follow=True,
        )
        self.assertContains(response, "2 marked contacted")
        self.assertEqual(Contact.objects.filter(officer=self.employment).count(), 2)
        self.assertEqual(queue(response, "not-contacted").rows, [])
