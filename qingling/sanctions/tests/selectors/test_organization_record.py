"""The employer's 守法诚信档案 (条例 Art. 47): its handling decisions and penalties from
the decision procedure, with their numbers, dates and amounts, on the organization's
page in a fixed number of queries."""

import datetime as dt

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.cases.decisions import proceeding_decide
from qingling.cases.models import Case, Penalty, Proceeding
from qingling.cases.tests.procedure.world import DEFENCE_DUE, notified, on, overdue_case
from qingling.sanctions.selectors import organization_record
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    make_listing,
    make_ordered_case,
    make_referral,
)
from qingling.testing import BaseTestCase

DECIDED_ON = DEFENCE_DUE + dt.timedelta(days=1)


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
class OrganizationRecordDecisionsTests(BaseTestCase):
    def setUp(self) -> None:
        case = overdue_case(self)
        with on(DECIDED_ON):
            self.proceeding = proceeding_decide(proceeding=notified(self, case), actor=self.chief)
        self.organization = case.respondent

    def test_lists_the_handling_decision_and_the_penalty_with_numbers_dates_and_amounts(
        self,
    ) -> None:
        proceeding = Proceeding.objects.select_related("decision", "penalty_decision").get()
        assert proceeding.decision is not None and proceeding.penalty_decision is not None
        penalty = Penalty.objects.get()
        with on(DECIDED_ON):
            rows = organization_record(organization=self.organization, user=self.chief)
        by_kind = {row.kind: row for row in rows}
        decision = by_kind["Handling decision"]
        self.assertEqual(
            (decision.day, decision.reference), (DECIDED_ON, proceeding.decision.number)
        )
        ordered = sum(c.amount for c in proceeding.compensations.all())
        self.assertIn(f"extra compensation {ordered} yuan", decision.summary)
        fine = by_kind["Penalty"]
        self.assertEqual(
            (fine.day, fine.reference), (penalty.decided_on, proceeding.penalty_decision.number)
        )
        self.assertIn(f"fine {penalty.amount} yuan", fine.summary)
        self.assertIn("unpaid, due", fine.summary)

    def test_the_organization_page_reads_its_record_in_a_fixed_number_of_queries(self) -> None:
        url = reverse("parties:organization_detail", args=[self.organization.public_id])

        def count() -> int:
            with on(DECIDED_ON):
                self.login(self.chief)  # a session lasts 8 hours
                with CaptureQueriesContext(connection) as queries:
                    page = self.client.get(url)
            self.assertEqual(page.status_code, 200)
            return len(queries)

        before = count()
        more = make_ordered_case(self, employer_name="辽源市另一建筑有限公司")
        Case.objects.filter(pk=more.pk).update(respondent=self.organization)
        more.refresh_from_db()
        with time_machine.travel(AFTER_DUE, tick=False):
            make_listing(self, more)
            make_referral(self, more)
        self.assertEqual(count(), before)
